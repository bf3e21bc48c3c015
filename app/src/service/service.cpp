// The service: listeners, routing, authentication and role checks, error mapping, the journal cache
// (service.h).
#include "service/service.h"

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/URI.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <sstream>

#include "ejournal/archive/archive.h"
#include "ejournal/ingest/ingest.h"
#include "ejournal/model/once.h"
#include "service/core.h"
#include "service/scheduler.h"
#include "service/web.h"

namespace ejournal::app::service {

using Poco::Net::HTTPResponse;

bool EndpointSpec::allows(store::Role r) const {
  return publicAccess || std::find(roles.begin(), roles.end(), r) != roles.end();
}

// ---- journal snapshot
// -------------------------------------------------------------------------------------------

std::shared_ptr<const Snapshot> JournalCache::get(const std::string& schoolId) {
  if (schoolId.empty())
    throw ApiError(
        HTTPResponse::HTTP_NOT_FOUND, "no_journal",
        "в хранилище ещё нет данных журнала: загрузите XML (POST /api/v1/ingest) или выполните выгрузку");
  const int64_t now = epochSeconds(clock_->now());
  // Another instance's ingest or pull of this school changes its version: reload at once, not after maxAge.
  // Another school's does not: in a region, one school's ingest must not reload every school's journal.
  const std::string version = store_.schoolVersion(schoolId);
  auto fresh = [&](const Entry& e) {
    return e.current && e.version == version && now - e.loadedAt < maxAge_;
  };
  Entry* entry;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto& e = entries_[schoolId];
    if (!e) e = std::make_unique<Entry>();
    entry = e.get();  // entries are never removed
    if (fresh(*entry)) return entry->current;
  }
  std::lock_guard<std::mutex> loading(entry->loadMutex);
  uint64_t generation;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (fresh(*entry)) return entry->current;  // loaded meanwhile
    generation = entry->generation;
  }
  store::LoadFilter filter;
  filter.schoolId = schoolId;
  std::shared_ptr<const Snapshot> snap;
  try {
    snap = std::make_shared<const Snapshot>(store_.load(filter));
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::NotFound) throw;
    throw ApiError(HTTPResponse::HTTP_NOT_FOUND, "no_journal",
                   "в хранилище нет журнала школы «" + schoolId + "»");
  }
  std::lock_guard<std::mutex> lock(mutex_);
  if (generation == entry->generation) {  // not invalidated while loading
    entry->current = snap;
    entry->loadedAt = now;
    entry->version =
        version;  // read before the load: an ingest committed meanwhile makes the next get reload
  }
  return snap;
}

std::shared_ptr<const void> Snapshot::find(const std::string& key) const {
  std::lock_guard<std::mutex> lock(keptMutex_);
  for (auto it = kept_.begin(); it != kept_.end(); ++it)
    if (it->first == key) {
      auto found = it->second;
      std::rotate(it, it + 1, kept_.end());  // the most recently used last
      return found;
    }
  return nullptr;
}

std::shared_ptr<const void> Snapshot::keep(const std::string& key, std::shared_ptr<const void> value) const {
  std::lock_guard<std::mutex> lock(keptMutex_);
  for (const auto& [k, v] : kept_)
    if (k == key) return v;  // another request computed it meanwhile: every caller gets the one kept
  kept_.emplace_back(key, value);
  if (kept_.size() > kKept) kept_.erase(kept_.begin());
  return value;
}

std::shared_ptr<const rules::CheckResult> Snapshot::check(const rules::Scope& scope,
                                                          const rules::Config& config) const {
  // The service's one rules::Config lives as long as the process: its address names it.
  std::ostringstream key;
  key << "check|" << static_cast<const void*>(&config) << '|' << scope.periodId << '|'
      << scope.dates.from.toString() << '|' << scope.dates.to.toString() << '|' << scope.asOf.toString()
      << '|' << scope.complete << '|' << scope.classId << '|' << scope.subjectId << '|' << scope.teacherId;
  return memo<rules::CheckResult>(key.str(), [&] { return rules::run(index, scope, config); });
}

std::shared_ptr<const std::vector<store::ClassStats>> Snapshot::stats(store::Store& store,
                                                                      const store::LoadFilter& filter) const {
  std::string key = "stats|" + filter.schoolId + '|' + filter.classId + '|';
  if (filter.dates) key += filter.dates->from.toString() + '|' + filter.dates->to.toString();
  return memo<std::vector<store::ClassStats>>(key, [&] { return store.stats(filter); });
}

void JournalCache::invalidate(const std::string& schoolId) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = entries_.find(schoolId);
  if (it == entries_.end()) return;
  it->second->current.reset();
  ++it->second->generation;
}

void journalChanged(ServiceCore& core, const std::string& schoolId) {
  if (schoolId.empty())
    core.cache->invalidate();
  else
    core.cache->invalidate(schoolId);
  bindUsersToTheOnlySchool(core);
}

void bindUsersToTheOnlySchool(ServiceCore& core) {
  const auto schools = core.store->schools();
  if (schools.size() != 1) return;
  if (size_t bound = core.users->bindUnbound(schools.front()))
    core.log.information("users: %z account(s) without a school now belong to school %s", bound,
                         schools.front());
}

void JournalCache::invalidate() {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto& [id, e] : entries_) {
    e->current.reset();
    ++e->generation;
  }
}

// ---- the school of a request
// ------------------------------------------------------------------------------------

const std::string& Call::school() {
  if (!resolvedSchool) resolvedSchool = schoolFor(core, who(), q("school"));
  return *resolvedSchool;
}

std::string schoolFor(ServiceCore& core, const store::User& u, const std::string& asked) {
  const auto stored = core.store->schoolList();
  auto isStored = [&](const std::string& id) {
    return std::any_of(stored.begin(), stored.end(), [&](const model::School& s) { return s.id == id; });
  };
  auto named = [&] {
    std::string list;
    for (const auto& s : stored)
      list += (list.empty() ? "" : ", ") + s.id + (s.shortName.empty() ? "" : " «" + s.shortName + "»");
    return list;
  };
  std::string school;
  if (store::isRegional(u.role)) {
    if (!asked.empty()) {
      if (!isStored(asked))
        throw ApiError(HTTPResponse::HTTP_NOT_FOUND, "no_such_school",
                       "школы «" + asked + "» нет в хранилище", "school");
      school = asked;
    } else if (stored.size() == 1) {
      school = stored.front().id;
    } else if (stored.size() > 1) {
      throw ApiError(HTTPResponse::HTTP_BAD_REQUEST, "school_required",
                     "укажите школу: ?school=КОД (в хранилище: " + named() + ")", "school");
    }
  } else {
    if (!u.schoolId.empty()) {
      school = u.schoolId;
    } else if (stored.size() == 1) {
      school = stored.front().id;
    } else if (stored.size() > 1) {
      throw ApiError(HTTPResponse::HTTP_FORBIDDEN, "no_school",
                     "учётная запись не привязана к школе, а в хранилище их несколько; администратор "
                     "региона должен указать вашу школу");
    }
    if (!asked.empty() && asked != school)
      throw ApiError(HTTPResponse::HTTP_FORBIDDEN, "other_school", "нет доступа к данным другой школы",
                     "school");
  }
  return school;
}

namespace {
// The school whose archives lie directly in `dir` (the layout of one school before a store held several), or
// "". Decided once per directory: new seals always go to the school's subdirectory.
std::string schoolOfTopLevelArchives(const std::filesystem::path& dir) {
  static std::mutex mutex;
  static std::map<std::string, std::string> known;
  std::lock_guard<std::mutex> lock(mutex);
  auto it = known.find(dir.string());
  if (it != known.end()) return it->second;
  std::string school;
  std::error_code ec;
  for (std::filesystem::directory_iterator d(dir, ec), end; !ec && d != end; d.increment(ec)) {
    const std::string name = d->path().filename().string();
    if (d->is_regular_file(ec) && name.size() > 4 && name.front() != '.' && name.ends_with(".tar")) {
      try {  // an unreadable file is reported by the archive list; the next one may name the school
        archive::Archive top(dir, archive::posixFileSystem());
        school = top.show(name).schoolId;
        break;
      } catch (const Error&) {
      }
    }
  }
  known[dir.string()] = school;
  return school;
}
}  // namespace

std::filesystem::path archiveDirOf(const ServiceCore& core, const std::string& school) {
  if (school.empty() || schoolOfTopLevelArchives(core.config.archiveDir) == school)
    return core.config.archiveDir;
  return core.config.archiveDir / school;
}

std::shared_ptr<const Snapshot> Call::journal() { return core.cache->get(school()); }

std::string clientOf(const ServiceConfig& config, const Poco::Net::HTTPServerRequest& req) {
  const std::string peer = req.clientAddress().host().toString();
  if (config.trustedProxies.empty()) return peer;
  return clientAddress(peer, req.get("X-Forwarded-For", ""), config.trustedProxies);
}

// ---- visibility
// -------------------------------------------------------------------------------------------------

bool Visibility::seesClass(const std::string& classId) const { return all || classes.count(classId) > 0; }

bool Visibility::seesAnyOf(const std::string& classId) const {
  if (seesClass(classId)) return true;
  auto it = classSubjects.lower_bound({classId, ""});
  return it != classSubjects.end() && it->first == classId;
}

bool Visibility::sees(const std::string& classId, const std::string& subjectId) const {
  return seesClass(classId) || classSubjects.count({classId, subjectId}) > 0;
}

Visibility visibilityOf(const store::User& user, const model::JournalIndex& index) {
  Visibility v;
  switch (user.role) {
    case Role::Admin:
    case Role::Deputy:
    case Role::Secretary:
      v.all = true;
      return v;
    case Role::Auditor:
    case Role::RegionalAdmin:
      return v;
    case Role::RegionalInspector:  // reads the whole school's journal, changes nothing
      v.all = true;
      return v;
    case Role::ClassTeacher:
    case Role::Teacher:
      break;
  }
  if (user.staffId.empty()) return v;
  const model::Journal& j = index.journal();
  if (user.role == Role::ClassTeacher)
    for (const auto& c : j.classes)
      if (c.classTeacherId == user.staffId) v.classes.insert(c.id);
  v.teacherId = user.role == Role::Teacher ? user.staffId : std::string();
  for (const auto& l : j.lessons)
    if (l.teacherId == user.staffId || l.substituteTeacherId == user.staffId)
      v.classSubjects.insert({l.classId, l.subjectId});
  for (const auto& t : j.timetable)
    if (t.teacherId == user.staffId) v.classSubjects.insert({t.classId, t.subjectId});
  for (const auto& g : j.subgroups)
    if (g.teacherId == user.staffId) v.classSubjects.insert({g.classId, g.subjectId});
  return v;
}

const model::SchoolClass& classNamed(const model::JournalIndex& index, const std::string& ref) {
  const model::SchoolClass* cls = index.schoolClass(ref);
  if (!cls) cls = index.classByName(ref);
  if (!cls)
    throw ApiError(HTTPResponse::HTTP_NOT_FOUND, "not_found", "класса «" + ref + "» нет в журнале", "class");
  return *cls;
}

// ---- routing
// ----------------------------------------------------------------------------------------------------

namespace {

std::vector<std::string> splitPath(const std::string& path) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : path) {
    if (c == '/') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

bool matches(const Route& r, const std::vector<std::string>& segs,
             std::map<std::string, std::string>& params) {
  if (r.segments.size() != segs.size()) return false;
  std::map<std::string, std::string> p;
  for (size_t i = 0; i < segs.size(); ++i) {
    const std::string& pat = r.segments[i];
    if (pat.size() > 2 && pat.front() == '{' && pat.back() == '}') {
      std::string decoded;
      Poco::URI::decode(segs[i], decoded);
      p[pat.substr(1, pat.size() - 2)] = decoded;
    } else if (pat != segs[i]) {
      return false;
    }
  }
  params = std::move(p);
  return true;
}

}  // namespace

void ServiceCore::add(const std::string& method, const std::string& path, std::vector<store::Role> roles,
                      const std::string& summary, Handler handler, bool publicAccess) {
  Route r;
  r.spec = {method, path, std::move(roles), publicAccess, summary};
  r.segments = splitPath(path);
  r.handler = std::move(handler);
  specs.push_back(r.spec);
  routes.push_back(std::move(r));
}

void Call::audit(const std::string& action, const std::string& object, const std::string& outcome,
                 const std::string& details) {
  core.auditLog->append(
      {user ? user->login : std::string("anonymous"), action, object, outcome, details, address});
}

Poco::JSON::Object::Ptr newObject() { return new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER); }

Poco::JSON::Object::Ptr userJson(const store::User& u) {
  auto o = newObject();
  o->set("login", u.login);
  o->set("fullName", u.fullName);
  o->set("role", std::string(store::toString(u.role)));
  o->set("roleTitle", std::string(store::russianTitle(u.role)));
  o->set("staffId", u.staffId);
  o->set("school", u.schoolId);
  if (!u.email.empty()) o->set("email", u.email);
  o->set("disabled", u.disabled);
  o->set("failedLogins", u.failedLogins);
  if (u.lockedUntil) o->set("lockedUntil", u.lockedUntil->toString());
  o->set("createdAt", u.createdAt.toString());
  o->set("passwordChangedAt", u.passwordChangedAt.toString());
  return o;
}

namespace {

// Reads what is left of a request's body, up to `limit` bytes (a longer declared body is left: the connection
// is closed after a refusal, as before). A handler that needs no body (logout, a job
// run, a check recorded from query parameters) or a refusal made before the body was read would otherwise
// leave it on the connection: on a kept-alive one (nginx reuses its connections to the instances) it was read
// as the start of the next request, someone else's; on one being closed, unread bytes make the kernel reset
// it while the proxy may still be reading the answer (502).
void drainBody(Poco::Net::HTTPServerRequest& req, size_t limit) {
  // Without a length or chunks a request has no body (RFC 9112 6.3); Poco would read up to the connection's
  // end.
  if (!req.hasContentLength() && !req.getChunkedTransferEncoding()) return;
  if (req.hasContentLength() && req.getContentLength64() > static_cast<Poco::Int64>(limit)) return;
  try {
    BodyReading reading;  // within the body timeout, as any body
    std::istream& in = req.stream();
    char buf[8192];
    size_t read = 0;
    while (read < limit && in.read(buf, sizeof buf).gcount() > 0) read += static_cast<size_t>(in.gcount());
  } catch (const std::exception&) {
    // A broken or slow connection: the listener's timeouts and the close that follows deal with it.
  }
}

class ApiHandler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit ApiHandler(ServiceCore& core) : core_(core) {}

  void handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& res) override {
    const auto started = std::chrono::steady_clock::now();
    Call call{req, res, core_, {}, {}, std::nullopt, {}, {}, clientOf(core_.config, req), {}, {}};
    int status = 0;
    const bool hasBody = req.getMethod() == "POST" || req.getMethod() == "PUT" || req.getMethod() == "PATCH";
    try {
      dispatch(call);
      if (hasBody) drainBody(req, core_.config.maxJsonBytes);
      status = static_cast<int>(res.getStatus());
    } catch (const ApiError& e) {
      status = fail(req, res, e, hasBody);
    } catch (const ingest::InvalidDocument& e) {
      status = invalidDocument(res, e);
    } catch (const Error& e) {
      // The whole error, with where it happened, is for the log; the answer has the status and the message.
      ApiError api = toApiError(e);
      if (api.status() == HTTPResponse::HTTP_INTERNAL_SERVER_ERROR)
        core_.log.error("%s %s: %s", req.getMethod(), req.getURI(), std::string(e.what()));
      else
        core_.log.information("%s %s: %d %s", req.getMethod(), req.getURI(), static_cast<int>(api.status()),
                              std::string(e.what()));
      status = fail(req, res, api, hasBody);
    } catch (const Poco::Exception& e) {
      core_.log.error("%s: %s", req.getURI(), e.displayText());
      status = fail(req, res,
                    ApiError(HTTPResponse::HTTP_INTERNAL_SERVER_ERROR, "internal",
                             "внутренняя ошибка сервиса; подробности в журнале сервиса"),
                    true);
    } catch (const std::exception& e) {
      core_.log.error("%s: %s", req.getURI(), std::string(e.what()));
      status = fail(req, res,
                    ApiError(HTTPResponse::HTTP_INTERNAL_SERVER_ERROR, "internal",
                             "внутренняя ошибка сервиса; подробности в журнале сервиса"),
                    true);
    }
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    if (core_.accessLog.information())
      core_.accessLog.information("%s %s %s %d %dms %s", call.address, req.getMethod(), req.getURI(), status,
                                  static_cast<int>(ms.count()),
                                  call.user ? call.user->login : std::string("-"));
  }

 private:
  int fail(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& res, const ApiError& e,
           bool close) {
    if (res.sent()) return static_cast<int>(res.getStatus());  // too late to answer with an error
    if (close) drainBody(req, core_.config.maxJsonBytes);
    sendError(res, e, close);
    return static_cast<int>(e.status());
  }

  int invalidDocument(Poco::Net::HTTPServerResponse& res, const ingest::InvalidDocument& e) {
    if (res.sent()) return static_cast<int>(res.getStatus());
    Poco::JSON::Object::Ptr err = newObject();
    err->set("status", 422);
    err->set("code", "invalid_document");
    err->set("message", "документ отклонён: " + std::to_string(e.problems().size()) + " ошибок; первая: " +
                            (e.problems().empty() ? std::string(e.what()) : e.problems().front().toString()));
    Poco::JSON::Array::Ptr problems = new Poco::JSON::Array;
    for (const auto& p : e.problems()) {
      auto o = newObject();
      o->set("file", p.file);
      o->set("line", p.line);
      o->set("column", p.column);
      o->set("message", p.message);
      problems->add(o);
    }
    err->set("problems", problems);
    Poco::JSON::Object body;
    body.set("error", err);
    res.setKeepAlive(false);
    sendJson(res, body, HTTPResponse::HTTP_UNPROCESSABLE_ENTITY);
    return 422;
  }

  void dispatch(Call& call) {
    Poco::URI uri;
    try {
      uri = Poco::URI(call.req.getURI());
    } catch (const Poco::Exception& e) {
      throw ApiError(HTTPResponse::HTTP_BAD_REQUEST, "bad_uri", "некорректный адрес запроса: " + e.message());
    }
    const auto segs = splitPath(uri.getPath());
    const Route* route = nullptr;
    bool pathKnown = false;
    for (const auto& r : core_.routes) {
      std::map<std::string, std::string> params;
      if (!matches(r, segs, params)) continue;
      pathKnown = true;
      if (r.spec.method == call.req.getMethod()) {
        route = &r;
        call.params = std::move(params);
        break;
      }
    }
    if (!route) {
      if (pathKnown)
        throw ApiError(HTTPResponse::HTTP_METHOD_NOT_ALLOWED, "method_not_allowed",
                       "метод " + call.req.getMethod() + " не поддерживается для " + uri.getPath());
      throw ApiError(HTTPResponse::HTTP_NOT_FOUND, "no_such_endpoint",
                     "нет такого адреса API: " + uri.getPath());
    }
    call.query = queryParameters(call.req.getURI());
    // A decoded NUL would cut a name short where it reaches the file system (`x.tar%00.txt` named x.tar).
    auto refuseControls = [](const std::string& name, const std::string& value) {
      for (unsigned char ch : value)
        if (ch < 0x20 || ch == 0x7F)
          throw ApiError(HTTPResponse::HTTP_BAD_REQUEST, "bad_parameter",
                         "недопустимый управляющий символ в параметре «" + name + "»", name);
    };
    for (const auto& [name, value] : call.params) refuseControls(name, value);
    for (const auto& [name, value] : call.query) refuseControls(name, value);
    if (!route->spec.publicAccess) {
      std::string auth = call.req.get("Authorization", "");
      std::string token;
      if (auth.size() > 7 && Poco::icompare(auth.substr(0, 7), "Bearer ") == 0) token = auth.substr(7);
      call.user = core_.auth->authenticate(token, &call.tokenId, &call.tokenExpires);
      if (!route->spec.allows(call.user->role)) {
        core_.accessLog.notice("denied %s %s to %s (%s)", call.req.getMethod(), uri.getPath(),
                               call.user->login, std::string(store::toString(call.user->role)));
        throw ApiError(HTTPResponse::HTTP_FORBIDDEN, "forbidden",
                       "недостаточно прав: роль «" + std::string(store::russianTitle(call.user->role)) +
                           "» не может выполнять «" + route->spec.method + " " + route->spec.path + "»");
      }
      // ?school= is checked on every endpoint, not only on those whose handler reads the school: a school
      // user naming another school is refused (403 other_school) even where the answer is not the school's
      // (/me, backups, a job of the installation, an acknowledgement), and a regional user's school must
      // exist.
      if (!call.q("school").empty()) call.school();
    }
    route->handler(call);
  }

  ServiceCore& core_;
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit Factory(ServiceCore& core) : core_(core) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest& req) override {
    if (isWebPath(req.getURI())) return newWebHandler(core_);
    return new ApiHandler(core_);
  }

 private:
  ServiceCore& core_;
};

}  // namespace

// ---- the service
// ------------------------------------------------------------------------------------------------

Service::Service(ServiceConfig config, std::shared_ptr<model::Clock> clock)
    : core_(std::make_unique<ServiceCore>()) {
  config.validate();
  core_->config = std::move(config);
  core_->clock = std::move(clock);
  const auto& c = core_->config;
  std::filesystem::create_directories(c.workDir);
  makePrivateDirectory(c.workDir / "uploads");
  // An upload cut off by a kill leaves its temporary file behind; a restart removes it.
  if (int stale = removeStaleUploads(c.workDir / "uploads"))
    core_->log.notice("removed %d unfinished upload file(s) of a previous run", stale);
  core_->store = store::Store::open(c.db, core_->clock);
  core_->users = store::openUsers(*core_->store);
  core_->auditLog = store::openAudit(*core_->store);
  core_->jobs = store::openJobs(*core_->store);
  AuthSettings auth;
  auth.secret = loadOrCreateSecret(c.tokenSecretFile.empty() ? (c.workDir / "token.secret").string()
                                                             : c.tokenSecretFile);
  auth.tokenMinutes = c.tokenMinutes;
  auth.maxFailedLogins = c.maxFailedLogins;
  auth.lockMinutes = c.lockMinutes;
  auth.passwordIterations = c.passwordIterations;
  auth.maxAddressFailures = c.maxAddressFailures;
  core_->auth = std::make_unique<Authenticator>(auth, *core_->users, *core_->auditLog, core_->clock);
  // A school's journal is reloaded when its version changed (an ingest or pull by any instance); the age is
  // only a safety net for changes made past the ingest runs. At 60 s, an instance reading a region's 50
  // schools reloaded each of them every minute (region_bench, docs/performance.md "Region").
  core_->cache = std::make_unique<JournalCache>(*core_->store, core_->clock, 600);
  core_->scheduler = std::make_unique<Scheduler>(*core_);
  addCoreRoutes(*core_);
  addJournalRoutes(*core_);
  addArchiveRoutes(*core_);
  addPullRoutes(*core_);
  addFollowUpRoutes(*core_);
  addRegionRoutes(*core_);
}

Service::~Service() { stop(); }

namespace {

ListenerLimits listenerLimits(const ServiceConfig& c) {
  ListenerLimits l;
  l.maxThreads = c.maxThreads;
  l.maxQueued = c.maxQueued;
  l.ioTimeout = c.requestTimeout;
  l.headerTimeout = c.headerTimeout;
  l.bodyTimeout = c.bodyTimeout;
  l.perAddress = c.connectionsPerAddress;
  l.reserve = c.reserveThreads;
  return l;
}

}  // namespace

void Service::start() {
  ServiceCore& l = *core_;
  std::lock_guard<std::mutex> lock(l.listenerMutex);
  if (l.http || l.https) return;
  bindUsersToTheOnlySchool(l);
  const auto& c = core_->config;
  try {
    if (c.http.enabled)
      l.http = std::make_unique<Listener>(c.http.address, c.http.port, nullptr, new Factory(*core_),
                                          listenerLimits(c), core_->log);
    if (c.https.enabled) {
      model::callOncePerProcess("poco-openssl",
                                [] { Poco::Net::initializeSSL(); });  // see holdOpenSsl (auth.cpp)
      Poco::Net::Context::Ptr ctx;
      try {
        ctx = new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, c.privateKeyFile, c.certificateFile,
                                     "", Poco::Net::Context::VERIFY_NONE, 9, false,
                                     "HIGH:!aNULL:!MD5:!RC4:@STRENGTH");
        ctx->disableProtocols(Poco::Net::Context::PROTO_SSLV2 | Poco::Net::Context::PROTO_SSLV3 |
                              Poco::Net::Context::PROTO_TLSV1 | Poco::Net::Context::PROTO_TLSV1_1);
      } catch (const Poco::Exception& e) {
        core_->log.error("TLS certificate %s, key %s: %s", c.certificateFile, c.privateKeyFile,
                         e.displayText());
        throw Error(ErrorKind::Input, "https.certificate",
                    "не удалось загрузить сертификат или ключ HTTPS (https.certificate, https.privateKey); "
                    "подробности в журнале сервиса");
      }
      l.https = std::make_unique<Listener>(c.https.address, c.https.port, ctx, new Factory(*core_),
                                           listenerLimits(c), core_->log);
    }
  } catch (...) {
    l.http.reset();
    l.https.reset();
    throw;
  }
  if (l.http) l.http->start();
  if (l.https) l.https->start();
  core_->log.information("ejournal service started: http %d, https %d", l.http ? l.http->port() : 0,
                         l.https ? l.https->port() : 0);
  if (c.runScheduler) core_->scheduler->start();
}

void Service::stop() {
  if (!core_) return;
  stopWeb(*core_);
  core_->scheduler->stop();
  std::lock_guard<std::mutex> lock(core_->listenerMutex);
  if (!core_->http && !core_->https) return;
  if (core_->http) core_->http->stop();
  if (core_->https) core_->https->stop();
  core_->http.reset();
  core_->https.reset();
  core_->log.information("ejournal service stopped");
}

int Service::httpPort() const {
  std::lock_guard<std::mutex> lock(core_->listenerMutex);
  return core_->http ? core_->http->port() : 0;
}

int Service::httpsPort() const {
  std::lock_guard<std::mutex> lock(core_->listenerMutex);
  return core_->https ? core_->https->port() : 0;
}

const std::vector<EndpointSpec>& Service::endpoints() const { return core_->specs; }
const ServiceConfig& Service::config() const { return core_->config; }
store::Store& Service::store() { return *core_->store; }
store::UserRepository& Service::users() { return *core_->users; }
store::AuditLog& Service::audit() { return *core_->auditLog; }
store::JobLog& Service::jobs() { return *core_->jobs; }
Scheduler& Service::scheduler() { return *core_->scheduler; }

}  // namespace ejournal::app::service
