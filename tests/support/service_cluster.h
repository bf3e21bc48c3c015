// Test and bench support: K `ejournal serve` processes (the built binary, EJOURNAL_BINARY_DIR/app/ejournal)
// on one store, behind Debian's nginx as a round-robin reverse proxy, all on 127.0.0.1 and run as the current
// user (root or not). Everything lives in one private temporary directory: each instance's configuration file
// and work directory, the token secret the instances share, the shared archive and backup directories, and
// nginx's prefix (its configuration, pid file, logs and temp directories). The constructor waits until every
// instance and the proxy answer; the destructor stops them (SIGTERM, then SIGKILL after 15 s) and removes the
// directory, after copying the logs into the build tree when keepLogs() was called (a failed test calls it).
//
// Not thread-safe; one cluster per test case. Errors throw std::runtime_error with the end of the log at
// fault.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace ejournal::testsupport {

struct ClusterOptions {
  std::string name;   // names the temp directory and the kept logs: build/logs/cluster-<name>
  std::string db;     // the store every instance opens ("postgresql:host=... dbname=...")
  int instances = 2;  // K >= 1
  // Configuration keys added to (or overriding) every instance's file, e.g. archive.key, jobs.*.
  std::map<std::string, std::string> config;
  int nginxWorkers = 1;
};

class ServiceCluster {
 public:
  explicit ServiceCluster(ClusterOptions options);
  ~ServiceCluster();
  ServiceCluster(const ServiceCluster&) = delete;
  ServiceCluster& operator=(const ServiceCluster&) = delete;

  int proxyPort() const { return proxyPort_; }
  size_t size() const { return instances_.size(); }
  int instancePort(size_t i) const { return instances_.at(i).port; }
  pid_t instancePid(size_t i) const { return instances_.at(i).pid; }
  // The instance's log file (log.file; Poco flushes it now and then) and its standard output and error, where
  // the same lines go at once (log.console).
  std::filesystem::path instanceLog(size_t i) const { return instances_.at(i).log; }
  std::filesystem::path instanceOutput(size_t i) const { return instances_.at(i).out; }
  std::filesystem::path instanceWorkDir(size_t i) const { return instances_.at(i).workDir; }
  std::filesystem::path archiveDir() const { return dir_ / "archive"; }
  std::filesystem::path dir() const { return dir_; }
  std::filesystem::path nginxAccessLog() const { return dir_ / "nginx" / "access.log"; }

  // Adds a service user through `ejournal user add` on the cluster's store (password through a 0600 file);
  // a non-empty `school` is passed as --school (a stored school; none for the regional roles).
  void addUser(const std::string& login, const std::string& role, const std::string& fullName,
               const std::string& staffId, const std::string& password, const std::string& school = {}) const;

  // Keeps every log (instances, nginx) in build/logs/cluster-<name>/ at teardown; returns that directory.
  std::filesystem::path keepLogs();
  // The last `lines` lines of every log, for a failure message.
  std::string logTail(size_t lines = 30) const;

 private:
  struct Instance {
    int port = 0;
    pid_t pid = -1;
    std::filesystem::path config, workDir, log, out;
  };
  void startInstance(size_t i);
  void startNginx();
  void stopAll();

  ClusterOptions options_;
  std::filesystem::path dir_;
  std::vector<Instance> instances_;
  pid_t nginxPid_ = -1;
  int proxyPort_ = 0;
  bool keep_ = false;
};

// A free TCP port on 127.0.0.1 (bound and released; a start that loses it to another program retries).
int freeLoopbackPort();

// Whether something answers HTTP GET `path` on 127.0.0.1:port with any status (connection refused: false).
bool answersHttp(int port, const std::string& path = "/healthz");

}  // namespace ejournal::testsupport
