// Bulk writes to PostgreSQL through COPY on the connection of a Poco session (see pg_bulk.h).
#include "pg_bulk.h"

#include <Poco/Data/PooledSessionImpl.h>
#include <Poco/Data/PostgreSQL/SessionImpl.h>
#include <libpq-fe.h>

#include <memory>

#include "ejournal/model/error.h"

namespace ejournal::store {

namespace {

// Reaches the session a pooled session wraps (PooledSessionImpl::impl() is protected).
struct PooledAccess : Poco::Data::PooledSessionImpl {
  static Poco::Data::SessionImpl* inner(Poco::Data::PooledSessionImpl& pooled) {
    return (pooled.*(&PooledAccess::impl))();
  }
};

using Result = std::unique_ptr<PGresult, decltype(&PQclear)>;

// What the user reads about a refused statement, by the class of its SQLSTATE.
std::string russianReason(const PGresult* r) {
  const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  const std::string_view s = state ? state : "";
  if (s.substr(0, 2) == "23") return "запись противоречит данным, уже сохранённым в базе";
  if (s.substr(0, 2) == "22") return "значение не подходит для базы данных";
  if (s.substr(0, 2) == "08") return "соединение с базой данных прервано";
  return "ошибка базы данных";
}

std::string englishText(pg_conn* conn, const PGresult* r) {
  std::string text = r ? PQresultErrorMessage(r) : "";
  if (text.empty()) text = PQerrorMessage(conn);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

// Runs a statement without parameters; a failure throws Error(Internal).
void exec(pg_conn* conn, const std::string& sql) {
  Result r(PQexec(conn, sql.c_str()), &PQclear);
  if (PQresultStatus(r.get()) == PGRES_COMMAND_OK) return;
  throw Error(ErrorKind::Internal, "store.ingest", russianReason(r.get()),
              englishText(conn, r.get()) + " in: " + sql);
}

// Runs a statement of a batch without parameters; false when it failed.
bool tryExec(pg_conn* conn, const std::string& sql) {
  Result r(PQexec(conn, sql.c_str()), &PQclear);
  return PQresultStatus(r.get()) == PGRES_COMMAND_OK;
}

}  // namespace

pg_conn* pgConnection(Poco::Data::Session& session) {
  Poco::Data::SessionImpl* impl = session.impl();
  if (auto* pooled = dynamic_cast<Poco::Data::PooledSessionImpl*>(impl)) impl = PooledAccess::inner(*pooled);
  auto* pg = dynamic_cast<Poco::Data::PostgreSQL::SessionImpl*>(impl);
  if (!pg) throw Error(ErrorKind::Internal, "store.ingest", "not a PostgreSQL session");
  PGconn* conn = pg->handle();
  if (!conn) throw Error(ErrorKind::Internal, "store.ingest", "the PostgreSQL session is not connected");
  return conn;
}

void appendCopyText(std::string& out, std::string_view v, const std::string& what) {
  size_t from = 0;
  for (size_t i = 0; i < v.size(); ++i) {
    const char c = v[i];
    const char* escape = c == '\\'   ? "\\\\"
                         : c == '\t' ? "\\t"
                         : c == '\n' ? "\\n"
                         : c == '\r' ? "\\r"
                                     : nullptr;
    if (!escape && c != '\0') continue;
    if (c == '\0')
      throw Error(ErrorKind::Input, what,
                  "значение содержит нулевой байт (U+0000), который база данных не хранит");
    out.append(v.data() + from, i - from);
    out += escape;
    from = i + 1;
  }
  out.append(v.data() + from, v.size() - from);
}

std::vector<std::string> splitCopyLine(std::string_view line) {
  std::vector<std::string> fields(1);
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c == '\t') {
      fields.emplace_back();
    } else if (c == '\\' && i + 1 < line.size()) {
      const char e = line[++i];
      fields.back() += e == 't' ? '\t' : e == 'n' ? '\n' : e == 'r' ? '\r' : e;
    } else {
      fields.back() += c;
    }
  }
  return fields;
}

PgBulk::PgBulk(Poco::Data::Session& session, std::vector<Target> targets)
    : conn_(pgConnection(session)), targets_(std::move(targets)), buffers_(targets_.size()) {
  if (PQtransactionStatus(conn_) != PQTRANS_INTRANS)
    throw Error(ErrorKind::Internal, "store.ingest", "bulk writes need an open transaction");
}

void PgBulk::columnMismatch(size_t t) const {
  throw Error(ErrorKind::Internal, "store.ingest " + targets_[t].table,
              "values do not match the bulk target's columns");
}

std::string PgBulk::stageName(size_t t) const { return "ejournal_stage_" + std::to_string(t); }

void PgBulk::flush() {
  if (rows_ == 0) return;
  try {
    for (size_t t = 0; t < targets_.size(); ++t) {
      Buffer& b = buffers_[t];
      if (b.what.empty()) continue;
      if (!b.staged && !targets_[t].merge.empty()) {
        // Until the transaction ends; made outside the savepoints, so that rolling one back keeps it.
        std::string cols;
        for (const std::string& c : targets_[t].columns) cols += (cols.empty() ? "" : ", ") + c;
        exec(conn_, "CREATE TEMPORARY TABLE " + stageName(t) + " ON COMMIT DROP AS SELECT " + cols +
                        " FROM " + targets_[t].table + " WITH NO DATA");
        b.staged = true;
      }
      send(t, 0, b.what.size());
    }
  } catch (...) {
    clear();
    throw;
  }
  clear();
}

void PgBulk::send(size_t t, size_t from, size_t to) {
  if (to - from == 1) return sendRow(t, from);
  if (sendBatch(t, from, to)) return;
  const size_t middle = from + (to - from) / 2;
  send(t, from, middle);
  send(t, middle, to);
}

bool PgBulk::sendBatch(size_t t, size_t from, size_t to) {
  const Buffer& b = buffers_[t];
  const Target& target = targets_[t];
  const bool direct = target.merge.empty();
  const std::string into = direct ? target.table : stageName(t);
  std::string cols;
  for (const std::string& c : target.columns) cols += (cols.empty() ? "" : ", ") + c;
  exec(conn_, "SAVEPOINT ejournal_bulk");
  bool ok = false;
  {
    Result r(PQexec(conn_, ("COPY " + into + " (" + cols + ") FROM STDIN").c_str()), &PQclear);
    ok = PQresultStatus(r.get()) == PGRES_COPY_IN;
  }
  if (ok) {
    // In blocking mode PQputCopyData queues or sends everything; it fails only on a broken connection.
    const size_t begin = from ? b.ends[from - 1] : 0;
    ok = PQputCopyData(conn_, b.data.data() + begin, static_cast<int>(b.ends[to - 1] - begin)) == 1;
    ok = PQputCopyEnd(conn_, nullptr) == 1 && ok;
    while (PGresult* r = PQgetResult(conn_)) {
      ok = ok && PQresultStatus(r) == PGRES_COMMAND_OK;
      PQclear(r);
    }
  }
  if (ok && !direct) {
    std::string merge = target.merge;
    merge.replace(merge.find("{stage}"), 7, into);
    ok = tryExec(conn_, merge) && tryExec(conn_, "TRUNCATE " + into);
  }
  if (ok) {
    exec(conn_, "RELEASE SAVEPOINT ejournal_bulk");
    return true;
  }
  exec(conn_, "ROLLBACK TO SAVEPOINT ejournal_bulk");
  exec(conn_, "RELEASE SAVEPOINT ejournal_bulk");
  return false;
}

void PgBulk::sendRow(size_t t, size_t row) {
  const Buffer& b = buffers_[t];
  const Target& target = targets_[t];
  const size_t begin = row ? b.ends[row - 1] : 0;
  const std::vector<std::string> fields =
      splitCopyLine(std::string_view(b.data).substr(begin, b.ends[row] - 1 - begin));
  std::vector<const char*> values;
  for (const std::string& f : fields) values.push_back(f.c_str());
  Result r(PQexecParams(conn_, target.perRow.c_str(), static_cast<int>(values.size()), nullptr, values.data(),
                        nullptr, nullptr, 0),
           &PQclear);
  if (PQresultStatus(r.get()) != PGRES_COMMAND_OK)
    throw Error(ErrorKind::Internal, b.what[row], russianReason(r.get()), englishText(conn_, r.get()));
}

void PgBulk::clear() {
  for (Buffer& b : buffers_) {
    b.data.clear();
    b.ends.clear();
    b.what.clear();
  }
  rows_ = 0;
  bytes_ = 0;
}

}  // namespace ejournal::store
