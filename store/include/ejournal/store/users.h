// Users of the service, their roles, revoked tokens and failed logins: a repository in the journal store
// (migrations 20-29).
//
// The service and the `ejournal user` command both go through this interface; only store/ holds SQL. Password
// hashes are opaque strings here (the app's password module makes and checks them); the store never sees a
// password. Thread-safe: a repository may be used from many threads (it borrows sessions from the store's
// pool).
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

// The roles of the school's instruction (seed 1.4, 3.1, 4) plus the auditor who reads archives, each scoped
// to one school, and the two roles of a regional installation (one store for a municipality's schools),
// scoped to every school of the store.
enum class Role {
  Admin,   // администратор ЭЖ: users, ingest, pulls, backups, everything of the school
  Deputy,  // заместитель директора по УВР: controls the journal, reports, findings
  Secretary,          // секретарь: printouts, sealing and keeping the archives
  ClassTeacher,       // классный руководитель: their own class
  Teacher,            // учитель-предметник: their own classes and subjects
  Auditor,            // проверяющий: reads and verifies sealed archives only
  RegionalInspector,  // методист управления образования: reads every school's reports, findings, archive
                      // lists
  RegionalAdmin,  // администратор региона: schools' administrators and other users, jobs, backups
};
inline constexpr Role kAllRoles[] = {
    Role::Admin,   Role::Deputy,  Role::Secretary,         Role::ClassTeacher,
    Role::Teacher, Role::Auditor, Role::RegionalInspector, Role::RegionalAdmin};
// The roles of the region (every school), not of one school.
constexpr bool isRegional(Role r) { return r == Role::RegionalInspector || r == Role::RegionalAdmin; }
// "admin", "deputy", "secretary", "class_teacher", "teacher", "auditor", "region_inspector", "region_admin"
std::string_view toString(Role r);
std::optional<Role> roleFromString(std::string_view s);
std::string_view russianTitle(Role r);  // "администратор ЭЖ", ...

struct User {
  int64_t id = 0;
  std::string login;     // unique, case-sensitive, [a-z0-9._-]
  std::string fullName;  // "Иванова Мария Петровна"
  Role role = Role::Teacher;
  std::string staffId;  // the journal's staff id for teachers and class teachers (their scope); may be empty
  // The school of a school role's user; empty for the regional roles, and for a user of an installation made
  // before it kept several schools (then the store's only school: refused once the store holds several).
  std::string schoolId;
  std::string passwordHash;  // opaque, made by the app ("pbkdf2-sha256$iterations$salt$hash")
  std::string email = {};  // optional: where the follow-up of checks is sent when the journal has no address
  bool disabled = false;
  int64_t tokenGeneration =
      0;  // a token carries the generation it was issued in; revokeAllTokens moves it on
  // Read only (from the failed logins, by client address): failures since the last success from every
  // address, and the latest lock of this login from some address.
  int failedLogins = 0;
  std::optional<model::DateTime> lockedUntil;
  model::DateTime createdAt;
  model::DateTime passwordChangedAt;
};

// When failed logins lock: a (login, address) pair after `maxFailures`, an address as a whole (any logins,
// known or not) after `maxAddressFailures`, each for `lockSeconds`. Failures older than `lockSeconds` are
// forgotten.
struct LoginPolicy {
  int maxFailures = 5;
  int maxAddressFailures = 20;
  int lockSeconds = 15 * 60;
};

struct LoginLock {
  model::DateTime until;
  bool wholeAddress = false;  // the address is locked for every login, not just this pair
};

struct FailedLogin {
  int failures = 0;            // of the pair, this one included
  bool pairLocked = false;     // this failure locked the pair
  bool addressLocked = false;  // this failure locked the address
};

class UserRepository {
 public:
  virtual ~UserRepository() = default;

  virtual std::optional<User> find(const std::string& login) = 0;
  virtual std::vector<User> list() = 0;                             // by login
  virtual std::vector<User> list(const std::string& schoolId) = 0;  // the school's users, by login
  // Adds a user; the id is assigned. Throws Error(Conflict) when the login exists, Error(Input) for a bad
  // login.
  virtual User add(const User& user) = 0;
  // Replaces full name, role, staff id, school, password hash and disabled of the user with user.login.
  // Throws Error(NotFound) for an unknown login.
  virtual void update(const User& user) = 0;
  // Gives every user of a school role without a school (made while the store held at most one school) the
  // school `schoolId`; returns how many. Regional users are left as they are.
  virtual size_t bindUnbound(const std::string& schoolId) = 0;

  // Failed logins are counted per (login, client address) and per address, so a stranger's failures lock the
  // stranger's address, never the user logging in from elsewhere. Unknown logins are counted like known ones.
  // The lock in force at `now` for `login` tried from `address`: the pair's or the whole address's.
  virtual std::optional<LoginLock> loginLock(const std::string& login, const std::string& address,
                                             model::DateTime now) = 0;
  // Counts a failed login atomically (pair and address) and locks what reached its limit.
  virtual FailedLogin recordFailedLogin(const std::string& login, const std::string& address,
                                        model::DateTime now, const LoginPolicy& policy) = 0;
  // After a successful login: forgets the pair's failures (not the address's).
  virtual void recordSuccessfulLogin(const std::string& login, const std::string& address) = 0;
  // Forgets every failure and lock of `login` from every address (the administrator's unlock).
  virtual void clearLoginFailures(const std::string& login) = 0;

  // Token revocation (logout): a token id stays revoked until it would have expired anyway.
  virtual void revokeToken(const std::string& tokenId, model::DateTime expires) = 0;
  virtual bool tokenRevoked(const std::string& tokenId) = 0;
  // Revokes every token the user holds (password, role or staff change, disable): moves the user's token
  // generation on atomically, so tokens issued before, in the same second too, no longer match.
  virtual void revokeAllTokens(const std::string& login) = 0;
  // Removes revocations of tokens expired before `now`.
  virtual void purgeRevokedTokens(model::DateTime now) = 0;
};

// The user repository of an open store (migrates its tables on first use). The store must outlive it.
std::unique_ptr<UserRepository> openUsers(Store& store);

}  // namespace ejournal::store
