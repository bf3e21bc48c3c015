// Read-only lookups over a Journal: by id, by class, by lesson, and the period names the users type.
//
// A JournalIndex borrows the Journal it was built from: the Journal must outlive it and must not change while
// it is used. Building is O(records); every lookup is O(1) or returns a precomputed list. Thread-safe for
// concurrent readers once built.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "ejournal/model/journal.h"

namespace ejournal::model {

class JournalIndex {
 public:
  explicit JournalIndex(const Journal& journal);

  const Journal& journal() const { return journal_; }

  // nullptr when the id is unknown.
  const Staff* staff(std::string_view id) const;
  const Subject* subject(std::string_view id) const;
  const SchoolClass* schoolClass(std::string_view id) const;
  const SchoolClass* classByName(std::string_view name) const;  // "5А"
  const Student* student(std::string_view id) const;
  const Subgroup* subgroup(std::string_view id) const;
  const Lesson* lesson(std::string_view id) const;
  const Period* period(std::string_view id) const;

  // Lessons of a class in date, slot order (all subjects and subgroups).
  const std::vector<const Lesson*>& lessonsOfClass(std::string_view classId) const;
  const std::vector<const Mark*>& marksOfLesson(std::string_view lessonId) const;
  const std::vector<const Attendance*>& attendanceOfLesson(std::string_view lessonId) const;
  const std::vector<const PeriodMark*>& periodMarksOfStudent(std::string_view studentId) const;

  // Students enrolled in the class at any day of the range, sorted in Russian alphabetical order
  // (ё sorts with е), then by id.
  std::vector<const Student*> studentsOfClass(std::string_view classId, DateRange range) const;
  // Members of a subgroup at any day of the range, same order.
  std::vector<const Student*> membersOfSubgroup(std::string_view subgroupId, DateRange range) const;

  // The reporting period of the given kind containing the date for a grade (e.g. the quarter of 2025-10-01
  // for grade 5); nullptr when none.
  const Period* periodAt(Date d, int grade, PeriodKind kind) const;
  // The periods that are reporting periods for the grade (quarters or half-years), in date order.
  std::vector<const Period*> reportingPeriodsOf(int grade) const;

 private:
  const Journal& journal_;
  std::unordered_map<std::string_view, const Staff*> staff_;
  std::unordered_map<std::string_view, const Subject*> subjects_;
  std::unordered_map<std::string_view, const SchoolClass*> classes_;
  std::unordered_map<std::string, const SchoolClass*> classNames_;
  std::unordered_map<std::string_view, const Student*> students_;
  std::unordered_map<std::string_view, const Subgroup*> subgroups_;
  std::unordered_map<std::string_view, const Lesson*> lessons_;
  std::unordered_map<std::string_view, const Period*> periods_;
  std::unordered_map<std::string_view, std::vector<const Lesson*>> lessonsOfClass_;
  std::unordered_map<std::string_view, std::vector<const Mark*>> marksOfLesson_;
  std::unordered_map<std::string_view, std::vector<const Attendance*>> attendanceOfLesson_;
  std::unordered_map<std::string_view, std::vector<const PeriodMark*>> periodMarksOfStudent_;
};

// A key that sorts Russian names alphabetically with byte comparison: Cyrillic letters in alphabet order with
// ё right after е, case folded, other characters after. Used for student lists and anything a user reads
// sorted.
std::string russianSortKey(std::string_view utf8);

// Period names users type: "2025-Q1".."2025-Q4", "2025-H1", "2025-H2", "2025-year". Returns false if the text
// is not of that form (it does not check that the journal has the period).
struct PeriodName {
  int startYear = 0;
  PeriodKind kind = PeriodKind::Quarter;
  int number = 1;
  std::string toString() const;
  static std::optional<PeriodName> parse(std::string_view text);
};

// Russian display name of a period: "1 четверть", "2 полугодие", "2025/2026 учебный год".
std::string russianPeriodName(const Period& p, int startYear);

}  // namespace ejournal::model
