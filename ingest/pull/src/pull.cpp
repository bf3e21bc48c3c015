// Pulling one school's journal from the dnevnik.ru API v2 and mapping it to model::Journal parts
// (docs/pull.md).
//
// The pull fetches everything first (reference data, then lessons and marks per group and date chunk,
// attendance per batch of lessons, final marks), maps it, and only then hands the parts to the sink, so an
// error at any request leaves nothing half-ingested. What the API does not carry is kept from
// PullOptions::existing or derived from the evidence the API gives; docs/pull.md lists every such field.
#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <unordered_map>

#include "api.h"
#include "ejournal/ingest/dnevnik.h"
#include "ejournal/model/index.h"

namespace ejournal::ingest::dnevnik {

using namespace detail;
using model::Date;
using model::DateRange;
using model::DateTime;

namespace {

struct ApiGroup {
  std::string id;
  std::string name;
  int parallel = 0;
  bool subgroup = false;
  std::string parentId;
  std::string subjectId;
};

struct Membership {
  std::string groupId;
  bool active = true;
};

struct ApiWork {
  std::string id;
  std::string type;  // LessonTestWork, DefaultNewLessonWork, Homework, PeriodMark, ...
  std::string workTypeId;
  std::string text;
  std::optional<DateTime> sentDate;
  std::string createdBy;   // a user id
  std::string periodType;  // PeriodMark works: Quarter, HalfYear, Year, Exam, Final, ...
  long long periodNumber = 0;
  std::string subjectId;
  int markCount = 1;  // how many marks the work takes per student (2: a dictation's «4/5»)
};

struct ApiLesson {
  std::string id;
  std::string groupId;
  std::string subjectId;
  std::string title;
  DateTime date;
  int number = 1;
  std::vector<std::string> teachers;
  std::vector<ApiWork> works;
};

struct ApiMark {
  std::string id;
  std::string personId;
  std::string workId;
  std::string lessonId;
  std::string value;
  std::string textValue;
  std::string workTypeId;
  std::optional<DateTime> date;
};

struct ApiLogEntry {
  std::string personId;
  std::string lessonId;
  std::string status;
  std::optional<DateTime> createdDate;
};

struct ApiFinalMark {
  std::string personId;
  std::string groupId;
  std::string reportingPeriodId;  // "" = none given: the mark's work says (periodType, periodNumber)
  std::string subjectId;          // "" = the mark's work says (subjectId)
  ApiMark mark;
};

struct WorkTypeInfo {
  std::string title;
  int weight = 1;
};

std::string trim(std::string s) {
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

std::string joinIds(const std::vector<std::string>& ids) {
  std::string out = "[";
  for (size_t i = 0; i < ids.size(); ++i) out += (i ? "," : "") + ids[i];
  return out + "]";
}

// Mark text as the API writes it ("5", "н/а", "зачёт", ...) -> our value.
std::optional<model::MarkValue> markValue(const std::string& textValue, const std::string& value) {
  for (const std::string& raw : {textValue, value}) {
    std::string t = trim(raw);
    if (t.empty()) continue;
    if (auto v = model::MarkValue::parse(t)) return v;
    static const std::map<std::string, model::MarkValue> kAliases = {
        {"зачёт", {model::MarkKind::Pass, 0}},       {"зачет", {model::MarkKind::Pass, 0}},
        {"незачёт", {model::MarkKind::Fail, 0}},     {"незачет", {model::MarkKind::Fail, 0}},
        {"н/з", {model::MarkKind::Fail, 0}},         {"на", {model::MarkKind::NotAssessed, 0}},
        {"НА", {model::MarkKind::NotAssessed, 0}},   {"н/а", {model::MarkKind::NotAssessed, 0}},
        {"осв.", {model::MarkKind::Exempt, 0}},      {"освобождён", {model::MarkKind::Exempt, 0}},
        {"освобожден", {model::MarkKind::Exempt, 0}}};
    if (auto it = kAliases.find(t); it != kAliases.end()) return it->second;
  }
  return std::nullopt;
}

std::optional<model::PeriodKind> periodKind(const std::string& type) {
  if (type == "Quarter") return model::PeriodKind::Quarter;
  if (type == "HalfYear" || type == "Semester") return model::PeriodKind::HalfYear;
  if (type == "Year") return model::PeriodKind::Year;
  return std::nullopt;
}

// A ranged request's path dates: explicit times on both ends, since some deployments read a date-only `to` as
// 00:00 of that day and would drop the range's last day.
std::string rangePath(DateRange r) {
  return r.from.toString() + "T00:00:00/" + r.to.toString() + "T23:59:59";
}

// The keys of an object, or what the value is instead, for an error about an answer of an unknown shape.
std::string describeShape(const Var& v) {
  if (v.type() == typeid(Object::Ptr)) {
    auto names = v.extract<Object::Ptr>()->getNames();
    if (names.empty()) return "пустой объект";
    std::string keys;
    for (const auto& k : names) keys += (keys.empty() ? "«" : ", «") + k + "»";
    return "объект с ключами " + keys;
  }
  if (v.type() == typeid(Array::Ptr)) return "массив";
  if (v.isEmpty()) return "null";
  if (v.isString()) return "строка";
  return "значение «" + v.convert<std::string>() + "»";
}

std::vector<DateRange> splitRange(DateRange r, RangeSplit split) {
  std::vector<DateRange> out;
  Date from = r.from;
  while (from <= r.to) {
    Date end;
    if (split == RangeSplit::Week) {
      end = from + (7 - from.weekday());  // through Sunday
    } else {
      int y = from.year(), m = from.month();
      Date firstNext = m == 12 ? Date::fromYmd(y + 1, 1, 1) : Date::fromYmd(y, m + 1, 1);
      end = firstNext - 1;
    }
    if (end > r.to) end = r.to;
    out.push_back({from, end});
    from = end + 1;
  }
  return out;
}

class Puller {
 public:
  Puller(const PullOptions& options, HttpTransport& transport, PullStats& stats)
      : options_(options), api_(transport, options.retry, stats), stats_(stats) {}

  std::vector<model::Journal> run() {
    if (options_.dates && !options_.period.empty())
      throw Error(ErrorKind::Input, "pull", "укажите либо период, либо даты начала и конца, но не оба");
    if (!options_.dates && options_.period.empty())
      throw Error(ErrorKind::Input, "pull", "укажите период (--period) или даты (--from и --to)");
    if (options_.dates && options_.dates->to < options_.dates->from)
      throw Error(ErrorKind::Input, "pull",
                  "дата конца " + options_.dates->to.toString() + " раньше даты начала " +
                      options_.dates->from.toString());
    fetchReference();
    mapPeriods();
    resolveRange();
    mapReference();
    for (const auto& chunk : splitRange(range_, options_.split)) fetchLessons(chunk);
    for (const auto& chunk : splitRange(marksWindow(), options_.split)) fetchMarks(chunk);
    fetchAttendance();
    fetchFinalMarks();
    mapActivity();
    finishMemberships();
    finishSubjects();
    return parts();
  }

 private:
  // ---- fetching ----

  std::string v2(const std::string& rest) const { return "/v2/" + rest; }

  void fetchReference() {
    schoolId_ = options_.schoolId;
    if (schoolId_.empty()) {
      const std::string t = v2("users/me/context");
      auto ctx = api_.getObject(t);
      std::vector<std::string> ids;
      if (auto schools = ctx->getArray("schools")) {
        for (size_t i = 0; i < schools->size(); ++i)
          ids.push_back(idOf(objectAt(schools, i, at(t, i)), "id", at(t, i)));
      }
      if (ids.empty()) ids = idsOf(ctx, "schoolIds", "GET " + t);
      if (ids.empty())
        throw Error(ErrorKind::Denied, "GET " + t,
                    "у токена нет доступа ни к одной школе (контекст пользователя пуст)");
      if (ids.size() > 1) {
        std::string list;
        for (auto& id : ids) list += (list.empty() ? "" : ", ") + id;
        throw Error(ErrorKind::Input, "--school",
                    "токен даёт доступ к нескольким школам (" + list + "): укажите --school");
      }
      schoolId_ = ids.front();
    }
    stats_.schoolId = schoolId_;

    {
      const std::string t = v2("schools/" + schoolId_);
      auto s = api_.getObject(t);
      school_.id = idOf(s, "id", "GET " + t);
      if (school_.id.empty()) school_.id = schoolId_;
      school_.shortName = str(s, "name");
      school_.fullName = str(s, "fullName");
      if (school_.fullName.empty()) school_.fullName = school_.shortName;
    }
    {
      const std::string t = v2("schools/" + schoolId_ + "/edu-groups");
      auto a = api_.getArray(t);
      for (size_t i = 0; i < a->size(); ++i) {
        auto o = objectAt(a, i, at(t, i));
        ApiGroup g;
        g.id = idOf(o, "id", at(t, i));
        if (g.id.empty()) throw Error(ErrorKind::Input, at(t, i), "у класса нет поля «id»");
        g.name = trim(str(o, "name"));
        g.parallel = static_cast<int>(integer(o, "parallel", 0));
        auto parents = idsOf(o, "parentIds", at(t, i));
        g.subgroup = str(o, "type") == "Subgroup" || !parents.empty();
        if (!parents.empty()) g.parentId = parents.front();
        if (auto subjects = o->getArray("subjects"); subjects && subjects->size() > 0)
          g.subjectId = idOf(objectAt(subjects, 0, at(t, i)), "id", at(t, i));
        groups_.push_back(g);
      }
      std::sort(groups_.begin(), groups_.end(),
                [](const ApiGroup& a, const ApiGroup& b) { return a.id < b.id; });
      for (auto& g : groups_) groupById_[g.id] = &g;
    }
    {
      const std::string t = v2("schools/" + schoolId_ + "/teachers");
      auto a = api_.getArray(t);
      for (size_t i = 0; i < a->size(); ++i) {
        auto o = objectAt(a, i, at(t, i));
        // The Teacher object is PascalCase (S1 Teacher.java); accept camelCase as well.
        auto pick = [&](const std::string& pascal, const std::string& camel) {
          std::string v = str(o, pascal);
          return v.empty() ? str(o, camel) : v;
        };
        model::Staff s;
        s.id = o->has("Id") || o->has("IdStr") ? idOfPascal(o, "Id", at(t, i)) : idOf(o, "id", at(t, i));
        if (s.id.empty()) throw Error(ErrorKind::Input, at(t, i), "у сотрудника нет поля «Id»");
        s.lastName = pick("LastName", "lastName");
        s.firstName = pick("FirstName", "firstName");
        s.middleName = pick("MiddleName", "middleName");
        s.position = pick("NameTeacherPosition", "position");
        if (s.position.empty()) s.position = str(o, "NameManagingPosition");
        std::string userId = o->has("UserId") || o->has("UserIdStr") ? idOfPascal(o, "UserId", at(t, i))
                                                                     : idOf(o, "userId", at(t, i));
        if (!userId.empty()) staffByUser_[userId] = s.id;
        addStaff(std::move(s));
      }
    }
    {
      const std::string t = v2("schools/" + schoolId_ + "/subjects");
      auto a = api_.getArray(t);
      for (size_t i = 0; i < a->size(); ++i) {
        auto o = objectAt(a, i, at(t, i));
        model::Subject s;
        s.id = idOf(o, "id", at(t, i));
        if (s.id.empty()) throw Error(ErrorKind::Input, at(t, i), "у предмета нет поля «id»");
        s.name = trim(str(o, "name"));
        s.shortName = s.name;
        s.order = static_cast<int>(i) + 1;
        subjects_.push_back(s);
      }
    }
    {
      const std::string t = v2("work-types/" + schoolId_);
      auto a = api_.getArray(t);
      for (size_t i = 0; i < a->size(); ++i) {
        auto o = objectAt(a, i, at(t, i));
        WorkTypeInfo w;
        w.title = trim(str(o, "title"));
        if (w.title.empty()) w.title = trim(str(o, "name"));
        w.weight = static_cast<int>(std::max(1LL, integer(o, "weight", 1)));
        workTypes_[idOf(o, "id", at(t, i))] = w;
      }
    }
    for (auto& g : groups_) {
      if (g.subgroup) {
        const std::string t = v2("edu-groups/" + g.id + "/teachers");
        auto a = api_.getArray(t);
        if (a->size() > 0) subgroupTeacher_[g.id] = personToStaff(objectAt(a, 0, at(t, 0)), at(t, 0));
        continue;
      }
      {
        const std::string t = v2("edu-groups/" + g.id + "/reporting-periods");
        auto a = api_.getArray(t);
        for (size_t i = 0; i < a->size(); ++i) readReportingPeriod(objectAt(a, i, at(t, i)), g, at(t, i));
      }
      if (auto [o, t] = reportingPeriodGroup(g); o) {
        if (auto h = o->getArray("holidays")) {
          for (size_t i = 0; i < h->size(); ++i) {
            auto ho = objectAt(h, i, at(t, i));
            auto from = dateTime(ho, "dateStart", at(t, i)), to = dateTime(ho, "dateFinish", at(t, i));
            if (!from || !to) continue;
            // A holiday is listed in the reporting-period group of each class it applies to: its grade range
            // is the range of those classes' grades (widened to every grade in finishReference when it covers
            // all).
            model::Holiday hol{trim(str(ho, "name")), {from->date, to->date}, gradeOf(g), gradeOf(g)};
            auto same = std::find_if(holidays_.begin(), holidays_.end(), [&](const model::Holiday& x) {
              return x.name == hol.name && x.dates == hol.dates;
            });
            if (same == holidays_.end()) {
              holidays_.push_back(hol);
            } else {
              same->gradeFrom = std::min(same->gradeFrom, hol.gradeFrom);
              same->gradeTo = std::max(same->gradeTo, hol.gradeTo);
            }
          }
        }
      }
      try {
        const std::string t = v2("edu-groups/" + g.id + "/classteacher");
        auto o = api_.getObject(t);
        classTeacher_[g.id] = personToStaff(o, "GET " + t);
      } catch (const Error& e) {
        if (e.kind() != ErrorKind::NotFound) throw;  // a class without a class teacher
      }
    }
    // Pupils with their membership status, 20 groups per request (POST edu-groups, S1).
    std::vector<std::string> ids;
    for (auto& g : groups_) ids.push_back(g.id);
    for (size_t b = 0; b < ids.size(); b += 20) {
      std::vector<std::string> batch(ids.begin() + static_cast<long>(b),
                                     ids.begin() + static_cast<long>(std::min(ids.size(), b + 20)));
      const std::string t = v2("edu-groups");
      auto a = api_.postArray(t, joinIds(batch));
      for (size_t i = 0; i < a->size(); ++i) {
        const std::string where = "POST " + t + " [" + std::to_string(i) + "]";
        auto o = objectAt(a, i, where);
        auto group = o->getObject("group");
        if (!group) throw Error(ErrorKind::Input, where, "нет поля «group»");
        std::string groupId = idOf(group, "id", where);
        auto students = o->getArray("students");
        if (!students) continue;
        for (size_t k = 0; k < students->size(); ++k) {
          auto so = objectAt(students, k, where);
          auto person = so->getObject("person");
          if (!person) throw Error(ErrorKind::Input, where, "у ученика нет поля «person»");
          model::Student st;
          st.id = idOf(person, "id", where);
          if (st.id.empty()) throw Error(ErrorKind::Input, where, "у ученика нет поля «id»");
          st.lastName = trim(str(person, "lastName"));
          st.firstName = trim(str(person, "firstName"));
          st.middleName = trim(str(person, "middleName"));
          if (!studentIndex_.count(st.id)) {
            studentIndex_[st.id] = students_.size();
            students_.push_back(st);
          }
          std::string status = str(so, "membershipstatus");
          if (status.empty()) status = str(so, "membershipStatus");
          memberships_[st.id].push_back({groupId, status != "Archive"});
        }
      }
    }
  }

  // The class's reporting-period group and its request, or null when the API has none (404). The route is
  // spelled `reporting-period-group` (S1) or `reporting-periods-group` (S3) depending on the deployment: on
  // 404 the other spelling is tried, and the one that answered is tried first for the next classes.
  std::pair<Object::Ptr, std::string> reportingPeriodGroup(const ApiGroup& g) {
    std::string routes[] = {"reporting-period-group", "reporting-periods-group"};
    if (periodGroupPlural_) std::swap(routes[0], routes[1]);
    for (const std::string& route : routes) {
      const std::string t = v2("edu-groups/" + g.id + "/" + route);
      try {
        auto o = api_.getObject(t);
        periodGroupPlural_ = route == "reporting-periods-group";
        return {o, t};
      } catch (const Error& e) {
        if (e.kind() != ErrorKind::NotFound) throw;
      }
    }
    return {nullptr, ""};
  }

  std::string personToStaff(const Object::Ptr& o, const std::string& where) {
    model::Staff s;
    s.id = idOf(o, "id", where);
    if (s.id.empty()) return "";
    s.lastName = trim(str(o, "lastName"));
    s.firstName = trim(str(o, "firstName"));
    s.middleName = trim(str(o, "middleName"));
    std::string userId = idOf(o, "userId", where);
    if (!userId.empty()) staffByUser_[userId] = s.id;
    addStaff(std::move(s));
    return idOf(o, "id", where);
  }

  void addStaff(model::Staff s) {
    if (auto it = staffIndex_.find(s.id); it != staffIndex_.end()) {
      auto& known = staff_[it->second];
      if (known.position.empty()) known.position = s.position;
      return;
    }
    staffIndex_[s.id] = staff_.size();
    staff_.push_back(std::move(s));
  }

  struct RawPeriod {
    std::string apiId;
    model::PeriodKind kind;
    long long number;
    int year;
    DateRange dates;
    std::set<int> grades;
  };

  void readReportingPeriod(const Object::Ptr& o, const ApiGroup& g, const std::string& where) {
    std::string id = idOf(o, "id", where);
    auto kind = periodKind(str(o, "type"));
    if (!kind) {
      stats_.problems.push_back(where + ": отчётный период «" + str(o, "name") + "» типа «" + str(o, "type") +
                                "» не поддерживается (нужны четверти, полугодия или год); пропущен");
      return;
    }
    auto start = dateTime(o, "start", where), finish = dateTime(o, "finish", where);
    if (!start || !finish) throw Error(ErrorKind::Input, where, "у отчётного периода нет дат начала и конца");
    auto [it, fresh] = rawPeriods_.try_emplace(id);
    if (fresh) {
      it->second = RawPeriod{id,
                             *kind,
                             integer(o, "number", 0),
                             static_cast<int>(integer(o, "year", 0)),
                             {start->date, finish->date},
                             {}};
      if (it->second.year == 0)
        it->second.year = start->date.month() >= 7 ? start->date.year() : start->date.year() - 1;
    }
    it->second.grades.insert(gradeOf(g));
  }

  int gradeOf(const ApiGroup& g) const {
    if (g.parallel > 0) return g.parallel;
    int n = 0;
    for (char c : g.name) {
      if (!std::isdigit(static_cast<unsigned char>(c))) break;
      n = n * 10 + (c - '0');
    }
    return n > 0 ? n : 1;
  }

  void fetchLessons(DateRange chunk) {
    for (auto& g : groups_) {
      const std::string t = v2("edu-groups/" + g.id + "/lessons/" + rangePath(chunk));
      auto a = api_.getArray(t);
      for (size_t i = 0; i < a->size(); ++i) readLesson(objectAt(a, i, at(t, i)), g, at(t, i));
    }
  }

  // `marks/{from}/{to}` selects marks by when they were entered, not by their lesson: a control work on the
  // range's last day is marked days later. The marks of the range's lessons are therefore requested from the
  // range's first day up to the day after the pull (a day's margin for a clock behind the school's time zone)
  // and kept by their lesson (fetchMarks); marks entered in the window for lessons outside the range are
  // dropped.
  DateRange marksWindow() const {
    const DateTime now = options_.clock ? options_.clock->now() : model::systemClock()->now();
    return {range_.from, std::max(range_.to, now.date + 1)};
  }

  void fetchMarks(DateRange chunk) {
    for (auto& g : groups_) {
      const std::string t = v2("edu-groups/" + g.id + "/marks/" + rangePath(chunk));
      auto a = api_.getArray(t);
      for (size_t i = 0; i < a->size(); ++i) {
        ApiMark m = readMark(objectAt(a, i, at(t, i)), at(t, i));
        if (!lessonIndex_.count(m.lessonId) || markIndex_.count(m.id)) continue;  // another lesson's, or seen
        markIndex_[m.id] = marks_.size();
        marks_.push_back(m);
      }
    }
  }

  void readLesson(const Object::Ptr& o, const ApiGroup& g, const std::string& where) {
    ApiLesson l;
    l.id = idOf(o, "id", where);
    if (l.id.empty()) throw Error(ErrorKind::Input, where, "у урока нет поля «id»");
    if (lessonIndex_.count(l.id)) return;
    l.groupId = idOf(o, "group", where);
    if (l.groupId.empty()) l.groupId = g.id;
    if (auto s = o->getObject("subject")) l.subjectId = idOf(s, "id", where);
    if (l.subjectId.empty()) l.subjectId = idOf(o, "subjectId", where);
    l.title = trim(str(o, "title"));
    auto date = dateTime(o, "date", where);
    if (!date) throw Error(ErrorKind::Input, where, "у урока " + l.id + " нет даты");
    l.date = *date;
    l.number = static_cast<int>(integer(o, "number", 1));
    l.teachers = idsOf(o, "teachers", where);
    if (auto works = o->getArray("works")) {
      for (size_t i = 0; i < works->size(); ++i) {
        auto wo = works->getObject(static_cast<unsigned>(i));
        if (!wo) continue;  // some shapes list work ids only
        l.works.push_back(readWork(wo, where));
      }
    }
    lessonIndex_[l.id] = lessons_.size();
    lessons_.push_back(std::move(l));
  }

  ApiWork readWork(const Object::Ptr& o, const std::string& where) {
    ApiWork w;
    w.id = idOf(o, "id", where);
    w.type = str(o, "type");
    w.workTypeId = idOf(o, "workType", where);
    w.text = trim(str(o, "text"));
    w.sentDate = dateTime(o, "sentDate", where);
    w.createdBy = idOf(o, "createdBy", where);
    w.periodType = str(o, "periodType");
    w.periodNumber = integer(o, "periodNumber", 0);
    w.subjectId = idOf(o, "subjectId", where);
    w.markCount = static_cast<int>(integer(o, "markCount", 1));
    return w;
  }

  ApiMark readMark(const Object::Ptr& o, const std::string& where) {
    ApiMark m;
    m.id = idOf(o, "id", where);
    if (m.id.empty()) throw Error(ErrorKind::Input, where, "у оценки нет поля «id»");
    m.personId = idOf(o, "person", where);
    m.workId = idOf(o, "work", where);
    m.lessonId = idOf(o, "lesson", where);
    m.value = str(o, "value");
    m.textValue = str(o, "textValue");
    m.workTypeId = idOf(o, "workType", where);
    m.date = dateTime(o, "date", where);
    return m;
  }

  void fetchAttendance() {
    const size_t batchSize = std::max<size_t>(1, options_.attendanceBatch);
    for (size_t b = 0; b < lessons_.size(); b += batchSize) {
      std::string t = v2("lesson-log-entries?");
      for (size_t i = b; i < std::min(lessons_.size(), b + batchSize); ++i)
        t += (i == b ? "lessons=" : "&lessons=") + lessons_[i].id;
      auto a = api_.getArray(t);
      for (size_t i = 0; i < a->size(); ++i) {
        auto o = objectAt(a, i, at(t, i));
        ApiLogEntry e;
        e.personId = idOf(o, "person", at(t, i));
        e.lessonId = idOf(o, "lesson", at(t, i));
        e.status = str(o, "status");
        e.createdDate = dateTime(o, "createdDate", at(t, i));
        logEntries_.push_back(std::move(e));
      }
    }
  }

  // Final marks come in two shapes (upstream-api.md §1.4, open question 2): an array of PersonFinalMark (one
  // per pupil and reporting period, `per-subject-final-marks`), or the `allfinalmarks` object {marks, works,
  // subjects, workTypes} whose marks say their subject and period through their PeriodMark work. Anything
  // else is an error naming the request and the keys it saw.
  void fetchFinalMarks() {
    for (auto& g : groups_) {  // classes and subgroups: a subgroup's teacher gives its final marks
      const std::string t = v2("edu-groups/" + g.id + "/final-marks");
      Var root = api_.request("GET", t);
      if (root.type() == typeid(Array::Ptr)) {
        readPersonFinalMarks(root.extract<Array::Ptr>(), g, t);
      } else if (root.type() == typeid(Object::Ptr) && root.extract<Object::Ptr>()->has("marks")) {
        readAllFinalMarks(root.extract<Object::Ptr>(), g, t);
      } else {
        throw Error(
            ErrorKind::Input, "GET " + t,
            "dnevnik.ru вернул итоговые оценки в неизвестном виде: " + describeShape(root) +
                "; ожидался массив PersonFinalMark (ключ «per-subject-final-marks») или объект с ключами "
                "«marks», «works», «subjects», «workTypes». Ничего не загружено.");
      }
    }
    // The PeriodMark works say which kind of final mark it is (periodType), its subject and who created it;
    // the allfinalmarks shape carries them, the PersonFinalMark shape does not.
    std::vector<std::string> workIds;
    std::set<std::string> seenWorks;
    for (const ApiFinalMark& f : finalMarks_)
      if (!f.mark.workId.empty() && !periodWorks_.count(f.mark.workId) &&
          seenWorks.insert(f.mark.workId).second)
        workIds.push_back(f.mark.workId);
    for (size_t b = 0; b < workIds.size(); b += 100) {
      std::vector<std::string> batch(workIds.begin() + static_cast<long>(b),
                                     workIds.begin() + static_cast<long>(std::min(workIds.size(), b + 100)));
      const std::string t = v2("works/many");
      auto a = api_.postArray(t, joinIds(batch));
      for (size_t i = 0; i < a->size(); ++i) {
        ApiWork w = readWork(objectAt(a, i, "POST " + t), "POST " + t + " [" + std::to_string(i) + "]");
        periodWorks_[w.id] = w;
      }
    }
  }

  void readPersonFinalMarks(const Array::Ptr& a, const ApiGroup& g, const std::string& t) {
    for (size_t i = 0; i < a->size(); ++i) {
      auto o = objectAt(a, i, at(t, i));
      if (!o->has("per-subject-final-marks"))
        throw Error(
            ErrorKind::Input, at(t, i),
            "итоговые оценки в неизвестном виде: элемент массива — " + describeShape(o) +
                "; ожидался PersonFinalMark с ключом «per-subject-final-marks». Ничего не загружено.");
      std::string person = idOf(o, "person", at(t, i));
      std::string group = idOf(o, "group", at(t, i));
      if (group.empty()) group = g.id;
      std::string rp = idOf(o, "reportingPeriod", at(t, i));
      auto per = o->getArray("per-subject-final-marks");
      if (!per) continue;  // null: no marks
      for (size_t k = 0; k < per->size(); ++k) {
        auto so = objectAt(per, k, at(t, i));
        auto mo = so->getObject("final-mark");
        if (!mo) continue;
        ApiFinalMark f{person, group, rp, idOf(so, "subject", at(t, i)), readMark(mo, at(t, i))};
        if (f.mark.personId.empty()) f.mark.personId = person;
        if (f.personId.empty()) f.personId = f.mark.personId;
        finalMarks_.push_back(std::move(f));
      }
    }
  }

  void readAllFinalMarks(const Object::Ptr& o, const ApiGroup& g, const std::string& t) {
    const std::string where = "GET " + t;
    if (o->has("works") && !o->isNull("works")) {
      auto works = o->getArray("works");
      if (!works) throw Error(ErrorKind::Input, where, "поле «works» не является массивом");
      for (size_t i = 0; i < works->size(); ++i) {
        ApiWork w = readWork(objectAt(works, i, where + " works[" + std::to_string(i) + "]"),
                             where + " works[" + std::to_string(i) + "]");
        periodWorks_[w.id] = w;
      }
    }
    if (o->isNull("marks")) return;
    auto marks = o->getArray("marks");
    if (!marks) throw Error(ErrorKind::Input, where, "поле «marks» не является массивом");
    for (size_t i = 0; i < marks->size(); ++i) {
      const std::string here = where + " marks[" + std::to_string(i) + "]";
      ApiMark m = readMark(objectAt(marks, i, here), here);
      if (m.personId.empty())
        throw Error(ErrorKind::Input, here, "у итоговой оценки " + m.id + " нет поля «person»");
      finalMarks_.push_back({m.personId, g.id, "", "", std::move(m)});
    }
  }

  // ---- mapping ----

  void mapPeriods() {
    // Periods: canonical names from type, number (0- or 1-based) and year.
    std::map<std::pair<int, model::PeriodKind>, long long> minNumber;
    for (auto& [id, p] : rawPeriods_) {
      auto key = std::make_pair(p.year, p.kind);
      auto it = minNumber.find(key);
      if (it == minNumber.end() || p.number < it->second) minNumber[key] = p.number;
    }
    std::vector<const RawPeriod*> ordered;
    for (auto& [id, p] : rawPeriods_) ordered.push_back(&p);
    std::sort(ordered.begin(), ordered.end(), [](auto* a, auto* b) {
      return std::tie(a->dates.from, a->kind, a->apiId) < std::tie(b->dates.from, b->kind, b->apiId);
    });
    std::map<int, int> yearVotes;
    for (const RawPeriod* p : ordered) {
      model::Period period;
      period.kind = p->kind;
      period.number = static_cast<int>(p->number + (minNumber[{p->year, p->kind}] == 0 ? 1 : 0));
      if (period.number < 1) period.number = 1;
      period.id = model::PeriodName{p->year, p->kind, period.number}.toString();
      period.dates = p->dates;
      period.gradeFrom = p->grades.empty() ? 1 : *p->grades.begin();
      period.gradeTo = p->grades.empty() ? 11 : *p->grades.rbegin();
      periodIdByApi_[p->apiId] = period.id;
      ++yearVotes[p->year];
      if (std::none_of(periods_.begin(), periods_.end(), [&](auto& x) { return x.id == period.id; }))
        periods_.push_back(period);
    }
    if (periods_.empty())
      throw Error(ErrorKind::Input, "GET /v2/edu-groups/{g}/reporting-periods",
                  "dnevnik.ru не вернул ни одного отчётного периода школы " + schoolId_);
    int startYear = 0, votes = -1;
    for (auto& [y, n] : yearVotes)
      if (n > votes) startYear = y, votes = n;
    year_.startYear = startYear;
    year_.start = periods_.front().dates.from;
    year_.end = periods_.front().dates.to;
    for (auto& p : periods_) {
      year_.start = std::min(year_.start, p.dates.from);
      year_.end = std::max(year_.end, p.dates.to);
    }
    // The year itself is not a reporting period in the API: add it unless the API listed one.
    if (std::none_of(periods_.begin(), periods_.end(),
                     [](auto& p) { return p.kind == model::PeriodKind::Year; })) {
      model::Period y;
      y.id = model::PeriodName{startYear, model::PeriodKind::Year, 1}.toString();
      y.kind = model::PeriodKind::Year;
      y.number = 1;
      y.dates = {year_.start, year_.end};
      y.gradeFrom = 11;
      y.gradeTo = 1;
      for (auto& g : groups_)
        if (!g.subgroup)
          y.gradeFrom = std::min(y.gradeFrom, gradeOf(g)), y.gradeTo = std::max(y.gradeTo, gradeOf(g));
      if (y.gradeFrom > y.gradeTo) y.gradeFrom = 1, y.gradeTo = 11;
      periods_.push_back(y);
    }
    yearPeriodId_ = model::PeriodName{startYear, model::PeriodKind::Year, 1}.toString();
  }

  // The stored journal (loaded now that the school and range are known) and the rest of the reference data.
  void mapReference() {
    if (options_.loadExisting) {
      loaded_ = options_.loadExisting(schoolId_, range_);
      if (loaded_) existing_ = &*loaded_;
    } else {
      existing_ = options_.existing;
    }
    if (existing_) existingIndex_ = std::make_unique<model::JournalIndex>(*existing_);
    const model::Journal* ex = existing_;
    if (ex && ex->year.startYear == year_.startYear) year_ = ex->year;
    if (ex) {
      for (auto& p : periods_)
        if (auto* old = existingIndex_->period(p.id)) p.gradeFrom = old->gradeFrom, p.gradeTo = old->gradeTo;
    }
    {
      int lo = 99, hi = 0;  // the school's grades: a holiday of every one of them is a holiday of every grade
      for (const auto& g : groups_)
        if (const int gr = gradeOf(g); gr > 0) lo = std::min(lo, gr), hi = std::max(hi, gr);
      for (auto& h : holidays_)
        if (h.gradeFrom <= lo && h.gradeTo >= hi) h.gradeFrom = 1, h.gradeTo = 11;
    }
    if (holidays_.empty() && ex) holidays_ = ex->holidays;
    std::sort(holidays_.begin(), holidays_.end(), [](auto& a, auto& b) { return a.dates < b.dates; });

    // School: the API has the names; director, deputy and address come from the stored journal.
    if (ex && ex->school.id == school_.id) {
      school_.director = ex->school.director;
      school_.deputyDirector = ex->school.deputyDirector;
      school_.address = ex->school.address;
    }
    if (ex) {
      for (auto& s : staff_)
        if (auto* old = existingIndex_->staff(s.id); old && s.position.empty()) s.position = old->position;
      for (auto& s : subjects_)
        if (auto* old = existingIndex_->subject(s.id)) {
          s.shortName = old->shortName;
          s.order = old->order;
          s.grading = old->grading;
          s.twoMarksPerCell = old->twoMarksPerCell;
        }
    }
    for (auto& g : groups_) {
      if (g.subgroup) continue;
      model::SchoolClass c;
      c.id = g.id;
      c.grade = gradeOf(g);
      std::string letter = g.name;
      size_t k = 0;
      while (k < letter.size() && std::isdigit(static_cast<unsigned char>(letter[k]))) ++k;
      c.letter = trim(letter.substr(k));
      c.classTeacherId = classTeacher_[g.id];
      classes_.push_back(c);
    }
    for (auto& g : groups_) {
      if (!g.subgroup) continue;
      model::Subgroup s;
      s.id = g.id;
      s.classId = g.parentId;
      s.subjectId = g.subjectId;
      s.name = g.name;
      s.teacherId = subgroupTeacher_[g.id];
      if (ex)
        if (auto* old = existingIndex_->subgroup(s.id)) {
          if (s.teacherId.empty()) s.teacherId = old->teacherId;
          if (s.subjectId.empty()) s.subjectId = old->subjectId;
        }
      subgroups_.push_back(s);
    }
  }

  void resolveRange() {
    if (options_.dates) {
      range_ = *options_.dates;
    } else {
      auto found =
          std::find_if(periods_.begin(), periods_.end(), [&](auto& p) { return p.id == options_.period; });
      if (found == periods_.end()) {
        std::string list;
        for (auto& p : periods_) list += (list.empty() ? "" : ", ") + p.id;
        throw Error(ErrorKind::NotFound, "--period",
                    "период «" + options_.period + "» не найден среди отчётных периодов школы: " + list);
      }
      range_ = found->dates;
    }
    stats_.dates = range_;
  }

  // Our period id of the API's reporting period of this kind and `number` in the academic year, or "".
  std::string periodOfNumber(model::PeriodKind kind, long long number) const {
    for (const auto& [apiId, p] : rawPeriods_)
      if (p.kind == kind && p.number == number && p.year == year_.startYear) return periodIdByApi_.at(apiId);
    return "";
  }

  std::string staffOfUser(const std::string& userId) const {
    auto it = staffByUser_.find(userId);
    return it == staffByUser_.end() ? "" : it->second;
  }

  // Who is scheduled by the stored regular timetable for this lesson, or "".
  std::string scheduledTeacher(const model::Lesson& l) const {
    if (!existing_) return "";
    for (const auto& s : existing_->timetable)
      if (s.weekday == l.date.weekday() && s.slot == l.slot && s.classId == l.classId &&
          s.subjectId == l.subjectId && s.subgroupId == l.subgroupId && s.valid.contains(l.date))
        return s.teacherId;
    return "";
  }

  void mapActivity() {
    const model::Journal* ex = existing_;
    std::unordered_map<std::string, std::string> defaultColumn;  // work id -> lesson id of default columns
    std::unordered_map<std::string, const ApiWork*> workById;
    std::set<std::string> gradedWorkIds;
    for (auto& m : marks_) gradedWorkIds.insert(m.workId);

    for (const ApiLesson& a : lessons_) {
      if (!range_.contains(a.date.date)) continue;
      auto git = groupById_.find(a.groupId);
      if (git == groupById_.end()) {
        stats_.problems.push_back("урок " + a.id + ": класс или группа " + a.groupId +
                                  " неизвестны; урок пропущен");
        continue;
      }
      const ApiGroup& g = *git->second;
      model::Lesson l;
      l.id = a.id;
      l.date = a.date.date;
      l.slot = std::max(1, a.number);
      l.classId = g.subgroup ? g.parentId : g.id;
      l.subgroupId = g.subgroup ? g.id : "";
      l.subjectId = a.subjectId;
      l.topic = a.title;
      const model::Lesson* old = ex ? existingIndex_->lesson(l.id) : nullptr;
      l.hours = old ? old->hours : 1;
      // Who taught: the lesson's teachers. The scheduled teacher comes from our timetable (XML); a different
      // teacher on the lesson is a substitution.
      std::string taught = a.teachers.empty() ? "" : a.teachers.front();
      std::string scheduled = scheduledTeacher(l);
      if (!scheduled.empty() && !taught.empty() && scheduled != taught) {
        l.teacherId = scheduled;
        l.substituteTeacherId = taught;
      } else if (old && !old->substituteTeacherId.empty() && old->substituteTeacherId == taught) {
        l.teacherId = old->teacherId;
        l.substituteTeacherId = taught;
      } else {
        l.teacherId = taught.empty() && old ? old->teacherId : taught;
      }
      const ApiWork* entry = nullptr;  // the evidence of when the topic was entered
      std::vector<std::string> homework;
      for (const ApiWork& w : a.works) {
        workById[w.id] = &w;
        if (w.type == "DefaultNewLessonWork") {
          defaultColumn[w.id] = l.id;
          if (w.sentDate) entry = &w;
          continue;
        }
        if (w.type == "PeriodMark") continue;
        if (w.type == "Homework") {
          if (!w.text.empty()) homework.push_back(w.text);
          if (!gradedWorkIds.count(w.id)) continue;  // a graded homework is also a column
        }
        model::Work mw;
        mw.id = w.id;
        mw.topic = w.text;
        auto wt = workTypes_.find(w.workTypeId);
        if (wt == workTypes_.end()) {
          stats_.problems.push_back("работа " + w.id + " (урок " + l.id + " от " + l.date.toRussian() +
                                    "): тип работы " + w.workTypeId +
                                    " не найден в /work-types; учтена как «Работа на уроке»");
        } else {
          mw.weight = wt->second.weight;
          if (auto t = model::workTypeFromRussian(wt->second.title)) {
            mw.type = *t;
          } else {
            stats_.problems.push_back("работа " + w.id + " (урок " + l.id + " от " + l.date.toRussian() +
                                      "): тип работы «" + wt->second.title +
                                      "» не распознан; учтена как «Работа на уроке»");
          }
        }
        l.works.push_back(mw);
      }
      for (size_t i = 0; i < homework.size(); ++i) l.homework += (i ? "\n" : "") + homework[i];
      if (!l.topic.empty()) {
        if (!entry)
          for (const ApiWork& w : a.works)
            if (w.sentDate && w.type != "PeriodMark" && (!entry || *w.sentDate < *entry->sentDate))
              entry = &w;
        if (entry) {
          l.topicEnteredAt = entry->sentDate;
          l.topicEnteredBy = staffOfUser(entry->createdBy);
        } else if (old && old->topic == l.topic) {
          l.topicEnteredAt = old->topicEnteredAt;
          l.topicEnteredBy = old->topicEnteredBy;
        }
      }
      lessonsOut_.push_back(std::move(l));
    }
    std::unordered_map<std::string, size_t> lessonPos;
    for (size_t i = 0; i < lessonsOut_.size(); ++i) lessonPos[lessonsOut_[i].id] = i;

    // Attendance: "Attend" entries only prove the register was taken.
    std::set<std::pair<std::string, std::string>> seenEntries;
    for (const ApiLogEntry& e : logEntries_) {
      auto lp = lessonPos.find(e.lessonId);
      if (lp == lessonPos.end()) continue;
      if (!seenEntries.insert({e.lessonId, e.personId}).second) continue;
      model::Lesson& l = lessonsOut_[lp->second];
      l.attendanceTaken = true;
      if (e.createdDate && (!l.attendanceEnteredAt || *e.createdDate < *l.attendanceEnteredAt))
        l.attendanceEnteredAt = e.createdDate;
      std::optional<model::AttendanceStatus> status;
      if (e.status == "Attend") continue;
      if (e.status == "Absent")
        status = model::AttendanceStatus::Absent;
      else if (e.status == "Ill")
        status = model::AttendanceStatus::Ill;
      else if (e.status == "Late")
        status = model::AttendanceStatus::Late;
      else if (e.status == "Pass")
        status = model::AttendanceStatus::Excused;
      if (!status) {
        stats_.problems.push_back("посещаемость ученика " + e.personId + " на уроке " + e.lessonId +
                                  ": неизвестный статус «" + e.status + "»; запись пропущена");
        continue;
      }
      attendanceOut_.push_back({e.personId, e.lessonId, *status, e.createdDate});
      noteEvidence(e.personId, l);
    }

    for (const ApiMark& m : marks_) {
      auto lp = lessonPos.find(m.lessonId);
      if (lp == lessonPos.end()) continue;  // a mark of a lesson outside the range
      const model::Lesson& l = lessonsOut_[lp->second];
      auto value = markValue(m.textValue, m.value);
      if (!value) {
        stats_.problems.push_back("оценка " + m.id + " (урок " + l.id + " от " + l.date.toRussian() +
                                  "): неизвестное значение «" +
                                  (m.textValue.empty() ? m.value : m.textValue) + "»; оценка пропущена");
        continue;
      }
      model::Mark mk;
      mk.id = m.id;
      mk.studentId = m.personId;
      mk.lessonId = l.id;
      if (!defaultColumn.count(m.workId)) {
        if (std::any_of(l.works.begin(), l.works.end(), [&](auto& w) { return w.id == m.workId; })) {
          mk.workId = m.workId;
        } else if (!m.workId.empty()) {
          stats_.problems.push_back("оценка " + m.id + ": работа " + m.workId +
                                    " не найдена среди работ урока " + l.id +
                                    "; оценка отнесена к основной колонке урока");
        }
      }
      std::string typeId = m.workTypeId;
      if (typeId.empty())
        if (auto w = workById.find(m.workId); w != workById.end()) typeId = w->second->workTypeId;
      if (auto wt = workTypes_.find(typeId); wt != workTypes_.end()) mk.weight = wt->second.weight;
      mk.value = *value;
      mk.enteredAt = m.date ? *m.date : DateTime{l.date, 0};
      // The API does not say who posted a mark: the teacher who gave the lesson, unless our record knows.
      mk.enteredBy = l.substituteTeacherId.empty() ? l.teacherId : l.substituteTeacherId;
      const model::Mark* old = nullptr;
      if (ex)
        for (const model::Mark* x : existingIndex_->marksOfLesson(l.id))
          if (x->id == mk.id) old = x;
      if (old) {
        mk.history = old->history;
        if (old->value == mk.value) {
          mk.enteredBy = old->enteredBy;
        } else {
          mk.history.push_back({old->value, mk.value, mk.enteredAt, mk.enteredBy});
        }
      }
      noteEvidence(mk.studentId, l);
      marksOut_.push_back(std::move(mk));
    }

    std::set<std::string> seenFinal;
    for (const ApiFinalMark& f : finalMarks_) {
      if (!seenFinal.insert(f.mark.id).second) continue;  // listed for the class and for its subgroup
      model::PeriodMark pm;
      pm.studentId = f.personId;
      auto git = groupById_.find(f.groupId);
      pm.classId = git != groupById_.end() && git->second->subgroup ? git->second->parentId : f.groupId;
      const std::string what = "итоговая оценка " + f.mark.id + " ученика " + f.personId;
      auto value = markValue(f.mark.textValue, f.mark.value);
      if (!value) {
        stats_.problems.push_back(what + ": неизвестное значение «" + f.mark.textValue + "»; пропущена");
        continue;
      }
      pm.value = *value;
      const ApiWork* work = nullptr;
      if (auto w = periodWorks_.find(f.mark.workId); w != periodWorks_.end()) work = &w->second;
      pm.subjectId = !f.subjectId.empty() ? f.subjectId : work ? work->subjectId : "";
      if (pm.subjectId.empty()) {
        stats_.problems.push_back(what + ": предмет не указан ни в оценке, ни в её работе " + f.mark.workId +
                                  "; пропущена");
        continue;
      }
      const auto workPeriod = work ? periodKind(work->periodType) : std::nullopt;
      if (f.reportingPeriodId.empty() && workPeriod && *workPeriod != model::PeriodKind::Year) {
        // A period mark told by its work only (the allfinalmarks shape): the reporting period of that kind
        // and number, in the API's own numbering.
        const std::string id = periodOfNumber(*workPeriod, work->periodNumber);
        if (id.empty()) {
          stats_.problems.push_back(what + ": отчётный период «" + work->periodType + "» № " +
                                    std::to_string(work->periodNumber) + " неизвестен; пропущена");
          continue;
        }
        pm.periodId = id;
        pm.kind = model::PeriodMarkKind::Period;
      } else if (!f.reportingPeriodId.empty()) {
        auto p = periodIdByApi_.find(f.reportingPeriodId);
        if (p == periodIdByApi_.end()) {
          stats_.problems.push_back(what + ": отчётный период " + f.reportingPeriodId +
                                    " неизвестен; пропущена");
          continue;
        }
        pm.periodId = p->second;
        pm.kind = p->second == yearPeriodId_ ? model::PeriodMarkKind::Year : model::PeriodMarkKind::Period;
      } else {
        std::string type = work ? work->periodType : "";
        if (type == "Year" || type.empty())
          pm.kind = model::PeriodMarkKind::Year;
        else if (type == "Exam")
          pm.kind = model::PeriodMarkKind::Exam;
        else if (type == "Final")
          pm.kind = model::PeriodMarkKind::Final;
        else {
          stats_.problems.push_back(what + ": тип итоговой оценки «" + type + "» неизвестен; пропущена");
          continue;
        }
        pm.periodId = yearPeriodId_;
      }
      pm.enteredAt = f.mark.date;
      if (work) pm.enteredBy = staffOfUser(work->createdBy);
      periodMarksOut_.push_back(std::move(pm));
    }
  }

  void noteEvidence(const std::string& studentId, const model::Lesson& l) {
    for (const std::string& group : {l.classId, l.subgroupId}) {
      if (group.empty()) continue;
      auto& d = lastEvidence_[{studentId, group}];
      d = std::max(d, l.date);
    }
  }

  // Enrolments and subgroup memberships: the API has only the status (Active/Archive), not the dates.
  void finishMemberships() {
    const model::Journal* ex = existing_;
    for (model::Student& st : students_) {
      const model::Student* old = ex ? existingIndex_->student(st.id) : nullptr;
      if (old) st.birthDate = old->birthDate;
      const auto& list = memberships_[st.id];
      // Open enrolments start the day after the last archived one ends (a transfer within the year).
      Date archivedEnd = year_.start - 1;
      for (const Membership& m : list) {
        auto g = groupById_.find(m.groupId);
        if (g == groupById_.end() || g->second->subgroup || m.active) continue;
        if (old && std::any_of(old->enrolments.begin(), old->enrolments.end(),
                               [&](auto& e) { return e.classId == m.groupId; }))
          continue;
        Date end = evidenceEnd(st.id, m.groupId);
        st.enrolments.push_back({m.groupId, year_.start, end});
        archivedEnd = std::max(archivedEnd, end);
      }
      for (const Membership& m : list) {
        auto g = groupById_.find(m.groupId);
        if (g == groupById_.end() || g->second->subgroup || !m.active) continue;
        if (old && std::any_of(old->enrolments.begin(), old->enrolments.end(),
                               [&](auto& e) { return e.classId == m.groupId; }))
          continue;
        st.enrolments.push_back({m.groupId, activeFrom(st.id, m.groupId, archivedEnd + 1), std::nullopt});
      }
      if (old)
        for (const model::Enrolment& e : old->enrolments)
          if (std::any_of(list.begin(), list.end(), [&](auto& m) { return m.groupId == e.classId; }))
            st.enrolments.push_back(e);
      std::sort(st.enrolments.begin(), st.enrolments.end(), [](auto& a, auto& b) { return a.from < b.from; });
    }
    for (model::Subgroup& sg : subgroups_) {
      const model::Subgroup* old = ex ? existingIndex_->subgroup(sg.id) : nullptr;
      for (model::Student& st : students_) {
        for (const Membership& m : memberships_[st.id]) {
          if (m.groupId != sg.id) continue;
          bool known = false;
          if (old)
            for (const model::Membership& om : old->members)
              if (om.studentId == st.id) sg.members.push_back(om), known = true;
          if (known) continue;
          if (m.active)
            sg.members.push_back({st.id, activeFrom(st.id, sg.id, year_.start), std::nullopt});
          else
            sg.members.push_back({st.id, year_.start, evidenceEnd(st.id, sg.id)});
        }
      }
    }
  }

  // What the API does not say of a subject, read off what it does say: two marks in one cell where a lesson's
  // work takes two (Work.markCount, a dictation's «4/5» in Russian and literature), and a subject taught
  // without marks where the range has its lessons but not one mark of it in the whole school (ОРКСЭ, by the
  // school's practice). What the stored journal says of a subject stands (an XML ingest carries it), except
  // that marks found for a subject a pull took for unmarked make it marked.
  void finishSubjects() {
    std::set<std::string> taught, withMarks, twoPerCell;
    std::unordered_map<std::string, std::string> subjectOfLesson;
    for (const ApiLesson& a : lessons_) {
      subjectOfLesson[a.id] = a.subjectId;
      for (const ApiWork& w : a.works)
        if (w.markCount >= 2 && w.type != "PeriodMark") twoPerCell.insert(a.subjectId);
    }
    for (const model::Lesson& l : lessonsOut_) taught.insert(l.subjectId);
    for (const model::Mark& m : marksOut_)
      if (auto it = subjectOfLesson.find(m.lessonId); it != subjectOfLesson.end())
        withMarks.insert(it->second);
    for (const model::PeriodMark& pm : periodMarksOut_) withMarks.insert(pm.subjectId);
    for (model::Subject& s : subjects_) {
      if (twoPerCell.count(s.id)) s.twoMarksPerCell = true;
      const model::Subject* old = existing_ ? existingIndex_->subject(s.id) : nullptr;
      if (old) {
        if (old->grading == model::Grading::Unmarked && withMarks.count(s.id))
          s.grading = model::Grading::Marked;
        continue;
      }
      if (taught.count(s.id) && !withMarks.count(s.id)) {
        s.grading = model::Grading::Unmarked;
        stats_.problems.push_back("предмет «" + s.name + "»: за " + range_.from.toRussian() + "–" +
                                  range_.to.toRussian() +
                                  " в школе нет ни одной его отметки, он учтён как изучаемый без отметок");
      }
    }
  }

  // Where a current member's membership starts: `from`, unless the range holds nothing of the student in the
  // group (no mark, no attendance entry, no final mark): then the student came after it (a pupil who joined
  // in November is a member today, and the API has no dates), and is not counted in the range's checks and
  // printouts.
  Date activeFrom(const std::string& studentId, const std::string& groupId, Date from) const {
    if (lastEvidence_.count({studentId, groupId})) return from;
    for (const model::PeriodMark& pm : periodMarksOut_) {
      if (pm.studentId != studentId || pm.classId != groupId || pm.kind != model::PeriodMarkKind::Period)
        continue;
      for (const model::Period& p :
           periods_)  // a quarter's mark is evidence for that quarter, not the year's
        if (p.id == pm.periodId && p.dates.from <= range_.to && range_.from <= p.dates.to) return from;
    }
    return std::max(from, range_.to + 1);
  }

  Date evidenceEnd(const std::string& studentId, const std::string& groupId) const {
    auto it = lastEvidence_.find({studentId, groupId});
    return it == lastEvidence_.end() ? year_.start : it->second;
  }

  std::vector<model::Journal> parts() {
    std::vector<model::Journal> out;
    model::Journal ref;
    ref.school = school_;
    ref.year = year_;
    ref.periods = periods_;
    ref.holidays = holidays_;
    ref.staff = staff_;
    ref.subjects = subjects_;
    ref.classes = classes_;
    ref.students = students_;
    ref.subgroups = subgroups_;
    if (existing_) {
      ref.curriculum = existing_->curriculum;
      ref.plan = existing_->plan;
      ref.timetable = existing_->timetable;
    }
    out.push_back(std::move(ref));

    std::sort(lessonsOut_.begin(), lessonsOut_.end(), [](auto& a, auto& b) {
      return std::tie(a.date, a.classId, a.slot, a.id) < std::tie(b.date, b.classId, b.slot, b.id);
    });
    std::unordered_map<std::string, size_t> chunkOf;
    auto chunks = splitRange(range_, options_.split);
    for (auto& chunk : chunks) {
      model::Journal part;
      part.school.id = school_.id;  // later parts name the school only (store::IngestTransaction)
      for (auto& l : lessonsOut_)
        if (chunk.contains(l.date)) chunkOf[l.id] = out.size(), part.lessons.push_back(l);
      out.push_back(std::move(part));
    }
    for (auto& m : marksOut_) out[chunkOf.at(m.lessonId)].marks.push_back(m);
    for (auto& a : attendanceOut_) out[chunkOf.at(a.lessonId)].attendance.push_back(a);
    model::Journal finals;
    finals.school.id = school_.id;
    finals.periodMarks = periodMarksOut_;
    out.push_back(std::move(finals));
    // Drop empty activity parts, keep the reference part first.
    std::vector<model::Journal> kept;
    for (size_t i = 0; i < out.size(); ++i)
      if (i == 0 || !out[i].lessons.empty() || !out[i].periodMarks.empty()) kept.push_back(std::move(out[i]));
    stats_.lessons = lessonsOut_.size();
    stats_.marks = marksOut_.size();
    stats_.attendance = attendanceOut_.size();
    stats_.periodMarks = periodMarksOut_.size();
    stats_.parts = kept.size();
    return kept;
  }

  const PullOptions& options_;
  Api api_;
  PullStats& stats_;
  std::optional<model::Journal> loaded_;
  const model::Journal* existing_ = nullptr;
  std::unique_ptr<model::JournalIndex> existingIndex_;

  std::string schoolId_;
  model::School school_;
  model::AcademicYear year_;
  std::string yearPeriodId_;
  DateRange range_;
  std::vector<ApiGroup> groups_;
  std::unordered_map<std::string, const ApiGroup*> groupById_;
  std::vector<model::Staff> staff_;
  std::unordered_map<std::string, size_t> staffIndex_;
  std::unordered_map<std::string, std::string> staffByUser_;
  std::vector<model::Subject> subjects_;
  std::map<std::string, WorkTypeInfo> workTypes_;
  std::map<std::string, RawPeriod> rawPeriods_;
  std::map<std::string, std::string> periodIdByApi_;
  std::vector<model::Period> periods_;
  std::vector<model::Holiday> holidays_;
  bool periodGroupPlural_ = false;  // this deployment spells it reporting-periods-group
  std::map<std::string, std::string> classTeacher_;
  std::map<std::string, std::string> subgroupTeacher_;
  std::vector<model::Student> students_;
  std::unordered_map<std::string, size_t> studentIndex_;
  std::map<std::string, std::vector<Membership>> memberships_;
  std::vector<model::SchoolClass> classes_;
  std::vector<model::Subgroup> subgroups_;

  std::vector<ApiLesson> lessons_;
  std::unordered_map<std::string, size_t> lessonIndex_;
  std::vector<ApiMark> marks_;
  std::unordered_map<std::string, size_t> markIndex_;
  std::vector<ApiLogEntry> logEntries_;
  std::vector<ApiFinalMark> finalMarks_;
  std::map<std::string, ApiWork> periodWorks_;

  std::vector<model::Lesson> lessonsOut_;
  std::vector<model::Mark> marksOut_;
  std::vector<model::Attendance> attendanceOut_;
  std::vector<model::PeriodMark> periodMarksOut_;
  std::map<std::pair<std::string, std::string>, Date> lastEvidence_;
};

}  // namespace

PullStats pull(const PullOptions& options, const std::function<void(const model::Journal& part)>& sink,
               HttpTransport* transport) {
  if (options.connection.token.empty())
    throw Error(ErrorKind::Input, "pull", "не задан токен доступа к dnevnik.ru");
  std::unique_ptr<HttpTransport> own;
  if (!transport) {
    own = makeHttpTransport(options.connection);
    transport = own.get();
  }
  PullStats stats;
  Puller puller(options, *transport, stats);
  for (const model::Journal& part : puller.run()) sink(part);
  return stats;
}

model::Journal pullJournal(const PullOptions& options, PullStats* stats, HttpTransport* transport) {
  model::Journal all;
  bool first = true;
  PullStats s = pull(
      options,
      [&](const model::Journal& part) {
        if (first) {
          all = part;
          first = false;
          return;
        }
        all.lessons.insert(all.lessons.end(), part.lessons.begin(), part.lessons.end());
        all.marks.insert(all.marks.end(), part.marks.begin(), part.marks.end());
        all.attendance.insert(all.attendance.end(), part.attendance.begin(), part.attendance.end());
        all.periodMarks.insert(all.periodMarks.end(), part.periodMarks.begin(), part.periodMarks.end());
      },
      transport);
  if (stats) *stats = std::move(s);
  return all;
}

model::Provenance pullProvenance(const std::string& baseUrl, const model::Clock& clock) {
  model::Provenance p;
  p.source = "dnevnik:" + baseUrl;
  p.at = clock.now();
  std::random_device rd;
  std::ostringstream id;
  std::string stamp = p.at.toString();  // 2026-05-31T18:00:00
  stamp.erase(std::remove_if(stamp.begin(), stamp.end(), [](char c) { return c == '-' || c == ':'; }),
              stamp.end());
  id << "pull-" << stamp << "-" << std::hex;
  id.width(8);
  id.fill('0');
  id << (static_cast<unsigned>(rd()) & 0xffffffffu);
  p.runId = id.str();
  return p;
}

std::string readTokenFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error(ErrorKind::NotFound, path, "не удалось открыть файл токена");
  std::string line;
  while (std::getline(in, line)) {
    line = trim(line);
    if (!line.empty()) return line;
  }
  throw Error(ErrorKind::Input, path, "файл токена пуст");
}

model::Date parseDateArgument(const std::string& text, const std::string& what) {
  auto d = model::Date::parse(text);
  if (!d) throw Error(ErrorKind::Input, what, "«" + text + "» не является датой вида ГГГГ-ММ-ДД");
  return *d;
}

}  // namespace ejournal::ingest::dnevnik
