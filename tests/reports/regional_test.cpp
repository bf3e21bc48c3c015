// The regional comparison report: weighted totals and rounding over rows counted by hand, an empty school and
// one never checked or sealed, and rows derived from two different journals (samples/tiny.xml and a copy of
// another school without 5А's English lessons), so a mix-up of the schools would show.
#include "ejournal/reports/regional.h"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "ejournal/ingest/ingest.h"
#include "ejournal/model/files.h"

using namespace ejournal;

namespace {

reports::RuleCount count(const std::string& rule, int n) {
  reports::RuleCount c;
  c.ruleId = rule;
  c.ruleTitle = rules::findRule(rule)->title;
  c.count = n;
  return c;
}

reports::RegionalRow handRow(const std::string& id, const std::string& name, int lessons, int topics,
                             int marks, int workMarks, int late, int planned, int delivered, int lines,
                             int behind, std::vector<reports::RuleCount> open) {
  reports::RegionalRow r;
  r.schoolId = id;
  r.schoolShortName = name;
  r.schoolName = "Муниципальное общеобразовательное учреждение «" + name + "»";
  r.lessonsHeld = lessons;
  r.topicsOnTime = topics;
  r.marks = marks;
  r.workMarks = workMarks;
  r.lateWorkMarks = late;
  r.plannedToDate = planned;
  r.delivered = delivered;
  r.programLines = lines;
  r.linesBehind = behind;
  r.openByRule = std::move(open);
  return r;
}

reports::ReportHeader regionHeader() {
  reports::ReportHeader h;
  h.schoolName = "Управление образования города Энска";
  h.schoolShortName = h.schoolName;
  h.academicYear = "2025/2026";
  h.periodId = "2025-Q1";
  h.periodLabel = "1 четверть";
  h.dates = {*model::Date::parse("2025-09-01"), *model::Date::parse("2025-10-24")};
  h.asOf = h.dates.to;
  h.createdAt = *model::DateTime::parse("2026-06-01T12:00:00");
  return h;
}

std::string written(const reports::RegionalReport& r, reports::Format f) {
  std::ostringstream o;
  reports::write(r, f, o);
  return o.str();
}

bool has(const std::string& text, const std::string& what) { return text.find(what) != std::string::npos; }

}  // namespace

BOOST_AUTO_TEST_SUITE(regional)

BOOST_AUTO_TEST_CASE(weighted_totals_rounding_empty_school) {
  std::vector<reports::RegionalRow> rows;
  // Given out of order: the report sorts by short name.
  rows.push_back(handRow("s3", "Школа В", 0, 0, 0, 0, 0, 0, 0, 0, 0, {}));
  rows.push_back(handRow("s2", "Школа Б", 100, 99, 250, 0, 0, 90, 95, 10, 0,
                         {count("marks.deadline", 4), count("topic.same_day", 1)}));
  auto a = handRow("s1", "Школа А", 200, 150, 700, 40, 3, 210, 200, 20, 2,
                   {count("topic.same_day", 5), count("marks.per_lesson", 2)});
  a.lastCheck = *model::Date::parse("2025-10-15");
  a.lastSeal =
      reports::RegionalSeal{"2025-Q1", "1 четверть 2025/2026", *model::DateTime::parse("2025-10-30T10:00:00"),
                            "000001_2025-Q1_v1.tar", 1};
  rows.push_back(a);
  const auto r = reports::buildRegionalReport(regionHeader(), rows);
  BOOST_TEST_REQUIRE(r.rows.size() == 3u);
  BOOST_TEST(r.rows[0].schoolId == "s1");
  BOOST_TEST(r.rows[1].schoolId == "s2");
  BOOST_TEST(r.rows[2].schoolId == "s3");
  const auto& ra = r.rows[0];
  BOOST_TEST(*ra.topicsOnTimePercent == 75.0);
  BOOST_TEST(*ra.marksPerLesson == 3.5);
  BOOST_TEST(*ra.lateWorkMarksPer100 == 7.5);
  BOOST_TEST(*ra.programPercent == 95.2);  // 200 / 210
  BOOST_TEST(*ra.openFindings == 7);
  // Catalogue order within a row, whatever order they came in.
  BOOST_TEST_REQUIRE(ra.openByRule.size() == 2u);
  BOOST_TEST(ra.openByRule[0].ruleId == "marks.per_lesson");
  BOOST_TEST(ra.openByRule[1].ruleId == "topic.same_day");
  const auto& rb = r.rows[1];
  BOOST_TEST(*rb.topicsOnTimePercent == 99.0);
  BOOST_TEST(*rb.marksPerLesson == 2.5);
  BOOST_TEST(!rb.lateWorkMarksPer100);      // no written works: no figure, not 0
  BOOST_TEST(*rb.programPercent == 105.6);  // 95 / 90, ahead of plan
  BOOST_TEST(!rb.lastCheck);
  BOOST_TEST(!rb.lastSeal);
  const auto& rc = r.rows[2];  // a school with nothing in the period
  BOOST_TEST(!rc.topicsOnTimePercent);
  BOOST_TEST(!rc.marksPerLesson);
  BOOST_TEST(!rc.lateWorkMarksPer100);
  BOOST_TEST(!rc.programPercent);
  BOOST_TEST(!rc.openFindings);  // never checked: no figure, not 0
  // Totals: sums and ratios of sums (the average of the percentages would be 87.0 and 100.4).
  const auto& t = r.total;
  BOOST_TEST(t.schoolShortName == "Итого");
  BOOST_TEST(t.lessonsHeld == 300);
  BOOST_TEST(t.topicsOnTime == 249);
  BOOST_TEST(*t.topicsOnTimePercent == 83.0);
  BOOST_TEST(*t.marksPerLesson == 3.17);  // 950 / 300
  BOOST_TEST(t.workMarks == 40);
  BOOST_TEST(*t.lateWorkMarksPer100 == 7.5);
  BOOST_TEST(*t.programPercent == 98.3);  // 295 / 300
  BOOST_TEST(t.programLines == 30);
  BOOST_TEST(t.linesBehind == 2);
  BOOST_TEST(*t.openFindings == 12);
  BOOST_TEST_REQUIRE(t.openByRule.size() == 3u);  // catalogue order, merged over the schools
  BOOST_TEST(t.openByRule[0].ruleId == "marks.per_lesson");
  BOOST_TEST(t.openByRule[0].count == 2);
  BOOST_TEST(t.openByRule[1].ruleId == "topic.same_day");
  BOOST_TEST(t.openByRule[1].count == 6);
  BOOST_TEST(t.openByRule[2].ruleId == "marks.deadline");
  BOOST_TEST(t.openByRule[2].count == 4);
  BOOST_TEST(r.schoolsChecked == 1);
  BOOST_TEST(r.schoolsSealed == 1);
  BOOST_TEST(r.header.title == "Сравнительный отчёт по школам");
  BOOST_TEST(r.header.scopeLabel == "школ: 3");

  const std::string json = written(r, reports::Format::Json);
  BOOST_TEST(has(json, "\"report\": \"region\""));
  BOOST_TEST(has(json, "\"topics_on_time_percent\": 83.0"));
  BOOST_TEST(has(json, "\"late_work_marks_per_100\": null"));
  BOOST_TEST(has(json, "\"last_seal_period\": \"2025-Q1\""));
  BOOST_TEST(has(json, "\"last_check\": \"2025-10-15\""));
  BOOST_TEST(has(json, "\"schools\": 3, \"schools_checked\": 1, \"schools_sealed\": 1"));
  const std::string csv = written(r, reports::Format::Csv);
  BOOST_TEST(std::count(csv.begin(), csv.end(), '\n') == 5);  // header, 3 schools, total
  BOOST_TEST(has(csv, "s2,Школа Б,"));
  BOOST_TEST(has(csv, "\r\n,Итого,Итого по 3 школам,300,249,83.0,950,3.17,40,3,7.5,300,295,98.3,30,2,12,"));
  BOOST_TEST(has(csv, rules::findRule("marks.per_lesson")->title + ": 2; " +
                          rules::findRule("topic.same_day")->title + ": 5"));
  const std::string text = written(r, reports::Format::Text);
  BOOST_TEST(has(text, "Управление образования города Энска"));
  BOOST_TEST(has(text, "Сравнительный отчёт по школам"));
  BOOST_TEST(has(text, "83.0%"));
  BOOST_TEST(has(text, "2025-Q1, 30.10.2025"));
  BOOST_TEST(has(text, "Пояснения"));
  BOOST_TEST(has(text, "Проверки записаны: 1 из 3, архивы опечатаны: 1 из 3"));
  // A school never checked has no open findings to count: «—» (and null), not 0, beside «—» for the check.
  BOOST_TEST(has(json, "\"open_findings\": null"));
  std::smatch m;
  BOOST_TEST(std::regex_search(text, m, std::regex("\nШкола В [^\n]*—\\s+—\\s+—\\s*\n")), text);
  BOOST_TEST(has(text, "это не «нет замечаний»"));
}

BOOST_AUTO_TEST_CASE(rounding_of_thirds) {
  const auto r = reports::buildRegionalReport(
      regionHeader(),
      {handRow("a", "А", 3, 2, 10, 6, 5, 3, 1, 1, 1, {}), handRow("b", "Б", 3, 1, 11, 3, 1, 6, 5, 1, 1, {})});
  BOOST_TEST(*r.rows[0].topicsOnTimePercent == 66.7);
  BOOST_TEST(*r.rows[0].marksPerLesson == 3.33);
  BOOST_TEST(*r.rows[0].lateWorkMarksPer100 == 83.3);
  BOOST_TEST(*r.rows[0].programPercent == 33.3);
  BOOST_TEST(*r.rows[1].topicsOnTimePercent == 33.3);
  BOOST_TEST(*r.rows[1].marksPerLesson == 3.67);
  BOOST_TEST(*r.rows[1].programPercent == 83.3);
  BOOST_TEST(*r.total.topicsOnTimePercent == 50.0);
  BOOST_TEST(*r.total.marksPerLesson == 3.5);
  BOOST_TEST(*r.total.lateWorkMarksPer100 == 66.7);  // 6 / 9
  BOOST_TEST(*r.total.programPercent == 66.7);       // 6 / 9
}

namespace {

struct TwoSchools {
  model::Journal one = ingest::readJournal(
      model::readFile(std::string(EJOURNAL_SOURCE_DIR) + "/samples/tiny.xml"), "tiny.xml");
  model::Journal two = other(one);
  model::DateTime created = *model::DateTime::parse("2026-06-01T12:00:00");
  rules::Config config = rules::Config::schoolDefaults();

  // Another school: the same classes, but 5А's English lessons (6 lessons, 20 marks, the lesson without a
  // topic among them) were never recorded.
  static model::Journal other(model::Journal j) {
    j.school.id = "school2";
    j.school.shortName = "МБОУ СОШ № 2";
    j.school.fullName = "Муниципальное бюджетное общеобразовательное учреждение «Средняя школа № 2»";
    std::set<std::string> gone;
    for (const auto& l : j.lessons)
      if (l.classId == "5a" && l.subjectId == "eng") gone.insert(l.id);
    std::erase_if(j.lessons, [&](const model::Lesson& l) { return gone.contains(l.id); });
    std::erase_if(j.marks, [&](const model::Mark& m) { return gone.contains(m.lessonId); });
    std::erase_if(j.attendance, [&](const model::Attendance& a) { return gone.contains(a.lessonId); });
    return j;
  }

  reports::RegionalRow row(const model::Journal& j, const reports::RegionalSchoolInput& in) const {
    const model::JournalIndex index(j);
    model::FixedClock clock(created);
    const auto scope = rules::resolveScope(index, "", "2025-09-01", "2025-09-12", "", "", "", clock);
    return reports::buildRegionalRow(index, scope, rules::run(index, scope, config), config, in, created);
  }
};

model::TrackedFinding tracked(const std::string& rule, model::FindingState state) {
  model::TrackedFinding t;
  t.finding.rule = rule;
  t.finding.severity = model::Severity::Error;
  t.state = state;
  return t;
}

}  // namespace

BOOST_FIXTURE_TEST_CASE(rows_from_two_journals, TwoSchools) {
  reports::RegionalSchoolInput in1;
  in1.tracked = {tracked("topic.same_day", model::FindingState::New),
                 tracked("topic.same_day", model::FindingState::Open),
                 tracked("marks.deadline", model::FindingState::Reopened),
                 tracked("marks.per_lesson", model::FindingState::Corrected)};  // corrected: not counted
  in1.lastCheck = *model::Date::parse("2025-09-15");
  in1.lastSeal =
      reports::RegionalSeal{"2025-Q1", "1 четверть 2025/2026", *model::DateTime::parse("2025-10-27T09:30:00"),
                            "000001_2025-Q1_v1.tar", 1};
  const auto r1 = row(one, in1);
  BOOST_TEST(r1.schoolId == "stupeni");
  BOOST_TEST(r1.lessonsHeld == 58);
  BOOST_TEST(r1.topicsOnTime == 56);  // one topic late, one missing (samples/tiny.md)
  BOOST_TEST(*r1.topicsOnTimePercent == 96.6);
  BOOST_TEST(r1.marks == 219);
  BOOST_TEST(*r1.marksPerLesson == 3.78);
  BOOST_TEST(r1.workMarks == 6);  // the control work of 5А math; dictations have no deadline
  BOOST_TEST(r1.lateWorkMarks == 1);
  BOOST_TEST(*r1.lateWorkMarksPer100 == 16.7);
  BOOST_TEST(r1.plannedToDate == 58);
  BOOST_TEST(r1.delivered == 58);
  BOOST_TEST(*r1.programPercent == 100.0);
  BOOST_TEST(r1.programLines == 8);
  BOOST_TEST(r1.linesBehind == 0);
  BOOST_TEST(*r1.openFindings == 3);
  BOOST_TEST_REQUIRE(r1.openByRule.size() == 2u);
  BOOST_TEST(r1.openByRule[0].ruleId == "topic.same_day");  // catalogue order
  BOOST_TEST(r1.openByRule[0].count == 2);
  BOOST_TEST(r1.openByRule[0].ruleTitle == rules::findRule("topic.same_day")->title);
  BOOST_TEST(r1.openByRule[1].ruleId == "marks.deadline");

  const auto r2 = row(two, {});
  BOOST_TEST(r2.schoolId == "school2");
  BOOST_TEST(r2.schoolShortName == "МБОУ СОШ № 2");
  BOOST_TEST(r2.lessonsHeld == 52);
  BOOST_TEST(r2.topicsOnTime == 51);
  BOOST_TEST(*r2.topicsOnTimePercent == 98.1);
  BOOST_TEST(r2.marks == 199);
  BOOST_TEST(*r2.marksPerLesson == 3.83);
  BOOST_TEST(r2.plannedToDate == 58);
  BOOST_TEST(r2.delivered == 52);
  BOOST_TEST(*r2.programPercent == 89.7);
  BOOST_TEST(r2.linesBehind == 1);  // 5А English
  BOOST_TEST(!r2.openFindings);     // never checked: no figure, not 0
  BOOST_TEST(!r2.lastCheck);
  BOOST_TEST(!r2.lastSeal);

  const auto r = reports::buildRegionalReport(regionHeader(), {r2, r1});
  BOOST_TEST_REQUIRE(r.rows.size() == 2u);
  BOOST_TEST(r.rows[0].schoolId == "stupeni");  // «МАОУ …» before «МБОУ …»
  BOOST_TEST(r.total.lessonsHeld == 110);
  BOOST_TEST(*r.total.topicsOnTimePercent == 97.3);  // 107 / 110
  BOOST_TEST(*r.total.marksPerLesson == 3.8);        // 418 / 110
  BOOST_TEST(*r.total.lateWorkMarksPer100 == 16.7);  // 2 / 12
  BOOST_TEST(*r.total.programPercent == 94.8);       // 110 / 116
  BOOST_TEST(r.total.linesBehind == 1);
  BOOST_TEST(r.schoolsChecked == 1);
  const std::string text = written(r, reports::Format::Text);
  BOOST_TEST(has(text, "МБОУ СОШ № 2"));
  BOOST_TEST(has(text, "1 из 8"));
  BOOST_TEST(written(r, reports::Format::Json) ==
             written(reports::buildRegionalReport(regionHeader(), {r1, r2}), reports::Format::Json));
}

BOOST_AUTO_TEST_SUITE_END()
