// The rules engine: the school's record-keeping rules (docs/rules.md) checked over a model::Journal.
//
// Every rule is one class with a stable id, a Russian title, a default severity and typed parameters,
// registered in one place (rules/src/registry.cpp). A Config (school defaults shipped in
// rules/config/default.xml, validated against schemas/rules.xsd) enables rules and sets parameters. A Scope
// names what to check: a period or a date range, optionally one class, subject or teacher. The engine works
// on model values only, never on a database. Findings are model::Finding values in a stable order (class,
// subject, date, rule).
//
// Thread safety: catalogue() and the Config/Scope functions are safe to call concurrently; check() only reads
// the journal and may run on several threads over the same JournalIndex.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "ejournal/model/clock.h"
#include "ejournal/model/date.h"
#include "ejournal/model/finding.h"
#include "ejournal/model/index.h"
#include "ejournal/model/journal.h"

namespace ejournal::rules {

enum class ParamType { Int, Double, Bool, String, List };  // List: comma-separated words
std::string_view toString(ParamType t);                    // "int", "double", "bool", "string", "list"

struct ParamSpec {
  std::string name;  // "days_grades_1_5"
  ParamType type = ParamType::Int;
  std::string defaultValue;  // text as in the config file: "3", "0.5", "true", "control,test"
  std::string description;   // Russian
};

// One rule of the catalogue.
struct RuleInfo {
  std::string id;  // "marks.deadline"
  std::string title;  // "Сроки выставления отметок за письменные работы"
  model::Severity severity = model::Severity::Error;  // default severity
  std::vector<ParamSpec> params;
};

// All rules, in catalogue order (docs/rules.md). The same list every call.
const std::vector<RuleInfo>& catalogue();
const RuleInfo* findRule(std::string_view id);  // nullptr for an unknown id

// Settings of one rule after the configuration file is applied.
struct RuleSettings {
  bool enabled = true;
  model::Severity severity = model::Severity::Error;
  std::map<std::string, std::string> params;  // every parameter of the rule, defaults filled in

  // Typed access; throw ejournal::Error(Input) naming the parameter when the text does not convert.
  int integer(const std::string& name) const;
  double number(const std::string& name) const;
  bool flag(const std::string& name) const;
  const std::string& text(const std::string& name) const;
  std::vector<std::string> list(
      const std::string& name) const;  // split at commas, trimmed, empty items dropped
};

// The rules configuration: settings of every rule in the catalogue.
class Config {
 public:
  // Every rule enabled with its defaults from the catalogue (which equal the shipped
  // rules/config/default.xml).
  static Config defaults();
  // Reads a configuration document (format: schemas/rules.xsd). Validated against the bundled schema with
  // Xerces (no network, no DTD), then applied on top of the defaults. Throws ejournal::Error(Input) with
  // "file:line:column: what" for a schema violation, an unknown rule or parameter, or a bad parameter value.
  static Config load(const std::filesystem::path& file);
  static Config parse(std::string_view xml, const std::string& name);
  // The shipped school defaults: dataFile("rules/config/default.xml").
  static Config schoolDefaults();

  const RuleSettings& settings(std::string_view ruleId) const;  // throws Error(NotFound) for an unknown id
  RuleSettings& settings(std::string_view ruleId);
  bool enabled(std::string_view ruleId) const { return settings(ruleId).enabled; }

  // School days a teacher has to correct the remarks of a recorded check (<followup correction_days>, 5).
  int correctionDays() const { return correctionDays_; }
  void setCorrectionDays(int days) { correctionDays_ = days; }
  // The rules' version recorded with a check: "rules-1:<16 hex>", a hash over every rule's enabled flag,
  // severity and parameters and the follow-up settings. Equal configurations give equal versions.
  std::string version() const;

 private:
  std::map<std::string, RuleSettings, std::less<>> rules_;
  int correctionDays_ = 5;
};

// What to check.
struct Scope {
  std::string periodId;     // "2025-Q1" when a named period was given; empty for a plain date range
  std::string periodLabel;  // Russian: "1 четверть", "период 01.10.2025 – 31.10.2025"
  model::DateRange dates;   // lessons with dates in this range are checked
  model::Date asOf;         // "plan to date" is computed up to this day: min(dates.to, today)
  bool complete = false;    // asOf == dates.to: the period is over, period-end rules apply
  std::string classId;      // empty: all classes
  std::string subjectId;    // empty: all subjects
  std::string teacherId;    // empty: all teachers

  // True for a lesson the scope covers: dated within `dates` and no later than asOf, of the class and subject
  // filters, and given or substituted by the teacher filter's teacher.
  bool covers(const model::Lesson& l) const;
};

// Resolves user input into a Scope. `period` is a PeriodName ("2025-Q1") or empty when `from`/`to` are given
// (ISO dates). `classRef` is a class name ("5А") or id; `subjectRef` and `teacherRef` are an id, a name or a
// short name (teacher: full name, "Фамилия И. О." or last name when unique). Today comes from `clock`. Throws
// ejournal::Error(Input/NotFound) in Russian naming the bad argument.
Scope resolveScope(const model::JournalIndex& index, const std::string& period, const std::string& from,
                   const std::string& to, const std::string& classRef, const std::string& subjectRef,
                   const std::string& teacherRef, const model::Clock& clock);

// An enabled rule the data at hand cannot support (the source does not carry the evidence it needs, such as
// "attendance was taken" or the thematic plan): the check says so once, with the reason, instead of reporting
// findings the data cannot back. Such a rule reports no findings.
struct NotChecked {
  std::string ruleId;     // "attendance.recorded"
  std::string ruleTitle;  // "Учёт посещаемости на каждом уроке"
  std::string reason;  // Russian, completes "не проверялось: …": "источник не содержит …"
};

// What a check produced: findings in the order of check(), and the enabled rules not applied, catalogue
// order.
struct CheckResult {
  std::vector<model::Finding> findings;
  std::vector<NotChecked> notChecked;
};

// Runs every enabled rule over the scope. Findings are returned sorted by class (grade, letter), subject
// order, date, rule, lesson, student. Pure: does not modify the journal.
CheckResult run(const model::JournalIndex& index, const Scope& scope, const Config& config);
// run(...).findings.
std::vector<model::Finding> check(const model::JournalIndex& index, const Scope& scope, const Config& config);
// run(...).notChecked, without running the rules that do apply.
std::vector<NotChecked> notChecked(const model::JournalIndex& index, const Scope& scope,
                                   const Config& config);

// The timetable looked up by lesson, for the substitution rule and the substitutions report. Keeps pointers
// into the journal's timetable: the journal must outlive it.
class TimetableLookup {
 public:
  explicit TimetableLookup(const model::Journal& journal);
  // The id of the teacher the timetable names for the lesson (its class, weekday and slot, subject and
  // subgroup, on its date); "" when no timetable entry matches.
  std::string teacherOf(const model::Lesson& l) const;

 private:
  std::unordered_map<std::string, std::vector<const model::TimetableSlot*>> bySlot_;
};

// Hours of one class x subject (x subgroup) against the curriculum over a scope: the figures hours.curriculum
// checks and the program completion report prints. plannedToDate counts the curriculum hours of the reporting
// periods overlapping the scope that are due by scope.asOf (a period's hours shared out over its timetable
// hours, or its calendar days without a timetable); delivered counts hours of lessons from scope.dates.from
// to scope.asOf. Rows in class (grade, letter) and subject order; the teacher filter keeps the teacher's
// streams.
struct HoursStatus {
  std::string classId;
  std::string subjectId;
  std::string subgroupId;
  std::string teacherId;     // responsible teacher (subgroup teacher or the timetable's)
  bool inCurriculum = true;  // false: lessons were held in a subject the class's curriculum does not have
  int plannedYear = 0;
  double plannedPeriod = 0;  // curriculum hours of the scope's periods (whole periods overlapping the dates)
  double plannedToDate = 0;
  int delivered = 0;
  bool periodComplete = false;  // every overlapping period ended by asOf
};
std::vector<HoursStatus> hoursStatus(const model::JournalIndex& index, const Scope& scope);

// True when some finding is an error or a warning (info findings, such as changed marks, do not make a
// journal non-compliant). The CLI exits 1 in that case.
bool hasViolations(const std::vector<model::Finding>& findings);

// Findings output for `ejournal check`. JSON: one object {"scope": {...}, "summary": {...}, "not_checked":
// [{rule, title, reason}], "findings": [{rule, severity, period, class, class_name, subject, subject_name,
// subgroup, teacher, teacher_name, lesson_id, date, student, student_name, message, figures:{name: value}}]}
// with ids as in the source, names resolved and absent fields as null. CSV: a header line, one line per
// finding and one line per rule not checked (severity "not_checked", the reason as the message; RFC 4180
// quoting, UTF-8). Text: a readable Russian table with names resolved and a summary naming the rules not
// checked. All deterministic.
void writeFindingsJson(const model::JournalIndex& index, const Scope& scope, const CheckResult& result,
                       std::ostream& out);
void writeFindingsCsv(const model::JournalIndex& index, const CheckResult& result, std::ostream& out);
void writeFindingsText(const model::JournalIndex& index, const Scope& scope, const CheckResult& result,
                       std::ostream& out);
// The same with findings only (no rule reported as not checked).
void writeFindingsJson(const model::JournalIndex& index, const Scope& scope,
                       const std::vector<model::Finding>& findings, std::ostream& out);
void writeFindingsCsv(const model::JournalIndex& index, const std::vector<model::Finding>& findings,
                      std::ostream& out);
void writeFindingsText(const model::JournalIndex& index, const Scope& scope,
                       const std::vector<model::Finding>& findings, std::ostream& out);

// The language check used by `language.russian`, exposed for tests and for ingest warnings. Returns an empty
// string when `text` is acceptable, otherwise the Russian reason ("нет ни одного русского слова"). An entry
// with Russian words may name foreign words, terms and names; it fails on a foreign phrase of three or more
// words in a row, on a word mixing Latin and Cyrillic letters, and when it has no Russian word at all.
// `allowed` are extra allowed Latin words (case-sensitive, e.g. "IT", "Python"): they never count towards a
// foreign phrase.
std::string languageProblem(std::string_view text, const std::vector<std::string>& allowed = {});

}  // namespace ejournal::rules
