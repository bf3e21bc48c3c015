// Finding identity and the follow-up states (finding.h).
#include "ejournal/model/finding.h"

#include <unordered_set>

namespace ejournal::model {

std::string findingKey(const Finding& f) {
  std::string k;
  k.reserve(96);
  auto add = [&k](std::string_view v) {
    // '|' separates fields; escape it (and the escape) so two different findings never share a key.
    for (char c : v) {
      if (c == '|' || c == '\\') k += '\\';
      k += c;
    }
    k += '|';
  };
  add(f.rule);
  add(f.period);
  add(f.classId);
  add(f.subjectId);
  add(f.subgroupId);
  add(f.lessonId);
  // A lesson names its date; a finding without a lesson is placed by its date, if any.
  add(f.lessonId.empty() && f.date ? f.date->toString() : std::string());
  add(f.studentId);
  add(f.item);
  k.pop_back();
  return k;
}

std::vector<Finding> distinctFindings(std::vector<Finding> findings) {
  std::unordered_set<std::string> seen;
  std::vector<Finding> out;
  out.reserve(findings.size());
  for (auto& f : findings)
    if (seen.insert(findingKey(f)).second) out.push_back(std::move(f));
  return out;
}

std::string_view toString(FindingState s) {
  switch (s) {
    case FindingState::New:
      return "new";
    case FindingState::Open:
      return "open";
    case FindingState::Reopened:
      return "reopened";
    case FindingState::Corrected:
      return "corrected";
  }
  return "new";
}

std::optional<FindingState> findingStateFromString(std::string_view s) {
  for (auto st : {FindingState::New, FindingState::Open, FindingState::Reopened, FindingState::Corrected})
    if (toString(st) == s) return st;
  return std::nullopt;
}

std::string_view russianTitle(FindingState s) {
  switch (s) {
    case FindingState::New:
      return "новое";
    case FindingState::Open:
      return "не устранено";
    case FindingState::Reopened:
      return "выявлено повторно";
    case FindingState::Corrected:
      return "устранено";
  }
  return "новое";
}

}  // namespace ejournal::model
