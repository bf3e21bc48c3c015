// Rules engine tests on journals built in code and on samples/tiny.xml: the catalogue, the configuration file
// and its schema, scopes, the output formats, and the tiny sample's documented situations (samples/tiny.md).
#define BOOST_TEST_MODULE rules
#include "ejournal/rules/rules.h"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <sstream>

#include "ejournal/ingest/ingest.h"
#include "ejournal/model/error.h"
#include "ejournal/model/files.h"

using namespace ejournal;
namespace fs = std::filesystem;

namespace {

const fs::path kSource = EJOURNAL_SOURCE_DIR;

model::Journal tiny() {
  return ingest::readJournal(model::readFile(kSource / "samples/tiny.xml"), "tiny.xml");
}

model::FixedClock clockAt(const char* iso) { return model::FixedClock(*model::DateTime::parse(iso)); }

std::vector<model::Finding> ofRule(const std::vector<model::Finding>& all, const std::string& rule) {
  std::vector<model::Finding> out;
  for (const auto& f : all)
    if (f.rule == rule) out.push_back(f);
  return out;
}

double figure(const model::Finding& f, const std::string& name) {
  for (const auto& x : f.figures)
    if (x.name == name) return x.value;
  BOOST_FAIL("no figure " + name + " in " + f.message);
  return 0;
}

}  // namespace

BOOST_AUTO_TEST_CASE(catalogue_has_every_rule_of_the_domain_once) {
  const std::vector<std::string> ids = {
      "hours.curriculum",   "hours.plan_total",       "marks.per_lesson",      "attendance.recorded",
      "language.russian",   "topic.missing",          "topic.same_day",        "homework.recorded",
      "marks.deadline",     "work.topic_stated",      "substitution.recorded", "works.control_present",
      "marks.accumulation", "marks.period_objective", "marks.valid_value",     "marks.enrolled",
      "marks.changed"};
  BOOST_TEST(rules::catalogue().size() == ids.size());
  for (const auto& id : ids) {
    const auto* r = rules::findRule(id);
    BOOST_TEST_REQUIRE(r != nullptr, id);
    BOOST_TEST(!r->title.empty());
  }
  BOOST_TEST((rules::findRule("marks.changed")->severity == model::Severity::Info));
  BOOST_TEST(rules::findRule("nope.nope") == nullptr);
}

BOOST_AUTO_TEST_CASE(shipped_defaults_equal_catalogue_defaults) {
  const auto shipped = rules::Config::schoolDefaults();
  const auto builtin = rules::Config::defaults();
  for (const auto& r : rules::catalogue()) {
    const auto& a = shipped.settings(r.id);
    const auto& b = builtin.settings(r.id);
    BOOST_TEST(a.enabled == b.enabled, r.id);
    BOOST_TEST((a.severity == b.severity), r.id);
    BOOST_TEST((a.params == b.params), r.id);
  }
  BOOST_TEST(shipped.settings("marks.deadline").integer("days_junior") == 3);
  BOOST_TEST(shipped.settings("marks.deadline").integer("days_senior") == 7);
  BOOST_TEST(shipped.settings("marks.per_lesson").integer("min_marks") == 4);
}

BOOST_AUTO_TEST_CASE(config_overrides_and_rejections_name_the_place) {
  const std::string ok =
      "<?xml version=\"1.0\"?>\n<rules xmlns=\"urn:ejournal:rules:1\">\n"
      "  <rule id=\"marks.deadline\" severity=\"warning\"><param name=\"days_senior\">5</param></rule>\n"
      "  <rule id=\"marks.changed\" enabled=\"false\"/>\n</rules>\n";
  auto c = rules::Config::parse(ok, "ok.xml");
  BOOST_TEST(c.settings("marks.deadline").integer("days_senior") == 5);
  BOOST_TEST((c.settings("marks.deadline").severity == model::Severity::Warning));
  BOOST_TEST(!c.enabled("marks.changed"));
  BOOST_TEST(c.settings("marks.deadline").list("work_types").size() == 5u);

  auto expectError = [](const std::string& xml, const std::string& part) {
    try {
      rules::Config::parse(xml, "bad.xml");
      BOOST_FAIL("accepted: " + xml);
    } catch (const Error& e) {
      BOOST_TEST(std::string(e.what()).find(part) != std::string::npos, e.what() << " lacks " << part);
      BOOST_TEST((e.kind() == ErrorKind::Input));
    }
  };
  // Unknown rule: located.
  expectError("<rules xmlns=\"urn:ejournal:rules:1\">\n  <rule id=\"marks.bogus\"/>\n</rules>",
              "bad.xml:2:3");
  // Unknown parameter.
  expectError(
      "<rules xmlns=\"urn:ejournal:rules:1\"><rule id=\"marks.deadline\"><param name=\"days\">3</param>"
      "</rule></rules>",
      "нет параметра «days»");
  // Bad value type.
  expectError(
      "<rules xmlns=\"urn:ejournal:rules:1\"><rule id=\"marks.deadline\"><param name=\"days_junior\">три"
      "</param></rule></rules>",
      "не является целым числом");
  // Schema violations: bad severity, wrong namespace, DOCTYPE.
  expectError(
      "<rules xmlns=\"urn:ejournal:rules:1\"><rule id=\"marks.deadline\" severity=\"fatal\"/></rules>",
      "bad.xml:1:");
  expectError("<rules><rule id=\"marks.deadline\"/></rules>", "bad.xml:1:");
  expectError(
      "<?xml version=\"1.0\"?><!DOCTYPE rules SYSTEM \"http://127.0.0.1:9/x.dtd\"><rules "
      "xmlns=\"urn:ejournal:rules:1\"/>",
      "DOCTYPE");
  expectError(
      "<rules xmlns=\"urn:ejournal:rules:1\"><rule id=\"marks.deadline\"/><rule "
      "id=\"marks.deadline\"/></rules>",
      "bad.xml:1:");
}

BOOST_AUTO_TEST_CASE(scope_resolution) {
  const auto j = tiny();
  const model::JournalIndex idx(j);
  auto late = clockAt("2026-06-01T12:00:00");
  auto s = rules::resolveScope(idx, "2025-Q1", "", "", "5А", "Математика", "", late);
  BOOST_TEST(s.periodId == "2025-Q1");
  BOOST_TEST(s.classId == "5a");
  BOOST_TEST(s.subjectId == "math");
  BOOST_TEST(s.asOf.toString() == "2025-10-24");
  BOOST_TEST(s.complete);
  // Before the period's end the plan to date ends today.
  auto early = clockAt("2025-09-10T12:00:00");
  s = rules::resolveScope(idx, "2025-Q1", "", "", "", "", "Иванова М. П.", early);
  BOOST_TEST(s.asOf.toString() == "2025-09-10");
  BOOST_TEST(!s.complete);
  BOOST_TEST(s.teacherId == "t3");
  s = rules::resolveScope(idx, "", "2025-09-01", "2025-09-30", "8b", "", "Волков", late);
  BOOST_TEST(s.periodId.empty());
  BOOST_TEST(s.classId == "8b");
  BOOST_TEST(s.teacherId == "t7");
  BOOST_CHECK_THROW(rules::resolveScope(idx, "2025-Q7", "", "", "", "", "", late), Error);
  BOOST_CHECK_THROW(rules::resolveScope(idx, "", "2025-09-31", "2025-10-01", "", "", "", late), Error);
  BOOST_CHECK_THROW(rules::resolveScope(idx, "2025-Q1", "", "", "9В", "", "", late), Error);
  BOOST_CHECK_THROW(rules::resolveScope(idx, "2025-Q1", "2025-09-01", "", "", "", "", late), Error);
}

// The situations samples/tiny.md documents, found by the rules over the two weeks it covers.
BOOST_AUTO_TEST_CASE(tiny_sample_documented_situations) {
  const auto j = tiny();
  const model::JournalIndex idx(j);
  auto clock = clockAt("2026-06-01T12:00:00");
  const auto scope = rules::resolveScope(idx, "", "2025-09-01", "2025-09-12", "", "", "", clock);
  const auto all = rules::check(idx, scope, rules::Config::schoolDefaults());

  auto deadline = ofRule(all, "marks.deadline");
  BOOST_TEST_REQUIRE(deadline.size() == 1u);  // 5А control work: one mark 6 days late; 8Б dictation exactly 7
  BOOST_TEST(deadline[0].lessonId == "l5a-0909-2");
  BOOST_TEST(figure(deadline[0], "days") == 6);
  BOOST_TEST(figure(deadline[0], "limit") == 3);
  BOOST_TEST(figure(deadline[0], "late_marks") == 1);
  BOOST_TEST(deadline[0].message.find("через 6 дней, допускается 3") != std::string::npos);

  auto sameDay = ofRule(all, "topic.same_day");
  BOOST_TEST_REQUIRE(sameDay.size() == 1u);
  BOOST_TEST(sameDay[0].lessonId == "l5a-0902-1");
  BOOST_TEST(figure(sameDay[0], "days_late") == 1);

  auto perLesson = ofRule(all, "marks.per_lesson");
  BOOST_TEST_REQUIRE(perLesson.size() == 1u);
  BOOST_TEST(perLesson[0].lessonId == "l5a-0912-3");
  for (const char* rule : {"topic.missing", "attendance.recorded", "homework.recorded"}) {
    auto f = ofRule(all, rule);
    BOOST_TEST_REQUIRE(f.size() == 1u, rule);
    BOOST_TEST(f[0].lessonId == "l5a-0912-3", rule);
  }
  auto cell = ofRule(all, "marks.valid_value");
  BOOST_TEST(cell.empty());  // two marks in one cell only in Russian, where it is allowed
  auto changed = ofRule(all, "marks.changed");
  BOOST_TEST_REQUIRE(changed.size() == 1u);
  BOOST_TEST(changed[0].studentId == "s03");
  BOOST_TEST((changed[0].severity == model::Severity::Info));
  BOOST_TEST(ofRule(all, "substitution.recorded").empty());  // the one substitution is recorded properly
  BOOST_TEST(ofRule(all, "marks.enrolled").empty());         // s06 arrives, s16 leaves: no stray marks
  BOOST_TEST(ofRule(all, "language.russian").empty());  // "(Meeting people)" after Russian text is allowed
  BOOST_TEST(ofRule(all, "work.topic_stated").empty());
  BOOST_TEST(ofRule(all, "works.control_present").empty());  // planned control (no. 7) held on 2025-09-09
  // Every lesson of the timetable in the two weeks is recorded: no hours finding to date.
  BOOST_TEST(ofRule(all, "hours.curriculum").empty());
  // The plan covers only the first lessons: every class x subject (x subgroup) is reported, 8 streams.
  BOOST_TEST(ofRule(all, "hours.plan_total").size() == 8u);
  BOOST_TEST(rules::hasViolations(all));
}

BOOST_AUTO_TEST_CASE(tiny_period_objective_at_quarter_end) {
  const auto j = tiny();
  const model::JournalIndex idx(j);
  auto clock = clockAt("2026-06-01T12:00:00");
  const auto scope = rules::resolveScope(idx, "2025-Q1", "", "", "", "math", "", clock);
  const auto all = rules::check(idx, scope, rules::Config::schoolDefaults());
  auto obj = ofRule(all, "marks.period_objective");
  BOOST_TEST_REQUIRE(obj.size() == 1u);
  BOOST_TEST(obj[0].studentId == "s05");
  BOOST_TEST(figure(obj[0], "period_mark") == 5);
  BOOST_TEST(figure(obj[0], "rounded") == 4);
  // The quarter is over but only two weeks were recorded: math is far behind the curriculum's 40 hours.
  auto hours = ofRule(all, "hours.curriculum");
  BOOST_TEST_REQUIRE(hours.size() == 2u);
  BOOST_TEST(figure(hours[0], "planned") == 40);
  BOOST_TEST(figure(hours[0], "delivered") == 10);
}

BOOST_AUTO_TEST_CASE(plan_to_date_before_period_end) {
  const auto j = tiny();
  const model::JournalIndex idx(j);
  // On 2025-09-12 the plan to date for 5А math is the timetable's 10 hours of the two weeks: all given.
  auto clock = clockAt("2025-09-12T20:00:00");
  const auto scope = rules::resolveScope(idx, "2025-Q1", "", "", "5А", "math", "", clock);
  BOOST_TEST(!scope.complete);
  const auto hours = rules::hoursStatus(idx, scope);
  BOOST_TEST_REQUIRE(hours.size() == 1u);
  BOOST_TEST(hours[0].plannedToDate == 10.0);
  BOOST_TEST(hours[0].plannedPeriod == 40.0);
  BOOST_TEST(hours[0].delivered == 10);
  BOOST_TEST(ofRule(rules::check(idx, scope, rules::Config::defaults()), "hours.curriculum").empty());
}

BOOST_AUTO_TEST_CASE(json_csv_text_outputs) {
  const auto j = tiny();
  const model::JournalIndex idx(j);
  auto clock = clockAt("2026-06-01T12:00:00");
  const auto scope = rules::resolveScope(idx, "", "2025-09-01", "2025-09-12", "5А", "", "", clock);
  const auto all = rules::check(idx, scope, rules::Config::schoolDefaults());
  std::ostringstream js, cs, tx;
  rules::writeFindingsJson(idx, scope, all, js);
  rules::writeFindingsCsv(idx, all, cs);
  rules::writeFindingsText(idx, scope, all, tx);
  const std::string json = js.str();
  BOOST_TEST(json.find("\"findings\": [") != std::string::npos);
  BOOST_TEST(
      json.find(
          "\"rule\": \"marks.deadline\", \"severity\": \"error\", \"period\": \"2025-Q1\", \"class\": "
          "\"5a\", \"class_name\": \"5А\", \"subject\": \"math\", \"subject_name\": \"Математика\", "
          "\"subgroup\": null, \"teacher\": \"t3\", \"teacher_name\": \"Иванова М. П.\", \"lesson_id\": "
          "\"l5a-0909-2\", \"date\": \"2025-09-09\", \"student\": null, \"student_name\": null") !=
          std::string::npos,
      json);
  BOOST_TEST(json.find("\"student\": \"s03\", \"student_name\": \"Васильев Е.\"") != std::string::npos);
  BOOST_TEST(json.find("\"figures\": {\"days\": 6, \"limit\": 3, \"late_marks\": 1}") != std::string::npos);
  // CSV: header plus one line per finding.
  const std::string csv = cs.str();
  BOOST_TEST(static_cast<size_t>(std::count(csv.begin(), csv.end(), '\n')) == all.size() + 1);
  const std::string text = tx.str();
  BOOST_TEST(text.find("Сроки выставления отметок за письменные работы") != std::string::npos);
  BOOST_TEST(text.find("Итого: нарушений") != std::string::npos);
  // Deterministic.
  std::ostringstream js2;
  rules::writeFindingsJson(idx, scope, rules::check(idx, scope, rules::Config::schoolDefaults()), js2);
  BOOST_TEST(js2.str() == json);
}

BOOST_AUTO_TEST_CASE(rule_without_evidence_reported_once_as_not_checked) {
  // Without a thematic plan, hours.plan_total cannot be applied: no findings of it, one "не проверялось" in
  // every output format.
  auto j = tiny();
  j.plan.clear();
  const model::JournalIndex idx(j);
  auto clock = clockAt("2026-06-01T12:00:00");
  const auto scope = rules::resolveScope(idx, "", "2025-09-01", "2025-09-12", "", "", "", clock);
  const auto result = rules::run(idx, scope, rules::Config::schoolDefaults());
  BOOST_TEST(ofRule(result.findings, "hours.plan_total").empty());
  BOOST_TEST_REQUIRE(result.notChecked.size() == 1u);
  BOOST_TEST(result.notChecked[0].ruleId == "hours.plan_total");
  BOOST_TEST(rules::notChecked(idx, scope, rules::Config::schoolDefaults()).size() == 1u);
  std::ostringstream js, cs, tx;
  rules::writeFindingsJson(idx, scope, result, js);
  rules::writeFindingsCsv(idx, result, cs);
  rules::writeFindingsText(idx, scope, result, tx);
  BOOST_TEST(js.str().find("\"not_checked\": [\n    {\"rule\": \"hours.plan_total\"") != std::string::npos,
             js.str());
  BOOST_TEST(js.str().find("\"not_checked\": 1,") != std::string::npos);
  BOOST_TEST(cs.str().find("hours.plan_total,not_checked,") != std::string::npos);
  const std::string text = tx.str();
  const auto at = text.find("не проверялось: источник не содержит календарно-тематического планирования");
  BOOST_TEST(at != std::string::npos, text);
  BOOST_TEST(text.find("не проверялось", at + 1) == std::string::npos);
}
