// Store throughput on each back end: upsert rate of a whole generated school year into a fresh store
// (records/s, marks/s, and the equivalent MB/s of its canonical XML), the re-ingest of the same data
// (everything unchanged), a re-ingest with 1% of marks changed (updates + history), load() of the full year,
// and stats(). Each step prints wall seconds and the CPU seconds of this process and, for a PostgreSQL server
// on this machine whose processes we may read, of the server (the postmaster and all its children): on a
// shared machine the CPU figures are the ones to compare.
//
// Usage: store_bench [--classes 11|44] [--batch LESSONS] [--db CONN] [--pg CONN]
//   SQLite always runs, on a fresh file in the temp directory (--db CONN: that store instead). PostgreSQL
//   runs when --pg or $EJOURNAL_PG gives a libpq connection string ("host=... port=... user=... dbname=..."):
//   the bench creates a fresh database on that server, measures, and drops it. The data arrives in parts as
//   the ingest stage sends them: reference data first, then batches of lessons with their marks, attendance
//   and period marks.
#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/Session.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <sstream>
#include <string>
#include <unordered_map>

#include "ejournal/ingest/ingest.h"
#include "ejournal/samples/generator.h"
#include "ejournal/store/store.h"
#include "proc_cpu.h"

namespace fs = std::filesystem;
using namespace ejournal;
using Clock = std::chrono::steady_clock;

namespace {

double seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

using benchsupport::cpuSeconds;
using benchsupport::parentOf;
using benchsupport::ServerCpu;

// Times one step: wall seconds, this process's CPU seconds and the server's.
struct Step {
  const ServerCpu& server;
  Clock::time_point wall = Clock::now();
  double cpu = cpuSeconds(), serverCpu = server.now();
  double seconds() const { return ::seconds(wall); }
  std::string cpuText() const {
    char buf[96];
    const double s = server.now();
    if (serverCpu >= 0 && s >= 0)
      std::snprintf(buf, sizeof buf, "cpu %5.2f s + server %5.2f s", cpuSeconds() - cpu, s - serverCpu);
    else
      std::snprintf(buf, sizeof buf, "cpu %5.2f s", cpuSeconds() - cpu);
    return buf;
  }
};

store::IngestSummary ingestAll(store::Store& s, const std::vector<model::Journal>& ps,
                               const std::string& run) {
  auto tx = s.beginIngest({"bench", run, *model::DateTime::parse("2026-06-01T12:00:00")});
  for (const auto& p : ps) tx->upsert(p);
  return tx->commit();
}

void runBackend(const std::string& name, const std::string& db, const ServerCpu& server,
                const model::Journal& j, const std::vector<model::Journal>& ps,
                const std::vector<model::Journal>& cps, size_t records, double xmlMb) {
  std::printf("\n%s\n", name.c_str());
  auto store = store::Store::open(db);

  Step first(server);
  auto ins = ingestAll(*store, ps, "bench-1");
  double t = first.seconds();
  std::printf(
      "first ingest:     %7.2f s  %s  %9.0f records/s  %9.0f marks/s  %6.1f MB/s of XML  (inserted %zu)\n", t,
      first.cpuText().c_str(), records / t, j.marks.size() / t, xmlMb / t, ins.inserted);

  Step again(server);
  auto same = ingestAll(*store, ps, "bench-2");
  t = again.seconds();
  std::printf(
      "same again:       %7.2f s  %s  %9.0f records/s                    %6.1f MB/s of XML  (unchanged %zu, "
      "updated %zu)\n",
      t, again.cpuText().c_str(), records / t, xmlMb / t, same.unchanged, same.updated);

  Step changed(server);
  auto upd = ingestAll(*store, cps, "bench-3");
  std::printf("1%% marks changed: %7.2f s  %s  (updated %zu, history entries %zu)\n", changed.seconds(),
              changed.cpuText().c_str(), upd.updated, upd.markChanges);

  Step load(server);
  model::Journal loaded = store->load({});
  std::printf("load full year:   %7.2f s  %s  (%zu lessons, %zu marks)\n", load.seconds(),
              load.cpuText().c_str(), loaded.lessons.size(), loaded.marks.size());
  Step stats(server);
  auto st = store->stats({});
  std::printf("stats:            %7.2f s  %s  (%zu rows)\n", stats.seconds(), stats.cpuText().c_str(),
              st.size());
}

}  // namespace

int main(int argc, char** argv) {
  int classes = 44;
  size_t batch = 2000;
  std::string db;
  std::string pg = std::getenv("EJOURNAL_PG") ? std::getenv("EJOURNAL_PG") : "";
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--classes" && i + 1 < argc)
      classes = std::stoi(argv[++i]);
    else if (a == "--db" && i + 1 < argc)
      db = argv[++i];
    else if (a == "--pg" && i + 1 < argc)
      pg = argv[++i];
    else if (a == "--batch" && i + 1 < argc)
      batch = std::stoul(argv[++i]);
    else {
      std::cerr << "usage: store_bench [--classes 11|44] [--batch LESSONS] [--db CONN] [--pg CONN]\n";
      return 2;
    }
  }
  fs::path tmp = fs::temp_directory_path() / ("ejournal-store-bench-" + std::to_string(::getpid()));
  if (db.empty()) {
    fs::create_directories(tmp);
    db = "sqlite:" + (tmp / "bench.db").string();
  }

  auto t0 = Clock::now();
  samples::SampleOptions opt;
  opt.classes = classes;
  const model::Journal j = samples::generate(opt).journal;
  const double xmlMb = static_cast<double>(ingest::writeJournal(j).size()) / 1e6;
  size_t records = 1 + j.periods.size() + j.holidays.size() + j.staff.size() + j.subjects.size() +
                   j.classes.size() + j.students.size() + j.subgroups.size() + j.curriculum.size() +
                   j.plan.size() + j.timetable.size() + j.lessons.size() + j.marks.size() +
                   j.attendance.size() + j.periodMarks.size();
  std::printf(
      "sample: %d classes, %zu lessons, %zu marks, %zu attendance, %zu period marks, %zu records; "
      "XML %.1f MB (generated in %.2f s), parts of %zu lessons\n",
      classes, j.lessons.size(), j.marks.size(), j.attendance.size(), j.periodMarks.size(), records, xmlMb,
      seconds(t0), batch);
  const auto ps = samples::inParts(j, batch);
  model::Journal changed = j;
  for (size_t i = 0; i < changed.marks.size(); i += 100) {
    auto& m = changed.marks[i];
    if (m.value.kind == model::MarkKind::Points)
      m.value.points = m.value.points == 5 ? 4 : m.value.points + 1;
  }
  const auto cps = samples::inParts(changed, batch);

  int status = 0;
  try {
    runBackend(db, db, ServerCpu{}, j, ps, cps, records, xmlMb);
  } catch (const std::exception& e) {
    std::cerr << "store_bench: " << db << ": " << e.what() << "\n";
    status = 2;
  }
  if (!pg.empty()) {
    // A fresh database on the server, dropped afterwards.
    Poco::Data::PostgreSQL::Connector::registerConnector();
    const std::string name = "ejournal_store_bench_" + std::to_string(::getpid());
    std::string conn = std::regex_replace(pg, std::regex(R"(dbname\s*=\s*\S+)"), "dbname=" + name);
    if (conn == pg) conn += " dbname=" + name;
    try {
      Poco::Data::Session admin("PostgreSQL", pg);
      admin << "CREATE DATABASE " + name, Poco::Data::Keywords::now;
      ServerCpu server;
      int backend = 0;
      admin << "SELECT pg_backend_pid()", Poco::Data::Keywords::into(backend), Poco::Data::Keywords::now;
      server.postmaster = parentOf(backend);
      try {
        runBackend(
            "postgresql:" + std::regex_replace(conn, std::regex(R"(password\s*=\s*\S+)"), "password=***"),
            "postgresql:" + conn, server, j, ps, cps, records, xmlMb);
      } catch (const std::exception& e) {
        std::cerr << "store_bench: postgresql: " << e.what() << "\n";
        status = 2;
      }
      admin << "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)", Poco::Data::Keywords::now;
    } catch (const std::exception& e) {
      std::cerr << "store_bench: postgresql server: " << e.what() << "\n";
      status = 2;
    }
  }
  std::error_code ec;
  fs::remove_all(tmp, ec);
  return status;
}
