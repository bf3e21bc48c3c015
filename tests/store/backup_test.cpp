// Backups and restore of the SQLite store (while a writer is writing), and the store's CLI commands (stats,
// backup, restore) run through the built binary on a database filled with the store API.
#include "ejournal/store/backup.h"

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "ejournal/model/error.h"
#include "ejournal/store/store.h"
#include "store_fixture.h"

using namespace ejournal;
using namespace ejournal::model;
using namespace ejournal::store;
using namespace storetest;
namespace fs = std::filesystem;

namespace {

// One committed write of the writer thread: a lesson and five marks on it, all or nothing.
Journal batch(int i) {
  Journal j;
  j.school.id = "school-1";
  Lesson l;
  l.id = "extra-" + std::to_string(i);
  l.date = Date::fromYmd(2025, 9, 15) + i % 60;
  l.slot = 7;
  l.classId = "5a";
  l.subjectId = "math";
  l.teacherId = "t3";
  l.topic = "Повторение";
  j.lessons.push_back(l);
  for (int k = 0; k < 5; ++k)
    j.marks.push_back({"extra-" + std::to_string(i) + "-" + std::to_string(k),
                       k % 2 ? "s01" : "s02",
                       l.id,
                       "",
                       *MarkValue::parse(std::to_string(2 + k % 4)),
                       1,
                       *DateTime::parse("2025-09-20T10:00:00"),
                       "t3",
                       {}});
  return j;
}

void fill(Store& store) {
  auto tx = store.beginIngest({"xml:test.xml", "run-1", *DateTime::parse("2026-01-15T10:00:00")});
  tx->upsert(sampleJournal());
  tx->commit();
}

}  // namespace

BOOST_AUTO_TEST_CASE(backup_while_writing_then_verify_and_restore) {
  TempDir dir;
  const fs::path dbFile = dir.path() / "ejournal.db";
  auto clock = std::make_shared<FixedClock>(*DateTime::parse("2026-05-31T18:00:00"));
  auto store = Store::open(dbFile.string(), clock);
  fill(*store);

  std::atomic<bool> stop{false};
  std::atomic<int> written{0};
  std::string writerError;
  std::thread writer([&] {
    try {
      for (int i = 0; !stop && i < 100000; ++i) {
        auto tx = store->beginIngest({"xml:batch", "batch-" + std::to_string(i), clock->now()});
        tx->upsert(batch(i));
        tx->commit();
        ++written;
      }
    } catch (const std::exception& e) {
      writerError = e.what();
    }
  });
  while (written < 20) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  std::vector<BackupResult> backups;
  for (int i = 0; i < 4; ++i) {
    backups.push_back(backup(*store, dir.path() / "backups", 3));
    clock->set(*DateTime::parse(("2026-05-31T18:0" + std::to_string(i + 1) + ":00").c_str()));
  }
  // Two in the same second get distinct names.
  clock->set(*DateTime::parse("2026-05-31T18:04:00"));
  BackupResult same1 = backup(*store, dir.path() / "backups", 3);
  BackupResult same2 = backup(*store, dir.path() / "backups", 3);
  stop = true;
  writer.join();
  BOOST_TEST(writerError == "");
  BOOST_TEST(written.load() > 20);

  BOOST_TEST(backups[0].file.filename() == "ejournal-20260531-180000.db");
  BOOST_TEST(same1.file.filename() == "ejournal-20260531-180400.db");
  BOOST_TEST(same2.file.filename() == "ejournal-20260531-180400-2.db");
  BOOST_TEST(same2.removed.size() == 1u);
  // Generations: the three newest are kept.
  std::vector<std::string> left;
  for (const auto& e : fs::directory_iterator(dir.path() / "backups"))
    left.push_back(e.path().filename().string());
  std::sort(left.begin(), left.end());
  BOOST_TEST((left == std::vector<std::string>{"ejournal-20260531-180300.db", "ejournal-20260531-180400-2.db",
                                               "ejournal-20260531-180400.db"}));

  // Each copy is intact and consistent: every batch in it is whole (one lesson, five marks).
  const fs::path kept = dir.path() / "backups" / "ejournal-20260531-180300.db";
  BOOST_TEST(verifyBackup(kept) >= 1);
  size_t keptLessons = 0;
  {
    auto copy = Store::open(kept.string());
    Journal j = copy->load({});
    size_t extraLessons = 0, extraMarks = 0;
    for (const auto& l : j.lessons) extraLessons += l.id.rfind("extra-", 0) == 0;
    for (const auto& m : j.marks) extraMarks += m.id.rfind("extra-", 0) == 0;
    BOOST_TEST(extraLessons > 0u);
    BOOST_TEST(extraMarks == 5 * extraLessons);
    keptLessons = j.lessons.size();
  }
  BOOST_TEST(store->load({}).lessons.size() > keptLessons);  // the writer went on after that copy

  // Restore it: the store becomes exactly the copy.
  store.reset();
  {
    // The store was left in WAL mode with its last writes; restore folds and replaces them.
    restore(kept, dbFile.string());
    auto back = Store::open(dbFile.string());
    BOOST_TEST(back->load({}).lessons.size() == keptLessons);
    BOOST_TEST(
        (!fs::exists(dir.path() / "ejournal.db-wal") || fs::file_size(dir.path() / "ejournal.db-wal") == 0u));
  }

  // A damaged copy is refused, and the store is left as it was.
  const fs::path broken = dir.path() / "broken.db";
  fs::copy_file(kept, broken);
  {
    std::fstream f(broken, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(fs::file_size(broken) / 2));
    std::string junk(8192, '\x5a');
    f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
  }
  BOOST_CHECK_THROW(restore(broken, dbFile.string()), Error);
  { std::ofstream(dir.path() / "not-a-db.db") << "hello"; }
  BOOST_CHECK_THROW(restore(dir.path() / "not-a-db.db", dbFile.string()), Error);
  BOOST_CHECK_THROW(restore(dir.path() / "missing.db", dbFile.string()), Error);
  auto after = Store::open(dbFile.string());
  BOOST_TEST(after->load({}).lessons.size() == keptLessons);
}

BOOST_AUTO_TEST_CASE(postgresql_backups_point_to_pg_dump) {
  std::string cmd = pgDumpCommand("postgresql:host=db.local dbname=region password=secret", "x.dump");
  BOOST_TEST(cmd == "pg_dump --format=custom --file='x.dump' 'host=db.local dbname=region password=***'");
  BOOST_TEST(pgRestoreCommand("postgresql:host=db.local dbname=region", "x.dump").find("pg_restore") == 0u);
  BOOST_CHECK_THROW(restore("x.db", "postgresql:host=db.local dbname=region"), Error);
}

#ifdef EJOURNAL_CLI
namespace {

std::string cli(const std::string& args, int* code, const std::string& env = "") {
  std::string out;
  *code = run(env + " '" + std::string(EJOURNAL_CLI) + "' " + args + " 2>&1", &out);
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(cli_stats_backup_restore) {
  TempDir dir;
  const std::string db = (dir.path() / "cli.db").string();
  {
    auto store = Store::open(db);
    fill(*store);
  }
  int code = -1;
  std::string out = cli("stats --db '" + db + "'", &code);
  BOOST_TEST(code == 0);
  BOOST_TEST_MESSAGE(out);
  BOOST_TEST(out.find("5А") != std::string::npos);
  BOOST_TEST(out.find("10Б") != std::string::npos);
  BOOST_TEST(out.find("1 четверть") != std::string::npos);
  BOOST_TEST(out.find("1 полугодие") != std::string::npos);
  BOOST_TEST(out.find("учебный год") != std::string::npos);

  out = cli("stats --db '" + db + "' --class 5А --period 2025-Q1", &code);
  BOOST_TEST(code == 0);
  BOOST_TEST_MESSAGE(out);
  BOOST_TEST(out.find("10Б") == std::string::npos);
  BOOST_TEST(out.find("2 четверть") == std::string::npos);
  // students 3, lessons 2, marks 4, absences 2 in the 5А row of the first quarter
  std::string row;
  {
    std::istringstream lines(out);
    for (std::string line; std::getline(lines, line);)
      if (line.rfind("5А", 0) == 0 && line.find("1 четверть") != std::string::npos) row = line;
  }
  std::vector<std::string> cells;
  {
    std::istringstream words(row);
    for (std::string w; words >> w;) cells.push_back(w);
  }
  BOOST_TEST_REQUIRE(cells.size() >= 4u, "no 5А first-quarter row in: " << out);
  BOOST_TEST((std::vector<std::string>(cells.end() - 4, cells.end()) ==
              std::vector<std::string>{"3", "2", "4", "2"}),
             row);

  out = cli("stats --db '" + db + "' --class 7В", &code);
  BOOST_TEST(code == 2);
  BOOST_TEST(out.find("7В") != std::string::npos);
  out = cli("stats --db '" + db + "' --period 2025-Q9", &code);
  BOOST_TEST(code == 2);

  const std::string to = (dir.path() / "b").string();
  out = cli("backup --db '" + db + "' --to '" + to + "' --keep 2", &code, "EJOURNAL_NOW=2026-05-31T18:00:00");
  BOOST_TEST(code == 0);
  BOOST_TEST_MESSAGE(out);
  const fs::path first = fs::path(to) / "ejournal-20260531-180000.db";
  BOOST_TEST(fs::exists(first));
  BOOST_TEST(out.find(first.string()) != std::string::npos);

  // Change the store, then restore the copy: the change is gone.
  {
    auto store = Store::open(db);
    auto tx = store->beginIngest({"xml:more", "run-2", *DateTime::parse("2026-05-31T19:00:00")});
    tx->upsert(batch(1));
    tx->commit();
  }
  out = cli("restore --db '" + db + "' '" + first.string() + "'", &code);
  BOOST_TEST(code == 0);
  BOOST_TEST_MESSAGE(out);
  BOOST_TEST(Store::open(db)->load({}).lessons.size() == sampleJournal().lessons.size());

  out = cli("restore --db '" + db + "' '" + (dir.path() / "nope.db").string() + "'", &code);
  BOOST_TEST(code == 2);
  out = cli("backup --db 'postgresql:host=127.0.0.1 dbname=x' --to '" + to + "'", &code);
  BOOST_TEST(code == 2);
  BOOST_TEST(out.find("pg_dump --format=custom") != std::string::npos);
}
#endif
