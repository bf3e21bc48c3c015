// A complete, deterministic text dump of a Journal (every record and field, in vector order), for comparing
// journals in tests: two journals are equal exactly when their dumps are.
#pragma once

#include <sstream>
#include <string>

#include "ejournal/model/journal.h"

namespace ejournal::testing {

inline std::string journalText(const model::Journal& j) {
  using namespace model;
  std::ostringstream o;
  auto opt = [](const auto& v) { return v ? v->toString() : std::string("-"); };
  auto mark = [](const std::optional<MarkValue>& v) { return v ? v->toString() : std::string("-"); };
  o << "v" << j.formatVersion << "\nschool " << j.school.id << '|' << j.school.fullName << '|'
    << j.school.shortName << '|' << j.school.director << '|' << j.school.deputyDirector << '|'
    << j.school.address << "\nyear " << j.year.startYear << ' ' << j.year.start.toString() << ' '
    << j.year.end.toString() << '\n';
  for (const auto& p : j.periods)
    o << "period " << p.id << ' ' << static_cast<int>(p.kind) << ' ' << p.number << ' '
      << p.dates.from.toString() << ' ' << p.dates.to.toString() << ' ' << p.gradeFrom << ' ' << p.gradeTo
      << '\n';
  for (const auto& h : j.holidays)
    o << "holiday " << h.name << ' ' << h.dates.from.toString() << ' ' << h.dates.to.toString() << '\n';
  for (const auto& s : j.staff)
    o << "staff " << s.id << '|' << s.lastName << '|' << s.firstName << '|' << s.middleName << '|'
      << s.position << '\n';
  for (const auto& s : j.subjects)
    o << "subject " << s.id << '|' << s.name << '|' << s.shortName << '|' << s.order << '|'
      << static_cast<int>(s.grading) << '|' << s.twoMarksPerCell << '\n';
  for (const auto& c : j.classes)
    o << "class " << c.id << '|' << c.grade << '|' << c.letter << '|' << c.classTeacherId << '\n';
  for (const auto& s : j.students) {
    o << "student " << s.id << '|' << s.lastName << '|' << s.firstName << '|' << s.middleName << '|'
      << opt(s.birthDate);
    for (const auto& e : s.enrolments) o << '|' << e.classId << ' ' << e.from.toString() << ' ' << opt(e.to);
    o << '\n';
  }
  for (const auto& g : j.subgroups) {
    o << "subgroup " << g.id << '|' << g.classId << '|' << g.subjectId << '|' << g.name << '|' << g.teacherId;
    for (const auto& m : g.members) o << '|' << m.studentId << ' ' << m.from.toString() << ' ' << opt(m.to);
    o << '\n';
  }
  for (const auto& c : j.curriculum) {
    o << "curriculum " << c.classId << '|' << c.subjectId << '|' << c.subgroupId << '|' << c.hoursPerWeek
      << '|' << c.hoursYear;
    for (const auto& p : c.periods) o << '|' << p.periodId << '=' << p.hours;
    o << '\n';
  }
  for (const auto& p : j.plan)
    o << "plan " << p.classId << '|' << p.subjectId << '|' << p.subgroupId << '|' << p.number << '|'
      << p.topic << '|' << (p.workType ? std::string(toString(*p.workType)) : "-") << '|' << p.workTopic
      << '|' << p.homework << '|' << p.hours << '\n';
  for (const auto& t : j.timetable)
    o << "slot " << t.weekday << '|' << t.slot << '|' << t.classId << '|' << t.subjectId << '|'
      << t.subgroupId << '|' << t.teacherId << '|' << t.valid.from.toString() << '|' << t.valid.to.toString()
      << '\n';
  for (const auto& l : j.lessons) {
    o << "lesson " << l.id << '|' << l.date.toString() << '|' << l.slot << '|' << l.classId << '|'
      << l.subjectId << '|' << l.subgroupId << '|' << l.teacherId << '|' << l.substituteTeacherId << '|'
      << l.hours << '|' << l.topic << '|' << opt(l.topicEnteredAt) << '|' << l.topicEnteredBy << '|'
      << l.homework << '|' << l.attendanceTaken << '|' << opt(l.attendanceEnteredAt);
    for (const auto& w : l.works)
      o << "|work " << w.id << ' ' << toString(w.type) << ' ' << w.weight << ' ' << w.topic;
    o << '\n';
  }
  for (const auto& m : j.marks) {
    o << "mark " << m.id << '|' << m.studentId << '|' << m.lessonId << '|' << m.workId << '|'
      << m.value.toString() << '|' << m.weight << '|' << m.enteredAt.toString() << '|' << m.enteredBy;
    for (const auto& h : m.history)
      o << "|change " << mark(h.oldValue) << ' ' << mark(h.newValue) << ' ' << h.at.toString() << ' ' << h.by;
    o << '\n';
  }
  for (const auto& a : j.attendance)
    o << "attendance " << a.studentId << '|' << a.lessonId << '|' << toString(a.status) << '|'
      << opt(a.enteredAt) << '\n';
  for (const auto& p : j.periodMarks)
    o << "periodmark " << p.studentId << '|' << p.classId << '|' << p.subjectId << '|' << toString(p.kind)
      << '|' << p.periodId << '|' << p.value.toString() << '|' << opt(p.enteredAt) << '|' << p.enteredBy
      << '\n';
  return o.str();
}

}  // namespace ejournal::testing
