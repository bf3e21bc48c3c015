// Date and DateTime: civil-calendar arithmetic (Howard Hinnant's days_from_civil) and ISO 8601 text.
#include "ejournal/model/date.h"

#include <cstdio>
#include <stdexcept>

namespace ejournal::model {
namespace {

constexpr int32_t daysFromCivil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int32_t>(doe) - 719468;
}

struct Ymd {
  int y;
  unsigned m, d;
};

constexpr Ymd civilFromDays(int32_t z) {
  z += 719468;
  const int32_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int y = static_cast<int>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2), m, d};
}

bool isLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int daysInMonth(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && isLeap(y) ? 29 : kDays[m - 1];
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

bool digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

}  // namespace

Date Date::fromYmd(int year, int month, int day) {
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month))
    throw std::invalid_argument("invalid date " + std::to_string(year) + "-" + std::to_string(month) + "-" +
                                std::to_string(day));
  return Date(daysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)));
}

std::optional<Date> Date::parse(std::string_view text) {
  text = trim(text);
  int y, m, d;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' || !digits(text, 0, 4, y) ||
      !digits(text, 5, 2, m) || !digits(text, 8, 2, d))
    return std::nullopt;
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return std::nullopt;
  return Date(daysFromCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(d)));
}

int Date::year() const { return civilFromDays(days_).y; }
int Date::month() const { return static_cast<int>(civilFromDays(days_).m); }
int Date::day() const { return static_cast<int>(civilFromDays(days_).d); }
int Date::weekday() const {
  // 1970-01-01 was a Thursday (ISO 4).
  int w = static_cast<int>(((days_ % 7) + 7) % 7);  // 0 = Thursday
  return (w + 3) % 7 + 1;
}

std::string Date::toString() const {
  const Ymd c = civilFromDays(days_);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", c.y, c.m, c.d);
  return buf;
}

std::string Date::toRussian() const {
  const Ymd c = civilFromDays(days_);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02u.%02u.%04d", c.d, c.m, c.y);
  return buf;
}

std::string Date::toShortRussian() const {
  const Ymd c = civilFromDays(days_);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02u.%02u", c.d % 100, c.m % 100);
  return buf;
}

std::optional<DateTime> DateTime::parse(std::string_view text) {
  text = trim(text);
  if (!text.empty() && text.back() == 'Z') text.remove_suffix(1);
  auto date = Date::parse(text.substr(0, std::min<size_t>(10, text.size())));
  if (!date) return std::nullopt;
  if (text.size() == 10) return DateTime{*date, 0};
  if (text[10] != 'T' && text[10] != ' ') return std::nullopt;
  int h, mi, s = 0;
  if (text.size() < 16 || !digits(text, 11, 2, h) || text[13] != ':' || !digits(text, 14, 2, mi))
    return std::nullopt;
  size_t pos = 16;
  if (pos < text.size()) {
    if (text[pos] != ':' || !digits(text, pos + 1, 2, s)) return std::nullopt;
    pos += 3;
    if (pos < text.size()) {
      if (text[pos] != '.') return std::nullopt;
      ++pos;
      if (pos == text.size()) return std::nullopt;
      for (; pos < text.size(); ++pos)
        if (text[pos] < '0' || text[pos] > '9') return std::nullopt;
    }
  }
  if (h > 23 || mi > 59 || s > 59) return std::nullopt;
  return DateTime{*date, h * 3600 + mi * 60 + s};
}

std::string DateTime::toString() const {
  char buf[32];
  std::snprintf(buf, sizeof buf, "T%02d:%02d:%02d", secondOfDay / 3600 % 100, secondOfDay / 60 % 60,
                secondOfDay % 60);
  return date.toString() + buf;
}

std::string DateTime::toRussian() const {
  char buf[32];
  std::snprintf(buf, sizeof buf, " %02d:%02d", secondOfDay / 3600 % 100, secondOfDay / 60 % 60);
  return date.toRussian() + buf;
}

}  // namespace ejournal::model
