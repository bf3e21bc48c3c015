// Process-wide one-time initialisation (once.h).
#include "ejournal/model/once.h"

#include <mutex>
#include <set>
#include <string>

namespace ejournal::model {

void callOncePerProcess(std::string_view key, const std::function<void()>& init) {
  static std::mutex mutex;
  static std::set<std::string, std::less<>> done;
  std::lock_guard<std::mutex> lock(mutex);
  if (done.find(key) != done.end()) return;
  init();
  done.emplace(key);
}

}  // namespace ejournal::model
