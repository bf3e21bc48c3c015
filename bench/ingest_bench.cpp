// Ingest throughput: MB/s and records/s of validation + parsing (+ storage in the SQLite store and, with
// --pg CONN or $EJOURNAL_PG, in a fresh database on that PostgreSQL server), sequential on one core and
// overlapped (Xerces on one thread, parsing and storing on another), with the peak RSS of each run. The CPU
// figures are this process's; on PostgreSQL the server's work comes on top (store_bench prints it).
//
// The input is the generated large sample (ejournal_samples, --classes 44 by default) written as canonical
// XML, or any journal file given with --input. Every mode runs in a fresh child process so its peak RSS is
// its own.
#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/Session.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "ejournal/ingest/ingest.h"
#include "ejournal/model/files.h"
#include "ejournal/samples/generator.h"
#include "ejournal/store/store.h"

namespace fs = std::filesystem;
using namespace ejournal;

namespace {

struct Options {
  std::string input;
  std::string work = (fs::temp_directory_path() / "ejournal-ingest-bench").string();
  int classes = 44;
  size_t batch = 20000;
  std::string run;  // child mode
  std::string db;
  std::string pg = std::getenv("EJOURNAL_PG") ? std::getenv("EJOURNAL_PG") : "";  // libpq connection string
};

double cpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

double peakRssMb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;
}

// One measured run in this process; prints one line of figures.
int runMode(const Options& o) {
  const std::string bytes = model::readFile(o.input);
  const bool store = o.run.rfind("store", 0) == 0;
  ingest::ReadOptions ro;
  ro.batchRecords = o.batch;
  ro.pipeline = o.run.find("overlapped") != std::string::npos ? ingest::Pipeline::Overlapped
                                                              : ingest::Pipeline::Sequential;
  size_t records = 0;
  const auto count = [&](const model::Journal& p) {
    records += p.lessons.size() + p.marks.size() + p.attendance.size() + p.periodMarks.size() +
               p.students.size() + p.plan.size() + p.timetable.size() + p.curriculum.size();
  };
  store::IngestSummary summary;
  const double cpuStart = cpuSeconds();
  const auto start = std::chrono::steady_clock::now();
  if (store) {
    auto s = store::Store::open(o.db);
    auto tx =
        s->beginIngest(model::Provenance{"xml:" + o.input, "bench-" + o.run, model::systemClock()->now()});
    ingest::readJournal(
        bytes, o.input,
        [&](const model::Journal& p) {
          count(p);
          tx->upsert(p);
        },
        ro);
    summary = tx->commit();
  } else {
    ingest::readJournal(bytes, o.input, count, ro);
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double cpu = cpuSeconds() - cpuStart;
  const double mb = static_cast<double>(bytes.size()) / 1e6;
  // Wall-clock figures and, because the machine may be shared, the same per CPU-second of this process.
  std::printf("%-38s %8.2f %8.1f %11.0f %8.2f %10.1f %10.1f", o.run.c_str(), seconds, mb / seconds,
              static_cast<double>(records) / seconds, cpu, mb / cpu, peakRssMb());
  if (store)
    std::printf("   inserted %zu, updated %zu, unchanged %zu", summary.inserted, summary.updated,
                summary.unchanged);
  std::printf("\n");
  return 0;
}

int spawn(const std::vector<std::string>& args) {
  std::fflush(stdout);
  const pid_t pid = fork();
  if (pid == 0) {
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv("/proc/self/exe", argv.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::runtime_error("missing value for " + a);
      return argv[++i];
    };
    if (a == "--input")
      o.input = value();
    else if (a == "--classes")
      o.classes = std::stoi(value());
    else if (a == "--batch")
      o.batch = std::stoul(value());
    else if (a == "--work")
      o.work = value();
    else if (a == "--run")
      o.run = value();
    else if (a == "--db")
      o.db = value();
    else if (a == "--pg")
      o.pg = value();
    else {
      std::cout
          << "Usage: ingest_bench [--classes N | --input FILE] [--batch RECORDS] [--work DIR] [--pg CONN]\n"
             "Prints seconds, MB/s, records/s and peak RSS of ingest modes (each in its own process); the\n"
             "store modes on SQLite and, with --pg CONN (or $EJOURNAL_PG), on a fresh PostgreSQL database.\n";
      return a == "--help" ? 0 : 2;
    }
  }
  try {
    if (!o.run.empty()) return runMode(o);
    fs::create_directories(o.work);
    if (o.input.empty()) {
      o.input = (fs::path(o.work) / ("sample-" + std::to_string(o.classes) + ".xml")).string();
      if (!fs::exists(o.input)) {
        const auto t0 = std::chrono::steady_clock::now();
        samples::SampleOptions so;
        so.classes = o.classes;
        const auto sample = samples::generate(so);
        model::writeFileAtomic(o.input, ingest::writeJournal(sample.journal));
        std::printf("generated %s in %.1f s\n", o.input.c_str(),
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
      }
    }
    std::printf("input %s: %.1f MB, batch %zu records, %u hardware threads\n", o.input.c_str(),
                static_cast<double>(fs::file_size(o.input)) / 1e6, o.batch,
                std::thread::hardware_concurrency());
    std::printf("%-38s %8s %8s %11s %8s %10s %10s\n", "mode", "seconds", "MB/s", "records/s", "cpu s",
                "MB/cpu-s", "peak RSS MB");
    const std::string db = (fs::path(o.work) / "bench.db").string();
    const std::string batch = std::to_string(o.batch);
    const std::vector<std::pair<std::string, bool>> modes = {
        {"validate+parse sequential", false},
        {"validate+parse overlapped", false},
        {"store sequential (fresh db)", true},
        {"store overlapped (fresh db)", true},
        {"store overlapped (re-ingest, same db)", false},
    };
    for (const auto& [mode, fresh] : modes) {
      if (fresh)
        for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(db + suffix);
      spawn({argv[0], "--run", mode, "--input", o.input, "--db", db, "--batch", batch});
    }
    if (!o.pg.empty()) {
      // The store modes again on PostgreSQL, each fresh one in a database created for it and dropped after.
      Poco::Data::PostgreSQL::Connector::registerConnector();
      Poco::Data::Session admin("PostgreSQL", o.pg);
      const std::string name = "ejournal_ingest_bench_" + std::to_string(::getpid());
      std::string conn = std::regex_replace(o.pg, std::regex(R"(dbname\s*=\s*\S+)"), "dbname=" + name);
      if (conn == o.pg) conn += " dbname=" + name;
      for (const auto& [mode, fresh] : modes) {
        if (mode.rfind("store", 0) != 0) continue;
        if (fresh) {
          admin << "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)", Poco::Data::Keywords::now;
          admin << "CREATE DATABASE " + name, Poco::Data::Keywords::now;
        }
        spawn({argv[0], "--run", mode + " postgresql", "--input", o.input, "--db", "postgresql:" + conn,
               "--batch", batch});
      }
      admin << "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)", Poco::Data::Keywords::now;
    }
  } catch (const std::exception& e) {
    std::cerr << "ingest_bench: " << e.what() << "\n";
    return 2;
  }
  return 0;
}
