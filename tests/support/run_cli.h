// Test support: runs the built `ejournal` binary (EJOURNAL_BINARY_DIR/app/ejournal) in a child process, as a
// user would from a shell, and captures its exit code, standard output and standard error. Header-only; every
// test program gets tests/support on its include path (tests/CMakeLists.txt).
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "ejournal/model/files.h"

namespace ejournal::testsupport {

struct CliRun {
  int code = -1;  // the exit code; -1 when the process did not exit normally
  std::string out, err;
};

// Runs `ejournal args...`; its output goes through stdout.txt and stderr.txt in `dir` (overwritten).
inline CliRun runCli(const std::vector<std::string>& args, const std::filesystem::path& dir) {
  const std::filesystem::path exe = std::filesystem::path(EJOURNAL_BINARY_DIR) / "app" / "ejournal";
  BOOST_REQUIRE_MESSAGE(std::filesystem::exists(exe), "the ejournal binary is not built: " + exe.string());
  const std::filesystem::path out = dir / "stdout.txt", err = dir / "stderr.txt";
  std::fflush(stdout);  // the child must not repeat the parent's pending output
  std::fflush(stderr);
  const pid_t pid = fork();
  BOOST_REQUIRE_MESSAGE(pid >= 0, "fork failed");
  if (pid == 0) {
    if (!std::freopen(out.c_str(), "w", stdout) || !std::freopen(err.c_str(), "w", stderr)) _exit(126);
    std::vector<char*> argv{const_cast<char*>(exe.c_str())};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(exe.c_str(), argv.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  CliRun r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = model::readFile(out);
  r.err = model::readFile(err);
  return r;
}

}  // namespace ejournal::testsupport
