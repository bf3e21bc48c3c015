// Drawing helpers shared by every printed document: see draw.h.
#include "draw.h"

#include <algorithm>
#include <cmath>

namespace ejournal::render {

Page& Canvas::newPage() {
  Page& p = doc.addPage();
  const int index = doc.pageCount() - 1;
  auto& serif = doc.font("serif");
  const float small = L.size("small");
  if (sheetNumbers && (sides == Sides::Single || index % 2 == 0)) {
    auto& bold = doc.font("serifBold");
    p.textRight(bold, L.size("body"), right(), top() - 10,
                L.text("sheet") + " " + std::to_string(sheetOfPage(index)));
  }
  const float fy = bottom() + small + 6;
  if (!footerLeft.empty()) p.text(serif, small, left(), fy, footerLeft);
  if (!footerRight.empty()) p.textRight(serif, small, right(), fy, footerRight);
  return p;
}

void Canvas::alignToLeftPage() {
  if (sides != Sides::Duplex) return;
  if (doc.pageCount() % 2 == 1) {  // the next page would be the front of a sheet
    Page& p = newPage();
    p.textCenter(doc.font("serif"), L.size("small"), (left() + right()) / 2, (top() + bottom()) / 2,
                 L.text("blankPage"));
  }
}

MeasuredTable measure(Canvas& c, const Table& t) {
  MeasuredTable m;
  m.table = &t;
  auto& font = c.doc.font(t.fontRole);
  auto& hfont = c.doc.font(t.headerFontRole);
  m.leading = t.size * 1.2f;
  const float hleading = t.headerSize * 1.2f;
  size_t hlines = 1;
  for (const auto& col : t.columns) {
    m.header.push_back(PdfDoc::wrap(hfont, t.headerSize, col.header, col.width - 2 * t.padding));
    hlines = std::max(hlines, m.header.back().size());
  }
  m.headerHeight = hlines * hleading + 2 * t.padding;
  m.cells.reserve(t.rows.size());
  for (size_t r = 0; r < t.rows.size(); ++r) {
    const auto& row = t.rows[r];
    auto& rowFont = t.lastRowBold && r + 1 == t.rows.size() ? hfont : font;
    std::vector<std::vector<std::string>> cells;
    int lines = 1;
    for (size_t i = 0; i < t.columns.size(); ++i) {
      const std::string text = i < row.size() ? row[i] : std::string();
      cells.push_back(PdfDoc::wrap(rowFont, t.size, text, t.columns[i].width - 2 * t.padding));
      lines = std::max(lines, static_cast<int>(cells.back().size()));
    }
    m.cells.push_back(std::move(cells));
    m.lines.push_back(lines);
  }
  return m;
}

std::vector<std::vector<RowSlice>> paginate(const MeasuredTable& m, float firstAvailable, float available) {
  std::vector<std::vector<RowSlice>> pages(1);
  float left = firstAvailable - m.headerHeight;
  const float fullPage = available - m.headerHeight;
  const float pad = 2 * m.table->padding;
  for (int r = 0; r < static_cast<int>(m.lines.size()); ++r) {
    int from = 0;
    const int total = m.lines[r];
    while (from < total) {
      const float need = (total - from) * m.leading + pad;
      if (need <= left) {
        pages.back().push_back({r, from, total});
        left -= need;
        break;
      }
      const bool emptyPage = pages.back().empty();
      const bool fitsEmpty = need <= fullPage;
      if (fitsEmpty || (!emptyPage && left < 3 * m.leading + pad)) {
        // Move the rest of the row to a fresh page (it fits there, or too little room is left here).
        pages.emplace_back();
        left = fullPage;
        continue;
      }
      // Taller than a page: fill this page with as many lines as fit and continue on the next.
      const int fit = std::max(1, static_cast<int>(std::floor((left - pad) / m.leading)));
      pages.back().push_back({r, from, from + fit});
      from += fit;
      pages.emplace_back();
      left = fullPage;
    }
  }
  if (pages.size() > 1 && pages.back().empty()) pages.pop_back();
  return pages;
}

float drawTable(Canvas& c, Page& p, const MeasuredTable& m, const std::vector<RowSlice>& slices, float x,
                float y) {
  const Table& t = *m.table;
  auto& font = c.doc.font(t.fontRole);
  auto& hfont = c.doc.font(t.headerFontRole);
  float total = 0;
  for (const auto& col : t.columns) total += col.width;
  const float hleading = t.headerSize * 1.2f;
  // Header
  p.fillRect(x, y, total, m.headerHeight, 0.9f);
  float cx = x;
  for (size_t i = 0; i < t.columns.size(); ++i) {
    float ly = y + t.padding + t.headerSize * hfont.ascent;
    for (const auto& line : m.header[i]) {
      p.textCenter(hfont, t.headerSize, cx + t.columns[i].width / 2, ly, line);
      ly += hleading;
    }
    cx += t.columns[i].width;
  }
  float rowTop = y;
  std::vector<float> bounds{y};
  float cy = y + m.headerHeight;
  bounds.push_back(cy);
  for (const auto& s : slices) {
    const float h = (s.toLine - s.fromLine) * m.leading + 2 * t.padding;
    const bool bold = t.lastRowBold && s.row + 1 == static_cast<int>(t.rows.size());
    auto& rowFont = bold ? hfont : font;
    if (bold) p.fillRect(x, cy, total, h, 0.95f);
    cx = x;
    for (size_t i = 0; i < t.columns.size(); ++i) {
      const auto& lines = m.cells[s.row][i];
      float ly = cy + t.padding + t.size * rowFont.ascent;
      for (int l = s.fromLine; l < s.toLine && l < static_cast<int>(lines.size()); ++l) {
        if (t.columns[i].center)
          p.textCenter(rowFont, t.size, cx + t.columns[i].width / 2, ly, lines[l]);
        else
          p.text(rowFont, t.size, cx + t.padding, ly, lines[l]);
        ly += m.leading;
      }
      cx += t.columns[i].width;
    }
    cy += h;
    bounds.push_back(cy);
  }
  (void)rowTop;
  // Rules: horizontal after every row, verticals across the whole table.
  for (float by : bounds) p.line(x, by, x + total, by, by == y || by == cy ? 0.8f : 0.4f);
  cx = x;
  p.line(cx, y, cx, cy, 0.8f);
  for (const auto& col : t.columns) {
    cx += col.width;
    p.line(cx, y, cx, cy, cx >= x + total - 0.01f ? 0.8f : 0.4f);
  }
  return cy;
}

std::pair<Page*, float> flowTable(Canvas& c, Page* p, float y, const Table& t,
                                  const std::function<float(Page&)>& onNewPage) {
  MeasuredTable m = measure(c, t);
  const float firstAvail = c.bottom() - y;
  // Measure the continuation heading once on the real next page would draw it; assume it starts at the same
  // offset as on the first page of the section.
  const float contTop = c.top() + 24;
  auto pages = paginate(m, firstAvail, c.bottom() - contTop);
  float cy = y;
  for (size_t i = 0; i < pages.size(); ++i) {
    if (i > 0) {
      p = &c.newPage();
      cy = onNewPage(*p);
    }
    cy = drawTable(c, *p, m, pages[i], c.left(), cy);
  }
  return {p, cy};
}

float paragraph(Canvas& c, Page& p, const std::string& fontRole, float size, float x, float y, float width,
                const std::string& text, bool center) {
  auto& font = c.doc.font(fontRole);
  const float leading = size * 1.25f;
  for (const auto& line : PdfDoc::wrap(font, size, text, width)) {
    y += leading;
    if (center)
      p.textCenter(font, size, x + width / 2, y, line);
    else
      p.text(font, size, x, y, line);
  }
  return y + size * 0.35f;
}

std::string fill(std::string text, const std::string& key, const std::string& value) {
  const std::string k = "{" + key + "}";
  for (size_t at = text.find(k); at != std::string::npos; at = text.find(k, at + value.size()))
    text.replace(at, k.size(), value);
  return text;
}

std::string classTitle(const model::SchoolClass& c) {
  return std::to_string(c.grade) + " «" + c.letter + "»";
}

std::string staffShort(const model::JournalIndex& ix, const std::string& id) {
  if (id.empty()) return {};
  const auto* s = ix.staff(id);
  return s ? sanitize(s->shortName()) : id;
}

std::string staffFull(const model::JournalIndex& ix, const std::string& id) {
  if (id.empty()) return {};
  const auto* s = ix.staff(id);
  return s ? sanitize(s->fullName()) : id;
}

std::string subjectName(const model::JournalIndex& ix, const std::string& id) {
  const auto* s = ix.subject(id);
  return s ? sanitize(s->name) : id;
}

}  // namespace ejournal::render
