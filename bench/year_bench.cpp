// year_bench: issue 14's figures for the 11- and the 44-class sample year in one run, so the two sizes show
// whether a cost grows linearly. Per size, in a fresh temporary directory:
//   ingest  — `ejournal ingest` of the year's XML (a child process): MB/s of wall time, CPU s, peak RSS;
//   load    — Store::load of the whole journal in this process (median of --repeat runs, CPU s alongside);
//   check and each report over the loaded data (index built once): rules::run, then each report built and
//   written
//             as JSON (medians);
//   render  — `ejournal render all` of the year: pages per CPU-second of the child;
//   seal    — `ejournal seal` of the year, as a ratio to the render's wall time of the same run (and CPU
//   ratio); verify  — `ejournal verify --all` of the sealed archive: MB/s of wall time, peak RSS; verify+c —
//   the same with --content (the export's schema check).
// The year is `ejournal sample --classes N --seed 2025`. The child commands are the built binary
// (EJOURNAL_BINARY_DIR/app/ejournal) with EJOURNAL_NOW fixed. The machine may be shared: CPU seconds and
// medians are printed next to wall times. Not a test: nothing here asserts a time. Usage: year_bench
// [--repeat N (default 3)] [--keep] [CLASSES... (default 11 44)]
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "ejournal/model/clock.h"
#include "ejournal/model/index.h"
#include "ejournal/reports/reports.h"
#include "ejournal/rules/rules.h"
#include "ejournal/store/store.h"

using namespace ejournal;
namespace fs = std::filesystem;

namespace {

using Steady = std::chrono::steady_clock;

double since(Steady::time_point t) { return std::chrono::duration<double>(Steady::now() - t).count(); }

double cpuNow() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

struct Child {
  int code = -1;
  double wall = 0, cpu = 0;  // seconds; cpu = user + sys of the child
  long maxRssMb = 0;
  std::string out;
};

// Children are started by a spawner forked at the start of main, while this process is still small: Linux
// carries a process's peak RSS across execve, so a child forked from this process once it held a loaded year
// would report this process's peak (100+ MB) instead of its own. The spawner reads requests from a pipe
// (the directory, then the arguments, NUL-separated, after a length), forks and execs each child and answers
// with its exit code, CPU and peak RSS from wait4; the wall time is measured here around the request.
class Spawner {
 public:
  Spawner() {
    int req[2], ans[2];
    if (pipe(req) != 0 || pipe(ans) != 0) return;
    std::fflush(stdout);
    pid_ = fork();
    if (pid_ == 0) {
      close(req[1]);
      close(ans[0]);
      serve(req[0], ans[1]);
      _exit(0);
    }
    close(req[0]);
    close(ans[1]);
    request_ = req[1];
    answer_ = ans[0];
  }
  ~Spawner() {
    if (pid_ <= 0) return;
    close(request_);  // the spawner sees the end of its requests and exits
    close(answer_);
    waitpid(pid_, nullptr, 0);
  }

  struct Result {
    int code = -1;
    double cpu = 0;
    long maxRssKb = 0;
  };

  Result run(const fs::path& dir, const std::vector<std::string>& args) {
    Result r;
    if (pid_ <= 0) return r;
    std::string msg = dir.string();
    for (const auto& a : args) msg += std::string(1, '\0') + a;
    const uint64_t n = msg.size();
    if (!writeAll(request_, &n, sizeof n) || !writeAll(request_, msg.data(), msg.size()) ||
        !readAll(answer_, &r, sizeof r))
      return Result{};
    return r;
  }

 private:
  static bool writeAll(int fd, const void* p, size_t n) {
    const char* c = static_cast<const char*>(p);
    while (n > 0) {
      const ssize_t w = write(fd, c, n);
      if (w <= 0) return false;
      c += w;
      n -= static_cast<size_t>(w);
    }
    return true;
  }
  static bool readAll(int fd, void* p, size_t n) {
    char* c = static_cast<char*>(p);
    while (n > 0) {
      const ssize_t r = read(fd, c, n);
      if (r <= 0) return false;
      c += r;
      n -= static_cast<size_t>(r);
    }
    return true;
  }
  static void serve(int in, int out) {
    const fs::path exe = fs::path(EJOURNAL_BINARY_DIR) / "app" / "ejournal";
    uint64_t n = 0;
    while (readAll(in, &n, sizeof n)) {
      std::string msg(n, '\0');
      if (!readAll(in, msg.data(), msg.size())) return;
      std::vector<std::string> parts;
      for (size_t b = 0;;) {
        const size_t e = msg.find('\0', b);
        parts.push_back(msg.substr(b, e == std::string::npos ? std::string::npos : e - b));
        if (e == std::string::npos) break;
        b = e + 1;
      }
      const fs::path dir = parts.front(), stdoutFile = dir / "child-stdout.txt";
      Result r;
      const pid_t pid = fork();
      if (pid == 0) {
        if (chdir(dir.c_str()) != 0 || !std::freopen(stdoutFile.c_str(), "w", stdout) ||
            !std::freopen("/dev/null", "w", stderr))
          _exit(126);
        std::vector<char*> argv{const_cast<char*>(exe.c_str())};
        for (size_t i = 1; i < parts.size(); ++i) argv.push_back(parts[i].data());
        argv.push_back(nullptr);
        execv(exe.c_str(), argv.data());
        _exit(127);
      }
      if (pid > 0) {
        int status = 0;
        rusage u{};
        wait4(pid, &status, 0, &u);
        r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        r.cpu = static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
                static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) * 1e-6;
        r.maxRssKb = u.ru_maxrss;
      }
      if (!writeAll(out, &r, sizeof r)) return;
    }
  }

  pid_t pid_ = -1;
  int request_ = -1, answer_ = -1;
};

Spawner* spawner = nullptr;  // set in main

// Runs the built ejournal with `args` in `dir` (through the spawner), standard output captured, standard
// error to /dev/null.
Child runEjournal(const std::vector<std::string>& args, const fs::path& dir) {
  Child c;
  const auto t0 = Steady::now();
  const Spawner::Result r = spawner->run(dir, args);
  c.wall = since(t0);
  c.code = r.code;
  c.cpu = r.cpu;
  c.maxRssMb = r.maxRssKb / 1024;
  std::ifstream in(dir / "child-stdout.txt");
  std::stringstream ss;
  ss << in.rdbuf();
  c.out = ss.str();
  return c;
}

// The number after "страниц " in `render all`'s summary line.
long pagesOf(const std::string& out) {
  const std::string key = "страниц ";
  const auto p = out.rfind(key);
  return p == std::string::npos ? 0 : std::atol(out.c_str() + p + key.size());
}

bool require(const Child& c, const char* what) {
  if (c.code == 0 || c.code == 1) return true;
  std::printf("  %s failed (exit %d): %s\n", what, c.code, c.out.c_str());
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  Spawner children;  // first, while this process is small
  spawner = &children;
  int repeat = 3;
  bool keep = false;
  std::vector<int> sizes;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--repeat" && i + 1 < argc)
      repeat = std::max(1, std::atoi(argv[++i]));
    else if (a == "--keep")
      keep = true;
    else if (a == "11" || a == "44")
      sizes.push_back(std::atoi(argv[i]));
    else {
      std::printf("usage: year_bench [--repeat N (default 3)] [--keep] [11] [44]\n");
      return a == "--help" ? 0 : 2;
    }
  }
  if (sizes.empty()) sizes = {11, 44};
  setenv("EJOURNAL_NOW", "2026-06-01T12:00:00", 1);
  setenv("EJOURNAL_DATA_DIR", EJOURNAL_SOURCE_DIR, 0);
  const auto clock = std::make_shared<model::FixedClock>(*model::DateTime::parse("2026-06-01T12:00:00"));
  const auto config = rules::Config::schoolDefaults();

  for (int classes : sizes) {
    char tmpl[] = "/tmp/ejournal-year-bench-XXXXXX";
    const fs::path dir = mkdtemp(tmpl);
    std::printf("== %d classes (%s)\n", classes, dir.c_str());
    const fs::path xml = dir / "year.xml", db = dir / "year.db";
    if (!require(
            runEjournal(
                {"sample", "--classes", std::to_string(classes), "--seed", "2025", "-o", xml.string()}, dir),
            "sample"))
      return 1;
    const double mb = static_cast<double>(fs::file_size(xml)) / 1e6;

    // Ingest (child).
    const Child in = runEjournal({"ingest", xml.string(), "--db", db.string()}, dir);
    if (!require(in, "ingest")) return 1;
    std::printf(
        "  ingest   %7.2f MB  %6.2f s wall  %6.2f s cpu  %6.1f MB/s (wall)  %6.1f MB/s (cpu)  peak RSS %ld "
        "MB\n",
        mb, in.wall, in.cpu, mb / in.wall, mb / in.cpu, in.maxRssMb);

    // Load, index, check and reports in this process.
    std::vector<double> loadW, loadC;
    model::Journal journal;
    {
      auto st = store::Store::open(db.string(), clock);
      for (int r = 0; r < repeat; ++r) {
        const double c0 = cpuNow();
        const auto t0 = Steady::now();
        journal = st->load(store::LoadFilter{});
        loadW.push_back(since(t0));
        loadC.push_back(cpuNow() - c0);
      }
    }
    std::printf("  load     %6.3f s wall  %6.3f s cpu  (median of %d; lessons %zu, marks %zu)\n",
                median(loadW), median(loadC), repeat, journal.lessons.size(), journal.marks.size());
    const double ic = cpuNow();
    auto t0 = Steady::now();
    const model::JournalIndex index(journal);
    const double indexW = since(t0), indexC = cpuNow() - ic;
    std::printf("  index    %6.3f s wall  %6.3f s cpu\n", indexW, indexC);
    const auto scope = rules::resolveScope(index, "2025-year", "", "", "", "", "", *clock);
    const auto now = clock->now();
    std::vector<double> checkW, checkC;
    rules::CheckResult result;
    for (int r = 0; r < repeat; ++r) {
      const double c0 = cpuNow();
      t0 = Steady::now();
      result = rules::run(index, scope, config);
      std::ostringstream out;
      rules::writeFindingsJson(index, scope, result, out);
      checkW.push_back(since(t0));
      checkC.push_back(cpuNow() - c0);
    }
    double sumW = median(checkW), sumC = median(checkC);
    std::printf("  check    %6.3f s wall  %6.3f s cpu  (medians; %zu findings, JSON written)\n",
                median(checkW), median(checkC), result.findings.size());
    auto timeReport = [&](const char* name, auto&& build) {
      std::vector<double> w, c;
      for (int r = 0; r < repeat; ++r) {
        const double c0 = cpuNow();
        const auto t = Steady::now();
        std::ostringstream out;
        reports::write(build(), reports::Format::Json, out);
        w.push_back(since(t));
        c.push_back(cpuNow() - c0);
      }
      sumW += median(w);
      sumC += median(c);
      std::printf("  %-8s %6.3f s wall  %6.3f s cpu  (medians, JSON written)\n", name, median(w), median(c));
    };
    timeReport("control",
               [&] { return reports::buildControlReport(index, scope, result.findings, config, now); });
    timeReport("program", [&] { return reports::buildProgramReport(index, scope, now); });
    timeReport("results", [&] {
      return reports::buildResultsReport(index, scope, now,
                                         config.settings("marks.valid_value").integer("unmarked_to_grade"));
    });
    timeReport("substit.", [&] { return reports::buildSubstitutionsReport(index, scope, now); });
    timeReport("forecast", [&] { return reports::buildForecastReport(index, scope, config, now); });
    std::printf("  load + index + check + 5 reports  %6.3f s wall  %6.3f s cpu (medians)\n",
                median(loadW) + indexW + sumW, median(loadC) + indexC + sumC);
    const Child all = runEjournal({"report", "all", "--period", "2025-year", "--format", "json", "--db",
                                   db.string(), "--dir", (dir / "reports").string()},
                                  dir);
    if (all.code != 0 && all.code != 1)
      std::printf("  `report all` not available (exit %d)\n", all.code);
    else
      std::printf(
          "  `report all` (a child: open, load, check, 5 reports, files) %6.2f s wall  %6.2f s cpu  peak RSS "
          "%ld MB\n",
          all.wall, all.cpu, all.maxRssMb);
    journal = model::Journal();

    // Render all, seal, verify (children), render and seal back to back.
    const fs::path key = dir / "key.pem", cert = dir / "cert.pem";
    const std::string gen = "openssl req -x509 -newkey rsa:2048 -nodes -keyout " + key.string() + " -out " +
                            cert.string() + " -days 30 -subj /CN=bench >/dev/null 2>&1";
    if (std::system(gen.c_str()) != 0) {
      std::printf("  openssl req failed\n");
      return 1;
    }
    const Child render = runEjournal(
        {"render", "all", "--period", "2025-year", "--db", db.string(), "-o", (dir / "pdf").string()}, dir);
    if (!require(render, "render all")) return 1;
    const Child seal = runEjournal(
        {"seal", "--period", "2025-year", "--db", db.string(), "--archive-dir", (dir / "archive").string(),
         "--key", key.string(), "--cert", cert.string(), "--by", "bench"},
        dir);
    if (!require(seal, "seal")) return 1;
    const long pages = pagesOf(render.out);
    std::printf(
        "  render   %ld pages  %6.2f s wall  %6.2f s cpu  %6.0f pages per CPU-second  peak RSS %ld MB\n",
        pages, render.wall, render.cpu, static_cast<double>(pages) / render.cpu, render.maxRssMb);
    std::printf(
        "  seal     %6.2f s wall  %6.2f s cpu  seal/render %.2f (wall)  %.2f (cpu)  peak RSS %ld MB\n",
        seal.wall, seal.cpu, seal.wall / render.wall, seal.cpu / render.cpu, seal.maxRssMb);
    double archiveMb = 0;
    for (const auto& e : fs::directory_iterator(dir / "archive"))
      if (e.is_regular_file()) archiveMb += static_cast<double>(e.file_size()) / 1e6;
    // The integrity check (hashes against the signed manifest, signature, chain), then the same with the
    // export's schema check (--content), which goes at the speed of validation.
    for (const bool content : {false, true}) {
      std::vector<std::string> args = {"verify", "--all",     "--archive-dir", (dir / "archive").string(),
                                       "--db",   db.string(), "--ca",          cert.string()};
      if (content) args.push_back("--content");
      const Child verify = runEjournal(args, dir);
      if (verify.code != 0)
        std::printf("  verify reported problems (exit %d):\n%s", verify.code, verify.out.c_str());
      std::printf("  %-8s %7.2f MB  %6.2f s wall  %6.2f s cpu  %6.1f MB/s (wall)  peak RSS %ld MB\n",
                  content ? "verify+c" : "verify", archiveMb, verify.wall, verify.cpu,
                  archiveMb / verify.wall, verify.maxRssMb);
    }
    if (!keep) fs::remove_all(dir);
  }
  return 0;
}
