// The class journal (docs/render.md), the summary sheet and the student extract.
//
// The journal is drawn in one pass: the title page, reserved contents pages (their number is known in
// advance, their sheet numbers are filled in at the end), then per subject (and subgroup) the spreads, then
// the summary sheet, missed lessons, the deputy's remarks and the certification sheet, whose sheet count is
// therefore true.
#include <algorithm>
#include <map>
#include <set>

#include "draw.h"
#include "ejournal/model/error.h"
#include "ejournal/render/render.h"

namespace ejournal::render {

using model::JournalIndex;

namespace {

std::shared_ptr<model::Clock> clockOf(const RenderOptions& o) {
  return o.clock ? o.clock : model::systemClock();
}

const Layouts& layoutsOf(const RenderOptions& o, std::shared_ptr<const Layouts>& hold) {
  hold = o.layouts ? o.layouts : bundledLayouts();
  return *hold;
}

const model::SchoolClass& findClass(const JournalIndex& ix, std::string_view classId) {
  const auto* c = ix.schoolClass(classId);
  if (!c) throw Error(ErrorKind::NotFound, "класс " + std::string(classId), "класс не найден в журнале");
  return *c;
}

const model::Period& findPeriod(const JournalIndex& ix, std::string_view periodId) {
  const auto* p = ix.period(periodId);
  if (!p) throw Error(ErrorKind::NotFound, "период " + std::string(periodId), "период не найден в журнале");
  return *p;
}

// One subject (or subgroup) of the class with its lessons in the period.
struct Track {
  const model::Subject* subject = nullptr;
  const model::Subgroup* subgroup = nullptr;
  std::vector<const model::Lesson*> lessons;
  std::vector<const model::Student*> students;
  std::string teacherId;
  std::string title() const {
    std::string t = sanitize(subject->name);
    if (subgroup) t += " (" + sanitize(subgroup->name) + ")";
    return t;
  }
};

std::vector<Track> tracksOf(const JournalIndex& ix, const model::SchoolClass& cls,
                            const model::DateRange& range) {
  std::map<std::pair<std::string, std::string>, Track> byKey;
  for (const auto& e : ix.journal().curriculum) {
    if (e.classId != cls.id) continue;
    const auto* subject = ix.subject(e.subjectId);
    if (!subject) continue;
    auto& t = byKey[{e.subjectId, e.subgroupId}];
    t.subject = subject;
    t.subgroup = e.subgroupId.empty() ? nullptr : ix.subgroup(e.subgroupId);
  }
  for (const auto* l : ix.lessonsOfClass(cls.id)) {
    if (!range.contains(l->date)) continue;
    const auto* subject = ix.subject(l->subjectId);
    if (!subject) continue;
    auto& t = byKey[{l->subjectId, l->subgroupId}];
    t.subject = subject;
    if (!l->subgroupId.empty()) t.subgroup = ix.subgroup(l->subgroupId);
    t.lessons.push_back(l);
  }
  std::vector<Track> tracks;
  for (auto& [key, t] : byKey) {
    if (t.subgroup) {
      t.students = ix.membersOfSubgroup(t.subgroup->id, range);
      t.teacherId = t.subgroup->teacherId;
    } else {
      t.students = ix.studentsOfClass(cls.id, range);
    }
    if (t.teacherId.empty()) {
      std::map<std::string, int> count;  // the timetable teacher of most lessons
      for (const auto* l : t.lessons) ++count[l->teacherId];
      int best = 0;
      for (const auto& [id, n] : count)
        if (n > best) best = n, t.teacherId = id;
    }
    if (t.teacherId.empty())
      for (const auto& s : ix.journal().timetable)
        if (s.classId == cls.id && s.subjectId == t.subject->id && s.subgroupId == key.second) {
          t.teacherId = s.teacherId;
          break;
        }
    tracks.push_back(std::move(t));
  }
  std::stable_sort(tracks.begin(), tracks.end(), [](const Track& a, const Track& b) {
    if (a.subject->order != b.subject->order) return a.subject->order < b.subject->order;
    if (a.subject->name != b.subject->name) return a.subject->name < b.subject->name;
    const std::string an = a.subgroup ? a.subgroup->name : "", bn = b.subgroup ? b.subgroup->name : "";
    return an < bn;
  });
  return tracks;
}

// Reporting periods of the grade whose mark belongs in a journal for `range` (they end inside it), date
// order.
std::vector<const model::Period*> markPeriods(const JournalIndex& ix, int grade,
                                              const model::DateRange& range) {
  std::vector<const model::Period*> out;
  for (const auto* p : ix.reportingPeriodsOf(grade))
    if (range.contains(p->dates.to)) out.push_back(p);
  return out;
}

std::string periodShort(const Layout& L, const model::Period& p) {
  switch (p.kind) {
    case model::PeriodKind::Quarter:
      return std::to_string(p.number) + " " + L.text("quarterShort");
    case model::PeriodKind::HalfYear:
      return std::to_string(p.number) + " " + L.text("halfShort");
    case model::PeriodKind::Year:
      return L.text("yearShort");
  }
  return p.id;
}

std::string periodMarkOf(const JournalIndex& ix, const std::string& studentId, const std::string& subjectId,
                         model::PeriodMarkKind kind, const std::string& periodId) {
  for (const auto* m : ix.periodMarksOfStudent(studentId))
    if (m->subjectId == subjectId && m->kind == kind &&
        (kind != model::PeriodMarkKind::Period || m->periodId == periodId))
      return sanitize(m->value.toString());
  return {};
}

std::string studentName(const model::Student& s) { return sanitize(s.lastName + " " + s.firstName); }

// ---- the spreads of one track ----

struct GridColumn {
  const model::Lesson* lesson = nullptr;  // null: a period mark column
  const model::Period* period = nullptr;  // the period of a mark column; null with lesson null: the year mark
  bool firstHour = true;
};

std::string cellText(const JournalIndex& ix, const model::Lesson& l, const model::Student& s) {
  std::string out;
  for (const auto* a : ix.attendanceOfLesson(l.id))
    if (a->studentId == s.id) out = std::string(model::journalCode(a->status));
  for (const auto* m : ix.marksOfLesson(l.id))
    if (m->studentId == s.id) {
      if (!out.empty()) out += "/";
      out += m->value.toString();
    }
  return sanitize(out);
}

std::string topicText(const model::Lesson& l) {
  std::string t = l.topic;
  for (const auto& w : l.works) {
    if (w.type == model::WorkType::Classwork || w.type == model::WorkType::Homework ||
        w.type == model::WorkType::Oral)
      continue;
    std::string name = w.topic.empty() ? std::string(model::russianTitle(w.type)) : w.topic;
    if (t.find(name) != std::string::npos) continue;
    if (!t.empty()) t += t.back() == '.' ? " " : ". ";
    t += name;
  }
  return sanitize(t, true);
}

class JournalWriter {
 public:
  JournalWriter(Canvas& c, const JournalIndex& ix, const model::SchoolClass& cls, const model::Period& period)
      : c_(c), L_(c.L), ix_(ix), cls_(cls), period_(period) {}

  // Draws all spreads of the track; returns the first page index.
  int track(const Track& t, const std::vector<const model::Period*>& marks, bool yearJournal);

 private:
  float heading(Page& p, const Track& t, bool continued);
  void leftPage(const Track& t, const std::vector<GridColumn>& cols, size_t studentFrom, size_t studentTo,
                bool continued);
  Table rightTable(const Track& t, const std::vector<const model::Lesson*>& lessons);

  Canvas& c_;
  const Layout& L_;
  const JournalIndex& ix_;
  const model::SchoolClass& cls_;
  const model::Period& period_;
};

float JournalWriter::heading(Page& p, const Track& t, bool continued) {
  auto& bold = c_.doc.font("serifBold");
  auto& serif = c_.doc.font("serif");
  std::string title = t.title();
  if (continued) title += " " + L_.text("continued");
  const float y = c_.top() + 4;
  p.text(bold, L_.size("heading"), c_.left(), y, title);
  const float tx = c_.left() + PdfDoc::textWidth(bold, L_.size("heading"), title) + 12;
  p.text(serif, L_.size("body"), tx, y, L_.text("teacherHeader") + ": " + staffFull(ix_, t.teacherId));
  return c_.top() + 14;
}

void JournalWriter::leftPage(const Track& t, const std::vector<GridColumn>& cols, size_t from, size_t to,
                             bool continued) {
  Page& p = c_.newPage();
  float y = heading(p, t, continued);
  auto& grid = c_.doc.font("grid");
  auto& gridBold = c_.doc.font("gridBold");
  const float gs = L_.size("grid"), hs = L_.size("gridHeader");
  const float numW = L_.column("number"), nameW = L_.column("name");
  const float x0 = c_.left();
  const float monthH = hs * 1.5f, dayH = hs * 1.7f;
  const float headH = monthH + dayH;
  const size_t n = to - from;
  const float avail = c_.bottom() - y - headH;
  const float rh = std::min(L_.size("rowHeight"), std::max(L_.size("rowHeightMin"), n ? avail / n : avail));
  std::vector<float> xs{x0, x0 + numW, x0 + numW + nameW};
  for (const auto& col : cols)
    xs.push_back(xs.back() + (col.lesson ? L_.column("lesson") : L_.column("periodMark")));
  const float x1 = xs.back();
  const float yBottom = y + headH + rh * n;

  // Header: number, name, months over their day columns, days or period labels.
  p.fillRect(x0, y, x1 - x0, headH, 0.9f);
  p.textCenter(gridBold, hs, x0 + numW / 2, y + headH / 2 + hs / 3, L_.text("numberHeader"));
  p.fitText(gridBold, hs, xs[1] + 2, y + headH / 2 + hs / 3, nameW - 4, L_.text("studentsHeader"), true);
  std::vector<std::string> months;
  {
    const std::string& all = L_.text("months");
    size_t s = 0;
    while (true) {
      size_t e = all.find(',', s);
      months.push_back(all.substr(s, e == std::string::npos ? std::string::npos : e - s));
      if (e == std::string::npos) break;
      s = e + 1;
    }
  }
  size_t i = 0;
  while (i < cols.size()) {
    if (!cols[i].lesson) {
      const std::string label = cols[i].period ? periodShort(L_, *cols[i].period) : L_.text("yearShort");
      p.fillRect(xs[i + 3 - 1], y, xs[i + 3] - xs[i + 2], headH + rh * n, 0.82f);
      p.fitText(gridBold, hs, xs[i + 2] + 1, y + headH / 2 + hs / 3, xs[i + 3] - xs[i + 2] - 2, label, true);
      ++i;
      continue;
    }
    const int month = cols[i].lesson->date.month();
    size_t j = i;
    while (j < cols.size() && cols[j].lesson && cols[j].lesson->date.month() == month) ++j;
    const std::string mname = month >= 1 && month <= static_cast<int>(months.size()) ? months[month - 1] : "";
    p.fitText(gridBold, hs, xs[i + 2] + 1, y + monthH - hs * 0.4f, xs[j + 2] - xs[i + 2] - 2, mname, true);
    p.line(xs[i + 2], y, xs[i + 2], y + monthH, 0.4f);
    for (size_t k = i; k < j; ++k) {
      char day[4];
      std::snprintf(day, sizeof day, "%02d", cols[k].lesson->date.day());
      p.textCenter(grid, hs, (xs[k + 2] + xs[k + 3]) / 2, y + monthH + dayH - hs * 0.5f, day);
    }
    i = j;
  }
  p.line(xs[2], y + monthH, x1, y + monthH, 0.4f);

  // Rows.
  for (size_t r = 0; r < n; ++r) {
    const auto& s = *t.students[from + r];
    const float by = y + headH + rh * (r + 1) - rh * 0.28f;
    const float fs = std::min(gs, rh * 0.78f);
    p.textRight(grid, fs, xs[1] - 2, by, std::to_string(from + r + 1));
    p.fitText(grid, fs, xs[1] + 2, by, nameW - 4, studentName(s), false);
    for (size_t k = 0; k < cols.size(); ++k) {
      std::string v;
      if (cols[k].lesson) {
        if (cols[k].firstHour) v = cellText(ix_, *cols[k].lesson, s);
      } else if (cols[k].period) {
        v = periodMarkOf(ix_, s.id, t.subject->id, model::PeriodMarkKind::Period, cols[k].period->id);
      } else {
        v = periodMarkOf(ix_, s.id, t.subject->id, model::PeriodMarkKind::Year, "");
      }
      if (!v.empty())
        p.fitText(cols[k].lesson ? grid : gridBold, fs, xs[k + 2] + 1, by, xs[k + 3] - xs[k + 2] - 2, v,
                  true);
    }
  }
  // Rules.
  for (size_t r = 0; r <= n; ++r) {
    const float ly = y + headH + rh * r;
    p.line(x0, ly, x1, ly, r == 0 || r == n ? 0.8f : (r % 5 == 0 ? 0.6f : 0.3f));
  }
  p.line(x0, y, x1, y, 0.8f);
  for (size_t k = 0; k < xs.size(); ++k)
    p.line(xs[k], k >= 2 ? y + monthH : y, xs[k], yBottom,
           k == 0 || k + 1 == xs.size() || k == 2 ? 0.8f : 0.3f);
  if (cols.empty())
    paragraph(c_, p, "serif", L_.size("body"), x1 + 12, y, c_.right() - x1 - 12, L_.text("noLessons"));
}

Table JournalWriter::rightTable(const Track& t, const std::vector<const model::Lesson*>& lessons) {
  Table tab;
  tab.size = L_.size("body");
  tab.headerSize = L_.size("small") + 1;
  const float dateW = L_.column("date"), hoursW = L_.column("hours"), hwW = L_.column("homework"),
              teacherW = L_.column("teacher");
  const float topicW = c_.contentWidth() - dateW - hoursW - hwW - teacherW;
  tab.columns = {{dateW, L_.text("dateHeader"), true},
                 {hoursW, L_.text("hoursHeader"), true},
                 {topicW, L_.text("topicHeader"), false},
                 {hwW, L_.text("homeworkHeader"), false},
                 {teacherW, L_.text("teacherHeader"), false}};
  for (const auto* l : lessons) {
    std::string teacher;
    if (!l->substituteTeacherId.empty() && l->substituteTeacherId != l->teacherId) {
      teacher = staffShort(ix_, l->substituteTeacherId) + "\n" +
                fill(L_.text("substitution"), "name", staffShort(ix_, l->teacherId));
    } else {
      teacher = staffShort(ix_, l->teacherId);
    }
    tab.rows.push_back({l->date.toShortRussian(), std::to_string(l->hours), topicText(*l),
                        sanitize(l->homework, true), teacher});
  }
  (void)t;
  return tab;
}

int JournalWriter::track(const Track& t, const std::vector<const model::Period*>& marks, bool yearJournal) {
  // Columns: lessons (one per hour), a period mark column after the last lesson of each reporting period that
  // ends in the journal's range, the year mark at the end of a year journal.
  std::vector<GridColumn> cols;
  size_t li = 0;
  for (const auto* mp : marks) {
    while (li < t.lessons.size() && t.lessons[li]->date <= mp->dates.to) {
      for (int h = 0; h < std::max(1, t.lessons[li]->hours); ++h)
        cols.push_back({t.lessons[li], nullptr, h == 0});
      ++li;
    }
    if (mp->kind != model::PeriodKind::Year) cols.push_back({nullptr, mp, true});
  }
  for (; li < t.lessons.size(); ++li)
    for (int h = 0; h < std::max(1, t.lessons[li]->hours); ++h)
      cols.push_back({t.lessons[li], nullptr, h == 0});
  if (yearJournal) cols.push_back({nullptr, nullptr, true});

  const float gridW = c_.contentWidth() - L_.column("number") - L_.column("name");
  // Students per left page at the minimum row height.
  const float gridTop = c_.top() + 14 + L_.size("gridHeader") * 3.2f;
  const size_t perPage =
      std::max<size_t>(1, static_cast<size_t>((c_.bottom() - gridTop) / L_.size("rowHeightMin")));

  // Hours by plan and given, printed under the last lesson records.
  int plan = -1, given = 0;
  for (const auto* l : t.lessons) given += l->hours;
  for (const auto& e : ix_.journal().curriculum)
    if (e.classId == cls_.id && e.subjectId == t.subject->id &&
        e.subgroupId == (t.subgroup ? t.subgroup->id : "")) {
      if (period_.kind == model::PeriodKind::Year) plan = e.hoursYear;
      for (const auto& ph : e.periods)
        if (ph.periodId == period_.id) plan = ph.hours;
    }
  const std::string hoursLine =
      fill(fill(L_.text("hoursSummary"), "plan", plan < 0 ? "—" : std::to_string(plan)), "given",
           std::to_string(given));
  const float bodySize = L_.size("body");
  const float hoursH = bodySize * 2.2f;

  int first = -1;
  size_t pos = 0;
  bool continued = false;
  do {
    // Choose the columns of this spread: as many as the grid holds, cut back so the lesson records fit the
    // right page (a record taller than a page still goes alone and continues on extra pages).
    float used = 0;
    size_t end = pos;
    while (end < cols.size()) {
      const float w = cols[end].lesson ? L_.column("lesson") : L_.column("periodMark");
      if (used + w > gridW + 0.01f) break;
      used += w;
      ++end;
    }
    std::vector<const model::Lesson*> lessons;
    for (size_t k = pos; k < end; ++k)
      if (cols[k].lesson && cols[k].firstHour) lessons.push_back(cols[k].lesson);
    Table tab = rightTable(t, lessons);
    MeasuredTable m = measure(c_, tab);
    const float avail = c_.bottom() - (c_.top() + 14) - (end == cols.size() ? hoursH : 0);
    float h = m.headerHeight;
    size_t fit = 0;
    for (; fit < lessons.size(); ++fit) {
      const float rh = m.rowHeight(m.lines[fit]);
      if (h + rh > avail) break;
      h += rh;
    }
    if (fit == 0 && !lessons.empty()) fit = 1;
    if (fit < lessons.size()) {
      // End the spread before the first lesson that does not fit; mark columns before it stay with this
      // spread.
      const model::Lesson* next = lessons[fit];
      size_t cut = pos;
      while (cut < end && cols[cut].lesson != next) ++cut;
      end = cut;
      lessons.resize(fit);
      tab = rightTable(t, lessons);
      m = measure(c_, tab);
    }
    const bool lastSpread = end == cols.size();
    auto pages =
        paginate(m, c_.bottom() - (c_.top() + 14) - (lastSpread ? hoursH : 0), c_.bottom() - (c_.top() + 14));
    c_.alignToLeftPage();
    if (first < 0) first = c_.doc.pageCount();
    // More students than a page holds (at the minimum row height): their rows continue on further left pages.
    size_t sFrom = 0;
    do {
      const size_t sTo = std::min(t.students.size(), sFrom + perPage);
      leftPage(t, std::vector<GridColumn>(cols.begin() + pos, cols.begin() + end), sFrom, sTo,
               continued || sFrom > 0);
      sFrom = sTo;
    } while (sFrom < t.students.size());
    for (size_t pg = 0; pg < pages.size(); ++pg) {
      if (pg > 0) {  // an extra spread for a record longer than a page: the left page says so
        c_.alignToLeftPage();
        Page& lp = c_.newPage();
        heading(lp, t, true);
        paragraph(c_, lp, "serif", bodySize, c_.left(), (c_.top() + c_.bottom()) / 2, c_.contentWidth(),
                  L_.text("continuation"), true);
      }
      Page& rp = c_.newPage();
      float y = heading(rp, t, pos > 0 || pg > 0);
      y = drawTable(c_, rp, m, pages[pg], c_.left(), y);
      continued = true;
      if (lastSpread && pg + 1 == pages.size())
        paragraph(c_, rp, "serifBold", bodySize, c_.left(), y + 2, c_.contentWidth(), hoursLine);
    }
    pos = end;
  } while (pos < cols.size());
  return first;
}

// ---- summary sheet, missed lessons, remarks, certification ----

std::vector<const model::Subject*> subjectsOfClass(const JournalIndex& ix, const model::SchoolClass& cls) {
  std::set<std::string> ids;
  for (const auto& e : ix.journal().curriculum)
    if (e.classId == cls.id) ids.insert(e.subjectId);
  for (const auto* l : ix.lessonsOfClass(cls.id)) ids.insert(l->subjectId);
  std::vector<const model::Subject*> out;
  for (const auto& id : ids)
    if (const auto* s = ix.subject(id)) out.push_back(s);
  std::stable_sort(out.begin(), out.end(), [](const auto* a, const auto* b) {
    return a->order != b->order ? a->order < b->order : a->name < b->name;
  });
  return out;
}

// Heading at the top of a section page; returns the y where content starts.
float sectionHeading(Canvas& c, Page& p, const std::string& title, const std::string& sub) {
  p.text(c.doc.font("serifBold"), c.L.size("heading"), c.left(), c.top() + 4, title);
  if (!sub.empty())
    p.text(c.doc.font("serif"), c.L.size("body"),
           c.left() + PdfDoc::textWidth(c.doc.font("serifBold"), c.L.size("heading"), title) + 12,
           c.top() + 4, sub);
  return c.top() + 14;
}

// The students x subjects grid of period, year, exam and final marks; pages added as needed. `upTo` is the
// journal's period when it is a quarter or half-year: then only the reporting periods begun by its end are
// shown, without the year, exam and final columns; null for the year. Returns the page index of its first
// page and the y below the grid on its last page.
std::pair<int, float> summarySection(Canvas& c, const JournalIndex& ix, const model::SchoolClass& cls,
                                     const std::vector<const model::Student*>& students,
                                     const std::string& title, const std::string& sub,
                                     const model::Period* upTo = nullptr) {
  const Layout& L = c.L;
  const auto subjects = subjectsOfClass(ix, cls);
  auto periods = ix.reportingPeriodsOf(cls.grade);
  if (upTo) std::erase_if(periods, [&](const model::Period* p) { return p->dates.from > upTo->dates.to; });
  std::vector<std::string> sublabels;
  for (const auto* p : periods) sublabels.push_back(periodShort(L, *p));
  if (!upTo) {
    sublabels.push_back(L.text("yearShort"));
    sublabels.push_back(L.text("examShort"));
    sublabels.push_back(L.text("finalShort"));
  }
  const float markW = L.column("summaryMark");
  const float groupW = markW * sublabels.size();
  const float numW = L.column("number"), nameW = L.column("name");
  const size_t perPage = std::max<size_t>(1, static_cast<size_t>((c.contentWidth() - numW - nameW) / groupW));
  auto& grid = c.doc.font("grid");
  auto& gridBold = c.doc.font("gridBold");
  const float gs = L.size("grid"), hs = L.size("gridHeader");
  const float subjH = hs * 1.25f * 3 + 4, subH = hs * 1.8f, headH = subjH + subH;
  int first = -1;
  float lastY = 0;
  for (size_t s0 = 0; s0 < subjects.size() || (s0 == 0 && subjects.empty()); s0 += perPage) {
    const size_t s1 = std::min(subjects.size(), s0 + perPage);
    const float topY = c.top() + 14;
    const size_t rowsPerPage =
        std::max<size_t>(1, static_cast<size_t>((c.bottom() - topY - headH) / L.size("rowHeightMin")));
    for (size_t r0 = 0; r0 < students.size() || (r0 == 0 && students.empty()); r0 += rowsPerPage) {
      const size_t r1 = std::min(students.size(), r0 + rowsPerPage);
      Page& p = c.newPage();
      if (first < 0) first = c.doc.pageCount() - 1;
      float y = sectionHeading(c, p, title, sub);
      const size_t n = r1 - r0;
      const float rh = std::min(L.size("rowHeight"),
                                std::max(L.size("rowHeightMin"), n ? (c.bottom() - y - headH) / n : 10.0f));
      const float x0 = c.left();
      const float gx = x0 + numW + nameW;
      const float x1 = gx + groupW * (s1 - s0);
      p.fillRect(x0, y, x1 - x0, headH, 0.9f);
      p.textCenter(gridBold, hs, x0 + numW / 2, y + headH / 2 + hs / 3, L.text("numberHeader"));
      p.fitText(gridBold, hs, x0 + numW + 2, y + headH / 2 + hs / 3, nameW - 4, L.text("studentsHeader"),
                true);
      for (size_t k = s0; k < s1; ++k) {
        const float sx = gx + groupW * (k - s0);
        auto lines = PdfDoc::wrap(gridBold, hs, sanitize(subjects[k]->name), groupW - 4);
        if (lines.size() > 3)
          lines = PdfDoc::wrap(gridBold, hs, sanitize(subjects[k]->shortName), groupW - 4);
        float ly = y + 2 + hs;
        for (size_t li = 0; li < lines.size() && li < 3; ++li, ly += hs * 1.25f)
          p.textCenter(gridBold, hs, sx + groupW / 2, ly, lines[li]);
        for (size_t q = 0; q < sublabels.size(); ++q)
          p.fitText(grid, hs, sx + markW * q + 0.5f, y + subjH + subH * 0.7f, markW - 1, sublabels[q], true);
      }
      for (size_t r = 0; r < n; ++r) {
        const auto& st = *students[r0 + r];
        const float by = y + headH + rh * (r + 1) - rh * 0.28f;
        const float fs = std::min(gs, rh * 0.78f);
        p.textRight(grid, fs, x0 + numW - 2, by, std::to_string(r0 + r + 1));
        p.fitText(grid, fs, x0 + numW + 2, by, nameW - 4, studentName(st), false);
        for (size_t k = s0; k < s1; ++k) {
          const float sx = gx + groupW * (k - s0);
          for (size_t q = 0; q < sublabels.size(); ++q) {
            std::string v;
            if (q < periods.size())
              v = periodMarkOf(ix, st.id, subjects[k]->id, model::PeriodMarkKind::Period, periods[q]->id);
            else if (q == periods.size())
              v = periodMarkOf(ix, st.id, subjects[k]->id, model::PeriodMarkKind::Year, "");
            else if (q == periods.size() + 1)
              v = periodMarkOf(ix, st.id, subjects[k]->id, model::PeriodMarkKind::Exam, "");
            else
              v = periodMarkOf(ix, st.id, subjects[k]->id, model::PeriodMarkKind::Final, "");
            const bool examOrFinal = !upTo && q + 3 > sublabels.size();
            if (!v.empty())
              p.fitText(examOrFinal ? grid : gridBold, fs, sx + markW * q + 0.5f, by, markW - 1, v, true);
          }
        }
      }
      const float yb = y + headH + rh * n;
      for (size_t r = 0; r <= n; ++r)
        p.line(x0, y + headH + rh * r, x1, y + headH + rh * r,
               r == 0 || r == n ? 0.8f : (r % 5 == 0 ? 0.6f : 0.3f));
      p.line(x0, y, x1, y, 0.8f);
      p.line(gx, y + subjH, x1, y + subjH, 0.4f);
      p.line(x0, y, x0, yb, 0.8f);
      p.line(x0 + numW, y, x0 + numW, yb, 0.4f);
      for (size_t k = s0; k <= s1; ++k) {
        const float sx = gx + groupW * (k - s0);
        p.line(sx, y, sx, yb, 0.8f);
        if (k < s1)
          for (size_t q = 1; q < sublabels.size(); ++q)
            p.line(sx + markW * q, y + subjH, sx + markW * q, yb, 0.3f);
      }
      lastY = yb;
      if (subjects.empty()) break;
    }
    if (subjects.empty()) break;
  }
  return {first, lastY};
}

int missedSection(Canvas& c, const JournalIndex& ix, const model::SchoolClass& cls,
                  const model::DateRange& range, const std::vector<const model::Student*>& students) {
  const Layout& L = c.L;
  std::vector<const model::Period*> periods;
  for (const auto* p : ix.reportingPeriodsOf(cls.grade))
    if (p->dates.overlaps(range)) periods.push_back(p);
  const bool withYear = periods.size() > 1;
  std::map<std::string, std::vector<std::pair<int, int>>> counts;  // student -> per period (total, ill)
  for (const auto* s : students) counts[s->id].assign(periods.size() + 1, {0, 0});
  for (const auto* l : ix.lessonsOfClass(cls.id)) {
    if (!range.contains(l->date)) continue;
    for (const auto* a : ix.attendanceOfLesson(l->id)) {
      if (a->status == model::AttendanceStatus::Late) continue;
      auto it = counts.find(a->studentId);
      if (it == counts.end()) continue;
      const int hours = std::max(1, l->hours);
      const bool ill = a->status == model::AttendanceStatus::Ill;
      for (size_t q = 0; q < periods.size(); ++q)
        if (periods[q]->dates.contains(l->date)) {
          it->second[q].first += hours;
          if (ill) it->second[q].second += hours;
        }
      it->second.back().first += hours;
      if (ill) it->second.back().second += hours;
    }
  }
  Table t;
  t.fontRole = "grid";
  t.headerFontRole = "gridBold";
  t.size = L.size("grid");
  t.headerSize = L.size("gridHeader");
  t.padding = 1.8f;
  t.columns.push_back({L.column("number"), L.text("numberHeader"), true});
  t.columns.push_back({L.column("name"), L.text("studentsHeader"), false});
  const float w = L.column("missedCell");
  for (const auto* p : periods) {
    t.columns.push_back(
        {w,
         sanitize(model::russianPeriodName(*p, ix.journal().year.startYear)) + ": " + L.text("missedTotal"),
         true});
    t.columns.push_back({w, L.text("missedIll"), true});
  }
  if (withYear) {
    t.columns.push_back({w, L.text("missedYear") + ": " + L.text("missedTotal"), true});
    t.columns.push_back({w, L.text("missedIll"), true});
  }
  int n = 0;
  std::vector<std::pair<int, int>> sum(periods.size() + 1, {0, 0});
  for (const auto* s : students) {
    std::vector<std::string> row{std::to_string(++n), studentName(*s)};
    const auto& v = counts[s->id];
    for (size_t q = 0; q < periods.size(); ++q) {
      row.push_back(std::to_string(v[q].first));
      row.push_back(std::to_string(v[q].second));
      sum[q].first += v[q].first;
      sum[q].second += v[q].second;
    }
    if (withYear) {
      row.push_back(std::to_string(v.back().first));
      row.push_back(std::to_string(v.back().second));
    }
    sum.back().first += v.back().first;
    sum.back().second += v.back().second;
    t.rows.push_back(std::move(row));
  }
  std::vector<std::string> total{"", "Итого"};
  for (size_t q = 0; q < periods.size(); ++q) {
    total.push_back(std::to_string(sum[q].first));
    total.push_back(std::to_string(sum[q].second));
  }
  if (withYear) {
    total.push_back(std::to_string(sum.back().first));
    total.push_back(std::to_string(sum.back().second));
  }
  t.rows.push_back(std::move(total));
  Page& p = c.newPage();
  const int first = c.doc.pageCount() - 1;
  const float y = sectionHeading(c, p, L.text("missedTitle"), "");
  flowTable(c, &p, y, t,
            [&](Page& np) { return sectionHeading(c, np, L.text("missedTitle"), L.text("continued")); });
  return first;
}

int remarksSection(Canvas& c, const JournalIndex& ix, const std::vector<model::Finding>& remarks,
                   const std::map<std::string, std::string>& status) {
  const Layout& L = c.L;
  Page& p = c.newPage();
  const int first = c.doc.pageCount() - 1;
  float y = sectionHeading(c, p, L.text("remarksTitle"), "");
  Page* last = &p;
  if (remarks.empty()) {
    y = paragraph(c, p, "serif", L.size("body"), c.left(), y + 6, c.contentWidth(), L.text("remarksNone"));
  } else {
    Table t;
    t.size = L.size("body") - 0.5f;
    t.headerSize = L.size("small") + 1;
    const float dw = L.column("remarkDate"), sw = L.column("remarkSubject"), tw = L.column("remarkTeacher"),
                vw = L.column("remarkSeverity"), nw = L.column("number") + 6;
    t.columns = {{nw, L.text("numberHeader"), true},
                 {dw, L.text("remarksDate"), true},
                 {sw, L.text("remarksSubject"), false},
                 {tw, L.text("remarksTeacher"), false},
                 {c.contentWidth() - nw - dw - sw - tw - vw, L.text("remarksText"), false},
                 {vw, L.text("remarksSeverity"), false}};
    int n = 0;
    for (const auto& f : remarks) {
      std::string subject = f.subjectId.empty() ? "" : subjectName(ix, f.subjectId);
      if (!f.subgroupId.empty())
        if (const auto* g = ix.subgroup(f.subgroupId)) subject += " (" + sanitize(g->name) + ")";
      std::string text = sanitize(f.message, true);
      if (!f.studentId.empty())
        if (const auto* s = ix.student(f.studentId)) text += " (" + sanitize(s->shortName()) + ")";
      if (!status.empty())
        if (auto it = status.find(model::findingKey(f)); it != status.end())
          text += "\n" + sanitize(it->second);
      t.rows.push_back({std::to_string(++n), f.date ? f.date->toRussian() : "", subject,
                        staffShort(ix, f.teacherId), text, std::string(model::russianTitle(f.severity))});
    }
    auto [lp, ly] = flowTable(c, &p, y, t, [&](Page& np) {
      return sectionHeading(c, np, L.text("remarksTitle"), L.text("continued"));
    });
    last = lp;
    y = ly;
  }
  if (y + 40 > c.bottom()) {
    last = &c.newPage();
    y = sectionHeading(c, *last, L.text("remarksTitle"), L.text("continued"));
  }
  const auto& school = ix.journal().school;
  paragraph(
      c, *last, "serif", L.size("body"), c.left(), y + 14, c.contentWidth(),
      L.text("deputySignature") + "   " + L.text("signatureLine") + "   " + sanitize(school.deputyDirector));
  return first;
}

// The sheet count ("36 (тридцать шесть) листов") is one unit of the sentence: its words are joined with
// no-break spaces so the line never breaks inside it.
std::string unbreakable(std::string s) {
  std::string out;
  for (char ch : s) {
    if (ch == ' ')
      out += "\u00a0";
    else
      out += ch;
  }
  return out;
}

void certificationPage(Canvas& c, const JournalIndex& ix) {
  const Layout& L = c.L;
  Page& p = c.newPage();
  const int sheets = c.sheets();
  const float x = c.left() + c.contentWidth() * 0.15f, w = c.contentWidth() * 0.7f;
  float y = c.top() + 60;
  p.textCenter(c.doc.font("serifBold"), L.size("heading"), (c.left() + c.right()) / 2, y,
               L.text("certTitle"));
  y = paragraph(c, p, "serif", L.size("subheading") + 2, x, y + 30, w,
                fill(L.text("certText"), "count", unbreakable(sheetCountPhrase(sheets))));
  const auto& school = ix.journal().school;
  y = paragraph(c, p, "serif", L.size("subheading") + 1, x, y + 40, w,
                L.text("directorPosition") + " " + sanitize(school.shortName) + "   " +
                    L.text("signatureLine") + "   " + sanitize(school.director));
  y = paragraph(c, p, "serif", L.size("subheading") + 1, x, y + 24, w, L.text("seal"));
  paragraph(c, p, "serif", L.size("subheading") + 1, x, y + 24, w, L.text("dateLine"));
}

// The administrative-copy note is in every page's footer (footerRight), the title page's too.
void titlePage(Canvas& c, const JournalIndex& ix, const model::SchoolClass& cls,
               const model::Period& period) {
  const Layout& L = c.L;
  Page& p = c.newPage();
  const auto& j = ix.journal();
  const float x = c.left() + c.contentWidth() * 0.1f, w = c.contentWidth() * 0.8f;
  float y = paragraph(c, p, "serifBold", L.size("subheading") + 2, x, c.top() + 30, w,
                      sanitize(j.school.fullName), true);
  y = paragraph(c, p, "serifBold", L.size("title"), x, y + 70, w, L.text("title"), true);
  y = paragraph(c, p, "serif", L.size("heading") + 4, x, y + 16, w,
                classTitle(cls) + " " + L.text("classLabel"), true);
  y = paragraph(c, p, "serif", L.size("heading") + 2, x, y + 8, w,
                sanitize(model::russianPeriodName(period, j.year.startYear)) +
                    (period.kind == model::PeriodKind::Year ? "" : " " + j.year.label() + " учебного года"),
                true);
  y = paragraph(
      c, p, "serif", L.size("subheading"), x, y + 4, w,
      L.text("periodLabel") + " " + period.dates.from.toRussian() + " – " + period.dates.to.toRussian(),
      true);
  paragraph(c, p, "serif", L.size("subheading") + 1, x, y + 40, w,
            L.text("teacherLabel") + " " + staffFull(ix, cls.classTeacherId), true);
}

std::string sheetRange(const Canvas& c, int firstPage, int lastPage) {
  const int a = c.sheetOfPage(firstPage), b = c.sheetOfPage(lastPage);
  return a == b ? std::to_string(a) : std::to_string(a) + "–" + std::to_string(b);
}

}  // namespace

Pdf renderClassJournal(const JournalIndex& ix, std::string_view classId, std::string_view periodId,
                       const std::vector<model::Finding>& remarks, const RenderOptions& options) {
  std::shared_ptr<const Layouts> hold;
  const Layout& L = layoutsOf(options, hold).get("journal");
  const auto& cls = findClass(ix, classId);
  const auto& period = findPeriod(ix, periodId);
  const auto now = clockOf(options)->now();
  const auto& j = ix.journal();
  const bool year = period.kind == model::PeriodKind::Year;
  const auto range = period.dates;

  Canvas c(L, options.sides);
  const std::string periodName = sanitize(model::russianPeriodName(period, j.year.startYear));
  c.footerLeft = sanitize(j.school.shortName) + " · " + classTitle(cls) + " " + L.text("classLabel") + " · " +
                 periodName + (year ? "" : " " + j.year.label());
  c.footerRight = fill(L.text("copyNote"), "date", now.date.toRussian());

  const auto tracks = tracksOf(ix, cls, range);
  const auto marks = markPeriods(ix, cls.grade, range);
  const auto students = ix.studentsOfClass(cls.id, range);

  titlePage(c, ix, cls, period);

  // Contents: one row per track plus the closing sections; reserve its pages now, fill them at the end.
  Table contents;
  contents.size = L.size("body") + 1;
  contents.headerSize = L.size("body");
  const float teacherW = L.column("contentsTeacher"), sheetsW = L.column("contentsSheets");
  contents.columns = {{c.contentWidth() - teacherW - sheetsW, L.text("contentsSubject"), false},
                      {teacherW, L.text("contentsTeacher"), false},
                      {sheetsW, L.text("contentsSheets"), true}};
  for (const auto& t : tracks) contents.rows.push_back({t.title(), staffFull(ix, t.teacherId), "000–000"});
  for (const char* key : {"summaryTitle", "missedTitle", "remarksTitle", "certTitle"})
    contents.rows.push_back({L.text(key), "", "000–000"});
  MeasuredTable cm = measure(c, contents);
  const float contentsTop = c.top() + 14;
  const auto contentsPages = paginate(cm, c.bottom() - contentsTop, c.bottom() - contentsTop);
  const int contentsFirst = c.doc.pageCount();
  for (size_t i = 0; i < contentsPages.size(); ++i) c.newPage();

  std::vector<std::pair<int, int>> spans;  // first/last page index per contents row
  for (const auto& t : tracks) {
    const int first = JournalWriter(c, ix, cls, period).track(t, marks, year);
    spans.push_back({first, c.doc.pageCount() - 1});
  }
  c.alignToLeftPage();
  auto [summaryFirst, summaryY] =
      summarySection(c, ix, cls, students, L.text("summaryTitle"),
                     classTitle(cls) + " " + L.text("classLabel"), year ? nullptr : &period);
  (void)summaryY;
  spans.push_back({summaryFirst, c.doc.pageCount() - 1});
  const int missedFirst = missedSection(c, ix, cls, range, students);
  spans.push_back({missedFirst, c.doc.pageCount() - 1});
  const int remarksFirst = remarksSection(c, ix, remarks, options.remarkStatus);
  spans.push_back({remarksFirst, c.doc.pageCount() - 1});
  certificationPage(c, ix);
  spans.push_back({c.doc.pageCount() - 1, c.doc.pageCount() - 1});

  // Now the sheet numbers are known: fill the contents.
  for (size_t r = 0; r < spans.size(); ++r)
    contents.rows[r][2] = sheetRange(c, spans[r].first, spans[r].second);
  cm = measure(c, contents);
  for (size_t i = 0; i < contentsPages.size(); ++i) {
    Page& p = c.doc.page(contentsFirst + static_cast<int>(i));
    const float y = sectionHeading(c, p, L.text("contents"), i > 0 ? L.text("continued") : "");
    drawTable(c, p, cm, contentsPages[i], c.left(), y);
  }

  // Outlines.
  c.doc.outline(nullptr, "Титульный лист", 0);
  c.doc.outline(nullptr, L.text("contents"), contentsFirst);
  if (!tracks.empty()) {
    HPDF_Outline subjects = c.doc.outline(nullptr, "Учебные предметы", spans.front().first);
    for (size_t i = 0; i < tracks.size(); ++i) c.doc.outline(subjects, tracks[i].title(), spans[i].first);
  }
  c.doc.outline(nullptr, L.text("summaryTitle"), summaryFirst);
  c.doc.outline(nullptr, L.text("missedTitle"), missedFirst);
  c.doc.outline(nullptr, L.text("remarksTitle"), remarksFirst);
  c.doc.outline(nullptr, L.text("certTitle"), c.doc.pageCount() - 1);

  Pdf pdf;
  pdf.title = "Классный журнал " + cls.name() + ", " + periodName + (year ? "" : " " + j.year.label());
  pdf.pages = c.doc.pageCount();
  pdf.sheets = c.sheets();
  pdf.bytes = c.doc.save({pdf.title, sanitize(j.school.fullName), L.text("title") + " · " + cls.name(), now});
  return pdf;
}

Pdf renderSummarySheet(const JournalIndex& ix, std::string_view classId, const RenderOptions& options) {
  std::shared_ptr<const Layouts> hold;
  const Layout& L = layoutsOf(options, hold).get("summary");
  const auto& cls = findClass(ix, classId);
  const auto now = clockOf(options)->now();
  const auto& j = ix.journal();
  Canvas c(L, options.sides);
  c.footerLeft = sanitize(j.school.shortName) + " · " + classTitle(cls) + " " + L.text("classLabel") + " · " +
                 j.year.label();
  c.footerRight = fill(L.text("copyNote"), "date", now.date.toRussian());
  const model::DateRange range{j.year.start, j.year.end};
  const auto students = ix.studentsOfClass(cls.id, range);
  const std::string sub = classTitle(cls) + " " + L.text("classLabel") + ", " + j.year.label() + " " +
                          L.text("yearLabel") + " · " + sanitize(j.school.shortName);
  auto [first, y] = summarySection(c, ix, cls, students, L.text("summaryTitle"), sub);
  c.doc.outline(nullptr, L.text("summaryTitle") + " " + cls.name(), first);
  Page* last = &c.doc.page(c.doc.pageCount() - 1);
  if (y + 50 > c.bottom()) {
    last = &c.newPage();
    y = sectionHeading(c, *last, L.text("summaryTitle"), L.text("continued"));
  }
  y = paragraph(
      c, *last, "serif", L.size("body"), c.left(), y + 12, c.contentWidth(),
      L.text("teacherLabel") + " " + L.text("signatureLine") + " " + staffFull(ix, cls.classTeacherId));
  paragraph(c, *last, "serif", L.size("body"), c.left(), y + 6, c.contentWidth(),
            L.text("directorPosition") + " " + L.text("signatureLine") + " " + sanitize(j.school.director) +
                "   " + L.text("seal"));
  Pdf pdf;
  pdf.title = L.text("summaryTitle") + " " + cls.name() + " " + j.year.label();
  pdf.pages = c.doc.pageCount();
  pdf.sheets = c.sheets();
  pdf.bytes = c.doc.save({pdf.title, sanitize(j.school.fullName), L.text("summaryTitle"), now});
  return pdf;
}

Pdf renderStudentExtract(const JournalIndex& ix, std::string_view studentId, std::string_view periodId,
                         const RenderOptions& options) {
  std::shared_ptr<const Layouts> hold;
  const Layout& L = layoutsOf(options, hold).get("extract");
  const auto* student = ix.student(studentId);
  if (!student)
    throw Error(ErrorKind::NotFound, "обучающийся " + std::string(studentId),
                "обучающийся не найден в журнале");
  const auto& period = findPeriod(ix, periodId);
  const auto& j = ix.journal();
  // The class the student was in at the end of the period (or the last one in it).
  const model::SchoolClass* cls = nullptr;
  for (const auto& e : student->enrolments)
    if (e.from <= period.dates.to && (!e.to || *e.to >= period.dates.from)) cls = ix.schoolClass(e.classId);
  if (!cls)
    throw Error(ErrorKind::NotFound, "обучающийся " + std::string(studentId),
                "обучающийся не зачислен ни в один класс в периоде " + std::string(periodId));
  const auto now = clockOf(options)->now();
  const bool year = period.kind == model::PeriodKind::Year;
  Canvas c(L, options.sides);
  c.footerLeft = sanitize(j.school.shortName);
  c.footerRight = fill(L.text("copyNote"), "date", now.date.toRussian());
  Page& p = c.newPage();
  const float x = c.left(), w = c.contentWidth();
  float y = paragraph(c, p, "serifBold", L.size("subheading"), x, c.top() + 6, w, sanitize(j.school.fullName),
                      true);
  if (!j.school.address.empty())
    y = paragraph(c, p, "serif", L.size("small"), x, y, w, sanitize(j.school.address), true);
  p.line(x, y + 4, x + w, y + 4, 0.8f);
  y = paragraph(c, p, "serifBold", L.size("heading") + 2, x, y + 18, w, L.text("extractTitle"), true);
  const std::string periodName = sanitize(model::russianPeriodName(period, j.year.startYear));
  y = paragraph(c, p, "serif", L.size("subheading"), x, y, w,
                fill(fill(L.text("extractSubtitle"), "class", classTitle(*cls)), "period",
                     periodName + (year ? "" : " " + j.year.label() + " " + L.text("yearGenitive"))),
                true);
  y = paragraph(
      c, p, "serif", L.size("body") + 1, x, y + 10, w,
      L.text("studentLabel") + " " + sanitize(student->fullName()) +
          (student->birthDate ? ", " + L.text("birthLabel") + " " + student->birthDate->toRussian() : ""));
  // Table: subject, current marks in the period, period marks (quarters/halves ending in it), year, final.
  std::vector<const model::Period*> periods;
  for (const auto* rp : ix.reportingPeriodsOf(cls->grade))
    if (period.dates.contains(rp->dates.to) || (!year && rp->id == period.id)) periods.push_back(rp);
  Table t;
  t.size = L.size("body");
  t.headerSize = L.size("small") + 0.5f;
  const float markW = L.column("mark");
  float fixed = L.column("number") + L.column("subject") + markW * (periods.size() + (year ? 2 : 0));
  t.columns = {{L.column("number"), L.text("numberHeader"), true},
               {L.column("subject"), L.text("subjectHeader"), false},
               {w - fixed, L.text("currentHeader"), false}};
  for (const auto* rp : periods) t.columns.push_back({markW, periodShort(L, *rp), true});
  if (year) {
    t.columns.push_back({markW, L.text("yearShort"), true});
    t.columns.push_back({markW, L.text("finalShort"), true});
  }
  int n = 0, missed = 0, ill = 0;
  for (const auto* subject : subjectsOfClass(ix, *cls)) {
    std::string current;
    for (const auto* l : ix.lessonsOfClass(cls->id)) {
      if (l->subjectId != subject->id || !period.dates.contains(l->date)) continue;
      for (const auto* m : ix.marksOfLesson(l->id))
        if (m->studentId == student->id) current += (current.empty() ? "" : " ") + m->value.toString();
    }
    std::vector<std::string> row{std::to_string(++n), sanitize(subject->name), sanitize(current)};
    for (const auto* rp : periods)
      row.push_back(periodMarkOf(ix, student->id, subject->id, model::PeriodMarkKind::Period, rp->id));
    if (year) {
      row.push_back(periodMarkOf(ix, student->id, subject->id, model::PeriodMarkKind::Year, ""));
      row.push_back(periodMarkOf(ix, student->id, subject->id, model::PeriodMarkKind::Final, ""));
    }
    t.rows.push_back(std::move(row));
  }
  for (const auto* l : ix.lessonsOfClass(cls->id)) {
    if (!period.dates.contains(l->date)) continue;
    for (const auto* a : ix.attendanceOfLesson(l->id))
      if (a->studentId == student->id && a->status != model::AttendanceStatus::Late) {
        missed += std::max(1, l->hours);
        if (a->status == model::AttendanceStatus::Ill) ill += std::max(1, l->hours);
      }
  }
  auto [last, ly] = flowTable(c, &p, y + 6, t, [&](Page& np) {
    return paragraph(c, np, "serifBold", L.size("body"), c.left(), c.top(), c.contentWidth(),
                     L.text("extractTitle") + " " + L.text("continued"));
  });
  if (ly + 150 > c.bottom()) {
    last = &c.newPage();
    ly = c.top() + 14;
  }
  ly = paragraph(
      c, *last, "serif", L.size("body"), x, ly + 6, w,
      fill(fill(L.text("missedText"), "total", std::to_string(missed)), "ill", std::to_string(ill)));
  ly = paragraph(
      c, *last, "serif", L.size("body") + 1, x, ly + 24, w,
      L.text("directorPosition") + "   " + L.text("signatureLine") + "   " + sanitize(j.school.director));
  ly = paragraph(
      c, *last, "serif", L.size("body") + 1, x, ly + 16, w,
      L.text("teacherLabel") + "   " + L.text("signatureLine") + "   " + staffFull(ix, cls->classTeacherId));
  ly = paragraph(c, *last, "serif", L.size("body") + 1, x, ly + 16, w, L.text("seal"));
  paragraph(c, *last, "serif", L.size("body") + 1, x, ly + 10, w,
            L.text("issuedLabel") + " " + now.date.toRussian());
  c.doc.outline(nullptr, L.text("extractTitle") + " " + sanitize(student->shortName()), 0);
  Pdf pdf;
  pdf.title =
      L.text("extractTitle") + ": " + sanitize(student->fullName()) + ", " + cls->name() + ", " + periodName;
  pdf.pages = c.doc.pageCount();
  pdf.sheets = c.sheets();
  pdf.bytes = c.doc.save({pdf.title, sanitize(j.school.fullName), L.text("extractTitle"), now});
  return pdf;
}

}  // namespace ejournal::render
