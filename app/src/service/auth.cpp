// Logins, tokens and revocation (auth.h).
#include "service/auth.h"

#include <Poco/JWT/JWTException.h>
#include <Poco/JWT/Signer.h>
#include <Poco/JWT/Token.h>
#include <Poco/Net/NetSSL.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>

#include "ejournal/model/files.h"
#include "ejournal/model/once.h"
#include "ejournal/store/store.h"
#include "service/http.h"
#include "service/password.h"

namespace ejournal::app::service {

using Poco::Net::HTTPResponse;

int64_t epochSeconds(model::DateTime t) { return int64_t{t.date.days()} * 86400 + t.secondOfDay; }

model::DateTime fromEpochSeconds(int64_t s) {
  int64_t days = s >= 0 ? s / 86400 : -((-s + 86399) / 86400);
  return {model::Date::fromDays(static_cast<int32_t>(days)), static_cast<int32_t>(s - days * 86400)};
}

namespace {

// Poco 1.11 reference-counts its OpenSSL set-up: every Poco::JWT signature builds a Crypto::DigestEngine
// whose OpenSSLInitializer member initializes on construction and, when the count falls back to zero,
// uninitializes on destruction (deleting and re-creating its mutex array). Concurrent requests verifying
// tokens then race on that array and corrupt the heap (seen as aborts under 50 concurrent readers). Holding
// one reference for the life of the process keeps the count above zero, so the set-up happens once and is
// never torn down. The same key is used wherever the process sets OpenSSL up through Poco (the HTTPS
// listener, the dnevnik.ru client).
void holdOpenSsl() {
  model::callOncePerProcess("poco-openssl", [] { Poco::Net::initializeSSL(); });
}

}  // namespace

Authenticator::Authenticator(AuthSettings settings, store::UserRepository& users, store::AuditLog& audit,
                             std::shared_ptr<model::Clock> clock)
    : settings_(std::move(settings)), users_(users), audit_(audit), clock_(std::move(clock)) {
  holdOpenSsl();
}

namespace {

// The key failed logins are counted under: the login as typed when it could be one, else one key for every
// impossible login (an attacker's random strings do not each make a row).
std::string failureKey(const std::string& login) {
  bool ok = !login.empty() && login.size() <= 64;
  for (char c : login)
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-');
  return ok ? login : "?";
}

}  // namespace

int Authenticator::loginCost() {
  int cost = settings_.passwordIterations;
  for (const auto& u : users_.list()) cost = std::max(cost, iterationsOf(u.passwordHash));
  return cost;
}

IssuedToken Authenticator::login(const std::string& login, const std::string& password,
                                 const std::string& address) {
  const model::DateTime now = clock_->now();
  const std::string key = failureKey(login);
  auto fail = [&](const std::string& why) {
    audit_.append({login, "login.failed", login, "denied", why, address});
  };
  // Locks are per (login, address) and per address: the same answer for a known and an unknown login.
  if (auto lock = users_.loginLock(key, address, now)) {
    fail(lock->wholeAddress ? "адрес временно заблокирован"
                            : "учётная запись заблокирована для этого адреса");
    if (lock->wholeAddress)
      throw ApiError(HTTPResponse::HTTP_TOO_MANY_REQUESTS, "address_locked",
                     "слишком много неудачных попыток входа с вашего адреса; повторите после " +
                         lock->until.toRussian());
    throw ApiError(
        static_cast<HTTPResponse::HTTPStatus>(423), "locked",
        "учётная запись временно заблокирована после " + std::to_string(settings_.maxFailedLogins) +
            " неудачных попыток входа с вашего адреса; повторите после " + lock->until.toRussian());
  }
  // Every attempt costs the same PBKDF2 work, the highest iteration count of any stored hash or the
  // configured one, whether the login exists or not and whatever its own count: the time does not tell which
  // logins exist.
  const int cost = loginCost();
  auto user = users_.find(login);
  bool ok = false;
  if (user) {
    ok = verifyPassword(password, user->passwordHash);
    const int spent = iterationsOf(user->passwordHash);
    if (cost > spent) dummyVerify(password, cost - spent);
  } else {
    dummyVerify(password, cost);
  }
  if (!ok) {
    store::LoginPolicy policy{settings_.maxFailedLogins, settings_.maxAddressFailures,
                              settings_.lockMinutes * 60};
    store::FailedLogin f = users_.recordFailedLogin(key, address, now, policy);
    fail(user ? "неверный пароль, попытка " + std::to_string(f.failures)
              : std::string("неизвестный пользователь"));
    if (f.pairLocked && user)
      audit_.append(
          {login, "user.locked", login, "ok",
           "заблокирован для адреса " + address + " на " + std::to_string(settings_.lockMinutes) + " мин.",
           address});
    if (f.addressLocked)
      audit_.append({login, "address.locked", address, "ok",
                     "адрес заблокирован на " + std::to_string(settings_.lockMinutes) + " мин. после " +
                         std::to_string(settings_.maxAddressFailures) + " неудачных попыток входа",
                     address});
    throw ApiError(HTTPResponse::HTTP_UNAUTHORIZED, "bad_credentials",
                   "неверное имя пользователя или пароль");
  }
  if (user->disabled) {
    fail("учётная запись отключена");
    throw ApiError(HTTPResponse::HTTP_FORBIDDEN, "disabled", "учётная запись отключена администратором ЭЖ");
  }
  users_.recordSuccessfulLogin(key, address);

  Poco::JWT::Token token;
  token.setType("JWT");
  token.setSubject(login);
  const std::string jti = randomSecret(18);
  token.setId(jti);
  const int64_t iat = epochSeconds(now);
  const int64_t exp = iat + int64_t{settings_.tokenMinutes} * 60;
  token.payload().set("iat", static_cast<Poco::Int64>(iat));
  token.payload().set("exp", static_cast<Poco::Int64>(exp));
  token.payload().set("role", std::string(store::toString(user->role)));
  // The generation read before the password was checked: a revocation meanwhile revokes this token too.
  token.payload().set("gen", static_cast<Poco::Int64>(user->tokenGeneration));
  Poco::JWT::Signer signer(settings_.secret);
  IssuedToken out{signer.sign(token, Poco::JWT::Signer::ALGO_HS256), fromEpochSeconds(exp), *user};
  audit_.append({login, "login", login, "ok", "", address});
  return out;
}

store::User Authenticator::authenticate(const std::string& jwt, std::string* tokenId,
                                        model::DateTime* expires) {
  auto unauthorized = [](const std::string& message) {
    return ApiError(HTTPResponse::HTTP_UNAUTHORIZED, "unauthorized", message);
  };
  if (jwt.empty()) throw unauthorized("требуется вход: передайте заголовок Authorization: Bearer <токен>");
  Poco::JWT::Token token;
  try {
    Poco::JWT::Signer signer(settings_.secret);
    if (!signer.tryVerify(jwt, token)) throw unauthorized("токен недействителен (подпись не сходится)");
  } catch (const Poco::Exception&) {
    throw unauthorized("токен недействителен (неверный формат)");
  }
  const auto& p = token.payload();
  if (!p.has("exp") || !p.has("iat") || !p.has("sub") || !p.has("jti") || !p.has("gen"))
    throw unauthorized("токен неполный");
  int64_t exp = 0, generation = 0;
  try {
    exp = p.getValue<Poco::Int64>("exp");
    p.getValue<Poco::Int64>("iat");
    generation = p.getValue<Poco::Int64>("gen");
  } catch (const Poco::Exception&) {
    throw unauthorized("токен неполный");
  }
  const int64_t now = epochSeconds(clock_->now());
  if (now >= exp) throw unauthorized("срок действия токена истёк, войдите снова");
  const std::string jti = token.getId();
  if (users_.tokenRevoked(jti)) throw unauthorized("токен отозван (выполнен выход), войдите снова");
  auto user = users_.find(token.getSubject());
  if (!user) throw unauthorized("пользователь не существует");
  if (user->disabled) throw unauthorized("учётная запись отключена администратором ЭЖ");
  if (generation != user->tokenGeneration)
    throw unauthorized("токен отозван (пароль или права изменены), войдите снова");
  if (tokenId) *tokenId = jti;
  if (expires) *expires = fromEpochSeconds(exp);
  return *user;
}

void Authenticator::revoke(const std::string& tokenId, model::DateTime expires) {
  users_.revokeToken(tokenId, expires);
  users_.purgeRevokedTokens(clock_->now());
}

bool checkStaffId(store::Store& store, const std::string& staffId, const std::string& schoolId) {
  const auto schools = store.schools();
  if (schools.empty() ||
      (!schoolId.empty() && std::find(schools.begin(), schools.end(), schoolId) == schools.end()))
    return false;  // no journal of the school yet
  store::LoadFilter reference;
  reference.schoolId = schoolId;
  reference.referenceOnly = true;
  const model::Journal journal = store.load(reference);
  for (const auto& s : journal.staff)
    if (s.id == staffId) return true;
  throw Error(ErrorKind::Input, "staffId",
              "сотрудника с кодом «" + staffId + "» нет в журнале школы: укажите код сотрудника из журнала");
}

std::string loadOrCreateSecret(const std::string& file) {
  namespace fs = std::filesystem;
  if (fs::exists(file)) {
    std::string s = model::readFile(file);
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
    if (s.size() < 32) throw Error(ErrorKind::Input, file, "секрет токенов короче 32 символов");
    return s;
  }
  fs::path p(file);
  if (p.has_parent_path()) fs::create_directories(p.parent_path());
  std::string secret = randomSecret(48);
  mode_t old = umask(077);
  try {
    model::writeFileAtomic(p, secret + "\n");
  } catch (...) {
    umask(old);
    throw;
  }
  umask(old);
  ::chmod(file.c_str(), 0600);
  return secret;
}

}  // namespace ejournal::app::service
