// CPU seconds and memory of processes on this machine, read from getrusage and /proc, for the benches that
// print what this process, a PostgreSQL server or a service instance spent (store_bench, region_bench). On a
// shared machine these are the figures to compare; wall time depends on the neighbours. Linux only; header
// only, as each bench is one executable.
#pragma once

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

namespace ejournal::benchsupport {

// This process's user and system CPU seconds so far, all threads.
inline double cpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// CPU seconds of a process from /proc: its own and, with `children`, those of its children it has reaped.
// -1 when the process cannot be read.
inline double procCpu(int pid, bool children) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t paren = text.rfind(')');
  if (paren == std::string::npos) return -1;
  std::istringstream fields(text.substr(paren + 2));
  std::vector<std::string> f((std::istream_iterator<std::string>(fields)),
                             std::istream_iterator<std::string>());
  if (f.size() < 15) return -1;
  // After the name: state(0) ppid(1) ... utime(11) stime(12) cutime(13) cstime(14).
  double ticks = std::stod(f[11]) + std::stod(f[12]) + (children ? std::stod(f[13]) + std::stod(f[14]) : 0);
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// A field of /proc/PID/status as a number ("PPid", "VmRSS" and "VmHWM" in kB); -1 when absent.
inline long procStatus(int pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(field + ":", 0) == 0) return std::stol(line.substr(field.size() + 1));
  return -1;
}

inline int parentOf(int pid) { return static_cast<int>(procStatus(pid, "PPid")); }

// The CPU seconds the PostgreSQL server has used so far: the postmaster, its reaped children and its live
// ones (every backend, the background writers). -1 when the server's processes cannot be read (another host,
// another user).
struct ServerCpu {
  int postmaster = -1;
  double now() const {
    if (postmaster <= 0) return -1;
    double total = procCpu(postmaster, true);
    if (total < 0) return -1;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator("/proc", ec)) {
      const std::string name = e.path().filename().string();
      if (name.find_first_not_of("0123456789") != std::string::npos) continue;
      const int pid = std::stoi(name);
      if (parentOf(pid) == postmaster) total += std::max(0.0, procCpu(pid, false));
    }
    return total;
  }
};

}  // namespace ejournal::benchsupport
