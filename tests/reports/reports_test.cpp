// Report figures on samples/tiny.xml against the values counted by hand in samples/tiny.md, and the writers.
#define BOOST_TEST_MODULE reports
#include "ejournal/reports/reports.h"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <sstream>

#include "ejournal/ingest/ingest.h"
#include "ejournal/model/files.h"

using namespace ejournal;

namespace {

struct Tiny {
  model::Journal journal = ingest::readJournal(
      model::readFile(std::string(EJOURNAL_SOURCE_DIR) + "/samples/tiny.xml"), "tiny.xml");
  model::JournalIndex index{journal};
  model::DateTime created = *model::DateTime::parse("2026-06-01T12:00:00");

  rules::Scope scope(const char* period, const char* from, const char* to, const char* today,
                     const char* cls = "") const {
    model::FixedClock clock(*model::DateTime::parse(today));
    return rules::resolveScope(index, period, from, to, cls, "", "", clock);
  }
};

std::string render(const auto& report, reports::Format f) {
  std::ostringstream o;
  reports::write(report, f, o);
  return o.str();
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(tiny_sample, Tiny)

BOOST_AUTO_TEST_CASE(results_q1_hand_counted) {
  const auto r = reports::buildResultsReport(index, scope("2025-Q1", "", "", "2026-06-01T12:00:00"), created);
  BOOST_TEST_REQUIRE(r.rows.size() == 2u);
  const auto& a = r.rows[0];  // 5А: Q1 math marks 5, 4, 3, 5, 5, 3
  BOOST_TEST(a.className == "5А");
  BOOST_TEST(a.periodId == "2025-Q1");
  BOOST_TEST(a.students == 6);  // s06 arrived 2025-09-08, still enrolled at the quarter's end
  BOOST_TEST(a.graded == 6);
  BOOST_TEST(a.excellent == 3);
  BOOST_TEST(a.good == 1);
  BOOST_TEST(a.oneThree == 2);
  BOOST_TEST(a.failing == 0);
  BOOST_TEST(a.successPercent == 100.0);
  BOOST_TEST(a.qualityPercent == 66.7);
  BOOST_TEST(a.averageMark == 4.17);
  BOOST_TEST(a.lessonsMissed == 3);  // s02 ill all day 2025-09-03; a late arrival is not a missed lesson
  BOOST_TEST(a.missedIll == 3);
  const auto& b = r.rows[1];  // 8Б: 5, 3, 3, 5, 4; s16 left on 2025-09-05
  BOOST_TEST(b.className == "8Б");
  BOOST_TEST(b.students == 5);
  BOOST_TEST(b.excellent == 2);
  BOOST_TEST(b.good == 1);
  BOOST_TEST(b.oneThree == 2);
  BOOST_TEST(b.qualityPercent == 60.0);
  BOOST_TEST(b.averageMark == 4.0);
  BOOST_TEST(b.lessonsMissed == 4);  // 3 absent + 1 excused
  BOOST_TEST(b.missedIll == 0);
  BOOST_TEST(r.total.students == 11);
  BOOST_TEST(r.total.excellent == 5);
  BOOST_TEST(r.total.qualityPercent == 63.6);  // 7 of 11
  BOOST_TEST(r.total.averageMark == 4.09);     // 45 / 11
  BOOST_TEST(r.total.lessonsMissed == 7);
  BOOST_TEST(r.total.missedIll == 3);
  const std::string text = render(r, reports::Format::Text);
  BOOST_TEST(text.find("Итоги успеваемости") != std::string::npos);
  BOOST_TEST(text.find("66.7%") != std::string::npos);
  const std::string json = render(r, reports::Format::Json);
  BOOST_TEST(json.find("\"quality_percent\": 66.7") != std::string::npos);
  const std::string csv = render(r, reports::Format::Csv);
  BOOST_TEST(std::count(csv.begin(), csv.end(), '\n') == 4);  // header, 2 classes, total
}

BOOST_AUTO_TEST_CASE(program_two_weeks_all_given) {
  const auto r = reports::buildProgramReport(
      index, scope("", "2025-09-01", "2025-09-12", "2026-06-01T12:00:00"), created);
  BOOST_TEST_REQUIRE(r.rows.size() == 8u);  // 8 curriculum lines, English of 8Б per subgroup
  const auto& m = r.rows[0];
  BOOST_TEST(m.className == "5А");
  BOOST_TEST(m.subjectName == "Математика");
  BOOST_TEST(m.plannedYear == 170);
  BOOST_TEST(m.plannedPeriod == 40);  // the whole first quarter overlaps the range
  BOOST_TEST(m.plannedToDate == 10);  // two weeks of 5 timetable hours
  BOOST_TEST(m.delivered == 10);
  BOOST_TEST(m.shortfall == 0);
  BOOST_TEST(m.percent == 100.0);
  for (const auto& row : r.rows)
    BOOST_TEST(row.delivered == row.plannedToDate, row.className << " " << row.subjectName);
  BOOST_TEST(r.delivered == 58);  // every lesson of the two weeks
  BOOST_TEST(r.rowsBehind == 0);
  // At the quarter's end the same lessons are far behind.
  const auto q =
      reports::buildProgramReport(index, scope("2025-Q1", "", "", "2026-06-01T12:00:00", "5А"), created);
  BOOST_TEST_REQUIRE(q.rows.size() == 3u);
  BOOST_TEST(q.rows[0].plannedToDate == 40);
  BOOST_TEST(q.rows[0].shortfall == 30);
  BOOST_TEST(q.rows[0].percent == 25.0);
  BOOST_TEST(render(q, reports::Format::Text).find("25.0%") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(substitutions_one_recorded) {
  const auto r = reports::buildSubstitutionsReport(
      index, scope("", "2025-09-01", "2025-09-12", "2026-06-01T12:00:00"), created);
  BOOST_TEST_REQUIRE(r.all.size() == 1u);
  BOOST_TEST(r.all[0].lessonId == "l8b-0909-5");
  BOOST_TEST(r.all[0].absentTeacherName == "Иванова М. П.");
  BOOST_TEST(r.all[0].substituteTeacherName == "Волков С. Н.");
  BOOST_TEST(r.all[0].recorded);
  BOOST_TEST(r.unrecorded == 0);
  BOOST_TEST_REQUIRE(r.rows.size() == 2u);  // Волков gave one, Иванова was replaced once (alphabetical)
  BOOST_TEST(r.rows[0].teacherName == "Волков С. Н.");
  BOOST_TEST(r.rows[0].given == 1);
  BOOST_TEST(r.rows[1].teacherName == "Иванова М. П.");
  BOOST_TEST(r.rows[1].replaced == 1);
  BOOST_TEST(render(r, reports::Format::Csv).find("2025-09-09,l8b-0909-5,8Б,Математика") !=
             std::string::npos);
}

BOOST_AUTO_TEST_CASE(results_unmarked_classes_left_out) {
  // With grades up to 5 unmarked (as grade 1 is by default), 5А is shown «без отметок» and left out of the
  // total.
  const auto r =
      reports::buildResultsReport(index, scope("2025-Q1", "", "", "2026-06-01T12:00:00"), created, 5);
  BOOST_TEST_REQUIRE(r.rows.size() == 2u);
  BOOST_TEST(r.rows[0].unmarked);
  BOOST_TEST(r.rows[0].students == 6);
  BOOST_TEST(r.rows[0].graded == 0);
  BOOST_TEST(r.rows[0].lessonsMissed == 3);  // attendance is still counted
  BOOST_TEST(!r.rows[1].unmarked);
  BOOST_TEST(r.total.students == 5);  // 8Б only
  BOOST_TEST(r.total.qualityPercent == 60.0);
  BOOST_TEST(r.total.averageMark == 4.0);
  BOOST_TEST(r.total.lessonsMissed == 4);
  const std::string text = render(r, reports::Format::Text);
  BOOST_TEST(text.find("без отметок") != std::string::npos, text);
  const std::string json = render(r, reports::Format::Json);
  BOOST_TEST(json.find("\"unmarked\": true") != std::string::npos, json);
  BOOST_TEST(json.find("\"success_percent\": null, \"quality_percent\": null, \"average_mark\": null") !=
                 std::string::npos,
             json);
  const std::string csv = render(r, reports::Format::Csv);
  BOOST_TEST(csv.find(",true,6,0,0,0,0,0,0,0,,,,3,3") != std::string::npos, csv);
  // The default (grade 1 unmarked) leaves both classes marked.
  const auto d = reports::buildResultsReport(index, scope("2025-Q1", "", "", "2026-06-01T12:00:00"), created);
  BOOST_TEST(!d.rows[0].unmarked);
}

BOOST_AUTO_TEST_CASE(control_report_names_rules_not_checked) {
  auto j = journal;
  j.plan.clear();
  const model::JournalIndex ix(j);
  model::FixedClock clock(*model::DateTime::parse("2026-06-01T12:00:00"));
  const auto sc = rules::resolveScope(ix, "", "2025-09-01", "2025-09-12", "", "", "", clock);
  const auto config = rules::Config::schoolDefaults();
  const auto r = reports::buildControlReport(ix, sc, rules::check(ix, sc, config), config, created);
  BOOST_TEST_REQUIRE(r.notChecked.size() == 1u);
  BOOST_TEST(r.notChecked[0].ruleId == "hours.plan_total");
  const std::string text = render(r, reports::Format::Text);
  BOOST_TEST(text.find("не проверялось: источник не содержит календарно-тематического планирования") !=
                 std::string::npos,
             text);
  const std::string json = render(r, reports::Format::Json);
  BOOST_TEST(json.find("\"not_checked\": [\n    {\"rule\": \"hours.plan_total\"") != std::string::npos, json);
}

BOOST_AUTO_TEST_CASE(control_report_rows_and_findings) {
  const auto sc = scope("", "2025-09-01", "2025-09-12", "2026-06-01T12:00:00");
  const auto config = rules::Config::schoolDefaults();
  const auto findings = rules::check(index, sc, config);
  const auto r = reports::buildControlReport(index, sc, findings, config, created);
  BOOST_TEST(r.lessonsHeld == 58);
  BOOST_TEST(r.findings == static_cast<int>(findings.size()));
  auto row = [&](const std::string& teacher, const std::string& cls, const std::string& subject) {
    auto it = std::find_if(r.rows.begin(), r.rows.end(), [&](const reports::ControlRow& x) {
      return x.teacherId == teacher && x.classId == cls && x.subjectId == subject;
    });
    BOOST_TEST_REQUIRE((it != r.rows.end()), teacher << " " << cls << " " << subject);
    return *it;
  };
  const auto math5 = row("t3", "5a", "math");
  BOOST_TEST(math5.lessonsHeld == 10);
  BOOST_TEST(math5.lessonsPlanned == 10);
  BOOST_TEST(math5.marks == 42);
  BOOST_TEST(math5.marksPerLesson == 4.2);
  BOOST_TEST(math5.lateWorkMarks == 1);  // m139, 6 days after the control work
  const auto rus5 = row("t4", "5a", "rus");
  BOOST_TEST(rus5.topicsLate == 1);
  BOOST_TEST(rus5.topicsOnTime == 9);
  const auto eng5 = row("t5", "5a", "eng");
  BOOST_TEST(eng5.topicsMissing == 1);
  BOOST_TEST(eng5.lessonsFewMarks == 1);
  BOOST_TEST(eng5.missingHomework == 1);
  // The substituted lesson of 8Б math is on the substitute's line.
  const auto sub = row("t7", "8b", "math");
  BOOST_TEST(sub.lessonsHeld == 1);
  BOOST_TEST(sub.substitutions == 1);
  BOOST_TEST(row("t3", "8b", "math").lessonsHeld == 9);
  BOOST_TEST(r.errors > 0);
  BOOST_TEST(r.conclusion.find("Выявлено нарушений") != std::string::npos);
  const std::string text = render(r, reports::Format::Text);
  BOOST_TEST(text.find("Справка по итогам проверки электронного журнала") != std::string::npos);
  BOOST_TEST(text.find("Заместитель директора по УВР") != std::string::npos);
  BOOST_TEST(text.find("Зайцева Ольга Викторовна") != std::string::npos);
  const std::string json = render(r, reports::Format::Json);
  BOOST_TEST(json.find("\"report\": \"control\"") != std::string::npos);
  BOOST_TEST(json ==
             render(reports::buildControlReport(index, sc, rules::check(index, sc, config), config, created),
                    reports::Format::Json));  // deterministic
}

BOOST_AUTO_TEST_CASE(forecast_in_quarter_and_at_its_end) {
  const auto config = rules::Config::schoolDefaults();
  // On 2025-09-12 (two weeks into the quarter): expected marks from the weighted averages of tiny.md.
  const auto early =
      reports::buildForecastReport(index, scope("2025-Q1", "", "", "2025-09-12T20:00:00"), config, created);
  auto find = [](const reports::ForecastReport& r, const std::string& s, const std::string& subject) {
    auto it = std::find_if(r.rows.begin(), r.rows.end(), [&](const reports::ForecastRow& x) {
      return x.studentId == s && x.subjectId == subject;
    });
    BOOST_TEST_REQUIRE((it != r.rows.end()), s << " " << subject);
    return *it;
  };
  BOOST_TEST(find(early, "s05", "math").weightedAverage == 3.9);
  BOOST_TEST(*find(early, "s05", "math").expected == 4);
  BOOST_TEST(find(early, "s13", "math").weightedAverage == 2.57);
  BOOST_TEST(*find(early, "s13", "math").expected == 3);
  BOOST_TEST(find(early, "s06", "math").marks == 3);
  BOOST_TEST(!find(early, "s06", "math").atRisk);  // 3 marks after 12 of 54 days: enough so far
  BOOST_TEST(find(early, "s06", "math").requiredMarks == 5);
  // s16 left 8Б: not forecast.
  BOOST_TEST(
      std::none_of(early.rows.begin(), early.rows.end(), [](const auto& x) { return x.studentId == "s16"; }));
  // At the quarter's end 3 marks are too few for 5 hours a week.
  const auto late =
      reports::buildForecastReport(index, scope("2025-Q1", "", "", "2026-06-01T12:00:00"), config, created);
  const auto s06 = find(late, "s06", "math");
  BOOST_TEST(s06.atRisk);
  BOOST_TEST_REQUIRE(s06.reasons.size() == 1u);
  BOOST_TEST(s06.reasons[0].find("мало отметок: 3") != std::string::npos, s06.reasons[0]);
  BOOST_TEST(late.studentsAtRisk > 0);
  BOOST_TEST(render(late, reports::Format::Text).find("Жуков Кирилл Романович") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(format_names) {
  BOOST_TEST((reports::formatFromString("json") == reports::Format::Json));
  BOOST_TEST((reports::formatFromString("csv") == reports::Format::Csv));
  BOOST_TEST((reports::formatFromString("text") == reports::Format::Text));
  BOOST_TEST(!reports::formatFromString("pdf").has_value());
}

// Regression for the one JSON/CSV writer shared with the rules (model/json.h, model/text.h): escaping of
// quotes, backslashes and control characters, null for an absent id, fixed decimals in the classic locale,
// CSV quoting.
BOOST_AUTO_TEST_CASE(writers_escape_awkward_text) {
  reports::SubstitutionsReport r;
  r.header.title = "Замены";
  reports::SubstitutionLine line;
  line.date = model::Date::fromYmd(2025, 9, 3);
  line.lessonId = "l\"1\\";
  line.className = "5А";
  line.subjectName = "Алгебра, геометрия\nи\tтаб\x01";
  line.absentTeacherName = "Иванова М. П.";
  line.substituteTeacherName = "Петров Д. О.";
  line.recorded = false;
  r.all.push_back(line);
  r.rows.push_back({"t3", "Иванова М. П.", 0, 1, {line}});
  r.unrecorded = 1;
  const std::string json = render(r, reports::Format::Json);
  BOOST_TEST(json.find(R"("lesson_id": "l\"1\\", "class_name": "5А", )"
                       R"("subject_name": "Алгебра, геометрия\nи\tтаб\u0001", )") != std::string::npos);
  BOOST_TEST(json.find(R"("period": null, )") != std::string::npos);
  BOOST_TEST(json.find(R"("recorded": false})") != std::string::npos);
  BOOST_TEST(json.find("{\"report\": \"substitutions\",\n \"header\": {\"title\": \"Замены\", ") == 0u);
  const std::string csv = render(r, reports::Format::Csv);
  BOOST_TEST(csv.find("2025-09-03,\"l\"\"1\\\",5А,\"Алгебра, геометрия\nи\tтаб\x01\",Иванова М. П.,Петров Д. "
                      "О.,false\r\n") != std::string::npos);

  reports::ProgramReport p;
  p.percent = 87.26;
  p.rows.push_back({});
  p.rows[0].percent = 2.0 / 3.0 * 100;
  const std::string pj = render(p, reports::Format::Json);
  BOOST_TEST(pj.find(R"("percent": 66.7, "completed": false})") != std::string::npos);
  BOOST_TEST(pj.find(R"("rows_behind": 0, "percent": 87.3})") != std::string::npos);
}
