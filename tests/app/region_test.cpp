// The regional comparison report over a real store holding two different schools (samples/tiny.xml and a copy
// as another school without 5А's English lessons): app::buildRegionalReport on SQLite and (with EJOURNAL_PG)
// PostgreSQL — each school's own figures, its recorded check and open findings, its latest seal from the
// archive index — and `ejournal report region` through the built binary in every format.
#define BOOST_TEST_MODULE region
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <sys/stat.h>

#include <array>
#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <filesystem>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "ejournal/model/clock.h"
#include "ejournal/model/error.h"
#include "ejournal/model/files.h"
#include "ejournal/store/archive_index.h"
#include "followup.h"
#include "regional_usecase.h"
#include "run_cli.h"
#include "service_env.h"
#include "shell.h"
#include "usecases.h"

namespace fs = std::filesystem;
using namespace ejournal;

namespace {

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

struct Dir {
  fs::path path;
  Dir() {
    char tmpl[] = "/tmp/ejournal-region-XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~Dir() { fs::remove_all(path); }
};

std::string tinyXml() { return model::readFile(fs::path(EJOURNAL_SOURCE_DIR) / "samples" / "tiny.xml"); }

// tiny.xml as another school: its own id and names, and 5А's English lessons (with their marks) never
// recorded — 52 lessons instead of 58, one curriculum line behind plan.
std::string secondSchoolXml() {
  std::istringstream in(tinyXml());
  std::set<std::string> gone;
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (has(line, "<school id=\"stupeni\"")) {
      line =
          "  <school id=\"school2\" fullName=\"Муниципальное бюджетное общеобразовательное учреждение "
          "«Средняя школа № 2»\" shortName=\"МБОУ СОШ № 2\" director=\"Тюрина Наталья Александровна\" "
          "deputyDirector=\"Зайцева Ольга Викторовна\" address=\"620000, г. Екатеринбург, ул. Лесная, д. "
          "2\"/>";
    } else if (has(line, "<lesson ") && has(line, "class=\"5a\" subject=\"eng\"")) {
      const size_t a = line.find("id=\"") + 4;
      gone.insert(line.substr(a, line.find('"', a) - a));
      continue;
    }
    lines.push_back(line);
  }
  BOOST_REQUIRE(gone.size() == 6u);
  std::string out;
  for (const auto& line : lines) {
    bool drop = false;
    for (const auto& id : gone) drop = drop || has(line, "lesson=\"" + id + "\"");
    if (!drop) out += line + "\n";
  }
  return out;
}

std::string connection(const std::string& backend, const fs::path& dir) {
  return backend == "sqlite" ? (dir / "region.db").string() : servicetest::freshPostgres("ejt_region");
}

store::IndexedArchive archive(const fs::path& dir, const std::string& school, int sequence, int version,
                              const std::string& period, const std::string& createdAt) {
  store::IndexedArchive a;
  a.directory = fs::absolute(dir).lexically_normal().string();
  a.fileName = std::to_string(sequence) + "_" + period + "_v" + std::to_string(version) + ".tar";
  a.schoolId = school;
  a.periodId = period;
  a.periodTitle = "1 четверть 2025/2026";
  a.sequence = sequence;
  a.version = version;
  a.createdAt = createdAt;
  a.manifestSha256 = std::string(64, 'a');
  a.retentionClass = "permanent";
  a.earliestDisposal = *model::Date::parse("2100-01-01");
  return a;
}

}  // namespace

BOOST_AUTO_TEST_CASE(two_schools_gathered_from_the_store) {
  const auto clock = std::make_shared<model::FixedClock>(*model::DateTime::parse("2025-09-15T10:00:00"));
  for (const auto& backend : servicetest::backends()) {
    BOOST_TEST_CONTEXT("back end " << backend) {
      Dir dir;
      auto st = store::Store::open(connection(backend, dir.path), clock);
      app::ingestXml(*st, tinyXml(), "tiny.xml", "xml:tiny.xml", *clock);
      app::ingestXml(*st, secondSchoolXml(), "school2.xml", "xml:school2.xml", *clock);
      // A recorded check of the first school only.
      const auto config = rules::Config::schoolDefaults();
      store::CheckRecord check;
      {
        store::LoadFilter f;
        f.schoolId = "stupeni";
        const model::Journal j = st->load(f);
        const model::JournalIndex index(j);
        const auto scope = rules::resolveScope(index, "", "2025-09-01", "2025-09-12", "", "", "", *clock);
        check = app::recordCheck(*st, index, scope, config, "cli:test").check;
      }
      BOOST_TEST_REQUIRE(check.found > 0);
      // Seals of the first school (a corrected version last) and of a school not in the store.
      const fs::path archives = dir.path / "archive";
      auto idx = store::openArchiveIndex(*st);
      idx->add(archive(archives, "stupeni", 1, 1, "2025-Q1", "2025-10-27T09:30:00"));
      idx->add(archive(archives, "elsewhere", 2, 1, "2025-Q1", "2025-10-28T09:30:00"));
      idx->add(archive(archives, "stupeni", 3, 2, "2025-Q1", "2025-11-02T12:00:00"));

      app::RegionalOptions o;
      o.from = "2025-09-01";
      o.to = "2025-09-12";
      o.title = "Управление образования города Энска";
      o.archiveDirectories = {archives.string()};
      const auto r = app::buildRegionalReport(*st, o, *clock);
      BOOST_TEST(r.header.schoolName == "Управление образования города Энска");
      BOOST_TEST(r.header.periodLabel == "период 01.09.2025 – 12.09.2025");
      BOOST_TEST_REQUIRE(r.rows.size() == 2u);
      const auto& a = r.rows[0];
      BOOST_TEST(a.schoolId == "stupeni");
      BOOST_TEST(a.lessonsHeld == 58);
      BOOST_TEST(a.topicsOnTime == 56);
      BOOST_TEST(a.marks == 219);
      BOOST_TEST(a.lateWorkMarks == 1);
      BOOST_TEST(a.delivered == 58);
      BOOST_TEST(a.linesBehind == 0);
      BOOST_TEST(*a.openFindings == check.found);
      BOOST_TEST_REQUIRE(a.lastCheck.has_value());
      BOOST_TEST(a.lastCheck->toString() == "2025-09-15");
      BOOST_TEST_REQUIRE(a.lastSeal.has_value());
      BOOST_TEST(a.lastSeal->version == 2);
      BOOST_TEST(a.lastSeal->sealedAt.toString() == "2025-11-02T12:00:00");
      const auto& b = r.rows[1];
      BOOST_TEST(b.schoolId == "school2");
      BOOST_TEST(b.schoolShortName == "МБОУ СОШ № 2");
      BOOST_TEST(b.lessonsHeld == 52);
      BOOST_TEST(b.marks == 199);
      BOOST_TEST(b.delivered == 52);
      BOOST_TEST(b.linesBehind == 1);
      BOOST_TEST(!b.openFindings);  // never checked: no figure, not 0
      BOOST_TEST(!b.lastCheck);
      BOOST_TEST(!b.lastSeal);
      BOOST_TEST(r.total.lessonsHeld == 110);
      BOOST_TEST(*r.total.programPercent == 94.8);
      BOOST_TEST(r.schoolsChecked == 1);
      BOOST_TEST(r.schoolsSealed == 1);

      o.schools = {"school2", "school2"};
      const auto one = app::buildRegionalReport(*st, o, *clock);
      BOOST_TEST_REQUIRE(one.rows.size() == 1u);
      BOOST_TEST(one.rows[0].schoolId == "school2");
      o.schools = {"nowhere"};
      try {
        app::buildRegionalReport(*st, o, *clock);
        BOOST_FAIL("an unknown school was accepted");
      } catch (const Error& e) {
        BOOST_CHECK(e.kind() == ErrorKind::NotFound);
        BOOST_TEST(has(e.what(), "nowhere"));
        BOOST_TEST(has(e.what(), "school2"));
      }
      o.schools.clear();
      o.from = o.to = "";
      o.period = "2030-Q1";
      try {
        app::buildRegionalReport(*st, o, *clock);
        BOOST_FAIL("a period no journal has was accepted");
      } catch (const Error& e) {
        BOOST_TEST_MESSAGE(e.what());
        BOOST_TEST((has(e.what(), "МБОУ СОШ № 2") || has(e.what(), "МАОУ лицей «Ступени»")));
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(a_store_without_schools_is_an_error) {
  const auto clock = std::make_shared<model::FixedClock>(*model::DateTime::parse("2025-09-15T10:00:00"));
  Dir dir;
  auto st = store::Store::open((dir.path / "empty.db").string(), clock);
  app::RegionalOptions o;
  o.period = "2025-Q1";
  try {
    app::buildRegionalReport(*st, o, *clock);
    BOOST_FAIL("a report over no schools was made");
  } catch (const Error& e) {
    BOOST_CHECK(e.kind() == ErrorKind::NotFound);
    BOOST_TEST(has(e.what(), "нет ни одной школы"));
  }
}

BOOST_AUTO_TEST_CASE(report_region_in_every_format) {
  Dir dir;
  const std::string db = (dir.path / "region.db").string();
  model::writeFileAtomic(dir.path / "tiny.xml", tinyXml());
  model::writeFileAtomic(dir.path / "school2.xml", secondSchoolXml());
  auto cli = [&](const std::vector<std::string>& args) { return testsupport::runCli(args, dir.path); };
  auto r = cli({"ingest", "--db", db, (dir.path / "tiny.xml").string()});
  BOOST_TEST_REQUIRE(r.code == 0, r.err);
  r = cli({"check", "--db", db, "--from", "2025-09-01", "--to", "2025-09-12", "--record"});
  BOOST_TEST_REQUIRE(r.code <= 1, r.err);
  r = cli({"ingest", "--db", db, (dir.path / "school2.xml").string()});
  BOOST_TEST_REQUIRE(r.code == 0, r.err);
  const std::vector<std::string> base = {"report",        "region",
                                         "--db",          db,
                                         "--from",        "2025-09-01",
                                         "--to",          "2025-09-12",
                                         "--archive-dir", (dir.path / "archive").string()};
  auto with = [&](std::vector<std::string> more) {
    std::vector<std::string> a = base;
    a.insert(a.end(), more.begin(), more.end());
    return cli(a);
  };

  r = with({});
  BOOST_TEST_REQUIRE(r.code == 0, r.err);
  BOOST_TEST(has(r.out, "Сравнительный отчёт по школам"));
  BOOST_TEST(has(r.out, "МАОУ лицей «Ступени»"));
  BOOST_TEST(has(r.out, "МБОУ СОШ № 2"));
  BOOST_TEST(has(r.out, "Итого"));
  BOOST_TEST(has(r.out, "Проверки записаны: 1 из 2"));

  r = with({"--format", "json", "--title", "Управление образования города Энска"});
  BOOST_TEST_REQUIRE(r.code == 0, r.err);
  const auto json = Poco::JSON::Parser().parse(r.out).extract<Poco::JSON::Object::Ptr>();
  BOOST_TEST(json->getValue<std::string>("report") == "region");
  BOOST_TEST(json->getObject("header")->getValue<std::string>("school") ==
             "Управление образования города Энска");
  const auto rows = json->getArray("rows");
  BOOST_TEST_REQUIRE(rows->size() == 2u);
  BOOST_TEST(rows->getObject(0)->getValue<std::string>("school") == "stupeni");
  BOOST_TEST(rows->getObject(0)->getValue<int>("lessons_held") == 58);
  BOOST_TEST(!rows->getObject(0)->isNull("last_check"));
  BOOST_TEST(rows->getObject(0)->getValue<int>("open_findings") > 0);
  BOOST_TEST(rows->getObject(1)->getValue<std::string>("school") == "school2");
  BOOST_TEST(rows->getObject(1)->getValue<int>("lessons_held") == 52);
  BOOST_TEST(rows->getObject(1)->getValue<int>("lines_behind") == 1);
  BOOST_TEST(rows->getObject(1)->isNull("last_check"));
  BOOST_TEST(rows->getObject(1)->isNull("last_seal_period"));
  BOOST_TEST(json->getObject("total")->getValue<int>("lessons_held") == 110);
  BOOST_TEST(json->getObject("total")->getValue<double>("topics_on_time_percent") == 97.3);
  BOOST_TEST(json->getObject("total")->getValue<double>("program_percent") == 94.8);

  r = with({"--format", "csv", "-o", (dir.path / "region.csv").string()});
  BOOST_TEST_REQUIRE(r.code == 0, r.err);
  BOOST_TEST(r.out.empty());
  const std::string csv = model::readFile(dir.path / "region.csv");
  BOOST_TEST(csv.rfind("\xEF\xBB\xBFschool;school_short;school_name;lessons_held;", 0) == 0u);
  BOOST_TEST(std::count(csv.begin(), csv.end(), '\n') == 4);  // header, two schools, total
  BOOST_TEST(has(csv, "\r\nschool2;МБОУ СОШ № 2;"));
  BOOST_TEST(has(csv, ";Итого;"));
  r = with({"--format", "csv", "--csv-separator", ","});
  BOOST_TEST_REQUIRE(r.code == 0, r.err);
  BOOST_TEST(r.out.rfind("school,school_short,", 0) == 0u);

  const fs::path pdf = dir.path / "region.pdf";
  r = with({"--format", "pdf", "-o", pdf.string(), "--title", "Управление образования города Энска"});
  BOOST_TEST_REQUIRE(r.code == 0, r.err);
  struct stat sb {};
  BOOST_TEST_REQUIRE(stat(pdf.c_str(), &sb) == 0);
  BOOST_TEST((sb.st_mode & 0077) == 0u);
  BOOST_TEST(has(testsupport::shellOutput("qpdf --check '" + pdf.string() + "' 2>&1"),
                 "No syntax or stream encoding errors"));
  const std::string text = testsupport::shellOutput("pdftotext '" + pdf.string() + "' - 2>/dev/null");
  BOOST_TEST(has(text, "СРАВНИТЕЛЬНЫЙ ОТЧЁТ ПО ШКОЛАМ"));
  BOOST_TEST(has(text, "Управление образования города Энска"));
  BOOST_TEST(has(text, "МБОУ СОШ № 2"));
  BOOST_TEST(has(text, "Стр. 1 из"));

  // Bad input: a Russian message naming what is wrong, exit code 2.
  r = with({"--format", "xml"});
  BOOST_TEST(r.code == 2);
  BOOST_TEST(has(r.err, "неизвестный формат «xml»"));
  r = with({"--format", "pdf"});
  BOOST_TEST(r.code == 2);
  BOOST_TEST(has(r.err, "-o ФАЙЛ"));
  r = with({"--school", "nowhere"});
  BOOST_TEST(r.code == 2);
  BOOST_TEST(has(r.err, "такой школы нет в хранилище"));
  r = cli({"report", "region", "--db", db});
  BOOST_TEST(r.code == 2);
  BOOST_TEST(has(r.err, "укажите период"));
}
