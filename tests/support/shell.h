// Test support: runs a shell command (/bin/sh, as popen does) and captures its standard output. Header-only;
// every test program gets tests/support on its include path (tests/CMakeLists.txt). A command's standard
// error goes where the command redirects it ("2>&1" to capture it too).
#pragma once

#include <sys/wait.h>

#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <string>

namespace ejournal::testsupport {

// Runs `cmd`; fills `out` with its standard output; returns its exit code (-1 when it could not be started or
// did not exit normally).
inline int shell(const std::string& cmd, std::string* out = nullptr) {
  std::fflush(stdout);  // the child must not repeat the parent's pending output
  std::fflush(stderr);
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return -1;
  std::string text;
  char buf[65536];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) text.append(buf, n);
  const int status = pclose(p);
  if (out) *out = std::move(text);
  return status != -1 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// The standard output of `cmd`, which must exit 0: otherwise a failed check names the command, its exit code
// and its output (the tools the tests read PDFs with: qpdf, pdftotext, pdffonts, pdfinfo).
inline std::string shellOutput(const std::string& cmd) {
  std::string out;
  const int rc = shell(cmd, &out);
  BOOST_TEST(rc == 0, cmd << " -> exit code " << rc << "\n" << out.substr(0, 2000));
  return out;
}

}  // namespace ejournal::testsupport
