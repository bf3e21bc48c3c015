// Private to the rules stage: the Rule interface every rule class implements, and the Context a check runs in
// (the scope's lessons, per-entry schedules, enrolment lookups and helpers that fill a Finding's fields).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "ejournal/model/text.h"
#include "ejournal/rules/rules.h"

namespace ejournal::rules {

// A current mark as the accumulation, objectivity and forecast computations see it.
struct MarkPoint {
  model::Date date;
  std::string_view classId;  // the lesson's class
  int points = 0;
  int weight = 1;
};

// One class x subject x subgroup stream of lessons (a curriculum entry, or lessons without one).
struct Stream {
  std::string classId;
  std::string subjectId;
  std::string subgroupId;
  const model::CurriculumEntry* curriculum = nullptr;  // nullptr: lessons exist but no curriculum line
  std::vector<const model::Lesson*> lessons;           // all lessons of the year, date and slot order
  std::vector<const model::PlannedLesson*> plan;       // by number
  std::vector<model::Date> occurrences;  // timetable dates (one per hour) over the year, no holidays
};

class Context {
 public:
  Context(const model::JournalIndex& index, const Scope& scope);

  const model::JournalIndex& index;
  const model::Journal& journal;
  const Scope& scope;

  // Lessons of the scope (dates, class, subject, teacher filters), date order, and dated no later than asOf.
  const std::vector<const model::Lesson*>& lessons() const { return lessons_; }
  // Streams matching the scope's class and subject filters (the teacher filter is applied through teacherOf).
  const std::vector<Stream>& streams() const { return streams_; }
  const Stream* streamOf(const model::Lesson& l) const;

  const model::SchoolClass* classOf(std::string_view classId) const { return index.schoolClass(classId); }
  int gradeOf(std::string_view classId) const;
  // The reporting period (quarter or half-year by grade) containing the date; the scope's id when none.
  std::string periodOf(std::string_view classId, model::Date d) const;
  // The responsible teacher of a stream: the subgroup's teacher, else the most frequent timetable teacher,
  // else the most frequent lesson teacher.
  std::string teacherOf(const Stream& s) const;
  bool teacherMatches(const Stream& s) const;  // the scope's teacher filter
  bool inScope(const model::Lesson& l) const;  // dates (to asOf), class, subject, teacher

  // Students ever enrolled in the class (any date), for per-date checks.
  const std::vector<const model::Student*>& classStudents(std::string_view classId) const;
  // Students expected at the lesson: enrolled in the class on the date (and members of its subgroup).
  std::vector<const model::Student*> expectedAt(const model::Lesson& l) const;
  bool expectedAt(const model::Lesson& l, std::string_view studentId) const;

  // Number of timetable hours of the stream within [from, to] (dates from occurrences).
  int occurrencesIn(const Stream& s, model::DateRange r) const;

  model::Finding finding(const std::string& rule, model::Severity sev, const model::Lesson& l) const;
  model::Finding finding(const std::string& rule, model::Severity sev, const Stream& s) const;

  // Point marks of a student in a subject over the whole journal (any class), date order.
  const std::vector<MarkPoint>& marksOf(std::string_view studentId, std::string_view subjectId) const;
  // The curriculum line a stream is measured against: its own, or the class's line for a subgroup stream.
  const model::CurriculumEntry* entryFor(const Stream& s) const;
  // True for a class-level stream without lessons whose subject is taught in subgroups (checked per
  // subgroup).
  bool coveredBySubgroups(const Stream& s) const;
  // The reporting periods of a class's grade, date order.
  std::vector<const model::Period*> periodsOf(std::string_view classId) const;
  std::string yearPeriodId() const;

  std::string teacherName(std::string_view id) const;  // short name, or the id when unknown
  std::string studentName(std::string_view id) const;

 private:
  std::vector<const model::Lesson*> lessons_;
  std::vector<Stream> streams_;
  std::map<std::tuple<std::string_view, std::string_view, std::string_view>, size_t> streamIndex_;
  // Class id -> its students; std::map keeps references stable and finds by string_view.
  mutable std::map<std::string, std::vector<const model::Student*>, std::less<>> classStudentsCache_;
  mutable std::vector<std::vector<MarkPoint>> marksOf_;  // [student index * subjects + subject index]
  mutable bool marksBuilt_ = false;
};

class Rule {
 public:
  virtual ~Rule() = default;
  virtual const RuleInfo& info() const = 0;
  // Appends this rule's findings over ctx's scope; the engine then sets their severity from `settings`.
  virtual void check(const Context& ctx, const RuleSettings& settings,
                     std::vector<model::Finding>& out) const = 0;
  // Empty when the rule can be applied to the journal; otherwise why not, in Russian, completing "не
  // проверялось: …" ("источник не содержит …"). The engine then does not run check() and reports the rule
  // once as not checked.
  virtual std::string notApplicable(const Context&, const RuleSettings&) const { return {}; }
};

// Holds the RuleInfo for a rule class.
class RuleBase : public Rule {
 public:
  explicit RuleBase(RuleInfo info) : info_(std::move(info)) {}
  const RuleInfo& info() const override { return info_; }

 private:
  RuleInfo info_;
};

// The registry (registry.cpp): one instance of every rule class, in catalogue order.
const std::vector<std::unique_ptr<Rule>>& registry();

// Factories, one per rule class (defined next to each class).
std::unique_ptr<Rule> makeHoursCurriculum();
std::unique_ptr<Rule> makeHoursPlanTotal();
std::unique_ptr<Rule> makeMarksPerLesson();
std::unique_ptr<Rule> makeAttendanceRecorded();
std::unique_ptr<Rule> makeLanguageRussian();
std::unique_ptr<Rule> makeTopicMissing();
std::unique_ptr<Rule> makeTopicSameDay();
std::unique_ptr<Rule> makeHomeworkRecorded();
std::unique_ptr<Rule> makeMarksDeadline();
std::unique_ptr<Rule> makeWorkTopicStated();
std::unique_ptr<Rule> makeSubstitutionRecorded();
std::unique_ptr<Rule> makeWorksControlPresent();
std::unique_ptr<Rule> makeMarksAccumulation();
std::unique_ptr<Rule> makeMarksPeriodObjective();
std::unique_ptr<Rule> makeMarksValidValue();
std::unique_ptr<Rule> makeMarksEnrolled();
std::unique_ptr<Rule> makeMarksChanged();

// The hours figures of every stream of the context (rules_plan.cpp).
std::vector<HoursStatus> computeHours(const Context& ctx);

// Shared helpers (util.cpp).
std::string fmtNumber(double v, int decimals = 0);  // classic locale, trailing zeros trimmed
std::string trim(std::string_view s);
// Russian plural: plural(5, "день", "дня", "дней") -> "дней" (model/text.h).
using model::plural;
// Weighted average of point marks; 0 when none. Rounds like the period mark: floor + (frac >= threshold).
int roundMark(double avg, double threshold);
// The date a mark was first posted: the earliest of enteredAt and its history.
model::DateTime firstPosted(const model::Mark& m);

}  // namespace ejournal::rules
