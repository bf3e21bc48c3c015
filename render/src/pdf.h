// A thin C++ wrapper over one libharu document (private to the render stage): fonts with measured widths,
// pages with top-down coordinates, text wrapping and fitting, lines and boxes, outlines, document info, and
// saving to bytes with a deterministic trailer /ID.
//
// libharu's error handler only records the error (it must not throw through C frames); every call's status is
// checked here and turned into ejournal::Error(Internal) naming the operation. One PdfDoc per thread.
#pragma once

#include <hpdf.h>

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ejournal/model/date.h"
#include "layout.h"

namespace ejournal::render {

struct ErrorState {
  HPDF_STATUS error = HPDF_OK;
  HPDF_STATUS detail = HPDF_OK;
};

struct Font {
  HPDF_Font handle = nullptr;
  std::vector<float> widths;  // per BMP code point, in 1/1000 em; < 0 when not measured yet
  float ascent = 0.75f;       // of the em
};

class PdfDoc;

// A page; y grows downwards from the top edge (converted to PDF coordinates inside).
class Page {
 public:
  Page(PdfDoc& doc, HPDF_Page handle, float width, float height)
      : doc_(&doc), h_(handle), w_(width), ht_(height) {}
  float width() const { return w_; }
  float height() const { return ht_; }
  HPDF_Page handle() const { return h_; }

  // Text with its baseline at y.
  void text(Font& font, float size, float x, float y, std::string_view s);
  void textRight(Font& font, float size, float right, float y, std::string_view s);
  void textCenter(Font& font, float size, float center, float y, std::string_view s);
  // Fits `s` into `width` centred (or left-aligned), shrinking the size down to 60 % if needed.
  void fitText(Font& font, float size, float x, float y, float width, std::string_view s, bool center);

  void line(float x1, float y1, float x2, float y2, float lineWidth = 0.5f);
  void rect(float x, float y, float w, float h, float lineWidth = 0.5f);  // outline
  void fillRect(float x, float y, float w, float h, float gray);          // fill
  void fillRectRgb(float x, float y, float w, float h, float r, float g, float b);
  void finish();  // ends an open text object; called before saving

 private:
  void enterText();
  void leaveText();
  void setFont(Font& font, float size);
  void check(HPDF_STATUS status, const char* op);

  PdfDoc* doc_;
  HPDF_Page h_;
  float w_, ht_;
  bool inText_ = false;
  HPDF_Font font_ = nullptr;
  float size_ = 0;
};

struct DocInfo {
  std::string title;
  std::string author;
  std::string subject;
  model::DateTime created;
};

class PdfDoc {
 public:
  explicit PdfDoc(const Layout& layout);
  ~PdfDoc();
  PdfDoc(const PdfDoc&) = delete;
  PdfDoc& operator=(const PdfDoc&) = delete;

  Font& font(
      const std::string& role);  // a font role of the layout ("serif", "serifBold", "grid", "gridBold")
  Page& addPage();               // appended at the end, layout size and orientation
  Page& page(int index) { return *pages_.at(static_cast<size_t>(index)); }
  int pageCount() const { return static_cast<int>(pages_.size()); }

  static float textWidth(Font& font, float size, std::string_view s);
  // Greedy wrapping at spaces; a word wider than `width` is broken between letters. Newlines force breaks.
  // Never returns a line wider than `width` (unless a single letter is wider). An empty text gives no lines.
  static std::vector<std::string> wrap(Font& font, float size, std::string_view s, float width);

  // A bookmark to the top of `page`; returns it for nesting.
  HPDF_Outline outline(HPDF_Outline parent, const std::string& title, int page);

  // Sets the info, writes the document, patches a trailer /ID derived from an MD5 of the whole output, and
  // returns the bytes. The document cannot be used afterwards.
  std::string save(const DocInfo& info);

  void check(HPDF_STATUS status, const char* op);
  HPDF_Doc handle() const { return pdf_; }

 private:
  const Layout& layout_;
  ErrorState errors_;
  HPDF_Doc pdf_ = nullptr;
  std::map<std::string, std::string> loaded_;  // TTF path -> libharu font name
  std::vector<HPDF_Font> unicodeMapped_;       // fonts whose /ToUnicode was replaced (see pdf.cpp)
  std::map<std::string, std::unique_ptr<Font>> fonts_;
  std::vector<std::unique_ptr<Page>> pages_;
};

// Text made safe for the fonts: characters outside the BMP (which libharu drops silently) become "?",
// control characters become spaces (newlines kept when keepNewlines), invalid UTF-8 becomes "?".
std::string sanitize(std::string_view s, bool keepNewlines = false);

}  // namespace ejournal::render
