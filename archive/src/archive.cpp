// Sealing, reading and verifying archives (docs/archive-format.md).
#include "ejournal/archive/archive.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <exception>
#include <map>
#include <regex>
#include <set>
#include <streambuf>
#include <thread>

#include "crypto.h"
#include "ejournal/model/error.h"
#include "ejournal/model/text.h"
#include "metadata.h"
#include "tar.h"

namespace ejournal::archive {

namespace fs = std::filesystem;
using detail::Sha256;

namespace {

constexpr std::string_view kMetadata = "metadata.json";
constexpr std::string_view kManifest = "manifest.sha256";
constexpr std::string_view kSignature = "manifest.sha256.p7s";
constexpr std::string_view kTimestamp = "manifest.sha256.p7s.tsr";
constexpr size_t kChunk = 1 << 16;
constexpr uint64_t kMaxSmallMember = uint64_t{64} << 20;  // manifest, metadata, signature, time-stamp

bool reserved(std::string_view n) {
  return n == kMetadata || n == kManifest || n == kSignature || n == kTimestamp;
}

uint64_t epochSeconds(const model::DateTime& t) {
  int64_t s = int64_t{t.date.days()} * 86400 + t.secondOfDay;
  return s < 0 ? 0 : static_cast<uint64_t>(s);
}

model::DateTime fromEpoch(std::time_t t) {
  int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
  return model::DateTime{model::Date::fromDays(static_cast<int32_t>(days)),
                         static_cast<int32_t>(t - days * 86400)};
}

struct ParsedName {
  int sequence = 0;
  std::string periodId;
  int version = 0;
};

std::optional<ParsedName> parseFileName(const std::string& name) {
  static const std::regex re(R"(^(\d{6})_([A-Za-z0-9-]+)_v(\d+)\.tar$)");
  std::smatch m;
  if (!std::regex_match(name, m, re)) return std::nullopt;
  return ParsedName{std::stoi(m[1]), m[2], std::stoi(m[3])};
}

bool isTempName(const std::string& name) {
  return !name.empty() && name[0] == '.' && name.find(".tmp-") != std::string::npos;
}

// Hashes while streaming into the tar writer (conventions §8).
class HashingBuf : public std::streambuf {
 public:
  HashingBuf(detail::TarWriter& tar, Sha256& sha) : tar_(tar), sha_(sha), buf_(kChunk) {
    setp(buf_.data(), buf_.data() + buf_.size());
  }
  void flushAll() {
    std::string_view chunk(pbase(), static_cast<size_t>(pptr() - pbase()));
    if (!chunk.empty()) {
      sha_.update(chunk);
      tar_.data(chunk);
    }
    setp(buf_.data(), buf_.data() + buf_.size());
  }

  // The ostream turns exceptions from the buffer into badbit; keep the first one to rethrow after the
  // producer.
  void rethrowIfFailed() const {
    if (error_) std::rethrow_exception(error_);
  }

 protected:
  int_type overflow(int_type ch) override {
    if (!guardedFlush()) return traits_type::eof();
    if (!traits_type::eq_int_type(ch, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(ch);
      pbump(1);
    }
    return traits_type::not_eof(ch);
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    if (n >= static_cast<std::streamsize>(buf_.size())) {
      if (!guardedFlush()) return 0;
      try {
        std::string_view chunk(s, static_cast<size_t>(n));
        sha_.update(chunk);
        tar_.data(chunk);
      } catch (...) {
        error_ = std::current_exception();
        return 0;
      }
      return n;
    }
    return std::streambuf::xsputn(s, n);
  }
  int sync() override { return guardedFlush() ? 0 : -1; }

 private:
  bool guardedFlush() {
    if (error_) return false;
    try {
      flushAll();
      return true;
    } catch (...) {
      error_ = std::current_exception();
      return false;
    }
  }

  detail::TarWriter& tar_;
  Sha256& sha_;
  std::vector<char> buf_;
  std::exception_ptr error_;
};

std::string readMember(const ReadableFile& f, const detail::TarMember& m) {
  return f.read(m.dataOffset, m.size);
}

// Streams a member through SHA-256 in chunks read into one buffer, reused from chunk to chunk and from member
// to member (`buffer`, grown to kHashChunk on first use): memory does not grow with the member or the
// archive.
std::string hashMember(const ReadableFile& f, const detail::TarMember& m, std::vector<char>& buffer) {
  constexpr size_t kHashChunk = size_t{1} << 20;
  if (buffer.size() < kHashChunk) buffer.resize(kHashChunk);
  Sha256 sha;
  for (uint64_t off = 0; off < m.size;) {
    const size_t want = static_cast<size_t>(std::min<uint64_t>(kHashChunk, m.size - off));
    const size_t got = f.readInto(m.dataOffset + off, buffer.data(), want);
    if (got == 0) break;  // the file ended early: readTar has reported the truncation, the hash differs
    sha.update(std::string_view(buffer.data(), got));
    off += got;
  }
  return sha.finishHex();
}

// The SHA-256 of each member, hashed on up to one thread per core (at most 4), the largest members first;
// each thread opens the archive for itself (a file object belongs to one thread) and reuses one buffer. An
// error (the file vanished, a read failed) is rethrown here after every thread has stopped.
std::vector<std::string> hashMembers(FileSystem& fs, const fs::path& path, const ReadableFile& first,
                                     const std::vector<const detail::TarMember*>& members) {
  std::vector<std::string> out(members.size());
  std::vector<size_t> order(members.size());
  for (size_t k = 0; k < order.size(); ++k) order[k] = k;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return members[a]->size > members[b]->size; });
  const size_t threads =
      std::min<size_t>({std::max(1u, std::thread::hardware_concurrency()), 4, order.size()});
  std::atomic<size_t> next{0};
  std::vector<std::exception_ptr> errors(threads);
  const auto work = [&](size_t t) {
    try {
      std::unique_ptr<ReadableFile> own;
      const ReadableFile* file = &first;
      if (t > 0) file = (own = fs.openFile(path)).get();
      std::vector<char> buffer;
      for (size_t i; (i = next.fetch_add(1)) < order.size();)
        out[order[i]] = hashMember(*file, *members[order[i]], buffer);
    } catch (...) {
      errors[t] = std::current_exception();
      next = order.size();  // the others stop after their member
    }
  };
  std::vector<std::thread> pool;
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(work, t);
  work(0);
  for (auto& th : pool) th.join();
  for (const auto& e : errors)
    if (e) std::rethrow_exception(e);
  return out;
}

const detail::TarMember* findMember(const detail::TarContents& tc, std::string_view name) {
  for (const auto& m : tc.members)
    if (m.name == name) return &m;
  return nullptr;
}

bool isHex64(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

struct ManifestLine {
  std::string sha256;
  std::string name;
};

// Parses manifest.sha256 (§3); format errors go to `errors` with their line number.
std::vector<ManifestLine> parseManifest(std::string_view text, std::vector<std::string>& errors) {
  std::vector<ManifestLine> lines;
  if (text.empty() || text.back() != '\n') errors.push_back("манифест должен оканчиваться переводом строки");
  size_t start = 0;
  int number = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(start, nl - start);
    ++number;
    start = nl + 1;
    if (line.size() < 67 || !isHex64(line.substr(0, 64)) || line.substr(64, 2) != "  " ||
        !detail::validMemberName(line.substr(66))) {
      errors.push_back("строка " + std::to_string(number) + " манифеста имеет неверный формат");
      continue;
    }
    lines.push_back({std::string(line.substr(0, 64)), std::string(line.substr(66))});
  }
  return lines;
}

std::string formatUtc(std::time_t t) { return fromEpoch(t).toString() + " UTC"; }

}  // namespace

RetentionPolicy RetentionPolicy::defaults() {
  RetentionPolicy p;
  p.rules = {{std::string(kKindJournal), "классные журналы", 5},
             {std::string(kKindReport), "классные журналы", 5},
             {std::string(kKindExport), "классные журналы", 5},
             {std::string(kKindSummary), "сводные ведомости", 25}};
  return p;
}

const RetentionRule& RetentionPolicy::ruleFor(std::string_view kind) const {
  for (const auto& r : rules)
    if (r.kind == kind) return r;
  return fallback;
}

model::Date RetentionPolicy::earliestDisposal(model::Date periodEnd, int years) {
  return model::Date::fromYmd(periodEnd.year() + years + 1, 1, 1);
}

std::string VerifyProblem::toString() const {
  std::string s;
  if (!archive.empty()) s += archive + ": ";
  if (!member.empty()) s += member + ": ";
  return s + message;
}

std::string Archive::fileNameFor(int sequence, const std::string& periodId, int version) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%06d", sequence);
  return std::string(buf) + "_" + periodId + "_v" + std::to_string(version) + ".tar";
}

std::string sha256Hex(std::string_view bytes) {
  Sha256 sha;
  sha.update(bytes);
  return sha.finishHex();
}

Archive::Archive(fs::path dir, std::shared_ptr<FileSystem> fs, std::shared_ptr<model::Clock> clock)
    : dir_(std::move(dir)), fs_(std::move(fs)), clock_(std::move(clock)) {}

Archive::~Archive() = default;

namespace {

fs::path resolve(const fs::path& dir, const std::string& archive) {
  if (archive.find('/') != std::string::npos) return fs::path(archive);
  return dir / archive;
}

// Metadata and manifest hash of an archive, without verification. Throws Error(Input) naming the file.
ArchiveInfo readInfo(FileSystem& fsys, const fs::path& path) {
  auto file = fsys.openFile(path);
  auto tc = detail::readTar(*file);
  ArchiveInfo info;
  info.path = path;
  info.fileName = path.filename().string();
  const auto* meta = findMember(tc, kMetadata);
  const auto* manifest = findMember(tc, kManifest);
  if (!meta || !manifest || meta->size > kMaxSmallMember || manifest->size > kMaxSmallMember)
    throw Error(ErrorKind::Input, path.string(),
                "не является архивом ejournal или повреждён" +
                    (tc.problems.empty() ? std::string() : ": " + tc.problems.front().message));
  try {
    detail::readMetadata(readMember(*file, *meta), info);
  } catch (const Error& e) {
    throw Error(ErrorKind::Input, path.string(), e.what());
  }
  info.manifestSha256 = sha256Hex(readMember(*file, *manifest));  // small (checked above)
  info.timestamped = findMember(tc, kTimestamp) != nullptr;
  return info;
}

}  // namespace

std::vector<ArchiveInfo> Archive::list() {
  std::vector<ArchiveInfo> out;
  for (const auto& name : fs_->list(dir_)) {
    if (!parseFileName(name)) continue;
    out.push_back(readInfo(*fs_, dir_ / name));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const ArchiveInfo& a, const ArchiveInfo& b) { return a.sequence < b.sequence; });
  return out;
}

ArchiveInfo Archive::show(const std::string& archive) {
  fs::path p = resolve(dir_, archive);
  if (!fs_->exists(p)) throw Error(ErrorKind::NotFound, p.string(), "архив не найден");
  return readInfo(*fs_, p);
}

std::optional<ArchiveInfo> Archive::current(const std::string& periodId) {
  std::optional<ArchiveInfo> best;
  for (auto& a : list())
    if (a.periodId == periodId && (!best || a.version > best->version)) best = std::move(a);
  return best;
}

std::string Archive::extract(const std::string& archive, const std::string& member) {
  fs::path p = resolve(dir_, archive);
  if (!fs_->exists(p)) throw Error(ErrorKind::NotFound, p.string(), "архив не найден");
  auto file = fs_->openFile(p);
  auto tc = detail::readTar(*file);
  const auto* m = findMember(tc, member);
  if (!m)
    throw Error(ErrorKind::NotFound, p.filename().string() + ": " + member, "в архиве нет такого документа");
  std::string bytes = readMember(*file, *m);
  const auto* manifest = findMember(tc, kManifest);
  if (manifest && !reserved(member)) {
    std::vector<std::string> errors;
    auto lines = parseManifest(readMember(*file, *manifest), errors);
    auto it =
        std::find_if(lines.begin(), lines.end(), [&](const ManifestLine& l) { return l.name == member; });
    if (it == lines.end() || it->sha256 != sha256Hex(bytes))
      throw Error(ErrorKind::Input, p.filename().string() + ": " + member,
                  "документ повреждён: SHA-256 не совпадает с манифестом");
  }
  return bytes;
}

ArchiveInfo Archive::seal(const SealRequest& req) {
  if (!req.signer.configured())
    throw Error(
        ErrorKind::Input, "seal",
        "не указан ключ электронной подписи: задайте --key и --cert (или ключ и сертификат в настройках). "
        "Без подписи архив не создаётся");
  if (req.periodId.empty() || !detail::validMemberName(req.periodId) ||
      req.periodId.find('_') != std::string::npos || req.periodId.find('/') != std::string::npos ||
      req.periodId.find('.') != std::string::npos)
    throw Error(ErrorKind::Input, "seal", "неверный период «" + req.periodId + "»");
  if (req.documents.empty()) throw Error(ErrorKind::Input, "seal", "нет документов для архива");
  if (req.mode == SealMode::Correction && req.reason.empty())
    throw Error(ErrorKind::Input, "seal", "для исправления укажите причину: --correct --reason \"…\"");
  std::set<std::string> names;
  for (const auto& d : req.documents) {
    if (!detail::validMemberName(d.name) || reserved(d.name))
      throw Error(ErrorKind::Input, d.name, "недопустимое имя документа в архиве");
    if (!names.insert(d.name).second) throw Error(ErrorKind::Input, d.name, "документ указан дважды");
    if (d.kind.empty()) throw Error(ErrorKind::Input, d.name, "не указан вид документа");
  }
  // Load and check the key before anything is written.
  detail::LoadedSigner signer(req.signer);

  fs_->createDirectories(dir_);
  // One seal at a time per directory, across threads, processes and service instances sharing it: the next
  // sequence number, the chain link and the period's versions are read and the archive is written under the
  // lock, so a concurrent seal of the same period waits and then finds it sealed (Conflict), and two seals of
  // different periods never take the same sequence number.
  const std::unique_ptr<DirectoryLock> sealing = fs_->lockDirectory(dir_);
  // Remove temp files of seals whose process is gone (crashed); a live process keeps its own.
  for (const auto& name : fs_->list(dir_)) {
    if (!isTempName(name)) continue;
    auto pos = name.rfind(".tmp-");
    long pid = std::strtol(name.c_str() + pos + 5, nullptr, 10);
    if (pid > 0 && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) fs_->remove(dir_ / name);
  }

  auto existing = list();
  ArchiveInfo info;
  info.schoolId = req.schoolId;
  info.schoolName = req.schoolName;
  info.periodId = req.periodId;
  info.periodTitle = req.periodTitle;
  info.periodDates = req.periodDates;
  info.sequence = existing.empty() ? 1 : existing.back().sequence + 1;
  if (!existing.empty()) info.previous = ArchiveRef{existing.back().fileName, existing.back().manifestSha256};
  const ArchiveInfo* latest = nullptr;
  for (const auto& a : existing)
    if (a.periodId == req.periodId && (!latest || a.version > latest->version)) latest = &a;
  if (req.mode == SealMode::New && latest)
    throw Error(
        ErrorKind::Conflict, latest->fileName,
        "период " + req.periodId +
            " уже запечатан; архив не изменяется. Исправление — новой версией: --correct --reason \"…\"");
  if (req.mode == SealMode::Correction && !latest)
    throw Error(ErrorKind::Conflict, req.periodId, "период ещё не запечатан — исправлять нечего");
  info.version = latest ? latest->version + 1 : 1;
  if (latest) info.supersedes = ArchiveRef{latest->fileName, latest->manifestSha256};
  info.reason = req.mode == SealMode::Correction ? req.reason : "";
  info.createdAt = clock_->now();
  info.createdBy = req.createdBy;
  info.tool = req.tool;
  info.fileName = fileNameFor(info.sequence, info.periodId, info.version);
  info.path = dir_ / info.fileName;
  if (fs_->exists(info.path)) throw Error(ErrorKind::Conflict, info.path.string(), "архив уже существует");

  static std::atomic<unsigned> tempCounter{0};
  const fs::path temp = dir_ / ("." + info.fileName + ".tmp-" + std::to_string(::getpid()) + "-" +
                                std::to_string(tempCounter++));
  std::unique_ptr<WritableFile> file;
  try {
    file = fs_->createFile(temp);
    detail::TarWriter tar(*file, epochSeconds(info.createdAt));
    std::string manifest;
    for (const auto& d : req.documents) {
      DocumentInfo doc;
      doc.name = d.name;
      doc.kind = d.kind;
      doc.title = d.title;
      doc.mediaType = d.mediaType;
      doc.tags = d.tags;
      const auto& rule = req.retention.ruleFor(d.kind);
      doc.retention = {rule.className, rule.years,
                       RetentionPolicy::earliestDisposal(req.periodDates.to, rule.years)};
      Sha256 sha;
      tar.begin(d.name);
      if (d.producer) {
        HashingBuf buf(tar, sha);
        std::ostream os(&buf);
        d.producer(os);
        os.flush();
        buf.rethrowIfFailed();
        if (!os) throw Error(ErrorKind::Internal, d.name, "документ не записан");
        buf.flushAll();
      } else {
        sha.update(d.bytes);
        tar.data(d.bytes);
      }
      doc.size = tar.end();
      doc.sha256 = sha.finishHex();
      manifest += doc.sha256 + "  " + doc.name + "\n";
      info.documents.push_back(std::move(doc));
    }
    info.retention = info.documents.front().retention;
    for (const auto& d : info.documents)
      if (d.retention.earliestDisposal > info.retention.earliestDisposal) info.retention = d.retention;
    std::string metadata = detail::writeMetadata(info);
    tar.add(kMetadata, metadata);
    manifest += sha256Hex(metadata) + "  " + std::string(kMetadata) + "\n";
    tar.add(kManifest, manifest);
    info.manifestSha256 = sha256Hex(manifest);
    std::string signature = signer.sign(manifest);
    tar.add(kSignature, signature);
    info.signer = signer.subject();
    if (!req.tsaUrl.empty()) {
      uint64_t nonce = detail::randomNonce();
      std::string reply = detail::tsaPost(req.tsaUrl, detail::tsRequest(signature, nonce));
      auto check = detail::tsVerify(reply, signature, {}, nonce);
      if (!check.ok) throw Error(ErrorKind::Internal, req.tsaUrl, check.error);
      tar.add(kTimestamp, reply);
      info.timestamped = true;
      if (check.genTime) info.timestampUtc = fromEpoch(*check.genTime);
    }
    tar.finish();
    file->sync();
    file->close();
    fs_->renameNoReplace(temp, info.path);
  } catch (...) {
    // Best effort: the file system may be failing (or the process dying); a leftover temp is removed by the
    // next seal and ignored by every reader.
    try {
      if (file) file->close();
    } catch (...) {
    }
    try {
      fs_->remove(temp);
    } catch (...) {
    }
    throw;
  }
  // The archive is complete under its final name; make the rename durable.
  fs_->syncDirectory(dir_);
  return info;
}

namespace {

struct VerifyContext {
  VerifyReport& report;
  std::string archive;
  void problem(const std::string& member, const std::string& message) {
    report.problems.push_back({archive, member, message});
  }
};

// A trust anchor the auditor named but that is not there is the auditor's mistake, not the archive's: it
// stops the verification with an error naming the file (before any archive is read), instead of failing every
// signature.
void requireTrustFiles(const VerifyOptions& options) {
  for (const auto& f : options.caFiles) {
    if (::access(f.c_str(), F_OK) != 0)
      throw Error(ErrorKind::Input, f, "файл доверенных сертификатов (--ca) не найден");
    if (::access(f.c_str(), R_OK) != 0)
      throw Error(ErrorKind::Input, f, "нет прав на чтение файла доверенных сертификатов (--ca)");
  }
}

}  // namespace

VerifyReport Archive::verify(const std::string& archive, const VerifyOptions& options) {
  requireTrustFiles(options);
  VerifyReport report;
  fs::path path = resolve(dir_, archive);
  VerifyContext v{report, path.filename().string()};
  std::unique_ptr<ReadableFile> file;
  try {
    file = fs_->openFile(path);
  } catch (const Error& e) {
    v.problem("", e.kind() == ErrorKind::NotFound ? "архив не найден" : e.message());
    return report;
  }
  auto tc = detail::readTar(*file);
  for (const auto& p : tc.problems) v.problem(p.member, p.message);

  // Member order (§2): documents, metadata.json, manifest, signature, optional time-stamp.
  std::vector<const detail::TarMember*> docs;
  const detail::TarMember* meta = nullptr;
  const detail::TarMember* manifest = nullptr;
  const detail::TarMember* signature = nullptr;
  const detail::TarMember* stamp = nullptr;
  size_t i = 0;
  const auto& ms = tc.members;
  for (; i < ms.size() && !reserved(ms[i].name); ++i) docs.push_back(&ms[i]);
  const std::string_view tail[] = {kMetadata, kManifest, kSignature, kTimestamp};
  const detail::TarMember** slots[] = {&meta, &manifest, &signature, &stamp};
  for (size_t k = 0; k < 4 && i < ms.size(); ++k)
    if (ms[i].name == tail[k]) *slots[k] = &ms[i++];
  for (; i < ms.size(); ++i)
    v.problem(ms[i].name, reserved(ms[i].name) ? "член архива не на своём месте (нарушен порядок)"
                                               : "лишний член архива после служебных файлов");
  if (!meta) v.problem(std::string(kMetadata), "отсутствует в архиве");
  if (!manifest) v.problem(std::string(kManifest), "отсутствует в архиве");
  if (!signature) v.problem(std::string(kSignature), "отсутствует в архиве (нет подписи)");

  ArchiveInfo info;
  info.path = path;
  info.fileName = path.filename().string();

  // Hashes against the manifest (§3).
  std::string manifestBytes;
  std::vector<ManifestLine> lines;
  if (manifest && manifest->size <= kMaxSmallMember) {
    manifestBytes = readMember(*file, *manifest);
    info.manifestSha256 = sha256Hex(manifestBytes);
    std::vector<std::string> errors;
    lines = parseManifest(manifestBytes, errors);
    for (const auto& e : errors) v.problem(std::string(kManifest), e);
  } else if (manifest) {
    v.problem(std::string(kManifest), "слишком большой");
  }
  std::vector<const detail::TarMember*> covered = docs;
  if (meta) covered.push_back(meta);
  std::map<std::string, std::string> computed;
  std::set<std::string> listed;
  for (const auto& l : lines)
    if (!listed.insert(l.name).second) v.problem(std::string(kManifest), "«" + l.name + "» указан дважды");
  const std::vector<std::string> hashes = hashMembers(*fs_, path, *file, covered);
  for (size_t k = 0; k < covered.size(); ++k) {
    const auto* m = covered[k];
    const std::string& h = hashes[k];
    computed[m->name] = h;
    if (!manifest) continue;
    auto it =
        std::find_if(lines.begin(), lines.end(), [&](const ManifestLine& l) { return l.name == m->name; });
    if (it == lines.end())
      v.problem(m->name, "нет в манифесте (лишний член архива)");
    else if (it->sha256 != h)
      v.problem(m->name, "SHA-256 не совпадает с манифестом — файл изменён");
  }
  bool sameSet = true;
  for (const auto& l : lines)
    if (!computed.count(l.name)) {
      sameSet = false;
      v.problem(l.name, "указан в манифесте, но отсутствует в архиве");
    }
  if (sameSet && lines.size() == covered.size()) {
    for (size_t k = 0; k < lines.size(); ++k)
      if (lines[k].name != covered[k]->name) {
        v.problem("", "порядок членов архива не совпадает с манифестом (первое расхождение: «" +
                          covered[k]->name + "»)");
        break;
      }
  }

  // Metadata (§4).
  bool metaOk = false;
  if (meta && meta->size <= kMaxSmallMember) {
    try {
      detail::readMetadata(readMember(*file, *meta), info);
      metaOk = true;
    } catch (const Error& e) {
      v.problem(std::string(kMetadata), e.message());
    }
  }
  if (metaOk) {
    if (info.documents.size() != docs.size())
      v.problem(std::string(kMetadata), "число документов в метаданных (" +
                                            std::to_string(info.documents.size()) +
                                            ") не совпадает с архивом (" + std::to_string(docs.size()) + ")");
    for (size_t k = 0; k < std::min(info.documents.size(), docs.size()); ++k) {
      const auto& d = info.documents[k];
      if (d.name != docs[k]->name)
        v.problem(docs[k]->name, "в метаданных на этом месте указан «" + d.name + "»");
      else if (d.size != docs[k]->size || d.sha256 != computed[d.name])
        v.problem(d.name, "размер или SHA-256 в метаданных не совпадает с содержимым");
    }
    auto parsed = parseFileName(info.fileName);
    if (!parsed || parsed->sequence != info.sequence || parsed->periodId != info.periodId ||
        parsed->version != info.version)
      v.problem("", "имя файла не совпадает с метаданными (номер " + std::to_string(info.sequence) +
                        ", период " + info.periodId + ", версия " + std::to_string(info.version) + ")");
  }

  // Time-stamp (§6) and signature (§5).
  std::optional<std::time_t> when;
  std::string signatureBytes;
  if (signature && signature->size <= kMaxSmallMember) signatureBytes = readMember(*file, *signature);
  if (stamp && signature) {
    info.timestamped = true;
    auto ts = detail::tsVerify(readMember(*file, *stamp), signatureBytes, options.caFiles, std::nullopt);
    if (!ts.ok) {
      v.problem(std::string(kTimestamp), ts.error);
    } else {
      when = ts.genTime;
      if (ts.genTime) info.timestampUtc = fromEpoch(*ts.genTime);
      report.notes.push_back(info.fileName + ": штамп времени " +
                             (ts.genTime ? formatUtc(*ts.genTime) : "?") +
                             (ts.trusted ? ", подпись службы проверена" : ""));
    }
  }
  if (signature && manifest) {
    auto cms = detail::cmsVerify(signatureBytes, manifestBytes, options.caFiles, when);
    if (cms.signingTime) info.signingTimeUtc = fromEpoch(*cms.signingTime);
    info.signer = cms.subject;
    if (!cms.signatureOk) {
      bool content = cms.error.find("не соответствует манифесту") != std::string::npos;
      v.problem(content ? std::string(kManifest) : std::string(kSignature),
                content ? "подпись (" + std::string(kSignature) + ") " +
                              cms.error.substr(cms.error.find("не соотв")) + " — изменён манифест или подпись"
                        : cms.error);
    } else {
      std::optional<std::time_t> at = when ? when : cms.signingTime;
      report.notes.push_back(
          info.fileName + ": подпись " + cms.algorithm + ", " + cms.subject +
          (cms.trusted ? ", сертификат проверен на " + (at ? formatUtc(*at) : std::string("?")) : ""));
      if (!cms.trusted)
        v.problem(
            std::string(kSignature),
            "подпись математически верна, но сертификат не проверен: укажите доверенный сертификат (--ca)");
    }
  }

  // Content checks (e.g. the export's schema validity).
  if (options.checkDocument && metaOk) {
    report.notes.push_back(info.fileName + ": проверено и содержимое документов");
    for (size_t k = 0; k < std::min(info.documents.size(), docs.size()); ++k) {
      if (info.documents[k].name != docs[k]->name) continue;
      // A view of the member (mapped, not copied), released before the next one.
      const auto view = file->view(docs[k]->dataOffset, static_cast<size_t>(docs[k]->size));
      for (const auto& msg : options.checkDocument(info.documents[k], *view)) v.problem(docs[k]->name, msg);
    }
  }
  if (metaOk) report.archives.push_back(std::move(info));
  return report;
}

VerifyReport Archive::verifyAll(const VerifyOptions& options) {
  requireTrustFiles(options);
  VerifyReport report;
  std::vector<std::string> files;
  for (const auto& name : fs_->list(dir_)) {
    if (name == kLockFileName) continue;  // the seal lock (filesystem.h)
    if (isTempName(name)) {
      report.notes.push_back(name + ": незавершённая запись архива (пропущена)");
      continue;
    }
    if (!parseFileName(name)) {
      report.problems.push_back({name, "", "посторонний файл в каталоге архивов"});
      continue;
    }
    files.push_back(name);
  }
  if (files.empty()) report.problems.push_back({"", "", "в каталоге " + dir_.string() + " нет архивов"});
  for (const auto& f : files) {
    auto r = verify(f, options);
    for (auto& p : r.problems) report.problems.push_back(std::move(p));
    for (auto& n : r.notes) report.notes.push_back(std::move(n));
    for (auto& a : r.archives) report.archives.push_back(std::move(a));
  }
  auto& as = report.archives;
  std::stable_sort(as.begin(), as.end(),
                   [](const ArchiveInfo& a, const ArchiveInfo& b) { return a.sequence < b.sequence; });
  auto chain = [&](const std::string& archive, const std::string& message) {
    report.problems.push_back({archive, "", "цепочка архивов нарушена: " + message});
  };
  std::map<int, const ArchiveInfo*> bySeq;
  std::map<std::string, const ArchiveInfo*> byName;
  for (const auto& a : as) {
    if (!bySeq.emplace(a.sequence, &a).second)
      chain(a.fileName, "номер " + std::to_string(a.sequence) + " повторяется");
    byName[a.fileName] = &a;
  }
  int expected = 1;
  for (const auto& [seq, a] : bySeq) {
    if (seq != expected)
      chain(a->fileName, "пропущены номера " + std::to_string(expected) + "–" + std::to_string(seq - 1) +
                             " (архив удалён?)");
    expected = seq + 1;
    if (seq == 1) {
      if (a->previous) chain(a->fileName, "первый архив ссылается на предыдущий " + a->previous->archive);
      continue;
    }
    auto prev = bySeq.find(seq - 1);
    if (!a->previous) {
      chain(a->fileName, "нет ссылки на предыдущий архив");
    } else if (prev != bySeq.end() && (a->previous->manifestSha256 != prev->second->manifestSha256 ||
                                       a->previous->archive != prev->second->fileName)) {
      chain(a->fileName, "ссылка на предыдущий архив " + a->previous->archive + " не совпадает с архивом " +
                             prev->second->fileName + " (подменён или переставлен)");
    }
  }
  std::map<std::string, std::set<int>> versions;
  for (const auto& a : as) {
    if (!versions[a.periodId].insert(a.version).second)
      chain(a.fileName, "версия " + std::to_string(a.version) + " периода " + a.periodId + " повторяется");
    if (a.version > 1) {
      if (!a.supersedes) {
        chain(a.fileName, "исправление не называет заменяемую версию");
        continue;
      }
      auto it = byName.find(a.supersedes->archive);
      if (it == byName.end())
        chain(a.fileName, "заменяемый архив " + a.supersedes->archive + " отсутствует");
      else if (it->second->manifestSha256 != a.supersedes->manifestSha256 ||
               it->second->periodId != a.periodId || it->second->version != a.version - 1)
        chain(a.fileName, "заменяемый архив " + a.supersedes->archive + " не совпадает с указанным");
    } else if (a.supersedes) {
      chain(a.fileName, "первая версия не может заменять другой архив");
    }
  }
  if (options.expectedHeadSha256 && (as.empty() || as.back().manifestSha256 != *options.expectedHeadSha256))
    chain(as.empty() ? "" : as.back().fileName,
          "последний архив не совпадает с записанным в индексе (последний архив удалён или заменён)");
  return report;
}

std::vector<FindHit> Archive::find(const std::vector<ArchiveInfo>& archives, const FindQuery& q) {
  std::set<std::string> superseded;
  for (const auto& a : archives)
    if (a.supersedes) superseded.insert(a.supersedes->archive);
  std::vector<FindHit> hits;
  for (const auto& a : archives) {
    if (q.currentOnly && superseded.count(a.fileName)) continue;
    if (q.year && a.periodId.rfind(std::to_string(*q.year) + "-", 0) != 0) continue;
    if (!q.periodId.empty() && a.periodId != q.periodId) continue;
    for (const auto& d : a.documents) {
      if (!q.kind.empty() && d.kind != q.kind) continue;
      bool all = true;
      for (const auto& [key, wanted] : q.tags) {
        auto it = d.tags.find(key);
        for (const auto& w : wanted) {
          bool found = false;
          if (it != d.tags.end())
            for (const auto& have : it->second)
              if (model::foldForSearch(have).find(model::foldForSearch(w)) != std::string::npos) found = true;
          if (!found) all = false;
        }
      }
      if (all) hits.push_back({&a, &d});
    }
  }
  return hits;
}

std::vector<ArchiveInfo> Archive::pastRetention(model::Date today) {
  std::vector<ArchiveInfo> out;
  for (auto& a : list())
    if (a.retention.earliestDisposal <= today) out.push_back(std::move(a));
  return out;
}

}  // namespace ejournal::archive
