// The journal side of the service over real loopback HTTP: findings of samples/tiny.xml in every format,
// every report kind as JSON and text and the printable ones as PDF, printed class journals, summary sheets
// and student extracts (each PDF checked with qpdf --check, pdffonts and pdftotext), the monthly
// control-report job, sealing, verifying, downloading and tampering with archives, store backups, and pulls
// from the dnevnik.ru emulator with and without injected faults. Each case runs on SQLite and, when
// EJOURNAL_PG is set, on a fresh PostgreSQL database.
#define BOOST_TEST_MODULE service_journal_test
#include <Poco/JSON/Array.h>
#include <unistd.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "ejournal/model/files.h"
#include "ejournal/store/audit.h"
#include "ejournal/store/backup.h"
#include "ejournal/store/store.h"
#include "emulator.h"
#include "hand_journal.h"
#include "service/scheduler.h"
#include "service_env.h"

namespace fs = std::filesystem;
using namespace ejournal;
using namespace ejournal::servicetest;
using store::Role;

namespace {

bool contains(const std::string& hay, const std::string& needle) {
  return hay.find(needle) != std::string::npos;
}

std::string quoted(const fs::path& p) { return "'" + p.string() + "'"; }

// Runs a shell command; its standard output and error together.
struct Shell {
  int code = -1;
  std::string out, err;
};
Shell shell(const std::string& command, const fs::path& scratch) {
  const fs::path out = scratch / "shell.out", err = scratch / "shell.err";
  int status = std::system((command + " >" + quoted(out) + " 2>" + quoted(err)).c_str());
  Shell r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = fs::exists(out) ? model::readFile(out) : std::string();
  r.err = fs::exists(err) ? model::readFile(err) : std::string();
  return r;
}

// A PDF answer written to `dir/name` and checked with the poppler and qpdf tools: the structure is valid,
// every font is embedded; returns the text pdftotext extracts.
std::string checkPdf(const std::string& bytes, const fs::path& dir, const std::string& name) {
  BOOST_TEST(bytes.rfind("%PDF-", 0) == 0u, name << " does not start with %PDF-");
  const fs::path file = dir / name;
  model::writeFileAtomic(file, bytes);
  Shell qpdf = shell("qpdf --check " + quoted(file), dir);
  BOOST_TEST(qpdf.code == 0, name << ": qpdf --check: " << qpdf.out);
  BOOST_TEST(contains(qpdf.out, "No syntax or stream encoding errors"), name << ": " << qpdf.out);
  Shell fonts = shell("pdffonts " + quoted(file), dir);
  BOOST_TEST(fonts.code == 0, name << ": pdffonts: " << fonts.out);
  // name type encoding emb sub uni object-id generation: "emb" is the fifth field from the end.
  std::istringstream lines(fonts.out);
  std::string line;
  int n = 0, fontCount = 0;
  while (std::getline(lines, line)) {
    if (++n <= 2 || line.empty()) continue;  // the header and the dashes
    std::istringstream fields(line);
    std::vector<std::string> f;
    for (std::string w; fields >> w;) f.push_back(w);
    BOOST_REQUIRE_MESSAGE(f.size() >= 6u, name << ": pdffonts line " << line);
    ++fontCount;
    BOOST_TEST(f[f.size() - 5] == "yes", name << ": font not embedded: " << line);
  }
  BOOST_TEST(fontCount > 0, name << ": no fonts");
  Shell text = shell("pdftotext -enc UTF-8 " + quoted(file) + " -", dir);
  BOOST_TEST(text.code == 0, name << ": pdftotext failed: " << text.err);
  return text.out;
}

// The PDF answer's headers: application/pdf and an attachment named `fileName`.
void checkPdfHeaders(const Resp& r, const std::string& fileName) {
  BOOST_TEST(r.status == 200, fileName << ": " << r.status << " " << r.body.substr(0, 300));
  BOOST_TEST(r.contentType == "application/pdf", fileName);
  BOOST_TEST(contains(r.header("Content-Disposition"), "attachment; filename=\"" + fileName + "\""),
             fileName << ": " << r.header("Content-Disposition"));
}

std::string errorCode(const Resp& r) { return r.json()->getObject("error")->getValue<std::string>("code"); }

std::vector<store::AuditRecord> auditOf(Env& env, const std::string& action) {
  store::AuditQuery q;
  q.action = action;
  q.limit = 1000;
  return env.service->audit().list(q);
}

// A scratch directory removed at the end of the case.
struct Scratch {
  fs::path path;
  explicit Scratch(const std::string& name)
      : path(fs::temp_directory_path() / ("ejournal-svcj-" + name + "-" + std::to_string(getpid()))) {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~Scratch() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

}  // namespace

// ---- findings and reports ---------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(findings_in_every_format_name_the_planted_problems) {
  const std::string scope = "/api/v1/findings?from=2025-09-01&to=2025-09-12";
  for (const auto& backend : backends()) {
    BOOST_TEST_CONTEXT(backend) {
      Env env(backend, "jfindings");
      env.ingestTiny();
      const std::string deputy = env.token(Role::Deputy);

      Resp json = call(env.port, "GET", scope + "&format=json", deputy);
      BOOST_REQUIRE_MESSAGE(json.status == 200, json.body);
      BOOST_TEST(contains(json.contentType, "application/json"));
      auto findings = json.json()->getArray("findings");
      std::multimap<std::string, Poco::JSON::Object::Ptr> byRule;
      for (size_t i = 0; i < findings->size(); ++i)
        byRule.emplace(findings->getObject(i)->getValue<std::string>("rule"), findings->getObject(i));
      auto only = [&](const std::string& rule) -> Poco::JSON::Object::Ptr {
        BOOST_TEST(byRule.count(rule) == 1u, rule << " found " << byRule.count(rule) << " times");
        auto it = byRule.find(rule);
        return it == byRule.end() ? Poco::JSON::Object::Ptr(new Poco::JSON::Object) : it->second;
      };
      // samples/tiny.md: the 5А control work with one mark entered 6 days later (3 allowed in grade 5).
      auto deadline = only("marks.deadline");
      BOOST_TEST(deadline->optValue<std::string>("lesson_id", "") == "l5a-0909-2");
      BOOST_TEST(deadline->optValue<std::string>("class", "") == "5a");
      BOOST_TEST(deadline->getObject("figures")->getValue<int>("days") == 6);
      // The topic entered a day late, the lesson with nothing recorded, the changed mark.
      BOOST_TEST(only("topic.same_day")->optValue<std::string>("lesson_id", "") == "l5a-0902-1");
      for (const char* rule :
           {"marks.per_lesson", "topic.missing", "attendance.recorded", "homework.recorded"})
        BOOST_TEST(only(rule)->optValue<std::string>("lesson_id", "") == "l5a-0912-3", rule);
      BOOST_TEST(only("marks.changed")->optValue<std::string>("student", "") == "s03");
      BOOST_TEST(byRule.count("hours.plan_total") == 8u);       // every class x subject (x subgroup)
      BOOST_TEST(byRule.count("substitution.recorded") == 0u);  // the one substitution is recorded properly

      Resp csv = call(env.port, "GET", scope + "&format=csv", deputy);
      BOOST_TEST(csv.status == 200);
      BOOST_TEST(contains(csv.contentType, "text/csv"));
      BOOST_TEST(static_cast<size_t>(std::count(csv.body.begin(), csv.body.end(), '\n')) ==
                 findings->size() + 1);
      bool deadlineLine = false;
      std::istringstream rows(csv.body);
      for (std::string row; std::getline(rows, row);)
        deadlineLine = deadlineLine || (contains(row, "marks.deadline") && contains(row, "l5a-0909-2"));
      BOOST_TEST(deadlineLine, csv.body);
      // The spreadsheet form by default (a BOM, ';'), RFC 4180 with ?sep=, (issue 15): same records, other
      // quoting.
      BOOST_TEST(csv.body.rfind("\xEF\xBB\xBFrule;severity;period;class;", 0) == 0u, csv.body.substr(0, 80));
      BOOST_TEST(contains(csv.body, ";\"plan_hours=7;curriculum_hours=170\"\r\n"), csv.body);
      Resp rfc = call(env.port, "GET", scope + "&format=csv&sep=,", deputy);
      BOOST_TEST(rfc.status == 200);
      BOOST_TEST(rfc.body.rfind("rule,severity,period,class,", 0) == 0u, rfc.body.substr(0, 80));
      BOOST_TEST(contains(rfc.body, ",plan_hours=7;curriculum_hours=170\r\n"), rfc.body);
      BOOST_TEST(std::count(rfc.body.begin(), rfc.body.end(), '\n') ==
                 std::count(csv.body.begin(), csv.body.end(), '\n'));
      Resp badSep = call(env.port, "GET", scope + "&format=csv&sep=x", deputy);
      BOOST_TEST(badSep.status == 400);
      BOOST_TEST(contains(badSep.body, "разделитель CSV"), badSep.body);

      Resp text = call(env.port, "GET", scope + "&format=text", deputy);
      BOOST_TEST(text.status == 200);
      BOOST_TEST(contains(text.contentType, "text/plain"));
      BOOST_TEST(contains(text.body, "Сроки выставления отметок за письменные работы"), text.body);
      BOOST_TEST(contains(text.body, "Итого: нарушений"));

      // Narrowed by class: only 5А's findings.
      Resp of8b = call(env.port, "GET", scope + "&class=8b&format=json", deputy);
      auto f8 = of8b.json()->getArray("findings");
      BOOST_TEST(f8->size() > 0u);
      for (size_t i = 0; i < f8->size(); ++i)
        BOOST_TEST(f8->getObject(i)->getValue<std::string>("class") == "8b");

      // No printed findings list; an unknown format is named.
      Resp pdf = call(env.port, "GET", scope + "&format=pdf", deputy);
      BOOST_TEST(pdf.status == 400);
      BOOST_TEST(contains(pdf.errorMessage(), "нет печатной формы"), pdf.body);
      BOOST_TEST(contains(pdf.errorMessage(), "json, csv, text"));
      Resp xml = call(env.port, "GET", scope + "&format=xml", deputy);
      BOOST_TEST(xml.status == 400);
      BOOST_TEST(contains(xml.errorMessage(), "неизвестный формат «xml»"), xml.body);
    }
  }
}

// A source that does not record taking attendance (as dnevnik.ru): the findings name attendance.recorded once
// as not checked, in every format, instead of a finding per lesson — as `ejournal check` does.
BOOST_AUTO_TEST_CASE(findings_name_the_rules_the_data_cannot_support) {
  for (const auto& backend : backends()) {
    BOOST_TEST_CONTEXT(backend) {
      Env env(backend, "jnotchecked");
      std::ifstream in(fs::path(EJOURNAL_SOURCE_DIR) / "samples/tiny.xml");
      std::stringstream whole;
      whole << in.rdbuf();
      const std::regex taken(R"( attendance(Taken|At)="[^"]*")");
      const fs::path noAttendance = env.dir / "tiny-no-attendance.xml";
      std::ofstream(noAttendance) << std::regex_replace(whole.str(), taken, "");
      Resp up = env.ingestFile(env.token(Role::Admin), noAttendance);
      BOOST_REQUIRE_MESSAGE(up.status == 200, up.body);
      const std::string deputy = env.token(Role::Deputy);
      const std::string scope = "/api/v1/findings?period=2025-Q1";

      Resp json = call(env.port, "GET", scope + "&format=json", deputy);
      BOOST_REQUIRE_MESSAGE(json.status == 200, json.body);
      auto notChecked = json.json()->getArray("not_checked");
      BOOST_REQUIRE(notChecked);
      BOOST_REQUIRE(notChecked->size() == 1u);
      BOOST_TEST(notChecked->getObject(0)->getValue<std::string>("rule") == "attendance.recorded");
      BOOST_TEST(contains(notChecked->getObject(0)->getValue<std::string>("reason"), "источник не содержит"));
      auto findings = json.json()->getArray("findings");
      for (size_t i = 0; i < findings->size(); ++i)
        BOOST_TEST(findings->getObject(i)->getValue<std::string>("rule") != "attendance.recorded");

      Resp text = call(env.port, "GET", scope + "&format=text", deputy);
      BOOST_TEST(text.status == 200);
      BOOST_TEST(contains(text.body, "не проверялось"), text.body);
      Resp csv = call(env.port, "GET", scope + "&format=csv", deputy);
      BOOST_TEST(csv.status == 200);
      BOOST_TEST(contains(csv.body, "attendance.recorded"), csv.body);
    }
  }
}

BOOST_AUTO_TEST_CASE(every_report_kind_as_json_and_text) {
  const std::map<std::string, std::string> titles = {
      {"control", "Справка по итогам проверки электронного журнала"},
      {"program", "Выполнение учебной программы"},
      {"results", "Итоги успеваемости"},
      {"substitutions", "Замещение уроков"},
      {"forecast", "Прогноз успеваемости"}};
  for (const auto& backend : backends()) {
    BOOST_TEST_CONTEXT(backend) {
      Env env(backend, "jreports");
      env.ingestTiny();
      const std::string deputy = env.token(Role::Deputy);
      for (const auto& [kind, title] : titles) {
        BOOST_TEST_CONTEXT(kind) {
          const std::string base = "/api/v1/reports/" + kind + "?from=2025-09-01&to=2025-09-12";
          Resp json = call(env.port, "GET", base, deputy);  // json is the default
          BOOST_REQUIRE_MESSAGE(json.status == 200, json.body);
          BOOST_TEST(contains(json.contentType, "application/json"));
          auto o = json.json();
          auto header = o->getObject("header");
          BOOST_TEST(header->getValue<std::string>("title") == title);
          BOOST_TEST(header->getValue<std::string>("academic_year") == "2025/2026");
          BOOST_TEST(header->getValue<std::string>("from") == "2025-09-01");
          BOOST_TEST(header->getValue<std::string>("to") == "2025-09-12");
          Resp text = call(env.port, "GET", base + "&format=text", deputy);
          BOOST_TEST(text.status == 200);
          BOOST_TEST(contains(text.contentType, "text/plain"));
          BOOST_TEST(contains(text.body, title), text.body.substr(0, 400));
          BOOST_TEST(contains(text.body, "Учебный год: 2025/2026"));
          if (kind == "control") {
            // The 58 lessons of the two weeks, the late control work mark among the findings.
            BOOST_TEST(o->getObject("summary")->getValue<int>("lessons_held") == 58);
            BOOST_TEST(contains(json.body, "l5a-0909-2"));
            BOOST_TEST(contains(text.body, "Заместитель директора по УВР"));
          } else if (kind == "program") {
            auto rows = o->getArray("rows");
            int delivered5aMath = -1;
            for (size_t i = 0; i < rows->size(); ++i) {
              auto r = rows->getObject(i);
              if (r->getValue<std::string>("class") == "5a" && r->getValue<std::string>("subject") == "math")
                delivered5aMath = r->getValue<int>("delivered");
            }
            BOOST_TEST(delivered5aMath == 10);  // samples/tiny.md: 10 math lessons in 5А
            BOOST_TEST(contains(text.body, "Математика"));
          } else if (kind == "results") {
            BOOST_TEST(contains(json.body, "\"class_name\": \"5А\""), json.body.substr(0, 600));
            BOOST_TEST(contains(json.body, "\"class_name\": \"8Б\""));
            BOOST_TEST(contains(text.body, "8Б"));
          } else if (kind == "substitutions") {
            // The one substitution: 8Б math on 2025-09-09 given by Волков С. Н. for Иванова М. П.
            BOOST_TEST(contains(json.body, "2025-09-09"), json.body);
            BOOST_TEST(contains(text.body, "Волков"), text.body);
          }
          Resp csv = call(env.port, "GET", base + "&format=csv", deputy);
          BOOST_TEST(csv.status == 200);
          BOOST_TEST(contains(csv.contentType, "text/csv"));
          // A header of named columns, then the report's rows (the tiny sample has some of every kind).
          const std::string columns = csv.body.substr(0, csv.body.find('\n'));
          BOOST_TEST(columns.rfind("\xEF\xBB\xBF", 0) == 0u, kind << " CSV without a BOM");
          BOOST_TEST(std::count(columns.begin(), columns.end(), ';') >= 2,
                     kind << " CSV header: " << columns);
          BOOST_TEST(std::count(csv.body.begin(), csv.body.end(), '\n') >= 2, kind << " CSV: " << csv.body);
        }
      }
      Resp unknown = call(env.port, "GET", "/api/v1/reports/attendance", deputy);
      BOOST_TEST(unknown.status == 404);
      BOOST_TEST(contains(unknown.errorMessage(), "нет такого отчёта «attendance»"));
      // A bad scope is told in the API's terms (query parameters, not the CLI's options).
      Resp noScope = call(env.port, "GET", "/api/v1/reports/control", deputy);
      BOOST_TEST(noScope.status == 400);
      BOOST_TEST(noScope.errorMessage() ==
                 "укажите период: ?period=2025-Q1 или ?from=ГГГГ-ММ-ДД&to=ГГГГ-ММ-ДД");
      Resp both =
          call(env.port, "GET", "/api/v1/findings?period=2025-Q1&from=2025-09-01&to=2025-09-12", deputy);
      BOOST_TEST(both.status == 400);
      BOOST_TEST(!contains(both.body, "--"), both.body);
      Resp reversed = call(env.port, "GET", "/api/v1/reports/program?from=2025-10-01&to=2025-09-01", deputy);
      BOOST_TEST(reversed.status == 400);
      BOOST_TEST(reversed.errorMessage() == "дата окончания раньше даты начала");
      BOOST_TEST(reversed.json()->getObject("error")->getValue<std::string>("where") == "to");
      Resp noPeriod = call(env.port, "GET", "/api/v1/reports/results?period=2024-Q1", deputy);
      BOOST_TEST(noPeriod.status == 404);
      BOOST_TEST(noPeriod.errorMessage() == "в журнале нет периода «2024-Q1»");
      BOOST_TEST(noPeriod.json()->getObject("error")->getValue<std::string>("where") == "period");
      Resp badPeriod = call(env.port, "GET", "/api/v1/reports/results?period=2025-Q7", deputy);
      BOOST_TEST(badPeriod.status == 400);
      BOOST_TEST(contains(badPeriod.errorMessage(), "неверное название периода «2025-Q7»"));
    }
  }
}

BOOST_AUTO_TEST_CASE(printable_reports_as_pdf) {
  // The titles as printed (capitals as the render stage sets them).
  const std::map<std::string, std::string> titles = {
      {"control", "СПРАВКА по итогам проверки электронного журнала"},
      {"program", "ВЫПОЛНЕНИЕ ОБРАЗОВАТЕЛЬНОЙ ПРОГРАММЫ"},
      {"results", "ИТОГИ УСПЕВАЕМОСТИ"}};
  for (const auto& backend : backends()) {
    BOOST_TEST_CONTEXT(backend) {
      Env env(backend, "jreportpdf");
      env.ingestTiny();
      const std::string deputy = env.token(Role::Deputy);
      for (const auto& [kind, title] : titles) {
        BOOST_TEST_CONTEXT(kind) {
          Resp r = call(env.port, "GET", "/api/v1/reports/" + kind + "?period=2025-Q1&format=pdf", deputy);
          const std::string name = kind + "-2025-Q1.pdf";
          checkPdfHeaders(r, name);
          if (r.status != 200) continue;
          const std::string text = checkPdf(r.body, env.dir, name);
          BOOST_TEST(contains(text, title), text.substr(0, 600));
          BOOST_TEST(contains(text, "5А"));
          BOOST_TEST(contains(text, "Ступени"));  // the school's name in the header
        }
      }
      // Narrowed to one class: the file name says so, the other class is not in it.
      Resp one = call(env.port, "GET", "/api/v1/reports/results?period=2025-Q1&class=8b&format=pdf", deputy);
      checkPdfHeaders(one, "results-2025-Q1-8b.pdf");
      if (one.status == 200) {
        const std::string text = checkPdf(one.body, env.dir, "results-8b.pdf");
        BOOST_TEST(contains(text, "8Б"));
        BOOST_TEST(!contains(text, "5А"));
      }
      // Kinds without a printed form say which formats they have.
      for (const std::string kind : {"substitutions", "forecast"}) {
        Resp r = call(env.port, "GET", "/api/v1/reports/" + kind + "?period=2025-Q1&format=pdf", deputy);
        BOOST_TEST(r.status == 400, kind);
        BOOST_TEST(contains(r.errorMessage(), "не печатается в PDF"), r.body);
        BOOST_TEST(contains(r.errorMessage(), "json, csv, text"), r.body);
      }
      // Each PDF download is audited with the user, the file and the document's title.
      auto downloads = auditOf(env, "download");
      std::set<std::string> files;
      for (const auto& d : downloads) {
        files.insert(d.entry.object);
        BOOST_TEST(d.entry.actor == "deputy");
        BOOST_TEST(d.entry.outcome == "ok");
      }
      BOOST_TEST(files == (std::set<std::string>{"control-2025-Q1.pdf", "program-2025-Q1.pdf",
                                                 "results-2025-Q1.pdf", "results-2025-Q1-8b.pdf"}));
    }
  }
}

BOOST_AUTO_TEST_CASE(printed_journal_summary_and_extract) {
  for (const auto& backend : backends()) {
    BOOST_TEST_CONTEXT(backend) {
      Env env(backend, "jprintouts");
      env.ingestTiny();
      const std::string secretary = env.token(Role::Secretary);

      Resp journal = call(env.port, "GET", "/api/v1/printouts/journal?class=5a&period=2025-Q1", secretary);
      checkPdfHeaders(journal, "journal-5a-2025-Q1.pdf");
      const std::string jt = checkPdf(journal.body, env.dir, "journal.pdf");
      BOOST_TEST(contains(jt, "КЛАССНЫЙ ЖУРНАЛ"), jt.substr(0, 600));
      BOOST_TEST(contains(jt, "5 «А» класса"));
      BOOST_TEST(contains(jt, "1 четверть 2025/2026 учебного года"));
      BOOST_TEST(contains(jt, "Математика"));
      BOOST_TEST(contains(jt, "Алексеев"));
      BOOST_TEST(!contains(jt, "Григорьев"));  // 8Б's pupil

      // By the class's name too.
      Resp byName =
          call(env.port, "GET", "/api/v1/printouts/journal?class=8%D0%91&period=2025-Q1", secretary);
      checkPdfHeaders(byName, "journal-8b-2025-Q1.pdf");

      Resp summary = call(env.port, "GET", "/api/v1/printouts/summary?class=5a", secretary);
      checkPdfHeaders(summary, "summary-5a.pdf");
      const std::string st = checkPdf(summary.body, env.dir, "summary.pdf");
      BOOST_TEST(contains(st, "СВОДНАЯ ВЕДОМОСТЬ УЧЁТА УСПЕВАЕМОСТИ"), st.substr(0, 600));
      BOOST_TEST(contains(st, "5 «А» класса"));
      BOOST_TEST(contains(st, "Егорова"));

      Resp extract = call(env.port, "GET", "/api/v1/extracts/s01?period=2025-Q1", secretary);
      checkPdfHeaders(extract, "extract-s01-2025-Q1.pdf");
      const std::string et = checkPdf(extract.body, env.dir, "extract.pdf");
      BOOST_TEST(contains(et, "ВЫПИСКА"), et.substr(0, 600));
      BOOST_TEST(contains(et, "Алексеев Артём"));
      BOOST_TEST(contains(et, "5 «А» класса"));
      BOOST_TEST(contains(et, "Математика"));

      // Unknown class, student and period, and missing parameters: status and the Russian message.
      Resp noClass = call(env.port, "GET", "/api/v1/printouts/journal?class=9z&period=2025-Q1", secretary);
      BOOST_TEST(noClass.status == 404);
      BOOST_TEST(contains(noClass.errorMessage(), "класса «9z» нет в журнале"), noClass.body);
      Resp noSummary = call(env.port, "GET", "/api/v1/printouts/summary?class=9z", secretary);
      BOOST_TEST(noSummary.status == 404);
      Resp noPeriod = call(env.port, "GET", "/api/v1/printouts/journal?class=5a&period=2025-Q7", secretary);
      BOOST_TEST(noPeriod.status == 400);
      BOOST_TEST(contains(noPeriod.errorMessage(), "неверное название периода «2025-Q7»"), noPeriod.body);
      Resp otherYear = call(env.port, "GET", "/api/v1/printouts/journal?class=5a&period=2024-Q1", secretary);
      BOOST_TEST(otherYear.status == 404);
      BOOST_TEST(otherYear.errorMessage() == "в журнале нет периода «2024-Q1»", otherYear.body);
      // Half-years are the periods of grades 10-11; 5А is kept in quarters.
      Resp notItsPeriod =
          call(env.port, "GET", "/api/v1/printouts/journal?class=5a&period=2025-H1", secretary);
      BOOST_TEST(notItsPeriod.status == 400);
      BOOST_TEST(contains(notItsPeriod.errorMessage(), "не относится к классу 5А"), notItsPeriod.body);
      Resp missingPeriod = call(env.port, "GET", "/api/v1/printouts/journal?class=5a", secretary);
      BOOST_TEST(missingPeriod.status == 400);
      BOOST_TEST(contains(missingPeriod.errorMessage(), "укажите период"));
      Resp missingClass = call(env.port, "GET", "/api/v1/printouts/summary", secretary);
      BOOST_TEST(missingClass.status == 400);
      BOOST_TEST(contains(missingClass.errorMessage(), "укажите класс"));
      Resp noStudent = call(env.port, "GET", "/api/v1/extracts/s99?period=2025-Q1", secretary);
      BOOST_TEST(noStudent.status == 404);
      BOOST_TEST(contains(noStudent.errorMessage(), "ученика «s99» нет в журнале"), noStudent.body);
      Resp notHisPeriod = call(env.port, "GET", "/api/v1/extracts/s01?period=2025-H1", secretary);
      BOOST_TEST(notHisPeriod.status == 400);
      BOOST_TEST(contains(notHisPeriod.errorMessage(), "не относится к классу ученика"), notHisPeriod.body);
      Resp noStudentPeriod = call(env.port, "GET", "/api/v1/extracts/s01?period=2025-Q9", secretary);
      BOOST_TEST(noStudentPeriod.status == 404);
      BOOST_TEST(contains(noStudentPeriod.errorMessage(), "периода «2025-Q9» нет в журнале"),
                 noStudentPeriod.body);

      // The four PDFs were audited as downloads, nothing for the refused requests.
      std::set<std::string> files;
      for (const auto& d : auditOf(env, "download")) files.insert(d.entry.object);
      BOOST_TEST(files == (std::set<std::string>{"journal-5a-2025-Q1.pdf", "journal-8b-2025-Q1.pdf",
                                                 "summary-5a.pdf", "extract-s01-2025-Q1.pdf"}));
    }
  }
}

BOOST_AUTO_TEST_CASE(monthly_control_report_job_writes_json_text_and_pdf) {
  for (const auto& backend : backends()) {
    BOOST_TEST_CONTEXT(backend) {
      Env env(backend, "jcontroljob",
              {{"jobs.control-report.enabled", "true"}, {"jobs.control-report.schedule", "monthly 1 06:00"}});
      env.ingestTiny();
      Resp run = call(env.port, "POST", "/api/v1/jobs/control-report/run", env.token(Role::Admin), "{}");
      BOOST_REQUIRE_MESSAGE(run.status == 200, run.body);
      BOOST_TEST(contains(run.json()->getValue<std::string>("message"), "control-2025-09"), run.body);
      const fs::path dir = env.dir / "var/reports/stupeni";  // the school's own directory
      std::set<std::string> files;
      for (const auto& f : fs::directory_iterator(dir)) files.insert(f.path().filename().string());
      // Exactly the three files, no temporary left behind.
      BOOST_TEST(files == (std::set<std::string>{"control-2025-09.json", "control-2025-09.pdf",
                                                 "control-2025-09.txt"}));
      const std::string text = checkPdf(model::readFile(dir / "control-2025-09.pdf"), env.dir, "job.pdf");
      BOOST_TEST(contains(text, "СПРАВКА по итогам проверки электронного журнала"), text.substr(0, 600));
      BOOST_TEST(contains(text, "01.09.2025 – 30.09.2025"));  // the month covered
      BOOST_TEST(contains(text, "5А"));
      BOOST_TEST(contains(model::readFile(dir / "control-2025-09.txt"), "Справка по итогам проверки"));
    }
  }
}

// ---- archives and backups ---------------------------------------------------------------------------------

namespace {

// A self-signed RSA signing key and certificate, made once per run with the openssl CLI.
struct SigningKey {
  fs::path dir, key, cert;
  explicit SigningKey(const std::string& name = "keys", const std::string& subject = "Директор лицея") {
    dir = fs::temp_directory_path() / ("ejournal-svcj-" + name + "-" + std::to_string(getpid()));
    fs::create_directories(dir);
    key = dir / "sign.key";
    cert = dir / "sign.crt";
    const std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -days 30 -utf8 -subj '/CN=" + subject +
                            "' "
                            "-keyout " +
                            quoted(key) + " -out " + quoted(cert) + " >/dev/null 2>&1";
    if (std::system(cmd.c_str()) != 0) throw std::runtime_error("openssl req failed");
  }
  ~SigningKey() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};
const SigningKey& signingKey() {
  static const SigningKey k;
  return k;
}

// The data offset and size of member `name` in a ustar file (docs/archive-format.md §1).
std::pair<size_t, size_t> tarMember(const std::string& tar, const std::string& name) {
  size_t at = 0;
  while (at + 512 <= tar.size() && tar[at] != '\0') {
    const std::string member(tar.c_str() + at);
    const size_t size = std::stoul(tar.substr(at + 124, 11), nullptr, 8);
    if (member == name) return {at + 512, size};
    at += 512 + (size + 511) / 512 * 512;
  }
  return {0, 0};
}

}  // namespace

BOOST_AUTO_TEST_CASE(archives_seal_list_verify_download_and_tampering) {
  const SigningKey& keys = signingKey();
  for (const auto& backend : backends()) {
    BOOST_TEST_CONTEXT(backend) {
      Env env(backend, "jarchives",
              {{"archive.key", keys.key.string()}, {"archive.cert", keys.cert.string()}});
      env.clock->set(*model::DateTime::parse("2025-10-27T10:00:00"));  // the first quarter is over
      env.ingestTiny();
      const std::string secretary = env.token(Role::Secretary);
      const std::string auditor = env.token(Role::Auditor);

      Resp sealed = call(env.port, "POST", "/api/v1/archives", secretary, jsonBody({{"period", "2025-Q1"}}));
      BOOST_REQUIRE_MESSAGE(sealed.status == 201, sealed.body);
      auto info = sealed.json();
      const std::string id = info->getValue<std::string>("id");
      BOOST_TEST(info->getValue<std::string>("periodId") == "2025-Q1");
      BOOST_TEST(contains(info->getValue<std::string>("createdBy"), "secretary"));
      std::set<std::string> members;
      auto docs = info->getArray("documents");
      for (size_t i = 0; i < docs->size(); ++i)
        members.insert(docs->getObject(i)->getValue<std::string>("name"));
      for (const char* m :
           {"journals/5a.pdf", "journals/8b.pdf", "reports/control.pdf", "export/journal.xml"})
        BOOST_TEST(members.count(m) == 1u, m);

      Resp list = call(env.port, "GET", "/api/v1/archives", auditor);
      BOOST_TEST(list.status == 200);
      auto archives = list.json()->getArray("archives");
      BOOST_REQUIRE(archives->size() == 1u);
      BOOST_TEST(archives->getObject(0)->getValue<std::string>("id") == id);
      Resp shown = call(env.port, "GET", "/api/v1/archives/" + id, auditor);
      BOOST_TEST(shown.status == 200);
      BOOST_TEST(shown.json()->getValue<std::string>("manifestSha256") ==
                 info->getValue<std::string>("manifestSha256"));

      Resp verified = call(env.port, "GET", "/api/v1/archives/" + id + "/verify", auditor);
      BOOST_TEST(verified.status == 200);
      BOOST_TEST(verified.json()->getValue<bool>("ok"), verified.body);
      BOOST_TEST(verified.json()->getArray("problems")->size() == 0u);
      Resp deep = call(env.port, "GET", "/api/v1/archives/" + id + "/verify?content=1", auditor);  // + schema
      BOOST_TEST(deep.status == 200);
      BOOST_TEST(deep.json()->getValue<bool>("ok"), deep.body);

      // The download is the file in the school's directory of archive.dir, byte for byte, and tar lists its
      // members.
      const fs::path onDisk = env.dir / "archive" / "stupeni" / id;
      BOOST_REQUIRE(fs::exists(onDisk));
      Resp download = call(env.port, "GET", "/api/v1/archives/" + id + "/download", auditor);
      BOOST_TEST(download.status == 200);
      BOOST_TEST(download.contentType == "application/x-tar");
      BOOST_TEST(contains(download.header("Content-Disposition"), "filename=\"" + id + "\""));
      BOOST_TEST((download.body == model::readFile(onDisk)));
      model::writeFileAtomic(env.dir / "download.tar", download.body);
      Shell tar = shell("tar -tf " + quoted(env.dir / "download.tar"), env.dir);
      BOOST_TEST(tar.code == 0, tar.err);
      for (const char* m : {"journals/5a.pdf", "reports/control.pdf", "export/journal.xml"})
        BOOST_TEST(contains(tar.out, m), m << " not in " << tar.out);

      // One document of the archive: the printed journal of 5А.
      Resp member = call(env.port, "GET", "/api/v1/archives/" + id + "/member?name=journals/5a.pdf", auditor);
      checkPdfHeaders(member, "5a.pdf");
      const std::string text = checkPdf(member.body, env.dir, "member.pdf");
      BOOST_TEST(contains(text, "КЛАССНЫЙ ЖУРНАЛ"), text.substr(0, 600));
      BOOST_TEST(contains(text, "5 «А» класса"));
      BOOST_TEST(contains(text, "Математика"));
      Resp noMember =
          call(env.port, "GET", "/api/v1/archives/" + id + "/member?name=journals/9z.pdf", auditor);
      BOOST_TEST(noMember.status == 404, noMember.body);
      Resp noArchive = call(env.port, "GET", "/api/v1/archives/nosuch.tar", auditor);
      BOOST_TEST(noArchive.status == 404);
      Resp traversal = call(env.port, "GET", "/api/v1/archives/..%2Fejournal.db/download", auditor);
      BOOST_TEST((traversal.status == 400 || traversal.status == 404), traversal.status);  // never the file

      // A second seal of the same period is refused and says how to correct; a correction with a reason
      // works.
      Resp again = call(env.port, "POST", "/api/v1/archives", secretary, jsonBody({{"period", "2025-Q1"}}));
      BOOST_TEST(again.status == 409);
      BOOST_TEST(contains(again.errorMessage(), "уже запечатан"), again.body);
      BOOST_TEST(contains(again.errorMessage(), "\"correction\""), again.body);
      BOOST_TEST(call(env.port, "GET", "/api/v1/archives", auditor).json()->getArray("archives")->size() ==
                 1u);
      Resp noReason = call(env.port, "POST", "/api/v1/archives", secretary,
                           R"({"period": "2025-Q1", "correction": true})");
      BOOST_TEST(noReason.status == 400);
      BOOST_TEST(contains(noReason.errorMessage(), "укажите причину"), noReason.body);
      BOOST_TEST(!contains(noReason.body, "--"), noReason.body);
      Resp badPeriod =
          call(env.port, "POST", "/api/v1/archives", secretary, jsonBody({{"period", "2025-Q9"}}));
      BOOST_TEST(badPeriod.status == 400);
      BOOST_TEST(badPeriod.json()->getObject("error")->getValue<std::string>("where") == "period");
      Resp correction = call(env.port, "POST", "/api/v1/archives", secretary,
                             R"({"period": "2025-Q1", "correction": true, "reason": "исправлена отметка"})");
      BOOST_TEST(correction.status == 201, correction.body);
      if (correction.status == 201) BOOST_TEST(correction.json()->getValue<std::string>("supersedes") == id);

      // One flipped byte inside the 5А journal of the first archive: verify names the member.
      std::string bytes = model::readFile(onDisk);
      auto [offset, size] = tarMember(bytes, "journals/5a.pdf");
      BOOST_REQUIRE(size > 100u);
      bytes[offset + size / 2] = static_cast<char>(bytes[offset + size / 2] ^ 0x01);
      {
        std::ofstream out(onDisk, std::ios::binary | std::ios::trunc);
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
      }
      Resp broken = call(env.port, "GET", "/api/v1/archives/" + id + "/verify", auditor);
      BOOST_TEST(broken.status == 200);
      BOOST_TEST(!broken.json()->getValue<bool>("ok"));
      auto problems = broken.json()->getArray("problems");
      bool named = false;
      for (size_t i = 0; i < problems->size(); ++i)
        named = named || contains(problems->getElement<std::string>(i), "journals/5a.pdf");
      BOOST_TEST(named, broken.body);

      // Audit: two seals and the refused one, the verifications, the downloads.
      int sealOk = 0, sealFailed = 0;
      for (const auto& r : auditOf(env, "seal")) (r.entry.outcome == "ok" ? sealOk : sealFailed)++;
      BOOST_TEST(sealOk == 2);
      BOOST_TEST(sealFailed == 3);  // the second seal, the correction without a reason, the bad period
      auto verifies = auditOf(env, "verify");
      BOOST_REQUIRE(verifies.size() == 3u);  // the archive, the archive with its content, the tampered one
      BOOST_TEST(verifies[0].entry.outcome == "ok");
      BOOST_TEST(verifies[1].entry.outcome == "ok");
      BOOST_TEST(verifies[2].entry.outcome == "failed");
      BOOST_TEST(auditOf(env, "download").size() == 2u);  // the archive and the member
    }
  }
}

BOOST_AUTO_TEST_CASE(archives_sealed_directly_in_archive_dir_stay_the_schools_archives) {
  // Before a store held several schools, a school's archives lay directly in archive.dir. An installation
  // upgraded keeps reading and chaining them there; a new installation seals into archive.dir/<school>.
  const SigningKey& keys = signingKey();
  const std::map<std::string, std::string> signing{{"archive.key", keys.key.string()},
                                                   {"archive.cert", keys.cert.string()}};
  const fs::path legacy =
      fs::temp_directory_path() / ("ejournal-legacy-archives-" + std::to_string(getpid()));
  fs::remove_all(legacy);
  fs::create_directories(legacy);
  std::string id;
  {
    Env env("sqlite", "jlegacy1", signing);
    env.clock->set(*model::DateTime::parse("2025-10-27T10:00:00"));
    env.ingestTiny();
    Resp sealed = call(env.port, "POST", "/api/v1/archives", env.token(Role::Secretary),
                       jsonBody({{"period", "2025-Q1"}}));
    BOOST_REQUIRE_MESSAGE(sealed.status == 201, sealed.body);
    id = sealed.json()->getValue<std::string>("id");
    fs::copy_file(env.dir / "archive" / "stupeni" / id, legacy / id);
  }
  auto withLegacy = signing;
  withLegacy["archive.dir"] = legacy.string();
  Env env("sqlite", "jlegacy2", withLegacy);
  env.clock->set(*model::DateTime::parse("2025-10-27T11:00:00"));
  env.ingestTiny();
  const std::string auditor = env.token(Role::Auditor);
  Resp list = call(env.port, "GET", "/api/v1/archives", auditor);
  BOOST_REQUIRE(list.status == 200);
  BOOST_REQUIRE(list.json()->getArray("archives")->size() == 1u);
  BOOST_TEST(list.json()->getArray("archives")->getObject(0)->getValue<std::string>("id") == id);
  Resp verified = call(env.port, "GET", "/api/v1/archives/" + id + "/verify", auditor);
  BOOST_TEST(verified.json()->getValue<bool>("ok"), verified.body);
  // The period is sealed there: a second seal is refused, and no school directory appears.
  Resp again = call(env.port, "POST", "/api/v1/archives", env.token(Role::Secretary),
                    jsonBody({{"period", "2025-Q1"}}));
  BOOST_TEST(again.status == 409, again.body);
  BOOST_TEST(!fs::exists(legacy / "stupeni"));
  fs::remove_all(legacy);
}

BOOST_AUTO_TEST_CASE(each_school_seals_with_its_own_key_into_its_own_directory) {
  const SigningKey& region = signingKey();
  const SigningKey other("keys-other", "Директор другой школы");
  Env env("sqlite", "jschoolkeys",
          {{"archive.key", region.key.string()},
           {"archive.cert", region.cert.string()},
           {"archive.key.other-school", other.key.string()},
           {"archive.cert.other-school", other.cert.string()}});
  env.clock->set(*model::DateTime::parse("2025-10-27T10:00:00"));
  env.ingestTiny();
  // The second school: its administrator, created by the region's, uploads its journal.
  const std::string otherAdmin =
      env.addSchool("other-school", Env::tinyAs("other-school", "Другая школа", "Другая школа"));

  Resp mine = call(env.port, "POST", "/api/v1/archives", env.token(Role::Secretary),
                   jsonBody({{"period", "2025-Q1"}}));
  BOOST_REQUIRE_MESSAGE(mine.status == 201, mine.body);
  Resp theirs = call(env.port, "POST", "/api/v1/archives", otherAdmin, jsonBody({{"period", "2025-Q1"}}));
  BOOST_REQUIRE_MESSAGE(theirs.status == 201, theirs.body);
  const std::string mineId = mine.json()->getValue<std::string>("id");
  const std::string theirsId = theirs.json()->getValue<std::string>("id");
  // Two chains, each starting at 1, each in its school's directory, each signed by its own director.
  BOOST_TEST(mineId == theirsId);
  const std::string mineTar = model::readFile(env.dir / "archive" / "stupeni" / mineId);
  const std::string theirsTar = model::readFile(env.dir / "archive" / "other-school" / theirsId);
  BOOST_TEST(contains(mineTar, "Директор лицея"));
  BOOST_TEST(!contains(mineTar, "Директор другой школы"));
  BOOST_TEST(contains(theirsTar, "Директор другой школы"));
  BOOST_TEST(!contains(theirsTar, "Директор лицея"));
  // Each verifies against its own school's certificate.
  Resp v1 = call(env.port, "GET", "/api/v1/archives/" + mineId + "/verify", env.token(Role::Auditor));
  BOOST_TEST(v1.json()->getValue<bool>("ok"), v1.body);
  Resp v2 = call(env.port, "GET", "/api/v1/archives/" + theirsId + "/verify", otherAdmin);
  BOOST_TEST(v2.json()->getValue<bool>("ok"), v2.body);
  // The school's archive list is its own.
  Resp list = call(env.port, "GET", "/api/v1/archives", otherAdmin);
  BOOST_REQUIRE(list.status == 200);
  BOOST_TEST(list.json()->getArray("archives")->size() == 1u);
  BOOST_TEST(
      list.json()->getArray("archives")->getObject(0)->getValue<std::string>("schoolId") == "other-school",
      list.body);
}

BOOST_AUTO_TEST_CASE(backups_are_valid_stores) {
  for (const auto& backend : backends()) {
    BOOST_TEST_CONTEXT(backend) {
      Env env(backend, "jbackup");
      env.ingestTiny();
      const std::string admin = env.token(Role::Admin);
      Resp made = call(env.port, "POST", "/api/v1/backups", admin, "{}");
      BOOST_REQUIRE_MESSAGE(made.status == 201, made.body);
      const std::string file = made.json()->getValue<std::string>("file");
      const fs::path path = env.dir / "backup" / file;
      BOOST_REQUIRE(fs::exists(path));
      BOOST_TEST(fs::file_size(path) == made.json()->getValue<Poco::UInt64>("bytes"));
      Resp list = call(env.port, "GET", "/api/v1/backups", admin);
      BOOST_TEST(contains(list.body, "\"" + file + "\""), list.body);

      // The copy opens as a store holding the same journal.
      std::string copy;
      if (backend == "sqlite") {
        copy = path.string();
      } else {
        // PostgreSQL: a pg_dump custom-format archive, restored into a fresh database.
        BOOST_TEST(model::readFile(path).rfind("PGDMP", 0) == 0u);
        copy = freshPostgres("svc_jbackup_restored");
        Shell restore = shell(store::pgRestoreCommand(copy, path.string()), env.dir);
        BOOST_REQUIRE_MESSAGE(restore.code == 0, restore.out << restore.err);
      }
      auto restored = store::Store::open(copy);
      BOOST_TEST(restored->schools() == std::vector<std::string>{"stupeni"});
      const model::Journal j = restored->load({});
      BOOST_TEST(j.lessons.size() == 58u);
      BOOST_TEST(j.marks.size() == 219u);
      BOOST_TEST(j.students.size() == 12u);
      auto backups = auditOf(env, "backup");
      BOOST_REQUIRE(backups.size() == 1u);
      BOOST_TEST(backups[0].entry.object == file);
    }
  }
}

// ---- pulls from the dnevnik.ru emulator -------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(pull_with_faults_ends_with_the_same_data_as_a_clean_pull) {
  using pulltest::DnevnikEmulator;
  using pulltest::FaultKind;
  const model::Journal src = pulltest::withNumericIds(pulltest::handJournal(), 900000000000ull);
  for (const auto& backend : backends()) {
    BOOST_TEST_CONTEXT(backend) {
      Scratch scratch("pull-" + backend);
      model::writeFileAtomic(scratch.path / "token", "emulator-token\n");
      pulltest::EmulatorOptions faulty;
      faulty.faults = {{FaultKind::TooManyRequests, "/lessons/", 0, 1, 1, 0},
                       {FaultKind::ServerError, "/marks/", 0, 1, 1, 0},
                       {FaultKind::Malformed, "lesson-log-entries", 0, 1, 1, 0},
                       {FaultKind::Slow, "/final-marks", 0, 1, 1, 1500}};
      DnevnikEmulator faultyEmu(src, faulty);
      DnevnikEmulator cleanEmu(src);
      const std::string tokenFile = (scratch.path / "token").string();
      Env a(backend, "jpullfaulty", {{"pull.baseUrl", faultyEmu.baseUrl()}, {"pull.tokenFile", tokenFile}});
      Env b(backend, "jpullclean", {{"pull.baseUrl", cleanEmu.baseUrl()}, {"pull.tokenFile", tokenFile}});
      const std::string body = jsonBody({{"period", "2025-Q1"}});
      Resp ra = call(a.port, "POST", "/api/v1/pull", a.token(Role::Deputy), body);
      Resp rb = call(b.port, "POST", "/api/v1/pull", b.token(Role::Deputy), body);
      BOOST_REQUIRE_MESSAGE(ra.status == 200, ra.body);
      BOOST_REQUIRE_MESSAGE(rb.status == 200, rb.body);
      BOOST_TEST(faultyEmu.faultsFired() == 4u);
      BOOST_TEST(ra.json()->getValue<int>("retries") >= 3, ra.body);  // 429, 500, malformed; slow is no retry
      BOOST_TEST(rb.json()->getValue<int>("retries") == 0, rb.body);
      BOOST_TEST(ra.json()->getValue<int>("lessons") > 0);
      for (const char* field : {"schoolId", "from", "to"})
        BOOST_TEST(ra.json()->getValue<std::string>(field) == rb.json()->getValue<std::string>(field), field);
      for (const char* field : {"lessons", "marks", "inserted"})
        BOOST_TEST(ra.json()->getValue<int>(field) == rb.json()->getValue<int>(field), field);

      // The same data: statistics and findings answer the same bytes.
      const std::string da = a.token(Role::Deputy), db = b.token(Role::Deputy);
      const std::string findings = "/api/v1/findings?from=2025-09-01&to=2025-10-31&format=json";
      Resp statsA = call(a.port, "GET", "/api/v1/stats", da),
           statsB = call(b.port, "GET", "/api/v1/stats", db);
      BOOST_TEST(statsA.status == 200);
      BOOST_TEST(statsA.json()->getArray("stats")->size() > 0u);
      BOOST_TEST(statsA.body == statsB.body);
      Resp findA = call(a.port, "GET", findings, da), findB = call(b.port, "GET", findings, db);
      BOOST_TEST(findA.status == 200);
      BOOST_TEST(findA.body == findB.body);
      BOOST_TEST(a.service->store().load({}).marks.size() == src.marks.size());

      // dnevnik.ru rejects the token late in the next pull: a clear error, and nothing of that pull is
      // stored, not even the mark changed meanwhile; the pull after it brings the change.
      const model::Mark& mark = src.marks.at(10);
      const model::MarkValue two{model::MarkKind::Points, 2}, five{model::MarkKind::Points, 5};
      const model::MarkValue changed = mark.value == two ? five : two;
      BOOST_REQUIRE(cleanEmu.setMark(mark.id, changed, *model::DateTime::parse("2025-10-15T14:00:00")));
      cleanEmu.addFault({FaultKind::Unauthorized, "lesson-log-entries", 0, 1, 1, 0});
      auto valueOf = [&](Env& env) {
        for (const auto& m : env.service->store().load({}).marks)
          if (m.id == mark.id) return m.value;
        return model::MarkValue{};
      };
      Resp denied = call(b.port, "POST", "/api/v1/pull", db, body);
      BOOST_TEST(denied.status == 502, denied.body);
      BOOST_TEST(errorCode(denied) == "upstream_denied");
      BOOST_TEST(contains(denied.errorMessage(), "токен"), denied.body);
      BOOST_TEST(contains(denied.errorMessage(), "pull.tokenFile"), denied.body);
      BOOST_TEST(call(b.port, "GET", "/api/v1/stats", db).body == statsB.body);
      BOOST_TEST(call(b.port, "GET", findings, db).body == findB.body);
      BOOST_TEST((valueOf(b) == mark.value));
      Resp again = call(b.port, "POST", "/api/v1/pull", db, body);
      BOOST_TEST(again.status == 200, again.body);
      BOOST_TEST(again.json()->getValue<int>("updated") == 1, again.body);
      BOOST_TEST((valueOf(b) == changed));

      // The audit log has every pull: the faulted one, and in b ok, failed (with the reason), ok.
      auto pullsA = auditOf(a, "pull");
      BOOST_REQUIRE(pullsA.size() == 1u);
      BOOST_TEST(pullsA[0].entry.outcome == "ok");
      BOOST_TEST(pullsA[0].entry.actor == "deputy");
      BOOST_TEST(pullsA[0].entry.object == faultyEmu.baseUrl());
      BOOST_TEST(contains(pullsA[0].entry.details, "уроков"));
      auto pullsB = auditOf(b, "pull");
      BOOST_REQUIRE(pullsB.size() == 3u);
      BOOST_TEST(pullsB[0].entry.outcome == "ok");
      BOOST_TEST(pullsB[1].entry.outcome == "failed");
      BOOST_TEST(contains(pullsB[1].entry.details, "401"), pullsB[1].entry.details);
      BOOST_TEST(pullsB[2].entry.outcome == "ok");
    }
  }
}

BOOST_AUTO_TEST_CASE(pull_needs_configuration_and_a_scope) {
  for (const auto& backend : backends()) {
    BOOST_TEST_CONTEXT(backend) {
      Env plain(backend, "jpullnone");
      const std::string body = jsonBody({{"period", "2025-Q1"}});
      Resp none = call(plain.port, "POST", "/api/v1/pull", plain.token(Role::Admin), body);
      BOOST_TEST(none.status == 409);
      BOOST_TEST(contains(none.errorMessage(), "pull.baseUrl"), none.body);
      Resp neither = call(plain.port, "POST", "/api/v1/pull", plain.token(Role::Admin), "{}");
      BOOST_TEST(neither.status == 400);
      BOOST_TEST(contains(neither.errorMessage(), "укажите либо period, либо from и to"));
    }
  }
}
