// The user repository (users.h) on the store's database: tables service_users, revoked_tokens (migration 20)
// and login_failures (migration 21).
#include "ejournal/store/users.h"

#include <Poco/Data/Session.h>
#include <Poco/Tuple.h>

#include "database.h"
#include "ejournal/model/error.h"

using namespace Poco::Data::Keywords;

namespace ejournal::store {

std::string_view toString(Role r) {
  switch (r) {
    case Role::Admin:
      return "admin";
    case Role::Deputy:
      return "deputy";
    case Role::Secretary:
      return "secretary";
    case Role::ClassTeacher:
      return "class_teacher";
    case Role::Teacher:
      return "teacher";
    case Role::Auditor:
      return "auditor";
    case Role::RegionalInspector:
      return "region_inspector";
    case Role::RegionalAdmin:
      return "region_admin";
  }
  return "teacher";
}

std::optional<Role> roleFromString(std::string_view s) {
  for (Role r : kAllRoles)
    if (toString(r) == s) return r;
  return std::nullopt;
}

std::string_view russianTitle(Role r) {
  switch (r) {
    case Role::Admin:
      return "администратор ЭЖ";
    case Role::Deputy:
      return "заместитель директора по УВР";
    case Role::Secretary:
      return "секретарь";
    case Role::ClassTeacher:
      return "классный руководитель";
    case Role::Teacher:
      return "учитель";
    case Role::Auditor:
      return "проверяющий (архивы)";
    case Role::RegionalInspector:
      return "методист управления образования";
    case Role::RegionalAdmin:
      return "администратор региона";
  }
  return "";
}

namespace {

using Row = Poco::Tuple<Poco::Int64, std::string, std::string, std::string, std::string, std::string, int,
                        int, int, std::string, std::string, std::string, std::string, std::string>;
// The failure count and latest lock are summed over the addresses a login was tried from.
const char* kSelect =
    "SELECT u.id, u.login, u.full_name, u.role, u.staff_id, u.password_hash, u.disabled, u.token_generation, "
    "CAST(COALESCE((SELECT SUM(f.failures) FROM login_failures f WHERE f.login = u.login), 0) AS INTEGER), "
    "COALESCE((SELECT MAX(f.locked_until) FROM login_failures f WHERE f.login = u.login), ''), "
    "u.created_at, u.password_changed_at, u.email, u.school_id FROM service_users u";

// The login_failures row of an address as a whole; '*' is no valid login.
const std::string kWholeAddress = "*";
// Failures without a lock are forgotten a day after the last one.
constexpr int64_t kFailureMemorySeconds = 24 * 3600;

User fromRow(const Row& r) {
  User u;
  u.id = r.get<0>();
  u.login = r.get<1>();
  u.fullName = r.get<2>();
  u.role = roleFromString(r.get<3>()).value_or(Role::Teacher);
  u.staffId = r.get<4>();
  u.passwordHash = r.get<5>();
  u.disabled = r.get<6>() != 0;
  u.tokenGeneration = r.get<7>();
  u.failedLogins = r.get<8>();
  u.lockedUntil = model::DateTime::parse(r.get<9>());
  u.createdAt = model::DateTime::parse(r.get<10>()).value_or(model::DateTime{});
  u.passwordChangedAt = model::DateTime::parse(r.get<11>()).value_or(model::DateTime{});
  u.email = r.get<12>();
  u.schoolId = r.get<13>();
  return u;
}

model::DateTime plusSeconds(model::DateTime t, int64_t seconds) {
  int64_t s = int64_t{t.date.days()} * 86400 + t.secondOfDay + seconds;
  int64_t days = s >= 0 ? s / 86400 : -((-s + 86399) / 86400);
  return {model::Date::fromDays(static_cast<int32_t>(days)), static_cast<int32_t>(s - days * 86400)};
}

void checkLogin(const std::string& login) {
  bool ok = !login.empty() && login.size() <= 64;
  for (char c : login)
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-');
  if (!ok)
    throw Error(
        ErrorKind::Input, "пользователь «" + login + "»",
        "имя пользователя: от 1 до 64 знаков, строчные латинские буквы, цифры, точка, дефис, подчёркивание");
}

class SqlUsers final : public UserRepository {
 public:
  explicit SqlUsers(Database& db) : db_(db) {}

  std::optional<User> find(const std::string& login) override {
    return db_.guard("users.find " + login, [&]() -> std::optional<User> {
      Poco::Data::Session s = db_.session();
      std::vector<Row> rows;
      std::string l = login;
      s << std::string(kSelect) + " WHERE u.login = $1", use(l), into(rows), now;
      if (rows.empty()) return std::nullopt;
      return fromRow(rows.front());
    });
  }

  std::vector<User> list() override {
    return db_.guard("users.list", [&] {
      Poco::Data::Session s = db_.session();
      std::vector<Row> rows;
      s << std::string(kSelect) + " ORDER BY u.login", into(rows), now;
      std::vector<User> out;
      for (const auto& r : rows) out.push_back(fromRow(r));
      return out;
    });
  }

  std::vector<User> list(const std::string& schoolId) override {
    return db_.guard("users.list " + schoolId, [&] {
      Poco::Data::Session s = db_.session();
      std::vector<Row> rows;
      std::string school = schoolId;
      s << std::string(kSelect) + " WHERE u.school_id = $1 ORDER BY u.login", use(school), into(rows), now;
      std::vector<User> out;
      for (const auto& r : rows) out.push_back(fromRow(r));
      return out;
    });
  }

  User add(const User& user) override {
    checkLogin(user.login);
    return db_.guard("users.add " + user.login, [&] {
      Poco::Data::Session s = db_.session();
      WriteTransaction tx(db_, s);
      std::string login = user.login, name = user.fullName, role(toString(user.role)), staff = user.staffId,
                  hash = user.passwordHash, email = user.email, school = user.schoolId;
      std::string now_ = db_.clock().now().toString();
      int disabled = user.disabled ? 1 : 0;
      int exists = 0;
      s << "SELECT COUNT(*) FROM service_users WHERE login = $1", use(login), into(exists), now;
      if (exists)
        throw Error(ErrorKind::Conflict, "пользователь «" + login + "»", "такой пользователь уже есть");
      Poco::Int64 id = 0;
      s << "INSERT INTO service_users (login, full_name, role, staff_id, password_hash, disabled, "
           "token_generation, "
           "created_at, password_changed_at, email, school_id) VALUES ($1, $2, $3, $4, $5, $6, 0, $7, $8, "
           "$9, "
           "$10) RETURNING id",
          use(login), use(name), use(role), use(staff), use(hash), use(disabled), use(now_), use(now_),
          use(email), use(school), into(id), now;
      tx.commit();
      User out = user;
      out.id = id;
      out.failedLogins = 0;
      out.lockedUntil.reset();
      out.tokenGeneration = 0;
      out.createdAt = out.passwordChangedAt = model::DateTime::parse(now_).value_or(model::DateTime{});
      return out;
    });
  }

  void update(const User& user) override {
    db_.guard("users.update " + user.login, [&] {
      Poco::Data::Session s = db_.session();
      WriteTransaction tx(db_, s);
      std::string login = user.login, name = user.fullName, role(toString(user.role)), staff = user.staffId,
                  hash = user.passwordHash, email = user.email, school = user.schoolId;
      int disabled = user.disabled ? 1 : 0;
      std::string oldHash;
      std::vector<std::string> found;
      s << "SELECT password_hash FROM service_users WHERE login = $1", use(login), into(found), now;
      if (found.empty())
        throw Error(ErrorKind::NotFound, "пользователь «" + login + "»", "такого пользователя нет");
      std::string changedAt;
      std::vector<std::string> prev;
      s << "SELECT password_changed_at FROM service_users WHERE login = $1", use(login), into(prev), now;
      changedAt = found.front() == hash ? prev.front() : db_.clock().now().toString();
      s << "UPDATE service_users SET full_name = $1, role = $2, staff_id = $3, password_hash = $4, disabled "
           "= $5, "
           "password_changed_at = $6, email = $7, school_id = $8 WHERE login = $9",
          use(name), use(role), use(staff), use(hash), use(disabled), use(changedAt), use(email), use(school),
          use(login), now;
      tx.commit();
    });
  }

  size_t bindUnbound(const std::string& schoolId) override {
    return db_.guard("users.bindUnbound " + schoolId, [&] {
      Poco::Data::Session s = db_.session();
      WriteTransaction tx(db_, s);
      std::string school = schoolId, inspector(toString(Role::RegionalInspector)),
                  region(toString(Role::RegionalAdmin));
      Poco::Data::Statement update(s);
      update << "UPDATE service_users SET school_id = $1 WHERE school_id = '' AND role <> $2 AND role <> $3",
          use(school), use(inspector), use(region);
      const size_t bound = update.execute();
      tx.commit();
      return bound;
    });
  }

  std::optional<LoginLock> loginLock(const std::string& login, const std::string& address,
                                     model::DateTime at) override {
    return db_.guard("users.loginLock", [&]() -> std::optional<LoginLock> {
      Poco::Data::Session s = db_.session();
      std::string l = login, a = address, whole = kWholeAddress, t = at.toString();
      std::vector<std::string> logins, locks;
      s << "SELECT login, locked_until FROM login_failures WHERE address = $1 AND (login = $2 OR login = $3) "
           "AND locked_until > $4",
          use(a), use(l), use(whole), use(t), into(logins), into(locks), now;
      std::optional<LoginLock> out;
      for (size_t i = 0; i < logins.size(); ++i) {
        auto until = model::DateTime::parse(locks[i]);
        if (!until) continue;
        const bool wholeAddress = logins[i] == kWholeAddress;
        if (!out || (wholeAddress && !out->wholeAddress) ||
            (wholeAddress == out->wholeAddress && *until > out->until))
          out = LoginLock{*until, wholeAddress};
      }
      return out;
    });
  }

  FailedLogin recordFailedLogin(const std::string& login, const std::string& address, model::DateTime at,
                                const LoginPolicy& policy) override {
    return db_.guard("users.recordFailedLogin", [&] {
      Poco::Data::Session s = db_.session();
      WriteTransaction tx(db_, s);
      FailedLogin out;
      const std::string t = at.toString();
      const std::string until = plusSeconds(at, policy.lockSeconds).toString();
      const std::string forgotten = plusSeconds(at, -kFailureMemorySeconds).toString();
      for (const std::string& key : {login, kWholeAddress}) {
        const bool whole = key == kWholeAddress;
        const int limit = whole ? policy.maxAddressFailures : policy.maxFailures;
        std::string k = key, a = address;
        std::vector<int> counts;
        std::vector<std::string> lasts, locks;
        s << "SELECT failures, last_failure_at, locked_until FROM login_failures WHERE login = $1 AND "
             "address = $2",
            use(k), use(a), into(counts), into(lasts), into(locks), now;
        int failures = 0;
        std::string locked;
        if (!counts.empty()) {
          const bool lockOver = !locks.front().empty() && locks.front() <= t;
          const bool stale = locks.front().empty() && lasts.front() < forgotten;
          if (!lockOver && !stale) {
            failures = counts.front();
            locked = locks.front();
          }
        }
        ++failures;
        bool lockedNow = false;
        if (failures >= limit && locked.empty()) {
          locked = until;
          lockedNow = true;
        }
        std::string tt = t;
        s << "INSERT INTO login_failures (login, address, failures, last_failure_at, locked_until) "
             "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (login, address) DO UPDATE SET failures = "
             "excluded.failures, "
             "last_failure_at = excluded.last_failure_at, locked_until = excluded.locked_until",
            use(k), use(a), use(failures), use(tt), use(locked), now;
        if (whole) {
          out.addressLocked = lockedNow;
        } else {
          out.failures = failures;
          out.pairLocked = lockedNow;
        }
      }
      // What can no longer count: no lock in force and the last failure long ago.
      std::string tt = t, old = forgotten;
      s << "DELETE FROM login_failures WHERE locked_until < $1 AND last_failure_at < $2", use(tt), use(old),
          now;
      tx.commit();
      return out;
    });
  }

  void recordSuccessfulLogin(const std::string& login, const std::string& address) override {
    db_.guard("users.recordSuccessfulLogin " + login, [&] {
      Poco::Data::Session s = db_.session();
      std::string l = login, a = address;
      s << "DELETE FROM login_failures WHERE login = $1 AND address = $2", use(l), use(a), now;
    });
  }

  void clearLoginFailures(const std::string& login) override {
    db_.guard("users.clearLoginFailures " + login, [&] {
      Poco::Data::Session s = db_.session();
      std::string l = login;
      s << "DELETE FROM login_failures WHERE login = $1", use(l), now;
    });
  }

  void revokeToken(const std::string& tokenId, model::DateTime expires) override {
    db_.guard("users.revokeToken", [&] {
      Poco::Data::Session s = db_.session();
      std::string id = tokenId, exp = expires.toString();
      s << "INSERT INTO revoked_tokens (token_id, expires_at) VALUES ($1, $2) ON CONFLICT (token_id) DO "
           "NOTHING",
          use(id), use(exp), now;
    });
  }

  bool tokenRevoked(const std::string& tokenId) override {
    return db_.guard("users.tokenRevoked", [&] {
      Poco::Data::Session s = db_.session();
      std::string id = tokenId;
      int n = 0;
      s << "SELECT COUNT(*) FROM revoked_tokens WHERE token_id = $1", use(id), into(n), now;
      return n > 0;
    });
  }

  void revokeAllTokens(const std::string& login) override {
    db_.guard("users.revokeAllTokens " + login, [&] {
      Poco::Data::Session s = db_.session();
      std::string l = login;
      s << "UPDATE service_users SET token_generation = token_generation + 1 WHERE login = $1", use(l), now;
    });
  }

  void purgeRevokedTokens(model::DateTime at) override {
    db_.guard("users.purgeRevokedTokens", [&] {
      Poco::Data::Session s = db_.session();
      std::string t = at.toString();
      s << "DELETE FROM revoked_tokens WHERE expires_at < $1", use(t), now;
    });
  }

 private:
  Database& db_;
};

}  // namespace

std::unique_ptr<UserRepository> openUsers(Store& store) {
  return std::make_unique<SqlUsers>(databaseOf(store));
}

}  // namespace ejournal::store
