// The hand-built school of hand_journal.h.
#include "hand_journal.h"

#include <string>

namespace ejournal::pulltest {

using namespace model;

namespace {
Date d(int y, int m, int day) { return Date::fromYmd(y, m, day); }
DateTime at(Date date, int h, int min) { return DateTime{date, h * 3600 + min * 60}; }
}  // namespace

Journal lyceumYear2025(const std::string& schoolId) {
  Journal j;
  j.school = {schoolId,
              "Муниципальное автономное общеобразовательное учреждение лицей «Ступени»",
              "МАОУ лицей «Ступени»",
              "Тюрина Наталья Александровна",
              "Зайцева Ольга Викторовна",
              "г. Энск, ул. Школьная, 1"};
  j.year = {2025, d(2025, 9, 1), d(2026, 5, 26)};
  j.periods = {
      {"2025-Q1", PeriodKind::Quarter, 1, {d(2025, 9, 1), d(2025, 10, 24)}, 1, 9},
      {"2025-Q2", PeriodKind::Quarter, 2, {d(2025, 11, 5), d(2025, 12, 28)}, 1, 9},
      {"2025-Q3", PeriodKind::Quarter, 3, {d(2026, 1, 12), d(2026, 3, 20)}, 1, 9},
      {"2025-Q4", PeriodKind::Quarter, 4, {d(2026, 3, 30), d(2026, 5, 26)}, 1, 9},
      {"2025-H1", PeriodKind::HalfYear, 1, {d(2025, 9, 1), d(2025, 12, 28)}, 10, 11},
      {"2025-H2", PeriodKind::HalfYear, 2, {d(2026, 1, 12), d(2026, 5, 26)}, 10, 11},
      {"2025-year", PeriodKind::Year, 1, {d(2025, 9, 1), d(2026, 5, 26)}, 1, 11},
  };
  j.holidays = {{"Осенние каникулы", {d(2025, 10, 25), d(2025, 11, 4)}},
                {"Зимние каникулы", {d(2025, 12, 29), d(2026, 1, 11)}}};
  return j;
}

Journal handJournal() {
  Journal j = lyceumYear2025("1001");
  j.staff = {{"2001", "Тюрина", "Наталья", "Александровна", "директор"},
             {"2002", "Зайцева", "Ольга", "Викторовна", "заместитель директора по УВР"},
             {"2003", "Иванова", "Мария", "Петровна", "учитель математики"},
             {"2004", "Петров", "Дмитрий", "Олегович", "учитель английского языка"},
             {"2005", "Морозова", "Анна", "Викторовна", "учитель английского языка"},
             {"2006", "Волков", "Сергей", "Николаевич", "учитель физики"}};
  j.subjects = {{"3001", "Математика", "Матем.", 1, Grading::Marked, false},
                {"3002", "Английский язык", "Англ. яз.", 2, Grading::Marked, false},
                {"3003", "Физика", "Физика", 3, Grading::Marked, false}};
  j.classes = {{"4001", 5, "А", "2003"}, {"4002", 10, "Б", "2006"}};
  auto student = [&](std::string id, std::string last, std::string first, std::string middle, std::string cls,
                     Date from, std::optional<Date> to) {
    Student s;
    s.id = std::move(id);
    s.lastName = std::move(last);
    s.firstName = std::move(first);
    s.middleName = std::move(middle);
    s.enrolments.push_back({std::move(cls), from, to});
    j.students.push_back(s);
  };
  student("5001", "Алексеев", "Артём", "Игоревич", "4001", d(2025, 9, 1), std::nullopt);
  student("5002", "Белова", "Анна", "Сергеевна", "4001", d(2025, 9, 1), std::nullopt);
  student("5003", "Ёлкина", "Мария", "", "4001", d(2025, 9, 1), std::nullopt);
  student("5004", "Жуков", "Кирилл", "Андреевич", "4001", d(2025, 9, 1), d(2025, 9, 12));  // leaves
  student("5005", "Григорьев", "Илья", "Павлович", "4002", d(2025, 9, 1), std::nullopt);
  student("5006", "Дмитриева", "Полина", "Олеговна", "4002", d(2025, 9, 1), std::nullopt);
  student("5007", "Козлов", "Никита", "Ильич", "4002", d(2025, 9, 1), std::nullopt);
  student("5008", "Орлова", "Виктория", "Денисовна", "4002", d(2025, 9, 8), std::nullopt);  // joins
  j.subgroups = {{"4101",
                  "4002",
                  "3002",
                  "1 группа",
                  "2004",
                  {{"5005", d(2025, 9, 1), {}}, {"5006", d(2025, 9, 1), {}}}},
                 {"4102",
                  "4002",
                  "3002",
                  "2 группа",
                  "2005",
                  {{"5007", d(2025, 9, 1), {}}, {"5008", d(2025, 9, 8), {}}}}};
  j.curriculum = {{"4001", "3001", "", 5, 170, {{"2025-Q1", 40}}},
                  {"4002", "3003", "", 2, 68, {{"2025-H1", 32}}}};
  j.plan = {{"4001", "3001", "", 1, "Натуральные числа", std::nullopt, "", true, 1}};
  const DateRange whole{j.year.start, j.year.end};
  // weekday, slot, class, subject, subgroup, teacher
  j.timetable = {{1, 1, "4001", "3001", "", "2003", whole},
                 {3, 2, "4001", "3001", "", "2003", whole},
                 {2, 3, "4002", "3002", "4101", "2004", whole},
                 {2, 3, "4002", "3002", "4102", "2005", whole},
                 {4, 4, "4002", "3003", "", "2006", whole}};

  int lessonNo = 0, markNo = 0, absenceNo = 0;
  const AttendanceStatus statuses[] = {AttendanceStatus::Absent, AttendanceStatus::Ill,
                                       AttendanceStatus::Late, AttendanceStatus::Excused};
  for (Date day = d(2025, 9, 1); day <= d(2025, 10, 24); day = day + 1) {
    for (const auto& slot : j.timetable) {
      if (slot.weekday != day.weekday()) continue;
      Lesson l;
      l.id = std::to_string(600000 + ++lessonNo);
      l.date = day;
      l.slot = slot.slot;
      l.classId = slot.classId;
      l.subjectId = slot.subjectId;
      l.subgroupId = slot.subgroupId;
      l.teacherId = slot.teacherId;
      const std::string taught = l.teacherId;
      l.topic = "Тема урока № " + std::to_string(lessonNo);
      l.topicEnteredAt = at(day, 15, lessonNo % 50);
      l.topicEnteredBy = taught;
      l.homework = "Упражнение № " + std::to_string(lessonNo);
      l.attendanceTaken = true;
      l.attendanceEnteredAt = at(day, 8 + slot.slot, 35);
      if (day == d(2025, 9, 10) && l.classId == "4001") {
        l.works.push_back({"700001", WorkType::Control, "Контрольная работа № 1 «Натуральные числа»", 2});
        l.homework.clear();
      }
      if (day == d(2025, 9, 18) && l.subjectId == "3003") {
        l.substituteTeacherId = "2003";  // a recorded substitution: the maths teacher gave the physics lesson
        l.topicEnteredBy = "2003";
        l.works.push_back({"700002", WorkType::Laboratory, "Лабораторная работа № 1 «Измерение длины»", 1});
      }
      if (day == d(2025, 10, 2) && l.subjectId == "3003") {  // nothing recorded
        l.topic.clear();
        l.topicEnteredAt.reset();
        l.topicEnteredBy.clear();
        l.homework.clear();
        l.attendanceTaken = false;
        l.attendanceEnteredAt.reset();
      }
      // The pupils of the lesson on that day.
      std::vector<std::string> pupils;
      if (l.subgroupId.empty()) {
        for (auto& s : j.students)
          if (s.enrolledIn(l.classId, day)) pupils.push_back(s.id);
      } else {
        for (auto& sg : j.subgroups)
          if (sg.id == l.subgroupId)
            for (auto& m : sg.members)
              if (m.contains(day)) pupils.push_back(m.studentId);
      }
      if (l.attendanceTaken && !pupils.empty()) {
        const std::string who = pupils[static_cast<size_t>(lessonNo) % pupils.size()];
        j.attendance.push_back({who, l.id, statuses[absenceNo++ % 4], l.attendanceEnteredAt});
      }
      if (!l.topic.empty()) {
        for (size_t k = 0; k < pupils.size(); ++k) {
          if ((k + static_cast<size_t>(lessonNo)) % 3 == 0 && l.works.empty())
            continue;  // not everybody every time
          Mark m;
          m.id = std::to_string(800000 + ++markNo);
          m.studentId = pupils[k];
          m.lessonId = l.id;
          m.value = MarkValue{MarkKind::Points, 2 + (markNo * 7 + static_cast<int>(k)) % 4};
          if (!l.works.empty()) {
            m.workId = l.works.front().id;
            m.weight = l.works.front().weight;
          }
          if (markNo == 17) m.value = MarkValue{MarkKind::NotAssessed, 0};
          if (markNo == 23) m.value = MarkValue{MarkKind::Pass, 0};
          m.enteredAt = at(day, 16, static_cast<int>(k));
          m.enteredBy = l.substituteTeacherId.empty() ? l.teacherId : l.substituteTeacherId;
          j.marks.push_back(m);
        }
      }
      j.lessons.push_back(l);
    }
  }
  for (const char* s : {"5001", "5002", "5003"})
    j.periodMarks.push_back({s, "4001", "3001", PeriodMarkKind::Period, "2025-Q1",
                             MarkValue{MarkKind::Points, s[3] == '2' ? 5 : 4}, at(d(2025, 10, 24), 12, 0),
                             "2003"});
  j.periodMarks.push_back({"5005", "4002", "3003", PeriodMarkKind::Period, "2025-H1",
                           MarkValue{MarkKind::Points, 5}, at(d(2025, 12, 27), 11, 0), "2006"});
  j.periodMarks.push_back({"5005", "4002", "3003", PeriodMarkKind::Year, "2025-year",
                           MarkValue{MarkKind::Points, 5}, at(d(2026, 5, 25), 11, 0), "2006"});
  j.periodMarks.push_back({"5006", "4002", "3003", PeriodMarkKind::Exam, "2025-year",
                           MarkValue{MarkKind::Points, 4}, at(d(2026, 5, 26), 10, 0), "2002"});
  return j;
}

}  // namespace ejournal::pulltest
