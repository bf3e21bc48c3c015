// Tests of the archive stage with real parts: real files, real keys made by the openssl CLI (EC with a CA,
// RSA in PKCS#12, GOST R 34.10-2012 through the gost engine), a real local RFC 3161 TSA (`openssl ts -reply`
// behind a Poco HTTP server on 127.0.0.1), the stock-tool checks of docs/archive-format.md §10, fault
// injection at every file-system operation and SIGKILL of a child process (this binary re-executed) in the
// middle of sealing.
#define BOOST_TEST_MODULE archive
#include "ejournal/archive/archive.h"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "ejournal/model/error.h"

namespace ejournal::model {
std::ostream& operator<<(std::ostream& os, const Date& d) { return os << d.toString(); }
}  // namespace ejournal::model
namespace ejournal::archive {
std::ostream& operator<<(std::ostream& os, Operation op) { return os << toString(op); }
}  // namespace ejournal::archive

namespace fs = std::filesystem;
using namespace ejournal;
using namespace ejournal::archive;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void spit(const fs::path& p, std::string_view bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// Runs a shell command; returns the exit status and fills `output` with stdout+stderr.
int run(const std::string& cmd, std::string* output = nullptr) {
  std::string full = "(" + cmd + ") 2>&1";
  FILE* p = popen(full.c_str(), "r");
  BOOST_REQUIRE(p);
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int status = pclose(p);
  if (output) *output = out;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

void mustRun(const std::string& cmd) {
  std::string out;
  int rc = run(cmd, &out);
  BOOST_REQUIRE_MESSAGE(rc == 0, cmd + " failed: " + out);
}

std::string q(const fs::path& p) { return "'" + p.string() + "'"; }

// Keys and certificates for the whole run, made once with the openssl CLI.
struct Keys {
  fs::path dir;
  Keys() {
    char tmpl[] = "/tmp/ejournal-archive-keys-XXXXXX";
    dir = mkdtemp(tmpl);
    auto d = [&](const char* n) { return q(dir / n); };
    spit(dir / "leaf.ext", "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\n");
    spit(dir / "tsa.ext",
         "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\n"
         "extendedKeyUsage=critical,timeStamping\n");
    mustRun(
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 -utf8 "
        "-subj '/CN=Тестовый удостоверяющий центр' -keyout " +
        d("ca.key") + " -out " + d("ca.crt"));
    mustRun(
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 "
        "-subj '/CN=Other CA' -keyout " +
        d("other.key") + " -out " + d("other.crt"));
    mustRun(
        "openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -utf8 "
        "-subj '/CN=Секретарь лицея/O=МАОУ лицей «Ступени»' -keyout " +
        d("ec.key") + " -out " + d("ec.csr"));
    mustRun("openssl x509 -req -in " + d("ec.csr") + " -CA " + d("ca.crt") + " -CAkey " + d("ca.key") +
            " -set_serial 2 -days 3650 -extfile " + d("leaf.ext") + " -out " + d("ec.crt"));
    mustRun("openssl req -new -newkey rsa:2048 -nodes -subj '/CN=TSA' -keyout " + d("tsa.key") + " -out " +
            d("tsa.csr"));
    mustRun("openssl x509 -req -in " + d("tsa.csr") + " -CA " + d("ca.crt") + " -CAkey " + d("ca.key") +
            " -set_serial 3 -days 3650 -extfile " + d("tsa.ext") + " -out " + d("tsa.crt"));
    mustRun("openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj '/CN=RSA signer' -keyout " +
            d("rsa.key") + " -out " + d("rsa.crt"));
    mustRun("openssl pkcs12 -export -inkey " + d("rsa.key") + " -in " + d("rsa.crt") + " -out " +
            d("rsa.p12") + " -passout pass:secret");
    mustRun("openssl genpkey -engine gost -algorithm gost2012_256 -pkeyopt paramset:A -out " + d("gost.key"));
    mustRun("openssl req -engine gost -x509 -new -key " + d("gost.key") +
            " -md_gost12_256 -utf8 -days 3650 -subj '/CN=Директор (ГОСТ)' -out " + d("gost.crt"));
    spit(dir / "tsaserial", "01\n");
    spit(dir / "tsa.cnf",
         "[ tsa ]\ndefault_tsa = tsa1\n[ tsa1 ]\ndir = " + dir.string() +
             "\nserial = $dir/tsaserial\ncrypto_device = builtin\nsigner_cert = $dir/tsa.crt\n"
             "certs = $dir/ca.crt\nsigner_key = $dir/tsa.key\nsigner_digest = sha256\n"
             "default_policy = 1.2.3.4.1\nother_policies = 1.2.3.4.5.6\n"
             "digests = sha256, sha384, sha512\naccuracy = secs:1\nordering = yes\n"
             "tsa_name = yes\ness_cert_id_chain = no\ness_cert_id_alg = sha256\n");
  }
  ~Keys() { fs::remove_all(dir); }
  SignerConfig ec() const {
    return {(dir / "ec.key").string(), (dir / "ec.crt").string(), "", {}, KeyEngine::Default};
  }
  std::string ca() const { return (dir / "ca.crt").string(); }
};

Keys& keys() {
  static Keys k;
  return k;
}

struct TempDir {
  fs::path path;
  TempDir() {
    char tmpl[] = "/tmp/ejournal-archive-test-XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~TempDir() { fs::remove_all(path); }
};

std::shared_ptr<model::FixedClock> clockAt(const char* t) {
  return std::make_shared<model::FixedClock>(*model::DateTime::parse(t));
}

std::string pseudoPdf(int seed, size_t size) {
  std::mt19937 rng(static_cast<unsigned>(seed));
  std::string s = "%PDF-1.4\n";
  while (s.size() < size) s += static_cast<char>(rng() & 0xFF);
  return s;
}

SealRequest request(const std::string& period, int startYear = 2025, bool withSigner = true) {
  SealRequest r;
  r.schoolId = "1000";
  r.schoolName = "МАОУ лицей «Ступени»";
  r.periodId = period;
  r.periodTitle = "период " + period;
  r.periodDates = {model::Date::fromYmd(startYear, 9, 1), model::Date::fromYmd(startYear, 10, 26)};
  r.createdBy = "Секретарь Иванова М. П.";
  r.tool = "ejournal test";
  if (withSigner) r.signer = keys().ec();
  Document xml{"export/journal.xml",
               std::string(kKindExport),
               "Выгрузка данных",
               "application/xml",
               {{"student", {"Петров Пётр", "Ёлкина Анна"}}},
               "<journal>данные</journal>\n",
               {}};
  Document j5{"journals/5A.pdf",
              std::string(kKindJournal),
              "Классный журнал 5 «А» класса",
              "application/pdf",
              {{"class", {"5А"}}, {"student", {"Петров Пётр"}}, {"subject", {"Математика"}}},
              pseudoPdf(5, 3000),
              {}};
  Document s5{"summary/5A.pdf",
              std::string(kKindSummary),
              "Сводная ведомость 5 «А»",
              "application/pdf",
              {{"class", {"5А"}}},
              "",
              [](std::ostream& os) {
                std::string chunk = pseudoPdf(7, 100000);
                for (int i = 0; i < 7; ++i) os << chunk;  // 700 kB streamed, hashed while written
              }};
  Document empty{"reports/empty.txt", std::string(kKindReport), "Пустой", "text/plain", {}, "", {}};
  r.documents = {xml, j5, s5, empty};
  return r;
}

// Two English words in a row: OpenSSL's or the C library's own text in a user's message.
const std::regex& englishWords() {
  static const std::regex re("[A-Za-z]{2,}(, | )+[A-Za-z]{2,}");
  return re;
}

unsigned modeOf(const fs::path& p) {
  struct stat st {};
  BOOST_REQUIRE_MESSAGE(::stat(p.c_str(), &st) == 0, "no file " + p.string());
  return st.st_mode & 07777;
}

VerifyOptions withCa() {
  VerifyOptions o;
  o.caFiles = {keys().ca()};
  return o;
}

std::string problemsText(const VerifyReport& r) {
  std::string s;
  for (const auto& p : r.problems) s += p.toString() + "\n";
  return s;
}

// A reader of the ustar layout written from docs/archive-format.md alone, to rebuild archives member by
// member.
struct Member {
  std::string name;
  std::string bytes;
};

std::vector<Member> members(const std::string& tar) {
  std::vector<Member> out;
  size_t off = 0;
  while (off + 512 <= tar.size() && tar[off] != '\0') {
    std::string name = tar.substr(off, 100);
    name.resize(name.find('\0'));
    size_t size = std::stoull(tar.substr(off + 124, 11), nullptr, 8);
    out.push_back({name, tar.substr(off + 512, size)});
    off += 512 + (size + 511) / 512 * 512;
  }
  return out;
}

std::string tarOf(const std::vector<Member>& ms, uint64_t mtime) {
  std::string t;
  for (const auto& m : ms) {
    std::string h(512, '\0');
    h.replace(0, m.name.size(), m.name);
    char buf[16];
    h.replace(100, 7, "0000644");
    h.replace(108, 7, "0000000");
    h.replace(116, 7, "0000000");
    std::snprintf(buf, sizeof buf, "%011llo", static_cast<unsigned long long>(m.bytes.size()));
    h.replace(124, 11, buf);
    std::snprintf(buf, sizeof buf, "%011llo", static_cast<unsigned long long>(mtime));
    h.replace(136, 11, buf);
    h[156] = '0';
    h.replace(257, 6, std::string("ustar\0", 6));
    h.replace(263, 2, "00");
    h.replace(329, 7, "0000000");
    h.replace(337, 7, "0000000");
    unsigned sum = 0;
    for (int i = 0; i < 512; ++i) sum += (i >= 148 && i < 156) ? ' ' : static_cast<unsigned char>(h[i]);
    std::snprintf(buf, sizeof buf, "%06o", sum);
    h.replace(148, 6, buf);
    h[154] = '\0';
    h[155] = ' ';
    t += h + m.bytes + std::string((512 - m.bytes.size() % 512) % 512, '\0');
  }
  return t + std::string(1024, '\0');
}

uint64_t mtimeOf(const std::string& tar) { return std::stoull(tar.substr(136, 11), nullptr, 8); }

// A local RFC 3161 TSA: `openssl ts -reply` behind a Poco HTTP server on 127.0.0.1.
class TsaHandler : public Poco::Net::HTTPRequestHandler {
 public:
  void handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) override {
    static std::mutex mutex;
    std::lock_guard lock(mutex);
    std::string query;
    Poco::StreamCopier::copyToString(req.stream(), query);
    const fs::path dir = keys().dir;
    spit(dir / "q.tsq", query);
    fs::remove(dir / "r.tsr");
    std::string out;
    int rc = run("openssl ts -reply -config " + q(dir / "tsa.cnf") + " -queryfile " + q(dir / "q.tsq") +
                     " -out " + q(dir / "r.tsr"),
                 &out);
    if (rc != 0 || req.getContentType() != "application/timestamp-query") {
      resp.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_BAD_REQUEST);
      resp.send() << out;
      return;
    }
    std::string reply = slurp(dir / "r.tsr");
    resp.setContentType("application/timestamp-reply");
    resp.setContentLength(static_cast<std::streamsize>(reply.size()));
    resp.send() << reply;
  }
};

class TsaFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
    return new TsaHandler;
  }
};

// The SIGKILL trials re-execute this binary; with EJOURNAL_ARCHIVE_CHILD_DIR set it only seals one archive
// into that directory (keys from EJOURNAL_ARCHIVE_CHILD_KEYS) and exits, before any test runs.
struct ChildSealer {
  ChildSealer() {
    const char* dir = std::getenv("EJOURNAL_ARCHIVE_CHILD_DIR");
    if (!dir) return;
    fs::path k = std::getenv("EJOURNAL_ARCHIVE_CHILD_KEYS");
    SealRequest r = request("2025-Q2", 2025, false);
    r.signer = {(k / "ec.key").string(), (k / "ec.crt").string(), "", {}, KeyEngine::Default};
    r.documents.push_back({"journals/big.pdf",
                           std::string(kKindJournal),
                           "Большой",
                           "application/pdf",
                           {},
                           "",
                           [](std::ostream& os) {
                             std::string chunk = pseudoPdf(9, 1 << 20);
                             for (int i = 0; i < 40; ++i) os << chunk;
                           }});
    Archive a(dir, posixFileSystem(), clockAt("2026-01-10T12:00:00"));
    a.seal(r);
    std::_Exit(0);
  }
};

}  // namespace

BOOST_TEST_GLOBAL_FIXTURE(ChildSealer);

BOOST_AUTO_TEST_CASE(seal_verify_list_extract_roundtrip) {
  TempDir t;
  Archive a(t.path, posixFileSystem(), clockAt("2025-10-30T15:00:00"));
  auto req = request("2025-Q1");
  auto info = a.seal(req);
  BOOST_TEST(info.fileName == "000001_2025-Q1_v1.tar");
  BOOST_TEST(fs::exists(t.path / info.fileName));
  BOOST_TEST(info.documents.size() == 4u);
  BOOST_TEST(info.documents[2].size == 700000u);
  BOOST_TEST(info.documents[1].sha256 == sha256Hex(req.documents[1].bytes));
  BOOST_TEST(info.retention.years == 25);  // the summary sheet keeps the whole archive 25 years
  BOOST_TEST(info.retention.earliestDisposal == model::Date::fromYmd(2051, 1, 1));
  BOOST_TEST(info.documents[0].retention.earliestDisposal == model::Date::fromYmd(2031, 1, 1));
  BOOST_TEST(!info.previous.has_value());

  auto r = a.verify(info.fileName, withCa());
  BOOST_TEST(r.ok(), problemsText(r));
  BOOST_REQUIRE_EQUAL(r.archives.size(), 1u);
  BOOST_TEST(r.archives[0].signer.find("Секретарь лицея") != std::string::npos);
  BOOST_TEST(r.archives[0].manifestSha256 == info.manifestSha256);

  auto listed = a.list();
  BOOST_REQUIRE_EQUAL(listed.size(), 1u);
  BOOST_TEST(listed[0].schoolName == "МАОУ лицей «Ступени»");
  BOOST_TEST(listed[0].createdAt.toString() == "2025-10-30T15:00:00");
  BOOST_TEST(listed[0].documents[0].tags.at("student")[1] == "Ёлкина Анна");
  BOOST_TEST(a.extract(info.fileName, "journals/5A.pdf") == req.documents[1].bytes);
  BOOST_TEST(a.extract(info.fileName, "reports/empty.txt").empty());
  BOOST_CHECK_THROW(a.extract(info.fileName, "journals/6B.pdf"), Error);
  BOOST_CHECK_THROW(a.show("000009_2025-Q1_v1.tar"), Error);

  // The container is exactly what docs/archive-format.md describes: rebuilt from its members, byte for byte.
  std::string bytes = slurp(t.path / info.fileName);
  auto ms = members(bytes);
  BOOST_REQUIRE_EQUAL(ms.size(), 7u);
  BOOST_TEST(ms[4].name == "metadata.json");
  BOOST_TEST(ms[5].name == "manifest.sha256");
  BOOST_TEST(ms[6].name == "manifest.sha256.p7s");
  BOOST_TEST(tarOf(ms, mtimeOf(bytes)) == bytes);
  BOOST_TEST(ms[4].bytes.find("\"previous\": null,\n") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(stock_tools_verify_and_wrong_certificate_fails) {
  TempDir t;
  Archive a(t.path, posixFileSystem(), clockAt("2025-10-30T15:00:00"));
  auto info = a.seal(request("2025-Q1"));
  fs::path x = t.path / "x";
  fs::create_directories(x);
  mustRun("tar -xf " + q(info.path) + " -C " + q(x));
  std::string out;
  BOOST_TEST(run("cd " + q(x) + " && sha256sum -c --strict manifest.sha256", &out) == 0, out);
  BOOST_TEST(out.find("journals/5A.pdf: OK") != std::string::npos, out);
  BOOST_TEST(run("cd " + q(x) +
                     " && openssl cms -verify -binary -inform DER -in manifest.sha256.p7s -content "
                     "manifest.sha256 -CAfile " +
                     q(keys().ca()) + " -purpose any -out /dev/null",
                 &out) == 0,
             out);
  BOOST_TEST(out.find("Verification successful") != std::string::npos, out);
  BOOST_TEST(run("cd " + q(x) +
                     " && openssl cms -verify -binary -inform DER -in manifest.sha256.p7s -content "
                     "manifest.sha256 -CAfile " +
                     q(keys().dir / "other.crt") + " -purpose any -out /dev/null",
                 &out) != 0);
  // The chain hash of the next archive is the stock sha256sum of this manifest.
  run("cd " + q(x) + " && sha256sum manifest.sha256", &out);
  BOOST_TEST(out.substr(0, 64) == info.manifestSha256);
  // A changed document fails sha256sum -c; our verify fails with the wrong trust anchor.
  spit(x / "journals/5A.pdf", "changed");
  BOOST_TEST(run("cd " + q(x) + " && sha256sum -c --strict manifest.sha256", &out) != 0);
  VerifyOptions wrong;
  wrong.caFiles = {(keys().dir / "other.crt").string()};
  auto r = a.verify(info.fileName, wrong);
  BOOST_TEST(!r.ok());
  BOOST_TEST(problemsText(r).find("manifest.sha256.p7s") != std::string::npos, problemsText(r));
  BOOST_TEST(problemsText(r).find("не заверен доверенным") != std::string::npos, problemsText(r));
  // Without a trust anchor the signature is not accepted as checked.
  auto r2 = a.verify(info.fileName, VerifyOptions{});
  BOOST_TEST(!r2.ok());
  BOOST_TEST(problemsText(r2).find("--ca") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(every_flipped_byte_is_detected_and_located) {
  TempDir t;
  Archive a(t.path, posixFileSystem(), clockAt("2025-10-30T15:00:00"));
  auto info = a.seal(request("2025-Q1"));
  const fs::path p = info.path;
  const std::string original = slurp(p);
  std::mt19937 rng(42);
  int trials = 0;
  size_t off = 0;
  auto flipAt = [&](size_t pos, const std::string& expectName) {
    std::string bytes = original;
    bytes[pos] = static_cast<char>(bytes[pos] ^ (1 + rng() % 255));
    spit(p, bytes);
    auto r = a.verify(info.fileName, withCa());
    ++trials;
    BOOST_TEST(!r.ok(), "flip at " << pos << " in " << expectName << " not detected");
    BOOST_TEST(problemsText(r).find(expectName) != std::string::npos,
               "flip at " << pos << " does not name " << expectName << ": " << problemsText(r));
  };
  for (const auto& m : members(original)) {
    // Header: name, size, mtime, checksum, magic and padding fields.
    for (size_t h : {0u, 60u, 101u, 130u, 140u, 150u, 257u, 400u}) flipAt(off + h, m.name);
    for (int k = 0; k < 12 && !m.bytes.empty(); ++k) flipAt(off + 512 + rng() % m.bytes.size(), m.name);
    if (!m.bytes.empty()) flipAt(off + 512 + m.bytes.size() - 1, m.name);
    if (m.bytes.size() % 512) flipAt(off + 512 + m.bytes.size(), m.name);  // padding after the member
    off += 512 + (m.bytes.size() + 511) / 512 * 512;
  }
  flipAt(off + 10, "маркер конца");
  flipAt(off + 1023, "маркер конца");
  spit(p, original + std::string(512, '\0'));
  BOOST_TEST(!a.verify(info.fileName, withCa()).ok());
  spit(p, original.substr(0, original.size() - 512));
  BOOST_TEST(!a.verify(info.fileName, withCa()).ok());
  spit(p, original);
  BOOST_TEST(a.verify(info.fileName, withCa()).ok());
  BOOST_TEST(trials > 90);
}

BOOST_AUTO_TEST_CASE(removed_added_reordered_members_are_detected) {
  TempDir t;
  Archive a(t.path, posixFileSystem(), clockAt("2025-10-30T15:00:00"));
  auto info = a.seal(request("2025-Q1"));
  const std::string original = slurp(info.path);
  const auto ms = members(original);
  const uint64_t mtime = mtimeOf(original);
  auto check = [&](std::vector<Member> changed, const std::string& expect) {
    spit(info.path, tarOf(changed, mtime));
    auto r = a.verify(info.fileName, withCa());
    BOOST_TEST(!r.ok());
    BOOST_TEST(problemsText(r).find(expect) != std::string::npos, expect << " not in: " << problemsText(r));
  };
  auto removed = ms;
  removed.erase(removed.begin() + 1);
  check(removed, "journals/5A.pdf: указан в манифесте, но отсутствует");
  auto added = ms;
  added.insert(added.begin() + 2, Member{"journals/extra.pdf", "%PDF extra"});
  check(added, "journals/extra.pdf: нет в манифесте");
  auto reordered = ms;
  std::swap(reordered[0], reordered[1]);
  check(reordered, "порядок членов архива не совпадает с манифестом");
  auto noSignature = ms;
  noSignature.pop_back();
  check(noSignature, "manifest.sha256.p7s: отсутствует");
  auto moved = ms;
  std::swap(moved[4], moved[5]);
  check(moved, "не на своём месте");
  spit(info.path, tarOf(ms, mtime));
  BOOST_TEST(a.verify(info.fileName, withCa()).ok());
}

BOOST_AUTO_TEST_CASE(hash_chain_detects_removed_renamed_and_missing_head) {
  TempDir t;
  Archive a(t.path, posixFileSystem(), clockAt("2026-06-01T10:00:00"));
  auto i1 = a.seal(request("2025-Q1"));
  auto i2 = a.seal(request("2025-Q2"));
  auto i3 = a.seal(request("2025-Q3"));
  BOOST_TEST(i2.previous->manifestSha256 == i1.manifestSha256);
  BOOST_TEST(i3.previous->archive == i2.fileName);
  auto all = a.verifyAll(withCa());
  BOOST_TEST(all.ok(), problemsText(all));
  BOOST_TEST(all.archives.size() == 3u);
  VerifyOptions head = withCa();
  head.expectedHeadSha256 = i3.manifestSha256;
  BOOST_TEST(a.verifyAll(head).ok());

  // Reorder: swap the names of two archives.
  fs::rename(i1.path, t.path / "tmp");
  fs::rename(i2.path, i1.path);
  fs::rename(t.path / "tmp", i2.path);
  auto r = a.verifyAll(withCa());
  BOOST_TEST(!r.ok());
  BOOST_TEST(problemsText(r).find("имя файла не совпадает") != std::string::npos, problemsText(r));
  fs::rename(i1.path, t.path / "tmp");
  fs::rename(i2.path, i1.path);
  fs::rename(t.path / "tmp", i2.path);
  BOOST_TEST(a.verifyAll(withCa()).ok());

  // Remove the middle one.
  std::string keep = slurp(i2.path);
  fs::remove(i2.path);
  r = a.verifyAll(withCa());
  BOOST_TEST(!r.ok());
  BOOST_TEST(problemsText(r).find("пропущены номера 2–2") != std::string::npos, problemsText(r));
  // Replace it by another validly signed archive of the same place: the chain names it.
  {
    TempDir other;
    Archive b(other.path, posixFileSystem(), clockAt("2026-06-02T10:00:00"));
    b.seal(request("2025-Q1"));
    auto forged = b.seal(request("2025-Q2"));
    fs::copy_file(forged.path, i2.path);
  }
  r = a.verifyAll(withCa());
  BOOST_TEST(!r.ok());
  BOOST_TEST(problemsText(r).find("цепочка архивов нарушена") != std::string::npos, problemsText(r));
  fs::remove(i2.path);
  spit(i2.path, keep);
  BOOST_TEST(a.verifyAll(withCa()).ok());

  // Remove the newest: only the index's head notices.
  fs::remove(i3.path);
  BOOST_TEST(a.verifyAll(withCa()).ok());
  BOOST_TEST(!a.verifyAll(head).ok());
  // A stray file is reported.
  spit(t.path / "notes.txt", "x");
  BOOST_TEST(problemsText(a.verifyAll(withCa())).find("посторонний файл") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(sealed_period_is_immutable_and_corrections_are_versions) {
  TempDir t;
  Archive a(t.path, posixFileSystem(), clockAt("2025-11-01T09:00:00"));
  auto v1 = a.seal(request("2025-Q1"));
  const std::string v1bytes = slurp(v1.path);
  try {
    a.seal(request("2025-Q1"));
    BOOST_FAIL("sealing a sealed period must be refused");
  } catch (const Error& e) {
    BOOST_TEST(static_cast<int>(e.kind()) == static_cast<int>(ErrorKind::Conflict));
    BOOST_TEST(std::string(e.what()).find("уже запечатан") != std::string::npos);
  }
  auto corr = request("2025-Q1");
  corr.mode = SealMode::Correction;
  BOOST_CHECK_THROW(a.seal(corr), Error);  // no reason
  corr.reason = "исправлена оценка Петрова П. по математике";
  auto v2 = a.seal(corr);
  BOOST_TEST(v2.fileName == "000002_2025-Q1_v2.tar");
  BOOST_TEST(v2.supersedes->archive == v1.fileName);
  BOOST_TEST(v2.supersedes->manifestSha256 == v1.manifestSha256);
  BOOST_TEST(slurp(v1.path) == v1bytes);  // both stay, the first unchanged
  BOOST_TEST(a.current("2025-Q1")->version == 2);
  BOOST_TEST(a.show(v2.fileName).reason == corr.reason);
  auto all = a.verifyAll(withCa());
  BOOST_TEST(all.ok(), problemsText(all));
  auto corrQ2 = request("2025-Q2");
  corrQ2.mode = SealMode::Correction;
  corrQ2.reason = "x";
  BOOST_CHECK_THROW(a.seal(corrQ2), Error);  // nothing to correct

  // find: current versions only by default; by class, case-insensitive student with ё = е, year.
  auto list = a.list();
  FindQuery byStudent;
  byStudent.tags["student"] = {"елкина"};
  auto hits = Archive::find(list, byStudent);
  BOOST_REQUIRE_EQUAL(hits.size(), 1u);
  BOOST_TEST(hits[0].archive->fileName == v2.fileName);
  BOOST_TEST(hits[0].document->name == "export/journal.xml");
  byStudent.currentOnly = false;
  BOOST_TEST(Archive::find(list, byStudent).size() == 2u);
  FindQuery byClass;
  byClass.tags["class"] = {"5а"};
  byClass.year = 2025;
  BOOST_TEST(Archive::find(list, byClass).size() == 2u);
  byClass.year = 2024;
  BOOST_TEST(Archive::find(list, byClass).empty());
}

// Two seals in one directory at the same moment (two service instances sharing the archive directory, or two
// requests in one): the first is held inside its first document while the second starts. The second must wait
// for the directory's lock: it may not take the same sequence number (different periods) or pass the check
// that the period is not sealed yet (same period). The first is released once the second has reached its own
// first document (possible only without the lock) or after a grace time, whichever comes first.
namespace {

struct HeldSeal {
  std::mutex m;
  std::condition_variable cv;
  bool firstInside = false, secondInside = false;
  SealRequest held(const std::string& period) {
    SealRequest r = request(period);
    r.documents.front().producer = [this](std::ostream& os) {
      std::unique_lock lock(m);
      firstInside = true;
      cv.notify_all();
      cv.wait_for(lock, std::chrono::milliseconds(700), [this] { return secondInside; });
      os << "<journal>данные</journal>\n";
    };
    r.documents.front().bytes.clear();
    return r;
  }
  SealRequest second(const std::string& period) {
    SealRequest r = request(period);
    r.documents.front().producer = [this](std::ostream& os) {
      {
        std::lock_guard lock(m);
        secondInside = true;
      }
      cv.notify_all();
      os << "<journal>данные</journal>\n";
    };
    r.documents.front().bytes.clear();
    return r;
  }
  void waitFirstInside() {
    std::unique_lock lock(m);
    cv.wait(lock, [this] { return firstInside; });
  }
};

}  // namespace

BOOST_AUTO_TEST_CASE(concurrent_seals_of_one_directory_take_turns_and_one_period_is_sealed_once) {
  TempDir t;
  {
    HeldSeal h;
    std::optional<ArchiveInfo> first;
    std::thread a([&] {
      first = Archive(t.path, posixFileSystem(), clockAt("2025-11-01T09:00:00")).seal(h.held("2025-Q1"));
    });
    h.waitFirstInside();
    ArchiveInfo second =
        Archive(t.path, posixFileSystem(), clockAt("2025-11-01T09:00:00")).seal(h.second("2025-Q2"));
    a.join();
    BOOST_REQUIRE(first);
    BOOST_TEST(first->sequence == 1);
    BOOST_TEST(second.sequence == 2);
    BOOST_REQUIRE(second.previous);
    BOOST_TEST(second.previous->archive == first->fileName);
    auto all = Archive(t.path, posixFileSystem(), clockAt("2025-11-01T09:00:00")).verifyAll(withCa());
    BOOST_TEST(all.ok(), problemsText(all));
  }
  {
    HeldSeal h;
    std::optional<ArchiveInfo> first;
    std::thread a([&] {
      first = Archive(t.path, posixFileSystem(), clockAt("2025-11-01T09:00:00")).seal(h.held("2025-Q3"));
    });
    h.waitFirstInside();
    std::string refused;
    try {
      Archive(t.path, posixFileSystem(), clockAt("2025-11-01T09:00:00")).seal(h.second("2025-Q3"));
    } catch (const Error& e) {
      BOOST_TEST(static_cast<int>(e.kind()) == static_cast<int>(ErrorKind::Conflict));
      refused = e.what();
    }
    a.join();
    BOOST_REQUIRE(first);
    BOOST_TEST(refused.find("период 2025-Q3 уже запечатан") != std::string::npos, refused);
    Archive archives(t.path, posixFileSystem(), clockAt("2025-11-01T09:00:00"));
    int q3 = 0;
    for (const auto& info : archives.list()) q3 += info.periodId == "2025-Q3";
    BOOST_TEST(q3 == 1);
    auto all = archives.verifyAll(withCa());
    BOOST_TEST(all.ok(), problemsText(all));  // the lock file is not a foreign file
    BOOST_TEST(fs::exists(t.path / kLockFileName));
  }
}

BOOST_AUTO_TEST_CASE(sealing_is_refused_without_or_with_a_bad_key) {
  TempDir t;
  Archive a(t.path, posixFileSystem(), clockAt("2025-11-01T09:00:00"));
  auto r = request("2025-Q1");
  r.signer = {};
  try {
    a.seal(r);
    BOOST_FAIL("sealing without a key must be refused");
  } catch (const Error& e) {
    BOOST_TEST(std::string(e.what()).find("не указан ключ электронной подписи") != std::string::npos);
  }
  r.signer = keys().ec();
  r.signer.certPath = (keys().dir / "rsa.crt").string();
  try {
    a.seal(r);
    BOOST_FAIL("a certificate of another key must be refused");
  } catch (const Error& e) {
    BOOST_TEST(std::string(e.what()).find("не соответствует закрытому ключу") != std::string::npos, e.what());
    BOOST_TEST(!std::regex_search(std::string(e.what()), englishWords()),
               e.what());  // was "key values mismatch"
  }
  r.signer = keys().ec();
  r.documents[1].name = "../escape.pdf";
  BOOST_CHECK_THROW(a.seal(r), Error);
  BOOST_TEST(fs::is_empty(t.path));
}

BOOST_AUTO_TEST_CASE(rsa_pkcs12_signature) {
  TempDir t;
  Archive a(t.path, posixFileSystem(), clockAt("2025-11-01T09:00:00"));
  auto r = request("2025-Q1");
  r.signer = {(keys().dir / "rsa.p12").string(), "", "wrong", {}, KeyEngine::Default};
  BOOST_CHECK_THROW(a.seal(r), Error);
  r.signer.password = "secret";
  auto info = a.seal(r);
  VerifyOptions o;
  o.caFiles = {(keys().dir / "rsa.crt").string()};
  auto v = a.verify(info.fileName, o);
  BOOST_TEST(v.ok(), problemsText(v));
  BOOST_TEST(v.notes.at(0).find("RSA") != std::string::npos, v.notes.at(0));
}

BOOST_AUTO_TEST_CASE(gost_signature_round_trip) {
  TempDir t;
  Archive a(t.path, posixFileSystem(), clockAt("2025-11-01T09:00:00"));
  auto r = request("2025-Q1");
  r.signer = {
      (keys().dir / "gost.key").string(), (keys().dir / "gost.crt").string(), "", {}, KeyEngine::Gost};
  auto info = a.seal(r);
  VerifyOptions o;
  o.caFiles = {(keys().dir / "gost.crt").string()};
  auto v = a.verify(info.fileName, o);
  BOOST_TEST(v.ok(), problemsText(v));
  BOOST_TEST(v.notes.at(0).find("ГОСТ Р 34.10-2012") != std::string::npos, v.notes.at(0));
  fs::path x = t.path / "x";
  fs::create_directories(x);
  mustRun("tar -xf " + q(info.path) + " -C " + q(x));
  std::string out;
  run("openssl asn1parse -inform DER -in " + q(x / "manifest.sha256.p7s"), &out);
  BOOST_TEST((out.find("1.2.643.7.1.1.2.2") != std::string::npos ||
              out.find("GOST R 34.11-2012 with 256") != std::string::npos),
             out);
  BOOST_TEST(run("cd " + q(x) +
                     " && openssl cms -engine gost -verify -binary -inform DER -in manifest.sha256.p7s "
                     "-content manifest.sha256 -CAfile " +
                     q(keys().dir / "gost.crt") + " -purpose any -out /dev/null",
                 &out) == 0,
             out);
  // Tampering with the manifest breaks the GOST signature too.
  std::string bytes = slurp(info.path);
  auto ms = members(bytes);
  ms[5].bytes[0] = ms[5].bytes[0] == 'a' ? 'b' : 'a';
  spit(info.path, tarOf(ms, mtimeOf(bytes)));
  v = a.verify(info.fileName, o);
  BOOST_TEST(!v.ok());
  BOOST_TEST(
      problemsText(v).find("manifest.sha256: подпись (manifest.sha256.p7s) не соответствует манифесту") !=
          std::string::npos,
      problemsText(v));
}

BOOST_AUTO_TEST_CASE(rfc3161_timestamp_round_trip) {
  Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
  Poco::Net::HTTPServer server(new TsaFactory, socket, new Poco::Net::HTTPServerParams);
  server.start();
  const std::string url = "http://127.0.0.1:" + std::to_string(socket.address().port()) + "/tsa";
  TempDir t;
  Archive a(t.path, posixFileSystem(), clockAt("2025-11-01T09:00:00"));
  auto r = request("2025-Q1");
  r.tsaUrl = url;
  auto info = a.seal(r);
  BOOST_TEST(info.timestamped);
  BOOST_REQUIRE(info.timestampUtc.has_value());
  auto v = a.verify(info.fileName, withCa());  // ca.crt anchors the signer and the TSA
  BOOST_TEST(v.ok(), problemsText(v));
  BOOST_TEST(v.archives.at(0).timestampUtc.has_value());
  fs::path x = t.path / "x";
  fs::create_directories(x);
  mustRun("tar -xf " + q(info.path) + " -C " + q(x));
  std::string out;
  BOOST_TEST(run("cd " + q(x) +
                     " && openssl ts -verify -data manifest.sha256.p7s -in manifest.sha256.p7s.tsr "
                     "-CAfile " +
                     q(keys().ca()),
                 &out) == 0,
             out);
  BOOST_TEST(out.find("Verification: OK") != std::string::npos, out);
  // A time-stamp of another signature is rejected and named.
  auto r2 = request("2025-Q2");
  r2.tsaUrl = url;
  auto other = a.seal(r2);
  std::string bytes = slurp(info.path);
  auto ms = members(bytes);
  ms[7].bytes = members(slurp(other.path))[7].bytes;
  spit(info.path, tarOf(ms, mtimeOf(bytes)));
  v = a.verify(info.fileName, withCa());
  BOOST_TEST(!v.ok());
  BOOST_TEST(problemsText(v).find("manifest.sha256.p7s.tsr: штамп времени") != std::string::npos,
             problemsText(v));
  server.stop();
  socket.close();
  // An unreachable TSA fails the seal and leaves nothing behind.
  auto r3 = request("2025-Q3");
  r3.tsaUrl = url;
  BOOST_CHECK_THROW(a.seal(r3), Error);
  BOOST_TEST(a.list().size() == 2u);
  for (const auto& e : fs::directory_iterator(t.path))
    BOOST_TEST(e.path().filename().string().find(".tmp-") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(fault_at_every_file_system_operation_leaves_no_partial_archive) {
  TempDir t;
  auto base = posixFileSystem();
  // One archive already sealed: it must stay intact through every failure.
  Archive plain(t.path, base, clockAt("2025-11-01T09:00:00"));
  auto first = plain.seal(request("2025-Q1"));
  const std::string firstBytes = slurp(first.path);

  auto faulty = std::make_shared<FaultInjectingFileSystem>(base);
  Archive a(t.path, faulty, clockAt("2025-12-30T09:00:00"));
  a.seal(request("2025-Q2"));
  const int total = faulty->operations();
  BOOST_TEST(total > 10);
  const fs::path sealed = t.path / "000002_2025-Q2_v1.tar";
  std::set<Operation> seen;
  for (auto mode : {FaultInjectingFileSystem::Mode::Once, FaultInjectingFileSystem::Mode::Crash}) {
    for (int n = 1; n <= total; ++n) {
      fs::remove(sealed);
      faulty->reset();
      faulty->failAt(n, mode);
      bool threw = false;
      try {
        a.seal(request("2025-Q2"));
      } catch (const Error& e) {
        threw = true;
        BOOST_TEST(std::string(e.what()).find("injected fault") != std::string::npos, e.what());
      }
      BOOST_TEST(threw, "fault " << n << " not reported");
      seen.insert(faulty->faultedOperation());
      // Either no archive, or (a fault after the rename, at the directory fsync) a complete and valid one.
      if (fs::exists(sealed)) {
        BOOST_TEST(faulty->faultedOperation() == Operation::SyncDir);
        auto r = plain.verify(sealed.filename().string(), withCa());
        BOOST_TEST(r.ok(), problemsText(r));
      }
      BOOST_TEST(slurp(first.path) == firstBytes);
      for (const auto& e : fs::directory_iterator(t.path)) {
        const auto name = e.path().filename().string();
        if (mode == FaultInjectingFileSystem::Mode::Once)
          BOOST_TEST(name.find(".tmp-") == std::string::npos, "temp left after fault " << n << ": " << name);
        else if (name.find(".tmp-") != std::string::npos)
          fs::remove(e.path());  // a dead process's leftover; readers ignore it (checked below)
      }
      auto names = plain.list();
      BOOST_TEST(names.size() <= 2u);
    }
  }
  BOOST_TEST(seen.count(Operation::Create));
  BOOST_TEST(seen.count(Operation::Write));
  BOOST_TEST(seen.count(Operation::Sync));
  BOOST_TEST(seen.count(Operation::Rename));
  BOOST_TEST(seen.count(Operation::SyncDir));
  // Leftover temps are ignored by readers.
  spit(t.path / ".000003_2025-Q3_v1.tar.tmp-999999-0", "partial");
  fs::remove(sealed);
  BOOST_TEST(plain.verifyAll(withCa()).ok());
}

BOOST_AUTO_TEST_CASE(sigkill_while_sealing_leaves_no_partial_archive) {
  TempDir t;
  Archive plain(t.path, posixFileSystem(), clockAt("2025-11-01T09:00:00"));
  auto first = plain.seal(request("2025-Q1"));
  const std::string firstBytes = slurp(first.path);
  const std::string self = fs::read_symlink("/proc/self/exe").string();
  auto spawn = [&]() {
    pid_t pid = fork();
    BOOST_REQUIRE(pid >= 0);
    if (pid == 0) {
      setenv("EJOURNAL_ARCHIVE_CHILD_DIR", t.path.c_str(), 1);
      setenv("EJOURNAL_ARCHIVE_CHILD_KEYS", keys().dir.c_str(), 1);
      execl(self.c_str(), self.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    return pid;
  };
  // Calibrate: how long one whole seal (start-up included) takes.
  auto t0 = std::chrono::steady_clock::now();
  pid_t pid = spawn();
  int status = 0;
  waitpid(pid, &status, 0);
  BOOST_REQUIRE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  auto full =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0).count();
  const fs::path sealed = t.path / "000002_2025-Q2_v1.tar";
  BOOST_TEST(plain.verify(sealed.filename().string(), withCa()).ok());
  std::mt19937 rng(7);
  int complete = 0;
  int none = 0;
  const int trials = 24;
  for (int i = 0; i < trials; ++i) {
    fs::remove(sealed);
    pid = spawn();
    std::this_thread::sleep_for(std::chrono::microseconds(rng() % static_cast<unsigned>(full * 11 / 10)));
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    if (fs::exists(sealed)) {
      auto r = plain.verify(sealed.filename().string(), withCa());
      BOOST_TEST(r.ok(), "trial " << i << ": " << problemsText(r));
      ++complete;
    } else {
      ++none;
    }
    BOOST_TEST(slurp(first.path) == firstBytes);
    BOOST_TEST(plain.list().size() == (fs::exists(sealed) ? 2u : 1u));
  }
  BOOST_TEST_MESSAGE("SIGKILL trials: " << none << " without archive, " << complete << " complete; one seal "
                                        << full / 1000 << " ms");
  BOOST_TEST(none > 0);
  // The next seal removes the dead children's temp files.
  fs::remove(sealed);
  Archive again(t.path, posixFileSystem(), clockAt("2026-01-10T12:00:00"));
  again.seal(request("2025-Q2"));
  for (const auto& e : fs::directory_iterator(t.path))
    BOOST_TEST(e.path().filename().string().find(".tmp-") == std::string::npos);
  BOOST_TEST(again.verifyAll(withCa()).ok());
}

BOOST_AUTO_TEST_CASE(retention_lists_archives_past_their_date) {
  TempDir t;
  Archive a(t.path, posixFileSystem(), clockAt("2025-11-01T09:00:00"));
  auto r = request("2025-Q1");
  r.documents.erase(r.documents.begin() + 2);  // no summary sheet: journals only, 5 years
  auto info = a.seal(r);
  BOOST_TEST(info.retention.years == 5);
  BOOST_TEST(info.retention.className == "классные журналы");
  BOOST_TEST(info.retention.earliestDisposal == model::Date::fromYmd(2031, 1, 1));
  a.seal(request("2025-Q2"));  // with a summary sheet: 25 years
  BOOST_TEST(a.pastRetention(model::Date::fromYmd(2030, 12, 31)).empty());
  auto past = a.pastRetention(model::Date::fromYmd(2031, 1, 1));
  BOOST_REQUIRE_EQUAL(past.size(), 1u);
  BOOST_TEST(past[0].fileName == info.fileName);
  BOOST_TEST(a.pastRetention(model::Date::fromYmd(2051, 1, 1)).size() == 2u);
  BOOST_TEST(a.list().size() == 2u);  // nothing deleted
  RetentionPolicy custom = RetentionPolicy::defaults();
  custom.rules.back().years = 75;
  BOOST_TEST(custom.ruleFor("summary").years == 75);
  BOOST_TEST(custom.ruleFor("unknown").years == 5);
}

BOOST_AUTO_TEST_CASE(document_check_hook_reports_content_problems) {
  TempDir t;
  Archive a(t.path, posixFileSystem(), clockAt("2025-11-01T09:00:00"));
  auto info = a.seal(request("2025-Q1"));
  VerifyOptions o = withCa();
  o.checkDocument = [](const DocumentInfo& d, const FileView& member) {
    std::vector<std::string> out;
    if (d.kind == kKindExport && member.bytes().find("<school") == std::string_view::npos)
      out.push_back("выгрузка не соответствует схеме: нет элемента school");
    return out;
  };
  auto r = a.verify(info.fileName, o);
  BOOST_TEST(!r.ok());
  BOOST_TEST(problemsText(r).find("export/journal.xml: выгрузка не соответствует схеме") !=
             std::string::npos);
}

// Archives hold the journal's personal data: the directory is 0700 and every file 0600 whatever the umask
// (with umask 000 the directory was world-writable).
BOOST_AUTO_TEST_CASE(archives_and_their_directory_are_private_whatever_the_umask) {
  for (mode_t mask : {mode_t{0}, mode_t{022}}) {
    BOOST_TEST_CONTEXT("umask " << std::oct << mask) {
      TempDir t;
      const mode_t old = ::umask(mask);
      try {
        Archive a(t.path / "archive" / "2025", posixFileSystem(), clockAt("2025-10-30T15:00:00"));
        a.seal(request("2025-Q1"));
        a.seal(request("2025-Q2"));
      } catch (...) {
        ::umask(old);
        throw;
      }
      ::umask(old);
      BOOST_TEST(modeOf(t.path / "archive") == 0700u);
      BOOST_TEST(modeOf(t.path / "archive" / "2025") == 0700u);
      size_t files = 0;
      for (const auto& e : fs::recursive_directory_iterator(t.path / "archive"))
        if (e.is_regular_file()) {
          ++files;
          BOOST_TEST(modeOf(e.path()) == 0600u, e.path().string());
        }
      BOOST_TEST(files >= 2u);
    }
  }
}

// OpenSSL's texts ("fopen", "No such file or directory", "key values mismatch") stay out of what a user
// reads.
BOOST_AUTO_TEST_CASE(signing_and_verification_errors_are_russian) {
  TempDir t;
  Archive a(t.path, posixFileSystem(), clockAt("2025-10-30T15:00:00"));
  const auto info = a.seal(request("2025-Q1"));
  VerifyOptions missingCa;
  missingCa.caFiles = {(t.path / "no-such-ca.pem").string()};
  try {
    a.verify(info.fileName, missingCa);
    BOOST_FAIL("verified against a missing trust store");
  } catch (const Error& e) {
    BOOST_TEST(!std::regex_search(std::string(e.what()), englishWords()), e.what());
    BOOST_TEST(std::string(e.what()).find("не найден") != std::string::npos, e.what());
  }
  auto r = request("2025-Q2");
  r.signer.keyPath = (t.path / "no-such-key.pem").string();
  try {
    a.seal(r);
    BOOST_FAIL("sealed with a missing key");
  } catch (const Error& e) {
    BOOST_TEST(!std::regex_search(std::string(e.what()), englishWords()), e.what());
  }
  spit(t.path / "garbage.pem", "-----BEGIN PRIVATE KEY-----\nnot base64 at all\n-----END PRIVATE KEY-----\n");
  r.signer.keyPath = (t.path / "garbage.pem").string();
  try {
    a.seal(r);
    BOOST_FAIL("sealed with a garbled key");
  } catch (const Error& e) {
    BOOST_TEST(!std::regex_search(std::string(e.what()), englishWords()), e.what());
    BOOST_TEST(std::string(e.what()).find("закрытый ключ") != std::string::npos, e.what());
  }
}
