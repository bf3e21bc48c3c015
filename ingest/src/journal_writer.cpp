// The canonical journal XML writer: fixed section and attribute order, two-space indentation, optional
// attributes omitted when empty or at their schema default, numbers in the classic locale. The same journal
// always gives the same bytes, and reading them back gives the same journal.
#include <charconv>
#include <sstream>

#include "ejournal/ingest/ingest.h"

namespace ejournal::ingest {
namespace {

class XmlOut {
 public:
  explicit XmlOut(std::ostream& out) : out_(out) { buf_.reserve(kFlush + 4096); }
  ~XmlOut() { flush(); }

  void raw(std::string_view s) {
    buf_ += s;
    if (buf_.size() >= kFlush) flush();
  }

  // Starts an element at the given depth: "  <name".
  void open(int depth, std::string_view name) {
    buf_.append(static_cast<size_t>(depth) * 2, ' ');
    buf_ += '<';
    buf_ += name;
  }
  void closeEmpty() { raw("/>\n"); }
  void closeStart() { raw(">\n"); }
  void end(int depth, std::string_view name) {
    buf_.append(static_cast<size_t>(depth) * 2, ' ');
    buf_ += "</";
    buf_ += name;
    raw(">\n");
  }

  // Always written, even when empty.
  void attr(std::string_view name, std::string_view value) {
    buf_ += ' ';
    buf_ += name;
    buf_ += "=\"";
    escape(value);
    buf_ += '"';
  }
  void attrIf(std::string_view name, std::string_view value) {
    if (!value.empty()) attr(name, value);
  }
  void attr(std::string_view name, int value) {
    char tmp[16];
    auto [p, ec] = std::to_chars(tmp, tmp + sizeof tmp, value);
    attr(name, std::string_view(tmp, static_cast<size_t>(p - tmp)));
  }
  void attr(std::string_view name, double value) {
    char tmp[32];
    auto [p, ec] = std::to_chars(tmp, tmp + sizeof tmp, value);
    attr(name, std::string_view(tmp, static_cast<size_t>(p - tmp)));
  }
  void attr(std::string_view name, model::Date d) { attr(name, d.toString()); }
  void attr(std::string_view name, const std::optional<model::Date>& d) {
    if (d) attr(name, d->toString());
  }
  void attr(std::string_view name, const std::optional<model::DateTime>& t) {
    if (t) attr(name, t->toString());
  }

 private:
  static constexpr size_t kFlush = 1 << 16;

  void escape(std::string_view v) {
    for (char ch : v) {
      switch (ch) {
        case '&':
          buf_ += "&amp;";
          break;
        case '<':
          buf_ += "&lt;";
          break;
        case '>':
          buf_ += "&gt;";
          break;
        case '"':
          buf_ += "&quot;";
          break;
        case '\t':
          buf_ += "&#9;";
          break;
        case '\n':
          buf_ += "&#10;";
          break;
        case '\r':
          buf_ += "&#13;";
          break;
        default:
          if (static_cast<unsigned char>(ch) < 0x20)
            buf_ += "\xEF\xBF\xBD";  // not representable in XML 1.0
          else
            buf_ += ch;
      }
    }
  }

  void flush() {
    out_.write(buf_.data(), static_cast<std::streamsize>(buf_.size()));
    buf_.clear();
  }

  std::ostream& out_;
  std::string buf_;
};

void section(XmlOut& x, bool present, std::string_view name, const std::function<void()>& body) {
  if (!present) return;
  x.open(1, name);
  x.closeStart();
  body();
  x.end(1, name);
}

}  // namespace

void writeJournal(const model::Journal& j, std::ostream& out) {
  XmlOut x(out);
  x.raw("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<journal xmlns=\"urn:ejournal:journal:1\" version=\"");
  // The lowest version that describes the document, so readers of version 1 keep reading what has no e-mail.
  bool emails = false;
  for (const auto& s : j.staff) emails = emails || !s.email.empty();
  x.raw(emails ? "2" : "1");
  x.raw("\">\n");

  x.open(1, "school");
  x.attr("id", j.school.id);
  x.attr("fullName", j.school.fullName);
  x.attr("shortName", j.school.shortName);
  x.attrIf("director", j.school.director);
  x.attrIf("deputyDirector", j.school.deputyDirector);
  x.attrIf("address", j.school.address);
  x.closeEmpty();
  x.open(1, "year");
  x.attr("startYear", j.year.startYear);
  x.attr("from", j.year.start);
  x.attr("to", j.year.end);
  x.closeEmpty();

  section(x, !j.periods.empty(), "periods", [&] {
    for (const auto& p : j.periods) {
      x.open(2, "period");
      x.attr("id", p.id);
      x.attr("kind", model::toString(p.kind));
      x.attr("number", p.number);
      x.attr("from", p.dates.from);
      x.attr("to", p.dates.to);
      x.attr("gradeFrom", p.gradeFrom);
      x.attr("gradeTo", p.gradeTo);
      x.closeEmpty();
    }
  });
  section(x, !j.holidays.empty(), "holidays", [&] {
    for (const auto& h : j.holidays) {
      x.open(2, "holiday");
      x.attr("name", h.name);
      x.attr("from", h.dates.from);
      x.attr("to", h.dates.to);
      if (h.gradeFrom != 1 ||
          h.gradeTo != 11) {  // absent means every grade, keeping older documents canonical
        x.attr("gradeFrom", h.gradeFrom);
        x.attr("gradeTo", h.gradeTo);
      }
      x.closeEmpty();
    }
  });
  section(x, !j.staff.empty(), "staff", [&] {
    for (const auto& s : j.staff) {
      x.open(2, "person");
      x.attr("id", s.id);
      x.attr("lastName", s.lastName);
      x.attr("firstName", s.firstName);
      x.attrIf("middleName", s.middleName);
      x.attrIf("position", s.position);
      x.attrIf("email", s.email);
      x.closeEmpty();
    }
  });
  section(x, !j.subjects.empty(), "subjects", [&] {
    for (const auto& s : j.subjects) {
      x.open(2, "subject");
      x.attr("id", s.id);
      x.attr("name", s.name);
      x.attrIf("shortName", s.shortName);
      x.attr("order", s.order);
      x.attr("grading", model::toString(s.grading));
      if (s.twoMarksPerCell) x.attr("twoMarksPerCell", "true");
      x.closeEmpty();
    }
  });
  section(x, !j.classes.empty(), "classes", [&] {
    for (const auto& c : j.classes) {
      x.open(2, "class");
      x.attr("id", c.id);
      x.attr("grade", c.grade);
      x.attr("letter", c.letter);
      x.attrIf("teacher", c.classTeacherId);
      x.closeEmpty();
    }
  });
  section(x, !j.students.empty(), "students", [&] {
    for (const auto& s : j.students) {
      x.open(2, "student");
      x.attr("id", s.id);
      x.attr("lastName", s.lastName);
      x.attr("firstName", s.firstName);
      x.attrIf("middleName", s.middleName);
      x.attr("birthDate", s.birthDate);
      if (s.enrolments.empty()) {
        x.closeEmpty();
        continue;
      }
      x.closeStart();
      for (const auto& e : s.enrolments) {
        x.open(3, "enrolment");
        x.attr("class", e.classId);
        x.attr("from", e.from);
        x.attr("to", e.to);
        x.closeEmpty();
      }
      x.end(2, "student");
    }
  });
  section(x, !j.subgroups.empty(), "subgroups", [&] {
    for (const auto& g : j.subgroups) {
      x.open(2, "subgroup");
      x.attr("id", g.id);
      x.attr("class", g.classId);
      x.attr("subject", g.subjectId);
      x.attr("name", g.name);
      x.attrIf("teacher", g.teacherId);
      if (g.members.empty()) {
        x.closeEmpty();
        continue;
      }
      x.closeStart();
      for (const auto& m : g.members) {
        x.open(3, "member");
        x.attr("student", m.studentId);
        x.attr("from", m.from);
        x.attr("to", m.to);
        x.closeEmpty();
      }
      x.end(2, "subgroup");
    }
  });
  section(x, !j.curriculum.empty(), "curriculum", [&] {
    for (const auto& c : j.curriculum) {
      x.open(2, "entry");
      x.attr("class", c.classId);
      x.attr("subject", c.subjectId);
      x.attrIf("subgroup", c.subgroupId);
      x.attr("hoursPerWeek", c.hoursPerWeek);
      x.attr("hoursYear", c.hoursYear);
      if (c.periods.empty()) {
        x.closeEmpty();
        continue;
      }
      x.closeStart();
      for (const auto& h : c.periods) {
        x.open(3, "hours");
        x.attr("period", h.periodId);
        x.attr("hours", h.hours);
        x.closeEmpty();
      }
      x.end(2, "entry");
    }
  });
  section(x, !j.plan.empty(), "plan", [&] {
    for (const auto& p : j.plan) {
      x.open(2, "planned");
      x.attr("class", p.classId);
      x.attr("subject", p.subjectId);
      x.attrIf("subgroup", p.subgroupId);
      x.attr("number", p.number);
      x.attr("topic", p.topic);
      if (p.workType) x.attr("work", model::toString(*p.workType));
      x.attrIf("workTopic", p.workTopic);
      if (!p.homework) x.attr("homework", "false");
      if (p.hours != 1) x.attr("hours", p.hours);
      x.closeEmpty();
    }
  });
  section(x, !j.timetable.empty(), "timetable", [&] {
    for (const auto& t : j.timetable) {
      x.open(2, "slot");
      x.attr("weekday", t.weekday);
      x.attr("number", t.slot);
      x.attr("class", t.classId);
      x.attr("subject", t.subjectId);
      x.attrIf("subgroup", t.subgroupId);
      x.attr("teacher", t.teacherId);
      x.attr("from", t.valid.from);
      x.attr("to", t.valid.to);
      x.closeEmpty();
    }
  });
  section(x, !j.lessons.empty(), "lessons", [&] {
    for (const auto& l : j.lessons) {
      x.open(2, "lesson");
      x.attr("id", l.id);
      x.attr("date", l.date);
      x.attr("slot", l.slot);
      x.attr("class", l.classId);
      x.attr("subject", l.subjectId);
      x.attrIf("subgroup", l.subgroupId);
      x.attr("teacher", l.teacherId);
      x.attrIf("substitute", l.substituteTeacherId);
      if (l.hours != 1) x.attr("hours", l.hours);
      x.attrIf("topic", l.topic);
      x.attr("topicAt", l.topicEnteredAt);
      x.attrIf("topicBy", l.topicEnteredBy);
      x.attrIf("homework", l.homework);
      if (l.attendanceTaken) x.attr("attendanceTaken", "true");
      x.attr("attendanceAt", l.attendanceEnteredAt);
      if (l.works.empty()) {
        x.closeEmpty();
        continue;
      }
      x.closeStart();
      for (const auto& w : l.works) {
        x.open(3, "work");
        x.attr("id", w.id);
        x.attr("type", model::toString(w.type));
        x.attrIf("topic", w.topic);
        if (w.weight != 1) x.attr("weight", w.weight);
        x.closeEmpty();
      }
      x.end(2, "lesson");
    }
  });
  section(x, !j.marks.empty(), "marks", [&] {
    for (const auto& m : j.marks) {
      x.open(2, "mark");
      x.attr("id", m.id);
      x.attr("student", m.studentId);
      x.attr("lesson", m.lessonId);
      x.attrIf("work", m.workId);
      x.attr("value", m.value.toString());
      if (m.weight != 1) x.attr("weight", m.weight);
      x.attr("at", m.enteredAt.toString());
      x.attrIf("by", m.enteredBy);
      if (m.history.empty()) {
        x.closeEmpty();
        continue;
      }
      x.closeStart();
      for (const auto& c : m.history) {
        x.open(3, "change");
        if (c.oldValue) x.attr("old", c.oldValue->toString());
        if (c.newValue) x.attr("new", c.newValue->toString());
        x.attr("at", c.at.toString());
        x.attrIf("by", c.by);
        x.closeEmpty();
      }
      x.end(2, "mark");
    }
  });
  section(x, !j.attendance.empty(), "attendance", [&] {
    for (const auto& a : j.attendance) {
      x.open(2, "entry");
      x.attr("student", a.studentId);
      x.attr("lesson", a.lessonId);
      x.attr("status", model::toString(a.status));
      x.attr("at", a.enteredAt);
      x.closeEmpty();
    }
  });
  section(x, !j.periodMarks.empty(), "periodMarks", [&] {
    for (const auto& p : j.periodMarks) {
      x.open(2, "periodMark");
      x.attr("student", p.studentId);
      x.attr("class", p.classId);
      x.attr("subject", p.subjectId);
      x.attr("kind", model::toString(p.kind));
      x.attr("period", p.periodId);
      x.attr("value", p.value.toString());
      x.attr("at", p.enteredAt);
      x.attrIf("by", p.enteredBy);
      x.closeEmpty();
    }
  });
  x.raw("</journal>\n");
}

std::string writeJournal(const model::Journal& journal) {
  std::ostringstream out;
  writeJournal(journal, out);
  return out.str();
}

}  // namespace ejournal::ingest
