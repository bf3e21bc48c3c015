// Test helpers for the store (see store_fixture.h).
#include "store_fixture.h"

#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/Session.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <regex>
#include <sstream>
#include <tuple>

#include "hand_journal.h"

using namespace ejournal::model;
namespace fs = std::filesystem;

namespace storetest {

namespace {
std::atomic<int> counter{0};
}

TempDir::TempDir() {
  path_ = fs::path(EJOURNAL_BINARY_DIR) / "tmp" /
          ("store-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  fs::remove_all(path_);
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  if (std::getenv("EJOURNAL_KEEP_TMP")) return;  // for debugging a failed test
  std::error_code ec;
  fs::remove_all(path_, ec);
}

void forEachBackend(const std::function<void(const Backend&)>& test) {
  {
    TempDir dir;
    Backend b{"sqlite", "sqlite:" + (dir.path() / "store.db").string(), dir.path() / "store.db"};
    BOOST_TEST_CONTEXT("back end sqlite") { test(b); }
  }
  const char* pg = std::getenv("EJOURNAL_PG");
  if (!pg || !*pg) return;
  static std::once_flag once;
  std::call_once(once, [] { Poco::Data::PostgreSQL::Connector::registerConnector(); });
  std::string base = pg;
  std::string name = "ejt_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
  Poco::Data::Session admin("PostgreSQL", base);
  admin << "DROP DATABASE IF EXISTS " + name, Poco::Data::Keywords::now;
  admin << "CREATE DATABASE " + name, Poco::Data::Keywords::now;
  std::string conn = std::regex_replace(base, std::regex(R"(dbname\s*=\s*\S+)"), "dbname=" + name);
  if (conn == base) conn += " dbname=" + name;
  try {
    BOOST_TEST_CONTEXT("back end postgresql") { test({"postgresql", "postgresql:" + conn, {}}); }
  } catch (...) {
    admin << "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)", Poco::Data::Keywords::now;
    throw;
  }
  admin << "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)", Poco::Data::Keywords::now;
}

Journal sampleJournal(const std::string& schoolId) {
  auto d = [](int y, int m, int day) { return Date::fromYmd(y, m, day); };
  auto t = [](const char* s) { return *DateTime::parse(s); };
  Journal j = ejournal::pulltest::lyceumYear2025(schoolId);
  // In the store's load order: periods by id.
  std::sort(j.periods.begin(), j.periods.end(), [](const Period& a, const Period& b) { return a.id < b.id; });
  j.staff = {{"t1", "Тюрина", "Наталья", "Александровна", "директор"},
             {"t3", "Иванова", "Мария", "Петровна", "учитель математики"},
             {"t5", "Петров", "Дмитрий", "Олегович", "учитель английского языка"}};
  j.subjects = {{"eng", "Английский язык", "Англ. яз.", 3, Grading::Marked, false},
                {"math", "Математика", "Матем.", 1, Grading::Marked, false},
                {"rus", "Русский язык", "Рус. яз.", 2, Grading::Marked, true}};
  j.classes = {{"10b", 10, "Б", "t5"}, {"5a", 5, "А", "t3"}};
  j.students = {
      {"s01", "Алексеев", "Артём", "Игоревич", d(2014, 3, 2), {{"5a", d(2025, 9, 1), std::nullopt}}},
      {"s02", "Белова", "Анна", "", std::nullopt, {{"5a", d(2025, 9, 1), std::nullopt}}},
      {"s03",
       "Ёлкина",
       "Мария",
       "Сергеевна",
       d(2014, 7, 30),
       {{"5a", d(2025, 9, 1), d(2025, 11, 10)}, {"10b", d(2025, 11, 11), std::nullopt}}},
      {"s11", "Григорьев", "Илья", "Павлович", std::nullopt, {{"10b", d(2025, 9, 1), std::nullopt}}},
  };
  j.subgroups = {{"10b-eng-1",
                  "10b",
                  "eng",
                  "1 группа",
                  "t5",
                  {{"s11", d(2025, 9, 1), std::nullopt}, {"s03", d(2025, 11, 11), std::nullopt}}}};
  j.curriculum = {
      {"10b", "eng", "10b-eng-1", 3, 102, {{"2025-H1", 48}, {"2025-H2", 54}}},
      {"5a", "math", "", 5, 170, {{"2025-Q1", 40}, {"2025-Q2", 35}, {"2025-Q3", 50}, {"2025-Q4", 45}}},
      {"5a", "rus", "", 4.5, 153, {}},
  };
  j.plan = {
      {"5a", "math", "", 1, "Натуральные числа", std::nullopt, "", true, 1},
      {"5a", "math", "", 2, "Контрольная работа № 1", WorkType::Control, "Натуральные числа", false, 1},
  };
  j.timetable = {
      {2, 3, "10b", "eng", "10b-eng-1", "t5", {d(2025, 9, 1), d(2026, 5, 26)}},
      {1, 1, "5a", "math", "", "t3", {d(2025, 9, 1), d(2026, 5, 26)}},
      {2, 2, "5a", "math", "", "t3", {d(2025, 9, 1), d(2026, 5, 26)}},
  };
  // Sorted as load() returns them: by timetable class, weekday, slot.
  std::sort(j.timetable.begin(), j.timetable.end(), [](const TimetableSlot& a, const TimetableSlot& b) {
    return std::tie(a.classId, a.weekday, a.slot) < std::tie(b.classId, b.weekday, b.slot);
  });

  Lesson l1;
  l1.id = "l5a-0901-1";
  l1.date = d(2025, 9, 1);
  l1.slot = 1;
  l1.classId = "5a";
  l1.subjectId = "math";
  l1.teacherId = "t3";
  l1.topic = "Натуральные числа";
  l1.topicEnteredAt = t("2025-09-01T15:00:00");
  l1.topicEnteredBy = "t3";
  l1.homework = "№ 12, 14";
  l1.attendanceTaken = true;
  l1.attendanceEnteredAt = t("2025-09-01T09:10:00");
  Lesson l2 = l1;
  l2.id = "l10b-0902-3";
  l2.date = d(2025, 9, 2);
  l2.slot = 3;
  l2.classId = "10b";
  l2.subjectId = "eng";
  l2.subgroupId = "10b-eng-1";
  l2.teacherId = "t5";
  l2.substituteTeacherId = "t3";
  l2.topic = "Настоящее простое время (Present Simple)";
  l2.topicEnteredBy = "t3";
  l2.topicEnteredAt.reset();
  l2.homework = "";
  l2.attendanceTaken = false;
  l2.attendanceEnteredAt.reset();
  Lesson l3 = l1;
  l3.id = "l5a-0902-2";
  l3.date = d(2025, 9, 2);
  l3.slot = 2;
  l3.topic = "Контрольная работа № 1";
  l3.homework = "";
  l3.hours = 2;
  l3.works = {{"w5a-0902-2", WorkType::Control, "Контрольная работа № 1 «Натуральные числа»", 2},
              {"w5a-0902-2b", WorkType::Oral, "", 1}};
  Lesson l4 = l1;
  l4.id = "l5a-1110-1";
  l4.date = d(2025, 11, 10);
  l4.topic = "Дроби";
  j.lessons = {l1, l3, l2, l4};  // by date, slot

  j.marks = {
      {"m01", "s01", "l5a-0901-1", "", *MarkValue::parse("5"), 1, t("2025-09-01T15:01:00"), "t3", {}},
      {"m02", "s02", "l5a-0901-1", "", *MarkValue::parse("4"), 1, t("2025-09-01T15:02:00"), "t3", {}},
      {"m03",
       "s01",
       "l5a-0902-2",
       "w5a-0902-2",
       *MarkValue::parse("3"),
       2,
       t("2025-09-05T18:00:00"),
       "t3",
       {{std::nullopt, *MarkValue::parse("2"), t("2025-09-04T17:56:00"), "t3"},
        {*MarkValue::parse("2"), *MarkValue::parse("3"), t("2025-09-05T18:00:00"), "t3"}}},
      {"m04", "s11", "l10b-0902-3", "", *MarkValue::parse("зач"), 1, t("2025-09-02T20:00:00"), "t3", {}},
      {"m05", "s03", "l5a-0901-1", "", *MarkValue::parse("н/а"), 1, t("2025-09-03T08:00:00"), "t3", {}},
      {"m06", "s01", "l5a-1110-1", "", *MarkValue::parse("5"), 1, t("2025-11-10T16:00:00"), "t3", {}},
  };
  j.attendance = {
      {"s11", "l10b-0902-3", AttendanceStatus::Late, std::nullopt},
      {"s02", "l5a-0902-2", AttendanceStatus::Ill, t("2025-09-02T09:00:00")},
      {"s03", "l5a-0902-2", AttendanceStatus::Absent, t("2025-09-02T09:00:00")},
      {"s02", "l5a-1110-1", AttendanceStatus::Excused, std::nullopt},
  };
  j.periodMarks = {
      {"s01", "5a", "math", PeriodMarkKind::Period, "2025-Q1", *MarkValue::parse("5"),
       t("2025-10-24T12:00:00"), "t3"},
      {"s01", "5a", "math", PeriodMarkKind::Year, "2025-year", *MarkValue::parse("5"), std::nullopt, ""},
      {"s02", "5a", "math", PeriodMarkKind::Period, "2025-Q1", *MarkValue::parse("4"), std::nullopt, "t3"},
  };
  return j;
}

namespace {

std::string opt(const std::optional<Date>& d) { return d ? d->toString() : "-"; }
std::string opt(const std::optional<DateTime>& t) { return t ? t->toString() : "-"; }
std::string opt(const std::optional<MarkValue>& v) { return v ? v->toString() : "-"; }

}  // namespace

std::string dump(const Journal& j) {
  std::ostringstream o;
  o.imbue(std::locale::classic());
  const auto& s = j.school;
  o << "school " << s.id << '|' << s.fullName << '|' << s.shortName << '|' << s.director << '|'
    << s.deputyDirector << '|' << s.address << '|' << j.formatVersion << '\n';
  o << "year " << j.year.startYear << '|' << j.year.start.toString() << '|' << j.year.end.toString() << '\n';
  for (const auto& p : j.periods)
    o << "period " << p.id << '|' << static_cast<int>(p.kind) << '|' << p.number << '|'
      << p.dates.from.toString() << '|' << p.dates.to.toString() << '|' << p.gradeFrom << '|' << p.gradeTo
      << '\n';
  for (const auto& h : j.holidays)
    o << "holiday " << h.name << '|' << h.dates.from.toString() << '|' << h.dates.to.toString() << '\n';
  for (const auto& x : j.staff)
    o << "staff " << x.id << '|' << x.lastName << '|' << x.firstName << '|' << x.middleName << '|'
      << x.position << '\n';
  for (const auto& x : j.subjects)
    o << "subject " << x.id << '|' << x.name << '|' << x.shortName << '|' << x.order << '|'
      << static_cast<int>(x.grading) << '|' << x.twoMarksPerCell << '\n';
  for (const auto& x : j.classes)
    o << "class " << x.id << '|' << x.grade << '|' << x.letter << '|' << x.classTeacherId << '\n';
  for (const auto& x : j.students) {
    o << "student " << x.id << '|' << x.lastName << '|' << x.firstName << '|' << x.middleName << '|'
      << opt(x.birthDate) << '\n';
    for (const auto& e : x.enrolments)
      o << "  enrolment " << e.classId << '|' << e.from.toString() << '|' << opt(e.to) << '\n';
  }
  for (const auto& x : j.subgroups) {
    o << "subgroup " << x.id << '|' << x.classId << '|' << x.subjectId << '|' << x.name << '|' << x.teacherId
      << '\n';
    for (const auto& m : x.members)
      o << "  member " << m.studentId << '|' << m.from.toString() << '|' << opt(m.to) << '\n';
  }
  for (const auto& x : j.curriculum) {
    o << "curriculum " << x.classId << '|' << x.subjectId << '|' << x.subgroupId << '|' << x.hoursPerWeek
      << '|' << x.hoursYear << '\n';
    for (const auto& p : x.periods) o << "  hours " << p.periodId << '|' << p.hours << '\n';
  }
  for (const auto& x : j.plan)
    o << "plan " << x.classId << '|' << x.subjectId << '|' << x.subgroupId << '|' << x.number << '|'
      << x.topic << '|' << (x.workType ? std::string(toString(*x.workType)) : "-") << '|' << x.workTopic
      << '|' << x.homework << '|' << x.hours << '\n';
  for (const auto& x : j.timetable)
    o << "slot " << x.weekday << '|' << x.slot << '|' << x.classId << '|' << x.subjectId << '|'
      << x.subgroupId << '|' << x.teacherId << '|' << x.valid.from.toString() << '|' << x.valid.to.toString()
      << '\n';
  for (const auto& x : j.lessons) {
    o << "lesson " << x.id << '|' << x.date.toString() << '|' << x.slot << '|' << x.classId << '|'
      << x.subjectId << '|' << x.subgroupId << '|' << x.teacherId << '|' << x.substituteTeacherId << '|'
      << x.hours << '|' << x.topic << '|' << opt(x.topicEnteredAt) << '|' << x.topicEnteredBy << '|'
      << x.homework << '|' << x.attendanceTaken << '|' << opt(x.attendanceEnteredAt) << '\n';
    for (const auto& w : x.works)
      o << "  work " << w.id << '|' << toString(w.type) << '|' << w.topic << '|' << w.weight << '\n';
  }
  for (const auto& x : j.marks) {
    o << "mark " << x.id << '|' << x.studentId << '|' << x.lessonId << '|' << x.workId << '|'
      << x.value.toString() << '|' << x.weight << '|' << x.enteredAt.toString() << '|' << x.enteredBy << '\n';
    for (const auto& c : x.history)
      o << "  change " << opt(c.oldValue) << '|' << opt(c.newValue) << '|' << c.at.toString() << '|' << c.by
        << '\n';
  }
  for (const auto& x : j.attendance)
    o << "attendance " << x.lessonId << '|' << x.studentId << '|' << toString(x.status) << '|'
      << opt(x.enteredAt) << '\n';
  for (const auto& x : j.periodMarks)
    o << "periodmark " << x.studentId << '|' << x.classId << '|' << x.subjectId << '|' << toString(x.kind)
      << '|' << x.periodId << '|' << x.value.toString() << '|' << opt(x.enteredAt) << '|' << x.enteredBy
      << '\n';
  return o.str();
}

int run(const std::string& command, std::string* out) {
  FILE* p = ::popen(command.c_str(), "r");
  if (!p) return -1;
  std::array<char, 4096> buf;
  size_t n;
  std::string text;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) text.append(buf.data(), n);
  int status = ::pclose(p);
  if (out) *out = text;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

size_t recordCount(const Journal& j) {
  return 1 + j.periods.size() + j.holidays.size() + j.staff.size() + j.subjects.size() + j.classes.size() +
         j.students.size() + j.subgroups.size() + j.curriculum.size() + j.plan.size() + j.timetable.size() +
         j.lessons.size() + j.marks.size() + j.attendance.size() + j.periodMarks.size();
}

}  // namespace storetest
