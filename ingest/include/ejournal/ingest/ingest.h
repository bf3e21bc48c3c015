// The journal XML interchange and archive format (schemas/journal.xsd, docs/xml-format.md): secure validation
// and parsing into the model, and the canonical writer used for exports and archives.
//
// Documents are validated with Xerces-C against our own bundled schema (no DTDs, no external entities, no
// schema named by the document), then parsed with pugixml from the same bytes, then cross-checked (references
// to unknown students, classes, lessons; dates outside the academic year). Thread-safe: any number of
// concurrent readers.
#pragma once

#include <cstddef>
#include <functional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "ejournal/model/error.h"
#include "ejournal/model/journal.h"

namespace ejournal::ingest {

struct Problem {
  std::string file;
  int line = 0;         // 1-based; 0 when unknown
  int column = 0;       // 1-based; 0 when unknown
  std::string message;  // Russian, for the user
  std::string
      detail;  // the parser's own (English) text when it reported the problem: for the log, may be empty
  std::string toString() const;  // "file:line:column: message" (without the detail)
};

// Thrown when a document is rejected; carries every problem found (capped at ReadOptions::maxProblems).
class InvalidDocument : public Error {
 public:
  explicit InvalidDocument(std::vector<Problem> problems);
  const std::vector<Problem>& problems() const { return problems_; }

 private:
  std::vector<Problem> problems_;
};

// How validation and parsing are scheduled. Sequential validates the whole document with Xerces first, then
// parses and hands parts to the sink, all on the calling thread. Overlapped validates on a worker thread
// while the calling thread parses every batch as soon as Xerces has accepted its bytes and calls the sink
// (still on the calling thread); memory stays bounded by a few batches either way.
enum class Pipeline { Sequential, Overlapped };

// The longest attribute value, text, tag, comment, CDATA section or processing instruction a document may
// hold (docs/xml-format.md): far above any real topic or homework, small enough that refusing a hostile
// document costs little memory. Longer ones are refused before validation starts, at their line:column.
constexpr size_t kMaxValueBytes = size_t{4} << 20;

struct ReadOptions {
  size_t maxBytes = size_t{1} << 30;  // larger documents are refused before parsing
  size_t maxValueBytes = kMaxValueBytes;
  size_t maxProblems = 50;
  size_t batchRecords = 20000;  // lessons + marks + attendance + period marks per batch handed to the sink
  Pipeline pipeline = Pipeline::Overlapped;
  int maxDepth = 32;  // deeper element nesting is refused at once (the format needs 4)
  // Called on the calling thread after each batch is parsed with the bytes read so far and the document's
  // size (the CLI's progress); may be empty.
  std::function<void(size_t done, size_t total)> progress;
  // Called on the calling thread with an offset before which the reader is done with the document's bytes
  // (it reads them again only to locate problems, when it refuses the document): a caller that maps the
  // document drops those pages (model::InputFile::release), so memory holds a window of the document rather
  // than all of it. The offset may exceed the size (everything). May be empty.
  std::function<void(size_t upTo)> release;
};

// Validates and parses `bytes` (named `name` in problem locations), handing the journal to `sink` in parts:
// the first part carries the school, year and all reference data, later parts carry lessons, marks,
// attendance and period marks, each part with school.id set (see store::IngestTransaction). The sink may be
// called before validation of the whole document has finished; the caller commits only when readJournal
// returns normally. Throws InvalidDocument on any schema, syntax or cross-reference problem.
void readJournal(std::string_view bytes, const std::string& name,
                 const std::function<void(const model::Journal& part)>& sink,
                 const ReadOptions& options = {});

// Convenience: the whole document as one Journal.
model::Journal readJournal(std::string_view bytes, const std::string& name, const ReadOptions& options = {});

// Writes the canonical XML of `journal` (UTF-8, stable element order, valid against the schema, re-ingestible
// with identical results). Deterministic: the same journal gives the same bytes.
void writeJournal(const model::Journal& journal, std::ostream& out);
std::string writeJournal(const model::Journal& journal);

}  // namespace ejournal::ingest
