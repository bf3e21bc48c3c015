// The service's tables (migrations 20-29): users and revoked tokens, the hash-chained audit log, scheduled
// job runs, failed logins by client address. Users belong to a school (school_id) or, for the regional roles,
// to the whole store; job names carry the school of a per-school job ("pull@school").
#include "database.h"

namespace ejournal::store {

std::vector<Migration> serviceMigrations() {
  return {
      {20,
       "service: users, revoked tokens, audit log, job runs",
       {
           R"(CREATE TABLE service_users (
                id {autoid}, login TEXT NOT NULL UNIQUE, full_name TEXT NOT NULL, role TEXT NOT NULL,
                staff_id TEXT NOT NULL, password_hash TEXT NOT NULL, disabled INTEGER NOT NULL,
                failed_logins INTEGER NOT NULL, locked_until TEXT NOT NULL, created_at TEXT NOT NULL,
                password_changed_at TEXT NOT NULL, tokens_valid_from TEXT NOT NULL))",
           R"(CREATE TABLE revoked_tokens (token_id TEXT PRIMARY KEY, expires_at TEXT NOT NULL))",
           R"(CREATE TABLE audit_log (
                seq BIGINT PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
                object TEXT NOT NULL, outcome TEXT NOT NULL, details TEXT NOT NULL, address TEXT NOT NULL,
                prev_hash TEXT NOT NULL, hash TEXT NOT NULL))",
           "CREATE INDEX audit_log_by_actor ON audit_log (actor, seq)",
           R"(CREATE TABLE job_runs (
                id {autoid}, job TEXT NOT NULL, due TEXT NOT NULL, attempt INTEGER NOT NULL,
                instance TEXT NOT NULL, started_at TEXT NOT NULL, finished_at TEXT NOT NULL, status TEXT NOT NULL,
                message TEXT NOT NULL, UNIQUE (job, due, attempt)))",
       }},
      {21,
       "service: token generations instead of a revocation time; failed logins per (login, address)",
       {
           // A per-user counter, not a time: a token issued in the second of a revocation is revoked too.
           "ALTER TABLE service_users ADD COLUMN token_generation INTEGER NOT NULL DEFAULT 0",
           "ALTER TABLE service_users DROP COLUMN tokens_valid_from",
           // Locks by login alone let anyone lock the administrator out; they are per address now.
           "ALTER TABLE service_users DROP COLUMN failed_logins",
           "ALTER TABLE service_users DROP COLUMN locked_until",
           R"(CREATE TABLE login_failures (
                login TEXT NOT NULL, address TEXT NOT NULL, failures INTEGER NOT NULL, last_failure_at TEXT NOT NULL,
                locked_until TEXT NOT NULL, PRIMARY KEY (login, address)))",
       }},
      {22,
       "service: users' e-mail addresses (the follow-up of checks)",
       {
           "ALTER TABLE service_users ADD COLUMN email TEXT NOT NULL DEFAULT ''",
       }},
      {23,
       "service: users belong to a school (empty: the regional roles, or the store's only school)",
       {
           "ALTER TABLE service_users ADD COLUMN school_id TEXT NOT NULL DEFAULT ''",
           "CREATE INDEX service_users_by_school ON service_users (school_id, login)",
       }},
  };
}

}  // namespace ejournal::store
