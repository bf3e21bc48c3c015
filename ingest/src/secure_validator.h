// Private to ingest: hardened Xerces-C validation of a journal document (tech-notes §3), reporting as it goes
// the byte ranges Xerces has accepted so the parser can follow it batch by batch.
//
// The document is validated against the schema loaded once from our own file (model::dataFile) into a locked
// grammar pool; the network accessor is removed, DOCTYPEs are refused, entity resolution is denied, entity
// expansion is limited by a SecurityManager, nesting depth is capped, and at most ReadOptions::maxProblems
// problems are collected.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "ejournal/ingest/ingest.h"

namespace ejournal::ingest::detail {

enum class Section { Reference, Lessons, Marks, Attendance, PeriodMarks };

// A validated range of the document: whole sibling elements with the text between them. The Reference chunk
// holds the sections school .. timetable (the children of the root before the first data section); a data
// chunk holds up to ReadOptions::batchRecords records of one data section.
struct Chunk {
  Section section = Section::Reference;
  size_t begin = 0;  // byte offsets in the document
  size_t end = 0;
  size_t records = 0;
};

class ChunkListener {
 public:
  virtual ~ChunkListener() = default;
  // Called on the validating thread, in document order, for every chunk Xerces accepted while no problem had
  // been found. Returns false to stop validation at once (the consumer gave up).
  virtual bool onChunk(const Chunk& chunk) = 0;
};

// Validates `bytes` (named `name` in problems). Returns the problems found (empty: valid), capped at
// options.maxProblems. Throws ejournal::Error(Internal) when the schema cannot be loaded. Thread-safe: every
// call uses its own parser over the shared, locked grammar.
std::vector<Problem> validate(std::string_view bytes, const std::string& name, const ReadOptions& options,
                              ChunkListener& listener);

}  // namespace ejournal::ingest::detail
