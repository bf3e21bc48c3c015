// Case folding, fixed-point numbers, CSV fields and UTF-8 widths (text.h).
#include "ejournal/model/text.h"

#include <iomanip>
#include <locale>
#include <sstream>

namespace ejournal::model {

const char* plural(long n, const char* one, const char* few, const char* many) {
  const long a = n < 0 ? -n : n;
  const long m10 = a % 10, m100 = a % 100;
  if (m10 == 1 && m100 != 11) return one;
  if (m10 >= 2 && m10 <= 4 && (m100 < 12 || m100 > 14)) return few;
  return many;
}

std::string lowerRussian(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 'A' && c <= 'Z') {
      out += static_cast<char>(c + 32);
    } else if (c == 0xD0 && i + 1 < s.size()) {
      const auto n = static_cast<unsigned char>(s[i + 1]);
      if (n >= 0x90 && n <= 0x9F) {  // А-П -> а-п
        out += '\xD0';
        out += static_cast<char>(n + 0x20);
      } else if (n >= 0xA0 && n <= 0xAF) {  // Р-Я -> р-я
        out += '\xD1';
        out += static_cast<char>(n - 0x20);
      } else if (n == 0x81) {  // Ё -> ё
        out += "\xD1\x91";
      } else {
        out += static_cast<char>(c);
        out += static_cast<char>(n);
      }
      ++i;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string formatFixed(double v, int decimals) {
  std::ostringstream o;
  o.imbue(std::locale::classic());
  o << std::fixed << std::setprecision(decimals) << v;
  return o.str();
}

std::string csvField(std::string_view s) {
  if (s.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(s);
  std::string o = "\"";
  for (char c : s) {
    if (c == '"') o += '"';
    o += c;
  }
  return o + "\"";
}

std::string csvInForm(std::string_view in, const CsvForm& form) {
  if (form.separator == ',' && !form.bom) return std::string(in);
  const char special[] = {form.separator, '"', '\n', '\r', 0};
  std::string out = form.bom ? "\xEF\xBB\xBF" : "";
  out.reserve(out.size() + in.size() + in.size() / 16);
  std::string field;
  auto put = [&] {
    if (field.find_first_of(special) == std::string::npos) {
      out += field;
    } else {
      out += '"';
      for (char c : field) {
        if (c == '"') out += '"';
        out += c;
      }
      out += '"';
    }
    field.clear();
  };
  size_t i = 0;
  while (i < in.size()) {
    if (in[i] == '"') {  // a quoted field: up to the lone closing quote
      for (++i; i < in.size(); ++i) {
        if (in[i] == '"') {
          if (i + 1 < in.size() && in[i + 1] == '"') {
            field += '"';
            ++i;
          } else {
            ++i;
            break;
          }
        } else {
          field += in[i];
        }
      }
    }
    while (i < in.size() && in[i] != ',' && in[i] != '\r' && in[i] != '\n') field += in[i++];
    put();
    if (i >= in.size()) break;
    if (in[i] == ',') {
      out += form.separator;
      ++i;
      if (i == in.size()) put();  // a trailing empty field
      continue;
    }
    if (in[i] == '\r') out += in[i++];  // the record end as written: CRLF or LF
    if (i < in.size() && in[i] == '\n') out += in[i++];
  }
  return out;
}

std::optional<char32_t> decodeUtf8(std::string_view s, size_t& i) {
  const auto c = static_cast<unsigned char>(s[i]);
  size_t n = 0;
  char32_t cp = 0;
  if (c < 0x80)
    n = 1, cp = c;
  else if ((c & 0xE0) == 0xC0)
    n = 2, cp = c & 0x1F;
  else if ((c & 0xF0) == 0xE0)
    n = 3, cp = c & 0x0F;
  else if ((c & 0xF8) == 0xF0)
    n = 4, cp = c & 0x07;
  if (n == 0 || i + n > s.size()) {
    ++i;
    return std::nullopt;
  }
  for (size_t k = 1; k < n; ++k) {
    const auto d = static_cast<unsigned char>(s[i + k]);
    if ((d & 0xC0) != 0x80) {
      ++i;
      return std::nullopt;
    }
    cp = (cp << 6) | (d & 0x3F);
  }
  if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10FFFF ||
      (cp >= 0xD800 && cp <= 0xDFFF)) {
    ++i;
    return std::nullopt;
  }
  i += n;
  return cp;
}

void appendUtf8(std::string& s, char32_t c) {
  if (c < 0x80) {
    s += static_cast<char>(c);
  } else if (c < 0x800) {
    s += static_cast<char>(0xC0 | (c >> 6));
    s += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    s += static_cast<char>(0xE0 | (c >> 12));
    s += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    s += static_cast<char>(0xF0 | (c >> 18));
    s += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    s += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (c & 0x3F));
  }
}

size_t utf8Width(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size(); ++n) decodeUtf8(s, i);
  return n;
}

std::string foldForSearch(std::string_view s) {
  std::string out = lowerRussian(s);
  for (size_t p = out.find("ё"); p != std::string::npos; p = out.find("ё", p + 2)) out.replace(p, 2, "е");
  return out;
}

}  // namespace ejournal::model
