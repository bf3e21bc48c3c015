// Archive use cases shared by the CLI (cmd_seal.cpp, cmd_verify.cpp, cmd_archive.cpp) and the service:
// sealing a period from the store (store -> rules -> reports -> render -> ingest's canonical export ->
// archive::seal), the verification options with the export's schema check, the archive index kept in the
// store, and the student extract from archived data. Each throws ejournal::Error with Russian messages.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ejournal/archive/archive.h"
#include "ejournal/model/clock.h"
#include "ejournal/render/render.h"
#include "ejournal/store/archive_index.h"
#include "ejournal/store/store.h"

namespace ejournal::app {

struct SealOptions {
  std::string schoolId;                          // the stored school; empty: the store's only school
  std::string periodId;                          // "2025-Q1", "2025-H1", "2025-year"
  std::filesystem::path archiveDir = "archive";  // the school's own archive directory
  archive::SignerConfig signer;
  std::string tsaUrl;
  bool correction = false;
  std::string reason;
  std::string createdBy;
  std::string rulesConfig;  // rules configuration file; empty: the school defaults
  archive::RetentionPolicy retention = archive::RetentionPolicy::defaults();
  // Called after each document is written into the archive: documents done, documents in all, the document's
  // name, the bytes of the documents done (the CLI's progress); may be empty.
  std::function<void(size_t done, size_t total, const std::string& name, uint64_t bytes)> progress;
};

// Seals one period of a stored school into the next archive of `archiveDir` and records it in the store's
// archive index. The store is only read (and the index written after the archive is complete). A directory
// keeps one school's archives: Error(Conflict) when it holds another school's.
archive::ArchiveInfo sealPeriod(store::Store& store, const SealOptions& options,
                                std::shared_ptr<model::Clock> clock);

// Verification options: the trust anchors for the signature and time-stamp. The integrity of every member
// (its SHA-256 against the signed manifest, read once in chunks at the speed of the disk and SHA-256) is
// always checked; `checkContent` also validates the export against journal.xsd and parses it
// (ingest::readJournal), which reads it at the speed of validation, holding a window of it and the reader's
// reference sets.
archive::VerifyOptions verifyOptions(const std::vector<std::string>& caFiles, bool checkContent = false);

store::IndexedArchive toIndexed(const archive::ArchiveInfo& info, const std::filesystem::path& directory);

// Replaces the index rows of the archive directory with what the archives say; returns how many were indexed.
size_t reindexArchives(store::Store& store, archive::Archive& archives);

// The extract (выписка) of one student, "Фамилия Имя" (case-insensitive, ё = е), for an academic year,
// rendered from the export inside the newest current archive of that year (the year archive when sealed).
// Throws Error(NotFound) when no archive or no such student exists, Error(Input) when the name is ambiguous.
struct StudentExtract {
  render::Pdf pdf;
  std::string archive;  // the archive file the data came from
  std::string student;  // full name
  std::string periodId;
};
StudentExtract extractStudent(archive::Archive& archives, const std::string& name, int year,
                              std::shared_ptr<model::Clock> clock);

}  // namespace ejournal::app
