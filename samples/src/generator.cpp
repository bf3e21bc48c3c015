// The sample school generator: a lyceum's year 2025/2026 built step by step (calendar, people, curriculum,
// timetable, thematic plan, lessons, attendance, marks, period marks), with planted violations chosen before
// the records they affect are filled in, so that everything not planted stays clean. samples/README.md
// documents the output and every planted kind.
#include "ejournal/samples/generator.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "data.h"
#include "ejournal/model/error.h"
#include "random.h"

namespace ejournal::samples {
namespace {

using namespace model;

constexpr std::array<const char*, 4> kLetters = {"А", "Б", "В", "Г"};
constexpr std::array<const char*, 4> kLatinLetters = {"a", "b", "v", "g"};

// Rates of the planted violations (share of the eligible lessons, works or marks); see samples/README.md.
constexpr double kRateTopicMissing = 0.003;
constexpr double kRateTopicLate = 0.003;
constexpr double kRateHomework = 0.003;
constexpr double kRateAttendance = 0.002;
constexpr double kRateLanguage = 0.002;
constexpr double kRatePerLesson = 0.003;
constexpr double kRateUnrecordedSubstitution = 0.0015;
constexpr double kRateRecordedSubstitution = 0.003;
constexpr double kRateDeadline = 0.03;
constexpr double kRateWorkTopic = 0.03;
constexpr double kRateValidValue = 0.001;
constexpr double kRateChanged = 0.002;

std::string pad(int n, int width) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%0*d", width, n);
  return buf;
}

int roundHalfUp(double x) { return static_cast<int>(std::floor(x + 0.5 + 1e-9)); }

int slotStart(int slot) { return 8 * 3600 + 30 * 60 + (slot - 1) * 55 * 60; }  // 08:30, 45 min + 10 min break
int slotEnd(int slot) { return slotStart(slot) + 45 * 60; }

bool isWritten(WorkType t) {
  return t == WorkType::Independent || t == WorkType::Control || t == WorkType::Test ||
         t == WorkType::Essay || t == WorkType::Exposition;
}
bool needsStatedTopic(WorkType t) {
  return t == WorkType::Practical || t == WorkType::Laboratory || t == WorkType::Control ||
         t == WorkType::Excursion;
}
bool everyoneMarked(WorkType t) { return t != WorkType::Excursion && t != WorkType::Classwork; }
int workWeight(WorkType t) {
  switch (t) {
    case WorkType::Control:
      return 3;
    case WorkType::Independent:
    case WorkType::Test:
    case WorkType::Essay:
    case WorkType::Exposition:
    case WorkType::Dictation:
    case WorkType::Laboratory:
    case WorkType::Practical:
      return 2;
    default:
      return 1;
  }
}

struct HolidayRec {
  Holiday holiday;
  bool firstGradeOnly = false;
};

struct StudentRec {
  bool female = false;
  double ability = 4;
  std::vector<DateRange> ill;
  bool moved = false;  // leaver, entrant or class change: never chosen for student-level plants
};

struct ClassRec {
  std::string id;
  int grade = 1;
  int letter = 0;
  std::vector<int> students;  // indices into journal.students: everyone ever enrolled
  std::string primaryTeacher;
};

struct Entry {
  int cls = 0;
  std::string subjectId;
  int subgroup = -1;  // index into journal.subgroups
  std::string teacherId;
  int perWeek = 0;
  std::vector<int> lessons;  // draft indices in date order
  std::vector<PlannedLesson> plan;
  int required = 3;  // marks per student per period for accumulation
};

enum class Plant {
  None,
  TopicMissing,
  TopicLate,
  Homework,
  Attendance,
  Language,
  PerLesson,
  Unrecorded,
  Deadline,
  WorkTopic,
  ControlMissing,
  Deleted,
  Enrolled,
  ValidValue
};

struct Draft {
  Lesson lesson;
  int entry = 0;
  int seq = 0;     // 1-based position in the entry's year = plan number
  int period = 0;  // index into journal.periods (the class's reporting period)
  Plant plant = Plant::None;
  int plantArg = 0;  // days late for TopicLate / Deadline; variant for Language
  bool recordedSubstitution = false;
};

class Generator {
 public:
  explicit Generator(const SampleOptions& o) : opt_(o), rng_(o.seed) {}

  Sample run() {
    buildCalendar();
    buildSchool();
    buildClassesAndStudents();
    buildEntriesAndTeachers();
    buildTimetable();
    buildLessonSkeleton();
    buildCurriculumAndPlan();
    if (opt_.plantViolations) choosePlants();
    chooseRecordedSubstitutions();
    fillLessons();
    fillMarks();
    if (opt_.plantViolations) plantMarkLevel();
    buildPeriodMarks();
    if (opt_.plantViolations) plantPeriodObjective();
    assemble();
    return Sample{std::move(j_), std::move(planted_)};
  }

 private:
  // ---------------------------------------------------------------- calendar
  Date ymd(int yearOffset, int m, int d) const { return Date::fromYmd(opt_.startYear + yearOffset, m, d); }

  void buildCalendar() {
    j_.year.startYear = opt_.startYear;
    j_.year.start = ymd(0, 9, 1);
    j_.year.end = ymd(1, 5, 26);
    const std::string y = std::to_string(opt_.startYear);
    auto period = [&](std::string id, PeriodKind k, int n, Date a, Date b, int gf, int gt) {
      j_.periods.push_back(Period{std::move(id), k, n, DateRange{a, b}, gf, gt});
    };
    period(y + "-Q1", PeriodKind::Quarter, 1, ymd(0, 9, 1), ymd(0, 10, 24), 1, 9);
    period(y + "-Q2", PeriodKind::Quarter, 2, ymd(0, 11, 5), ymd(0, 12, 26), 1, 9);
    period(y + "-Q3", PeriodKind::Quarter, 3, ymd(1, 1, 12), ymd(1, 3, 20), 1, 9);
    period(y + "-Q4", PeriodKind::Quarter, 4, ymd(1, 3, 30), ymd(1, 5, 26), 1, 9);
    period(y + "-H1", PeriodKind::HalfYear, 1, ymd(0, 9, 1), ymd(0, 12, 26), 10, 11);
    period(y + "-H2", PeriodKind::HalfYear, 2, ymd(1, 1, 12), ymd(1, 5, 26), 10, 11);
    period(y + "-year", PeriodKind::Year, 1, ymd(0, 9, 1), ymd(1, 5, 26), 1, 11);

    auto holiday = [&](std::string name, Date a, Date b, bool first = false) {
      holidays_.push_back(HolidayRec{Holiday{std::move(name), DateRange{a, b}}, first});
    };
    holiday("Осенние каникулы", ymd(0, 10, 25), ymd(0, 11, 4));
    holiday("Зимние каникулы", ymd(0, 12, 27), ymd(1, 1, 11));
    holiday("Дополнительные каникулы для первых классов", ymd(1, 2, 14), ymd(1, 2, 22), true);
    holiday("Весенние каникулы", ymd(1, 3, 21), ymd(1, 3, 29));
    // Public holidays; one falling on a weekend moves to the next Monday (Labour Code art. 112).
    auto publicHoliday = [&](std::string name, Date d) {
      if (d.weekday() >= 6) {
        d = d + (8 - d.weekday());
        name += " (перенос выходного дня)";
      }
      holiday(std::move(name), d, d);
    };
    publicHoliday("День защитника Отечества", ymd(1, 2, 23));
    publicHoliday("Международный женский день", ymd(1, 3, 8));
    publicHoliday("Праздник Весны и Труда", ymd(1, 5, 1));
    publicHoliday("День Победы", ymd(1, 5, 9));
    for (auto h : holidays_) {
      if (h.firstGradeOnly) h.holiday.gradeFrom = h.holiday.gradeTo = 1;
      j_.holidays.push_back(h.holiday);
    }
  }

  bool schoolDay(Date d, int grade) const {
    if (d < j_.year.start || d > j_.year.end || d.weekday() >= 6) return false;
    for (const auto& h : holidays_)
      if (h.holiday.dates.contains(d) && (!h.firstGradeOnly || grade == 1)) return false;
    return true;
  }

  int periodIndexOf(Date d, int grade) const {
    for (size_t i = 0; i + 1 < j_.periods.size(); ++i)
      if (j_.periods[i].appliesTo(grade) && j_.periods[i].dates.contains(d)) return static_cast<int>(i);
    return -1;
  }
  std::vector<int> periodsOfGrade(int grade) const {
    std::vector<int> out;
    for (size_t i = 0; i + 1 < j_.periods.size(); ++i)
      if (j_.periods[i].appliesTo(grade)) out.push_back(static_cast<int>(i));
    return out;
  }
  int yearPeriod() const { return static_cast<int>(j_.periods.size()) - 1; }

  // A random school day of grade 2-11 in [a, b].
  Date randomSchoolDay(Date a, Date b) {
    for (int tries = 0; tries < 1000; ++tries) {
      Date d = a + rng_.range(0, b - a);
      if (schoolDay(d, 5)) return d;
    }
    return a;
  }

  // ---------------------------------------------------------------- people
  struct Name {
    std::string last, first, middle;
  };
  Name personName(bool female, bool child) {
    for (;;) {
      const auto& father = rng_.pick(data::fatherNames());
      Name n;
      const std::string_view surname = rng_.pick(data::surnames());
      n.last = female ? data::femaleSurname(surname) : std::string(surname);
      n.first = std::string(child ? rng_.pick(female ? data::girlNames() : data::boyNames())
                                  : rng_.pick(female ? data::womanNames() : data::manNames()));
      n.middle = std::string(female ? father.daughterPatronymic : father.sonPatronymic);
      const std::string key = n.last + " " + n.first + " " + n.middle;
      if (usedNames_.insert(key).second) return n;
    }
  }

  std::string addStaff(bool female, std::string position) {
    Name n = personName(female, false);
    Staff s;
    s.id = "st" + pad(static_cast<int>(j_.staff.size()) + 1, 3);
    s.lastName = n.last;
    s.firstName = n.first;
    s.middleName = n.middle;
    s.position = std::move(position);
    j_.staff.push_back(s);
    staffIndex_[s.id] = j_.staff.size() - 1;
    return s.id;
  }

  void buildSchool() {
    j_.school.id = opt_.schoolId.empty() ? "licey-stupeni" : opt_.schoolId;
    j_.school.fullName = opt_.schoolFullName.empty()
                             ? "Муниципальное автономное общеобразовательное учреждение лицей «Ступени»"
                             : opt_.schoolFullName;
    j_.school.shortName = opt_.schoolShortName.empty() ? "МАОУ лицей «Ступени»" : opt_.schoolShortName;
    Staff director{"st001", "Тюрина", "Наталья", "Александровна", "директор"};
    j_.staff.push_back(director);
    staffIndex_[director.id] = 0;
    usedNames_.insert("Тюрина Наталья Александровна");
    const std::string deputy = addStaff(true, "заместитель директора по УВР");
    j_.school.director = director.fullName();
    j_.school.deputyDirector = j_.staff[staffIndex_[deputy]].fullName();
    j_.school.address = "606000, Нижегородская область, г. Дзержинск, ул. Школьная, д. 12";
  }

  void addMembershipTo(int subgroup, const std::string& studentId, Date from, std::optional<Date> to) {
    j_.subgroups[subgroup].members.push_back(Membership{studentId, from, to});
  }

  int newStudent(int grade, bool female) {
    Name n = personName(female, true);
    Student s;
    s.id = "s" + pad(static_cast<int>(j_.students.size()) + 1, 5);
    s.lastName = n.last;
    s.firstName = n.first;
    s.middleName = n.middle;
    const Date born = Date::fromYmd(opt_.startYear - 6 - grade, 9, 1) + rng_.range(0, 364);
    s.birthDate = born;
    j_.students.push_back(std::move(s));
    StudentRec r;
    r.female = female;
    r.ability = std::clamp(3.9 + 0.6 * rng_.normal(), 2.7, 5.0);
    const int episodes = rng_.range(0, 3);
    for (int e = 0; e < episodes; ++e) {
      const Date a = j_.year.start + rng_.range(0, j_.year.end - j_.year.start);
      r.ill.push_back(DateRange{a, a + rng_.range(2, 6)});
    }
    students_.push_back(std::move(r));
    return static_cast<int>(j_.students.size()) - 1;
  }

  void buildClassesAndStudents() {
    const int perGrade = opt_.classes / 11;
    for (int grade = 1; grade <= 11; ++grade) {
      for (int l = 0; l < perGrade; ++l) {
        ClassRec c;
        c.id = "c" + pad(grade, 2) + kLatinLetters[l];
        c.grade = grade;
        c.letter = l;
        const int n = std::max(8, opt_.studentsPerClass + rng_.range(-3, 3));
        for (int i = 0; i < n; ++i) {
          const int s = newStudent(grade, rng_.chance(0.5));
          j_.students[s].enrolments.push_back(Enrolment{c.id, j_.year.start, std::nullopt});
          c.students.push_back(s);
        }
        classIndex_[c.id] = classes_.size();
        classes_.push_back(std::move(c));
        SchoolClass sc;
        sc.id = classes_.back().id;
        sc.grade = grade;
        sc.letter = kLetters[l];
        j_.classes.push_back(sc);
      }
    }
    // Transfers. Leavers leave the school on a school day of the 2nd or 3rd quarter; entrants and class
    // changes happen on the first day of a period (after the holidays), so a period mark always belongs to
    // one class.
    const std::vector<Date> starts = {j_.periods[1].dates.from, j_.periods[2].dates.from,
                                      j_.periods[3].dates.from};
    bool anyLeaver = false, anyEntrant = false;
    for (size_t ci = 0; ci < classes_.size(); ++ci) {
      auto& c = classes_[ci];
      const bool forceLeaver = !anyLeaver && c.grade == 6;
      const bool forceEntrant = !anyEntrant && c.grade == 7;
      if (forceLeaver || rng_.chance(0.3)) {
        const int s = c.students[rng_.index(c.students.size())];
        if (!students_[s].moved) {
          const Date left = randomSchoolDay(j_.periods[1].dates.from + 14, j_.periods[2].dates.to - 21);
          j_.students[s].enrolments.back().to = left;
          students_[s].moved = true;
          anyLeaver = true;
        }
      }
      if (forceEntrant || rng_.chance(0.3)) {
        const int s = newStudent(c.grade, rng_.chance(0.5));
        const Date from = c.grade >= 10 ? j_.periods[5].dates.from : starts[rng_.index(starts.size())];
        j_.students[s].enrolments.push_back(Enrolment{c.id, from, std::nullopt});
        students_[s].moved = true;
        c.students.push_back(s);
        anyEntrant = true;
      }
    }
    // Class changes within a parallel (only when the grade has several classes): А -> Б at a period start.
    if (classes_.size() > 11) {
      for (size_t ci = 0; ci + 1 < classes_.size(); ++ci) {
        auto& a = classes_[ci];
        auto& b = classes_[ci + 1];
        if (a.grade != b.grade || a.letter != 0 || !rng_.chance(0.5)) continue;
        const int s = a.students[rng_.index(a.students.size())];
        if (students_[s].moved) continue;
        const Date from = a.grade >= 10 ? j_.periods[5].dates.from : starts[rng_.index(starts.size())];
        j_.students[s].enrolments.back().to = from - 1;
        j_.students[s].enrolments.push_back(Enrolment{b.id, from, std::nullopt});
        students_[s].moved = true;
        b.students.push_back(s);
      }
    }
  }

  // ---------------------------------------------------------------- teachers, subgroups, curriculum entries
  std::string newTeacher(data::Family f) {
    const bool mostlyWomen = f != data::Family::PhysicalEducation && f != data::Family::Safety &&
                             f != data::Family::Technology && f != data::Family::Physics;
    const std::string id = addStaff(rng_.chance(mostlyWomen ? 0.85 : 0.4), std::string(data::position(f)));
    teachersOf_[static_cast<int>(f)].push_back(id);
    familyOf_[id] = f;
    return id;
  }

  // A teacher of the family with room for `hours` more lessons a week, avoiding `avoid`; a new one if none.
  std::string teacherFor(data::Family f, int hours, const std::string& avoid = {}) {
    constexpr int kCap = 24;
    std::string best;
    int bestLoad = 1 << 30;
    for (const auto& t : teachersOf_[static_cast<int>(f)]) {
      if (t == avoid) continue;
      const int load = load_[t];
      if (load + hours <= kCap && load < bestLoad) {
        best = t;
        bestLoad = load;
      }
    }
    if (best.empty()) best = newTeacher(f);
    load_[best] += hours;
    return best;
  }

  void buildEntriesAndTeachers() {
    for (const auto& s : data::subjects()) {
      Subject sub;
      sub.id = std::string(s.id);
      sub.name = std::string(s.name);
      sub.shortName = std::string(s.shortName);
      sub.order = static_cast<int>(j_.subjects.size()) + 1;
      sub.grading = s.grading;
      sub.twoMarksPerCell = s.twoMarksPerCell;
      j_.subjects.push_back(sub);
    }
    for (size_t ci = 0; ci < classes_.size(); ++ci) {
      auto& c = classes_[ci];
      if (c.grade <= 4) {
        c.primaryTeacher = newTeacher(data::Family::Primary);
        j_.classes[ci].classTeacherId = c.primaryTeacher;
      }
      // Subjects of one family in one class go to one teacher (e.g. algebra, geometry and statistics).
      std::map<int, std::string> familyTeacher;
      std::map<int, int> familyHours;
      for (const auto& h : data::curriculum(c.grade)) {
        const auto& info = data::subjectInfo(h.subjectId);
        if (!(c.grade <= 4 && data::primaryTeaches(h.subjectId)) && !(info.splitInSubgroups && c.grade >= 2))
          familyHours[static_cast<int>(info.family)] += h.perWeek;
      }
      for (const auto& [f, hours] : familyHours)
        familyTeacher[f] = teacherFor(static_cast<data::Family>(f), hours);
      for (const auto& h : data::curriculum(c.grade)) {
        const auto& info = data::subjectInfo(h.subjectId);
        const bool split = info.splitInSubgroups && c.grade >= 2;
        std::string avoid;
        for (int g = 0; g < (split ? 2 : 1); ++g) {
          Entry e;
          e.cls = static_cast<int>(ci);
          e.subjectId = std::string(h.subjectId);
          e.perWeek = h.perWeek;
          if (c.grade <= 4 && data::primaryTeaches(h.subjectId)) {
            e.teacherId = c.primaryTeacher;
            load_[e.teacherId] += h.perWeek;
          } else if (split) {
            e.teacherId = teacherFor(info.family, h.perWeek, avoid);
            avoid = e.teacherId;
            Subgroup sg;
            sg.id = c.id + "-" + e.subjectId + "-" + std::to_string(g + 1);
            sg.classId = c.id;
            sg.subjectId = e.subjectId;
            sg.name = std::to_string(g + 1) + " группа";
            sg.teacherId = e.teacherId;
            j_.subgroups.push_back(sg);
            e.subgroup = static_cast<int>(j_.subgroups.size()) - 1;
          } else {
            e.teacherId = familyTeacher[static_cast<int>(info.family)];
          }
          e.required = e.perWeek <= 2 ? 3 : 5;
          entries_.push_back(std::move(e));
        }
      }
      // Subgroup members: the class list in alphabetical order, first half in group 1; entrants join the
      // smaller.
      std::vector<int> sorted = c.students;
      std::sort(sorted.begin(), sorted.end(), [&](int a, int b) {
        return std::tie(j_.students[a].lastName, j_.students[a].firstName, j_.students[a].id) <
               std::tie(j_.students[b].lastName, j_.students[b].firstName, j_.students[b].id);
      });
      for (size_t ei = 0; ei < entries_.size(); ++ei) {
        auto& e = entries_[ei];
        if (e.cls != static_cast<int>(ci) || e.subgroup < 0 ||
            e.subgroup + 1 >= static_cast<int>(j_.subgroups.size()) ||
            j_.subgroups[e.subgroup].name != "1 группа")
          continue;
        int counts[2] = {0, 0};
        size_t initial = 0;
        for (int s : sorted)
          if (enrolment(s, c.id)->from == j_.year.start) ++initial;
        size_t k = 0;
        for (int s : sorted) {
          const Enrolment* en = enrolment(s, c.id);
          int g;
          if (en->from == j_.year.start) {
            g = k < (initial + 1) / 2 ? 0 : 1;
            ++k;
          } else {
            g = counts[0] <= counts[1] ? 0 : 1;
          }
          ++counts[g];
          addMembershipTo(e.subgroup + g, j_.students[s].id, en->from, en->to);
        }
      }
    }
    // Class teachers of grades 5-11: a teacher of the class who is nobody's class teacher yet, the one
    // teaching the class most hours.
    std::set<std::string> taken;
    for (size_t ci = 0; ci < classes_.size(); ++ci)
      if (!j_.classes[ci].classTeacherId.empty()) taken.insert(j_.classes[ci].classTeacherId);
    for (size_t ci = 0; ci < classes_.size(); ++ci) {
      if (classes_[ci].grade <= 4) continue;
      std::map<std::string, int> hours;
      for (const auto& e : entries_)
        if (e.cls == static_cast<int>(ci) && e.subjectId != "pe") hours[e.teacherId] += e.perWeek;
      std::string best, fallback;
      int bestHours = -1;
      for (const auto& [t, h] : hours) {
        if (fallback.empty()) fallback = t;
        if (!taken.count(t) && h > bestHours) {
          best = t;
          bestHours = h;
        }
      }
      if (best.empty()) best = fallback;
      taken.insert(best);
      j_.classes[ci].classTeacherId = best;
    }
  }

  const Enrolment* enrolment(int student, const std::string& classId) const {
    for (const auto& e : j_.students[student].enrolments)
      if (e.classId == classId) return &e;
    return nullptr;
  }

  // ---------------------------------------------------------------- timetable
  int teacherIdx(const std::string& id) {
    auto [it, inserted] = teacherNo_.try_emplace(id, static_cast<int>(teacherNo_.size()));
    return it->second;
  }
  static int maxSlot(int grade) { return grade <= 4 ? 5 : grade <= 6 ? 6 : 7; }

  void buildTimetable() {
    struct Unit {
      int cls;
      std::vector<int> entries;
    };
    std::vector<Unit> units;
    for (size_t ci = 0; ci < classes_.size(); ++ci) {
      std::map<std::string, std::vector<int>> bySubject;
      std::vector<std::string> order;
      for (size_t ei = 0; ei < entries_.size(); ++ei) {
        if (entries_[ei].cls != static_cast<int>(ci)) continue;
        if (!bySubject.count(entries_[ei].subjectId)) order.push_back(entries_[ei].subjectId);
        bySubject[entries_[ei].subjectId].push_back(static_cast<int>(ei));
        teacherIdx(entries_[ei].teacherId);
      }
      for (const auto& s : order) {
        const auto& es = bySubject[s];
        for (int h = 0; h < entries_[es[0]].perWeek; ++h) units.push_back(Unit{static_cast<int>(ci), es});
      }
    }
    std::vector<int> teacherLoad(teacherNo_.size(), 0);
    for (const auto& u : units)
      for (int e : u.entries) teacherLoad[teacherNo_[entries_[e].teacherId]] += 1;

    const int nClasses = static_cast<int>(classes_.size());
    const int nTeachers = static_cast<int>(teacherNo_.size());
    for (int attempt = 0; attempt < 200; ++attempt) {
      Rng r = rng_.fork(static_cast<uint64_t>(attempt) + 1);
      std::vector<Unit> order = units;
      r.shuffle(order);
      std::stable_sort(order.begin(), order.end(), [&](const Unit& a, const Unit& b) {
        auto key = [&](const Unit& u) {
          int load = 0;
          for (int e : u.entries) load = std::max(load, teacherLoad[teacherNo_[entries_[e].teacherId]]);
          return std::make_pair(static_cast<int>(u.entries.size()), load);
        };
        return key(a) > key(b);
      });
      std::vector<std::array<std::array<bool, 8>, 6>> classBusy(nClasses), teacherBusy(nTeachers);
      for (auto& x : classBusy)
        for (auto& d : x) d.fill(false);
      for (auto& x : teacherBusy)
        for (auto& d : x) d.fill(false);
      std::vector<std::array<int, 6>> dayCount(nClasses);
      for (auto& x : dayCount) x.fill(0);
      std::map<std::pair<int, std::string>, std::array<int, 6>> subjectDay;
      std::vector<TimetableSlot> out;
      bool ok = true;
      for (const auto& u : order) {
        const int grade = classes_[u.cls].grade;
        const std::string& subject = entries_[u.entries[0]].subjectId;
        auto& sd =
            subjectDay.try_emplace({u.cls, subject}, std::array<int, 6>{0, 0, 0, 0, 0, 0}).first->second;
        int bestScore = 1 << 30, bestDay = 0, bestSlot = 0;
        for (int day = 1; day <= 5; ++day) {
          for (int slot = 1; slot <= maxSlot(grade); ++slot) {
            if (classBusy[u.cls][day][slot]) continue;
            bool free = true;
            for (int e : u.entries)
              if (teacherBusy[teacherNo_[entries_[e].teacherId]][day][slot]) free = false;
            if (!free) continue;
            const int gap = std::abs(slot - (dayCount[u.cls][day] + 1));
            const int score = sd[day] * 1000 + gap * 40 + dayCount[u.cls][day] * 5 + r.range(0, 4);
            if (score < bestScore) {
              bestScore = score;
              bestDay = day;
              bestSlot = slot;
            }
          }
        }
        if (bestDay == 0) {
          ok = false;
          break;
        }
        classBusy[u.cls][bestDay][bestSlot] = true;
        ++dayCount[u.cls][bestDay];
        ++sd[bestDay];
        for (int e : u.entries) {
          teacherBusy[teacherNo_[entries_[e].teacherId]][bestDay][bestSlot] = true;
          TimetableSlot ts;
          ts.weekday = bestDay;
          ts.slot = bestSlot;
          ts.classId = classes_[u.cls].id;
          ts.subjectId = subject;
          ts.subgroupId = entries_[e].subgroup >= 0 ? j_.subgroups[entries_[e].subgroup].id : "";
          ts.teacherId = entries_[e].teacherId;
          ts.valid = DateRange{j_.year.start, j_.year.end};
          out.push_back(ts);
          slotEntry_[{u.cls, bestDay, bestSlot}].push_back(e);
        }
      }
      if (!ok) {
        slotEntry_.clear();
        continue;
      }
      std::sort(out.begin(), out.end(), [&](const TimetableSlot& a, const TimetableSlot& b) {
        return std::tie(a.classId, a.weekday, a.slot, a.subgroupId) <
               std::tie(b.classId, b.weekday, b.slot, b.subgroupId);
      });
      j_.timetable = std::move(out);
      teacherBusyWeek_ = std::move(teacherBusy);
      return;
    }
    throw Error(ErrorKind::Internal, "samples.timetable",
                "could not build a timetable without double booking");
  }

  // ---------------------------------------------------------------- lessons
  void buildLessonSkeleton() {
    size_t estimate = 0;
    for (const auto& e : entries_) estimate += static_cast<size_t>(e.perWeek) * 36;
    drafts_.reserve(estimate);
    for (Date d = j_.year.start; d <= j_.year.end; d = d + 1) {
      for (size_t ci = 0; ci < classes_.size(); ++ci) {
        const int grade = classes_[ci].grade;
        if (!schoolDay(d, grade)) continue;
        for (int slot = 1; slot <= 7; ++slot) {
          auto it = slotEntry_.find({static_cast<int>(ci), d.weekday(), slot});
          if (it == slotEntry_.end()) continue;
          for (int e : it->second) {
            Draft dr;
            dr.lesson.id = "l" + pad(static_cast<int>(drafts_.size()) + 1, 6);
            dr.lesson.date = d;
            dr.lesson.slot = slot;
            dr.lesson.classId = classes_[ci].id;
            dr.lesson.subjectId = entries_[e].subjectId;
            dr.lesson.subgroupId = entries_[e].subgroup >= 0 ? j_.subgroups[entries_[e].subgroup].id : "";
            dr.lesson.teacherId = entries_[e].teacherId;
            dr.entry = e;
            dr.period = periodIndexOf(d, grade);
            entries_[e].lessons.push_back(static_cast<int>(drafts_.size()));
            dr.seq = static_cast<int>(entries_[e].lessons.size());
            drafts_.push_back(std::move(dr));
          }
        }
      }
    }
  }

  const Subject& subject(const std::string& id) const {
    for (const auto& s : j_.subjects)
      if (s.id == id) return s;
    throw std::logic_error("unknown subject");
  }
  bool marked(const Entry& e) const {
    return classes_[e.cls].grade >= 2 && subject(e.subjectId).grading == Grading::Marked;
  }

  static std::string baseTopic(const std::vector<std::string_view>& topics, int seq, int n) {
    const size_t t = static_cast<size_t>(seq - 1) * topics.size() / static_cast<size_t>(n);
    return std::string(topics[std::min(t, topics.size() - 1)]);
  }

  void buildCurriculumAndPlan() {
    for (auto& e : entries_) {
      const auto& c = classes_[e.cls];
      const int n = static_cast<int>(e.lessons.size());
      CurriculumEntry ce;
      ce.classId = c.id;
      ce.subjectId = e.subjectId;
      ce.subgroupId = e.subgroup >= 0 ? j_.subgroups[e.subgroup].id : "";
      ce.hoursPerWeek = e.perWeek;
      ce.hoursYear = n;
      for (int p : periodsOfGrade(c.grade)) {
        int count = 0;
        for (int d : e.lessons) count += drafts_[d].period == p;
        ce.periods.push_back(PeriodHours{j_.periods[p].id, count});
      }
      j_.curriculum.push_back(ce);

      // Works by plan position: seq -> type.
      std::map<int, WorkType> work;
      const std::string& s = e.subjectId;
      const bool isMarked = marked(e);
      if (isMarked) {
        const bool control = s == "rus" || s == "math" || s == "alg" || s == "geom" || s == "eng" ||
                             s == "phys" || s == "chem";
        const bool twoControls = s == "rus" || s == "math" || s == "alg";
        for (int p : periodsOfGrade(c.grade)) {
          std::vector<int> seqs;
          for (int d : e.lessons)
            if (drafts_[d].period == p) seqs.push_back(drafts_[d].seq);
          const int len = static_cast<int>(seqs.size());
          auto put = [&](int pos, WorkType t) {
            if (pos >= 0 && pos < len && !work.count(seqs[pos])) work[seqs[pos]] = t;
          };
          if (control && len >= 3) put(len - 2, WorkType::Control);
          if (twoControls && len >= 12) put(len / 2, WorkType::Control);
          if (!control && len >= 4 &&
              (s == "hist" || s == "soc" || s == "bio" || s == "geo" || s == "obzr" || s == "stat" ||
               s == "inf" || s == "okr"))
            put(len - 2, WorkType::Test);
          if (s == "rus" && len >= 6) put(len / 3, WorkType::Dictation);
          if (s == "rus" && c.grade >= 5 && c.grade <= 9 && len >= 10) put(len * 3 / 4, WorkType::Exposition);
          if (s == "lit" && len >= 6) put(len / 2, WorkType::Essay);
        }
        int labs = 0;
        for (int q = 1; q <= n; ++q) {
          if (work.count(q)) continue;
          if (!data::labWorks(s).empty() && c.grade >= 5 && q % 6 == 3 && labs < 8) {
            work[q] = WorkType::Laboratory;
            ++labs;
          } else if (!data::practicalWorks(s).empty() && c.grade >= 5 && q % 6 == 5 && labs < 8) {
            work[q] = WorkType::Practical;
            ++labs;
          } else if ((s == "math" || s == "alg" || s == "geom" || s == "phys" || s == "chem" || s == "rus") &&
                     q % 7 == 4) {
            work[q] = WorkType::Independent;
          }
        }
      }
      if (subject(s).grading != Grading::Unmarked) {
        const auto& ex = data::excursions(s);
        for (size_t k = 0; k < ex.size(); ++k) {
          int q = k == 0 ? 3 : n * 4 / 5;
          while (q <= n && work.count(q)) ++q;
          if (q <= n) work[q] = WorkType::Excursion;
        }
      }

      const auto& topics = data::topics(s, c.grade);
      const auto& suffixes = data::continuationSuffixes(s);
      std::map<WorkType, int> numbers;
      int labNo = 0, practicalNo = 0, excursionNo = 0;
      const bool homework = data::subjectInfo(s).homework && c.grade >= 2;
      for (int q = 1; q <= n; ++q) {
        PlannedLesson pl;
        pl.classId = c.id;
        pl.subjectId = s;
        pl.subgroupId = ce.subgroupId;
        pl.number = q;
        const std::string base = baseTopic(topics, q, n);
        int first = q;
        while (first > 1 && baseTopic(topics, first - 1, n) == base) --first;
        const int occurrence = q - first;
        pl.topic =
            occurrence == 0 ? base : base + ". " + std::string(suffixes[(occurrence - 1) % suffixes.size()]);
        pl.homework = homework;
        auto w = work.find(q);
        if (w != work.end()) {
          const WorkType t = w->second;
          const int no = ++numbers[t];
          pl.workType = t;
          switch (t) {
            case WorkType::Control:
              pl.workTopic = "Контрольная работа № " + std::to_string(no) + " по теме «" + base + "»";
              pl.topic = pl.workTopic;
              pl.homework = false;
              break;
            case WorkType::Test:
              pl.workTopic = "Тестовая работа № " + std::to_string(no) + " по теме «" + base + "»";
              break;
            case WorkType::Dictation:
              pl.workTopic = "Диктант № " + std::to_string(no) + " по теме «" + base + "»";
              pl.topic = pl.workTopic;
              break;
            case WorkType::Exposition:
              pl.workTopic = "Изложение № " + std::to_string(no) + " (подробное)";
              pl.topic = "Изложение. Подготовка и написание";
              break;
            case WorkType::Essay:
              pl.workTopic = "Сочинение № " + std::to_string(no) + " по теме «" + base + "»";
              pl.topic = pl.workTopic;
              break;
            case WorkType::Independent:
              pl.workTopic = "Самостоятельная работа по теме «" + base + "»";
              break;
            case WorkType::Laboratory: {
              const auto& l = data::labWorks(s);
              ++labNo;
              pl.workTopic = "Лабораторная работа № " + std::to_string(labNo) + " «" +
                             std::string(l[static_cast<size_t>(labNo - 1) % l.size()]) + "»";
              break;
            }
            case WorkType::Practical: {
              const auto& l = data::practicalWorks(s);
              ++practicalNo;
              pl.workTopic = "Практическая работа № " + std::to_string(practicalNo) + " «" +
                             std::string(l[static_cast<size_t>(practicalNo - 1) % l.size()]) + "»";
              break;
            }
            case WorkType::Excursion: {
              const auto& l = data::excursions(s);
              pl.workTopic =
                  "Экскурсия «" + std::string(l[static_cast<size_t>(excursionNo++) % l.size()]) + "»";
              break;
            }
            default:
              break;
          }
        }
        e.plan.push_back(std::move(pl));
      }
    }
  }

  // ---------------------------------------------------------------- planted violations (lesson level)
  void plant(std::string rule, const Draft& d, std::string note, std::string student = {}) {
    PlantedViolation v;
    v.rule = std::move(rule);
    v.classId = d.lesson.classId;
    v.subjectId = d.lesson.subjectId;
    v.subgroupId = d.lesson.subgroupId;
    v.lessonId = d.lesson.id;
    v.studentId = std::move(student);
    v.periodId = j_.periods[d.period].id;
    v.note = std::move(note);
    planted_.push_back(std::move(v));
  }

  const PlannedLesson& planOf(const Draft& d) const { return entries_[d.entry].plan[d.seq - 1]; }
  bool hasWork(const Draft& d) const { return planOf(d).workType.has_value(); }

  // Picks max(atLeast, rate * |eligible|) lessons among the eligible ones that are not yet planted, in random
  // order.
  std::vector<int> pickLessons(double rate, const std::function<bool(const Draft&)>& eligible,
                               int atLeast = 1) {
    std::vector<int> cands;
    for (size_t i = 0; i < drafts_.size(); ++i)
      if (drafts_[i].plant == Plant::None && eligible(drafts_[i])) cands.push_back(static_cast<int>(i));
    rng_.shuffle(cands);
    const size_t n = std::min(
        cands.size(), std::max<size_t>(atLeast, static_cast<size_t>(std::lround(rate * cands.size()))));
    cands.resize(n);  // random order: callers taking the first few get them spread over the year
    return cands;
  }

  bool ordinary(const Draft& d) const { return !hasWork(d); }
  int gradeOf(const Draft& d) const { return classes_[entries_[d.entry].cls].grade; }
  bool inMiddleOfPeriod(const Draft& d) const {
    const auto& range = j_.periods[d.period].dates;
    return d.lesson.date - range.from >= 7 && range.to - d.lesson.date >= 7;
  }

  // Replaces one Cyrillic letter (о, а, е, с, р, С, О, А) in the first word of at least three letters that
  // has one by its Latin twin: "Cложение" with a Latin C. Words are runs of bytes that are not ASCII spaces
  // or punctuation.
  static std::string withLatinLookalike(const std::string& text) {
    static const std::vector<std::pair<std::string, std::string>> twins = {
        {"о", "o"}, {"а", "a"}, {"е", "e"}, {"с", "c"}, {"р", "p"}, {"С", "C"}, {"О", "O"}, {"А", "A"}};
    // A word is a run of Cyrillic letters (two bytes each, lead byte 0xD0 or 0xD1); any other character, such
    // as a space, «, » or —, ends it.
    auto cyrillicAt = [&](size_t k) {
      const auto c = static_cast<unsigned char>(text[k]);
      return k + 1 < text.size() && (c == 0xD0 || c == 0xD1);
    };
    size_t i = 0;
    while (i < text.size()) {
      if (!cyrillicAt(i)) {
        const auto c = static_cast<unsigned char>(text[i]);
        i += c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        continue;
      }
      size_t end = i;
      while (end < text.size() && cyrillicAt(end)) end += 2;
      if (end - i >= 6) {  // three or more letters
        for (size_t k = i; k < end; k += 2)
          for (const auto& t : twins)
            if (text.compare(k, 2, t.first) == 0) return text.substr(0, k) + t.second + text.substr(k + 2);
      }
      i = end;
    }
    return text;
  }

  void choosePlants() {
    const int nClasses = static_cast<int>(classes_.size());
    // hours.curriculum: an ordinary lesson in the middle of a period was not given (the record is removed).
    {
      std::set<int> usedEntries;
      auto list = pickLessons(
          0.0,
          [&](const Draft& d) {
            const auto& e = entries_[d.entry];
            return ordinary(d) && e.subgroup < 0 && marked(e) && e.perWeek >= 2 && inMiddleOfPeriod(d);
          },
          std::max(1, nClasses / 2) * 4);
      int made = 0;
      for (int i : list) {
        if (made >= std::max(1, nClasses / 2) || !usedEntries.insert(drafts_[i].entry).second) continue;
        auto& d = drafts_[i];
        d.plant = Plant::Deleted;
        PlantedViolation v;
        v.rule = "hours.curriculum";
        v.classId = d.lesson.classId;
        v.subjectId = d.lesson.subjectId;
        v.periodId = j_.periods[d.period].id;
        v.note = "lesson of " + d.lesson.date.toString() + " slot " + std::to_string(d.lesson.slot) +
                 " not given: 1 lesson short of the curriculum in " + v.periodId + " (and in the year)";
        planted_.push_back(std::move(v));
        ++made;
        // The program goes on: the following lessons deliver the following planned lessons, so the k-th
        // lesson held always delivers planned lesson k and only the last planned lesson of the year is not
        // reached.
        for (int other : entries_[d.entry].lessons)
          if (drafts_[other].seq > d.seq) --drafts_[other].seq;
      }
    }
    // hours.plan_total: the plan has one planned lesson more (odd) or less (even) than the curriculum's year.
    {
      std::vector<int> cands;
      for (size_t ei = 0; ei < entries_.size(); ++ei)
        if (entries_[ei].subgroup < 0 && !entries_[ei].plan.empty() && !entries_[ei].plan.back().workType)
          cands.push_back(static_cast<int>(ei));
      rng_.shuffle(cands);
      const int n = std::min<int>(static_cast<int>(cands.size()), std::max(1, nClasses / 3));
      for (int k = 0; k < n; ++k) {
        auto& e = entries_[cands[k]];
        PlantedViolation v;
        v.rule = "hours.plan_total";
        v.classId = classes_[e.cls].id;
        v.subjectId = e.subjectId;
        const int year = static_cast<int>(e.plan.size());
        if (k % 2 == 0) {
          PlannedLesson extra = e.plan.back();
          extra.number = year + 1;
          extra.topic = "Резервный урок. Повторение изученного";
          e.plan.push_back(extra);
          v.note =
              "thematic plan has " + std::to_string(year + 1) + " hours, curriculum " + std::to_string(year);
        } else {
          planShort_.insert(cands[k]);
          v.note =
              "thematic plan has " + std::to_string(year - 1) + " hours, curriculum " + std::to_string(year);
        }
        planted_.push_back(std::move(v));
      }
    }
    // works.control_present: a planned control work was not held (the lesson is a revision lesson instead).
    {
      std::set<std::pair<int, int>> used;
      auto list = pickLessons(
          0.0, [&](const Draft& d) { return planOf(d).workType == WorkType::Control; },
          std::max(1, nClasses / 2) * 3);
      int made = 0;
      for (int i : list) {
        auto& d = drafts_[i];
        if (made >= std::max(1, nClasses / 2) || !used.insert({d.entry, d.period}).second) continue;
        d.plant = Plant::ControlMissing;
        plant("works.control_present", d, "planned control work «" + planOf(d).workTopic + "» not held");
        ++made;
      }
    }
    auto simple = [&](double rate, Plant kind, const std::function<bool(const Draft&)>& eligible) {
      auto list = pickLessons(rate, eligible);
      for (int i : list) drafts_[i].plant = kind;
      return list;
    };
    for (int i : simple(kRateTopicMissing, Plant::TopicMissing, [&](const Draft& d) { return ordinary(d); }))
      plant("topic.missing", drafts_[i], "no topic entered");
    for (int i : simple(kRateTopicLate, Plant::TopicLate, [&](const Draft& d) { return ordinary(d); })) {
      drafts_[i].plantArg = rng_.range(1, 10);
      plant("topic.same_day", drafts_[i],
            "topic entered " + std::to_string(drafts_[i].plantArg) + " days after the lesson");
    }
    // Not in the subjects the school sets no homework in (rules/config/default.xml, homework.recorded
    // exempt_subjects), where a missing homework is no violation.
    auto homeworkExempt = [](const std::string& s) {
      return s == "pe" || s == "music" || s == "art" || s == "tech";
    };
    for (int i : simple(kRateHomework, Plant::Homework, [&](const Draft& d) {
           return ordinary(d) && planOf(d).homework && !homeworkExempt(d.lesson.subjectId);
         }))
      plant("homework.recorded", drafts_[i], "no homework recorded although the plan sets homework");
    for (int i : simple(kRateAttendance, Plant::Attendance, [&](const Draft& d) { return ordinary(d); }))
      plant("attendance.recorded", drafts_[i], "attendance not taken");
    {
      auto list = simple(kRateLanguage, Plant::Language, [&](const Draft& d) {
        return ordinary(d) && gradeOf(d) >= 2 && (d.lesson.subjectId == "eng" || d.lesson.subjectId == "rus");
      });
      for (size_t k = 0; k < list.size(); ++k) {
        auto& d = drafts_[list[k]];
        d.plantArg = d.lesson.subjectId == "eng" ? static_cast<int>(k % 3) : 3;
        static const char* notes[] = {"topic in English only", "topic in English only",
                                      "homework in English only",
                                      "topic has a Latin look-alike letter in a Russian word"};
        plant("language.russian", d, notes[d.plantArg]);
      }
    }
    for (int i : simple(kRatePerLesson, Plant::PerLesson, [&](const Draft& d) {
           return ordinary(d) && marked(entries_[d.entry]) && d.lesson.subgroupId.empty();
         }))
      plant("marks.per_lesson", drafts_[i], "only 2 marks at the lesson");
    for (int i : simple(kRateUnrecordedSubstitution, Plant::Unrecorded,
                        [&](const Draft& d) { return ordinary(d); })) {
      auto& d = drafts_[i];
      const std::string other = freeTeacher(d);
      if (other.empty()) {
        d.plant = Plant::None;
        continue;
      }
      d.lesson.teacherId = other;
      plant("substitution.recorded", d,
            "lesson taught by " + other + " instead of the timetable's " + entries_[d.entry].teacherId +
                ", no substitution recorded");
    }
    {
      // marks.deadline: written works with marks posted late; the first one exactly one day over the limit.
      auto list = simple(kRateDeadline, Plant::Deadline, [&](const Draft& d) {
        return gradeOf(d) >= 2 && hasWork(d) && isWritten(*planOf(d).workType) && marked(entries_[d.entry]);
      });
      for (size_t k = 0; k < list.size(); ++k) {
        auto& d = drafts_[list[k]];
        const int limit = gradeOf(d) <= 5 ? 3 : 7;
        d.plantArg = limit + (k == 0 ? 1 : rng_.range(1, 5));
        plant("marks.deadline", d,
              "marks of the written work posted " + std::to_string(d.plantArg) +
                  " days after the lesson, limit " + std::to_string(limit));
      }
    }
    for (int i : simple(kRateWorkTopic, Plant::WorkTopic, [&](const Draft& d) {
           return hasWork(d) && needsStatedTopic(*planOf(d).workType) &&
                  *planOf(d).workType != WorkType::Control;
         }))
      plant("work.topic_stated", drafts_[i],
            std::string("topic of the ") + std::string(toString(*planOf(drafts_[i]).workType)) +
                " work not stated");
    // marks.accumulation: a student gets only one mark in a class x subject x period.
    {
      std::vector<std::tuple<int, int, int>> cands;  // entry, period, student
      for (size_t ei = 0; ei < entries_.size(); ++ei) {
        const auto& e = entries_[ei];
        if (e.subgroup >= 0 || !marked(e)) continue;
        for (int p : periodsOfGrade(classes_[e.cls].grade)) cands.emplace_back(static_cast<int>(ei), p, -1);
      }
      rng_.shuffle(cands);
      std::set<int> usedStudents;
      const int n = std::max(1, nClasses / 2);
      for (auto& [ei, p, s] : cands) {
        if (static_cast<int>(capped_.size()) >= n) break;
        const auto& c = classes_[entries_[ei].cls];
        std::vector<int> stable;
        for (int st : c.students)
          if (!students_[st].moved && !usedStudents.count(st)) stable.push_back(st);
        if (stable.empty()) continue;
        s = stable[rng_.index(stable.size())];
        usedStudents.insert(s);
        capped_[{ei, p, s}] = 1;
        PlantedViolation v;
        v.rule = "marks.accumulation";
        v.classId = c.id;
        v.subjectId = entries_[ei].subjectId;
        v.studentId = j_.students[s].id;
        v.periodId = j_.periods[p].id;
        v.note = "only 1 current mark in the period, " + std::to_string(entries_[ei].required) + " required";
        planted_.push_back(std::move(v));
      }
    }
  }

  // A teacher free at the lesson's weekday and slot by the timetable and not yet substituting then.
  std::string freeTeacher(const Draft& d) {
    const int day = d.lesson.date.weekday(), slot = d.lesson.slot;
    const auto family = familyOf_.count(entries_[d.entry].teacherId) ? familyOf_[entries_[d.entry].teacherId]
                                                                     : data::Family::Primary;
    std::vector<std::string> same, any;
    for (const auto& [id, no] : teacherNo_) {
      if (id == d.lesson.teacherId || teacherBusyWeek_[no][day][slot]) continue;
      if (busySubstitute_.count({d.lesson.date.days(), slot, id})) continue;
      (familyOf_.count(id) && familyOf_[id] == family ? same : any).push_back(id);
    }
    auto& pool = same.empty() ? any : same;
    if (pool.empty()) return {};
    std::sort(pool.begin(), pool.end());
    const std::string t = pool[rng_.index(pool.size())];
    busySubstitute_.insert({d.lesson.date.days(), slot, t});
    return t;
  }

  void chooseRecordedSubstitutions() {
    auto list =
        pickLessons(kRateRecordedSubstitution, [&](const Draft& d) { return d.plant == Plant::None; });
    for (int i : list) {
      auto& d = drafts_[i];
      const std::string t = freeTeacher(d);
      if (t.empty()) continue;
      d.lesson.substituteTeacherId = t;
      d.recordedSubstitution = true;
    }
  }

  // ---------------------------------------------------------------- lesson contents and attendance
  DateTime at(Date d, int second) const { return DateTime{d, std::clamp(second, 0, 86399)}; }
  const std::string& actualTeacher(const Lesson& l) const {
    return l.substituteTeacherId.empty() ? l.teacherId : l.substituteTeacherId;
  }

  // Students of the lesson (cached after fillLessons computed them).
  const std::vector<int>& roster(int di) const { return rosters_[di]; }

  // Students of the lesson: enrolled in the class on the date and, for a subgroup lesson, members of it.
  std::vector<int> computeRoster(const Draft& d) const {
    std::vector<int> out;
    const auto& e = entries_[d.entry];
    for (int s : classes_[e.cls].students) {
      const Enrolment* en = enrolment(s, d.lesson.classId);
      if (!en || !en->contains(d.lesson.date)) continue;
      if (e.subgroup >= 0) {
        bool member = false;
        for (const auto& m : j_.subgroups[e.subgroup].members)
          if (m.studentId == j_.students[s].id && m.contains(d.lesson.date)) member = true;
        if (!member) continue;
      }
      out.push_back(s);
    }
    return out;
  }

  void fillLessons() {
    absent_.resize(drafts_.size());
    rosters_.resize(drafts_.size());
    for (size_t i = 0; i < drafts_.size(); ++i) {
      auto& d = drafts_[i];
      if (d.plant == Plant::Deleted) continue;
      rosters_[i] = computeRoster(d);
      Lesson& l = d.lesson;
      const PlannedLesson& pl = planOf(d);
      const std::string& teacher = actualTeacher(l);
      l.topic = pl.topic;
      if (d.plant == Plant::ControlMissing)
        l.topic = "Повторение и обобщение по теме «" +
                  baseTopic(data::topics(l.subjectId, gradeOf(d)), d.seq,
                            static_cast<int>(entries_[d.entry].lessons.size())) +
                  "»";
      l.topicEnteredBy = teacher;
      l.topicEnteredAt = at(l.date, slotEnd(l.slot) + rng_.range(0, 300) * 60);
      if (pl.homework)
        l.homework = data::homework(l.subjectId, d.seq, static_cast<unsigned>(rng_.next() & 0xffff));
      if (pl.workType && d.plant != Plant::ControlMissing) {
        Work w;
        w.id = "w" + pad(++workCount_, 6);
        w.type = *pl.workType;
        w.topic = pl.workTopic;
        w.weight = workWeight(w.type);
        if (d.plant == Plant::WorkTopic) w.topic.clear();
        l.works.push_back(std::move(w));
      }
      l.attendanceTaken = true;
      l.attendanceEnteredAt = at(l.date, slotStart(l.slot) + rng_.range(3, 15) * 60);
      switch (d.plant) {
        case Plant::TopicMissing:
          l.topic.clear();
          l.topicEnteredAt.reset();
          l.topicEnteredBy.clear();
          break;
        case Plant::TopicLate:
          l.topicEnteredAt = at(l.date + d.plantArg, 15 * 3600 + rng_.range(0, 300) * 60);
          break;
        case Plant::Homework:
          l.homework.clear();
          break;
        case Plant::Attendance:
          l.attendanceTaken = false;
          l.attendanceEnteredAt.reset();
          break;
        case Plant::Language:
          if (d.plantArg == 0)
            l.topic = rng_.pick(std::vector<std::string>{"Unit 3. My family", "Present Simple",
                                                         "Unit 5. At school", "Reading: My favourite book"});
          else if (d.plantArg == 1)
            l.topic = rng_.pick(std::vector<std::string>{"Past Simple. Irregular verbs", "Project: My town",
                                                         "Grammar revision"});
          else if (d.plantArg == 2)
            l.homework =
                rng_.pick(std::vector<std::string>{"Ex. 5, p. 34", "Learn the new words", "Workbook, p. 12"});
          else
            l.topic = withLatinLookalike(l.topic);
          break;
        default:
          break;
      }
      // Attendance: whole illness days, single absences, lateness, excused absences.
      for (int s : rosters_[i]) {
        std::optional<AttendanceStatus> st;
        for (const auto& r : students_[s].ill)
          if (r.contains(l.date)) st = AttendanceStatus::Ill;
        if (!st) {
          const double u = rng_.unit();
          if (u < 0.010)
            st = AttendanceStatus::Absent;
          else if (u < 0.014)
            st = AttendanceStatus::Late;
          else if (u < 0.017)
            st = AttendanceStatus::Excused;
        }
        // Without attendance taken nobody is known to be absent: everyone counts as present for the marks.
        if (!st || !l.attendanceTaken) continue;
        if (*st != AttendanceStatus::Late) absent_[i].insert(s);
        attendance_.push_back(Attendance{j_.students[s].id, l.id, *st, l.attendanceEnteredAt});
      }
    }
  }

  // ---------------------------------------------------------------- marks
  int markValue(int student, const std::string& subjectId) {
    const double bias = (static_cast<int>(std::hash<std::string>{}(subjectId) % 7) - 3) * 0.05;
    return std::clamp(roundHalfUp(students_[student].ability + bias + 0.75 * rng_.normal()), 2, 5);
  }

  void addMark(int lessonIdx, int student, const std::string& workId, int weight, DateTime when) {
    const Draft& d = drafts_[lessonIdx];
    Mark m;
    m.studentId = j_.students[student].id;
    m.lessonId = d.lesson.id;
    m.workId = workId;
    m.value = MarkValue{MarkKind::Points, markValue(student, d.lesson.subjectId)};
    m.weight = weight;
    m.enteredAt = when;
    m.enteredBy = actualTeacher(d.lesson);
    marks_[lessonIdx].push_back(std::move(m));
  }

  DateTime sameDayEntry(const Lesson& l) { return at(l.date, slotEnd(l.slot) + rng_.range(0, 240) * 60); }

  void fillMarks() {
    marks_.resize(drafts_.size());
    for (size_t ei = 0; ei < entries_.size(); ++ei) {
      const Entry& e = entries_[ei];
      if (!marked(e)) continue;
      const int grade = classes_[e.cls].grade;
      const int limit = grade <= 5 ? 3 : 7;
      const bool two = subject(e.subjectId).twoMarksPerCell;
      // (period, student) -> marks so far, over a dense table of the class's students.
      const auto& classStudents = classes_[e.cls].students;
      if (localIndex_.size() < j_.students.size()) localIndex_.assign(j_.students.size(), -1);
      for (size_t k = 0; k < classStudents.size(); ++k) localIndex_[classStudents[k]] = static_cast<int>(k);
      std::vector<int> table(j_.periods.size() * classStudents.size(), 0);
      auto countOf = [&](int p, int s) -> int& { return table[p * classStudents.size() + localIndex_[s]]; };
      std::map<int, int> lessonsInPeriod;
      for (int di : e.lessons)
        if (drafts_[di].plant != Plant::Deleted) ++lessonsInPeriod[drafts_[di].period];
      auto cap = [&](int p, int s) {
        auto it = capped_.find({static_cast<int>(ei), p, s});
        return it == capped_.end() ? 1 << 20 : it->second;
      };
      for (int di : e.lessons) {
        Draft& d = drafts_[di];
        if (d.plant == Plant::Deleted) continue;
        const Lesson& l = d.lesson;
        std::vector<int> present;
        for (int s : roster(di))
          if (!absent_[di].count(s)) present.push_back(s);
        const Work* work = l.works.empty() ? nullptr : &l.works[0];
        if (work && everyoneMarked(work->type)) {
          int delay = 0;
          if (d.plant == Plant::Deadline)
            delay = d.plantArg;
          else if (isWritten(work->type) || work->type == WorkType::Dictation)
            delay = rng_.chance(0.25) ? limit : rng_.range(0, limit - 1);
          const DateTime when =
              delay == 0 ? sameDayEntry(l) : at(l.date + delay, 15 * 3600 + rng_.range(0, 300) * 60);
          for (int s : present) {
            if (countOf(d.period, s) >= cap(d.period, s)) continue;
            addMark(di, s, work->id, work->weight, when);
            ++countOf(d.period, s);
            // Russian and literature: dictations and essays often get two marks in one cell.
            if (two && (work->type == WorkType::Dictation || work->type == WorkType::Essay) &&
                rng_.chance(0.3))
              addMark(di, s, work->id, work->weight, when);
          }
          continue;
        }
        // Ordinary lesson: 4-8 marks (more when the period needs them), students with fewest marks first.
        const int students = static_cast<int>(roster(di).size());
        const int need = (e.required * students * 5 / 4 + lessonsInPeriod[d.period] - 1) /
                         std::max(1, lessonsInPeriod[d.period]);
        int k = std::max(rng_.range(4, 8), need);
        if (d.plant == Plant::PerLesson) k = 2;
        std::vector<std::pair<uint64_t, int>> order;
        for (int s : present) {
          if (countOf(d.period, s) >= cap(d.period, s)) continue;
          order.emplace_back(
              (static_cast<uint64_t>(countOf(d.period, s)) << 32) | (rng_.next() & 0xffffffffu), s);
        }
        std::sort(order.begin(), order.end());
        k = std::min<int>(k, static_cast<int>(order.size()));
        const DateTime when = sameDayEntry(l);
        for (int x = 0; x < k; ++x) {
          addMark(di, order[x].second, "", 1, when);
          ++countOf(d.period, order[x].second);
        }
      }
      // Top up: every student enrolled (and in the group) at a period's end gets the required number of
      // marks.
      for (int p : periodsOfGrade(grade)) {
        const Date end = j_.periods[p].dates.to;
        std::vector<int> lessonsOfP;
        for (int di : e.lessons)
          if (drafts_[di].period == p && drafts_[di].plant != Plant::Deleted &&
              drafts_[di].plant != Plant::PerLesson && drafts_[di].lesson.works.empty())
            lessonsOfP.push_back(di);
        for (int s : classes_[e.cls].students) {
          if (!inEntryAt(e, s, end)) continue;
          if (cap(p, s) < (1 << 20)) continue;
          int have = countOf(p, s);
          std::vector<int> options = lessonsOfP;
          rng_.shuffle(options);
          for (int di : options) {
            if (have >= e.required) break;
            if (absent_[di].count(s) || !contains(roster(di), s)) continue;
            bool already = false;
            for (const auto& m : marks_[di])
              if (m.studentId == j_.students[s].id) already = true;
            if (already) continue;
            addMark(di, s, "", 1, sameDayEntry(drafts_[di].lesson));
            ++have;
          }
          countOf(p, s) = have;
        }
      }
    }
  }

  static bool contains(const std::vector<int>& v, int x) {
    return std::find(v.begin(), v.end(), x) != v.end();
  }

  bool inEntryAt(const Entry& e, int s, Date d) const {
    const Enrolment* en = enrolment(s, classes_[e.cls].id);
    if (!en || !en->contains(d)) return false;
    if (e.subgroup < 0) return true;
    for (const auto& m : j_.subgroups[e.subgroup].members)
      if (m.studentId == j_.students[s].id && m.contains(d)) return true;
    return false;
  }

  // Weighted average of a student's current point marks (marksByStudent_ is keyed "student|subject") in
  // lessons of class x subject within the range (class empty: any class). Optionally leaves one mark out.
  // Returns weight 0 when there are none.
  std::pair<double, int> average(const std::string& studentId, const std::string& classId,
                                 const std::string& subjectId, DateRange range,
                                 const Mark* without = nullptr) const {
    double sum = 0;
    int weight = 0;
    auto it = marksByStudent_.find(studentId + "|" + subjectId);
    if (it == marksByStudent_.end()) return {0, 0};
    for (auto [di, mi] : it->second) {
      const Draft& d = drafts_[di];
      if (d.lesson.subjectId != subjectId || !range.contains(d.lesson.date)) continue;
      if (!classId.empty() && d.lesson.classId != classId) continue;
      const Mark& m = marks_[di][mi];
      if (&m == without || m.value.kind != MarkKind::Points) continue;
      sum += m.value.points * m.weight;
      weight += m.weight;
    }
    return {weight ? sum / weight : 0, weight};
  }

  void indexMarks() {
    marksByStudent_.clear();
    for (size_t di = 0; di < marks_.size(); ++di)
      for (size_t mi = 0; mi < marks_[di].size(); ++mi)
        marksByStudent_[marks_[di][mi].studentId + "|" + drafts_[di].lesson.subjectId].emplace_back(
            static_cast<int>(di), static_cast<int>(mi));
  }

  void plantMarkLevel() {
    indexMarks();
    // marks.valid_value: a second mark in one cell of a subject without two marks per cell; same value, and
    // only where it leaves every rounded average unchanged (so no other kind is disturbed).
    {
      std::vector<int> cands;
      for (size_t di = 0; di < drafts_.size(); ++di) {
        const Draft& d = drafts_[di];
        if (d.plant == Plant::None && !d.recordedSubstitution && !marks_[di].empty() &&
            d.lesson.works.empty() && !subject(d.lesson.subjectId).twoMarksPerCell)
          cands.push_back(static_cast<int>(di));
      }
      rng_.shuffle(cands);
      const size_t want =
          std::max<size_t>(1, static_cast<size_t>(std::lround(kRateValidValue * cands.size())));
      size_t made = 0;
      for (int di : cands) {
        if (made >= want) break;
        Draft& d = drafts_[di];
        const Mark original = marks_[di][0];
        const int grade = gradeOf(d);
        bool stable = true;
        std::vector<DateRange> ranges = {j_.periods[d.period].dates, j_.periods[yearPeriod()].dates};
        (void)grade;
        for (const auto& r : ranges) {
          auto [a, w] = average(original.studentId, {}, d.lesson.subjectId, r);
          const double withDup = (a * w + original.value.points * original.weight) / (w + original.weight);
          if (roundHalfUp(a) != roundHalfUp(withDup)) stable = false;
          auto [ac, wc] = average(original.studentId, d.lesson.classId, d.lesson.subjectId, r);
          const double withDupC =
              (ac * wc + original.value.points * original.weight) / (wc + original.weight);
          if (roundHalfUp(ac) != roundHalfUp(withDupC)) stable = false;
        }
        if (!stable) continue;
        Mark dup = original;
        dup.enteredAt.secondOfDay = std::min(86399, dup.enteredAt.secondOfDay + 60);
        marks_[di].push_back(dup);
        d.plant = Plant::ValidValue;
        plant("marks.valid_value", d,
              "two marks in one cell (" + original.value.toString() + " " + original.value.toString() +
                  ") in a subject without double marks",
              original.studentId);
        ++made;
      }
    }
    // marks.enrolled: a mark for a student in the class they left, at a lesson after the leaving date.
    {
      const int want = std::max(1, static_cast<int>(classes_.size()) / 4);
      int made = 0;
      for (size_t s = 0; s < j_.students.size() && made < want; ++s) {
        const auto& en = j_.students[s].enrolments;
        if (en.size() != 1 || !en[0].to) continue;
        const Date left = *en[0].to;
        for (size_t di = 0; di < drafts_.size(); ++di) {
          Draft& d = drafts_[di];
          if (d.plant != Plant::None || d.recordedSubstitution || d.lesson.classId != en[0].classId ||
              !d.lesson.subgroupId.empty() || !d.lesson.works.empty() || !marked(entries_[d.entry]) ||
              d.lesson.date <= left + 3 || d.lesson.date > left + 30)
            continue;
          addMark(static_cast<int>(di), static_cast<int>(s), "", 1, sameDayEntry(d.lesson));
          d.plant = Plant::Enrolled;
          plant("marks.enrolled", d, "mark for a student who left the class on " + left.toString(),
                j_.students[s].id);
          ++made;
          break;
        }
      }
    }
    // marks.changed (info): a posted mark changed later by its teacher; the history records both steps.
    {
      std::vector<std::pair<int, int>> cands;
      for (size_t di = 0; di < drafts_.size(); ++di) {
        if (drafts_[di].plant != Plant::None || !drafts_[di].lesson.works.empty()) continue;
        for (size_t mi = 0; mi < marks_[di].size(); ++mi)
          cands.emplace_back(static_cast<int>(di), static_cast<int>(mi));
      }
      rng_.shuffle(cands);
      const size_t want = std::max<size_t>(1, static_cast<size_t>(std::lround(kRateChanged * cands.size())));
      std::set<int> usedLessons;
      size_t made = 0;
      for (auto [di, mi] : cands) {
        if (made >= want) break;
        if (!usedLessons.insert(di).second) continue;
        Mark& m = marks_[di][mi];
        const MarkValue old = m.value;
        const int p = old.points;
        const MarkValue now{MarkKind::Points, p == 5 ? 4 : p + 1};
        DateTime changed = m.enteredAt;
        changed.date = changed.date + rng_.range(0, 2);
        changed.secondOfDay = std::min(86399, changed.secondOfDay + 3600);
        m.history.push_back(MarkChange{std::nullopt, old, m.enteredAt, m.enteredBy});
        m.history.push_back(MarkChange{old, now, changed, m.enteredBy});
        m.value = now;
        drafts_[di].plant = Plant::None;  // the lesson itself stays clean; only the mark carries the change
        plant("marks.changed", drafts_[di], "mark changed from " + old.toString() + " to " + now.toString(),
              m.studentId);
        ++made;
      }
    }
  }

  // ---------------------------------------------------------------- period marks
  void buildPeriodMarks() {
    indexMarks();
    for (const auto& e : entries_) {
      if (!marked(e)) continue;
      const auto& c = classes_[e.cls];
      std::vector<int> ps = periodsOfGrade(c.grade);
      ps.push_back(yearPeriod());
      for (int p : ps) {
        const Period& per = j_.periods[p];
        const bool year = per.kind == PeriodKind::Year;
        for (int s : c.students) {
          if (!inEntryAt(e, s, per.dates.to)) continue;
          // The period mark is the rounded weighted average of the class's marks in the period; the year mark
          // that of all the year's marks in the subject (a class change keeps the marks from the earlier
          // class).
          auto [avg, weight] =
              average(j_.students[s].id, year ? std::string() : c.id, e.subjectId, per.dates);
          if (weight == 0) continue;
          PeriodMark pm;
          pm.studentId = j_.students[s].id;
          pm.classId = c.id;
          pm.subjectId = e.subjectId;
          pm.kind = year ? PeriodMarkKind::Year : PeriodMarkKind::Period;
          pm.periodId = per.id;
          pm.value = MarkValue{MarkKind::Points, std::clamp(roundHalfUp(avg), 2, 5)};
          pm.enteredAt = at(per.dates.to, 16 * 3600 + rng_.range(0, 120) * 60);
          pm.enteredBy = e.teacherId;
          periodMarks_.push_back(pm);
          periodMarkAverage_.push_back(avg);
        }
      }
    }
  }

  void plantPeriodObjective() {
    std::set<std::string> plantedStudents;
    for (const auto& v : planted_)
      if (!v.studentId.empty()) plantedStudents.insert(v.studentId);
    std::vector<int> cands;
    for (size_t i = 0; i < periodMarks_.size(); ++i)
      if (periodMarks_[i].kind == PeriodMarkKind::Period && !plantedStudents.count(periodMarks_[i].studentId))
        cands.push_back(static_cast<int>(i));
    rng_.shuffle(cands);
    const size_t want = std::max<size_t>(1, classes_.size());
    std::set<std::string> used;
    size_t made = 0;
    for (int i : cands) {
      if (made >= want) break;
      auto& pm = periodMarks_[i];
      if (!used.insert(pm.studentId).second) continue;
      const double avg = periodMarkAverage_[i];
      const int v = avg >= 3.5 ? 2 : 5;
      char buf[96];
      std::snprintf(buf, sizeof buf, "period mark %d, weighted average of current marks %.2f", v, avg);
      pm.value.points = v;
      PlantedViolation pv;
      pv.rule = "marks.period_objective";
      pv.classId = pm.classId;
      pv.subjectId = pm.subjectId;
      pv.studentId = pm.studentId;
      pv.periodId = pm.periodId;
      pv.note = buf;
      planted_.push_back(std::move(pv));
      ++made;
    }
  }

  // ---------------------------------------------------------------- output
  void assemble() {
    size_t markNo = 0, lessons = 0, marks = 0, plan = 0;
    for (size_t di = 0; di < drafts_.size(); ++di) {
      lessons += drafts_[di].plant != Plant::Deleted;
      marks += marks_[di].size();
    }
    for (const auto& e : entries_) plan += e.plan.size();
    j_.lessons.reserve(lessons);
    j_.marks.reserve(marks);
    j_.plan.reserve(plan);
    for (size_t di = 0; di < drafts_.size(); ++di) {
      if (drafts_[di].plant == Plant::Deleted) continue;
      j_.lessons.push_back(std::move(drafts_[di].lesson));
      for (auto& m : marks_[di]) {
        m.id = "m" + pad(static_cast<int>(++markNo), 7);
        j_.marks.push_back(std::move(m));
      }
    }
    j_.attendance = std::move(attendance_);
    j_.periodMarks = std::move(periodMarks_);
    for (size_t ei = 0; ei < entries_.size(); ++ei) {
      auto& plan = entries_[ei].plan;
      if (planShort_.count(static_cast<int>(ei))) plan.pop_back();
      for (auto& pl : plan) j_.plan.push_back(std::move(pl));
    }
    std::stable_sort(planted_.begin(), planted_.end(),
                     [](const PlantedViolation& a, const PlantedViolation& b) {
                       return std::tie(a.rule, a.classId, a.subjectId, a.periodId, a.lessonId, a.studentId) <
                              std::tie(b.rule, b.classId, b.subjectId, b.periodId, b.lessonId, b.studentId);
                     });
  }

  SampleOptions opt_;
  Rng rng_;
  Journal j_;
  std::vector<PlantedViolation> planted_;
  std::vector<HolidayRec> holidays_;
  std::set<std::string> usedNames_;
  std::unordered_map<std::string, size_t> staffIndex_;
  std::vector<StudentRec> students_;
  std::vector<ClassRec> classes_;
  std::unordered_map<std::string, size_t> classIndex_;
  std::map<int, std::vector<std::string>> teachersOf_;
  std::map<std::string, data::Family> familyOf_;
  std::map<std::string, int> load_;
  std::vector<Entry> entries_;
  std::map<std::string, int> teacherNo_;
  std::map<std::tuple<int, int, int>, std::vector<int>> slotEntry_;  // (class, weekday, slot) -> entries
  std::vector<std::array<std::array<bool, 8>, 6>> teacherBusyWeek_;
  std::set<std::tuple<int32_t, int, std::string>> busySubstitute_;
  std::vector<Draft> drafts_;
  std::set<int> planShort_;
  std::map<std::tuple<int, int, int>, int> capped_;  // (entry, period, student) -> max marks
  std::vector<std::set<int>> absent_;
  std::vector<std::vector<int>> rosters_;
  std::vector<int> localIndex_;
  std::vector<Attendance> attendance_;
  std::vector<std::vector<Mark>> marks_;
  std::unordered_map<std::string, std::vector<std::pair<int, int>>> marksByStudent_;
  std::vector<PeriodMark> periodMarks_;
  std::vector<double> periodMarkAverage_;
  int workCount_ = 0;
};

void appendJsonString(std::string& out, const std::string& s) {
  if (s.empty()) {
    out += "null";
    return;
  }
  out += '"';
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += ch;
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += ch;
    }
  }
  out += '"';
}

}  // namespace

Sample generate(const SampleOptions& options) {
  if (options.classes != 11 && options.classes != 44)
    throw Error(ErrorKind::Input, "--classes",
                "допустимо 11 или 44 класса, указано " + std::to_string(options.classes));
  if (options.studentsPerClass < 8 || options.studentsPerClass > 40)
    throw Error(ErrorKind::Input, "--students",
                "число учеников в классе должно быть от 8 до 40, указано " +
                    std::to_string(options.studentsPerClass));
  if (options.startYear < 2000 || options.startYear > 2100)
    throw Error(ErrorKind::Input, "startYear", "учебный год должен начинаться между 2000 и 2100 годами");
  return Generator(options).run();
}

SampleOptions regionSchool(int n, int classes) {
  if (n < 1) throw Error(ErrorKind::Input, "school", "номер школы должен быть не меньше 1");
  SampleOptions o;
  o.classes = classes;
  o.seed = 2025 + static_cast<uint64_t>(n);
  const std::string number = std::to_string(n);
  o.schoolId = "school-" + number;
  o.schoolFullName =
      "Муниципальное бюджетное общеобразовательное учреждение средняя общеобразовательная школа № " + number;
  o.schoolShortName = "МБОУ СОШ № " + number;
  return o;
}

std::string plantedToJson(const Sample& sample, const SampleOptions& options) {
  std::string out = "{\n  \"seed\": " + std::to_string(options.seed) +
                    ",\n  \"classes\": " + std::to_string(options.classes) +
                    ",\n  \"count\": " + std::to_string(sample.planted.size()) + ",\n  \"planted\": [";
  bool first = true;
  for (const auto& v : sample.planted) {
    out += first ? "\n    {" : ",\n    {";
    first = false;
    const std::pair<const char*, const std::string*> fields[] = {
        {"rule", &v.rule},           {"class", &v.classId},   {"subject", &v.subjectId},
        {"subgroup", &v.subgroupId}, {"period", &v.periodId}, {"lesson", &v.lessonId},
        {"student", &v.studentId},   {"note", &v.note}};
    bool f = true;
    for (const auto& [name, value] : fields) {
      if (!f) out += ", ";
      f = false;
      out += '"';
      out += name;
      out += "\": ";
      appendJsonString(out, *value);
    }
    out += '}';
  }
  out += "\n  ]\n}\n";
  return out;
}

std::vector<model::Journal> inParts(const model::Journal& j, size_t lessonsPerPart) {
  std::vector<model::Journal> out;
  model::Journal ref = j;
  ref.lessons.clear();
  ref.marks.clear();
  ref.attendance.clear();
  ref.periodMarks.clear();
  out.push_back(std::move(ref));
  std::unordered_map<std::string, size_t> partOf;
  for (size_t i = 0; i < j.lessons.size(); ++i) {
    if (i % lessonsPerPart == 0) {
      out.emplace_back();
      out.back().school.id = j.school.id;
    }
    out.back().lessons.push_back(j.lessons[i]);
    partOf[j.lessons[i].id] = out.size() - 1;
  }
  for (const auto& m : j.marks) out[partOf.at(m.lessonId)].marks.push_back(m);
  for (const auto& a : j.attendance) out[partOf.at(a.lessonId)].attendance.push_back(a);
  out.back().periodMarks = j.periodMarks;
  return out;
}

}  // namespace ejournal::samples
