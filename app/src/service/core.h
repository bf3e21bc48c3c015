// The service's internals shared by its route files: the routing table, the per-request Call, the cached
// journal snapshot and what a user may see of it. Private to app/src/service.
#pragma once

#include <Poco/Logger.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "ejournal/model/index.h"
#include "ejournal/model/journal.h"
#include "ejournal/rules/rules.h"
#include "ejournal/store/audit.h"
#include "ejournal/store/jobs.h"
#include "ejournal/store/store.h"
#include "ejournal/store/users.h"
#include "service/auth.h"
#include "service/config.h"
#include "service/http.h"
#include "service/listener.h"
#include "service/service.h"

namespace ejournal::app::service {

class Scheduler;

// One loaded journal and its index; immutable once built and shared by readers (a reload makes a new one, so
// a reader never sees a half-updated journal).
struct Snapshot {
  explicit Snapshot(model::Journal j) : journal(std::move(j)), index(journal) {}
  Snapshot(const Snapshot&) = delete;
  Snapshot& operator=(const Snapshot&) = delete;
  const model::Journal journal;
  const model::JournalIndex index;

  // rules::run over `scope` with `config`, run once per scope and kept with this snapshot (see memo): the
  // findings and the control report of a period asked again, by any user, do not run the rules again.
  std::shared_ptr<const rules::CheckResult> check(const rules::Scope& scope,
                                                  const rules::Config& config) const;

  // The class statistics of the store for this school (`filter`'s class, or all), counted once per snapshot
  // (see memo). Counted after the snapshot was loaded, so never older than the journal it shows.
  std::shared_ptr<const std::vector<store::ClassStats>> stats(store::Store& store,
                                                              const store::LoadFilter& filter) const;

  // What is derived from this journal, computed once and kept with the snapshot under `key` (the latest
  // kKept values of any kind, the most recently used kept longest). A reload makes a new snapshot with
  // nothing kept, so a kept value is never older than the journal it was derived from. Thread-safe; two
  // first requests of one key may both compute it (either result is the same).
  template <class T, class Compute>
  std::shared_ptr<const T> memo(const std::string& key, Compute&& compute) const {
    if (auto kept = find(key)) return std::static_pointer_cast<const T>(kept);
    return std::static_pointer_cast<const T>(keep(key, std::make_shared<const T>(compute())));
  }

 private:
  std::shared_ptr<const void> find(const std::string& key) const;
  // Keeps `value` under `key` and returns it, or returns the value another request kept under `key`
  // meanwhile.
  std::shared_ptr<const void> keep(const std::string& key, std::shared_ptr<const void> value) const;
  static constexpr size_t kKept = 32;
  mutable std::mutex keptMutex_;
  mutable std::vector<std::pair<std::string, std::shared_ptr<const void>>> kept_;  // newest last
};

// Each stored school's journal, loaded once and reloaded after a local ingest or pull, when the store's
// version changed (another service instance ingested or pulled), or when older than `maxAge`. Thread-safe;
// one load at a time per school.
class JournalCache {
 public:
  JournalCache(store::Store& store, std::shared_ptr<model::Clock> clock, int maxAgeSeconds)
      : store_(store), clock_(std::move(clock)), maxAge_(maxAgeSeconds) {}
  // The school's journal. Throws ApiError 404 when the store holds no journal yet (schoolId empty) or none of
  // that school.
  std::shared_ptr<const Snapshot> get(const std::string& schoolId);
  void invalidate();                             // every school's
  void invalidate(const std::string& schoolId);  // one school's: after its ingest or pull

 private:
  struct Entry {
    std::mutex loadMutex;  // one load of this school at a time
    std::shared_ptr<const Snapshot> current;
    int64_t loadedAt = 0;
    std::string version;  // store::Store::version() when current was loaded
    uint64_t generation = 0;
  };
  store::Store& store_;
  std::shared_ptr<model::Clock> clock_;
  int maxAge_;
  std::mutex mutex_;  // guards entries_ and each entry's current, loadedAt, generation
  std::map<std::string, std::unique_ptr<Entry>> entries_;
};

// What a user may see of the journal: everything (administration), their classes (class teacher), their
// (class, subject) pairs (teacher), nothing (auditor).
struct Visibility {
  bool all = false;
  std::set<std::string> classes;                                // whole classes
  std::set<std::pair<std::string, std::string>> classSubjects;  // (class id, subject id)
  std::string teacherId;  // for a teacher: findings and reports are restricted to this teacher
  bool seesClass(const std::string& classId) const;  // the whole class
  bool seesAnyOf(const std::string& classId) const;  // the whole class or a subject in it
  bool sees(const std::string& classId, const std::string& subjectId) const;
};
Visibility visibilityOf(const store::User& user, const model::JournalIndex& index);

// The class a request's ?class= names, by id ("5a") or by name ("5А"), the same for every endpoint. Throws
// ApiError 404 when the journal has no such class.
const model::SchoolClass& classNamed(const model::JournalIndex& index, const std::string& ref);

// The address a request counts as coming from (log-in limits, audit, access log): its peer's, or behind a
// proxy of server.trustedProxies the client's from X-Forwarded-For (clientAddress in config.h).
std::string clientOf(const ServiceConfig& config, const Poco::Net::HTTPServerRequest& req);

// The school a request of `user` works on when it asks for `asked` (?school=; may be empty): see
// Call::school().
std::string schoolFor(ServiceCore& core, const store::User& user, const std::string& asked);

// A school's archive directory: <archive.dir>/<school id> (the installation's root for no school yet).
// After an ingest or pull of `schoolId` committed here ("": of a school not known before, e.g. the first
// upload): that school's journal (every school's for "") is reloaded, and in a store of one school the
// accounts without a school (made before it held any) are bound to it, so a second school later leaves them
// theirs.
void journalChanged(ServiceCore& core, const std::string& schoolId);
void bindUsersToTheOnlySchool(ServiceCore& core);
std::filesystem::path archiveDirOf(const ServiceCore& core, const std::string& school);

struct Call {
  Poco::Net::HTTPServerRequest& req;
  Poco::Net::HTTPServerResponse& res;
  ServiceCore& core;
  std::map<std::string, std::string> params;  // from the path pattern
  std::map<std::string, std::string> query;
  std::optional<store::User> user;
  std::string tokenId;
  model::DateTime tokenExpires;
  std::string address;
  std::string auditNote;  // what the request log line adds

  const std::string& param(const std::string& name) const { return params.at(name); }
  std::string q(const std::string& name, const std::string& fallback = {}) const {
    auto it = query.find(name);
    return it == query.end() ? fallback : it->second;
  }
  const store::User& who() const { return *user; }
  // The school this request works on, resolved once: a school user's own school (or the store's only school
  // for a user of an installation made before it kept several); for a regional user ?school=, or the store's
  // only school. ?school= naming another school than a school user's own is refused (403), as is a school
  // user without a school once the store holds several; a regional user must name one of several (400), and
  // one that is stored (404). Empty only while the store holds no school at all.
  const std::string& school();
  // The school's journal (JournalCache::get of school()).
  std::shared_ptr<const Snapshot> journal();
  std::optional<std::string> resolvedSchool;
  // Appends an audit record with this call's user and address.
  void audit(const std::string& action, const std::string& object, const std::string& outcome,
             const std::string& details = {});
};

using Handler = std::function<void(Call&)>;

struct Route {
  EndpointSpec spec;
  std::vector<std::string> segments;  // "{name}" for a parameter
  Handler handler;
};

struct ServiceCore {
  ServiceConfig config;
  std::shared_ptr<model::Clock> clock;
  std::unique_ptr<store::Store> store;
  std::unique_ptr<store::UserRepository> users;
  std::unique_ptr<store::AuditLog> auditLog;
  std::unique_ptr<store::JobLog> jobs;
  std::unique_ptr<Authenticator> auth;
  std::unique_ptr<JournalCache> cache;
  std::unique_ptr<Scheduler> scheduler;
  std::vector<Route> routes;
  std::vector<EndpointSpec> specs;
  std::mutex listenerMutex;  // guards the listeners and ports
  std::unique_ptr<Listener> http;
  std::unique_ptr<Listener> https;
  Poco::Logger& log = Poco::Logger::get("ejournal.service");
  Poco::Logger& accessLog = Poco::Logger::get("ejournal.http");

  void add(const std::string& method, const std::string& path, std::vector<store::Role> roles,
           const std::string& summary, Handler handler, bool publicAccess = false);
};

// Route files: each registers its endpoints.
void addCoreRoutes(ServiceCore& core);     // health, auth, me, users, audit, jobs, ingest, classes, stats
void addJournalRoutes(ServiceCore& core);  // findings, reports, printouts, extracts
void addArchiveRoutes(ServiceCore& core);  // archives, backups
void addPullRoutes(ServiceCore& core);     // pull
void addFollowUpRoutes(
    ServiceCore& core);                   // recorded checks, teachers' remarks, acknowledgements; notify jobs
void addRegionRoutes(ServiceCore& core);  // the regional comparison report (routes_region.cpp)

// The school's rule settings the routes check with (rules::Config::schoolDefaults(), read once;
// routes_journal.cpp).
const rules::Config& rulesConfig();

// Records a check of `scope` (findings of `result`), queues each teacher's remarks and delivers the outbox
// when smtp.host is set; audited as "check.record". Returns a Russian summary (routes_followup.cpp).
std::string recordAndNotify(ServiceCore& core, const Snapshot& snap, const rules::Scope& scope,
                            const rules::CheckResult& result, const std::string& actor);

// Role lists used by the route files (docs/api.md "Roles").
using store::Role;
inline const std::vector<Role> kEveryone = {
    Role::Admin,   Role::Deputy,  Role::Secretary,         Role::ClassTeacher,
    Role::Teacher, Role::Auditor, Role::RegionalInspector, Role::RegionalAdmin};

// The OpenAPI 3.0 description of the endpoints (routes_core.cpp).
Poco::JSON::Object::Ptr openApiDocument(const std::vector<EndpointSpec>& endpoints);

// JSON helpers.
Poco::JSON::Object::Ptr newObject();
Poco::JSON::Object::Ptr userJson(const store::User& u);

}  // namespace ejournal::app::service
