// Calendar dates and local date-times as used by the school journal.
//
// The journal lives in the school's local time and never needs time zones: a lesson happens on a date, a mark
// is entered at a local date-time. Both are small value types with total ordering, parsing from ISO 8601 text
// and formatting back to it. No dependency beyond the standard library.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ejournal::model {

// A proleptic Gregorian calendar date, stored as days since 1970-01-01.
class Date {
 public:
  constexpr Date() = default;
  static Date fromYmd(int year, int month, int day);  // throws std::invalid_argument on an impossible date
  static constexpr Date fromDays(int32_t days) { return Date(days); }

  // Parses "YYYY-MM-DD" exactly (surrounding ASCII spaces are ignored). Returns nullopt on anything else.
  static std::optional<Date> parse(std::string_view text);

  int year() const;
  int month() const;    // 1..12
  int day() const;      // 1..31
  int weekday() const;  // ISO: 1 = Monday .. 7 = Sunday
  constexpr int32_t days() const { return days_; }

  std::string toString() const;        // "2025-09-01"
  std::string toRussian() const;       // "01.09.2025"
  std::string toShortRussian() const;  // "01.09"

  constexpr Date operator+(int n) const { return Date(days_ + n); }
  constexpr Date operator-(int n) const { return Date(days_ - n); }
  constexpr int operator-(Date other) const { return days_ - other.days_; }  // calendar days between
  constexpr auto operator<=>(const Date&) const = default;

 private:
  constexpr explicit Date(int32_t days) : days_(days) {}
  int32_t days_ = 0;
};

// A local date-time with second precision ("2025-09-02T14:05:00").
struct DateTime {
  Date date;
  int32_t secondOfDay = 0;  // 0..86399

  // Accepts "YYYY-MM-DDTHH:MM[:SS[.fff]]", a space instead of 'T', and a trailing 'Z' (ignored: school time).
  // A bare date means midnight.
  static std::optional<DateTime> parse(std::string_view text);
  std::string toString() const;   // "2025-09-02T14:05:00"
  std::string toRussian() const;  // "02.09.2025 14:05"
  auto operator<=>(const DateTime&) const = default;
};

// An inclusive range of dates.
struct DateRange {
  Date from;
  Date to;
  bool contains(Date d) const { return from <= d && d <= to; }
  bool overlaps(const DateRange& o) const { return from <= o.to && o.from <= to; }
  auto operator<=>(const DateRange&) const = default;
};

}  // namespace ejournal::model
