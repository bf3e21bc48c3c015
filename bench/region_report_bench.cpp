// The regional comparison report's cost: N generated school years (different seeds and school ids) in one
// store, then app::buildRegionalReport over all of them for a quarter and for the year (each school loaded,
// checked and reported in turn), and the PDF of the result. Prints wall and CPU seconds, seconds per school
// and the peak resident memory.
//
// Usage: region_report_bench [--schools N] [--classes 11|44] [--db CONN]
//   --schools defaults to 4; --db to a fresh SQLite file in the temp directory (give
//   "postgresql:host=... dbname=..." with an empty database to measure PostgreSQL).
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <string>

#include "ejournal/model/clock.h"
#include "ejournal/render/render.h"
#include "ejournal/samples/generator.h"
#include "ejournal/store/store.h"
#include "regional_usecase.h"

namespace fs = std::filesystem;
using namespace ejournal;
using Wall = std::chrono::steady_clock;

namespace {

double seconds(Wall::time_point since) { return std::chrono::duration<double>(Wall::now() - since).count(); }
double cpu() { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }
long peakKb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

}  // namespace

int main(int argc, char** argv) {
  int schools = 4, classes = 11;
  std::string db;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--schools" && i + 1 < argc)
      schools = std::stoi(argv[++i]);
    else if (a == "--classes" && i + 1 < argc)
      classes = std::stoi(argv[++i]);
    else if (a == "--db" && i + 1 < argc)
      db = argv[++i];
    else {
      std::cerr << "usage: region_report_bench [--schools N] [--classes 11|44] [--db CONN]\n";
      return a == "--help" ? 0 : 2;
    }
  }
  fs::path tmp;
  if (db.empty()) {
    tmp = fs::temp_directory_path() / ("ejournal-region-bench-" + std::to_string(getpid()));
    fs::create_directories(tmp);
    db = (tmp / "region.db").string();
  }
  try {
    const auto clock = std::make_shared<model::FixedClock>(*model::DateTime::parse("2026-06-01T12:00:00"));
    auto st = store::Store::open(db, clock);
    auto t0 = Wall::now();
    size_t lessons = 0;
    for (int i = 1; i <= schools; ++i) {
      samples::SampleOptions o;
      o.classes = classes;
      o.seed = 2025 + static_cast<uint64_t>(i);
      model::Journal j = samples::generate(o).journal;
      j.school.id = "school" + std::to_string(i);
      j.school.shortName = "МБОУ СОШ № " + std::to_string(i);
      lessons += j.lessons.size();
      auto tx = st->beginIngest({"bench", "bench-" + std::to_string(i), clock->now()});
      tx->upsert(j);
      tx->commit();
    }
    std::printf("stored %d schools of %d classes (%zu lessons) in %.2f s\n", schools, classes, lessons,
                seconds(t0));
    for (const char* period : {"2025-Q1", "2025-year"}) {
      app::RegionalOptions o;
      o.period = period;
      const auto w = Wall::now();
      const double c = cpu();
      const auto report = app::buildRegionalReport(*st, o, *clock);
      const double ws = seconds(w), cs = cpu() - c;
      std::printf("report %-9s: %.2f s wall, %.2f s CPU, %.2f s per school; %d lessons, %zu rows\n", period,
                  ws, cs, ws / schools, report.total.lessonsHeld, report.rows.size());
      const auto r = Wall::now();
      const auto pdf = render::renderRegionalReport(report);
      std::printf("  pdf: %.3f s, %d pages, %zu bytes\n", seconds(r), pdf.pages, pdf.bytes.size());
    }
    std::printf("peak resident memory: %ld MB\n", peakKb() / 1024);
  } catch (const std::exception& e) {
    std::cerr << "region_report_bench: " << e.what() << "\n";
    if (!tmp.empty()) fs::remove_all(tmp);
    return 2;
  }
  if (!tmp.empty()) fs::remove_all(tmp);
  return 0;
}
