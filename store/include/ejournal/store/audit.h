// The audit log: an append-only, hash-chained record of every login, failed login, ingest, pull, seal,
// download and user change (issue 6), kept in the journal store (migrations 20-29).
//
// Each record's hash is SHA-256 over the previous record's hash and the record's canonical text (docs/api.md,
// "Audit log"), so removing, reordering or editing any record breaks the chain from there on; `ejournal audit
// verify` recomputes it. The tables refuse UPDATE and DELETE (triggers). Appends are serialised across
// threads and service instances by the database. Thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ejournal/model/date.h"

namespace ejournal::store {

class Store;

struct AuditEntry {
  std::string actor;  // login, "cli:<os user>", or "scheduler"
  std::string
      action;  // "login", "login.failed", "logout", "ingest", "pull", "seal", "download", "user.add", ...
  std::string object;   // what it was about: a file, an archive id, a login
  std::string outcome;  // "ok", "denied", "failed"
  std::string details;  // free text (Russian or JSON), may be empty
  std::string address;  // client IP for service requests, empty for the CLI
};

struct AuditRecord {
  int64_t seq = 0;  // 1, 2, 3, ... without gaps
  model::DateTime at;
  AuditEntry entry;
  std::string prevHash;  // hex; 64 zeros for the first record
  std::string hash;      // hex SHA-256(prevHash + "\n" + canonicalText)
  // The canonical text hashed: seq, at, actor, action, object, outcome, details, address, each field
  // percent-escaped (% \t \n \r) and joined by tabs.
  std::string canonicalText() const;
};

struct AuditQuery {
  int64_t afterSeq = 0;  // records with seq > afterSeq
  size_t limit = 100;
  std::string actor;   // empty: any
  std::string action;  // empty: any
};

struct AuditVerification {
  bool ok = true;
  int64_t records = 0;
  int64_t firstBadSeq = 0;  // 0 when ok
  std::string problem;      // Russian: what is wrong at firstBadSeq
  std::string lastHash;     // hash of the last record (for a note on paper)
};

class AuditLog {
 public:
  virtual ~AuditLog() = default;
  // Appends one record stamped with the store's clock; returns it with seq and hashes. Throws
  // Error(Internal).
  virtual AuditRecord append(const AuditEntry& entry) = 0;
  virtual std::vector<AuditRecord> list(const AuditQuery& query) = 0;  // in seq order
  // Recomputes the whole chain.
  virtual AuditVerification verify() = 0;
};

// The audit log of an open store (migrates its tables on first use). The store must outlive it.
std::unique_ptr<AuditLog> openAudit(Store& store);

// SHA-256 of the chain step, hex: exposed so tests and verify share one definition.
std::string auditHash(const std::string& prevHash, const std::string& canonicalText);

}  // namespace ejournal::store
