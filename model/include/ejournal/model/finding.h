// A finding of the rules engine: what is wrong (or worth noting) in the journal, where, and by how much.
//
// Findings are data (conventions §6a): the rules stage produces them, reports summarise them, render prints them
// (the deputy's remarks in a class journal, the control report) and archive stores the control report. They live
// in the model so those stages need not depend on each other.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ejournal/model/date.h"

namespace ejournal::model {

enum class Severity { Error, Warning, Info };
std::string_view toString(Severity s);        // "error", "warning", "info"
std::string_view russianTitle(Severity s);    // "нарушение", "предупреждение", "сведения"

struct Figure {
  std::string name;  // "days_late", "limit", "marks", "required"
  double value = 0;
};

struct Finding {
  std::string rule;  // stable rule id: "marks.deadline"
  Severity severity = Severity::Error;
  std::string period;  // the reporting period the finding belongs to: "2025-Q1"
  std::string classId;
  std::string subjectId;
  std::string subgroupId;
  std::string teacherId;
  std::string lessonId;
  std::optional<Date> date;
  std::string studentId;
  std::string message;  // Russian, with the measured figure: "оценки выставлены через 9 дней, допускается 7"
  std::vector<Figure> figures;
};

}  // namespace ejournal::model
