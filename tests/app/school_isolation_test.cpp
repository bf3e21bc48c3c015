// Issue 16: two schools in one store (SQLite and, with EJOURNAL_PG, PostgreSQL), served by one service. The
// full matrix: every endpoint, every school role of school A, against school B — B named by ?school=, B's ids
// (its check, its archive, its user), and A's own answers scanned for anything of B. The regional inspector
// reads both schools and changes nothing; the regional administrator manages B's users and reads no journal.
#define BOOST_TEST_MODULE school_isolation
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <filesystem>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "ejournal/model/files.h"
#include "service/service.h"
#include "service_env.h"

using namespace ejournal;
using namespace ejournal::servicetest;
using store::Role;
namespace fs = std::filesystem;

namespace {

const Role kSchoolRoles[] = {Role::Admin,        Role::Deputy,  Role::Secretary,
                             Role::ClassTeacher, Role::Teacher, Role::Auditor};
const std::string kB = "school-b";
const std::string kBPassword = "Школа Б, пароль 2025";

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// What only school B's data carries: its id (as a JSON value), its name, its people's surname. (The login
// of its administrator, which A's administrator asks for, contains the id.)
bool showsB(const std::string& body) {
  return contains(body, "\"" + kB + "\"") || contains(body, "Школа Б") || contains(body, "Другов");
}

struct Keys {
  fs::path dir = fs::temp_directory_path() / ("ejournal-isolation-keys-" + std::to_string(getpid()));
  Keys() {
    fs::create_directories(dir);
    const std::string cmd =
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 "
        "-utf8 -subj '/CN=Директор' -keyout '" +
        (dir / "k.pem").string() + "' -out '" + (dir / "c.pem").string() + "' >/dev/null 2>&1";
    if (std::system(cmd.c_str()) != 0) throw std::runtime_error("openssl req failed");
  }
  ~Keys() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

std::string login(Env& env, const std::string& user, const std::string& password) {
  Resp r =
      call(env.port, "POST", "/api/v1/auth/login", {}, jsonBody({{"login", user}, {"password", password}}));
  BOOST_REQUIRE_MESSAGE(r.status == 200, r.body);
  return r.json()->getValue<std::string>("token");
}

// The endpoint's path with B's ids; a query joined with `extra`.
std::string pathFor(const app::service::EndpointSpec& e, const std::map<std::string, std::string>& ids,
                    const std::string& extra) {
  std::string p = e.path;
  for (const auto& [param, value] : ids) {
    auto at = p.find("{" + param + "}");
    if (at != std::string::npos) p.replace(at, param.size() + 2, value);
  }
  std::string query = extra;
  if (e.path == "/api/v1/findings" || e.path.rfind("/api/v1/printouts", 0) == 0 ||
      e.path == "/api/v1/reports/{kind}" || e.path == "/api/v1/checks")
    query += std::string(query.empty() ? "" : "&") + "period=2025-Q1";
  if (e.path.rfind("/api/v1/printouts", 0) == 0) query += "&class=5a";
  if (e.path == "/api/v1/archives/{id}/member") query += "&name=journals/5a.pdf";
  return query.empty() ? p : p + "?" + query;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_schools_users_never_reach_another_schools_data) {
  const Keys keys;
  for (const auto& backend : backends()) {
    BOOST_TEST_CONTEXT(backend) {
      Env env(
          backend, "isolation",
          {{"archive.key", (keys.dir / "k.pem").string()}, {"archive.cert", (keys.dir / "c.pem").string()}});
      env.clock->set(*model::DateTime::parse("2025-10-27T10:00:00"));  // the first quarter is over
      env.ingestTiny();                                                // school A: stupeni, Env's users
      std::map<Role, std::string> a;
      for (Role r : store::kAllRoles) a[r] = env.token(r);

      // School B: its administrator (made by the region's), its journal, a recorded check, a sealed archive.
      const std::string bAdmin = env.addSchool(kB, Env::tinyAs(kB, "Школа Б города", "Школа Б", "Другов"));
      Resp bCheck = call(env.port, "POST", "/api/v1/checks?period=2025-Q1", bAdmin, "{}");
      BOOST_REQUIRE_MESSAGE(bCheck.status == 201, bCheck.body);
      const std::string checkId = std::to_string(bCheck.json()->getValue<int64_t>("id"));
      Resp bSeal = call(env.port, "POST", "/api/v1/archives", bAdmin, jsonBody({{"period", "2025-Q1"}}));
      BOOST_REQUIRE_MESSAGE(bSeal.status == 201, bSeal.body);
      const std::string archiveId = bSeal.json()->getValue<std::string>("id");
      BOOST_REQUIRE(fs::exists(env.dir / "archive" / kB / archiveId));
      BOOST_REQUIRE_EQUAL(env.service->store().schools().size(), 2u);

      const std::map<std::string, std::string> bIds = {{"login", kB + "-admin"}, {"name", "control-report"},
                                                       {"id", archiveId},        {"kind", "control"},
                                                       {"student", "s01"},       {"class", "5a"}};
      std::map<std::string, std::string> checkIds = bIds;
      checkIds["id"] = checkId;
      size_t cells = 0;
      for (const auto& e : env.service->endpoints()) {
        if (e.publicAccess) continue;
        const auto& ids = e.path.rfind("/api/v1/checks/", 0) == 0 ? checkIds : bIds;
        const std::string body = e.method == "GET" ? "" : "{}";
        for (Role r : kSchoolRoles) {
          const std::string who = e.method + " " + e.path + " as " + std::string(store::toString(r));
          std::string token = e.path == "/api/v1/auth/logout" ? env.token(r) : a[r];
          // (1) Naming school B is refused, by every endpoint.
          Resp named = call(env.port, e.method, pathFor(e, ids, "school=" + kB), token, body);
          BOOST_TEST(named.status == 403, who << " ?school=B -> " << named.status << " " << named.body);
          BOOST_TEST(!showsB(named.body), who);
          // (2) B's ids without naming B: A's own data or not found, never B's.
          if (e.path == "/api/v1/auth/logout") token = env.token(r);
          Resp own = call(env.port, e.method, pathFor(e, ids, ""), token, body);
          BOOST_TEST(own.status < 500, who << " -> " << own.status << " " << own.body);
          BOOST_TEST(!showsB(own.body), who << " shows school B: " << own.body.substr(0, 300));
          ++cells;
        }
      }
      BOOST_TEST(cells >= 6 * 30u);

      // B's ids in particular: not found for A's users.
      BOOST_TEST(call(env.port, "GET", "/api/v1/archives/" + archiveId, a[Role::Auditor]).status == 404);
      BOOST_TEST(
          call(env.port, "GET", "/api/v1/archives/" + archiveId + "/download", a[Role::Secretary]).status ==
          404);
      BOOST_TEST(call(env.port, "POST", "/api/v1/checks/" + checkId + "/acknowledge", a[Role::Teacher], "{}")
                     .status == 404);
      BOOST_TEST(
          call(env.port, "PATCH", "/api/v1/users/" + kB + "-admin", a[Role::Admin], R"({"disabled": true})")
              .status == 404);
      // B's data is untouched by all of the above: its administrator still logs in, its check has no
      // acknowledgement, its archive verifies.
      const std::string bAgain = login(env, kB + "-admin", kPassword);
      Resp checks = call(env.port, "GET", "/api/v1/checks", bAgain);
      BOOST_REQUIRE(checks.status == 200);
      BOOST_TEST(!contains(checks.body, "\"login\":\"teacher\""), checks.body);
      Resp verified = call(env.port, "GET", "/api/v1/archives/" + archiveId + "/verify", bAgain);
      BOOST_TEST(verified.json()->getValue<bool>("ok"), verified.body);

      // The regional inspector reads B by ?school= and changes nothing anywhere.
      const std::string inspector = a[Role::RegionalInspector];
      Resp bFindings =
          call(env.port, "GET", "/api/v1/reports/control?period=2025-Q1&format=json&school=" + kB, inspector);
      BOOST_TEST(bFindings.status == 200, bFindings.body);
      BOOST_TEST(showsB(bFindings.body));
      Resp aFindings = call(env.port, "GET",
                            "/api/v1/reports/control?period=2025-Q1&format=json&school=stupeni", inspector);
      BOOST_TEST(aFindings.status == 200, aFindings.body);
      BOOST_TEST(!showsB(aFindings.body));
      Resp unnamed = call(env.port, "GET", "/api/v1/classes", inspector);
      BOOST_TEST(unnamed.status == 400);
      BOOST_TEST(contains(unnamed.errorMessage(), kB), unnamed.body);
      BOOST_TEST(call(env.port, "GET", "/api/v1/archives?school=" + kB, inspector).status == 200);
      for (const auto& e : env.service->endpoints()) {
        if (e.publicAccess || e.method == "GET" || e.path == "/api/v1/auth/logout" ||
            e.path == "/api/v1/me/password")
          continue;
        Resp w = call(env.port, e.method, pathFor(e, checkIds, "school=" + kB), inspector, "{}");
        BOOST_TEST(w.status == 403, e.method << " " << e.path << " as region_inspector -> " << w.status);
      }

      // The regional administrator: B's users by ?school=, a user for B, no journal data.
      const std::string region = a[Role::RegionalAdmin];
      Resp bUsers = call(env.port, "GET", "/api/v1/users?school=" + kB, region);
      BOOST_REQUIRE(bUsers.status == 200);
      BOOST_TEST(bUsers.json()->getArray("users")->size() == 1u, bUsers.body);
      Resp deputy = call(env.port, "POST", "/api/v1/users", region,
                         jsonBody({{"login", "b-deputy"},
                                   {"fullName", "Другов Завуч"},
                                   {"role", "deputy"},
                                   {"school", kB},
                                   {"password", kBPassword}}));
      BOOST_TEST(deputy.status == 201, deputy.body);
      BOOST_TEST(call(env.port, "GET", "/api/v1/findings?period=2025-Q1&school=" + kB, region).status == 403);
      // B's new deputy reads B, not A.
      const std::string bDeputy = login(env, "b-deputy", kBPassword);
      Resp bClasses = call(env.port, "GET", "/api/v1/stats", bDeputy);
      BOOST_TEST(bClasses.status == 200);
      BOOST_TEST(call(env.port, "GET", "/api/v1/stats?school=stupeni", bDeputy).status == 403);
    }
  }
}
