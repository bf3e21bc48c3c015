// Benchmark of the rules engine and the reports: a full-year check and all five reports over generated
// samples of two sizes (11 and 44 classes), to show the work grows linearly in lessons and marks. Prints the
// time of each step on one core and the process's peak RSS. Usage: rules_bench [--per-rule] [CLASSES...]
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

#include "ejournal/model/index.h"
#include "ejournal/reports/reports.h"
#include "ejournal/rules/rules.h"
#include "ejournal/samples/generator.h"

using namespace ejournal;

namespace {

double since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// CPU seconds of this process: robust when the machine is shared (wall time is printed too).
double cpuNow() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

long peakRssMb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> sizes;
  bool perRule = false;
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--per-rule")
      perRule = true;
    else
      sizes.push_back(std::atoi(argv[i]));
  }
  if (sizes.empty()) sizes = {11, 44};  // the generator makes 11 (one class a grade) or 44 (four parallels)
  const auto config = rules::Config::schoolDefaults();
  model::FixedClock clock(*model::DateTime::parse("2026-06-30T12:00:00"));
  std::printf("%8s %8s %9s %8s %9s %9s %9s %9s %9s %10s\n", "classes", "lessons", "marks", "index_s",
              "check_s", "reports_s", "wall_s", "cpu_s", "findings", "cpu_us/les");
  for (int classes : sizes) {
    samples::SampleOptions o;
    o.classes = classes;
    const auto sample = samples::generate(o);
    const auto& j = sample.journal;
    const double c0 = cpuNow();
    auto t0 = std::chrono::steady_clock::now();
    const model::JournalIndex index(j);
    const double tIndex = since(t0);
    const auto scope = rules::resolveScope(index, "2025-year", "", "", "", "", "", clock);
    auto t1 = std::chrono::steady_clock::now();
    const auto findings = rules::check(index, scope, config);
    const double tCheck = since(t1);
    auto t2 = std::chrono::steady_clock::now();
    const auto created = clock.now();
    size_t rows = 0;
    rows += reports::buildControlReport(index, scope, findings, config, created).rows.size();
    rows += reports::buildProgramReport(index, scope, created).rows.size();
    rows += reports::buildResultsReport(index, scope, created).rows.size();
    rows += reports::buildSubstitutionsReport(index, scope, created).rows.size();
    rows += reports::buildForecastReport(index, scope, config, created).rows.size();
    const double tReports = since(t2);
    const double total = tIndex + tCheck + tReports;
    const double cpu = cpuNow() - c0;
    std::printf("%8d %8zu %9zu %8.3f %9.3f %9.3f %9.3f %9.3f %9zu %10.2f\n", classes, j.lessons.size(),
                j.marks.size(), tIndex, tCheck, tReports, total, cpu, findings.size(),
                1e6 * cpu / static_cast<double>(j.lessons.size()));
    if (rows == 0) std::printf("no report rows\n");
    if (perRule) {
      // Each rule alone over the same scope (includes building the check context each time).
      for (const auto& r : rules::catalogue()) {
        auto only = config;
        for (const auto& other : rules::catalogue()) only.settings(other.id).enabled = other.id == r.id;
        const double c = cpuNow();
        const auto n = rules::check(index, scope, only).size();
        std::printf("    %-24s %7.3f s cpu %6zu findings\n", r.id.c_str(), cpuNow() - c, n);
      }
      double t = cpuNow();
      reports::buildControlReport(index, scope, findings, config, created);
      std::printf("    %-24s %7.3f s cpu\n", "report control", cpuNow() - t);
      t = cpuNow();
      reports::buildProgramReport(index, scope, created);
      std::printf("    %-24s %7.3f s cpu\n", "report program", cpuNow() - t);
      t = cpuNow();
      reports::buildResultsReport(index, scope, created);
      std::printf("    %-24s %7.3f s cpu\n", "report results", cpuNow() - t);
      t = cpuNow();
      reports::buildSubstitutionsReport(index, scope, created);
      std::printf("    %-24s %7.3f s cpu\n", "report substitutions", cpuNow() - t);
      t = cpuNow();
      reports::buildForecastReport(index, scope, config, created);
      std::printf("    %-24s %7.3f s cpu\n", "report forecast", cpuNow() - t);
    }
  }
  std::printf("peak RSS: %ld MB (includes the generated samples)\n", peakRssMb());
  return 0;
}
