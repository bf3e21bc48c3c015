// The check context: the scope's lessons, the class x subject x subgroup streams with their timetable
// calendar, and the helpers rules share to fill findings.
#include <algorithm>
#include <unordered_set>

#include "rule.h"

namespace ejournal::rules {

using model::Date;
using model::DateRange;
using model::Lesson;

namespace {

bool isHoliday(const model::Journal& j, Date d, int grade) {
  for (const auto& h : j.holidays)
    if (h.dates.contains(d) && h.appliesTo(grade)) return true;
  return false;
}

}  // namespace

Context::Context(const model::JournalIndex& idx, const Scope& sc)
    : index(idx), journal(idx.journal()), scope(sc) {
  const auto& j = journal;
  auto classOk = [&](const std::string& c) { return scope.classId.empty() || scope.classId == c; };
  auto subjectOk = [&](const std::string& s) { return scope.subjectId.empty() || scope.subjectId == s; };

  std::map<std::tuple<std::string, std::string, std::string>, Stream> building;
  auto streamFor = [&](const std::string& c, const std::string& s, const std::string& g) -> Stream& {
    auto [it, fresh] = building.try_emplace(std::make_tuple(c, s, g));
    if (fresh) it->second = Stream{c, s, g, nullptr, {}, {}, {}};
    return it->second;
  };
  for (const auto& e : j.curriculum)
    if (classOk(e.classId) && subjectOk(e.subjectId))
      streamFor(e.classId, e.subjectId, e.subgroupId).curriculum = &e;
  for (const auto& l : j.lessons)
    if (classOk(l.classId) && subjectOk(l.subjectId))
      streamFor(l.classId, l.subjectId, l.subgroupId).lessons.push_back(&l);
  for (const auto& p : j.plan)
    if (auto it = building.find(std::make_tuple(p.classId, p.subjectId, p.subgroupId)); it != building.end())
      it->second.plan.push_back(&p);
  streams_.reserve(building.size());
  for (auto& [k, v] : building) streams_.push_back(std::move(v));
  // The timetable calendar of every stream: one date per timetable hour over the academic year, without the
  // holidays of the stream's grade (computed once per grade).
  const int yearDays = std::max(0, j.year.end - j.year.start + 1);
  std::map<int, std::vector<bool>> holidaysOfGrade;
  auto holidays = [&](int grade) -> const std::vector<bool>& {
    auto [it, fresh] = holidaysOfGrade.try_emplace(grade);
    if (fresh) {
      it->second.resize(static_cast<size_t>(yearDays));
      for (int i = 0; i < yearDays; ++i)
        it->second[static_cast<size_t>(i)] = isHoliday(j, j.year.start + i, grade);
    }
    return it->second;
  };
  std::map<std::tuple<std::string_view, std::string_view, std::string_view>,
           std::vector<const model::TimetableSlot*>>
      slots;
  for (const auto& t : j.timetable) slots[{t.classId, t.subjectId, t.subgroupId}].push_back(&t);
  for (auto& s : streams_) {
    std::sort(s.lessons.begin(), s.lessons.end(), [](const Lesson* a, const Lesson* b) {
      return a->date != b->date ? a->date < b->date : a->slot < b->slot;
    });
    std::sort(s.plan.begin(), s.plan.end(), [](const model::PlannedLesson* a, const model::PlannedLesson* b) {
      return a->number < b->number;
    });
    auto it = slots.find({s.classId, s.subjectId, s.subgroupId});
    if (it == slots.end()) continue;
    const auto* cls = index.schoolClass(s.classId);
    const std::vector<bool>& holiday = holidays(cls ? cls->grade : 0);
    for (int i = 0; i < yearDays; ++i) {
      if (holiday[static_cast<size_t>(i)]) continue;
      const Date d = j.year.start + i;
      const int wd = d.weekday();
      for (const auto* t : it->second)
        if (t->weekday == wd && t->valid.contains(d)) s.occurrences.push_back(d);
    }
  }
  std::sort(streams_.begin(), streams_.end(), [&](const Stream& a, const Stream& b) {
    const auto* ca = index.schoolClass(a.classId);
    const auto* cb = index.schoolClass(b.classId);
    const int ga = ca ? ca->grade : 99, gb = cb ? cb->grade : 99;
    if (ga != gb) return ga < gb;
    if (a.classId != b.classId) return (ca ? ca->letter : a.classId) < (cb ? cb->letter : b.classId);
    const auto* sa = index.subject(a.subjectId);
    const auto* sb = index.subject(b.subjectId);
    const int oa = sa ? sa->order : 1 << 30, ob = sb ? sb->order : 1 << 30;
    if (oa != ob) return oa < ob;
    if (a.subjectId != b.subjectId) return a.subjectId < b.subjectId;
    return a.subgroupId < b.subgroupId;
  });
  streamIndex_.clear();
  for (size_t i = 0; i < streams_.size(); ++i)
    streamIndex_.emplace(
        std::make_tuple(std::string_view(streams_[i].classId), std::string_view(streams_[i].subjectId),
                        std::string_view(streams_[i].subgroupId)),
        i);
  for (const auto& l : j.lessons)
    if (inScope(l)) lessons_.push_back(&l);
  std::stable_sort(lessons_.begin(), lessons_.end(), [](const Lesson* a, const Lesson* b) {
    return a->date != b->date ? a->date < b->date : a->slot < b->slot;
  });
}

const Stream* Context::streamOf(const Lesson& l) const {
  auto it = streamIndex_.find(std::make_tuple(std::string_view(l.classId), std::string_view(l.subjectId),
                                              std::string_view(l.subgroupId)));
  return it == streamIndex_.end() ? nullptr : &streams_[it->second];
}

int Context::gradeOf(std::string_view classId) const {
  const auto* c = index.schoolClass(classId);
  return c ? c->grade : 0;
}

std::string Context::periodOf(std::string_view classId, Date d) const {
  const int grade = gradeOf(classId);
  if (const auto* p = index.periodAt(d, grade, model::PeriodKind::Quarter)) return p->id;
  if (const auto* p = index.periodAt(d, grade, model::PeriodKind::HalfYear)) return p->id;
  return scope.periodId;
}

std::string Context::teacherOf(const Stream& s) const {
  if (!s.subgroupId.empty())
    if (const auto* g = index.subgroup(s.subgroupId); g && !g->teacherId.empty()) return g->teacherId;
  std::map<std::string, int> count;
  for (const auto& t : journal.timetable)
    if (t.classId == s.classId && t.subjectId == s.subjectId && t.subgroupId == s.subgroupId)
      ++count[t.teacherId];
  if (count.empty())
    for (const auto* l : s.lessons) ++count[l->teacherId];
  std::string best;
  int n = 0;
  for (const auto& [id, c] : count)
    if (c > n) best = id, n = c;
  return best;
}

bool Context::teacherMatches(const Stream& s) const {
  if (scope.teacherId.empty()) return true;
  if (teacherOf(s) == scope.teacherId) return true;
  for (const auto* l : s.lessons)
    if (l->teacherId == scope.teacherId) return true;
  return false;
}

bool Context::inScope(const Lesson& l) const { return scope.covers(l); }

namespace {

std::string slotKey(const std::string& classId, int weekday, int slot) {
  return classId + '\x1f' + std::to_string(weekday) + '\x1f' + std::to_string(slot);
}

}  // namespace

TimetableLookup::TimetableLookup(const model::Journal& journal) {
  for (const auto& t : journal.timetable) bySlot_[slotKey(t.classId, t.weekday, t.slot)].push_back(&t);
}

std::string TimetableLookup::teacherOf(const Lesson& l) const {
  if (auto it = bySlot_.find(slotKey(l.classId, l.date.weekday(), l.slot)); it != bySlot_.end())
    for (const auto* t : it->second)
      if (t->subjectId == l.subjectId && t->subgroupId == l.subgroupId && t->valid.contains(l.date))
        return t->teacherId;
  return "";
}

const std::vector<const model::Student*>& Context::classStudents(std::string_view classId) const {
  if (auto it = classStudentsCache_.find(classId); it != classStudentsCache_.end()) return it->second;
  std::vector<const model::Student*> out;
  for (const auto& s : journal.students)
    for (const auto& e : s.enrolments)
      if (e.classId == classId) {
        out.push_back(&s);
        break;
      }
  return classStudentsCache_.emplace(std::string(classId), std::move(out)).first->second;
}

bool Context::expectedAt(const Lesson& l, std::string_view studentId) const {
  const auto* st = index.student(studentId);
  if (!st || !st->enrolledIn(l.classId, l.date)) return false;
  if (l.subgroupId.empty()) return true;
  const auto* g = index.subgroup(l.subgroupId);
  if (!g) return true;
  for (const auto& m : g->members)
    if (m.studentId == studentId && m.contains(l.date)) return true;
  return false;
}

std::vector<const model::Student*> Context::expectedAt(const Lesson& l) const {
  std::vector<const model::Student*> out;
  if (!l.subgroupId.empty()) {
    if (const auto* g = index.subgroup(l.subgroupId)) {
      for (const auto& m : g->members)
        if (m.contains(l.date))
          if (const auto* st = index.student(m.studentId);
              st && st->enrolledIn(l.classId, l.date) && std::find(out.begin(), out.end(), st) == out.end())
            out.push_back(st);
      return out;
    }
  }
  for (const auto* st : classStudents(l.classId))
    if (st->enrolledIn(l.classId, l.date)) out.push_back(st);
  return out;
}

int Context::occurrencesIn(const Stream& s, DateRange r) const {
  auto lo = std::lower_bound(s.occurrences.begin(), s.occurrences.end(), r.from);
  auto hi = std::upper_bound(s.occurrences.begin(), s.occurrences.end(), r.to);
  return hi > lo ? static_cast<int>(hi - lo) : 0;
}

model::Finding Context::finding(const std::string& rule, model::Severity sev, const Lesson& l) const {
  model::Finding f;
  f.rule = rule;
  f.severity = sev;
  f.period = periodOf(l.classId, l.date);
  f.classId = l.classId;
  f.subjectId = l.subjectId;
  f.subgroupId = l.subgroupId;
  f.teacherId = l.substituteTeacherId.empty() ? l.teacherId : l.substituteTeacherId;
  f.lessonId = l.id;
  f.date = l.date;
  return f;
}

model::Finding Context::finding(const std::string& rule, model::Severity sev, const Stream& s) const {
  model::Finding f;
  f.rule = rule;
  f.severity = sev;
  f.period = scope.periodId.empty() ? periodOf(s.classId, scope.asOf) : scope.periodId;
  f.classId = s.classId;
  f.subjectId = s.subjectId;
  f.subgroupId = s.subgroupId;
  f.teacherId = teacherOf(s);
  return f;
}

const std::vector<MarkPoint>& Context::marksOf(std::string_view studentId, std::string_view subjectId) const {
  const size_t nSubjects = journal.subjects.size();
  if (!marksBuilt_) {
    marksOf_.assign(journal.students.size() * nSubjects, {});
    for (const auto& m : journal.marks) {
      if (m.value.kind != model::MarkKind::Points) continue;
      const auto* l = index.lesson(m.lessonId);
      const auto* st = index.student(m.studentId);
      const auto* sub = l ? index.subject(l->subjectId) : nullptr;
      if (!l || !st || !sub) continue;
      const auto k = static_cast<size_t>(st - journal.students.data()) * nSubjects +
                     static_cast<size_t>(sub - journal.subjects.data());
      marksOf_[k].push_back(MarkPoint{l->date, l->classId, m.value.points, m.weight > 0 ? m.weight : 1});
    }
    for (auto& v : marksOf_)
      std::stable_sort(v.begin(), v.end(),
                       [](const MarkPoint& a, const MarkPoint& b) { return a.date < b.date; });
    marksBuilt_ = true;
  }
  static const std::vector<MarkPoint> kNone;
  const auto* st = index.student(studentId);
  const auto* sub = index.subject(subjectId);
  if (!st || !sub) return kNone;
  return marksOf_[static_cast<size_t>(st - journal.students.data()) * nSubjects +
                  static_cast<size_t>(sub - journal.subjects.data())];
}

const model::CurriculumEntry* Context::entryFor(const Stream& s) const {
  if (s.curriculum) return s.curriculum;
  if (s.subgroupId.empty()) return nullptr;
  for (const auto& e : journal.curriculum)
    if (e.classId == s.classId && e.subjectId == s.subjectId && e.subgroupId.empty()) return &e;
  return nullptr;
}

bool Context::coveredBySubgroups(const Stream& s) const {
  if (!s.subgroupId.empty() || !s.lessons.empty()) return false;
  for (const auto& o : streams_)
    if (o.classId == s.classId && o.subjectId == s.subjectId && !o.subgroupId.empty() && !o.curriculum)
      return true;
  return false;
}

std::vector<const model::Period*> Context::periodsOf(std::string_view classId) const {
  return index.reportingPeriodsOf(gradeOf(classId));
}

std::string Context::yearPeriodId() const {
  for (const auto& p : journal.periods)
    if (p.kind == model::PeriodKind::Year) return p.id;
  return std::to_string(journal.year.startYear) + "-year";
}

std::string Context::teacherName(std::string_view id) const {
  if (const auto* s = index.staff(id)) return s->shortName();
  return std::string(id);
}

std::string Context::studentName(std::string_view id) const {
  if (const auto* s = index.student(id)) return s->shortName();
  return std::string(id);
}

}  // namespace ejournal::rules
