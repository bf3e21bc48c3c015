// The one place where rules are registered, in catalogue order (docs/rules.md). A new rule is one class with
// a factory, added to this list.
#include "rule.h"

namespace ejournal::rules {

const std::vector<std::unique_ptr<Rule>>& registry() {
  static const std::vector<std::unique_ptr<Rule>> kRules = [] {
    std::vector<std::unique_ptr<Rule>> r;
    r.push_back(makeHoursCurriculum());
    r.push_back(makeHoursPlanTotal());
    r.push_back(makeMarksPerLesson());
    r.push_back(makeAttendanceRecorded());
    r.push_back(makeLanguageRussian());
    r.push_back(makeTopicMissing());
    r.push_back(makeTopicSameDay());
    r.push_back(makeHomeworkRecorded());
    r.push_back(makeMarksDeadline());
    r.push_back(makeWorkTopicStated());
    r.push_back(makeSubstitutionRecorded());
    r.push_back(makeWorksControlPresent());
    r.push_back(makeMarksAccumulation());
    r.push_back(makeMarksPeriodObjective());
    r.push_back(makeMarksValidValue());
    r.push_back(makeMarksEnrolled());
    r.push_back(makeMarksChanged());
    return r;
  }();
  return kRules;
}

const std::vector<RuleInfo>& catalogue() {
  static const std::vector<RuleInfo> kCatalogue = [] {
    std::vector<RuleInfo> c;
    for (const auto& r : registry()) c.push_back(r->info());
    return c;
  }();
  return kCatalogue;
}

const RuleInfo* findRule(std::string_view id) {
  for (const auto& r : catalogue())
    if (r.id == id) return &r;
  return nullptr;
}

std::string_view toString(ParamType t) {
  switch (t) {
    case ParamType::Int:
      return "int";
    case ParamType::Double:
      return "double";
    case ParamType::Bool:
      return "bool";
    case ParamType::String:
      return "string";
    case ParamType::List:
      return "list";
  }
  return "string";
}

}  // namespace ejournal::rules
