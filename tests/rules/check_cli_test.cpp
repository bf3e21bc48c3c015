// `ejournal check` and `ejournal report ...` through the built binary and a real SQLite store holding
// samples/tiny.xml: exit codes 0 / 1 / 2, the JSON shape, report output in every format.
#define BOOST_TEST_MODULE check_cli
#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "ejournal/model/files.h"
#include "run_cli.h"

namespace fs = std::filesystem;

namespace {

using Run = ejournal::testsupport::CliRun;

struct Fixture {
  fs::path dir;
  std::string db;
  Fixture() {
    char tmpl[] = "/tmp/ejournal-check-XXXXXX";
    dir = mkdtemp(tmpl);
    db = (dir / "j.db").string();
    setenv("EJOURNAL_NOW", "2026-06-01T12:00:00", 1);
    const Run r = run({"ingest", std::string(EJOURNAL_SOURCE_DIR) + "/samples/tiny.xml", "--db", db});
    BOOST_REQUIRE_MESSAGE(r.code == 0, "ingest failed: " + r.err);
  }
  ~Fixture() { fs::remove_all(dir); }

  Run run(const std::vector<std::string>& args) const { return ejournal::testsupport::runCli(args, dir); }
};

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

BOOST_FIXTURE_TEST_SUITE(cli, Fixture)

BOOST_AUTO_TEST_CASE(check_exit_codes_and_json) {
  // Findings: exit 1, one JSON object with a findings array, absent fields null, ids as in the source.
  Run r = run({"check", "--db", db, "--from", "2025-09-01", "--to", "2025-09-12", "--class", "5А", "--format",
               "json"});
  BOOST_TEST(r.code == 1, r.err);
  BOOST_TEST(has(r.out, "\"findings\": ["));
  BOOST_TEST(has(r.out,
                 "\"rule\": \"marks.deadline\", \"severity\": \"error\", \"period\": \"2025-Q1\", \"class\": "
                 "\"5a\", \"class_name\": \"5А\", \"subject\": \"math\", \"subject_name\": \"Математика\", "
                 "\"subgroup\": null, \"teacher\": \"t3\", \"teacher_name\": \"Иванова М. П.\", "
                 "\"lesson_id\": \"l5a-0909-2\", \"date\": \"2025-09-09\", \"student\": null, "
                 "\"student_name\": null"),
             r.out);
  BOOST_TEST(has(r.out, "\"not_checked\": []"));
  // Compliant: 8Б on its first day with the plan-total rule switched off by a rules file -> exit 0.
  const fs::path rules = dir / "rules.xml";
  ejournal::model::writeFileAtomic(rules,
                                   "<rules xmlns=\"urn:ejournal:rules:1\"><rule id=\"hours.plan_total\" "
                                   "enabled=\"false\"/></rules>");
  r = run({"check", "--db", db, "--from", "2025-09-01", "--to", "2025-09-01", "--class", "8Б", "--rules",
           rules.string()});
  BOOST_TEST(r.code == 0, r.out << r.err);
  BOOST_TEST(has(r.out, "Нарушений не выявлено."));
  // Errors: exit 2 with a message saying what is wrong.
  r = run({"check", "--db", db, "--period", "2025-Q9"});
  BOOST_TEST(r.code == 2);
  BOOST_TEST(has(r.err, "--period"), r.err);
  r = run({"check", "--db", db, "--period", "2025-Q1", "--class", "9Я"});
  BOOST_TEST(r.code == 2);
  BOOST_TEST(has(r.err, "9Я"), r.err);
  r = run({"check", "--db", db, "--period", "2025-Q1", "--rules", (dir / "missing.xml").string()});
  BOOST_TEST(r.code == 2);
  // CSV: a header line and one line per finding.
  r = run({"check", "--db", db, "--from", "2025-09-01", "--to", "2025-09-12", "--format", "csv"});
  BOOST_TEST(r.code == 1);
  BOOST_TEST(r.out.rfind("\xEF\xBB\xBFrule;severity;period;class;", 0) == 0u);  // BOM and ';' (issue 15)
  r = run({"check", "--db", db, "--from", "2025-09-01", "--to", "2025-09-12", "--format", "csv",
           "--csv-separator", ","});
  BOOST_TEST(r.out.rfind("rule,severity,period,class,", 0) == 0u);  // RFC 4180
}

BOOST_AUTO_TEST_CASE(reports_in_every_format) {
  for (const char* report : {"control", "program", "results", "substitutions", "forecast"})
    for (const char* format : {"text", "json", "csv"}) {
      const Run r = run({"report", report, "--db", db, "--period", "2025-Q1", "--format", format});
      BOOST_TEST(r.code == 0, report << " " << format << ": " << r.err);
      BOOST_TEST(!r.out.empty(), report << " " << format);
      if (std::string(format) == "json")
        BOOST_TEST(has(r.out, std::string("{\"report\": \"") + report + "\""), report);
    }
  const Run results = run({"report", "results", "--db", db, "--period", "2025-Q1", "--format", "json"});
  BOOST_TEST(has(results.out, "\"quality_percent\": 66.7"), results.out);
  const Run out = run({"report", "program", "--db", db, "--period", "2025-Q1", "--output",
                       (dir / "p.csv").string(), "--format", "csv"});
  BOOST_TEST(out.code == 0);
  BOOST_TEST(has(ejournal::model::readFile(dir / "p.csv"), "planned_to_date"));
  BOOST_TEST(run({"report", "results", "--db", db, "--period", "2025-Q1", "--format", "pdf"}).code == 2);
}

BOOST_AUTO_TEST_SUITE_END()
