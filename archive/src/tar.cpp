// ustar writing and strict reading (docs/archive-format.md §1).
#include "tar.h"

#include <algorithm>
#include <cstdio>
#include <set>

#include "ejournal/model/error.h"

namespace ejournal::archive::detail {

namespace {

void putOctal(std::string& h, size_t offset, size_t digits, uint64_t value) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%0*llo", static_cast<int>(digits), static_cast<unsigned long long>(value));
  h.replace(offset, digits, buf, digits);
  h[offset + digits] = '\0';
}

bool parseOctal(std::string_view field, size_t digits, uint64_t& value) {
  if (field.size() != digits + 1 || field[digits] != '\0') return false;
  value = 0;
  for (size_t i = 0; i < digits; ++i) {
    if (field[i] < '0' || field[i] > '7') return false;
    value = value * 8 + static_cast<uint64_t>(field[i] - '0');
  }
  return true;
}

bool allZero(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == '\0'; });
}

std::string at(uint64_t offset) { return " (смещение " + std::to_string(offset) + ")"; }

}  // namespace

bool validMemberName(std::string_view name) {
  if (name.empty() || name.size() > 100 || name.front() == '/' || name.back() == '/') return false;
  size_t start = 0;
  while (start <= name.size()) {
    size_t slash = name.find('/', start);
    if (slash == std::string_view::npos) slash = name.size();
    std::string_view seg = name.substr(start, slash - start);
    if (seg.empty() || seg == "." || seg == "..") return false;
    for (char c : seg) {
      bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                c == '_' || c == '-';
      if (!ok) return false;
    }
    start = slash + 1;
  }
  return true;
}

std::string tarHeader(std::string_view name, uint64_t size, uint64_t mtime) {
  std::string h(kBlock, '\0');
  h.replace(0, name.size(), name);
  h.replace(100, 7, "0000644");
  h.replace(108, 7, "0000000");
  h.replace(116, 7, "0000000");
  putOctal(h, 124, 11, size);
  putOctal(h, 136, 11, mtime);
  h[156] = '0';
  h.replace(257, 6, std::string_view("ustar\0", 6));
  h.replace(263, 2, "00");
  h.replace(329, 7, "0000000");
  h.replace(337, 7, "0000000");
  unsigned sum = 0;
  for (size_t i = 0; i < kBlock; ++i) sum += (i >= 148 && i < 156) ? ' ' : static_cast<unsigned char>(h[i]);
  putOctal(h, 148, 6, sum);
  h[155] = ' ';
  return h;
}

void TarWriter::add(std::string_view name, std::string_view bytes) {
  begin(name);
  data(bytes);
  end();
}

void TarWriter::begin(std::string_view name) {
  name_ = std::string(name);
  headerOffset_ = offset_;
  memberSize_ = 0;
  file_.append(tarHeader(name, 0, mtime_));
  offset_ += kBlock;
}

void TarWriter::data(std::string_view bytes) {
  if (bytes.empty()) return;
  file_.append(bytes);
  offset_ += bytes.size();
  memberSize_ += bytes.size();
}

uint64_t TarWriter::end() {
  if (memberSize_ >= (uint64_t{1} << 33))
    throw Error(ErrorKind::Input, name_, "документ больше 8 ГиБ не помещается в архив");
  if (memberSize_ != 0) file_.writeAt(headerOffset_, tarHeader(name_, memberSize_, mtime_));
  size_t pad = (kBlock - memberSize_ % kBlock) % kBlock;
  if (pad) {
    file_.append(std::string(pad, '\0'));
    offset_ += pad;
  }
  return memberSize_;
}

void TarWriter::finish() {
  file_.append(std::string(2 * kBlock, '\0'));
  offset_ += 2 * kBlock;
}

TarContents readTar(const ReadableFile& file) {
  TarContents out;
  const uint64_t total = file.size();
  uint64_t offset = 0;
  std::set<std::string> seen;
  std::string last;  // the previous member's name, for padding problems
  auto problem = [&](const std::string& member, const std::string& msg) {
    out.problems.push_back({member, msg});
  };
  while (true) {
    if (offset + kBlock > total) {
      problem("", "архив обрывается: нет маркера конца архива" + at(offset));
      return out;
    }
    std::string h = file.read(offset, kBlock);
    if (allZero(h)) {
      std::string second = file.read(offset + kBlock, kBlock);
      if (second.size() != kBlock || !allZero(second))
        problem("", "повреждён маркер конца архива" + at(offset + kBlock));
      else if (offset + 2 * kBlock != total)
        problem("", "после маркера конца архива есть лишние байты" + at(offset + 2 * kBlock));
      out.complete = true;
      return out;
    }
    std::string name(h.data(), std::find(h.begin(), h.begin() + 100, '\0') - h.begin());
    uint64_t size = 0;
    uint64_t mtime = 0;
    // A header with an empty name is most likely the end-of-archive marker with a changed byte.
    std::string who =
        name.empty() ? "маркер конца архива или заголовок члена №" + std::to_string(out.members.size() + 1)
                     : name;
    if (!parseOctal(std::string_view(h).substr(124, 12), 11, size)) {
      problem(who, "повреждён заголовок tar: поле размера" + at(offset + 124));
      return out;  // cannot find the next header
    }
    bool mtimeOk = parseOctal(std::string_view(h).substr(136, 12), 11, mtime);
    std::string expected = tarHeader(name, size, mtime);
    if (!mtimeOk || expected != h) {
      size_t i = 0;
      while (i < kBlock && (mtimeOk ? expected[i] == h[i] : (i < 136 || i >= 148))) ++i;
      if (!mtimeOk) i = 136;
      problem(who, "повреждён заголовок tar (байт " + std::to_string(i) + " заголовка)" + at(offset + i));
    }
    if (!validMemberName(name)) problem(who, "недопустимое имя члена архива" + at(offset));
    if (!seen.insert(name).second) problem(who, "член архива повторяется" + at(offset));
    uint64_t dataOffset = offset + kBlock;
    if (dataOffset + size > total) {
      problem(who, "архив обрывается внутри члена" + at(total));
      return out;
    }
    out.members.push_back({name, offset, dataOffset, size});
    uint64_t pad = (kBlock - size % kBlock) % kBlock;
    if (pad) {
      std::string padding = file.read(dataOffset + size, pad);
      if (padding.size() != pad) {
        problem(who, "архив обрывается в выравнивании после члена" + at(dataOffset + size));
        return out;
      }
      if (!allZero(padding)) {
        size_t i = 0;
        while (padding[i] == '\0') ++i;
        problem(who, "ненулевой байт в выравнивании после члена" + at(dataOffset + size + i));
      }
    }
    last = name;
    offset = dataOffset + size + pad;
  }
}

}  // namespace ejournal::archive::detail
