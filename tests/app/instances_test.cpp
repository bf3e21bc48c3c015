// Issue 16: two `ejournal serve` processes on one PostgreSQL database behind Debian's nginx on 127.0.0.1
// (tests/support/service_cluster.h). A login on one instance is valid on the other; a logout or a password
// change on one is refused by the other at once; an upload through the proxy is seen at once by both; a
// scheduled job runs once across both; the same period sealed on both at the same moment gives one archive in
// the shared directory and one index row, the other request a Russian 409; PDF printouts through the proxy
// are valid.
//
// The same cluster then holds three schools (samples/tiny.xml as `stupeni`, and two copies with their own ids
// and names, `school-2` and `school-3`, joined the way a region adds a school: its first administrator made
// by the regional administrator uploads its journal). For every endpoint of GET /api/v1/openapi.json and
// every school role of `stupeni`: ?school=school-2 is refused, ids of school-2 only (a class, a student, a
// check, an archive, a login, a job unit) are not found, and no answer carries school-2's data; `stupeni`'s
// answers are the same before and after the other schools' journals come and change. The regional inspector
// reads each school by ?school= and writes nothing; the regional administrator manages each school's users
// and reads no journal data; a school-2 token works on both instances for school-2 only; each school's
// daily-summary run is made once across both instances; school-2's period sealed on both instances at once
// gives one archive in archive.dir/school-2, with its own sequence. Regressions found on the way: a body the
// service did not read spilled into the next request of a kept-alive proxy connection; a teacher could
// acknowledge another school's check; another school's remarks went to this school's teacher of the same
// staff id.
//
// Needs PostgreSQL (EJOURNAL_PG, exported by scripts/pg.sh as scripts/test does): without it the program says
// so and exits with 77, which ctest shows as skipped — unless EJOURNAL_REQUIRE_PG is set (scripts/test sets
// it), then it fails.
#define BOOST_TEST_MODULE instances
#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/Session.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <sys/wait.h>

#include <algorithm>
#include <atomic>
#include <boost/test/results_collector.hpp>
#include <boost/test/unit_test.hpp>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <iostream>
#include <map>
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

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

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
                {"jobs.notify.schedule", "every 1"},
                // A job of each school: one run "daily-summary@<school>" per due time and school.
                {"jobs.daily-summary.enabled", "true"},
                {"jobs.daily-summary.schedule", "every 1"}};
    cluster = std::make_unique<ServiceCluster>(o);
    for (const char* role : {"admin", "deputy", "secretary"}) {
      cluster->addUser(role, role, std::string("Пользователь ") + role, "", kPassword);
      cluster->addUser(std::string(role) + "2", role, std::string("Второй ") + role, "", kPassword);
    }
  }
  bool schoolsJoined = false;  // school-2 and school-3 stored, their users made (joinSchools)
  bool failed = false;         // set by CaseCheck

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

// A regression: a handler that needs no body (logout, a job run, POST /checks) left it on the connection, and
// nginx, which keeps its connections to the instances alive, had the next request on it — anyone's — read as
// "{}GET ..." (405 or 400).
BOOST_AUTO_TEST_CASE(a_body_the_service_does_not_read_does_not_spill_into_the_next_request) {
  Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(a()));
  session.setKeepAlive(true);
  session.setTimeout(Poco::Timespan(30, 0));
  auto send = [&](const std::string& method, const std::string& path, const std::string& token,
                  const std::string& body, bool* keptAlive = nullptr) {
    Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    req.setKeepAlive(true);
    if (!token.empty()) req.set("Authorization", "Bearer " + token);
    if (!body.empty()) {
      req.setContentType("application/json");
      req.setContentLength(static_cast<std::streamsize>(body.size()));
    }
    session.sendRequest(req) << body;
    Poco::Net::HTTPResponse res;
    std::istream& in = session.receiveResponse(res);
    std::string text;
    Poco::StreamCopier::copyToString(in, text);
    if (keptAlive) *keptAlive = res.getKeepAlive();
    return std::pair<int, std::string>(static_cast<int>(res.getStatus()), text);
  };
  bool keptAlive = false;
  auto out = send("POST", "/api/v1/auth/logout", login(a(), "deputy"), "{\"bye\": true}", &keptAlive);
  BOOST_TEST_REQUIRE(out.first == 200, out.second);
  BOOST_TEST_REQUIRE(keptAlive, "the connection stays open for the next request");
  auto next = send("GET", "/api/v1/me", login(a(), "admin"), "");
  BOOST_TEST(next.first == 200, next.second);
  BOOST_TEST(has(next.second, "\"login\":\"admin\""), next.second);
  // Through the proxy: one user's bodies to endpoints that read none, another user's requests between them.
  const std::string admin = login(proxy(), "admin");
  for (int i = 0; i < 6; ++i) {
    Resp run = call(proxy(), "POST", "/api/v1/auth/logout", login(proxy(), "secretary"), "{\"bye\": true}");
    BOOST_TEST(run.status == 200, run.body);
    Resp me = call(proxy(), "GET", "/api/v1/me", admin);
    BOOST_TEST(me.status == 200, me.body);
  }
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

  // The school's archives are in its own directory, archive.dir/stupeni.
  std::vector<std::string> q1, all;
  for (const auto& e : fs::directory_iterator(cluster().archiveDir() / "stupeni")) {
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
  s << "SELECT COUNT(*) FROM archive_index WHERE school_id = 'stupeni' AND period_id = '2025-Q1'",
      Poco::Data::Keywords::into(rows), Poco::Data::Keywords::now;
  s << "SELECT COUNT(*) FROM archive_index WHERE school_id = 'stupeni'", Poco::Data::Keywords::into(allRows),
      Poco::Data::Keywords::now;
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

// ---- three schools ----------------------------------------------------------------------------------------

namespace {

const std::string kA = "stupeni", kB = "school-2", kC = "school-3";
const std::vector<std::string> kSchoolRoles = {"admin",         "deputy",  "secretary",
                                               "class_teacher", "teacher", "auditor"};

// A school's own login of a role: "school-2.deputy".
std::string user(const std::string& school, const std::string& role) { return school + "." + role; }

// What marks a school's data in an answer: its id, the prefix of its class, subgroup and student ids, the
// surname of its 5А class teacher and its short name. `stupeni` is samples/tiny.xml as it is.
struct SchoolMarks {
  std::string id, prefix, teacher, shortName;
};
const SchoolMarks& marksOf(const std::string& school) {
  static const std::map<std::string, SchoolMarks> marks = {
      {kA, {kA, "", "Иванова", "МАОУ лицей «Ступени»"}},
      {kB, {kB, "s2-", "Соколова", "МБОУ СОШ № 2"}},
      {kC, {kC, "s3-", "Николаева", "МБОУ СОШ № 3"}},
  };
  return marks.at(school);
}

// Whether `body` shows anything of `school` (not for `stupeni`, whose ids are the others' without a prefix).
bool showsSchool(const std::string& body, const std::string& school) {
  const SchoolMarks& m = marksOf(school);
  return has(body, m.id) || has(body, m.prefix) || has(body, m.teacher) || has(body, m.shortName);
}

// samples/tiny.xml as school `school`: its own id and names, every class, subgroup and student id prefixed,
// and its own 5А class teacher's surname (`teacher`, or the school's). Staff, subject, lesson and period ids
// stay: they are the school's own in the store whatever other schools call theirs.
std::string schoolXml(const std::string& school, const std::string& teacher = {}) {
  const SchoolMarks& m = marksOf(school);
  const std::string number = school.substr(school.size() - 1);
  std::string xml = std::regex_replace(
      tinyXml(), std::regex("<school id=\"stupeni\"[^>]*/>"),
      "<school id=\"" + school +
          "\" fullName=\"Муниципальное бюджетное общеобразовательное учреждение «Средняя общеобразовательная "
          "школа № " +
          number + "»\" shortName=\"" + m.shortName +
          "\" director=\"Громова Ирина Павловна\" deputyDirector=\"Белкина Светлана Юрьевна\" "
          "address=\"620000, г. Екатеринбург, ул. Садовая, д. " +
          number + "\"/>");
  xml = std::regex_replace(xml, std::regex(" (id|class|student|subgroup)=\"(5a|8b|8b-eng-[12]|s[01][0-9])\""),
                           " $1=\"" + m.prefix + "$2\"");
  const std::string from = R"(<person id="t3" lastName="Иванова")";
  const auto pos = xml.find(from);
  BOOST_REQUIRE(pos != std::string::npos && has(xml, "id=\"" + m.prefix + "s16\""));
  xml.replace(pos, from.size(),
              "<person id=\"t3\" lastName=\"" + (teacher.empty() ? m.teacher : teacher) + "\"");
  return xml;
}

std::string errorCode(const Resp& r) {
  auto j = r.json();
  return j && j->has("error") ? j->getObject("error")->getValue<std::string>("code") : std::string();
}

// The endpoints of GET /api/v1/openapi.json through the proxy: "METHOD /path".
std::vector<std::string> openApiEndpoints() {
  Resp doc = call(proxy(), "GET", "/api/v1/openapi.json");
  BOOST_REQUIRE_MESSAGE(doc.status == 200, doc.body);
  std::vector<std::string> out;
  auto paths = doc.json()->getObject("paths");
  for (const auto& path : paths->getNames())
    for (std::string method : paths->getObject(path)->getNames()) {
      for (auto& ch : method) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      out.push_back(method + " " + path);
    }
  return out;
}

// The roles an endpoint allows (x-roles), by "METHOD /path"; public endpoints have none.
std::map<std::string, std::set<std::string>> openApiRoles() {
  Resp doc = call(proxy(), "GET", "/api/v1/openapi.json");
  BOOST_REQUIRE(doc.status == 200);
  std::map<std::string, std::set<std::string>> out;
  auto paths = doc.json()->getObject("paths");
  for (const auto& path : paths->getNames())
    for (const auto& method : paths->getObject(path)->getNames()) {
      auto roles = paths->getObject(path)->getObject(method)->getArray("x-roles");
      std::string m = method;
      for (auto& ch : m) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      auto& set = out[m + " " + path];
      for (size_t i = 0; i < roles->size(); ++i) set.insert(roles->getElement<std::string>(i));
    }
  return out;
}

// Reports carry the time they were made (JSON "created", text «Сформировано: …»); everything else of an
// answer must stay the same.
std::string withoutTimes(const std::string& body) {
  return std::regex_replace(
      std::regex_replace(body, std::regex("\"created\": ?\"[^\"]*\""), "\"created\": \"\""),
      std::regex("Сформировано: [^\n]*"), "Сформировано:");
}

// What `stupeni`'s users read (every role, the reading endpoints with journal data): the answer's status, and
// its body unless it is a PDF (which carries the time it was printed).
std::map<std::string, std::string> answersOfA() {
  const std::vector<std::string> paths = {"/api/v1/classes",
                                          "/api/v1/stats",
                                          "/api/v1/stats?class=5a",
                                          "/api/v1/findings?period=2025-Q1",
                                          "/api/v1/findings?period=2025-Q1&format=csv",
                                          "/api/v1/reports/control?period=2025-Q1",
                                          "/api/v1/reports/program?period=2025-Q1",
                                          "/api/v1/reports/results?period=2025-Q1&format=text",
                                          "/api/v1/reports/substitutions?period=2025-Q1",
                                          "/api/v1/reports/forecast?period=2025-Q1",
                                          "/api/v1/printouts/journal?class=5a&period=2025-Q1",
                                          "/api/v1/printouts/summary?class=8b",
                                          "/api/v1/extracts/s01?period=2025-Q1",
                                          "/api/v1/checks",
                                          "/api/v1/me/remarks",
                                          "/api/v1/archives"};
  std::map<std::string, std::string> out;
  for (const auto& role : kSchoolRoles) {
    const std::string token = login(proxy(), user(kA, role));
    for (const auto& path : paths) {
      Resp r = call(proxy(), "GET", path, token);
      BOOST_TEST(r.status < 500, role << " " << path << ": " << r.status << " " << r.body);
      out[role + " " + path] = std::to_string(r.status) + " " +
                               (r.contentType == "application/pdf" ? "PDF" : withoutTimes(r.body));
    }
  }
  return out;
}

void addSchoolUsers(const std::string& school, bool withAdmin) {
  for (const auto& role : kSchoolRoles) {
    if (role == "admin" && !withAdmin) continue;
    const std::string staff = role == "class_teacher" ? "t3" : role == "teacher" ? "t5" : "";
    cluster().addUser(user(school, role), role, "Сотрудник " + school + " " + role, staff, kPassword, school);
  }
}

// A school joins the region: the regional administrator makes its administrator, who uploads its journal
// through the proxy; then its other users are added through the CLI (--school).
void joinSchool(const std::string& school, const std::string& regionAdmin) {
  Resp created = call(proxy(), "POST", "/api/v1/users", regionAdmin,
                      jsonBody({{"login", user(school, "admin")},
                                {"fullName", "Администратор " + school},
                                {"role", "admin"},
                                {"school", school},
                                {"password", kPassword}}));
  BOOST_TEST_REQUIRE(created.status == 201, created.body);
  BOOST_TEST(created.json()->getValue<std::string>("school") == school);
  Resp stored = upload(proxy(), login(proxy(), user(school, "admin")), schoolXml(school));
  BOOST_TEST_REQUIRE(stored.status == 200, stored.body);
  addSchoolUsers(school, false);
}

// `stupeni` stored with a user of every role; the regional users. Then school-2 and school-3 join; `before`
// runs just before they do (the answers of `stupeni` to compare). Once per run.
void joinSchools(const std::function<void()>& before = {}) {
  if (shared->schoolsJoined) return;
  ensureJournal();  // binds the accounts made without a school to the only one
  addSchoolUsers(kA, true);
  cluster().addUser("region.inspector", "region_inspector", "Методист управления образования", "", kPassword);
  cluster().addUser("region.admin", "region_admin", "Администратор региона", "", kPassword);
  if (before) before();
  const std::string regionAdmin = login(proxy(), "region.admin");
  joinSchool(kB, regionAdmin);
  joinSchool(kC, regionAdmin);
  shared->schoolsJoined = true;
}

std::pair<Resp, Resp> sealOnBoth(const std::string& tokenA, const std::string& periodA,
                                 const std::string& tokenB, const std::string& periodB) {
  std::atomic<int> ready{0};
  Resp ra, rb;
  std::thread ta([&] {
    ++ready;
    while (ready < 2) std::this_thread::yield();
    ra = call(a(), "POST", "/api/v1/archives", tokenA, jsonBody({{"period", periodA}}));
  });
  std::thread tb([&] {
    ++ready;
    while (ready < 2) std::this_thread::yield();
    rb = call(b(), "POST", "/api/v1/archives", tokenB, jsonBody({{"period", periodB}}));
  });
  ta.join();
  tb.join();
  return {ra, rb};
}

std::vector<std::string> tarsIn(const fs::path& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (e.is_regular_file() && name.size() > 4 && name.substr(name.size() - 4) == ".tar") out.push_back(name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string normal(const fs::path& p) { return fs::absolute(p).lexically_normal().string(); }

}  // namespace

BOOST_FIXTURE_TEST_SUITE(three_schools, CaseCheck)

BOOST_AUTO_TEST_CASE(two_schools_join_and_the_first_schools_answers_stay_the_same) {
  BOOST_TEST_REQUIRE(!shared->schoolsJoined, "this case must run before the others of three_schools");
  std::map<std::string, std::string> before;
  joinSchools([&] { before = answersOfA(); });
  BOOST_TEST_REQUIRE(!before.empty());
  std::vector<std::string> schools;
  Poco::Data::Session s = database();
  s << "SELECT school_id FROM schools ORDER BY school_id", Poco::Data::Keywords::into(schools),
      Poco::Data::Keywords::now;
  BOOST_TEST((schools == std::vector<std::string>{kB, kC, kA}));
  auto same = [&](const std::string& when) {
    const auto now = answersOfA();
    for (const auto& [what, answer] : before) {
      BOOST_TEST(now.at(what) == answer, when << ": " << what);
      BOOST_TEST(!showsSchool(now.at(what), kB), when << ": " << what);
      BOOST_TEST(!showsSchool(now.at(what), kC), when << ": " << what);
    }
  };
  same("after school-2 and school-3 joined");
  // school-2's journal changes (its class teacher renamed), through instance B this time; school-3's deputy
  // records a check of school-3.
  Resp changed = upload(b(), login(b(), user(kB, "admin")), schoolXml(kB, "Орлова"));
  BOOST_TEST_REQUIRE(changed.status == 200, changed.body);
  BOOST_TEST(call(a(), "GET", "/api/v1/classes", login(a(), user(kB, "deputy"))).body.find("Орлова") !=
             std::string::npos);
  Resp check = call(proxy(), "POST", "/api/v1/checks?period=2025-Q1", login(proxy(), user(kC, "deputy")));
  BOOST_TEST_REQUIRE(check.status == 201, check.body);
  same("after school-2's journal changed and school-3 recorded a check");
  // And school-2 back as it joined.
  BOOST_TEST_REQUIRE(upload(a(), login(a(), user(kB, "admin")), schoolXml(kB)).status == 200);
}

BOOST_AUTO_TEST_CASE(
    the_same_period_of_one_school_sealed_on_both_instances_gives_one_archive_in_its_directory) {
  joinSchools();
  Poco::Data::Session s = database();
  const std::string secretaryA = login(a(), user(kA, "secretary"));
  const Resp listA = call(a(), "GET", "/api/v1/archives", secretaryA);
  BOOST_TEST_REQUIRE(listA.status == 200, listA.body);
  int rowsOfA = 0;
  s << "SELECT COUNT(*) FROM archive_index WHERE school_id = 'stupeni'", Poco::Data::Keywords::into(rowsOfA),
      Poco::Data::Keywords::now;

  auto [ra, rb] =
      sealOnBoth(login(a(), user(kB, "secretary")), "2025-Q1", login(b(), user(kB, "secretary")), "2025-Q1");
  const Resp& won = ra.status / 100 == 2 ? ra : rb;
  const Resp& lost = ra.status / 100 == 2 ? rb : ra;
  BOOST_TEST_REQUIRE(won.status == 201, ra.status << " " << ra.body << " / " << rb.status << " " << rb.body);
  BOOST_TEST(lost.status == 409, lost.body);
  BOOST_TEST(has(lost.errorMessage(), "2025-Q1 уже запечатан"), lost.errorMessage());
  BOOST_TEST(!has(lost.body, cluster().archiveDir().string()), "no server path: " << lost.body);
  BOOST_TEST(won.json()->getValue<std::string>("schoolId") == kB);
  // school-2's chain starts at 1, whatever `stupeni` sealed before.
  BOOST_TEST(won.json()->getValue<int>("sequence") == 1);
  BOOST_TEST((tarsIn(cluster().archiveDir() / kB) == std::vector<std::string>{"000001_2025-Q1_v1.tar"}));

  // school-3 seals the same period once, in its own directory with its own sequence 1; school-2 a second
  // period (sequence 2, a name `stupeni` has no archive of).
  Resp c1 = call(proxy(), "POST", "/api/v1/archives", login(proxy(), user(kC, "admin")),
                 jsonBody({{"period", "2025-Q1"}}));
  BOOST_TEST_REQUIRE(c1.status == 201, c1.body);
  BOOST_TEST(c1.json()->getValue<int>("sequence") == 1);
  Resp b3 = call(proxy(), "POST", "/api/v1/archives", login(proxy(), user(kB, "secretary")),
                 jsonBody({{"period", "2025-Q3"}}));
  BOOST_TEST_REQUIRE(b3.status == 201, b3.body);
  BOOST_TEST(b3.json()->getValue<std::string>("id") == "000002_2025-Q3_v1.tar");
  BOOST_TEST((tarsIn(cluster().archiveDir() / kB) ==
              std::vector<std::string>{"000001_2025-Q1_v1.tar", "000002_2025-Q3_v1.tar"}));
  BOOST_TEST((tarsIn(cluster().archiveDir() / kC) == std::vector<std::string>{"000001_2025-Q1_v1.tar"}));

  // The index: one row of school-2's 2025-Q1; every school's rows lie in its own directory, and every
  // directory holds only its school's archives.
  int q1OfB = 0;
  s << "SELECT COUNT(*) FROM archive_index WHERE school_id = 'school-2' AND period_id = '2025-Q1'",
      Poco::Data::Keywords::into(q1OfB), Poco::Data::Keywords::now;
  BOOST_TEST(q1OfB == 1);
  std::vector<std::string> rowSchools, rowDirs, rowFiles;
  s << "SELECT school_id, directory, file_name FROM archive_index", Poco::Data::Keywords::into(rowSchools),
      Poco::Data::Keywords::into(rowDirs), Poco::Data::Keywords::into(rowFiles), Poco::Data::Keywords::now;
  std::map<std::string, size_t> rowsPerSchool;
  for (size_t i = 0; i < rowSchools.size(); ++i) {
    ++rowsPerSchool[rowSchools[i]];
    BOOST_TEST(rowDirs[i] == normal(cluster().archiveDir() / rowSchools[i]),
               rowSchools[i] << " " << rowFiles[i] << " in " << rowDirs[i]);
  }
  for (const auto& school : {kA, kB, kC})
    BOOST_TEST(tarsIn(cluster().archiveDir() / school).size() == rowsPerSchool[school], school);
  BOOST_TEST(tarsIn(cluster().archiveDir()).empty(), "no archive outside a school's directory");

  // `stupeni`'s chain is as it was; school-2's verifies through the other instance.
  int rowsOfANow = 0;
  s << "SELECT COUNT(*) FROM archive_index WHERE school_id = 'stupeni'",
      Poco::Data::Keywords::into(rowsOfANow), Poco::Data::Keywords::now;
  BOOST_TEST(rowsOfANow == rowsOfA);
  BOOST_TEST(call(b(), "GET", "/api/v1/archives", secretaryA).body == listA.body);
  const std::string winner = won.json()->getValue<std::string>("id");
  const std::string adminB = login(a(), user(kB, "admin"));
  for (int port : {a(), b()}) {
    Resp v = call(port, "GET", "/api/v1/archives/" + winner + "/verify", adminB);
    BOOST_TEST(v.status == 200, v.body);
    BOOST_TEST((v.status == 200 && v.json()->getValue<bool>("ok")), v.body);
  }
}

BOOST_AUTO_TEST_CASE(isolation_matrix_every_endpoint_every_school_role) {
  joinSchools();
  // What only school-2 has: a class, a student, a recorded check, an archive, a login, a job unit.
  // The follow-up's addresses are a school's own: stupeni's teacher t5 has an e-mail address, school-2's t5
  // is someone else (the remarks of school-2's check went to stupeni's teacher).
  const std::string kEmail = "t5@stupeni.example";
  Resp email = call(proxy(), "PATCH", "/api/v1/users/" + user(kA, "teacher"),
                    login(proxy(), user(kA, "admin")), jsonBody({{"email", kEmail}}));
  BOOST_TEST_REQUIRE(email.status == 200, email.body);
  const std::string deputyB = login(proxy(), user(kB, "deputy"));
  Resp checkB = call(proxy(), "POST", "/api/v1/checks?period=2025-Q1", deputyB);
  BOOST_TEST_REQUIRE(checkB.status == 201, checkB.body);
  const std::string checkOfB = std::to_string(checkB.json()->getValue<Poco::Int64>("id"));
  Resp archivesB = call(proxy(), "GET", "/api/v1/archives", deputyB);
  BOOST_TEST_REQUIRE(archivesB.status == 200, archivesB.body);
  Resp archivesA = call(proxy(), "GET", "/api/v1/archives", login(proxy(), user(kA, "deputy")));
  BOOST_TEST_REQUIRE(archivesA.status == 200, archivesA.body);
  std::string archiveOfB;
  for (size_t i = 0; i < archivesB.json()->getArray("archives")->size(); ++i) {
    const std::string id = archivesB.json()->getArray("archives")->getObject(i)->getValue<std::string>("id");
    if (!has(archivesA.body, "\"" + id + "\"")) archiveOfB = id;
  }
  BOOST_TEST_REQUIRE(!archiveOfB.empty(),
                     "school-2 has an archive whose name stupeni has not: " << archivesB.body);
  const std::string classOfB = "s2-5a", studentOfB = "s2-s01";
  const std::string xmlOfB = schoolXml(kB, "Подменова");  // would change school-2 if it were stored

  // Every endpoint: the request asking for school-2 by ?school= (its other parameters valid for stupeni), and
  // the one with an id of school-2 only — or why an endpoint has none.
  struct Probe {
    std::string path;              // with stupeni's parameters; ?school=school-2 is added
    std::string foreign;           // an id of school-2 only; "" when the endpoint takes none
    std::string body = "{}";       // of a POST or PATCH
    std::string foreignBody = {};  // of the foreign request (default: body)
    int foreignStatus = 404;       // what the foreign request gets from an allowed role
  };
  const std::map<std::string, Probe> probes = {
      {"GET /api/v1/openapi.json", {"/api/v1/openapi.json", ""}},  // public, no school's data
      {"GET /healthz", {"/healthz", ""}},                          // public, the installation's state
      {"POST /api/v1/auth/login", {"/api/v1/auth/login", ""}},     // public; the body names the login
      {"POST /api/v1/auth/logout", {"/api/v1/auth/logout", ""}},   // the caller's own token
      {"GET /api/v1/me", {"/api/v1/me", ""}},                      // the caller's own account
      {"POST /api/v1/me/password",
       {"/api/v1/me/password", "", jsonBody({{"oldPassword", kPassword}, {"newPassword", kNewPassword}})}},
      {"GET /api/v1/users", {"/api/v1/users", ""}},
      {"POST /api/v1/users",
       {"/api/v1/users", "/api/v1/users",
        jsonBody({{"login", "spy"}, {"fullName", "Ш"}, {"role", "deputy"}, {"password", kPassword}}),
        jsonBody({{"login", "spy"},
                  {"fullName", "Ш"},
                  {"role", "deputy"},
                  {"school", kB},
                  {"password", kPassword}}),
        403}},
      {"PATCH /api/v1/users/{login}",
       {"/api/v1/users/" + user(kA, "teacher"), "/api/v1/users/" + user(kB, "teacher"),
        jsonBody({{"fullName", "Шпион"}})}},
      {"GET /api/v1/audit", {"/api/v1/audit", "/api/v1/audit?actor=" + user(kB, "admin"), "{}", {}, 200}},
      {"GET /api/v1/audit/verify", {"/api/v1/audit/verify", ""}},  // the installation's chain: counts, hashes
      {"GET /api/v1/jobs", {"/api/v1/jobs", ""}},
      {"POST /api/v1/jobs/{name}/run",
       {"/api/v1/jobs/daily-summary/run", "/api/v1/jobs/daily-summary@" + kB + "/run"}},
      {"POST /api/v1/ingest",
       {"/api/v1/ingest?name=tiny.xml", "/api/v1/ingest?name=other.xml", tinyXml(), xmlOfB, 403}},
      {"GET /api/v1/classes", {"/api/v1/classes", ""}},
      {"GET /api/v1/stats", {"/api/v1/stats?class=5a", "/api/v1/stats?class=" + classOfB}},
      {"POST /api/v1/pull", {"/api/v1/pull", "", jsonBody({{"period", "2025-Q1"}})}},  // the caller's school
      {"GET /api/v1/findings",
       {"/api/v1/findings?period=2025-Q1", "/api/v1/findings?period=2025-Q1&class=" + classOfB}},
      {"GET /api/v1/reports/{kind}",
       {"/api/v1/reports/control?period=2025-Q1",
        "/api/v1/reports/control?period=2025-Q1&class=" + classOfB}},
      {"GET /api/v1/printouts/journal",
       {"/api/v1/printouts/journal?class=5a&period=2025-Q1",
        "/api/v1/printouts/journal?class=" + classOfB + "&period=2025-Q1"}},
      {"GET /api/v1/printouts/summary",
       {"/api/v1/printouts/summary?class=5a", "/api/v1/printouts/summary?class=" + classOfB}},
      {"GET /api/v1/extracts/{student}",
       {"/api/v1/extracts/s01?period=2025-Q1", "/api/v1/extracts/" + studentOfB + "?period=2025-Q1"}},
      {"GET /api/v1/archives", {"/api/v1/archives", ""}},
      // Seals a period of the caller's school: period ids are alike in every school.
      {"POST /api/v1/archives", {"/api/v1/archives", "", jsonBody({{"period", "2025-Q4"}})}},
      {"GET /api/v1/archives/{id}",
       {"/api/v1/archives/000001_2025-Q1_v1.tar", "/api/v1/archives/" + archiveOfB}},
      {"GET /api/v1/archives/{id}/verify",
       {"/api/v1/archives/000001_2025-Q1_v1.tar/verify", "/api/v1/archives/" + archiveOfB + "/verify"}},
      {"GET /api/v1/archives/{id}/download",
       {"/api/v1/archives/000001_2025-Q1_v1.tar/download", "/api/v1/archives/" + archiveOfB + "/download"}},
      {"GET /api/v1/archives/{id}/member",
       {"/api/v1/archives/000001_2025-Q1_v1.tar/member?name=manifest.json",
        "/api/v1/archives/" + archiveOfB + "/member?name=manifest.json"}},
      {"POST /api/v1/backups", {"/api/v1/backups", ""}},  // the installation's store
      {"GET /api/v1/backups", {"/api/v1/backups", ""}},
      {"POST /api/v1/checks",
       {"/api/v1/checks?period=2025-Q1", "/api/v1/checks?period=2025-Q1&class=" + classOfB}},
      {"GET /api/v1/checks", {"/api/v1/checks", ""}},
      {"GET /api/v1/me/remarks", {"/api/v1/me/remarks", ""}},
      {"POST /api/v1/checks/{id}/acknowledge",
       {"/api/v1/checks/1/acknowledge", "/api/v1/checks/" + checkOfB + "/acknowledge"}},
      // The regional inspector's only: every school role is refused, also when naming school-2 alone.
      {"GET /api/v1/region/report",
       {"/api/v1/region/report?period=2025-Q1", "/api/v1/region/report?period=2025-Q1&schools=" + kB}},
  };
  const auto endpoints = openApiEndpoints();
  const auto roles = openApiRoles();
  BOOST_TEST(endpoints.size() == probes.size(),
             "openapi.json lists " << endpoints.size() << ", probed " << probes.size());
  for (const auto& e : endpoints) BOOST_TEST(probes.count(e) == 1u, "not probed: " << e);
  const std::set<std::string> listed(endpoints.begin(), endpoints.end());
  for (const auto& [e, probe] : probes) BOOST_TEST(listed.count(e) == 1u, "not in openapi.json: " << e);

  int statsBefore = 0;
  Poco::Data::Session s = database();
  s << "SELECT COUNT(*) FROM lessons WHERE school_id = 'school-2'", Poco::Data::Keywords::into(statsBefore),
      Poco::Data::Keywords::now;
  const std::string classesOfB = call(proxy(), "GET", "/api/v1/classes", deputyB).body;
  size_t requests = 0;
  for (const auto& role : kSchoolRoles) {
    BOOST_TEST_CONTEXT("stupeni's " << role) {
      const std::string token = login(proxy(), user(kA, role));
      for (const auto& [endpoint, probe] : probes) {
        const std::string method = endpoint.substr(0, endpoint.find(' '));
        const bool isPublic = roles.at(endpoint).empty();
        const bool allowed = isPublic || roles.at(endpoint).count(role) > 0;
        const std::string sep = has(probe.path, "?") ? "&" : "?";
        std::string body = method == "GET" ? "" : probe.body;
        if (endpoint == "POST /api/v1/auth/login")
          body = jsonBody({{"login", user(kA, role)}, {"password", kPassword}});
        const std::string type = endpoint == "POST /api/v1/ingest" ? "application/xml" : "application/json";
        // (1) ?school=school-2.
        Resp asked = call(proxy(), method, probe.path + sep + "school=" + kB, token, body, type);
        ++requests;
        if (isPublic) {
          BOOST_TEST(asked.status == 200, endpoint << ": " << asked.status << " " << asked.body);
          if (endpoint == "POST /api/v1/auth/login")  // the caller's own account (and a random token)
            BOOST_TEST((asked.status == 200 &&
                        asked.json()->getObject("user")->getValue<std::string>("school") == kA),
                       asked.body);
          else if (endpoint != "GET /healthz")  // the installation's state may name any school's failed job
            BOOST_TEST(!showsSchool(asked.body, kB), endpoint << ": " << asked.body);
        } else {
          BOOST_TEST(asked.status == 403,
                     endpoint << "?school=" << kB << ": " << asked.status << " " << asked.body);
          BOOST_TEST(errorCode(asked) == (allowed ? "other_school" : "forbidden"),
                     endpoint << ": " << asked.body);
          BOOST_TEST(!showsSchool(asked.body, kB), endpoint << ": " << asked.body);
        }
        // (2) an id of school-2 only.
        if (probe.foreign.empty()) continue;
        const std::string foreignBody = method == "GET"             ? ""
                                        : probe.foreignBody.empty() ? probe.body
                                                                    : probe.foreignBody;
        Resp foreign = call(proxy(), method, probe.foreign, token, foreignBody, type);
        ++requests;
        const int expected = allowed ? probe.foreignStatus : 403;
        BOOST_TEST(foreign.status == expected, probe.foreign << ": " << foreign.status << " (expected "
                                                             << expected << ") " << foreign.body);
        // A refusal may repeat the id asked for; an answer never carries school-2's data.
        if (endpoint == "GET /api/v1/audit" && foreign.status == 200)
          BOOST_TEST(foreign.json()->getArray("records")->size() == 0u, foreign.body);
        else if (foreign.status / 100 == 2)
          BOOST_TEST(!showsSchool(foreign.body, kB), probe.foreign << ": " << foreign.body);
      }
      // The token is still valid: neither the logout nor the password change asking for school-2 happened.
      BOOST_TEST(call(proxy(), "GET", "/api/v1/me", token).status == 200);
      BOOST_TEST(call(proxy(), "POST", "/api/v1/auth/login", {},
                      jsonBody({{"login", user(kA, role)}, {"password", kPassword}}))
                     .status == 200);
    }
  }
  BOOST_TEST(requests >= kSchoolRoles.size() * probes.size());
  // school-2 is as it was: nothing was stored for it, no user was changed, its check has no acknowledgement.
  int statsAfter = 0, acks = 0, spies = 0;
  s << "SELECT COUNT(*) FROM lessons WHERE school_id = 'school-2'", Poco::Data::Keywords::into(statsAfter),
      Poco::Data::Keywords::now;
  BOOST_TEST(statsAfter == statsBefore);
  BOOST_TEST(call(proxy(), "GET", "/api/v1/classes", deputyB).body == classesOfB);
  BOOST_TEST(!has(classesOfB, "Подменова"));
  s << "SELECT COUNT(*) FROM check_acks WHERE check_id = " + checkOfB, Poco::Data::Keywords::into(acks),
      Poco::Data::Keywords::now;
  BOOST_TEST(acks == 0);
  s << "SELECT COUNT(*) FROM service_users WHERE login = 'spy' OR full_name = 'Шпион'",
      Poco::Data::Keywords::into(spies), Poco::Data::Keywords::now;
  BOOST_TEST(spies == 0);
  // The remarks of school-2's check went to no address of stupeni; those of stupeni's own check do.
  Resp checkA = call(proxy(), "POST", "/api/v1/checks?period=2025-Q1", login(proxy(), user(kA, "deputy")));
  BOOST_TEST_REQUIRE(checkA.status == 201, checkA.body);
  int toA = 0, leaked = 0;
  s << "SELECT COUNT(*) FROM outbox WHERE school_id = 'stupeni' AND recipient = '" + kEmail + "'",
      Poco::Data::Keywords::into(toA), Poco::Data::Keywords::now;
  s << "SELECT COUNT(*) FROM outbox WHERE school_id <> 'stupeni' AND recipient = '" + kEmail + "'",
      Poco::Data::Keywords::into(leaked), Poco::Data::Keywords::now;
  BOOST_TEST(toA >= 1);
  BOOST_TEST(leaked == 0);
  // The checks stupeni's deputy lists are stupeni's.
  std::vector<Poco::Int64> idsOfA;
  s << "SELECT id FROM checks WHERE school_id = 'stupeni'", Poco::Data::Keywords::into(idsOfA),
      Poco::Data::Keywords::now;
  Resp checksA = call(proxy(), "GET", "/api/v1/checks", login(proxy(), user(kA, "deputy")));
  BOOST_TEST_REQUIRE(checksA.status == 200);
  for (size_t i = 0; i < checksA.json()->getArray("checks")->size(); ++i) {
    const auto id = checksA.json()->getArray("checks")->getObject(i)->getValue<Poco::Int64>("id");
    BOOST_TEST((std::find(idsOfA.begin(), idsOfA.end(), id) != idsOfA.end()), id);
  }
}

BOOST_AUTO_TEST_CASE(the_regional_inspector_reads_every_school_and_changes_nothing) {
  joinSchools();
  const std::string token = login(proxy(), "region.inspector");
  for (const auto& school : {kA, kB, kC}) {
    BOOST_TEST_CONTEXT(school) {
      const SchoolMarks& m = marksOf(school);
      Resp classes = call(proxy(), "GET", "/api/v1/classes?school=" + school, token);
      BOOST_TEST_REQUIRE(classes.status == 200, classes.body);
      std::set<std::string> ids;
      auto arr = classes.json()->getArray("classes");
      for (size_t i = 0; i < arr->size(); ++i) ids.insert(arr->getObject(i)->getValue<std::string>("id"));
      BOOST_TEST((ids == std::set<std::string>{m.prefix + "5a", m.prefix + "8b"}), classes.body);
      BOOST_TEST(has(classes.body, m.teacher), classes.body);
      Resp stats = call(proxy(), "GET", "/api/v1/stats?school=" + school, token);
      BOOST_TEST_REQUIRE(stats.status == 200, stats.body);
      auto rows = stats.json()->getArray("stats");
      BOOST_TEST(rows->size() > 0u);
      for (size_t i = 0; i < rows->size(); ++i)
        BOOST_TEST(ids.count(rows->getObject(i)->getValue<std::string>("classId")) == 1u, stats.body);
      for (const std::string path :
           {"/api/v1/findings?period=2025-Q1", "/api/v1/reports/control?period=2025-Q1",
            "/api/v1/reports/program?period=2025-Q1&format=csv", "/api/v1/checks", "/api/v1/archives"}) {
        Resp got = call(proxy(), "GET", path + (has(path, "?") ? "&" : "?") + "school=" + school, token);
        BOOST_TEST(got.status == 200, path << ": " << got.body);
        for (const auto& other : {kB, kC})
          if (other != school) BOOST_TEST(!showsSchool(got.body, other), path << ": " << got.body);
      }
      Resp archives = call(proxy(), "GET", "/api/v1/archives?school=" + school, token);
      auto list = archives.json()->getArray("archives");
      if (school != kA) BOOST_TEST(list->size() > 0u, archives.body);  // sealed by the case above
      for (size_t i = 0; i < list->size(); ++i) {
        BOOST_TEST(list->getObject(i)->getValue<std::string>("schoolId") == school);
        const std::string id = list->getObject(i)->getValue<std::string>("id");
        Resp v = call(proxy(), "GET", "/api/v1/archives/" + id + "/verify?school=" + school, token);
        BOOST_TEST(v.status == 200, v.body);
        // The archive lists and their verification, not the documents.
        BOOST_TEST(
            call(proxy(), "GET", "/api/v1/archives/" + id + "/download?school=" + school, token).status ==
            403);
      }
      BOOST_TEST(
          call(proxy(), "GET", "/api/v1/printouts/summary?class=" + m.prefix + "5a&school=" + school, token)
              .status == 403);
    }
  }
  // Without ?school= the inspector is told to name one of the stored schools.
  for (const std::string path : {"/api/v1/classes", "/api/v1/stats", "/api/v1/findings?period=2025-Q1",
                                 "/api/v1/archives", "/api/v1/checks"}) {
    Resp r = call(proxy(), "GET", path, token);
    BOOST_TEST(r.status == 400, path << ": " << r.body);
    BOOST_TEST(errorCode(r) == "school_required", path << ": " << r.body);
    for (const auto& school : {kA, kB, kC}) BOOST_TEST(has(r.errorMessage(), school), r.errorMessage());
  }
  Resp unknown = call(proxy(), "GET", "/api/v1/classes?school=nosuch", token);
  BOOST_TEST(unknown.status == 404, unknown.body);
  BOOST_TEST(errorCode(unknown) == "no_such_school");
  // Every write endpoint is refused, naming a school or not; the inspector's own session and password are
  // the inspector's (logout, me/password), and logging in is public.
  const auto roles = openApiRoles();
  size_t writes = 0, refused = 0;
  for (const auto& e : openApiEndpoints()) {
    const std::string method = e.substr(0, e.find(' '));
    if (method != "POST" && method != "PATCH" && method != "PUT" && method != "DELETE") continue;
    ++writes;
    if (e == "POST /api/v1/auth/login" || e == "POST /api/v1/auth/logout" || e == "POST /api/v1/me/password")
      continue;
    BOOST_TEST(roles.at(e).count("region_inspector") == 0u, e);
    std::string path = e.substr(e.find(' ') + 1);
    path = std::regex_replace(path, std::regex("\\{[a-z]+\\}"), "1");
    for (const std::string& q : {std::string(), "?school=" + kB}) {
      Resp r = call(proxy(), method, path + q, token, "{}");
      BOOST_TEST(r.status == 403, e << q << ": " << r.status << " " << r.body);
      BOOST_TEST(errorCode(r) == "forbidden", e << q);
    }
    ++refused;
  }
  BOOST_TEST(writes == refused + 3);
  BOOST_TEST(refused >= 9u);
}

BOOST_AUTO_TEST_CASE(the_regional_admin_manages_each_schools_users_and_reads_no_journal) {
  joinSchools();
  const std::string token = login(proxy(), "region.admin");
  Resp created = call(proxy(), "POST", "/api/v1/users", token,
                      jsonBody({{"login", user(kB, "deputy2")},
                                {"fullName", "Второй заместитель школы № 2"},
                                {"role", "deputy"},
                                {"school", kB},
                                {"password", kPassword}}));
  BOOST_TEST_REQUIRE(created.status == 201, created.body);
  BOOST_TEST(created.json()->getValue<std::string>("school") == kB);
  for (const auto& school : {kA, kB, kC}) {
    Resp users = call(proxy(), "GET", "/api/v1/users?school=" + school, token);
    BOOST_TEST_REQUIRE(users.status == 200, users.body);
    auto arr = users.json()->getArray("users");
    std::set<std::string> logins;
    for (size_t i = 0; i < arr->size(); ++i) {
      BOOST_TEST(arr->getObject(i)->getValue<std::string>("school") == school, users.body);
      logins.insert(arr->getObject(i)->getValue<std::string>("login"));
    }
    for (const auto& role : kSchoolRoles)
      BOOST_TEST(logins.count(user(school, role)) == 1u, school << " " << role);
    BOOST_TEST(logins.count(user(kB, "deputy2")) == (school == kB ? 1u : 0u), school);
  }
  // The new deputy works in school-2 at once, on either instance.
  const std::string deputy2 = login(a(), user(kB, "deputy2"));
  Resp classes = call(b(), "GET", "/api/v1/classes", deputy2);
  BOOST_TEST(classes.status == 200, classes.body);
  BOOST_TEST(has(classes.body, "\"s2-5a\""), classes.body);
  // No journal data for the regional administrator, whichever school is named.
  for (const std::string path :
       {"/api/v1/findings?period=2025-Q1", "/api/v1/reports/control?period=2025-Q1", "/api/v1/classes",
        "/api/v1/stats", "/api/v1/printouts/summary?class=s2-5a", "/api/v1/extracts/s2-s01?period=2025-Q1",
        "/api/v1/archives", "/api/v1/checks"}) {
    Resp r = call(proxy(), "GET", path + (has(path, "?") ? "&" : "?") + "school=" + kB, token);
    BOOST_TEST(r.status == 403, path << ": " << r.status << " " << r.body);
    BOOST_TEST(errorCode(r) == "forbidden", path << ": " << r.body);
  }
  // Each school's job runs, per school.
  Resp jobs = call(proxy(), "GET", "/api/v1/jobs?school=" + kC, token);
  BOOST_TEST_REQUIRE(jobs.status == 200, jobs.body);
  BOOST_TEST(!has(jobs.body, "daily-summary@" + kA), jobs.body);
  BOOST_TEST(!has(jobs.body, "daily-summary@" + kB), jobs.body);
}

BOOST_AUTO_TEST_CASE(a_school_token_from_one_instance_works_on_the_other_for_its_school_only) {
  joinSchools();
  const std::string token = login(a(), user(kB, "deputy"));
  Resp me = call(b(), "GET", "/api/v1/me", token);
  BOOST_TEST_REQUIRE(me.status == 200, me.body);
  BOOST_TEST(me.json()->getValue<std::string>("school") == kB);
  Resp classes = call(b(), "GET", "/api/v1/classes", token);
  BOOST_TEST_REQUIRE(classes.status == 200, classes.body);
  BOOST_TEST(has(classes.body, "\"s2-5a\""), classes.body);
  BOOST_TEST(!has(classes.body, "\"5a\""), classes.body);
  Resp other = call(b(), "GET", "/api/v1/classes?school=" + kA, token);
  BOOST_TEST(other.status == 403, other.body);
  BOOST_TEST(errorCode(other) == "other_school");
  BOOST_TEST(call(b(), "GET", "/api/v1/stats?class=5a", token).status == 404);  // stupeni's class id
  std::set<std::string> upstreams;
  for (int i = 0; i < 6; ++i) {
    Resp r = call(proxy(), "GET", "/api/v1/findings?period=2025-Q1", token);
    BOOST_TEST(r.status == 200, r.body);
    BOOST_TEST(has(r.body, "s2-5a"));
    BOOST_TEST(!showsSchool(r.body, kC));
    upstreams.insert(r.header("X-Upstream"));
  }
  BOOST_TEST(upstreams.size() == 2u, "round robin reached both instances");
  // A logout on instance B ends it on A too.
  BOOST_TEST_REQUIRE(call(b(), "POST", "/api/v1/auth/logout", token).status == 200);
  BOOST_TEST(call(a(), "GET", "/api/v1/classes", token).status == 401);
}

BOOST_AUTO_TEST_CASE(each_schools_job_runs_once_across_both_instances) {
  joinSchools();
  // daily-summary runs every minute for every school on both instances' schedulers; wait for two due times
  // of each school (school-2 and school-3 have existed since the first case of this suite).
  Poco::Data::Session s = database();
  std::map<std::string, std::vector<std::string>> dues;
  auto ready = [&] {
    for (const auto& school : {kA, kB, kC})
      if (dues[school].size() < 2) return false;
    return true;
  };
  const auto deadline = std::chrono::steady_clock::now() + 200s;
  while (std::chrono::steady_clock::now() < deadline) {
    for (const auto& school : {kA, kB, kC}) {
      std::string unit = "daily-summary@" + school;
      dues[school].clear();
      s << "SELECT DISTINCT due FROM job_runs WHERE job = $1 AND status = 'succeeded' ORDER BY due",
          Poco::Data::Keywords::use(unit), Poco::Data::Keywords::into(dues[school]),
          Poco::Data::Keywords::now;
    }
    if (ready()) break;
    std::this_thread::sleep_for(2s);
  }
  BOOST_TEST_REQUIRE(ready(), "daily-summary did not run twice for every school in 200 s\n"
                                  << cluster().logTail());
  const std::string logs = ejournal::model::readFile(cluster().instanceOutput(0)) +
                           ejournal::model::readFile(cluster().instanceOutput(1));
  std::set<std::string> instances;
  for (const auto& school : {kA, kB, kC}) {
    std::string unit = "daily-summary@" + school;
    for (const auto& due : dues[school]) {
      BOOST_TEST_CONTEXT(unit << " due " << due) {
        int runs = 0;
        std::string d = due;
        s << "SELECT COUNT(*) FROM job_runs WHERE job = $1 AND due = $2", Poco::Data::Keywords::use(unit),
            Poco::Data::Keywords::use(d), Poco::Data::Keywords::into(runs), Poco::Data::Keywords::now;
        BOOST_TEST(runs == 1);
        std::vector<std::string> by;
        s << "SELECT instance FROM job_runs WHERE job = $1 AND due = $2", Poco::Data::Keywords::use(unit),
            Poco::Data::Keywords::use(d), Poco::Data::Keywords::into(by), Poco::Data::Keywords::now;
        instances.insert(by.begin(), by.end());
        const std::regex line("job daily-summary@" + school + " \\(due " + due + ", attempt 1\\) succeeded");
        const auto lines =
            std::distance(std::sregex_iterator(logs.begin(), logs.end(), line), std::sregex_iterator());
        BOOST_TEST(lines == 1, "executed " << lines << " times");
      }
    }
    // Each school's administrator sees the school's own runs of the job.
    Resp jobs = call(proxy(), "GET", "/api/v1/jobs", login(proxy(), user(school, "admin")));
    BOOST_TEST_REQUIRE(jobs.status == 200, jobs.body);
    auto list = jobs.json()->getArray("jobs");
    size_t runsShown = 0;
    for (size_t i = 0; i < list->size(); ++i) {
      auto job = list->getObject(i);
      if (job->getValue<std::string>("name") != "daily-summary") continue;
      BOOST_TEST(job->getValue<bool>("eachSchool"));
      auto runs = job->getArray("runs");
      for (size_t k = 0; k < runs->size(); ++k, ++runsShown)
        BOOST_TEST(runs->getObject(k)->getValue<std::string>("job") == unit, jobs.body);
    }
    BOOST_TEST(runsShown >= 2u, school << ": " << jobs.body);
  }
  BOOST_TEST_MESSAGE("daily-summary runs made by " << instances.size() << " instance(s)");
}

BOOST_AUTO_TEST_SUITE_END()
