// Backups of the SQLite store (VACUUM INTO a temp file, integrity check, atomic publish, generations) and
// restore.
#include "ejournal/store/backup.h"

#include <sqlite3.h>

#include <algorithm>
#include <cstdio>
#include <fstream>

#include "database.h"
#include "ejournal/model/error.h"
#include "ejournal/model/files.h"

using namespace Poco::Data::Keywords;
namespace fs = std::filesystem;

namespace ejournal::store {

namespace {

constexpr const char* kPrefix = "ejournal-";
constexpr const char* kSuffix = ".db";

std::string two(int v) { return (v < 10 ? "0" : "") + std::to_string(v); }

std::string stamp(const model::DateTime& t) {
  int s = t.secondOfDay;
  return std::to_string(t.date.year()) + two(t.date.month()) + two(t.date.day()) + "-" + two(s / 3600) +
         two(s / 60 % 60) + two(s % 60);
}

// An open sqlite3 handle, closed on scope exit.
struct Handle {
  sqlite3* db = nullptr;
  Handle(const fs::path& file, int flags, const std::string& where) {
    if (sqlite3_open_v2(file.c_str(), &db, flags, nullptr) != SQLITE_OK) {
      std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
      sqlite3_close(db);
      throw Error(ErrorKind::Input, where, "не удаётся открыть базу данных: " + msg);
    }
    sqlite3_busy_timeout(db, 30000);
  }
  ~Handle() { sqlite3_close(db); }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;

  // Runs `sql` and returns the first column of every row as text. Throws Error(kind, where) on failure.
  std::vector<std::string> rows(const std::string& sql, const std::string& where,
                                ErrorKind kind = ErrorKind::Input) {
    sqlite3_stmt* st = nullptr;
    std::vector<std::string> out;
    int rc = sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr);
    while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
      const unsigned char* v = sqlite3_column_text(st, 0);
      out.emplace_back(v ? reinterpret_cast<const char*>(v) : "");
      rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) throw Error(kind, where, sqlite3_errmsg(db));
    return out;
  }
};

std::string sqlQuote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("''") : std::string(1, c);
  return q + "'";
}

std::string shellQuote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// Backup files in `dir`, oldest first: names "ejournal-YYYYMMDD-HHMMSS[-N].db" ordered by time, then N.
std::vector<fs::path> generations(const fs::path& dir) {
  struct Entry {
    std::string time;
    int n;
    fs::path path;
  };
  std::vector<Entry> found;
  for (const auto& e : fs::directory_iterator(dir)) {
    std::string name = e.path().filename().string();
    if (!e.is_regular_file() || name.rfind(kPrefix, 0) != 0 || name.size() < 27 ||
        name.compare(name.size() - 3, 3, kSuffix) != 0)
      continue;
    std::string core = name.substr(9, name.size() - 12);  // "YYYYMMDD-HHMMSS[-N]"
    if (core.size() < 15 || core[8] != '-') continue;
    int n = 1;
    if (core.size() > 15) {
      if (core[15] != '-') continue;
      try {
        n = std::stoi(core.substr(16));
      } catch (...) {
        continue;
      }
    }
    found.push_back({core.substr(0, 15), n, e.path()});
  }
  std::sort(found.begin(), found.end(),
            [](const Entry& a, const Entry& b) { return std::tie(a.time, a.n) < std::tie(b.time, b.n); });
  std::vector<fs::path> out;
  for (auto& e : found) out.push_back(std::move(e.path));
  return out;
}

std::string pgConnInfo(const std::string& connection) {
  std::string c = connection.rfind("postgresql:", 0) == 0 ? connection.substr(11) : connection;
  return elidePassword(c);
}

}  // namespace

int verifyBackup(const fs::path& file) {
  const std::string where = file.string();
  if (!fs::is_regular_file(file)) throw Error(ErrorKind::Input, where, "файл резервной копии не найден");
  Handle h(file, SQLITE_OPEN_READONLY, where);
  std::vector<std::string> check = h.rows("PRAGMA integrity_check", where);
  if (check.size() != 1 || check[0] != "ok") {
    std::string msg;
    for (size_t i = 0; i < check.size() && i < 5; ++i) msg += (i ? "; " : "") + check[i];
    throw Error(ErrorKind::Input, where, "резервная копия повреждена (integrity_check): " + msg);
  }
  std::vector<std::string> version;
  try {
    version = h.rows("SELECT MAX(version) FROM schema_version", where);
  } catch (const Error&) {
    throw Error(ErrorKind::Input, where, "это не база ejournal: нет таблицы schema_version");
  }
  int v = version.empty() || version[0].empty() ? 0 : std::stoi(version[0]);
  int known = 0;
  for (const Migration& m : allMigrations()) known = std::max(known, m.version);
  if (v > known)
    throw Error(ErrorKind::Input, where,
                "резервная копия сделана более новой версией программы (схема " + std::to_string(v) +
                    ", поддерживается до " + std::to_string(known) + ")");
  return v;
}

BackupResult backup(Store& store, const fs::path& dir, int keep) {
  Database& db = databaseOf(store);
  if (db.backend() == Backend::PostgreSQL)
    throw Error(ErrorKind::Input, "backup",
                "хранилище в PostgreSQL: резервную копию делает pg_dump, например: " +
                    pgDumpCommand(db.displayName(), "ejournal.dump"));
  if (keep < 1) throw Error(ErrorKind::Input, "backup --keep", "нужно хранить хотя бы одну копию");
  model::createPrivateDirectories(dir);  // 0700: backups hold what the store holds
  std::error_code ec;

  const std::string base = kPrefix + stamp(db.clock().now());
  fs::path target = dir / (base + kSuffix);
  for (int n = 2; fs::exists(target); ++n) target = dir / (base + "-" + std::to_string(n) + kSuffix);

  BackupResult result;
  model::AtomicFile out(target);  // an empty temp file: VACUUM INTO accepts it
  db.guard("backup " + target.string(), [&] {
    Poco::Data::Session s = db.session();
    s << "VACUUM INTO " + sqlQuote(out.tempPath().string()), now;
  });
  {
    // A backup is one self-contained file: no WAL beside it.
    Handle h(out.tempPath(), SQLITE_OPEN_READWRITE, target.string());
    h.rows("PRAGMA journal_mode = DELETE", target.string(), ErrorKind::Internal);
  }
  verifyBackup(out.tempPath());
  out.commit();
  result.file = target;
  result.bytes = fs::file_size(target);

  std::vector<fs::path> all = generations(dir);
  for (size_t i = 0; i + static_cast<size_t>(keep) < all.size(); ++i) {
    fs::remove(all[i], ec);
    if (ec)
      throw Error(ErrorKind::Internal, all[i].string(), "не удаётся удалить старую копию: " + ec.message());
    result.removed.push_back(all[i]);
  }
  if (!result.removed.empty()) model::syncDirectory(dir);
  return result;
}

void restore(const fs::path& from, const std::string& connection) {
  if (connection.rfind("postgresql:", 0) == 0)
    throw Error(ErrorKind::Input, "restore",
                "хранилище в PostgreSQL: восстановление делает pg_restore, например: " +
                    pgRestoreCommand(connection, from.string()));
  const fs::path target =
      connection.rfind("sqlite:", 0) == 0 ? fs::path(connection.substr(7)) : fs::path(connection);
  verifyBackup(from);
  if (fs::exists(target)) {
    // Fold the WAL into the file, so nothing of the old store outlives the rename in a -wal file.
    Handle h(target, SQLITE_OPEN_READWRITE, target.string());
    std::vector<std::string> r =
        h.rows("PRAGMA wal_checkpoint(TRUNCATE)", target.string(), ErrorKind::Internal);
    if (!r.empty() && r[0] != "0")
      throw Error(ErrorKind::Conflict, target.string(),
                  "база данных занята другим процессом; остановите его");
  }
  model::AtomicFile out(target);
  {
    std::ifstream in(from, std::ios::binary);
    if (!in) throw Error(ErrorKind::Input, from.string(), "не удаётся прочитать файл");
    std::vector<char> buf(1 << 20);
    while (in) {
      in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
      if (in.gcount() > 0) out.write(std::string_view(buf.data(), static_cast<size_t>(in.gcount())));
    }
    if (in.bad()) throw Error(ErrorKind::Internal, from.string(), "ошибка чтения");
  }
  verifyBackup(out.tempPath());
  std::error_code ec;
  for (const char* side : {"-wal", "-shm"}) fs::remove(fs::path(target.string() + side), ec);
  out.commit();
}

std::string pgDumpCommand(const std::string& connection, const std::string& file) {
  return "pg_dump --format=custom --file=" + shellQuote(file) + " " + shellQuote(pgConnInfo(connection));
}

std::string pgRestoreCommand(const std::string& connection, const std::string& file) {
  return "pg_restore --clean --if-exists --single-transaction --dbname=" +
         shellQuote(pgConnInfo(connection)) + " " + shellQuote(file);
}

}  // namespace ejournal::store
