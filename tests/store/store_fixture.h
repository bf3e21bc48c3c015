// Test helpers for the store: a fresh database per test on each back end (a temp SQLite file always; a
// freshly created PostgreSQL database when EJOURNAL_PG is set), a small but complete journal built in code,
// and a canonical text dump of a Journal so two journals compare field by field.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "ejournal/model/journal.h"

namespace storetest {

struct Backend {
  std::string name;                  // "sqlite", "postgresql"
  std::string connection;            // for Store::open
  std::filesystem::path sqliteFile;  // SQLite only
};

// A scratch directory under the build tree, removed on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Runs `test` once per available back end, each with a fresh, empty database (dropped afterwards).
void forEachBackend(const std::function<void(const Backend&)>& test);

// A small school year: two classes (grade 5 with quarters, grade 10 with half-years), staff, subjects,
// students (one transferred mid-year), a subgroup, curriculum, plan, timetable, lessons with works, marks
// with history, attendance and period marks, on the school frame of tests/pull/hand_journal.h
// (lyceumYear2025). Vectors are in the store's load order, so load() of it compares equal.
ejournal::model::Journal sampleJournal(const std::string& schoolId = "school-1");

// How many records the store counts for `j` in an ingest summary: the school itself and every record of every
// kind (inserted, updated or unchanged).
size_t recordCount(const ejournal::model::Journal& j);

// Every field of the journal as text, one record per line.
std::string dump(const ejournal::model::Journal& j);

// Runs a shell command; returns its exit status and stdout (stderr appended to `err` when given).
int run(const std::string& command, std::string* out = nullptr);

}  // namespace storetest
