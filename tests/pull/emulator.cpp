// The dnevnik.ru API v2 emulator (see emulator.h): a Poco HTTPServer on 127.0.0.1 answering from a
// model::Journal.
#include "emulator.h"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <charconv>
#include <map>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <unordered_map>

#include "ejournal/model/json.h"

namespace ejournal::pulltest {
namespace {

using model::Date;
using model::DateTime;

// ---- a small JSON writer: exact control over numbers and key order ----
class Json {
 public:
  explicit Json(bool lossy) : lossy_(lossy) {}
  Json& beginObject() {
    sep();
    out_ += '{';
    first_.push_back(true);
    return *this;
  }
  Json& endObject() {
    out_ += '}';
    first_.pop_back();
    return *this;
  }
  Json& beginArray() {
    sep();
    out_ += '[';
    first_.push_back(true);
    return *this;
  }
  Json& endArray() {
    out_ += ']';
    first_.pop_back();
    return *this;
  }
  Json& key(const std::string& k) {
    sep();
    string(k);
    out_ += ':';
    pendingValue_ = true;
    return *this;
  }
  Json& str(const std::string& v) {
    sep();
    string(v);
    return *this;
  }
  Json& null() {
    sep();
    out_ += "null";
    return *this;
  }
  Json& boolean(bool b) {
    sep();
    out_ += b ? "true" : "false";
    return *this;
  }
  Json& integer(long long v) {
    sep();
    out_ += std::to_string(v);
    return *this;
  }
  // A numeric id, exact: fields without a *_str twin are always written exactly.
  Json& idNumber(const std::string& id) {
    sep();
    out_ += std::to_string(std::stoll(id));
    return *this;
  }
  // The numeric half of an id with a text twin; lossy mode writes what a double-precision serializer would
  // (2^53 + 1 -> 2^53), so only a client reading the twin stays exact.
  Json& twinNumber(const std::string& id) {
    sep();
    long long v = std::stoll(id);
    out_ += lossy_ ? std::to_string(static_cast<long long>(static_cast<double>(v))) : std::to_string(v);
    return *this;
  }
  // "name": number, "name_str": "text" (or both null).
  Json& id(const std::string& name, const std::string& id) {
    if (id.empty()) {
      key(name).null();
      key(name + "_str").null();
    } else {
      key(name).twinNumber(id);
      key(name + "_str").str(id);
    }
    return *this;
  }
  Json& ids(const std::string& name, const std::vector<std::string>& ids) {
    key(name).beginArray();
    for (auto& i : ids) twinNumber(i);
    endArray();
    key(name + "_str").beginArray();
    for (auto& i : ids) str(i);
    endArray();
    return *this;
  }
  const std::string& text() const { return out_; }

 private:
  void sep() {
    if (pendingValue_) {
      pendingValue_ = false;
      return;
    }
    if (!first_.empty()) {
      if (!first_.back()) out_ += ',';
      first_.back() = false;
    }
  }
  void string(const std::string& s) { out_ += model::jsonString(s); }

  bool lossy_;
  std::string out_;
  std::vector<bool> first_;
  bool pendingValue_ = false;
};

bool isNumericId(const std::string& s) {
  if (s.empty() || s.size() > 19) return false;
  if (!std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
    return false;
  long long v = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  return r.ec == std::errc() && v > 0;
}

std::string dateText(Date d) { return d.toString() + "T00:00:00"; }

struct Response {
  int status = 200;
  std::string body;
  std::string contentType = "application/json; charset=utf-8";
  std::string retryAfter;
};

Response error(int status, const std::string& type, const std::string& description) {
  Json j(false);
  j.beginObject().key("type").str(type).key("description").str(description).endObject();
  return {status, j.text(), "application/json; charset=utf-8", ""};
}

}  // namespace

// ---- the emulator state ----

struct DnevnikEmulator::Impl {
  EmulatorOptions options;
  mutable std::shared_mutex mutex;  // guards journal, marks and the derived maps below
  model::Journal j;
  std::string token;
  std::vector<Fault> faults;
  std::vector<int> faultSeen;
  std::mutex faultMutex;
  std::atomic<size_t> requests{0};
  std::atomic<size_t> fired{0};
  mutable std::mutex logMutex;
  std::vector<std::string> log;

  long long next = 0;
  std::unordered_map<std::string, std::string> userOfStaff;  // staff id -> user id
  std::map<std::pair<int, int>, std::string> workTypeId;     // (WorkType or -1 for PeriodMark, weight) -> id
  std::vector<std::tuple<std::string, std::string, int, std::string>>
      workTypeList;                                 // id, title, weight, abbr
  std::map<std::string, std::string> periodApiId;   // period id -> api id
  std::map<std::string, std::string> defaultWork;   // lesson id -> DefaultNewLessonWork id
  std::map<std::string, std::string> homeworkWork;  // lesson id -> Homework work id
  std::map<std::string, std::string> periodWork;    // class|subject|kind|period -> PeriodMark work id
  std::map<std::string, const model::PeriodMark*> periodWorkOwner;  // work id -> first mark (createdBy, kind)
  std::vector<std::string> periodMarkIds;                           // parallel to j.periodMarks
  std::vector<std::string> periodMarkGroup;  // parallel: the class, or the pupil's subgroup of the subject
  std::unordered_map<std::string, size_t> lessonPos;
  std::unordered_map<std::string, std::vector<size_t>> lessonsOfGroup;  // sorted by date, slot
  std::unordered_map<std::string, std::vector<size_t>> marksOfLesson;
  std::unordered_map<std::string, std::vector<size_t>> absencesOfLesson;
  std::unordered_map<std::string, size_t> markPos;
  std::unordered_map<std::string, const model::Subject*> subjects;
  std::unordered_map<std::string, const model::SchoolClass*> classes;
  std::unordered_map<std::string, const model::Subgroup*> subgroups;
  std::unordered_map<std::string, const model::Staff*> staff;
  std::unordered_map<std::string, const model::Student*> students;
  std::unordered_map<std::string, const model::Work*> works;  // graded works by id
  std::unordered_map<std::string, std::string> lessonOfWork;

  std::unique_ptr<Poco::Net::HTTPServer> server;

  std::string newId() { return std::to_string(next++); }

  void build() {
    if (!hasNumericIds(j))
      throw std::invalid_argument(
          "dnevnik emulator: the journal has non-numeric ids; convert it with withNumericIds()");
    long long maxId = 0;
    auto see = [&](const std::string& id) {
      if (!id.empty()) maxId = std::max(maxId, std::stoll(id));
    };
    see(j.school.id);
    for (auto& x : j.staff) see(x.id);
    for (auto& x : j.subjects) see(x.id);
    for (auto& x : j.classes) see(x.id);
    for (auto& x : j.students) see(x.id);
    for (auto& x : j.subgroups) see(x.id);
    for (auto& l : j.lessons) {
      see(l.id);
      for (auto& w : l.works) see(w.id);
    }
    for (auto& m : j.marks) see(m.id);
    next = maxId + 1000;

    for (auto& s : j.staff) staff[s.id] = &s, userOfStaff[s.id] = newId();
    for (auto& s : j.subjects) subjects[s.id] = &s;
    for (auto& c : j.classes) classes[c.id] = &c;
    for (auto& s : j.subgroups) subgroups[s.id] = &s;
    for (auto& s : j.students) students[s.id] = &s;
    for (auto& p : j.periods)
      if (p.kind != model::PeriodKind::Year) periodApiId[p.id] = newId();

    auto typeId = [&](int type, int weight) {
      auto key = std::make_pair(type, weight);
      auto it = workTypeId.find(key);
      if (it != workTypeId.end()) return it->second;
      std::string id = newId();
      workTypeId[key] = id;
      std::string title = type < 0 ? "Итоговая отметка"
                                   : std::string(model::russianTitle(static_cast<model::WorkType>(type)));
      workTypeList.emplace_back(id, title, weight, title.substr(0, 2));
      return id;
    };
    for (int t = 0; t <= static_cast<int>(model::WorkType::Excursion); ++t) typeId(t, 1);
    typeId(-1, 1);
    for (size_t i = 0; i < j.lessons.size(); ++i) {
      auto& l = j.lessons[i];
      lessonPos[l.id] = i;
      lessonsOfGroup[l.subgroupId.empty() ? l.classId : l.subgroupId].push_back(i);
      defaultWork[l.id] = newId();
      if (!l.homework.empty()) homeworkWork[l.id] = newId();
      for (auto& w : l.works) {
        works[w.id] = &w;
        lessonOfWork[w.id] = l.id;
        typeId(static_cast<int>(w.type), w.weight);
      }
    }
    for (auto& [g, list] : lessonsOfGroup)
      std::sort(list.begin(), list.end(), [&](size_t a, size_t b) {
        return std::tie(j.lessons[a].date, j.lessons[a].slot, j.lessons[a].id) <
               std::tie(j.lessons[b].date, j.lessons[b].slot, j.lessons[b].id);
      });
    for (size_t i = 0; i < j.marks.size(); ++i) {
      auto& m = j.marks[i];
      marksOfLesson[m.lessonId].push_back(i);
      markPos[m.id] = i;
      model::WorkType t = model::WorkType::Classwork;
      if (auto w = works.find(m.workId); w != works.end()) t = w->second->type;
      typeId(static_cast<int>(t), m.weight);
    }
    for (size_t i = 0; i < j.attendance.size(); ++i) absencesOfLesson[j.attendance[i].lessonId].push_back(i);
    for (auto& pm : j.periodMarks) {
      periodMarkIds.push_back(newId());
      std::string group = pm.classId;
      for (auto& sg : j.subgroups)
        if (sg.classId == pm.classId && sg.subjectId == pm.subjectId &&
            std::any_of(sg.members.begin(), sg.members.end(),
                        [&](auto& m) { return m.studentId == pm.studentId; }))
          group = sg.id;
      periodMarkGroup.push_back(group);
      std::string key =
          group + "|" + pm.subjectId + "|" + std::string(model::toString(pm.kind)) + "|" + pm.periodId;
      auto [it, fresh] = periodWork.try_emplace(key);
      if (fresh) {
        it->second = newId();
        periodWorkOwner[it->second] = &pm;
      }
    }
  }

  std::string workTypeFor(model::WorkType t, int weight) const {
    auto it = workTypeId.find({static_cast<int>(t), weight});
    if (it == workTypeId.end()) it = workTypeId.find({static_cast<int>(t), 1});
    return it->second;
  }

  DateTime lessonStart(const model::Lesson& l) const {
    return DateTime{l.date, 8 * 3600 + 30 * 60 + (std::max(1, l.slot) - 1) * 55 * 60};
  }

  // ---- object writers (upstream-api.md §1.4) ----

  void person(Json& o, const std::string& id, const std::string& last, const std::string& first,
              const std::string& middle, const std::string& shortName, const std::string& userId) const {
    o.beginObject()
        .id("id", id)
        .id("userId", userId)
        .key("firstName")
        .str(first)
        .key("lastName")
        .str(last)
        .key("middleName")
        .str(middle)
        .key("shortName")
        .str(shortName)
        .key("sex")
        .null()
        .endObject();
  }
  void staffPerson(Json& o, const model::Staff& s) const {
    person(o, s.id, s.lastName, s.firstName, s.middleName, s.shortName(), userOfStaff.at(s.id));
  }
  void studentPerson(Json& o, const model::Student& s) const {
    person(o, s.id, s.lastName, s.firstName, s.middleName, s.shortName(), "");
  }
  void subject(Json& o, const std::string& id) const {
    auto it = subjects.find(id);
    o.beginObject()
        .id("id", id)
        .key("name")
        .str(it == subjects.end() ? "" : it->second->name)
        .key("knowledgeArea")
        .str("")
        .key("fgosSubjectId")
        .null()
        .endObject();
  }
  void eduGroup(Json& o, const std::string& id) const {
    o.beginObject().id("id", id);
    if (auto c = classes.find(id); c != classes.end()) {
      o.ids("parentIds", {})
          .key("type")
          .str("Group")
          .key("name")
          .str(c->second->name())
          .key("fullName")
          .str(c->second->name())
          .key("parallel")
          .integer(c->second->grade);
      o.key("subjects").beginArray().endArray();
    } else {
      auto* s = subgroups.at(id);
      int grade = classes.count(s->classId) ? classes.at(s->classId)->grade : 0;
      o.ids("parentIds", {s->classId})
          .key("type")
          .str("Subgroup")
          .key("name")
          .str(s->name)
          .key("fullName")
          .str(s->name)
          .key("parallel")
          .integer(grade);
      o.key("subjects").beginArray();
      subject(o, s->subjectId);
      o.endArray();
    }
    o.id("timetable", "")
        .key("status")
        .str("Active")
        .key("studyyear")
        .integer(j.year.startYear)
        .key("educationType")
        .str("Common")
        .key("journaltype")
        .str("Default")
        .endObject();
  }
  void work(Json& o, const std::string& id, const std::string& type, const std::string& workType,
            const model::Lesson* l, const std::string& group, const std::string& subjectId,
            const std::string& text, std::optional<DateTime> sent, const std::string& createdByStaff,
            int markCount, const std::string& periodType, int periodNumber) const {
    o.beginObject()
        .id("id", id)
        .key("type")
        .str(type)
        .id("workType", workType)
        .key("markType")
        .str("mark5")
        .key("markCount")
        .integer(markCount)
        .id("lesson", l ? l->id : "")
        .key("displayInJournal")
        .boolean(markCount > 0)
        .key("status")
        .str("Sent")
        .id("eduGroup", group)
        .key("tasks")
        .beginArray()
        .endArray()
        .key("text")
        .str(text)
        .key("periodNumber")
        .integer(periodNumber)
        .key("periodType")
        .str(periodType)
        .key("subjectId")
        .idNumber(subjectId)
        .key("isImportant")
        .boolean(false);
    if (l)
      o.key("targetDate").str(dateText(l->date));
    else
      o.key("targetDate").null();
    if (sent)
      o.key("sentDate").str(sent->toString());
    else
      o.key("sentDate").null();
    auto u = userOfStaff.find(createdByStaff);
    if (u != userOfStaff.end())
      o.key("createdBy").idNumber(u->second);
    else
      o.key("createdBy").null();
    o.key("files").beginArray().endArray().key("oneDriveLinks").beginArray().endArray().endObject();
  }
  void lesson(Json& o, const model::Lesson& l) const {
    const std::string group = l.subgroupId.empty() ? l.classId : l.subgroupId;
    const std::string taught = l.substituteTeacherId.empty() ? l.teacherId : l.substituteTeacherId;
    // A work of Russian or literature takes two marks per student (Work.markCount), a dictation's «4/5».
    const auto subj = std::find_if(j.subjects.begin(), j.subjects.end(),
                                   [&](const model::Subject& s) { return s.id == l.subjectId; });
    const int marksPerCell = subj != j.subjects.end() && subj->twoMarksPerCell ? 2 : 1;
    o.beginObject()
        .id("id", l.id)
        .key("title")
        .str(l.topic)
        .key("date")
        .str(lessonStart(l).toString())
        .key("number")
        .integer(l.slot)
        .key("subject");
    subject(o, l.subjectId);
    o.id("group", group).key("status").str("Held").key("resultPlaceId").null().key("works").beginArray();
    // The default column: dnevnik.ru creates it when the teacher fills in the lesson, so its sentDate and
    // createdBy are when and by whom the topic was entered.
    work(o, defaultWork.at(l.id), "DefaultNewLessonWork", workTypeFor(model::WorkType::Classwork, 1), &l,
         group, l.subjectId, "", l.topic.empty() ? std::nullopt : l.topicEnteredAt,
         l.topicEnteredBy.empty() ? taught : l.topicEnteredBy, marksPerCell, "Unknown", 0);
    for (auto& w : l.works)
      work(o, w.id, w.type == model::WorkType::Control ? "LessonTestWork" : "CommonWork",
           workTypeFor(w.type, w.weight), &l, group, l.subjectId, w.topic, std::nullopt, taught, marksPerCell,
           "Unknown", 0);
    if (auto h = homeworkWork.find(l.id); h != homeworkWork.end())
      work(o, h->second, "Homework", workTypeFor(model::WorkType::Homework, 1), &l, group, l.subjectId,
           l.homework, l.topicEnteredAt, taught, 0, "Unknown", 0);
    o.endArray();
    o.ids("teachers", taught.empty() ? std::vector<std::string>{} : std::vector<std::string>{taught})
        .endObject();
  }
  static std::pair<std::string, std::string> scale(const model::MarkValue& v) {
    switch (v.kind) {
      case model::MarkKind::Points:
        return {"mark5", v.toString()};
      case model::MarkKind::NotAssessed:
        return {"markna", v.toString()};
      case model::MarkKind::Pass:
      case model::MarkKind::Fail:
        return {"test", v.toString()};
      case model::MarkKind::Exempt:
        return {"markdismiss", v.toString()};
    }
    return {"mark5", v.toString()};
  }
  void mark(Json& o, const model::Mark& m) const {
    auto [type, text] = scale(m.value);
    model::WorkType t = model::WorkType::Classwork;
    auto w = works.find(m.workId);
    if (w != works.end()) t = w->second->type;
    std::string mood = m.value.kind != model::MarkKind::Points ? "NotSet"
                       : m.value.points >= 4                   ? "Good"
                       : m.value.points == 3                   ? "Average"
                                                               : "Bad";
    o.beginObject()
        .id("id", m.id)
        .key("type")
        .str(type)
        .key("value")
        .str(text)
        .key("textValue")
        .str(text)
        .id("person", m.studentId)
        .id("work", w != works.end() ? m.workId : defaultWork.at(m.lessonId))
        .id("lesson", m.lessonId)
        .key("number")
        .integer(0)
        .key("date")
        .str(m.enteredAt.toString())
        .key("workType")
        .idNumber(workTypeFor(t, m.weight))
        .key("mood")
        .str(mood)
        .key("use_avg_calc")
        .boolean(true)
        .endObject();
  }

  bool inGroup(const model::Student& s, const std::string& group, Date d) const {
    if (classes.count(group)) return s.enrolledIn(group, d);
    auto* sg = subgroups.at(group);
    return std::any_of(sg->members.begin(), sg->members.end(),
                       [&](const model::Membership& m) { return m.studentId == s.id && m.contains(d); });
  }

  void logEntries(Json& o, const model::Lesson& l) const {
    std::set<std::string> absent;
    auto it = absencesOfLesson.find(l.id);
    const DateTime taken = l.attendanceEnteredAt ? *l.attendanceEnteredAt : DateTime{l.date, 0};
    auto entry = [&](const std::string& person, const char* status, DateTime created) {
      // createdDate carries milliseconds, as in the swagger examples.
      o.beginObject()
          .id("person", person)
          .id("lesson", l.id)
          .key("comment")
          .str("")
          .key("status")
          .str(status)
          .key("createdDate")
          .str(created.toString() + ".000")
          .endObject();
    };
    if (it != absencesOfLesson.end())
      for (size_t i : it->second) {
        const auto& a = j.attendance[i];
        absent.insert(a.studentId);
        const char* status = a.status == model::AttendanceStatus::Absent ? "Absent"
                             : a.status == model::AttendanceStatus::Ill  ? "Ill"
                             : a.status == model::AttendanceStatus::Late ? "Late"
                                                                         : "Pass";
        entry(a.studentId, status, a.enteredAt ? *a.enteredAt : taken);
      }
    if (!l.attendanceTaken) return;
    const std::string group = l.subgroupId.empty() ? l.classId : l.subgroupId;
    for (auto& s : j.students)
      if (!absent.count(s.id) && inGroup(s, group, l.date)) entry(s.id, "Attend", taken);
  }

  // ---- routing ----

  std::optional<DateTime> pathDate(const std::string& s, bool end) const {
    auto dt = DateTime::parse(s);
    if (!dt) return std::nullopt;
    // A bare date as the end of a range means the whole day, or its midnight on deployments that read it so.
    const bool dateOnly = s.find_first_of("T ") == std::string::npos;
    if (end && dateOnly && !options.dateOnlyEndIsMidnight) dt->secondOfDay = 86399;
    return dt;
  }

  bool isGroup(const std::string& g) const { return classes.count(g) || subgroups.count(g); }

  Response route(const std::string& method, const std::vector<std::string>& seg,
                 const std::vector<std::pair<std::string, std::string>>& query,
                 const std::string& body) const {
    Json o(options.lossyNumbers);
    auto n = seg.size();
    auto is = [&](std::initializer_list<const char*> parts) {
      if (parts.size() != n) return false;
      size_t i = 0;
      for (const char* p : parts) {
        if (std::string(p) != "*" && seg[i] != p) return false;
        ++i;
      }
      return true;
    };
    auto ok = [&]() { return Response{200, o.text(), "application/json; charset=utf-8", ""}; };
    const std::string& sid = j.school.id;
    const model::Staff* me = j.staff.empty() ? nullptr : &j.staff.front();

    if (method == "GET" && is({"users", "me", "context"})) {
      o.beginObject()
          .key("userId")
          .idNumber(me ? userOfStaff.at(me->id) : sid)
          .key("personId")
          .idNumber(me ? me->id : sid)
          .key("shortName")
          .str(me ? me->shortName() : "")
          .key("firstName")
          .str(me ? me->firstName : "")
          .key("lastName")
          .str(me ? me->lastName : "")
          .key("middleName")
          .str(me ? me->middleName : "")
          .key("avatarUrl")
          .null()
          .key("roles")
          .beginArray()
          .str("EduStaff")
          .str("EduSchoolAdministrator")
          .endArray();
      o.key("schools")
          .beginArray()
          .beginObject()
          .id("id", sid)
          .key("name")
          .str(j.school.shortName)
          .key("type")
          .str("School")
          .key("groupIds")
          .beginArray();
      for (auto& c : j.classes) o.idNumber(c.id);
      o.endArray().endObject().endArray();
      o.key("eduGroups").beginArray().endArray().key("schoolIds").beginArray().idNumber(sid).endArray();
      o.key("groupIds").beginArray();
      for (auto& c : j.classes) o.idNumber(c.id);
      o.endArray().key("children").beginArray().endArray().key("splitId").str("emulator").endObject();
      return ok();
    }
    if (method == "GET" && is({"users", "me", "schools"})) {
      o.beginArray().idNumber(sid).endArray();
      return ok();
    }
    if (n >= 2 && (seg[0] == "schools" || seg[0] == "work-types") && seg[1] != sid)
      return error(403, "authorizationOutOfScope", "Школа " + seg[1] + " вне области действия токена");
    if (method == "GET" && is({"schools", "*"})) {
      o.beginObject()
          .id("id", sid)
          .key("name")
          .str(j.school.shortName)
          .key("fullName")
          .str(j.school.fullName)
          .key("avatarSmall")
          .null()
          .key("city")
          .str("")
          .key("municipality")
          .str("")
          .key("regionId")
          .null()
          .key("markType")
          .str("mark5")
          .key("timeZone")
          .integer(3)
          .key("uses_avg")
          .boolean(true)
          .key("uses_weighted_avg")
          .boolean(true)
          .key("educationType")
          .str("Common")
          .endObject();
      return ok();
    }
    if (method == "GET" && is({"schools", "*", "edu-groups"})) {
      o.beginArray();
      for (auto& c : j.classes) eduGroup(o, c.id);
      for (auto& s : j.subgroups) eduGroup(o, s.id);
      o.endArray();
      return ok();
    }
    if (method == "GET" && is({"schools", "*", "teachers"})) {
      o.beginArray();
      for (auto& s : j.staff) {
        // PascalCase, as S1 Teacher.java deserialises it.
        const std::string& u = userOfStaff.at(s.id);
        o.beginObject()
            .key("Id")
            .twinNumber(s.id)
            .key("IdStr")
            .str(s.id)
            .key("UserId")
            .twinNumber(u)
            .key("UserIdStr")
            .str(u)
            .key("FirstName")
            .str(s.firstName)
            .key("LastName")
            .str(s.lastName)
            .key("MiddleName")
            .str(s.middleName)
            .key("ShortName")
            .str(s.shortName())
            .key("Sex")
            .null()
            .key("TeachingStaff")
            .boolean(true)
            .key("NameTeacherPosition")
            .str(s.position)
            .key("ManagingEmployee")
            .boolean(false)
            .endObject();
      }
      o.endArray();
      return ok();
    }
    if (method == "GET" && is({"schools", "*", "subjects"})) {
      o.beginArray();
      for (auto& s : j.subjects) subject(o, s.id);
      o.endArray();
      return ok();
    }
    if (method == "GET" && is({"work-types", "*"})) {
      o.beginArray();
      for (auto& [id, title, weight, abbr] : workTypeList)
        o.beginObject()
            .id("id", id)
            .key("schoolId")
            .idNumber(sid)
            .key("kindId")
            .integer(1)
            .key("kind")
            .str(title == "Итоговая отметка" ? "PeriodMark" : "CommonWork")
            .key("title")
            .str(title)
            .key("abbr")
            .str(abbr)
            .key("weight")
            .integer(weight)
            .endObject();
      o.endArray();
      return ok();
    }
    if (method == "POST" && is({"edu-groups"})) {
      std::vector<std::string> ids;
      std::string cur;
      for (char c : body) {
        if (std::isdigit(static_cast<unsigned char>(c)))
          cur += c;
        else if (!cur.empty())
          ids.push_back(cur), cur.clear();
      }
      if (!cur.empty()) ids.push_back(cur);
      o.beginArray();
      for (auto& g : ids) {
        if (!isGroup(g)) continue;
        o.beginObject().key("group");
        eduGroup(o, g);
        o.key("students").beginArray();
        for (auto& s : j.students) {
          std::optional<bool> active;
          if (classes.count(g)) {
            for (auto& e : s.enrolments)
              if (e.classId == g) active = active.value_or(false) || !e.to || *e.to >= j.year.end;
          } else {
            for (auto& m : subgroups.at(g)->members)
              if (m.studentId == s.id) active = active.value_or(false) || !m.to || *m.to >= j.year.end;
          }
          if (!active) continue;
          o.beginObject().key("person");
          studentPerson(o, s);
          o.key("membershipstatus").str(*active ? "Active" : "Archive").endObject();
        }
        o.endArray().endObject();
      }
      o.endArray();
      return ok();
    }
    if (method == "POST" && is({"works", "many"})) {
      std::vector<std::string> ids;
      std::string cur;
      for (char c : body) {
        if (std::isdigit(static_cast<unsigned char>(c)))
          cur += c;
        else if (!cur.empty())
          ids.push_back(cur), cur.clear();
      }
      if (!cur.empty()) ids.push_back(cur);
      o.beginArray();
      for (auto& id : ids) workById(o, id);
      o.endArray();
      return ok();
    }
    if (method == "GET" && is({"works", "*"})) {
      if (!workById(o, seg[1]))
        return error(404, "apiResourceUnavailable", "Работа " + seg[1] + " не найдена");
      return ok();
    }
    if (method == "GET" && is({"lesson-log-entries", "statuses"})) {
      o.beginArray().str("Attend").str("Absent").str("Ill").str("Late").str("Pass").endArray();
      return ok();
    }
    if (method == "GET" && is({"lesson-log-entries"})) {
      o.beginArray();
      for (auto& [k, v] : query) {
        if (k != "lessons") continue;
        std::stringstream ss(v);
        std::string id;
        while (std::getline(ss, id, ','))
          if (auto p = lessonPos.find(id); p != lessonPos.end()) logEntries(o, j.lessons[p->second]);
      }
      o.endArray();
      return ok();
    }
    if (method == "GET" && n >= 2 && seg[0] == "lessons") {
      auto p = lessonPos.find(seg[1]);
      if (p == lessonPos.end()) return error(404, "apiResourceUnavailable", "Урок " + seg[1] + " не найден");
      const auto& l = j.lessons[p->second];
      if (n == 2) {
        lesson(o, l);
        return ok();
      }
      if (n == 3 && seg[2] == "log-entries") {
        o.beginArray();
        logEntries(o, l);
        o.endArray();
        return ok();
      }
      if (n == 3 && seg[2] == "marks") {
        o.beginArray();
        if (auto m = marksOfLesson.find(l.id); m != marksOfLesson.end())
          for (size_t i : m->second) mark(o, j.marks[i]);
        o.endArray();
        return ok();
      }
    }
    if (method == "GET" && is({"marks", "*"})) {
      auto p = markPos.find(seg[1]);
      if (p == markPos.end()) return error(404, "apiResourceUnavailable", "Оценка " + seg[1] + " не найдена");
      mark(o, j.marks[p->second]);
      return ok();
    }
    if (n >= 2 && seg[0] == "edu-groups") {
      const std::string& g = seg[1];
      if (!isGroup(g)) return error(404, "apiResourceUnavailable", "Класс или группа " + g + " не найдены");
      if (method != "GET") return error(405, "apiMethodNotSupported", "Метод не поддерживается");
      if (n == 2) {
        eduGroup(o, g);
        return ok();
      }
      const std::string& what = seg[2];
      if (n == 3 && what == "classteacher") {
        auto c = classes.find(g);
        if (c == classes.end() || !staff.count(c->second->classTeacherId))
          return error(404, "apiResourceUnavailable", "У класса нет классного руководителя");
        staffPerson(o, *staff.at(c->second->classTeacherId));
        return ok();
      }
      if (n == 3 && what == "teachers") {
        std::set<std::string> ids;
        if (auto s = subgroups.find(g); s != subgroups.end()) ids.insert(s->second->teacherId);
        o.beginArray();
        if (auto s = subgroups.find(g); s != subgroups.end() && staff.count(s->second->teacherId))
          staffPerson(o, *staff.at(s->second->teacherId));
        if (auto l = lessonsOfGroup.find(g); l != lessonsOfGroup.end())
          for (size_t i : l->second)
            if (ids.insert(j.lessons[i].teacherId).second && staff.count(j.lessons[i].teacherId))
              staffPerson(o, *staff.at(j.lessons[i].teacherId));
        o.endArray();
        return ok();
      }
      if (n == 3 && (what == "persons" || what == "students")) {
        bool archive = false;
        for (auto& [k, v] : query)
          if (k == "includeArchive") archive = v == "true" || v == "True" || v == "1";
        o.beginArray();
        for (auto& s : j.students) {
          bool member = false, active = false;
          if (classes.count(g)) {
            for (auto& e : s.enrolments)
              if (e.classId == g) member = true, active = active || !e.to || *e.to >= j.year.end;
          } else {
            for (auto& m : subgroups.at(g)->members)
              if (m.studentId == s.id) member = true, active = active || !m.to || *m.to >= j.year.end;
          }
          if (member && (active || archive)) studentPerson(o, s);
        }
        o.endArray();
        return ok();
      }
      if (n == 3 && what == "reporting-periods") {
        int grade = classes.count(g) ? classes.at(g)->grade : classes.at(subgroups.at(g)->classId)->grade;
        o.beginArray();
        reportingPeriods(o, grade);
        o.endArray();
        return ok();
      }
      if (n == 3 &&
          what == (options.periodsGroupSpelling ? "reporting-periods-group" : "reporting-period-group")) {
        int grade = classes.count(g) ? classes.at(g)->grade : classes.at(subgroups.at(g)->classId)->grade;
        o.beginObject().key("id").integer(grade).key("reportingPeriods").beginArray();
        reportingPeriods(o, grade);
        o.endArray().key("holidays").beginArray();
        int k = 0;
        for (auto& h : j.holidays)
          if (h.appliesTo(grade))  // a group is told only its own grade's holidays
            o.beginObject()
                .key("id")
                .integer(++k)
                .key("reportingPeriodGroupId")
                .integer(grade)
                .key("dateStart")
                .str(dateText(h.dates.from))
                .key("dateFinish")
                .str(dateText(h.dates.to))
                .key("name")
                .str(h.name)
                .key("description")
                .str("")
                .endObject();
        o.endArray().endObject();
        return ok();
      }
      if ((n == 5 && (what == "lessons" || what == "marks")) ||
          (n == 7 && what == "subjects" && (seg[4] == "lessons" || seg[4] == "marks"))) {
        const std::string subjectFilter = n == 7 ? seg[3] : "";
        const std::string kind = n == 7 ? seg[4] : what;
        auto from = pathDate(seg[n - 2], false), to = pathDate(seg[n - 1], true);
        if (!from || !to)
          return error(400, "parameterInvalid", "Неверная дата в пути: " + seg[n - 2] + "/" + seg[n - 1]);
        // Lessons by when they start; marks by when they were entered (the mark's `date`), whatever their
        // lesson.
        auto within = [&](const DateTime& t) { return !(t < *from || *to < t); };
        o.beginArray();
        if (auto l = lessonsOfGroup.find(g); l != lessonsOfGroup.end())
          for (size_t i : l->second) {
            const auto& les = j.lessons[i];
            if (!subjectFilter.empty() && les.subjectId != subjectFilter) continue;
            if (kind == "lessons") {
              if (within(lessonStart(les))) lesson(o, les);
            } else if (auto m = marksOfLesson.find(les.id); m != marksOfLesson.end()) {
              for (size_t k : m->second)
                if (within(j.marks[k].enteredAt)) mark(o, j.marks[k]);
            }
          }
        o.endArray();
        return ok();
      }
      if (n == 3 && what == "final-marks") {
        switch (options.finalMarks) {
          case FinalMarksShape::PersonFinalMarks:
            finalMarks(o, g);
            break;
          case FinalMarksShape::AllFinalMarks:
            allFinalMarks(o, g);
            break;
          case FinalMarksShape::Unknown:
            o.beginObject().key("items");
            finalMarks(o, g);
            o.key("totalCount")
                .integer(
                    static_cast<long long>(std::count(periodMarkGroup.begin(), periodMarkGroup.end(), g)))
                .endObject();
            break;
        }
        return ok();
      }
    }
    return error(404, "apiMethodNotSupported", "Метод " + method + " не поддерживается эмулятором");
  }

  // A reporting period's `number` (and a PeriodMark work's `periodNumber`) as this deployment counts.
  int apiNumber(const model::Period& p) const {
    return options.zeroBasedPeriodNumbers ? p.number - 1 : p.number;
  }

  void reportingPeriods(Json& o, int grade) const {
    for (auto& p : j.periods) {
      if (p.kind == model::PeriodKind::Year || !p.appliesTo(grade)) continue;
      o.beginObject()
          .id("id", periodApiId.at(p.id))
          .key("start")
          .str(dateText(p.dates.from))
          .key("finish")
          .str(dateText(p.dates.to))
          .key("number")
          .integer(apiNumber(p))
          .key("type")
          .str(p.kind == model::PeriodKind::Quarter ? "Quarter" : "HalfYear")
          .key("name")
          .str(std::to_string(p.number) + (p.kind == model::PeriodKind::Quarter ? " четверть" : " полугодие"))
          .key("year")
          .integer(j.year.startYear)
          .endObject();
    }
  }

  bool workById(Json& o, const std::string& id) const {
    if (auto it = periodWorkOwner.find(id); it != periodWorkOwner.end()) {
      const model::PeriodMark& pm = *it->second;
      std::string type = pm.kind == model::PeriodMarkKind::Year    ? "Year"
                         : pm.kind == model::PeriodMarkKind::Exam  ? "Exam"
                         : pm.kind == model::PeriodMarkKind::Final ? "Final"
                                                                   : "Unknown";
      int number = 0;
      for (auto& p : j.periods)
        if (p.id == pm.periodId && pm.kind == model::PeriodMarkKind::Period) {
          type = p.kind == model::PeriodKind::Quarter ? "Quarter" : "HalfYear";
          number = apiNumber(p);
        }
      work(o, id, "PeriodMark", workTypeId.at({-1, 1}), nullptr, pm.classId, pm.subjectId, "", std::nullopt,
           pm.enteredBy, 1, type, number);
      return true;
    }
    if (auto w = works.find(id); w != works.end()) {
      const auto& l = j.lessons[lessonPos.at(lessonOfWork.at(id))];
      work(o, id, "CommonWork", workTypeFor(w->second->type, w->second->weight), &l,
           l.subgroupId.empty() ? l.classId : l.subgroupId, l.subjectId, w->second->topic, std::nullopt,
           l.teacherId, 1, "Unknown", 0);
      return true;
    }
    return false;
  }

  void finalMarks(Json& o, const std::string& g) const {
    // One PersonFinalMark per (student, reporting period or null), with the hyphenated keys of S1/S4.
    std::map<std::pair<std::string, std::string>, std::vector<size_t>> byPerson;
    for (size_t i = 0; i < j.periodMarks.size(); ++i) {
      const auto& pm = j.periodMarks[i];
      if (periodMarkGroup[i] != g) continue;
      std::string rp = pm.kind == model::PeriodMarkKind::Period && periodApiId.count(pm.periodId)
                           ? periodApiId.at(pm.periodId)
                           : "";
      byPerson[{pm.studentId, rp}].push_back(i);
    }
    o.beginArray();
    for (auto& [key, list] : byPerson) {
      o.beginObject()
          .id("person", key.first)
          .id("group", g)
          .id("reportingPeriod", key.second)
          .key("per-subject-final-marks")
          .beginArray();
      for (size_t i : list) {
        o.beginObject().id("subject", j.periodMarks[i].subjectId).key("final-mark");
        periodMarkObject(o, i);
        o.endObject();
      }
      o.endArray().endObject();
    }
    o.endArray();
  }

  std::string periodWorkOf(size_t i) const {
    const auto& pm = j.periodMarks[i];
    return periodWork.at(periodMarkGroup[i] + "|" + pm.subjectId + "|" +
                         std::string(model::toString(pm.kind)) + "|" + pm.periodId);
  }

  // A final mark as a Mark object: its PeriodMark work carries the subject and the period.
  void periodMarkObject(Json& o, size_t i) const {
    const auto& pm = j.periodMarks[i];
    auto [type, text] = scale(pm.value);
    o.beginObject()
        .id("id", periodMarkIds[i])
        .key("type")
        .str(type)
        .key("value")
        .str(text)
        .key("textValue")
        .str(text)
        .id("person", pm.studentId)
        .id("work", periodWorkOf(i))
        .id("lesson", "")
        .key("number")
        .integer(0);
    if (pm.enteredAt)
      o.key("date").str(pm.enteredAt->toString());
    else
      o.key("date").null();
    o.key("workType")
        .idNumber(workTypeId.at({-1, 1}))
        .key("mood")
        .str("NotSet")
        .key("use_avg_calc")
        .boolean(false)
        .endObject();
  }

  // The allfinalmarks shape (S4 TFinalMarks): the group's final marks with their PeriodMark works, subjects
  // and the short WorkType of §1.4.
  void allFinalMarks(Json& o, const std::string& g) const {
    std::vector<std::string> workIds;
    std::set<std::string> seenWorks, subjectIds;
    o.beginObject().key("marks").beginArray();
    for (size_t i = 0; i < j.periodMarks.size(); ++i) {
      if (periodMarkGroup[i] != g) continue;
      periodMarkObject(o, i);
      if (seenWorks.insert(periodWorkOf(i)).second) workIds.push_back(periodWorkOf(i));
      subjectIds.insert(j.periodMarks[i].subjectId);
    }
    o.endArray().key("works").beginArray();
    for (const auto& id : workIds) workById(o, id);
    o.endArray().key("subjects").beginArray();
    for (const auto& id : subjectIds) subject(o, id);
    o.endArray().key("workTypes").beginArray();
    if (!workIds.empty())
      o.beginObject()
          .key("id")
          .idNumber(workTypeId.at({-1, 1}))
          .key("schoolId")
          .idNumber(j.school.id)
          .key("abbreviation")
          .str("Ит")
          .key("name")
          .str("Итоговая отметка")
          .key("isFinal")
          .boolean(true)
          .key("isImportant")
          .boolean(false)
          .key("kindId")
          .integer(1)
          .key("kind")
          .str("PeriodMark")
          .endObject();
    o.endArray().endObject();
  }

  // ---- the HTTP side ----

  Response handle(const std::string& method, const std::string& uri, const std::string& accessToken,
                  const std::string& body) {
    ++requests;
    {
      std::lock_guard lock(logMutex);
      log.push_back(method + " " + uri);
    }
    std::optional<Fault> fault;
    {
      std::lock_guard lock(faultMutex);
      for (size_t i = 0; i < faults.size(); ++i) {
        Fault& f = faults[i];
        if (f.count == 0 || (!f.pathContains.empty() && uri.find(f.pathContains) == std::string::npos))
          continue;
        if (faultSeen[i] < f.skip) {
          ++faultSeen[i];
          continue;
        }
        if (f.count > 0) --f.count;
        fault = f;
        break;
      }
    }
    if (fault) {
      ++fired;
      switch (fault->kind) {
        case FaultKind::TooManyRequests: {
          Response r = error(429, "apiRequestLimit", "Превышен лимит запросов");
          r.retryAfter = std::to_string(fault->retryAfterSeconds);
          return r;
        }
        case FaultKind::ServerError:
          return error(500, "apiServerError", "Внутренняя ошибка сервера");
        case FaultKind::HtmlError:
          return {503,
                  "<!DOCTYPE html><html><head><title>Дневник.ру</title></head><body><div class=\"error\">"
                  "<div class=\"error__description\">Сервис временно недоступен. Попробуйте "
                  "позже.</div></div></body></html>",
                  "text/html; charset=utf-8", ""};
        case FaultKind::Unauthorized:
          return error(401, "authorizationInvalidToken", "Invalid token");
        case FaultKind::Forbidden:
          return error(403, "authorizationOutOfScope", "Access denied");
        case FaultKind::Slow:
          std::this_thread::sleep_for(std::chrono::milliseconds(fault->delayMs));
          break;
        case FaultKind::Malformed:
          break;
      }
    }
    Response r;
    {
      std::shared_lock lock(mutex);
      if (accessToken.empty()) return error(401, "authorizationTokenRequired", "Access token required");
      if (accessToken != token) return error(401, "authorizationInvalidToken", "Invalid token");
      Poco::URI u(uri);
      std::string path = u.getPath();
      std::vector<std::string> seg;
      std::stringstream ss(path);
      std::string s;
      while (std::getline(ss, s, '/'))
        if (!s.empty()) seg.push_back(s);
      if (seg.empty() || (seg[0] != "v2" && seg[0] != "v2.0"))
        return error(404, "apiMethodNotSupported", "Неизвестный адрес " + path);
      seg.erase(seg.begin());
      r = route(method, seg, u.getQueryParameters(), body);
    }
    if (fault && fault->kind == FaultKind::Malformed && r.status == 200)
      r.body = r.body.substr(0, r.body.size() / 2);
    return r;
  }
};

namespace {

class Handler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit Handler(DnevnikEmulator::Impl& impl) : impl_(impl) {}
  void handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& res) override {
    std::string body;
    if (req.getMethod() == "POST") {
      std::ostringstream b;
      Poco::StreamCopier::copyStream(req.stream(), b);
      body = b.str();
    }
    std::string token = req.get("Access-Token", "");
    if (token.empty()) {
      for (auto& [k, v] : Poco::URI(req.getURI()).getQueryParameters())
        if (k == "access_token") token = v;
    }
    Response r;
    try {
      r = impl_.handle(req.getMethod(), req.getURI(), token, body);
    } catch (const std::exception& e) {
      r = error(500, "apiServerError", std::string("emulator: ") + e.what());
    }
    res.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(r.status));
    res.setContentType(r.contentType);
    if (!r.retryAfter.empty()) res.set("Retry-After", r.retryAfter);
    res.setContentLength(static_cast<std::streamsize>(r.body.size()));
    try {
      res.send() << r.body;
    } catch (...) {
      // The client gave up (a timeout): nothing to do.
    }
  }

 private:
  DnevnikEmulator::Impl& impl_;
};

// Owns a reference to the emulator's state: Poco's HTTPServer::stopAll does not wait for requests in flight
// (a "slow" fault may still be sleeping), and each connection keeps the factory alive until it ends, so the
// state outlives the last request rather than the DnevnikEmulator object.
class Factory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit Factory(std::shared_ptr<DnevnikEmulator::Impl> impl) : impl_(std::move(impl)) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
    return new Handler(*impl_);
  }

 private:
  std::shared_ptr<DnevnikEmulator::Impl> impl_;
};

}  // namespace

DnevnikEmulator::DnevnikEmulator(model::Journal journal, EmulatorOptions options)
    : impl_(std::make_shared<Impl>()) {
  impl_->options = options;
  impl_->j = std::move(journal);
  impl_->token = options.token;
  impl_->faults = options.faults;
  impl_->faultSeen.assign(options.faults.size(), 0);
  impl_->build();
  auto* params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(options.threads);
  params->setMaxQueued(256);
  params->setKeepAlive(true);
  params->setKeepAliveTimeout(Poco::Timespan(5, 0));
  Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", options.port));
  impl_->server = std::make_unique<Poco::Net::HTTPServer>(new Factory(impl_), socket, params);
  impl_->server->start();
}

DnevnikEmulator::~DnevnikEmulator() {
  // Stops accepting and aborts open connections; requests still running hold the state through the factory.
  impl_->server->stopAll(true);
  impl_->server.reset();
}

uint16_t DnevnikEmulator::port() const { return impl_->server->port(); }
std::string DnevnikEmulator::baseUrl() const { return "http://127.0.0.1:" + std::to_string(port()); }

void DnevnikEmulator::addFault(const Fault& fault) {
  std::lock_guard lock(impl_->faultMutex);
  impl_->faults.push_back(fault);
  impl_->faultSeen.push_back(0);
}

void DnevnikEmulator::clearFaults() {
  std::lock_guard lock(impl_->faultMutex);
  impl_->faults.clear();
  impl_->faultSeen.clear();
}

void DnevnikEmulator::setToken(const std::string& token) {
  std::unique_lock lock(impl_->mutex);
  impl_->token = token;
}

bool DnevnikEmulator::setMark(const std::string& markId, const model::MarkValue& value,
                              const model::DateTime& at) {
  std::unique_lock lock(impl_->mutex);
  auto it = impl_->markPos.find(markId);
  if (it == impl_->markPos.end()) return false;
  auto& m = impl_->j.marks[it->second];
  m.history.push_back({m.value, value, at, m.enteredBy});
  m.value = value;
  m.enteredAt = at;
  return true;
}

size_t DnevnikEmulator::requests() const { return impl_->requests; }
size_t DnevnikEmulator::faultsFired() const { return impl_->fired; }

std::vector<std::string> DnevnikEmulator::requestLog() const {
  std::lock_guard lock(impl_->logMutex);
  return impl_->log;
}

model::Journal DnevnikEmulator::journal() const {
  std::shared_lock lock(impl_->mutex);
  return impl_->j;
}

Fault parseFault(const std::string& spec) {
  std::vector<std::string> parts;
  std::stringstream ss(spec);
  std::string p;
  while (std::getline(ss, p, ':')) parts.push_back(p);
  if (parts.empty()) throw std::invalid_argument("empty fault spec");
  Fault f;
  const std::string& k = parts[0];
  if (k == "429")
    f.kind = FaultKind::TooManyRequests;
  else if (k == "500")
    f.kind = FaultKind::ServerError;
  else if (k == "html")
    f.kind = FaultKind::HtmlError;
  else if (k == "slow")
    f.kind = FaultKind::Slow;
  else if (k == "malformed")
    f.kind = FaultKind::Malformed;
  else if (k == "401")
    f.kind = FaultKind::Unauthorized;
  else if (k == "403")
    f.kind = FaultKind::Forbidden;
  else
    throw std::invalid_argument("unknown fault kind '" + k + "' (429, 500, html, slow, malformed, 401, 403)");
  if (parts.size() > 1) f.pathContains = parts[1];
  if (parts.size() > 2 && !parts[2].empty()) f.skip = std::stoi(parts[2]);
  if (parts.size() > 3 && !parts[3].empty()) f.count = std::stoi(parts[3]);
  if (parts.size() > 4 && !parts[4].empty()) {
    if (f.kind == FaultKind::Slow)
      f.delayMs = std::stoi(parts[4]);
    else
      f.retryAfterSeconds = std::stoi(parts[4]);
  }
  return f;
}

FinalMarksShape parseFinalMarksShape(const std::string& name) {
  if (name == "person") return FinalMarksShape::PersonFinalMarks;
  if (name == "all") return FinalMarksShape::AllFinalMarks;
  if (name == "unknown") return FinalMarksShape::Unknown;
  throw std::invalid_argument("unknown final-marks shape '" + name + "' (person, all, unknown)");
}

bool hasNumericIds(const model::Journal& j) {
  auto ok = [](const std::string& id) { return isNumericId(id); };
  if (!ok(j.school.id)) return false;
  for (auto& x : j.staff)
    if (!ok(x.id)) return false;
  for (auto& x : j.subjects)
    if (!ok(x.id)) return false;
  for (auto& x : j.classes)
    if (!ok(x.id)) return false;
  for (auto& x : j.students)
    if (!ok(x.id)) return false;
  for (auto& x : j.subgroups)
    if (!ok(x.id)) return false;
  for (auto& l : j.lessons) {
    if (!ok(l.id)) return false;
    for (auto& w : l.works)
      if (!ok(w.id)) return false;
  }
  for (auto& m : j.marks)
    if (!ok(m.id)) return false;
  return true;
}

model::Journal withNumericIds(const model::Journal& in, uint64_t base) {
  model::Journal j = in;
  uint64_t next = base;
  std::unordered_map<std::string, std::string> person, subject, group, lesson, work, mark;
  auto assign = [&](std::unordered_map<std::string, std::string>& map, std::string& id) {
    auto [it, fresh] = map.try_emplace(id);
    if (fresh) it->second = std::to_string(next++);
    id = it->second;
  };
  auto ref = [](const std::unordered_map<std::string, std::string>& map, std::string& id) {
    if (id.empty()) return;
    if (auto it = map.find(id); it != map.end()) id = it->second;
  };
  std::unordered_map<std::string, std::string> school;
  assign(school, j.school.id);
  for (auto& s : j.staff) assign(person, s.id);
  for (auto& s : j.students) assign(person, s.id);
  for (auto& s : j.subjects) assign(subject, s.id);
  for (auto& c : j.classes) assign(group, c.id);
  for (auto& s : j.subgroups) assign(group, s.id);
  for (auto& l : j.lessons) {
    assign(lesson, l.id);
    for (auto& w : l.works) assign(work, w.id);
  }
  for (auto& m : j.marks) assign(mark, m.id);
  for (auto& c : j.classes) ref(person, c.classTeacherId);
  for (auto& s : j.students)
    for (auto& e : s.enrolments) ref(group, e.classId);
  for (auto& s : j.subgroups) {
    ref(group, s.classId);
    ref(subject, s.subjectId);
    ref(person, s.teacherId);
    for (auto& m : s.members) ref(person, m.studentId);
  }
  for (auto& c : j.curriculum) ref(group, c.classId), ref(subject, c.subjectId), ref(group, c.subgroupId);
  for (auto& p : j.plan) ref(group, p.classId), ref(subject, p.subjectId), ref(group, p.subgroupId);
  for (auto& t : j.timetable)
    ref(group, t.classId), ref(subject, t.subjectId), ref(group, t.subgroupId), ref(person, t.teacherId);
  for (auto& l : j.lessons) {
    ref(group, l.classId), ref(subject, l.subjectId), ref(group, l.subgroupId);
    ref(person, l.teacherId), ref(person, l.substituteTeacherId), ref(person, l.topicEnteredBy);
  }
  for (auto& m : j.marks) {
    ref(person, m.studentId), ref(lesson, m.lessonId), ref(work, m.workId), ref(person, m.enteredBy);
    for (auto& h : m.history) ref(person, h.by);
  }
  for (auto& a : j.attendance) ref(person, a.studentId), ref(lesson, a.lessonId);
  for (auto& p : j.periodMarks)
    ref(person, p.studentId), ref(group, p.classId), ref(subject, p.subjectId), ref(person, p.enteredBy);
  return j;
}

}  // namespace ejournal::pulltest
