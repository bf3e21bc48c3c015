// A finding of the rules engine: what is wrong (or worth noting) in the journal, where, and by how much.
//
// Findings are data (conventions §6a): the rules stage produces them, reports summarise them, render prints
// them (the deputy's remarks in a class journal, the control report) and archive stores the control report.
// They live in the model so those stages need not depend on each other.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ejournal/model/date.h"

namespace ejournal::model {

enum class Severity { Error, Warning, Info };
std::string_view toString(Severity s);  // "error", "warning", "info"
std::string_view russianTitle(Severity s);  // "нарушение", "предупреждение", "сведения"

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
  // What within that place the finding is about, when one lesson (and student) can have several problems of
  // one rule: "topic", "homework", "work:<id>", "mark:<id>", "attendance". Empty otherwise. Part of the
  // identity.
  std::string item;
  std::string message;  // Russian, with the measured figure: "оценки выставлены через 9 дней, допускается 7"
  std::vector<Figure> figures;
};

// The stable identity of a finding: the rule and what it is about (period, class, subject, subgroup, the
// lesson or, without one, the date, the student and the item). The same problem found by two checks has the
// same key; the teacher, severity, message and figures are not part of it (a late mark's "days late" grows,
// it is still the same problem). Printable ASCII/UTF-8, fields joined by '|'.
std::string findingKey(const Finding& f);

// The findings with duplicates of one key dropped (the first kept), order otherwise unchanged: the same
// problem found twice is one finding.
std::vector<Finding> distinctFindings(std::vector<Finding> findings);

// ---- Follow-up of recorded checks (docs/followup.md) ----

// A finding's state in a recorded check: found first time (New), found before and still there (Open), found
// before, corrected, and found again (Reopened), or found before and gone in this check (Corrected).
enum class FindingState { New, Open, Reopened, Corrected };
std::string_view toString(FindingState s);  // "new", "open", "reopened", "corrected"
std::optional<FindingState> findingStateFromString(std::string_view s);
std::string_view russianTitle(FindingState s);  // "новое", "не устранено", "повторно", "устранено"

// One finding as tracked over the recorded checks.
struct TrackedFinding {
  std::string key;  // findingKey(finding)
  Finding finding;  // as last found
  FindingState state = FindingState::New;
  int64_t openedCheck = 0;  // the check that found it first (or found it again, after a correction)
  Date openedOn;            // that check's date: "не устранено с …"
  int64_t firstCheck = 0;   // the check that found it first of all
  Date firstOn;
  int64_t correctedCheck = 0;  // the check that saw it gone (state Corrected), else 0
  std::optional<Date> correctedOn;
  int reopened = 0;  // how many times it came back after a correction
};

}  // namespace ejournal::model
