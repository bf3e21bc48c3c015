// metadata.json (docs/archive-format.md §4): the deterministic writer and the reader.
#pragma once

#include <string>
#include <string_view>

#include "ejournal/archive/archive.h"

namespace ejournal::archive::detail {

// The bytes of metadata.json for `info` (its path, fileName, manifestSha256 and verification fields are not
// written).
std::string writeMetadata(const ArchiveInfo& info);

// Fills the metadata fields of `info`; throws Error(Input) "metadata.json: ..." on malformed JSON, a missing
// or mistyped key, or an unknown formatVersion.
void readMetadata(std::string_view json, ArchiveInfo& info);

}  // namespace ejournal::archive::detail
