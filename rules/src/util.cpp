// Small helpers shared by the rules: number formatting in the classic locale, Russian plurals, and the mark
// arithmetic (first posting time, rounding of an average to a mark).
#include <cmath>

#include "ejournal/model/text.h"
#include "rule.h"

namespace ejournal::rules {

std::string fmtNumber(double v, int decimals) {
  std::string s = model::formatFixed(v, decimals);
  if (s.find('.') != std::string::npos) {
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  return s;
}

std::string trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\n' || s[b] == '\r')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\n' || s[e - 1] == '\r')) --e;
  return std::string(s.substr(b, e - b));
}

int roundMark(double avg, double threshold) {
  const double fl = std::floor(avg);
  // A tiny epsilon keeps 3.5 from becoming 3.4999999 after weighted arithmetic.
  return static_cast<int>(fl) + (avg - fl + 1e-9 >= threshold ? 1 : 0);
}

model::DateTime firstPosted(const model::Mark& m) {
  model::DateTime t = m.enteredAt;
  for (const auto& h : m.history)
    if (h.at < t && h.at.date.days() != 0) t = h.at;
  return t;
}

}  // namespace ejournal::rules
