// The user repository (users.h) on the store's database: table service_users and revoked_tokens (migration 20).
#include "ejournal/store/users.h"

#include <Poco/Data/Session.h>
#include <Poco/Tuple.h>

#include "database.h"
#include "ejournal/model/error.h"

using namespace Poco::Data::Keywords;

namespace ejournal::store {

std::string_view toString(Role r) {
  switch (r) {
    case Role::Admin: return "admin";
    case Role::Deputy: return "deputy";
    case Role::Secretary: return "secretary";
    case Role::ClassTeacher: return "class_teacher";
    case Role::Teacher: return "teacher";
    case Role::Auditor: return "auditor";
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
    case Role::Admin: return "администратор ЭЖ";
    case Role::Deputy: return "заместитель директора по УВР";
    case Role::Secretary: return "секретарь";
    case Role::ClassTeacher: return "классный руководитель";
    case Role::Teacher: return "учитель";
    case Role::Auditor: return "проверяющий (архивы)";
  }
  return "";
}

namespace {

using Row = Poco::Tuple<Poco::Int64, std::string, std::string, std::string, std::string, std::string, int, int,
                        std::string, std::string, std::string>;
const char* kColumns =
    "id, login, full_name, role, staff_id, password_hash, disabled, failed_logins, locked_until, created_at, "
    "password_changed_at";

std::string dt(const std::optional<model::DateTime>& t) { return t ? t->toString() : std::string(); }

User fromRow(const Row& r) {
  User u;
  u.id = r.get<0>();
  u.login = r.get<1>();
  u.fullName = r.get<2>();
  u.role = roleFromString(r.get<3>()).value_or(Role::Teacher);
  u.staffId = r.get<4>();
  u.passwordHash = r.get<5>();
  u.disabled = r.get<6>() != 0;
  u.failedLogins = r.get<7>();
  u.lockedUntil = model::DateTime::parse(r.get<8>());
  u.createdAt = model::DateTime::parse(r.get<9>()).value_or(model::DateTime{});
  u.passwordChangedAt = model::DateTime::parse(r.get<10>()).value_or(model::DateTime{});
  return u;
}

void checkLogin(const std::string& login) {
  bool ok = !login.empty() && login.size() <= 64;
  for (char c : login)
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-');
  if (!ok)
    throw Error(ErrorKind::Input, "пользователь «" + login + "»",
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
      s << "SELECT " + std::string(kColumns) + " FROM service_users WHERE login = $1", use(l), into(rows), now;
      if (rows.empty()) return std::nullopt;
      return fromRow(rows.front());
    });
  }

  std::vector<User> list() override {
    return db_.guard("users.list", [&] {
      Poco::Data::Session s = db_.session();
      std::vector<Row> rows;
      s << "SELECT " + std::string(kColumns) + " FROM service_users ORDER BY login", into(rows), now;
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
                  hash = user.passwordHash, locked = dt(user.lockedUntil);
      std::string now_ = db_.clock().now().toString();
      int disabled = user.disabled ? 1 : 0, failed = 0;
      int exists = 0;
      s << "SELECT COUNT(*) FROM service_users WHERE login = $1", use(login), into(exists), now;
      if (exists) throw Error(ErrorKind::Conflict, "пользователь «" + login + "»", "такой пользователь уже есть");
      Poco::Int64 id = 0;
      s << "INSERT INTO service_users (login, full_name, role, staff_id, password_hash, disabled, failed_logins, "
           "locked_until, created_at, password_changed_at, tokens_valid_from) "
           "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, '') RETURNING id",
          use(login), use(name), use(role), use(staff), use(hash), use(disabled), use(failed), use(locked),
          use(now_), use(now_), into(id), now;
      tx.commit();
      User out = user;
      out.id = id;
      out.failedLogins = 0;
      out.createdAt = out.passwordChangedAt = model::DateTime::parse(now_).value_or(model::DateTime{});
      return out;
    });
  }

  void update(const User& user) override {
    db_.guard("users.update " + user.login, [&] {
      Poco::Data::Session s = db_.session();
      WriteTransaction tx(db_, s);
      std::string login = user.login, name = user.fullName, role(toString(user.role)), staff = user.staffId,
                  hash = user.passwordHash, locked = dt(user.lockedUntil);
      int disabled = user.disabled ? 1 : 0, failed = user.failedLogins;
      std::string oldHash;
      std::vector<std::string> found;
      s << "SELECT password_hash FROM service_users WHERE login = $1", use(login), into(found), now;
      if (found.empty()) throw Error(ErrorKind::NotFound, "пользователь «" + login + "»", "такого пользователя нет");
      std::string changedAt;
      std::vector<std::string> prev;
      s << "SELECT password_changed_at FROM service_users WHERE login = $1", use(login), into(prev), now;
      changedAt = found.front() == hash ? prev.front() : db_.clock().now().toString();
      s << "UPDATE service_users SET full_name = $1, role = $2, staff_id = $3, password_hash = $4, disabled = $5, "
           "failed_logins = $6, locked_until = $7, password_changed_at = $8 WHERE login = $9",
          use(name), use(role), use(staff), use(hash), use(disabled), use(failed), use(locked), use(changedAt),
          use(login), now;
      tx.commit();
    });
  }

  int recordFailedLogin(const std::string& login, int maxFailures, model::DateTime lockUntil) override {
    return db_.guard("users.recordFailedLogin " + login, [&] {
      Poco::Data::Session s = db_.session();
      WriteTransaction tx(db_, s);
      std::string l = login;
      std::vector<int> counts;
      s << "UPDATE service_users SET failed_logins = failed_logins + 1 WHERE login = $1 RETURNING failed_logins",
          use(l), into(counts), now;
      if (counts.empty()) return 0;
      int n = counts.front();
      if (n >= maxFailures) {
        std::string until = lockUntil.toString();
        s << "UPDATE service_users SET locked_until = $1 WHERE login = $2", use(until), use(l), now;
      }
      tx.commit();
      return n;
    });
  }

  void recordSuccessfulLogin(const std::string& login) override {
    db_.guard("users.recordSuccessfulLogin " + login, [&] {
      Poco::Data::Session s = db_.session();
      std::string l = login;
      s << "UPDATE service_users SET failed_logins = 0, locked_until = '' WHERE login = $1", use(l), now;
    });
  }

  void revokeToken(const std::string& tokenId, model::DateTime expires) override {
    db_.guard("users.revokeToken", [&] {
      Poco::Data::Session s = db_.session();
      std::string id = tokenId, exp = expires.toString();
      s << "INSERT INTO revoked_tokens (token_id, expires_at) VALUES ($1, $2) ON CONFLICT (token_id) DO NOTHING",
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

  void revokeAllTokens(const std::string& login, model::DateTime at) override {
    db_.guard("users.revokeAllTokens " + login, [&] {
      Poco::Data::Session s = db_.session();
      std::string l = login, t = at.toString();
      s << "UPDATE service_users SET tokens_valid_from = $1 WHERE login = $2", use(t), use(l), now;
    });
  }

  std::optional<model::DateTime> tokensValidFrom(const std::string& login) override {
    return db_.guard("users.tokensValidFrom " + login, [&] {
      Poco::Data::Session s = db_.session();
      std::string l = login;
      std::vector<std::string> v;
      s << "SELECT tokens_valid_from FROM service_users WHERE login = $1", use(l), into(v), now;
      return v.empty() ? std::nullopt : model::DateTime::parse(v.front());
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

std::unique_ptr<UserRepository> openUsers(Store& store) { return std::make_unique<SqlUsers>(databaseOf(store)); }

}  // namespace ejournal::store
