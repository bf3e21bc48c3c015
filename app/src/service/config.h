// The service's configuration: read from a Poco properties or XML file (`ejournal serve --config FILE`) with
// command-line overrides, validated once at start-up. docs/api.md lists every key.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "mailer.h"

namespace Poco::Util {
class AbstractConfiguration;
}

namespace ejournal::app::service {

struct ListenConfig {
  bool enabled = false;
  std::string address = "127.0.0.1";
  int port = 0;  // 0: any free port (tests)
};

struct JobConfig {
  std::string name;  // "pull", "control-report", "quarter-seal", "backup"
  bool enabled = false;
  std::string schedule;   // "daily HH:MM", "monthly D HH:MM", "quarter-end HH:MM", "every N" (minutes)
  int retries = 3;        // further attempts after a failure
  int retryMinutes = 10;  // delay before each retry
  // A per-school job's own schedule for one school of a region: jobs.NAME.schedule.SCHOOL (else `schedule`).
  std::map<std::string, std::string> schoolSchedules;
};

struct ServiceConfig {
  std::string db = "ejournal.db";  // store connection (SQLite path or postgresql:...)
  ListenConfig http;               // plain HTTP: loopback addresses only
  ListenConfig https;
  std::string certificateFile;  // PEM, for HTTPS
  std::string privateKeyFile;   // PEM, for HTTPS
  int maxThreads = 32;
  int maxQueued = 256;
  std::chrono::seconds requestTimeout{60};  // one read or write on a connection
  std::chrono::seconds headerTimeout{10};   // a request's headers (and the TLS handshake) in all
  std::chrono::seconds bodyTimeout{300};    // a request's body in all
  int connectionsPerAddress = 8;            // open connections of one client address
  int reserveThreads = 4;                   // kept free for new connections (listener.h)
  // server.trustedProxies: addresses of reverse proxies (nginx) whose X-Forwarded-For names the client; a
  // request from one of them counts as from that client (log-in limits, audit, access log). Empty: the header
  // is ignored, as any client could write it.
  std::vector<std::string> trustedProxies;

  std::filesystem::path workDir = "var";  // uploads, printouts, reports, token secret
  std::string tokenSecretFile;  // default: <workDir>/token.secret (made with mode 0600 when missing)
  int tokenMinutes = 15;
  int maxFailedLogins = 5;
  int lockMinutes = 15;
  int passwordIterations = 600000;
  int maxAddressFailures = 20;  // failed logins from one address (any logins) before it is throttled

  size_t maxJsonBytes = 64 * 1024;
  size_t maxUploadBytes = size_t{256} << 20;

  std::string logFile;  // empty: console only
  std::string logLevel = "information";
  std::string logRotation = "10 M";
  int logKeep = 10;
  bool logConsole = true;

  std::filesystem::path archiveDir = "archive";
  std::string signingKey;   // PEM key for sealing
  std::string signingCert;  // PEM certificate for sealing
  std::string trustedCa;    // PEM CA for verification
  // A regional installation's schools, each sealed with its own director's key: archive.key.<school id> and
  // archive.cert.<school id> (a school without them is sealed with archive.key/archive.cert).
  std::map<std::string, std::pair<std::string, std::string>> schoolSigners;  // school -> (key, cert)
  // The key and certificate that seal the school's archives; ("", "") when none is configured.
  std::pair<std::string, std::string> signerOf(const std::string& school) const;
  // The certificates an archive of the school is verified against: archive.ca, else the school's certificate.
  std::vector<std::string> trustOf(const std::string& school) const;
  std::filesystem::path backupDir = "backup";

  std::string pullBaseUrl;    // dnevnik.ru API base URL
  std::string pullTokenFile;  // file holding the Access-Token (of the installation's one school)
  // A regional installation's schools, each pulled with its own token: pull.tokenFile.<school id> = FILE
  // (the school id is the one dnevnik.ru and the store know the school by).
  std::map<std::string, std::string> pullTokenFiles;

  // The follow-up of checks (docs/followup.md): the school's SMTP server (smtp.*; the password is read from
  // smtp.passwordFile when a message is sent) and the address of the web interface named in the messages.
  SmtpSettings smtp;
  std::string smtpPasswordFile;
  std::string webUrl;

  std::vector<JobConfig> jobs;
  std::string instance;      // host:pid, for job runs
  bool runScheduler = true;  // false: jobs run only through Scheduler::tick() (tests)

  // Reads every key (unknown keys under "ejournal." are an error naming the key). Throws
  // ejournal::Error(Input) naming the key and what is wrong.
  static ServiceConfig fromConfiguration(const Poco::Util::AbstractConfiguration& config);
  // Checks cross-key constraints (HTTP only on loopback, HTTPS needs certificate and key, ...).
  void validate() const;
};

bool isLoopbackAddress(const std::string& address);

// The items of a comma-separated list, each trimmed of spaces; empty items are left out.
std::vector<std::string> splitList(const std::string& s);

// The client of a request from `peer` with the X-Forwarded-For value `forwarded` (empty when absent): `peer`
// itself unless it is one of `trustedProxies`; then the right-most address of `forwarded` that is not a
// trusted proxy (each proxy appends the address it was reached from, so what a client wrote itself stands to
// the left and is never taken). `peer` when the header is absent or an item is not an IP address.
std::string clientAddress(const std::string& peer, const std::string& forwarded,
                          const std::vector<std::string>& trustedProxies);

}  // namespace ejournal::app::service
