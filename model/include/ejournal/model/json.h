// JSON values as text, for the stages that write JSON (the rules' findings, the reports): string escaping,
// and an object and an array written member by member. Header-only, standard library only; deterministic
// output (numbers through formatFixed in text.h, classic locale). UTF-8 passes through unescaped.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "ejournal/model/text.h"

namespace ejournal::model {

// `s` as a JSON string with its quotes: '"' and '\' escaped, \n \r \t as such, other control characters as
// \u00XX.
inline std::string jsonString(std::string_view s) {
  static const char* hex = "0123456789abcdef";
  std::string o = "\"";
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        o += "\\\"";
        break;
      case '\\':
        o += "\\\\";
        break;
      case '\n':
        o += "\\n";
        break;
      case '\r':
        o += "\\r";
        break;
      case '\t':
        o += "\\t";
        break;
      default:
        if (c < 0x20) {
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

// jsonString(s), or null for an empty string (an absent id).
inline std::string jsonStringOrNull(std::string_view s) { return s.empty() ? "null" : jsonString(s); }

// A JSON object on one line, member by member in the order added: {"a": "x", "b": 1}; {} when nothing was
// added.
//     JsonObject().text("rule", id).integer("count", n).json()
class JsonObject {
 public:
  JsonObject& text(std::string_view key, std::string_view v) { return raw(key, jsonString(v)); }
  JsonObject& textOrNull(std::string_view key, std::string_view v) { return raw(key, jsonStringOrNull(v)); }
  JsonObject& integer(std::string_view key, long long v) { return raw(key, std::to_string(v)); }
  // `decimals` fixed digits after the point ("3.50").
  JsonObject& number(std::string_view key, double v, int decimals) {
    return raw(key, formatFixed(v, decimals));
  }
  JsonObject& boolean(std::string_view key, bool v) { return raw(key, v ? "true" : "false"); }
  // A member whose value is JSON text already (a nested object or array, null, a number formatted otherwise).
  JsonObject& raw(std::string_view key, std::string_view json) {
    s_ += s_.empty() ? "{" : ", ";
    s_ += jsonString(key);
    s_ += ": ";
    s_ += json;
    return *this;
  }
  std::string json() const { return s_.empty() ? "{}" : s_ + "}"; }

 private:
  std::string s_;
};

// A JSON array of f(item) (JSON text) for each item, each element preceded by `indent` and the closing
// bracket by `close`: jsonArray(v, f, "\n    ", "\n  ") gives "[\n    a,\n    b\n  ]". An empty vector gives
// "[]".
template <class T, class F>
std::string jsonArray(const std::vector<T>& items, F&& f, std::string_view indent = "\n    ",
                      std::string_view close = "") {
  if (items.empty()) return "[]";
  std::string o = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) o += ",";
    o += indent;
    o += f(items[i]);
  }
  o += close;
  return o + "]";
}

}  // namespace ejournal::model
