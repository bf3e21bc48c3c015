// Core endpoints: health, login/logout, the current user, users, audit log, jobs, XML ingest, classes and
// statistics (docs/api.md).
#include <Poco/JSON/Array.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <regex>
#include <set>

#include "ejournal/model/error.h"
#include "service/core.h"
#include "service/password.h"
#include "service/scheduler.h"
#include "usecases.h"

namespace ejournal::app::service {

using Poco::Net::HTTPResponse;

namespace {

Poco::JSON::Object::Ptr runJson(const store::JobRun& r) {
  auto o = newObject();
  o->set("id", static_cast<Poco::Int64>(r.id));
  o->set("job", r.job);
  o->set("due", r.due.toString());
  o->set("attempt", r.attempt);
  o->set("instance", r.instance);
  o->set("startedAt", r.startedAt.toString());
  if (r.finishedAt) o->set("finishedAt", r.finishedAt->toString());
  o->set("status", std::string(store::toString(r.status)));
  o->set("message", r.message);
  return o;
}

Poco::JSON::Object::Ptr auditJson(const store::AuditRecord& r) {
  auto o = newObject();
  o->set("seq", static_cast<Poco::Int64>(r.seq));
  o->set("at", r.at.toString());
  o->set("actor", r.entry.actor);
  o->set("action", r.entry.action);
  o->set("object", r.entry.object);
  o->set("outcome", r.entry.outcome);
  o->set("details", r.entry.details);
  o->set("address", r.entry.address);
  o->set("hash", r.hash);
  return o;
}

store::Role roleField(const Poco::JSON::Object& body) {
  std::string text = requireString(body, "role");
  auto role = store::roleFromString(text);
  if (!role)
    throw ApiError(
        HTTPResponse::HTTP_BAD_REQUEST, "bad_field",
        "неизвестная роль «" + text + "» (admin, deputy, secretary, class_teacher, teacher, auditor)",
        "role");
  return *role;
}

size_t sizeParam(const Call& c, const std::string& name, size_t fallback, size_t max) {
  std::string v = c.q(name);
  if (v.empty()) return fallback;
  size_t n = 0;
  for (char ch : v) {
    if (ch < '0' || ch > '9' || n > max)
      throw ApiError(HTTPResponse::HTTP_BAD_REQUEST, "bad_parameter",
                     "параметр «" + name + "» должен быть целым числом от 0 до " + std::to_string(max), name);
    n = n * 10 + static_cast<size_t>(ch - '0');
  }
  if (n > max)
    throw ApiError(HTTPResponse::HTTP_BAD_REQUEST, "bad_parameter",
                   "параметр «" + name + "» должен быть целым числом от 0 до " + std::to_string(max), name);
  return n;
}

void requireStaffForScopedRole(const store::User& u) {
  if ((u.role == Role::Teacher || u.role == Role::ClassTeacher) && u.staffId.empty())
    throw ApiError(
        HTTPResponse::HTTP_BAD_REQUEST, "missing_field",
        "для роли «" + std::string(store::russianTitle(u.role)) +
            "» нужен staffId — код сотрудника в журнале, по нему определяются его классы и предметы",
        "staffId");
}

// The optional "email" of a user: where the follow-up of checks goes when the journal has no address.
std::string emailField(const Poco::JSON::Object& body) {
  const std::string e = optionalString(body, "email");
  if (!e.empty() && (e.find('@') == std::string::npos ||
                     e.find_first_of(" \t\r\n<>,;\"") != std::string::npos || e.size() > 254))
    throw ApiError(HTTPResponse::HTTP_BAD_REQUEST, "bad_parameter",
                   "неверный адрес электронной почты «" + e + "»", "email");
  return e;
}

// The hash of the body's "password", which must meet the password policy (400 weak_password otherwise).
std::string passwordHashOf(Call& c, const Poco::JSON::Object& body) {
  const std::string password = requireString(body, "password");
  try {
    checkPasswordPolicy(password);
  } catch (const Error& e) {
    throw ApiError(HTTPResponse::HTTP_BAD_REQUEST, "weak_password", e.message(), "password");
  }
  return hashPassword(password, c.core.config.passwordIterations);
}

// A staff id given to the API is checked against the stored journal (unchecked while none is stored).
void checkStaffOf(Call& c, const std::string& staffId, const std::string& schoolId) {
  try {
    checkStaffId(*c.core.store, staffId, schoolId);
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::Input) throw;
    throw ApiError(HTTPResponse::HTTP_BAD_REQUEST, "unknown_staff", e.message(), "staffId");
  }
}

// The users an administrator manages: a school administrator the users of the school (and those of an
// installation's only school made before users had one); the regional administrator everyone.
bool mayManage(Call& c, const store::User& u) {
  if (c.who().role == Role::RegionalAdmin) return true;
  if (store::isRegional(u.role)) return false;
  const std::string& school = c.school();
  return u.schoolId == school || (u.schoolId.empty() && c.who().schoolId.empty());
}

// The users an administrator manages; the regional administrator's ?school= narrows them to that school's.
std::vector<store::User> visibleUsers(Call& c) {
  std::vector<store::User> out;
  const std::string school = store::isRegional(c.who().role) && !c.q("school").empty() ? c.school() : "";
  for (auto& u : c.core.users->list())
    if (mayManage(c, u) && (school.empty() || u.schoolId == school)) out.push_back(std::move(u));
  return out;
}

// The school of a user an administrator creates or changes: a school administrator's own school, never a
// regional role; the regional administrator names a stored school for a school role (or none, for a
// regional one).
std::string schoolOfNewUser(Call& c, Role role, const std::string& asked) {
  if (c.who().role != Role::RegionalAdmin) {
    if (store::isRegional(role))
      throw ApiError(
          HTTPResponse::HTTP_FORBIDDEN, "forbidden",
          "роль «" + std::string(store::russianTitle(role)) + "» назначает только администратор региона");
    const std::string& own = c.school();
    if (!asked.empty() && asked != own)
      throw ApiError(HTTPResponse::HTTP_FORBIDDEN, "other_school", "нет доступа к данным другой школы",
                     "school");
    return own;
  }
  if (store::isRegional(role)) {
    if (!asked.empty())
      throw ApiError(HTTPResponse::HTTP_BAD_REQUEST, "bad_field",
                     "пользователь с ролью «" + std::string(store::russianTitle(role)) +
                         "» работает со всеми школами: school не указывается",
                     "school");
    return {};
  }
  if (asked.empty())
    throw ApiError(HTTPResponse::HTTP_BAD_REQUEST, "missing_field", "укажите школу пользователя: school",
                   "school");
  const auto schools = c.core.store->schools();
  if (std::find(schools.begin(), schools.end(), asked) != schools.end()) return asked;
  // A school joins the region by its first journal: its administrator is created first and uploads it.
  static const std::regex kSchoolId("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  if (role == Role::Admin && std::regex_match(asked, kSchoolId)) return asked;
  throw ApiError(HTTPResponse::HTTP_BAD_REQUEST, "no_such_school",
                 "школы «" + asked +
                     "» нет в хранилище; для новой школы сначала создайте её администратора (role admin), "
                     "который загрузит журнал",
                 "school");
}

// The query parameters an endpoint's summary names as "?name=" or "&name=" (the route table's one
// description).
std::vector<std::string> summaryQueryParameters(const std::string& summary) {
  std::vector<std::string> names;
  for (size_t i = 0; i < summary.size(); ++i) {
    if (summary[i] != '?' && summary[i] != '&') continue;
    size_t j = i + 1;
    while (j < summary.size() && ((summary[j] >= 'a' && summary[j] <= 'z') || summary[j] == '_')) ++j;
    if (j > i + 1 && j < summary.size() && summary[j] == '=') {
      const std::string name = summary.substr(i + 1, j - i - 1);
      if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
    }
  }
  return names;
}

Poco::JSON::Object::Ptr errorAnswer(const std::string& description) {
  auto o = newObject();
  o->set("description", description);
  auto content = newObject();
  auto json = newObject();
  auto schema = newObject();
  schema->set("$ref", "#/components/schemas/Error");
  json->set("schema", schema);
  content->set("application/json", json);
  o->set("content", content);
  return o;
}

}  // namespace

// The OpenAPI 3.0 description of `endpoints` (GET /api/v1/openapi.json): per path and method the summary, the
// roles allowed (x-roles), whether a bearer token is needed, the path and query parameters, and the answers.
Poco::JSON::Object::Ptr openApiDocument(const std::vector<EndpointSpec>& endpoints) {
  auto doc = newObject();
  doc->set("openapi", "3.0.3");
  auto info = newObject();
  info->set("title", "ejournal API");
  info->set("version", EJOURNAL_VERSION);
  info->set("description",
            "Электронный классный журнал школы: JSON API службы ejournal serve (docs/api.md). Описание "
            "создаётся по "
            "таблице маршрутов службы.");
  doc->set("info", info);
  auto paths = newObject();
  for (const auto& e : endpoints) {
    Poco::JSON::Object::Ptr item = paths->has(e.path) ? paths->getObject(e.path) : newObject();
    auto op = newObject();
    std::string method = e.method;
    for (auto& ch : method) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    std::string id = method;
    for (char ch : e.path) id += (std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_');
    op->set("operationId", id);
    op->set("summary", e.summary);
    Poco::JSON::Array::Ptr roles = new Poco::JSON::Array;
    for (auto r : e.roles) roles->add(std::string(store::toString(r)));
    op->set("x-roles", roles);
    Poco::JSON::Array::Ptr security = new Poco::JSON::Array;
    if (!e.publicAccess) {
      auto bearer = newObject();
      bearer->set("bearer", Poco::JSON::Array::Ptr(new Poco::JSON::Array));
      security->add(bearer);
    }
    op->set("security", security);
    Poco::JSON::Array::Ptr parameters = new Poco::JSON::Array;
    bool pathParameters = false;
    auto parameter = [&](const std::string& name, const char* in, bool required) {
      auto p = newObject();
      p->set("name", name);
      p->set("in", in);
      p->set("required", required);
      auto schema = newObject();
      schema->set("type", "string");
      p->set("schema", schema);
      parameters->add(p);
    };
    for (size_t open = e.path.find('{'); open != std::string::npos; open = e.path.find('{', open + 1)) {
      parameter(e.path.substr(open + 1, e.path.find('}', open) - open - 1), "path", true);
      pathParameters = true;
    }
    for (const auto& q : summaryQueryParameters(e.summary)) parameter(q, "query", false);
    op->set("parameters", parameters);
    auto answers = newObject();
    auto ok = newObject();
    ok->set("description", "успешно (JSON, CSV, текст, PDF или файл — как сказано в описании)");
    answers->set("2XX", ok);
    answers->set("400", errorAnswer("неверный запрос или параметр"));
    if (!e.publicAccess) {
      answers->set("401", errorAnswer("нет действующего токена"));
      answers->set("403", errorAnswer("роли пользователя это не разрешено"));
    }
    if (pathParameters) answers->set("404", errorAnswer("не найдено"));
    answers->set("500", errorAnswer("внутренняя ошибка службы"));
    op->set("responses", answers);
    item->set(method, op);
    paths->set(e.path, item);
  }
  doc->set("paths", paths);
  auto components = newObject();
  auto schemes = newObject();
  auto bearer = newObject();
  bearer->set("type", "http");
  bearer->set("scheme", "bearer");
  schemes->set("bearer", bearer);
  components->set("securitySchemes", schemes);
  auto schemas = newObject();
  auto error = newObject();
  error->set("type", "object");
  auto props = newObject();
  auto inner = newObject();
  inner->set("type", "object");
  auto innerProps = newObject();
  for (const char* f : {"status", "code", "message", "where"}) {
    auto t = newObject();
    t->set("type", std::string(f) == "status" ? "integer" : "string");
    innerProps->set(f, t);
  }
  inner->set("properties", innerProps);
  props->set("error", inner);
  error->set("properties", props);
  schemas->set("Error", error);
  components->set("schemas", schemas);
  doc->set("components", components);
  return doc;
}

void addCoreRoutes(ServiceCore& core) {
  core.add(
      "GET", "/api/v1/openapi.json", {},
      "This API as an OpenAPI 3.0 description, generated from the route table",
      [](Call& c) { sendJson(c.res, *openApiDocument(c.core.specs)); }, true);

  core.add(
      "GET", "/healthz", {}, "Liveness and readiness: store reachable, failed jobs",
      [](Call& c) {
        auto o = newObject();
        bool storeOk = true;
        try {
          c.core.store->schools();
        } catch (const std::exception& e) {
          storeOk = false;
          c.core.log.error("healthz: the store is unreachable: %s", std::string(e.what()));
        }
        auto failures = c.core.scheduler->exhaustedFailures();
        o->set("status", !storeOk ? "unavailable" : failures.empty() ? "ok" : "degraded");
        o->set("store",
               storeOk ? "ok" : "unavailable");  // the reason is in the log, not for anonymous callers
        o->set("backend", c.core.store->backend() == store::Backend::SQLite ? "sqlite" : "postgresql");
        Poco::JSON::Array::Ptr failed = new Poco::JSON::Array;
        for (const auto& r : failures) failed->add(runJson(r));
        o->set("failedJobs", failed);
        o->set("time", c.core.clock->now().toString());
        sendJson(c.res, *o, storeOk ? HTTPResponse::HTTP_OK : HTTPResponse::HTTP_SERVICE_UNAVAILABLE);
      },
      true);

  core.add(
      "POST", "/api/v1/auth/login", {}, "Log in with login and password; returns a bearer token",
      [](Call& c) {
        auto body = readJsonObject(c.req, c.core.config.maxJsonBytes);
        std::string login = requireString(*body, "login");
        std::string password = requireString(*body, "password");
        auto issued = c.core.auth->login(login, password, c.address);
        c.user = issued.user;
        auto o = newObject();
        o->set("token", issued.token);
        o->set("tokenType", "Bearer");
        o->set("expiresAt", issued.expires.toString());
        o->set("user", userJson(issued.user));
        sendJson(c.res, *o);
      },
      true);

  core.add("POST", "/api/v1/auth/logout", kEveryone, "Revoke the token of this request", [](Call& c) {
    c.core.auth->revoke(c.tokenId, c.tokenExpires);
    c.audit("logout", c.who().login, "ok");
    auto o = newObject();
    o->set("message", "выход выполнен, токен отозван");
    sendJson(c.res, *o);
  });

  core.add("GET", "/api/v1/me", kEveryone, "The current user, role and what they may see", [](Call& c) {
    auto o = userJson(c.who());
    Poco::JSON::Array::Ptr allowed = new Poco::JSON::Array;
    for (const auto& s : c.core.specs)
      if (!s.publicAccess && s.allows(c.who().role)) allowed->add(s.method + " " + s.path);
    o->set("endpoints", allowed);
    sendJson(c.res, *o);
  });

  core.add("POST", "/api/v1/me/password", kEveryone, "Change one's own password (old and new)", [](Call& c) {
    auto body = readJsonObject(c.req, c.core.config.maxJsonBytes);
    std::string oldPassword = requireString(*body, "oldPassword");
    std::string newPassword = requireString(*body, "newPassword");
    store::User u = c.who();
    if (!verifyPassword(oldPassword, u.passwordHash)) {
      c.audit("user.passwd", u.login, "denied", "неверный текущий пароль");
      throw ApiError(HTTPResponse::HTTP_FORBIDDEN, "bad_credentials", "текущий пароль указан неверно");
    }
    try {
      checkPasswordPolicy(newPassword);
    } catch (const Error& e) {
      throw ApiError(HTTPResponse::HTTP_BAD_REQUEST, "weak_password", e.message(), "newPassword");
    }
    u.passwordHash = hashPassword(newPassword, c.core.config.passwordIterations);
    c.core.users->update(u);
    c.core.users->revokeAllTokens(u.login);
    c.audit("user.passwd", u.login, "ok", "пароль изменён самим пользователем");
    auto o = newObject();
    o->set("message", "пароль изменён; войдите снова");
    sendJson(c.res, *o);
  });

  // ---- users (administrator) ----
  core.add("GET", "/api/v1/users", {Role::Admin, Role::RegionalAdmin},
           "List users (the regional administrator: ?school= for one school's)", [](Call& c) {
             Poco::JSON::Array::Ptr arr = new Poco::JSON::Array;
             for (const auto& u : visibleUsers(c)) arr->add(userJson(u));
             auto o = newObject();
             o->set("users", arr);
             sendJson(c.res, *o);
           });

  core.add("POST", "/api/v1/users", {Role::Admin, Role::RegionalAdmin},
           "Create a user (login, fullName, role, staffId, password)", [](Call& c) {
             auto body = readJsonObject(c.req, c.core.config.maxJsonBytes);
             store::User u;
             u.login = requireString(*body, "login");
             u.fullName = requireString(*body, "fullName");
             u.role = roleField(*body);
             u.staffId = optionalString(*body, "staffId");
             u.email = emailField(*body);
             u.schoolId = schoolOfNewUser(c, u.role, optionalString(*body, "school"));
             requireStaffForScopedRole(u);
             if (!u.staffId.empty()) checkStaffOf(c, u.staffId, u.schoolId);
             u.passwordHash = passwordHashOf(c, *body);
             store::User added = c.core.users->add(u);
             c.audit("user.add", u.login, "ok", std::string(store::toString(u.role)));
             sendJson(c.res, *userJson(added), HTTPResponse::HTTP_CREATED);
           });

  core.add(
      "PATCH", "/api/v1/users/{login}", {Role::Admin, Role::RegionalAdmin},
      "Change a user: fullName, role, staffId, disabled, password, unlock", [](Call& c) {
        auto body = readJsonObject(c.req, c.core.config.maxJsonBytes);
        auto found = c.core.users->find(c.param("login"));
        if (!found || !mayManage(c, *found))
          throw ApiError(HTTPResponse::HTTP_NOT_FOUND, "not_found",
                         "пользователя «" + c.param("login") + "» нет");
        store::User u = *found;
        std::vector<std::string> changes;
        bool revoke = false;
        if (body->has("fullName")) {
          u.fullName = requireString(*body, "fullName");
          changes.push_back("ФИО");
        }
        if (body->has("role") || body->has("school")) {
          if (body->has("role")) u.role = roleField(*body);
          u.schoolId =
              schoolOfNewUser(c, u.role, body->has("school") ? optionalString(*body, "school") : u.schoolId);
          changes.push_back("роль " + std::string(store::toString(u.role)));
          revoke = true;
        }
        if (body->has("email")) {
          u.email = emailField(*body);
          changes.push_back("email " + u.email);
        }
        if (body->has("staffId")) {
          u.staffId = optionalString(*body, "staffId");
          if (!u.staffId.empty()) checkStaffOf(c, u.staffId, u.schoolId);
          changes.push_back("staffId " + u.staffId);
          revoke = true;
        }
        if (auto d = optionalBool(*body, "disabled")) {
          if (*d && u.login == c.who().login)
            throw ApiError(HTTPResponse::HTTP_CONFLICT, "conflict",
                           "нельзя отключить собственную учётную запись");
          u.disabled = *d;
          changes.push_back(*d ? "отключён" : "включён");
          revoke = revoke || *d;
        }
        if (body->has("password")) {
          u.passwordHash = passwordHashOf(c, *body);
          changes.push_back("пароль");
          revoke = true;
        }
        const auto unlock = optionalBool(*body, "unlock");
        if (unlock && *unlock) changes.push_back("разблокирован");
        if (changes.empty())
          throw ApiError(HTTPResponse::HTTP_BAD_REQUEST, "nothing_to_change",
                         "не указано, что изменить (fullName, role, staffId, disabled, password, unlock)");
        requireStaffForScopedRole(u);
        c.core.users->update(u);
        if (revoke) c.core.users->revokeAllTokens(u.login);
        if (unlock && *unlock) c.core.users->clearLoginFailures(u.login);
        std::string summary;
        for (const auto& ch : changes) summary += (summary.empty() ? "" : ", ") + ch;
        c.audit("user.change", u.login, "ok", summary);
        sendJson(c.res, *userJson(*c.core.users->find(u.login)));
      });

  // ---- audit log ----
  core.add("GET", "/api/v1/audit", {Role::Admin, Role::Auditor, Role::RegionalAdmin},
           "Audit records: ?after=SEQ&limit=N&actor=LOGIN&action=NAME", [](Call& c) {
             store::AuditQuery q;
             q.afterSeq = static_cast<int64_t>(sizeParam(c, "after", 0, size_t{1} << 62));
             q.limit = sizeParam(c, "limit", 100, 1000);
             q.actor = c.q("actor");
             q.action = c.q("action");
             // In a store of several schools a school's administrator and auditor read what the school's
             // users did and the school's scheduled runs ("…@school"); the region's administrator reads all.
             std::optional<std::set<std::string>> logins;
             std::string unitTag;
             if (!store::isRegional(c.who().role) && c.core.store->schools().size() > 1) {
               logins.emplace();
               for (const auto& u : c.core.users->list(c.school())) logins->insert(u.login);
               unitTag = "@" + c.school();
             }
             std::set<std::string> serviceUsers;
             if (logins)
               for (const auto& u : c.core.users->list()) serviceUsers.insert(u.login);
             Poco::JSON::Array::Ptr arr = new Poco::JSON::Array;
             int64_t last = q.afterSeq;
             size_t shown = 0;
             // Filtered records are skipped, so the next batches are read until the page is full.
             for (int batch = 0; batch < 50 && shown < q.limit; ++batch) {
               q.afterSeq = last;
               const auto records = c.core.auditLog->list(q);
               for (const auto& r : records) {
                 last = r.seq;
                 if (logins) {
                   const auto& e = r.entry;
                   const bool own = logins->count(e.actor) > 0;
                   const bool ownRun =
                       !serviceUsers.count(e.actor) && (e.action.find(unitTag) != std::string::npos ||
                                                        e.object.find(unitTag) != std::string::npos);
                   if (!own && !ownRun) continue;
                 }
                 if (shown < q.limit) {
                   arr->add(auditJson(r));
                   ++shown;
                 }
               }
               if (!logins || records.size() < q.limit) break;
             }
             auto o = newObject();
             o->set("records", arr);
             sendJson(c.res, *o);
           });

  core.add("GET", "/api/v1/audit/verify", {Role::Admin, Role::Auditor, Role::RegionalAdmin},
           "Recompute the audit hash chain", [](Call& c) {
             auto v = c.core.auditLog->verify();
             auto o = newObject();
             o->set("ok", v.ok);
             o->set("records", static_cast<Poco::Int64>(v.records));
             if (!v.ok) {
               o->set("firstBadSeq", static_cast<Poco::Int64>(v.firstBadSeq));
               o->set("problem", v.problem);
             }
             o->set("lastHash", v.lastHash);
             sendJson(c.res, *o);
           });

  // ---- jobs ----
  core.add("GET", "/api/v1/jobs", {Role::Admin, Role::Deputy, Role::RegionalAdmin},
           "Configured jobs and their recent runs", [](Call& c) {
             Poco::JSON::Array::Ptr jobs = new Poco::JSON::Array;
             for (const auto& cfg : c.core.config.jobs) {
               auto j = newObject();
               j->set("name", cfg.name);
               j->set("enabled", cfg.enabled);
               j->set("schedule", cfg.schedule);
               j->set("retries", cfg.retries);
               j->set("retryMinutes", cfg.retryMinutes);
               j->set("available", c.core.scheduler->hasJob(cfg.name));
               j->set("eachSchool", c.core.scheduler->eachSchool(cfg.name));
               // A school's users see its own runs of a job of each school; the region's users every
               // school's (or the one of ?school=).
               std::vector<std::string> units;
               if (!c.core.scheduler->eachSchool(cfg.name))
                 units = {cfg.name};
               else if (store::isRegional(c.who().role) && c.q("school").empty())
                 units = c.core.scheduler->units(cfg.name);
               else {
                 units = {jobUnit(cfg.name, c.school())};
                 auto own = cfg.schoolSchedules.find(c.school());  // the school's own schedule
                 if (own != cfg.schoolSchedules.end()) j->set("schedule", own->second);
               }
               if (!cfg.schoolSchedules.empty() && store::isRegional(c.who().role)) {
                 auto schedules = newObject();
                 for (const auto& [school, schedule] : cfg.schoolSchedules) schedules->set(school, schedule);
                 j->set("schoolSchedules", schedules);
               }
               std::vector<store::JobRun> recent;
               for (const auto& unit : units)
                 for (auto& r : c.core.jobs->recent(unit, 10)) recent.push_back(std::move(r));
               std::stable_sort(recent.begin(), recent.end(),
                                [](const store::JobRun& a, const store::JobRun& b) { return a.id > b.id; });
               if (recent.size() > 20) recent.resize(20);
               Poco::JSON::Array::Ptr runs = new Poco::JSON::Array;
               for (const auto& r : recent) runs->add(runJson(r));
               j->set("runs", runs);
               jobs->add(j);
             }
             auto o = newObject();
             o->set("jobs", jobs);
             sendJson(c.res, *o);
           });

  core.add(
      "POST", "/api/v1/jobs/{name}/run", {Role::Admin, Role::RegionalAdmin}, "Run a job now", [](Call& c) {
        const std::string school = c.core.scheduler->eachSchool(c.param("name")) ? c.school() : std::string();
        auto run = c.core.scheduler->runNow(c.param("name"), c.who().login, school);
        sendJson(c.res, *runJson(run),
                 run.status == store::JobStatus::Succeeded ? HTTPResponse::HTTP_OK
                                                           : HTTPResponse::HTTP_BAD_GATEWAY);
      });

  // ---- ingest ----
  core.add("POST", "/api/v1/ingest", {Role::Admin, Role::Deputy},
           "Upload a journal XML document (body: the XML; ?name=FILE for messages)", [](Call& c) {
             std::string name = c.q("name", "upload.xml");
             if (name.find('/') != std::string::npos || name.size() > 200) name = "upload.xml";
             TempFile upload(
                 receiveUpload(c.req, c.core.config.workDir / "uploads", c.core.config.maxUploadBytes));
             IngestOutcome outcome;
             try {
               MappedFile file(upload.path());
               outcome = ingestXml(*c.core.store, file, name, "xml:" + name, *c.core.clock, c.school());
             } catch (const std::exception& e) {
               c.audit("ingest", name, "failed", e.what());
               throw;
             }
             journalChanged(c.core, c.school());
             const auto& s = outcome.summary;
             c.audit("ingest", name, "ok",
                     outcome.runId + ": новых " + std::to_string(s.inserted) + ", изменённых " +
                         std::to_string(s.updated) + ", без изменений " + std::to_string(s.unchanged));
             auto o = newObject();
             o->set("runId", outcome.runId);
             o->set("inserted", static_cast<Poco::UInt64>(s.inserted));
             o->set("updated", static_cast<Poco::UInt64>(s.updated));
             o->set("unchanged", static_cast<Poco::UInt64>(s.unchanged));
             o->set("markChanges", static_cast<Poco::UInt64>(s.markChanges));
             sendJson(c.res, *o);
           });

  // ---- journal overview ----
  core.add("GET", "/api/v1/classes",
           {Role::Admin, Role::Deputy, Role::Secretary, Role::ClassTeacher, Role::Teacher,
            Role::RegionalInspector},
           "Classes the user may see, with class teacher and the visible subjects", [](Call& c) {
             auto snap = c.journal();
             const auto& idx = snap->index;
             Visibility v = visibilityOf(c.who(), idx);
             Poco::JSON::Array::Ptr arr = new Poco::JSON::Array;
             for (const auto& cls : snap->journal.classes) {
               if (!v.seesAnyOf(cls.id)) continue;
               auto o = newObject();
               o->set("id", cls.id);
               o->set("name", cls.name());
               o->set("grade", cls.grade);
               const model::Staff* t = idx.staff(cls.classTeacherId);
               o->set("classTeacher", t ? t->fullName() : std::string());
               Poco::JSON::Array::Ptr subjects = new Poco::JSON::Array;
               std::set<std::string> seen;
               for (const auto& e : snap->journal.curriculum) {
                 if (e.classId != cls.id || !v.sees(cls.id, e.subjectId) || !seen.insert(e.subjectId).second)
                   continue;
                 auto s = newObject();
                 s->set("id", e.subjectId);
                 const model::Subject* subj = idx.subject(e.subjectId);
                 s->set("name", subj ? subj->name : e.subjectId);
                 subjects->add(s);
               }
               o->set("subjects", subjects);
               arr->add(o);
             }
             auto o = newObject();
             o->set("classes", arr);
             sendJson(c.res, *o);
           });

  core.add("GET", "/api/v1/stats",
           {Role::Admin, Role::Deputy, Role::Secretary, Role::ClassTeacher, Role::RegionalInspector},
           "Per class and period: students, lessons, marks, absences (?class=ID)", [](Call& c) {
             store::LoadFilter filter;
             filter.schoolId = c.school();
             // The school's journal (404 before any ingest): the class names, the class teacher's classes,
             // and the counts kept with it, counted once per loaded journal.
             const auto snap = c.journal();
             std::optional<Visibility> v;
             if (!c.q("class").empty()) filter.classId = classNamed(snap->index, c.q("class")).id;
             if (c.who().role == Role::ClassTeacher) {
               v = visibilityOf(c.who(), snap->index);
               if (!filter.classId.empty() && !v->seesClass(filter.classId))
                 throw ApiError(HTTPResponse::HTTP_FORBIDDEN, "forbidden",
                                "класс «" + c.q("class") + "» — не ваш класс");
             }
             Poco::JSON::Array::Ptr arr = new Poco::JSON::Array;
             const auto counted = snap->stats(*c.core.store, filter);  // held while read
             for (const auto& s : *counted) {
               if (v && !v->seesClass(s.classId)) continue;
               auto o = newObject();
               o->set("classId", s.classId);
               o->set("className", s.className);
               o->set("periodId", s.periodId);
               o->set("students", s.students);
               o->set("lessons", s.lessons);
               o->set("marks", s.marks);
               o->set("absences", s.absences);
               arr->add(o);
             }
             auto o = newObject();
             o->set("stats", arr);
             sendJson(c.res, *o);
           });
}

}  // namespace ejournal::app::service
