// The domain model of one school's electronic class journal for one academic year.
//
// Plain value structs with public fields (conventions §5): every stage (store, ingest, rules, reports,
// render, archive, app) exchanges these values and nothing else. Ids are stable strings as they come from the
// source (dnevnik.ru ids are 64-bit numbers and arrive as strings too). Optional references are empty
// strings. This header depends on the standard library only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ejournal/model/date.h"

namespace ejournal::model {

inline constexpr int kFormatVersion = 2;  // 2: staff e-mail addresses (docs/xml-format.md)

struct School {
  std::string id;
  std::string fullName;  // "Муниципальное автономное общеобразовательное учреждение лицей «Ступени»"
  std::string shortName;       // "МАОУ лицей «Ступени»"
  std::string director;        // "Тюрина Наталья Александровна"
  std::string deputyDirector;  // заместитель директора по УВР
  std::string address;
};

struct AcademicYear {
  int startYear = 0;          // 2025 for 2025/2026
  Date start;                 // first day of studies, e.g. 2025-09-01
  Date end;                   // last day, e.g. 2026-05-31
  std::string label() const;  // "2025/2026"
};

enum class PeriodKind { Quarter, HalfYear, Year };
std::string_view toString(PeriodKind k);  // "quarter", "halfyear", "year" (the XML and the store)
std::optional<PeriodKind> periodKindFromString(std::string_view s);

// A reporting period. Quarters usually apply to grades 1-9 and half-years to 10-11; the year to all.
struct Period {
  std::string id;  // canonical name: "2025-Q1".."2025-Q4", "2025-H1", "2025-H2", "2025-year"
  PeriodKind kind = PeriodKind::Quarter;
  int number = 1;  // 1-based within its kind; 1 for the year
  DateRange dates;
  int gradeFrom = 1;  // grades this period is a reporting period for (inclusive)
  int gradeTo = 11;
  bool appliesTo(int grade) const { return gradeFrom <= grade && grade <= gradeTo; }
};

struct Holiday {
  std::string name;  // "Осенние каникулы"
  DateRange dates;
  int gradeFrom = 1;  // the grades that are on holiday (the extra February week is for grade 1 only)
  int gradeTo = 11;
  bool appliesTo(int grade) const { return gradeFrom <= grade && grade <= gradeTo; }
};

struct Staff {
  std::string id;
  std::string lastName;
  std::string firstName;
  std::string middleName;
  std::string position;  // "учитель математики", "заместитель директора по УВР"
  std::string email = {};         // optional (format version 2): where the follow-up of checks is sent
  std::string fullName() const;   // "Иванова Мария Петровна"
  std::string shortName() const;  // "Иванова М. П."
};

enum class Grading {
  Marked,    // ordinary 5-point marks
  PassFail,  // зачёт / незачёт
  Unmarked,  // без отметок (also all of grade 1)
};
std::string_view toString(Grading g);  // "marked", "passfail", "unmarked"
std::optional<Grading> gradingFromString(std::string_view s);

struct Subject {
  std::string id;
  std::string name;       // "Математика"
  std::string shortName;  // "Матем." (for narrow columns); may equal name
  int order = 0;          // curriculum order, for printouts
  Grading grading = Grading::Marked;
  bool twoMarksPerCell = false;  // Russian language and literature may put two marks in one cell
};

struct SchoolClass {
  std::string id;
  int grade = 1;       // 1..11
  std::string letter;  // "А"
  std::string classTeacherId;
  std::string name() const;  // "5А"
};

struct Enrolment {
  std::string classId;
  Date from;
  std::optional<Date> to;  // empty: still enrolled
  bool contains(Date d) const { return from <= d && (!to || d <= *to); }
};

struct Student {
  std::string id;
  std::string lastName;
  std::string firstName;
  std::string middleName;
  std::optional<Date> birthDate;
  std::vector<Enrolment> enrolments;  // ordered by date; a transfer ends one and starts another
  std::string fullName() const;       // "Петров Пётр Ильич"
  std::string shortName() const;      // "Петров П."
  bool enrolledIn(std::string_view classId, Date d) const;
};

struct Membership {
  std::string studentId;
  Date from;
  std::optional<Date> to;
  bool contains(Date d) const { return from <= d && (!to || d <= *to); }
};

// A class split for one subject into a group with its own teacher ("1 группа", "англ. гр. Иванова").
struct Subgroup {
  std::string id;
  std::string classId;
  std::string subjectId;
  std::string name;
  std::string teacherId;
  std::vector<Membership> members;
};

// Hours of one subject in one class (or one subgroup of it) by the curriculum.
struct PeriodHours {
  std::string periodId;
  int hours = 0;
};

struct CurriculumEntry {
  std::string classId;
  std::string subjectId;
  std::string subgroupId;  // empty: the whole class
  double hoursPerWeek = 0;
  int hoursYear = 0;
  std::vector<PeriodHours> periods;  // hours per reporting period of the class
};

enum class WorkType {
  Classwork,    // работа на уроке (the default graded column)
  Homework,     // домашняя работа
  Oral,         // устный ответ
  Independent,  // самостоятельная работа
  Control,      // контрольная работа
  Test,         // тестовая работа
  Essay,        // сочинение
  Exposition,   // изложение
  Dictation,    // диктант
  Practical,    // практическая работа
  Laboratory,   // лабораторная работа
  Excursion,    // экскурсия
};

// Stable identifier used in XML and JSON ("control"), and the Russian title ("Контрольная работа").
std::string_view toString(WorkType t);
std::optional<WorkType> workTypeFromString(std::string_view s);
std::string_view russianTitle(WorkType t);
std::optional<WorkType> workTypeFromRussian(std::string_view title);  // case-insensitive on the first letter

// One planned lesson of the thematic plan (КТП).
struct PlannedLesson {
  std::string classId;
  std::string subjectId;
  std::string subgroupId;  // empty: the whole class
  int number = 0;          // 1-based order within class x subject (x subgroup)
  std::string topic;
  std::optional<WorkType> workType;  // planned work, e.g. Control for a planned control work
  std::string workTopic;
  bool homework = true;  // false where the plan sets no homework
  int hours = 1;
};

// One regular slot of the weekly timetable.
struct TimetableSlot {
  int weekday = 1;  // ISO 1 = Monday
  int slot = 1;     // lesson number in the day
  std::string classId;
  std::string subjectId;
  std::string subgroupId;
  std::string teacherId;
  DateRange valid;  // the dates this timetable line is in force
};

// A work done at a lesson (a graded column): control work, dictation, lab, ...
struct Work {
  std::string id;
  WorkType type = WorkType::Classwork;
  std::string topic;  // "Контрольная работа № 2 «Дроби»"
  int weight = 1;
};

// A lesson as held and recorded.
struct Lesson {
  std::string id;
  Date date;
  int slot = 1;
  std::string classId;
  std::string subjectId;
  std::string subgroupId;           // empty: the whole class
  std::string teacherId;            // who is responsible by the timetable
  std::string substituteTeacherId;  // who actually taught, when it was a recorded substitution
  int hours = 1;
  std::string topic;  // empty: not entered
  std::optional<DateTime> topicEnteredAt;
  std::string topicEnteredBy;
  std::string homework;  // empty: none recorded
  std::vector<Work> works;
  bool attendanceTaken = false;
  std::optional<DateTime> attendanceEnteredAt;
};

enum class MarkKind { Points, NotAssessed, Pass, Fail, Exempt };

// A mark value: 1..5 points, «н/а», «зач», «незач», «осв».
struct MarkValue {
  MarkKind kind = MarkKind::Points;
  int points = 0;                                                // 1..5 when kind == Points
  static std::optional<MarkValue> parse(std::string_view text);  // "5", "н/а", "зач", "незач", "осв"
  std::string toString() const;
  bool operator==(const MarkValue&) const = default;
};

struct MarkChange {
  std::optional<MarkValue> oldValue;  // empty: the mark was created
  std::optional<MarkValue> newValue;  // empty: the mark was deleted
  DateTime at;
  std::string by;  // staff id
};

struct Mark {
  std::string id;
  std::string studentId;
  std::string lessonId;
  std::string workId;  // empty: the lesson's default column
  MarkValue value;
  int weight = 1;
  DateTime enteredAt;  // when the current value was first posted
  std::string enteredBy;
  std::vector<MarkChange> history;  // in time order; the last newValue equals value
};

enum class AttendanceStatus { Absent, Ill, Late, Excused };
std::string_view toString(AttendanceStatus s);  // "absent", "ill", "late", "excused"
std::optional<AttendanceStatus> attendanceStatusFromString(std::string_view s);
std::string_view journalCode(AttendanceStatus s);  // what the printed grid shows: "н", "б", "оп", "у"

struct Attendance {
  std::string studentId;
  std::string lessonId;
  AttendanceStatus status = AttendanceStatus::Absent;
  std::optional<DateTime> enteredAt;
};

enum class PeriodMarkKind { Period, Year, Exam, Final };
std::string_view toString(PeriodMarkKind k);  // "period", "year", "exam", "final"
std::optional<PeriodMarkKind> periodMarkKindFromString(std::string_view s);

struct PeriodMark {
  std::string studentId;
  std::string classId;
  std::string subjectId;
  PeriodMarkKind kind = PeriodMarkKind::Period;
  std::string periodId;  // for kind == Period: "2025-Q1"; for the others the year period id "2025-year"
  MarkValue value;
  std::optional<DateTime> enteredAt;
  std::string enteredBy;
};

// Where a record came from, kept by the store for every ingest or pull.
struct Provenance {
  std::string source;  // "xml:path/to/file.xml" or "dnevnik:https://api.dnevnik.ru"
  std::string runId;   // ingest or pull id
  DateTime at;
};

// Everything known about one school's year. Vectors keep the source's order; lookups go through JournalIndex.
struct Journal {
  int formatVersion = kFormatVersion;
  School school;
  AcademicYear year;
  std::vector<Period> periods;
  std::vector<Holiday> holidays;
  std::vector<Staff> staff;
  std::vector<Subject> subjects;
  std::vector<SchoolClass> classes;
  std::vector<Student> students;
  std::vector<Subgroup> subgroups;
  std::vector<CurriculumEntry> curriculum;
  std::vector<PlannedLesson> plan;
  std::vector<TimetableSlot> timetable;
  std::vector<Lesson> lessons;
  std::vector<Mark> marks;
  std::vector<Attendance> attendance;
  std::vector<PeriodMark> periodMarks;
};

}  // namespace ejournal::model
