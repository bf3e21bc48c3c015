// Users of the service, their roles, and revoked tokens: a repository in the journal store (migrations 20-29).
//
// The service and the `ejournal user` command both go through this interface; only store/ holds SQL. Password
// hashes are opaque strings here (the app's password module makes and checks them); the store never sees a
// password. Thread-safe: a repository may be used from many threads (it borrows sessions from the store's pool).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ejournal/model/date.h"

namespace ejournal::store {

class Store;

// The roles of the school's instruction (seed 1.4, 3.1, 4) plus the auditor who reads archives.
enum class Role {
  Admin,         // администратор ЭЖ: users, ingest, pulls, backups, everything
  Deputy,        // заместитель директора по УВР: controls the journal, reports, findings
  Secretary,     // секретарь: printouts, sealing and keeping the archives
  ClassTeacher,  // классный руководитель: their own class
  Teacher,       // учитель-предметник: their own classes and subjects
  Auditor,       // проверяющий: reads and verifies sealed archives only
};
inline constexpr Role kAllRoles[] = {Role::Admin,        Role::Deputy,  Role::Secretary,
                                     Role::ClassTeacher, Role::Teacher, Role::Auditor};
std::string_view toString(Role r);  // "admin", "deputy", "secretary", "class_teacher", "teacher", "auditor"
std::optional<Role> roleFromString(std::string_view s);
std::string_view russianTitle(Role r);  // "администратор ЭЖ", ...

struct User {
  int64_t id = 0;
  std::string login;     // unique, case-sensitive, [a-z0-9._-]
  std::string fullName;  // "Иванова Мария Петровна"
  Role role = Role::Teacher;
  std::string staffId;   // the journal's staff id for teachers and class teachers (their scope); may be empty
  std::string passwordHash;  // opaque, made by the app ("pbkdf2-sha256$iterations$salt$hash")
  bool disabled = false;
  int failedLogins = 0;                      // consecutive failures since the last success
  std::optional<model::DateTime> lockedUntil;  // set when the failures reached the limit
  model::DateTime createdAt;
  model::DateTime passwordChangedAt;
};

class UserRepository {
 public:
  virtual ~UserRepository() = default;

  virtual std::optional<User> find(const std::string& login) = 0;
  virtual std::vector<User> list() = 0;  // by login
  // Adds a user; the id is assigned. Throws Error(Conflict) when the login exists, Error(Input) for a bad login.
  virtual User add(const User& user) = 0;
  // Replaces full name, role, staff id, password hash, disabled and the lock-out fields of the user with
  // user.login. Throws Error(NotFound) for an unknown login.
  virtual void update(const User& user) = 0;
  // Counts a failed login atomically and returns the new count; when it reaches `maxFailures` the user is locked
  // until `lockUntil`. Unknown logins are ignored (returns 0).
  virtual int recordFailedLogin(const std::string& login, int maxFailures, model::DateTime lockUntil) = 0;
  // Resets the failure count and the lock after a successful login.
  virtual void recordSuccessfulLogin(const std::string& login) = 0;

  // Token revocation (logout): a token id stays revoked until it would have expired anyway.
  virtual void revokeToken(const std::string& tokenId, model::DateTime expires) = 0;
  virtual bool tokenRevoked(const std::string& tokenId) = 0;
  // Revokes every token of the user issued before `at` (password change, disable).
  virtual void revokeAllTokens(const std::string& login, model::DateTime at) = 0;
  // The time from which the user's tokens are valid (tokens issued earlier are revoked); empty when never set.
  virtual std::optional<model::DateTime> tokensValidFrom(const std::string& login) = 0;
  // Removes revocations of tokens expired before `now`.
  virtual void purgeRevokedTokens(model::DateTime now) = 0;
};

// The user repository of an open store (migrates its tables on first use). The store must outlive it.
std::unique_ptr<UserRepository> openUsers(Store& store);

}  // namespace ejournal::store
