// Rules about the programme: hours delivered against the curriculum (hours.curriculum), the thematic plan's
// total (hours.plan_total), planned control works held (works.control_present) and homework where the plan
// sets it (homework.recorded).
#include <algorithm>
#include <cmath>

#include "ejournal/model/text.h"
#include "rule.h"

namespace ejournal::rules {

using model::Date;
using model::DateRange;
using model::Finding;
using model::Lesson;
using model::Severity;

namespace {

// Hours of the curriculum line for one reporting period: the line's own figure, else the year's hours shared
// out by timetable hours (or calendar days when the stream has no timetable).
double periodHours(const Context& ctx, const Stream& s, const model::CurriculumEntry& e,
                   const model::Period& p) {
  for (const auto& ph : e.periods)
    if (ph.periodId == p.id) return ph.hours;
  const DateRange year{ctx.journal.year.start, ctx.journal.year.end};
  const int occYear = ctx.occurrencesIn(s, year);
  if (occYear > 0) return e.hoursYear * static_cast<double>(ctx.occurrencesIn(s, p.dates)) / occYear;
  const int days = year.to - year.from + 1;
  return days > 0 ? e.hoursYear * static_cast<double>(p.dates.to - p.dates.from + 1) / days : 0;
}

// The share of a period's hours due within `part` (a sub-range of the period).
double dueShare(const Context& ctx, const Stream& s, const model::Period& p, DateRange part) {
  if (part.from <= p.dates.from && part.to >= p.dates.to) return 1.0;
  const int all = ctx.occurrencesIn(s, p.dates);
  if (all > 0) return static_cast<double>(ctx.occurrencesIn(s, part)) / all;
  const int days = p.dates.to - p.dates.from + 1;
  return days > 0 ? static_cast<double>(part.to - part.from + 1) / days : 0;
}

std::string hoursWord(long n) { return plural(n, "час", "часа", "часов"); }

}  // namespace

std::vector<HoursStatus> computeHours(const Context& ctx) {
  std::vector<HoursStatus> out;
  const DateRange done{ctx.scope.dates.from, ctx.scope.asOf};
  for (const auto& s : ctx.streams()) {
    if (!ctx.teacherMatches(s) || ctx.coveredBySubgroups(s)) continue;
    const auto* e = ctx.entryFor(s);
    HoursStatus h;
    h.classId = s.classId;
    h.subjectId = s.subjectId;
    h.subgroupId = s.subgroupId;
    h.teacherId = ctx.teacherOf(s);
    for (const auto* l : s.lessons)
      if (done.to >= done.from && done.contains(l->date)) h.delivered += l->hours;
    h.periodComplete = true;
    if (!e) {
      h.inCurriculum = false;
      if (h.delivered > 0) out.push_back(std::move(h));
      continue;
    }
    h.plannedYear = e->hoursYear;
    for (const auto* p : ctx.periodsOf(s.classId)) {
      if (!p->dates.overlaps(ctx.scope.dates)) continue;
      const double hours = periodHours(ctx, s, *e, *p);
      h.plannedPeriod += hours;
      const DateRange part{std::max(p->dates.from, done.from), std::min(p->dates.to, done.to)};
      if (part.to < part.from) {
        h.periodComplete = false;
        continue;
      }
      if (!(part.from <= p->dates.from && part.to >= p->dates.to)) h.periodComplete = false;
      h.plannedToDate += hours * dueShare(ctx, s, *p, part);
    }
    out.push_back(std::move(h));
  }
  return out;
}

std::vector<HoursStatus> hoursStatus(const model::JournalIndex& index, const Scope& scope) {
  Context ctx(index, scope);
  return computeHours(ctx);
}

namespace {

// The class teacher, who answers for the class's journal: the teacher of a finding about the class as a
// whole.
std::string classTeacher(const Context& ctx, std::string_view classId) {
  const auto* c = ctx.classOf(classId);
  return c ? c->classTeacherId : std::string();
}

// "Математика, Русский язык" in the order given, for a finding naming several subjects.
std::string subjectList(const Context& ctx, const std::vector<const Stream*>& streams) {
  std::string out;
  for (const auto* s : streams) {
    const auto* subj = ctx.index.subject(s->subjectId);
    std::string name = subj ? subj->name : s->subjectId;
    if (!s->subgroupId.empty())
      if (const auto* g = ctx.index.subgroup(s->subgroupId)) name += " (" + g->name + ")";
    out += (out.empty() ? "" : ", ") + name;
  }
  return out;
}

class HoursCurriculum : public RuleBase {
 public:
  HoursCurriculum()
      : RuleBase({"hours.curriculum",
                  "Выполнение учебного плана по часам",
                  Severity::Error,
                  {{"tolerance", ParamType::Int, "0", "допустимое расхождение в часах по окончании периода"},
                   {"tolerance_to_date", ParamType::Int, "0",
                    "допустимое расхождение в часах до окончания периода"},
                   {"check_excess", ParamType::Bool, "true", "сообщать о превышении часов"}}}) {}

  std::string notApplicable(const Context& ctx, const RuleSettings&) const override {
    return ctx.journal.curriculum.empty() ? "источник не содержит учебного плана" : std::string();
  }

  void check(const Context& ctx, const RuleSettings& st, std::vector<Finding>& out) const override {
    if (ctx.scope.asOf < ctx.scope.dates.from) return;
    // A class without any curriculum line is one missing input: one finding for the class, not one per
    // subject.
    std::vector<std::pair<std::string, std::vector<const Stream*>>> withoutCurriculum;
    auto hasCurriculum = [&](const std::string& classId) {
      return std::any_of(ctx.journal.curriculum.begin(), ctx.journal.curriculum.end(),
                         [&](const model::CurriculumEntry& e) { return e.classId == classId; });
    };
    for (const auto& h : computeHours(ctx)) {
      const Stream* s = nullptr;
      for (const auto& x : ctx.streams())
        if (x.classId == h.classId && x.subjectId == h.subjectId && x.subgroupId == h.subgroupId) s = &x;
      if (!s) continue;
      const int delivered = h.delivered;
      if (!h.inCurriculum && !hasCurriculum(h.classId)) {
        if (withoutCurriculum.empty() || withoutCurriculum.back().first != h.classId)
          withoutCurriculum.push_back({h.classId, {}});
        withoutCurriculum.back().second.push_back(s);
        continue;
      }
      if (!h.inCurriculum) {
        if (st.flag("check_excess")) {
          Finding f = ctx.finding(info().id, info().severity, *s);
          f.message = "проведено " + std::to_string(delivered) + " " + hoursWord(delivered) +
                      " предмета, которого нет в учебном плане класса";
          f.figures = {{"planned", 0}, {"delivered", static_cast<double>(delivered)}};
          out.push_back(std::move(f));
        }
        continue;
      }
      const bool complete = h.periodComplete;
      const int tol = complete ? st.integer("tolerance") : st.integer("tolerance_to_date");
      const int plannedLow = static_cast<int>(std::floor(h.plannedToDate + 1e-6));
      const int plannedHigh = static_cast<int>(std::ceil(h.plannedToDate - 1e-6));
      const std::string when = complete ? "за период" : "на " + ctx.scope.asOf.toRussian();
      if (delivered < plannedLow - tol) {
        const int gap = plannedLow - delivered;
        Finding f = ctx.finding(info().id, info().severity, *s);
        f.message = "проведено " + std::to_string(delivered) + " " + hoursWord(delivered) +
                    ", по учебному плану " + when + " " + std::to_string(plannedLow) + ", отставание " +
                    std::to_string(gap) + " " + hoursWord(gap);
        f.figures = {{"planned", static_cast<double>(plannedLow)},
                     {"delivered", static_cast<double>(delivered)},
                     {"shortfall", static_cast<double>(gap)}};
        out.push_back(std::move(f));
      } else if (delivered > plannedHigh + tol && st.flag("check_excess")) {
        const int over = delivered - plannedHigh;
        Finding f = ctx.finding(info().id, info().severity, *s);
        f.message = "проведено " + std::to_string(delivered) + " " + hoursWord(delivered) +
                    ", по учебному плану " + when + " " + std::to_string(plannedHigh) + ", превышение на " +
                    std::to_string(over) + " " + hoursWord(over);
        f.figures = {{"planned", static_cast<double>(plannedHigh)},
                     {"delivered", static_cast<double>(delivered)},
                     {"excess", static_cast<double>(over)}};
        out.push_back(std::move(f));
      }
    }
    for (const auto& [classId, streams] : withoutCurriculum) {
      Finding f;
      f.rule = info().id;
      f.severity = info().severity;
      f.period = ctx.scope.periodId.empty() ? ctx.periodOf(classId, ctx.scope.asOf) : ctx.scope.periodId;
      f.classId = classId;
      f.teacherId = classTeacher(ctx, classId);
      const long n = static_cast<long>(streams.size());
      f.message = "учебный план класса отсутствует, проведены уроки по " + std::to_string(n) + " " +
                  plural(n, "предмету", "предметам", "предметам") + ": " + subjectList(ctx, streams);
      f.figures = {{"subjects_without_curriculum", static_cast<double>(n)}};
      out.push_back(std::move(f));
    }
  }
};

// A class's thematic plan missing altogether is one input missing: one finding per class naming its subjects
// (not one per subject). A plan that exists but whose total differs from the curriculum is one finding per
// subject.
class HoursPlanTotal : public RuleBase {
 public:
  HoursPlanTotal()
      : RuleBase({"hours.plan_total",
                  "Соответствие КТП учебному плану по количеству часов",
                  Severity::Error,
                  {}}) {}

  std::string notApplicable(const Context& ctx, const RuleSettings&) const override {
    if (ctx.journal.curriculum.empty()) return "источник не содержит учебного плана";
    if (ctx.journal.plan.empty()) return "источник не содержит календарно-тематического планирования (КТП)";
    return {};
  }

  void check(const Context& ctx, const RuleSettings&, std::vector<Finding>& out) const override {
    std::vector<std::pair<std::string, std::vector<const Stream*>>>
        withoutPlan;  // class, streams; class order
    for (const auto& s : ctx.streams()) {
      if (!ctx.teacherMatches(s) || ctx.coveredBySubgroups(s)) continue;
      const auto* e = ctx.entryFor(s);
      if (!e) continue;
      if (s.plan.empty()) {
        if (withoutPlan.empty() || withoutPlan.back().first != s.classId)
          withoutPlan.push_back({s.classId, {}});
        withoutPlan.back().second.push_back(&s);
        continue;
      }
      int total = 0;
      for (const auto* p : s.plan) total += p->hours;
      if (total == e->hoursYear) continue;
      Finding f = ctx.finding(info().id, info().severity, s);
      f.period = ctx.yearPeriodId();
      f.message = "в КТП " + std::to_string(total) + " " + hoursWord(total) + ", по учебному плану " +
                  std::to_string(e->hoursYear) + " " + hoursWord(e->hoursYear) + " в год";
      f.figures = {{"plan_hours", static_cast<double>(total)},
                   {"curriculum_hours", static_cast<double>(e->hoursYear)}};
      out.push_back(std::move(f));
    }
    for (const auto& [classId, streams] : withoutPlan) {
      Finding f;
      f.rule = info().id;
      f.severity = info().severity;
      f.period = ctx.yearPeriodId();
      f.classId = classId;
      // One stream: the finding is about that subject and its teacher; several: about the class.
      if (streams.size() == 1) {
        f.subjectId = streams.front()->subjectId;
        f.subgroupId = streams.front()->subgroupId;
        f.teacherId = ctx.teacherOf(*streams.front());
      } else {
        f.teacherId = classTeacher(ctx, classId);
      }
      const long n = static_cast<long>(streams.size());
      f.message = "календарно-тематическое планирование отсутствует (" + std::to_string(n) + " " +
                  plural(n, "предмет", "предмета", "предметов") + "): " + subjectList(ctx, streams);
      f.figures = {{"subjects_without_plan", static_cast<double>(n)}};
      out.push_back(std::move(f));
    }
  }
};

// The planned date of every planned lesson: the timetable date of its first hour (counting hours from the
// start of the year). Without a timetable, the date of the lesson actually held at that position, if any.
std::vector<std::optional<Date>> plannedDates(const Stream& s) {
  std::vector<std::optional<Date>> out;
  size_t hour = 0;
  std::vector<Date> held;
  for (const auto* l : s.lessons)
    for (int h = 0; h < std::max(1, l->hours); ++h) held.push_back(l->date);
  for (const auto* p : s.plan) {
    if (hour < s.occurrences.size())
      out.push_back(s.occurrences[hour]);
    else if (s.occurrences.empty() && hour < held.size())
      out.push_back(held[hour]);
    else
      out.push_back(std::nullopt);
    hour += static_cast<size_t>(std::max(1, p->hours));
  }
  return out;
}

// A planned work of the thematic plan is held at the lesson that delivers its planned lesson: the k-th hour
// held delivers planned hour k (a missed lesson shifts the programme, it does not drop a topic).
class WorksControlPresent : public RuleBase {
 public:
  WorksControlPresent()
      : RuleBase({"works.control_present",
                  "Наличие контрольных работ по тематическому планированию",
                  Severity::Error,
                  {{"work_types", ParamType::List, "control",
                    "виды работ, которые должны быть проведены по плану"},
                   {"tolerance_lessons", ParamType::Int, "0",
                    "на сколько уроков работа может быть сдвинута относительно плана"}}}) {}

  void check(const Context& ctx, const RuleSettings& st, std::vector<Finding>& out) const override {
    std::vector<model::WorkType> types;
    for (const auto& t : st.list("work_types"))
      if (auto w = model::workTypeFromString(t)) types.push_back(*w);
    const int shift = std::max(0, st.integer("tolerance_lessons"));
    const DateRange done{ctx.scope.dates.from, ctx.scope.asOf};
    if (done.to < done.from) return;
    for (const auto& s : ctx.streams()) {
      if (!ctx.teacherMatches(s) || s.plan.empty()) continue;
      // The lesson holding each hour of the year, in order.
      std::vector<size_t> lessonAtHour;
      for (size_t i = 0; i < s.lessons.size(); ++i)
        for (int h = 0; h < std::max(1, s.lessons[i]->hours); ++h) lessonAtHour.push_back(i);
      const auto dates = plannedDates(s);
      size_t hour = 0;
      for (size_t pi = 0; pi < s.plan.size(); ++pi) {
        const auto* p = s.plan[pi];
        const size_t first = hour;
        hour += static_cast<size_t>(std::max(1, p->hours));
        if (!p->workType || std::find(types.begin(), types.end(), *p->workType) == types.end()) continue;
        const std::string what = model::lowerRussian(model::russianTitle(*p->workType));
        const std::string planned = p->workTopic.empty() ? p->topic : p->workTopic;
        if (first < lessonAtHour.size()) {
          const size_t li = lessonAtHour[first];
          const Lesson* l = s.lessons[li];
          if (!ctx.inScope(*l)) continue;
          bool held = false;
          const size_t lo = li >= static_cast<size_t>(shift) ? li - static_cast<size_t>(shift) : 0;
          const size_t hi = std::min(s.lessons.size() - 1, li + static_cast<size_t>(shift));
          for (size_t k = lo; k <= hi && !held; ++k)
            for (const auto& w : s.lessons[k]->works)
              if (w.type == *p->workType) held = true;
          if (held) continue;
          Finding f = ctx.finding(info().id, info().severity, *l);
          f.item = "plan:" + std::to_string(p->number);
          f.message = "по тематическому плану (урок № " + std::to_string(p->number) + ") — " + what + " «" +
                      planned + "», на уроке работа не проведена";
          f.figures = {{"plan_number", static_cast<double>(p->number)}};
          out.push_back(std::move(f));
        } else if (dates[pi] && done.contains(*dates[pi]) && ctx.teacherMatches(s)) {
          // Not reached at all: the lesson planned for that date was never held.
          Finding f = ctx.finding(info().id, info().severity, s);
          f.date = *dates[pi];
          f.period = ctx.periodOf(s.classId, *dates[pi]);
          f.item = "plan:" + std::to_string(p->number);
          f.message = "по тематическому плану (урок № " + std::to_string(p->number) + ", " +
                      dates[pi]->toRussian() + ") — " + what + " «" + planned + "», не проведена";
          f.figures = {{"plan_number", static_cast<double>(p->number)}};
          out.push_back(std::move(f));
        }
      }
    }
  }
};

// The names a subject or a list item goes by, folded: the whole name, and for "Труд (технология)" also the
// name before the brackets and the one inside them.
std::vector<std::string> nameVariants(std::string_view name) {
  auto norm = [](std::string_view t) {
    std::string out;
    for (char c : model::foldForSearch(trim(t))) {
      if (c == ' ' && (out.empty() || out.back() == ' ')) continue;
      out += c;
    }
    return trim(out);
  };
  std::vector<std::string> v{norm(name)};
  if (const auto open = name.find('('); open != std::string_view::npos) {
    v.push_back(norm(name.substr(0, open)));
    const auto close = name.find(')', open);
    v.push_back(norm(
        name.substr(open + 1, close == std::string_view::npos ? std::string_view::npos : close - open - 1)));
  }
  std::erase(v, std::string());
  return v;
}

bool subjectListed(const model::Subject& subj, const std::vector<std::vector<std::string>>& listed) {
  std::vector<std::string> names = nameVariants(subj.name);
  for (auto& n : nameVariants(subj.shortName)) names.push_back(std::move(n));
  names.push_back(model::foldForSearch(subj.id));
  for (const auto& item : listed)
    for (const auto& a : item)
      if (std::find(names.begin(), names.end(), a) != names.end()) return true;
  return false;
}

class HomeworkRecorded : public RuleBase {
 public:
  HomeworkRecorded()
      : RuleBase(
            {"homework.recorded",
             "Запись домашнего задания",
             Severity::Warning,
             {{"min_grade", ParamType::Int, "2",
               "с какого класса проверять (в 1 классе домашних заданий нет)"},
              {"exempt_subjects", ParamType::List,
               "физическая культура,музыка,изобразительное искусство,труд (технология),"
               "основы религиозных культур и светской этики",
               "предметы без домашних заданий, через запятую (название, краткое название или код; регистр "
               "не важен, «Труд (технология)» совпадает и с «Труд», и с «Технология»)"},
              {"control_work_exempt", ParamType::Bool, "true",
               "без тематического плана урок с контрольной работой — урок без домашнего задания (как по "
               "плану)"}}}) {}

  void check(const Context& ctx, const RuleSettings& st, std::vector<Finding>& out) const override {
    const int minGrade = st.integer("min_grade");
    std::vector<std::vector<std::string>> exempt;
    for (const auto& item : st.list("exempt_subjects")) exempt.push_back(nameVariants(item));
    for (const auto& s : ctx.streams()) {
      if (ctx.gradeOf(s.classId) < minGrade) continue;
      if (const auto* subj = ctx.index.subject(s.subjectId); subj && subjectListed(*subj, exempt)) continue;
      // Position of each lesson in the plan by hours: the planned lesson covering the lesson's first hour.
      std::vector<int> planAtHour;
      for (size_t i = 0; i < s.plan.size(); ++i)
        for (int h = 0; h < std::max(1, s.plan[i]->hours); ++h) planAtHour.push_back(static_cast<int>(i));
      size_t hour = 0;
      for (const auto* l : s.lessons) {
        const size_t first = hour;
        hour += static_cast<size_t>(std::max(1, l->hours));
        if (!ctx.inScope(*l) || !trim(l->homework).empty()) continue;
        if (first < planAtHour.size() && !s.plan[static_cast<size_t>(planAtHour[first])]->homework) continue;
        // Without a plan (a pull from dnevnik.ru carries none) the lesson's own record says what a plan
        // would: a control work sets no homework.
        if (s.plan.empty() && st.flag("control_work_exempt") &&
            std::any_of(l->works.begin(), l->works.end(),
                        [](const model::Work& w) { return w.type == model::WorkType::Control; }))
          continue;
        Finding f = ctx.finding(info().id, info().severity, *l);
        f.message = "домашнее задание не записано";
        out.push_back(std::move(f));
      }
    }
  }
};

}  // namespace

std::unique_ptr<Rule> makeHoursCurriculum() { return std::make_unique<HoursCurriculum>(); }
std::unique_ptr<Rule> makeHoursPlanTotal() { return std::make_unique<HoursPlanTotal>(); }
std::unique_ptr<Rule> makeWorksControlPresent() { return std::make_unique<WorksControlPresent>(); }
std::unique_ptr<Rule> makeHomeworkRecorded() { return std::make_unique<HomeworkRecorded>(); }

}  // namespace ejournal::rules
