// The one list of schema migrations: every repository of the store registers its migration list here
// (see database.h, "HOW TO ADD A REPOSITORY"). Version ranges: 1-9 journal, 10-19 archive index, 20-29
// service, 30-39 recorded checks and their follow-up.
#include <algorithm>

#include "database.h"
#include "ejournal/model/error.h"

namespace ejournal::store {

std::vector<Migration> serviceMigrations();       // 20-29: users, audit log, job runs (service_schema.cpp)
std::vector<Migration> archiveIndexMigrations();  // 10-19: the archive index (archive_index.cpp)
std::vector<Migration> checkMigrations();  // 30-39: recorded checks, tracked findings, outbox (checks.cpp)

std::vector<Migration> allMigrations() {
  using List = std::vector<Migration> (*)();
  // Add your repository's list here, one line each.
  static const List kLists[] = {
      journalMigrations,
      archiveIndexMigrations,
      serviceMigrations,
      checkMigrations,
  };
  std::vector<Migration> all;
  for (List list : kLists)
    for (Migration& m : list()) all.push_back(std::move(m));
  std::sort(all.begin(), all.end(),
            [](const Migration& a, const Migration& b) { return a.version < b.version; });
  for (size_t i = 1; i < all.size(); ++i)
    if (all[i].version == all[i - 1].version)
      throw Error(ErrorKind::Internal, "store.migrations",
                  "duplicate migration version " + std::to_string(all[i].version));
  return all;
}

}  // namespace ejournal::store
