// Store on SQL: opening, the value text forms, loading a journal and the per-class statistics.
#include "sql_store.h"

#include <Poco/Data/Statement.h>

#include <algorithm>
#include <map>
#include <unordered_map>

#include "ejournal/model/error.h"

using namespace Poco::Data::Keywords;

namespace ejournal::store {

// ---- text forms -------------------------------------------------------------------------------------------------

std::string text(const std::optional<model::Date>& d) { return d ? d->toString() : std::string(); }
std::string text(const std::optional<model::DateTime>& t) { return t ? t->toString() : std::string(); }
std::string text(const std::optional<model::MarkValue>& v) { return v ? v->toString() : std::string(); }

std::string_view text(model::PeriodKind k) {
  switch (k) {
    case model::PeriodKind::Quarter: return "quarter";
    case model::PeriodKind::HalfYear: return "halfyear";
    case model::PeriodKind::Year: return "year";
  }
  return "year";
}

std::string_view text(model::Grading g) {
  switch (g) {
    case model::Grading::Marked: return "marked";
    case model::Grading::PassFail: return "passfail";
    case model::Grading::Unmarked: return "unmarked";
  }
  return "marked";
}

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
  if (s == "quarter") return model::PeriodKind::Quarter;
  if (s == "halfyear") return model::PeriodKind::HalfYear;
  if (s == "year") return model::PeriodKind::Year;
  badValue("periods.kind", s);
}

model::Grading gradingFrom(const std::string& s) {
  if (s == "marked") return model::Grading::Marked;
  if (s == "passfail") return model::Grading::PassFail;
  if (s == "unmarked") return model::Grading::Unmarked;
  badValue("subjects.grading", s);
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

// ---- opening ----------------------------------------------------------------------------------------------------

std::unique_ptr<Store> Store::open(const std::string& connection, std::shared_ptr<model::Clock> clock) {
  return std::make_unique<SqlStore>(connection, std::move(clock));
}

Database& databaseOf(Store& store) {
  auto* sql = dynamic_cast<SqlStore*>(&store);
  if (!sql) throw Error(ErrorKind::Internal, "store", "databaseOf: not a store opened by Store::open");
  return sql->database();
}

SqlStore::SqlStore(const std::string& connection, std::shared_ptr<model::Clock> clock)
    : db_(connection, std::move(clock)) {}

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

std::string SqlStore::resolveSchool(Poco::Data::Session& s, const std::string& schoolId) {
  if (!schoolId.empty()) {
    std::string id = schoolId;
    int n = 0;
    s << "SELECT COUNT(*) FROM schools WHERE school_id = $1", use(id), into(n), now;
    if (n == 0) throw Error(ErrorKind::NotFound, "школа " + schoolId, "в базе нет такой школы");
    return schoolId;
  }
  std::vector<std::string> ids;
  s << "SELECT school_id FROM schools ORDER BY school_id", into(ids), now;
  if (ids.empty()) throw Error(ErrorKind::NotFound, db_.displayName(), "в базе нет данных ни одной школы");
  if (ids.size() > 1) {
    std::string list;
    for (const auto& id : ids) list += (list.empty() ? "" : ", ") + id;
    throw Error(ErrorKind::Input, db_.displayName(), "в базе несколько школ (" + list + "); укажите школу");
  }
  return ids.front();
}

// ---- load -------------------------------------------------------------------------------------------------------

model::Journal SqlStore::load(const LoadFilter& filter) {
  return db_.guard("store.load", [&] {
    Poco::Data::Session s = db_.session();
    // One read transaction, so every table is read from the same snapshot while others write.
    ReadTransaction read(db_, s);

    model::Journal j;
    const std::string school = resolveSchool(s, filter.schoolId);
    j.school.id = school;
    std::vector<std::string> p;

    {
      std::vector<std::string> full, shortName, director, deputy, address, from, to;
      std::vector<int> format, start;
      p = {school};
      select(s,
             "SELECT full_name, short_name, director, deputy_director, address, format_version, year_start, "
             "year_from, year_to FROM schools WHERE school_id = $1",
             p, full, shortName, director, deputy, address, format, start, from, to);
      j.school.fullName = full.at(0);
      j.school.shortName = shortName.at(0);
      j.school.director = director.at(0);
      j.school.deputyDirector = deputy.at(0);
      j.school.address = address.at(0);
      j.formatVersion = format.at(0);
      j.year.startYear = start.at(0);
      j.year.start = dateFrom(from.at(0), "schools.year_from").value_or(model::Date());
      j.year.end = dateFrom(to.at(0), "schools.year_to").value_or(model::Date());
    }
    {
      std::vector<std::string> id, kind, from, to;
      std::vector<int> number, gFrom, gTo;
      p = {school};
      select(s,
             "SELECT id, kind, number, date_from, date_to, grade_from, grade_to FROM periods WHERE school_id = $1 "
             "ORDER BY id",
             p, id, kind, number, from, to, gFrom, gTo);
      for (size_t i = 0; i < id.size(); ++i)
        j.periods.push_back({id[i], periodKindFrom(kind[i]), number[i],
                             {*dateFrom(from[i], "periods.date_from"), *dateFrom(to[i], "periods.date_to")},
                             gFrom[i], gTo[i]});
    }
    {
      std::vector<std::string> name, from, to;
      std::vector<int> gFrom, gTo;
      p = {school};
      select(s,
             "SELECT name, date_from, date_to, grade_from, grade_to FROM holidays WHERE school_id = $1 "
             "ORDER BY date_from, name",
             p, name, from, to, gFrom, gTo);
      for (size_t i = 0; i < name.size(); ++i)
        j.holidays.push_back({name[i],
                              {*dateFrom(from[i], "holidays.date_from"), *dateFrom(to[i], "holidays.date_to")},
                              gFrom[i],
                              gTo[i]});
    }
    {
      std::vector<std::string> id, last, first, middle, position;
      p = {school};
      select(s,
             "SELECT id, last_name, first_name, middle_name, position FROM staff WHERE school_id = $1 ORDER BY id",
             p, id, last, first, middle, position);
      for (size_t i = 0; i < id.size(); ++i) j.staff.push_back({id[i], last[i], first[i], middle[i], position[i]});
    }
    {
      std::vector<std::string> id, name, shortName, grading;
      std::vector<int> order, two;
      p = {school};
      select(s,
             "SELECT id, name, short_name, sort_order, grading, two_marks_per_cell FROM subjects "
             "WHERE school_id = $1 ORDER BY id",
             p, id, name, shortName, order, grading, two);
      for (size_t i = 0; i < id.size(); ++i)
        j.subjects.push_back({id[i], name[i], shortName[i], order[i], gradingFrom(grading[i]), two[i] != 0});
    }
    {
      std::vector<std::string> id, letter, teacher;
      std::vector<int> grade;
      p = {school};
      select(s, "SELECT id, grade, letter, class_teacher_id FROM classes WHERE school_id = $1 ORDER BY id", p, id,
             grade, letter, teacher);
      for (size_t i = 0; i < id.size(); ++i) j.classes.push_back({id[i], grade[i], letter[i], teacher[i]});
    }
    {
      std::vector<std::string> id, last, first, middle, birth;
      p = {school};
      select(s,
             "SELECT id, last_name, first_name, middle_name, birth_date FROM students WHERE school_id = $1 "
             "ORDER BY id",
             p, id, last, first, middle, birth);
      std::unordered_map<std::string, size_t> at;
      for (size_t i = 0; i < id.size(); ++i) {
        at[id[i]] = i;
        j.students.push_back({id[i], last[i], first[i], middle[i], dateFrom(birth[i], "students.birth_date"), {}});
      }
      std::vector<std::string> student, cls, from, to;
      p = {school};
      select(s,
             "SELECT student_id, class_id, date_from, date_to FROM enrolments WHERE school_id = $1 "
             "ORDER BY student_id, seq",
             p, student, cls, from, to);
      for (size_t i = 0; i < student.size(); ++i)
        j.students[at.at(student[i])].enrolments.push_back(
            {cls[i], *dateFrom(from[i], "enrolments.date_from"), dateFrom(to[i], "enrolments.date_to")});
    }
    {
      std::vector<std::string> id, cls, subject, name, teacher;
      p = {school};
      select(s,
             "SELECT id, class_id, subject_id, name, teacher_id FROM subgroups WHERE school_id = $1 ORDER BY id", p,
             id, cls, subject, name, teacher);
      std::unordered_map<std::string, size_t> at;
      for (size_t i = 0; i < id.size(); ++i) {
        at[id[i]] = i;
        j.subgroups.push_back({id[i], cls[i], subject[i], name[i], teacher[i], {}});
      }
      std::vector<std::string> group, student, from, to;
      p = {school};
      select(s,
             "SELECT subgroup_id, student_id, date_from, date_to FROM memberships WHERE school_id = $1 "
             "ORDER BY subgroup_id, seq",
             p, group, student, from, to);
      for (size_t i = 0; i < group.size(); ++i)
        j.subgroups[at.at(group[i])].members.push_back(
            {student[i], *dateFrom(from[i], "memberships.date_from"), dateFrom(to[i], "memberships.date_to")});
    }
    {
      std::vector<std::string> cls, subject, group;
      std::vector<double> perWeek;
      std::vector<int> year;
      p = {school};
      select(s,
             "SELECT class_id, subject_id, subgroup_id, hours_per_week, hours_year FROM curriculum "
             "WHERE school_id = $1 ORDER BY class_id, subject_id, subgroup_id",
             p, cls, subject, group, perWeek, year);
      std::map<std::string, size_t> at;
      for (size_t i = 0; i < cls.size(); ++i) {
        at[cls[i] + '|' + subject[i] + '|' + group[i]] = i;
        j.curriculum.push_back({cls[i], subject[i], group[i], perWeek[i], year[i], {}});
      }
      std::vector<std::string> pc, ps, pg, period;
      std::vector<int> hours;
      p = {school};
      select(s,
             "SELECT class_id, subject_id, subgroup_id, period_id, hours FROM curriculum_periods "
             "WHERE school_id = $1 ORDER BY class_id, subject_id, subgroup_id, seq",
             p, pc, ps, pg, period, hours);
      for (size_t i = 0; i < pc.size(); ++i)
        j.curriculum[at.at(pc[i] + '|' + ps[i] + '|' + pg[i])].periods.push_back({period[i], hours[i]});
    }
    {
      std::vector<std::string> cls, subject, group, topic, workType, workTopic;
      std::vector<int> number, homework, hours;
      p = {school};
      select(s,
             "SELECT class_id, subject_id, subgroup_id, number, topic, work_type, work_topic, homework, hours "
             "FROM plan WHERE school_id = $1 ORDER BY class_id, subject_id, subgroup_id, number",
             p, cls, subject, group, number, topic, workType, workTopic, homework, hours);
      for (size_t i = 0; i < cls.size(); ++i) {
        model::PlannedLesson pl{cls[i], subject[i], group[i], number[i], topic[i], std::nullopt, workTopic[i],
                                homework[i] != 0, hours[i]};
        if (!workType[i].empty()) pl.workType = workTypeFrom(workType[i]);
        j.plan.push_back(std::move(pl));
      }
    }
    {
      std::vector<std::string> cls, subject, group, teacher, from, to;
      std::vector<int> weekday, slot;
      p = {school};
      select(s,
             "SELECT weekday, slot, class_id, subject_id, subgroup_id, teacher_id, valid_from, valid_to "
             "FROM timetable WHERE school_id = $1 ORDER BY class_id, weekday, slot, subject_id, subgroup_id, "
             "valid_from",
             p, weekday, slot, cls, subject, group, teacher, from, to);
      for (size_t i = 0; i < cls.size(); ++i)
        j.timetable.push_back({weekday[i], slot[i], cls[i], subject[i], group[i], teacher[i],
                               {*dateFrom(from[i], "timetable.valid_from"), *dateFrom(to[i], "timetable.valid_to")}});
    }

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
      return " FROM " + table + " t JOIN lessons l ON l.school_id = t.school_id AND l.id = t.lesson_id WHERE " +
             lessonWhere;
    };

    std::unordered_map<std::string, size_t> lessonAt;
    {
      std::vector<std::string> id, date, cls, subject, group, teacher, substitute, topic, topicAt, topicBy,
          homework, attendanceAt;
      std::vector<int> slot, hours, taken;
      p = lp;
      select(s,
             "SELECT l.id, l.lesson_date, l.slot, l.class_id, l.subject_id, l.subgroup_id, l.teacher_id, "
             "l.substitute_teacher_id, l.hours, l.topic, l.topic_entered_at, l.topic_entered_by, l.homework, "
             "l.attendance_taken, l.attendance_entered_at FROM lessons l WHERE " +
                 lessonWhere + " ORDER BY l.lesson_date, l.slot, l.id",
             p, id, date, slot, cls, subject, group, teacher, substitute, hours, topic, topicAt, topicBy, homework,
             taken, attendanceAt);
      j.lessons.reserve(id.size());
      for (size_t i = 0; i < id.size(); ++i) {
        model::Lesson l;
        l.id = std::move(id[i]);
        l.date = *dateFrom(date[i], "lessons.lesson_date");
        l.slot = slot[i];
        l.classId = std::move(cls[i]);
        l.subjectId = std::move(subject[i]);
        l.subgroupId = std::move(group[i]);
        l.teacherId = std::move(teacher[i]);
        l.substituteTeacherId = std::move(substitute[i]);
        l.hours = hours[i];
        l.topic = std::move(topic[i]);
        l.topicEnteredAt = dateTimeFrom(topicAt[i], "lessons.topic_entered_at");
        l.topicEnteredBy = std::move(topicBy[i]);
        l.homework = std::move(homework[i]);
        l.attendanceTaken = taken[i] != 0;
        l.attendanceEnteredAt = dateTimeFrom(attendanceAt[i], "lessons.attendance_entered_at");
        lessonAt[l.id] = j.lessons.size();
        j.lessons.push_back(std::move(l));
      }
    }
    {
      std::vector<std::string> id, lesson, type, topic;
      std::vector<int> weight;
      p = lp;
      select(s,
             "SELECT t.id, t.lesson_id, t.work_type, t.topic, t.weight" + fromLessons("works") +
                 " ORDER BY t.lesson_id, t.seq",
             p, id, lesson, type, topic, weight);
      for (size_t i = 0; i < id.size(); ++i)
        j.lessons[lessonAt.at(lesson[i])].works.push_back({id[i], workTypeFrom(type[i]), topic[i], weight[i]});
    }
    {
      std::vector<std::string> id, student, lesson, work, value, at, by;
      std::vector<int> weight;
      p = lp;
      select(s,
             "SELECT t.id, t.student_id, t.lesson_id, t.work_id, t.value, t.weight, t.entered_at, t.entered_by" +
                 fromLessons("marks") + " ORDER BY t.id",
             p, id, student, lesson, work, value, weight, at, by);
      j.marks.reserve(id.size());
      std::unordered_map<std::string, size_t> markAt;
      markAt.reserve(id.size());
      for (size_t i = 0; i < id.size(); ++i) {
        model::Mark m;
        m.id = std::move(id[i]);
        m.studentId = std::move(student[i]);
        m.lessonId = std::move(lesson[i]);
        m.workId = std::move(work[i]);
        m.value = *markValueFrom(value[i], "marks.value");
        m.weight = weight[i];
        m.enteredAt = dateTimeFrom(at[i], "marks.entered_at").value_or(model::DateTime{});
        m.enteredBy = std::move(by[i]);
        markAt[m.id] = j.marks.size();
        j.marks.push_back(std::move(m));
      }
      std::vector<std::string> mark, changedAt, oldValue, newValue, changedBy;
      p = lp;
      std::string from =
          filtered ? " FROM mark_history h JOIN marks t ON t.school_id = h.school_id AND t.id = h.mark_id JOIN "
                     "lessons l ON l.school_id = t.school_id AND l.id = t.lesson_id WHERE " +
                         lessonWhere
                   : std::string(" FROM mark_history h WHERE h.school_id = $1");
      select(s,
             "SELECT h.mark_id, h.changed_at, h.old_value, h.new_value, h.changed_by" + from +
                 " ORDER BY h.mark_id, h.changed_at, h.old_value, h.new_value",
             p, mark, changedAt, oldValue, newValue, changedBy);
      for (size_t i = 0; i < mark.size(); ++i)
        j.marks[markAt.at(mark[i])].history.push_back(
            {markValueFrom(oldValue[i], "mark_history.old_value"), markValueFrom(newValue[i], "mark_history.new_value"),
             dateTimeFrom(changedAt[i], "mark_history.changed_at").value_or(model::DateTime{}), changedBy[i]});
    }
    {
      std::vector<std::string> lesson, student, status, at;
      p = lp;
      select(s,
             "SELECT t.lesson_id, t.student_id, t.status, t.entered_at" + fromLessons("attendance") +
                 " ORDER BY t.lesson_id, t.student_id",
             p, lesson, student, status, at);
      j.attendance.reserve(lesson.size());
      for (size_t i = 0; i < lesson.size(); ++i)
        j.attendance.push_back({std::move(student[i]), std::move(lesson[i]), attendanceFrom(status[i]),
                                dateTimeFrom(at[i], "attendance.entered_at")});
    }
    {
      std::vector<std::string> student, cls, subject, kind, period, value, at, by;
      p = {school};
      std::string where = "school_id = $1";
      if (!filter.classId.empty()) where += " AND class_id = " + param(p, filter.classId);
      select(s,
             "SELECT student_id, class_id, subject_id, kind, period_id, value, entered_at, entered_by "
             "FROM period_marks WHERE " +
                 where + " ORDER BY student_id, subject_id, kind, period_id",
             p, student, cls, subject, kind, period, value, at, by);
      for (size_t i = 0; i < student.size(); ++i)
        j.periodMarks.push_back({student[i], cls[i], subject[i], periodMarkKindFrom(kind[i]), period[i],
                                 *markValueFrom(value[i], "period_marks.value"),
                                 dateTimeFrom(at[i], "period_marks.entered_at"), by[i]});
    }
    return j;
  });
}

// ---- stats ------------------------------------------------------------------------------------------------------

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
      std::vector<std::string> id, letter;
      std::vector<int> grade;
      std::vector<std::string> p = {school};
      std::string where = "school_id = $1";
      if (!filter.classId.empty()) where += " AND id = " + param(p, filter.classId);
      select(s, "SELECT id, grade, letter FROM classes WHERE " + where + " ORDER BY grade, letter, id", p, id,
             grade, letter);
      for (size_t i = 0; i < id.size(); ++i) classes.push_back({id[i], std::to_string(grade[i]) + letter[i], grade[i]});
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
    {
      std::vector<std::string> id, kind, from, to, yearFrom, yearTo;
      std::vector<int> gFrom, gTo;
      std::vector<std::string> p = {school};
      select(s,
             "SELECT id, kind, date_from, date_to, grade_from, grade_to FROM periods WHERE school_id = $1 "
             "ORDER BY date_from, date_to DESC, id",
             p, id, kind, from, to, gFrom, gTo);
      for (size_t i = 0; i < id.size(); ++i)
        if (periodKindFrom(kind[i]) != model::PeriodKind::Year)
          ranges.push_back({id[i], {*dateFrom(from[i], "periods.date_from"), *dateFrom(to[i], "periods.date_to")},
                            gFrom[i], gTo[i]});
      p = {school};
      select(s, "SELECT year_from, year_to FROM schools WHERE school_id = $1", p, yearFrom, yearTo);
      ranges.push_back({"",
                        {*dateFrom(yearFrom.at(0), "schools.year_from"), *dateFrom(yearTo.at(0), "schools.year_to")},
                        1,
                        11});
    }

    std::vector<ClassStats> out;
    for (Range& r : ranges) {
      if (filter.dates) {
        if (!r.dates.overlaps(*filter.dates)) continue;
        r.dates = {std::max(r.dates.from, filter.dates->from), std::min(r.dates.to, filter.dates->to)};
      }
      const std::string from = r.dates.from.toString(), to = r.dates.to.toString();
      std::map<std::string, int> students, lessons, marks, absences;
      auto count = [&](const std::string& sql, std::map<std::string, int>& into_) {
        std::vector<std::string> cls;
        std::vector<int> n;
        std::vector<std::string> p = {school, from, to};
        select(s, sql, p, cls, n);
        for (size_t i = 0; i < cls.size(); ++i) into_[cls[i]] = n[i];
      };
      count(
          "SELECT class_id, COUNT(DISTINCT student_id) FROM enrolments WHERE school_id = $1 "
          "AND (date_to = '' OR date_to >= $2) AND date_from <= $3 GROUP BY class_id",
          students);
      count(
          "SELECT class_id, COUNT(*) FROM lessons WHERE school_id = $1 AND lesson_date >= $2 AND lesson_date <= $3 "
          "GROUP BY class_id",
          lessons);
      count(
          "SELECT l.class_id, COUNT(*) FROM marks m JOIN lessons l ON l.school_id = m.school_id AND "
          "l.id = m.lesson_id WHERE l.school_id = $1 AND l.lesson_date >= $2 AND l.lesson_date <= $3 "
          "GROUP BY l.class_id",
          marks);
      count(
          "SELECT l.class_id, COUNT(*) FROM attendance a JOIN lessons l ON l.school_id = a.school_id AND "
          "l.id = a.lesson_id WHERE l.school_id = $1 AND l.lesson_date >= $2 AND l.lesson_date <= $3 "
          "AND a.status <> 'late' GROUP BY l.class_id",
          absences);
      for (const Cls& c : classes) {
        if (c.grade < r.gradeFrom || c.grade > r.gradeTo) continue;
        out.push_back({c.id, c.name, r.periodId, students[c.id], lessons[c.id], marks[c.id], absences[c.id]});
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
