// The store's database layer, private to store/: a pooled connection to SQLite or PostgreSQL, the SQL dialect
// helpers, write transactions, and the versioned schema migrations. Every repository inside store/ (the
// journal, the archive index, users, audit log, job runs, pull runs) is built on it.
//
// HOW TO ADD A REPOSITORY (engineers "archive" and "service"):
//
//  1. Put your code in store/src/<name>_repository.cpp (+ a public header in store/include/ejournal/store/ if
//  app
//     needs it), list the .cpp in store/CMakeLists.txt.
//  2. Get the database of a Store with `Database& db = databaseOf(store);` and a session per operation:
//         Poco::Data::Session s = db.session();   // pooled; NOT thread-safe: one per thread, returned on
//         destruction s << "SELECT ... WHERE school_id = $1 AND id = $2", use(school), use(id), into(x), now;
//     Wrap Poco calls so errors leave the store as ejournal::Error:
//         db.guard("archive.index", [&] { ... });   // Poco::Exception/std::exception -> Error(Internal,
//         where, ...)
//  3. Write SQL that both back ends accept:
//       - placeholders are $1, $2, ... only (never '?'): the PostgreSQL connector rejects '?';
//       - and they must FIRST APPEAR IN ORDER $1, $2, $3 in the text (a repeat is fine): SQLite takes "$3" as
//       a
//         *named* parameter numbered by first appearance, while Poco binds by position, so "b <= $3 AND a >=
//         $2" silently swaps the values on SQLite. checkPlaceholders(sql) throws on such text (Prepared calls
//         it);
//       - types: TEXT, INTEGER (32-bit), BIGINT, DOUBLE PRECISION; booleans as INTEGER 0/1; dates as TEXT
//         "YYYY-MM-DD", date-times as TEXT "YYYY-MM-DDTHH:MM:SS" (they sort and compare as text);
//       - in migrations, `{autoid}` expands to an auto-increment BIGINT primary key, `{blob}` to BLOB/BYTEA;
//       - upsert: INSERT ... ON CONFLICT (cols) DO UPDATE SET c = excluded.c / DO NOTHING (both support it);
//         RETURNING works on both; no INSERT OR IGNORE/REPLACE, no SERIAL, no AUTOINCREMENT spelled out;
//       - every table has `school_id TEXT NOT NULL` as the first key column (one PostgreSQL database serves
//       many
//         schools), unless it is truly global (e.g. users of the whole installation).
//     For a statement run many times (a batch of rows), use Prepared below: it binds once, runs per row.
//     POCO 1.11 POSTGRESQL PITFALLS (verified here):
//       - a Statement whose execution FAILED crashes in its destructor (double PQclear). Prepared and
//       execute()
//         below work around it (the failed statement is deliberately not destroyed, on PostgreSQL only); a
//         plain `s << "...", now;` that fails on PostgreSQL crashes the process, so use execute() where SQL
//         may fail (constraint violations, DDL);
//       - BIGINT values are read through a double: exact only within +-2^53. Keep stored integers in that
//       range.
//  4. Writes that must be all-or-nothing go through WriteTransaction (BEGIN IMMEDIATE on SQLite, so two
//  writers
//     never deadlock on a lock upgrade; BEGIN on PostgreSQL); its destructor rolls back unless commit() ran.
//  5. Migrations: write `std::vector<Migration> <name>Migrations()` in your .cpp, declare it below next to
//     journalMigrations(), and add it to the list in allMigrations() (store/src/migrations.cpp). Numbers are
//     pre-assigned so nobody collides: 1-9 journal (store), 10-19 archive index (archive), 20-29 users,
//     audit, jobs, pulls (service). A migration is never edited once committed; change the schema with a new
//     number. All pending migrations run on Store::open in one transaction, in version order, serialized
//     between processes (SQLite: BEGIN IMMEDIATE; PostgreSQL: pg_advisory_xact_lock), and recorded in
//     schema_version.
#pragma once

#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ejournal/model/clock.h"
#include "ejournal/store/store.h"

namespace Poco::Data {
class SessionPool;
}
struct sqlite3;
struct sqlite3_stmt;

namespace ejournal::store {

struct Migration {
  int version = 0;                      // unique, see the ranges above
  std::string description;              // "journal: base tables"
  std::vector<std::string> statements;  // SQL, with the {autoid} and {blob} tokens expanded per back end
};

// Migration lists of the repositories, registered in allMigrations() (migrations.cpp).
std::vector<Migration> journalMigrations();  // 1-9
// Others add theirs here: archiveIndexMigrations() (10-19), serviceMigrations() (20-29).

// Every migration of every repository, sorted by version.
std::vector<Migration> allMigrations();

class Database {
 public:
  // `connection` as for Store::open. Opens the pool, sets SQLite up (WAL, foreign keys, busy timeout) and
  // applies pending migrations. Throws Error(Internal) naming the connection (password elided). With
  // `migrate` false (Store::openExisting) it creates no SQLite file and applies nothing: a missing file is
  // Error(NotFound), a database without the current schema Error(Input).
  Database(const std::string& connection, std::shared_ptr<model::Clock> clock, bool migrate = true);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  Backend backend() const { return backend_; }
  // A session from the pool (thread-safe). SQLite sessions come with foreign keys on and the busy timeout
  // set.
  Poco::Data::Session session();
  model::Clock& clock() const { return *clock_; }
  // The connection for messages, with any password elided: "sqlite:/path/ejournal.db", "postgresql:host=...".
  const std::string& displayName() const { return display_; }
  // SQLite only: the database file path ("" for PostgreSQL).
  const std::string& sqlitePath() const { return sqlitePath_; }

  // Expands the migration tokens ({autoid}, {blob}) for this back end.
  std::string dialect(std::string_view sql) const;
  // The highest applied migration version.
  int schemaVersion();
  // Applies pending migrations of `migrations` (sorted by version). Called by the constructor with
  // allMigrations(); tests call it to migrate from an older version.
  void migrate(const std::vector<Migration>& migrations);

  // Runs f, translating Poco::Exception and std::exception (other than ejournal::Error) into
  // Error(Internal, where, text).
  template <class F>
  auto guard(const std::string& where, F&& f) -> decltype(f()) {
    try {
      return f();
    } catch (...) {
      rethrow(where);
    }
  }
  // Rethrows the current exception as ejournal::Error (kept as is if it already is one).
  [[noreturn]] static void rethrow(const std::string& where);

 private:
  Backend backend_ = Backend::SQLite;
  std::string display_;
  std::string sqlitePath_;
  std::shared_ptr<model::Clock> clock_;
  std::unique_ptr<Poco::Data::SessionPool> pool_;
};

// A write transaction on one session. SQLite: BEGIN IMMEDIATE (waits up to the busy timeout for the write
// lock); PostgreSQL: BEGIN. The destructor rolls back unless commit() succeeded. Not copyable; one thread.
class WriteTransaction {
 public:
  WriteTransaction(Database& db, Poco::Data::Session& session);
  ~WriteTransaction();
  WriteTransaction(const WriteTransaction&) = delete;
  WriteTransaction& operator=(const WriteTransaction&) = delete;
  void commit();
  bool active() const { return active_; }

 private:
  Database& db_;
  Poco::Data::Session& session_;
  bool active_ = false;
};

// A read-only transaction: every SELECT inside sees one snapshot (SQLite: a deferred BEGIN; PostgreSQL: BEGIN
// ISOLATION LEVEL REPEATABLE READ), so a multi-table read is never torn by a concurrent ingest. Always rolls
// back.
class ReadTransaction {
 public:
  ReadTransaction(Database& db, Poco::Data::Session& session);
  ~ReadTransaction();
  ReadTransaction(const ReadTransaction&) = delete;
  ReadTransaction& operator=(const ReadTransaction&) = delete;

 private:
  Poco::Data::Session& session_;
};

// A statement prepared once and run many times with new values (e.g. one upsert per row of a batch). `types`
// gives each $n parameter's C++ type in order: 's' std::string, 'i' int, 'l' Poco::Int64, 'd' double.
//     Prepared up(s, "INSERT INTO t (school_id, id, n) VALUES ($1, $2, $3)", "ssi");
//     for (...) up.run(school, id, n);   // returns the affected row count
// Poco exceptions pass through (wrap in Database::guard). One session, one thread.
class Prepared {
 public:
  Prepared(Poco::Data::Session& session, const std::string& sql, std::string_view types);
  ~Prepared();
  Prepared(const Prepared&) = delete;
  Prepared& operator=(const Prepared&) = delete;
  template <class... A>
  size_t run(const A&... args) {
    size_t k = 0;
    (assign(k++, args), ...);
    try {
      return stmt_ ? runSqlite() : statement_->execute();
    } catch (...) {
      failed_ = true;
      throw;
    }
  }

 private:
  void assign(size_t k, const std::string& v) { strings_[k] = v; }
  void assign(size_t k, std::string_view v) { strings_[k].assign(v); }
  void assign(size_t k, const char* v) { strings_[k] = v; }
  void assign(size_t k, int v) { ints_[k] = v; }
  void assign(size_t k, bool v) { ints_[k] = v ? 1 : 0; }
  void assign(size_t k, Poco::Int64 v) { longs_[k] = v; }
  void assign(size_t k, double v) { doubles_[k] = v; }

  std::vector<std::string> strings_;
  std::vector<int> ints_;
  std::vector<Poco::Int64> longs_;
  std::vector<double> doubles_;
  std::string types_;
  bool postgres_ = false;
  bool failed_ = false;
  Poco::Data::Statement* statement_ = nullptr;  // PostgreSQL: owned; leaked after a failure (see above)
  // SQLite: the statement is prepared once with sqlite3 directly (Poco re-prepares on every execute).
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
  size_t runSqlite();
};

// Runs one statement that `build` fills in (SQL text, use(), into()), with the PostgreSQL failure workaround
// above; returns the affected row count. Poco exceptions pass through.
size_t execute(Poco::Data::Session& session, const std::function<void(Poco::Data::Statement&)>& build);
// The same for a statement without parameters or results (DDL, BEGIN, ...).
size_t execute(Poco::Data::Session& session, const std::string& sql);

// Throws Error(Internal) when the $n placeholders of `sql` do not first appear in the order $1, $2, ... (see
// the note at the top). String literals and quoted identifiers are skipped.
void checkPlaceholders(std::string_view sql);

// `conn` with the value of any password=... elided ("password=***"), for messages and printed commands.
std::string elidePassword(const std::string& conn);

// The database behind a Store opened by Store::open (every Store implementation has one).
Database& databaseOf(Store& store);

}  // namespace ejournal::store
