// Names, enum spellings and mark values of the journal model.
#include "ejournal/model/journal.h"

#include <array>
#include <utility>

#include "ejournal/model/text.h"

namespace ejournal::model {
namespace {

// The first UTF-8 code point of s (whole bytes), or "" for an empty string.
std::string_view firstLetter(std::string_view s) {
  if (s.empty()) return {};
  const auto c = static_cast<unsigned char>(s[0]);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
  return s.substr(0, std::min(n, s.size()));
}

std::string joinNames(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (auto p : parts) {
    if (p.empty()) continue;
    if (!out.empty()) out += ' ';
    out += p;
  }
  return out;
}

struct WorkTypeName {
  WorkType type;
  std::string_view id;
  std::string_view title;
};

constexpr std::array<WorkTypeName, 12> kWorkTypes{{
    {WorkType::Classwork, "classwork", "Работа на уроке"},
    {WorkType::Homework, "homework", "Домашняя работа"},
    {WorkType::Oral, "oral", "Устный ответ"},
    {WorkType::Independent, "independent", "Самостоятельная работа"},
    {WorkType::Control, "control", "Контрольная работа"},
    {WorkType::Test, "test", "Тестовая работа"},
    {WorkType::Essay, "essay", "Сочинение"},
    {WorkType::Exposition, "exposition", "Изложение"},
    {WorkType::Dictation, "dictation", "Диктант"},
    {WorkType::Practical, "practical", "Практическая работа"},
    {WorkType::Laboratory, "laboratory", "Лабораторная работа"},
    {WorkType::Excursion, "excursion", "Экскурсия"},
}};

}  // namespace

std::string AcademicYear::label() const {
  return std::to_string(startYear) + "/" + std::to_string(startYear + 1);
}

std::string Staff::fullName() const { return joinNames({lastName, firstName, middleName}); }

std::string Staff::shortName() const {
  std::string out = lastName;
  if (!firstName.empty()) out += " " + std::string(firstLetter(firstName)) + ".";
  if (!middleName.empty()) out += " " + std::string(firstLetter(middleName)) + ".";
  return out;
}

std::string SchoolClass::name() const { return std::to_string(grade) + letter; }

std::string Student::fullName() const { return joinNames({lastName, firstName, middleName}); }

std::string Student::shortName() const {
  std::string out = lastName;
  if (!firstName.empty()) out += " " + std::string(firstLetter(firstName)) + ".";
  return out;
}

bool Student::enrolledIn(std::string_view classId, Date d) const {
  for (const auto& e : enrolments)
    if (e.classId == classId && e.contains(d)) return true;
  return false;
}

std::string_view toString(WorkType t) {
  for (const auto& w : kWorkTypes)
    if (w.type == t) return w.id;
  return "classwork";
}

std::optional<WorkType> workTypeFromString(std::string_view s) {
  for (const auto& w : kWorkTypes)
    if (w.id == s) return w.type;
  return std::nullopt;
}

std::string_view russianTitle(WorkType t) {
  for (const auto& w : kWorkTypes)
    if (w.type == t) return w.title;
  return "Работа на уроке";
}

std::optional<WorkType> workTypeFromRussian(std::string_view title) {
  const std::string wanted = lowerRussian(title);
  for (const auto& w : kWorkTypes)
    if (lowerRussian(w.title) == wanted) return w.type;
  // Short forms used by schools: "контрольная", "самостоятельная", "тест", "лабораторная", "практическая".
  static constexpr std::pair<std::string_view, WorkType> kShort[] = {
      {"контрольная", WorkType::Control},
      {"самостоятельная", WorkType::Independent},
      {"тест", WorkType::Test},
      {"тестирование", WorkType::Test},
      {"лабораторная", WorkType::Laboratory},
      {"практическая", WorkType::Practical},
      {"ответ на уроке", WorkType::Oral},
      {"домашнее задание", WorkType::Homework},
      {"проверочная работа", WorkType::Independent},
  };
  for (const auto& [name, type] : kShort)
    if (wanted == name) return type;
  return std::nullopt;
}

std::optional<MarkValue> MarkValue::parse(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  if (text.size() == 1 && text[0] >= '1' && text[0] <= '5') return MarkValue{MarkKind::Points, text[0] - '0'};
  if (text == "н/а") return MarkValue{MarkKind::NotAssessed, 0};
  if (text == "зач") return MarkValue{MarkKind::Pass, 0};
  if (text == "незач") return MarkValue{MarkKind::Fail, 0};
  if (text == "осв") return MarkValue{MarkKind::Exempt, 0};
  return std::nullopt;
}

std::string MarkValue::toString() const {
  switch (kind) {
    case MarkKind::Points:
      return std::to_string(points);
    case MarkKind::NotAssessed:
      return "н/а";
    case MarkKind::Pass:
      return "зач";
    case MarkKind::Fail:
      return "незач";
    case MarkKind::Exempt:
      return "осв";
  }
  return "?";
}

std::string_view toString(AttendanceStatus s) {
  switch (s) {
    case AttendanceStatus::Absent:
      return "absent";
    case AttendanceStatus::Ill:
      return "ill";
    case AttendanceStatus::Late:
      return "late";
    case AttendanceStatus::Excused:
      return "excused";
  }
  return "absent";
}

std::optional<AttendanceStatus> attendanceStatusFromString(std::string_view s) {
  if (s == "absent") return AttendanceStatus::Absent;
  if (s == "ill") return AttendanceStatus::Ill;
  if (s == "late") return AttendanceStatus::Late;
  if (s == "excused") return AttendanceStatus::Excused;
  return std::nullopt;
}

std::string_view journalCode(AttendanceStatus s) {
  switch (s) {
    case AttendanceStatus::Absent:
      return "н";
    case AttendanceStatus::Ill:
      return "б";
    case AttendanceStatus::Late:
      return "оп";
    case AttendanceStatus::Excused:
      return "у";
  }
  return "н";
}

std::string_view toString(PeriodKind k) {
  switch (k) {
    case PeriodKind::Quarter:
      return "quarter";
    case PeriodKind::HalfYear:
      return "halfyear";
    case PeriodKind::Year:
      return "year";
  }
  return "quarter";
}

std::optional<PeriodKind> periodKindFromString(std::string_view s) {
  if (s == "quarter") return PeriodKind::Quarter;
  if (s == "halfyear") return PeriodKind::HalfYear;
  if (s == "year") return PeriodKind::Year;
  return std::nullopt;
}

std::string_view toString(Grading g) {
  switch (g) {
    case Grading::Marked:
      return "marked";
    case Grading::PassFail:
      return "passfail";
    case Grading::Unmarked:
      return "unmarked";
  }
  return "marked";
}

std::optional<Grading> gradingFromString(std::string_view s) {
  if (s == "marked") return Grading::Marked;
  if (s == "passfail") return Grading::PassFail;
  if (s == "unmarked") return Grading::Unmarked;
  return std::nullopt;
}

std::string_view toString(PeriodMarkKind k) {
  switch (k) {
    case PeriodMarkKind::Period:
      return "period";
    case PeriodMarkKind::Year:
      return "year";
    case PeriodMarkKind::Exam:
      return "exam";
    case PeriodMarkKind::Final:
      return "final";
  }
  return "period";
}

std::optional<PeriodMarkKind> periodMarkKindFromString(std::string_view s) {
  if (s == "period") return PeriodMarkKind::Period;
  if (s == "year") return PeriodMarkKind::Year;
  if (s == "exam") return PeriodMarkKind::Exam;
  if (s == "final") return PeriodMarkKind::Final;
  return std::nullopt;
}

}  // namespace ejournal::model

#include "ejournal/model/finding.h"

namespace ejournal::model {

std::string_view toString(Severity s) {
  switch (s) {
    case Severity::Error:
      return "error";
    case Severity::Warning:
      return "warning";
    case Severity::Info:
      return "info";
  }
  return "error";
}

std::string_view russianTitle(Severity s) {
  switch (s) {
    case Severity::Error:
      return "нарушение";
    case Severity::Warning:
      return "предупреждение";
    case Severity::Info:
      return "сведения";
  }
  return "нарушение";
}

}  // namespace ejournal::model
