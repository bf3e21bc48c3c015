// Use cases shared by the CLI commands and the service, so both run the same wiring of store -> ingest -> rules ->
// reports -> render -> archive. Each function is a complete operation with the project's error channels: it throws
// ejournal::Error (ingest::InvalidDocument for a rejected document) and returns plain values.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "ejournal/model/clock.h"
#include "ejournal/store/store.h"

namespace ejournal::app {

// A read-only memory mapping of a whole file (uploads and XML inputs are not copied into memory).
class MappedFile {
 public:
  // Throws Error(NotFound/Internal) naming the path.
  explicit MappedFile(const std::filesystem::path& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  std::string_view bytes() const { return {static_cast<const char*>(data_), size_}; }

 private:
  void* data_ = nullptr;
  size_t size_ = 0;
};

struct IngestOutcome {
  std::string runId;
  store::IngestSummary summary;
};

// A new run id: "<prefix>-YYYYMMDDTHHMMSS-<6 random hex>".
std::string newRunId(const std::string& prefix, const model::Clock& clock);

// Validates and stores one XML journal document in one transaction (all or nothing). `name` is how problems
// name the document ("upload.xml"); `source` the provenance source ("xml:upload.xml").
IngestOutcome ingestXml(store::Store& store, std::string_view bytes, const std::string& name,
                        const std::string& source, const model::Clock& clock);

}  // namespace ejournal::app
