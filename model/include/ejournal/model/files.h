// Files: where the bundled data (schemas, templates, fonts list) is found, and durable atomic writes.
//
// Every file ejournal produces for a user (PDF, report, export, archive, backup) is written through
// AtomicFile or writeFileAtomic: a temp name in the same directory, fsync, rename, fsync of the directory
// (conventions §9). A crash leaves either the old file or the new one, never a torn one.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace ejournal::model {

// The bundled data file `relative` ("schemas/journal.xsd", "templates/journal.xml"): looked up in
// $EJOURNAL_DATA_DIR, then <prefix>/share/ejournal for the executable's prefix (its directory's parent, up to
// three levels up: /usr/bin/ejournal finds /usr/share/ejournal, build/app/ejournal finds build/share/ejournal,
// which CMake links to the source tree), then /usr/share/ejournal. Throws
// ejournal::Error(NotFound) naming every place looked at.
std::filesystem::path dataFile(std::string_view relative);

// Writes `bytes` to `path` atomically and durably. Throws ejournal::Error(Internal) with the path and errno text.
void writeFileAtomic(const std::filesystem::path& path, std::string_view bytes);

// Reads a whole file; throws ejournal::Error(NotFound/Internal) with the path.
std::string readFile(const std::filesystem::path& path);

// A file being written: data goes to "<path>.tmp-<pid>-<n>"; commit() fsyncs, renames over `path` and fsyncs the
// directory. Destroying it without commit() removes the temp file. Not thread-safe; one writer per object.
class AtomicFile {
 public:
  explicit AtomicFile(std::filesystem::path path);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  void write(std::string_view bytes);
  void commit();
  const std::filesystem::path& tempPath() const { return temp_; }
  int fd() const { return fd_; }

 private:
  std::filesystem::path path_;
  std::filesystem::path temp_;
  int fd_ = -1;
  bool committed_ = false;
};

// fsyncs a directory so a rename in it is durable.
void syncDirectory(const std::filesystem::path& dir);

}  // namespace ejournal::model
