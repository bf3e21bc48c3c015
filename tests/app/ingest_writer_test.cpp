// app::IngestWriter against a real store (SQLite, and PostgreSQL when EJOURNAL_PG is set): parts stored on
// its writer thread in the one transaction give the same journal as storing them on the caller's thread; a
// part the store refuses surfaces as that error on the caller's thread (at the next push or at finish) and
// nothing is committed.
#define BOOST_TEST_MODULE ingest_writer
#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "ejournal/ingest/ingest.h"
#include "ejournal/model/clock.h"
#include "ejournal/model/error.h"
#include "ejournal/model/files.h"
#include "service_env.h"
#include "usecases.h"

namespace fs = std::filesystem;
using namespace ejournal;

namespace {

struct Dir {
  fs::path path;
  Dir() {
    char tmpl[] = "/tmp/ejournal-ingest-writer-XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~Dir() { fs::remove_all(path); }
};

std::string connection(const std::string& backend, const fs::path& dir, const std::string& tag) {
  return backend == "sqlite" ? (dir / (tag + ".db")).string()
                             : servicetest::freshPostgres("ejt_writer_" + tag);
}

// The journal's parts as the reader hands them over, in small batches so there are many.
std::vector<model::Journal> partsOf(const std::string& xml) {
  ingest::ReadOptions o;
  o.batchRecords = 50;
  std::vector<model::Journal> parts;
  ingest::readJournal(
      xml, "tiny.xml", [&](const model::Journal& p) { parts.push_back(p); }, o);
  return parts;
}

std::string exported(store::Store& st) { return ingest::writeJournal(st.load(store::LoadFilter{})); }

}  // namespace

BOOST_AUTO_TEST_CASE(parts_stored_by_the_writer_equal_parts_stored_in_line) {
  const auto clock = std::make_shared<model::FixedClock>(*model::DateTime::parse("2025-10-20T10:00:00"));
  const auto parts = partsOf(model::readFile(fs::path(EJOURNAL_SOURCE_DIR) / "samples" / "tiny.xml"));
  BOOST_TEST_REQUIRE(parts.size() > 3u);
  for (const auto& backend : servicetest::backends()) {
    BOOST_TEST_CONTEXT("back end " << backend) {
      Dir dir;
      auto inLine = store::Store::open(connection(backend, dir.path, "inline"), clock);
      auto threaded = store::Store::open(connection(backend, dir.path, "threaded"), clock);
      store::IngestSummary a, b;
      {
        auto tx = inLine->beginIngest({"xml:tiny.xml", "run-a", clock->now()});
        for (const auto& p : parts) tx->upsert(p);
        a = tx->commit();
      }
      {
        auto tx = threaded->beginIngest({"xml:tiny.xml", "run-b", clock->now()});
        app::IngestWriter writer(*tx);
        for (const auto& p : parts) writer.push(p);
        writer.finish();
        b = tx->commit();
      }
      BOOST_TEST(a.inserted == b.inserted);
      BOOST_TEST(a.updated == b.updated);
      BOOST_TEST(a.unchanged == b.unchanged);
      BOOST_TEST(a.markChanges == b.markChanges);
      BOOST_TEST(a.inserted > 0u);
      BOOST_TEST(exported(*inLine) == exported(*threaded));
    }
  }
}

BOOST_AUTO_TEST_CASE(a_refused_part_is_the_callers_error_and_nothing_is_stored) {
  const auto clock = std::make_shared<model::FixedClock>(*model::DateTime::parse("2025-10-20T10:00:00"));
  auto parts = partsOf(model::readFile(fs::path(EJOURNAL_SOURCE_DIR) / "samples" / "tiny.xml"));
  BOOST_TEST_REQUIRE(parts.size() > 3u);
  parts[2].school.id.clear();  // the store refuses a part without its school
  for (const auto& backend : servicetest::backends()) {
    BOOST_TEST_CONTEXT("back end " << backend) {
      Dir dir;
      auto st = store::Store::open(connection(backend, dir.path, "refused"), clock);
      bool thrown = false;
      try {
        auto tx = st->beginIngest({"xml:tiny.xml", "run-c", clock->now()});
        app::IngestWriter writer(*tx);
        for (const auto& p : parts) writer.push(p);
        writer.finish();
        tx->commit();
      } catch (const Error& e) {
        thrown = true;
        BOOST_TEST(std::string(e.what()).find("идентификатор школы") != std::string::npos, e.what());
      }
      BOOST_TEST(thrown);
      BOOST_TEST(st->schools().empty());
    }
  }
}
