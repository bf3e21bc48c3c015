// service_bench: loads the ejournal service over loopback with wrk (Debian package) on the report, statistics
// and download endpoints, and prints requests per second and latency percentiles, with SQLite and, when
// EJOURNAL_PG is set (source scripts/pg.sh; ejournal_pg_start), with PostgreSQL.
//
//   build/bench/service_bench [--classes N] [--seconds S] [--connections C]
#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/Session.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/Util/PropertyFileConfiguration.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <regex>
#include <sstream>

#include "ejournal/ingest/ingest.h"
#include "ejournal/samples/generator.h"
#include "service/password.h"
#include "service/service.h"

namespace fs = std::filesystem;
using namespace ejournal;

namespace {

std::string post(int port, const std::string& path, const std::string& token, const std::string& body,
                 const std::string& type, int* status) {
  Poco::Net::HTTPClientSession s("127.0.0.1", static_cast<Poco::UInt16>(port));
  s.setTimeout(Poco::Timespan(600, 0));
  Poco::Net::HTTPRequest req("POST", path, Poco::Net::HTTPMessage::HTTP_1_1);
  if (!token.empty()) req.set("Authorization", "Bearer " + token);
  req.setContentType(type);
  req.setContentLength64(body.size());
  s.sendRequest(req) << body;
  Poco::Net::HTTPResponse res;
  std::string out;
  Poco::StreamCopier::copyToString(s.receiveResponse(res), out);
  *status = static_cast<int>(res.getStatus());
  return out;
}

// Runs wrk and prints one line: requests/s and the latency percentiles it reports.
void runWrk(int port, const std::string& token, const std::string& label, const std::string& path,
            int seconds, int connections) {
  std::string cmd = "wrk -t2 -c" + std::to_string(connections) + " -d" + std::to_string(seconds) +
                    "s --latency -H 'Authorization: Bearer " + token +
                    "' 'http://127.0.0.1:" + std::to_string(port) + path + "' 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) throw std::runtime_error("cannot run wrk");
  std::string out;
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  pclose(p);
  auto grab = [&](const std::string& re) {
    std::smatch m;
    return std::regex_search(out, m, std::regex(re)) ? std::string(m[1]) : std::string("?");
  };
  std::string rps = grab(R"(Requests/sec:\s+([0-9.]+))");
  std::string p50 = grab(R"(50%\s+([0-9.]+\w+))"), p90 = grab(R"(90%\s+([0-9.]+\w+))"),
              p99 = grab(R"(99%\s+([0-9.]+\w+))");
  std::string errors = grab(R"(Non-2xx or 3xx responses:\s+(\d+))");
  std::printf("  %-34s %10s req/s   p50 %8s   p90 %8s   p99 %8s   non-2xx %s\n", label.c_str(), rps.c_str(),
              p50.c_str(), p90.c_str(), p99.c_str(), errors == "?" ? "0" : errors.c_str());
  std::fflush(stdout);
}

void benchBackend(const std::string& backend, const std::string& xml, int seconds, int connections) {
  fs::path dir = fs::temp_directory_path() / ("ejournal-service-bench-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::string db = (dir / "ejournal.db").string();
  if (backend == "postgresql") {
    Poco::Data::PostgreSQL::Connector::registerConnector();
    std::string conn = std::getenv("EJOURNAL_PG");
    {
      Poco::Data::Session admin("PostgreSQL", conn);
      admin << "DROP DATABASE IF EXISTS ejournal_bench WITH (FORCE)", Poco::Data::Keywords::now;
      admin << "CREATE DATABASE ejournal_bench", Poco::Data::Keywords::now;
    }
    db = "postgresql:" + std::regex_replace(conn, std::regex("dbname=[^ ]+"), "dbname=ejournal_bench");
  }
  Poco::AutoPtr<Poco::Util::PropertyFileConfiguration> cfg(new Poco::Util::PropertyFileConfiguration);
  cfg->setString("db", db);
  cfg->setString("http.port", "0");
  cfg->setString("work.dir", (dir / "var").string());
  cfg->setString("auth.tokenMinutes", "600");
  cfg->setString("limits.upload", "1G");
  cfg->setString("server.maxThreads", "32");
  auto svc = std::make_unique<app::service::Service>(app::service::ServiceConfig::fromConfiguration(*cfg),
                                                     model::systemClock());
  store::User u;
  u.login = "bench";
  u.fullName = "Нагрузочный тест";
  u.role = store::Role::Deputy;
  u.passwordHash = app::service::hashPassword("bench-password-1", 1000);
  svc->users().add(u);
  store::User a = u;
  a.login = "benchadmin";
  a.role = store::Role::Admin;
  svc->users().add(a);
  svc->start();
  const int port = svc->httpPort();
  int status = 0;
  auto login = [&](const std::string& who) {
    std::string r =
        post(port, "/api/v1/auth/login", "", "{\"login\":\"" + who + "\",\"password\":\"bench-password-1\"}",
             "application/json", &status);
    Poco::JSON::Parser parser;
    return parser.parse(r).extract<Poco::JSON::Object::Ptr>()->getValue<std::string>("token");
  };
  std::string admin = login("benchadmin");
  auto t0 = std::chrono::steady_clock::now();
  std::string r = post(port, "/api/v1/ingest?name=sample.xml", admin, xml, "application/xml", &status);
  double ingestSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (status != 200) throw std::runtime_error("ingest failed: " + r);
  std::string token = login("bench");
  std::printf("%s: ingest over HTTP %.1f MB in %.2f s; wrk -c%d for %d s per endpoint\n", backend.c_str(),
              static_cast<double>(xml.size()) / 1e6, ingestSeconds, connections, seconds);
  runWrk(port, token, "GET /healthz", "/healthz", seconds, connections);
  runWrk(port, token, "GET /api/v1/stats", "/api/v1/stats", seconds, connections);
  runWrk(port, token, "GET /api/v1/reports/results (json)", "/api/v1/reports/results?period=2025-Q1", seconds,
         connections);
  runWrk(port, token, "GET /api/v1/reports/program (json)", "/api/v1/reports/program?period=2025-Q1", seconds,
         connections);
  runWrk(port, token, "GET /api/v1/printouts/summary (PDF)", "/api/v1/printouts/summary?class=c05a", seconds,
         connections);
  runWrk(port, token, "GET /api/v1/printouts/journal (PDF)",
         "/api/v1/printouts/journal?class=c05a&period=2025-Q1", seconds, connections);
  svc.reset();
  fs::remove_all(dir);
}

}  // namespace

int main(int argc, char** argv) {
  int classes = 11, seconds = 5, connections = 8;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--classes")
      classes = std::atoi(argv[i + 1]);
    else if (a == "--seconds")
      seconds = std::atoi(argv[i + 1]);
    else if (a == "--connections")
      connections = std::atoi(argv[i + 1]);
    else {
      std::cerr << "usage: service_bench [--classes N] [--seconds S] [--connections C]\n";
      return 2;
    }
  }
  if (std::system("command -v wrk >/dev/null") != 0) {
    std::cerr << "service_bench: wrk is not installed (apt-get install wrk)\n";
    return 2;
  }
  samples::SampleOptions opt;
  opt.classes = classes;
  std::string xml = ingest::writeJournal(samples::generate(opt).journal);
  std::printf("sample school: %d classes, %.1f MB of XML\n", classes, static_cast<double>(xml.size()) / 1e6);
  try {
    benchBackend("sqlite", xml, seconds, connections);
    if (const char* pg = std::getenv("EJOURNAL_PG"); pg && *pg)
      benchBackend("postgresql", xml, seconds, connections);
    else
      std::printf(
          "postgresql: skipped (EJOURNAL_PG not set; source scripts/pg.sh and run ejournal_pg_start)\n");
  } catch (const std::exception& e) {
    std::cerr << "service_bench: " << e.what() << "\n";
    return 2;
  }
  return 0;
}
