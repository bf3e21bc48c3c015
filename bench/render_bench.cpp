// Render benchmark: pages per second and peak memory printing the class journals of the large sample school
// (44 classes, the whole year by default), first on one thread, then on all cores. Prints figures; asserts
// nothing.
//
//   render_bench [--classes 44] [--period 2025-year] [--threads N] [--out DIR]
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "ejournal/model/files.h"
#include "ejournal/model/index.h"
#include "ejournal/render/render.h"
#include "ejournal/samples/generator.h"

using namespace ejournal;

namespace {

double peakMiB() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;
}

double currentMiB() {
  FILE* f = std::fopen("/proc/self/statm", "r");
  long pages = 0, resident = 0;
  if (f) {
    if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
    std::fclose(f);
  }
  return static_cast<double>(resident) * 4096.0 / (1024.0 * 1024.0);
}

double cpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

struct Pass {
  double seconds = 0;
  double cpu = 0;  // CPU seconds of the process: pages per CPU second is fair on a loaded machine
  size_t pages = 0;
  size_t bytes = 0;
  size_t docs = 0;
};

Pass renderAll(const model::JournalIndex& ix, const std::string& period, unsigned threads,
               const std::filesystem::path& out) {
  const auto& classes = ix.journal().classes;
  render::RenderOptions o;
  o.clock = std::make_shared<model::FixedClock>(model::DateTime{model::Date::fromYmd(2026, 6, 1), 36000});
  std::atomic<size_t> next{0}, pages{0}, bytes{0}, docs{0};
  const auto t0 = std::chrono::steady_clock::now();
  const double c0 = cpuSeconds();
  auto work = [&] {
    for (size_t i; (i = next++) < classes.size();) {
      const auto pdf = render::renderClassJournal(ix, classes[i].id, period, {}, o);
      pages += static_cast<size_t>(pdf.pages);
      bytes += pdf.bytes.size();
      ++docs;
      if (!out.empty()) model::writeFileAtomic(out / ("journal-" + classes[i].name() + ".pdf"), pdf.bytes);
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t) pool.emplace_back(work);
  for (auto& t : pool) t.join();
  Pass p;
  p.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  p.cpu = cpuSeconds() - c0;
  p.pages = pages;
  p.bytes = bytes;
  p.docs = docs;
  return p;
}

}  // namespace

int main(int argc, char** argv) {
  int classes = 44;
  std::string period = "2025-year";
  unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  std::filesystem::path out;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--classes")
      classes = std::stoi(value());
    else if (a == "--period")
      period = value();
    else if (a == "--threads")
      threads = static_cast<unsigned>(std::stoi(value()));
    else if (a == "--out")
      out = value();
    else {
      std::fprintf(stderr,
                   "usage: render_bench [--classes 44] [--period 2025-year] [--threads N] [--out DIR]\n");
      return a == "--help" ? 0 : 2;
    }
  }
  if (!out.empty()) std::filesystem::create_directories(out);
  samples::SampleOptions so;
  so.classes = classes;
  const auto t0 = std::chrono::steady_clock::now();
  const auto sample = samples::generate(so);
  const model::JournalIndex ix(sample.journal);
  render::loadLayouts();  // warm the bundled layouts outside the timing
  const double genSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double baseline = currentMiB();
  std::printf(
      "sample: %d classes, %zu students, %zu lessons, %zu marks (generated in %.2f s); RSS %.1f MiB\n",
      classes, sample.journal.students.size(), sample.journal.lessons.size(), sample.journal.marks.size(),
      genSeconds, baseline);

  const Pass one = renderAll(ix, period, 1, out);
  const double peakOne = peakMiB();
  std::printf(
      "1 thread : %zu journals, %zu pages in %.2f s = %.0f pages/s (%.0f pages per CPU second); %.1f MB "
      "of PDF (%.1f KB/page); peak RSS %.1f MiB (+%.1f MiB over the loaded sample)\n",
      one.docs, one.pages, one.seconds, one.pages / one.seconds, one.pages / one.cpu, one.bytes / 1e6,
      one.bytes / 1024.0 / static_cast<double>(std::max<size_t>(1, one.pages)), peakOne, peakOne - baseline);
  const Pass all = renderAll(ix, period, threads, out);  // the same work as the 1-thread pass, files included
  const double peakAll = peakMiB();
  std::printf(
      "%u threads: %zu journals, %zu pages in %.2f s = %.0f pages/s (%.0f pages/s per core, %.0f pages per "
      "CPU second); peak RSS %.1f MiB (+%.1f MiB)\n",
      threads, all.docs, all.pages, all.seconds, all.pages / all.seconds, all.pages / all.seconds / threads,
      all.pages / all.cpu, peakAll, peakAll - baseline);
  std::printf(
      "load average during the run: see uptime; figures are wall-clock and CPU time of this process\n");
  return 0;
}
