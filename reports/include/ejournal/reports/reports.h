// The deputy director's reports (docs/rules.md), computed as plain data from a journal and the rules'
// findings, then written as JSON, CSV or a readable Russian text table. Render prints the same structures as
// PDF; archive stores the control report.
//
// Every structure is a complete value: ids as in the source, names resolved, Russian labels ready, numbers
// computed (percentages 0..100 rounded to one decimal, averages to two). No third-party types. Building a
// report only reads the JournalIndex; the writers are deterministic (numbers in the classic locale).
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "ejournal/model/date.h"
#include "ejournal/model/finding.h"
#include "ejournal/model/index.h"
#include "ejournal/rules/rules.h"

namespace ejournal::reports {

// What every report carries on its first lines.
struct ReportHeader {
  std::string title;  // "Справка по итогам проверки электронного журнала"
  std::string schoolName;  // full name
  std::string schoolShortName;
  std::string academicYear;  // "2025/2026"
  std::string periodId;      // "2025-Q1"; empty for a date range
  std::string periodLabel;   // "1 четверть", "период 01.10.2025 – 31.10.2025"
  model::DateRange dates;
  model::Date asOf;  // figures "to date" are up to this day
  std::string scopeLabel;  // Russian: "все классы" or "класс 5А, предмет Математика"
  model::DateTime createdAt;
  std::string deputyDirector;  // who signs: "Петрова Анна Сергеевна"
  std::string director;
};

// ---- Monthly control report (справка по итогам проверки ЭЖ) ----

struct RuleCount {
  std::string ruleId;
  std::string ruleTitle;  // Russian
  model::Severity severity = model::Severity::Error;
  int count = 0;
};

struct ControlFinding {
  std::string ruleId;
  std::string ruleTitle;
  model::Severity severity = model::Severity::Error;
  std::string severityLabel;  // "нарушение"
  std::optional<model::Date> date;
  std::string lessonId;
  std::string studentId;
  std::string studentName;  // "Петров Пётр"; empty when not about a student
  std::string message;
};

// One teacher x class x subject (x subgroup) line.
struct ControlRow {
  std::string teacherId;
  std::string teacherName;  // "Иванова М. П."; "не указан" when no teacher could be determined
  std::string classId;
  std::string className;  // "5А"
  std::string subjectId;
  std::string subjectName;
  std::string subgroupId;
  std::string subgroupName;
  int lessonsHeld = 0;     // lessons recorded in the scope
  int lessonsPlanned = 0;  // by the curriculum, to the as-of date
  int topicsOnTime = 0;    // topic entered on the lesson day
  int topicsLate = 0;
  int topicsMissing = 0;
  int marks = 0;
  double marksPerLesson = 0;  // marks / lessonsHeld of marked lessons
  int lessonsFewMarks = 0;    // lessons with fewer marks than required
  int lateWorkMarks = 0;      // marks for written works posted late
  int missingHomework = 0;
  int substitutions = 0;  // lessons of this line taught by a substitute
  int errors = 0;
  int warnings = 0;
  int infos = 0;
  std::vector<RuleCount> counts;         // per rule, catalogue order, only rules with findings
  std::vector<ControlFinding> findings;  // date order
};

// The follow-up of recorded checks (docs/followup.md): per teacher, what was corrected after the previous
// check, what is still open (since when) and whether they acknowledged the latest check's remarks.
struct FollowUpItem {
  ControlFinding finding;
  std::string className;
  std::string subjectName;
  model::Date since;      // found (again) by the check of that day
  int days = 0;           // open for so many days on the latest check's day
  bool reopened = false;  // corrected once and found again
};

struct TeacherFollowUp {
  std::string teacherId;
  std::string teacherName;  // "Иванова М. П."
  int corrected = 0;        // устранено после проверки от previousCheckDate
  int open = 0;             // не устранено: found before the latest check and still there
  int fresh = 0;            // new remarks of the latest check
  std::optional<model::Date> oldestOpenSince;
  bool acknowledged = false;  // «ознакомлен(а)» with the latest check's remarks
  std::optional<model::DateTime> acknowledgedAt;
  std::vector<FollowUpItem> openItems;  // the open remarks (not the new ones), oldest first
};

struct ControlFollowUp {
  int64_t checkId = 0;
  model::Date checkDate;                         // the latest recorded check
  std::optional<model::Date> previousCheckDate;  // the one before it, if any
  model::Date deadline;                          // the latest check's correction deadline
  std::vector<TeacherFollowUp> teachers;         // teachers with remarks then or now, by name
  std::vector<std::string> notAcknowledged;      // names of teachers with remarks who have not acknowledged
  int corrected = 0;
  int open = 0;
  int fresh = 0;
};

// What the follow-up is built from (the store's records, as model values).
struct FollowUpInput {
  int64_t checkId = 0;
  model::Date checkDate;
  std::optional<model::Date> previousCheckDate;
  model::Date deadline;
  std::vector<model::TrackedFinding> results;  // what the latest check saw (corrected ones too)
  std::vector<std::pair<std::string, model::DateTime>> acknowledged;  // staff id, when
};
ControlFollowUp buildControlFollowUp(const model::JournalIndex& index, const FollowUpInput& input);

struct ControlReport {
  ReportHeader header;
  std::vector<ControlRow> rows;   // by teacher name, class, subject
  std::vector<RuleCount> totals;  // per rule over all rows, catalogue order, only rules with findings
  int lessonsHeld = 0;
  int findings = 0;
  int errors = 0;
  int warnings = 0;
  int infos = 0;
  std::string
      conclusion;  // Russian: "Нарушений не выявлено." or "Выявлено нарушений: 12, предупреждений: 3."
  std::vector<rules::NotChecked> notChecked;  // enabled rules the data could not support, catalogue order
  // The follow-up of recorded checks; absent when none is recorded (the report then reads as before).
  std::optional<ControlFollowUp> followUp;
};

// ---- Program completion (выполнение программы) ----

struct ProgramRow {
  std::string classId;
  std::string className;
  std::string subjectId;
  std::string subjectName;
  std::string subgroupId;
  std::string subgroupName;
  std::string teacherName;
  int plannedYear = 0;     // curriculum hours for the year
  int plannedPeriod = 0;   // curriculum hours for the scope's period(s)
  int plannedToDate = 0;   // of them due by the as-of date
  int delivered = 0;       // hours of lessons recorded in the scope up to the as-of date
  int shortfall = 0;       // plannedToDate - delivered when positive (отставание)
  int excess = 0;          // delivered - plannedToDate when positive
  double percent = 0;      // delivered / plannedToDate * 100 (100 when nothing was due)
  bool completed = false;  // delivered >= plannedPeriod
};

struct ProgramReport {
  ReportHeader header;
  std::vector<ProgramRow> rows;  // class (grade, letter), subject order, subgroup
  int plannedToDate = 0;
  int delivered = 0;
  int rowsBehind = 0;
  double percent = 0;
};

// ---- Academic results (итоги успеваемости) ----

struct ResultsRow {
  std::string classId;
  std::string className;
  std::string classTeacherName;
  std::string periodId;     // the reporting period whose marks are counted: "2025-Q1", "2025-H1", "2025-year"
  std::string periodLabel;  // "1 четверть"
  bool unmarked = false;  // безотметочное обучение (grade 1): no mark figures, left out of the total
  int students = 0;           // enrolled on the period's last day (or as-of day)
  int graded = 0;             // students with at least one period mark of a marked subject
  int excellent = 0;          // отличники: only 5
  int good = 0;               // хорошисты: only 4 and 5, at least one 4
  int oneThree = 0;           // exactly one 3, the rest 4 and 5
  int threes = 0;             // with 3s otherwise (no 2, no н/а)
  int failing = 0;            // неуспевающие: any 2, н/а or незачёт
  int notGraded = 0;          // no period marks yet
  double successPercent = 0;  // % успеваемости = (graded - failing) / graded * 100
  double qualityPercent = 0;  // % качества = (excellent + good) / graded * 100
  double averageMark = 0;     // mean of all period marks in points
  int lessonsMissed = 0;      // absences (н, б, excused) in lessons of the period, per student-lesson
  int missedIll = 0;          // of them through illness (б)
  std::vector<std::string> failingStudents;  // "Петров Пётр (математика: 2)"
};

struct ResultsReport {
  ReportHeader header;
  std::vector<ResultsRow> rows;  // class order
  ResultsRow total;  // className "Итого": the sum of the classes with marks (unmarked ones left out)
};

// ---- Substitutions (замены) ----

struct SubstitutionLine {
  model::Date date;
  std::string lessonId;
  std::string className;
  std::string subjectName;
  std::string absentTeacherName;      // the timetable's teacher
  std::string substituteTeacherName;  // who taught
  bool recorded = true;               // false: taught by another teacher without a recorded substitution
};

struct SubstitutionRow {
  std::string teacherId;
  std::string teacherName;
  int given = 0;                        // lessons this teacher taught as a substitute
  int replaced = 0;                     // lessons of this teacher taught by someone else
  std::vector<SubstitutionLine> lines;  // the lessons given, date order
};

struct SubstitutionsReport {
  ReportHeader header;
  std::vector<SubstitutionRow> rows;  // by teacher name
  std::vector<SubstitutionLine> all;  // every substitution in the scope, date order
  int unrecorded = 0;
};

// ---- Forecast (прогноз) ----

struct ForecastRow {
  std::string studentId;
  std::string studentName;  // "Петров Пётр Ильич"
  std::string classId;
  std::string className;
  std::string subjectId;
  std::string subjectName;
  std::string periodId;         // the student's reporting period being forecast
  int marks = 0;                // current marks in points so far
  int requiredMarks = 0;        // for a period mark (accumulation rule)
  double weightedAverage = 0;   // 0 when no marks
  std::optional<int> expected;  // expected period mark; empty with no marks
  bool atRisk = false;
  std::vector<std::string> reasons;  // Russian: "ожидается 2 (средний балл 2.40)", "мало отметок: 2 из 5"
};

struct ForecastReport {
  ReportHeader header;
  std::vector<ForecastRow> rows;  // class, student (alphabetical), subject order
  int studentsAtRisk = 0;         // distinct students with at least one risk
  int rowsAtRisk = 0;
};

// Builders. `index` must outlive nothing: results are self-contained values. `createdAt` stamps the header.
// All take the same Scope as the rules (class/subject/teacher filters apply). Throw ejournal::Error(Input)
// only for an inconsistent scope.
ControlReport buildControlReport(const model::JournalIndex& index, const rules::Scope& scope,
                                 const std::vector<model::Finding>& findings, const rules::Config& config,
                                 model::DateTime createdAt);
ProgramReport buildProgramReport(const model::JournalIndex& index, const rules::Scope& scope,
                                 model::DateTime createdAt);
// Results use period marks of each class's reporting period(s) falling in the scope (the year marks for a
// year scope); a quarter scope for grades 10-11 counts the half-year containing the scope's end. Classes of
// grades up to `unmarkedToGrade` (marks.valid_value's unmarked_to_grade; grade 1 by default) are unmarked:
// shown «без отметок», with attendance, and left out of the total.
ResultsReport buildResultsReport(const model::JournalIndex& index, const rules::Scope& scope,
                                 model::DateTime createdAt, int unmarkedToGrade = 1);
SubstitutionsReport buildSubstitutionsReport(const model::JournalIndex& index, const rules::Scope& scope,
                                             model::DateTime createdAt);
// Uses marks.accumulation and marks.period_objective settings for required marks and rounding.
ForecastReport buildForecastReport(const model::JournalIndex& index, const rules::Scope& scope,
                                   const rules::Config& config, model::DateTime createdAt);

enum class Format { Text, Json, Csv };
std::optional<Format> formatFromString(std::string_view s);  // "text", "json", "csv"

// Writers: JSON is one object {"report": "control", "header": {...}, "rows": [...], ...} with ids and names;
// CSV is a header line and one line per row (RFC 4180 quoting, UTF-8; the control report: one line per
// teacher x class x subject with its counts); text is a readable Russian table (the control report lists each
// row's findings).
void write(const ControlReport& r, Format f, std::ostream& out);
void write(const ProgramReport& r, Format f, std::ostream& out);
void write(const ResultsReport& r, Format f, std::ostream& out);
void write(const SubstitutionsReport& r, Format f, std::ostream& out);
void write(const ForecastReport& r, Format f, std::ostream& out);

}  // namespace ejournal::reports
