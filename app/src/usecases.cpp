// Shared use cases of the CLI and the service (usecases.h).
#include "usecases.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <random>

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

IngestOutcome ingestXml(store::Store& store, std::string_view bytes, const std::string& name,
                        const std::string& source, const model::Clock& clock) {
  IngestOutcome out;
  out.runId = newRunId("ingest", clock);
  auto tx = store.beginIngest({source, out.runId, clock.now()});
  ingest::readJournal(bytes, name, [&](const model::Journal& part) { tx->upsert(part); });
  out.summary = tx->commit();
  return out;
}

PullOutcome pullIntoStore(store::Store& store, ingest::dnevnik::PullOptions options, const model::Clock& clock,
                          ingest::dnevnik::HttpTransport* transport) {
  namespace dn = ingest::dnevnik;
  bool inStore = false;  // an error thrown while the store is read or written is ours, not dnevnik.ru's
  options.loadExisting = [&](const std::string& schoolId, model::DateRange range) -> std::optional<model::Journal> {
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
    out.stats = dn::pull(options, [&](const model::Journal& part) {
      inStore = true;
      tx->upsert(part);
      inStore = false;
    }, transport);
  } catch (const Error& e) {
    if (inStore || (e.kind() != ErrorKind::Denied && e.kind() != ErrorKind::Internal)) throw;
    throw UpstreamError(e);
  }
  out.summary = tx->commit();
  return out;
}

}  // namespace ejournal::app
