// Web tasks (web_jobs.h).
#include "service/web_jobs.h"

#include <Poco/Checksum.h>

#include "ejournal/model/files.h"
#include "service/core.h"
#include "service/password.h"

namespace ejournal::app::service {

namespace {

constexpr size_t kKeep = 50;

std::mutex registryMutex;
std::map<const ServiceCore*, std::unique_ptr<WebTasks>>& registry() {
  static std::map<const ServiceCore*, std::unique_ptr<WebTasks>> r;
  return r;
}

}  // namespace

WebTasks::~WebTasks() { stop(); }

std::string WebTasks::start(WebTask task, TaskWork work) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& e : entries_)
    if (e->task.key == task.key && e->task.state == WebTask::State::Running) return e->task.id;
  auto entry = std::make_shared<Entry>();
  task.id = randomSecret(12);
  task.started = core_.clock->now();
  task.state = WebTask::State::Running;
  entry->task = std::move(task);
  const std::filesystem::path dir = dir_ / entry->task.id;
  Entry* raw = entry.get();
  TaskUpdate update = [this, raw](const std::function<void(WebTask&)>& change) {
    std::lock_guard<std::mutex> l(mutex_);
    change(raw->task);
  };
  entries_.push_back(entry);
  entry->thread = std::thread([this, raw, update, work = std::move(work), dir] {
    try {
      std::filesystem::create_directories(dir);
      std::filesystem::permissions(dir.parent_path(), std::filesystem::perms::owner_all);
      std::filesystem::permissions(dir, std::filesystem::perms::owner_all);
      work(update, dir);
      update([this](WebTask& t) {
        t.state = WebTask::State::Done;
        t.finished = core_.clock->now();
        t.step.clear();
      });
    } catch (const std::exception& e) {
      core_.log.warning("web task %s (%s): %s", raw->task.id, raw->task.key, std::string(e.what()));
      std::string what = e.what();
      update([this, what](WebTask& t) {
        t.state = WebTask::State::Failed;
        t.finished = core_.clock->now();
        t.message = what;
      });
    }
  });
  // Forget the oldest finished tasks beyond kKeep (their files too).
  while (entries_.size() > kKeep) {
    auto it = std::find_if(entries_.begin(), entries_.end(),
                           [](const auto& e) { return e->task.state != WebTask::State::Running; });
    if (it == entries_.end()) break;
    if ((*it)->thread.joinable()) (*it)->thread.join();
    std::error_code ec;
    std::filesystem::remove_all(dir_ / (*it)->task.id, ec);
    entries_.erase(it);
  }
  return raw->task.id;
}

std::optional<WebTask> WebTasks::get(const std::string& id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& e : entries_)
    if (e->task.id == id) return e->task;
  return std::nullopt;
}

std::vector<WebTask> WebTasks::list() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<WebTask> out;
  for (auto it = entries_.rbegin(); it != entries_.rend(); ++it) out.push_back((*it)->task);
  return out;
}

void WebTasks::stop() {
  std::vector<std::shared_ptr<Entry>> all;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    all = entries_;
  }
  for (auto& e : all)
    if (e->thread.joinable()) e->thread.join();
}

WebTasks& webTasks(ServiceCore& core) {
  std::lock_guard<std::mutex> lock(registryMutex);
  auto& slot = registry()[&core];
  if (!slot) slot = std::make_unique<WebTasks>(core, core.config.workDir / "web-tasks");
  return *slot;
}

void stopWebTasks(ServiceCore& core) {
  std::unique_ptr<WebTasks> tasks;
  {
    std::lock_guard<std::mutex> lock(registryMutex);
    auto it = registry().find(&core);
    if (it == registry().end()) return;
    tasks = std::move(it->second);
    registry().erase(it);
  }
  tasks->stop();
}

namespace {

void le16(std::string& out, unsigned v) {
  out += static_cast<char>(v & 0xff);
  out += static_cast<char>((v >> 8) & 0xff);
}
void le32(std::string& out, uint32_t v) {
  le16(out, v & 0xffff);
  le16(out, v >> 16);
}

}  // namespace

std::string zipStored(const std::vector<std::pair<std::string, std::string>>& files) {
  std::string out, central;
  const unsigned dosTime = 0, dosDate = (45u << 9) | (1u << 5) | 1u;  // 2025-01-01 00:00
  for (const auto& [name, bytes] : files) {
    Poco::Checksum crc(Poco::Checksum::TYPE_CRC32);
    crc.update(bytes.data(), static_cast<unsigned>(bytes.size()));
    const uint32_t offset = static_cast<uint32_t>(out.size());
    auto header = [&](std::string& h, bool isCentral) {
      le32(h, isCentral ? 0x02014b50 : 0x04034b50);
      if (isCentral) le16(h, 20);
      le16(h, 20);      // version needed
      le16(h, 0x0800);  // UTF-8 names
      le16(h, 0);       // stored
      le16(h, dosTime);
      le16(h, dosDate);
      le32(h, crc.checksum());
      le32(h, static_cast<uint32_t>(bytes.size()));
      le32(h, static_cast<uint32_t>(bytes.size()));
      le16(h, static_cast<unsigned>(name.size()));
      le16(h, 0);  // extra
      if (isCentral) {
        le16(h, 0);  // comment
        le16(h, 0);  // disk
        le16(h, 0);  // internal attributes
        le32(h, 0);  // external attributes
        le32(h, offset);
      }
      h += name;
    };
    header(out, false);
    out += bytes;
    header(central, true);
  }
  const uint32_t centralOffset = static_cast<uint32_t>(out.size());
  out += central;
  le32(out, 0x06054b50);
  le16(out, 0);
  le16(out, 0);
  le16(out, static_cast<unsigned>(files.size()));
  le16(out, static_cast<unsigned>(files.size()));
  le32(out, static_cast<uint32_t>(central.size()));
  le32(out, centralOffset);
  le16(out, 0);
  return out;
}

}  // namespace ejournal::app::service
