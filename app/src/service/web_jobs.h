// Long work started from a web page (printing the whole school, sealing a period, a pull from dnevnik.ru)
// runs as a task in the service, on its own thread: closing the page does not stop it, the page polls its
// progress, and the same work asked for again while it runs (two secretaries pressing «печать» at once) gets
// the running task. Each task remembers the API endpoint whose roles may see it. Tasks live in memory for the
// service's lifetime (the last 50); what they did is in the audit log through the API calls they make.
// Private to app/src/service.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "ejournal/model/date.h"

namespace ejournal::app::service {

struct ServiceCore;

struct WebTask {
  enum class State { Running, Done, Failed };
  std::string id;               // random, unguessable
  std::string key;              // what it does: "print:2025-Q1"; one running task per key
  std::string title;            // Russian
  std::string owner;            // login who started it
  std::string method, pattern;  // the API endpoint whose roles may see the task: "POST", "/api/v1/archives"
  model::DateTime started;
  std::optional<model::DateTime> finished;
  State state = State::Running;
  int done = 0, total = 0;
  std::string step;                                          // what it is doing now
  std::string message;                                       // the outcome or the error, Russian
  std::vector<std::pair<std::string, std::string>> outcome;  // label, value
  std::vector<std::vector<std::string>> rows;                // a table of the outcome (e.g. per class)
  std::vector<std::string> columns;
  std::filesystem::path file;  // the download, if any
  std::string fileName, fileType;
};

// Changes the task under the registry's lock.
using TaskUpdate = std::function<void(const std::function<void(WebTask&)>&)>;
// The work: reports progress through `update`; throws to fail (the message is shown).
using TaskWork = std::function<void(const TaskUpdate& update, const std::filesystem::path& dir)>;

class WebTasks {
 public:
  WebTasks(ServiceCore& core, std::filesystem::path dir) : core_(core), dir_(std::move(dir)) {}
  ~WebTasks();  // stop()
  // Starts `work` unless a task with `task.key` is running; returns the id of the task doing it.
  std::string start(WebTask task, TaskWork work);
  std::optional<WebTask> get(const std::string& id) const;
  std::vector<WebTask> list() const;  // newest first
  // Waits for every running task.
  void stop();

 private:
  struct Entry {
    WebTask task;
    std::thread thread;
  };
  ServiceCore& core_;
  std::filesystem::path dir_;
  mutable std::mutex mutex_;
  std::vector<std::shared_ptr<Entry>> entries_;  // oldest first
};

// The tasks of a service (made on first use, in <work.dir>/web-tasks).
WebTasks& webTasks(ServiceCore& core);
// Waits for the service's tasks and forgets them (Service::stop).
void stopWebTasks(ServiceCore& core);

// A ZIP file (stored, not compressed: PDFs are compressed already) of named byte strings.
std::string zipStored(const std::vector<std::pair<std::string, std::string>>& files);

}  // namespace ejournal::app::service
