// Reference data of the sample school: Russian names, the subjects with their curriculum hours per grade, the
// teachers' specialisations, and the topics, lab and practical works and homework patterns per subject.
//
// Plain constant tables; everything random is drawn by the generator from these.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ejournal/model/journal.h"

namespace ejournal::samples::data {

// Surnames in the masculine form; femaleSurname() gives the feminine (Иванов -> Иванова, Островский ->
// Островская, Толстой -> Толстая, Шевченко and Черных do not change).
const std::vector<std::string_view>& surnames();
std::string femaleSurname(std::string_view male);

// A man's first name with the patronymics it gives his son and daughter (Пётр: Петрович, Петровна).
struct MaleName {
  std::string_view name;
  std::string_view sonPatronymic;
  std::string_view daughterPatronymic;
};
const std::vector<MaleName>& fatherNames();
const std::vector<std::string_view>& boyNames();
const std::vector<std::string_view>& girlNames();
const std::vector<std::string_view>& womanNames();
const std::vector<std::string_view>& manNames();  // subset of the fathers' names used for male teachers

// A teacher's specialisation: which subjects they teach and the position written in the staff list.
enum class Family {
  Primary,
  Russian,
  English,
  Math,
  Informatics,
  History,
  Geography,
  Biology,
  Physics,
  Chemistry,
  Music,
  Art,
  Technology,
  PhysicalEducation,
  Safety
};
std::string_view position(Family f);

struct SubjectInfo {
  std::string_view id;
  std::string_view name;
  std::string_view shortName;
  Family family;  // the specialist teaching it in grades 5-11 (grades 1-4: see primaryTeaches)
  model::Grading grading;
  bool twoMarksPerCell;
  bool splitInSubgroups;  // the class is split into two groups with their own teachers
  bool homework;          // the plan sets homework
};
const std::vector<SubjectInfo>& subjects();  // in curriculum order
const SubjectInfo& subjectInfo(std::string_view id);
// In grades 1-4 the class teacher (учитель начальных классов) teaches this subject.
bool primaryTeaches(std::string_view subjectId);

struct Hours {
  std::string_view subjectId;
  int perWeek;
};
// The weekly curriculum of a grade (1..11), a typical 5-day-week lyceum plan (ФОП НОО/ООО/СОО).
const std::vector<Hours>& curriculum(int grade);

// Ordered lesson topics of a subject at a grade (a few dozen per subject family, all in Russian; formulas,
// chemical notation, Roman numerals and quoted foreign terms after Russian text where the subject has them).
const std::vector<std::string_view>& topics(std::string_view subjectId, int grade);
// Titles of lab works, practical works and excursions of a subject (may be empty).
const std::vector<std::string_view>& labWorks(std::string_view subjectId);
const std::vector<std::string_view>& practicalWorks(std::string_view subjectId);
const std::vector<std::string_view>& excursions(std::string_view subjectId);
// Phrases repeated lessons of one topic get after the topic: "Закрепление", "Решение задач".
const std::vector<std::string_view>& continuationSuffixes(std::string_view subjectId);

// A homework text of a subject, drawn from its patterns with numbers: "§ 12, вопросы 1-4", "№ 245, 247".
std::string homework(std::string_view subjectId, int lessonNumber, unsigned salt);

}  // namespace ejournal::samples::data
