// Use cases shared by the CLI commands and the service, so both run the same wiring of store -> ingest ->
// rules -> reports -> render -> archive. Each function is a complete operation with the project's error
// channels: it throws ejournal::Error (ingest::InvalidDocument for a rejected document) and returns plain
// values.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "ejournal/ingest/dnevnik.h"
#include "ejournal/ingest/ingest.h"
#include "ejournal/model/clock.h"
#include "ejournal/model/error.h"
#include "ejournal/model/files.h"
#include "ejournal/store/store.h"

namespace ejournal::app {

// The bytes of an XML input of any kind (a regular file is mapped, not copied; a pipe, device or stdin is
// read with the cap applied while reading: model::InputFile), capped by default at the ingest's document
// limit. The service reads its upload temp files through it, the CLI its arguments. Throws Error(Input) «файл
// слишком велик» naming the path, Error(NotFound) for a missing file.
class MappedFile : public model::InputFile {
 public:
  explicit MappedFile(const std::filesystem::path& path, size_t maxBytes = ingest::ReadOptions{}.maxBytes)
      : model::InputFile(path, maxBytes) {}
};

// Stores the parts of an ingest on a writer thread while the caller goes on validating and parsing: push()
// hands over a copy of a part (waiting while one part is already queued, so at most two parts are held beyond
// the reader's own) and rethrows the writer's error, if any, on the caller's thread; finish() waits until
// every part is stored and rethrows likewise. The transaction is used by the writer thread alone between the
// first push() and finish() (a session is one thread's at a time), and committed by the caller after
// finish(). Destroying the writer without finish() drops what is queued and waits for the part being written.
class IngestWriter {
 public:
  explicit IngestWriter(store::IngestTransaction& tx);
  ~IngestWriter();
  IngestWriter(const IngestWriter&) = delete;
  IngestWriter& operator=(const IngestWriter&) = delete;
  void push(const model::Journal& part);
  void finish();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

struct IngestOutcome {
  std::string runId;
  store::IngestSummary summary;
};

// A new run id: "<prefix>-YYYYMMDDTHHMMSS-<6 random hex>".
std::string newRunId(const std::string& prefix, const model::Clock& clock);

// Validates and stores one XML journal document in one transaction (all or nothing). `name` is how problems
// name the document ("upload.xml"); `source` the provenance source ("xml:upload.xml").
// `onlySchool`, when not empty, is the one school the caller may write: another school's document is refused
// (Error(Denied)) before anything of it is stored.
IngestOutcome ingestXml(store::Store& store, std::string_view bytes, const std::string& name,
                        const std::string& source, const model::Clock& clock,
                        const std::string& onlySchool = {});
// The same for a file read through MappedFile: the pages the reader is done with are dropped as it goes, so
// memory holds a window of the document, not all of it.
IngestOutcome ingestXml(store::Store& store, const model::InputFile& file, const std::string& name,
                        const std::string& source, const model::Clock& clock,
                        const std::string& onlySchool = {});

struct PullOutcome {
  std::string runId;
  ingest::dnevnik::PullStats stats;
  store::IngestSummary summary;
};

// An error of dnevnik.ru's making (it refused the token, or kept failing after every retry), told apart from
// an error of our store during the same pull: the service answers it with 502.
class UpstreamError : public Error {
 public:
  explicit UpstreamError(const Error& e) : Error(e) {}
};

// Pulls from dnevnik.ru as `options` say (connection, period or dates, school, retries) into the store as one
// ingest run with provenance "dnevnik:<base URL>", committed only when the whole pull succeeded. Sets
// options.loadExisting to the store's journal of the pulled school (what the API does not carry is kept from
// it). Throws UpstreamError for what the client reports about dnevnik.ru, Error for the rest; nothing is
// stored then. `transport`: the HTTP back end to use (the CLI wraps one to show progress); nullptr: one for
// options.connection.
PullOutcome pullIntoStore(store::Store& store, ingest::dnevnik::PullOptions options,
                          const model::Clock& clock, ingest::dnevnik::HttpTransport* transport = nullptr);

}  // namespace ejournal::app
