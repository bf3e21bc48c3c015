// The hash-chained audit log (audit.h) on the store's database: table audit_log (migration 20), made
// append-only by triggers created when the log is opened (their syntax differs between SQLite and
// PostgreSQL).
#include "ejournal/store/audit.h"

#include <Poco/Data/Session.h>
#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>
#include <Poco/Tuple.h>

#include <mutex>

#include "database.h"
#include "ejournal/model/error.h"

using namespace Poco::Data::Keywords;

namespace ejournal::store {

namespace {

const std::string kZeroHash(64, '0');

std::string escapeField(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '%':
        out += "%25";
        break;
      case '\t':
        out += "%09";
        break;
      case '\n':
        out += "%0A";
        break;
      case '\r':
        out += "%0D";
        break;
      default:
        out += c;
    }
  }
  return out;
}

using Row = Poco::Tuple<Poco::Int64, std::string, std::string, std::string, std::string, std::string,
                        std::string, std::string, std::string, std::string>;
const char* kColumns = "seq, at, actor, action, object, outcome, details, address, prev_hash, hash";

AuditRecord fromRow(const Row& r) {
  AuditRecord a;
  a.seq = r.get<0>();
  a.at = model::DateTime::parse(r.get<1>()).value_or(model::DateTime{});
  a.entry = {r.get<2>(), r.get<3>(), r.get<4>(), r.get<5>(), r.get<6>(), r.get<7>()};
  a.prevHash = r.get<8>();
  a.hash = r.get<9>();
  return a;
}

// Raw `at` text is kept for hashing so a record whose time does not parse still verifies byte for byte.
std::string canonical(Poco::Int64 seq, const std::string& at, const AuditEntry& e) {
  return std::to_string(seq) + "\t" + escapeField(at) + "\t" + escapeField(e.actor) + "\t" +
         escapeField(e.action) + "\t" + escapeField(e.object) + "\t" + escapeField(e.outcome) + "\t" +
         escapeField(e.details) + "\t" + escapeField(e.address);
}

class SqlAudit final : public AuditLog {
 public:
  explicit SqlAudit(Database& db) : db_(db) { protect(); }

  AuditRecord append(const AuditEntry& entry) override {
    return db_.guard("audit.append", [&] {
      Poco::Data::Session s = db_.session();
      WriteTransaction tx(db_, s);
      if (db_.backend() == Backend::PostgreSQL) s << "LOCK TABLE audit_log IN EXCLUSIVE MODE", now;
      std::vector<Poco::Int64> seqs;
      std::vector<std::string> hashes;
      s << "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1", into(seqs), into(hashes), now;
      AuditRecord r;
      r.seq = seqs.empty() ? 1 : seqs.front() + 1;
      r.prevHash = hashes.empty() ? kZeroHash : hashes.front();
      r.at = db_.clock().now();
      r.entry = entry;
      r.hash = auditHash(r.prevHash, r.canonicalText());
      Poco::Int64 seq = r.seq;
      std::string at = r.at.toString();
      AuditEntry e = entry;
      s << "INSERT INTO audit_log (seq, at, actor, action, object, outcome, details, address, prev_hash, "
           "hash) "
           "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
          use(seq), use(at), use(e.actor), use(e.action), use(e.object), use(e.outcome), use(e.details),
          use(e.address), use(r.prevHash), use(r.hash), now;
      tx.commit();
      return r;
    });
  }

  std::vector<AuditRecord> list(const AuditQuery& q) override {
    return db_.guard("audit.list", [&] {
      Poco::Data::Session s = db_.session();
      std::vector<Row> rows;
      Poco::Int64 after = q.afterSeq;
      Poco::Int64 limit = static_cast<Poco::Int64>(std::min<size_t>(q.limit, 10000));
      std::string actor = q.actor, action = q.action;
      s << "SELECT " + std::string(kColumns) +
               " FROM audit_log WHERE seq > $1 AND ($2 = '' OR actor = $2) AND ($3 = '' OR action = $3) "
               "ORDER BY seq LIMIT $4",
          use(after), use(actor), use(action), use(limit), into(rows), now;
      std::vector<AuditRecord> out;
      for (const auto& r : rows) out.push_back(fromRow(r));
      return out;
    });
  }

  AuditVerification verify() override {
    return db_.guard("audit.verify", [&] {
      AuditVerification v;
      std::string prev = kZeroHash;
      Poco::Int64 expectSeq = 1;
      Poco::Data::Session s = db_.session();
      // Read in pages so a long log does not sit in memory at once.
      for (;;) {
        std::vector<Row> rows;
        Poco::Int64 after = expectSeq - 1;
        s << "SELECT " + std::string(kColumns) + " FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT 5000",
            use(after), into(rows), now;
        if (rows.empty()) break;
        for (const auto& row : rows) {
          const Poco::Int64 seq = row.get<0>();
          auto fail = [&](Poco::Int64 at, const std::string& what) {
            v.ok = false;
            v.firstBadSeq = at;
            v.problem = what;
          };
          if (seq != expectSeq) {
            fail(expectSeq, "запись № " + std::to_string(expectSeq) + " отсутствует (следующая — № " +
                                std::to_string(seq) + ")");
            return v;
          }
          AuditEntry e{row.get<2>(), row.get<3>(), row.get<4>(), row.get<5>(), row.get<6>(), row.get<7>()};
          if (row.get<8>() != prev) {
            fail(seq, "запись № " + std::to_string(seq) + " не ссылается на хеш предыдущей записи");
            return v;
          }
          std::string h = auditHash(prev, canonical(seq, row.get<1>(), e));
          if (h != row.get<9>()) {
            fail(seq, "запись № " + std::to_string(seq) + " изменена: хеш не совпадает");
            return v;
          }
          prev = h;
          ++expectSeq;
          ++v.records;
        }
      }
      v.lastHash = prev;
      return v;
    });
  }

 private:
  // Creates the append-only triggers (idempotent).
  void protect() {
    static std::mutex mutex;
    std::lock_guard<std::mutex> lock(mutex);
    db_.guard("audit.protect", [&] {
      Poco::Data::Session s = db_.session();
      if (db_.backend() == Backend::SQLite) {
        s << "CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log "
             "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END",
            now;
        s << "CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log "
             "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END",
            now;
      } else {
        WriteTransaction tx(db_, s);
        Poco::Int64 key =
            0x656a617564697400;  // "ejaudit": serialises concurrent instances creating the triggers
        s << "SELECT pg_advisory_xact_lock($1)", use(key), now;
        s << "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
             "'BEGIN RAISE EXCEPTION ''audit log is append-only''; END'",
            now;
        s << "CREATE OR REPLACE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log "
             "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
            now;
        s << "CREATE OR REPLACE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
             "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()",
            now;
        tx.commit();
      }
    });
  }

  Database& db_;
};

}  // namespace

std::string AuditRecord::canonicalText() const { return canonical(seq, at.toString(), entry); }

std::string auditHash(const std::string& prevHash, const std::string& canonicalText) {
  Poco::SHA2Engine sha(Poco::SHA2Engine::SHA_256);
  sha.update(prevHash);
  sha.update("\n");
  sha.update(canonicalText);
  return Poco::DigestEngine::digestToHex(sha.digest());
}

std::unique_ptr<AuditLog> openAudit(Store& store) { return std::make_unique<SqlAudit>(databaseOf(store)); }

}  // namespace ejournal::store
