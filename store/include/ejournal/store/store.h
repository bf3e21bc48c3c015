// The journal store: the only part of ejournal that talks to a database (SQLite by default, PostgreSQL to
// scale out). Rules, reports, render and archive work on model values loaded from here; app wires them.
//
// Thread safety: a Store may be used from many threads at once (it keeps a session pool); an
// IngestTransaction belongs to the thread that began it.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ejournal/model/clock.h"
#include "ejournal/model/journal.h"

namespace ejournal::store {

enum class Backend { SQLite, PostgreSQL };

struct IngestSummary {
  size_t inserted = 0;     // records that were new
  size_t updated = 0;      // records whose content changed
  size_t unchanged = 0;    // records already stored as they are
  size_t markChanges = 0;  // entries added to the mark change history
};

// One ingest or pull, stored all or nothing. Parts are upserted in document order: the first part carries the
// school, year, periods and all reference data (staff, subjects, classes, students, subgroups, curriculum,
// plan, timetable); later parts carry lessons, marks, attendance and period marks that refer to them. Every
// part has `school.id` set. Destroying the transaction without commit() rolls everything back.
class IngestTransaction {
 public:
  virtual ~IngestTransaction() = default;
  virtual void upsert(const model::Journal& part) = 0;  // throws ejournal::Error naming the record on failure
  virtual IngestSummary commit() = 0;
};

struct LoadFilter {
  std::string schoolId;                   // empty: the only school in the store (Error if several)
  std::optional<model::DateRange> dates;  // lessons (and their marks, attendance) within these dates
  std::string classId;                    // empty: all classes
  bool referenceOnly = false;             // only the school, year and reference data: no lessons, marks,
                                          // attendance or period marks (cheap: for names, periods, classes)
};

struct ClassStats {
  std::string classId;
  std::string className;  // "5А"
  std::string periodId;   // "" for the whole year
  int students = 0;
  int lessons = 0;
  int marks = 0;
  int absences = 0;
};

class Store {
 public:
  // Opens (creating and migrating as needed) the store named by `connection`: a SQLite file path
  // ("ejournal.db", "sqlite:/var/lib/ejournal/ejournal.db") or "postgresql:host=... port=... dbname=...
  // user=...". Throws ejournal::Error(Internal) with the connection (password elided) on failure.
  static std::unique_ptr<Store> open(const std::string& connection,
                                     std::shared_ptr<model::Clock> clock = model::systemClock());
  // Opens an existing store for a command that only reads: creates no file and applies no migration. Throws
  // Error(NotFound) when the SQLite file does not exist, Error(Input) when the database is not an ejournal
  // store or its schema is older than this program's (a writing command or the service migrates it).
  static std::unique_ptr<Store> openExisting(const std::string& connection,
                                             std::shared_ptr<model::Clock> clock = model::systemClock());
  virtual ~Store() = default;

  virtual Backend backend() const = 0;
  virtual std::unique_ptr<IngestTransaction> beginIngest(const model::Provenance& provenance) = 0;

  // The school's journal: all reference data, and lessons, marks, attendance and period marks as filtered.
  // Vectors come back in a stable order (by id, lessons by date and slot). Throws Error(NotFound) for an
  // unknown school, Error(Input) when the store holds several schools and none is named.
  virtual model::Journal load(const LoadFilter& filter) = 0;
  virtual std::vector<std::string> schools() = 0;  // school ids
  // The stored schools by id: id, full and short name, director (the rest of model::School as stored).
  virtual std::vector<model::School> schoolList() = 0;
  // A token that changes whenever an ingest or pull is committed to the store, by this process or any other
  // sharing the database (one small query on ingest_runs): a cache of loaded journals compares it to know
  // whether to reload. Equal tokens mean no ingest was committed in between.
  virtual std::string version() = 0;
  // The same token for one school: it changes with every ingest or pull committed for `schoolId` (by any
  // process on the database) and not with another school's, so a cache of one school's journal keeps it while
  // the region's other schools are written. Unknown schools have the token of no runs.
  virtual std::string schoolVersion(const std::string& schoolId) = 0;

  // Per class (and per reporting period of its grade, plus the whole year with periodId ""): students
  // enrolled, lessons, marks, absences. Computed in SQL.
  virtual std::vector<ClassStats> stats(const LoadFilter& filter) = 0;
};

}  // namespace ejournal::store
