// The deputy director's reports as PDFs: the control report (справка), program completion with a bar chart of
// planned vs delivered hours per subject, academic results with a stacked bar chart of students by results.
// Charts are drawn with libharu's vector operations (rectangles, lines) and measured text.
#include "ejournal/reports/reports.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "draw.h"
#include "ejournal/model/text.h"
#include "ejournal/render/render.h"
#include "ejournal/reports/regional.h"

namespace ejournal::render {

namespace {

const Layout& layoutFor(const RenderOptions& o, std::shared_ptr<const Layouts>& hold,
                        const std::string& kind) {
  hold = o.layouts ? o.layouts : bundledLayouts();
  return hold->get(kind);
}

std::string num(double v, int decimals) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);  // the C locale: a point as the separator
  std::string s = buf;
  for (auto& ch : s)
    if (ch == '.') ch = ',';  // Russian decimal comma
  return s;
}

// School header, title, period line; returns the y below.
float reportHeader(Canvas& c, Page& p, const reports::ReportHeader& h, const std::string& title) {
  const Layout& L = c.L;
  const float x = c.left(), w = c.contentWidth();
  float y =
      paragraph(c, p, "serifBold", L.size("subheading"), x, c.top() + 4, w, sanitize(h.schoolName), true);
  p.line(x, y + 3, x + w, y + 3, 0.8f);
  y = paragraph(c, p, "serifBold", L.size("heading"), x, y + 14, w, title, true);
  std::string line = L.text("periodLabel") + " " + sanitize(h.periodLabel);
  if (h.dates.from.days() != 0 || h.dates.to.days() != 0)
    line += " (" + h.dates.from.toRussian() + " – " + h.dates.to.toRussian() + ")";
  line += "; " + L.text("asOfLabel") + " " + h.asOf.toRussian();
  if (!h.scopeLabel.empty()) line += "; " + sanitize(h.scopeLabel);
  y = paragraph(c, p, "serif", L.size("body"), x, y, w, line, true);
  return y + 6;
}

float continuationHeading(Canvas& c, Page& p, const std::string& title) {
  return paragraph(c, p, "serifBold", c.L.size("body"), c.left(), c.top() - 2, c.contentWidth(),
                   title + " " + c.L.text("continued")) +
         4;
}

// Ensures `need` points are left on the page; otherwise starts a new one.
Page* room(Canvas& c, Page* p, float& y, float need, const std::string& title) {
  if (y + need <= c.bottom()) return p;
  p = &c.newPage();
  y = continuationHeading(c, *p, title);
  return p;
}

float signature(Canvas& c, Page*& p, float y, const std::string& position, const std::string& name,
                const std::string& title) {
  p = room(c, p, y, 60, title);
  const Layout& L = c.L;
  y = paragraph(c, *p, "serif", L.size("body") + 1, c.left(), y + 18, c.contentWidth(),
                position + "   " + L.text("signatureLine") + "   " + sanitize(name));
  return y;
}

// Horizontal bars: one group per label, one bar per series; paginated. Returns the y below the chart.
struct Series {
  std::string name;
  float r, g, b;
};

float barChart(Canvas& c, Page*& p, float y, const std::string& title, const std::vector<std::string>& labels,
               const std::vector<Series>& series, const std::vector<std::vector<double>>& values,
               bool stacked, const std::string& unit) {
  const Layout& L = c.L;
  auto& font = c.doc.font("serif");
  auto& bold = c.doc.font("serifBold");
  const float fs = L.size("small");
  const float labelW = c.contentWidth() * 0.26f;
  const float x0 = c.left() + labelW + 4, x1 = c.right() - 40;
  const float barH = stacked ? 10 : 6;
  const float groupH = stacked ? barH + 4 : barH * series.size() + 5;
  double maxV = 0;
  for (const auto& row : values) {
    double sum = 0;
    for (double v : row) {
      maxV = std::max(maxV, v);
      sum += v;
    }
    if (stacked) maxV = std::max(maxV, sum);
  }
  if (maxV <= 0) maxV = 1;
  // A round scale: 1, 2 or 5 times a power of ten per tick, about 5 ticks.
  const double raw = maxV / 5;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  const double step = raw / mag <= 1 ? mag : raw / mag <= 2 ? 2 * mag : raw / mag <= 5 ? 5 * mag : 10 * mag;
  const double top = std::ceil(maxV / step) * step;
  const auto xOf = [&](double v) { return x0 + static_cast<float>(v / top) * (x1 - x0); };

  size_t i = 0;
  bool firstPart = true;
  while (i < labels.size() || firstPart) {
    p = room(c, p, y, 60 + groupH, title);
    y = paragraph(c, *p, "serifBold", L.size("body"), c.left(), y, c.contentWidth(),
                  title + (firstPart ? "" : " " + L.text("continued")));
    // Legend.
    float lx = c.left();
    for (const auto& s : series) {
      p->fillRectRgb(lx, y + 3, 8, 8, s.r, s.g, s.b);
      p->text(font, fs, lx + 11, y + 10, s.name);
      lx += 11 + PdfDoc::textWidth(font, fs, s.name) + 14;
    }
    y += 18;
    const float chartTop = y;
    const size_t fit = std::max<size_t>(1, static_cast<size_t>((c.bottom() - 20 - y) / groupH));
    const size_t end = std::min(labels.size(), i + fit);
    for (size_t k = i; k < end; ++k) {
      const float gy = y + groupH * (k - i);
      auto lines = PdfDoc::wrap(font, fs, labels[k], labelW);
      p->text(font, fs, c.left(), gy + groupH / 2 + fs / 3,
              lines.empty() ? "" : lines.front() + (lines.size() > 1 ? "…" : ""));
      double acc = 0;
      for (size_t s = 0; s < series.size(); ++s) {
        const double v = values[k][s];
        if (stacked) {
          if (v > 0)
            p->fillRectRgb(xOf(acc), gy + 2, xOf(acc + v) - xOf(acc), barH, series[s].r, series[s].g,
                           series[s].b);
          acc += v;
        } else {
          const float by = gy + 2 + barH * s;
          if (v > 0) p->fillRectRgb(x0, by, xOf(v) - x0, barH - 1, series[s].r, series[s].g, series[s].b);
          p->text(font, fs - 1, xOf(v) + 2, by + barH - 1.5f, num(v, 0));
        }
      }
      if (stacked) p->text(font, fs - 1, xOf(acc) + 2, gy + 2 + barH - 2, num(acc, 0));
    }
    const float chartBottom = y + groupH * (end - i);
    // Axis and grid.
    for (double t = 0; t <= top + step / 2; t += step) {
      const float gx = xOf(t);
      p->line(gx, chartTop, gx, chartBottom, t == 0 ? 0.8f : 0.2f);
      p->textCenter(font, fs - 1, gx, chartBottom + fs + 1, num(t, 0));
    }
    p->text(bold, fs - 1, x1 + 6, chartBottom + fs + 1, unit);
    y = chartBottom + fs + 10;
    i = end;
    firstPart = false;
    if (labels.empty()) break;
  }
  return y;
}

Pdf finish(Canvas& c, const reports::ReportHeader& h, const std::string& title) {
  Pdf pdf;
  pdf.title = title + ", " + sanitize(h.periodLabel) + " " + sanitize(h.academicYear);
  pdf.pages = c.doc.pageCount();
  pdf.sheets = c.sheets();
  pdf.bytes = c.doc.save({pdf.title, sanitize(h.schoolName), title, h.createdAt});
  return pdf;
}

void setFooter(Canvas& c, const reports::ReportHeader& h) {
  c.footerLeft =
      sanitize(h.schoolShortName) + " · " + sanitize(h.periodLabel) + " " + sanitize(h.academicYear);
  c.footerRight = fill(c.L.text("copyNote"), "date", h.createdAt.date.toRussian());
}

}  // namespace

Pdf renderControlReport(const reports::ControlReport& r, const RenderOptions& options) {
  std::shared_ptr<const Layouts> hold;
  const Layout& L = layoutFor(options, hold, "control");
  Canvas c(L, options.sides);
  setFooter(c, r.header);
  const std::string title = L.text("title");
  Page* p = &c.newPage();
  float y = reportHeader(c, *p, r.header, title);
  y = paragraph(c, *p, "serif", L.size("body"), c.left(), y, c.contentWidth(),
                fill(fill(L.text("summary"), "lessons", std::to_string(r.lessonsHeld)), "findings",
                     std::to_string(r.findings)) +
                    " " + sanitize(r.conclusion));
  c.doc.outline(nullptr, title, 0);

  // Per teacher x class x subject.
  Table t;
  t.size = L.size("small");
  t.headerSize = L.size("small") - 0.5f;
  t.padding = 2;
  const float w = c.contentWidth();
  const float n = L.column("number"), fig = L.column("figure");
  t.columns = {{n, L.text("numberHeader"), true},
               {w - n - fig * 9 - L.column("class") - L.column("subject"), L.text("teacherHeader"), false},
               {L.column("class"), L.text("classHeader"), true},
               {L.column("subject"), L.text("subjectHeader"), false},
               {fig, L.text("lessonsHeader"), true},
               {fig, L.text("topicsOnTimeHeader"), true},
               {fig, L.text("topicsLateHeader"), true},
               {fig, L.text("marksPerLessonHeader"), true},
               {fig, L.text("fewMarksHeader"), true},
               {fig, L.text("lateMarksHeader"), true},
               {fig, L.text("noHomeworkHeader"), true},
               {fig, L.text("substitutionsHeader"), true},
               {fig, L.text("findingsHeader"), true}};
  int k = 0;
  for (const auto& row : r.rows) {
    std::string subject = sanitize(row.subjectName);
    if (!row.subgroupName.empty()) subject += " (" + sanitize(row.subgroupName) + ")";
    t.rows.push_back({std::to_string(++k), sanitize(row.teacherName), sanitize(row.className), subject,
                      std::to_string(row.lessonsHeld), std::to_string(row.topicsOnTime),
                      std::to_string(row.topicsLate + row.topicsMissing), num(row.marksPerLesson, 1),
                      std::to_string(row.lessonsFewMarks), std::to_string(row.lateWorkMarks),
                      std::to_string(row.missingHomework), std::to_string(row.substitutions),
                      std::to_string(row.errors) + "/" + std::to_string(row.warnings)});
  }
  auto again = [&](Page& np) { return continuationHeading(c, np, title); };
  p = room(c, p, y, 80, title);
  y = paragraph(c, *p, "serifBold", L.size("body"), c.left(), y + 4, c.contentWidth(), L.text("rowsTitle"));
  std::tie(p, y) = flowTable(c, p, y + 2, t, again);

  // Counts per rule.
  if (!r.totals.empty()) {
    Table rt;
    rt.size = L.size("body") - 0.5f;
    rt.headerSize = L.size("small");
    rt.columns = {{w - 160, L.text("ruleHeader"), false},
                  {90, L.text("severityHeader"), false},
                  {70, L.text("countHeader"), true}};
    for (const auto& rc : r.totals)
      rt.rows.push_back(
          {sanitize(rc.ruleTitle), std::string(model::russianTitle(rc.severity)), std::to_string(rc.count)});
    p = room(c, p, y, 60, title);
    y = paragraph(c, *p, "serifBold", L.size("body"), c.left(), y + 8, c.contentWidth(),
                  L.text("totalsTitle"));
    std::tie(p, y) = flowTable(c, p, y + 2, rt, again);
  }

  // Every finding.
  Table ft;
  ft.size = L.size("small");
  ft.headerSize = L.size("small") - 0.5f;
  ft.padding = 2;
  ft.columns = {{n, L.text("numberHeader"), true},
                {46, L.text("dateHeader"), true},
                {120, L.text("whereHeader"), false},
                {w - n - 46 - 120 - 64, L.text("findingHeader"), false},
                {64, L.text("severityHeader"), false}};
  k = 0;
  for (const auto& row : r.rows)
    for (const auto& f : row.findings) {
      std::string where =
          sanitize(row.className) + ", " + sanitize(row.subjectName) + ", " + sanitize(row.teacherName);
      std::string text = sanitize(f.message, true);
      if (!f.studentName.empty()) text += " (" + sanitize(f.studentName) + ")";
      ft.rows.push_back(
          {std::to_string(++k), f.date ? f.date->toRussian() : "", where, text, sanitize(f.severityLabel)});
    }
  if (!ft.rows.empty()) {
    p = room(c, p, y, 60, title);
    y = paragraph(c, *p, "serifBold", L.size("body"), c.left(), y + 8, c.contentWidth(),
                  L.text("findingsTitle"));
    std::tie(p, y) = flowTable(c, p, y + 2, ft, again);
  }
  // Rules the data could not support: once each, with the reason.
  for (const auto& nc : r.notChecked) {
    p = room(c, p, y, 30, title);
    y = paragraph(c, *p, "serif", L.size("body"), c.left(), y + 6, c.contentWidth(),
                  sanitize(nc.ruleTitle) + ": не проверялось: " + sanitize(nc.reason, true) + ".");
  }
  // The follow-up of recorded checks (docs/followup.md): per teacher corrected / still open, the open remarks
  // and who has not acknowledged. Only when a check was recorded; the report is as before otherwise.
  if (r.followUp) {
    const auto& u = *r.followUp;
    p = room(c, p, y, 80, title);
    y = paragraph(c, *p, "serifBold", L.size("body"), c.left(), y + 8, c.contentWidth(),
                  "Устранение замечаний (проверка от " + u.checkDate.toRussian() + ", срок устранения — до " +
                      u.deadline.toRussian() + ")");
    Table ut;
    ut.size = L.size("small");
    ut.headerSize = L.size("small") - 0.5f;
    ut.padding = 2;
    const float fw = 78;
    ut.columns = {{w - fw * 4, "Учитель", false},
                  {fw,
                   u.previousCheckDate ? "Устранено после проверки от " + u.previousCheckDate->toRussian()
                                       : std::string("Устранено"),
                   true},
                  {fw, "Не устранено", true},
                  {fw, "Самое давнее — с", true},
                  {fw, "Ознакомлен(а)", true}};
    for (const auto& t : u.teachers)
      ut.rows.push_back({sanitize(t.teacherName), std::to_string(t.corrected), std::to_string(t.open),
                         t.oldestOpenSince ? t.oldestOpenSince->toRussian() : "—",
                         t.open + t.fresh == 0                ? "—"
                         : t.acknowledged && t.acknowledgedAt ? t.acknowledgedAt->date.toRussian()
                                                              : "нет"});
    std::tie(p, y) = flowTable(c, p, y + 2, ut, again);
    Table ot;
    ot.size = L.size("small");
    ot.headerSize = L.size("small") - 0.5f;
    ot.padding = 2;
    ot.columns = {{n, L.text("numberHeader"), true},
                  {54, "Не устранено с", true},
                  {130, L.text("whereHeader"), false},
                  {w - n - 54 - 130, L.text("findingHeader"), false}};
    k = 0;
    for (const auto& t : u.teachers)
      for (const auto& x : t.openItems) {
        std::string where =
            sanitize(x.className) + ", " + sanitize(x.subjectName) + ", " + sanitize(t.teacherName);
        if (x.finding.date) where += ", " + x.finding.date->toRussian();
        ot.rows.push_back({std::to_string(++k), x.since.toRussian() + " (" + std::to_string(x.days) + " дн.)",
                           where,
                           sanitize(x.finding.ruleTitle) + ": " + sanitize(x.finding.message, true) +
                               (x.reopened ? " (выявлено повторно)" : "")});
      }
    if (!ot.rows.empty()) {
      p = room(c, p, y, 60, title);
      y = paragraph(c, *p, "serifBold", L.size("body"), c.left(), y + 8, c.contentWidth(),
                    "Не устранённые замечания");
      std::tie(p, y) = flowTable(c, p, y + 2, ot, again);
    }
    std::string names;
    for (const auto& nm : u.notAcknowledged) names += (names.empty() ? "" : ", ") + sanitize(nm);
    p = room(c, p, y, 30, title);
    if (names.empty()) names = "нет";
    if (names.back() != '.') names += '.';  // a list ending in initials has its full stop already
    y = paragraph(c, *p, "serif", L.size("body"), c.left(), y + 6, c.contentWidth(),
                  "Не ознакомлены с замечаниями: " + names);
  }
  y = signature(c, p, y + 10, L.text("deputySignature"), r.header.deputyDirector, title);
  paragraph(c, *p, "serif", L.size("body") + 1, c.left(), y + 6, c.contentWidth(),
            L.text("dateLabel") + " " + r.header.asOf.toRussian());
  return finish(c, r.header, title);
}

Pdf renderProgramReport(const reports::ProgramReport& r, const RenderOptions& options) {
  std::shared_ptr<const Layouts> hold;
  const Layout& L = layoutFor(options, hold, "program");
  Canvas c(L, options.sides);
  setFooter(c, r.header);
  const std::string title = L.text("title");
  Page* p = &c.newPage();
  float y = reportHeader(c, *p, r.header, title);
  y = paragraph(c, *p, "serif", L.size("body"), c.left(), y, c.contentWidth(),
                fill(fill(fill(fill(L.text("summary"), "planned", std::to_string(r.plannedToDate)),
                               "delivered", std::to_string(r.delivered)),
                          "percent", num(r.percent, 1)),
                     "behind",
                     std::to_string(r.rowsBehind) + " " +
                         model::plural(r.rowsBehind, "предмет", "предмета", "предметов")));
  c.doc.outline(nullptr, title, 0);
  // Chart: planned to date vs delivered per subject, summed over classes, in subject order of first
  // appearance.
  std::vector<std::string> subjects;
  std::map<std::string, std::pair<double, double>> sums;
  for (const auto& row : r.rows) {
    const std::string name = sanitize(row.subjectName);
    if (!sums.count(name)) subjects.push_back(name);
    sums[name].first += row.plannedToDate;
    sums[name].second += row.delivered;
  }
  std::vector<std::vector<double>> values;
  for (const auto& s : subjects) values.push_back({sums[s].first, sums[s].second});
  y = barChart(
      c, p, y + 6, L.text("chartTitle"), subjects,
      {{L.text("plannedSeries"), 0.62f, 0.70f, 0.82f}, {L.text("deliveredSeries"), 0.18f, 0.42f, 0.22f}},
      values, false, L.text("hoursUnit"));
  Table t;
  t.size = L.size("small");
  t.headerSize = L.size("small") - 0.5f;
  t.padding = 2;
  const float w = c.contentWidth(), fig = L.column("figure");
  t.columns = {{L.column("class"), L.text("classHeader"), true},
               {w - L.column("class") - L.column("teacher") - fig * 6, L.text("subjectHeader"), false},
               {L.column("teacher"), L.text("teacherHeader"), false},
               {fig, L.text("plannedYearHeader"), true},
               {fig, L.text("plannedToDateHeader"), true},
               {fig, L.text("deliveredHeader"), true},
               {fig, L.text("shortfallHeader"), true},
               {fig, L.text("excessHeader"), true},
               {fig, L.text("percentHeader"), true}};
  for (const auto& row : r.rows) {
    std::string subject = sanitize(row.subjectName);
    if (!row.subgroupName.empty()) subject += " (" + sanitize(row.subgroupName) + ")";
    t.rows.push_back({sanitize(row.className), subject, sanitize(row.teacherName),
                      std::to_string(row.plannedYear), std::to_string(row.plannedToDate),
                      std::to_string(row.delivered), row.shortfall ? std::to_string(row.shortfall) : "",
                      row.excess ? std::to_string(row.excess) : "", num(row.percent, 1)});
  }
  p = room(c, p, y, 80, title);
  y = paragraph(c, *p, "serifBold", L.size("body"), c.left(), y + 4, c.contentWidth(), L.text("tableTitle"));
  std::tie(p, y) = flowTable(c, p, y + 2, t, [&](Page& np) { return continuationHeading(c, np, title); });
  signature(c, p, y + 10, L.text("deputySignature"), r.header.deputyDirector, title);
  return finish(c, r.header, title);
}

Pdf renderResultsReport(const reports::ResultsReport& r, const RenderOptions& options) {
  std::shared_ptr<const Layouts> hold;
  const Layout& L = layoutFor(options, hold, "results");
  Canvas c(L, options.sides);
  setFooter(c, r.header);
  const std::string title = L.text("title");
  Page* p = &c.newPage();
  float y = reportHeader(c, *p, r.header, title);
  const auto& tot = r.total;
  y = paragraph(c, *p, "serif", L.size("body"), c.left(), y, c.contentWidth(),
                fill(fill(fill(fill(L.text("summary"), "students", std::to_string(tot.students)), "success",
                               num(tot.successPercent, 1)),
                          "quality", num(tot.qualityPercent, 1)),
                     "average", num(tot.averageMark, 2)));
  c.doc.outline(nullptr, title, 0);
  std::vector<std::string> labels;
  std::vector<std::vector<double>> values;
  std::string unmarked;  // classes without marks (безотметочное обучение): not in the chart, listed below it
  for (const auto& row : r.rows) {
    if (row.unmarked) {
      unmarked += (unmarked.empty() ? "" : ", ") + sanitize(row.className);
      continue;
    }
    labels.push_back(sanitize(row.className) + " (" + sanitize(row.periodLabel) + ")");
    values.push_back({double(row.excellent), double(row.good), double(row.oneThree), double(row.threes),
                      double(row.failing), double(row.notGraded)});
  }
  y = barChart(c, p, y + 6, L.text("chartTitle"), labels,
               {{L.text("excellentSeries"), 0.13f, 0.45f, 0.20f},
                {L.text("goodSeries"), 0.45f, 0.70f, 0.35f},
                {L.text("oneThreeSeries"), 0.85f, 0.80f, 0.35f},
                {L.text("threesSeries"), 0.95f, 0.62f, 0.25f},
                {L.text("failingSeries"), 0.80f, 0.20f, 0.18f},
                {L.text("notGradedSeries"), 0.70f, 0.70f, 0.70f}},
               values, true, L.text("studentsUnit"));
  Table t;
  t.size = L.size("small");
  t.headerSize = L.size("small") - 0.5f;
  t.padding = 2;
  const float w = c.contentWidth(), fig = L.column("figure");
  t.columns = {{L.column("class"), L.text("classHeader"), true},
               {w - L.column("class") - fig * 12, L.text("teacherHeader"), false},
               {fig, L.text("studentsHeader"), true},
               {fig, L.text("excellentHeader"), true},
               {fig, L.text("goodHeader"), true},
               {fig, L.text("oneThreeHeader"), true},
               {fig, L.text("threesHeader"), true},
               {fig, L.text("failingHeader"), true},
               {fig, L.text("notGradedHeader"), true},
               {fig, L.text("successHeader"), true},
               {fig, L.text("qualityHeader"), true},
               {fig, L.text("averageHeader"), true},
               {fig, L.text("missedHeader"), true},
               {fig, L.text("missedIllHeader"), true}};
  auto rowOf = [&](const reports::ResultsRow& row) {
    if (row.unmarked)
      return std::vector<std::string>{sanitize(row.className),
                                      sanitize(row.classTeacherName) + " (без отметок)",
                                      std::to_string(row.students),
                                      "—",
                                      "—",
                                      "—",
                                      "—",
                                      "—",
                                      "—",
                                      "—",
                                      "—",
                                      "—",
                                      std::to_string(row.lessonsMissed),
                                      std::to_string(row.missedIll)};
    return std::vector<std::string>{
        sanitize(row.className),           sanitize(row.classTeacherName), std::to_string(row.students),
        std::to_string(row.excellent),     std::to_string(row.good),       std::to_string(row.oneThree),
        std::to_string(row.threes),        std::to_string(row.failing),    std::to_string(row.notGraded),
        num(row.successPercent, 1),        num(row.qualityPercent, 1),     num(row.averageMark, 2),
        std::to_string(row.lessonsMissed), std::to_string(row.missedIll)};
  };
  for (const auto& row : r.rows) t.rows.push_back(rowOf(row));
  t.rows.push_back(rowOf(r.total));
  p = room(c, p, y, 80, title);
  y = paragraph(c, *p, "serifBold", L.size("body"), c.left(), y + 4, c.contentWidth(), L.text("tableTitle"));
  std::tie(p, y) = flowTable(c, p, y + 2, t, [&](Page& np) { return continuationHeading(c, np, title); });
  // Failing students by name.
  std::string failing;
  for (const auto& row : r.rows)
    for (const auto& s : row.failingStudents)
      failing += (failing.empty() ? "" : "; ") + sanitize(row.className) + ": " + sanitize(s);
  if (!failing.empty()) {
    p = room(c, p, y, 40, title);
    y = paragraph(c, *p, "serif", L.size("body"), c.left(), y + 6, c.contentWidth(),
                  L.text("failingList") + " " + failing + ".");
  }
  if (!unmarked.empty()) {
    p = room(c, p, y, 40, title);
    y = paragraph(c, *p, "serif", L.size("body"), c.left(), y + 6, c.contentWidth(),
                  "Без отметок (безотметочное обучение), в итог не входят: " + unmarked + ".");
  }
  signature(c, p, y + 10, L.text("deputySignature"), r.header.deputyDirector, title);
  return finish(c, r.header, title);
}

Pdf renderRegionalReport(const reports::RegionalReport& r, const RenderOptions& options) {
  std::shared_ptr<const Layouts> hold;
  const Layout& L = layoutFor(options, hold, "region");
  Canvas c(L, options.sides);
  c.sheetNumbers = false;  // «Стр. N из M» once every page exists
  const auto& h = r.header;
  c.footerLeft =
      sanitize(h.schoolShortName) + " · " + sanitize(h.periodLabel) + " " + sanitize(h.academicYear);
  c.footerRight = fill(L.text("copyNote"), "date", h.createdAt.date.toRussian());
  const std::string title = L.text("title");
  Page* p = &c.newPage();
  float y = reportHeader(c, *p, h, title);
  auto orDash = [](const std::optional<double>& v, int decimals, const std::string& unit = "") {
    return v ? num(*v, decimals) + unit : std::string("—");
  };
  const auto& t = r.total;
  const auto schools = std::to_string(r.rows.size());
  std::string summary = L.text("summary");
  summary = fill(summary, "schools", schools);
  summary = fill(summary, "lessons", std::to_string(t.lessonsHeld));
  summary = fill(summary, "topics",
                 std::to_string(t.topicsOnTime) + " (" + orDash(t.topicsOnTimePercent, 1, " %") + ")");
  summary = fill(summary, "marks", orDash(t.marksPerLesson, 2));
  summary = fill(summary, "late", orDash(t.lateWorkMarksPer100, 1));
  summary = fill(summary, "program", orDash(t.programPercent, 1, " %"));
  summary = fill(summary, "behind", std::to_string(t.linesBehind) + " из " + std::to_string(t.programLines));
  summary = fill(summary, "open", t.openFindings ? std::to_string(*t.openFindings) : "—");
  summary = fill(summary, "checked", std::to_string(r.schoolsChecked) + " из " + schools);
  summary = fill(summary, "sealed", std::to_string(r.schoolsSealed) + " из " + schools);
  y = paragraph(c, *p, "serif", L.size("body"), c.left(), y, c.contentWidth(), summary);
  c.doc.outline(nullptr, title, 0);

  Table tb;
  tb.size = L.size("small") + 0.5f;
  tb.headerSize = L.size("small") - 0.5f;
  tb.padding = 2;
  tb.lastRowBold = true;
  const float w = c.contentWidth(), n = L.column("number"), fig = L.column("figure"), date = L.column("date"),
              seal = L.column("seal");
  tb.columns = {{n, L.text("numberHeader"), true},
                {w - n - fig * 9 - L.column("behind") - date - seal, L.text("schoolHeader"), false},
                {fig, L.text("lessonsHeader"), true},
                {fig, L.text("topicsHeader"), true},
                {fig, L.text("topicsPercentHeader"), true},
                {fig, L.text("marksPerLessonHeader"), true},
                {fig, L.text("workMarksHeader"), true},
                {fig, L.text("lateMarksHeader"), true},
                {fig, L.text("latePer100Header"), true},
                {fig, L.text("programHeader"), true},
                {L.column("behind"), L.text("behindHeader"), true},
                {fig, L.text("openHeader"), true},
                {date, L.text("checkHeader"), true},
                {seal, L.text("sealHeader"), true}};
  auto cells = [&](const reports::RegionalRow& x, const std::string& number) {
    std::string check = x.lastCheck ? x.lastCheck->toRussian() : (x.schoolId.empty() ? "" : "нет");
    std::string archive = x.schoolId.empty() ? "" : "нет";
    if (x.lastSeal) {
      archive = sanitize(x.lastSeal->periodTitle.empty() ? x.lastSeal->periodId : x.lastSeal->periodTitle);
      if (x.lastSeal->version > 1) archive += " (испр. " + std::to_string(x.lastSeal->version) + ")";
      archive += "\n" + x.lastSeal->sealedAt.date.toRussian();
    }
    return std::vector<std::string>{number,
                                    sanitize(x.schoolShortName),
                                    std::to_string(x.lessonsHeld),
                                    std::to_string(x.topicsOnTime),
                                    orDash(x.topicsOnTimePercent, 1),
                                    orDash(x.marksPerLesson, 2),
                                    std::to_string(x.workMarks),
                                    std::to_string(x.lateWorkMarks),
                                    orDash(x.lateWorkMarksPer100, 1),
                                    orDash(x.programPercent, 1),
                                    std::to_string(x.linesBehind) + " из " + std::to_string(x.programLines),
                                    x.openFindings ? std::to_string(*x.openFindings) : "—",
                                    check,
                                    archive};
  };
  int k = 0;
  for (const auto& x : r.rows) tb.rows.push_back(cells(x, std::to_string(++k)));
  tb.rows.push_back(cells(r.total, ""));
  auto again = [&](Page& np) { return continuationHeading(c, np, title); };
  p = room(c, p, y, 80, title);
  y = paragraph(c, *p, "serifBold", L.size("body"), c.left(), y + 4, c.contentWidth(), L.text("tableTitle"));
  std::tie(p, y) = flowTable(c, p, y + 2, tb, again);

  // Open findings by rule: per school, then the region's.
  p = room(c, p, y, 60, title);
  y = paragraph(c, *p, "serifBold", L.size("body"), c.left(), y + 10, c.contentWidth(), L.text("rulesTitle"));
  if (t.openByRule.empty()) {
    y = paragraph(c, *p, "serif", L.size("body"), c.left(), y, c.contentWidth(), L.text("noOpen"));
  } else {
    Table rt;
    rt.size = L.size("small") + 0.5f;
    rt.headerSize = L.size("small") - 0.5f;
    rt.padding = 2;
    const float rule = L.column("rule");
    rt.columns = {{w - rule - fig - 10, L.text("schoolHeader"), false},
                  {rule, L.text("ruleHeader"), false},
                  {fig + 10, L.text("countHeader"), true}};
    for (const auto& x : r.rows)
      for (size_t i = 0; i < x.openByRule.size(); ++i)
        rt.rows.push_back({i == 0 ? sanitize(x.schoolShortName) : "", sanitize(x.openByRule[i].ruleTitle),
                           std::to_string(x.openByRule[i].count)});
    for (size_t i = 0; i < t.openByRule.size(); ++i)
      rt.rows.push_back({i == 0 ? L.text("regionRules") : "", sanitize(t.openByRule[i].ruleTitle),
                         std::to_string(t.openByRule[i].count)});
    rt.rows.push_back({"", "Итого", std::to_string(t.openFindings.value_or(0))});
    rt.lastRowBold = true;
    std::tie(p, y) = flowTable(c, p, y + 2, rt, again);
  }

  // Legend.
  p = room(c, p, y, 70, title);
  y = paragraph(c, *p, "serifBold", L.size("body"), c.left(), y + 10, c.contentWidth(),
                L.text("legendTitle"));
  for (const auto& line : reports::regionalLegend()) {
    p = room(c, p, y, 24, title);
    y = paragraph(c, *p, "serif", L.size("small") + 0.5f, c.left(), y, c.contentWidth(), sanitize(line));
  }

  p = room(c, p, y, 40, title);
  y = paragraph(c, *p, "serif", L.size("body") + 1, c.left(), y + 18, c.contentWidth(),
                fill(L.text("compiledBy"), "date", h.createdAt.date.toRussian()));

  // Page numbers, now that the count is known.
  const int pages = c.doc.pageCount();
  auto& bold = c.doc.font("serifBold");
  for (int i = 0; i < pages; ++i)
    c.doc.page(i).textRight(
        bold, L.size("small") + 0.5f, c.right(), c.top() - 10,
        fill(fill(L.text("pageOf"), "page", std::to_string(i + 1)), "pages", std::to_string(pages)));
  return finish(c, h, title);
}

}  // namespace ejournal::render
