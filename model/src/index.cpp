// JournalIndex: hash lookups and per-class, per-lesson lists over a Journal; Russian sort keys; period names.
#include "ejournal/model/index.h"

#include <algorithm>

namespace ejournal::model {
namespace {

template <typename T>
const T* find(const std::unordered_map<std::string_view, const T*>& m, std::string_view id) {
  auto it = m.find(id);
  return it == m.end() ? nullptr : it->second;
}

template <typename T>
const std::vector<const T*>& findList(const std::unordered_map<std::string_view, std::vector<const T*>>& m,
                                      std::string_view id) {
  static const std::vector<const T*> kEmpty;
  auto it = m.find(id);
  return it == m.end() ? kEmpty : it->second;
}

void sortStudents(std::vector<const Student*>& v) {
  std::vector<std::pair<std::string, const Student*>> keyed;
  keyed.reserve(v.size());
  for (auto* s : v) keyed.emplace_back(russianSortKey(s->fullName()), s);
  std::sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first < b.first : a.second->id < b.second->id;
  });
  for (size_t i = 0; i < v.size(); ++i) v[i] = keyed[i].second;
}

bool overlaps(Date from, const std::optional<Date>& to, DateRange r) {
  return from <= r.to && (!to || r.from <= *to);
}

}  // namespace

JournalIndex::JournalIndex(const Journal& j) : journal_(j) {
  for (const auto& x : j.staff) staff_.emplace(x.id, &x);
  for (const auto& x : j.subjects) subjects_.emplace(x.id, &x);
  for (const auto& x : j.classes) {
    classes_.emplace(x.id, &x);
    classNames_.emplace(x.name(), &x);
  }
  for (const auto& x : j.students) students_.emplace(x.id, &x);
  for (const auto& x : j.subgroups) subgroups_.emplace(x.id, &x);
  for (const auto& x : j.periods) periods_.emplace(x.id, &x);
  lessons_.reserve(j.lessons.size());
  for (const auto& x : j.lessons) {
    lessons_.emplace(x.id, &x);
    lessonsOfClass_[x.classId].push_back(&x);
  }
  for (auto& [id, list] : lessonsOfClass_)
    std::stable_sort(list.begin(), list.end(), [](const Lesson* a, const Lesson* b) {
      return a->date != b->date ? a->date < b->date : a->slot < b->slot;
    });
  marksOfLesson_.reserve(j.lessons.size());
  for (const auto& x : j.marks) marksOfLesson_[x.lessonId].push_back(&x);
  for (const auto& x : j.attendance) attendanceOfLesson_[x.lessonId].push_back(&x);
  for (const auto& x : j.periodMarks) periodMarksOfStudent_[x.studentId].push_back(&x);
}

const Staff* JournalIndex::staff(std::string_view id) const { return find(staff_, id); }
const Subject* JournalIndex::subject(std::string_view id) const { return find(subjects_, id); }
const SchoolClass* JournalIndex::schoolClass(std::string_view id) const { return find(classes_, id); }
const SchoolClass* JournalIndex::classByName(std::string_view name) const {
  auto it = classNames_.find(std::string(name));
  return it == classNames_.end() ? nullptr : it->second;
}
const Student* JournalIndex::student(std::string_view id) const { return find(students_, id); }
const Subgroup* JournalIndex::subgroup(std::string_view id) const { return find(subgroups_, id); }
const Lesson* JournalIndex::lesson(std::string_view id) const { return find(lessons_, id); }
const Period* JournalIndex::period(std::string_view id) const { return find(periods_, id); }

const std::vector<const Lesson*>& JournalIndex::lessonsOfClass(std::string_view classId) const {
  return findList(lessonsOfClass_, classId);
}
const std::vector<const Mark*>& JournalIndex::marksOfLesson(std::string_view lessonId) const {
  return findList(marksOfLesson_, lessonId);
}
const std::vector<const Attendance*>& JournalIndex::attendanceOfLesson(std::string_view lessonId) const {
  return findList(attendanceOfLesson_, lessonId);
}
const std::vector<const PeriodMark*>& JournalIndex::periodMarksOfStudent(std::string_view studentId) const {
  return findList(periodMarksOfStudent_, studentId);
}

std::vector<const Student*> JournalIndex::studentsOfClass(std::string_view classId, DateRange range) const {
  std::vector<const Student*> out;
  for (const auto& s : journal_.students)
    for (const auto& e : s.enrolments)
      if (e.classId == classId && overlaps(e.from, e.to, range)) {
        out.push_back(&s);
        break;
      }
  sortStudents(out);
  return out;
}

std::vector<const Student*> JournalIndex::membersOfSubgroup(std::string_view subgroupId,
                                                            DateRange range) const {
  std::vector<const Student*> out;
  const Subgroup* g = subgroup(subgroupId);
  if (!g) return out;
  for (const auto& m : g->members)
    if (overlaps(m.from, m.to, range))
      if (const Student* s = student(m.studentId); s && std::find(out.begin(), out.end(), s) == out.end())
        out.push_back(s);
  sortStudents(out);
  return out;
}

const Period* JournalIndex::periodAt(Date d, int grade, PeriodKind kind) const {
  for (const auto& p : journal_.periods)
    if (p.kind == kind && p.appliesTo(grade) && p.dates.contains(d)) return &p;
  return nullptr;
}

std::vector<const Period*> JournalIndex::reportingPeriodsOf(int grade) const {
  std::vector<const Period*> out;
  for (const auto& p : journal_.periods)
    if (p.kind != PeriodKind::Year && p.appliesTo(grade)) out.push_back(&p);
  std::sort(out.begin(), out.end(),
            [](const Period* a, const Period* b) { return a->dates.from < b->dates.from; });
  return out;
}

std::string russianSortKey(std::string_view s) {
  std::string key;
  key.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (c >= 'A' && c <= 'Z')
        key += static_cast<char>(0x62 + (c - 'A'));
      else if (c >= 'a' && c <= 'z')
        key += static_cast<char>(0x62 + (c - 'a'));
      else
        key += static_cast<char>(c);
      continue;
    }
    if ((c == 0xD0 || c == 0xD1) && i + 1 < s.size()) {
      const unsigned cp = ((c & 0x1Fu) << 6) | (static_cast<unsigned char>(s[i + 1]) & 0x3Fu);
      int rank = -1;  // а=0 ... е=5, ё=6, ж=7 ... я=32
      unsigned lower = cp;
      if (cp >= 0x410 && cp <= 0x42F) lower = cp + 0x20;
      if (cp == 0x401) lower = 0x451;
      if (lower >= 0x430 && lower <= 0x44F)
        rank = static_cast<int>(lower - 0x430) + (lower >= 0x436 ? 1 : 0);
      else if (lower == 0x451)
        rank = 6;
      if (rank >= 0) {
        key += static_cast<char>(0x41 + rank);
        ++i;
        continue;
      }
    }
    key += '\x7F';
    key += static_cast<char>(c);
  }
  return key;
}

std::string PeriodName::toString() const {
  switch (kind) {
    case PeriodKind::Quarter:
      return std::to_string(startYear) + "-Q" + std::to_string(number);
    case PeriodKind::HalfYear:
      return std::to_string(startYear) + "-H" + std::to_string(number);
    case PeriodKind::Year:
      return std::to_string(startYear) + "-year";
  }
  return {};
}

std::optional<PeriodName> PeriodName::parse(std::string_view t) {
  if (t.size() < 7 || t[4] != '-') return std::nullopt;
  int year = 0;
  for (int i = 0; i < 4; ++i) {
    if (t[i] < '0' || t[i] > '9') return std::nullopt;
    year = year * 10 + (t[i] - '0');
  }
  const std::string_view rest = t.substr(5);
  if (rest == "year") return PeriodName{year, PeriodKind::Year, 1};
  if (rest.size() == 2 && (rest[0] == 'Q' || rest[0] == 'q') && rest[1] >= '1' && rest[1] <= '4')
    return PeriodName{year, PeriodKind::Quarter, rest[1] - '0'};
  if (rest.size() == 2 && (rest[0] == 'H' || rest[0] == 'h') && rest[1] >= '1' && rest[1] <= '2')
    return PeriodName{year, PeriodKind::HalfYear, rest[1] - '0'};
  return std::nullopt;
}

std::string russianPeriodName(const Period& p, int startYear) {
  switch (p.kind) {
    case PeriodKind::Quarter:
      return std::to_string(p.number) + " четверть";
    case PeriodKind::HalfYear:
      return std::to_string(p.number) + " полугодие";
    case PeriodKind::Year:
      return std::to_string(startYear) + "/" + std::to_string(startYear + 1) + " учебный год";
  }
  return p.id;
}

}  // namespace ejournal::model
