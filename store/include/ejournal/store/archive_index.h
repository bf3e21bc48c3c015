// The archive index in the store (migrations 10-19): which archives exist in an archive directory, their
// documents and the searchable labels of each document (class, subject, teacher, student), so `ejournal
// archive find` answers without opening every archive. The archives are the source of truth: the index holds
// nothing that cannot be rebuilt from them (`ejournal archive reindex` replaces a directory's rows with what
// the archives say).
//
// The store does not depend on the archive stage; app converts archive::ArchiveInfo into IndexedArchive.
// Thread-safe (each call takes its own pooled session). Errors: Error(Internal) naming "archive.index".
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ejournal/model/date.h"

namespace ejournal::store {

class Store;

struct IndexedDocument {
  std::string name;  // member name in the archive
  std::string kind;  // "journal", "summary", "report", "export"
  std::string title;
  int64_t size = 0;
  std::string sha256;
  std::map<std::string, std::vector<std::string>> tags;  // "class" -> {"5А"}, "student" -> {"Петров Пётр"}
};

struct IndexedArchive {
  std::string directory;  // the archive directory, absolute
  std::string fileName;   // "000003_2025-Q1_v1.tar"
  std::string schoolId;
  std::string periodId;
  std::string periodTitle;
  int sequence = 0;
  int version = 1;
  std::string supersedes;  // file name of the superseded version, or ""
  std::string manifestSha256;
  std::string createdAt;  // "YYYY-MM-DDTHH:MM:SS"
  std::string retentionClass;
  model::Date earliestDisposal;
  std::vector<IndexedDocument> documents;
};

struct ArchiveIndexQuery {
  std::string directory;
  std::optional<int> year;  // academic start year: periods "2025-*"
  std::string periodId;
  std::string kind;
  // Every value must occur (case-insensitive, ё = е, substring) among the document's values of that tag.
  std::map<std::string, std::vector<std::string>> tags;
  bool currentOnly = true;  // skip versions superseded by a correction
};

struct ArchiveIndexHit {
  std::string fileName;
  std::string periodId;
  int version = 1;
  std::string document;
  std::string kind;
  std::string title;
};

class ArchiveIndex {
 public:
  virtual ~ArchiveIndex() = default;
  // Records one archive (replacing a record of the same directory and file name).
  virtual void add(const IndexedArchive& archive) = 0;
  // Replaces everything recorded for `directory` by `archives`, in one transaction.
  virtual void rebuild(const std::string& directory, const std::vector<IndexedArchive>& archives) = 0;
  // Archives of a directory in sequence order, with their documents and tags.
  virtual std::vector<IndexedArchive> archives(const std::string& directory) = 0;
  virtual std::vector<ArchiveIndexHit> find(const ArchiveIndexQuery& query) = 0;
  // The manifest hash of the archive with the highest sequence (the chain head), if any.
  virtual std::optional<std::string> head(const std::string& directory) = 0;
  // Archives whose earliest disposal date is on or before `today`, in sequence order (without documents).
  virtual std::vector<IndexedArchive> pastRetention(const std::string& directory, model::Date today) = 0;
};

// The archive index of an open store. The store must outlive it.
std::unique_ptr<ArchiveIndex> openArchiveIndex(Store& store);

}  // namespace ejournal::store
