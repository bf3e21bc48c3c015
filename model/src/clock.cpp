// The system clock, with the EJOURNAL_NOW override for reproducible runs.
#include "ejournal/model/clock.h"

#include <cstdlib>
#include <ctime>
#include <stdexcept>

namespace ejournal::model {
namespace {

class SystemClock : public Clock {
 public:
  DateTime now() const override {
    if (const char* fixed = std::getenv("EJOURNAL_NOW"); fixed && *fixed) {
      if (auto t = DateTime::parse(fixed)) return *t;
      throw std::invalid_argument(std::string("EJOURNAL_NOW is not a date-time: ") + fixed);
    }
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    localtime_r(&t, &tm);
    return DateTime{Date::fromYmd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday),
                    tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec};
  }
};

}  // namespace

std::shared_ptr<Clock> systemClock() {
  static const auto clock = std::make_shared<SystemClock>();
  return clock;
}

}  // namespace ejournal::model
