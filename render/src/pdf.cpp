// The libharu wrapper: see pdf.h. Pitfalls handled here (tech-notes §1): compression mode set before anything
// is created, UTF-8 encoder for TrueType fonts and info strings, fonts loaded once per document and kept open
// until saving, errors recorded by the handler and checked after every call, no PDF/A, a deterministic /ID.
#include "pdf.h"

#include <hpdf_doc.h>
#include <hpdf_encrypt.h>

#include <algorithm>
#include <cstdio>

#include "ejournal/model/error.h"
#include "ejournal/model/text.h"

namespace ejournal::render {

namespace {

void HPDF_STDCALL onError(HPDF_STATUS error, HPDF_STATUS detail, void* user) {
  auto* state = static_cast<ErrorState*>(user);
  if (state->error == HPDF_OK) {
    state->error = error;
    state->detail = detail;
  }
}

// libharu 2.3 gives a UTF-8 TrueType font its encoding CMap as /ToUnicode. That is a CID CMap
// ("begincidrange"), not a ToUnicode CMap: poppler warns "Invalid 'begincidrange' operator in ToUnicode CMap"
// on every font and only extracts text through its own fallback, and readers that follow the specification
// cannot copy or search it. With the UTF-8 encoder the character codes in the content streams are the UTF-16
// code units of the characters (all in the Basic Multilingual Plane: Cyrillic 04xx, punctuation 20xx), so the
// correct ToUnicode CMap is the identity over 0000-FFFF without the surrogates, written as bfrange lines
// whose ends differ only in the last byte (at most 100 lines per block, PDF 1.7 §9.10.3).
std::string identityToUnicodeCMap() {
  std::vector<unsigned> highs;
  for (unsigned hi = 0; hi <= 0xFF; ++hi)
    if (hi < 0xD8 || hi > 0xDF) highs.push_back(hi);
  std::string out =
      "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
      "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
      "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
      "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n";
  char line[40];
  for (size_t at = 0; at < highs.size(); at += 100) {
    const size_t n = std::min<size_t>(100, highs.size() - at);
    out += std::to_string(n) + " beginbfrange\n";
    for (size_t k = at; k < at + n; ++k) {
      std::snprintf(line, sizeof line, "<%02X00> <%02XFF> <%02X00>\n", highs[k], highs[k], highs[k]);
      out += line;
    }
    out += "endbfrange\n";
  }
  out += "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n";
  return out;
}

std::string hex(unsigned v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%04X", v);
  return buf;
}

// One code point at s[i] (model::decodeUtf8), advancing i; malformed bytes and code points beyond the BMP,
// which the fonts' CMaps do not reach, give U+FFFF (treated as "?").
unsigned decode(std::string_view s, size_t& i) {
  const auto cp = model::decodeUtf8(s, i);
  return cp && *cp <= 0xFFFF ? static_cast<unsigned>(*cp) : 0xFFFFu;
}

void encode(std::string& out, unsigned cp) { model::appendUtf8(out, cp); }

float codepointWidth(Font& font, unsigned cp) {
  if (cp >= font.widths.size()) cp = '?';
  float& w = font.widths[cp];
  if (w < 0) {
    std::string one;
    encode(one, cp);
    HPDF_TextWidth tw = HPDF_Font_TextWidth(font.handle, reinterpret_cast<const HPDF_BYTE*>(one.data()),
                                            static_cast<HPDF_UINT>(one.size()));
    w = static_cast<float>(tw.width);
  }
  return w;
}

}  // namespace

std::string sanitize(std::string_view s, bool keepNewlines) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    unsigned cp = decode(s, i);
    if (cp == 0xFFFF) cp = '?';
    if (cp == '\n' && keepNewlines) {
      out += '\n';
      continue;
    }
    if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0)) cp = ' ';
    if (cp == 0xA0) cp = ' ';
    encode(out, cp);
  }
  return out;
}

// ---- Page ----

void Page::check(HPDF_STATUS status, const char* op) { doc_->check(status, op); }

void Page::enterText() {
  if (!inText_) {
    check(HPDF_Page_BeginText(h_), "HPDF_Page_BeginText");
    inText_ = true;
  }
}

void Page::leaveText() {
  if (inText_) {
    check(HPDF_Page_EndText(h_), "HPDF_Page_EndText");
    inText_ = false;
  }
}

void Page::finish() { leaveText(); }

void Page::setFont(Font& font, float size) {
  if (font_ != font.handle || size_ != size) {
    check(HPDF_Page_SetFontAndSize(h_, font.handle, size), "HPDF_Page_SetFontAndSize");
    font_ = font.handle;
    size_ = size;
  }
}

void Page::text(Font& font, float size, float x, float y, std::string_view s) {
  if (s.empty()) return;
  enterText();
  setFont(font, size);
  std::string z(s);
  check(HPDF_Page_TextOut(h_, x, ht_ - y, z.c_str()), "HPDF_Page_TextOut");
}

void Page::textRight(Font& font, float size, float right, float y, std::string_view s) {
  text(font, size, right - PdfDoc::textWidth(font, size, s), y, s);
}

void Page::textCenter(Font& font, float size, float center, float y, std::string_view s) {
  text(font, size, center - PdfDoc::textWidth(font, size, s) / 2, y, s);
}

void Page::fitText(Font& font, float size, float x, float y, float width, std::string_view s, bool center) {
  float w = PdfDoc::textWidth(font, size, s);
  float sz = size;
  if (w > width && w > 0) {
    sz = std::max(size * 0.6f, size * width / w);
    w = PdfDoc::textWidth(font, sz, s);
  }
  text(font, sz, center ? x + (width - w) / 2 : x, y, s);
}

void Page::line(float x1, float y1, float x2, float y2, float lineWidth) {
  leaveText();
  check(HPDF_Page_SetLineWidth(h_, lineWidth), "HPDF_Page_SetLineWidth");
  check(HPDF_Page_MoveTo(h_, x1, ht_ - y1), "HPDF_Page_MoveTo");
  check(HPDF_Page_LineTo(h_, x2, ht_ - y2), "HPDF_Page_LineTo");
  check(HPDF_Page_Stroke(h_), "HPDF_Page_Stroke");
}

void Page::rect(float x, float y, float w, float h, float lineWidth) {
  leaveText();
  check(HPDF_Page_SetLineWidth(h_, lineWidth), "HPDF_Page_SetLineWidth");
  check(HPDF_Page_Rectangle(h_, x, ht_ - y - h, w, h), "HPDF_Page_Rectangle");
  check(HPDF_Page_Stroke(h_), "HPDF_Page_Stroke");
}

void Page::fillRect(float x, float y, float w, float h, float gray) {
  leaveText();
  check(HPDF_Page_SetGrayFill(h_, gray), "HPDF_Page_SetGrayFill");
  check(HPDF_Page_Rectangle(h_, x, ht_ - y - h, w, h), "HPDF_Page_Rectangle");
  check(HPDF_Page_Fill(h_), "HPDF_Page_Fill");
  check(HPDF_Page_SetGrayFill(h_, 0), "HPDF_Page_SetGrayFill");
}

void Page::fillRectRgb(float x, float y, float w, float h, float r, float g, float b) {
  leaveText();
  check(HPDF_Page_SetRGBFill(h_, r, g, b), "HPDF_Page_SetRGBFill");
  check(HPDF_Page_Rectangle(h_, x, ht_ - y - h, w, h), "HPDF_Page_Rectangle");
  check(HPDF_Page_Fill(h_), "HPDF_Page_Fill");
  check(HPDF_Page_SetGrayFill(h_, 0), "HPDF_Page_SetGrayFill");
}

// ---- PdfDoc ----

PdfDoc::PdfDoc(const Layout& layout) : layout_(layout) {
  pdf_ = HPDF_New(onError, &errors_);
  if (!pdf_) throw Error(ErrorKind::Internal, "libharu", "HPDF_New: не удалось создать документ");
  try {
    check(HPDF_SetCompressionMode(pdf_, HPDF_COMP_ALL), "HPDF_SetCompressionMode");
    check(HPDF_UseUTFEncodings(pdf_), "HPDF_UseUTFEncodings");
    check(HPDF_SetCurrentEncoder(pdf_, "UTF-8"), "HPDF_SetCurrentEncoder");
    check(HPDF_SetPageMode(pdf_, HPDF_PAGE_MODE_USE_OUTLINE), "HPDF_SetPageMode");
  } catch (...) {
    HPDF_Free(pdf_);
    throw;
  }
}

PdfDoc::~PdfDoc() {
  if (pdf_) HPDF_Free(pdf_);
}

void PdfDoc::check(HPDF_STATUS status, const char* op) {
  if (status == HPDF_OK && errors_.error == HPDF_OK) return;
  const HPDF_STATUS code = errors_.error != HPDF_OK ? errors_.error : status;
  throw Error(ErrorKind::Internal, std::string("libharu ") + op,
              "ошибка формирования PDF, код " + hex(code) + ", подробность " + hex(errors_.detail));
}

Font& PdfDoc::font(const std::string& role) {
  auto it = fonts_.find(role);
  if (it != fonts_.end()) return *it->second;
  const std::string path = layout_.font(role).string();
  auto known = loaded_.find(path);
  std::string name;
  if (known != loaded_.end()) {
    name = known->second;
  } else {
    const char* n = HPDF_LoadTTFontFromFile(pdf_, path.c_str(), HPDF_TRUE);
    if (!n) check(HPDF_INVALID_FONTDEF_DATA, ("HPDF_LoadTTFontFromFile " + path).c_str());
    check(HPDF_OK, "HPDF_LoadTTFontFromFile");
    name = n;
    loaded_[path] = name;
  }
  auto f = std::make_unique<Font>();
  f->handle = HPDF_GetFont(pdf_, name.c_str(), "UTF-8");
  if (!f->handle) check(HPDF_INVALID_FONT, "HPDF_GetFont");
  if (std::find(unicodeMapped_.begin(), unicodeMapped_.end(), f->handle) == unicodeMapped_.end()) {
    // Replace libharu's /ToUnicode (see identityToUnicodeCMap); the old stream stays as an unreferenced
    // object.
    static const std::string cmap = identityToUnicodeCMap();
    HPDF_Dict stream = HPDF_DictStream_New(pdf_->mmgr, pdf_->xref);
    if (!stream) check(HPDF_FAILD_TO_ALLOC_MEM, "HPDF_DictStream_New");
    stream->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
    check(HPDF_Stream_Write(stream->stream, reinterpret_cast<const HPDF_BYTE*>(cmap.data()),
                            static_cast<HPDF_UINT>(cmap.size())),
          "HPDF_Stream_Write ToUnicode");
    check(HPDF_Dict_Add(f->handle, "ToUnicode", stream), "HPDF_Dict_Add ToUnicode");
    unicodeMapped_.push_back(f->handle);
  }
  f->widths.assign(0x10000, -1.0f);
  const HPDF_INT ascent = HPDF_Font_GetAscent(f->handle);
  if (ascent > 0) f->ascent = static_cast<float>(ascent) / 1000.0f;
  auto& ref = *f;
  fonts_[role] = std::move(f);
  return ref;
}

Page& PdfDoc::addPage() {
  HPDF_Page h = HPDF_AddPage(pdf_);
  if (!h) check(HPDF_INVALID_PAGE, "HPDF_AddPage");
  check(HPDF_Page_SetWidth(h, layout_.pageWidth), "HPDF_Page_SetWidth");
  check(HPDF_Page_SetHeight(h, layout_.pageHeight), "HPDF_Page_SetHeight");
  pages_.push_back(std::make_unique<Page>(*this, h, layout_.pageWidth, layout_.pageHeight));
  return *pages_.back();
}

float PdfDoc::textWidth(Font& font, float size, std::string_view s) {
  float total = 0;
  for (size_t i = 0; i < s.size();) total += codepointWidth(font, decode(s, i));
  return total * size / 1000.0f;
}

std::vector<std::string> PdfDoc::wrap(Font& font, float size, std::string_view s, float width) {
  std::vector<std::string> lines;
  const float limit = width * 1000.0f / size;  // in font units
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find('\n', start);
    if (end == std::string_view::npos) end = s.size();
    std::string_view para = s.substr(start, end - start);
    std::string line;
    float lineW = 0;
    const float spaceW = codepointWidth(font, ' ');
    size_t p = 0;
    bool any = false;
    while (p < para.size()) {
      while (p < para.size() && para[p] == ' ') ++p;
      if (p >= para.size()) break;
      size_t q = para.find(' ', p);
      if (q == std::string_view::npos) q = para.size();
      std::string_view word = para.substr(p, q - p);
      p = q;
      float wordW = 0;
      for (size_t i = 0; i < word.size();) wordW += codepointWidth(font, decode(word, i));
      if (!line.empty() && lineW + spaceW + wordW <= limit) {
        line += ' ';
        line += word;
        lineW += spaceW + wordW;
        continue;
      }
      if (!line.empty()) {
        lines.push_back(std::move(line));
        line.clear();
        lineW = 0;
      }
      if (wordW <= limit) {
        line = std::string(word);
        lineW = wordW;
        continue;
      }
      // A word wider than the line: break it between letters.
      for (size_t i = 0; i < word.size();) {
        const size_t from = i;
        const float cw = codepointWidth(font, decode(word, i));
        if (!line.empty() && lineW + cw > limit) {
          lines.push_back(std::move(line));
          line.clear();
          lineW = 0;
        }
        line.append(word.substr(from, i - from));
        lineW += cw;
      }
    }
    if (!line.empty()) {
      lines.push_back(std::move(line));
      any = true;
    }
    (void)any;
    if (end >= s.size()) break;
    start = end + 1;
  }
  return lines;
}

HPDF_Outline PdfDoc::outline(HPDF_Outline parent, const std::string& title, int pageIndex) {
  HPDF_Outline o = HPDF_CreateOutline(pdf_, parent, sanitize(title).c_str(), HPDF_GetEncoder(pdf_, "UTF-8"));
  if (!o) check(HPDF_INVALID_OUTLINE, "HPDF_CreateOutline");
  HPDF_Destination d = HPDF_Page_CreateDestination(page(pageIndex).handle());
  if (!d) check(HPDF_INVALID_DESTINATION, "HPDF_Page_CreateDestination");
  check(HPDF_Outline_SetDestination(o, d), "HPDF_Outline_SetDestination");
  check(HPDF_Outline_SetOpened(o, HPDF_FALSE), "HPDF_Outline_SetOpened");
  return o;
}

std::string PdfDoc::save(const DocInfo& info) {
  for (auto& p : pages_) p->finish();
  check(HPDF_SetInfoAttr(pdf_, HPDF_INFO_TITLE, sanitize(info.title).c_str()), "HPDF_SetInfoAttr title");
  check(HPDF_SetInfoAttr(pdf_, HPDF_INFO_AUTHOR, sanitize(info.author).c_str()), "HPDF_SetInfoAttr author");
  check(HPDF_SetInfoAttr(pdf_, HPDF_INFO_SUBJECT, sanitize(info.subject).c_str()),
        "HPDF_SetInfoAttr subject");
  check(HPDF_SetInfoAttr(pdf_, HPDF_INFO_CREATOR, "ejournal"), "HPDF_SetInfoAttr creator");
  HPDF_Date date{};
  date.year = info.created.date.year();
  date.month = info.created.date.month();
  date.day = info.created.date.day();
  date.hour = info.created.secondOfDay / 3600;
  date.minutes = info.created.secondOfDay / 60 % 60;
  date.seconds = info.created.secondOfDay % 60;
  date.ind = ' ';
  check(HPDF_SetInfoDateAttr(pdf_, HPDF_INFO_CREATION_DATE, date), "HPDF_SetInfoDateAttr");

  // A placeholder /ID of two 16-byte zero strings; replaced below by the MD5 of the written file, so the ID
  // is a function of the content (PDF 32000-1 §14.4) and the same data always gives the same bytes.
  const HPDF_BYTE zeros[16] = {};
  HPDF_Array id = HPDF_Array_New(pdf_->mmgr);
  if (!id) check(HPDF_FAILD_TO_ALLOC_MEM, "HPDF_Array_New");
  check(HPDF_Array_Add(id, HPDF_Binary_New(pdf_->mmgr, const_cast<HPDF_BYTE*>(zeros), 16)), "HPDF_Array_Add");
  check(HPDF_Array_Add(id, HPDF_Binary_New(pdf_->mmgr, const_cast<HPDF_BYTE*>(zeros), 16)), "HPDF_Array_Add");
  check(HPDF_Dict_Add(pdf_->trailer, "ID", id), "HPDF_Dict_Add ID");

  check(HPDF_SaveToStream(pdf_), "HPDF_SaveToStream");
  std::string bytes(HPDF_GetStreamSize(pdf_), '\0');
  HPDF_UINT32 len = static_cast<HPDF_UINT32>(bytes.size());
  HPDF_STATUS st = HPDF_ReadFromStream(pdf_, reinterpret_cast<HPDF_BYTE*>(bytes.data()), &len);
  if (st != HPDF_OK && st != HPDF_STREAM_EOF) check(st, "HPDF_ReadFromStream");
  errors_.error = HPDF_OK;  // a recorded end-of-stream is not an error
  bytes.resize(len);

  const std::string placeholder = "<" + std::string(32, '0') + ">";
  const size_t at = bytes.rfind(placeholder + " " + placeholder);
  const size_t at2 = at == std::string::npos ? bytes.rfind(placeholder + placeholder) : at;
  if (at2 == std::string::npos)
    throw Error(ErrorKind::Internal, "render.save", "не найден /ID в трейлере PDF");
  HPDF_MD5_CTX md5;
  HPDF_BYTE digest[16];
  HPDF_MD5Init(&md5);
  HPDF_MD5Update(&md5, reinterpret_cast<const HPDF_BYTE*>(bytes.data()),
                 static_cast<HPDF_UINT32>(bytes.size()));
  HPDF_MD5Final(digest, &md5);
  std::string hexId;
  for (auto b : digest) {
    char buf[3];
    std::snprintf(buf, sizeof buf, "%02X", b);
    hexId += buf;
  }
  const size_t second = bytes.find(placeholder, at2 + 1);
  bytes.replace(at2 + 1, 32, hexId);
  bytes.replace(second + 1, 32, hexId);
  return bytes;
}

}  // namespace ejournal::render
