// Store on SQL: opening, the value text forms, loading a journal and the per-class statistics.
#include "sql_store.h"

#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/SQLite/Utility.h>
#include <Poco/Data/Statement.h>
#include <sqlite3.h>

#include <algorithm>
#include <cstddef>
#include <map>
#include <stdexcept>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <unordered_map>

#include "ejournal/model/error.h"

using namespace Poco::Data::Keywords;

namespace ejournal::store {

// ---- text forms
// -------------------------------------------------------------------------------------------------

std::string text(const std::optional<model::Date>& d) { return d ? d->toString() : std::string(); }
std::string text(const std::optional<model::DateTime>& t) { return t ? t->toString() : std::string(); }
std::string text(const std::optional<model::MarkValue>& v) { return v ? v->toString() : std::string(); }

std::string_view text(model::PeriodKind k) { return model::toString(k); }
std::string_view text(model::Grading g) { return model::toString(g); }

namespace {

[[noreturn]] void badValue(const char* column, const std::string& value) {
  throw Error(ErrorKind::Internal, std::string("store: column ") + column,
              "unreadable value \"" + value + "\" (the database was changed outside ejournal?)");
}

}  // namespace

std::optional<model::Date> dateFrom(const std::string& s, const char* column) {
  if (s.empty()) return std::nullopt;
  auto d = model::Date::parse(s);
  if (!d) badValue(column, s);
  return d;
}

std::optional<model::DateTime> dateTimeFrom(const std::string& s, const char* column) {
  if (s.empty()) return std::nullopt;
  auto t = model::DateTime::parse(s);
  if (!t) badValue(column, s);
  return t;
}

std::optional<model::MarkValue> markValueFrom(const std::string& s, const char* column) {
  if (s.empty()) return std::nullopt;
  auto v = model::MarkValue::parse(s);
  if (!v) badValue(column, s);
  return v;
}

model::PeriodKind periodKindFrom(const std::string& s) {
  auto k = model::periodKindFromString(s);
  if (!k) badValue("periods.kind", s);
  return *k;
}

model::Grading gradingFrom(const std::string& s) {
  auto g = model::gradingFromString(s);
  if (!g) badValue("subjects.grading", s);
  return *g;
}

model::WorkType workTypeFrom(const std::string& s) {
  auto t = model::workTypeFromString(s);
  if (!t) badValue("work_type", s);
  return *t;
}

model::AttendanceStatus attendanceFrom(const std::string& s) {
  auto a = model::attendanceStatusFromString(s);
  if (!a) badValue("attendance.status", s);
  return *a;
}

model::PeriodMarkKind periodMarkKindFrom(const std::string& s) {
  auto k = model::periodMarkKindFromString(s);
  if (!k) badValue("period_marks.kind", s);
  return *k;
}

// ---- opening
// ----------------------------------------------------------------------------------------------------

std::unique_ptr<Store> Store::open(const std::string& connection, std::shared_ptr<model::Clock> clock) {
  return std::make_unique<SqlStore>(connection, std::move(clock));
}

std::unique_ptr<Store> Store::openExisting(const std::string& connection,
                                           std::shared_ptr<model::Clock> clock) {
  return std::make_unique<SqlStore>(connection, std::move(clock), false);
}

Database& databaseOf(Store& store) {
  auto* sql = dynamic_cast<SqlStore*>(&store);
  if (!sql) throw Error(ErrorKind::Internal, "store", "databaseOf: not a store opened by Store::open");
  return sql->database();
}

SqlStore::SqlStore(const std::string& connection, std::shared_ptr<model::Clock> clock, bool migrate)
    : db_(connection, std::move(clock), migrate) {}

std::unique_ptr<IngestTransaction> SqlStore::beginIngest(const model::Provenance& provenance) {
  return makeIngestTransaction(db_, provenance);
}

namespace {

// Runs a SELECT with string parameters, each result column into its own vector.
template <class... V>
void select(Poco::Data::Session& s, const std::string& sql, std::vector<std::string>& params, V&... columns) {
  checkPlaceholders(sql);
  execute(s, [&](Poco::Data::Statement& st) {
    st << sql;
    for (std::string& p : params) st, use(p);
    [[maybe_unused]] int expand[] = {((void)(st, into(columns)), 0)...};
  });
}

// The result columns of a row callback: one vector per parameter of its call operator, of the parameter's
// type.
template <class F>
struct RowColumns : RowColumns<decltype(&F::operator())> {};
template <class C, class R, class... A>
struct RowColumns<R (C::*)(A...) const> {
  using type = std::tuple<std::vector<std::decay_t<A>>...>;
};

// The values of one result row: one per parameter of the row callback's call operator, of the parameter's
// type.
template <class F>
struct RowValues : RowValues<decltype(&F::operator())> {};
template <class C, class R, class... A>
struct RowValues<R (C::*)(A...) const> {
  using type = std::tuple<std::decay_t<A>...>;
};

void columnValue(sqlite3_stmt* st, int i, std::string& out) {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st, i));
  if (p)
    out.assign(p, static_cast<size_t>(sqlite3_column_bytes(st, i)));
  else
    out.clear();
}
void columnValue(sqlite3_stmt* st, int i, int& out) { out = sqlite3_column_int(st, i); }
void columnValue(sqlite3_stmt* st, int i, double& out) { out = sqlite3_column_double(st, i); }

// A statement prepared directly with sqlite3, finalized on every path out.
struct SqliteStatement {
  sqlite3_stmt* st = nullptr;
  ~SqliteStatement() { sqlite3_finalize(st); }
};

// Runs a SELECT with string parameters and calls row(column1, column2, ...) for each result row in order. The
// columns' C++ types are those of row's parameters (std::string, int, double); taken by `T&`, a value may be
// moved from. `count(n)`, when given, is told the number of rows first (to reserve room; PostgreSQL only). On
// SQLite the rows are stepped one by one with sqlite3 itself, straight into one set of reused values (Poco's
// extraction into a vector per column costs more than the query); on PostgreSQL through Poco.
template <class F, class N = std::nullptr_t>
void forEachRow(Poco::Data::Session& s, const std::string& sql, std::vector<std::string> params, F&& row,
                N&& count = nullptr) {
  if (s.connector() != Poco::Data::PostgreSQL::Connector::KEY) {
    checkPlaceholders(sql);
    sqlite3* db = Poco::Data::SQLite::Utility::dbHandle(s);
    SqliteStatement q;
    if (sqlite3_prepare_v2(db, sql.c_str(), static_cast<int>(sql.size()), &q.st, nullptr) != SQLITE_OK)
      throw Error(ErrorKind::Internal, "store.select", std::string(sqlite3_errmsg(db)) + " in: " + sql);
    for (size_t k = 0; k < params.size(); ++k)
      sqlite3_bind_text(q.st, static_cast<int>(k + 1), params[k].data(), static_cast<int>(params[k].size()),
                        SQLITE_STATIC);
    typename RowValues<std::decay_t<F>>::type values;
    int rc;
    while ((rc = sqlite3_step(q.st)) == SQLITE_ROW) {
      std::apply(
          [&](auto&... v) {
            int i = 0;
            (columnValue(q.st, i++, v), ...);
            row(v...);
          },
          values);
    }
    if (rc != SQLITE_DONE)
      throw Error(ErrorKind::Internal, "store.select", std::string(sqlite3_errmsg(db)) + " in: " + sql);
    return;
  }
  typename RowColumns<std::decay_t<F>>::type columns;
  std::apply([&](auto&... c) { select(s, sql, params, c...); }, columns);
  const size_t n = std::get<0>(columns).size();
  if constexpr (!std::is_same_v<std::decay_t<N>, std::nullptr_t>) count(n);
  for (size_t i = 0; i < n; ++i) std::apply([&](auto&... c) { row(c[i]...); }, columns);
}

// "$n" for the next parameter.
std::string param(std::vector<std::string>& params, std::string value) {
  params.push_back(std::move(value));
  return "$" + std::to_string(params.size());
}

}  // namespace

std::vector<std::string> SqlStore::schools() {
  return db_.guard("store.schools", [&] {
    Poco::Data::Session s = db_.session();
    std::vector<std::string> ids;
    s << "SELECT school_id FROM schools ORDER BY school_id", into(ids), now;
    return ids;
  });
}

std::vector<model::School> SqlStore::schoolList() {
  return db_.guard("store.schools", [&] {
    Poco::Data::Session s = db_.session();
    std::vector<std::string> ids, full, shortNames, director, deputy, address;
    s << "SELECT school_id, full_name, short_name, director, deputy_director, address FROM schools "
         "ORDER BY school_id",
        into(ids), into(full), into(shortNames), into(director), into(deputy), into(address), now;
    std::vector<model::School> out(ids.size());
    for (size_t i = 0; i < ids.size(); ++i)
      out[i] = {ids[i], full[i], shortNames[i], director[i], deputy[i], address[i]};
    return out;
  });
}

std::string SqlStore::version() {
  return db_.guard("store.version", [&] {
    Poco::Data::Session s = db_.session();
    // Each committed ingest or pull adds its own ingest_runs row (run ids are unique per run); a run id
    // written again is upserted with its new finishing time.
    int64_t runs = 0;
    std::string last, lastRun;
    s << "SELECT COUNT(*), COALESCE(MAX(finished_at), ''), COALESCE(MAX(run_id), '') FROM ingest_runs",
        into(runs), into(last), into(lastRun), now;
    return std::to_string(runs) + "|" + last + "|" + lastRun;
  });
}

std::string SqlStore::schoolVersion(const std::string& schoolId) {
  return db_.guard("store.version", [&] {
    Poco::Data::Session s = db_.session();
    std::string id = schoolId;
    int64_t runs = 0;
    std::string last, lastRun;
    // The primary key (school_id, run_id) finds the school's runs.
    s << "SELECT COUNT(*), COALESCE(MAX(finished_at), ''), COALESCE(MAX(run_id), '') FROM ingest_runs "
         "WHERE school_id = $1",
        use(id), into(runs), into(last), into(lastRun), now;
    return std::to_string(runs) + "|" + last + "|" + lastRun;
  });
}

std::string SqlStore::resolveSchool(Poco::Data::Session& s, const std::string& schoolId) {
  if (!schoolId.empty()) {
    std::string id = schoolId;
    int n = 0;
    s << "SELECT COUNT(*) FROM schools WHERE school_id = $1", use(id), into(n), now;
    if (n == 0) throw Error(ErrorKind::NotFound, "школа " + schoolId, "в базе нет такой школы");
    return schoolId;
  }
  std::vector<std::string> ids, names;
  s << "SELECT school_id, short_name FROM schools ORDER BY school_id", into(ids), into(names), now;
  if (ids.empty()) throw Error(ErrorKind::NotFound, db_.displayName(), "в базе нет данных ни одной школы");
  if (ids.size() > 1) {
    std::string list;
    for (size_t i = 0; i < ids.size(); ++i)
      list += (i ? ", " : "") + ids[i] + (names[i].empty() ? "" : " «" + names[i] + "»");
    throw Error(ErrorKind::Input, db_.displayName(), "в базе несколько школ (" + list + "); укажите школу");
  }
  return ids.front();
}

// ---- load
// -------------------------------------------------------------------------------------------------------

model::Journal SqlStore::load(const LoadFilter& filter) {
  return db_.guard("store.load", [&] {
    Poco::Data::Session s = db_.session();
    // One read transaction, so every table is read from the same snapshot while others write.
    ReadTransaction read(db_, s);

    model::Journal j;
    const std::string school = resolveSchool(s, filter.schoolId);
    j.school.id = school;
    const std::vector<std::string> p = {school};

    forEachRow(
        s,
        "SELECT full_name, short_name, director, deputy_director, address, format_version, year_start, "
        "year_from, year_to FROM schools WHERE school_id = $1",
        p,
        [&](std::string& full, std::string& shortName, std::string& director, std::string& deputy,
            std::string& address, int format, int start, std::string& from, std::string& to) {
          j.school.fullName = full;
          j.school.shortName = shortName;
          j.school.director = director;
          j.school.deputyDirector = deputy;
          j.school.address = address;
          j.formatVersion = format;
          j.year.startYear = start;
          j.year.start = dateFrom(from, "schools.year_from").value_or(model::Date());
          j.year.end = dateFrom(to, "schools.year_to").value_or(model::Date());
        });
    forEachRow(
        s,
        "SELECT id, kind, number, date_from, date_to, grade_from, grade_to FROM periods WHERE school_id = $1 "
        "ORDER BY id",
        p,
        [&](std::string& id, std::string& kind, int number, std::string& from, std::string& to, int gFrom,
            int gTo) {
          j.periods.push_back({id,
                               periodKindFrom(kind),
                               number,
                               {*dateFrom(from, "periods.date_from"), *dateFrom(to, "periods.date_to")},
                               gFrom,
                               gTo});
        });
    forEachRow(
        s,
        "SELECT name, date_from, date_to, grade_from, grade_to FROM holidays WHERE school_id = $1 "
        "ORDER BY date_from, name",
        p, [&](std::string& name, std::string& from, std::string& to, int gFrom, int gTo) {
          j.holidays.push_back(
              {name, {*dateFrom(from, "holidays.date_from"), *dateFrom(to, "holidays.date_to")}, gFrom, gTo});
        });
    forEachRow(
        s,
        "SELECT id, last_name, first_name, middle_name, position, email FROM staff WHERE school_id = $1 "
        "ORDER BY id",
        p,
        [&](std::string& id, std::string& last, std::string& first, std::string& middle,
            std::string& position, std::string& email) {
          j.staff.push_back({id, last, first, middle, position, email});
        });
    forEachRow(s,
               "SELECT id, name, short_name, sort_order, grading, two_marks_per_cell FROM subjects "
               "WHERE school_id = $1 ORDER BY id",
               p,
               [&](std::string& id, std::string& name, std::string& shortName, int order,
                   std::string& grading, int two) {
                 j.subjects.push_back({id, name, shortName, order, gradingFrom(grading), two != 0});
               });
    forEachRow(s, "SELECT id, grade, letter, class_teacher_id FROM classes WHERE school_id = $1 ORDER BY id",
               p, [&](std::string& id, int grade, std::string& letter, std::string& teacher) {
                 j.classes.push_back({id, grade, letter, teacher});
               });
    {
      std::unordered_map<std::string, size_t> at;
      forEachRow(
          s,
          "SELECT id, last_name, first_name, middle_name, birth_date FROM students WHERE school_id = $1 "
          "ORDER BY id",
          p,
          [&](std::string& id, std::string& last, std::string& first, std::string& middle,
              std::string& birth) {
            at[id] = j.students.size();
            j.students.push_back({id, last, first, middle, dateFrom(birth, "students.birth_date"), {}});
          });
      forEachRow(s,
                 "SELECT student_id, class_id, date_from, date_to FROM enrolments WHERE school_id = $1 "
                 "ORDER BY student_id, seq",
                 p, [&](std::string& student, std::string& cls, std::string& from, std::string& to) {
                   j.students[at.at(student)].enrolments.push_back(
                       {cls, *dateFrom(from, "enrolments.date_from"), dateFrom(to, "enrolments.date_to")});
                 });
    }
    {
      std::unordered_map<std::string, size_t> at;
      forEachRow(
          s,
          "SELECT id, class_id, subject_id, name, teacher_id FROM subgroups WHERE school_id = $1 ORDER BY id",
          p,
          [&](std::string& id, std::string& cls, std::string& subject, std::string& name,
              std::string& teacher) {
            at[id] = j.subgroups.size();
            j.subgroups.push_back({id, cls, subject, name, teacher, {}});
          });
      forEachRow(
          s,
          "SELECT subgroup_id, student_id, date_from, date_to FROM memberships WHERE school_id = $1 "
          "ORDER BY subgroup_id, seq",
          p, [&](std::string& group, std::string& student, std::string& from, std::string& to) {
            j.subgroups[at.at(group)].members.push_back(
                {student, *dateFrom(from, "memberships.date_from"), dateFrom(to, "memberships.date_to")});
          });
    }
    {
      std::map<std::string, size_t> at;
      forEachRow(s,
                 "SELECT class_id, subject_id, subgroup_id, hours_per_week, hours_year FROM curriculum "
                 "WHERE school_id = $1 ORDER BY class_id, subject_id, subgroup_id",
                 p,
                 [&](std::string& cls, std::string& subject, std::string& group, double perWeek, int year) {
                   at[cls + '|' + subject + '|' + group] = j.curriculum.size();
                   j.curriculum.push_back({cls, subject, group, perWeek, year, {}});
                 });
      forEachRow(
          s,
          "SELECT class_id, subject_id, subgroup_id, period_id, hours FROM curriculum_periods "
          "WHERE school_id = $1 ORDER BY class_id, subject_id, subgroup_id, seq",
          p, [&](std::string& cls, std::string& subject, std::string& group, std::string& period, int hours) {
            j.curriculum[at.at(cls + '|' + subject + '|' + group)].periods.push_back({period, hours});
          });
    }
    forEachRow(
        s,
        "SELECT class_id, subject_id, subgroup_id, number, topic, work_type, work_topic, homework, hours "
        "FROM plan WHERE school_id = $1 ORDER BY class_id, subject_id, subgroup_id, number",
        p,
        [&](std::string& cls, std::string& subject, std::string& group, int number, std::string& topic,
            std::string& workType, std::string& workTopic, int homework, int hours) {
          model::PlannedLesson pl{cls,          subject,   group,         number, topic,
                                  std::nullopt, workTopic, homework != 0, hours};
          if (!workType.empty()) pl.workType = workTypeFrom(workType);
          j.plan.push_back(std::move(pl));
        });
    forEachRow(
        s,
        "SELECT weekday, slot, class_id, subject_id, subgroup_id, teacher_id, valid_from, valid_to "
        "FROM timetable WHERE school_id = $1 ORDER BY class_id, weekday, slot, subject_id, subgroup_id, "
        "valid_from",
        p,
        [&](int weekday, int slot, std::string& cls, std::string& subject, std::string& group,
            std::string& teacher, std::string& from, std::string& to) {
          j.timetable.push_back(
              {weekday,
               slot,
               cls,
               subject,
               group,
               teacher,
               {*dateFrom(from, "timetable.valid_from"), *dateFrom(to, "timetable.valid_to")}});
        });

    if (filter.referenceOnly) return j;

    // Lessons and what hangs on them, filtered by dates and class through the lessons table (alias l).
    std::vector<std::string> lp = {school};
    std::string lessonWhere = "l.school_id = $1";
    if (filter.dates) {
      lessonWhere += " AND l.lesson_date >= " + param(lp, filter.dates->from.toString());
      lessonWhere += " AND l.lesson_date <= " + param(lp, filter.dates->to.toString());
    }
    if (!filter.classId.empty()) lessonWhere += " AND l.class_id = " + param(lp, filter.classId);
    const bool filtered = lp.size() > 1;
    // The FROM clause for a table with a lesson_id column (alias t), joined to lessons only when filtering.
    auto fromLessons = [&](const std::string& table) {
      if (!filtered) return " FROM " + table + " t WHERE t.school_id = $1";
      return " FROM " + table +
             " t JOIN lessons l ON l.school_id = t.school_id AND l.id = t.lesson_id WHERE " + lessonWhere;
    };

    forEachRow(
        s,
        "SELECT l.id, l.lesson_date, l.slot, l.class_id, l.subject_id, l.subgroup_id, l.teacher_id, "
        "l.substitute_teacher_id, l.hours, l.topic, l.topic_entered_at, l.topic_entered_by, l.homework, "
        "l.attendance_taken, l.attendance_entered_at FROM lessons l WHERE " +
            lessonWhere + " ORDER BY l.lesson_date, l.slot, l.id",
        lp,
        [&](std::string& id, std::string& date, int slot, std::string& cls, std::string& subject,
            std::string& group, std::string& teacher, std::string& substitute, int hours, std::string& topic,
            std::string& topicAt, std::string& topicBy, std::string& homework, int taken,
            std::string& attendanceAt) {
          model::Lesson l;
          l.id = std::move(id);
          l.date = *dateFrom(date, "lessons.lesson_date");
          l.slot = slot;
          l.classId = std::move(cls);
          l.subjectId = std::move(subject);
          l.subgroupId = std::move(group);
          l.teacherId = std::move(teacher);
          l.substituteTeacherId = std::move(substitute);
          l.hours = hours;
          l.topic = std::move(topic);
          l.topicEnteredAt = dateTimeFrom(topicAt, "lessons.topic_entered_at");
          l.topicEnteredBy = std::move(topicBy);
          l.homework = std::move(homework);
          l.attendanceTaken = taken != 0;
          l.attendanceEnteredAt = dateTimeFrom(attendanceAt, "lessons.attendance_entered_at");
          j.lessons.push_back(std::move(l));
        },
        [&](size_t n) { j.lessons.reserve(n); });
    // Keys view the lessons' own ids (built after the vector stops growing, so they stay valid).
    std::unordered_map<std::string_view, size_t> lessonAt;
    lessonAt.reserve(j.lessons.size());
    for (size_t k = 0; k < j.lessons.size(); ++k) lessonAt.emplace(j.lessons[k].id, k);
    auto lessonIndex = [&](const std::string& id) {
      auto it = lessonAt.find(id);
      if (it == lessonAt.end()) throw std::out_of_range("lesson " + id);
      return it->second;
    };
    forEachRow(s,
               "SELECT t.id, t.lesson_id, t.work_type, t.topic, t.weight" + fromLessons("works") +
                   " ORDER BY t.lesson_id, t.seq",
               lp,
               [&](std::string& id, std::string& lesson, std::string& type, std::string& topic, int weight) {
                 j.lessons[lessonIndex(lesson)].works.push_back({id, workTypeFrom(type), topic, weight});
               });
    {
      forEachRow(
          s,
          "SELECT t.id, t.student_id, t.lesson_id, t.work_id, t.value, t.weight, t.entered_at, t.entered_by" +
              fromLessons("marks") + " ORDER BY t.id",
          lp,
          [&](std::string& id, std::string& student, std::string& lesson, std::string& work,
              std::string& value, int weight, std::string& at, std::string& by) {
            model::Mark m;
            m.id = std::move(id);
            m.studentId = std::move(student);
            m.lessonId = std::move(lesson);
            m.workId = std::move(work);
            m.value = *markValueFrom(value, "marks.value");
            m.weight = weight;
            m.enteredAt = dateTimeFrom(at, "marks.entered_at").value_or(model::DateTime{});
            m.enteredBy = std::move(by);
            j.marks.push_back(std::move(m));
          },
          [&](size_t n) { j.marks.reserve(n); });
      // Marks come in id order and their history in mark id order, both sorted by the database: a history
      // row's mark is found by walking forward (no map of every mark id). A row out of that order (never
      // expected) falls back to a map built then.
      size_t walk = 0;
      std::unordered_map<std::string_view, size_t> markAt;
      auto markIndex = [&](const std::string& id) -> size_t {
        while (walk < j.marks.size() && j.marks[walk].id != id) ++walk;
        if (walk < j.marks.size()) return walk;
        if (markAt.empty())
          for (size_t k = 0; k < j.marks.size(); ++k) markAt.emplace(j.marks[k].id, k);
        auto it = markAt.find(id);
        if (it == markAt.end()) throw std::out_of_range("mark " + id);
        walk = it->second;
        return it->second;
      };
      std::string from =
          filtered
              ? " FROM mark_history h JOIN marks t ON t.school_id = h.school_id AND t.id = h.mark_id JOIN "
                "lessons l ON l.school_id = t.school_id AND l.id = t.lesson_id WHERE " +
                    lessonWhere
              : std::string(" FROM mark_history h WHERE h.school_id = $1");
      forEachRow(
          s,
          "SELECT h.mark_id, h.changed_at, h.old_value, h.new_value, h.changed_by" + from +
              " ORDER BY h.mark_id, h.changed_at, h.old_value, h.new_value",
          lp,
          [&](std::string& mark, std::string& changedAt, std::string& oldValue, std::string& newValue,
              std::string& changedBy) {
            j.marks[markIndex(mark)].history.push_back(
                {markValueFrom(oldValue, "mark_history.old_value"),
                 markValueFrom(newValue, "mark_history.new_value"),
                 dateTimeFrom(changedAt, "mark_history.changed_at").value_or(model::DateTime{}), changedBy});
          });
    }
    forEachRow(
        s,
        "SELECT t.lesson_id, t.student_id, t.status, t.entered_at" + fromLessons("attendance") +
            " ORDER BY t.lesson_id, t.student_id",
        lp,
        [&](std::string& lesson, std::string& student, std::string& status, std::string& at) {
          j.attendance.push_back({std::move(student), std::move(lesson), attendanceFrom(status),
                                  dateTimeFrom(at, "attendance.entered_at")});
        },
        [&](size_t n) { j.attendance.reserve(n); });
    {
      std::vector<std::string> pm = {school};
      std::string where = "school_id = $1";
      if (!filter.classId.empty()) where += " AND class_id = " + param(pm, filter.classId);
      forEachRow(s,
                 "SELECT student_id, class_id, subject_id, kind, period_id, value, entered_at, entered_by "
                 "FROM period_marks WHERE " +
                     where + " ORDER BY student_id, subject_id, kind, period_id",
                 pm,
                 [&](std::string& student, std::string& cls, std::string& subject, std::string& kind,
                     std::string& period, std::string& value, std::string& at, std::string& by) {
                   j.periodMarks.push_back({student, cls, subject, periodMarkKindFrom(kind), period,
                                            *markValueFrom(value, "period_marks.value"),
                                            dateTimeFrom(at, "period_marks.entered_at"), by});
                 });
    }
    return j;
  });
}

// ---- stats
// ------------------------------------------------------------------------------------------------------

std::vector<ClassStats> SqlStore::stats(const LoadFilter& filter) {
  return db_.guard("store.stats", [&] {
    Poco::Data::Session s = db_.session();
    ReadTransaction read(db_, s);
    const std::string school = resolveSchool(s, filter.schoolId);

    struct Cls {
      std::string id, name;
      int grade;
    };
    std::vector<Cls> classes;
    {
      std::vector<std::string> p = {school};
      std::string where = "school_id = $1";
      if (!filter.classId.empty()) where += " AND id = " + param(p, filter.classId);
      forEachRow(s, "SELECT id, grade, letter FROM classes WHERE " + where + " ORDER BY grade, letter, id", p,
                 [&](std::string& id, int grade, std::string& letter) {
                   classes.push_back({id, std::to_string(grade) + letter, grade});
                 });
    }
    if (!filter.classId.empty() && classes.empty())
      throw Error(ErrorKind::NotFound, "класс " + filter.classId, "в базе нет такого класса");

    // The ranges to count over: every reporting period (not the year kind) and the whole year as "".
    struct Range {
      std::string periodId;
      model::DateRange dates;
      int gradeFrom, gradeTo;
    };
    std::vector<Range> ranges;
    forEachRow(
        s,
        "SELECT id, kind, date_from, date_to, grade_from, grade_to FROM periods WHERE school_id = $1 "
        "ORDER BY date_from, date_to DESC, id",
        {school},
        [&](std::string& id, std::string& kind, std::string& from, std::string& to, int gFrom, int gTo) {
          if (periodKindFrom(kind) != model::PeriodKind::Year)
            ranges.push_back(
                {id, {*dateFrom(from, "periods.date_from"), *dateFrom(to, "periods.date_to")}, gFrom, gTo});
        });
    forEachRow(s, "SELECT year_from, year_to FROM schools WHERE school_id = $1", {school},
               [&](std::string& from, std::string& to) {
                 ranges.push_back(
                     {"", {*dateFrom(from, "schools.year_from"), *dateFrom(to, "schools.year_to")}, 1, 11});
               });

    // Lessons, marks and absences per class and lesson day, each table scanned once (not once per period); a
    // period's counts are then sums over its days. Enrolments are counted per period: a pupil counts once.
    struct Day {
      int lessons = 0, marks = 0, absences = 0;
    };
    std::map<std::string, std::map<std::string, Day>> days;  // class -> "YYYY-MM-DD" -> counts
    {
      std::vector<std::string> p = {school};
      const std::string byClass =
          filter.classId.empty() ? "" : " AND l.class_id = " + param(p, filter.classId);
      auto perDay = [&](const std::string& sql, int Day::*field) {
        forEachRow(s, sql, p,
                   [&](std::string& cls, std::string& date, int n) { days[cls][date].*field = n; });
      };
      perDay("SELECT l.class_id, l.lesson_date, COUNT(*) FROM lessons l WHERE l.school_id = $1" + byClass +
                 " GROUP BY l.class_id, l.lesson_date",
             &Day::lessons);
      perDay(
          "SELECT l.class_id, l.lesson_date, COUNT(*) FROM marks m JOIN lessons l ON l.school_id = "
          "m.school_id "
          "AND l.id = m.lesson_id WHERE l.school_id = $1" +
              byClass + " GROUP BY l.class_id, l.lesson_date",
          &Day::marks);
      perDay(
          "SELECT l.class_id, l.lesson_date, COUNT(*) FROM attendance a JOIN lessons l ON "
          "l.school_id = a.school_id AND l.id = a.lesson_id WHERE l.school_id = $1" +
              byClass + " AND a.status <> 'late' GROUP BY l.class_id, l.lesson_date",
          &Day::absences);
    }

    std::vector<ClassStats> out;
    for (Range& r : ranges) {
      if (filter.dates) {
        if (!r.dates.overlaps(*filter.dates)) continue;
        r.dates = {std::max(r.dates.from, filter.dates->from), std::min(r.dates.to, filter.dates->to)};
      }
      const std::string from = r.dates.from.toString(), to = r.dates.to.toString();
      std::map<std::string, int> students;
      forEachRow(s,
                 "SELECT class_id, COUNT(DISTINCT student_id) FROM enrolments WHERE school_id = $1 "
                 "AND (date_to = '' OR date_to >= $2) AND date_from <= $3 GROUP BY class_id",
                 {school, from, to}, [&](std::string& cls, int n) { students[cls] = n; });
      for (const Cls& c : classes) {
        if (c.grade < r.gradeFrom || c.grade > r.gradeTo) continue;
        Day sum;
        if (auto it = days.find(c.id); it != days.end())
          for (auto d = it->second.lower_bound(from); d != it->second.end() && d->first <= to; ++d) {
            sum.lessons += d->second.lessons;
            sum.marks += d->second.marks;
            sum.absences += d->second.absences;
          }
        out.push_back({c.id, c.name, r.periodId, students[c.id], sum.lessons, sum.marks, sum.absences});
      }
    }
    // Per class: its periods in date order, then the year.
    std::vector<ClassStats> sorted;
    for (const Cls& c : classes)
      for (const ClassStats& st : out)
        if (st.classId == c.id) sorted.push_back(st);
    return sorted;
  });
}

}  // namespace ejournal::store
