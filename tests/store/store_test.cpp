// Store tests, each run against SQLite (a temp file) and PostgreSQL (a fresh database, when EJOURNAL_PG is
// set): round trip, idempotent upsert, mark change history, rollback, migrations, one school per store,
// stats, load filters, private files, Russian errors.
#define BOOST_TEST_MODULE store
#include "ejournal/store/store.h"

#include <Poco/Data/Session.h>
#include <sys/stat.h>

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>

#include "../../store/src/database.h"
#include "ejournal/model/error.h"
#include "ejournal/store/backup.h"
#include "store_fixture.h"

using namespace ejournal;
using namespace ejournal::model;
using namespace ejournal::store;
using namespace storetest;
using namespace Poco::Data::Keywords;

namespace {

std::shared_ptr<FixedClock> clockAt(const char* t) {
  return std::make_shared<FixedClock>(*DateTime::parse(t));
}

Provenance prov(const std::string& run) {
  return {"xml:test.xml", run, *DateTime::parse("2026-01-15T10:00:00")};
}

size_t historyCount(const Journal& j) {
  size_t n = 0;
  for (const auto& m : j.marks) n += m.history.size();
  return n;
}

IngestSummary ingest(Store& store, const Journal& j, const std::string& run) {
  auto tx = store.beginIngest(prov(run));
  tx->upsert(j);
  return tx->commit();
}

// The journal split as a document arrives: reference data first, then the lessons with what hangs on them.
std::pair<Journal, Journal> split(const Journal& j) {
  Journal ref = j, rest;
  ref.lessons.clear();
  ref.marks.clear();
  ref.attendance.clear();
  ref.periodMarks.clear();
  rest.school.id = j.school.id;
  rest.lessons = j.lessons;
  rest.marks = j.marks;
  rest.attendance = j.attendance;
  rest.periodMarks = j.periodMarks;
  return {ref, rest};
}

int countRows(Store& store, const std::string& sql) {
  Database& db = databaseOf(store);
  Poco::Data::Session s = db.session();
  int n = 0;
  s << sql, into(n), now;
  return n;
}

}  // namespace

BOOST_AUTO_TEST_CASE(round_trip_model_store_model) {
  forEachBackend([](const storetest::Backend& b) {
    auto store = Store::open(b.connection, clockAt("2026-01-15T10:05:00"));
    BOOST_TEST((store->backend() == (b.name == "sqlite" ? ejournal::store::Backend::SQLite
                                                        : ejournal::store::Backend::PostgreSQL)));
    Journal j = sampleJournal();
    auto [ref, rest] = split(j);
    auto tx = store->beginIngest(prov("run-1"));
    tx->upsert(ref);
    tx->upsert(rest);
    IngestSummary sum = tx->commit();
    BOOST_TEST(sum.inserted == recordCount(j));
    BOOST_TEST(sum.updated == 0u);
    BOOST_TEST(sum.unchanged == 0u);
    BOOST_TEST(sum.markChanges == historyCount(j));

    Journal back = store->load({});
    BOOST_TEST(dump(back) == dump(j));
    BOOST_TEST(store->schools() == std::vector<std::string>{"school-1"});

    // Provenance: the run is recorded, and every row names it.
    BOOST_TEST(countRows(*store,
                         "SELECT COUNT(*) FROM ingest_runs WHERE run_id = 'run-1' AND source = "
                         "'xml:test.xml' AND started_at = '2026-01-15T10:00:00' AND finished_at = "
                         "'2026-01-15T10:05:00'") == 1);
    BOOST_TEST(countRows(*store, "SELECT COUNT(*) FROM marks WHERE run_id <> 'run-1'") == 0);

    // A reopened store (migrations already applied) reads the same.
    store.reset();
    store = Store::open(b.connection);
    BOOST_TEST(dump(store->load({"school-1", std::nullopt, ""})) == dump(j));
  });
}

BOOST_AUTO_TEST_CASE(reingest_changes_nothing) {
  forEachBackend([](const storetest::Backend& b) {
    auto store = Store::open(b.connection);
    Journal j = sampleJournal();
    ingest(*store, j, "run-1");
    IngestSummary again = ingest(*store, j, "run-2");
    BOOST_TEST(again.inserted == 0u);
    BOOST_TEST(again.updated == 0u);
    BOOST_TEST(again.markChanges == 0u);
    BOOST_TEST(again.unchanged == recordCount(j));
    BOOST_TEST(dump(store->load({})) == dump(j));
    // Unchanged rows keep the run that wrote them.
    BOOST_TEST(countRows(*store, "SELECT COUNT(*) FROM lessons WHERE run_id = 'run-2'") == 0);
    BOOST_TEST(countRows(*store, "SELECT COUNT(*) FROM ingest_runs") == 2);
  });
}

// The version a journal cache compares (the service's JournalCache): the same while nothing is committed, new
// after every committed ingest (of unchanged data too, and through another Store on the same database, as
// another service instance would), the same after a rolled-back one.
BOOST_AUTO_TEST_CASE(the_store_version_changes_with_every_committed_ingest_from_any_process) {
  forEachBackend([](const storetest::Backend& b) {
    auto store = Store::open(b.connection);
    auto other = Store::open(b.connection);
    const std::string empty = store->version();
    BOOST_TEST(store->version() == empty);
    Journal j = sampleJournal();
    ingest(*store, j, "run-1");
    const std::string first = store->version();
    BOOST_TEST(first != empty);
    BOOST_TEST(other->version() == first);
    ingest(*other, j, "run-2");  // nothing changes in the data, but a run was committed
    const std::string second = store->version();
    BOOST_TEST(second != first);
    {
      auto tx = other->beginIngest(prov("run-3"));
      tx->upsert(j);
    }  // rolled back
    BOOST_TEST(store->version() == second);
  });
}

// A school's version (what the service's journal cache of that school compares): new after each committed
// ingest of that school, from any Store on the database; the same after another school's ingest, so one
// school's upload does not make a region's instances reload every school; the same after a rolled-back one.
BOOST_AUTO_TEST_CASE(a_school_version_changes_with_its_own_ingests_only) {
  forEachBackend([](const storetest::Backend& b) {
    auto store = Store::open(b.connection);
    auto other = Store::open(b.connection);
    const std::string none = store->schoolVersion("school-a");
    ingest(*store, sampleJournal("school-a"), "run-a1");
    const std::string a1 = store->schoolVersion("school-a");
    BOOST_TEST(a1 != none);
    BOOST_TEST(other->schoolVersion("school-a") == a1);
    BOOST_TEST(store->schoolVersion("school-b") == none);  // no runs yet
    const std::string whole = store->version();
    ingest(*other, sampleJournal("school-b"), "run-b1");
    BOOST_TEST(store->version() != whole);               // the store's changed
    BOOST_TEST(store->schoolVersion("school-a") == a1);  // school-a's did not
    const std::string b1 = store->schoolVersion("school-b");
    BOOST_TEST(b1 != none);
    ingest(*other, sampleJournal("school-a"), "run-a2");  // unchanged data, but a run of school-a
    const std::string a2 = store->schoolVersion("school-a");
    BOOST_TEST(a2 != a1);
    BOOST_TEST(store->schoolVersion("school-b") == b1);
    {
      auto tx = other->beginIngest(prov("run-a3"));
      tx->upsert(sampleJournal("school-a"));
    }  // rolled back
    BOOST_TEST(store->schoolVersion("school-a") == a2);
  });
}

BOOST_AUTO_TEST_CASE(changed_records_update_and_mark_history_grows) {
  forEachBackend([](const storetest::Backend& b) {
    auto store = Store::open(b.connection, clockAt("2026-01-20T08:00:00"));
    Journal j = sampleJournal();
    ingest(*store, j, "run-1");

    Journal newer = j;
    // m01: 5 -> 4, re-entered by t1 at a known time; m02: 4 -> 3 with no entry time (the ingest time is
    // used).
    newer.marks[0].value = *MarkValue::parse("4");
    newer.marks[0].enteredAt = *DateTime::parse("2025-09-08T12:00:00");
    newer.marks[0].enteredBy = "t1";
    newer.marks[1].value = *MarkValue::parse("3");
    newer.marks[1].enteredAt = DateTime{};
    newer.marks[1].enteredBy = "t3";
    // m03 gets a third history entry in the document, its value following it: stored once, not doubled.
    newer.marks[2].value = *MarkValue::parse("4");
    newer.marks[2].history.push_back(
        {*MarkValue::parse("3"), *MarkValue::parse("4"), *DateTime::parse("2025-09-06T09:00:00"), "t3"});
    newer.marks[2].enteredAt = *DateTime::parse("2025-09-06T09:00:00");
    newer.lessons[0].topic = "Натуральные числа и шкалы";
    newer.students[1].enrolments.push_back({"10b", Date::fromYmd(2026, 1, 12), std::nullopt});
    newer.students[1].enrolments[0].to = Date::fromYmd(2026, 1, 11);

    IngestSummary sum = ingest(*store, newer, "run-2");
    BOOST_TEST(sum.inserted == 0u);
    BOOST_TEST(sum.updated == 5u);
    BOOST_TEST(sum.markChanges == 3u);
    BOOST_TEST(sum.unchanged == recordCount(j) - 5);

    Journal back = store->load({});
    const Mark& m1 = back.marks[0];
    BOOST_TEST(m1.value.toString() == "4");
    BOOST_REQUIRE(m1.history.size() == 1u);
    BOOST_TEST(m1.history[0].oldValue->toString() == "5");
    BOOST_TEST(m1.history[0].newValue->toString() == "4");
    BOOST_TEST(m1.history[0].at.toString() == "2025-09-08T12:00:00");
    BOOST_TEST(m1.history[0].by == "t1");
    const Mark& m2 = back.marks[1];
    BOOST_REQUIRE(m2.history.size() == 1u);
    BOOST_TEST(m2.history[0].at.toString() == "2026-01-15T10:00:00");  // the ingest run's time
    BOOST_TEST(m2.history[0].oldValue->toString() == "4");
    BOOST_TEST(back.marks[2].history.size() == 3u);
    BOOST_TEST(back.lessons[0].topic == "Натуральные числа и шкалы");
    BOOST_TEST(back.students[1].enrolments.size() == 2u);
    BOOST_TEST(dump(back).find("change 4|3|2026-01-15T10:00:00|t3") != std::string::npos);

    // The same newer export again: nothing changes, no duplicate history.
    IngestSummary again = ingest(*store, newer, "run-3");
    BOOST_TEST(again.updated == 0u);
    BOOST_TEST(again.markChanges == 0u);
    BOOST_TEST(dump(store->load({})) == dump(back));
  });
}

BOOST_AUTO_TEST_CASE(rollback_without_commit_and_on_error_half_way) {
  forEachBackend([](const storetest::Backend& b) {
    auto store = Store::open(b.connection);
    Journal j = sampleJournal();
    auto [ref, rest] = split(j);
    {
      auto tx = store->beginIngest(prov("run-lost"));
      tx->upsert(ref);
      tx->upsert(rest);
    }  // destroyed without commit
    BOOST_TEST(store->schools().empty());
    BOOST_TEST(countRows(*store, "SELECT COUNT(*) FROM lessons") == 0);

    // A second part refers to a lesson that does not exist: the error names the mark, and nothing is stored.
    Journal bad = rest;
    bad.marks.back().lessonId = "no-such-lesson";
    {
      auto tx = store->beginIngest(prov("run-bad"));
      tx->upsert(ref);
      try {
        tx->upsert(bad);
        BOOST_FAIL("a mark of an unknown lesson was accepted");
      } catch (const Error& e) {
        BOOST_TEST(e.where() == "оценка " + bad.marks.back().id);
      }
      BOOST_CHECK_THROW(tx->commit(), Error);
    }
    BOOST_TEST(store->schools().empty());
    BOOST_TEST(countRows(*store, "SELECT COUNT(*) FROM ingest_runs") == 0);
    BOOST_TEST(countRows(*store, "SELECT COUNT(*) FROM staff") == 0);

    // The store still works afterwards.
    ingest(*store, j, "run-ok");
    BOOST_TEST(dump(store->load({})) == dump(j));
  });
}

BOOST_AUTO_TEST_CASE(migrations_from_an_old_version_and_concurrent_open) {
  forEachBackend([](const storetest::Backend& b) {
    {
      // A store holding data, as the current program left it (every migration applied).
      auto store = Store::open(b.connection);
      ingest(*store, sampleJournal(), "run-1");
      Database& db = databaseOf(*store);
      BOOST_TEST(db.schemaVersion() == allMigrations().back().version);
      // A later migration arrives (as a new program version would bring): it is applied once, data kept.
      std::vector<Migration> newer = allMigrations();
      newer.push_back({99,
                       "test: an added column and table",
                       {"CREATE TABLE test_extra (school_id TEXT NOT NULL, id {autoid}, payload {blob})",
                        "ALTER TABLE staff ADD COLUMN test_note TEXT NOT NULL DEFAULT ''"}});
      db.migrate(newer);
      db.migrate(newer);
      BOOST_TEST(db.schemaVersion() == 99);
      BOOST_TEST(countRows(*store, "SELECT COUNT(*) FROM schema_version WHERE version = 99") == 1);
      BOOST_TEST(countRows(*store, "SELECT COUNT(*) FROM staff WHERE test_note = ''") == 3);
      // A failing migration leaves the schema as it was.
      newer.push_back({100, "test: broken", {"CREATE TABLE test_ok (x INTEGER)", "THIS IS NOT SQL"}});
      BOOST_CHECK_THROW(db.migrate(newer), Error);
      BOOST_TEST(db.schemaVersion() == 99);
      BOOST_TEST(countRows(*store, "SELECT COUNT(*) FROM test_extra") == 0);
      BOOST_CHECK_THROW(countRows(*store, "SELECT COUNT(*) FROM test_ok"), std::exception);
    }
  });
  // Several processes opening one fresh database at once: each migration is applied exactly once.
  forEachBackend([](const storetest::Backend& b) {
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 6; ++i)
      threads.emplace_back([&] {
        try {
          auto store = Store::open(b.connection);
          store->schools();
        } catch (const std::exception& e) {
          BOOST_TEST_MESSAGE("open failed: " << e.what());
          ++failures;
        }
      });
    for (auto& t : threads) t.join();
    BOOST_TEST(failures.load() == 0);
    auto store = Store::open(b.connection);
    BOOST_TEST(countRows(*store, "SELECT COUNT(*) FROM schema_version") ==
               static_cast<int>(allMigrations().size()));
  });
}

// A regional installation keeps many schools in one store: each school's journal goes in and comes out on its
// own, the same ids in two schools never meet, and a load that names no school says which schools there are.
BOOST_AUTO_TEST_CASE(two_schools_are_stored_side_by_side_and_load_apart) {
  forEachBackend([](const storetest::Backend& b) {
    auto store = Store::open(b.connection);
    Journal a = sampleJournal("school-a");
    Journal c = sampleJournal("school-b");
    c.school.shortName = "МБОУ СОШ № 2";
    c.marks[0].value =
        *MarkValue::parse(c.marks[0].value.toString() == "5" ? "4" : "5");  // the same mark id, another value
    ingest(*store, a, "run-a");
    BOOST_TEST(dump(store->load({})) == dump(a));  // one school: it need not be named
    const auto sb = ingest(*store, c, "run-b");
    BOOST_TEST(sb.inserted == recordCount(c));  // nothing of school-a counts as school-b's
    BOOST_TEST((store->schools() == std::vector<std::string>{"school-a", "school-b"}));
    BOOST_TEST(dump(store->load({"school-a", std::nullopt, ""})) == dump(a));
    BOOST_TEST(dump(store->load({"school-b", std::nullopt, ""})) == dump(c));
    try {
      store->load({});
      BOOST_FAIL("a load naming no school chose one of two");
    } catch (const Error& e) {
      BOOST_TEST((e.kind() == ErrorKind::Input));
      BOOST_TEST(e.message().find("school-a «" + a.school.shortName + "», school-b «МБОУ СОШ № 2»") !=
                     std::string::npos,
                 e.message());
    }
    // A change in one school touches nothing of the other.
    Journal c2 = c;
    c2.marks[0].value = a.marks[0].value;
    const auto s2 = ingest(*store, c2, "run-b2");
    BOOST_TEST(s2.updated == 1u);
    BOOST_TEST(s2.markChanges == 1u);
    BOOST_TEST(ingest(*store, a, "run-a2").unchanged == recordCount(a));
    BOOST_TEST(store->load({"school-a", std::nullopt, ""}).marks[0].history.size() ==
               a.marks[0].history.size());
    BOOST_TEST(store->load({"school-b", std::nullopt, ""}).marks[0].history.size() ==
               c.marks[0].history.size() + 1);
    BOOST_TEST(store->stats({"school-b", std::nullopt, ""}).size() ==
               store->stats({"school-a", std::nullopt, ""}).size());
    try {
      store->load({"school-x", std::nullopt, ""});
      BOOST_FAIL("an unknown school loaded");
    } catch (const Error& e) {
      BOOST_TEST((e.kind() == ErrorKind::NotFound));
    }
  });
}

// Two first ingests of different schools at once both get in, each whole.
BOOST_AUTO_TEST_CASE(racing_first_ingests_of_two_schools_store_both) {
  forEachBackend([](const storetest::Backend& b) {
    auto store = Store::open(b.connection);
    std::atomic<int> ok{0};
    std::vector<std::thread> threads;
    for (const char* id : {"school-a", "school-b"})
      threads.emplace_back([&, id] {
        try {
          ingest(*store, sampleJournal(id), std::string("run-") + id);
          ++ok;
        } catch (const Error& e) {
          BOOST_TEST_MESSAGE(id << ": " << e.what());
        }
      });
    for (auto& t : threads) t.join();
    BOOST_TEST(ok.load() == 2);
    BOOST_TEST(store->schools().size() == 2u);
    for (const char* id : {"school-a", "school-b"})
      BOOST_TEST(dump(store->load({id, std::nullopt, ""})) == dump(sampleJournal(id)));
  });
}

BOOST_AUTO_TEST_CASE(load_filters_by_dates_and_class) {
  forEachBackend([](const storetest::Backend& b) {
    auto store = Store::open(b.connection);
    Journal j = sampleJournal();
    ingest(*store, j, "run-1");

    Journal sep = store->load({"", DateRange{Date::fromYmd(2025, 9, 1), Date::fromYmd(2025, 9, 30)}, ""});
    BOOST_TEST(sep.lessons.size() == 3u);
    BOOST_TEST(sep.marks.size() == 5u);  // m06 is in November
    BOOST_TEST(sep.attendance.size() == 3u);
    BOOST_TEST(sep.students.size() == j.students.size());  // reference data is not filtered
    BOOST_TEST(sep.marks[2].history.size() == 2u);

    Journal c5 = store->load({"", std::nullopt, "5a"});
    BOOST_TEST(c5.lessons.size() == 3u);
    for (const auto& l : c5.lessons) BOOST_TEST(l.classId == "5a");
    BOOST_TEST(c5.marks.size() == 5u);  // m04 is in 10b
    BOOST_TEST(c5.periodMarks.size() == 3u);
    BOOST_TEST(c5.lessons[1].works.size() == 2u);

    Journal none = store->load({"", DateRange{Date::fromYmd(2025, 9, 3), Date::fromYmd(2025, 9, 3)}, "10b"});
    BOOST_TEST(none.lessons.empty());
    BOOST_TEST(none.marks.empty());
    BOOST_TEST(none.attendance.empty());
  });
}

BOOST_AUTO_TEST_CASE(stats_per_class_period_and_year) {
  forEachBackend([](const storetest::Backend& b) {
    auto store = Store::open(b.connection);
    ingest(*store, sampleJournal(), "run-1");
    std::vector<ClassStats> st = store->stats({});
    auto find = [&](const std::string& cls, const std::string& period) -> const ClassStats& {
      for (const auto& s : st)
        if (s.classId == cls && s.periodId == period) return s;
      BOOST_FAIL("no stats row for " + cls + " " + period);
      return st.front();
    };
    // 5А: quarters and the year, no half-years; 10Б: half-years and the year.
    BOOST_TEST(st.size() == 5u + 3u);
    BOOST_TEST(st.front().classId == "5a");  // grade order: 5А before 10Б
    const ClassStats& q1 = find("5a", "2025-Q1");
    BOOST_TEST(q1.className == "5А");
    BOOST_TEST(q1.students == 3);  // s03 leaves on 2025-11-10
    BOOST_TEST(q1.lessons == 2);
    BOOST_TEST(q1.marks == 4);
    BOOST_TEST(q1.absences == 2);
    const ClassStats& q2 = find("5a", "2025-Q2");
    BOOST_TEST(q2.students == 3);  // s03 still there on 2025-11-05..10
    BOOST_TEST(q2.lessons == 1);
    BOOST_TEST(q2.marks == 1);
    BOOST_TEST(q2.absences == 1);
    const ClassStats& q3 = find("5a", "2025-Q3");
    BOOST_TEST(q3.students == 2);
    BOOST_TEST(q3.lessons == 0);
    const ClassStats& y5 = find("5a", "");
    BOOST_TEST(y5.lessons == 3);
    BOOST_TEST(y5.marks == 5);
    BOOST_TEST(y5.absences == 3);
    const ClassStats& h1 = find("10b", "2025-H1");
    BOOST_TEST(h1.className == "10Б");
    BOOST_TEST(h1.students == 2);
    BOOST_TEST(h1.lessons == 1);
    BOOST_TEST(h1.marks == 1);
    BOOST_TEST(h1.absences == 0);  // late is not an absence
    BOOST_TEST(find("10b", "2025-H2").lessons == 0);

    std::vector<ClassStats> only = store->stats({"", std::nullopt, "10b"});
    BOOST_TEST(only.size() == 3u);
    BOOST_CHECK_THROW(store->stats({"", std::nullopt, "9z"}), Error);
  });
}

namespace {

unsigned modeOf(const std::filesystem::path& p) {
  struct stat st {};
  BOOST_REQUIRE_MESSAGE(::stat(p.c_str(), &st) == 0, "no file " + p.string());
  return st.st_mode & 07777;
}

}  // namespace

// The store holds pupils' personal data and password hashes: its file, WAL and shared-memory file, and
// backups are the owner's only, whatever the umask (they were 0644, and 0666 with umask 000).
BOOST_AUTO_TEST_CASE(store_and_backup_files_are_private_whatever_the_umask) {
  for (mode_t mask : {mode_t{0}, mode_t{022}}) {
    BOOST_TEST_CONTEXT("umask " << std::oct << mask) {
      TempDir dir;
      const mode_t old = ::umask(mask);
      {
        const auto file = dir.path() / "private.db";
        auto store = Store::open(file.string());
        ingest(*store, sampleJournal(), "run-1");
        BOOST_TEST(modeOf(file) == 0600u);
        BOOST_TEST(modeOf(file.string() + "-wal") == 0600u);
        BOOST_TEST(modeOf(file.string() + "-shm") == 0600u);
        const BackupResult r = backup(*store, dir.path() / "backups" / "daily", 2);
        BOOST_TEST(modeOf(dir.path() / "backups") == 0700u);
        BOOST_TEST(modeOf(dir.path() / "backups" / "daily") == 0700u);
        BOOST_TEST(modeOf(r.file) == 0600u);
        restore(r.file, (dir.path() / "restored.db").string());
        BOOST_TEST(modeOf(dir.path() / "restored.db") == 0600u);
      }
      ::umask(old);
    }
  }
}

// What a user reads when the store cannot be opened is Russian; the connector's English is kept as the
// detail.
BOOST_AUTO_TEST_CASE(store_errors_are_russian_with_the_english_as_detail) {
  TempDir dir;
  const std::regex english("[A-Za-z]{2,}(, | )+[A-Za-z]{2,}");
  const auto refusal = [&](const std::string& connection) {
    try {
      Store::open(connection);
    } catch (const Error& e) {
      BOOST_TEST(!std::regex_search(e.message(), english), e.message());
      BOOST_TEST(std::string(e.what()).find(e.detail()) == std::string::npos);
      return e;
    }
    BOOST_FAIL("opened: " + connection);
    throw;
  };
  const Error noDir = refusal((dir.path() / "no-such-dir" / "x.db").string());
  BOOST_TEST(noDir.message().find("не удаётся открыть файл базы данных") != std::string::npos,
             noDir.message());
  BOOST_TEST(!noDir.detail().empty());
  std::ofstream(dir.path() / "text.db")
      << "это не база данных, а текст, и довольно длинный, чтобы SQLite его прочёл\n";
  const Error notDb = refusal((dir.path() / "text.db").string());
  BOOST_TEST(notDb.message().find("не является базой данных") != std::string::npos, notDb.message());
  const Error noServer = refusal("postgresql:host=127.0.0.1 port=1 dbname=x user=x connect_timeout=2");
  BOOST_TEST(noServer.message().find("не удаётся подключиться к базе данных") != std::string::npos,
             noServer.message());
}
