// Layouts as data: one templates/<document>.xml per document kind, validated against schemas/layout.xsd, read
// into plain lookups. Private to the render stage.
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include "ejournal/render/render.h"

namespace ejournal::render {

// One validated layout. Lookups throw Error(Input) naming the template file and the missing key, so a school
// that edits a template learns exactly what is missing.
struct Layout {
  std::filesystem::path file;
  std::string document;  // "journal", "summary", ...
  float pageWidth = 0;   // points, already turned for the orientation
  float pageHeight = 0;
  float marginLeft = 0, marginRight = 0, marginTop = 0, marginBottom = 0;
  std::map<std::string, std::filesystem::path> fonts;  // role -> resolved existing TTF file
  std::map<std::string, float> sizes;
  std::map<std::string, float> columns;
  std::map<std::string, std::string> texts;

  const std::filesystem::path& font(const std::string& role) const;
  float size(const std::string& role) const;
  float column(const std::string& key) const;
  const std::string& text(const std::string& key) const;
};

class Layouts {
 public:
  const Layout& get(const std::string& document) const;  // Error(NotFound) when the kind was not loaded
  std::map<std::string, Layout> byDocument;
};

// Validates `bytes` (named `name` in messages) against schemas/layout.xsd and reads it. Throws Error(Input)
// "name:line:column: message".
Layout parseLayout(const std::string& bytes, const std::filesystem::path& name);

// The bundled layouts, loaded once per process (thread-safe).
std::shared_ptr<const Layouts> bundledLayouts();

}  // namespace ejournal::render
