// Problem text and the InvalidDocument exception.
#include "ejournal/ingest/ingest.h"

namespace ejournal::ingest {
namespace {

std::string summary(const std::vector<Problem>& problems) {
  if (problems.empty()) return "документ отклонён";
  std::string text = problems.front().message;
  if (problems.size() > 1) text += " (и ещё проблем: " + std::to_string(problems.size() - 1) + ")";
  return text;
}

std::string locationOf(const std::vector<Problem>& problems) {
  if (problems.empty()) return {};
  const Problem& p = problems.front();
  return p.file + (p.line > 0 ? ":" + std::to_string(p.line) + ":" + std::to_string(p.column) : "");
}

}  // namespace

std::string Problem::toString() const {
  std::string out = file;
  if (line > 0) out += ":" + std::to_string(line) + ":" + std::to_string(column);
  out += ": ";
  out += message;
  return out;
}

InvalidDocument::InvalidDocument(std::vector<Problem> problems)
    : Error(ErrorKind::Input, locationOf(problems), summary(problems)), problems_(std::move(problems)) {}

}  // namespace ejournal::ingest
