// Tests of the sample school generator: determinism, sizes, calendar, names, timetable, and the
// planted-violations contract. An independent checker written here (not the rules engine) recomputes every
// rule kind of docs/rules.md from the generated journal; for each kind the violations it finds must be
// exactly the planted ones, and a sample generated without violations must have none.
#define BOOST_TEST_MODULE samples
#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "ejournal/model/error.h"
#include "ejournal/model/index.h"
#include "ejournal/samples/generator.h"
#include "journal_text.h"

using namespace ejournal;
using namespace ejournal::model;

namespace {

const samples::Sample& defaultSample() {
  static const samples::Sample s = samples::generate(samples::SampleOptions{});
  return s;
}

const samples::Sample& cleanSample() {
  static const samples::Sample s = [] {
    samples::SampleOptions o;
    o.plantViolations = false;
    return samples::generate(o);
  }();
  return s;
}

const samples::Sample& largeSample() {
  static const samples::Sample s = [] {
    samples::SampleOptions o;
    o.classes = 44;
    o.seed = 7;
    return samples::generate(o);
  }();
  return s;
}

// ------------------------------------------------------------------ text helpers

// Decodes UTF-8 into code points (invalid bytes become U+FFFD).
std::vector<char32_t> codePoints(const std::string& s) {
  std::vector<char32_t> out;
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    int n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) {
      out.push_back(0xFFFD);
      ++i;
      continue;
    }
    char32_t cp = n == 1 ? c : c & (0x7F >> n);
    for (int k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out.push_back(cp);
    i += n;
  }
  return out;
}

bool isCyrillic(char32_t c) { return c >= 0x400 && c <= 0x4FF; }
bool isLatin(char32_t c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool isDigitLike(char32_t c) {
  return (c >= '0' && c <= '9') || c == 0xB2 || c == 0xB3 || c == 0xB9 || (c >= 0x2070 && c <= 0x209F) ||
         c == 0x2E3 || c == 0x221A;
}

// The language rule as the school states it (seed 3.5, docs/rules.md): Russian text; Latin only in formulas
// (a token with digits, sub- or superscripts; short lower-case words in a text with "="), chemical notation
// (HCl, NaOH), Roman numerals, single letters, and foreign terms in parentheses after Russian text. No
// mixed-script words.
bool russianText(const std::string& text) {
  const auto cps = codePoints(text);
  const bool hasEquals = text.find('=') != std::string::npos;
  bool russianWord = false, cyrillicSeen = false, ok = true;
  int depth = 0;
  bool parenAfterRussian = false;
  size_t i = 0;
  while (i < cps.size()) {
    // A token: up to the next space.
    size_t end = i;
    while (end < cps.size() && cps[end] != ' ') ++end;
    bool tokenHasDigit = false;
    for (size_t k = i; k < end; ++k) tokenHasDigit |= isDigitLike(cps[k]);
    for (size_t k = i; k < end;) {
      if (cps[k] == '(') {
        if (depth == 0) parenAfterRussian = cyrillicSeen;
        ++depth;
      } else if (cps[k] == ')') {
        depth = std::max(0, depth - 1);
      }
      if (!isCyrillic(cps[k]) && !isLatin(cps[k])) {
        ++k;
        continue;
      }
      size_t w = k;
      int cyr = 0, lat = 0;
      std::u32string word;
      while (w < end && (isCyrillic(cps[w]) || isLatin(cps[w]))) {
        cyr += isCyrillic(cps[w]);
        lat += isLatin(cps[w]);
        word += cps[w];
        ++w;
      }
      if (cyr && lat) ok = false;
      if (cyr >= 2) russianWord = true;
      if (cyr) cyrillicSeen = true;
      if (lat >= 2 && !cyr) {
        const bool roman = std::all_of(word.begin(), word.end(), [](char32_t c) {
          return c == 'I' || c == 'V' || c == 'X' || c == 'L' || c == 'C' || c == 'D' || c == 'M';
        });
        bool chemical = isupper(static_cast<int>(word[0])) != 0;
        for (size_t q = 0; q < word.size() && chemical; ++q)
          if (!(isupper(static_cast<int>(word[q])) ||
                (q > 0 && isupper(static_cast<int>(word[q - 1])) && islower(static_cast<int>(word[q])))))
            chemical = false;
        const bool mathWord =
            hasEquals && word.size() <= 3 &&
            std::all_of(word.begin(), word.end(), [](char32_t c) { return c >= 'a' && c <= 'z'; });
        const bool quoted = depth > 0 && parenAfterRussian;
        if (!(roman || chemical || tokenHasDigit || mathWord || quoted)) ok = false;
      }
      k = w;
    }
    i = end + 1;
  }
  return ok && russianWord;
}

// ------------------------------------------------------------------ the independent checker

struct Keyed {
  std::map<std::string, std::set<std::string>> byRule;
  void add(const std::string& rule, const std::string& key) { byRule[rule].insert(key); }
};

const std::vector<std::string> kRules = {
    "hours.curriculum",   "hours.plan_total",       "marks.per_lesson",      "attendance.recorded",
    "language.russian",   "topic.missing",          "topic.same_day",        "homework.recorded",
    "marks.deadline",     "work.topic_stated",      "substitution.recorded", "works.control_present",
    "marks.accumulation", "marks.period_objective", "marks.valid_value",     "marks.enrolled",
    "marks.changed"};

// The fields a rule's findings are compared on (samples/README.md lists the same).
std::string keyOf(const std::string& rule, const std::string& cls, const std::string& subject,
                  const std::string& period, const std::string& lesson, const std::string& student) {
  if (rule == "hours.curriculum" || rule == "works.control_present")
    return cls + "|" + subject + "|" + period;
  if (rule == "hours.plan_total") return cls + "|" + subject;
  if (rule == "marks.accumulation" || rule == "marks.period_objective")
    return cls + "|" + subject + "|" + period + "|" + student;
  if (rule == "marks.valid_value" || rule == "marks.enrolled" || rule == "marks.changed")
    return lesson + "|" + student;
  return lesson;
}

Keyed plantedKeys(const samples::Sample& s) {
  Keyed k;
  for (const auto& v : s.planted)
    k.add(v.rule, keyOf(v.rule, v.classId, v.subjectId, v.periodId, v.lessonId, v.studentId));
  return k;
}

int roundHalfUp(double x) { return static_cast<int>(std::floor(x + 0.5 + 1e-9)); }

bool isWritten(WorkType t) {
  return t == WorkType::Independent || t == WorkType::Control || t == WorkType::Test ||
         t == WorkType::Essay || t == WorkType::Exposition;
}

struct Checker {
  const Journal& j;
  JournalIndex idx;
  std::map<std::string, int> grade;
  std::map<std::string, std::vector<const Lesson*>> lessonsOf;      // class|subject|subgroup, date order
  std::map<std::string, std::vector<const PlannedLesson*>> planOf;  // class|subject|subgroup, number order
  std::map<std::string, std::vector<const Mark*>> marksOfLesson;
  std::map<std::string, std::vector<const Attendance*>> attendanceOfLesson;
  std::map<std::string, std::vector<std::pair<const Mark*, const Lesson*>>> marksOfStudentSubject;
  std::map<std::string, const Subject*> subjects;
  int exactLimitWorks = 0;

  explicit Checker(const Journal& journal) : j(journal), idx(journal) {
    for (const auto& c : j.classes) grade[c.id] = c.grade;
    for (const auto& s : j.subjects) subjects[s.id] = &s;
    for (const auto& l : j.lessons)
      lessonsOf[l.classId + "|" + l.subjectId + "|" + l.subgroupId].push_back(&l);
    for (auto& [k, v] : lessonsOf)
      std::sort(v.begin(), v.end(),
                [](auto* a, auto* b) { return std::tie(a->date, a->slot) < std::tie(b->date, b->slot); });
    for (const auto& p : j.plan) planOf[p.classId + "|" + p.subjectId + "|" + p.subgroupId].push_back(&p);
    for (auto& [k, v] : planOf)
      std::sort(v.begin(), v.end(), [](auto* a, auto* b) { return a->number < b->number; });
    for (const auto& m : j.marks) {
      marksOfLesson[m.lessonId].push_back(&m);
      const Lesson* l = idx.lesson(m.lessonId);
      marksOfStudentSubject[m.studentId + "|" + l->subjectId].emplace_back(&m, l);
    }
    for (const auto& a : j.attendance) attendanceOfLesson[a.lessonId].push_back(&a);
  }

  bool markedLesson(const Lesson& l) const {
    return grade.at(l.classId) >= 2 && subjects.at(l.subjectId)->grading == Grading::Marked;
  }

  bool inLessonGroup(const Student& s, const Lesson& l) const {
    if (!s.enrolledIn(l.classId, l.date)) return false;
    if (l.subgroupId.empty()) return true;
    for (const auto& m : idx.subgroup(l.subgroupId)->members)
      if (m.studentId == s.id && m.contains(l.date)) return true;
    return false;
  }
  bool inEntryAt(const Student& s, const CurriculumEntry& ce, Date d) const {
    if (!s.enrolledIn(ce.classId, d)) return false;
    if (ce.subgroupId.empty()) return true;
    for (const auto& m : idx.subgroup(ce.subgroupId)->members)
      if (m.studentId == s.id && m.contains(d)) return true;
    return false;
  }

  const Period& periodOf(const Lesson& l) const {
    return *idx.periodAt(l.date, grade.at(l.classId), kindOf(l.classId));
  }
  PeriodKind kindOf(const std::string& cls) const {
    return grade.at(cls) >= 10 ? PeriodKind::HalfYear : PeriodKind::Quarter;
  }

  std::pair<double, int> average(const std::string& student, const std::string& cls,
                                 const std::string& subject, DateRange r) const {
    auto it = marksOfStudentSubject.find(student + "|" + subject);
    if (it == marksOfStudentSubject.end()) return {0, 0};
    double sum = 0;
    int w = 0;
    for (auto [m, l] : it->second) {
      if (!r.contains(l->date) || (!cls.empty() && l->classId != cls) || m->value.kind != MarkKind::Points)
        continue;
      sum += m->value.points * m->weight;
      w += m->weight;
    }
    return {w ? sum / w : 0, w};
  }

  Keyed run() {
    Keyed f;
    // hours.curriculum, hours.plan_total, works.control_present, homework.recorded, marks.accumulation
    for (const auto& ce : j.curriculum) {
      const std::string key = ce.classId + "|" + ce.subjectId + "|" + ce.subgroupId;
      const auto& ls = lessonsOf[key];
      const auto& plan = planOf[key];
      for (const auto& ph : ce.periods) {
        const Period* p = idx.period(ph.periodId);
        int n = 0;
        for (auto* l : ls) n += p->dates.contains(l->date);
        if (n != ph.hours)
          f.add("hours.curriculum", keyOf("hours.curriculum", ce.classId, ce.subjectId, p->id, "", ""));
      }
      int planned = 0;
      for (auto* p : plan) planned += p->hours;
      if (planned != ce.hoursYear)
        f.add("hours.plan_total", keyOf("hours.plan_total", ce.classId, ce.subjectId, "", "", ""));
      std::map<std::string, int> controlsPlanned, controlsHeld;
      for (size_t k = 0; k < ls.size(); ++k) {
        const Lesson& l = *ls[k];
        const std::string period = periodOf(l).id;
        if (k < plan.size() && plan[k]->workType == WorkType::Control) ++controlsPlanned[period];
        for (const auto& w : l.works) controlsHeld[period] += w.type == WorkType::Control;
        if (l.homework.empty() && k < plan.size() && plan[k]->homework) f.add("homework.recorded", l.id);
      }
      for (const auto& [period, n] : controlsPlanned)
        if (controlsHeld[period] < n)
          f.add("works.control_present",
                keyOf("works.control_present", ce.classId, ce.subjectId, period, "", ""));
      if (grade.at(ce.classId) < 2 || subjects.at(ce.subjectId)->grading != Grading::Marked) continue;
      const int required = ce.hoursPerWeek <= 2 ? 3 : 5;
      for (const auto& ph : ce.periods) {
        const Period* p = idx.period(ph.periodId);
        for (const auto& s : j.students) {
          if (!inEntryAt(s, ce, p->dates.to)) continue;
          auto [avg, w] = average(s.id, ce.classId, ce.subjectId, p->dates);
          (void)avg;
          int count = 0;
          for (auto [m, l] : marksOfStudentSubject[s.id + "|" + ce.subjectId])
            count += l->classId == ce.classId && p->dates.contains(l->date);
          if (count < required)
            f.add("marks.accumulation",
                  keyOf("marks.accumulation", ce.classId, ce.subjectId, p->id, "", s.id));
        }
      }
    }
    // Lesson-level rules.
    std::map<std::tuple<int, int, std::string, std::string, std::string>, std::string> timetable;
    for (const auto& t : j.timetable)
      timetable[{t.weekday, t.slot, t.classId, t.subjectId, t.subgroupId}] = t.teacherId;
    for (const auto& l : j.lessons) {
      const auto& marks = marksOfLesson[l.id];
      if (!l.attendanceTaken) f.add("attendance.recorded", l.id);
      if (l.topic.empty())
        f.add("topic.missing", l.id);
      else if (!l.topicEnteredAt || l.topicEnteredAt->date != l.date)
        f.add("topic.same_day", l.id);
      bool russian = l.topic.empty() || russianText(l.topic);
      russian &= l.homework.empty() || russianText(l.homework);
      for (const auto& w : l.works) russian &= w.topic.empty() || russianText(w.topic);
      if (!russian) f.add("language.russian", l.id);
      for (const auto& w : l.works) {
        const bool stated = w.type == WorkType::Practical || w.type == WorkType::Laboratory ||
                            w.type == WorkType::Control || w.type == WorkType::Excursion;
        if (stated && w.topic.empty()) f.add("work.topic_stated", l.id);
        if (isWritten(w.type)) {
          const int limit = grade.at(l.classId) <= 5 ? 3 : 7;
          bool late = false, exact = false;
          for (auto* m : marks) {
            if (m->workId != w.id) continue;
            const int days = m->enteredAt.date - l.date;
            late |= days > limit;
            exact |= days == limit;
          }
          if (late) f.add("marks.deadline", l.id);
          exactLimitWorks += exact && !late;
        }
      }
      const auto tt = timetable.find({l.date.weekday(), l.slot, l.classId, l.subjectId, l.subgroupId});
      if (tt == timetable.end() || (tt->second != l.teacherId && l.substituteTeacherId.empty()))
        f.add("substitution.recorded", l.id);
      std::set<std::string> present, markedStudents;
      for (const auto& s : j.students)
        if (inLessonGroup(s, l)) present.insert(s.id);
      for (auto* a : attendanceOfLesson[l.id])
        if (a->status != AttendanceStatus::Late) present.erase(a->studentId);
      std::map<std::string, int> cells;
      for (auto* m : marks) {
        markedStudents.insert(m->studentId);
        const Student* s = idx.student(m->studentId);
        if (!inLessonGroup(*s, l)) f.add("marks.enrolled", l.id + "|" + m->studentId);
        if (++cells[m->studentId + "|" + m->workId] == 2 && !subjects.at(l.subjectId)->twoMarksPerCell)
          f.add("marks.valid_value", l.id + "|" + m->studentId);
        for (const auto& h : m->history)
          if (h.oldValue) f.add("marks.changed", l.id + "|" + m->studentId);
      }
      if (markedLesson(l) && markedStudents.size() < std::min<size_t>(4, present.size()))
        f.add("marks.per_lesson", l.id);
    }
    // marks.period_objective
    for (const auto& pm : j.periodMarks) {
      const Period* p = idx.period(pm.periodId);
      auto [avg, w] = average(pm.studentId, pm.kind == PeriodMarkKind::Year ? std::string() : pm.classId,
                              pm.subjectId, p->dates);
      if (w == 0 || std::abs(pm.value.points - roundHalfUp(avg)) >= 1)
        f.add("marks.period_objective",
              keyOf("marks.period_objective", pm.classId, pm.subjectId, pm.periodId, "", pm.studentId));
    }
    return f;
  }
};

std::string sample(const std::set<std::string>& s) {
  std::string out;
  int n = 0;
  for (const auto& x : s) {
    if (n++ == 5) break;
    out += " " + x;
  }
  return out;
}

void compareWithPlanted(const samples::Sample& s) {
  Checker checker(s.journal);
  Keyed found = checker.run();
  Keyed planted = plantedKeys(s);
  for (const auto& rule : kRules) {
    const auto& a = found.byRule[rule];
    const auto& b = planted.byRule[rule];
    std::set<std::string> missing, extra;
    std::set_difference(b.begin(), b.end(), a.begin(), a.end(), std::inserter(missing, missing.end()));
    std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::inserter(extra, extra.end()));
    BOOST_TEST_INFO("rule " << rule << ": planted " << b.size() << ", found " << a.size());
    BOOST_CHECK_MESSAGE(missing.empty(), rule << ": planted but not found:" << sample(missing));
    BOOST_CHECK_MESSAGE(extra.empty(), rule << ": found but not planted:" << sample(extra));
  }
}

}  // namespace

// ------------------------------------------------------------------ tests

BOOST_AUTO_TEST_CASE(same_seed_gives_identical_journal_and_another_seed_a_different_one) {
  const std::string a = testing::journalText(defaultSample().journal);
  const std::string b = testing::journalText(samples::generate(samples::SampleOptions{}).journal);
  BOOST_CHECK(a == b);
  samples::SampleOptions other;
  other.seed = 2026;
  const std::string c = testing::journalText(samples::generate(other).journal);
  BOOST_CHECK(a != c);
  BOOST_CHECK(samples::plantedToJson(defaultSample(), {}) ==
              samples::plantedToJson(samples::generate(samples::SampleOptions{}), {}));
}

BOOST_AUTO_TEST_CASE(region_schools_have_their_own_id_name_and_seed_and_the_default_keeps_the_lyceum) {
  const samples::SampleOptions o = samples::regionSchool(7, 11);
  BOOST_TEST(o.schoolId == "school-7");
  BOOST_TEST(o.schoolShortName == "МБОУ СОШ № 7");
  BOOST_TEST(o.schoolFullName ==
             "Муниципальное бюджетное общеобразовательное учреждение средняя общеобразовательная школа № 7");
  BOOST_TEST(o.seed == 2032u);
  BOOST_TEST(samples::regionSchool(8, 44).classes == 44);
  BOOST_CHECK_THROW(samples::regionSchool(0, 11), Error);
  const Journal j = samples::generate(o).journal;
  BOOST_TEST(j.school.id == "school-7");
  BOOST_TEST(j.school.shortName == "МБОУ СОШ № 7");
  BOOST_TEST(j.school.fullName == o.schoolFullName);
  BOOST_TEST(j.classes.size() == 11u);
  BOOST_TEST(testing::journalText(j) != testing::journalText(defaultSample().journal));
  BOOST_TEST(defaultSample().journal.school.id == "licey-stupeni");
  BOOST_TEST(defaultSample().journal.school.shortName == "МАОУ лицей «Ступени»");
}

BOOST_AUTO_TEST_CASE(default_sample_has_eleven_classes_of_about_25_students_and_a_full_year) {
  const Journal& j = defaultSample().journal;
  BOOST_TEST(j.classes.size() == 11u);
  for (int g = 1; g <= 11; ++g) BOOST_TEST(j.classes[g - 1].grade == g);
  JournalIndex idx(j);
  for (const auto& c : j.classes) {
    const auto n = idx.studentsOfClass(c.id, DateRange{j.year.start, j.year.start}).size();
    BOOST_TEST(n >= 22u);
    BOOST_TEST(n <= 28u);
    BOOST_TEST(!c.classTeacherId.empty());
    BOOST_TEST(idx.staff(c.classTeacherId) != nullptr);
  }
  BOOST_TEST(j.lessons.size() > 9000u);
  BOOST_TEST(j.marks.size() > 50000u);
  BOOST_TEST(j.attendance.size() > 3000u);
  BOOST_TEST(j.periodMarks.size() > 5000u);
  BOOST_TEST(j.periods.size() == 7u);
  BOOST_TEST(j.school.director == "Тюрина Наталья Александровна");
  BOOST_TEST(j.year.label() == "2025/2026");
}

BOOST_AUTO_TEST_CASE(large_sample_has_four_parallels_and_class_changes) {
  const Journal& j = largeSample().journal;
  BOOST_TEST(j.classes.size() == 44u);
  BOOST_TEST(j.students.size() > 44u * 22);
  BOOST_TEST(j.lessons.size() > 4 * 9000u);
  int changes = 0, leavers = 0, entrants = 0;
  for (const auto& s : j.students) {
    changes += s.enrolments.size() == 2;
    leavers += s.enrolments.size() == 1 && s.enrolments[0].to.has_value();
    entrants += s.enrolments.size() == 1 && s.enrolments[0].from > j.year.start;
  }
  BOOST_TEST(changes > 0);
  BOOST_TEST(leavers > 0);
  BOOST_TEST(entrants > 0);
}

BOOST_AUTO_TEST_CASE(no_lesson_on_weekends_holidays_or_outside_the_year) {
  const Journal& j = defaultSample().journal;
  JournalIndex idx(j);
  const Date firstGradeWeek = Date::fromYmd(2026, 2, 17);
  int otherGradesInFebruaryWeek = 0;
  for (const auto& l : j.lessons) {
    BOOST_REQUIRE(l.date.weekday() <= 5);
    BOOST_REQUIRE(j.year.start <= l.date);
    BOOST_REQUIRE(l.date <= j.year.end);
    const int grade = idx.schoolClass(l.classId)->grade;
    for (const auto& h : j.holidays) {
      const bool firstGradeOnly = h.name.find("первых классов") != std::string::npos;
      if (h.dates.contains(l.date) && (!firstGradeOnly || grade == 1))
        BOOST_FAIL("lesson " << l.id << " on " << l.date.toString() << " falls in " << h.name);
    }
    BOOST_REQUIRE(idx.periodAt(l.date, grade, grade >= 10 ? PeriodKind::HalfYear : PeriodKind::Quarter));
    otherGradesInFebruaryWeek += l.date == firstGradeWeek;
  }
  BOOST_TEST(otherGradesInFebruaryWeek > 0);
  const std::set<std::string> names = [&] {
    std::set<std::string> n;
    for (const auto& h : j.holidays) n.insert(h.name);
    return n;
  }();
  BOOST_TEST(names.count("Осенние каникулы"));
  BOOST_TEST(names.count("Зимние каникулы"));
  BOOST_TEST(names.count("Весенние каникулы"));
  BOOST_TEST(names.count("Дополнительные каникулы для первых классов"));
}

BOOST_AUTO_TEST_CASE(russian_names_agree_in_gender) {
  auto ends = [](const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  auto check = [&](const std::string& last, const std::string& first, const std::string& middle) {
    const bool female = ends(middle, "на");
    BOOST_TEST_INFO(last << " " << first << " " << middle);
    BOOST_CHECK(female ? (ends(middle, "вна") || ends(middle, "чна"))
                       : (ends(middle, "вич") || ends(middle, "ич")));
    BOOST_CHECK(female == (ends(first, "а") || ends(first, "я")));
    const bool invariant = ends(last, "ко") || ends(last, "их") || ends(last, "ых");
    if (invariant) return;
    if (female)
      BOOST_CHECK(ends(last, "ова") || ends(last, "ева") || ends(last, "ёва") || ends(last, "ина") ||
                  ends(last, "ская") || ends(last, "цкая") || ends(last, "ая"));
    else
      BOOST_CHECK(ends(last, "ов") || ends(last, "ев") || ends(last, "ёв") || ends(last, "ин") ||
                  ends(last, "ский") || ends(last, "цкий") || ends(last, "ой"));
  };
  for (const auto& s : defaultSample().journal.students) check(s.lastName, s.firstName, s.middleName);
  for (const auto& s : defaultSample().journal.staff) check(s.lastName, s.firstName, s.middleName);
}

BOOST_AUTO_TEST_CASE(timetable_has_no_double_booking_and_matches_the_curriculum) {
  for (const auto* sample : {&defaultSample(), &largeSample()}) {
    const Journal& j = sample->journal;
    std::set<std::tuple<int, int, std::string>> teacherSlots;
    std::map<std::tuple<int, int, std::string>, std::set<std::string>> classSlots;
    std::map<std::string, int> weekly;
    for (const auto& t : j.timetable) {
      BOOST_REQUIRE_MESSAGE(teacherSlots.insert({t.weekday, t.slot, t.teacherId}).second,
                            "teacher " << t.teacherId << " twice at day " << t.weekday << " slot " << t.slot);
      classSlots[{t.weekday, t.slot, t.classId}].insert(t.subjectId);
      BOOST_REQUIRE(t.weekday >= 1 && t.weekday <= 5 && t.slot >= 1 && t.slot <= 7);
      ++weekly[t.classId + "|" + t.subjectId + "|" + t.subgroupId];
    }
    for (const auto& [k, subjects] : classSlots)
      BOOST_REQUIRE(subjects.size() == 1u);  // only subgroups share a slot
    for (const auto& ce : j.curriculum) {
      BOOST_TEST(weekly[ce.classId + "|" + ce.subjectId + "|" + ce.subgroupId] == ce.hoursPerWeek);
      int sum = 0;
      for (const auto& p : ce.periods) sum += p.hours;
      BOOST_TEST(sum == ce.hoursYear);
    }
    // Who actually teaches (the substitute where recorded) is never in two places at once.
    std::set<std::tuple<int32_t, int, std::string>> busy;
    for (const auto& l : j.lessons) {
      const std::string& who = l.substituteTeacherId.empty() ? l.teacherId : l.substituteTeacherId;
      BOOST_REQUIRE_MESSAGE(busy.insert({l.date.days(), l.slot, who}).second,
                            "teacher " << who << " double booked at " << l.id);
    }
  }
}

BOOST_AUTO_TEST_CASE(english_is_split_into_two_groups_with_their_own_teachers) {
  const Journal& j = defaultSample().journal;
  JournalIndex idx(j);
  std::map<std::string, std::vector<const Subgroup*>> byClass;
  for (const auto& g : j.subgroups) byClass[g.classId + "|" + g.subjectId].push_back(&g);
  BOOST_TEST(byClass.size() == 10u);  // grades 2-11
  for (const auto& [k, groups] : byClass) {
    BOOST_REQUIRE(groups.size() == 2u);
    BOOST_TEST(groups[0]->teacherId != groups[1]->teacherId);
    for (const auto& s : j.students)
      for (Date d : {j.year.start + 30, j.year.end - 10}) {
        if (!s.enrolledIn(groups[0]->classId, d)) continue;
        int in = 0;
        for (auto* g : groups)
          for (const auto& m : g->members) in += m.studentId == s.id && m.contains(d);
        BOOST_TEST(in == 1);
      }
  }
}

BOOST_AUTO_TEST_CASE(clean_sample_is_clean_of_every_kind) {
  BOOST_TEST(cleanSample().planted.empty());
  Checker checker(cleanSample().journal);
  Keyed found = checker.run();
  for (const auto& rule : kRules)
    BOOST_CHECK_MESSAGE(found.byRule[rule].empty(), rule << ": " << found.byRule[rule].size()
                                                         << " found, e.g." << sample(found.byRule[rule]));
  // Borderline cases are present and compliant: written works whose marks were posted exactly at the limit.
  BOOST_TEST(checker.exactLimitWorks > 10);
}

BOOST_AUTO_TEST_CASE(planted_violations_are_exactly_what_an_independent_check_finds) {
  compareWithPlanted(defaultSample());
}

BOOST_AUTO_TEST_CASE(planted_violations_of_the_large_sample_are_exactly_what_an_independent_check_finds) {
  compareWithPlanted(largeSample());
}

BOOST_AUTO_TEST_CASE(planted_violations_hold_for_small_classes_and_other_seeds) {
  for (uint64_t seed : {1u, 99u}) {
    samples::SampleOptions o;
    o.studentsPerClass = 8;
    o.seed = seed;
    BOOST_TEST_CONTEXT("seed " << seed) compareWithPlanted(samples::generate(o));
  }
}

BOOST_AUTO_TEST_CASE(every_rule_kind_is_planted_and_every_planted_id_exists) {
  const auto& s = defaultSample();
  JournalIndex idx(s.journal);
  std::map<std::string, int> perRule;
  for (const auto& v : s.planted) {
    ++perRule[v.rule];
    BOOST_TEST_INFO(v.rule << " " << v.note);
    BOOST_CHECK(idx.schoolClass(v.classId) != nullptr);
    BOOST_CHECK(std::any_of(s.journal.subjects.begin(), s.journal.subjects.end(),
                            [&](const Subject& x) { return x.id == v.subjectId; }));
    if (!v.lessonId.empty()) {
      const Lesson* l = idx.lesson(v.lessonId);
      BOOST_REQUIRE(l != nullptr);
      BOOST_CHECK(l->classId == v.classId);
      BOOST_CHECK(l->subjectId == v.subjectId);
      BOOST_CHECK(l->subgroupId == v.subgroupId);
    }
    if (!v.studentId.empty()) BOOST_CHECK(idx.student(v.studentId) != nullptr);
    if (!v.periodId.empty()) BOOST_CHECK(idx.period(v.periodId) != nullptr);
    if (!v.subgroupId.empty()) BOOST_CHECK(idx.subgroup(v.subgroupId) != nullptr);
    BOOST_CHECK(!v.note.empty());
  }
  for (const auto& rule : kRules) BOOST_TEST_CHECK(perRule[rule] > 0, rule << " planted " << perRule[rule]);
  // About 0.5-1% of lessons carry a lesson-level violation of some kind (marks.changed concerns marks).
  const double share =
      static_cast<double>(s.planted.size() - perRule["marks.changed"]) / s.journal.lessons.size();
  BOOST_TEST(share < 0.04);
  const std::string json = samples::plantedToJson(s, {});
  BOOST_TEST(json.find("\"marks.deadline\"") != std::string::npos);
  BOOST_TEST(json.find("\"" + s.planted.front().lessonId + "\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(marks_and_attendance_are_only_for_enrolled_students_and_valid) {
  const Journal& j = defaultSample().journal;
  JournalIndex idx(j);
  for (const auto& a : j.attendance) {
    const Lesson* l = idx.lesson(a.lessonId);
    BOOST_REQUIRE(l && l->attendanceTaken);
    BOOST_REQUIRE(idx.student(a.studentId)->enrolledIn(l->classId, l->date));
  }
  for (const auto& m : j.marks) {
    BOOST_REQUIRE(m.value.kind == MarkKind::Points);
    BOOST_REQUIRE(m.value.points >= 2 && m.value.points <= 5);
    const Lesson* l = idx.lesson(m.lessonId);
    BOOST_REQUIRE(idx.schoolClass(l->classId)->grade >= 2);
    BOOST_REQUIRE(m.enteredAt.date >= l->date);
    if (!m.history.empty()) BOOST_REQUIRE(m.history.back().newValue == m.value);
  }
  for (const auto& pm : j.periodMarks) BOOST_REQUIRE(idx.schoolClass(pm.classId)->grade >= 2);
}

BOOST_AUTO_TEST_CASE(topics_are_russian_and_include_formulas_and_quoted_terms) {
  const Journal& j = cleanSample().journal;
  int formulas = 0, quoted = 0, roman = 0;
  for (const auto& p : j.plan) {
    BOOST_REQUIRE_MESSAGE(russianText(p.topic), p.topic);
    formulas +=
        p.topic.find("H₂SO₄") != std::string::npos || p.topic.find("x² + bx + c = 0") != std::string::npos;
    quoted += p.topic.find("(Present Simple)") != std::string::npos;
    roman += p.topic.find("XVII") != std::string::npos;
  }
  BOOST_TEST(formulas > 0);
  BOOST_TEST(quoted > 0);
  BOOST_TEST(roman > 0);
  BOOST_TEST(!russianText("Unit 3. My family"));
  BOOST_TEST(!russianText("Cлово"));  // Latin C
  BOOST_TEST(russianText("Настоящее простое время (Present Simple)"));
}

BOOST_AUTO_TEST_CASE(bad_options_are_refused_with_the_option_named) {
  samples::SampleOptions o;
  o.classes = 12;
  try {
    samples::generate(o);
    BOOST_FAIL("12 classes accepted");
  } catch (const Error& e) {
    BOOST_CHECK(e.kind() == ErrorKind::Input);
    BOOST_TEST(e.where() == "--classes");
  }
  o.classes = 11;
  o.studentsPerClass = 3;
  BOOST_CHECK_THROW(samples::generate(o), Error);
}
