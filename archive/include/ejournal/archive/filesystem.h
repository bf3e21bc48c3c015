// The file-system seam of the archive stage (conventions §11, after leveldb's Env): every byte the archive
// stage writes or reads goes through a FileSystem, so tests can substitute one that fails at a chosen
// operation (FaultInjectingFileSystem, after leveldb's ErrorEnv) and check that no partial archive is ever
// left behind.
//
// All methods throw ejournal::Error(Internal) naming the path and the operation on failure (NotFound for a
// missing file when opening for reading). posixFileSystem() is thread-safe; FaultInjectingFileSystem is for
// tests and is not; a file object belongs to one thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ejournal::archive {

// A file being written from the start. append() writes at the end; writeAt() overwrites bytes already written
// (used to patch a tar header once a streamed member's size is known).
class WritableFile {
 public:
  virtual ~WritableFile() = default;
  virtual void append(std::string_view bytes) = 0;
  virtual void writeAt(uint64_t offset, std::string_view bytes) = 0;
  virtual void sync() = 0;   // fsync
  virtual void close() = 0;  // idempotent; the destructor closes without throwing
};

// A read-only view of a part of a file, valid while the object lives.
class FileView {
 public:
  virtual ~FileView() = default;
  virtual std::string_view bytes() const = 0;
  // The reader is done with the bytes before `upTo` (relative to bytes()): a mapped view drops their pages
  // from memory (they are read again if touched: bytes() stays valid), so a pass over a large member holds a
  // window of it. The default (bytes on the heap) does nothing.
  virtual void release(size_t upTo) const { (void)upTo; }
};

// A view of bytes held on the heap (what ReadableFile::view gives by default; tests).
std::unique_ptr<FileView> memoryView(std::string bytes);

class ReadableFile {
 public:
  virtual ~ReadableFile() = default;
  virtual uint64_t size() const = 0;
  // Reads up to n bytes at offset; fewer only at the end of the file.
  virtual std::string read(uint64_t offset, size_t n) const = 0;
  // Reads up to n bytes at offset into `out` (a caller's buffer, reused from call to call); returns how many
  // (fewer only at the end of the file). The default goes through read().
  virtual size_t readInto(uint64_t offset, char* out, size_t n) const;
  // Up to n bytes at offset as a view. The POSIX file maps them read-only (the pages are the page cache's,
  // read as they are touched, not a copy on the heap); the default reads them into memory.
  virtual std::unique_ptr<FileView> view(uint64_t offset, size_t n) const;
};

// An exclusive lock, held until the object is destroyed (FileSystem::lockDirectory).
class DirectoryLock {
 public:
  virtual ~DirectoryLock() = default;
};

// The lock file lockDirectory() keeps in a directory; readers of an archive directory skip it.
inline constexpr const char* kLockFileName = ".lock";

enum class Operation { Create, Write, Sync, Close, Rename, SyncDir, Remove, CreateDir };
std::string_view toString(Operation op);

class FileSystem {
 public:
  virtual ~FileSystem() = default;
  // Creates `path` for writing; fails if it exists.
  virtual std::unique_ptr<WritableFile> createFile(const std::filesystem::path& path) = 0;
  virtual std::unique_ptr<ReadableFile> openFile(const std::filesystem::path& path) = 0;
  // Renames without replacing: fails (Error(Conflict)) when `to` exists.
  virtual void renameNoReplace(const std::filesystem::path& from, const std::filesystem::path& to) = 0;
  virtual void syncDirectory(const std::filesystem::path& dir) = 0;
  virtual void remove(const std::filesystem::path& path) = 0;  // missing is not an error
  virtual void createDirectories(const std::filesystem::path& dir) = 0;
  virtual bool exists(const std::filesystem::path& path) = 0;
  // File names (not paths) in `dir`, sorted; empty when the directory does not exist.
  virtual std::vector<std::string> list(const std::filesystem::path& dir) = 0;
  // Takes the exclusive lock of `dir` (an flock on its file kLockFileName, created 0600 and left in place),
  // waiting while another thread or process holds it, including another service instance sharing the
  // directory. Released when the returned lock is destroyed or the process ends. Throws Error(Internal).
  virtual std::unique_ptr<DirectoryLock> lockDirectory(const std::filesystem::path& dir) = 0;
};

// The real POSIX file system. One shared instance.
std::shared_ptr<FileSystem> posixFileSystem();

// Wraps another FileSystem and fails the n-th mutating operation (1-based, counting Create, Write, Sync,
// Close, Rename, SyncDir, Remove and CreateDir in call order) with Error(Internal) "injected fault". After
// the fault, with Mode::Crash, every later mutating operation fails too (the process is considered dead:
// nothing it does after the fault reaches the disk, e.g. temp-file cleanup); with Mode::Once only that
// operation fails.
class FaultInjectingFileSystem : public FileSystem {
 public:
  enum class Mode { Once, Crash };
  explicit FaultInjectingFileSystem(std::shared_ptr<FileSystem> base);

  void failAt(int n, Mode mode);  // 0 disables
  int operations() const;         // mutating operations seen so far
  bool faulted() const;
  Operation faultedOperation() const;  // meaningful when faulted()
  void reset();                        // count from 0, no fault armed

  std::unique_ptr<WritableFile> createFile(const std::filesystem::path& path) override;
  std::unique_ptr<ReadableFile> openFile(const std::filesystem::path& path) override;
  void renameNoReplace(const std::filesystem::path& from, const std::filesystem::path& to) override;
  void syncDirectory(const std::filesystem::path& dir) override;
  void remove(const std::filesystem::path& path) override;
  void createDirectories(const std::filesystem::path& dir) override;
  bool exists(const std::filesystem::path& path) override;
  std::vector<std::string> list(const std::filesystem::path& dir) override;
  std::unique_ptr<DirectoryLock> lockDirectory(const std::filesystem::path& dir) override;  // not counted

  // Called by the wrapped files; throws when this operation is the one to fail.
  void check(Operation op, const std::filesystem::path& path);

 private:
  std::shared_ptr<FileSystem> base_;
  int failAt_ = 0;
  Mode mode_ = Mode::Once;
  int count_ = 0;
  bool faulted_ = false;
  Operation faultedOp_ = Operation::Create;
};

}  // namespace ejournal::archive
