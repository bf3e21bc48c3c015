// Files: where the bundled data (schemas, templates, fonts list) is found, durable atomic writes, private
// files, and reading an input of any kind with a size cap.
//
// Every file ejournal produces for a user (PDF, report, export, archive, backup) is written through
// AtomicFile or writeFileAtomic: a temp name in the same directory, fsync, rename, fsync of the directory
// (conventions §9). A crash leaves either the old file or the new one, never a torn one.
//
// Every file and directory ejournal creates may hold personal data (pupils' marks and names, password
// hashes): files are created 0600 and directories 0700 whatever the umask (openPrivateFile,
// createPrivateDirectories; the store, backups, archives, uploads and every AtomicFile go through them).
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

namespace ejournal::model {

// The bundled data file `relative` ("schemas/journal.xsd", "templates/journal.xml"): looked up in
// $EJOURNAL_DATA_DIR, then <prefix>/share/ejournal for the executable's prefix (its directory's parent, up to
// three levels up: /usr/bin/ejournal finds /usr/share/ejournal, build/app/ejournal finds
// build/share/ejournal, which CMake links to the source tree), then /usr/share/ejournal. Throws
// ejournal::Error(NotFound) naming every place looked at.
std::filesystem::path dataFile(std::string_view relative);

// Writes `bytes` to `path` atomically and durably. Throws ejournal::Error(Internal) with the path and errno
// text.
void writeFileAtomic(const std::filesystem::path& path, std::string_view bytes);

// Reads a whole file; throws ejournal::Error(NotFound/Internal) with the path.
std::string readFile(const std::filesystem::path& path);

// A file being written: data goes to "<path>.tmp-<pid>-<n>"; commit() fsyncs, renames over `path` and fsyncs
// the directory. Destroying it without commit() removes the temp file. Not thread-safe; one writer per
// object.
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

constexpr unsigned kPrivateFileMode = 0600;
constexpr unsigned kPrivateDirectoryMode = 0700;

// open(2) of `path` with `flags` (O_CLOEXEC is added); a file this call creates (O_CREAT) gets mode 0600
// whatever the umask. An existing file keeps its mode. Returns the descriptor; throws
// Error(NotFound/Conflict/Internal) naming the path (Conflict: O_EXCL and the file exists).
int openPrivateFile(const std::filesystem::path& path, int flags);

// Creates `dir` and its missing parents, each new one with mode 0700 whatever the umask; existing directories
// are left as they are. Throws Error(Internal) naming the directory.
void createPrivateDirectories(const std::filesystem::path& dir);

// The whole content of an input file of any kind, read with a cap applied while reading: a regular file is
// mapped read-only (refused by its size before anything is read); a pipe, a character device (/dev/zero,
// /dev/urandom), a socket or /dev/stdin is read until its end into memory reserved once (only what arrives is
// touched), and refused as soon as more than `maxBytes` have arrived. Throws Error(Input) «файл слишком
// велик» naming the path, Error(NotFound) for a missing file, Error(Input) for a directory, Error(Internal)
// for other I/O failures.
class InputFile {
 public:
  InputFile(const std::filesystem::path& path, size_t maxBytes);
  ~InputFile();
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;
  std::string_view bytes() const { return {static_cast<const char*>(data_), size_}; }
  bool mapped() const { return regular_; }  // a regular file mapped in place (not copied)
  // Drops the pages of a mapped regular file's bytes before `upTo` from this process's memory (they stay in
  // the page cache and are read again if touched, so bytes() stays valid); a reader that goes through the
  // file once calls it behind itself and holds a window instead of the whole file. No effect on a stream read
  // into memory (its pages are the only copy).
  void release(size_t upTo) const;

 private:
  void* data_ = nullptr;
  size_t size_ = 0;      // bytes of content
  size_t reserved_ = 0;  // length of the mapping
  bool regular_ = false;
};

// Drops the whole pages inside [begin, begin + n) of a read-only private file mapping from this process's
// memory (madvise MADV_DONTNEED): touching them again reads them from the file. Only for mappings of files
// that are never written through the mapping (anything else would lose data).
void releaseMappedPages(const void* begin, size_t n);

// errno in Russian for a user's message ("нет прав доступа"); unusual codes as «системная ошибка N».
std::string systemErrorText(int err);

// "N байт" in the words the size messages use: «1 ГиБ», «4 МиБ», «512 байт».
std::string byteSize(size_t bytes);

}  // namespace ejournal::model
