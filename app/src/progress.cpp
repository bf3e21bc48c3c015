// Progress lines on standard error (progress.h).
#include "progress.h"

#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "ejournal/model/error.h"

namespace ejournal::app {

std::vector<OptionSpec> progressOptions() {
  return {{"progress", "", "показывать ход работы на стандартном выводе ошибок, даже если это не терминал"},
          {"quiet", "", "не показывать ход работы (итоговая строка остаётся)"}};
}

Progress::Progress(const Args& args, std::string what) : what_(std::move(what)) {
  if (args.has("progress") && args.has("quiet"))
    throw Error(ErrorKind::Input, "--progress", "укажите либо --progress, либо --quiet");
  tty_ = isatty(STDERR_FILENO) != 0;
  enabled_ = !args.has("quiet") && (tty_ || args.has("progress"));
}

Progress::~Progress() {
  try {
    finish();
  } catch (...) {
  }
}

std::string Progress::bytes(unsigned long long n) {
  char buf[32];
  if (n >= (1ull << 30))
    std::snprintf(buf, sizeof buf, "%.1f ГиБ", static_cast<double>(n) / (1ull << 30));
  else if (n >= (1ull << 20))
    std::snprintf(buf, sizeof buf, "%.1f МиБ", static_cast<double>(n) / (1ull << 20));
  else if (n >= 10240)
    std::snprintf(buf, sizeof buf, "%llu КиБ", n / 1024);
  else
    std::snprintf(buf, sizeof buf, "%llu Б", n);
  std::string s = buf;
  for (auto& c : s)
    if (c == '.') c = ',';
  return s;
}

void Progress::update(const std::string& text, bool force) {
  if (!enabled_) return;
  std::lock_guard lock(mutex_);
  if (finished_) return;
  last_ = text;
  const auto now = std::chrono::steady_clock::now();
  const auto gap = tty_ ? std::chrono::milliseconds(100) : std::chrono::milliseconds(1000);
  if (!force && shown_.size() && now - lastShown_ < gap) return;
  lastShown_ = now;
  show(text);
}

void Progress::show(const std::string& text) {
  if (text == shown_) return;
  shown_ = text;
  if (tty_)
    std::cerr << "\r\033[K" << what_ << ": " << text << std::flush;
  else
    std::cerr << what_ << ": " << text << "\n" << std::flush;
}

void Progress::finish() {
  if (!enabled_) return;
  std::lock_guard lock(mutex_);
  if (finished_) return;
  finished_ = true;
  if (!last_.empty()) show(last_);
  if (tty_ && !shown_.empty()) std::cerr << "\n" << std::flush;
}

}  // namespace ejournal::app
