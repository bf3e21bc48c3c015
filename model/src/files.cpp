// Data-file lookup and durable atomic writes (POSIX).
#include "ejournal/model/files.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include "ejournal/model/error.h"

namespace ejournal::model {
namespace {

std::string errnoText(int err) { return systemErrorText(err); }

}  // namespace

std::string systemErrorText(int err) {
  switch (err) {
    case ENOENT:
      return "файл или каталог не найден";
    case EACCES:
    case EPERM:
      return "нет прав доступа";
    case ENOSPC:
    case EDQUOT:
      return "на диске нет места";
    case EROFS:
      return "файловая система только для чтения";
    case EEXIST:
      return "файл уже существует";
    case EISDIR:
      return "это каталог";
    case ENOTDIR:
      return "часть пути не является каталогом";
    case EIO:
      return "ошибка ввода-вывода";
    case EMFILE:
    case ENFILE:
      return "слишком много открытых файлов";
    case ENAMETOOLONG:
      return "слишком длинное имя файла";
    case EXDEV:
      return "файлы на разных файловых системах";
    case EBUSY:
      return "файл занят";
    case ENOMEM:
      return "недостаточно памяти";
    case EINVAL:
      return "недопустимая операция для этого файла";
    default:
      return "системная ошибка " + std::to_string(err);
  }
}

std::filesystem::path dataFile(std::string_view relative) {
  std::vector<std::filesystem::path> candidates;
  if (const char* env = std::getenv("EJOURNAL_DATA_DIR"); env && *env) candidates.emplace_back(env);
  // The prefix the executable is installed under (/usr/bin/ejournal -> /usr/share/ejournal), or the build
  // tree, whose share/ejournal is a link to the sources (CMakeLists.txt): no build path is compiled into the
  // binary.
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    auto dir = exe.parent_path();
    for (int up = 0; up < 3 && !dir.empty(); ++up, dir = dir.parent_path()) {
      candidates.push_back(dir.parent_path() / "share" / "ejournal");
      if (dir == dir.root_path()) break;
    }
  }
  candidates.emplace_back("/usr/share/ejournal");
  std::string looked;
  for (const auto& base : candidates) {
    auto p = base / relative;
    if (std::filesystem::exists(p, ec)) return p;
    looked += (looked.empty() ? "" : ", ") + p.string();
  }
  throw Error(ErrorKind::NotFound, std::string(relative), "файл данных не найден (искали: " + looked + ")");
}

std::string readFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    throw Error(err == ENOENT ? ErrorKind::NotFound : ErrorKind::Internal, path.string(),
                err == ENOENT ? "файл не найден" : "не удалось открыть файл: " + errnoText(err));
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void syncDirectory(const std::filesystem::path& dir) {
  const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    throw Error(ErrorKind::Internal, dir.string(), "не удалось открыть каталог: " + errnoText(errno));
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0)
    throw Error(ErrorKind::Internal, dir.string(), "не удалось записать каталог на диск: " + errnoText(err));
}

int openPrivateFile(const std::filesystem::path& path, int flags) {
  flags |= O_CLOEXEC;
  int fd = -1;
  bool created = false;
  if ((flags & O_CREAT) && !(flags & O_EXCL)) {
    // Tell a file this call creates from an existing one: only a new file has its mode set.
    fd = ::open(path.c_str(), flags | O_EXCL, kPrivateFileMode);
    created = fd >= 0;
    if (fd < 0 && errno == EEXIST) fd = ::open(path.c_str(), flags & ~O_CREAT);
  } else {
    fd = ::open(path.c_str(), flags, kPrivateFileMode);
    created = fd >= 0 && (flags & O_CREAT);
  }
  if (fd < 0) {
    const int err = errno;
    if (err == ENOENT) throw Error(ErrorKind::NotFound, path.string(), "файл или каталог не найден");
    if (err == EEXIST) throw Error(ErrorKind::Conflict, path.string(), "файл уже существует");
    throw Error(ErrorKind::Internal, path.string(), "не удалось открыть файл: " + errnoText(err));
  }
  // The umask can only take bits away from 0600; fchmod makes the mode exact (a umask of 0277 would leave
  // 0400).
  if (created && ::fchmod(fd, kPrivateFileMode) != 0) {
    const int err = errno;
    ::close(fd);
    throw Error(ErrorKind::Internal, path.string(),
                "не удалось установить права доступа 0600: " + errnoText(err));
  }
  return fd;
}

void createPrivateDirectories(const std::filesystem::path& dir) {
  if (dir.empty()) return;
  struct stat st {};
  if (::stat(dir.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return;
    throw Error(ErrorKind::Internal, dir.string(), "не удалось создать каталог: это не каталог");
  }
  const auto parent = dir.parent_path();
  if (!parent.empty() && parent != dir) createPrivateDirectories(parent);
  if (::mkdir(dir.c_str(), kPrivateDirectoryMode) != 0) {
    const int err = errno;
    if (err == EEXIST && ::stat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
      return;  // made by someone else
    throw Error(ErrorKind::Internal, dir.string(), "не удалось создать каталог: " + errnoText(err));
  }
  if (::chmod(dir.c_str(), kPrivateDirectoryMode) != 0)
    throw Error(ErrorKind::Internal, dir.string(),
                "не удалось установить права доступа 0700: " + errnoText(errno));
}

std::string byteSize(size_t bytes) {
  constexpr size_t kKiB = 1024, kMiB = kKiB * 1024, kGiB = kMiB * 1024;
  if (bytes >= kGiB && bytes % kGiB == 0) return std::to_string(bytes / kGiB) + " ГиБ";
  if (bytes >= kMiB && bytes % kMiB == 0) return std::to_string(bytes / kMiB) + " МиБ";
  if (bytes >= kKiB && bytes % kKiB == 0) return std::to_string(bytes / kKiB) + " КиБ";
  return std::to_string(bytes) + " байт";
}

InputFile::InputFile(const std::filesystem::path& path, size_t maxBytes) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    if (err == ENOENT) throw Error(ErrorKind::NotFound, path.string(), "файл не найден");
    throw Error(ErrorKind::Internal, path.string(), "не удалось открыть файл: " + errnoText(err));
  }
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0)
    throw Error(ErrorKind::Internal, path.string(), "не удалось открыть файл: " + errnoText(errno));
  const auto tooLarge = [&](const std::string& seen) {
    return Error(ErrorKind::Input, path.string(),
                 "файл слишком велик: " + seen + ", допускается не больше " + byteSize(maxBytes));
  };
  if (S_ISDIR(st.st_mode)) throw Error(ErrorKind::Input, path.string(), "это каталог, а не файл");
  if (S_ISREG(st.st_mode)) {
    regular_ = true;
    if (static_cast<uint64_t>(st.st_size) > maxBytes) throw tooLarge(std::to_string(st.st_size) + " байт");
    size_ = reserved_ = static_cast<size_t>(st.st_size);
    if (size_ == 0) return;
    data_ = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
    if (data_ == MAP_FAILED) {
      data_ = nullptr;
      throw Error(ErrorKind::Internal, path.string(), "не удалось прочитать файл: " + errnoText(errno));
    }
    return;
  }
  // Anything else has no size to trust: reserve address space for the cap (plus the byte that proves a stream
  // too long) and read into it; pages are only backed as bytes arrive.
  reserved_ = maxBytes + 1;
  data_ =
      ::mmap(nullptr, reserved_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (data_ == MAP_FAILED) {
    data_ = nullptr;
    throw Error(ErrorKind::Internal, path.string(),
                "недостаточно памяти для чтения файла: " + errnoText(errno));
  }
  char* out = static_cast<char*>(data_);
  while (true) {
    const size_t room = reserved_ - size_;
    const ssize_t n = ::read(fd, out + size_, std::min<size_t>(room, size_t{1} << 20));
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::munmap(data_, reserved_);
      data_ = nullptr;
      throw Error(ErrorKind::Internal, path.string(), "ошибка чтения: " + errnoText(err));
    }
    if (n == 0) break;
    size_ += static_cast<size_t>(n);
    if (size_ > maxBytes) {
      ::munmap(data_, reserved_);
      data_ = nullptr;
      throw tooLarge("больше " + byteSize(maxBytes));
    }
  }
}

void releaseMappedPages(const void* begin, size_t n) {
  static const uintptr_t page = static_cast<uintptr_t>(::sysconf(_SC_PAGESIZE));
  const uintptr_t from = (reinterpret_cast<uintptr_t>(begin) + page - 1) / page * page;
  const uintptr_t to = (reinterpret_cast<uintptr_t>(begin) + n) / page * page;
  if (to > from) ::madvise(reinterpret_cast<void*>(from), to - from, MADV_DONTNEED);
}

void InputFile::release(size_t upTo) const {
  if (regular_ && data_) releaseMappedPages(data_, std::min(upTo, size_));
}

InputFile::~InputFile() {
  if (data_) ::munmap(data_, reserved_);
  data_ = nullptr;
}

AtomicFile::AtomicFile(std::filesystem::path path) : path_(std::move(path)) {
  static std::atomic<unsigned> counter{0};
  temp_ = path_;
  temp_ += ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
  try {
    fd_ = openPrivateFile(temp_, O_WRONLY | O_CREAT | O_EXCL);
  } catch (const Error& e) {
    throw Error(ErrorKind::Internal, path_.string(), "не удалось создать файл: " + e.message());
  }
}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_) {
    std::error_code ec;
    std::filesystem::remove(temp_, ec);
  }
}

void AtomicFile::write(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      throw Error(ErrorKind::Internal, path_.string(), "ошибка записи: " + errnoText(errno));
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
}

void AtomicFile::commit() {
  if (::fsync(fd_) != 0)
    throw Error(ErrorKind::Internal, path_.string(), "не удалось записать файл на диск: " + errnoText(errno));
  ::close(fd_);
  fd_ = -1;
  if (::rename(temp_.c_str(), path_.c_str()) != 0)
    throw Error(ErrorKind::Internal, path_.string(),
                "не удалось переименовать временный файл: " + errnoText(errno));
  committed_ = true;
  syncDirectory(path_.parent_path());
}

void writeFileAtomic(const std::filesystem::path& path, std::string_view bytes) {
  AtomicFile f(path);
  f.write(bytes);
  f.commit();
}

}  // namespace ejournal::model
