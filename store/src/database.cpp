// The store's database layer: connection strings, the session pool, write transactions and migrations.
#include "database.h"

#include <Poco/Data/DataException.h>
#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/PostgreSQL/PostgreSQLException.h>
#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/SQLite/SQLiteException.h>
#include <Poco/Data/SQLite/Utility.h>
#include <Poco/Data/SessionPool.h>
#include <Poco/Exception.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <mutex>
#include <regex>
#include <set>

#include "ejournal/model/error.h"
#include "ejournal/model/files.h"

using namespace Poco::Data::Keywords;

namespace ejournal::store {

namespace {

constexpr int kBusyTimeoutSeconds = 30;
constexpr int kPoolMax = 64;
// The key of the PostgreSQL advisory lock that serializes migrations between processes ("ejrnl" in ASCII).
constexpr Poco::Int64 kMigrationLockKey = 0x656a726e6c;

void registerConnectors() {
  static std::once_flag once;
  std::call_once(once, [] {
    // Connections without their own mutex (SQLite's "multi-thread" mode): a session from the pool is used by
    // one thread at a time (database.h), so the serialized mode's lock around every sqlite3_step and column
    // read (9 % of a year's load) buys nothing. Without effect (SQLITE_MISUSE) when SQLite was set up
    // already.
    sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
    // Without memory statistics (which nothing reads), sqlite3_malloc takes no global mutex: every row an
    // ingest inserts allocated under it (4 % of an ingest's samples, mutex and barrier).
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    Poco::Data::SQLite::Connector::registerConnector();
    Poco::Data::PostgreSQL::Connector::registerConnector();
  });
}

// A pool whose new SQLite sessions get the busy timeout and foreign keys (both are per connection).
class Pool : public Poco::Data::SessionPool {
 public:
  Pool(Backend backend, const std::string& connector, const std::string& conn)
      : Poco::Data::SessionPool(connector, conn, 1, kPoolMax, 120), backend_(backend) {}

 protected:
  void customizeSession(Poco::Data::Session& s) override {
    if (backend_ != Backend::SQLite) return;
    s.setConnectionTimeout(kBusyTimeoutSeconds);
    s << "PRAGMA foreign_keys = ON", now;
    s << "PRAGMA synchronous = NORMAL", now;  // durable with WAL at every checkpoint; the usual WAL setting
    // A page cache large enough that a year's ingest transaction does not spill dirty pages to the WAL before
    // it commits (the 2 MiB default made the first ingest write most pages several times). Grows only as
    // used.
    s << "PRAGMA cache_size = -65536", now;
    s << "PRAGMA temp_store = MEMORY", now;
  }

 private:
  Backend backend_;
};

}  // namespace

void checkPlaceholders(std::string_view sql) {
  int next = 1;
  char quote = 0;
  for (size_t i = 0; i < sql.size(); ++i) {
    char c = sql[i];
    if (quote) {
      if (c == quote) quote = 0;
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      continue;
    }
    if (c != '$' || i + 1 >= sql.size() || sql[i + 1] < '0' || sql[i + 1] > '9') continue;
    int n = 0;
    while (i + 1 < sql.size() && sql[i + 1] >= '0' && sql[i + 1] <= '9') n = n * 10 + (sql[++i] - '0');
    if (n == next)
      ++next;
    else if (n > next)
      throw Error(ErrorKind::Internal, "store.sql",
                  "placeholder $" + std::to_string(n) + " appears before $" + std::to_string(next) +
                      " in: " + std::string(sql));
  }
}

std::string elidePassword(const std::string& conn) {
  static const std::regex kPassword(R"((password\s*=\s*)('[^']*'|\S+))", std::regex::icase);
  return std::regex_replace(conn, kPassword, "$1***");
}

namespace {

// A failed sqlite3_step of a Prepared statement: the Russian text by the result code, SQLite's text as
// what().
struct SqliteStepError : std::runtime_error {
  SqliteStepError(const std::string& english, std::string russian)
      : std::runtime_error(english), message(std::move(russian)) {}
  std::string message;
};

// What the user reads about a database failure, by the kind of failure (the connector's exception class); the
// connector's own English text goes to Error::detail().
std::string russianDatabaseMessage(const Poco::Exception& e) {
  namespace sq = Poco::Data::SQLite;
  namespace pg = Poco::Data::PostgreSQL;
  if (dynamic_cast<const sq::CantOpenDBFileException*>(&e))
    return "не удаётся открыть файл базы данных: нет такого каталога или нет прав на запись";
  if (dynamic_cast<const sq::DBAccessDeniedException*>(&e) ||
      dynamic_cast<const sq::AuthorizationDeniedException*>(&e))
    return "нет доступа к базе данных";
  if (dynamic_cast<const sq::DBLockedException*>(&e) || dynamic_cast<const sq::TableLockedException*>(&e) ||
      dynamic_cast<const sq::LockProtocolException*>(&e))
    return "база данных занята другим процессом; повторите позже";
  if (dynamic_cast<const sq::ReadOnlyException*>(&e)) return "база данных доступна только для чтения";
  if (dynamic_cast<const sq::CorruptImageException*>(&e))
    return "файл повреждён или не является базой данных ejournal";
  if (dynamic_cast<const sq::DatabaseFullException*>(&e)) return "на диске нет места для базы данных";
  if (dynamic_cast<const sq::IOErrorException*>(&e)) return "ошибка ввода-вывода при работе с базой данных";
  if (dynamic_cast<const sq::NoMemoryException*>(&e)) return "недостаточно памяти для работы с базой данных";
  if (dynamic_cast<const sq::ConstraintViolationException*>(&e))
    return "запись противоречит данным, уже сохранённым в базе";
  if (dynamic_cast<const Poco::Data::ConnectionFailedException*>(&e) ||
      dynamic_cast<const Poco::Data::NotConnectedException*>(&e) ||
      dynamic_cast<const pg::ConnectionException*>(&e))
    return "не удаётся подключиться к базе данных: для PostgreSQL проверьте адрес, имя базы, пользователя и "
           "пароль";
  if (e.displayText().find("not a database") != std::string::npos)  // SQLITE_NOTADB has no class of its own
    return "файл повреждён или не является базой данных ejournal";
  return "ошибка базы данных";
}

// A new SQLite store is created 0600 here, before SQLite creates it with its default 0644: it holds pupils'
// personal data and password hashes. SQLite gives its -wal and -shm files the database file's mode. An
// existing file is left as it is. A file that cannot be created (no such directory, no permission) is an
// error here: Poco's SQLite session would retry opening it for its whole login timeout (60 s) before saying
// the same in English.
void createPrivateSqliteFile(const std::string& path) {
  if (path == ":memory:" || path.rfind("file:", 0) == 0) return;
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 || errno != ENOENT) return;
  try {
    ::close(model::openPrivateFile(path, O_RDWR | O_CREAT | O_EXCL));
  } catch (const Error& e) {
    if (::stat(path.c_str(), &st) == 0) return;  // another process created it meanwhile
    throw Error(ErrorKind::Input, "store.open sqlite:" + path,
                "не удаётся открыть файл базы данных: нет такого каталога или нет прав на запись",
                e.detail().empty() ? e.message() : e.detail());
  }
}

}  // namespace

void Database::rethrow(const std::string& where) {
  try {
    throw;
  } catch (const Error&) {
    throw;
  } catch (const Poco::Exception& e) {
    throw Error(ErrorKind::Internal, where, russianDatabaseMessage(e), e.displayText());
  } catch (const SqliteStepError& e) {
    throw Error(ErrorKind::Internal, where, e.message, e.what());
  } catch (const std::exception& e) {
    throw Error(ErrorKind::Internal, where, "ошибка базы данных", e.what());
  }
}

Database::Database(const std::string& connection, std::shared_ptr<model::Clock> clock, bool migrateSchema)
    : clock_(std::move(clock)) {
  registerConnectors();
  std::string conn = connection;
  if (conn.rfind("postgresql:", 0) == 0) {
    backend_ = Backend::PostgreSQL;
    conn = conn.substr(11);
    display_ = "postgresql:" + elidePassword(conn);
  } else {
    if (conn.rfind("sqlite:", 0) == 0) conn = conn.substr(7);
    if (conn.empty()) throw Error(ErrorKind::Input, "store.open", "не задан путь к файлу базы данных");
    backend_ = Backend::SQLite;
    sqlitePath_ = conn;
    display_ = "sqlite:" + conn;
    if (migrateSchema) {
      createPrivateSqliteFile(conn);
    } else if (conn != ":memory:" && conn.rfind("file:", 0) != 0) {
      struct stat st {};
      if (::stat(conn.c_str(), &st) != 0)
        throw Error(
            ErrorKind::NotFound, "хранилище «" + conn + "»",
            "файл базы данных не найден; укажите существующее хранилище (--db ФАЙЛ или $EJOURNAL_DB) или "
            "сначала загрузите журнал: ejournal ingest ФАЙЛ.xml");
      if (!S_ISREG(st.st_mode))
        throw Error(ErrorKind::Input, "хранилище «" + conn + "»", "это не файл базы данных");
    }
  }
  guard("store.open " + display_, [&] {
    pool_ = std::make_unique<Pool>(backend_, backend_ == Backend::SQLite ? "SQLite" : "PostgreSQL", conn);
    if (backend_ == Backend::SQLite &&
        migrateSchema) {  // a reader changes nothing, not even the journal mode
      Poco::Data::Session s = pool_->get();
      std::string mode;
      s << "PRAGMA journal_mode = WAL", into(mode), now;
    }
  });
  if (migrateSchema) {
    migrate(allMigrations());
    return;
  }
  // A reading command: the schema must be there and current; nothing is changed.
  const std::vector<Migration> all = allMigrations();
  const int expected = all.empty() ? 0 : all.back().version;
  int have = -1;
  try {
    have = schemaVersion();
  } catch (const Error&) {
    have = -1;  // no schema_version table: an empty file or another program's database
  }
  if (have <= 0)
    throw Error(ErrorKind::Input, "хранилище " + display_,
                "это не хранилище ejournal (нет таблиц журнала); укажите верное хранилище (--db) или сначала "
                "загрузите "
                "журнал: ejournal ingest ФАЙЛ.xml");
  if (have < expected)
    throw Error(ErrorKind::Input, "хранилище " + display_,
                "схема хранилища версии " + std::to_string(have) + ", а программа ожидает версию " +
                    std::to_string(expected) +
                    "; команды чтения её не обновляют: запустите команду, которая пишет (ejournal ingest, "
                    "ejournal serve), или восстановите копию");
}

Database::~Database() {
  if (pool_) pool_->shutdown();
}

Poco::Data::Session Database::session() {
  return guard("store " + display_, [&] { return pool_->get(); });
}

std::string Database::dialect(std::string_view sql) const {
  std::string out(sql);
  auto replace = [&](const std::string& token, const std::string& with) {
    for (size_t p = out.find(token); p != std::string::npos; p = out.find(token, p + with.size()))
      out.replace(p, token.size(), with);
  };
  bool pg = backend_ == Backend::PostgreSQL;
  replace("{autoid}", pg ? "BIGSERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT");
  replace("{blob}", pg ? "BYTEA" : "BLOB");
  return out;
}

int Database::schemaVersion() {
  return guard("store.schemaVersion " + display_, [&] {
    Poco::Data::Session s = session();
    int v = 0;
    s << "SELECT COALESCE(MAX(version), 0) FROM schema_version", into(v), now;
    return v;
  });
}

void Database::migrate(const std::vector<Migration>& migrations) {
  guard("store.migrate " + display_, [&] {
    Poco::Data::Session s = session();
    WriteTransaction tx(*this, s);
    if (backend_ == Backend::PostgreSQL) {
      Poco::Int64 key = kMigrationLockKey;
      s << "SELECT pg_advisory_xact_lock($1)", use(key), now;
    }
    s << "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, description TEXT NOT NULL, "
         "applied_at TEXT NOT NULL)",
        now;
    std::vector<int> applied;
    s << "SELECT version FROM schema_version", into(applied), now;
    std::set<int> done(applied.begin(), applied.end());
    std::string at = clock_->now().toString();
    for (const Migration& m : migrations) {
      if (done.count(m.version)) continue;
      for (const std::string& sql : m.statements) {
        try {
          execute(s, dialect(sql));
        } catch (...) {
          rethrow("store.migrate " + display_ + " #" + std::to_string(m.version) + " (" + m.description +
                  ")");
        }
      }
      int version = m.version;
      std::string description = m.description;
      s << "INSERT INTO schema_version (version, description, applied_at) VALUES ($1, $2, $3)", use(version),
          use(description), use(at), now;
    }
    tx.commit();
  });
}

WriteTransaction::WriteTransaction(Database& db, Poco::Data::Session& session) : db_(db), session_(session) {
  db_.guard("store.begin " + db_.displayName(), [&] {
    if (db_.backend() == Backend::SQLite)
      session_ << "BEGIN IMMEDIATE", now;
    else
      session_.begin();
  });
  active_ = true;
}

WriteTransaction::~WriteTransaction() {
  if (!active_) return;
  try {
    if (db_.backend() == Backend::SQLite)
      session_ << "ROLLBACK", now;
    else
      session_.rollback();
  } catch (...) {
    // A failed rollback leaves nothing to do here: the connection closes the transaction when it is dropped.
  }
}

void WriteTransaction::commit() {
  db_.guard("store.commit " + db_.displayName(), [&] {
    if (db_.backend() == Backend::SQLite)
      session_ << "COMMIT", now;
    else
      session_.commit();
  });
  active_ = false;
}

ReadTransaction::ReadTransaction(Database& db, Poco::Data::Session& session) : session_(session) {
  db.guard("store.read " + db.displayName(), [&] {
    session_.begin();
    if (db.backend() == Backend::PostgreSQL)
      session_ << "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ", now;
  });
}

ReadTransaction::~ReadTransaction() {
  try {
    session_.rollback();
  } catch (...) {
    // Nothing was written; the connection ends the transaction when it is dropped.
  }
}

Prepared::Prepared(Poco::Data::Session& session, const std::string& sql, std::string_view types)
    : strings_(types.size()),
      ints_(types.size()),
      longs_(types.size()),
      doubles_(types.size()),
      types_(types),
      postgres_(session.connector() == Poco::Data::PostgreSQL::Connector::KEY) {
  checkPlaceholders(sql);
  for (char t : types_)
    if (t != 's' && t != 'i' && t != 'l' && t != 'd')
      throw Error(ErrorKind::Internal, "store.prepare", "bad parameter type in \"" + types_ + "\"");
  if (!postgres_) {
    db_ = Poco::Data::SQLite::Utility::dbHandle(session);
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt_, nullptr) != SQLITE_OK) {
      std::string msg = sqlite3_errmsg(db_);
      sqlite3_finalize(stmt_);
      throw Error(ErrorKind::Internal, "store.prepare", msg + " in: " + sql);
    }
    if (static_cast<size_t>(sqlite3_bind_parameter_count(stmt_)) != types_.size()) {
      sqlite3_finalize(stmt_);
      throw Error(ErrorKind::Internal, "store.prepare",
                  "parameter count differs from \"" + types_ + "\" in: " + sql);
    }
    return;
  }
  statement_ = new Poco::Data::Statement(session);
  Poco::Data::Statement& st = *statement_;
  st << sql;
  for (size_t k = 0; k < types.size(); ++k) {
    switch (types[k]) {
      case 's':
        st, use(strings_[k]);
        break;
      case 'i':
        st, use(ints_[k]);
        break;
      case 'l':
        st, use(longs_[k]);
        break;
      default:
        st, use(doubles_[k]);
        break;
    }
  }
}

size_t Prepared::runSqlite() {
  for (size_t k = 0; k < types_.size(); ++k) {
    int i = static_cast<int>(k) + 1;
    switch (types_[k]) {
      case 's':
        sqlite3_bind_text(stmt_, i, strings_[k].data(), static_cast<int>(strings_[k].size()), SQLITE_STATIC);
        break;
      case 'i':
        sqlite3_bind_int(stmt_, i, ints_[k]);
        break;
      case 'l':
        sqlite3_bind_int64(stmt_, i, longs_[k]);
        break;
      default:
        sqlite3_bind_double(stmt_, i, doubles_[k]);
        break;
    }
  }
  int rc;
  while ((rc = sqlite3_step(stmt_)) == SQLITE_ROW) {
  }
  std::string error = rc == SQLITE_DONE ? std::string() : sqlite3_errmsg(db_);
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  if (rc != SQLITE_DONE) {
    const int primary = rc & 0xff;
    throw SqliteStepError(error, primary == SQLITE_FULL ? "на диске нет места для базы данных"
                                 : primary == SQLITE_BUSY || primary == SQLITE_LOCKED
                                     ? "база данных занята другим процессом; повторите позже"
                                 : primary == SQLITE_READONLY ? "база данных доступна только для чтения"
                                 : primary == SQLITE_CONSTRAINT
                                     ? "запись противоречит данным, уже сохранённым в базе"
                                     : "ошибка базы данных");
  }
  return static_cast<size_t>(sqlite3_changes(db_));
}

Prepared::~Prepared() {
  if (stmt_) sqlite3_finalize(stmt_);
  if (!(failed_ && postgres_)) delete statement_;
}

size_t execute(Poco::Data::Session& session, const std::function<void(Poco::Data::Statement&)>& build) {
  auto* st = new Poco::Data::Statement(session);
  try {
    build(*st);
    size_t n = st->execute();
    delete st;
    return n;
  } catch (...) {
    // Poco 1.11's PostgreSQL statement crashes in its destructor after a failure: leave it undestroyed there.
    if (session.connector() != Poco::Data::PostgreSQL::Connector::KEY) delete st;
    throw;
  }
}

size_t execute(Poco::Data::Session& session, const std::string& sql) {
  return execute(session, [&](Poco::Data::Statement& st) { st << sql; });
}

}  // namespace ejournal::store
