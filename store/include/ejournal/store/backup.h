// Backups of the SQLite store: a consistent online copy while others write, verified, named by time, with a
// number of generations kept; and restore. PostgreSQL installations back up with pg_dump (pgDumpCommand says
// how).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "ejournal/store/store.h"

namespace ejournal::store {

struct BackupResult {
  std::filesystem::path file;  // the new backup: DIR/ejournal-YYYYMMDD-HHMMSS.db
  std::uintmax_t bytes = 0;
  std::vector<std::filesystem::path> removed;  // older generations deleted to keep `keep`
};

// Copies the store into `dir` (created if missing) as one consistent snapshot (SQLite VACUUM INTO, which
// reads one snapshot, so concurrent writers neither block for long nor tear it), checks the copy with PRAGMA
// integrity_check, and publishes it atomically (temp file, fsync, rename, fsync of the directory). The name
// carries the store clock's time; a second backup in the same second gets a "-2" suffix. Then deletes the
// oldest "ejournal-*.db" files in `dir` beyond the newest `keep` (keep >= 1). Throws Error(Input) for a
// PostgreSQL store (the message gives the pg_dump command), Error(Internal) on failure (no partial file is
// left).
BackupResult backup(Store& store, const std::filesystem::path& dir, int keep = 7);

// Checks that `file` is an intact ejournal SQLite store (integrity_check, a schema_version table no newer
// than this program knows) and returns its schema version. Throws Error(Input) saying what is wrong.
int verifyBackup(const std::filesystem::path& file);

// Replaces the SQLite store `connection` ("path" or "sqlite:path") with the verified copy `from`, atomically:
// the current store's WAL is checkpointed first, the copy is written next to it and renamed over it. Nothing
// else may have the store open (stop the service first). Throws Error(Input) for a bad backup or a PostgreSQL
// connection, Error(Internal) on I/O failure (the current store is then unchanged).
void restore(const std::filesystem::path& from, const std::string& connection);

// The pg_dump / pg_restore commands for a PostgreSQL connection string ("postgresql:host=... dbname=..."),
// password elided: "pg_dump --format=custom --file=FILE 'host=... dbname=...'".
std::string pgDumpCommand(const std::string& connection, const std::string& file);
std::string pgRestoreCommand(const std::string& connection, const std::string& file);

}  // namespace ejournal::store
