// Issue 15's service conventions over real loopback sockets: the HTTP reason phrase of every status the
// service answers, the OpenAPI 3 description at /api/v1/openapi.json checked against every route the service
// registers, and `ejournal serve --http-port N` winning over the configuration file's http.port.
#define BOOST_TEST_MODULE service_api
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <filesystem>
#include <set>
#include <string>
#include <thread>

#include "ejournal/model/files.h"
#include "service/service.h"
#include "service_env.h"

namespace fs = std::filesystem;
using namespace ejournal;
using namespace ejournal::servicetest;
using store::Role;

namespace {

// Sends `request` as is on a new connection and returns the whole answer (the server closes the connection).
std::string rawExchange(int port, const std::string& request) {
  Poco::Net::StreamSocket s(Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(port)));
  s.setReceiveTimeout(Poco::Timespan(5, 0));
  s.sendBytes(request.data(), static_cast<int>(request.size()));
  std::string answer;
  char buf[4096];
  for (int n; (n = s.receiveBytes(buf, sizeof buf)) > 0;) answer.append(buf, static_cast<size_t>(n));
  return answer;
}

std::string statusLine(int port, const std::string& method, const std::string& path,
                       const std::string& token = {}) {
  std::string req = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  if (!token.empty()) req += "Authorization: Bearer " + token + "\r\n";
  if (method == "POST")
    req += "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}";
  else
    req += "\r\n";
  const std::string answer = rawExchange(port, req);
  return answer.substr(0, answer.find("\r\n"));
}

}  // namespace

BOOST_AUTO_TEST_CASE(reason_phrases_match_the_status) {
  Env env("sqlite", "reasons");
  env.ingestTiny();
  const std::string deputy = env.token(Role::Deputy);
  const std::string auditor = env.token(Role::Auditor);
  BOOST_TEST(statusLine(env.port, "GET", "/healthz") == "HTTP/1.1 200 OK");
  BOOST_TEST(statusLine(env.port, "GET", "/api/v1/nosuch", deputy) == "HTTP/1.1 404 Not Found");
  BOOST_TEST(statusLine(env.port, "GET", "/api/v1/me") == "HTTP/1.1 401 Unauthorized");
  BOOST_TEST(statusLine(env.port, "GET", "/api/v1/users", auditor) == "HTTP/1.1 403 Forbidden");
  BOOST_TEST(statusLine(env.port, "GET", "/api/v1/findings?period=2025-Q9", deputy) ==
             "HTTP/1.1 400 Bad Request");
  BOOST_TEST(statusLine(env.port, "GET", "/api/v1/archives/nosuch.tar", deputy) == "HTTP/1.1 404 Not Found");
  // A request the listener refuses before routing (a malformed Content-Length).
  const std::string bad = rawExchange(env.port,
                                      "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: "
                                      "abc\r\nConnection: close\r\n\r\n");
  BOOST_TEST(bad.rfind("HTTP/1.1 400 Bad Request\r\n", 0) == 0u, bad.substr(0, 80));
  // The web pages: a redirect to the login page.
  const std::string page = statusLine(env.port, "GET", "/");
  BOOST_TEST((page == "HTTP/1.1 303 See Other" || page == "HTTP/1.1 200 OK"), page);
  // Every status line names the reason of its own code, never "OK" for an error.
  for (const auto& [path, token] : std::vector<std::pair<std::string, std::string>>{
           {"/api/v1/nosuch", deputy}, {"/api/v1/me", ""}, {"/api/v1/users", auditor}}) {
    const std::string line = statusLine(env.port, "GET", path, token);
    BOOST_TEST(line.find(" OK") == std::string::npos, line);
  }
}

BOOST_AUTO_TEST_CASE(openapi_describes_every_registered_route) {
  Env env("sqlite", "openapi");
  Resp r = call(env.port, "GET", "/api/v1/openapi.json");  // public: no token
  BOOST_REQUIRE_EQUAL(r.status, 200);
  BOOST_TEST(r.contentType.find("application/json") == 0u);
  auto doc = r.json();
  BOOST_TEST(doc->getValue<std::string>("openapi") == "3.0.3");
  BOOST_TEST(doc->getObject("info")->getValue<std::string>("version") == EJOURNAL_TEST_VERSION);
  BOOST_TEST(doc->getObject("components")
                 ->getObject("securitySchemes")
                 ->getObject("bearer")
                 ->getValue<std::string>("scheme") == "bearer");
  auto paths = doc->getObject("paths");
  const auto& endpoints = env.service->endpoints();
  BOOST_REQUIRE_GE(endpoints.size(), 20u);
  size_t operations = 0;
  for (const auto& name : paths->getNames()) operations += paths->getObject(name)->size();
  BOOST_TEST(operations == endpoints.size());  // nothing more, nothing less
  std::set<std::string> operationIds;
  for (const auto& e : endpoints) {
    BOOST_TEST_CONTEXT(e.method << " " << e.path) {
      BOOST_REQUIRE(paths->has(e.path));
      std::string method = e.method;
      for (auto& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      BOOST_REQUIRE(paths->getObject(e.path)->has(method));
      auto op = paths->getObject(e.path)->getObject(method);
      BOOST_TEST(op->getValue<std::string>("summary") == e.summary);
      BOOST_TEST(operationIds.insert(op->getValue<std::string>("operationId")).second);
      // Roles as the route table has them.
      std::set<std::string> roles, expected;
      auto roleArray = op->getArray("x-roles");
      for (size_t i = 0; i < roleArray->size(); ++i)
        roles.insert(roleArray->getElement<std::string>(static_cast<unsigned>(i)));
      for (auto role : e.roles) expected.insert(std::string(store::toString(role)));
      BOOST_TEST((roles == expected));
      // A token unless public; 401 and 403 answers only then.
      BOOST_TEST(op->getArray("security")->size() == (e.publicAccess ? 0u : 1u));
      auto answers = op->getObject("responses");
      BOOST_TEST(answers->has("2XX"));
      BOOST_TEST(answers->has("401") == !e.publicAccess);
      BOOST_TEST(answers->has("500"));
      // Every {parameter} of the path is declared as a required path parameter; every ?name= of the summary
      // as a query parameter.
      std::set<std::string> pathParams, queryParams;
      auto params = op->getArray("parameters");
      for (size_t i = 0; i < params->size(); ++i) {
        auto p = params->getObject(static_cast<unsigned>(i));
        if (p->getValue<std::string>("in") == "path") {
          BOOST_TEST(p->getValue<bool>("required"));
          pathParams.insert(p->getValue<std::string>("name"));
        } else {
          BOOST_TEST(p->getValue<std::string>("in") == "query");
          queryParams.insert(p->getValue<std::string>("name"));
        }
      }
      std::set<std::string> inPath;
      for (size_t open = e.path.find('{'); open != std::string::npos; open = e.path.find('{', open + 1))
        inPath.insert(e.path.substr(open + 1, e.path.find('}', open) - open - 1));
      BOOST_TEST((pathParams == inPath));
      for (const auto& q : queryParams) BOOST_TEST(e.summary.find(q + "=") != std::string::npos, q);
      BOOST_TEST(answers->has("404") == !inPath.empty());
    }
  }
  // Spot checks of what the generator reads from the summaries.
  auto findings = paths->getObject("/api/v1/findings")->getObject("get")->getArray("parameters");
  std::set<std::string> names;
  for (size_t i = 0; i < findings->size(); ++i)
    names.insert(findings->getObject(static_cast<unsigned>(i))->getValue<std::string>("name"));
  BOOST_TEST((names == std::set<std::string>{"period", "from", "to", "class", "subject", "format", "sep"}));
  BOOST_TEST(paths->has("/api/v1/openapi.json"));
  BOOST_TEST(paths->getObject("/healthz")->getObject("get")->getArray("security")->size() == 0u);
}

BOOST_AUTO_TEST_CASE(serve_http_port_overrides_the_configuration_file) {
  Env env("sqlite", "serveport");  // only for a free port and a directory
  // Two free ports: bind and release.
  auto freePort = [] {
    Poco::Net::ServerSocket s(Poco::Net::SocketAddress("127.0.0.1", 0));
    return static_cast<int>(s.address().port());
  };
  const int filePort = freePort(), cliPort = freePort();
  const fs::path cfg = env.dir / "serve.properties";
  model::writeFileAtomic(
      cfg, "db = " + (env.dir / "serve.db").string() + "\nhttp.port = " + std::to_string(filePort) +
               "\nwork.dir = " + (env.dir / "serve-var").string() + "\nlog.console = false\n");
  const std::string exe = std::string(EJOURNAL_BINARY_DIR) + "/app/ejournal";
  const std::string port = std::to_string(cliPort);
  const pid_t pid = fork();
  BOOST_REQUIRE(pid >= 0);
  if (pid == 0) {
    execl(exe.c_str(), exe.c_str(), "serve", "--config", cfg.c_str(), "--http-port", port.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  std::string line;
  for (int i = 0; i < 100 && line.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    try {
      line = statusLine(cliPort, "GET", "/healthz");
    } catch (const Poco::Exception&) {
    }
  }
  bool fileListens = true;
  try {
    statusLine(filePort, "GET", "/healthz");
  } catch (const Poco::Exception&) {
    fileListens = false;
  }
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  BOOST_TEST(line == "HTTP/1.1 200 OK");
  BOOST_TEST(!fileListens);
  BOOST_TEST((WIFEXITED(status) && WEXITSTATUS(status) == 0));
}
