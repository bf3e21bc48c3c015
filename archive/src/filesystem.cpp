// The POSIX file system and the fault-injecting wrapper of the archive stage's FileSystem seam.
#include "ejournal/archive/filesystem.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "ejournal/model/error.h"
#include "ejournal/model/files.h"

namespace ejournal::archive {

namespace fs = std::filesystem;

std::string_view toString(Operation op) {
  switch (op) {
    case Operation::Create:
      return "create";
    case Operation::Write:
      return "write";
    case Operation::Sync:
      return "fsync";
    case Operation::Close:
      return "close";
    case Operation::Rename:
      return "rename";
    case Operation::SyncDir:
      return "fsync directory";
    case Operation::Remove:
      return "remove";
    case Operation::CreateDir:
      return "create directory";
  }
  return "?";
}

namespace {

std::string russianOperation(const std::string& what) {
  if (what == "write" || what == "pwrite") return "запись";
  if (what == "read") return "чтение";
  if (what == "fsync" || what == "fsync directory") return "запись на диск";
  if (what == "close") return "закрытие файла";
  if (what == "open" || what == "open directory") return "открытие";
  if (what == "stat") return "сведения о файле";
  if (what == "rename" || what == "link") return "переименование";
  if (what == "unlink" || what == "remove") return "удаление";
  if (what == "list") return "чтение каталога";
  if (what == "create") return "создание файла";
  if (what == "lock") return "блокировка каталога";
  return "операция с файлом";
}

// `what` names the operation for the log-minded reader; the user reads the Russian text of errno first.
[[noreturn]] void throwErrno(const std::string& what, const fs::path& path, int err) {
  throw Error(err == ENOENT ? ErrorKind::NotFound : ErrorKind::Internal, path.string(),
              model::systemErrorText(err) + " (" + russianOperation(what) + ")",
              what + ": " + std::strerror(err));
}

class PosixWritableFile : public WritableFile {
 public:
  PosixWritableFile(fs::path path, int fd) : path_(std::move(path)), fd_(fd) {}
  ~PosixWritableFile() override {
    if (fd_ >= 0) ::close(fd_);
  }
  void append(std::string_view bytes) override {
    const char* p = bytes.data();
    size_t left = bytes.size();
    while (left > 0) {
      ssize_t n = ::write(fd_, p, left);
      if (n < 0) {
        if (errno == EINTR) continue;
        throwErrno("write", path_, errno);
      }
      p += n;
      left -= static_cast<size_t>(n);
    }
  }
  void writeAt(uint64_t offset, std::string_view bytes) override {
    const char* p = bytes.data();
    size_t left = bytes.size();
    auto off = static_cast<off_t>(offset);
    while (left > 0) {
      ssize_t n = ::pwrite(fd_, p, left, off);
      if (n < 0) {
        if (errno == EINTR) continue;
        throwErrno("pwrite", path_, errno);
      }
      p += n;
      off += n;
      left -= static_cast<size_t>(n);
    }
  }
  void sync() override {
    if (::fsync(fd_) != 0) throwErrno("fsync", path_, errno);
  }
  void close() override {
    if (fd_ < 0) return;
    int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) throwErrno("close", path_, errno);
  }

 private:
  fs::path path_;
  int fd_;
};

// A view holding its bytes (ReadableFile's default).
class CopiedView : public FileView {
 public:
  explicit CopiedView(std::string bytes) : bytes_(std::move(bytes)) {}
  std::string_view bytes() const override { return bytes_; }

 private:
  std::string bytes_;
};

// A read-only private mapping of a file's range, unmapped on destruction.
class MappedView : public FileView {
 public:
  MappedView(void* base, size_t length, size_t skip, size_t n)
      : base_(base), length_(length), skip_(skip), n_(n) {}
  ~MappedView() override { ::munmap(base_, length_); }
  std::string_view bytes() const override { return {static_cast<const char*>(base_) + skip_, n_}; }
  void release(size_t upTo) const override { model::releaseMappedPages(base_, skip_ + std::min(upTo, n_)); }

 private:
  void* base_;
  size_t length_, skip_, n_;
};

class PosixReadableFile : public ReadableFile {
 public:
  PosixReadableFile(fs::path path, int fd, uint64_t size) : path_(std::move(path)), fd_(fd), size_(size) {}
  ~PosixReadableFile() override { ::close(fd_); }
  uint64_t size() const override { return size_; }
  std::string read(uint64_t offset, size_t n) const override {
    if (offset >= size_) return {};
    std::string out(static_cast<size_t>(std::min<uint64_t>(n, size_ - offset)), '\0');
    out.resize(readInto(offset, out.data(), out.size()));
    return out;
  }
  size_t readInto(uint64_t offset, char* out, size_t n) const override {
    if (offset >= size_) return 0;
    n = static_cast<size_t>(std::min<uint64_t>(n, size_ - offset));
    size_t got = 0;
    while (got < n) {
      ssize_t r = ::pread(fd_, out + got, n - got, static_cast<off_t>(offset + got));
      if (r < 0) {
        if (errno == EINTR) continue;
        throwErrno("read", path_, errno);
      }
      if (r == 0) break;
      got += static_cast<size_t>(r);
    }
    return got;
  }
  std::unique_ptr<FileView> view(uint64_t offset, size_t n) const override {
    if (offset >= size_) return std::make_unique<CopiedView>(std::string());
    n = static_cast<size_t>(std::min<uint64_t>(n, size_ - offset));
    if (n == 0) return std::make_unique<CopiedView>(std::string());
    const uint64_t page = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
    const uint64_t start = offset / page * page;
    const size_t skip = static_cast<size_t>(offset - start), length = skip + n;
    void* base = ::mmap(nullptr, length, PROT_READ, MAP_PRIVATE, fd_, static_cast<off_t>(start));
    if (base == MAP_FAILED) return ReadableFile::view(offset, n);
    ::madvise(base, length, MADV_SEQUENTIAL);
    return std::make_unique<MappedView>(base, length, skip, n);
  }

 private:
  fs::path path_;
  int fd_;
  uint64_t size_;
};

}  // namespace

std::unique_ptr<FileView> ReadableFile::view(uint64_t offset, size_t n) const {
  return std::make_unique<CopiedView>(read(offset, n));
}

size_t ReadableFile::readInto(uint64_t offset, char* out, size_t n) const {
  const std::string bytes = read(offset, n);
  std::memcpy(out, bytes.data(), bytes.size());
  return bytes.size();
}

std::unique_ptr<FileView> memoryView(std::string bytes) {
  return std::make_unique<CopiedView>(std::move(bytes));
}

namespace {

class PosixFileSystem : public FileSystem {
 public:
  std::unique_ptr<WritableFile> createFile(const fs::path& path) override {
    // 0600 whatever the umask: an archive holds the journal's personal data.
    return std::make_unique<PosixWritableFile>(path,
                                               model::openPrivateFile(path, O_WRONLY | O_CREAT | O_EXCL));
  }
  std::unique_ptr<ReadableFile> openFile(const fs::path& path) override {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throwErrno("open", path, errno);
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
      int err = errno;
      ::close(fd);
      throwErrno("stat", path, err);
    }
    if (!S_ISREG(st.st_mode)) {
      ::close(fd);
      throw Error(ErrorKind::Input, path.string(), "не является обычным файлом");
    }
    return std::make_unique<PosixReadableFile>(path, fd, static_cast<uint64_t>(st.st_size));
  }
  void renameNoReplace(const fs::path& from, const fs::path& to) override {
    if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return;
    if (errno == EEXIST) throw Error(ErrorKind::Conflict, to.string(), "файл уже существует");
    if (errno != EINVAL && errno != ENOSYS) throwErrno("rename", to, errno);
    // File systems without RENAME_NOREPLACE: link + unlink, where link fails with EEXIST. A crash between the
    // two leaves the complete archive and a stale temp name pointing at it, which the next seal removes.
    if (::link(from.c_str(), to.c_str()) != 0) {
      int err = errno;
      if (err == EEXIST) throw Error(ErrorKind::Conflict, to.string(), "файл уже существует");
      throwErrno("link", to, err);
    }
    if (::unlink(from.c_str()) != 0) throwErrno("unlink", from, errno);
  }
  void syncDirectory(const fs::path& dir) override {
    int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) throwErrno("open directory", dir, errno);
    int rc = ::fsync(fd);
    int err = errno;
    ::close(fd);
    if (rc != 0) throwErrno("fsync directory", dir, err);
  }
  void remove(const fs::path& path) override {
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) throwErrno("remove", path, errno);
  }
  void createDirectories(const fs::path& dir) override {
    model::createPrivateDirectories(dir);  // 0700 whatever the umask
  }
  bool exists(const fs::path& path) override {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0;
  }
  std::vector<std::string> list(const fs::path& dir) override {
    std::vector<std::string> names;
    DIR* d = ::opendir(dir.c_str());
    if (!d) {
      if (errno == ENOENT) return names;
      throwErrno("list", dir, errno);
    }
    while (dirent* e = ::readdir(d)) {
      std::string n = e->d_name;
      if (n != "." && n != "..") names.push_back(std::move(n));
    }
    ::closedir(d);
    std::sort(names.begin(), names.end());
    return names;
  }
  std::unique_ptr<DirectoryLock> lockDirectory(const fs::path& dir) override {
    const fs::path path = dir / kLockFileName;
    const int fd = model::openPrivateFile(path, O_RDWR | O_CREAT);
    while (::flock(fd, LOCK_EX) != 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      throwErrno("lock", path, err);
    }
    return std::make_unique<FlockLock>(fd);
  }

 private:
  // flock locks belong to the open file description: two opens in one process exclude each other too.
  class FlockLock : public DirectoryLock {
   public:
    explicit FlockLock(int fd) : fd_(fd) {}
    ~FlockLock() override { ::close(fd_); }  // closing releases the lock

   private:
    int fd_;
  };
};

class FaultyWritableFile : public WritableFile {
 public:
  FaultyWritableFile(FaultInjectingFileSystem& owner, fs::path path, std::unique_ptr<WritableFile> base)
      : owner_(owner), path_(std::move(path)), base_(std::move(base)) {}
  void append(std::string_view bytes) override {
    owner_.check(Operation::Write, path_);
    base_->append(bytes);
  }
  void writeAt(uint64_t offset, std::string_view bytes) override {
    owner_.check(Operation::Write, path_);
    base_->writeAt(offset, bytes);
  }
  void sync() override {
    owner_.check(Operation::Sync, path_);
    base_->sync();
  }
  void close() override {
    if (closed_) return;
    closed_ = true;
    owner_.check(Operation::Close, path_);
    base_->close();
  }

 private:
  FaultInjectingFileSystem& owner_;
  fs::path path_;
  std::unique_ptr<WritableFile> base_;
  bool closed_ = false;
};

}  // namespace

std::shared_ptr<FileSystem> posixFileSystem() {
  static auto instance = std::make_shared<PosixFileSystem>();
  return instance;
}

FaultInjectingFileSystem::FaultInjectingFileSystem(std::shared_ptr<FileSystem> base)
    : base_(std::move(base)) {}

void FaultInjectingFileSystem::failAt(int n, Mode mode) {
  failAt_ = n;
  mode_ = mode;
}
int FaultInjectingFileSystem::operations() const { return count_; }
bool FaultInjectingFileSystem::faulted() const { return faulted_; }
Operation FaultInjectingFileSystem::faultedOperation() const { return faultedOp_; }
void FaultInjectingFileSystem::reset() {
  failAt_ = 0;
  count_ = 0;
  faulted_ = false;
}

void FaultInjectingFileSystem::check(Operation op, const fs::path& path) {
  ++count_;
  bool fail = false;
  if (faulted_ && mode_ == Mode::Crash) fail = true;
  if (failAt_ > 0 && count_ == failAt_) {
    fail = true;
    faulted_ = true;
    faultedOp_ = op;
  }
  if (fail)
    throw Error(ErrorKind::Internal, path.string(),
                std::string("injected fault at ") + std::string(toString(op)));
}

std::unique_ptr<WritableFile> FaultInjectingFileSystem::createFile(const fs::path& path) {
  check(Operation::Create, path);
  return std::make_unique<FaultyWritableFile>(*this, path, base_->createFile(path));
}
std::unique_ptr<ReadableFile> FaultInjectingFileSystem::openFile(const fs::path& path) {
  return base_->openFile(path);
}
void FaultInjectingFileSystem::renameNoReplace(const fs::path& from, const fs::path& to) {
  check(Operation::Rename, to);
  base_->renameNoReplace(from, to);
}
void FaultInjectingFileSystem::syncDirectory(const fs::path& dir) {
  check(Operation::SyncDir, dir);
  base_->syncDirectory(dir);
}
void FaultInjectingFileSystem::remove(const fs::path& path) {
  check(Operation::Remove, path);
  base_->remove(path);
}
void FaultInjectingFileSystem::createDirectories(const fs::path& dir) {
  check(Operation::CreateDir, dir);
  base_->createDirectories(dir);
}
bool FaultInjectingFileSystem::exists(const fs::path& path) { return base_->exists(path); }
std::vector<std::string> FaultInjectingFileSystem::list(const fs::path& dir) { return base_->list(dir); }
std::unique_ptr<DirectoryLock> FaultInjectingFileSystem::lockDirectory(const fs::path& dir) {
  return base_->lockDirectory(dir);
}

}  // namespace ejournal::archive
