// `ejournal report all` through the built binary against a real store (SQLite, and PostgreSQL when
// EJOURNAL_PG is set): one load, and every file it writes is byte for byte what `ejournal check` and
// `ejournal report NAME` print with the same scope and format; its exit code is the check's; bad arguments
// are Russian errors.
#define BOOST_TEST_MODULE report_all
#include <sys/stat.h>

#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "ejournal/model/files.h"
#include "run_cli.h"
#include "service_env.h"

namespace fs = std::filesystem;
using ejournal::testsupport::CliRun;

namespace {

struct Dir {
  fs::path path;
  Dir() {
    char tmpl[] = "/tmp/ejournal-report-all-XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~Dir() { fs::remove_all(path); }
};

CliRun run(const std::vector<std::string>& args, const fs::path& dir) {
  return ejournal::testsupport::runCli(args, dir);
}

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

const char* const kReports[] = {"control", "program", "results", "substitutions", "forecast"};

// The store connection for a back end, holding `xml` ingested.
std::string storeWith(const std::string& backend, const fs::path& dir, const std::string& xml,
                      const std::string& tag) {
  const std::string db = backend == "sqlite" ? (dir / "j.db").string()
                                             : ejournal::servicetest::freshPostgres("ejt_report_all_" + tag);
  const CliRun r = run({"ingest", xml, "--db", db}, dir);
  BOOST_REQUIRE_MESSAGE(r.code == 0, "ingest failed: " + r.err);
  return db;
}

// `report all` with `scope` into a fresh directory equals each single command with the same scope, per
// format.
void expectSameAsSingle(const std::string& db, const fs::path& dir, const std::string& name,
                        const std::vector<std::string>& scope) {
  for (const char* format : {"text", "json", "csv"}) {
    BOOST_TEST_CONTEXT("format " << format) {
      const fs::path out = dir / name / format;
      std::vector<std::string> args = {"report",   "all",  "--db",  db,
                                       "--format", format, "--dir", out.string()};
      args.insert(args.end(), scope.begin(), scope.end());
      const CliRun all = run(args, dir);
      std::vector<std::string> checkArgs = {"check", "--db", db, "--format", format};
      checkArgs.insert(checkArgs.end(), scope.begin(), scope.end());
      const CliRun check = run(checkArgs, dir);
      BOOST_TEST(all.code == check.code, all.err);
      BOOST_TEST((check.code == 0 || check.code == 1), check.err);
      BOOST_TEST(has(all.out, "Записано: " + (out / (std::string("check.") + format)).string()), all.out);
      BOOST_TEST(ejournal::model::readFile(out / (std::string("check.") + format)) == check.out);
      for (const char* report : kReports) {
        BOOST_TEST_CONTEXT("report " << report) {
          std::vector<std::string> single = {"report", report, "--db", db, "--format", format};
          single.insert(single.end(), scope.begin(), scope.end());
          const CliRun one = run(single, dir);
          BOOST_TEST(one.code == 0, one.err);
          const fs::path file = out / (std::string(report) + "." + format);
          BOOST_TEST_REQUIRE(fs::exists(file));
          BOOST_TEST(ejournal::model::readFile(file) == one.out);
          struct stat st {};
          BOOST_TEST(::stat(file.c_str(), &st) == 0);
          BOOST_TEST((st.st_mode & 0777) == 0600u);
        }
      }
      struct stat st {};
      BOOST_TEST(::stat(out.c_str(), &st) == 0);
      BOOST_TEST((st.st_mode & 0777) == 0700u);
    }
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(tiny_journal_every_scope_and_format) {
  setenv("EJOURNAL_NOW", "2026-06-01T12:00:00", 1);
  for (const auto& backend : ejournal::servicetest::backends()) {
    BOOST_TEST_CONTEXT("back end " << backend) {
      Dir dir;
      const std::string db =
          storeWith(backend, dir.path, std::string(EJOURNAL_SOURCE_DIR) + "/samples/tiny.xml", "tiny");
      expectSameAsSingle(db, dir.path, "q1", {"--period", "2025-Q1"});
      expectSameAsSingle(db, dir.path, "class",
                         {"--from", "2025-09-01", "--to", "2025-09-12", "--class", "5А"});
    }
  }
}

BOOST_AUTO_TEST_CASE(sample_year_of_eleven_classes) {
  setenv("EJOURNAL_NOW", "2026-06-01T12:00:00", 1);
  Dir dir;
  const fs::path xml = dir.path / "year.xml";
  const CliRun s = run({"sample", "--classes", "11", "--seed", "2025", "-o", xml.string()}, dir.path);
  BOOST_REQUIRE_MESSAGE(s.code == 0, s.err);
  for (const auto& backend : ejournal::servicetest::backends()) {
    BOOST_TEST_CONTEXT("back end " << backend) {
      Dir store;
      const std::string db = storeWith(backend, store.path, xml.string(), "year");
      expectSameAsSingle(db, store.path, "year", {"--period", "2025-year"});
    }
  }
}

BOOST_AUTO_TEST_CASE(bad_arguments_are_russian_errors) {
  setenv("EJOURNAL_NOW", "2026-06-01T12:00:00", 1);
  Dir dir;
  const std::string db =
      storeWith("sqlite", dir.path, std::string(EJOURNAL_SOURCE_DIR) + "/samples/tiny.xml", "x");
  CliRun r = run({"report", "all", "--db", db, "--period", "2025-Q1"}, dir.path);
  BOOST_TEST(r.code == 2);
  BOOST_TEST(has(r.err, "--dir"), r.err);
  r = run({"report", "all", "--db", db, "--period", "2025-Q1", "--dir", (dir.path / "o").string(), "--format",
           "xml"},
          dir.path);
  BOOST_TEST(r.code == 2);
  BOOST_TEST(has(r.err, "неизвестный формат «xml»"), r.err);
  BOOST_TEST(!fs::exists(dir.path / "o"));
  ejournal::model::writeFileAtomic(dir.path / "file", "x");
  r = run({"report", "all", "--db", db, "--period", "2025-Q1", "--dir", (dir.path / "file").string()},
          dir.path);
  BOOST_TEST(r.code == 2);
  BOOST_TEST(has(r.err, "это не каталог"), r.err);
  r = run({"report", "all", "--db", db, "--period", "2025-Q9", "--dir", (dir.path / "o").string()}, dir.path);
  BOOST_TEST(r.code == 2);
  BOOST_TEST(has(r.err, "--period"), r.err);
}
