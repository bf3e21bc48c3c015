// region_bench (issue 16): a region's schools in one store, and the service read through nginx over two
// instances while a school's ingest and a pull run. Prints figures; not a test.
//
//   build/bench/region_bench [--schools N] [--large-every K] [--seconds S] [--clients C] [--no-sqlite]
//
// 1. N schools (default 50) from the sample generator (samples::regionSchool: «МБОУ СОШ № n», own seed),
// every
//    K-th (default 10) with 44 classes, the others with 11, each written as XML and ingested into PostgreSQL
//    (EJOURNAL_PG, one database "region_bench") and into SQLite (a file): seconds, rows/s and MB/s per back
//    end, and each store's size.
// 2. The deputy's monthly check (rules and the control report of October 2025) of every school from the
//    PostgreSQL store, on all cores: the wall time of the whole round.
// 3. Two `ejournal serve` instances behind nginx (tests/support/service_cluster.h) on a database holding one
//    school, C clients (default 8) reading the report endpoints through the proxy for S seconds (default 30)
//    with ?school=ID, while the school's changed journal is uploaded through the proxy and a pull from the
//    dnevnik.ru emulator (tests/pull) runs: requests/s and p50/p95/p99 per endpoint, overall and while a
//    write ran. The service answers for one stored school only until it is scoped per school; the bench shows
//    what a request to the N-school store answers today.
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
#include <mutex>
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
#include "service_cluster.h"
#include "usecases.h"

namespace fs = std::filesystem;
using namespace ejournal;
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

struct Answer {
  int status = 0;
  std::string body;
};

// One HTTP client with a kept-alive connection (reopened by Poco when the server closed it).
class Client {
 public:
  explicit Client(int port) : session_("127.0.0.1", static_cast<Poco::UInt16>(port)) {
    session_.setKeepAlive(true);
    session_.setTimeout(Poco::Timespan(900, 0));
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

struct Sample {
  double start, ms;  // seconds since the load began, latency
  bool ok;
};

struct Options {
  int schools = 50;
  int largeEvery = 10;
  int seconds = 30;
  int clients = 8;
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
    else if (a == "--no-sqlite")
      o.sqlite = false;
    else if (a == "--help" || a == "-h") {
      std::cout
          << "region_bench [--schools N] [--large-every K] [--seconds S] [--clients C] [--no-sqlite]\n"
             "Needs EJOURNAL_PG (source scripts/pg.sh && ejournal_pg_start), nginx and the built ejournal.\n";
      std::exit(0);
    } else
      throw std::runtime_error("unknown option " + a);
  }
  if (o.schools < 1 || o.largeEvery < 1 || o.seconds < 1 || o.clients < 1)
    throw std::runtime_error("options must be positive");
  return o;
}

samples::SampleOptions schoolOptions(const Options& o, int n) {
  return samples::regionSchool(n, n % o.largeEvery == 0 ? 44 : 11);
}

// ---- 1. ingest
// ----------------------------------------------------------------------------------------------

struct IngestTotals {
  double seconds = 0;
  size_t rows = 0;
  double megabytes = 0;
};

void ingestRegion(const Options& o, store::Store& pg, store::Store* lite, IngestTotals& pgT,
                  IngestTotals& liteT, double& generateSeconds) {
  const model::Clock& clock = *model::systemClock();
  for (int n = 1; n <= o.schools; ++n) {
    auto t0 = Clock::now();
    const samples::SampleOptions so = schoolOptions(o, n);
    const std::string xml = xmlOf(samples::generate(so).journal);
    generateSeconds += since(t0);
    const double mb = static_cast<double>(xml.size()) / 1e6;
    auto t1 = Clock::now();
    auto out = app::ingestXml(pg, xml, so.schoolId + ".xml", "xml:" + so.schoolId + ".xml", clock);
    const double pgs = since(t1);
    const size_t rows = out.summary.inserted + out.summary.updated + out.summary.unchanged;
    pgT.seconds += pgs;
    pgT.rows += rows;
    pgT.megabytes += mb;
    double ls = 0;
    if (lite) {
      auto t2 = Clock::now();
      app::ingestXml(*lite, xml, so.schoolId + ".xml", "xml:" + so.schoolId + ".xml", clock);
      ls = since(t2);
      liteT.seconds += ls;
      liteT.rows += rows;
      liteT.megabytes += mb;
    }
    std::printf("  %-10s %2d classes %6.1f MB %8zu rows: PostgreSQL %6.2f s", so.schoolId.c_str(), so.classes,
                mb, rows, pgs);
    if (lite) std::printf(", SQLite %6.2f s", ls);
    std::printf("\n");
    std::fflush(stdout);
  }
}

// ---- 2. the monthly check ---------------------------------------------------------------------------------

double monthlyCheck(const Options& o, store::Store& st, size_t& findings) {
  std::atomic<int> next{1};
  std::atomic<size_t> total{0};
  std::mutex errorMutex;
  std::string error;
  const auto clock = model::systemClock();
  const rules::Config config = rules::Config::schoolDefaults();
  auto worker = [&] {
    for (int n = next++; n <= o.schools; n = next++) {
      try {
        store::LoadFilter f;
        f.schoolId = samples::regionSchool(n, 11).schoolId;
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
  auto t0 = Clock::now();
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < std::max(1u, std::thread::hardware_concurrency()); ++t) pool.emplace_back(worker);
  for (auto& t : pool) t.join();
  if (!error.empty()) throw std::runtime_error("monthly check: " + error);
  findings = total;
  return since(t0);
}

// ---- 3. reads through the proxy during writes
// ---------------------------------------------------------------

void readLoad(const Options& o) {
  const std::string password = "region-bench-42";
  // The read database holds one school: the first region school with numeric ids, as the emulator serves it.
  const model::Journal school =
      pulltest::withNumericIds(samples::generate(schoolOptions(o, 1)).journal, 1000);
  const std::string id = school.school.id;
  const std::string db = freshPostgres("region_bench_read");
  {
    auto st = store::Store::open(db);
    app::ingestXml(*st, xmlOf(school), "school.xml", "xml:school.xml", *model::systemClock());
  }
  // The changed journal to upload during the load: every tenth mark never corrected before is a 3.
  model::Journal changed = school;
  size_t k = 0;
  for (auto& m : changed.marks)
    if (m.history.empty() && k++ % 10 == 0) m.value = model::MarkValue::parse("3").value_or(m.value);
  const std::string changedXml = xmlOf(changed);
  pulltest::DnevnikEmulator emulator(school);

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
               {"pull.tokenFile", (tmp / "dnevnik.token").string()},
               {"log.level", "warning"},
               {"limits.upload", "512M"}};
  testsupport::ServiceCluster cluster(co);
  cluster.addUser("deputy", "deputy", "Заместитель директора", "", password);
  cluster.addUser("admin", "admin", "Администратор", "", password);
  const int proxy = cluster.proxyPort();
  const std::string deputy = loginToken(proxy, "deputy", password);
  const std::string admin = loginToken(proxy, "admin", password);

  const std::string sq = "school=" + id;
  const std::vector<std::pair<std::string, std::string>> endpoints = {
      {"stats", "/api/v1/stats?period=2025-Q1&" + sq},
      {"classes", "/api/v1/classes?" + sq},
      {"findings 2025-10", "/api/v1/findings?from=2025-10-01&to=2025-10-31&format=json&" + sq},
      {"control 2025-10", "/api/v1/reports/control?from=2025-10-01&to=2025-10-31&format=json&" + sq},
      {"results Q1", "/api/v1/reports/results?period=2025-Q1&format=json&" + sq},
  };
  {  // warm both instances' journal snapshots, and check every endpoint answers
    Client c(proxy);
    for (int round = 0; round < 2; ++round)
      for (const auto& [name, path] : endpoints) {
        Answer a = c.send("GET", path, deputy);
        if (a.status != 200)
          throw std::runtime_error(name + ": " + std::to_string(a.status) + " " + a.body.substr(0, 300));
      }
  }

  std::vector<std::vector<Sample>> samples(endpoints.size());
  std::mutex samplesMutex;
  std::atomic<bool> stop{false};
  const auto t0 = Clock::now();
  std::vector<std::thread> clients;
  for (int c = 0; c < o.clients; ++c)
    clients.emplace_back([&, c] {
      Client client(proxy);
      std::vector<std::vector<Sample>> mine(endpoints.size());
      for (size_t i = static_cast<size_t>(c); !stop; ++i) {
        const size_t e = i % endpoints.size();
        const auto s = Clock::now();
        Answer a = client.send("GET", endpoints[e].second, deputy);
        mine[e].push_back({std::chrono::duration<double>(s - t0).count(), since(s) * 1000, a.status == 200});
      }
      std::lock_guard lock(samplesMutex);
      for (size_t e = 0; e < endpoints.size(); ++e)
        samples[e].insert(samples[e].end(), mine[e].begin(), mine[e].end());
    });

  // The writes, one after the other, from a quarter of the way in.
  double ingestFrom = 0, ingestTo = 0, pullFrom = 0, pullTo = 0;
  int ingestStatus = 0, pullStatus = 0;
  std::string pullBody;
  std::this_thread::sleep_for(std::chrono::milliseconds(o.seconds * 250));
  {
    Client w(proxy);
    ingestFrom = since(t0);
    Answer up = w.send("POST", "/api/v1/ingest?name=changed.xml&" + sq, admin, changedXml, "application/xml");
    ingestTo = since(t0);
    ingestStatus = up.status;
    pullFrom = since(t0);
    Answer pulled = w.send("POST", "/api/v1/pull?" + sq, admin, json({{"period", "2025-Q1"}}));
    pullTo = since(t0);
    pullStatus = pulled.status;
    pullBody = pulled.body.substr(0, 200);
  }
  const double rest = o.seconds - since(t0);
  if (rest > 0) std::this_thread::sleep_for(std::chrono::duration<double>(rest));
  stop = true;
  for (auto& t : clients) t.join();
  const double total = since(t0);

  std::printf(
      "\n3. reads through nginx over 2 instances: %d clients for %.0f s, school %s (%zu lessons, %zu "
      "marks)\n",
      o.clients, total, id.c_str(), school.lessons.size(), school.marks.size());
  std::printf("   upload of the changed journal (%.1f MB) through the proxy: HTTP %d in %.2f s (at %.1f s)\n",
              static_cast<double>(changedXml.size()) / 1e6, ingestStatus, ingestTo - ingestFrom, ingestFrom);
  std::printf(
      "   pull of 2025-Q1 from the dnevnik.ru emulator through the proxy: HTTP %d in %.2f s (at %.1f "
      "s)%s%s\n",
      pullStatus, pullTo - pullFrom, pullFrom, pullStatus == 200 ? "" : " ",
      pullStatus == 200 ? "" : pullBody.c_str());
  std::printf("   %-18s %8s %7s %8s %8s %8s | while writing: %6s %8s %8s %8s\n", "endpoint", "req/s",
              "errors", "p50 ms", "p95 ms", "p99 ms", "n", "p50 ms", "p95 ms", "p99 ms");
  size_t all = 0;
  std::vector<double> everything, duringAll;
  for (size_t e = 0; e < endpoints.size(); ++e) {
    std::vector<double> lat, during;
    size_t errors = 0;
    for (const auto& s : samples[e]) {
      lat.push_back(s.ms);
      if (!s.ok) ++errors;
      const double end = s.start + s.ms / 1000;
      if (end >= ingestFrom && s.start <= pullTo) during.push_back(s.ms);
    }
    all += lat.size();
    everything.insert(everything.end(), lat.begin(), lat.end());
    duringAll.insert(duringAll.end(), during.begin(), during.end());
    std::printf("   %-18s %8.1f %7zu %8.1f %8.1f %8.1f | %21zu %8.1f %8.1f %8.1f\n",
                endpoints[e].first.c_str(), static_cast<double>(lat.size()) / total, errors,
                percentile(lat, 50), percentile(lat, 95), percentile(lat, 99), during.size(),
                percentile(during, 50), percentile(during, 95), percentile(during, 99));
  }
  std::printf("   %-18s %8.1f %7s %8.1f %8.1f %8.1f | %21zu %8.1f %8.1f %8.1f\n", "all",
              static_cast<double>(all) / total, "", percentile(everything, 50), percentile(everything, 95),
              percentile(everything, 99), duringAll.size(), percentile(duringAll, 50),
              percentile(duringAll, 95), percentile(duringAll, 99));
  std::error_code ec;
  fs::remove_all(tmp, ec);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Options o = parse(argc, argv);
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
    char tmpl[] = "/tmp/ejournal-region-sqlite-XXXXXX";
    if (!::mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
    const fs::path liteDir = tmpl;
    const fs::path liteFile = liteDir / "region.db";
    auto pgStore = store::Store::open(pgConn);
    std::unique_ptr<store::Store> liteStore = o.sqlite ? store::Store::open(liteFile.string()) : nullptr;
    IngestTotals pgT, liteT;
    double generateSeconds = 0;
    std::printf("\n1. ingest (XML validated, parsed and stored, one transaction per school)\n");
    ingestRegion(o, *pgStore, liteStore.get(), pgT, liteT, generateSeconds);
    std::printf("   generating and writing the XML: %.1f s\n", generateSeconds);
    auto line = [](const char* name, const IngestTotals& t, int64_t size) {
      std::printf("   %-10s %7.1f s %9.0f rows/s %6.2f MB/s  (%zu rows, %.0f MB of XML); store %.0f MB\n",
                  name, t.seconds, static_cast<double>(t.rows) / t.seconds, t.megabytes / t.seconds, t.rows,
                  t.megabytes, static_cast<double>(size) / 1e6);
    };
    line("PostgreSQL", pgT, postgresSize(pgConn));
    if (liteStore) {
      liteStore.reset();
      int64_t bytes = 0;
      for (const auto& e : fs::directory_iterator(liteDir))
        bytes += static_cast<int64_t>(fs::file_size(e.path()));
      line("SQLite", liteT, bytes);
    }
    std::error_code ec;
    fs::remove_all(liteDir, ec);

    size_t findings = 0;
    const double check = monthlyCheck(o, *pgStore, findings);
    std::printf(
        "\n2. monthly check (October 2025: rules and the control report) of %d schools from PostgreSQL on %u "
        "threads: %.1f s (%zu findings)\n",
        o.schools, std::max(1u, std::thread::hardware_concurrency()), check, findings);
    pgStore.reset();

    // What the service answers today on the region's store (waits for per-school scoping).
    {
      testsupport::ClusterOptions co;
      co.name = "region_bench_all";
      co.db = pgConn;
      co.instances = 1;
      testsupport::ServiceCluster one(co);
      one.addUser("deputy", "deputy", "Заместитель директора", "", "region-bench-42");
      const std::string token = loginToken(one.proxyPort(), "deputy", "region-bench-42");
      Answer a = Client(one.proxyPort())
                     .send("GET",
                           "/api/v1/reports/results?period=2025-Q1&format=json&school=" +
                               samples::regionSchool(1, 11).schoolId,
                           token);
      std::printf(
          "   the service on the %d-school store, GET /api/v1/reports/results?school=school-1: HTTP %d %s\n",
          o.schools, a.status, a.status == 200 ? "" : a.body.substr(0, 240).c_str());
    }

    readLoad(o);
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "region_bench: " << e.what() << "\n";
    return 2;
  }
}
