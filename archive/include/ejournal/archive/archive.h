// Signed, hashed, tamper-evident archives of a reporting period (docs/archive-format.md): sealing,
// verification, listing, extraction, search and retention.
//
// An archive is one ustar file in an archive directory holding the period's documents, metadata.json, a
// SHA-256 manifest, a detached CMS signature over the manifest (RSA, ECDSA, or GOST R 34.10-2012 through the
// OpenSSL `gost` engine) and optionally an RFC 3161 time-stamp of the signature. Archives form a hash chain
// through the previous archive's manifest hash. No OpenSSL, Poco or tar types appear here.
//
// Errors: failures that stop a job throw ejournal::Error (Input for bad requests and keys, Conflict for
// sealing a sealed period, NotFound for an unknown archive or member, Internal for I/O and crypto failures,
// with the OpenSSL reason). Problems found by verification are data (VerifyReport), never exceptions. Thread
// safety: an Archive object may be used by one thread at a time; separate objects over the same directory
// must not seal concurrently (the rename refuses to replace, so the loser fails cleanly).
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "ejournal/archive/filesystem.h"
#include "ejournal/model/clock.h"
#include "ejournal/model/date.h"

namespace ejournal::archive {

inline constexpr int kArchiveFormatVersion = 1;

// Document kinds ejournal's seal uses; any non-empty ASCII word is accepted.
inline constexpr std::string_view kKindJournal = "journal";
inline constexpr std::string_view kKindSummary = "summary";
inline constexpr std::string_view kKindReport = "report";
inline constexpr std::string_view kKindExport = "export";

// Searchable labels of a document: "class" -> {"5А"}, "subject", "teacher", "student" -> {"Петров Пётр"}.
using Tags = std::map<std::string, std::vector<std::string>>;

// One document to seal. Either `bytes` holds the content, or `producer` writes it into the stream it is given
// (the stream hashes and writes to the archive as it goes; the producer must not keep the stream). A producer
// that throws aborts the seal and leaves no archive.
struct Document {
  std::string name;       // member name, docs/archive-format.md §2 ("journals/5A.pdf")
  std::string kind;       // kKindJournal, ...
  std::string title;      // Russian: "Классный журнал 5 «А» класса"
  std::string mediaType;  // "application/pdf"
  Tags tags;
  std::string bytes;
  std::function<void(std::ostream&)> producer;
};

struct RetentionRule {
  std::string kind;       // document kind it applies to
  std::string className;  // Russian: "классные журналы"
  int years = 5;
};

// Retention settings: the rule for a kind, or the fallback. Defaults: journal, report, export -> «классные
// журналы» 5 years; summary -> «сводные ведомости» 25 years.
struct RetentionPolicy {
  std::vector<RetentionRule> rules;
  RetentionRule fallback{"", "классные журналы", 5};
  static RetentionPolicy defaults();
  const RetentionRule& ruleFor(std::string_view kind) const;
  // 1 January of the year `years` + 1 after the year of `periodEnd`.
  static model::Date earliestDisposal(model::Date periodEnd, int years);
};

enum class KeyEngine {
  Default,  // RSA, ECDSA and anything the default provider signs
  Gost,     // load the OpenSSL `gost` engine (GOST R 34.10-2012 keys, Streebog digests)
};

// The signing key and certificate: PEM key + PEM certificate, or a PKCS#12 file as `keyPath` (certificate and
// chain taken from it; `certPath` may then be empty). Extra chain certificates (PEM, several per file) are
// included in the signature.
struct SignerConfig {
  std::string keyPath;
  std::string certPath;
  std::string password;  // for an encrypted PEM key or PKCS#12
  std::vector<std::string> chainPaths;
  KeyEngine engine = KeyEngine::Default;
  bool configured() const { return !keyPath.empty(); }
};

enum class SealMode { New, Correction };

struct SealRequest {
  std::string schoolId;
  std::string schoolName;
  std::string periodId;     // "2025-Q1"
  std::string periodTitle;  // "1 четверть 2025/2026 учебного года"
  model::DateRange periodDates;
  std::string createdBy;
  std::string tool;  // "ejournal 0.1.0"
  std::vector<Document> documents;
  SealMode mode = SealMode::New;
  std::string reason;  // required for a correction
  SignerConfig signer;
  std::string tsaUrl;  // empty: no time-stamp; "http://host:port/path"
  RetentionPolicy retention = RetentionPolicy::defaults();
};

struct RetentionInfo {
  std::string className;
  int years = 0;
  model::Date earliestDisposal;
};

struct DocumentInfo {
  std::string name;
  std::string kind;
  std::string title;
  std::string mediaType;
  uint64_t size = 0;
  std::string sha256;  // lowercase hex
  RetentionInfo retention;
  Tags tags;
};

struct ArchiveRef {
  std::string archive;         // file name
  std::string manifestSha256;  // lowercase hex
};

// What an archive's metadata says, plus where it is.
struct ArchiveInfo {
  std::filesystem::path path;
  std::string fileName;
  int formatVersion = kArchiveFormatVersion;
  std::string schoolId;
  std::string schoolName;
  std::string periodId;
  std::string periodTitle;
  model::DateRange periodDates;
  int sequence = 0;
  int version = 1;
  std::optional<ArchiveRef> supersedes;
  std::string reason;
  std::optional<ArchiveRef> previous;
  model::DateTime createdAt;
  std::string createdBy;
  std::string tool;
  RetentionInfo retention;
  std::vector<DocumentInfo> documents;
  std::string manifestSha256;  // of this archive
  bool timestamped = false;
  std::optional<model::DateTime> timestampUtc;  // genTime of the time-stamp, UTC (when read by verify)
  std::optional<model::DateTime> signingTimeUtc;
  std::string signer;  // the signing certificate's subject, one line (when read by verify)
};

// A problem verification found. `archive` is the file name ("" for directory-wide problems), `member` the
// member it concerns ("" for the whole file); `message` is Russian and says what is wrong.
struct VerifyProblem {
  std::string archive;
  std::string member;
  std::string message;
  std::string toString()
      const;  // "000001_2025-Q1_v1.tar: journals/5A.pdf: SHA-256 не совпадает с манифестом"
};

struct VerifyReport {
  std::vector<ArchiveInfo> archives;  // those that could be read, in chain order
  std::vector<VerifyProblem> problems;
  std::vector<std::string> notes;  // Russian, what was checked ("подпись: CN=..., RSA, проверена на ...")
  bool ok() const { return problems.empty(); }
};

// Checks a document's content beyond its hash (e.g. the export's schema validity); returns Russian problems.
// `member` is the member's bytes (mapped); a check that reads them once calls member.release() behind itself.
using DocumentCheck =
    std::function<std::vector<std::string>(const DocumentInfo& doc, const FileView& member)>;

struct VerifyOptions {
  // PEM files with the trust anchors (CA certificates) for the signer and the TSA. Empty: the signature is
  // checked cryptographically but its certificate is not trusted, which is reported as a problem.
  std::vector<std::string> caFiles;
  DocumentCheck checkDocument;  // optional
  // When set, the chain head the index recorded (manifest hash of the newest archive): --all reports it
  // missing.
  std::optional<std::string> expectedHeadSha256;
};

struct FindQuery {
  std::optional<int> year;  // academic start year: 2025 matches periods "2025-*"
  std::string periodId;
  std::string kind;
  Tags tags;                // every given tag value must be present (case-insensitive substring for students)
  bool currentOnly = true;  // skip superseded versions
};

struct FindHit {
  const ArchiveInfo* archive = nullptr;
  const DocumentInfo* document = nullptr;
};

// The archives of one directory.
class Archive {
 public:
  explicit Archive(std::filesystem::path dir, std::shared_ptr<FileSystem> fs = posixFileSystem(),
                   std::shared_ptr<model::Clock> clock = model::systemClock());
  ~Archive();
  Archive(const Archive&) = delete;
  Archive& operator=(const Archive&) = delete;

  const std::filesystem::path& directory() const { return dir_; }

  // Seals the request into the next archive of the chain and returns its info. Throws Error(Input) without a
  // signer ("Не указан ключ подписи…"), for an invalid document name or a missing reason; Error(Conflict)
  // when the period is already sealed and mode is New, or when mode is Correction and it is not;
  // Error(Internal) on I/O, signing or TSA failure. On any failure no archive file exists afterwards (the
  // temp file is removed when the file system still works).
  ArchiveInfo seal(const SealRequest& request);

  // Archives in the directory in chain order (by sequence), read from their metadata without verification. An
  // unreadable file throws Error(Input) naming it.
  std::vector<ArchiveInfo> list();
  // One archive by file name or path; Error(NotFound).
  ArchiveInfo show(const std::string& archive);
  // The current (not superseded) archive of a period, if any.
  std::optional<ArchiveInfo> current(const std::string& periodId);

  // The bytes of one member; Error(NotFound) for an unknown archive or member. The member's hash is checked
  // against the manifest first (Error(Input) "повреждён" when it does not match).
  std::string extract(const std::string& archive, const std::string& member);

  // Full verification of one archive (path or file name), or of all archives and the chain between them. A
  // trust file of options.caFiles that is missing or unreadable throws Error(Input) naming it; what is wrong
  // with an archive is a problem in the report.
  VerifyReport verify(const std::string& archive, const VerifyOptions& options);
  VerifyReport verifyAll(const VerifyOptions& options);

  // Documents matching the query across `archives` (as returned by list()).
  static std::vector<FindHit> find(const std::vector<ArchiveInfo>& archives, const FindQuery& query);

  // Archives whose earliest disposal date is on or before `today`. Never deletes anything.
  std::vector<ArchiveInfo> pastRetention(model::Date today);

  // The file name an archive gets: "000003_2025-Q1_v1.tar".
  static std::string fileNameFor(int sequence, const std::string& periodId, int version);

 private:
  std::filesystem::path dir_;
  std::shared_ptr<FileSystem> fs_;
  std::shared_ptr<model::Clock> clock_;
};

// SHA-256 of bytes as lowercase hex (exposed for the app and tests that compute the same value).
std::string sha256Hex(std::string_view bytes);

}  // namespace ejournal::archive
