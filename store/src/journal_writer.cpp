// Ingest into the journal tables: one write transaction per ingest run, upsert keyed by (school_id, id) or the
// record's natural key, change detection by content hash, the mark change history, and the ingest_runs record.
//
// Speed: for each table the existing keys and content hashes of the school are read once per transaction (one
// query), so an unchanged record costs a hash and a map lookup and is never written; new and changed records go
// through one prepared statement per table, reused for every row.
#include <Poco/Data/Statement.h>

#include <map>
#include <unordered_map>
#include <unordered_set>

#include "ejournal/model/error.h"
#include "sql_store.h"

using namespace Poco::Data::Keywords;
using Poco::Int64;

namespace ejournal::store {

namespace {

// INSERT ... ON CONFLICT (the first nKeys columns) DO UPDATE SET the others.
std::string upsertSql(const std::string& table, const std::vector<std::string>& cols, size_t nKeys) {
  std::string sql = "INSERT INTO " + table + " (";
  std::string values, keys, set;
  for (size_t i = 0; i < cols.size(); ++i) {
    sql += (i ? ", " : "") + cols[i];
    values += (i ? ", $" : "$") + std::to_string(i + 1);
    if (i < nKeys)
      keys += (i ? ", " : "") + cols[i];
    else
      set += (set.empty() ? "" : ", ") + cols[i] + " = excluded." + cols[i];
  }
  return sql + ") VALUES (" + values + ") ON CONFLICT (" + keys + ") DO UPDATE SET " + set;
}

std::string key(std::initializer_list<std::string_view> parts) {
  std::string k;
  bool first = true;
  for (std::string_view p : parts) {
    if (!first) k += '|';
    first = false;
    k += p;
  }
  return k;
}

bool isSet(const model::DateTime& t) { return t != model::DateTime{}; }

class SqlIngest final : public IngestTransaction {
 public:
  SqlIngest(Database& db, const model::Provenance& provenance)
      : db_(db), provenance_(provenance), session_(db.session()) {
    if (!isSet(provenance_.at)) provenance_.at = db_.clock().now();
    if (provenance_.runId.empty()) provenance_.runId = "run-" + provenance_.at.toString();
    tx_.emplace(db_, session_);
  }

  void upsert(const model::Journal& part) override;
  IngestSummary commit() override;

 private:
  struct Known {
    Int64 hash = 0;
    std::string value;  // marks: the stored value, for the change history
  };
  using KnownMap = std::unordered_map<std::string, Known>;
  enum class Outcome { Inserted, Updated, Unchanged };

  // Existing rows of `table` for the school: key (parts joined by '|', as keyExpr builds it in SQL) -> hash.
  KnownMap& known(const std::string& table, const std::string& keyExpr, bool withValue = false);
  std::unordered_set<std::string>& knownHistory();
  Prepared& statement(const std::string& name, const std::string& sql, std::string_view types);
  Prepared& upsertStatement(const std::string& table, const std::vector<std::string>& cols, size_t nKeys,
                            std::string_view types) {
    return statement(table, upsertSql(table, cols, nKeys), types);
  }
  // Compares and, when new or changed, calls write() (which must store the row); counts the outcome.
  template <class F>
  Outcome put(KnownMap& map, const std::string& k, Int64 hash, const std::string& what, F&& write);
  void addHistory(const std::string& markId, const model::MarkChange& change, const std::string& what);

  void putSchool(const model::Journal& part);
  void putReference(const model::Journal& part);
  void putLessons(const model::Journal& part);
  void putMarks(const model::Journal& part);
  void putAttendance(const model::Journal& part);
  void putPeriodMarks(const model::Journal& part);

  Database& db_;
  model::Provenance provenance_;
  Poco::Data::Session session_;
  std::optional<WriteTransaction> tx_;
  std::unordered_map<std::string, std::unique_ptr<Prepared>> statements_;
  std::unordered_map<std::string, KnownMap> known_;  // by school + '\n' + table
  std::unordered_map<std::string, std::unordered_set<std::string>> history_;  // by school
  std::map<std::string, IngestSummary> perSchool_;
  std::string school_;  // of the part being stored
  IngestSummary* summary_ = nullptr;
  bool broken_ = false;
};

SqlIngest::KnownMap& SqlIngest::known(const std::string& table, const std::string& keyExpr, bool withValue) {
  auto [it, fresh] = known_.try_emplace(school_ + '\n' + table);
  if (!fresh) return it->second;
  std::vector<std::string> keys, values;
  std::vector<Int64> hashes;
  std::string school = school_;
  execute(session_, [&](Poco::Data::Statement& st) {
    st << "SELECT " + keyExpr + ", content_hash" + (withValue ? ", value" : "") + " FROM " + table +
              " WHERE school_id = $1",
        use(school), into(keys), into(hashes);
    if (withValue) st, into(values);
  });
  it->second.reserve(keys.size() * 2);
  for (size_t i = 0; i < keys.size(); ++i)
    it->second.emplace(std::move(keys[i]), Known{hashes[i], withValue ? std::move(values[i]) : std::string()});
  return it->second;
}

std::unordered_set<std::string>& SqlIngest::knownHistory() {
  auto [it, fresh] = history_.try_emplace(school_);
  if (!fresh) return it->second;
  std::vector<std::string> keys;
  std::string school = school_;
  execute(session_, [&](Poco::Data::Statement& st) {
    st << "SELECT mark_id || '|' || changed_at || '|' || old_value || '|' || new_value FROM mark_history "
          "WHERE school_id = $1",
        use(school), into(keys);
  });
  it->second.insert(keys.begin(), keys.end());
  return it->second;
}

Prepared& SqlIngest::statement(const std::string& name, const std::string& sql, std::string_view types) {
  auto& p = statements_[name];
  if (!p) p = std::make_unique<Prepared>(session_, sql, types);
  return *p;
}

template <class F>
SqlIngest::Outcome SqlIngest::put(KnownMap& map, const std::string& k, Int64 hash, const std::string& what,
                                  F&& write) {
  auto it = map.find(k);
  if (it != map.end() && it->second.hash == hash) {
    ++summary_->unchanged;
    return Outcome::Unchanged;
  }
  const bool fresh = it == map.end();
  try {
    write(fresh);
  } catch (...) {
    broken_ = true;
    Database::rethrow(what);
  }
  if (fresh) {
    map.emplace(k, Known{hash, {}});
    ++summary_->inserted;
    return Outcome::Inserted;
  }
  it->second.hash = hash;
  ++summary_->updated;
  return Outcome::Updated;
}

void SqlIngest::addHistory(const std::string& markId, const model::MarkChange& change, const std::string& what) {
  const std::string at = change.at.toString(), oldValue = text(change.oldValue), newValue = text(change.newValue);
  std::string k = key({markId, at, oldValue, newValue});
  auto& seen = knownHistory();
  if (seen.count(k)) return;
  try {
    statement("mark_history",
              "INSERT INTO mark_history (school_id, mark_id, changed_at, old_value, new_value, changed_by, run_id) "
              "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (school_id, mark_id, changed_at, old_value, "
              "new_value) DO NOTHING",
              "sssssss")
        .run(school_, markId, at, oldValue, newValue, change.by, provenance_.runId);
  } catch (...) {
    broken_ = true;
    Database::rethrow(what);
  }
  seen.insert(std::move(k));
  ++summary_->markChanges;
}

void SqlIngest::putSchool(const model::Journal& j) {
  // Later parts name the school only; the first part carries its data and the year.
  if (j.school.fullName.empty() && j.year.startYear == 0) return;
  const auto& s = j.school;
  ContentHash h;
  h.add(s.fullName).add(s.shortName).add(s.director).add(s.deputyDirector).add(s.address).add(j.formatVersion);
  h.add(j.year.startYear).add(j.year.start.days()).add(j.year.end.days());
  put(known("schools", "school_id"), school_, h.value(), "школа " + school_, [&](bool) {
    upsertStatement("schools",
                    {"school_id", "full_name", "short_name", "director", "deputy_director", "address",
                     "format_version", "year_start", "year_from", "year_to", "content_hash", "run_id"},
                    1, "ssssssiissls")
        .run(school_, s.fullName, s.shortName, s.director, s.deputyDirector, s.address, j.formatVersion,
             j.year.startYear, j.year.start.toString(), j.year.end.toString(), h.value(), provenance_.runId);
  });
}

void SqlIngest::putReference(const model::Journal& j) {
  if (!j.periods.empty()) {
    auto& map = known("periods", "id");
    for (const auto& p : j.periods) {
      ContentHash h;
      h.add(text(p.kind)).add(p.number).add(p.dates.from.days()).add(p.dates.to.days()).add(p.gradeFrom);
      h.add(p.gradeTo);
      put(map, p.id, h.value(), "период " + p.id, [&](bool) {
        upsertStatement("periods",
                        {"school_id", "id", "kind", "number", "date_from", "date_to", "grade_from", "grade_to",
                         "content_hash", "run_id"},
                        2, "sssissiils")
            .run(school_, p.id, text(p.kind), p.number, p.dates.from.toString(), p.dates.to.toString(),
                 p.gradeFrom, p.gradeTo, h.value(), provenance_.runId);
      });
    }
  }
  if (!j.holidays.empty()) {
    auto& map = known("holidays", "date_from || '|' || name");
    for (const auto& x : j.holidays) {
      ContentHash h;
      h.add(x.name).add(x.dates.from.days()).add(x.dates.to.days()).add(x.gradeFrom).add(x.gradeTo);
      const std::string from = x.dates.from.toString();
      put(map, key({from, x.name}), h.value(), "каникулы «" + x.name + "»", [&](bool) {
        upsertStatement("holidays",
                        {"school_id", "date_from", "name", "date_to", "grade_from", "grade_to", "content_hash",
                         "run_id"},
                        3, "ssssiils")
            .run(school_, from, x.name, x.dates.to.toString(), x.gradeFrom, x.gradeTo, h.value(),
                 provenance_.runId);
      });
    }
  }
  if (!j.staff.empty()) {
    auto& map = known("staff", "id");
    for (const auto& x : j.staff) {
      ContentHash h;
      h.add(x.lastName).add(x.firstName).add(x.middleName).add(x.position);
      put(map, x.id, h.value(), "сотрудник " + x.id, [&](bool) {
        upsertStatement("staff",
                        {"school_id", "id", "last_name", "first_name", "middle_name", "position", "content_hash",
                         "run_id"},
                        2, "ssssssls")
            .run(school_, x.id, x.lastName, x.firstName, x.middleName, x.position, h.value(), provenance_.runId);
      });
    }
  }
  if (!j.subjects.empty()) {
    auto& map = known("subjects", "id");
    for (const auto& x : j.subjects) {
      ContentHash h;
      h.add(x.name).add(x.shortName).add(x.order).add(text(x.grading)).add(x.twoMarksPerCell);
      put(map, x.id, h.value(), "предмет " + x.id, [&](bool) {
        upsertStatement("subjects",
                        {"school_id", "id", "name", "short_name", "sort_order", "grading", "two_marks_per_cell",
                         "content_hash", "run_id"},
                        2, "ssssisils")
            .run(school_, x.id, x.name, x.shortName, x.order, text(x.grading), x.twoMarksPerCell, h.value(),
                 provenance_.runId);
      });
    }
  }
  if (!j.classes.empty()) {
    auto& map = known("classes", "id");
    for (const auto& x : j.classes) {
      ContentHash h;
      h.add(x.grade).add(x.letter).add(x.classTeacherId);
      put(map, x.id, h.value(), "класс " + x.id, [&](bool) {
        upsertStatement("classes", {"school_id", "id", "grade", "letter", "class_teacher_id", "content_hash", "run_id"},
                        2, "ssissls")
            .run(school_, x.id, x.grade, x.letter, x.classTeacherId, h.value(), provenance_.runId);
      });
    }
  }
  if (!j.students.empty()) {
    auto& map = known("students", "id");
    for (const auto& x : j.students) {
      ContentHash h;
      h.add(x.lastName).add(x.firstName).add(x.middleName).add(text(x.birthDate));
      for (const auto& e : x.enrolments) h.add(e.classId).add(e.from.days()).add(text(e.to));
      put(map, x.id, h.value(), "ученик " + x.id, [&](bool fresh) {
        upsertStatement("students",
                        {"school_id", "id", "last_name", "first_name", "middle_name", "birth_date", "content_hash",
                         "run_id"},
                        2, "ssssssls")
            .run(school_, x.id, x.lastName, x.firstName, x.middleName, text(x.birthDate), h.value(),
                 provenance_.runId);
        if (!fresh)
          statement("enrolments-", "DELETE FROM enrolments WHERE school_id = $1 AND student_id = $2", "ss")
              .run(school_, x.id);
        int seq = 0;
        for (const auto& e : x.enrolments)
          statement("enrolments",
                    "INSERT INTO enrolments (school_id, student_id, seq, class_id, date_from, date_to) "
                    "VALUES ($1, $2, $3, $4, $5, $6)",
                    "ssisss")
              .run(school_, x.id, ++seq, e.classId, e.from.toString(), text(e.to));
      });
    }
  }
  if (!j.subgroups.empty()) {
    auto& map = known("subgroups", "id");
    for (const auto& x : j.subgroups) {
      ContentHash h;
      h.add(x.classId).add(x.subjectId).add(x.name).add(x.teacherId);
      for (const auto& m : x.members) h.add(m.studentId).add(m.from.days()).add(text(m.to));
      put(map, x.id, h.value(), "группа " + x.id, [&](bool fresh) {
        upsertStatement("subgroups",
                        {"school_id", "id", "class_id", "subject_id", "name", "teacher_id", "content_hash", "run_id"},
                        2, "ssssssls")
            .run(school_, x.id, x.classId, x.subjectId, x.name, x.teacherId, h.value(), provenance_.runId);
        if (!fresh)
          statement("memberships-", "DELETE FROM memberships WHERE school_id = $1 AND subgroup_id = $2", "ss")
              .run(school_, x.id);
        int seq = 0;
        for (const auto& m : x.members)
          statement("memberships",
                    "INSERT INTO memberships (school_id, subgroup_id, seq, student_id, date_from, date_to) "
                    "VALUES ($1, $2, $3, $4, $5, $6)",
                    "ssisss")
              .run(school_, x.id, ++seq, m.studentId, m.from.toString(), text(m.to));
      });
    }
  }
  if (!j.curriculum.empty()) {
    auto& map = known("curriculum", "class_id || '|' || subject_id || '|' || subgroup_id");
    for (const auto& x : j.curriculum) {
      ContentHash h;
      h.add(x.hoursPerWeek).add(x.hoursYear);
      for (const auto& p : x.periods) h.add(p.periodId).add(p.hours);
      put(map, key({x.classId, x.subjectId, x.subgroupId}), h.value(),
          "учебный план " + x.classId + "/" + x.subjectId + (x.subgroupId.empty() ? "" : "/" + x.subgroupId),
          [&](bool fresh) {
            upsertStatement("curriculum",
                            {"school_id", "class_id", "subject_id", "subgroup_id", "hours_per_week", "hours_year",
                             "content_hash", "run_id"},
                            4, "ssssdils")
                .run(school_, x.classId, x.subjectId, x.subgroupId, x.hoursPerWeek, x.hoursYear, h.value(),
                     provenance_.runId);
            if (!fresh)
              statement("curriculum_periods-",
                        "DELETE FROM curriculum_periods WHERE school_id = $1 AND class_id = $2 AND subject_id = $3 "
                        "AND subgroup_id = $4",
                        "ssss")
                  .run(school_, x.classId, x.subjectId, x.subgroupId);
            int seq = 0;
            for (const auto& p : x.periods)
              statement("curriculum_periods",
                        "INSERT INTO curriculum_periods (school_id, class_id, subject_id, subgroup_id, seq, "
                        "period_id, hours) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                        "ssssisi")
                  .run(school_, x.classId, x.subjectId, x.subgroupId, ++seq, p.periodId, p.hours);
          });
    }
  }
  if (!j.plan.empty()) {
    auto& map = known("plan", "class_id || '|' || subject_id || '|' || subgroup_id || '|' || number");
    for (const auto& x : j.plan) {
      const std::string workType = x.workType ? std::string(model::toString(*x.workType)) : std::string();
      ContentHash h;
      h.add(x.topic).add(workType).add(x.workTopic).add(x.homework).add(x.hours);
      put(map, key({x.classId, x.subjectId, x.subgroupId, std::to_string(x.number)}), h.value(),
          "КТП " + x.classId + "/" + x.subjectId + " урок " + std::to_string(x.number), [&](bool) {
            upsertStatement("plan",
                            {"school_id", "class_id", "subject_id", "subgroup_id", "number", "topic", "work_type",
                             "work_topic", "homework", "hours", "content_hash", "run_id"},
                            5, "ssssisssiils")
                .run(school_, x.classId, x.subjectId, x.subgroupId, x.number, x.topic, workType, x.workTopic,
                     x.homework, x.hours, h.value(), provenance_.runId);
          });
    }
  }
  if (!j.timetable.empty()) {
    auto& map = known("timetable",
                      "class_id || '|' || weekday || '|' || slot || '|' || subject_id || '|' || subgroup_id || '|' || "
                      "valid_from");
    for (const auto& x : j.timetable) {
      const std::string from = x.valid.from.toString();
      ContentHash h;
      h.add(x.teacherId).add(x.valid.to.days());
      put(map, key({x.classId, std::to_string(x.weekday), std::to_string(x.slot), x.subjectId, x.subgroupId, from}),
          h.value(),
          "расписание " + x.classId + " день " + std::to_string(x.weekday) + " урок " + std::to_string(x.slot),
          [&](bool) {
            upsertStatement("timetable",
                            {"school_id", "class_id", "weekday", "slot", "subject_id", "subgroup_id", "valid_from",
                             "valid_to", "teacher_id", "content_hash", "run_id"},
                            7, "ssiisssssls")
                .run(school_, x.classId, x.weekday, x.slot, x.subjectId, x.subgroupId, from, x.valid.to.toString(),
                     x.teacherId, h.value(), provenance_.runId);
          });
    }
  }
}

void SqlIngest::putLessons(const model::Journal& j) {
  if (j.lessons.empty()) return;
  auto& map = known("lessons", "id");
  for (const auto& x : j.lessons) {
    const std::string topicAt = text(x.topicEnteredAt), attendanceAt = text(x.attendanceEnteredAt);
    ContentHash h;
    h.add(x.date.days()).add(x.slot).add(x.classId).add(x.subjectId).add(x.subgroupId).add(x.teacherId);
    h.add(x.substituteTeacherId).add(x.hours).add(x.topic).add(topicAt).add(x.topicEnteredBy).add(x.homework);
    h.add(x.attendanceTaken).add(attendanceAt);
    for (const auto& w : x.works) h.add(w.id).add(model::toString(w.type)).add(w.topic).add(w.weight);
    put(map, x.id, h.value(), "урок " + x.id, [&](bool fresh) {
      upsertStatement("lessons",
                      {"school_id", "id", "lesson_date", "slot", "class_id", "subject_id", "subgroup_id", "teacher_id",
                       "substitute_teacher_id", "hours", "topic", "topic_entered_at", "topic_entered_by", "homework",
                       "attendance_taken", "attendance_entered_at", "content_hash", "run_id"},
                      2, "sssisssssissssisls")
          .run(school_, x.id, x.date.toString(), x.slot, x.classId, x.subjectId, x.subgroupId, x.teacherId,
               x.substituteTeacherId, x.hours, x.topic, topicAt, x.topicEnteredBy, x.homework, x.attendanceTaken,
               attendanceAt, h.value(), provenance_.runId);
      if (!fresh)
        statement("works-", "DELETE FROM works WHERE school_id = $1 AND lesson_id = $2", "ss").run(school_, x.id);
      int seq = 0;
      for (const auto& w : x.works)
        upsertStatement("works", {"school_id", "id", "lesson_id", "seq", "work_type", "topic", "weight"}, 2,
                        "sssissi")
            .run(school_, w.id, x.id, ++seq, std::string(model::toString(w.type)), w.topic, w.weight);
    });
  }
}

void SqlIngest::putMarks(const model::Journal& j) {
  if (j.marks.empty()) return;
  auto& map = known("marks", "id", true);
  for (const auto& x : j.marks) {
    const std::string value = x.value.toString(), at = isSet(x.enteredAt) ? x.enteredAt.toString() : std::string();
    ContentHash h;
    h.add(x.studentId).add(x.lessonId).add(x.workId).add(value).add(x.weight).add(at).add(x.enteredBy);
    const std::string what = "оценка " + x.id;
    auto it = map.find(x.id);
    // The stored value before this upsert, when the mark exists and its value changes.
    std::optional<std::string> oldValue;
    if (it != map.end() && it->second.hash != h.value() && it->second.value != value) oldValue = it->second.value;
    put(map, x.id, h.value(), what, [&](bool) {
      upsertStatement("marks",
                      {"school_id", "id", "student_id", "lesson_id", "work_id", "value", "weight", "entered_at",
                       "entered_by", "content_hash", "run_id"},
                      2, "ssssssissls")
          .run(school_, x.id, x.studentId, x.lessonId, x.workId, value, x.weight, at, x.enteredBy, h.value(),
               provenance_.runId);
    });
    map[x.id].value = value;
    if (oldValue) {
      // Record the change unless the document's own history already carries it.
      auto old = model::MarkValue::parse(*oldValue);
      bool documented = false;
      for (const auto& c : x.history) documented = documented || (c.oldValue == old && c.newValue == x.value);
      if (!documented)
        addHistory(x.id, {old, x.value, isSet(x.enteredAt) ? x.enteredAt : provenance_.at, x.enteredBy}, what);
    }
    for (const auto& c : x.history) addHistory(x.id, c, what);
  }
}

void SqlIngest::putAttendance(const model::Journal& j) {
  if (j.attendance.empty()) return;
  auto& map = known("attendance", "lesson_id || '|' || student_id");
  for (const auto& x : j.attendance) {
    const std::string status(model::toString(x.status)), at = text(x.enteredAt);
    ContentHash h;
    h.add(status).add(at);
    put(map, key({x.lessonId, x.studentId}), h.value(), "посещаемость: урок " + x.lessonId + ", ученик " + x.studentId,
        [&](bool) {
          upsertStatement("attendance",
                          {"school_id", "lesson_id", "student_id", "status", "entered_at", "content_hash", "run_id"}, 3,
                          "sssssls")
              .run(school_, x.lessonId, x.studentId, status, at, h.value(), provenance_.runId);
        });
  }
}

void SqlIngest::putPeriodMarks(const model::Journal& j) {
  if (j.periodMarks.empty()) return;
  auto& map = known("period_marks", "student_id || '|' || subject_id || '|' || kind || '|' || period_id");
  for (const auto& x : j.periodMarks) {
    const std::string kind(model::toString(x.kind)), value = x.value.toString(), at = text(x.enteredAt);
    ContentHash h;
    h.add(x.classId).add(value).add(at).add(x.enteredBy);
    put(map, key({x.studentId, x.subjectId, kind, x.periodId}), h.value(),
        "итоговая оценка: ученик " + x.studentId + ", предмет " + x.subjectId + ", " + x.periodId, [&](bool) {
          upsertStatement("period_marks",
                          {"school_id", "student_id", "subject_id", "kind", "period_id", "class_id", "value",
                           "entered_at", "entered_by", "content_hash", "run_id"},
                          5, "sssssssssls")
              .run(school_, x.studentId, x.subjectId, kind, x.periodId, x.classId, value, at, x.enteredBy, h.value(),
                   provenance_.runId);
        });
  }
}

void SqlIngest::upsert(const model::Journal& part) {
  if (broken_ || !tx_)
    throw Error(ErrorKind::Conflict, "store.ingest", "транзакция уже завершена или прервана ошибкой");
  if (part.school.id.empty()) {
    broken_ = true;
    throw Error(ErrorKind::Input, "store.ingest", "у части данных не указан идентификатор школы");
  }
  school_ = part.school.id;
  summary_ = &perSchool_[school_];
  db_.guard("store.ingest " + db_.displayName(), [&] {
    try {
      putSchool(part);
      putReference(part);
      putLessons(part);
      putMarks(part);
      putAttendance(part);
      putPeriodMarks(part);
    } catch (...) {
      broken_ = true;
      throw;
    }
  });
}

IngestSummary SqlIngest::commit() {
  if (broken_ || !tx_)
    throw Error(ErrorKind::Conflict, "store.ingest", "транзакция уже завершена или прервана ошибкой");
  IngestSummary total;
  db_.guard("store.commit " + db_.displayName(), [&] {
    const std::string finished = db_.clock().now().toString(), started = provenance_.at.toString();
    for (auto& [school, sum] : perSchool_) {
      int inserted = static_cast<int>(sum.inserted), updated = static_cast<int>(sum.updated),
          unchanged = static_cast<int>(sum.unchanged), changes = static_cast<int>(sum.markChanges);
      statement("ingest_runs",
                upsertSql("ingest_runs",
                          {"school_id", "run_id", "source", "started_at", "finished_at", "inserted", "updated",
                           "unchanged", "mark_changes"},
                          2),
                "sssssiiii")
          .run(school, provenance_.runId, provenance_.source, started, finished, inserted, updated, unchanged,
               changes);
      total.inserted += sum.inserted;
      total.updated += sum.updated;
      total.unchanged += sum.unchanged;
      total.markChanges += sum.markChanges;
    }
    statements_.clear();
    tx_->commit();
  });
  tx_.reset();
  return total;
}

}  // namespace

std::unique_ptr<IngestTransaction> makeIngestTransaction(Database& db, const model::Provenance& provenance) {
  return std::make_unique<SqlIngest>(db, provenance);
}

}  // namespace ejournal::store
