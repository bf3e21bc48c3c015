// Rules about marks: enough marks per lesson (marks.per_lesson), written works marked in time
// (marks.deadline), accumulation for a period mark (marks.accumulation), objectivity of period marks
// (marks.period_objective), allowed values (marks.valid_value), marks only for enrolled students
// (marks.enrolled) and the audit list of changed marks (marks.changed).
#include <algorithm>
#include <cmath>
#include <map>

#include "rule.h"

namespace ejournal::rules {

using model::Finding;
using model::Lesson;
using model::MarkKind;
using model::Severity;

namespace {

bool marked(const Context& ctx, const Lesson& l, int minGrade) {
  const auto* subj = ctx.index.subject(l.subjectId);
  if (subj && subj->grading == model::Grading::Unmarked) return false;
  return ctx.gradeOf(l.classId) >= minGrade;
}

std::string marksWord(long n) { return plural(n, "отметка", "отметки", "отметок"); }
std::string daysWord(long n) { return plural(n, "день", "дня", "дней"); }

class MarksPerLesson : public RuleBase {
 public:
  MarksPerLesson()
      : RuleBase({"marks.per_lesson",
                  "Накопляемость отметок на уроке (не менее 4-5 оценок за урок)",
                  Severity::Warning,
                  {{"min_marks", ParamType::Int, "4", "наименьшее число отметок за урок"},
                   {"min_grade", ParamType::Int, "2", "с какого класса ставятся отметки"}}}) {}

  void check(const Context& ctx, const RuleSettings& st, std::vector<Finding>& out) const override {
    const int n = st.integer("min_marks");
    const int minGrade = st.integer("min_grade");
    for (const auto* l : ctx.lessons()) {
      if (!marked(ctx, *l, minGrade)) continue;
      const auto expected = ctx.expectedAt(*l);
      int present = 0;
      const auto& att = ctx.index.attendanceOfLesson(l->id);
      for (const auto* s : expected) {
        bool away = false;
        for (const auto* a : att)
          if (a->studentId == s->id && a->status != model::AttendanceStatus::Late) away = true;
        if (!away) ++present;
      }
      const int required = std::min(n, present);
      const int marks = static_cast<int>(ctx.index.marksOfLesson(l->id).size());
      if (marks >= required) continue;
      Finding f = ctx.finding(info().id, info().severity, *l);
      f.message = "выставлено " + std::to_string(marks) + " " + marksWord(marks) + ", требуется не менее " +
                  std::to_string(required) + " (присутствовали " + std::to_string(present) + ")";
      f.figures = {{"marks", static_cast<double>(marks)},
                   {"required", static_cast<double>(required)},
                   {"present", static_cast<double>(present)}};
      out.push_back(std::move(f));
    }
  }
};

class MarksDeadline : public RuleBase {
 public:
  MarksDeadline()
      : RuleBase({"marks.deadline",
                  "Сроки выставления отметок за письменные работы",
                  Severity::Error,
                  {{"days_junior", ParamType::Int, "3", "срок в календарных днях для 1-5 классов"},
                   {"days_senior", ParamType::Int, "7", "срок в календарных днях для 6-11 классов"},
                   {"junior_to_grade", ParamType::Int, "5", "последний класс с коротким сроком"},
                   {"work_types", ParamType::List, "independent,control,test,essay,exposition",
                    "виды письменных работ со сроком проверки"}}}) {}

  void check(const Context& ctx, const RuleSettings& st, std::vector<Finding>& out) const override {
    std::vector<model::WorkType> types;
    for (const auto& t : st.list("work_types"))
      if (auto w = model::workTypeFromString(t)) types.push_back(*w);
    const int juniorTo = st.integer("junior_to_grade");
    for (const auto* l : ctx.lessons()) {
      const int limit =
          ctx.gradeOf(l->classId) <= juniorTo ? st.integer("days_junior") : st.integer("days_senior");
      for (const auto& w : l->works) {
        if (std::find(types.begin(), types.end(), w.type) == types.end()) continue;
        int worst = 0, late = 0;
        for (const auto* m : ctx.index.marksOfLesson(l->id)) {
          if (m->workId != w.id) continue;
          const int days = firstPosted(*m).date - l->date;
          if (days > limit) {
            ++late;
            worst = std::max(worst, days);
          }
        }
        if (late == 0) continue;
        Finding f = ctx.finding(info().id, info().severity, *l);
        f.item = "work:" + w.id;
        f.message = "отметки за работу «" + std::string(model::russianTitle(w.type)) + "» выставлены через " +
                    std::to_string(worst) + " " + daysWord(worst) + ", допускается " + std::to_string(limit) +
                    " (" + std::to_string(late) + " " + marksWord(late) + " с опозданием)";
        f.figures = {{"days", static_cast<double>(worst)},
                     {"limit", static_cast<double>(limit)},
                     {"late_marks", static_cast<double>(late)}};
        out.push_back(std::move(f));
      }
    }
  }
};

// Students expected in a stream on a date: enrolled in the class (and members of the subgroup).
std::vector<const model::Student*> streamStudents(const Context& ctx, const Stream& s, model::Date d) {
  std::vector<const model::Student*> out;
  const model::Subgroup* g = s.subgroupId.empty() ? nullptr : ctx.index.subgroup(s.subgroupId);
  for (const auto* st : ctx.classStudents(s.classId)) {
    if (!st->enrolledIn(s.classId, d)) continue;
    if (g && std::none_of(g->members.begin(), g->members.end(),
                          [&](const model::Membership& m) { return m.studentId == st->id && m.contains(d); }))
      continue;
    out.push_back(st);
  }
  return out;
}

// The first day of the student's studies at the school within the period (transfers between classes
// continue).
model::Date studiesFrom(const model::Student& st, const model::Period& p) {
  model::Date first = p.dates.to + 1;
  for (const auto& e : st.enrolments)
    if (e.from <= p.dates.to && (!e.to || *e.to >= p.dates.from))
      first = std::min(first, std::max(e.from, p.dates.from));
  return first;
}

class MarksAccumulation : public RuleBase {
 public:
  MarksAccumulation()
      : RuleBase({"marks.accumulation",
                  "Накопляемость текущих отметок для отметки за период",
                  Severity::Warning,
                  {{"min_low", ParamType::Int, "3", "отметок при 1-2 часах в неделю"},
                   {"min_high", ParamType::Int, "5", "отметок при большем числе часов"},
                   {"low_hours_per_week", ParamType::Double, "2", "граница «мало часов в неделю»"},
                   {"min_grade", ParamType::Int, "2", "с какого класса ставятся отметки"},
                   {"period_marks", ParamType::Bool, "true", "проверять наличие отметок за период"}}}) {}

  void check(const Context& ctx, const RuleSettings& st, std::vector<Finding>& out) const override {
    const int minGrade = st.integer("min_grade");
    for (const auto& s : ctx.streams()) {
      if (!ctx.teacherMatches(s) || ctx.coveredBySubgroups(s)) continue;
      if (ctx.gradeOf(s.classId) < minGrade) continue;
      const auto* subj = ctx.index.subject(s.subjectId);
      if (!subj || subj->grading != model::Grading::Marked) continue;
      const auto* e = ctx.entryFor(s);
      const int required = requiredMarks(e, st);
      for (const auto* p : ctx.periodsOf(s.classId)) {
        // Only periods that ended within the checked dates: before the end a student may still get marks.
        if (p->dates.to < ctx.scope.dates.from || p->dates.to > ctx.scope.asOf) continue;
        for (const auto* student : streamStudents(ctx, s, p->dates.to)) {
          int count = 0;
          for (const auto& m : ctx.marksOf(student->id, s.subjectId))
            if (p->dates.contains(m.date)) ++count;
          const model::Date from = studiesFrom(*student, *p);
          const int periodDays = p->dates.to - p->dates.from + 1;
          const int studied = p->dates.to - from + 1;
          const int need =
              studied >= periodDays
                  ? required
                  : std::max(
                        1, static_cast<int>(std::ceil(required * static_cast<double>(studied) / periodDays)));
          if (count < need) {
            Finding f = ctx.finding(info().id, info().severity, s);
            f.period = p->id;
            f.date = p->dates.to;
            f.studentId = student->id;
            f.item = "marks";
            f.message = student->shortName() + ": " + std::to_string(count) + " " + marksWord(count) +
                        " за " + model::russianPeriodName(*p, ctx.journal.year.startYear) +
                        ", для отметки за период нужно не менее " + std::to_string(need);
            f.figures = {{"marks", static_cast<double>(count)}, {"required", static_cast<double>(need)}};
            out.push_back(std::move(f));
          }
          if (st.flag("period_marks")) {
            bool has = false;
            for (const auto* pm : ctx.index.periodMarksOfStudent(student->id))
              if (pm->kind == model::PeriodMarkKind::Period && pm->periodId == p->id &&
                  pm->subjectId == s.subjectId)
                has = true;
            if (!has) {
              Finding f = ctx.finding(info().id, info().severity, s);
              f.period = p->id;
              f.date = p->dates.to;
              f.studentId = student->id;
              f.item = "period_mark";
              f.message = student->shortName() + ": нет отметки за " +
                          model::russianPeriodName(*p, ctx.journal.year.startYear);
              f.figures = {{"period_mark", 0}};
              out.push_back(std::move(f));
            }
          }
        }
      }
    }
  }

  static int requiredMarks(const model::CurriculumEntry* e, const RuleSettings& st) {
    if (e && e->hoursPerWeek > st.number("low_hours_per_week")) return st.integer("min_high");
    return st.integer("min_low");
  }
};

class MarksPeriodObjective : public RuleBase {
 public:
  MarksPeriodObjective()
      : RuleBase({"marks.period_objective",
                  "Объективность отметок за период",
                  Severity::Warning,
                  {{"rounding_threshold", ParamType::Double, "0.5",
                    "дробная часть среднего, с которой округляется вверх"},
                   {"max_difference", ParamType::Int, "1",
                    "расхождение с округлённым средним, с которого сообщать"}}}) {}

  void check(const Context& ctx, const RuleSettings& st, std::vector<Finding>& out) const override {
    const double threshold = st.number("rounding_threshold");
    const int maxDiff = st.integer("max_difference");
    // The stream of each class x subject (a subgroup stream when the subject is taught in groups: the
    // student's).
    std::map<std::pair<std::string_view, std::string_view>, std::vector<const Stream*>> streams;
    for (const auto& s : ctx.streams()) streams[{s.classId, s.subjectId}].push_back(&s);
    for (const auto& pm : ctx.journal.periodMarks) {
      if (pm.kind != model::PeriodMarkKind::Period || pm.value.kind != MarkKind::Points) continue;
      if (!ctx.scope.classId.empty() && pm.classId != ctx.scope.classId) continue;
      if (!ctx.scope.subjectId.empty() && pm.subjectId != ctx.scope.subjectId) continue;
      // Period marks of periods that ended within the checked dates (as marks.accumulation).
      const auto* p = ctx.index.period(pm.periodId);
      if (!p || p->dates.to < ctx.scope.dates.from || p->dates.to > ctx.scope.asOf) continue;
      const Stream* stream = nullptr;
      if (auto it = streams.find({pm.classId, pm.subjectId}); it != streams.end())
        for (const auto* s : it->second) {
          if (!s->subgroupId.empty()) {
            const auto* g = ctx.index.subgroup(s->subgroupId);
            if (g && std::none_of(g->members.begin(), g->members.end(),
                                  [&](const model::Membership& m) { return m.studentId == pm.studentId; }))
              continue;
          }
          stream = s;
          if (!s->lessons.empty()) break;
        }
      if (stream && !ctx.teacherMatches(*stream)) continue;
      if (!stream && !ctx.scope.teacherId.empty()) continue;
      double sum = 0, weights = 0;
      for (const auto& m : ctx.marksOf(pm.studentId, pm.subjectId))
        // The class's own marks: a period mark is given from the marks in this class's journal.
        if (p->dates.contains(m.date) && m.classId == pm.classId)
          sum += m.points * m.weight, weights += m.weight;
      if (weights == 0) continue;
      const double avg = sum / weights;
      const int rounded = roundMark(avg, threshold);
      const int diff = std::abs(pm.value.points - rounded);
      if (diff < maxDiff) continue;
      Finding f;
      f.rule = info().id;
      f.severity = info().severity;
      f.period = pm.periodId;
      f.classId = pm.classId;
      f.subjectId = pm.subjectId;
      if (stream) {
        f.subgroupId = stream->subgroupId;
        f.teacherId = ctx.teacherOf(*stream);
      }
      f.date = p->dates.to;
      f.studentId = pm.studentId;
      f.message = ctx.studentName(pm.studentId) + ": отметка за период " + std::to_string(pm.value.points) +
                  ", средневзвешенный балл " + fmtNumber(avg, 2) + " (округлённо " + std::to_string(rounded) +
                  ")";
      f.figures = {{"period_mark", static_cast<double>(pm.value.points)},
                   {"average", std::round(avg * 100) / 100},
                   {"rounded", static_cast<double>(rounded)}};
      out.push_back(std::move(f));
    }
  }
};

class MarksValidValue : public RuleBase {
 public:
  MarksValidValue()
      : RuleBase(
            {"marks.valid_value",
             "Допустимые значения отметок",
             Severity::Error,
             {{"allow_one", ParamType::Bool, "false", "разрешена отметка 1"},
              {"unmarked_to_grade", ParamType::Int, "1", "классы без отметок (по этот включительно)"}}}) {}

  void check(const Context& ctx, const RuleSettings& st, std::vector<Finding>& out) const override {
    const bool allowOne = st.flag("allow_one");
    const int unmarkedTo = st.integer("unmarked_to_grade");
    for (const auto* l : ctx.lessons()) {
      const auto* subj = ctx.index.subject(l->subjectId);
      const auto grading = subj ? subj->grading : model::Grading::Marked;
      const bool unmarkedClass = ctx.gradeOf(l->classId) <= unmarkedTo;
      std::map<std::pair<std::string_view, std::string_view>, int> perCell;
      for (const auto* m : ctx.index.marksOfLesson(l->id)) {
        auto report = [&](const std::string& why) {
          Finding f = ctx.finding(info().id, info().severity, *l);
          f.studentId = m->studentId;
          f.item = "mark:" + m->id;
          f.message = ctx.studentName(m->studentId) + ": отметка «" + m->value.toString() + "» — " + why;
          out.push_back(std::move(f));
        };
        ++perCell[{m->studentId, m->workId}];
        const auto& v = m->value;
        if (v.kind == MarkKind::Points) {
          if (v.points < 1 || v.points > 5)
            report("недопустимое значение");
          else if (v.points == 1 && !allowOne)
            report("отметка 1 не применяется в школе");
          else if (unmarkedClass)
            report("в " + std::to_string(ctx.gradeOf(l->classId)) + " классе отметки не ставятся");
          else if (grading == model::Grading::Unmarked)
            report("предмет изучается без отметок");
          else if (grading == model::Grading::PassFail)
            report("по предмету ставится «зачёт/незачёт»");
        } else if ((v.kind == MarkKind::Pass || v.kind == MarkKind::Fail) &&
                   grading == model::Grading::Marked) {
          report("по предмету ставятся отметки по пятибалльной шкале");
        }
      }
      const int maxPerCell = subj && subj->twoMarksPerCell ? 2 : 1;
      for (const auto& [key, n] : perCell) {
        if (n <= maxPerCell) continue;
        Finding f = ctx.finding(info().id, info().severity, *l);
        f.studentId = std::string(key.first);
        f.item = "cell:" + std::string(key.second);
        f.message = ctx.studentName(key.first) + ": " + std::to_string(n) + " " + marksWord(n) +
                    " в одной клетке, допускается " + std::to_string(maxPerCell);
        f.figures = {{"marks", static_cast<double>(n)}, {"limit", static_cast<double>(maxPerCell)}};
        out.push_back(std::move(f));
      }
    }
  }
};

class MarksEnrolled : public RuleBase {
 public:
  MarksEnrolled()
      : RuleBase(
            {"marks.enrolled", "Отметки и посещаемость только у зачисленных учащихся", Severity::Error, {}}) {
  }

  void check(const Context& ctx, const RuleSettings&, std::vector<Finding>& out) const override {
    for (const auto* l : ctx.lessons()) {
      const std::string where = l->subgroupId.empty() ? "в класс" : "в класс или группу";
      for (const auto* m : ctx.index.marksOfLesson(l->id)) {
        if (ctx.expectedAt(*l, m->studentId)) continue;
        Finding f = ctx.finding(info().id, info().severity, *l);
        f.studentId = m->studentId;
        f.item = "mark:" + m->id;
        f.message = ctx.studentName(m->studentId) + ": отметка «" + m->value.toString() +
                    "» ученику, не зачисленному " + where + " на " + l->date.toRussian();
        out.push_back(std::move(f));
      }
      for (const auto* a : ctx.index.attendanceOfLesson(l->id)) {
        if (ctx.expectedAt(*l, a->studentId)) continue;
        Finding f = ctx.finding(info().id, info().severity, *l);
        f.studentId = a->studentId;
        f.item = "attendance";
        f.message = ctx.studentName(a->studentId) + ": отметка посещаемости «" +
                    std::string(model::journalCode(a->status)) + "» ученику, не зачисленному " + where +
                    " на " + l->date.toRussian();
        out.push_back(std::move(f));
      }
    }
  }
};

class MarksChanged : public RuleBase {
 public:
  MarksChanged() : RuleBase({"marks.changed", "Изменённые отметки", Severity::Info, {}}) {}

  void check(const Context& ctx, const RuleSettings&, std::vector<Finding>& out) const override {
    for (const auto* l : ctx.lessons())
      for (const auto* m : ctx.index.marksOfLesson(l->id))
        for (const auto& h : m->history) {
          if (!h.oldValue || !h.newValue || *h.oldValue == *h.newValue) continue;
          Finding f = ctx.finding(info().id, info().severity, *l);
          f.studentId = m->studentId;
          f.item = "mark:" + m->id + "@" + h.at.toString();
          f.message = ctx.studentName(m->studentId) + ": отметка изменена с «" + h.oldValue->toString() +
                      "» на «" + h.newValue->toString() + "» " + h.at.toRussian() +
                      (h.by.empty() ? std::string() : ", изменил(а) " + ctx.teacherName(h.by));
          if (h.oldValue->kind == MarkKind::Points && h.newValue->kind == MarkKind::Points)
            f.figures = {{"old", static_cast<double>(h.oldValue->points)},
                         {"new", static_cast<double>(h.newValue->points)}};
          out.push_back(std::move(f));
        }
  }
};

}  // namespace

std::unique_ptr<Rule> makeMarksPerLesson() { return std::make_unique<MarksPerLesson>(); }
std::unique_ptr<Rule> makeMarksDeadline() { return std::make_unique<MarksDeadline>(); }
std::unique_ptr<Rule> makeMarksAccumulation() { return std::make_unique<MarksAccumulation>(); }
std::unique_ptr<Rule> makeMarksPeriodObjective() { return std::make_unique<MarksPeriodObjective>(); }
std::unique_ptr<Rule> makeMarksValidValue() { return std::make_unique<MarksValidValue>(); }
std::unique_ptr<Rule> makeMarksEnrolled() { return std::make_unique<MarksEnrolled>(); }
std::unique_ptr<Rule> makeMarksChanged() { return std::make_unique<MarksChanged>(); }

}  // namespace ejournal::rules
