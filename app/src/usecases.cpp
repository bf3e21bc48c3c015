// Shared use cases of the CLI and the service (usecases.h).
#include "usecases.h"

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <exception>
#include <mutex>
#include <random>
#include <thread>

#include "ejournal/ingest/ingest.h"
#include "ejournal/model/error.h"

namespace ejournal::app {

std::string newRunId(const std::string& prefix, const model::Clock& clock) {
  std::string t = clock.now().toString();  // 2025-09-02T14:05:00
  std::string compact;
  for (char c : t)
    if (c != '-' && c != ':') compact += c;
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  char hex[8];
  std::snprintf(hex, sizeof hex, "%06x", static_cast<unsigned>(rng() & 0xffffff));
  return prefix + "-" + compact + "-" + hex;
}

struct IngestWriter::State {
  store::IngestTransaction& tx;
  std::mutex mutex;
  std::condition_variable changed;
  std::deque<model::Journal> queue;
  bool writing = false, closing = false, dropping = false;
  std::exception_ptr error;
  std::thread thread;

  explicit State(store::IngestTransaction& t) : tx(t) {}

  void run() {
    for (;;) {
      model::Journal part;
      {
        std::unique_lock lock(mutex);
        changed.wait(lock, [&] { return !queue.empty() || closing || dropping; });
        if (dropping || error || queue.empty()) return;
        part = std::move(queue.front());
        queue.pop_front();
        writing = true;
      }
      changed.notify_all();
      std::exception_ptr failed;
      try {
        tx.upsert(part);
      } catch (...) {
        failed = std::current_exception();
      }
      {
        std::lock_guard lock(mutex);
        writing = false;
        if (failed) error = failed;
      }
      changed.notify_all();
      if (failed) return;
    }
  }
};

IngestWriter::IngestWriter(store::IngestTransaction& tx) : state_(std::make_unique<State>(tx)) {
  state_->thread = std::thread([s = state_.get()] { s->run(); });
}

IngestWriter::~IngestWriter() {
  {
    std::lock_guard lock(state_->mutex);
    state_->dropping = true;
  }
  state_->changed.notify_all();
  if (state_->thread.joinable()) state_->thread.join();
}

void IngestWriter::push(const model::Journal& part) {
  model::Journal copy = part;  // outside the lock: the reader reuses its part once the sink returns
  std::unique_lock lock(state_->mutex);
  state_->changed.wait(lock, [&] { return state_->queue.empty() || state_->error; });
  if (state_->error) std::rethrow_exception(state_->error);
  state_->queue.push_back(std::move(copy));
  lock.unlock();
  state_->changed.notify_all();
}

void IngestWriter::finish() {
  {
    std::lock_guard lock(state_->mutex);
    state_->closing = true;
  }
  state_->changed.notify_all();
  if (state_->thread.joinable()) state_->thread.join();
  if (state_->error) std::rethrow_exception(state_->error);
}

namespace {

IngestOutcome ingestXmlWith(store::Store& store, std::string_view bytes, const std::string& name,
                            const std::string& source, const model::Clock& clock,
                            const std::string& onlySchool, const ingest::ReadOptions& options) {
  IngestOutcome out;
  out.runId = newRunId("ingest", clock);
  auto tx = store.beginIngest({source, out.runId, clock.now()});
  {
    IngestWriter writer(*tx);  // stores each part while the next one is validated and parsed
    ingest::readJournal(
        bytes, name,
        [&](const model::Journal& part) {
          if (!onlySchool.empty() && part.school.id != onlySchool)
            throw Error(ErrorKind::Denied, name,
                        "документ — журнал школы " + part.school.id + ", а вы работаете с журналом школы " +
                            onlySchool + "; ничего не сохранено");
          writer.push(part);
        },
        options);
    writer.finish();
  }
  out.summary = tx->commit();
  return out;
}

}  // namespace

IngestOutcome ingestXml(store::Store& store, std::string_view bytes, const std::string& name,
                        const std::string& source, const model::Clock& clock, const std::string& onlySchool) {
  return ingestXmlWith(store, bytes, name, source, clock, onlySchool, {});
}

IngestOutcome ingestXml(store::Store& store, const model::InputFile& file, const std::string& name,
                        const std::string& source, const model::Clock& clock, const std::string& onlySchool) {
  ingest::ReadOptions options;
  options.release = [&file](size_t upTo) { file.release(upTo); };
  return ingestXmlWith(store, file.bytes(), name, source, clock, onlySchool, options);
}

PullOutcome pullIntoStore(store::Store& store, ingest::dnevnik::PullOptions options,
                          const model::Clock& clock, ingest::dnevnik::HttpTransport* transport) {
  namespace dn = ingest::dnevnik;
  bool inStore = false;  // an error thrown while the store is read or written is ours, not dnevnik.ru's
  options.loadExisting = [&](const std::string& schoolId,
                             model::DateRange range) -> std::optional<model::Journal> {
    inStore = true;
    auto known = store.schools();
    std::optional<model::Journal> existing;
    if (std::find(known.begin(), known.end(), schoolId) != known.end())
      existing = store.load(store::LoadFilter{schoolId, range, ""});
    inStore = false;
    return existing;
  };
  const model::Provenance provenance = dn::pullProvenance(options.connection.baseUrl, clock);
  auto tx = store.beginIngest(provenance);
  PullOutcome out;
  out.runId = provenance.runId;
  try {
    out.stats = dn::pull(
        options,
        [&](const model::Journal& part) {
          inStore = true;
          tx->upsert(part);
          inStore = false;
        },
        transport);
  } catch (const Error& e) {
    if (inStore || (e.kind() != ErrorKind::Denied && e.kind() != ErrorKind::Internal)) throw;
    throw UpstreamError(e);
  }
  out.summary = tx->commit();
  return out;
}

}  // namespace ejournal::app
