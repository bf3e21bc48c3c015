// Authentication for the service: password logins with lock-out, short-lived HS256 JWTs (Poco JWT) checked
// against the injected clock, and revocation (logout, password change, disabled users). Every login outcome
// is audited.
#pragma once

#include <memory>
#include <string>

#include "ejournal/model/clock.h"
#include "ejournal/store/audit.h"
#include "ejournal/store/users.h"

namespace ejournal::store {
class Store;
}

namespace ejournal::app::service {

struct AuthSettings {
  std::string secret;  // HMAC key for tokens
  int tokenMinutes = 15;
  int maxFailedLogins = 5;
  int lockMinutes = 15;
  int passwordIterations = 600000;
  int maxAddressFailures = 20;
};

struct IssuedToken {
  std::string token;
  model::DateTime expires;
  store::User user;
};

// Seconds since 1970-01-01 of a local school time (the service's time base; no time zones, as in
// model/date.h).
int64_t epochSeconds(model::DateTime t);
model::DateTime fromEpochSeconds(int64_t s);

// Thread-safe.
class Authenticator {
 public:
  Authenticator(AuthSettings settings, store::UserRepository& users, store::AuditLog& audit,
                std::shared_ptr<model::Clock> clock);

  // Checks login and password. Throws ApiError 401 (wrong login or password, one message for both), 423 when
  // the login is locked for this address, 429 when the address is locked for every login (with the time the
  // lock ends), 403 for a disabled user. A known and an unknown login cost the same time. Audits "login" /
  // "login.failed", "user.locked", "address.locked".
  IssuedToken login(const std::string& login, const std::string& password, const std::string& address);

  // The user a bearer token belongs to. Throws ApiError 401 for a missing, malformed, badly signed, expired
  // or revoked token (by id, or of an older token generation of the user), or a user who no longer exists or
  // is disabled. `tokenId` and `expires` receive its claims.
  store::User authenticate(const std::string& token, std::string* tokenId = nullptr,
                           model::DateTime* expires = nullptr);

  // Revokes the token (logout).
  void revoke(const std::string& tokenId, model::DateTime expires);

  const AuthSettings& settings() const { return settings_; }

 private:
  int loginCost();  // PBKDF2 iterations every login attempt spends

  AuthSettings settings_;
  store::UserRepository& users_;
  store::AuditLog& audit_;
  std::shared_ptr<model::Clock> clock_;
};

// Checks a user's staff id against the stored journal: throws Error(Input) with a Russian message when the
// journal has no such staff member. Returns false (unchecked) when no journal is stored yet: users are
// usually created before the first ingest.
// `schoolId` empty: the store's only school.
bool checkStaffId(store::Store& store, const std::string& staffId, const std::string& schoolId = {});

// The token secret from `file`, created with 48 random bytes and mode 0600 when missing. Throws
// Error(Internal).
std::string loadOrCreateSecret(const std::string& file);

}  // namespace ejournal::app::service
