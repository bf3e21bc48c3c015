// The strict ustar writer and reader of docs/archive-format.md §1: the writer emits exactly the header bytes
// the format fixes; the reader accepts nothing else and locates every deviation (member and byte offset).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ejournal/archive/filesystem.h"

namespace ejournal::archive::detail {

inline constexpr size_t kBlock = 512;

// True when `name` is a valid member name (§2).
bool validMemberName(std::string_view name);

// The 512-byte header of a member.
std::string tarHeader(std::string_view name, uint64_t size, uint64_t mtime);

// Writes members one after another into a file. A member is either given whole (add) or streamed
// (begin, data..., end), in which case its header is written with size 0 and patched by end().
class TarWriter {
 public:
  TarWriter(WritableFile& file, uint64_t mtime) : file_(file), mtime_(mtime) {}
  void add(std::string_view name, std::string_view bytes);
  void begin(std::string_view name);
  void data(std::string_view bytes);
  uint64_t end();  // returns the member's size
  void finish();   // the end-of-archive marker

 private:
  WritableFile& file_;
  uint64_t mtime_;
  uint64_t offset_ = 0;
  uint64_t headerOffset_ = 0;
  uint64_t memberSize_ = 0;
  std::string name_;
};

struct TarMember {
  std::string name;
  uint64_t headerOffset = 0;
  uint64_t dataOffset = 0;
  uint64_t size = 0;
};

struct TarProblem {
  std::string member;   // "" when not attributable
  std::string message;  // Russian
};

struct TarContents {
  std::vector<TarMember> members;
  std::vector<TarProblem> problems;
  bool complete = false;  // the end marker was reached (members is the whole list)
};

// Reads and checks the container structure (headers, padding, end marker); does not hash member data.
TarContents readTar(const ReadableFile& file);

}  // namespace ejournal::archive::detail
