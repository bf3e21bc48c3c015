// The engine: runs every enabled rule of the registry over a scope and sorts the findings.
#include <algorithm>

#include "rule.h"

namespace ejournal::rules {

CheckResult run(const model::JournalIndex& index, const Scope& scope, const Config& config) {
  Context ctx(index, scope);
  CheckResult result;
  std::vector<model::Finding> out;
  std::unordered_map<std::string, size_t> ruleOrder;
  size_t order = 0;
  for (const auto& rule : registry()) {
    ruleOrder[rule->info().id] = order++;
    const RuleSettings& settings = config.settings(rule->info().id);
    if (!settings.enabled) continue;
    if (std::string why = rule->notApplicable(ctx, settings); !why.empty()) {
      result.notChecked.push_back({rule->info().id, rule->info().title, std::move(why)});
      continue;
    }
    const size_t first = out.size();
    rule->check(ctx, settings, out);
    for (size_t i = first; i < out.size(); ++i) out[i].severity = settings.severity;
  }
  // Sort keys computed once per finding.
  struct Key {
    int grade;
    std::string letter;
    int subjectOrder;
    std::string subjectId;
    int32_t date;
    size_t rule;
    std::string lesson;
    std::string student;
  };
  std::vector<std::pair<Key, size_t>> keys;
  keys.reserve(out.size());
  for (size_t i = 0; i < out.size(); ++i) {
    const auto& f = out[i];
    const auto* c = index.schoolClass(f.classId);
    const auto* s = index.subject(f.subjectId);
    const auto* st = index.student(f.studentId);
    keys.push_back({Key{c ? c->grade : 99, c ? c->letter : f.classId, s ? s->order : 1 << 30, f.subjectId,
                        f.date ? f.date->days() : INT32_MIN, ruleOrder[f.rule], f.lessonId,
                        st ? model::russianSortKey(st->fullName()) + f.studentId : f.studentId},
                    i});
  }
  std::stable_sort(keys.begin(), keys.end(), [](const auto& a, const auto& b) {
    const Key& x = a.first;
    const Key& y = b.first;
    return std::tie(x.grade, x.letter, x.subjectOrder, x.subjectId, x.date, x.rule, x.lesson, x.student) <
           std::tie(y.grade, y.letter, y.subjectOrder, y.subjectId, y.date, y.rule, y.lesson, y.student);
  });
  result.findings.reserve(out.size());
  for (auto& [k, i] : keys) result.findings.push_back(std::move(out[i]));
  return result;
}

std::vector<model::Finding> check(const model::JournalIndex& index, const Scope& scope,
                                  const Config& config) {
  return run(index, scope, config).findings;
}

std::vector<NotChecked> notChecked(const model::JournalIndex& index, const Scope& scope,
                                   const Config& config) {
  Context ctx(index, scope);
  std::vector<NotChecked> out;
  for (const auto& rule : registry()) {
    const RuleSettings& settings = config.settings(rule->info().id);
    if (!settings.enabled) continue;
    if (std::string why = rule->notApplicable(ctx, settings); !why.empty())
      out.push_back({rule->info().id, rule->info().title, std::move(why)});
  }
  return out;
}

bool hasViolations(const std::vector<model::Finding>& findings) {
  return std::any_of(findings.begin(), findings.end(),
                     [](const model::Finding& f) { return f.severity != model::Severity::Info; });
}

}  // namespace ejournal::rules
