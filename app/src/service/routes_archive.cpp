// Archive and backup endpoints: seal a period, list, show, verify and download archives and their members
// (through the archive use cases shared with `ejournal seal/verify/archive`), and make or list store backups.
#include <Poco/JSON/Array.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "archive_usecases.h"
#include "ejournal/archive/archive.h"
#include "ejournal/ingest/ingest.h"
#include "ejournal/model/error.h"
#include "ejournal/model/files.h"
#include "ejournal/store/backup.h"
#include "service/core.h"
#include "service/scheduler.h"

namespace ejournal::app::service {

using Poco::Net::HTTPResponse;

namespace {

const std::vector<Role> kArchiveReaders = {Role::Admin, Role::Deputy, Role::Secretary, Role::Auditor};
// The regional inspector reads the archive lists and their verification too, not the documents.
const std::vector<Role> kArchiveListReaders = {Role::Admin, Role::Deputy, Role::Secretary, Role::Auditor,
                                               Role::RegionalInspector};

Poco::JSON::Object::Ptr archiveJson(const archive::ArchiveInfo& a, bool withDocuments) {
  auto o = newObject();
  o->set("id", a.fileName);
  o->set("schoolId", a.schoolId);
  o->set("periodId", a.periodId);
  o->set("periodTitle", a.periodTitle);
  o->set("sequence", a.sequence);
  o->set("version", a.version);
  o->set("createdAt", a.createdAt.toString());
  o->set("createdBy", a.createdBy);
  o->set("manifestSha256", a.manifestSha256);
  o->set("timestamped", a.timestamped);
  if (a.supersedes) o->set("supersedes", a.supersedes->archive);
  if (!a.reason.empty()) o->set("reason", a.reason);
  o->set("retentionYears", a.retention.years);
  o->set("earliestDisposal", a.retention.earliestDisposal.toString());
  if (withDocuments) {
    Poco::JSON::Array::Ptr docs = new Poco::JSON::Array;
    for (const auto& d : a.documents) {
      auto j = newObject();
      j->set("name", d.name);
      j->set("kind", d.kind);
      j->set("title", d.title);
      j->set("mediaType", d.mediaType);
      j->set("size", static_cast<Poco::UInt64>(d.size));
      j->set("sha256", d.sha256);
      docs->add(j);
    }
    o->set("documents", docs);
  } else {
    o->set("documents", static_cast<int>(a.documents.size()));
  }
  return o;
}

// An archive id names one file in the archive directory: no path separators, no dot files.
std::string archiveId(const Call& c) {
  const std::string& id = c.param("id");
  if (id.empty() || id.find('/') != std::string::npos || id.find('\\') != std::string::npos || id[0] == '.')
    throw ApiError(HTTPResponse::HTTP_BAD_REQUEST, "bad_parameter", "некорректное имя архива «" + id + "»",
                   "id");
  return id;
}

std::string sealNow(ServiceCore& core, const std::string& school, const std::string& period,
                    const std::string& by, bool correction, const std::string& reason,
                    archive::ArchiveInfo* out) {
  const auto [key, cert] = core.config.signerOf(school);
  if (key.empty() || cert.empty())
    throw Error(
        ErrorKind::Conflict, "archive.key",
        "ключ подписи не настроен (archive.key и archive.cert" +
            (school.empty() ? std::string() : ", или archive.key." + school + " и archive.cert." + school) +
            "): запечатать архив нельзя");
  SealOptions opt;
  opt.schoolId = school;
  opt.periodId = period;
  opt.archiveDir = archiveDirOf(core, school);
  opt.signer.keyPath = key;
  opt.signer.certPath = cert;
  opt.createdBy = by;
  opt.correction = correction;
  opt.reason = reason;
  archive::ArchiveInfo info = sealPeriod(*core.store, opt, core.clock);
  if (out) *out = info;
  return info.fileName;
}

struct BackupDone {
  std::string file;
  std::uintmax_t bytes = 0;
  int removed = 0;
};

// SQLite: the store's online backup; PostgreSQL: pg_dump in custom format into the same directory.
BackupDone backupNow(ServiceCore& core) {
  if (core.store->backend() == store::Backend::SQLite) {
    auto r = store::backup(*core.store, core.config.backupDir);
    return {r.file.filename().string(), r.bytes, static_cast<int>(r.removed.size())};
  }
  std::filesystem::create_directories(core.config.backupDir);
  std::string stamp;
  for (char ch : core.clock->now().toString())
    if (ch != '-' && ch != ':') stamp += ch == 'T' ? '-' : ch;
  const auto file = core.config.backupDir / ("ejournal-" + stamp + ".pgdump");
  const std::string cmd = store::pgDumpCommand(core.config.db, file.string()) + " 2>/dev/null";
  int rc = std::system(cmd.c_str());
  if (rc != 0 || !std::filesystem::exists(file)) {
    std::error_code ec;
    std::filesystem::remove(file, ec);
    throw Error(ErrorKind::Internal, "pg_dump",
                "резервное копирование PostgreSQL не удалось (код " + std::to_string(rc) + ")");
  }
  return {file.filename().string(), std::filesystem::file_size(file), 0};
}

// Where a backup of `school` goes and is listed: in a store of one school the store's backups are the
// school's (backup.dir); in a store of several, a school's are in backup.dir/<school>, and the whole store's
// (the regional administrator's, the backup job's) in backup.dir.
std::filesystem::path backupDirOf(ServiceCore& core, const std::string& school) {
  if (school.empty() || core.store->schools().size() <= 1) return core.config.backupDir;
  return core.config.backupDir / school;
}

// One school of a store of several: its journal in the XML of schemas/ (restored by `ejournal ingest FILE`,
// which validates it), written atomically, 0600, into backup.dir/<school>.
BackupDone backupSchool(ServiceCore& core, const std::string& school) {
  store::LoadFilter filter;
  filter.schoolId = school;
  const std::string xml = ingest::writeJournal(core.store->load(filter));
  const auto dir = backupDirOf(core, school);
  model::createPrivateDirectories(dir);
  std::string stamp;
  for (char ch : core.clock->now().toString())
    if (ch != '-' && ch != ':') stamp += ch == 'T' ? '-' : ch;
  const auto file = dir / (school + "-" + stamp + ".xml");
  model::writeFileAtomic(file, xml);
  return {file.filename().string(), xml.size(), 0};
}

// The regional administrator without ?school= (and every user of a store of one school): the whole store.
BackupDone backupFor(Call& c) {
  if (store::isRegional(c.who().role) && c.q("school").empty()) return backupNow(c.core);
  const std::string school = c.school();
  if (backupDirOf(c.core, school) == c.core.config.backupDir) return backupNow(c.core);
  return backupSchool(c.core, school);
}

}  // namespace

void addArchiveRoutes(ServiceCore& core) {
  core.add("GET", "/api/v1/archives", kArchiveListReaders, "Sealed archives, in chain order", [](Call& c) {
    archive::Archive archives(archiveDirOf(c.core, c.school()), archive::posixFileSystem(), c.core.clock);
    Poco::JSON::Array::Ptr arr = new Poco::JSON::Array;
    for (const auto& a : archives.list()) arr->add(archiveJson(a, false));
    auto o = newObject();
    o->set("archives", arr);
    sendJson(c.res, *o);
  });

  core.add("POST", "/api/v1/archives", {Role::Admin, Role::Secretary},
           "Seal a period: {\"period\": \"2025-Q1\"} (a correction: \"correction\": true, \"reason\")",
           [](Call& c) {
             auto body = readJsonObject(c.req, c.core.config.maxJsonBytes);
             std::string period = requireString(*body, "period");
             bool correction = optionalBool(*body, "correction").value_or(false);
             std::string reason = optionalString(*body, "reason");
             archive::ArchiveInfo info;
             try {
               if (!correction) {
                 // The same refusal sealPeriod makes, worded for this API rather than the CLI's options.
                 archive::Archive archives(archiveDirOf(c.core, c.school()), archive::posixFileSystem(),
                                           c.core.clock);
                 if (auto current = archives.current(period))
                   throw Error(ErrorKind::Conflict, current->fileName,
                               "период " + period + " уже запечатан (архив " + current->fileName +
                                   "); архив не изменяется. Исправление — новой версией: {\"period\": \"" +
                                   period + "\", \"correction\": true, \"reason\": \"…\"}");
               }
               if (correction && reason.empty())
                 throw ApiError(HTTPResponse::HTTP_BAD_REQUEST, "missing_field",
                                "для исправления укажите причину: {\"period\": \"" + period +
                                    "\", \"correction\": true, \"reason\": \"…\"}",
                                "reason");
               sealNow(c.core, c.school(), period, c.who().fullName + " (" + c.who().login + ")", correction,
                       reason, &info);
             } catch (const Error& e) {
               c.audit("seal", period, "failed", e.what());
               throw;
             } catch (const std::exception& e) {
               c.audit("seal", period, "failed", e.what());
               throw;
             }
             c.audit("seal", info.fileName, "ok", period + ", манифест " + info.manifestSha256);
             sendJson(c.res, *archiveJson(info, true), HTTPResponse::HTTP_CREATED);
           });

  core.add("GET", "/api/v1/archives/{id}", kArchiveListReaders, "An archive's metadata and documents",
           [](Call& c) {
             archive::Archive archives(archiveDirOf(c.core, c.school()), archive::posixFileSystem(),
                                       c.core.clock);
             sendJson(c.res, *archiveJson(archives.show(archiveId(c)), true));
           });

  core.add(
      "GET", "/api/v1/archives/{id}/verify", kArchiveListReaders,
      "Verify an archive: hashes, signature, time-stamp; ?content=1 also the export's schema", [](Call& c) {
        const std::string id = archiveId(c);
        archive::Archive archives(archiveDirOf(c.core, c.school()), archive::posixFileSystem(), c.core.clock);
        archives.show(id);  // NotFound (404) for an unknown archive, not a report that it does not verify
        auto report =
            archives.verify(id, verifyOptions(c.core.config.trustOf(c.school()), c.q("content") == "1"));
        auto o = newObject();
        o->set("ok", report.ok());
        Poco::JSON::Array::Ptr problems = new Poco::JSON::Array;
        for (const auto& p : report.problems) problems->add(p.toString());
        o->set("problems", problems);
        Poco::JSON::Array::Ptr notes = new Poco::JSON::Array;
        for (const auto& n : report.notes) notes->add(n);
        o->set("notes", notes);
        c.audit("verify", c.param("id"), report.ok() ? "ok" : "failed");
        sendJson(c.res, *o);
      });

  core.add("GET", "/api/v1/archives/{id}/download", kArchiveReaders, "The sealed archive file itself",
           [](Call& c) {
             const std::string id = archiveId(c);
             archive::Archive archives(archiveDirOf(c.core, c.school()), archive::posixFileSystem(),
                                       c.core.clock);
             archive::ArchiveInfo info = archives.show(id);  // NotFound for an unknown archive
             c.audit("download", id, "ok", "архив целиком");
             sendFile(c.res, info.path, "application/x-tar", info.fileName);
           });

  core.add("GET", "/api/v1/archives/{id}/member", kArchiveReaders,
           "One document of an archive: ?name=journals/5A.pdf", [](Call& c) {
             const std::string id = archiveId(c);
             const std::string name = c.q("name");
             if (name.empty())
               throw ApiError(HTTPResponse::HTTP_BAD_REQUEST, "missing_parameter",
                              "укажите документ: ?name=...", "name");
             archive::Archive archives(archiveDirOf(c.core, c.school()), archive::posixFileSystem(),
                                       c.core.clock);
             archive::ArchiveInfo info = archives.show(id);
             std::string type = "application/octet-stream";
             for (const auto& d : info.documents)
               if (d.name == name) type = d.mediaType;
             std::string bytes = archives.extract(id, name);
             c.audit("download", id + ":" + name, "ok");
             auto slash = name.rfind('/');
             sendBytes(c.res, bytes, type, slash == std::string::npos ? name : name.substr(slash + 1));
           });

  core.add("POST", "/api/v1/backups", {Role::Admin, Role::RegionalAdmin},
           "Back up now: the store (SQLite: online copy; PostgreSQL: pg_dump), or in a store of several "
           "schools the school's journal as XML",
           [](Call& c) {
             BackupDone r = backupFor(c);
             c.audit("backup", r.file, "ok", std::to_string(r.bytes) + " байт");
             auto o = newObject();
             o->set("file", r.file);
             o->set("bytes", static_cast<Poco::UInt64>(r.bytes));
             o->set("removed", r.removed);
             sendJson(c.res, *o, HTTPResponse::HTTP_CREATED);
           });

  core.add("GET", "/api/v1/backups", {Role::Admin, Role::RegionalAdmin}, "Backups in the backup directory",
           [](Call& c) {
             Poco::JSON::Array::Ptr arr = new Poco::JSON::Array;
             std::vector<std::filesystem::directory_entry> files;
             const auto dir = store::isRegional(c.who().role) && c.q("school").empty()
                                  ? c.core.config.backupDir
                                  : backupDirOf(c.core, c.school());
             if (std::filesystem::exists(dir))
               for (const auto& f : std::filesystem::directory_iterator(dir))
                 if (f.is_regular_file()) files.push_back(f);
             std::sort(files.begin(), files.end(),
                       [](const auto& a, const auto& b) { return a.path() < b.path(); });
             for (const auto& f : files) {
               auto o = newObject();
               o->set("file", f.path().filename().string());
               o->set("bytes", static_cast<Poco::UInt64>(f.file_size()));
               arr->add(o);
             }
             auto o = newObject();
             o->set("backups", arr);
             sendJson(c.res, *o);
           });

  // Scheduled jobs backed by these stages.
  ServiceCore* core_ = &core;
  core.scheduler->setJob("backup", [core_](model::DateTime, const std::string&) {
    BackupDone r = backupNow(*core_);
    core_->auditLog->append({"scheduler", "backup", r.file, "ok", std::to_string(r.bytes) + " байт", ""});
    return "резервная копия " + r.file + ", " + std::to_string(r.bytes) + " байт";
  });
  core.scheduler->setJob(
      "quarter-seal",
      [core_](model::DateTime due, const std::string& school) {
        auto snap = core_->cache->get(school);
        std::string period;
        for (const auto& p : snap->journal.periods)
          if (p.kind == model::PeriodKind::Quarter && p.dates.to == due.date) period = p.id;
        if (period.empty())
          throw Error(ErrorKind::NotFound, "quarter-seal",
                      "нет четверти, оканчивающейся " + due.date.toRussian());
        if (core_->config.signerOf(school).first.empty()) {
          core_->auditLog->append({"scheduler", "reminder", period, "ok",
                                   "напоминание: четверть " + period + " окончена, запечатайте архив", ""});
          return "напоминание: четверть " + period +
                 " окончена; ключ подписи не настроен, архив не запечатан";
        }
        std::string file = sealNow(*core_, school, period, "планировщик ejournal", false, "", nullptr);
        core_->auditLog->append({"scheduler", "seal", file, "ok", period, ""});
        return "запечатан архив " + file;
      },
      JobScope::EachSchool);
}

}  // namespace ejournal::app::service
