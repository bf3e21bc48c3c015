// Reading and validating the service configuration (config.h).
#include "service/config.h"

#include <Poco/Net/IPAddress.h>
#include <Poco/Util/AbstractConfiguration.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <set>

#include "ejournal/model/error.h"

namespace ejournal::app::service {
namespace {

const std::set<std::string> kKnownKeys = {
    "db",
    "http.enabled",
    "http.address",
    "http.port",
    "https.enabled",
    "https.address",
    "https.port",
    "https.certificate",
    "https.privateKey",
    "server.maxThreads",
    "server.maxQueued",
    "server.timeout",
    "server.headerTimeout",
    "server.bodyTimeout",
    "server.connectionsPerAddress",
    "server.reserveThreads",
    "server.trustedProxies",
    "work.dir",
    "auth.tokenSecretFile",
    "auth.tokenMinutes",
    "auth.maxFailedLogins",
    "auth.lockMinutes",
    "auth.passwordIterations",
    "auth.maxAddressFailures",
    "limits.json",
    "limits.upload",
    "log.file",
    "log.level",
    "log.rotation",
    "log.keep",
    "log.console",
    "archive.dir",
    "archive.key",
    "archive.cert",
    "archive.ca",
    "backup.dir",
    "pull.baseUrl",
    "pull.tokenFile",
    "smtp.host",
    "smtp.port",
    "smtp.starttls",
    "smtp.login",
    "smtp.passwordFile",
    "smtp.from",
    "smtp.fromName",
    "smtp.caFile",
    "smtp.timeout",
    "web.url",
};
const std::vector<std::string> kJobNames = {"pull",   "control-report", "quarter-seal",
                                            "backup", "notify",         "daily-summary"};
const std::set<std::string> kJobKeys = {"enabled", "schedule", "retries", "retryMinutes"};

Error bad(const std::string& key, const std::string& what) {
  return Error(ErrorKind::Input, "настройка " + key, what);
}

void collectKeys(const Poco::Util::AbstractConfiguration& c, const std::string& prefix,
                 std::vector<std::string>& out) {
  Poco::Util::AbstractConfiguration::Keys keys;
  c.keys(prefix, keys);
  if (keys.empty() && !prefix.empty()) {
    out.push_back(prefix);
    return;
  }
  for (const auto& k : keys) collectKeys(c, prefix.empty() ? k : prefix + "." + k, out);
}

int intKey(const Poco::Util::AbstractConfiguration& c, const std::string& key, int fallback, int lo, int hi) {
  if (!c.hasProperty(key)) return fallback;
  std::string text = c.getString(key);
  int v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size())
    throw bad(key, "ожидается целое число, указано «" + text + "»");
  if (v < lo || v > hi)
    throw bad(key, "значение " + text + " вне допустимых пределов " + std::to_string(lo) + "…" +
                       std::to_string(hi));
  return v;
}

bool boolKey(const Poco::Util::AbstractConfiguration& c, const std::string& key, bool fallback) {
  if (!c.hasProperty(key)) return fallback;
  std::string t = c.getString(key);
  if (t == "true" || t == "yes" || t == "on" || t == "1") return true;
  if (t == "false" || t == "no" || t == "off" || t == "0") return false;
  throw bad(key, "ожидается true или false, указано «" + t + "»");
}

size_t sizeKey(const Poco::Util::AbstractConfiguration& c, const std::string& key, size_t fallback) {
  if (!c.hasProperty(key)) return fallback;
  std::string t = c.getString(key);
  size_t v = 0;
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec != std::errc() || p == t.data())
    throw bad(key, "ожидается размер (например 64K, 256M), указано «" + t + "»");
  std::string unit(p, static_cast<size_t>(t.data() + t.size() - p));
  if (unit == "K" || unit == "k")
    v <<= 10;
  else if (unit == "M" || unit == "m")
    v <<= 20;
  else if (unit == "G" || unit == "g")
    v <<= 30;
  else if (!unit.empty())
    throw bad(key, "неизвестная единица «" + unit + "» (допустимы K, M, G)");
  if (v == 0) throw bad(key, "размер должен быть больше нуля");
  return v;
}

std::string str(const Poco::Util::AbstractConfiguration& c, const std::string& key,
                const std::string& fallback) {
  return c.hasProperty(key) ? c.getString(key) : fallback;
}

}  // namespace

std::vector<std::string> splitList(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char ch : s + ",") {
    if (ch == ',') {
      while (!cur.empty() && cur.back() == ' ') cur.pop_back();
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else if (ch != ' ' || !cur.empty()) {
      cur += ch;
    }
  }
  return out;
}

std::string clientAddress(const std::string& peer, const std::string& forwarded,
                          const std::vector<std::string>& trustedProxies) {
  auto trusted = [&](const std::string& a) {
    return std::find(trustedProxies.begin(), trustedProxies.end(), a) != trustedProxies.end();
  };
  if (forwarded.empty() || !trusted(peer)) return peer;
  const std::vector<std::string> hops = splitList(forwarded);
  for (auto it = hops.rbegin(); it != hops.rend(); ++it) {
    Poco::Net::IPAddress ip;
    if (!Poco::Net::IPAddress::tryParse(*it, ip)) return peer;  // not what a proxy of ours wrote
    const std::string a = ip.toString();
    if (!trusted(a)) return a;
  }
  return peer;  // only proxies: the request came from one of them
}

bool isLoopbackAddress(const std::string& address) {
  if (address == "localhost") return true;
  Poco::Net::IPAddress ip;
  if (!Poco::Net::IPAddress::tryParse(address, ip)) return false;
  return ip.isLoopback();
}

ServiceConfig ServiceConfig::fromConfiguration(const Poco::Util::AbstractConfiguration& c) {
  Poco::Util::AbstractConfiguration::Keys roots;
  c.keys(roots);
  auto hasSection = [&](const std::string& name) {
    return std::find(roots.begin(), roots.end(), name) != roots.end();
  };
  std::vector<std::string> present;
  for (const char* section : {"http", "https", "server", "work", "auth", "limits", "log", "archive", "backup",
                              "pull", "smtp", "web"})
    if (hasSection(section)) collectKeys(c, section, present);
  // Keys of one school of a regional installation: "<key>.<school id>".
  const std::vector<std::string> kPerSchool = {"pull.tokenFile.", "archive.key.", "archive.cert."};
  auto schoolOfKey = [&](const std::string& k, const std::string& prefix) -> std::string {
    return k.rfind(prefix, 0) == 0 && k.size() > prefix.size() ? k.substr(prefix.size()) : "";
  };
  for (const auto& k : present)
    if (!kKnownKeys.count(k) && std::none_of(kPerSchool.begin(), kPerSchool.end(), [&](const std::string& p) {
          return !schoolOfKey(k, p).empty();
        }))
      throw bad(k, "неизвестный параметр настройки");
  std::vector<std::string> jobKeys;
  if (hasSection("jobs")) {
    collectKeys(c, "jobs", jobKeys);
    for (const auto& k : jobKeys) {
      // jobs.NAME.KEY, or jobs.NAME.schedule.SCHOOL (a school's own schedule; school ids may hold dots)
      const auto first = k.find('.', 5);
      const std::string name = k.substr(5, first == std::string::npos ? std::string::npos : first - 5);
      const std::string rest = first == std::string::npos ? "" : k.substr(first + 1);
      const bool schoolSchedule = rest.rfind("schedule.", 0) == 0 && rest.size() > 9;
      bool known = std::find(kJobNames.begin(), kJobNames.end(), name) != kJobNames.end();
      if (!known || (!kJobKeys.count(rest) && !schoolSchedule))
        throw bad(
            k,
            "неизвестное задание или параметр (задания: pull, control-report, quarter-seal, backup, notify, "
            "daily-summary)");
    }
  }

  ServiceConfig s;
  s.db = str(c, "db", s.db);
  s.http.enabled = boolKey(c, "http.enabled", c.has("http.port"));
  s.http.address = str(c, "http.address", "127.0.0.1");
  s.http.port = intKey(c, "http.port", 8080, 0, 65535);
  s.https.enabled = boolKey(c, "https.enabled", c.has("https.port") || c.has("https.certificate"));
  s.https.address = str(c, "https.address", "0.0.0.0");
  s.https.port = intKey(c, "https.port", 8443, 0, 65535);
  s.certificateFile = str(c, "https.certificate", "");
  s.privateKeyFile = str(c, "https.privateKey", "");
  s.maxThreads = intKey(c, "server.maxThreads", s.maxThreads, 2, 1024);
  s.maxQueued = intKey(c, "server.maxQueued", s.maxQueued, 1, 100000);
  s.requestTimeout = std::chrono::seconds(intKey(c, "server.timeout", 60, 1, 3600));
  s.headerTimeout = std::chrono::seconds(intKey(c, "server.headerTimeout", 10, 1, 600));
  s.bodyTimeout = std::chrono::seconds(intKey(c, "server.bodyTimeout", 300, 1, 24 * 3600));
  s.connectionsPerAddress = intKey(c, "server.connectionsPerAddress", s.connectionsPerAddress, 1, 100000);
  s.reserveThreads = intKey(c, "server.reserveThreads", s.reserveThreads, 0, 1023);
  for (const std::string& item : splitList(str(c, "server.trustedProxies", ""))) {
    Poco::Net::IPAddress ip;
    if (!Poco::Net::IPAddress::tryParse(item, ip))
      throw bad(
          "server.trustedProxies",
          "«" + item + "» — не IP-адрес; укажите адреса обратных прокси через запятую, например 127.0.0.1");
    s.trustedProxies.push_back(ip.toString());
  }
  s.workDir = str(c, "work.dir", s.workDir.string());
  s.tokenSecretFile = str(c, "auth.tokenSecretFile", "");
  s.tokenMinutes = intKey(c, "auth.tokenMinutes", s.tokenMinutes, 1, 24 * 60);
  s.maxFailedLogins = intKey(c, "auth.maxFailedLogins", s.maxFailedLogins, 1, 100);
  s.lockMinutes = intKey(c, "auth.lockMinutes", s.lockMinutes, 1, 24 * 60);
  s.passwordIterations = intKey(c, "auth.passwordIterations", s.passwordIterations, 1000, 10000000);
  s.maxAddressFailures = intKey(c, "auth.maxAddressFailures", s.maxAddressFailures, 1, 100000);
  s.maxJsonBytes = sizeKey(c, "limits.json", s.maxJsonBytes);
  s.maxUploadBytes = sizeKey(c, "limits.upload", s.maxUploadBytes);
  s.logFile = str(c, "log.file", "");
  s.logLevel = str(c, "log.level", s.logLevel);
  s.logRotation = str(c, "log.rotation", s.logRotation);
  s.logKeep = intKey(c, "log.keep", s.logKeep, 1, 1000);
  s.logConsole = boolKey(c, "log.console", true);
  s.archiveDir = str(c, "archive.dir", s.archiveDir.string());
  s.signingKey = str(c, "archive.key", "");
  s.signingCert = str(c, "archive.cert", "");
  s.trustedCa = str(c, "archive.ca", "");
  s.backupDir = str(c, "backup.dir", s.backupDir.string());
  s.pullBaseUrl = str(c, "pull.baseUrl", "");
  s.pullTokenFile = str(c, "pull.tokenFile", "");
  for (const auto& k : present) {
    if (auto school = schoolOfKey(k, "pull.tokenFile."); !school.empty())
      s.pullTokenFiles[school] = c.getString(k);
    if (auto school = schoolOfKey(k, "archive.key."); !school.empty())
      s.schoolSigners[school].first = c.getString(k);
    if (auto school = schoolOfKey(k, "archive.cert."); !school.empty())
      s.schoolSigners[school].second = c.getString(k);
  }
  for (const auto& [school, signer] : s.schoolSigners)
    if (signer.first.empty() || signer.second.empty())
      throw bad(signer.first.empty() ? "archive.key." + school : "archive.cert." + school,
                "для подписи архивов школы " + school + " нужны и ключ (archive.key." + school +
                    "), и сертификат (archive.cert." + school + ")");
  s.smtp.host = str(c, "smtp.host", "");
  s.smtp.port = intKey(c, "smtp.port", 25, 1, 65535);
  s.smtp.startTls = boolKey(c, "smtp.starttls", false);
  s.smtp.login = str(c, "smtp.login", "");
  s.smtpPasswordFile = str(c, "smtp.passwordFile", "");
  s.smtp.from = str(c, "smtp.from", "");
  s.smtp.fromName = str(c, "smtp.fromName", s.smtp.fromName);
  s.smtp.caFile = str(c, "smtp.caFile", "");
  s.smtp.timeoutSeconds = intKey(c, "smtp.timeout", 30, 1, 600);
  if (!s.smtp.host.empty() && s.smtp.from.empty()) throw bad("smtp.from", "укажите адрес отправителя писем");
  s.webUrl = str(c, "web.url", "");
  for (const auto& name : kJobNames) {
    JobConfig j;
    j.name = name;
    const std::string p = "jobs." + name + ".";
    j.enabled = boolKey(c, p + "enabled", false);
    j.schedule = str(c, p + "schedule", "");
    j.retries = intKey(c, p + "retries", j.retries, 0, 100);
    j.retryMinutes = intKey(c, p + "retryMinutes", j.retryMinutes, 1, 24 * 60);
    if (j.enabled && j.schedule.empty())
      throw bad(p + "schedule", "для включённого задания нужно расписание");
    const std::string perSchool = p + "schedule.";
    for (const auto& k : jobKeys)
      if (k.rfind(perSchool, 0) == 0 && k.size() > perSchool.size())
        j.schoolSchedules[k.substr(perSchool.size())] = c.getString(k);
    s.jobs.push_back(j);
  }
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  s.instance = std::string(host) + ":" + std::to_string(getpid());
  s.validate();
  return s;
}

std::pair<std::string, std::string> ServiceConfig::signerOf(const std::string& school) const {
  auto it = schoolSigners.find(school);
  if (it != schoolSigners.end()) return it->second;
  return {signingKey, signingCert};
}

std::vector<std::string> ServiceConfig::trustOf(const std::string& school) const {
  if (!trustedCa.empty()) return {trustedCa};
  const std::string cert = signerOf(school).second;
  if (!cert.empty()) return {cert};
  return {};
}

void ServiceConfig::validate() const {
  if (!http.enabled && !https.enabled)
    throw bad("http.enabled", "не включён ни HTTP (только для 127.0.0.1), ни HTTPS");
  if (http.enabled && !isLoopbackAddress(http.address))
    throw bad("http.address",
              "незашифрованный HTTP допускается только на локальном адресе (127.0.0.1, ::1), указан «" +
                  http.address + "»; для сети включите HTTPS");
  if (https.enabled && (certificateFile.empty() || privateKeyFile.empty()))
    throw bad("https.certificate", "для HTTPS нужны https.certificate и https.privateKey");
  if (reserveThreads >= maxThreads)
    throw bad("server.reserveThreads",
              "резерв потоков должен быть меньше server.maxThreads (" + std::to_string(maxThreads) + ")");
  if (logLevel != "fatal" && logLevel != "critical" && logLevel != "error" && logLevel != "warning" &&
      logLevel != "notice" && logLevel != "information" && logLevel != "debug" && logLevel != "trace")
    throw bad("log.level", "неизвестный уровень «" + logLevel + "»");
}

}  // namespace ejournal::app::service
