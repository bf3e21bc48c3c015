// The archive index in the store: recorded from sealed archives, searched, rebuilt from the archives alone,
// on a real SQLite file and, when scripts/pg.sh exported EJOURNAL_PG, on the real PostgreSQL test cluster.
#include "ejournal/store/archive_index.h"

#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <filesystem>

#include "ejournal/store/store.h"

namespace fs = std::filesystem;
using namespace ejournal;

namespace {

store::IndexedArchive sample(const std::string& dir, int seq, const std::string& period, int version,
                             const std::string& supersedes) {
  store::IndexedArchive a;
  a.directory = dir;
  a.fileName = "00000" + std::to_string(seq) + "_" + period + "_v" + std::to_string(version) + ".tar";
  a.schoolId = "1000";
  a.periodId = period;
  a.periodTitle = "период";
  a.sequence = seq;
  a.version = version;
  a.supersedes = supersedes;
  a.manifestSha256 = std::string(63, 'a') + std::to_string(seq);
  a.createdAt = "2026-06-01T10:00:00";
  a.retentionClass = "сводные ведомости";
  a.earliestDisposal = model::Date::fromYmd(2031 + seq, 1, 1);
  a.documents = {
      {"journals/5A.pdf",
       "journal",
       "Классный журнал 5 «А»",
       100,
       std::string(64, 'b'),
       {{"class", {"5А"}}, {"student", {"Ёлкина Анна", "Петров Пётр"}}, {"teacher", {"Иванова М. П."}}}},
      {"summary/5A.pdf", "summary", "Сводная ведомость", 50, std::string(64, 'c'), {{"class", {"5А"}}}},
      {"journals/6B.pdf",
       "journal",
       "Классный журнал 6 «Б»",
       70,
       std::string(64, 'd'),
       {{"class", {"6Б"}}, {"student", {"Сидоров 100%_"}}}},
  };
  return a;
}

void exercise(store::Store& st) {
  auto index = store::openArchiveIndex(st);
  const std::string dir = "/srv/archive-" + std::to_string(::getpid());
  index->rebuild(dir, {});
  BOOST_TEST(index->archives(dir).empty());
  BOOST_TEST(!index->head(dir).has_value());
  index->add(sample(dir, 1, "2025-Q1", 1, ""));
  index->add(sample(dir, 2, "2025-Q2", 1, ""));
  index->add(sample(dir, 3, "2025-Q1", 2, "000001_2025-Q1_v1.tar"));
  index->add(sample(dir, 3, "2025-Q1", 2, "000001_2025-Q1_v1.tar"));  // idempotent
  index->add(sample(dir + "-other", 1, "2024-Q1", 1, ""));

  auto all = index->archives(dir);
  BOOST_REQUIRE_EQUAL(all.size(), 3u);
  BOOST_TEST(all[2].supersedes == "000001_2025-Q1_v1.tar");
  BOOST_REQUIRE_EQUAL(all[0].documents.size(), 3u);
  BOOST_TEST(all[0].documents[0].tags["student"].size() == 2u);
  BOOST_TEST(all[0].documents[0].tags["student"][0] == "Ёлкина Анна");
  BOOST_TEST(*index->head(dir) == all[2].manifestSha256);

  store::ArchiveIndexQuery q;
  q.directory = dir;
  q.tags["student"] = {"елкина"};
  auto hits = index->find(q);
  BOOST_REQUIRE_EQUAL(hits.size(), 2u);  // Q2 and the corrected Q1, not the superseded version
  BOOST_TEST(hits[0].fileName == "000002_2025-Q2_v1.tar");
  BOOST_TEST(hits[1].version == 2);
  BOOST_TEST(hits[0].document == "journals/5A.pdf");
  q.currentOnly = false;
  BOOST_TEST(index->find(q).size() == 3u);
  q.periodId = "2025-Q1";
  BOOST_TEST(index->find(q).size() == 2u);
  store::ArchiveIndexQuery byClass;
  byClass.directory = dir;
  byClass.tags["class"] = {"5а"};
  byClass.kind = "summary";
  BOOST_TEST(index->find(byClass).size() == 2u);
  byClass.year = 2024;
  BOOST_TEST(index->find(byClass).empty());
  store::ArchiveIndexQuery wild;  // LIKE wildcards in the value are literal
  wild.directory = dir;
  wild.tags["student"] = {"100%_"};
  BOOST_TEST(index->find(wild).size() == 2u);
  wild.tags["student"] = {"10_%"};
  BOOST_TEST(index->find(wild).empty());
  wild.tags["student"] = {"Сидоров", "Петров"};  // both in one document: none
  BOOST_TEST(index->find(wild).empty());

  BOOST_TEST(index->pastRetention(dir, model::Date::fromYmd(2032, 12, 31)).size() == 1u);
  BOOST_TEST(index->pastRetention(dir, model::Date::fromYmd(2034, 1, 1)).size() == 3u);

  index->rebuild(dir, {sample(dir, 1, "2025-Q1", 1, "")});
  BOOST_TEST(index->archives(dir).size() == 1u);
  BOOST_TEST(index->archives(dir + "-other").size() == 1u);  // other directories untouched
  index->rebuild(dir, {});
  index->rebuild(dir + "-other", {});
}

}  // namespace

BOOST_AUTO_TEST_CASE(archive_index_on_sqlite) {
  char tmpl[] = "/tmp/ejournal-archive-index-XXXXXX";
  fs::path dir = mkdtemp(tmpl);
  {
    auto st = store::Store::open((dir / "index.db").string());
    exercise(*st);
  }
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(archive_index_on_postgresql) {
  const char* pg = std::getenv("EJOURNAL_PG");
  if (!pg) {
    BOOST_TEST_MESSAGE("EJOURNAL_PG not set (scripts/pg.sh): PostgreSQL part skipped");
    return;
  }
  auto st = store::Store::open(std::string("postgresql:") + pg);
  exercise(*st);
}
