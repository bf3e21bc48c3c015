// Data-file lookup and durable atomic writes (POSIX).
#include "ejournal/model/files.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include "ejournal/model/error.h"

namespace ejournal::model {
namespace {

std::string errnoText(int err) { return std::strerror(err); }

}  // namespace

std::filesystem::path dataFile(std::string_view relative) {
  std::vector<std::filesystem::path> candidates;
  if (const char* env = std::getenv("EJOURNAL_DATA_DIR"); env && *env) candidates.emplace_back(env);
  // The prefix the executable is installed under (/usr/bin/ejournal -> /usr/share/ejournal), or the build tree,
  // whose share/ejournal is a link to the sources (CMakeLists.txt): no build path is compiled into the binary.
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
  if (fd < 0) throw Error(ErrorKind::Internal, dir.string(), "cannot open directory: " + errnoText(errno));
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) throw Error(ErrorKind::Internal, dir.string(), "fsync of directory failed: " + errnoText(err));
}

AtomicFile::AtomicFile(std::filesystem::path path) : path_(std::move(path)) {
  static std::atomic<unsigned> counter{0};
  temp_ = path_;
  temp_ += ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
  fd_ = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd_ < 0) throw Error(ErrorKind::Internal, path_.string(), "не удалось создать файл: " + errnoText(errno));
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
  if (::fsync(fd_) != 0) throw Error(ErrorKind::Internal, path_.string(), "fsync failed: " + errnoText(errno));
  ::close(fd_);
  fd_ = -1;
  if (::rename(temp_.c_str(), path_.c_str()) != 0)
    throw Error(ErrorKind::Internal, path_.string(), "rename failed: " + errnoText(errno));
  committed_ = true;
  syncDirectory(path_.parent_path());
}

void writeFileAtomic(const std::filesystem::path& path, std::string_view bytes) {
  AtomicFile f(path);
  f.write(bytes);
  f.commit();
}

}  // namespace ejournal::model
