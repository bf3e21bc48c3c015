// The shared service test fixture (service_env.h).
#include "service_env.h"

#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/Session.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/Util/PropertyFileConfiguration.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <mutex>
#include <regex>
#include <sstream>

#include "ejournal/model/files.h"
#include "service/config.h"
#include "service/password.h"

namespace fs = std::filesystem;

namespace ejournal::servicetest {

using store::Role;

const std::string kPassword = "correct-horse-42";

Poco::JSON::Object::Ptr Resp::json() const {
  Poco::JSON::Parser p;
  return p.parse(body).extract<Poco::JSON::Object::Ptr>();
}

std::string Resp::errorMessage() const {
  return json()->getObject("error")->getValue<std::string>("message");
}

std::string Resp::header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

namespace {

// The answer to the request just sent on `s`: status, type, headers and the whole body.
Resp receive(Poco::Net::HTTPClientSession& s) {
  Poco::Net::HTTPResponse res;
  std::istream& in = s.receiveResponse(res);
  Resp r;
  r.status = static_cast<int>(res.getStatus());
  r.contentType = res.getContentType();
  for (const auto& [k, v] : res) r.headers[k] = v;
  Poco::StreamCopier::copyToString(in, r.body);
  return r;
}

}  // namespace

Resp call(int port, const std::string& method, const std::string& path, const std::string& token,
          const std::string& body, const std::string& contentType, bool chunked, size_t declaredLength) {
  Poco::Net::HTTPClientSession s("127.0.0.1", static_cast<Poco::UInt16>(port));
  s.setTimeout(Poco::Timespan(300, 0));
  Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
  if (!token.empty()) req.set("Authorization", "Bearer " + token);
  if (!body.empty() || method == "POST" || method == "PATCH") {
    req.setContentType(contentType);
    if (chunked)
      req.setChunkedTransferEncoding(true);
    else
      req.setContentLength64(declaredLength ? declaredLength : body.size());
  }
  try {
    std::ostream& out = s.sendRequest(req);
    out.write(body.data(), static_cast<std::streamsize>(body.size()));
  } catch (const Poco::Exception&) {
    // The server may answer (413) and close before the whole body is sent; read the answer below.
  }
  return receive(s);
}

Resp page(int port, const std::string& path, const std::string& cookies) {
  Poco::Net::HTTPClientSession s("127.0.0.1", static_cast<Poco::UInt16>(port));
  s.setTimeout(Poco::Timespan(300, 0));
  Poco::Net::HTTPRequest req("GET", path, Poco::Net::HTTPMessage::HTTP_1_1);
  if (!cookies.empty()) req.set("Cookie", cookies);
  s.sendRequest(req);
  return receive(s);
}

std::string jsonBody(std::initializer_list<std::pair<std::string, std::string>> fields) {
  Poco::JSON::Object o;
  for (auto& [k, v] : fields) o.set(k, v);
  std::ostringstream out;
  o.stringify(out);
  return out.str();
}

std::vector<std::string> backends() {
  std::vector<std::string> b = {"sqlite"};
  if (const char* pg = std::getenv("EJOURNAL_PG"); pg && *pg) b.push_back("postgresql");
  return b;
}

std::string freshPostgres(const std::string& name) {
  static std::once_flag once;
  std::call_once(once, [] { Poco::Data::PostgreSQL::Connector::registerConnector(); });
  std::string conn = std::getenv("EJOURNAL_PG");
  {
    Poco::Data::Session admin("PostgreSQL", conn);
    admin << "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)", Poco::Data::Keywords::now;
    admin << "CREATE DATABASE " + name, Poco::Data::Keywords::now;
  }
  return "postgresql:" + std::regex_replace(conn, std::regex("dbname=[^ ]+"), "dbname=" + name);
}

Env::Env(const std::string& backend, const std::string& name, std::map<std::string, std::string> extra)
    : logins{{Role::Admin, "admin"},
             {Role::Deputy, "deputy"},
             {Role::Secretary, "secretary"},
             {Role::ClassTeacher, "classteacher"},
             {Role::Teacher, "teacher"},
             {Role::Auditor, "auditor"},
             {Role::RegionalInspector, "inspector"},
             {Role::RegionalAdmin, "regionadmin"}} {
  dir = fs::temp_directory_path() /
        ("ejournal-service-test-" + name + "-" + backend + "-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  clock = std::make_shared<model::FixedClock>(*model::DateTime::parse("2025-10-20T10:00:00"));
  Poco::AutoPtr<Poco::Util::PropertyFileConfiguration> cfg(new Poco::Util::PropertyFileConfiguration);
  std::string conn = backend == "sqlite" ? (dir / "ejournal.db").string() : freshPostgres("svc_" + name);
  cfg->setString("db", conn);
  cfg->setString("http.port", "0");
  cfg->setString("work.dir", (dir / "var").string());
  cfg->setString("auth.passwordIterations", "2000");
  cfg->setString("auth.maxFailedLogins", "3");
  cfg->setString("auth.lockMinutes", "10");
  cfg->setString("auth.tokenMinutes", "15");
  cfg->setString("limits.json", "4K");
  cfg->setString("limits.upload", "256K");
  cfg->setString("archive.dir", (dir / "archive").string());
  cfg->setString("backup.dir", (dir / "backup").string());
  for (auto& [k, v] : extra) cfg->setString(k, v);
  app::service::ServiceConfig sc = app::service::ServiceConfig::fromConfiguration(*cfg);
  sc.runScheduler = false;  // jobs run through Scheduler::tick() with the injected clock
  service = std::make_unique<app::service::Service>(sc, clock);
  addUsers();
  service->start();
  port = service->httpPort();
}

Env::~Env() {
  service.reset();
  std::error_code ec;
  fs::remove_all(dir, ec);
}

void Env::addUsers() {
  for (auto& [role, login] : logins) {
    store::User u;
    u.login = login;
    u.fullName = "Пользователь " + login;
    u.role = role;
    u.staffId = role == Role::ClassTeacher ? "t3" : role == Role::Teacher ? "t6" : "";
    u.passwordHash = app::service::hashPassword(kPassword, 2000);
    service->users().add(u);
  }
}

std::string Env::token(Role r) {
  Resp res =
      call(port, "POST", "/api/v1/auth/login", {}, jsonBody({{"login", logins[r]}, {"password", kPassword}}));
  BOOST_REQUIRE_MESSAGE(res.status == 200, res.body);
  return res.json()->getValue<std::string>("token");
}

Resp Env::ingestFile(const std::string& token, const fs::path& file, const std::string& name) {
  return call(port, "POST", "/api/v1/ingest?name=" + name, token, model::readFile(file), "application/xml");
}

void Env::ingestTiny() {
  Resp r = ingestFile(token(Role::Admin), fs::path(EJOURNAL_SOURCE_DIR) / "samples/tiny.xml");
  BOOST_REQUIRE_MESSAGE(r.status == 200, r.body);
}

std::string Env::addSchool(const std::string& id, const std::string& xml) {
  const std::string admin = id + "-admin";
  Resp made = call(port, "POST", "/api/v1/users", token(Role::RegionalAdmin),
                   jsonBody({{"login", admin},
                             {"fullName", "Администратор школы " + id},
                             {"role", "admin"},
                             {"school", id},
                             {"password", kPassword}}));
  BOOST_REQUIRE_MESSAGE(made.status == 201, made.body);
  Resp login =
      call(port, "POST", "/api/v1/auth/login", {}, jsonBody({{"login", admin}, {"password", kPassword}}));
  BOOST_REQUIRE_MESSAGE(login.status == 200, login.body);
  const std::string t = login.json()->getValue<std::string>("token");
  Resp up = call(port, "POST", "/api/v1/ingest?name=" + id + ".xml", t, xml, "application/xml");
  BOOST_REQUIRE_MESSAGE(up.status == 200, up.body);
  return t;
}

std::string Env::tinyAs(const std::string& id, const std::string& fullName, const std::string& shortName,
                        const std::string& surname) {
  std::string xml = model::readFile(fs::path(EJOURNAL_SOURCE_DIR) / "samples/tiny.xml");
  xml = std::regex_replace(
      xml, std::regex("<school id=\"stupeni\" fullName=\"[^\"]*\" shortName=\"[^\"]*\""),
      "<school id=\"" + id + "\" fullName=\"" + fullName + "\" shortName=\"" + shortName + "\"");
  if (!surname.empty())
    xml = std::regex_replace(xml, std::regex("lastName=\"[^\"]*\""), "lastName=\"" + surname + "\"");
  BOOST_REQUIRE(xml.find("<school id=\"" + id + "\"") != std::string::npos);
  return xml;
}

}  // namespace ejournal::servicetest
