// Several `ejournal serve` processes behind nginx on 127.0.0.1 (service_cluster.h).
#include "service_cluster.h"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace ejournal::testsupport {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

fs::path binary() { return fs::path(EJOURNAL_BINARY_DIR) / "app" / "ejournal"; }

void writePrivate(const fs::path& p, const std::string& text) {
  const int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error("cannot create " + p.string() + ": " + std::strerror(errno));
  ::fchmod(fd, 0600);
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      throw std::runtime_error("cannot write " + p.string());
    }
    done += static_cast<size_t>(n);
  }
  ::close(fd);
}

std::string readAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string tail(const fs::path& p, size_t lines) {
  const std::string text = readAll(p);
  size_t pos = text.size(), seen = 0;
  while (pos > 0 && seen <= lines) {
    --pos;
    if (text[pos] == '\n') ++seen;
  }
  return text.substr(seen > lines ? pos + 1 : 0);
}

std::string randomHex(size_t bytes) {
  std::ifstream r("/dev/urandom", std::ios::binary);
  std::string raw(bytes, '\0');
  r.read(raw.data(), static_cast<std::streamsize>(bytes));
  if (!r) throw std::runtime_error("cannot read /dev/urandom");
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : raw) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

// Starts `argv` with its standard output and error appended to `out`; the child gets SIGTERM when this
// process dies, so nothing outlives a crashed test.
pid_t spawn(const std::vector<std::string>& argv, const fs::path& out) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const int fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error("cannot create " + out.string());
  const int devnull = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  std::fflush(stdout);
  std::fflush(stderr);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(std::string("fork failed: ") + std::strerror(errno));
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) _exit(125);
    ::setpgid(0, 0);  // a ^C of the test does not reach the servers twice; teardown stops them
    ::dup2(devnull, 0);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    ::execv(args[0], args.data());
    _exit(127);
  }
  ::close(fd);
  ::close(devnull);
  return pid;
}

// True when `pid` has exited (and reaps it); `status` gets its wait status.
bool exited(pid_t pid, int* status = nullptr) {
  int st = 0;
  pid_t r = ::waitpid(pid, &st, WNOHANG);
  if (r == pid && status) *status = st;
  return r == pid || (r < 0 && errno == ECHILD);
}

void stop(pid_t pid) {
  if (pid <= 0) return;
  if (::kill(pid, SIGTERM) != 0) {
    exited(pid);
    return;
  }
  const auto deadline = std::chrono::steady_clock::now() + 15s;
  while (std::chrono::steady_clock::now() < deadline) {
    if (exited(pid)) return;
    std::this_thread::sleep_for(50ms);
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
}

std::string exitText(int status) {
  if (WIFEXITED(status)) return "exit code " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "signal " + std::to_string(WTERMSIG(status));
  return "status " + std::to_string(status);
}

}  // namespace

int freeLoopbackPort() {
  Poco::Net::ServerSocket s(Poco::Net::SocketAddress("127.0.0.1", 0), 1);
  const int port = s.address().port();
  s.close();
  return port;
}

bool answersHttp(int port, const std::string& path) {
  try {
    Poco::Net::HTTPClientSession s("127.0.0.1", static_cast<Poco::UInt16>(port));
    s.setTimeout(Poco::Timespan(5, 0));
    Poco::Net::HTTPRequest req(Poco::Net::HTTPRequest::HTTP_GET, path, Poco::Net::HTTPMessage::HTTP_1_1);
    s.sendRequest(req);
    Poco::Net::HTTPResponse res;
    std::istream& in = s.receiveResponse(res);
    std::string ignored;
    std::getline(in, ignored, '\0');
    return res.getStatus() != Poco::Net::HTTPResponse::HTTP_BAD_GATEWAY;  // nginx without an upstream yet
  } catch (const Poco::Exception&) {
    return false;
  }
}

ServiceCluster::ServiceCluster(ClusterOptions options) : options_(std::move(options)) {
  if (options_.instances < 1) throw std::runtime_error("a cluster needs at least one instance");
  if (!fs::exists(binary()))
    throw std::runtime_error("the ejournal binary is not built: " + binary().string());
  const char* tmp = std::getenv("TMPDIR");
  std::string tmpl =
      std::string(tmp && *tmp ? tmp : "/tmp") + "/ejournal-cluster-" + options_.name + "-XXXXXX";
  if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed for " + tmpl);
  dir_ = tmpl;
  ::chmod(dir_.c_str(), 0700);
  try {
    fs::create_directories(dir_ / "logs");
    // One token secret for all: a token signed by one instance is checked by every other.
    writePrivate(dir_ / "token.secret", randomHex(32) + "\n");
    instances_.resize(static_cast<size_t>(options_.instances));
    for (size_t i = 0; i < instances_.size(); ++i) startInstance(i);
    startNginx();
  } catch (...) {
    keep_ = true;  // a cluster that did not start keeps its logs
    stopAll();
    throw;
  }
}

ServiceCluster::~ServiceCluster() { stopAll(); }

void ServiceCluster::startInstance(size_t i) {
  Instance& in = instances_[i];
  const std::string n = std::to_string(i + 1);
  in.workDir = dir_ / ("var-" + n);
  in.config = dir_ / ("instance-" + n + ".properties");
  in.log = dir_ / "logs" / ("instance-" + n + ".log");
  in.out = dir_ / "logs" / ("instance-" + n + ".out");
  for (int attempt = 1;; ++attempt) {
    in.port = freeLoopbackPort();
    std::map<std::string, std::string> cfg = {
        {"db", options_.db},
        {"http.port", std::to_string(in.port)},
        {"http.address", "127.0.0.1"},
        {"work.dir", in.workDir.string()},
        {"auth.tokenSecretFile", (dir_ / "token.secret").string()},
        {"auth.passwordIterations", "100000"},
        {"archive.dir", (dir_ / "archive").string()},
        {"backup.dir", (dir_ / "backup").string()},
        {"log.file", in.log.string()},
        {"log.console", "true"},  // into instance-N.out, unbuffered
        // Every proxied connection comes from nginx's 127.0.0.1: the per-address limit is the proxy's; each
        // request counts as from the client nginx names (X-Forwarded-For), as docs/region.md configures it.
        {"server.connectionsPerAddress", "1000"},
        {"server.trustedProxies", "127.0.0.1"},
    };
    for (const auto& [k, v] : options_.config) cfg[k] = v;
    std::string text;
    for (const auto& [k, v] : cfg) text += k + " = " + v + "\n";
    writePrivate(in.config, text);
    in.pid = spawn({binary().string(), "serve", "--config", in.config.string()}, in.out);
    const auto deadline = std::chrono::steady_clock::now() + 120s;
    int status = 0;
    bool ready = false, gone = false;
    while (std::chrono::steady_clock::now() < deadline) {
      if (exited(in.pid, &status)) {
        gone = true;
        break;
      }
      if (answersHttp(in.port)) {
        ready = true;
        break;
      }
      std::this_thread::sleep_for(100ms);
    }
    if (ready) return;
    const std::string why = gone ? "ended (" + exitText(status) + ")" : "did not answer within 120 s";
    in.pid = gone ? -1 : in.pid;
    const std::string out = readAll(in.out);
    if (gone && attempt < 4 && out.find("порт уже занят") != std::string::npos) continue;  // lost the port
    throw std::runtime_error("ejournal serve instance " + n + " on port " + std::to_string(in.port) + " " +
                             why + "\n--- " + in.out.string() + " ---\n" + tail(in.out, 30) + "\n--- " +
                             in.log.string() + " ---\n" + tail(in.log, 30));
  }
}

void ServiceCluster::startNginx() {
  const fs::path prefix = dir_ / "nginx";
  fs::create_directories(prefix);
  for (const char* t : {"client_body_temp", "proxy_temp", "fastcgi_temp", "uwsgi_temp", "scgi_temp"})
    fs::create_directories(prefix / t);
  std::string nginx = "/usr/sbin/nginx";
  if (!fs::exists(nginx)) throw std::runtime_error("nginx is not installed (/usr/sbin/nginx, package nginx)");
  for (int attempt = 1;; ++attempt) {
    proxyPort_ = freeLoopbackPort();
    std::ostringstream c;
    // As root the workers would switch to nobody, who cannot enter the 0700 directory: they stay root.
    if (::geteuid() == 0) c << "user root;\n";
    c << "worker_processes " << options_.nginxWorkers << ";\n"
      << "error_log " << (prefix / "error.log").string() << " info;\n"
      << "pid " << (prefix / "nginx.pid").string() << ";\n"
      << "events { worker_connections 1024; }\n"
      << "http {\n"
      << "  access_log " << (prefix / "access.log").string() << " combined;\n"
      << "  client_body_temp_path " << (prefix / "client_body_temp").string() << ";\n"
      << "  proxy_temp_path " << (prefix / "proxy_temp").string() << ";\n"
      << "  fastcgi_temp_path " << (prefix / "fastcgi_temp").string() << ";\n"
      << "  uwsgi_temp_path " << (prefix / "uwsgi_temp").string() << ";\n"
      << "  scgi_temp_path " << (prefix / "scgi_temp").string() << ";\n"
      << "  client_max_body_size 512m;\n"
      << "  proxy_read_timeout 600s;\n"
      << "  proxy_send_timeout 600s;\n"
      << "  upstream ejournal {\n";
    for (const auto& in : instances_) c << "    server 127.0.0.1:" << in.port << ";\n";
    c << "    keepalive 32;\n"
      << "  }\n"
      << "  server {\n"
      << "    listen 127.0.0.1:" << proxyPort_ << ";\n"
      << "    location / {\n"
      << "      proxy_pass http://ejournal;\n"
      << "      proxy_http_version 1.1;\n"
      << "      proxy_set_header Connection \"\";\n"
      << "      proxy_set_header Host $host;\n"
      << "      proxy_set_header X-Real-IP $remote_addr;\n"
      << "      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n"
      << "      proxy_set_header X-Forwarded-Proto $scheme;\n"
      << "      add_header X-Upstream $upstream_addr always;\n"  // which instance answered (tests)
      << "    }\n"
      << "  }\n"
      << "}\n";
    writePrivate(prefix / "nginx.conf", c.str());
    const fs::path out = dir_ / "logs" / "nginx.out";
    nginxPid_ = spawn({nginx, "-p", prefix.string(), "-c", (prefix / "nginx.conf").string(), "-e",
                       (prefix / "error.log").string(), "-g", "daemon off;"},
                      out);
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    int status = 0;
    bool ready = false, gone = false;
    while (std::chrono::steady_clock::now() < deadline) {
      if (exited(nginxPid_, &status)) {
        gone = true;
        break;
      }
      if (answersHttp(proxyPort_)) {
        ready = true;
        break;
      }
      std::this_thread::sleep_for(100ms);
    }
    if (ready) return;
    if (gone) nginxPid_ = -1;
    const std::string errors = readAll(prefix / "error.log");
    if (gone && attempt < 4 && errors.find("Address already in use") != std::string::npos) continue;
    throw std::runtime_error("nginx on port " + std::to_string(proxyPort_) + " " +
                             (gone ? "ended (" + exitText(status) + ")" : "did not answer within 30 s") +
                             "\n--- " + out.string() + " ---\n" + tail(out, 20) + "\n--- error.log ---\n" +
                             tail(prefix / "error.log", 20));
  }
}

void ServiceCluster::addUser(const std::string& login, const std::string& role, const std::string& fullName,
                             const std::string& staffId, const std::string& password,
                             const std::string& school) const {
  const fs::path pw = dir_ / ("password-" + login);
  writePrivate(pw, password + "\n");
  std::vector<std::string> argv = {
      binary().string(), "user",   "add",  login,       "--role",          role,
      "--name",          fullName, "--db", options_.db, "--password-file", pw.string(),
      "--iterations",    "100000"};
  if (!staffId.empty()) {
    argv.push_back("--staff");
    argv.push_back(staffId);
  }
  if (!school.empty()) {
    argv.push_back("--school");
    argv.push_back(school);
  }
  const fs::path out = dir_ / "logs" / "user-add.out";
  const pid_t pid = spawn(argv, out);
  int status = 0;
  ::waitpid(pid, &status, 0);
  fs::remove(pw);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw std::runtime_error("ejournal user add " + login + " failed (" + exitText(status) + "):\n" +
                             tail(out, 10));
}

fs::path ServiceCluster::keepLogs() {
  keep_ = true;
  return fs::path(EJOURNAL_BINARY_DIR) / "logs" / ("cluster-" + options_.name);
}

std::string ServiceCluster::logTail(size_t lines) const {
  std::string out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir_ / "logs", ec))
    out += "--- " + e.path().filename().string() + " ---\n" + tail(e.path(), lines);
  out += "--- nginx error.log ---\n" + tail(dir_ / "nginx" / "error.log", lines);
  return out;
}

void ServiceCluster::stopAll() {
  if (nginxPid_ > 0) stop(nginxPid_);
  nginxPid_ = -1;
  for (auto& in : instances_) {
    if (in.pid > 0) ::kill(in.pid, SIGTERM);  // all at once, then wait for each
  }
  for (auto& in : instances_) {
    stop(in.pid);
    in.pid = -1;
  }
  if (dir_.empty()) return;
  std::error_code ec;
  if (keep_) {
    const fs::path to = fs::path(EJOURNAL_BINARY_DIR) / "logs" / ("cluster-" + options_.name);
    fs::remove_all(to, ec);
    fs::create_directories(to, ec);
    for (const auto& e : fs::directory_iterator(dir_ / "logs", ec))
      fs::copy_file(e.path(), to / e.path().filename(), fs::copy_options::overwrite_existing, ec);
    for (const char* f : {"error.log", "access.log", "nginx.conf"})
      fs::copy_file(dir_ / "nginx" / f, to / (std::string("nginx-") + f),
                    fs::copy_options::overwrite_existing, ec);
    for (const auto& in : instances_)
      fs::copy_file(in.config, to / in.config.filename(), fs::copy_options::overwrite_existing, ec);
    std::fprintf(stderr, "cluster logs kept in %s\n", to.c_str());
  }
  fs::remove_all(dir_, ec);
  dir_.clear();
}

}  // namespace ejournal::testsupport
