// region_bench (issue 16): a region's schools in one store, and the service read through nginx over two
// instances on that store while a school's ingest and a pull run. Prints figures; not a test.
//
//   build/bench/region_bench [--schools N] [--large-every K] [--seconds S] [--clients C] [--deputies D]
//                            [--no-sqlite]
//
// 1. N schools (default 50) from the sample generator (samples::regionSchool: «МБОУ СОШ № n», own seed),
// every
//    K-th (default 10) with 44 classes, the others with 11, each written as XML and ingested into PostgreSQL
//    (EJOURNAL_PG, one database "region_bench") and into SQLite (a file): seconds, rows/s and MB/s per back
//    end (and the PostgreSQL server's CPU seconds), their ratio, and each store's size. School 1 is stored
//    with numeric ids (pulltest::withNumericIds), as the dnevnik.ru emulator serves it, so phase 3 can pull
//    it.
// 2. The deputy's monthly check (rules and the control report of October 2025) of every school from the
//    PostgreSQL store, one school per thread on all cores: wall and CPU seconds (this process and the server)
//    and how parallel the round was (CPU / wall).
// 3. Two `ejournal serve` instances behind nginx (tests/support/service_cluster.h) on the same N-school
//    PostgreSQL store. C clients (default 8) read the main report endpoints through the proxy for S seconds
//    (default 60): each request as the deputy of one of D schools (default 8, bound to their school) or, one
//    request in three, as the regional inspector with ?school= of a random one of the N schools. A quarter of
//    the way in, the admin of the first 44-class school uploads its changed journal through the proxy while
//    the admin of school 1 pulls 2025-Q1 from the dnevnik.ru emulator (tests/pull; the school's own token,
//    pull.tokenFile.<school>). Prints requests/s and p50/p95/p99 per endpoint without the writes and while
//    they ran, the CPU seconds of each instance, of the server and of the clients, and each instance's
//    memory.
#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/Session.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "ejournal/ingest/ingest.h"
#include "ejournal/model/files.h"
#include "ejournal/model/index.h"
#include "ejournal/reports/reports.h"
#include "ejournal/rules/rules.h"
#include "ejournal/samples/generator.h"
#include "ejournal/store/store.h"
#include "emulator.h"
#include "proc_cpu.h"
#include "service_cluster.h"
#include "usecases.h"

namespace fs = std::filesystem;
using namespace ejournal;
using benchsupport::cpuSeconds;
using benchsupport::procCpu;
using benchsupport::ServerCpu;
using Clock = std::chrono::steady_clock;

namespace {

double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

std::string freshPostgres(const std::string& name) {
  const char* pg = std::getenv("EJOURNAL_PG");
  Poco::Data::Session admin("PostgreSQL", pg);
  admin << "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)", Poco::Data::Keywords::now;
  admin << "CREATE DATABASE " + name, Poco::Data::Keywords::now;
  return "postgresql:" + std::regex_replace(std::string(pg), std::regex("dbname=[^ ]+"), "dbname=" + name);
}

int64_t postgresSize(const std::string& conn) {
  Poco::Data::Session s("PostgreSQL", conn.substr(std::string("postgresql:").size()));
  int64_t bytes = 0;
  s << "SELECT pg_database_size(current_database())", Poco::Data::Keywords::into(bytes),
      Poco::Data::Keywords::now;
  return bytes;
}

// The PostgreSQL server of EJOURNAL_PG, for its CPU seconds (the parent of one of its backends).
ServerCpu postgresServer() {
  Poco::Data::Session s("PostgreSQL", std::getenv("EJOURNAL_PG"));
  int backend = 0;
  s << "SELECT pg_backend_pid()", Poco::Data::Keywords::into(backend), Poco::Data::Keywords::now;
  return ServerCpu{benchsupport::parentOf(backend)};
}

struct Answer {
  int status = 0;
  std::string body;
};

// One HTTP client with a kept-alive connection (reopened by Poco when the server closed it).
class Client {
 public:
  explicit Client(int port, int timeoutSeconds = 900)
      : session_("127.0.0.1", static_cast<Poco::UInt16>(port)) {
    session_.setKeepAlive(true);
    session_.setTimeout(Poco::Timespan(timeoutSeconds, 0));
  }
  Answer send(const std::string& method, const std::string& path, const std::string& token,
              const std::string& body = {}, const std::string& type = "application/json") {
    Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    req.setKeepAlive(true);
    if (!token.empty()) req.set("Authorization", "Bearer " + token);
    if (method == "POST") {
      req.setContentType(type);
      req.setContentLength64(body.size());
    }
    Answer a;
    try {
      session_.sendRequest(req) << body;
      Poco::Net::HTTPResponse res;
      Poco::StreamCopier::copyToString(session_.receiveResponse(res), a.body);
      a.status = static_cast<int>(res.getStatus());
    } catch (const Poco::Exception& e) {
      session_.reset();
      a.status = -1;
      a.body = e.displayText();
    }
    return a;
  }

 private:
  Poco::Net::HTTPClientSession session_;
};

std::string json(std::initializer_list<std::pair<std::string, std::string>> fields) {
  Poco::JSON::Object o;
  for (const auto& [k, v] : fields) o.set(k, v);
  std::ostringstream s;
  o.stringify(s);
  return s.str();
}

std::string loginToken(int port, const std::string& user, const std::string& password) {
  Answer a =
      Client(port).send("POST", "/api/v1/auth/login", {}, json({{"login", user}, {"password", password}}));
  if (a.status != 200)
    throw std::runtime_error("login " + user + ": " + std::to_string(a.status) + " " + a.body);
  Poco::JSON::Parser p;
  return p.parse(a.body).extract<Poco::JSON::Object::Ptr>()->getValue<std::string>("token");
}

std::string xmlOf(const model::Journal& j) {
  std::ostringstream out;
  ingest::writeJournal(j, out);
  return out.str();
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t k = static_cast<size_t>(p / 100.0 * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(k, v.size() - 1)];
}

struct Options {
  int schools = 50;
  int largeEvery = 10;
  int seconds = 60;
  int clients = 8;
  int deputies = 8;
  bool sqlite = true;
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> int {
      if (i + 1 >= argc) throw std::runtime_error(a + " needs a number");
      return std::atoi(argv[++i]);
    };
    if (a == "--schools")
      o.schools = next();
    else if (a == "--large-every")
      o.largeEvery = next();
    else if (a == "--seconds")
      o.seconds = next();
    else if (a == "--clients")
      o.clients = next();
    else if (a == "--deputies")
      o.deputies = next();
    else if (a == "--no-sqlite")
      o.sqlite = false;
    else if (a == "--help" || a == "-h") {
      std::cout << "region_bench [--schools N] [--large-every K] [--seconds S] [--clients C] [--deputies D] "
                   "[--no-sqlite]\n"
                   "Needs EJOURNAL_PG (source scripts/pg.sh && ejournal_pg_start), nginx and the built "
                   "ejournal.\n";
      std::exit(0);
    } else
      throw std::runtime_error("unknown option " + a);
  }
  if (o.schools < 1 || o.largeEvery < 1 || o.seconds < 1 || o.clients < 1 || o.deputies < 1)
    throw std::runtime_error("options must be positive");
  o.deputies = std::min(o.deputies, o.schools);
  return o;
}

// ---- the region's schools ---------------------------------------------------------------------------------

constexpr int kPulled = 1;              // the school stored with numeric ids and pulled in phase 3
constexpr uint64_t kPulledBase = 1000;  // its numeric ids start here: its school id is "1000"

samples::SampleOptions schoolOptions(const Options& o, int n) {
  return samples::regionSchool(n, n % o.largeEvery == 0 ? 44 : 11);
}

// The n-th school's journal as stored (school kPulled with numeric ids).
model::Journal schoolJournal(const Options& o, int n) {
  model::Journal j = samples::generate(schoolOptions(o, n)).journal;
  return n == kPulled ? pulltest::withNumericIds(j, kPulledBase) : j;
}

struct School {
  int n = 0;
  std::string id;
  int classes = 0;
};

// The school whose admin uploads during the reads: the first 44-class one, else the last that is not pulled.
int uploadSchool(const Options& o) {
  if (o.largeEvery <= o.schools && o.largeEvery != kPulled) return o.largeEvery;
  return o.schools > 1 ? o.schools : kPulled;
}

// ---- 1. ingest
// ----------------------------------------------------------------------------------------------

struct IngestTotals {
  double seconds = 0;
  size_t rows = 0;
  double megabytes = 0;
  double serverCpu = 0;
  double cpu = 0;
};

std::vector<School> ingestRegion(const Options& o, store::Store& pg, store::Store* lite,
                                 const ServerCpu& server, IngestTotals& pgT, IngestTotals& liteT,
                                 double& generateSeconds) {
  const model::Clock& clock = *model::systemClock();
  std::vector<School> schools;
  for (int n = 1; n <= o.schools; ++n) {
    auto t0 = Clock::now();
    const model::Journal journal = schoolJournal(o, n);
    const std::string xml = xmlOf(journal);
    generateSeconds += since(t0);
    schools.push_back({n, journal.school.id, schoolOptions(o, n).classes});
    const std::string name = journal.school.id + ".xml";
    const double mb = static_cast<double>(xml.size()) / 1e6;
    auto t1 = Clock::now();
    double cpu0 = cpuSeconds(), server0 = server.now();
    auto out = app::ingestXml(pg, xml, name, "xml:" + name, clock);
    const double pgs = since(t1);
    const size_t rows = out.summary.inserted + out.summary.updated + out.summary.unchanged;
    pgT.seconds += pgs;
    pgT.rows += rows;
    pgT.megabytes += mb;
    pgT.cpu += cpuSeconds() - cpu0;
    pgT.serverCpu += server.now() - server0;
    double ls = 0;
    if (lite) {
      auto t2 = Clock::now();
      cpu0 = cpuSeconds();
      app::ingestXml(*lite, xml, name, "xml:" + name, clock);
      ls = since(t2);
      liteT.seconds += ls;
      liteT.rows += rows;
      liteT.megabytes += mb;
      liteT.cpu += cpuSeconds() - cpu0;
    }
    std::printf("  %-10s %2d classes %6.1f MB %8zu rows: PostgreSQL %6.2f s", journal.school.id.c_str(),
                schools.back().classes, mb, rows, pgs);
    if (lite) std::printf(", SQLite %6.2f s", ls);
    std::printf("\n");
    std::fflush(stdout);
  }
  return schools;
}

// ---- 2. the monthly check ---------------------------------------------------------------------------------

struct CheckFigures {
  double wall = 0, cpu = 0, serverCpu = 0;
  size_t findings = 0;
  unsigned threads = 0;
};

CheckFigures monthlyCheck(const std::vector<School>& schools, store::Store& st, const ServerCpu& server) {
  std::atomic<size_t> next{0};
  std::atomic<size_t> total{0};
  std::mutex errorMutex;
  std::string error;
  const auto clock = model::systemClock();
  const rules::Config config = rules::Config::schoolDefaults();
  auto worker = [&] {
    for (size_t i = next++; i < schools.size(); i = next++) {
      try {
        store::LoadFilter f;
        f.schoolId = schools[i].id;
        const model::Journal j = st.load(f);
        const model::JournalIndex index(j);
        const rules::Scope scope =
            rules::resolveScope(index, "", "2025-10-01", "2025-10-31", "", "", "", *clock);
        const rules::CheckResult result = rules::run(index, scope, config);
        auto report = reports::buildControlReport(index, scope, result.findings, config, clock->now());
        std::ostringstream text;
        reports::write(report, reports::Format::Text, text);
        total += result.findings.size();
      } catch (const std::exception& e) {
        std::lock_guard lock(errorMutex);
        error = e.what();
      }
    }
  };
  CheckFigures f;
  f.threads = std::max(1u, std::thread::hardware_concurrency());
  const double cpu0 = cpuSeconds(), server0 = server.now();
  auto t0 = Clock::now();
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < f.threads; ++t) pool.emplace_back(worker);
  for (auto& t : pool) t.join();
  if (!error.empty()) throw std::runtime_error("monthly check: " + error);
  f.wall = since(t0);
  f.cpu = cpuSeconds() - cpu0;
  f.serverCpu = server.now() - server0;
  f.findings = total;
  return f;
}

// ---- 3. reads through the proxy during writes
// ---------------------------------------------------------------

struct Sample {
  double start, ms;  // seconds since the load began, latency
  bool ok;
  bool inspector;
};

struct Endpoint {
  std::string name, path;  // path ends in '?' or '&', ready for "school=ID"
};

struct Reader {
  std::string token;
  std::string school;  // the deputy's school; empty: the regional inspector, any school
};

// One row of figures: requests/s and percentiles of the samples in [from, to) of the load.
void printRow(const std::vector<const Sample*>& in, double seconds) {
  std::vector<double> ms;
  size_t errors = 0;
  for (const Sample* s : in) {
    ms.push_back(s->ms);
    errors += !s->ok;
  }
  std::printf(" %7.1f %6zu %7.0f %7.0f %7.0f", seconds > 0 ? static_cast<double>(ms.size()) / seconds : 0.0,
              errors, percentile(ms, 50), percentile(ms, 95), percentile(ms, 99));
}

void readLoad(const Options& o, const std::string& db, const std::vector<School>& schools,
              const ServerCpu& server) {
  const std::string password = "region-bench-42";
  const School& pulled = schools.at(kPulled - 1);
  const School& uploaded = schools.at(static_cast<size_t>(uploadSchool(o) - 1));
  // The upload: the school's journal with every tenth mark never corrected before changed to a 3.
  std::string changedXml;
  {
    model::Journal changed = schoolJournal(o, uploaded.n);
    size_t k = 0;
    for (auto& m : changed.marks)
      if (m.history.empty() && k++ % 10 == 0) m.value = model::MarkValue::parse("3").value_or(m.value);
    changedXml = xmlOf(changed);
  }
  pulltest::DnevnikEmulator emulator(schoolJournal(o, pulled.n));

  char tmpl[] = "/tmp/ejournal-region-bench-XXXXXX";
  if (!::mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
  const fs::path tmp = tmpl;
  model::writeFileAtomic(tmp / "dnevnik.token", "emulator-token\n");
  testsupport::ClusterOptions co;
  co.name = "region_bench";
  co.db = db;
  co.instances = 2;
  co.nginxWorkers = 2;
  co.config = {{"pull.baseUrl", emulator.baseUrl()},
               {"pull.tokenFile." + pulled.id, (tmp / "dnevnik.token").string()},
               {"log.level", "warning"},
               {"limits.upload", "512M"}};
  auto tc = Clock::now();
  testsupport::ServiceCluster cluster(co);
  std::printf("\n3. two instances behind nginx on the %zu-school PostgreSQL store: started in %.1f s\n",
              schools.size(), since(tc));
  // The deputies' schools: the pulled one, the uploaded one, and the rest spread over the region.
  std::vector<int> deputyOf = {pulled.n};
  if (uploaded.n != pulled.n) deputyOf.push_back(uploaded.n);
  for (int i = 0; static_cast<int>(deputyOf.size()) < o.deputies; ++i) {
    const int n = 1 + (i * o.schools / o.deputies + o.schools / (2 * o.deputies)) % o.schools;
    int m = n;
    while (std::find(deputyOf.begin(), deputyOf.end(), m) != deputyOf.end()) m = m % o.schools + 1;
    deputyOf.push_back(m);
  }
  tc = Clock::now();
  std::vector<Reader> readers;
  for (int n : deputyOf) {
    const std::string& id = schools.at(static_cast<size_t>(n - 1)).id;
    cluster.addUser("deputy-" + id, "deputy", "Заместитель директора " + id, "", password, id);
  }
  cluster.addUser("admin-" + uploaded.id, "admin", "Администратор " + uploaded.id, "", password, uploaded.id);
  if (pulled.id != uploaded.id)
    cluster.addUser("admin-" + pulled.id, "admin", "Администратор " + pulled.id, "", password, pulled.id);
  cluster.addUser("inspector", "region_inspector", "Методист управления образования", "", password);
  const int proxy = cluster.proxyPort();
  for (int n : deputyOf) {
    const std::string& id = schools.at(static_cast<size_t>(n - 1)).id;
    readers.push_back({loginToken(proxy, "deputy-" + id, password), id});
  }
  const std::string inspector = loginToken(proxy, "inspector", password);
  const std::string uploader = loginToken(proxy, "admin-" + uploaded.id, password);
  const std::string puller = loginToken(proxy, "admin-" + pulled.id, password);
  std::string deputyList;
  for (const auto& r : readers) deputyList += (deputyList.empty() ? "" : ", ") + r.school;
  std::printf(
      "   users added and logged in in %.1f s; deputies of %zu schools (%s) and the regional inspector\n",
      since(tc), readers.size(), deputyList.c_str());

  const std::vector<Endpoint> endpoints = {
      {"stats Q1", "/api/v1/stats?period=2025-Q1&"},
      {"classes", "/api/v1/classes?"},
      {"findings 2025-10", "/api/v1/findings?from=2025-10-01&to=2025-10-31&format=json&"},
      {"control 2025-10", "/api/v1/reports/control?from=2025-10-01&to=2025-10-31&format=json&"},
      {"results Q1", "/api/v1/reports/results?period=2025-Q1&format=json&"},
  };
  auto pathOf = [&](size_t e, const std::string& school) { return endpoints[e].path + "school=" + school; };
  {  // every instance loads every school's journal once (the inspector reads any)
    tc = Clock::now();
    std::atomic<size_t> next{0};
    std::mutex m;
    std::string failure;
    std::vector<std::thread> warm;
    for (unsigned t = 0; t < std::max(1u, std::thread::hardware_concurrency()); ++t)
      warm.emplace_back([&] {
        std::vector<std::unique_ptr<Client>> direct;
        for (size_t j = 0; j < cluster.size(); ++j)
          direct.push_back(std::make_unique<Client>(cluster.instancePort(j)));
        for (size_t s = next++; s < schools.size(); s = next++) {
          const size_t e = 1;  // classes: the journal's snapshot, nothing else
          for (auto& c : direct) {
            Answer a = c->send("GET", pathOf(e, schools[s].id), inspector);
            if (a.status != 200) {
              std::lock_guard lock(m);
              failure = endpoints[e].name + " " + schools[s].id + ": " + std::to_string(a.status) + " " +
                        a.body.substr(0, 300);
            }
          }
        }
      });
    for (auto& t : warm) t.join();
    if (!failure.empty()) throw std::runtime_error("warm-up: " + failure);
    std::printf("   warm-up (every school's journal loaded by both instances): %.1f s\n", since(tc));
    std::fflush(stdout);
    for (size_t i = 0; i < cluster.size(); ++i)
      std::printf("   instance %zu after warm-up: RSS %.0f MB, CPU %.1f s\n", i + 1,
                  static_cast<double>(benchsupport::procStatus(cluster.instancePid(i), "VmRSS")) / 1024,
                  procCpu(cluster.instancePid(i), false));
  }

  std::vector<Sample> all;
  std::vector<size_t> endpointOf;
  std::mutex samplesMutex;
  std::atomic<bool> stop{false};
  std::atomic<int> shownErrors{0};
  std::vector<double> instanceCpu0;
  for (size_t i = 0; i < cluster.size(); ++i) instanceCpu0.push_back(procCpu(cluster.instancePid(i), false));
  const double server0 = server.now(), clients0 = cpuSeconds();
  const auto t0 = Clock::now();
  std::vector<std::thread> clients;
  for (int c = 0; c < o.clients; ++c)
    clients.emplace_back([&, c] {
      std::mt19937 rng(static_cast<unsigned>(2025 + c));
      Client client(proxy, 120);  // a request past 2 minutes counts as an error
      std::vector<Sample> mine;
      std::vector<size_t> mineEndpoint;
      for (size_t i = static_cast<size_t>(c); !stop; ++i) {
        const size_t e = i % endpoints.size();
        const bool asInspector = rng() % 3 == 0;
        std::string path, token;
        if (asInspector) {
          path = pathOf(e, schools[rng() % schools.size()].id);
          token = inspector;
        } else {
          const Reader& r = readers[rng() % readers.size()];
          path = endpoints[e].path;  // bound to their school: no ?school=
          path.pop_back();
          token = r.token;
        }
        const auto s = Clock::now();
        Answer a = client.send("GET", path, token);
        mine.push_back(
            {std::chrono::duration<double>(s - t0).count(), since(s) * 1000, a.status == 200, asInspector});
        mineEndpoint.push_back(e);
        if (a.status != 200 && shownErrors++ < 10) {
          std::lock_guard lock(samplesMutex);
          std::fprintf(stderr, "   %s %s: HTTP %d %s\n", token == inspector ? "inspector" : "deputy",
                       path.c_str(), a.status, a.body.substr(0, 200).c_str());
        }
      }
      std::lock_guard lock(samplesMutex);
      all.insert(all.end(), mine.begin(), mine.end());
      endpointOf.insert(endpointOf.end(), mineEndpoint.begin(), mineEndpoint.end());
    });

  // The writes, at once, from a quarter of the way in: the upload of one school and the pull of another.
  std::this_thread::sleep_for(std::chrono::milliseconds(o.seconds * 250));
  struct Write {
    double from = 0, to = 0;
    Answer answer;
  };
  Write up, pull;
  std::thread uploading([&] {
    Client w(proxy);
    up.from = since(t0);
    up.answer = w.send("POST", "/api/v1/ingest?name=changed.xml", uploader, changedXml, "application/xml");
    up.to = since(t0);
  });
  std::thread pulling([&] {
    Client w(proxy);
    pull.from = since(t0);
    pull.answer = w.send("POST", "/api/v1/pull", puller, json({{"period", "2025-Q1"}}));
    pull.to = since(t0);
  });
  uploading.join();
  pulling.join();
  const double writeFrom = std::min(up.from, pull.from), writeTo = std::max(up.to, pull.to);
  // At least S seconds in all, and a quarter of S after the writes (the reloads they cause).
  const double until = std::max<double>(o.seconds, writeTo + o.seconds / 4.0);
  const double rest = until - since(t0);
  if (rest > 0) std::this_thread::sleep_for(std::chrono::duration<double>(rest));
  stop = true;
  for (auto& t : clients) t.join();
  const double total = since(t0);
  const double serverCpu = server.now() - server0, clientsCpu = cpuSeconds() - clients0;

  std::printf("   %d clients for %.0f s; one request in three as the inspector on a random school of %zu\n",
              o.clients, total, schools.size());
  std::printf(
      "   upload of %s's changed journal (%d classes, %.1f MB) by its admin: HTTP %d in %.2f s (at %.1f "
      "s)%s%s\n",
      uploaded.id.c_str(), uploaded.classes, static_cast<double>(changedXml.size()) / 1e6, up.answer.status,
      up.to - up.from, up.from, up.answer.status == 200 ? "" : " ",
      up.answer.status == 200 ? "" : up.answer.body.substr(0, 200).c_str());
  std::printf(
      "   pull of %s 2025-Q1 from the dnevnik.ru emulator by its admin: HTTP %d in %.2f s (at %.1f s)%s%s\n",
      pulled.id.c_str(), pull.answer.status, pull.to - pull.from, pull.from,
      pull.answer.status == 200 ? "" : " ",
      pull.answer.status == 200 ? "" : pull.answer.body.substr(0, 200).c_str());
  // A request is "during the writes" when it overlapped [writeFrom, writeTo] at all.
  const double during = writeTo - writeFrom, without = total - during;
  std::printf(
      "   %-20s | without writes (%.0f s): %5s %6s %7s %7s %7s | during writes (%.0f s): %5s %6s %7s %7s "
      "%7s\n",
      "endpoint", without, "req/s", "errors", "p50 ms", "p95 ms", "p99 ms", during, "req/s", "errors",
      "p50 ms", "p95 ms", "p99 ms");
  auto row = [&](const std::string& name, auto&& pick) {
    std::vector<const Sample*> out, in;
    for (size_t k = 0; k < all.size(); ++k) {
      if (!pick(k)) continue;
      const Sample& s = all[k];
      const bool overlaps = s.start + s.ms / 1000 >= writeFrom && s.start <= writeTo;
      (overlaps ? in : out).push_back(&s);
    }
    std::printf("   %-20s | %24s", name.c_str(), "");
    printRow(out, without);
    std::printf(" | %23s", "");
    printRow(in, during);
    std::printf("\n");
  };
  for (size_t e = 0; e < endpoints.size(); ++e)
    row(endpoints[e].name, [&](size_t k) { return endpointOf[k] == e; });
  row("as school deputies", [&](size_t k) { return !all[k].inspector; });
  row("as the inspector", [&](size_t k) { return all[k].inspector; });
  row("all", [](size_t) { return true; });
  std::printf("   CPU seconds during the load:");
  for (size_t i = 0; i < cluster.size(); ++i)
    std::printf(" instance %zu %.1f,", i + 1, procCpu(cluster.instancePid(i), false) - instanceCpu0[i]);
  std::printf(" PostgreSQL server %.1f, the clients (this process) %.1f; in %.0f s on %u cores\n", serverCpu,
              clientsCpu, total, std::max(1u, std::thread::hardware_concurrency()));
  for (size_t i = 0; i < cluster.size(); ++i)
    std::printf("   instance %zu memory: RSS %.0f MB, peak %.0f MB\n", i + 1,
                static_cast<double>(benchsupport::procStatus(cluster.instancePid(i), "VmRSS")) / 1024,
                static_cast<double>(benchsupport::procStatus(cluster.instancePid(i), "VmHWM")) / 1024);
  std::error_code ec;
  fs::remove_all(tmp, ec);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Options o = parse(argc, argv);
    std::setvbuf(stdout, nullptr, _IOLBF, 0);  // each figure as soon as it is known, also into a file
    const char* pg = std::getenv("EJOURNAL_PG");
    if (!pg || !*pg) {
      std::cerr << "region_bench needs PostgreSQL: source scripts/pg.sh && ejournal_pg_start\n";
      return 2;
    }
    Poco::Data::PostgreSQL::Connector::registerConnector();
    int large = 0;
    for (int n = 1; n <= o.schools; ++n) large += schoolOptions(o, n).classes == 44;
    std::printf("region_bench: %d schools (%d with 44 classes, %d with 11), %u cores\n", o.schools, large,
                o.schools - large, std::thread::hardware_concurrency());

    const std::string pgConn = freshPostgres("region_bench");
    const ServerCpu server = postgresServer();
    char tmpl[] = "/tmp/ejournal-region-sqlite-XXXXXX";
    if (!::mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
    const fs::path liteDir = tmpl;
    const fs::path liteFile = liteDir / "region.db";
    auto pgStore = store::Store::open(pgConn);
    std::unique_ptr<store::Store> liteStore = o.sqlite ? store::Store::open(liteFile.string()) : nullptr;
    IngestTotals pgT, liteT;
    double generateSeconds = 0;
    std::printf("\n1. ingest (XML validated, parsed and stored, one transaction per school)\n");
    const std::vector<School> schools =
        ingestRegion(o, *pgStore, liteStore.get(), server, pgT, liteT, generateSeconds);
    std::printf("   generating and writing the XML: %.1f s\n", generateSeconds);
    auto line = [](const char* name, const IngestTotals& t, int64_t size, bool withServer) {
      std::printf("   %-10s %7.1f s %9.0f rows/s %6.2f MB/s  (%zu rows, %.0f MB of XML); CPU %.1f s", name,
                  t.seconds, static_cast<double>(t.rows) / t.seconds, t.megabytes / t.seconds, t.rows,
                  t.megabytes, t.cpu);
      if (withServer) std::printf(" + server %.1f s", t.serverCpu);
      std::printf("; store %.0f MB\n", static_cast<double>(size) / 1e6);
    };
    line("PostgreSQL", pgT, postgresSize(pgConn), true);
    if (liteStore) {
      liteStore.reset();
      int64_t bytes = 0;
      for (const auto& e : fs::directory_iterator(liteDir))
        bytes += static_cast<int64_t>(fs::file_size(e.path()));
      line("SQLite", liteT, bytes, false);
      std::printf("   PostgreSQL / SQLite: %.2fx wall, %.2fx CPU (with the server's)\n",
                  pgT.seconds / liteT.seconds, (pgT.cpu + pgT.serverCpu) / liteT.cpu);
    }
    std::error_code ec;
    fs::remove_all(liteDir, ec);

    const CheckFigures check = monthlyCheck(schools, *pgStore, server);
    std::printf(
        "\n2. monthly check (October 2025: load, rules and the control report) of %zu schools from "
        "PostgreSQL "
        "on %u threads: %.1f s wall, CPU %.1f s + server %.1f s (%.2f cores busy); %zu findings\n",
        schools.size(), check.threads, check.wall, check.cpu, check.serverCpu,
        (check.cpu + check.serverCpu) / check.wall, check.findings);
    pgStore.reset();

    readLoad(o, pgConn, schools, server);
    std::printf("\n   store after the writes: PostgreSQL %.0f MB\n",
                static_cast<double>(postgresSize(pgConn)) / 1e6);
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "region_bench: " << e.what() << "\n";
    return 2;
  }
}
