// Reading a journal document: the validate-then-parse pipeline, conversion of the accepted bytes (pugixml)
// into model parts, and the cross-reference checks the schema cannot express.
//
// Xerces reports chunks of the document it has accepted (secure_validator.h); each chunk is parsed on its own
// with pugixml as a fragment, converted, checked against the reference data and the lessons seen so far, and
// handed to the sink. Memory holds the reference data's ids, the lesson and work ids, hashes of mark and
// attendance keys, and one batch; never the whole document's records.
#include <algorithm>
#include <charconv>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <exception>
#include <functional>
#include <limits>
#include <mutex>
#include <optional>
#include <pugixml.hpp>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "ejournal/ingest/ingest.h"
#include "ejournal/model/files.h"
#include "secure_validator.h"

namespace ejournal::ingest {
namespace {

using detail::Chunk;
using detail::Section;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

std::string_view localName(const char* name) {
  std::string_view n(name);
  const size_t colon = n.find(':');
  return colon == std::string_view::npos ? n : n.substr(colon + 1);
}

std::string guillemets(std::string_view s) { return "«" + std::string(s) + "»"; }

uint64_t keyHash(std::initializer_list<std::string_view> parts) {
  std::string key;
  for (auto p : parts) {
    key += p;
    key += '\x1f';
  }
  return std::hash<std::string>{}(key);
}

// A problem located by a byte offset of the document, turned into line:column at the end.
struct PendingProblem {
  size_t offset = 0;
  std::string message;
};

// Byte offsets -> 1-based line:column; columns count characters (UTF-8 lead bytes), as Xerces does.
std::vector<Problem> locate(std::string_view bytes, const std::string& name,
                            std::vector<PendingProblem> pending) {
  std::stable_sort(pending.begin(), pending.end(),
                   [](const PendingProblem& a, const PendingProblem& b) { return a.offset < b.offset; });
  std::vector<Problem> out;
  size_t pos = 0, lineStart = 0;
  int line = 1;
  for (auto& p : pending) {
    const size_t target = std::min(p.offset, bytes.size());
    while (pos < target) {
      const void* nl = std::memchr(bytes.data() + pos, '\n', target - pos);
      if (!nl) {
        pos = target;
        break;
      }
      pos = static_cast<size_t>(static_cast<const char*>(nl) - bytes.data()) + 1;
      ++line;
      lineStart = pos;
    }
    int column = 1;
    for (size_t i = lineStart; i < target; ++i)
      if ((static_cast<unsigned char>(bytes[i]) & 0xC0) != 0x80) ++column;
    out.push_back(Problem{name, line, column, std::move(p.message), {}});
  }
  return out;
}

// Refuses encodings other than UTF-8 (pugixml is told the bytes are UTF-8; Xerces would transcode).
std::optional<Problem> checkEncoding(std::string_view bytes, const std::string& name) {
  const auto u = [&](size_t i) { return i < bytes.size() ? static_cast<unsigned char>(bytes[i]) : 0x100u; };
  if ((u(0) == 0xFE && u(1) == 0xFF) || (u(0) == 0xFF && u(1) == 0xFE) || u(0) == 0x00)
    return Problem{name, 1, 1, "поддерживается только кодировка UTF-8", {}};
  std::string_view s = bytes;
  if (u(0) == 0xEF && u(1) == 0xBB && u(2) == 0xBF) s.remove_prefix(3);
  if (s.substr(0, 5) != "<?xml") return std::nullopt;
  const std::string_view decl = s.substr(0, s.find("?>"));
  const size_t at = decl.find("encoding");
  if (at == std::string_view::npos) return std::nullopt;
  size_t q = decl.find_first_of("\"'", at);
  if (q == std::string_view::npos) return std::nullopt;
  const size_t e = decl.find(decl[q], q + 1);
  std::string enc(decl.substr(q + 1, e == std::string_view::npos ? std::string_view::npos : e - q - 1));
  for (auto& c : enc) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (enc == "UTF-8" || enc == "UTF8") return std::nullopt;
  return Problem{name,
                 1,
                 static_cast<int>(at + 1),
                 "кодировка " + guillemets(enc) + " не поддерживается: только UTF-8",
                 {}};
}

// What Xerces must never be given, found in one pass over the raw bytes before it starts: a NUL byte (Xerces
// takes it for the end of the input and silently drops the rest of the document), a DOCTYPE (refused
// outright, even a bare one that names no DTD), and any text run, attribute value, tag, comment, CDATA
// section or processing instruction longer than options.maxValueBytes (Xerces buffers each whole, in UTF-16,
// before anything else looks at it). The scan knows just enough XML to find those; everything else is Xerces'
// to judge, and where the document is not well-formed the scan may stop early: Xerces refuses such a document
// before reaching its end.
// Tells ReadOptions::release, at most once per window of bytes, that the reader is done with what lies behind
// `pos`: a caller that maps the document drops those pages, so a pass over the document holds a window of it.
class ReleaseBehind {
 public:
  explicit ReleaseBehind(const ReadOptions& options) : release_(options.release) {}
  void at(size_t pos) {
    if (!release_ || pos < done_ + kWindow) return;
    done_ = pos;
    release_(pos);
  }
  void all() {
    if (release_) release_(std::numeric_limits<size_t>::max());
    done_ = 0;
  }

 private:
  static constexpr size_t kWindow = size_t{4} << 20;
  const std::function<void(size_t)>& release_;
  size_t done_ = 0;
};

std::optional<PendingProblem> scanRawBytes(std::string_view bytes, const ReadOptions& options) {
  ReleaseBehind behind(options);
  size_t nul = std::string_view::npos;
  for (size_t at = 0; at < bytes.size() && nul == std::string_view::npos; at += size_t{1} << 20) {
    const std::string_view window = bytes.substr(at, size_t{1} << 20);
    if (const void* z = std::memchr(window.data(), '\0', window.size()))
      nul = at + static_cast<size_t>(static_cast<const char*>(z) - window.data());
    behind.at(at);
  }
  behind.all();
  const std::string_view s = bytes.substr(0, nul);
  const size_t cap = options.maxValueBytes;
  const std::string limit = "допускается не больше " + model::byteSize(cap);
  const auto tooLong = [&](size_t at, const std::string& what) {
    return PendingProblem{at, what + " длиннее допустимого: " + limit};
  };
  size_t pos = 0;
  while (pos < s.size()) {
    behind.at(pos);
    const size_t lt = s.find('<', pos);
    const size_t textEnd = lt == std::string_view::npos ? s.size() : lt;
    if (textEnd - pos > cap) return tooLong(pos, "текст");
    if (lt == std::string_view::npos) break;
    const std::string_view rest = s.substr(lt);
    // Comments, CDATA sections and processing instructions end at their own terminator.
    std::string_view terminator, what;
    if (rest.substr(0, 4) == "<!--")
      terminator = "-->", what = "комментарий";
    else if (rest.substr(0, 9) == "<![CDATA[")
      terminator = "]]>", what = "раздел CDATA";
    else if (rest.substr(0, 2) == "<?")
      terminator = "?>", what = "инструкция обработки";
    if (!terminator.empty()) {
      const size_t end = s.find(terminator, lt + 2);
      const size_t stop = end == std::string_view::npos ? s.size() : end + terminator.size();
      if (stop - lt > cap) return tooLong(lt, std::string(what));
      pos = stop;
      continue;
    }
    if (rest.substr(0, 2) == "<!") {
      if (rest.substr(0, 9) == "<!DOCTYPE")
        return PendingProblem{lt, "DOCTYPE запрещён: документ не может объявлять DTD и сущности"};
      break;  // no other declaration is XML in content: Xerces refuses it right there
    }
    // A tag: attribute values are quoted and may hold '>'.
    size_t i = lt + 1;
    bool closed = false;
    while (i < s.size()) {
      const size_t at = s.find_first_of("\"'>", i);
      if (at == std::string_view::npos) break;
      if (s[at] == '>') {
        i = at + 1;
        closed = true;
        break;
      }
      const size_t close = s.find(s[at], at + 1);
      const size_t valueEnd = close == std::string_view::npos ? s.size() : close;
      if (valueEnd - at - 1 > cap) {
        // The attribute's name: the word before '=' (and blanks) before the quote.
        size_t e = at;
        while (e > lt && (s[e - 1] == '=' || s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\n' ||
                          s[e - 1] == '\r'))
          --e;
        size_t b = e;
        while (b > lt && s[b - 1] != ' ' && s[b - 1] != '\t' && s[b - 1] != '\n' && s[b - 1] != '\r' &&
               s[b - 1] != '<')
          --b;
        return tooLong(at + 1, "значение атрибута " + guillemets(s.substr(b, e - b)));
      }
      if (close == std::string_view::npos) break;
      i = close + 1;
    }
    if ((closed ? i : s.size()) - lt > cap) return tooLong(lt, "тег");
    if (!closed) break;
    pos = i;
  }
  behind.all();
  if (nul != std::string_view::npos)
    return PendingProblem{nul, "нулевой байт (NUL) в документе: документ испорчен или это не текст"};
  return std::nullopt;
}

// Converts chunks into model parts and checks references; calls the sink while no problem has been found.
class Builder {
 public:
  Builder(std::string_view bytes, const ReadOptions& options,
          const std::function<void(const model::Journal&)>& sink)
      : bytes_(bytes), options_(options), sink_(sink) {}

  std::vector<PendingProblem> problems;
  bool saturated() const { return problems.size() >= options_.maxProblems; }

  void consume(const Chunk& chunk) {
    if (saturated()) return;
    pugi::xml_document doc;
    base_ = chunk.begin;
    // pugixml parses in place: copy the chunk into a buffer reused from batch to batch (fresh memory per
    // batch cost page faults that showed in profiles).
    const size_t size = chunk.end - chunk.begin;
    if (buffer_.size() < size) buffer_.resize(size);
    std::memcpy(buffer_.data(), bytes_.data() + chunk.begin, size);
    const pugi::xml_parse_result r = doc.load_buffer_inplace(
        buffer_.data(), size, pugi::parse_default | pugi::parse_fragment, pugi::encoding_utf8);
    if (!r) {
      add(chunk.begin + static_cast<size_t>(r.offset), std::string("ошибка разбора XML: ") + r.description());
      return;
    }
    model::Journal part;
    part.school = school_;
    part.year = year_;
    switch (chunk.section) {
      case Section::Reference:
        readReference(doc, part);
        break;
      case Section::Lessons:
        part.lessons.reserve(chunk.records);
        for (auto n : doc.children())
          if (n.type() == pugi::node_element) readLesson(n, part);
        break;
      case Section::Marks:
        part.marks.reserve(chunk.records);
        for (auto n : doc.children())
          if (n.type() == pugi::node_element) readMark(n, part);
        break;
      case Section::Attendance:
        part.attendance.reserve(chunk.records);
        for (auto n : doc.children())
          if (n.type() == pugi::node_element) readAttendance(n, part);
        break;
      case Section::PeriodMarks:
        part.periodMarks.reserve(chunk.records);
        for (auto n : doc.children())
          if (n.type() == pugi::node_element) readPeriodMark(n, part);
        break;
    }
    if (problems.empty()) sink_(part);
    if (options_.progress) options_.progress(chunk.end, bytes_.size());
  }

 private:
  // ---- attribute access and conversion (values were validated by Xerces; failures are still reported)

  size_t at(pugi::xml_node n) const {
    const ptrdiff_t off = n.offset_debug();
    return base_ + (off > 0 ? static_cast<size_t>(off - 1) : 0);
  }

  void add(size_t offset, std::string message) {
    if (saturated()) return;
    problems.push_back(PendingProblem{offset, std::move(message)});
  }

  static std::string_view raw(pugi::xml_node n, const char* a) { return n.attribute(a).value(); }
  static std::string text(pugi::xml_node n, const char* a) { return std::string(raw(n, a)); }
  static std::string id(pugi::xml_node n, const char* a) { return std::string(trim(raw(n, a))); }

  void bad(pugi::xml_node n, const char* a) {
    add(at(n), "неверное значение атрибута " + std::string(a) + " " + guillemets(raw(n, a)));
  }

  int integer(pugi::xml_node n, const char* a, int fallback) {
    const std::string_view v = trim(raw(n, a));
    if (v.empty()) return fallback;
    int out = 0;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
    if (ec != std::errc() || p != v.data() + v.size()) {
      bad(n, a);
      return fallback;
    }
    return out;
  }

  double decimal(pugi::xml_node n, const char* a) {
    const std::string_view v = trim(raw(n, a));
    double out = 0;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
    if (ec != std::errc() || p != v.data() + v.size()) bad(n, a);
    return out;
  }

  bool boolean(pugi::xml_node n, const char* a, bool fallback) {
    const std::string_view v = trim(raw(n, a));
    if (v.empty()) return fallback;
    if (v == "true" || v == "1") return true;
    if (v == "false" || v == "0") return false;
    bad(n, a);
    return fallback;
  }

  std::optional<model::Date> optDate(pugi::xml_node n, const char* a) {
    const std::string_view v = trim(raw(n, a));
    if (v.empty()) return std::nullopt;
    auto d = model::Date::parse(v);
    if (!d) bad(n, a);
    return d;
  }

  model::Date date(pugi::xml_node n, const char* a) { return optDate(n, a).value_or(model::Date{}); }

  std::optional<model::DateTime> optDateTime(pugi::xml_node n, const char* a) {
    const std::string_view v = trim(raw(n, a));
    if (v.empty()) return std::nullopt;
    auto d = model::DateTime::parse(v);
    if (!d) bad(n, a);
    return d;
  }

  std::optional<model::MarkValue> optMark(pugi::xml_node n, const char* a) {
    const std::string_view v = trim(raw(n, a));
    if (v.empty()) return std::nullopt;
    auto m = model::MarkValue::parse(v);
    if (!m) bad(n, a);
    return m;
  }

  // ---- reference checks

  void known(const std::unordered_set<std::string>& set, const std::string& value, pugi::xml_node n,
             const std::string& record, const char* what) {
    if (!value.empty() && !set.count(value))
      add(at(n), record + ": неизвестный " + what + " " + guillemets(value));
  }

  void knownClass(const std::string& value, pugi::xml_node n, const std::string& record) {
    if (!classes_.count(value)) add(at(n), record + ": неизвестный класс " + guillemets(value));
  }

  void knownSubgroup(const std::string& sg, const std::string& cls, const std::string& subj, pugi::xml_node n,
                     const std::string& record) {
    if (sg.empty()) return;
    auto it = subgroups_.find(sg);
    if (it == subgroups_.end()) {
      add(at(n), record + ": неизвестная подгруппа " + guillemets(sg));
    } else if (it->second.classId != cls || it->second.subjectId != subj) {
      add(at(n), record + ": подгруппа " + guillemets(sg) + " относится к классу " +
                     guillemets(it->second.classId) + " и предмету " + guillemets(it->second.subjectId) +
                     ", а не " + guillemets(cls) + " и " + guillemets(subj));
    }
  }

  void inYear(model::Date d, pugi::xml_node n, const std::string& record, const char* what) {
    if (d < year_.start || year_.end < d)
      add(at(n), record + ": " + what + " " + d.toString() + " вне учебного года " + year_.label() + " (" +
                     year_.start.toString() + " — " + year_.end.toString() + ")");
  }

  void ordered(model::Date from, std::optional<model::Date> to, pugi::xml_node n, const std::string& record) {
    if (to && *to < from)
      add(at(n), record + ": дата окончания " + to->toString() + " раньше даты начала " + from.toString());
  }

  void unique(std::unordered_set<std::string>& set, const std::string& value, pugi::xml_node n,
              const char* what) {
    if (!set.insert(value).second)
      add(at(n), "повторяющийся идентификатор " + std::string(what) + " " + guillemets(value));
  }

  // ---- reference data

  void readReference(const pugi::xml_document& doc, model::Journal& part) {
    for (auto section : doc.children()) {
      if (section.type() != pugi::node_element) continue;
      const std::string_view s = localName(section.name());
      if (s == "school") {
        auto& sc = part.school;
        sc.id = id(section, "id");
        sc.fullName = text(section, "fullName");
        sc.shortName = text(section, "shortName");
        sc.director = text(section, "director");
        sc.deputyDirector = text(section, "deputyDirector");
        sc.address = text(section, "address");
        school_ = sc;
      } else if (s == "year") {
        auto& y = part.year;
        y.startYear = integer(section, "startYear", 0);
        y.start = date(section, "from");
        y.end = date(section, "to");
        ordered(y.start, y.end, section, "учебный год");
        year_ = y;
      } else if (s == "periods") {
        for (auto n : section.children()) readPeriod(n, part);
      } else if (s == "holidays") {
        for (auto n : section.children()) {
          if (n.type() != pugi::node_element) continue;
          model::Holiday h{text(n, "name"), {date(n, "from"), date(n, "to")}};
          if (n.attribute("gradeFrom")) h.gradeFrom = n.attribute("gradeFrom").as_int(1);
          if (n.attribute("gradeTo")) h.gradeTo = n.attribute("gradeTo").as_int(11);
          ordered(h.dates.from, h.dates.to, n, "каникулы " + guillemets(h.name));
          part.holidays.push_back(std::move(h));
        }
      } else if (s == "staff") {
        for (auto n : section.children()) {
          if (n.type() != pugi::node_element) continue;
          model::Staff p{id(n, "id"),           text(n, "lastName"), text(n, "firstName"),
                         text(n, "middleName"), text(n, "position"), text(n, "email")};
          unique(staff_, p.id, n, "сотрудника");
          part.staff.push_back(std::move(p));
        }
      } else if (s == "subjects") {
        for (auto n : section.children()) {
          if (n.type() != pugi::node_element) continue;
          model::Subject sub;
          sub.id = id(n, "id");
          sub.name = text(n, "name");
          sub.shortName = n.attribute("shortName") ? text(n, "shortName") : sub.name;
          sub.order = integer(n, "order", 0);
          const std::string_view g = trim(raw(n, "grading"));
          sub.grading = model::gradingFromString(g).value_or(model::Grading::Marked);  // the XSD's default
          sub.twoMarksPerCell = boolean(n, "twoMarksPerCell", false);
          unique(subjects_, sub.id, n, "предмета");
          part.subjects.push_back(std::move(sub));
        }
      } else if (s == "classes") {
        for (auto n : section.children()) {
          if (n.type() != pugi::node_element) continue;
          model::SchoolClass c;
          c.id = id(n, "id");
          c.grade = integer(n, "grade", 1);
          c.letter = text(n, "letter");
          c.classTeacherId = id(n, "teacher");
          if (!classes_.insert(c.id).second)
            add(at(n), "повторяющийся идентификатор класса " + guillemets(c.id));
          known(staff_, c.classTeacherId, n, "класс " + c.id, "классный руководитель");
          part.classes.push_back(std::move(c));
        }
      } else if (s == "students") {
        for (auto n : section.children()) readStudent(n, part);
      } else if (s == "subgroups") {
        for (auto n : section.children()) readSubgroup(n, part);
      } else if (s == "curriculum") {
        for (auto n : section.children()) readCurriculum(n, part);
      } else if (s == "plan") {
        for (auto n : section.children()) readPlanned(n, part);
      } else if (s == "timetable") {
        for (auto n : section.children()) readSlot(n, part);
      }
    }
  }

  void readPeriod(pugi::xml_node n, model::Journal& part) {
    if (n.type() != pugi::node_element) return;
    model::Period p;
    p.id = id(n, "id");
    const std::string_view k = trim(raw(n, "kind"));
    p.kind =
        model::periodKindFromString(k).value_or(model::PeriodKind::Quarter);  // the XSD allows only these
    p.number = integer(n, "number", 1);
    p.dates = {date(n, "from"), date(n, "to")};
    p.gradeFrom = integer(n, "gradeFrom", 1);
    p.gradeTo = integer(n, "gradeTo", 11);
    const std::string record = "период " + p.id;
    unique(periods_, p.id, n, "периода");
    ordered(p.dates.from, p.dates.to, n, record);
    inYear(p.dates.from, n, record, "начало");
    inYear(p.dates.to, n, record, "конец");
    if (p.gradeTo < p.gradeFrom) add(at(n), record + ": gradeTo меньше gradeFrom");
    part.periods.push_back(std::move(p));
  }

  void readStudent(pugi::xml_node n, model::Journal& part) {
    if (n.type() != pugi::node_element) return;
    model::Student st;
    st.id = id(n, "id");
    st.lastName = text(n, "lastName");
    st.firstName = text(n, "firstName");
    st.middleName = text(n, "middleName");
    st.birthDate = optDate(n, "birthDate");
    const std::string record = "ученик " + st.id;
    unique(students_, st.id, n, "ученика");
    for (auto e : n.children()) {
      if (e.type() != pugi::node_element) continue;
      model::Enrolment en{id(e, "class"), date(e, "from"), optDate(e, "to")};
      knownClass(en.classId, e, record);
      ordered(en.from, en.to, e, record);
      st.enrolments.push_back(std::move(en));
    }
    part.students.push_back(std::move(st));
  }

  void readSubgroup(pugi::xml_node n, model::Journal& part) {
    if (n.type() != pugi::node_element) return;
    model::Subgroup g;
    g.id = id(n, "id");
    g.classId = id(n, "class");
    g.subjectId = id(n, "subject");
    g.name = text(n, "name");
    g.teacherId = id(n, "teacher");
    const std::string record = "подгруппа " + g.id;
    if (subgroups_.count(g.id)) add(at(n), "повторяющийся идентификатор подгруппы " + guillemets(g.id));
    knownClass(g.classId, n, record);
    known(subjects_, g.subjectId, n, record, "предмет");
    known(staff_, g.teacherId, n, record, "учитель");
    for (auto m : n.children()) {
      if (m.type() != pugi::node_element) continue;
      model::Membership mem{id(m, "student"), date(m, "from"), optDate(m, "to")};
      known(students_, mem.studentId, m, record, "ученик");
      ordered(mem.from, mem.to, m, record);
      g.members.push_back(std::move(mem));
    }
    subgroups_.emplace(g.id, SubgroupInfo{g.classId, g.subjectId});
    part.subgroups.push_back(std::move(g));
  }

  void readCurriculum(pugi::xml_node n, model::Journal& part) {
    if (n.type() != pugi::node_element) return;
    model::CurriculumEntry c;
    c.classId = id(n, "class");
    c.subjectId = id(n, "subject");
    c.subgroupId = id(n, "subgroup");
    c.hoursPerWeek = decimal(n, "hoursPerWeek");
    c.hoursYear = integer(n, "hoursYear", 0);
    const std::string record = "учебный план (класс " + c.classId + ", предмет " + c.subjectId +
                               (c.subgroupId.empty() ? "" : ", подгруппа " + c.subgroupId) + ")";
    if (!curriculumKeys_.insert(c.classId + '\x1f' + c.subjectId + '\x1f' + c.subgroupId).second)
      add(at(n), record + ": повторяющаяся строка учебного плана");
    knownClass(c.classId, n, record);
    known(subjects_, c.subjectId, n, record, "предмет");
    knownSubgroup(c.subgroupId, c.classId, c.subjectId, n, record);
    for (auto h : n.children()) {
      if (h.type() != pugi::node_element) continue;
      model::PeriodHours ph{id(h, "period"), integer(h, "hours", 0)};
      known(periods_, ph.periodId, h, record, "период");
      c.periods.push_back(std::move(ph));
    }
    part.curriculum.push_back(std::move(c));
  }

  void readPlanned(pugi::xml_node n, model::Journal& part) {
    if (n.type() != pugi::node_element) return;
    model::PlannedLesson p;
    p.classId = id(n, "class");
    p.subjectId = id(n, "subject");
    p.subgroupId = id(n, "subgroup");
    p.number = integer(n, "number", 0);
    p.topic = text(n, "topic");
    if (const std::string_view w = trim(raw(n, "work")); !w.empty()) {
      p.workType = model::workTypeFromString(w);
      if (!p.workType) bad(n, "work");
    }
    p.workTopic = text(n, "workTopic");
    p.homework = boolean(n, "homework", true);
    p.hours = integer(n, "hours", 1);
    const std::string record = "КТП (класс " + p.classId + ", предмет " + p.subjectId +
                               (p.subgroupId.empty() ? "" : ", подгруппа " + p.subgroupId) + ", № " +
                               std::to_string(p.number) + ")";
    if (!planKeys_
             .insert(p.classId + '\x1f' + p.subjectId + '\x1f' + p.subgroupId + '\x1f' +
                     std::to_string(p.number))
             .second)
      add(at(n), record + ": повторяющийся номер урока в КТП");
    knownClass(p.classId, n, record);
    known(subjects_, p.subjectId, n, record, "предмет");
    knownSubgroup(p.subgroupId, p.classId, p.subjectId, n, record);
    part.plan.push_back(std::move(p));
  }

  void readSlot(pugi::xml_node n, model::Journal& part) {
    if (n.type() != pugi::node_element) return;
    model::TimetableSlot t;
    t.weekday = integer(n, "weekday", 1);
    t.slot = integer(n, "number", 1);
    t.classId = id(n, "class");
    t.subjectId = id(n, "subject");
    t.subgroupId = id(n, "subgroup");
    t.teacherId = id(n, "teacher");
    t.valid = {date(n, "from"), date(n, "to")};
    const std::string record = "расписание (день " + std::to_string(t.weekday) + ", урок " +
                               std::to_string(t.slot) + ", класс " + t.classId + ")";
    if (!slotKeys_
             .insert(t.classId + '\x1f' + std::to_string(t.weekday) + '\x1f' + std::to_string(t.slot) +
                     '\x1f' + t.subjectId + '\x1f' + t.subgroupId + '\x1f' + t.valid.from.toString())
             .second)
      add(at(n), record + ": повторяющаяся строка расписания");
    knownClass(t.classId, n, record);
    known(subjects_, t.subjectId, n, record, "предмет");
    knownSubgroup(t.subgroupId, t.classId, t.subjectId, n, record);
    known(staff_, t.teacherId, n, record, "учитель");
    ordered(t.valid.from, t.valid.to, n, record);
    part.timetable.push_back(std::move(t));
  }

  // ---- lessons and the records that refer to them

  void readLesson(pugi::xml_node n, model::Journal& part) {
    model::Lesson l;
    l.id = id(n, "id");
    l.date = date(n, "date");
    l.slot = integer(n, "slot", 1);
    l.classId = id(n, "class");
    l.subjectId = id(n, "subject");
    l.subgroupId = id(n, "subgroup");
    l.teacherId = id(n, "teacher");
    l.substituteTeacherId = id(n, "substitute");
    l.hours = integer(n, "hours", 1);
    l.topic = text(n, "topic");
    l.topicEnteredAt = optDateTime(n, "topicAt");
    l.topicEnteredBy = id(n, "topicBy");
    l.homework = text(n, "homework");
    l.attendanceTaken = boolean(n, "attendanceTaken", false);
    l.attendanceEnteredAt = optDateTime(n, "attendanceAt");
    const std::string record = "урок " + l.id;
    unique(lessons_, l.id, n, "урока");
    inYear(l.date, n, record, "дата");
    knownClass(l.classId, n, record);
    known(subjects_, l.subjectId, n, record, "предмет");
    knownSubgroup(l.subgroupId, l.classId, l.subjectId, n, record);
    known(staff_, l.teacherId, n, record, "учитель");
    known(staff_, l.substituteTeacherId, n, record, "заменяющий учитель");
    known(staff_, l.topicEnteredBy, n, record, "сотрудник (topicBy)");
    for (auto w : n.children()) {
      if (w.type() != pugi::node_element) continue;
      model::Work work;
      work.id = id(w, "id");
      const std::string_view type = trim(raw(w, "type"));
      if (auto t = model::workTypeFromString(type))
        work.type = *t;
      else
        bad(w, "type");
      work.topic = text(w, "topic");
      work.weight = integer(w, "weight", 1);
      if (!works_.emplace(work.id, l.id).second)
        add(at(w), "повторяющийся идентификатор работы " + guillemets(work.id));
      l.works.push_back(std::move(work));
    }
    part.lessons.push_back(std::move(l));
  }

  void readMark(pugi::xml_node n, model::Journal& part) {
    model::Mark m;
    m.id = id(n, "id");
    m.studentId = id(n, "student");
    m.lessonId = id(n, "lesson");
    m.workId = id(n, "work");
    if (auto v = optMark(n, "value"))
      m.value = *v;
    else if (trim(raw(n, "value")).empty())
      bad(n, "value");
    m.weight = integer(n, "weight", 1);
    if (auto t = optDateTime(n, "at")) m.enteredAt = *t;
    m.enteredBy = id(n, "by");
    const std::string record = "оценка " + m.id;
    if (!markIds_.insert(std::hash<std::string>{}(m.id)).second)
      add(at(n), "повторяющийся идентификатор оценки " + guillemets(m.id));
    known(students_, m.studentId, n, record, "ученик");
    known(lessons_, m.lessonId, n, record, "урок");
    if (!m.workId.empty()) {
      auto it = works_.find(m.workId);
      if (it == works_.end())
        add(at(n), record + ": неизвестная работа " + guillemets(m.workId));
      else if (it->second != m.lessonId)
        add(at(n), record + ": работа " + guillemets(m.workId) + " относится к уроку " +
                       guillemets(it->second) + ", а не " + guillemets(m.lessonId));
    }
    known(staff_, m.enteredBy, n, record, "сотрудник (by)");
    for (auto c : n.children()) {
      if (c.type() != pugi::node_element) continue;
      model::MarkChange ch;
      ch.oldValue = optMark(c, "old");
      ch.newValue = optMark(c, "new");
      if (auto t = optDateTime(c, "at")) ch.at = *t;
      ch.by = id(c, "by");
      known(staff_, ch.by, c, record, "сотрудник (by)");
      m.history.push_back(std::move(ch));
    }
    part.marks.push_back(std::move(m));
  }

  void readAttendance(pugi::xml_node n, model::Journal& part) {
    model::Attendance a;
    a.studentId = id(n, "student");
    a.lessonId = id(n, "lesson");
    if (auto s = model::attendanceStatusFromString(trim(raw(n, "status"))))
      a.status = *s;
    else
      bad(n, "status");
    a.enteredAt = optDateTime(n, "at");
    const std::string record = "посещаемость (ученик " + a.studentId + ", урок " + a.lessonId + ")";
    if (!attendanceKeys_.insert(keyHash({a.studentId, a.lessonId})).second)
      add(at(n), record + ": повторная запись");
    known(students_, a.studentId, n, record, "ученик");
    known(lessons_, a.lessonId, n, record, "урок");
    part.attendance.push_back(std::move(a));
  }

  void readPeriodMark(pugi::xml_node n, model::Journal& part) {
    model::PeriodMark p;
    p.studentId = id(n, "student");
    p.classId = id(n, "class");
    p.subjectId = id(n, "subject");
    if (auto k = model::periodMarkKindFromString(trim(raw(n, "kind"))))
      p.kind = *k;
    else
      bad(n, "kind");
    p.periodId = id(n, "period");
    if (auto v = optMark(n, "value")) p.value = *v;
    p.enteredAt = optDateTime(n, "at");
    p.enteredBy = id(n, "by");
    const std::string record = "итоговая отметка (ученик " + p.studentId + ", предмет " + p.subjectId + ", " +
                               std::string(model::toString(p.kind)) + " " + p.periodId + ")";
    if (!periodMarkKeys_
             .insert(keyHash({p.studentId, p.classId, p.subjectId, model::toString(p.kind), p.periodId}))
             .second)
      add(at(n), record + ": повторная запись");
    known(students_, p.studentId, n, record, "ученик");
    knownClass(p.classId, n, record);
    known(subjects_, p.subjectId, n, record, "предмет");
    known(periods_, p.periodId, n, record, "период");
    known(staff_, p.enteredBy, n, record, "сотрудник (by)");
    part.periodMarks.push_back(std::move(p));
  }

  struct SubgroupInfo {
    std::string classId;
    std::string subjectId;
  };

  std::string_view bytes_;
  const ReadOptions& options_;
  const std::function<void(const model::Journal&)>& sink_;
  size_t base_ = 0;
  std::vector<char> buffer_;
  model::School school_;
  model::AcademicYear year_;
  std::unordered_set<std::string> staff_, subjects_, classes_, students_, periods_, lessons_;
  std::unordered_set<std::string> curriculumKeys_, planKeys_, slotKeys_;
  std::unordered_map<std::string, SubgroupInfo> subgroups_;
  std::unordered_map<std::string, std::string> works_;  // work id -> lesson id
  // Hashes keep memory small for the most numerous records; a 64-bit collision would be reported as a
  // duplicate.
  std::unordered_set<uint64_t> markIds_, attendanceKeys_, periodMarkKeys_;
};

// Chunks handed from the validating thread to the parsing thread; bounded so validation cannot run far ahead.
class ChunkQueue : public detail::ChunkListener {
 public:
  explicit ChunkQueue(size_t capacity) : capacity_(capacity) {}

  bool onChunk(const Chunk& chunk) override {
    std::unique_lock lock(mutex_);
    notFull_.wait(lock, [&] { return queue_.size() < capacity_ || cancelled_; });
    if (cancelled_) return false;
    queue_.push_back(chunk);
    notEmpty_.notify_one();
    return true;
  }

  std::optional<Chunk> pop() {
    std::unique_lock lock(mutex_);
    notEmpty_.wait(lock, [&] { return !queue_.empty() || closed_; });
    if (queue_.empty()) return std::nullopt;
    Chunk c = queue_.front();
    queue_.pop_front();
    notFull_.notify_one();
    return c;
  }

  void close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    notEmpty_.notify_all();
  }

  void cancel() {
    std::lock_guard lock(mutex_);
    cancelled_ = true;
    notFull_.notify_all();
  }

 private:
  size_t capacity_;
  std::mutex mutex_;
  std::condition_variable notEmpty_, notFull_;
  std::deque<Chunk> queue_;
  bool closed_ = false;
  bool cancelled_ = false;
};

class ChunkList : public detail::ChunkListener {
 public:
  bool onChunk(const Chunk& chunk) override {
    chunks.push_back(chunk);
    return true;
  }
  std::vector<Chunk> chunks;
};

}  // namespace

void readJournal(std::string_view bytes, const std::string& name,
                 const std::function<void(const model::Journal& part)>& sink, const ReadOptions& options) {
  if (bytes.size() > options.maxBytes)
    throw InvalidDocument({Problem{name,
                                   0,
                                   0,
                                   "документ слишком велик: " + std::to_string(bytes.size()) +
                                       " байт, допускается не больше " + model::byteSize(options.maxBytes),
                                   {}}});
  if (auto p = checkEncoding(bytes, name)) throw InvalidDocument({*p});
  if (auto p = scanRawBytes(bytes, options)) throw InvalidDocument(locate(bytes, name, {*p}));

  Builder builder(bytes, options, sink);
  std::vector<Problem> problems;
  if (options.pipeline == Pipeline::Sequential) {
    ChunkList list;
    problems = detail::validate(bytes, name, options, list);
    if (problems.empty())
      for (const Chunk& c : list.chunks) {
        builder.consume(c);
        if (options.release) options.release(c.end);
      }
  } else {
    ChunkQueue queue(4);
    std::exception_ptr failure;
    std::thread validator([&] {
      try {
        problems = detail::validate(bytes, name, options, queue);
      } catch (...) {
        failure = std::current_exception();
      }
      queue.close();
    });
    try {
      while (auto chunk = queue.pop()) {
        builder.consume(*chunk);
        // Xerces is past this chunk too (it hands over only what it has accepted).
        if (options.release) options.release(chunk->end);
        if (builder.saturated()) queue.cancel();
      }
    } catch (...) {
      queue.cancel();
      validator.join();
      throw;
    }
    validator.join();
    if (failure) std::rethrow_exception(failure);
  }
  if (problems.empty() && builder.problems.empty()) return;
  std::vector<Problem> located = locate(bytes, name, std::move(builder.problems));
  problems.insert(problems.end(), std::make_move_iterator(located.begin()),
                  std::make_move_iterator(located.end()));
  std::stable_sort(problems.begin(), problems.end(), [](const Problem& a, const Problem& b) {
    return std::tie(a.line, a.column) < std::tie(b.line, b.column);
  });
  if (problems.size() > options.maxProblems) problems.resize(options.maxProblems);
  throw InvalidDocument(std::move(problems));
}

model::Journal readJournal(std::string_view bytes, const std::string& name, const ReadOptions& options) {
  model::Journal out;
  bool first = true;
  readJournal(
      bytes, name,
      [&](const model::Journal& part) {
        if (first) {
          out = part;
          first = false;
          return;
        }
        out.lessons.insert(out.lessons.end(), part.lessons.begin(), part.lessons.end());
        out.marks.insert(out.marks.end(), part.marks.begin(), part.marks.end());
        out.attendance.insert(out.attendance.end(), part.attendance.begin(), part.attendance.end());
        out.periodMarks.insert(out.periodMarks.end(), part.periodMarks.begin(), part.periodMarks.end());
      },
      options);
  return out;
}

}  // namespace ejournal::ingest
