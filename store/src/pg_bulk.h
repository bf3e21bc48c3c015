// Bulk writes to PostgreSQL inside the caller's open transaction, private to store/: rows are buffered in
// COPY's text format per target, then each target's rows go with one `COPY ... FROM STDIN` either straight
// into their table (plain inserts) or to a temporary staging table, from which one statement moves them into
// place (an upsert `INSERT ... SELECT ... ON CONFLICT ...`, or a `DELETE ... USING`). A few round trips per
// target and flush instead of one per row.
//
// Each target's rows are sent under a savepoint. When PostgreSQL refuses them (a foreign key, a duplicate key
// within the batch, a value it does not take), the savepoint is rolled back and the rows are sent again in
// two halves, each half that fails split again, down to single rows, which go through the target's per-row
// SQL: so a failure names the record it belongs to after about twice the rows' work, and rows that only
// failed together (the same key twice) are stored, in their order, and the transaction goes on.
//
// The libpq connection is that of the Poco session: everything stays in the session's one transaction.
#pragma once

#include <Poco/Data/Session.h>
#include <Poco/Types.h>

#include <charconv>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

struct pg_conn;

namespace ejournal::store {

// The libpq connection behind a PostgreSQL session, pooled or not. Throws Error(Internal) for a session of
// another back end. The connection stays owned by the session.
pg_conn* pgConnection(Poco::Data::Session& session);

// Appends `v` to `out` as one field of COPY's text format: backslash, tab, newline and carriage return are
// escaped; every other byte (UTF-8 included) is copied. Throws Error(Input, what) for a NUL byte, which a
// PostgreSQL text value cannot hold.
void appendCopyText(std::string& out, std::string_view v, const std::string& what);
// The field values of one line of COPY text (the inverse of appendCopyText, fields joined by tabs).
std::vector<std::string> splitCopyLine(std::string_view line);

class PgBulk {
 public:
  struct Target {
    std::string table;                 // the table the rows go to (the staging table copies its column types)
    std::vector<std::string> columns;  // the fields of a row, in order
    // Moves the staged rows into place; "{stage}" names the staging table. Empty: the rows are copied
    // straight into `table`.
    std::string merge;
    std::string perRow;  // the same for one row: $1, $2, ... are the columns in order
  };

  // `targets` in the order their rows are applied at a flush: a table before the tables that refer to it, a
  // delete before the inserts it makes room for. The session must be in a transaction (Error(Internal)
  // otherwise) and stay so while this object is used; one thread.
  PgBulk(Poco::Data::Session& session, std::vector<Target> targets);
  PgBulk(const PgBulk&) = delete;
  PgBulk& operator=(const PgBulk&) = delete;

  // Buffers one row of target `t`; `what` names its record in errors. The values are the columns in order:
  // strings, integers, booleans (0/1) or doubles.
  template <class... V>
  void row(size_t t, std::string what, const V&... values) {
    Buffer& b = buffers_[t];
    const size_t before = b.data.size();
    if (sizeof...(V) != targets_[t].columns.size()) columnMismatch(t);
    bool first = true;
    auto field = [&](const auto& v) {
      if (!first) b.data += '\t';
      first = false;
      append(b.data, v, what);
    };
    (field(values), ...);
    b.data += '\n';
    b.ends.push_back(b.data.size());
    b.what.push_back(std::move(what));
    ++rows_;
    bytes_ = bytes_ - before + b.data.size();
  }
  // Rows buffered since the last flush, and their size in bytes.
  size_t pendingRows() const { return rows_; }
  size_t pendingBytes() const { return bytes_; }

  // Applies every buffered row in target order and empties the buffers, also when it throws. A row that
  // PostgreSQL refuses throws Error(Internal, its `what`, the Russian reason, PostgreSQL's text); the
  // transaction is then aborted and can only be rolled back.
  void flush();

 private:
  struct Buffer {
    std::string data;               // COPY text, one line per row
    std::vector<size_t> ends;       // per row: the end of its line in `data`
    std::vector<std::string> what;  // per row
    bool staged = false;            // the staging table exists in this transaction
  };
  static void append(std::string& out, std::string_view v, const std::string& what) {
    appendCopyText(out, v, what);
  }
  static void append(std::string& out, const std::string& v, const std::string& what) {
    appendCopyText(out, v, what);
  }
  static void append(std::string& out, const char* v, const std::string& what) {
    appendCopyText(out, v, what);
  }
  static void append(std::string& out, bool v, const std::string&) { out += v ? '1' : '0'; }
  static void append(std::string& out, int v, const std::string&) { appendNumber(out, v); }
  static void append(std::string& out, Poco::Int64 v, const std::string&) { appendNumber(out, v); }
  static void append(std::string& out, double v, const std::string&) { appendNumber(out, v); }
  template <class N>
  static void appendNumber(std::string& out, N v) {
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, v);  // the shortest text that reads back as the same value
    out.append(buf, r.ptr);
  }
  [[noreturn]] void columnMismatch(size_t t) const;
  std::string stageName(size_t t) const;
  // Sends rows [from, to) of target t, split as described above.
  void send(size_t t, size_t from, size_t to);
  bool sendBatch(size_t t, size_t from, size_t to);
  void sendRow(size_t t, size_t row);
  void clear();

  pg_conn* conn_;
  std::vector<Target> targets_;
  std::vector<Buffer> buffers_;
  size_t rows_ = 0;
  size_t bytes_ = 0;
};

}  // namespace ejournal::store
