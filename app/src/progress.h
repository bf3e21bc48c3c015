// Progress of long CLI work on standard error: shown when stderr is a terminal (one line redrawn in place),
// forced with --progress (then, when stderr is not a terminal, as plain lines at most one per second and the
// last one), silenced with --quiet. It never touches standard output, so a command's summary line stays as it
// is.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <vector>

#include "cli.h"

namespace ejournal::app {

// --progress and --quiet.
std::vector<OptionSpec> progressOptions();

class Progress {
 public:
  // `what` starts every line: "загрузка", "печать".
  Progress(const Args& args, std::string what);
  ~Progress();  // finish()
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  bool enabled() const { return enabled_; }
  // The current state ("запросов 12, повторов 1"); thread-safe, throttled. `force` shows it whatever the
  // throttle.
  void update(const std::string& text, bool force = false);
  // Shows the last state and ends the line (a terminal's line is cleared). Idempotent.
  void finish();

  // "1,5 МиБ", "730 КиБ", "12 Б".
  static std::string bytes(unsigned long long n);

 private:
  void show(const std::string& text);  // with the mutex held

  bool enabled_ = false, tty_ = false, finished_ = false;
  std::string what_, last_, shown_;
  std::chrono::steady_clock::time_point lastShown_{};
  std::mutex mutex_;
};

}  // namespace ejournal::app
