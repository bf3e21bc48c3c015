// The clock seam (conventions §11): everything that stamps a time (ingest provenance, report dates, PDF
// dates, archive metadata, audit records) asks a Clock, so tests and reproducible builds inject a fixed one.
#pragma once

#include <memory>

#include "ejournal/model/date.h"

namespace ejournal::model {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual DateTime now() const = 0;  // local school time
};

// The system clock in local time. Honours the environment variable EJOURNAL_NOW ("2026-05-31T18:00:00"),
// which fixes the time for reproducible output.
std::shared_ptr<Clock> systemClock();

class FixedClock : public Clock {
 public:
  explicit FixedClock(DateTime t) : t_(t) {}
  DateTime now() const override { return t_; }
  void set(DateTime t) { t_ = t; }

 private:
  DateTime t_;
};

}  // namespace ejournal::model
