// The service against the hostile test of issue 11, over real loopback HTTP(S): slow and idle clients, a
// second instance on the same port, revocation within one second, login timing and per-address lock-out, what
// errors show, control characters in ids, a malformed Content-Length, class names, upload files, the CLI's
// users and actor, another school's upload. Connections "from" other clients bind a source address in
// 127.0.0.0/8.
#define BOOST_TEST_MODULE service_hardening_test
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/StreamCopier.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <filesystem>
#include <regex>
#include <thread>

#include "ejournal/model/error.h"
#include "ejournal/model/files.h"
#include "ejournal/store/audit.h"
#include "ejournal/store/store.h"
#include "run_cli.h"
#include "service/password.h"
#include "service/service.h"
#include "service_env.h"

namespace fs = std::filesystem;
using namespace ejournal;
using namespace ejournal::servicetest;
using store::Role;
using SteadyClock = std::chrono::steady_clock;

namespace {

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

double secondsSince(SteadyClock::time_point t) {
  return std::chrono::duration<double>(SteadyClock::now() - t).count();
}

// A TCP connection to 127.0.0.1:port from the loopback address `source`, closed on destruction.
class Socket {
 public:
  Socket(const std::string& source, int port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    BOOST_REQUIRE(fd_ >= 0);
    sockaddr_in src{};
    src.sin_family = AF_INET;
    ::inet_pton(AF_INET, source.c_str(), &src.sin_addr);
    BOOST_REQUIRE_MESSAGE(::bind(fd_, reinterpret_cast<sockaddr*>(&src), sizeof src) == 0, "bind " + source);
    sockaddr_in dst{};
    dst.sin_family = AF_INET;
    dst.sin_port = htons(static_cast<uint16_t>(port));
    ::inet_pton(AF_INET, "127.0.0.1", &dst.sin_addr);
    BOOST_REQUIRE_MESSAGE(::connect(fd_, reinterpret_cast<sockaddr*>(&dst), sizeof dst) == 0, "connect");
  }
  ~Socket() { ::close(fd_); }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;

  void send(const std::string& bytes) { (void)!::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL); }
  void endOfRequest() { ::shutdown(fd_, SHUT_WR); }
  // True when the server closed (or reset) the connection within `ms`.
  bool closedWithin(int ms) {
    const auto until = SteadyClock::now() + std::chrono::milliseconds(ms);
    while (SteadyClock::now() < until) {
      pollfd p{fd_, POLLIN, 0};
      const int left = static_cast<int>(
          std::chrono::duration_cast<std::chrono::milliseconds>(until - SteadyClock::now()).count());
      if (::poll(&p, 1, std::max(left, 1)) <= 0) continue;
      char buf[4096];
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return true;  // EOF or reset
    }
    return false;
  }
  // Everything the server sends until it closes, or until `seconds` pass.
  std::string readAll(int seconds) {
    std::string out;
    const auto until = SteadyClock::now() + std::chrono::seconds(seconds);
    while (SteadyClock::now() < until) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      char buf[4096];
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) break;
      out.append(buf, static_cast<size_t>(n));
    }
    return out;
  }

 private:
  int fd_;
};

// How many of `sockets` the server has not closed within `ms` (one deadline for all).
size_t stillOpenAfter(std::vector<std::unique_ptr<Socket>>& sockets, int ms) {
  const auto until = SteadyClock::now() + std::chrono::milliseconds(ms);
  size_t open = 0;
  for (auto& s : sockets) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(until - SteadyClock::now()).count();
    if (!s->closedWithin(static_cast<int>(std::max<long>(left, 1)))) ++open;
  }
  return open;
}

struct RawResp {
  int status = 0;  // 0: no answer
  std::string body;
};

// One request from `source`, with the raw header lines given (e.g. "Content-Length: abc").
RawResp rawCall(const std::string& source, int port, const std::string& method, const std::string& path,
                const std::string& headers, const std::string& body) {
  Socket s(source, port);
  s.send(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + headers + "\r\n" +
         body);
  const std::string all = s.readAll(10);
  RawResp r;
  std::smatch m;
  if (std::regex_search(all, m, std::regex("^HTTP/1\\.[01] (\\d{3})"))) r.status = std::stoi(m[1]);
  auto at = all.find("\r\n\r\n");
  if (at != std::string::npos) r.body = all.substr(at + 4);
  return r;
}

RawResp loginFrom(const std::string& source, int port, const std::string& login,
                  const std::string& password) {
  const std::string body = jsonBody({{"login", login}, {"password", password}});
  return rawCall(source, port, "POST", "/api/v1/auth/login",
                 "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n",
                 body);
}

// GET on a new connection from 127.0.0.1 that gives up after 3 s (status 0).
int quickGet(int port, const std::string& path) {
  try {
    Poco::Net::HTTPClientSession s("127.0.0.1", static_cast<Poco::UInt16>(port));
    s.setTimeout(Poco::Timespan(3, 0));
    Poco::Net::HTTPRequest req("GET", path, Poco::Net::HTTPMessage::HTTP_1_1);
    s.sendRequest(req);
    Poco::Net::HTTPResponse res;
    std::string body;
    Poco::StreamCopier::copyToString(s.receiveResponse(res), body);
    return static_cast<int>(res.getStatus());
  } catch (const Poco::Exception&) {
    return 0;
  }
}

int quickHttpsGet(int port, const std::string& path) {
  try {
    Poco::Net::Context::Ptr ctx = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", "",
                                                         Poco::Net::Context::VERIFY_NONE, 9, false,
                                                         "ALL:!ADH:!LOW:!EXP:!MD5:@STRENGTH");
    Poco::Net::HTTPSClientSession s("127.0.0.1", static_cast<Poco::UInt16>(port), ctx);
    s.setTimeout(Poco::Timespan(3, 0));
    Poco::Net::HTTPRequest req("GET", path, Poco::Net::HTTPMessage::HTTP_1_1);
    s.sendRequest(req);
    Poco::Net::HTTPResponse res;
    std::string body;
    Poco::StreamCopier::copyToString(s.receiveResponse(res), body);
    return static_cast<int>(res.getStatus());
  } catch (const Poco::Exception&) {
    return 0;
  }
}

int mode(const fs::path& p) { return static_cast<int>(fs::status(p).permissions() & fs::perms::all); }

std::string source(int i) { return "127.0.0." + std::to_string(i); }

// A self-signed certificate and key in `dir`.
void makeCertificate(const fs::path& dir) {
  fs::create_directories(dir);
  std::string cmd =
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 "
      "-subj /CN=127.0.0.1 -keyout " +
      (dir / "key.pem").string() + " -out " + (dir / "cert.pem").string() + " 2>/dev/null";
  BOOST_REQUIRE(std::system(cmd.c_str()) == 0);
}

const std::map<std::string, std::string> kSmallPool = {{"server.maxThreads", "16"},
                                                       {"server.connectionsPerAddress", "4"},
                                                       {"server.reserveThreads", "2"},
                                                       {"server.headerTimeout", "2"}};

}  // namespace

// ---- slow and idle connections
// -------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(slow_header_clients_do_not_take_the_service_down) {
  Env env("sqlite", "slowheaders", kSmallPool);
  // One address holds at most 4 connections: a fifth is closed at once.
  {
    std::vector<std::unique_ptr<Socket>> mine;
    for (int i = 0; i < 4; ++i) mine.push_back(std::make_unique<Socket>(source(2), env.port));
    Socket fifth(source(2), env.port);
    BOOST_TEST(fifth.closedWithin(1000));
    BOOST_TEST(!mine.back()->closedWithin(200));
  }
  // 32 connections from 8 addresses (twice the threads) send half a request and stop: a normal request still
  // answers within a second.
  std::vector<std::unique_ptr<Socket>> slow;
  for (int a = 10; a < 18; ++a)
    for (int i = 0; i < 4; ++i) {
      slow.push_back(std::make_unique<Socket>(source(a), env.port));
      slow.back()->send("GET /healthz HTTP/1.1\r\nHost: x\r\n");
    }
  std::this_thread::sleep_for(std::chrono::milliseconds(700));  // past the eviction grace (500 ms)
  auto t = SteadyClock::now();
  BOOST_TEST(quickGet(env.port, "/healthz") == 200);
  BOOST_TEST(secondsSince(t) < 1.0);
  // Headers trickled a byte at a time are cut off at the header timeout (2 s), not after 60 s per byte.
  Socket trickle(source(30), env.port);
  t = SteadyClock::now();
  bool closed = false;
  for (const char ch : std::string("GET /healthz HTTP/1.1\r\nX-Slow: abcdefghijklmnopqrstuvwxyz")) {
    trickle.send(std::string(1, ch));
    if ((closed = trickle.closedWithin(150))) break;
  }
  BOOST_TEST(closed);
  BOOST_TEST(secondsSince(t) < 3.5);
  // Every slow connection is gone after the header timeout; the service answers as before.
  BOOST_TEST(stillOpenAfter(slow, 3000) == 0u);
  BOOST_TEST(quickGet(env.port, "/healthz") == 200);
}

BOOST_AUTO_TEST_CASE(idle_tls_connections_do_not_take_the_service_down) {
  Env base("sqlite", "idletlsbase");
  makeCertificate(base.dir / "tls");
  base.service->stop();
  auto cfg = kSmallPool;
  cfg.insert({{"http.enabled", "false"},
              {"https.enabled", "true"},
              {"https.address", "127.0.0.1"},
              {"https.port", "0"},
              {"https.certificate", (base.dir / "tls/cert.pem").string()},
              {"https.privateKey", (base.dir / "tls/key.pem").string()}});
  Env env("sqlite", "idletls", cfg);
  const int port = env.service->httpsPort();
  BOOST_REQUIRE(port > 0);
  // 40 connections from 10 addresses that never start the TLS handshake.
  std::vector<std::unique_ptr<Socket>> idle;
  for (int a = 40; a < 50; ++a)
    for (int i = 0; i < 4; ++i) idle.push_back(std::make_unique<Socket>(source(a), port));
  std::this_thread::sleep_for(std::chrono::milliseconds(700));  // past the eviction grace (500 ms)
  auto t = SteadyClock::now();
  BOOST_TEST(quickHttpsGet(port, "/healthz") == 200);
  BOOST_TEST(secondsSince(t) < 1.0);
  BOOST_TEST(stillOpenAfter(idle, 3000) == 0u);
}

// ---- ports
// ---------------------------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(a_second_instance_on_a_taken_port_is_refused) {
  Env env("sqlite", "portowner");
  app::service::ServiceConfig second = env.service->config();
  second.http.port = env.port;
  second.db = (env.dir / "second.db").string();
  second.workDir = env.dir / "var2";
  app::service::Service other(second, env.clock);
  try {
    other.start();
    BOOST_FAIL("a second service started on a taken port");
  } catch (const Error& e) {
    BOOST_TEST(contains(e.what(), "порт уже занят"), e.what());
    BOOST_TEST(contains(e.what(), std::to_string(env.port)));
  }
  BOOST_TEST(other.httpPort() == 0);
  BOOST_TEST(quickGet(env.port, "/healthz") == 200);

  // `ejournal serve` says so once, in Russian, and exits with 2; a configuration error too is said once.
  fs::path cfg = env.dir / "serve.properties";
  model::writeFileAtomic(cfg, "db = " + (env.dir / "cli.db").string() +
                                  "\nhttp.port = " + std::to_string(env.port) +
                                  "\nwork.dir = " + (env.dir / "var3").string() + "\n");
  auto run = testsupport::runCli({"serve", "--config", cfg.string()}, env.dir);
  BOOST_TEST(run.code == 2);
  const std::regex taken("порт уже занят");
  BOOST_TEST(
      std::distance(std::sregex_iterator(run.err.begin(), run.err.end(), taken), std::sregex_iterator()) == 1,
      run.err);
  model::writeFileAtomic(cfg, "http.port = 0\nauth.tokenMinutez = 5\n");
  run = testsupport::runCli({"serve", "--config", cfg.string()}, env.dir);
  BOOST_TEST(run.code == 2);
  const std::regex unknown("auth\\.tokenMinutez");
  BOOST_TEST(std::distance(std::sregex_iterator(run.err.begin(), run.err.end(), unknown),
                           std::sregex_iterator()) == 1,
             run.err);
}

// ---- revocation
// ----------------------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(revocation_holds_within_the_same_second_and_across_instances) {
  for (const auto& backend : backends()) {
    BOOST_TEST_CONTEXT(backend) {
      Env env(backend, "samesecond");  // the clock never moves: every token is issued in the same second
      const std::string admin = env.token(Role::Admin);
      // A role change revokes a token issued in the same second.
      const std::string teacher = env.token(Role::Teacher);
      BOOST_TEST(call(env.port, "PATCH", "/api/v1/users/teacher", admin, R"({"role": "auditor"})").status ==
                 200);
      BOOST_TEST(call(env.port, "GET", "/api/v1/me", teacher).status == 401);
      // Disable then enable: the old token stays revoked; a new login works.
      const std::string secretary = env.token(Role::Secretary);
      BOOST_TEST(call(env.port, "PATCH", "/api/v1/users/secretary", admin, R"({"disabled": true})").status ==
                 200);
      BOOST_TEST(call(env.port, "PATCH", "/api/v1/users/secretary", admin, R"({"disabled": false})").status ==
                 200);
      BOOST_TEST(call(env.port, "GET", "/api/v1/me", secretary).status == 401);
      BOOST_TEST(call(env.port, "GET", "/api/v1/me", env.token(Role::Secretary)).status == 200);
      // A password change revokes the token used for it; the token of the new login works.
      const std::string deputy = env.token(Role::Deputy);
      BOOST_TEST(call(env.port, "POST", "/api/v1/me/password", deputy,
                      jsonBody({{"oldPassword", kPassword}, {"newPassword", "another-pass-77"}}))
                     .status == 200);
      BOOST_TEST(call(env.port, "GET", "/api/v1/me", deputy).status == 401);
      Resp relogin = call(env.port, "POST", "/api/v1/auth/login", {},
                          jsonBody({{"login", "deputy"}, {"password", "another-pass-77"}}));
      BOOST_REQUIRE(relogin.status == 200);
      BOOST_TEST(call(env.port, "GET", "/api/v1/me", relogin.json()->getValue<std::string>("token")).status ==
                 200);

      // A second instance on the same store: a revocation through one holds in the other.
      app::service::ServiceConfig cfg = env.service->config();
      cfg.http.port = 0;
      app::service::Service other(cfg, env.clock);
      other.start();
      const std::string auditor = env.token(Role::Auditor);
      BOOST_TEST(call(other.httpPort(), "GET", "/api/v1/me", auditor).status == 200);
      BOOST_TEST(
          call(env.port, "PATCH", "/api/v1/users/auditor", admin, R"({"password": "brand-new-pass-9"})")
              .status == 200);
      BOOST_TEST(call(other.httpPort(), "GET", "/api/v1/me", auditor).status == 401);
    }
  }
}

// ---- logins
// --------------------------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(a_wrong_password_and_an_unknown_login_cost_the_same) {
  // The configured count is 100 times the stored one of every Env user (2000); one user has more than
  // configured.
  Env env("sqlite", "logintiming",
          {{"auth.passwordIterations", "200000"},
           {"auth.maxFailedLogins", "100"},
           {"auth.maxAddressFailures", "1000"}});
  store::User strong;
  strong.login = "strong";
  strong.fullName = "Сильный Хэш";
  strong.role = Role::Deputy;
  strong.passwordHash = app::service::hashPassword(kPassword, 400000);
  env.service->users().add(strong);
  auto median = [&](const std::string& login) {
    std::vector<double> times;
    for (int i = 0; i < 5; ++i) {
      auto t = SteadyClock::now();
      Resp r = call(env.port, "POST", "/api/v1/auth/login", {},
                    jsonBody({{"login", login}, {"password", "wrong-1234567"}}));
      times.push_back(secondsSince(t));
      BOOST_TEST(r.status == 401);
      BOOST_TEST(r.errorMessage() == "неверное имя пользователя или пароль");
    }
    std::sort(times.begin(), times.end());
    return times[2];
  };
  const double weak = median("deputy");      // stored with 2000 iterations
  const double unknown = median("nobody");   // no such login
  const double stronger = median("strong");  // stored with 400000 iterations
  BOOST_TEST_MESSAGE("wrong password (2000): " << weak << " s, unknown: " << unknown
                                               << " s, wrong password (400000): " << stronger << " s");
  BOOST_TEST(weak > unknown / 2.5);
  BOOST_TEST(weak < unknown * 2.5);
  BOOST_TEST(stronger > unknown / 2.5);
  BOOST_TEST(stronger < unknown * 2.5);
}

BOOST_AUTO_TEST_CASE(a_strangers_failures_do_not_lock_the_user_out) {
  for (const auto& backend : backends()) {
    BOOST_TEST_CONTEXT(backend) {
      Env env(backend, "strangers", {{"auth.maxAddressFailures", "6"}});  // maxFailedLogins 3 (Env)
      // A stranger at 127.0.0.2 guesses the administrator's password: that pair is locked (423)...
      for (int i = 0; i < 3; ++i)
        BOOST_TEST(loginFrom(source(2), env.port, "admin", "guess-123456").status == 401);
      RawResp locked = loginFrom(source(2), env.port, "admin", kPassword);
      BOOST_TEST(locked.status == 423);
      BOOST_TEST(contains(locked.body, "заблокирована"));
      // ...but the administrator at 127.0.0.1 logs in.
      BOOST_TEST(loginFrom(source(1), env.port, "admin", kPassword).status == 200);
      // The stranger moves on to other logins, known or not: at 6 failures the address is throttled for every
      // login (429), while other addresses are not.
      for (const char* who : {"deputy", "nobody"})
        BOOST_TEST(loginFrom(source(2), env.port, who, "guess-123456").status == 401);
      BOOST_TEST(loginFrom(source(2), env.port, "secretary", "guess-123456").status == 401);  // the 6th
      RawResp throttled = loginFrom(source(2), env.port, "auditor", kPassword);
      BOOST_TEST(throttled.status == 429);
      BOOST_TEST(contains(throttled.body, "с вашего адреса"), throttled.body);
      BOOST_TEST(loginFrom(source(3), env.port, "auditor", kPassword).status == 200);
      BOOST_TEST(loginFrom(source(1), env.port, "deputy", kPassword).status == 200);
      // The lock ends after auth.lockMinutes (10).
      env.clock->set(*model::DateTime::parse("2025-10-20T10:10:01"));
      BOOST_TEST(loginFrom(source(2), env.port, "auditor", kPassword).status == 200);
      // The administrator sees the failures; the lock and the address lock are audited.
      Resp users = call(env.port, "GET", "/api/v1/users", env.token(Role::Admin));
      BOOST_TEST(contains(users.body, R"("login":"admin")"));
      store::AuditQuery q;
      q.action = "address.locked";
      BOOST_TEST(env.service->audit().list(q).size() == 1u);
      q.action = "user.locked";
      BOOST_TEST(env.service->audit().list(q).size() == 1u);
    }
  }
}

BOOST_AUTO_TEST_CASE(behind_a_trusted_proxy_each_client_is_limited_apart) {
  // The proxy is 127.0.0.2; the clients behind it are named by X-Forwarded-For, as nginx's
  // $proxy_add_x_forwarded_for writes it (docs/region.md). A guesser's failures throttle its own address
  // only, not the proxy's, which every user comes through.
  Env env("sqlite", "proxied", {{"auth.maxAddressFailures", "4"}, {"server.trustedProxies", "127.0.0.2"}});
  auto via = [&](const std::string& forwarded, const std::string& login, const std::string& password) {
    const std::string body = jsonBody({{"login", login}, {"password", password}});
    return rawCall(source(2), env.port, "POST", "/api/v1/auth/login",
                   "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
                       "\r\nX-Forwarded-For: " + forwarded + "\r\n",
                   body);
  };
  for (const char* who : {"deputy", "nobody", "secretary", "auditor"})
    BOOST_TEST(via("203.0.113.5", who, "guess-123456").status == 401);
  BOOST_TEST(via("203.0.113.5", "admin", kPassword).status == 429);  // the guesser is throttled...
  BOOST_TEST(via("198.51.100.7", "admin", kPassword).status ==
             200);  // ...the others behind the proxy are not
  // Prepending another address to its own header does not free the guesser: the proxy's entry is the last.
  BOOST_TEST(via("198.51.100.7, 203.0.113.5", "admin", kPassword).status == 429);
  store::AuditQuery q;
  q.action = "address.locked";
  const auto locked = env.service->audit().list(q);
  BOOST_REQUIRE(locked.size() == 1u);
  BOOST_TEST(locked[0].entry.address == "203.0.113.5");
  BOOST_TEST(locked[0].entry.object == "203.0.113.5");
  // A client that is not the proxy cannot pass for another by writing the header: it is counted as itself.
  Env direct("sqlite", "unproxied", {{"auth.maxAddressFailures", "4"}});
  for (int i = 0; i < 4; ++i) {
    const std::string body =
        jsonBody({{"login", "nobody" + std::to_string(i)}, {"password", "guess-123456"}});
    BOOST_TEST(rawCall(source(3), direct.port, "POST", "/api/v1/auth/login",
                       "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
                           "\r\nX-Forwarded-For: 198.51.100." + std::to_string(i) + "\r\n",
                       body)
                   .status == 401);
  }
  BOOST_TEST(loginFrom(source(3), direct.port, "admin", kPassword).status == 429);
  BOOST_TEST(loginFrom(source(4), direct.port, "admin", kPassword).status == 200);
}

// ---- what answers show
// ---------------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(errors_show_no_server_paths) {
  for (const auto& backend : backends()) {
    BOOST_TEST_CONTEXT(backend) {
      Env env(backend, "nopaths");
      const std::string admin = env.token(Role::Admin);
      std::vector<Resp> answers = {
          call(env.port, "GET", "/api/v1/archives/nosuch.tar", admin),
          call(env.port, "GET", "/api/v1/archives/nosuch.tar/member?name=x.pdf", admin),
          call(env.port, "GET", "/api/v1/stats", admin),
          call(env.port, "POST", "/api/v1/ingest?name=bad.xml", admin, "<journal>", "application/xml"),
      };
      env.ingestTiny();
      answers.push_back(call(env.port, "GET", "/api/v1/findings?period=2025-Q9", admin));
      answers.push_back(call(env.port, "GET", "/api/v1/printouts/journal?class=9z&period=2025-Q1", admin));
      for (const auto& r : answers) {
        BOOST_TEST(r.status >= 400);
        BOOST_TEST(!contains(r.body, env.dir.string()), r.body);
        BOOST_TEST(!contains(r.body, "sqlite:"), r.body);
        BOOST_TEST(!contains(r.body, "postgresql:"), r.body);
        BOOST_TEST(!contains(r.body, "dbname"), r.body);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(control_characters_missing_archives_and_bad_lengths) {
  Env env("sqlite", "controls");
  const std::string auditor = env.token(Role::Auditor);
  Resp nul = call(env.port, "GET", "/api/v1/archives/2025-Q1.tar%00.txt/download", auditor);
  BOOST_TEST(nul.status == 400);
  BOOST_TEST(contains(nul.errorMessage(), "управляющий символ"));
  BOOST_TEST(call(env.port, "GET", "/api/v1/archives/2025-Q1.tar%0A/verify", auditor).status == 400);
  BOOST_TEST(call(env.port, "GET", "/api/v1/archives/x.tar/member?name=a%00b", auditor).status == 400);
  // Verifying an archive that does not exist is 404, not a report "ok": false.
  Resp missing = call(env.port, "GET", "/api/v1/archives/nosuch.tar/verify", auditor);
  BOOST_TEST(missing.status == 404, missing.body);
  // A Content-Length that is no number is answered 400 (Poco closed the connection without a word).
  for (const char* length : {"abc", "-5", "12abc", ""}) {
    BOOST_TEST_CONTEXT(length) {
      RawResp r =
          rawCall(source(1), env.port, "POST", "/api/v1/auth/login",
                  "Content-Type: application/json\r\nContent-Length: " + std::string(length) + "\r\n", "{}");
      BOOST_TEST(r.status == 400);
      BOOST_TEST(contains(r.body, "Content-Length"), r.body);
    }
  }
  // A body shorter than its Content-Length is not taken for a whole one.
  {
    Socket s(source(1), env.port);
    s.send(
        "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
        "100\r\n"
        "\r\n{\"login\": \"admin\"");
    s.endOfRequest();
    const std::string answer = s.readAll(5);
    BOOST_TEST(contains(answer, "HTTP/1.1 400"), answer);
    BOOST_TEST(contains(answer, "оборвано"), answer);
  }
  BOOST_TEST(quickGet(env.port, "/healthz") == 200);
}

BOOST_AUTO_TEST_CASE(a_class_is_named_by_id_or_name_on_every_endpoint) {
  for (const auto& backend : backends()) {
    BOOST_TEST_CONTEXT(backend) {
      Env env(backend, "classnames");
      env.ingestTiny();
      const std::string mine = env.token(Role::ClassTeacher);  // staff t3, class teacher of 5А (id 5a)
      for (const std::string ref : {"5a", "5%D0%90"}) {
        BOOST_TEST_CONTEXT(ref) {
          Resp stats = call(env.port, "GET", "/api/v1/stats?class=" + ref, mine);
          BOOST_TEST(stats.status == 200, stats.body);
          BOOST_TEST(contains(stats.body, R"("classId":"5a")"));
          BOOST_TEST(!contains(stats.body, R"("classId":"8b")"));
          BOOST_TEST(call(env.port, "GET", "/api/v1/findings?period=2025-Q1&class=" + ref, mine).status ==
                     200);
          BOOST_TEST(call(env.port, "GET", "/api/v1/printouts/summary?class=" + ref, mine).status == 200);
        }
      }
      // Another class, by id or by name: 403 everywhere; a class that does not exist: 404 everywhere.
      for (const std::string ref : {"8b", "8%D0%91"}) {
        BOOST_TEST(call(env.port, "GET", "/api/v1/stats?class=" + ref, mine).status == 403);
        BOOST_TEST(call(env.port, "GET", "/api/v1/findings?period=2025-Q1&class=" + ref, mine).status == 403);
        BOOST_TEST(call(env.port, "GET", "/api/v1/printouts/summary?class=" + ref, mine).status == 403);
      }
      const std::string deputy = env.token(Role::Deputy);
      Resp byName = call(env.port, "GET", "/api/v1/stats?class=8%D0%91", deputy);
      BOOST_TEST(byName.status == 200);
      BOOST_TEST(contains(byName.body, R"("classId":"8b")"));
      BOOST_TEST(call(env.port, "GET", "/api/v1/stats?class=9z", deputy).status == 404);
      BOOST_TEST(call(env.port, "GET", "/api/v1/findings?period=2025-Q1&class=9z", deputy).status == 404);
      BOOST_TEST(call(env.port, "GET", "/api/v1/printouts/summary?class=9z", deputy).status == 404);
    }
  }
}

// ---- upload files
// --------------------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(upload_files_are_private_and_a_restart_removes_unfinished_ones) {
  const mode_t old = ::umask(0);
  Env env("sqlite", "uploadfiles");
  const fs::path uploads = env.dir / "var/uploads";
  BOOST_TEST(mode(uploads) == 0700);
  {
    // An upload under way: its temporary file is the service user's alone, whatever the umask.
    const std::string admin = env.token(Role::Admin);
    Socket s(source(1), env.port);
    s.send("POST /api/v1/ingest?name=x.xml HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + admin +
           "\r\nContent-Type: application/xml\r\nContent-Length: 100000\r\n\r\n<?xml version=\"1.0\"?>");
    fs::path part;
    for (int i = 0; i < 50 && part.empty(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      for (const auto& e : fs::directory_iterator(uploads))
        if (e.path().extension() == ".part") part = e.path();
    }
    BOOST_REQUIRE(!part.empty());
    BOOST_TEST(mode(part) == 0600);
  }
  ::umask(old);
  // A kill leaves files behind; the next start removes them (those of a running process stay).
  env.service->stop();
  model::writeFileAtomic(uploads / "upload-999999999-7.part", "<journal");
  model::writeFileAtomic(uploads / "upload-999999999-8.xml", "<journal/>");
  const std::string running = "upload-" + std::to_string(getppid()) + "-1.part";
  model::writeFileAtomic(uploads / running, "<journal");
  app::service::Service restarted(env.service->config(), env.clock);
  BOOST_TEST(!fs::exists(uploads / "upload-999999999-7.part"));
  BOOST_TEST(!fs::exists(uploads / "upload-999999999-8.xml"));
  BOOST_TEST(fs::exists(uploads / running));
}

// ---- the CLI
// -------------------------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(cli_user_add_checks_the_staff_id_and_the_actor_is_the_login_of_the_uid) {
  Env env("sqlite", "cliusers");
  env.service->stop();
  const std::string db = (env.dir / "ejournal.db").string();
  model::writeFileAtomic(env.dir / "pw", "first-admin-pass-1\n");
  setenv("EJOURNAL_TEST_WEAK_KDF", "1", 1);
  std::string user = std::getenv("USER") ? std::getenv("USER") : "";
  unsetenv("USER");
  auto add = [&](const std::string& login, const std::string& staff) {
    return testsupport::runCli(
        {"user", "add", login, "--role", "teacher", "--name", "Учитель", "--staff", staff, "--iterations",
         "2000", "--password-file", (env.dir / "pw").string(), "--db", db},
        env.dir);
  };
  // No journal stored yet: accepted, with a warning that the id is unchecked.
  auto early = add("early", "t99");
  BOOST_TEST(early.code == 0, early.err);
  BOOST_TEST(contains(early.err, "не проверен"));
  {
    app::service::Service s(env.service->config(), env.clock);
    s.start();
    env.port = s.httpPort();
    env.ingestTiny();
  }
  auto unknown = add("t1", "nosuchstaff");
  BOOST_TEST(unknown.code == 2);
  BOOST_TEST(contains(unknown.err, "сотрудника с кодом «nosuchstaff» нет в журнале"), unknown.err);
  auto known = add("t2", "t6");
  BOOST_TEST(known.code == 0, known.err);
  auto disable = testsupport::runCli({"user", "disable", "t2", "--db", db}, env.dir);
  BOOST_TEST(disable.code == 0);
  if (!user.empty()) setenv("USER", user.c_str(), 1);
  unsetenv("EJOURNAL_TEST_WEAK_KDF");
  const passwd* pw = getpwuid(getuid());
  BOOST_REQUIRE(pw);
  store::AuditQuery q;
  q.actor = std::string("cli:") + pw->pw_name;
  BOOST_TEST(env.service->audit().list(q).size() == 3u);  // early, t2, disable t2
}

BOOST_AUTO_TEST_CASE(the_api_checks_staff_ids_against_the_journal) {
  Env env("sqlite", "apistaff");
  env.ingestTiny();
  const std::string admin = env.token(Role::Admin);
  Resp bad = call(env.port, "POST", "/api/v1/users", admin,
                  jsonBody({{"login", "t1"},
                            {"fullName", "Учитель"},
                            {"role", "teacher"},
                            {"staffId", "nosuch"},
                            {"password", "teacher-pass-12"}}));
  BOOST_TEST(bad.status == 400);
  BOOST_TEST(contains(bad.errorMessage(), "нет в журнале"));
  Resp good = call(env.port, "POST", "/api/v1/users", admin,
                   jsonBody({{"login", "t1"},
                             {"fullName", "Учитель"},
                             {"role", "teacher"},
                             {"staffId", "t6"},
                             {"password", "teacher-pass-12"}}));
  BOOST_TEST(good.status == 201, good.body);
  BOOST_TEST(call(env.port, "PATCH", "/api/v1/users/t1", admin, R"({"staffId": "nosuch"})").status == 400);
}

// ---- another school
// ------------------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(another_schools_journal_goes_only_to_that_schools_users) {
  for (const auto& backend : backends()) {
    BOOST_TEST_CONTEXT(backend) {
      Env env(backend, "otherschool");
      env.ingestTiny();
      const std::string deputy = env.token(Role::Deputy);
      auto getAll = [&](const std::string& token) {
        std::map<std::string, std::string> out;
        for (const auto& e : env.service->endpoints()) {
          if (e.method != "GET" || e.path.find('{') != std::string::npos || e.path == "/api/v1/audit" ||
              e.path == "/api/v1/jobs" || e.path == "/api/v1/me")
            continue;
          std::string path = e.path;
          if (path == "/api/v1/findings" || path.rfind("/api/v1/printouts", 0) == 0)
            path += "?period=2025-Q1&class=5a";
          Resp r = call(env.port, "GET", path, token);
          out[path] = std::to_string(r.status) + " " + (r.contentType == "application/json" ? r.body : "");
        }
        Resp control = call(env.port, "GET", "/api/v1/reports/control?period=2025-Q1", token);
        out["control"] = std::to_string(control.status) + " " + control.body;
        return out;
      };
      const auto before = getAll(deputy);
      std::string other = model::readFile(fs::path(EJOURNAL_SOURCE_DIR) / "samples/tiny.xml");
      other = std::regex_replace(other, std::regex("<school id=\"stupeni\""), "<school id=\"other-school\"");
      BOOST_REQUIRE(contains(other, "other-school"));

      // The school's deputy cannot put another school's journal in: 403, nothing stored, nothing changed.
      Resp refused =
          call(env.port, "POST", "/api/v1/ingest?name=other.xml", deputy, other, "application/xml");
      BOOST_TEST(refused.status == 403, refused.body);
      BOOST_TEST(contains(refused.errorMessage(), "журнал школы other-school"), refused.body);
      BOOST_TEST(!contains(refused.body, env.dir.string()));
      BOOST_TEST(env.service->store().schools().size() == 1u);
      BOOST_TEST((getAll(deputy) == before));

      // The region's administrator creates the new school's administrator, who uploads its journal.
      const std::string region = env.token(Role::RegionalAdmin);
      Resp created = call(env.port, "POST", "/api/v1/users", region,
                          jsonBody({{"login", "otheradmin"},
                                    {"fullName", "Администратор другой школы"},
                                    {"role", "admin"},
                                    {"school", "other-school"},
                                    {"password", "Другая школа 2025"}}));
      BOOST_REQUIRE_MESSAGE(created.status == 201, created.body);
      BOOST_TEST(created.json()->getValue<std::string>("school") == "other-school");
      Resp login = call(env.port, "POST", "/api/v1/auth/login", {},
                        jsonBody({{"login", "otheradmin"}, {"password", "Другая школа 2025"}}));
      BOOST_REQUIRE(login.status == 200);
      const std::string otherAdmin = login.json()->getValue<std::string>("token");
      // Not the first school's journal, though:
      BOOST_TEST(env.ingestFile(otherAdmin, fs::path(EJOURNAL_SOURCE_DIR) / "samples/tiny.xml").status ==
                 403);
      Resp ingested =
          call(env.port, "POST", "/api/v1/ingest?name=other.xml", otherAdmin, other, "application/xml");
      BOOST_TEST(ingested.status == 200, ingested.body);
      BOOST_TEST(env.service->store().schools().size() == 2u);

      // The first school's users see exactly what they saw; they cannot ask for the other school.
      const auto after = getAll(deputy);
      for (const auto& [path, answer] : before) BOOST_TEST(after.at(path) == answer, path);
      BOOST_TEST(call(env.port, "GET", "/api/v1/classes?school=other-school", deputy).status == 403);
      // The new school's administrator sees only the new school; the users list is theirs alone.
      Resp users = call(env.port, "GET", "/api/v1/users", otherAdmin);
      BOOST_REQUIRE(users.status == 200);
      BOOST_TEST(users.json()->getArray("users")->size() == 1u, users.body);
      BOOST_TEST(call(env.port, "GET", "/api/v1/classes?school=stupeni", otherAdmin).status == 403);
      BOOST_TEST(call(env.port, "GET", "/api/v1/classes", otherAdmin).status == 200);
      // The new school's backup is its own journal, in its own directory, 0600; restorable XML of that school
      // only.
      Resp backup = call(env.port, "POST", "/api/v1/backups", otherAdmin, "{}");
      BOOST_REQUIRE_MESSAGE(backup.status == 201, backup.body);
      const std::string file = backup.json()->getValue<std::string>("file");
      BOOST_TEST((file.rfind("other-school-", 0) == 0 && file.ends_with(".xml")), file);
      const fs::path saved = env.dir / "backup" / "other-school" / file;
      BOOST_REQUIRE(fs::exists(saved));
      BOOST_TEST(((fs::status(saved).permissions() & fs::perms::all) ==
                  (fs::perms::owner_read | fs::perms::owner_write)));
      const std::string xml = model::readFile(saved);
      BOOST_TEST(contains(xml, "id=\"other-school\""));
      BOOST_TEST(!contains(xml, "id=\"stupeni\""));
      Resp backups = call(env.port, "GET", "/api/v1/backups", otherAdmin);
      BOOST_REQUIRE(backups.status == 200);
      BOOST_TEST(backups.json()->getArray("backups")->size() == 1u, backups.body);
      BOOST_TEST(call(env.port, "GET", "/api/v1/backups", env.token(Role::Admin))
                     .json()
                     ->getArray("backups")
                     ->size() == 0u);
      // A school administrator cannot create a user of another school or a regional one.
      Resp foreign = call(env.port, "POST", "/api/v1/users", otherAdmin,
                          jsonBody({{"login", "spy"},
                                    {"fullName", "Ш"},
                                    {"role", "deputy"},
                                    {"school", "stupeni"},
                                    {"password", "Другая школа 2025"}}));
      BOOST_TEST(foreign.status == 403, foreign.body);
      Resp regional = call(env.port, "POST", "/api/v1/users", otherAdmin,
                           jsonBody({{"login", "spy"},
                                     {"fullName", "Ш"},
                                     {"role", "region_inspector"},
                                     {"password", "Другая школа 2025"}}));
      BOOST_TEST(regional.status == 403, regional.body);
      // The region's administrator must name the school of a school role.
      Resp unnamed = call(env.port, "POST", "/api/v1/users", region,
                          jsonBody({{"login", "nobody"},
                                    {"fullName", "Н"},
                                    {"role", "deputy"},
                                    {"password", "Другая школа 2025"}}));
      BOOST_TEST(unnamed.status == 400, unnamed.body);
    }
  }
}
