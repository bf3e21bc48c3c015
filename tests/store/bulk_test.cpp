// Store tests of the bulk ingest (on PostgreSQL rows go through COPY and staged upserts,
// store/src/pg_bulk.h), each run against SQLite and PostgreSQL: the COPY text escaping, special characters
// and empty strings in every kind of text column (through the batch and through the one-row-at-a-time
// fallback), a generated year stored the same on both back ends, re-ingest unchanged, one changed mark, a bad
// record late in a large batch, two schools in one transaction.
#include <Poco/Data/Session.h>

#include <boost/test/unit_test.hpp>
#include <map>
#include <string>
#include <vector>

#include "../../store/src/database.h"
#include "../../store/src/pg_bulk.h"
#include "ejournal/model/error.h"
#include "ejournal/samples/generator.h"
#include "ejournal/store/store.h"
#include "store_fixture.h"

using namespace ejournal;
using namespace ejournal::model;
using namespace ejournal::store;
using namespace storetest;
using namespace Poco::Data::Keywords;

namespace {

Provenance provAt(const std::string& run) {
  return {"xml:bulk.xml", run, *DateTime::parse("2026-02-01T10:00:00")};
}

int count(Store& store, const std::string& sql) {
  Poco::Data::Session s = databaseOf(store).session();
  int n = 0;
  s << sql, into(n), now;
  return n;
}

// The generated 11-class year with few pupils (about 10,000 lessons, 27,000 marks): large enough for several
// thousand rows per table in one batch, generated once.
const Journal& year() {
  static const Journal j = [] {
    samples::SampleOptions o;
    o.studentsPerClass = 8;
    return samples::generate(o).journal;
  }();
  return j;
}

IngestSummary ingestParts(Store& store, const std::vector<Journal>& ps, const std::string& run) {
  auto tx = store.beginIngest(provAt(run));
  for (const auto& p : ps) tx->upsert(p);
  return tx->commit();
}

IngestSummary ingestOne(Store& store, const Journal& j, const std::string& run) {
  return ingestParts(store, {j}, run);
}

// Strings COPY's text format must carry unchanged: its delimiter, line ends, escapes, its end-of-data marker,
// what looks like its NULL, quotes, Cyrillic, and the empty string.
const std::vector<std::string> kTricky = {
    "таб\tи\nперевод\r\nстроки",
    "обратная \\ черта \\\\ и \\N",
    "\\.",
    "\\N",
    "кавычки ' \" «» и `",
    "",
    "\\",
    "a\\tb\\nc",
    "конец строки\n",
    "\t",
};

}  // namespace

BOOST_AUTO_TEST_CASE(copy_text_escaping_round_trips) {
  std::string line;
  for (size_t i = 0; i < kTricky.size(); ++i) {
    if (i) line += '\t';
    appendCopyText(line, kTricky[i], "поле");
  }
  BOOST_TEST(line.find('\n') == std::string::npos);  // one row is one line
  BOOST_TEST(splitCopyLine(line) == kTricky);
  std::string marker;
  appendCopyText(marker, "\\.", "поле");
  BOOST_TEST(marker == "\\\\.");  // never COPY's end-of-data line
  std::string empty;
  appendCopyText(empty, "", "поле");
  BOOST_TEST(empty.empty());  // an empty string, not \N (NULL)
  std::string nul;
  try {
    appendCopyText(nul, std::string("a\0b", 3), "урок l1");
    BOOST_FAIL("a NUL byte was accepted");
  } catch (const Error& e) {
    BOOST_TEST((e.kind() == ErrorKind::Input));
    BOOST_TEST(e.where() == "урок l1");
  }
}

// Every kind of text column (ids, keys, names, topics, optional text left empty) keeps tabs, line ends,
// backslashes, quotes, "\." and Cyrillic, and an empty string stays an empty string, never NULL: through the
// batch (first ingest) and through the one-row-at-a-time path (a part holding one mark twice, changed twice,
// which PostgreSQL refuses as one statement).
BOOST_AUTO_TEST_CASE(special_characters_round_trip_in_every_text_column) {
  forEachBackend([](const storetest::Backend& b) {
    Journal j = sampleJournal();
    size_t k = 0;
    auto next = [&] { return kTricky[k++ % kTricky.size()]; };
    j.school.fullName = "Лицей " + next();
    j.school.address = next();
    j.school.director = next();
    for (auto& h : j.holidays) h.name = "каникулы " + next();
    for (auto& s : j.staff) {
      s.middleName = next();
      s.position = next();
      s.email = next();
    }
    for (auto& s : j.subjects) s.shortName = next();
    for (auto& s : j.students) s.middleName = next();
    j.students[1].middleName = "";  // optional text left empty
    for (auto& g : j.subgroups) g.name = next();
    for (auto& p : j.plan) {
      p.topic = next();
      p.workTopic = next();
    }
    for (auto& l : j.lessons) {
      l.topic = next();
      l.homework = next();
      for (auto& w : l.works) w.topic = next();
    }
    j.lessons[1].works[1].id = "w\\.\t«б»";  // an own key of a child row
    j.marks[0].id = "m01\\.\t«а»";           // a primary key
    for (auto& m : j.marks) m.enteredBy = next();
    for (auto& p : j.periodMarks) p.enteredBy = next();

    auto store = Store::open(b.connection);
    BOOST_TEST(ingestOne(*store, j, "run-1").inserted == recordCount(j));
    BOOST_TEST(dump(store->load({})) == dump(j));
    int emptyMiddle = 0;
    for (const auto& s : j.students) emptyMiddle += s.middleName.empty();
    BOOST_TEST(emptyMiddle > 0);
    BOOST_TEST(count(*store, "SELECT COUNT(*) FROM students WHERE middle_name = ''") == emptyMiddle);
    BOOST_TEST(count(*store, "SELECT COUNT(*) FROM students WHERE middle_name IS NULL") == 0);

    // The first mark twice in one part, its value changed twice; lessons changed to other tricky text.
    Journal newer = j;
    for (auto& l : newer.lessons) l.topic = next() + "!" + next();
    Mark first = newer.marks[0], second = newer.marks[0];
    first.value = *MarkValue::parse("4");
    first.enteredAt = *DateTime::parse("2025-09-08T12:00:00");
    second.value = *MarkValue::parse("3");
    second.enteredAt = *DateTime::parse("2025-09-09T12:00:00");
    newer.marks[0] = first;
    newer.marks.insert(newer.marks.begin() + 1, second);
    const IngestSummary sum = ingestOne(*store, newer, "run-2");
    BOOST_TEST(sum.updated == newer.lessons.size() + 2);
    BOOST_TEST(sum.markChanges == 2u);

    Journal expected = newer;
    expected.marks.erase(expected.marks.begin());
    expected.marks[0].history = {
        {*MarkValue::parse("5"), *MarkValue::parse("4"), first.enteredAt, first.enteredBy},
        {*MarkValue::parse("4"), *MarkValue::parse("3"), second.enteredAt, second.enteredBy}};
    BOOST_TEST(dump(store->load({})) == dump(expected));
    BOOST_TEST(ingestOne(*store, expected, "run-3").unchanged == recordCount(expected));
  });
}

// A generated year in parts: stored the same on both back ends (the load of PostgreSQL equals that of
// SQLite), the same again all unchanged, then one changed mark is one update and one history entry.
BOOST_AUTO_TEST_CASE(large_year_reingest_unchanged_and_one_changed_mark) {
  static std::string sqliteDump;
  forEachBackend([](const storetest::Backend& b) {
    const Journal& j = year();
    const auto ps = samples::inParts(j, 1500);
    auto store = Store::open(b.connection);
    const IngestSummary first = ingestParts(*store, ps, "run-1");
    BOOST_TEST(first.inserted == recordCount(j));
    BOOST_TEST(first.updated == 0u);
    const std::string loaded = dump(store->load({}));
    if (b.name == "sqlite")
      sqliteDump = loaded;
    else
      BOOST_TEST((loaded == sqliteDump), "PostgreSQL stores the year otherwise than SQLite");

    const IngestSummary again = ingestParts(*store, ps, "run-2");
    BOOST_TEST(again.inserted == 0u);
    BOOST_TEST(again.updated == 0u);
    BOOST_TEST(again.markChanges == 0u);
    BOOST_TEST(again.unchanged == recordCount(j));

    Journal changed = j;
    Mark& m = changed.marks[changed.marks.size() / 2];
    const std::string before = m.value.toString();
    m.value = *MarkValue::parse(before == "5" ? "4" : "5");
    const int history = count(*store, "SELECT COUNT(*) FROM mark_history");
    const IngestSummary upd = ingestParts(*store, samples::inParts(changed, 1500), "run-3");
    BOOST_TEST(upd.updated == 1u);
    BOOST_TEST(upd.inserted == 0u);
    BOOST_TEST(upd.markChanges == 1u);
    BOOST_TEST(upd.unchanged == recordCount(j) - 1);
    BOOST_TEST(count(*store, "SELECT COUNT(*) FROM mark_history") == history + 1);
    BOOST_TEST(count(*store, "SELECT COUNT(*) FROM mark_history WHERE mark_id = '" + m.id +
                                 "' AND old_value = '" + before + "' AND new_value = '" + m.value.toString() +
                                 "' AND run_id = 'run-3'") == 1);
    BOOST_TEST(count(*store, "SELECT COUNT(*) FROM marks WHERE run_id = 'run-3'") == 1);
  });
}

// A record PostgreSQL refuses near the end of a part of tens of thousands of rows: the error names that
// record, and nothing of the run is stored.
BOOST_AUTO_TEST_CASE(bad_record_late_in_a_large_batch_rolls_back_and_is_named) {
  forEachBackend([](const storetest::Backend& b) {
    auto store = Store::open(b.connection);
    auto expectRefused = [&](const Journal& bad, const std::string& where) {
      auto tx = store->beginIngest(provAt("run-bad"));
      try {
        tx->upsert(bad);
        BOOST_FAIL("a bad record was accepted: " + where);
      } catch (const Error& e) {
        BOOST_TEST(e.where() == where);
        BOOST_TEST(!e.message().empty());
      }
      BOOST_CHECK_THROW(tx->commit(), Error);
    };
    Journal bad = year();
    bad.marks[bad.marks.size() - 2].studentId = "нет-такого-ученика";
    expectRefused(bad, "оценка " + bad.marks[bad.marks.size() - 2].id);
    bad = year();
    bad.lessons.back().classId = "нет-такого-класса";
    expectRefused(bad, "урок " + bad.lessons.back().id);
    if (b.name == "postgresql") {
      // A NUL byte, which PostgreSQL cannot store (SQLite keeps it), is refused before anything is sent.
      bad = year();
      bad.lessons[bad.lessons.size() - 3].topic = std::string("тема\0", 9);
      expectRefused(bad, "урок " + bad.lessons[bad.lessons.size() - 3].id);
    }
    BOOST_TEST(store->schools().empty());
    for (const char* table : {"lessons", "marks", "attendance", "staff", "ingest_runs"})
      BOOST_TEST(count(*store, std::string("SELECT COUNT(*) FROM ") + table) == 0, table);

    // The store still takes the good year afterwards.
    BOOST_TEST(ingestOne(*store, year(), "run-ok").inserted == recordCount(year()));
  });
}

// One transaction carrying two schools' parts in turn (the same ids in both): each school's rows stay its
// own.
BOOST_AUTO_TEST_CASE(two_schools_in_one_transaction_stay_apart) {
  forEachBackend([](const storetest::Backend& b) {
    Journal a = year(), c = year();
    a.school.id = "school-a";
    c.school.id = "school-b";
    c.school.shortName = "Школа Б";
    c.marks[0].value = *MarkValue::parse(a.marks[0].value.toString() == "5" ? "4" : "5");
    const auto pa = samples::inParts(a, 2500), pc = samples::inParts(c, 2500);
    auto store = Store::open(b.connection);
    {
      auto tx = store->beginIngest(provAt("run-ab"));
      for (size_t i = 0; i < pa.size(); ++i) {
        tx->upsert(pa[i]);
        tx->upsert(pc[i]);
      }
      BOOST_TEST(tx->commit().inserted == 2 * recordCount(a));
    }
    BOOST_TEST((store->schools() == std::vector<std::string>{"school-a", "school-b"}));
    for (const char* table : {"lessons", "marks", "attendance", "period_marks", "enrolments", "works"})
      BOOST_TEST(
          count(*store, std::string("SELECT COUNT(*) FROM ") + table + " WHERE school_id = 'school-a'") ==
              count(*store, std::string("SELECT COUNT(*) FROM ") + table + " WHERE school_id = 'school-b'"),
          table);
    const Journal la = store->load({"school-a", std::nullopt, ""}),
                  lc = store->load({"school-b", std::nullopt, ""});
    BOOST_TEST(la.marks.size() == a.marks.size());
    const auto valueOf = [](const Journal& j, const std::string& id) {
      for (const auto& m : j.marks)
        if (m.id == id) return m.value.toString();
      return std::string("-");
    };
    BOOST_TEST(valueOf(la, a.marks[0].id) == a.marks[0].value.toString());
    BOOST_TEST(valueOf(lc, c.marks[0].id) == c.marks[0].value.toString());
    BOOST_TEST(lc.school.shortName == "Школа Б");
    // Each school again on its own: nothing of the other counts as its own.
    BOOST_TEST(ingestParts(*store, pa, "run-a").unchanged == recordCount(a));
    BOOST_TEST(ingestParts(*store, pc, "run-b").unchanged == recordCount(c));
  });
}
