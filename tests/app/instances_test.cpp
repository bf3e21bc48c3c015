// Issue 16: two `ejournal serve` processes on one PostgreSQL database behind Debian's nginx on 127.0.0.1
// (tests/support/service_cluster.h). A login on one instance is valid on the other; a logout or a password
// change on one is refused by the other at once; an upload through the proxy is seen at once by both; a
// scheduled job runs once across both; the same period sealed on both at the same moment gives one archive in
// the shared directory and one index row, the other request a Russian 409; PDF printouts through the proxy
// are valid.
//
// Needs PostgreSQL (EJOURNAL_PG, exported by scripts/pg.sh as scripts/test does): without it the program says
// so and exits with 77, which ctest shows as skipped — unless EJOURNAL_REQUIRE_PG is set (scripts/test sets
// it), then it fails.
#define BOOST_TEST_MODULE instances
#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/Session.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <sys/wait.h>

#include <atomic>
#include <boost/test/results_collector.hpp>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "ejournal/model/files.h"
#include "service_cluster.h"
#include "service_env.h"

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using ejournal::servicetest::call;
using ejournal::servicetest::jsonBody;
using ejournal::servicetest::Resp;
using ejournal::testsupport::ClusterOptions;
using ejournal::testsupport::ServiceCluster;

namespace {

const std::string kPassword = "correct-horse-42";
const std::string kNewPassword = "battery-staple-77";

int shell(const std::string& cmd, std::string* out = nullptr) {
  std::string full = cmd + " 2>&1";
  FILE* p = popen(full.c_str(), "r");
  if (!p) return -1;
  char buf[4096];
  std::string text;
  while (size_t n = fread(buf, 1, sizeof buf, p)) text.append(buf, n);
  int rc = pclose(p);
  if (out) *out = text;
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

std::string q(const fs::path& p) { return "'" + p.string() + "'"; }

// The cluster every case shares: two instances, a signing key for seals, the notify job every minute.
struct Shared {
  fs::path keys;
  std::string db, conn;
  std::unique_ptr<ServiceCluster> cluster;

  Shared() {
    const char* pg = std::getenv("EJOURNAL_PG");
    if (!pg || !*pg) {
      const char* require = std::getenv("EJOURNAL_REQUIRE_PG");
      std::cerr << "instances_test needs PostgreSQL: source scripts/pg.sh && ejournal_pg_start (scripts/test "
                   "does it)\n";
      std::exit(require && *require ? 1 : 77);
    }
    keys = fs::temp_directory_path() / ("ejournal-instances-keys-" + std::to_string(getpid()));
    fs::remove_all(keys);
    ejournal::model::createPrivateDirectories(keys);
    std::string out;
    if (shell("openssl req -x509 -newkey rsa:2048 -nodes -days 30 -utf8 -subj '/CN=Директор школы' -keyout " +
                  q(keys / "sign.key") + " -out " + q(keys / "sign.crt"),
              &out) != 0)
      throw std::runtime_error("openssl req failed: " + out);
    db = ejournal::servicetest::freshPostgres("instances_test");
    conn = db.substr(std::string("postgresql:").size());
    ClusterOptions o;
    o.name = "instances_test";
    o.db = db;
    o.instances = 2;
    o.config = {{"archive.key", (keys / "sign.key").string()},
                {"archive.cert", (keys / "sign.crt").string()},
                {"jobs.notify.enabled", "true"},
                {"jobs.notify.schedule", "every 1"}};
    cluster = std::make_unique<ServiceCluster>(o);
    for (const char* role : {"admin", "deputy", "secretary"}) {
      cluster->addUser(role, role, std::string("Пользователь ") + role, "", kPassword);
      cluster->addUser(std::string(role) + "2", role, std::string("Второй ") + role, "", kPassword);
    }
  }
  bool failed = false;  // set by CaseCheck

  ~Shared() {
    if (cluster && failed) cluster->keepLogs();
    cluster.reset();
    std::error_code ec;
    fs::remove_all(keys, ec);
  }
};

Shared* shared = nullptr;

struct Global {
  Global() { shared = new Shared; }
  ~Global() {
    delete shared;
    shared = nullptr;
  }
};
BOOST_TEST_GLOBAL_FIXTURE(Global);

// Notes a failed case, so the cluster's logs are kept in the build tree at the end.
struct CaseCheck {
  ~CaseCheck() {
    const auto& r =
        boost::unit_test::results_collector.results(boost::unit_test::framework::current_test_case().p_id);
    if (r.p_assertions_failed > 0 || r.p_aborted) shared->failed = true;
  }
};

ServiceCluster& cluster() { return *shared->cluster; }
int a() { return cluster().instancePort(0); }
int b() { return cluster().instancePort(1); }
int proxy() { return cluster().proxyPort(); }

std::string login(int port, const std::string& user, const std::string& password = kPassword) {
  Resp r = call(port, "POST", "/api/v1/auth/login", {}, jsonBody({{"login", user}, {"password", password}}));
  BOOST_REQUIRE_MESSAGE(r.status == 200,
                        "login " << user << " on port " << port << ": " << r.status << " " << r.body);
  return r.json()->getValue<std::string>("token");
}

Resp upload(int port, const std::string& token, const std::string& xml) {
  return call(port, "POST", "/api/v1/ingest?name=tiny.xml", token, xml, "application/xml");
}

std::string tinyXml() {
  return ejournal::model::readFile(fs::path(EJOURNAL_SOURCE_DIR) / "samples/tiny.xml");
}

// tiny.xml with the class teacher of 5 «А» renamed (Иванова → Смирнова, as after a marriage): the class list
// every instance answers from its journal snapshot changes.
std::string tinyWithRenamedTeacher() {
  std::string xml = tinyXml();
  const std::string from = R"(<person id="t3" lastName="Иванова")";
  const auto pos = xml.find(from);
  BOOST_REQUIRE(pos != std::string::npos);
  xml.replace(pos, from.size(), R"(<person id="t3" lastName="Смирнова")");
  return xml;
}

void ensureJournal() {
  Resp r = upload(a(), login(a(), "admin"), tinyXml());
  BOOST_REQUIRE_MESSAGE(r.status == 200, r.body);
}

Poco::Data::Session database() {
  static bool registered = false;
  if (!registered) Poco::Data::PostgreSQL::Connector::registerConnector();
  registered = true;
  return Poco::Data::Session("PostgreSQL", shared->conn);
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(two_instances, CaseCheck)

BOOST_AUTO_TEST_CASE(a_token_from_one_instance_works_on_the_other_and_through_the_proxy) {
  const std::string token = login(a(), "deputy");
  Resp me = call(b(), "GET", "/api/v1/me", token);
  BOOST_TEST_REQUIRE(me.status == 200, me.body);
  BOOST_TEST(me.json()->getValue<std::string>("login") == "deputy");
  std::set<std::string> upstreams;
  for (int i = 0; i < 6; ++i) {
    Resp r = call(proxy(), "GET", "/api/v1/me", token);
    BOOST_TEST(r.status == 200, r.body);
    upstreams.insert(r.header("X-Upstream"));
  }
  BOOST_TEST(upstreams.size() == 2u, "round robin reached both instances");
  const std::string viaProxy = login(proxy(), "deputy");
  BOOST_TEST(call(a(), "GET", "/api/v1/me", viaProxy).status == 200);
  BOOST_TEST(call(b(), "GET", "/api/v1/me", viaProxy).status == 200);
}

BOOST_AUTO_TEST_CASE(a_logout_on_one_instance_is_refused_by_the_other_at_once) {
  const std::string token = login(a(), "secretary");
  BOOST_TEST_REQUIRE(call(b(), "GET", "/api/v1/me", token).status == 200);
  Resp out = call(a(), "POST", "/api/v1/auth/logout", token);
  BOOST_TEST_REQUIRE(out.status / 100 == 2, out.body);
  Resp onB = call(b(), "GET", "/api/v1/me", token);
  BOOST_TEST(onB.status == 401, onB.body);
  BOOST_TEST(onB.errorMessage().find_first_of("абвгдеёжзийклмнопрстуфхцчшщъыьэюя") != std::string::npos,
             onB.errorMessage());
  BOOST_TEST(call(a(), "GET", "/api/v1/me", token).status == 401);
  BOOST_TEST(call(proxy(), "GET", "/api/v1/me", token).status == 401);
  // The user's other tokens are not revoked by the logout.
  BOOST_TEST(call(b(), "GET", "/api/v1/me", login(a(), "secretary")).status == 200);
}

BOOST_AUTO_TEST_CASE(a_password_change_on_one_instance_revokes_the_old_token_on_the_other) {
  const std::string old = login(a(), "deputy2");
  BOOST_TEST_REQUIRE(call(a(), "GET", "/api/v1/me", old).status == 200);
  Resp changed = call(b(), "PATCH", "/api/v1/users/deputy2", login(b(), "admin"),
                      jsonBody({{"password", kNewPassword}}));
  BOOST_TEST_REQUIRE(changed.status == 200, changed.body);
  Resp onA = call(a(), "GET", "/api/v1/me", old);
  BOOST_TEST(onA.status == 401, onA.body);
  BOOST_TEST(call(proxy(), "GET", "/api/v1/me", old).status == 401);
  Resp oldPassword =
      call(a(), "POST", "/api/v1/auth/login", {}, jsonBody({{"login", "deputy2"}, {"password", kPassword}}));
  BOOST_TEST(oldPassword.status == 401);
  BOOST_TEST(call(a(), "GET", "/api/v1/me", login(a(), "deputy2", kNewPassword)).status == 200);
}

BOOST_AUTO_TEST_CASE(an_upload_through_the_proxy_is_seen_at_once_by_both_instances) {
  const std::string admin = login(proxy(), "admin");
  Resp first = upload(proxy(), admin, tinyXml());
  BOOST_TEST_REQUIRE(first.status == 200, first.body);
  const std::string deputy = login(proxy(), "deputy");
  // Both instances load (and cache) the journal: the class list comes from each instance's snapshot.
  const std::string classes = "/api/v1/classes";
  Resp beforeA = call(a(), "GET", classes, deputy), beforeB = call(b(), "GET", classes, deputy);
  BOOST_TEST_REQUIRE(beforeA.status == 200, beforeA.body);
  BOOST_TEST_REQUIRE(beforeB.status == 200, beforeB.body);
  BOOST_TEST(beforeA.body == beforeB.body);
  BOOST_TEST(beforeA.body.find("Иванова Мария Петровна") != std::string::npos, beforeA.body);

  // The renamed teacher uploaded through the proxy reaches one instance; the other must not answer from its
  // cached journal.
  Resp second = upload(proxy(), admin, tinyWithRenamedTeacher());
  BOOST_TEST_REQUIRE(second.status == 200, second.body);
  for (int port : {a(), b()}) {
    Resp after = call(port, "GET", classes, deputy);
    BOOST_TEST_REQUIRE(after.status == 200, after.body);
    BOOST_TEST(after.body.find("Смирнова Мария Петровна") != std::string::npos,
               "instance on port " << port << " answers from a stale journal: " << after.body);
  }
  BOOST_TEST(call(a(), "GET", classes, deputy).body == call(b(), "GET", classes, deputy).body);
  Resp statsA = call(a(), "GET", "/api/v1/stats?period=2025-Q1", deputy);
  BOOST_TEST(statsA.status == 200, statsA.body);
  BOOST_TEST(statsA.body == call(b(), "GET", "/api/v1/stats?period=2025-Q1", deputy).body);

  // And back, straight through instance A: B follows again.
  BOOST_TEST_REQUIRE(upload(a(), login(a(), "admin"), tinyXml()).status == 200);
  BOOST_TEST(call(b(), "GET", classes, deputy).body == beforeA.body);
  BOOST_TEST(call(a(), "GET", classes, deputy).body == beforeA.body);
}

BOOST_AUTO_TEST_CASE(pdf_printouts_through_the_proxy_are_valid_pdfs_from_both_instances) {
  ensureJournal();
  const std::string deputy = login(proxy(), "deputy");
  const fs::path dir = cluster().dir() / "pdf";
  fs::create_directories(dir);
  std::set<std::string> upstreams;
  const std::vector<std::string> paths = {"/api/v1/printouts/journal?class=5a&period=2025-Q1",
                                          "/api/v1/printouts/summary?class=5a",
                                          "/api/v1/reports/control?period=2025-Q1&format=pdf"};
  int n = 0;
  for (int round = 0; round < 2; ++round)
    for (const auto& path : paths) {
      Resp r = call(proxy(), "GET", path, deputy);
      BOOST_TEST_REQUIRE(r.status == 200, path << ": " << r.body.substr(0, 300));
      BOOST_TEST(r.contentType == "application/pdf", path);
      upstreams.insert(r.header("X-Upstream"));
      const fs::path file = dir / ("printout-" + std::to_string(++n) + ".pdf");
      ejournal::model::writeFileAtomic(file, r.body);
      std::string out;
      BOOST_TEST(shell("qpdf --check " + q(file), &out) == 0, path << ": " << out);
      BOOST_TEST(out.find("No syntax or stream encoding errors") != std::string::npos, path << ": " << out);
      BOOST_TEST(shell("pdftotext -q " + q(file) + " - | grep -q 5", &out) == 0, path << ": no text");
    }
  BOOST_TEST(upstreams.size() == 2u, "the printouts came from both instances");
}

BOOST_AUTO_TEST_CASE(the_same_period_sealed_on_both_instances_at_once_gives_one_archive_and_a_russian_409) {
  ensureJournal();
  const std::string onA = login(a(), "secretary2"), onB = login(b(), "secretary2");
  auto sealBoth = [&](const std::string& periodA, const std::string& periodB) {
    std::atomic<int> ready{0};
    Resp ra, rb;
    std::thread ta([&] {
      ++ready;
      while (ready < 2) std::this_thread::yield();
      ra = call(a(), "POST", "/api/v1/archives", onA, jsonBody({{"period", periodA}}));
    });
    std::thread tb([&] {
      ++ready;
      while (ready < 2) std::this_thread::yield();
      rb = call(b(), "POST", "/api/v1/archives", onB, jsonBody({{"period", periodB}}));
    });
    ta.join();
    tb.join();
    return std::pair<Resp, Resp>(ra, rb);
  };
  auto [ra, rb] = sealBoth("2025-Q1", "2025-Q1");
  const Resp& won = ra.status / 100 == 2 ? ra : rb;
  const Resp& lost = ra.status / 100 == 2 ? rb : ra;
  BOOST_TEST_REQUIRE(won.status / 100 == 2,
                     ra.status << " " << ra.body << " / " << rb.status << " " << rb.body);
  BOOST_TEST(lost.status == 409, lost.body);
  BOOST_TEST(lost.errorMessage().find("2025-Q1 уже запечатан") != std::string::npos, lost.errorMessage());
  BOOST_TEST(lost.body.find(cluster().archiveDir().string()) == std::string::npos,
             "no server path: " << lost.body);

  // Two different periods at once: both sealed, one after the other in the chain.
  auto [qa, qb] = sealBoth("2025-Q2", "2025-H1");
  BOOST_TEST(qa.status / 100 == 2, qa.body);
  BOOST_TEST(qb.status / 100 == 2, qb.body);

  std::vector<std::string> q1, all;
  for (const auto& e : fs::directory_iterator(cluster().archiveDir())) {
    const std::string name = e.path().filename().string();
    if (name.size() > 4 && name.substr(name.size() - 4) == ".tar") all.push_back(name);
    if (name.find("_2025-Q1_") != std::string::npos) q1.push_back(name);
  }
  BOOST_TEST(q1.size() == 1u);
  BOOST_TEST(all.size() == 3u);
  std::set<std::string> sequences;
  for (const auto& name : all) sequences.insert(name.substr(0, 6));
  BOOST_TEST(sequences.size() == 3u, "every archive has its own sequence number");
  int rows = 0, allRows = 0;
  Poco::Data::Session s = database();
  s << "SELECT COUNT(*) FROM archive_index WHERE period_id = '2025-Q1'", Poco::Data::Keywords::into(rows),
      Poco::Data::Keywords::now;
  s << "SELECT COUNT(*) FROM archive_index", Poco::Data::Keywords::into(allRows), Poco::Data::Keywords::now;
  BOOST_TEST(rows == 1);
  BOOST_TEST(allRows == 3);
  // The chain verifies through either instance.
  const std::string auditor = login(b(), "admin");
  Resp list = call(b(), "GET", "/api/v1/archives", auditor);
  BOOST_TEST_REQUIRE(list.status == 200, list.body);
  for (size_t i = 0; i < list.json()->getArray("archives")->size(); ++i) {
    const std::string file = list.json()->getArray("archives")->getObject(i)->getValue<std::string>("id");
    Resp v = call(a(), "GET", "/api/v1/archives/" + file + "/verify", login(a(), "admin"));
    BOOST_TEST(v.status == 200, file << ": " << v.body);
    BOOST_TEST(v.json()->getValue<bool>("ok"), file << ": " << v.body);
  }
}

BOOST_AUTO_TEST_CASE(a_scheduled_job_runs_once_across_both_instances) {
  // jobs.notify runs every minute on both instances' schedulers (every 30 s); wait for two due times.
  Poco::Data::Session s = database();
  std::vector<std::string> dues;
  const auto deadline = std::chrono::steady_clock::now() + 200s;
  while (std::chrono::steady_clock::now() < deadline) {
    dues.clear();
    s << "SELECT DISTINCT due FROM job_runs WHERE job = 'notify' AND status = 'succeeded' ORDER BY due",
        Poco::Data::Keywords::into(dues), Poco::Data::Keywords::now;
    if (dues.size() >= 2) break;
    std::this_thread::sleep_for(2s);
  }
  BOOST_TEST_REQUIRE(dues.size() >= 2u, "the notify job did not run twice in 200 s\n" << cluster().logTail());
  // The instances' console output (unbuffered; the log file is flushed only now and then).
  std::string logs = ejournal::model::readFile(cluster().instanceOutput(0)) +
                     ejournal::model::readFile(cluster().instanceOutput(1));
  for (const auto& due : dues) {
    int runs = 0, audited = 0;
    std::string d = due;
    s << "SELECT COUNT(*) FROM job_runs WHERE job = 'notify' AND due = $1", Poco::Data::Keywords::use(d),
        Poco::Data::Keywords::into(runs), Poco::Data::Keywords::now;
    s << "SELECT COUNT(*) FROM audit_log WHERE action = 'job.notify' AND object = $1",
        Poco::Data::Keywords::use(d), Poco::Data::Keywords::into(audited), Poco::Data::Keywords::now;
    BOOST_TEST(runs == 1, due);
    BOOST_TEST(audited == 1, due);
    // Each execution logs one line in the log of the instance that ran it.
    const std::regex line("job notify \\(due " + due + ", attempt 1\\) succeeded");
    const auto lines =
        std::distance(std::sregex_iterator(logs.begin(), logs.end(), line), std::sregex_iterator());
    BOOST_TEST(lines == 1, due << ": executed " << lines << " times");
  }
}

BOOST_AUTO_TEST_SUITE_END()
