// Findings as JSON, CSV and a Russian text table for `ejournal check`. Deterministic; numbers in the classic
// locale; UTF-8 throughout.
#include <map>

#include "ejournal/model/json.h"
#include "ejournal/model/text.h"
#include "rule.h"

namespace ejournal::rules {

using model::csvField;
using model::jsonString;
using model::jsonStringOrNull;

namespace {

std::string pad(std::string_view s, size_t w) {
  std::string o(s);
  for (size_t n = model::utf8Width(s); n < w; ++n) o += ' ';
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

void writeFindingsJson(const model::JournalIndex& index, const Scope& scope, const CheckResult& result,
                       std::ostream& out) {
  const auto& findings = result.findings;
  int errors = 0, warnings = 0, infos = 0;
  for (const auto& f : findings)
    (f.severity == model::Severity::Error     ? errors
     : f.severity == model::Severity::Warning ? warnings
                                              : infos)++;
  const auto scopeJson = model::JsonObject()
                             .textOrNull("period", scope.periodId)
                             .text("from", scope.dates.from.toString())
                             .text("to", scope.dates.to.toString())
                             .text("as_of", scope.asOf.toString())
                             .textOrNull("class", scope.classId)
                             .textOrNull("subject", scope.subjectId)
                             .textOrNull("teacher", scope.teacherId)
                             .json();
  const auto summaryJson = model::JsonObject()
                               .integer("findings", static_cast<long long>(findings.size()))
                               .integer("errors", errors)
                               .integer("warnings", warnings)
                               .integer("infos", infos)
                               .integer("not_checked", static_cast<long long>(result.notChecked.size()))
                               .boolean("compliant", !hasViolations(findings))
                               .json();
  const auto notCheckedJson = [](const NotChecked& n) {
    return model::JsonObject()
        .text("rule", n.ruleId)
        .text("title", n.ruleTitle)
        .text("reason", n.reason)
        .json();
  };
  const auto findingJson = [&](const model::Finding& f) {
    model::JsonObject figures;
    for (const auto& x : f.figures) figures.raw(x.name, fmtNumber(x.value, 2));
    return model::JsonObject()
        .text("rule", f.rule)
        .text("severity", model::toString(f.severity))
        .textOrNull("period", f.period)
        .textOrNull("class", f.classId)
        .textOrNull("class_name", f.classId.empty() ? "" : className(index, f.classId))
        .textOrNull("subject", f.subjectId)
        .textOrNull("subject_name", f.subjectId.empty() ? "" : subjectName(index, f.subjectId, ""))
        .textOrNull("subgroup", f.subgroupId)
        .textOrNull("teacher", f.teacherId)
        .textOrNull("teacher_name", f.teacherId.empty() ? "" : staffName(index, f.teacherId))
        .textOrNull("lesson_id", f.lessonId)
        .raw("date", f.date ? jsonString(f.date->toString()) : "null")
        .textOrNull("student", f.studentId)
        .textOrNull("student_name", f.studentId.empty() ? "" : studentFull(index, f.studentId))
        .text("message", f.message)
        .raw("figures", figures.json())
        .json();
  };
  out << "{\n  \"school\": " << jsonStringOrNull(index.journal().school.id) << ",\n  \"scope\": " << scopeJson
      << ",\n  \"summary\": " << summaryJson
      << ",\n  \"not_checked\": " << model::jsonArray(result.notChecked, notCheckedJson, "\n    ", "\n  ")
      << ",\n  \"findings\": " << model::jsonArray(findings, findingJson, "\n    ", "\n  ") << "\n}\n";
}

void writeFindingsCsv(const model::JournalIndex& index, const CheckResult& result, std::ostream& out) {
  out << "rule,severity,period,class,class_name,subject,subject_name,subgroup,teacher,teacher_name,lesson_id,"
         "date,"
         "student,student_name,message,figures\r\n";
  for (const auto& f : result.findings) {
    out << csvField(f.rule) << ',' << model::toString(f.severity) << ',' << csvField(f.period) << ','
        << csvField(f.classId) << ',' << csvField(className(index, f.classId)) << ',' << csvField(f.subjectId)
        << ',' << csvField(f.subjectId.empty() ? "" : subjectName(index, f.subjectId, "")) << ','
        << csvField(f.subgroupId) << ',' << csvField(f.teacherId) << ','
        << csvField(f.teacherId.empty() ? "" : staffName(index, f.teacherId)) << ',' << csvField(f.lessonId)
        << ',' << (f.date ? f.date->toString() : "") << ',' << csvField(f.studentId) << ','
        << csvField(f.studentId.empty() ? "" : studentFull(index, f.studentId)) << ',' << csvField(f.message)
        << ',' << csvField(figuresText(f.figures)) << "\r\n";
  }
  // A rule not checked: one line, severity "not_checked", every field but the message empty.
  for (const auto& n : result.notChecked)
    out << csvField(n.ruleId) << ",not_checked,,,,,,,,,,,,," << csvField("не проверялось: " + n.reason)
        << ",\r\n";
}

void writeFindingsText(const model::JournalIndex& index, const Scope& scope, const CheckResult& result,
                       std::ostream& out) {
  const auto& findings = result.findings;
  const auto& school = index.journal().school;
  out << "Проверка электронного журнала" << (school.shortName.empty() ? "" : ": " + school.shortName) << "\n";
  out << "Период: " << scope.periodLabel;
  if (!scope.periodId.empty())
    out << " (" << scope.dates.from.toRussian() << " – " << scope.dates.to.toRussian() << ")";
  out << ", план на " << scope.asOf.toRussian() << "\n";
  if (!scope.classId.empty()) out << "Класс: " << className(index, scope.classId) << "\n";
  if (!scope.subjectId.empty()) out << "Предмет: " << subjectName(index, scope.subjectId, "") << "\n";
  if (!scope.teacherId.empty()) out << "Учитель: " << staffName(index, scope.teacherId) << "\n";
  out << "\n";
  auto notChecked = [&] {
    if (result.notChecked.empty()) return;
    out << "Не проверялось:\n";
    for (const auto& n : result.notChecked)
      out << "  " << n.ruleTitle << ": не проверялось: " << n.reason << "\n";
  };
  if (findings.empty()) {
    out << "Нарушений не выявлено.\n";
    if (!result.notChecked.empty()) out << "\n";
    notChecked();
    return;
  }
  std::vector<std::vector<std::string>> rows;
  rows.push_back({"№", "Уровень", "Класс", "Предмет", "Учитель", "Дата", "Правило", "Замечание"});
  for (size_t i = 0; i < findings.size(); ++i) {
    const auto& f = findings[i];
    const auto* info = findRule(f.rule);
    rows.push_back({std::to_string(i + 1), std::string(model::russianTitle(f.severity)),
                    className(index, f.classId),
                    f.subjectId.empty() ? "" : subjectName(index, f.subjectId, f.subgroupId),
                    f.teacherId.empty() ? "" : staffName(index, f.teacherId),
                    f.date ? f.date->toRussian() : "", info ? info->title : f.rule, f.message});
  }
  std::vector<size_t> w(rows.front().size(), 0);
  for (const auto& r : rows)
    for (size_t c = 0; c + 1 < r.size(); ++c) w[c] = std::max(w[c], model::utf8Width(r[c]));
  for (size_t i = 0; i < rows.size(); ++i) {
    for (size_t c = 0; c < rows[i].size(); ++c)
      out << (c + 1 < rows[i].size() ? pad(rows[i][c], w[c]) + " | " : rows[i][c]);
    out << "\n";
  }
  int errors = 0, warnings = 0, infos = 0;
  std::map<size_t, std::pair<std::string, int>> perRule;
  for (const auto& f : findings) {
    (f.severity == model::Severity::Error     ? errors
     : f.severity == model::Severity::Warning ? warnings
                                              : infos)++;
    size_t pos = 0;
    for (; pos < catalogue().size() && catalogue()[pos].id != f.rule; ++pos) {
    }
    auto& e = perRule[pos];
    e.first = pos < catalogue().size() ? catalogue()[pos].title : f.rule;
    ++e.second;
  }
  out << "\nИтого: нарушений " << errors << ", предупреждений " << warnings << ", сведений " << infos << "\n";
  for (const auto& [pos, e] : perRule) out << "  " << e.first << ": " << e.second << "\n";
  notChecked();
}

void writeFindingsJson(const model::JournalIndex& index, const Scope& scope,
                       const std::vector<model::Finding>& findings, std::ostream& out) {
  writeFindingsJson(index, scope, CheckResult{findings, {}}, out);
}

void writeFindingsCsv(const model::JournalIndex& index, const std::vector<model::Finding>& findings,
                      std::ostream& out) {
  writeFindingsCsv(index, CheckResult{findings, {}}, out);
}

void writeFindingsText(const model::JournalIndex& index, const Scope& scope,
                       const std::vector<model::Finding>& findings, std::ostream& out) {
  writeFindingsText(index, scope, CheckResult{findings, {}}, out);
}

}  // namespace ejournal::rules
