// Drawing helpers shared by every printed document (private): the page frame (sheet number, footer),
// paginated tables whose cells wrap and whose rows split across pages only when a row is taller than a page,
// text placeholders, and names.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "ejournal/model/index.h"
#include "layout.h"
#include "pdf.h"

namespace ejournal::render {

// A document being drawn: the libharu document, its layout, the frame drawn on every new page.
struct Canvas {
  Canvas(const Layout& layout, Sides sides) : L(layout), doc(layout), sides(sides) {}
  const Layout& L;
  PdfDoc doc;
  Sides sides;
  std::string footerLeft;
  std::string footerRight;
  bool sheetNumbers = true;  // "Лист N" on every new page; false: the document numbers its pages itself

  float left() const { return L.marginLeft; }
  float right() const { return L.pageWidth - L.marginRight; }
  float top() const { return L.marginTop; }
  float bottom() const { return L.pageHeight - L.marginBottom; }
  float contentWidth() const { return right() - left(); }

  // Appends a page with its sheet number (top right; in duplex only on the front of a sheet) and footer.
  Page& newPage();
  // In duplex, adds a marked blank back page so the next page is a left (even) page; no-op when single-sided.
  void alignToLeftPage();
  int sheetOfPage(int pageIndex) const {  // 1-based sheet of a 0-based page
    return sides == Sides::Duplex ? pageIndex / 2 + 1 : pageIndex + 1;
  }
  int sheets() const { return sides == Sides::Duplex ? (doc.pageCount() + 1) / 2 : doc.pageCount(); }
};

struct TableColumn {
  float width = 0;
  std::string header;
  bool center = false;
};

struct Table {
  std::vector<TableColumn> columns;
  std::vector<std::vector<std::string>> rows;  // one string per column; '\n' forces a break
  std::string fontRole = "serif";
  std::string headerFontRole = "serifBold";
  float size = 9;
  float headerSize = 8;
  float padding = 2.5f;
  bool lastRowBold = false;  // a totals row: the last row in the header font on a light background
};

// A table measured for drawing: the wrapped lines of every cell.
struct MeasuredTable {
  const Table* table = nullptr;
  std::vector<std::vector<std::string>> header;              // lines per column
  std::vector<std::vector<std::vector<std::string>>> cells;  // row -> column -> lines
  std::vector<int> lines;                                    // lines per row
  float leading = 0;
  float headerHeight = 0;
  float rowHeight(int lineCount) const { return lineCount * leading + 2 * table->padding; }
};

MeasuredTable measure(Canvas& c, const Table& t);

// A piece of a row on one page: lines [fromLine, toLine) of row `row`.
struct RowSlice {
  int row = 0;
  int fromLine = 0;
  int toLine = 0;
};

// Splits the rows into pages. `firstAvailable` is the height left for the table (header included) on the
// first page, `available` on the following pages. Rows move whole to the next page; a row taller than an
// empty page is split between lines.
std::vector<std::vector<RowSlice>> paginate(const MeasuredTable& m, float firstAvailable, float available);

// Draws the header and the slices at (x, y); returns the y below the table.
float drawTable(Canvas& c, Page& p, const MeasuredTable& m, const std::vector<RowSlice>& slices, float x,
                float y);

// Draws a table from y on the current page `p`, adding pages (with `onNewPage` drawing a heading and
// returning the y where the table continues) as needed. Returns the page and y below the table.
std::pair<Page*, float> flowTable(Canvas& c, Page* p, float y, const Table& t,
                                  const std::function<float(Page&)>& onNewPage);

// Left-aligned paragraph wrapped to `width`; returns the y below it.
float paragraph(Canvas& c, Page& p, const std::string& fontRole, float size, float x, float y, float width,
                const std::string& text, bool center = false);

// Replaces "{key}" with value.
std::string fill(std::string text, const std::string& key, const std::string& value);

// "5 «А»" for class 5А.
std::string classTitle(const model::SchoolClass& c);
std::string staffShort(const model::JournalIndex& ix, const std::string& id);
std::string staffFull(const model::JournalIndex& ix, const std::string& id);
std::string subjectName(const model::JournalIndex& ix, const std::string& id);

}  // namespace ejournal::render
