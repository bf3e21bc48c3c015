// Findings as JSON, CSV and a Russian text table for `ejournal check`. Deterministic; numbers in the classic
// locale; UTF-8 throughout.
#include <map>

#include "rule.h"

namespace ejournal::rules {

namespace {

std::string jsonString(std::string_view s) {
  std::string o = "\"";
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': o += "\\\""; break;
      case '\\': o += "\\\\"; break;
      case '\n': o += "\\n"; break;
      case '\r': o += "\\r"; break;
      case '\t': o += "\\t"; break;
      default:
        if (c < 0x20) {
          static const char* hex = "0123456789abcdef";
          o += "\\u00";
          o += hex[c >> 4];
          o += hex[c & 15];
        } else {
          o += ch;
        }
    }
  }
  return o + "\"";
}

std::string jsonOrNull(std::string_view s) { return s.empty() ? "null" : jsonString(s); }

std::string csvField(std::string_view s) {
  if (s.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(s);
  std::string o = "\"";
  for (char c : s) {
    if (c == '"') o += '"';
    o += c;
  }
  return o + "\"";
}

size_t width(std::string_view s) {
  size_t n = 0;
  for (char c : s)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  return n;
}

std::string pad(std::string_view s, size_t w) {
  std::string o(s);
  for (size_t n = width(s); n < w; ++n) o += ' ';
  return o;
}

std::string className(const model::JournalIndex& idx, const std::string& id) {
  if (const auto* c = idx.schoolClass(id)) return c->name();
  return id;
}

std::string subjectName(const model::JournalIndex& idx, const std::string& id, const std::string& subgroup) {
  std::string n = id;
  if (const auto* s = idx.subject(id)) n = s->name;
  if (!subgroup.empty())
    if (const auto* g = idx.subgroup(subgroup)) n += " (" + g->name + ")";
  return n;
}

std::string staffName(const model::JournalIndex& idx, const std::string& id) {
  if (const auto* s = idx.staff(id)) return s->shortName();
  return id;
}

std::string studentFull(const model::JournalIndex& idx, const std::string& id) {
  if (const auto* s = idx.student(id)) return s->shortName();
  return id;
}

std::string figuresText(const std::vector<model::Figure>& fs) {
  std::string o;
  for (const auto& f : fs) {
    if (!o.empty()) o += ";";
    o += f.name + "=" + fmtNumber(f.value, 2);
  }
  return o;
}

}  // namespace

void writeFindingsJson(const model::JournalIndex& index, const Scope& scope,
                       const std::vector<model::Finding>& findings, std::ostream& out) {
  int errors = 0, warnings = 0, infos = 0;
  for (const auto& f : findings)
    (f.severity == model::Severity::Error ? errors : f.severity == model::Severity::Warning ? warnings : infos)++;
  out << "{\n  \"school\": " << jsonOrNull(index.journal().school.id) << ",\n  \"scope\": {\"period\": "
      << jsonOrNull(scope.periodId) << ", \"from\": " << jsonString(scope.dates.from.toString())
      << ", \"to\": " << jsonString(scope.dates.to.toString()) << ", \"as_of\": " << jsonString(scope.asOf.toString())
      << ", \"class\": " << jsonOrNull(scope.classId) << ", \"subject\": " << jsonOrNull(scope.subjectId)
      << ", \"teacher\": " << jsonOrNull(scope.teacherId) << "},\n  \"summary\": {\"findings\": " << findings.size()
      << ", \"errors\": " << errors << ", \"warnings\": " << warnings << ", \"infos\": " << infos
      << ", \"compliant\": " << (hasViolations(findings) ? "false" : "true") << "},\n  \"findings\": [";
  for (size_t i = 0; i < findings.size(); ++i) {
    const auto& f = findings[i];
    out << (i ? ",\n    " : "\n    ") << "{\"rule\": " << jsonString(f.rule) << ", \"severity\": "
        << jsonString(model::toString(f.severity)) << ", \"period\": " << jsonOrNull(f.period)
        << ", \"class\": " << jsonOrNull(f.classId) << ", \"subject\": " << jsonOrNull(f.subjectId)
        << ", \"subgroup\": " << jsonOrNull(f.subgroupId) << ", \"teacher\": " << jsonOrNull(f.teacherId)
        << ", \"lesson_id\": " << jsonOrNull(f.lessonId) << ", \"date\": "
        << (f.date ? jsonString(f.date->toString()) : std::string("null")) << ", \"student\": "
        << jsonOrNull(f.studentId) << ", \"message\": " << jsonString(f.message) << ", \"figures\": {";
    for (size_t k = 0; k < f.figures.size(); ++k)
      out << (k ? ", " : "") << jsonString(f.figures[k].name) << ": " << fmtNumber(f.figures[k].value, 2);
    out << "}}";
  }
  out << (findings.empty() ? "]\n}\n" : "\n  ]\n}\n");
}

void writeFindingsCsv(const model::JournalIndex& index, const std::vector<model::Finding>& findings,
                      std::ostream& out) {
  out << "rule,severity,period,class,class_name,subject,subject_name,subgroup,teacher,teacher_name,lesson_id,date,"
         "student,student_name,message,figures\r\n";
  for (const auto& f : findings) {
    out << csvField(f.rule) << ',' << model::toString(f.severity) << ',' << csvField(f.period) << ','
        << csvField(f.classId) << ',' << csvField(className(index, f.classId)) << ',' << csvField(f.subjectId) << ','
        << csvField(f.subjectId.empty() ? "" : subjectName(index, f.subjectId, "")) << ',' << csvField(f.subgroupId)
        << ',' << csvField(f.teacherId) << ',' << csvField(f.teacherId.empty() ? "" : staffName(index, f.teacherId))
        << ',' << csvField(f.lessonId) << ',' << (f.date ? f.date->toString() : "") << ',' << csvField(f.studentId)
        << ',' << csvField(f.studentId.empty() ? "" : studentFull(index, f.studentId)) << ','
        << csvField(f.message) << ',' << csvField(figuresText(f.figures)) << "\r\n";
  }
}

void writeFindingsText(const model::JournalIndex& index, const Scope& scope,
                       const std::vector<model::Finding>& findings, std::ostream& out) {
  const auto& school = index.journal().school;
  out << "Проверка электронного журнала"
      << (school.shortName.empty() ? "" : ": " + school.shortName) << "\n";
  out << "Период: " << scope.periodLabel;
  if (!scope.periodId.empty())
    out << " (" << scope.dates.from.toRussian() << " – " << scope.dates.to.toRussian() << ")";
  out << ", план на " << scope.asOf.toRussian() << "\n";
  if (!scope.classId.empty()) out << "Класс: " << className(index, scope.classId) << "\n";
  if (!scope.subjectId.empty()) out << "Предмет: " << subjectName(index, scope.subjectId, "") << "\n";
  if (!scope.teacherId.empty()) out << "Учитель: " << staffName(index, scope.teacherId) << "\n";
  out << "\n";
  if (findings.empty()) {
    out << "Нарушений не выявлено.\n";
    return;
  }
  std::vector<std::vector<std::string>> rows;
  rows.push_back({"№", "Уровень", "Класс", "Предмет", "Учитель", "Дата", "Правило", "Замечание"});
  for (size_t i = 0; i < findings.size(); ++i) {
    const auto& f = findings[i];
    const auto* info = findRule(f.rule);
    rows.push_back({std::to_string(i + 1), std::string(model::russianTitle(f.severity)), className(index, f.classId),
                    f.subjectId.empty() ? "" : subjectName(index, f.subjectId, f.subgroupId),
                    f.teacherId.empty() ? "" : staffName(index, f.teacherId), f.date ? f.date->toRussian() : "",
                    info ? info->title : f.rule, f.message});
  }
  std::vector<size_t> w(rows.front().size(), 0);
  for (const auto& r : rows)
    for (size_t c = 0; c + 1 < r.size(); ++c) w[c] = std::max(w[c], width(r[c]));
  for (size_t i = 0; i < rows.size(); ++i) {
    for (size_t c = 0; c < rows[i].size(); ++c)
      out << (c + 1 < rows[i].size() ? pad(rows[i][c], w[c]) + " | " : rows[i][c]);
    out << "\n";
  }
  int errors = 0, warnings = 0, infos = 0;
  std::map<size_t, std::pair<std::string, int>> perRule;
  for (const auto& f : findings) {
    (f.severity == model::Severity::Error ? errors : f.severity == model::Severity::Warning ? warnings : infos)++;
    size_t pos = 0;
    for (; pos < catalogue().size() && catalogue()[pos].id != f.rule; ++pos) {
    }
    auto& e = perRule[pos];
    e.first = pos < catalogue().size() ? catalogue()[pos].title : f.rule;
    ++e.second;
  }
  out << "\nИтого: нарушений " << errors << ", предупреждений " << warnings << ", сведений " << infos << "\n";
  for (const auto& [pos, e] : perRule) out << "  " << e.first << ": " << e.second << "\n";
}

}  // namespace ejournal::rules
