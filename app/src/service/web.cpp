// The web interface (web.h): request handling, sessions, CSRF, security headers, static files, templates and
// the error pages. The pages themselves are in web_pages.cpp.
#include "service/web.h"

#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPCookie.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/NameValueCollection.h>
#include <Poco/URI.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <chrono>
#include <fstream>
#include <sstream>

#include "ejournal/model/files.h"
#include "ejournal/model/index.h"
#include "service/core.h"
#include "service/password.h"
#include "service/web_jobs.h"
#include "service/web_pages.h"

namespace ejournal::app::service::web {

using Poco::Net::HTTPResponse;

// ---- forms, cookies, CSRF
// ---------------------------------------------------------------------------------------

std::map<std::string, std::string> parseForm(const std::string& body) {
  std::map<std::string, std::string> out;
  size_t pos = 0;
  while (pos <= body.size()) {
    size_t amp = body.find('&', pos);
    if (amp == std::string::npos) amp = body.size();
    std::string pair = body.substr(pos, amp - pos);
    if (!pair.empty()) {
      size_t eq = pair.find('=');
      std::string k = pair.substr(0, eq), v = eq == std::string::npos ? std::string() : pair.substr(eq + 1);
      for (char& ch : k) ch = ch == '+' ? ' ' : ch;
      for (char& ch : v) ch = ch == '+' ? ' ' : ch;
      std::string dk, dv;
      try {
        Poco::URI::decode(k, dk);
        Poco::URI::decode(v, dv);
      } catch (const Poco::Exception&) {
        throw ApiError(HTTPResponse::HTTP_BAD_REQUEST, "bad_form", "некорректные данные формы");
      }
      out[dk] = dv;
    }
    pos = amp + 1;
  }
  return out;
}

std::string csrfFor(const ServiceCore& core, const std::string& tokenId) {
  const std::string& key = core.auth->settings().secret;
  const std::string msg = "ejournal-web-csrf\n" + tokenId;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), mac, &len);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out += hex[mac[i] >> 4];
    out += hex[mac[i] & 15];
  }
  return out;
}

bool sameSecret(const std::string& a, const std::string& b) {
  return a.size() == b.size() && !a.empty() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string cookie(const Poco::Net::HTTPServerRequest& req, const std::string& name) {
  Poco::Net::NameValueCollection cookies;
  req.getCookies(cookies);
  return cookies.get(name, "");
}

void setCookie(Poco::Net::HTTPServerResponse& res, const std::string& name, const std::string& value,
               int maxAge) {
  // Set by hand: Poco 1.11's HTTPCookie has no SameSite.
  std::string c = name + "=" + value + "; Path=/; HttpOnly; Secure; SameSite=Strict";
  if (maxAge >= 0) c += "; Max-Age=" + std::to_string(maxAge);
  res.add("Set-Cookie", c);
}

// ---- responses
// --------------------------------------------------------------------------------------------------

void securityHeaders(Poco::Net::HTTPServerResponse& res) {
  res.set(
      "Content-Security-Policy",
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
      "font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
  res.set("X-Frame-Options", "DENY");
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Referrer-Policy", "same-origin");
  res.set("Cross-Origin-Opener-Policy", "same-origin");
}

void sendHtml(Poco::Net::HTTPServerResponse& res, const std::string& html, HTTPResponse::HTTPStatus status) {
  res.setStatusAndReason(status);
  res.set("Cache-Control", "no-store");
  sendBytes(res, html, "text/html; charset=utf-8");
}

void redirect(Poco::Net::HTTPServerResponse& res, const std::string& to) {
  res.setStatusAndReason(HTTPResponse::HTTP_SEE_OTHER);
  res.set("Location", to);
  res.set("Cache-Control", "no-store");
  sendBytes(res, "", "text/plain; charset=utf-8");
}

// ---- templates
// --------------------------------------------------------------------------------------------------

namespace {

std::mutex templateMutex;
std::map<std::string, std::string>& templateCache() {
  static std::map<std::string, std::string> cache;
  return cache;
}

}  // namespace

const std::string& templateText(const std::string& name) {
  std::lock_guard<std::mutex> lock(templateMutex);
  auto& cache = templateCache();
  auto it = cache.find(name);
  if (it != cache.end()) return it->second;
  std::string text = model::readFile(model::dataFile("templates/web/" + name + ".mustache"));
  return cache.emplace(name, std::move(text)).first->second;
}

std::string render(const std::string& page, Data& data) {
  const std::string& body = templateText(page);
  data.set("content", kainjow::mustache::partial([&body]() { return body; }));
  const std::string& scope = templateText("scope");
  data.set("scope", kainjow::mustache::partial([&scope]() { return scope; }));
  kainjow::mustache::mustache layout(templateText("layout"));
  if (!layout.is_valid()) throw Error(ErrorKind::Internal, "templates/web/layout", layout.error_message());
  std::string html = layout.render(data);
  if (!layout.is_valid()) throw Error(ErrorKind::Internal, "templates/web/" + page, layout.error_message());
  return html;
}

// Dates and times of the API ("2025-09-01", "2025-09-02T14:05:00") as the school writes them.
std::string russianDate(const std::string& s) {
  if (auto d = model::Date::parse(s)) return d->toRussian();
  if (s.size() >= 16 && s[4] == '-' && s[10] == 'T')
    if (auto t = model::DateTime::parse(s.substr(0, 19))) return t->toRussian();
  return s;
}

namespace {

bool looksLikeDate(const std::string& s) {
  return s.size() >= 10 && s[4] == '-' && s[7] == '-' && std::isdigit(static_cast<unsigned char>(s[0])) &&
         (s.size() == 10 || s[10] == 'T');
}

}  // namespace

std::string number(double v, int decimals) {
  std::ostringstream out;
  out.setf(std::ios::fixed);
  out.precision(decimals);
  out << v;
  std::string s = out.str();
  for (char& ch : s) ch = ch == '.' ? ',' : ch;
  return s;
}

Data toData(const Poco::Dynamic::Var& v) {
  if (v.isEmpty()) return Data(false);
  if (v.type() == typeid(Poco::JSON::Object::Ptr)) {
    auto o = v.extract<Poco::JSON::Object::Ptr>();
    Data d;
    for (const auto& [k, val] : *o) {
      d.set(k, toData(val));
      if (val.type() == typeid(Poco::JSON::Array::Ptr)) {
        const size_t n = val.extract<Poco::JSON::Array::Ptr>()->size();
        d.set("has_" + k, n > 0);
        d.set(k + "_count", std::to_string(n));
      }
      if (val.isString()) {
        const std::string s = val.toString();
        if (looksLikeDate(s)) d.set(k + "_ru", russianDate(s));
      }
    }
    return d;
  }
  if (v.type() == typeid(Poco::JSON::Array::Ptr)) {
    auto a = v.extract<Poco::JSON::Array::Ptr>();
    Data list(Data::type::list);
    for (const auto& item : *a) list.push_back(toData(item));
    return list;
  }
  if (v.isBoolean()) return Data(v.extract<bool>());
  if (v.isString()) return Data(v.toString());
  if (v.isInteger()) return Data(v.toString());
  if (v.isNumeric()) {
    double d = v.convert<double>();
    return Data(number(d, d == static_cast<long long>(d) ? 0 : 1));
  }
  return Data(v.toString());
}

Data toData(const Poco::JSON::Object::Ptr& o) { return toData(Poco::Dynamic::Var(o)); }

// ---- the request context
// ----------------------------------------------------------------------------------------

Caller Page::caller() const {
  Caller c;
  c.user = user;
  c.tokenId = tokenId;
  c.tokenExpires = tokenExpires;
  c.address = address;
  return c;
}

std::string Page::q(const std::string& name, const std::string& fallback) const {
  auto it = query.find(name);
  return it == query.end() || it->second.empty() ? fallback : it->second;
}

std::string Page::f(const std::string& name) const {
  auto it = form.find(name);
  return it == form.end() ? std::string() : it->second;
}

std::string Page::school() const {
  if (!user || !store::isRegional(user->role)) return q("school");
  const std::string asked = q("school");
  if (!asked.empty()) return asked;
  std::string chosen;
  try {
    Poco::URI::decode(cookie(req, kSchoolCookie), chosen);  // set URI-encoded by /region/school
  } catch (const Poco::Exception&) {
    return {};  // a cookie not made by us: no school chosen
  }
  return chosen;
}

ApiAnswer Page::api(const std::string& method, const std::string& path,
                    const std::map<std::string, std::string>& qs, const std::string& body) {
  // A regional user's pages are about the school they chose; the API hears it as ?school=.
  const std::string chosen = user && store::isRegional(user->role) ? school() : std::string();
  if (chosen.empty() || qs.count("school")) return callApi(core, caller(), method, path, qs, body);
  auto withSchool = qs;
  withSchool["school"] = chosen;
  return callApi(core, caller(), method, path, withSchool, body);
}

Poco::JSON::Object::Ptr Page::apiJson(const std::string& method, const std::string& path,
                                      const std::map<std::string, std::string>& qs, const std::string& body) {
  return api(method, path, qs, body).json();
}

std::shared_ptr<const Snapshot> Page::journal() {
  if (!snapshotTried) {
    snapshotTried = true;
    try {
      if (user) snapshot = core.cache->get(schoolFor(core, *user, school()));
    } catch (const ApiError&) {
    }
  }
  return snapshot;
}

std::string currentPeriodOf(const model::Journal& journal, model::Date today) {
  const model::Period* best = nullptr;
  auto rank = [](const model::Period& p) {
    return p.kind == model::PeriodKind::Quarter ? 0 : p.kind == model::PeriodKind::HalfYear ? 1 : 2;
  };
  for (const auto& p : journal.periods)
    if (p.dates.from <= today && today <= p.dates.to && (!best || rank(p) < rank(*best))) best = &p;
  if (!best)  // outside the year: its last quarter after it, its first before
    for (const auto& p : journal.periods)
      if (p.kind == model::PeriodKind::Quarter &&
          (!best ||
           (today > journal.year.end ? p.dates.to > best->dates.to : p.dates.from < best->dates.from)))
        best = &p;
  return best ? best->id : std::string();
}

std::string Page::currentPeriod() {
  auto snap = journal();
  if (!snap) return {};
  return currentPeriodOf(snap->journal, core.clock->now().date);
}

Data Page::periodChoices(const std::string& selected, bool withYear) {
  Data list(Data::type::list);
  auto snap = journal();
  if (!snap) return list;
  for (const auto& p : snap->journal.periods) {
    if (!withYear && p.kind == model::PeriodKind::Year) continue;
    Data d;
    d.set("id", p.id);
    d.set("title", model::russianPeriodName(p, snap->journal.year.startYear) + " (" +
                       p.dates.from.toRussian() + " – " + p.dates.to.toRussian() + ")");
    d.set("selected", p.id == selected);
    list.push_back(d);
  }
  return list;
}

std::string Page::periodTitle(const std::string& id) {
  auto snap = journal();
  if (!snap) return id;
  if (const model::Period* p = snap->index.period(id))
    return model::russianPeriodName(*p, snap->journal.year.startYear);
  return id;
}

namespace {

struct NavItem {
  const char* href;
  const char* title;
  const char* method;
  const char* endpoint;  // the API endpoint the page is built from: shown to the roles that may call it
};

const std::vector<NavItem>& navItems() {
  static const std::vector<NavItem> items = {
      {"/region", "Школы региона", "GET", ""},  // the regional roles'
      {"/check", "Проверка журнала", "GET", "/api/v1/reports/{kind}"},
      {"/findings", "Замечания", "GET", "/api/v1/findings"},
      {"/remarks", "Замечания проверки", "GET", "/api/v1/me/remarks"},
      {"/class", "Мой класс", "GET", "/api/v1/stats"},
      {"/printouts", "Печать", "GET", "/api/v1/printouts/journal"},
      {"/archives", "Архивы", "GET", "/api/v1/archives"},
      {"/audit", "Журнал аудита", "GET", "/api/v1/audit"},
      {"/users", "Пользователи", "GET", "/api/v1/users"},
      {"/jobs", "Задания", "GET", "/api/v1/jobs"},
      {"/backups", "Резервные копии", "GET", "/api/v1/backups"},
  };
  return items;
}

}  // namespace

Data Page::base(const std::string& title, const std::string& active) {
  Data d;
  d.set("title", title);
  auto snap = journal();
  const bool regionalUser = user && store::isRegional(user->role);
  d.set("school", snap                               ? snap->journal.school.shortName
                  : regionalUser && school().empty() ? std::string("Все школы региона")
                                                     : std::string("школа (журнал ещё не загружен)"));
  if (regionalUser) {
    // The school the regional user's pages are about, with the way back to the chooser.
    Data chosen;
    chosen.set("name", snap ? snap->journal.school.shortName : std::string("не выбрана"));
    chosen.set("none", !snap);
    d.set("regional", chosen);
  }
  if (snap) {
    const std::string period = periodShown.empty() ? currentPeriod() : periodShown;
    d.set("period", (period.empty() ? std::string() : periodTitle(period) + ", ") +
                        snap->journal.year.label() + " учебный год");
  }
  d.set("today", core.clock->now().date.toRussian());
  if (user) {
    Data u;
    u.set("fullName", user->fullName);
    u.set("login", user->login);
    u.set("roleTitle", std::string(store::russianTitle(user->role)));
    d.set("user", u);
    d.set("csrf", csrfFor(core, tokenId));
    Data nav(Data::type::list);
    const bool regional = store::isRegional(user->role);
    for (const auto& item : navItems()) {
      if (std::string(item.href) == "/region") {
        if (!regional) continue;
      } else if (!mayCall(core, *user, item.method, item.endpoint)) {
        continue;
      }
      if (std::string(item.href) == "/class" && user->role != store::Role::ClassTeacher) continue;
      if (std::string(item.href) == "/findings" &&
          (user->role == store::Role::Admin || user->role == store::Role::Deputy ||
           user->role == store::Role::RegionalInspector))
        continue;  // the check page shows them with everything else
      Data n;
      n.set("href", std::string(item.href));
      n.set("title", std::string(item.title));
      n.set("active", active == item.href);
      nav.push_back(n);
    }
    d.set("nav", nav);
  }
  if (!flash.empty()) d.set("flash", flash);
  if (!error.empty()) d.set("error", error);
  return d;
}

// ---- static files
// -----------------------------------------------------------------------------------------------

namespace {

std::string mediaType(const std::string& name) {
  auto ends = [&](const char* ext) {
    const std::string e(ext);
    return name.size() >= e.size() && name.compare(name.size() - e.size(), e.size(), e) == 0;
  };
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".js")) return "text/javascript; charset=utf-8";
  if (ends(".svg")) return "image/svg+xml";
  if (ends(".png")) return "image/png";
  if (ends(".ico")) return "image/x-icon";
  return {};
}

// /static/bootstrap/..., /static/chart.js/... (Debian's libjs packages), /static/web/...
// (templates/web/static).
std::optional<std::filesystem::path> staticFile(const std::string& path) {
  const std::string rest = path.substr(std::string("/static/").size());
  if (rest.empty() || rest.find("..") != std::string::npos || rest.find("//") != std::string::npos) return {};
  for (char ch : rest)
    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '-' || ch == '_' || ch == '/'))
      return {};
  auto under = [&](const std::string& prefix,
                   const std::filesystem::path& dir) -> std::optional<std::filesystem::path> {
    if (rest.rfind(prefix, 0) != 0) return std::nullopt;
    return dir / rest.substr(prefix.size());
  };
  if (auto p = under("bootstrap/", "/usr/share/javascript/bootstrap5")) return p;
  if (auto p = under("chart.js/", "/usr/share/javascript/chart.js")) return p;
  if (rest.rfind("web/", 0) == 0) {
    try {
      return model::dataFile("templates/web/static/" + rest.substr(4));
    } catch (const Error&) {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

void serveStatic(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& res,
                 const std::string& path) {
  auto file = staticFile(path);
  const std::string type = mediaType(path);
  std::error_code ec;
  if (!file || type.empty() || !std::filesystem::is_regular_file(*file, ec))
    throw ApiError(HTTPResponse::HTTP_NOT_FOUND, "not_found", "файл не найден: " + path);
  const auto mtime = std::filesystem::last_write_time(*file, ec).time_since_epoch().count();
  const std::string etag =
      "\"" + std::to_string(std::filesystem::file_size(*file)) + "-" + std::to_string(mtime) + "\"";
  res.set("ETag", etag);
  res.set("Cache-Control", "public, max-age=3600");
  if (req.get("If-None-Match", "") == etag) {
    res.setStatusAndReason(HTTPResponse::HTTP_NOT_MODIFIED);
    res.setContentLength(0);
    res.send();
    return;
  }
  sendFile(res, *file, type, "");
}

// ---- the handler
// ------------------------------------------------------------------------------------------------

std::string statusTitle(int status) {
  switch (status) {
    case 400:
      return "Неверный запрос";
    case 401:
      return "Требуется вход";
    case 403:
      return "Доступ запрещён";
    case 404:
      return "Не найдено";
    case 405:
      return "Метод не поддерживается";
    case 409:
      return "Конфликт";
    case 413:
      return "Слишком большой запрос";
    case 422:
      return "Документ отклонён";
    case 423:
      return "Учётная запись заблокирована";
    case 429:
      return "Слишком много попыток";
    case 502:
      return "Ошибка dnevnik.ru";
    default:
      return status >= 500 ? "Ошибка сервиса" : "Ошибка";
  }
}

class WebHandler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit WebHandler(ServiceCore& core) : core_(core) {}

  void handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& res) override {
    const auto started = std::chrono::steady_clock::now();
    securityHeaders(res);
    Page page(core_, req, res);
    page.address = clientOf(core_.config, req);
    int status = 0;
    try {
      dispatch(page);
      status = static_cast<int>(res.getStatus());
    } catch (const ApiError& e) {
      status = fail(page, static_cast<int>(e.status()), e.what());
    } catch (const Error& e) {
      ApiError api = toApiError(e);
      if (api.status() == HTTPResponse::HTTP_INTERNAL_SERVER_ERROR)
        core_.log.error("%s: %s", req.getURI(), std::string(e.what()));
      status = fail(page, static_cast<int>(api.status()), api.what());
    } catch (const std::exception& e) {
      core_.log.error("%s: %s", req.getURI(), std::string(e.what()));
      status = fail(page, 500, "внутренняя ошибка сервиса; подробности в журнале сервиса");
    }
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    if (core_.accessLog.information())
      core_.accessLog.information("%s %s %s %d %dms %s", page.address, req.getMethod(), req.getURI(), status,
                                  static_cast<int>(ms.count()),
                                  page.user ? page.user->login : std::string("-"));
  }

 private:
  int fail(Page& page, int status, const std::string& message) {
    if (page.res.sent()) return static_cast<int>(page.res.getStatus());
    if (status == 401 && page.req.getMethod() == "GET" && !page.wantsJson) {
      redirect(page.res, "/login?expired=1");
      return 303;
    }
    if (page.wantsJson) {
      sendError(page.res, ApiError(static_cast<HTTPResponse::HTTPStatus>(status), "error", message), false);
      return status;
    }
    std::string html;
    try {
      Data d = page.base(statusTitle(status), "");
      d.set("status", std::to_string(status));
      d.set("statusTitle", statusTitle(status));
      d.set("message", message);
      html = render("error", d);
    } catch (const std::exception& e) {
      html = "<!doctype html><meta charset=utf-8><title>Ошибка</title><p>" +
             kainjow::mustache::html_escape<std::string>(message);
    }
    if (page.req.getMethod() != "GET") page.res.setKeepAlive(false);  // the body may be unread
    sendHtml(page.res, html, static_cast<HTTPResponse::HTTPStatus>(status));
    return status;
  }

  void dispatch(Page& page) {
    Poco::URI uri;
    try {
      uri = Poco::URI(page.req.getURI());
    } catch (const Poco::Exception&) {
      throw ApiError(HTTPResponse::HTTP_BAD_REQUEST, "bad_uri", "некорректный адрес страницы");
    }
    page.path = uri.getPath();
    page.query = queryParameters(page.req.getURI());
    const std::string& method = page.req.getMethod();
    if (page.path.rfind("/static/", 0) == 0) {
      if (method != "GET" && method != "HEAD")
        throw ApiError(HTTPResponse::HTTP_METHOD_NOT_ALLOWED, "method_not_allowed",
                       "метод не поддерживается");
      serveStatic(page.req, page.res, page.path);
      return;
    }
    if (method != "GET" && method != "POST")
      throw ApiError(HTTPResponse::HTTP_METHOD_NOT_ALLOWED, "method_not_allowed", "метод не поддерживается");
    if (method == "POST") {
      std::string body = readBody(page.req, core_.config.maxJsonBytes);
      page.form = parseForm(body);
    }
    if (page.path == "/login") return loginPage(page);
    page.wantsJson = page.path.size() > 7 && page.path.compare(page.path.size() - 7, 7, "/status") == 0;
    // Every other page needs a session: the API's token from the cookie, checked by the API's authenticator.
    const std::string token = cookie(page.req, kSessionCookie);
    if (token.empty()) throw ApiError(HTTPResponse::HTTP_UNAUTHORIZED, "unauthorized", "войдите в систему");
    page.user = core_.auth->authenticate(token, &page.tokenId, &page.tokenExpires);
    if (method == "POST" && !sameSecret(page.f("csrf"), csrfFor(core_, page.tokenId))) {
      core_.accessLog.notice("web: CSRF token missing or wrong for %s %s (%s)", method, page.path,
                             page.user->login);
      throw ApiError(
          HTTPResponse::HTTP_FORBIDDEN, "csrf",
          "форма отклонена: нет или неверен проверочный код формы (CSRF). Обновите страницу и повторите");
    }
    routePage(page);
  }

  ServiceCore& core_;
};

}  // namespace

}  // namespace ejournal::app::service::web

namespace ejournal::app::service {

bool isWebPath(const std::string& uri) {
  const std::string path = uri.substr(0, uri.find_first_of("?#"));
  return !(path.rfind("/api/", 0) == 0 || path == "/api" || path == "/healthz");
}

Poco::Net::HTTPRequestHandler* newWebHandler(ServiceCore& core) { return new web::WebHandler(core); }

void stopWeb(ServiceCore& core) { stopWebTasks(core); }

}  // namespace ejournal::app::service
