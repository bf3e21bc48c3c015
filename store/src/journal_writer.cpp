// Ingest into the journal tables: one write transaction per ingest run, upsert keyed by (school_id, id) or
// the record's natural key, change detection by content hash, the mark change history, and the ingest_runs
// record.
//
// Speed: for each table the existing keys and content hashes of the school are read once per transaction (one
// query), so an unchanged record costs a hash and a map lookup and is never written. New and changed records
// go, on SQLite, through one prepared statement per table, reused for every row; on PostgreSQL, where a
// statement per row costs a round trip to the server, they are buffered and written in bulk at the end of
// each part, in the same transaction (PgBulk: new rows COPY'd straight into their table, changed ones COPY'd
// into a staging table and upserted from it in one statement, child rows of changed records deleted by one
// join). A row PostgreSQL refuses is found by splitting the batch, and its record named as on SQLite.
//
// The tables are data (Table, ChildTable below): the upsert and delete statements, their bulk forms, the key
// expression read back from the database and the in-memory key of a record all come from one column list, and
// the parameter types from the C++ types of the values bound, so they cannot drift apart.
#include <Poco/Data/Statement.h>

#include <map>
#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>

#include "ejournal/model/error.h"
#include "pg_bulk.h"
#include "sql_store.h"

using namespace Poco::Data::Keywords;
using Poco::Int64;

namespace ejournal::store {

namespace {

std::string join(const std::vector<std::string>& parts, const std::string& separator) {
  std::string s;
  for (size_t i = 0; i < parts.size(); ++i) s += (i ? separator : "") + parts[i];
  return s;
}

// INSERT ... ON CONFLICT (the first nKeys columns) DO UPDATE SET the others; the rows are VALUES ($1, ...)
// or, with `stage`, every row of that table.
std::string upsertSql(const std::string& table, const std::vector<std::string>& cols, size_t nKeys,
                      const std::string& stage = "") {
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
  const std::string rows =
      stage.empty() ? ") VALUES (" + values + ")" : ") SELECT " + join(cols, ", ") + " FROM " + stage;
  return sql + rows + " ON CONFLICT (" + keys + ") DO UPDATE SET " + set;
}

// One kind of row the ingest writes (a new record, a changed record, the delete of a record's child rows,
// ...): the statement for one row (SQLite; PostgreSQL when a batch fails and its rows are tried one by one)
// and its bulk form for PostgreSQL (PgBulk::Target: rows new to the store are copied straight into their
// table, changed ones merged from a staging table). Registered in the order a bulk flush applies them: the
// tables below are defined so that a table comes after those it refers to, a child table's delete before its
// inserts. A row taken for new that another transaction stored meanwhile makes the COPY fail; tried one by
// one, the rows are then upserted as on SQLite.
struct WriteTarget {
  std::string name;
  std::string sql;
  PgBulk::Target bulk;
};

std::vector<WriteTarget>& writeTargets() {
  static std::vector<WriteTarget> targets;
  return targets;
}

size_t addTarget(std::string table, std::vector<std::string> columns, std::string sql, std::string merge,
                 std::string suffix = "") {
  auto& all = writeTargets();
  all.push_back({table + suffix, sql, {table, std::move(columns), std::move(merge), sql}});
  return all.size() - 1;
}

// A journal table: `columns` in the order of the upsert's $n (school_id, the rest of the key, then the data;
// content_hash and run_id follow), of which the first nKeys form the key. Key columns are TEXT or INTEGER.
struct Table {
  Table(std::string name_, std::vector<std::string> columns_, size_t nKeys_)
      : name(std::move(name_)), columns(std::move(columns_)), nKeys(nKeys_) {
    auto all = columns;
    all.insert(all.end(), {"content_hash", "run_id"});
    upsert = upsertSql(name, all, nKeys);
    insertTarget = addTarget(name, all, upsert, "");
    target = addTarget(name, all, upsert, upsertSql(name, all, nKeys, "{stage}"));
    // The key as the in-memory map holds it: the key columns after school_id joined by '|' (the school's own
    // row: school_id).
    const std::vector<std::string> rest(columns.begin() + (nKeys > 1 ? 1 : 0), columns.begin() + nKeys);
    keyExpr = join(rest, " || '|' || ");
  }
  std::string name;
  std::vector<std::string> columns;
  size_t nKeys;
  std::string upsert;
  std::string keyExpr;
  size_t insertTarget = 0, target = 0;  // in writeTargets(): a new record, a changed one
};

// Rows hanging on a record (a student's enrolments, a lesson's works): school_id, the parent's key columns,
// seq (1, 2, ... in document order), then the data. Deleted and written again whenever the parent record
// changes. With an own key (works: id), a row is upserted on (school_id, ownKey) instead of inserted.
struct ChildTable {
  ChildTable(std::string name_, std::vector<std::string> parent, std::vector<std::string> data,
             std::string ownKey = "")
      : name(std::move(name_)) {
    std::vector<std::string> where, matches = {"t.school_id = s.school_id"};
    for (size_t i = 0; i < parent.size(); ++i) {
      where.push_back(parent[i] + " = $" + std::to_string(i + 2));
      matches.push_back("t." + parent[i] + " = s." + parent[i]);
    }
    remove = "DELETE FROM " + name + " WHERE school_id = $1 AND " + join(where, " AND ");
    std::vector<std::string> keys = {"school_id"};
    keys.insert(keys.end(), parent.begin(), parent.end());
    removeTarget =
        addTarget(name, keys, remove,
                  "DELETE FROM " + name + " t USING {stage} s WHERE " + join(matches, " AND "), "-");
    std::vector<std::string> cols = {"school_id"};
    cols.insert(cols.end(), parent.begin(), parent.end());
    cols.push_back("seq");
    cols.insert(cols.end(), data.begin(), data.end());
    std::vector<std::string> values, set;
    for (size_t i = 0; i < cols.size(); ++i) {
      values.push_back("$" + std::to_string(i + 1));
      if (i > 0 && cols[i] != ownKey) set.push_back(cols[i] + " = excluded." + cols[i]);
    }
    write = "INSERT INTO " + name + " (" + join(cols, ", ") + ") VALUES (" + join(values, ", ") + ")";
    if (!ownKey.empty()) write += " ON CONFLICT (school_id, " + ownKey + ") DO UPDATE SET " + join(set, ", ");
    writeTarget = addTarget(name, cols, write, "");
  }
  std::string name;
  std::string remove;  // the rows of one parent
  std::string write;
  size_t removeTarget = 0, writeTarget = 0;  // in writeTargets()
};

const Table kSchools{"schools",
                     {"school_id", "full_name", "short_name", "director", "deputy_director", "address",
                      "format_version", "year_start", "year_from", "year_to"},
                     1};
const Table kPeriods{
    "periods", {"school_id", "id", "kind", "number", "date_from", "date_to", "grade_from", "grade_to"}, 2};
const Table kHolidays{"holidays", {"school_id", "date_from", "name", "date_to", "grade_from", "grade_to"}, 3};
const Table kStaff{
    "staff", {"school_id", "id", "last_name", "first_name", "middle_name", "position", "email"}, 2};
const Table kSubjects{
    "subjects", {"school_id", "id", "name", "short_name", "sort_order", "grading", "two_marks_per_cell"}, 2};
const Table kClasses{"classes", {"school_id", "id", "grade", "letter", "class_teacher_id"}, 2};
const Table kStudents{
    "students", {"school_id", "id", "last_name", "first_name", "middle_name", "birth_date"}, 2};
const ChildTable kEnrolments{"enrolments", {"student_id"}, {"class_id", "date_from", "date_to"}};
const Table kSubgroups{"subgroups", {"school_id", "id", "class_id", "subject_id", "name", "teacher_id"}, 2};
const ChildTable kMemberships{"memberships", {"subgroup_id"}, {"student_id", "date_from", "date_to"}};
const Table kCurriculum{
    "curriculum", {"school_id", "class_id", "subject_id", "subgroup_id", "hours_per_week", "hours_year"}, 4};
const ChildTable kCurriculumPeriods{
    "curriculum_periods", {"class_id", "subject_id", "subgroup_id"}, {"period_id", "hours"}};
const Table kPlan{"plan",
                  {"school_id", "class_id", "subject_id", "subgroup_id", "number", "topic", "work_type",
                   "work_topic", "homework", "hours"},
                  5};
const Table kTimetable{"timetable",
                       {"school_id", "class_id", "weekday", "slot", "subject_id", "subgroup_id", "valid_from",
                        "valid_to", "teacher_id"},
                       7};
const Table kLessons{"lessons",
                     {"school_id", "id", "lesson_date", "slot", "class_id", "subject_id", "subgroup_id",
                      "teacher_id", "substitute_teacher_id", "hours", "topic", "topic_entered_at",
                      "topic_entered_by", "homework", "attendance_taken", "attendance_entered_at"},
                     2};
const ChildTable kWorks{"works", {"lesson_id"}, {"id", "work_type", "topic", "weight"}, "id"};
const Table kMarks{
    "marks",
    {"school_id", "id", "student_id", "lesson_id", "work_id", "value", "weight", "entered_at", "entered_by"},
    2};
const size_t kHistoryTarget = [] {
  const std::string insert =
      "INSERT INTO mark_history (school_id, mark_id, changed_at, old_value, new_value, changed_by, run_id)";
  const std::string conflict =
      " ON CONFLICT (school_id, mark_id, changed_at, old_value, new_value) DO NOTHING";
  return addTarget("mark_history",
                   {"school_id", "mark_id", "changed_at", "old_value", "new_value", "changed_by", "run_id"},
                   insert + " VALUES ($1, $2, $3, $4, $5, $6, $7)" + conflict, "");
}();
const Table kAttendance{"attendance", {"school_id", "lesson_id", "student_id", "status", "entered_at"}, 3};
const Table kPeriodMarks{"period_marks",
                         {"school_id", "student_id", "subject_id", "kind", "period_id", "class_id", "value",
                          "entered_at", "entered_by"},
                         5};

// The Prepared parameter type of a C++ value (database.h).
template <class V>
constexpr char typeOf() {
  if constexpr (std::is_same_v<V, Int64>)
    return 'l';
  else if constexpr (std::is_same_v<V, double>)
    return 'd';
  else if constexpr (std::is_integral_v<V>)
    return 'i';  // int, bool
  else
    return 's';  // std::string, std::string_view, const char*
}

template <class... V>
const std::string& typesOf() {
  static const std::string types{typeOf<std::decay_t<V>>()...};
  return types;
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

// A record's key as Table::keyExpr gives it from the database: the first `n` values (the key columns after
// school_id), integers in decimal, joined by '|'.
template <class... V>
std::string recordKey(size_t n, const V&... values) {
  std::string k;
  size_t i = 0;
  auto part = [&](const auto& v) {
    if (i < n) {
      if (i) k += '|';
      if constexpr (std::is_arithmetic_v<std::decay_t<decltype(v)>>)
        k += std::to_string(v);
      else
        k += v;
    }
    ++i;
  };
  (part(values), ...);
  return k;
}

bool isSet(const model::DateTime& t) { return t != model::DateTime{}; }

// On PostgreSQL the buffered rows are written when a part ends, or sooner when they reach this size.
constexpr size_t kBulkFlushBytes = 32u << 20;

class SqlIngest final : public IngestTransaction {
 public:
  SqlIngest(Database& db, const model::Provenance& provenance)
      : db_(db), provenance_(provenance), session_(db.session()) {
    if (!isSet(provenance_.at)) provenance_.at = db_.clock().now();
    if (provenance_.runId.empty()) provenance_.runId = "run-" + provenance_.at.toString();
    tx_.emplace(db_, session_);
    if (db_.backend() == Backend::PostgreSQL)
      db_.guard("store.ingest " + db_.displayName(), [&] {
        std::vector<PgBulk::Target> targets;
        for (const WriteTarget& t : writeTargets()) targets.push_back(t.bulk);
        bulk_.emplace(session_, std::move(targets));
      });
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
  KnownMap& known(const Table& t, bool withValue = false) { return known(t.name, t.keyExpr, withValue); }
  std::unordered_set<std::string>& knownHistory();
  Prepared& statement(const std::string& name, const std::string& sql, std::string_view types);
  // Writes one row of writeTarget()[target] for the record `what`: at once on SQLite; buffered for the next
  // flush on PostgreSQL, where a failure names `what` when the rows are written.
  template <class... V>
  void write(size_t target, const std::string& what, const V&... values) {
    if (bulk_) {
      bulk_->row(target, what, values...);
      return;
    }
    const WriteTarget& t = writeTargets()[target];
    statement(t.name, t.sql, typesOf<V...>()).run(values...);
  }
  // Compares and, when new or changed, calls write() (which must store the row); counts the outcome.
  template <class F>
  Outcome put(KnownMap& map, const std::string& k, Int64 hash, const std::string& what, F&& write);
  // put() for one record of `t` whose columns after school_id are `values`, in order: upserts the row with
  // the hash and run id; putParent then calls children(fresh, what) to rewrite the rows that hang on it.
  template <class Children, class... V>
  Outcome putParent(KnownMap& map, const Table& t, Int64 hash, const std::string& what, Children&& children,
                    const V&... values);
  template <class... V>
  Outcome putRecord(KnownMap& map, const Table& t, Int64 hash, const std::string& what, const V&... values) {
    return putParent(
        map, t, hash, what, [](bool, const std::string&) {}, values...);
  }
  // Rewrites the rows of `c` hanging on a record just stored (the parent key `parent`): unless the record is
  // new, deletes the stored ones, then writes row(item), a tuple of the data columns, for each item with seq
  // 1, 2, ...
  template <class Items, class Row, class... P>
  void putChildren(const ChildTable& c, bool fresh, const std::string& what, const Items& items, Row&& row,
                   const P&... parent);
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
  std::optional<PgBulk> bulk_;  // PostgreSQL only
  std::unordered_map<std::string, std::unique_ptr<Prepared>> statements_;
  std::unordered_map<std::string, KnownMap> known_;                           // by school + '\n' + table
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
    it->second.emplace(std::move(keys[i]),
                       Known{hashes[i], withValue ? std::move(values[i]) : std::string()});
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
  if (bulk_ && bulk_->pendingBytes() > kBulkFlushBytes) bulk_->flush();
  if (fresh) {
    map.emplace(k, Known{hash, {}});
    ++summary_->inserted;
    return Outcome::Inserted;
  }
  it->second.hash = hash;
  ++summary_->updated;
  return Outcome::Updated;
}

template <class Children, class... V>
SqlIngest::Outcome SqlIngest::putParent(KnownMap& map, const Table& t, Int64 hash, const std::string& what,
                                        Children&& children, const V&... values) {
  if (sizeof...(V) + 1 != t.columns.size())
    throw Error(ErrorKind::Internal, "store.ingest " + t.name, "values do not match the table's columns");
  const std::string k = t.nKeys > 1 ? recordKey(t.nKeys - 1, values...) : school_;
  return put(map, k, hash, what, [&](bool fresh) {
    write(fresh ? t.insertTarget : t.target, what, school_, values..., hash, provenance_.runId);
    children(fresh, what);
  });
}

template <class Items, class Row, class... P>
void SqlIngest::putChildren(const ChildTable& c, bool fresh, const std::string& what, const Items& items,
                            Row&& row, const P&... parent) {
  if (!fresh) write(c.removeTarget, what, school_, parent...);
  int seq = 0;
  for (const auto& item : items)
    std::apply([&](const auto&... data) { write(c.writeTarget, what, school_, parent..., ++seq, data...); },
               row(item));
}

void SqlIngest::addHistory(const std::string& markId, const model::MarkChange& change,
                           const std::string& what) {
  const std::string at = change.at.toString(), oldValue = text(change.oldValue),
                    newValue = text(change.newValue);
  std::string k = key({markId, at, oldValue, newValue});
  auto& seen = knownHistory();
  if (seen.count(k)) return;
  try {
    write(kHistoryTarget, what, school_, markId, at, oldValue, newValue, change.by, provenance_.runId);
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
  h.add(s.fullName)
      .add(s.shortName)
      .add(s.director)
      .add(s.deputyDirector)
      .add(s.address)
      .add(j.formatVersion);
  h.add(j.year.startYear).add(j.year.start.days()).add(j.year.end.days());
  putRecord(known(kSchools), kSchools, h.value(), "школа " + school_, s.fullName, s.shortName, s.director,
            s.deputyDirector, s.address, j.formatVersion, j.year.startYear, j.year.start.toString(),
            j.year.end.toString());
}

void SqlIngest::putReference(const model::Journal& j) {
  if (!j.periods.empty()) {
    auto& map = known(kPeriods);
    for (const auto& p : j.periods) {
      ContentHash h;
      h.add(text(p.kind)).add(p.number).add(p.dates.from.days()).add(p.dates.to.days()).add(p.gradeFrom);
      h.add(p.gradeTo);
      putRecord(map, kPeriods, h.value(), "период " + p.id, p.id, text(p.kind), p.number,
                p.dates.from.toString(), p.dates.to.toString(), p.gradeFrom, p.gradeTo);
    }
  }
  if (!j.holidays.empty()) {
    auto& map = known(kHolidays);
    for (const auto& x : j.holidays) {
      ContentHash h;
      h.add(x.name).add(x.dates.from.days()).add(x.dates.to.days()).add(x.gradeFrom).add(x.gradeTo);
      putRecord(map, kHolidays, h.value(), "каникулы «" + x.name + "»", x.dates.from.toString(), x.name,
                x.dates.to.toString(), x.gradeFrom, x.gradeTo);
    }
  }
  if (!j.staff.empty()) {
    auto& map = known(kStaff);
    for (const auto& x : j.staff) {
      ContentHash h;
      h.add(x.lastName).add(x.firstName).add(x.middleName).add(x.position);
      if (!x.email.empty()) h.add(x.email);  // hashes of staff without an address stay as before version 2
      putRecord(map, kStaff, h.value(), "сотрудник " + x.id, x.id, x.lastName, x.firstName, x.middleName,
                x.position, x.email);
    }
  }
  if (!j.subjects.empty()) {
    auto& map = known(kSubjects);
    for (const auto& x : j.subjects) {
      ContentHash h;
      h.add(x.name).add(x.shortName).add(x.order).add(text(x.grading)).add(x.twoMarksPerCell);
      putRecord(map, kSubjects, h.value(), "предмет " + x.id, x.id, x.name, x.shortName, x.order,
                text(x.grading), x.twoMarksPerCell);
    }
  }
  if (!j.classes.empty()) {
    auto& map = known(kClasses);
    for (const auto& x : j.classes) {
      ContentHash h;
      h.add(x.grade).add(x.letter).add(x.classTeacherId);
      putRecord(map, kClasses, h.value(), "класс " + x.id, x.id, x.grade, x.letter, x.classTeacherId);
    }
  }
  if (!j.students.empty()) {
    auto& map = known(kStudents);
    for (const auto& x : j.students) {
      ContentHash h;
      h.add(x.lastName).add(x.firstName).add(x.middleName).add(text(x.birthDate));
      for (const auto& e : x.enrolments) h.add(e.classId).add(e.from.days()).add(text(e.to));
      putParent(
          map, kStudents, h.value(), "ученик " + x.id,
          [&](bool fresh, const std::string& what) {
            putChildren(
                kEnrolments, fresh, what, x.enrolments,
                [](const model::Enrolment& e) {
                  return std::tuple(e.classId, e.from.toString(), text(e.to));
                },
                x.id);
          },
          x.id, x.lastName, x.firstName, x.middleName, text(x.birthDate));
    }
  }
  if (!j.subgroups.empty()) {
    auto& map = known(kSubgroups);
    for (const auto& x : j.subgroups) {
      ContentHash h;
      h.add(x.classId).add(x.subjectId).add(x.name).add(x.teacherId);
      for (const auto& m : x.members) h.add(m.studentId).add(m.from.days()).add(text(m.to));
      putParent(
          map, kSubgroups, h.value(), "группа " + x.id,
          [&](bool fresh, const std::string& what) {
            putChildren(
                kMemberships, fresh, what, x.members,
                [](const model::Membership& m) {
                  return std::tuple(m.studentId, m.from.toString(), text(m.to));
                },
                x.id);
          },
          x.id, x.classId, x.subjectId, x.name, x.teacherId);
    }
  }
  if (!j.curriculum.empty()) {
    auto& map = known(kCurriculum);
    for (const auto& x : j.curriculum) {
      ContentHash h;
      h.add(x.hoursPerWeek).add(x.hoursYear);
      for (const auto& p : x.periods) h.add(p.periodId).add(p.hours);
      putParent(
          map, kCurriculum, h.value(),
          "учебный план " + x.classId + "/" + x.subjectId + (x.subgroupId.empty() ? "" : "/" + x.subgroupId),
          [&](bool fresh, const std::string& what) {
            putChildren(
                kCurriculumPeriods, fresh, what, x.periods,
                [](const model::PeriodHours& p) { return std::tuple(p.periodId, p.hours); }, x.classId,
                x.subjectId, x.subgroupId);
          },
          x.classId, x.subjectId, x.subgroupId, x.hoursPerWeek, x.hoursYear);
    }
  }
  if (!j.plan.empty()) {
    auto& map = known(kPlan);
    for (const auto& x : j.plan) {
      const std::string workType = x.workType ? std::string(model::toString(*x.workType)) : std::string();
      ContentHash h;
      h.add(x.topic).add(workType).add(x.workTopic).add(x.homework).add(x.hours);
      putRecord(map, kPlan, h.value(),
                "КТП " + x.classId + "/" + x.subjectId + " урок " + std::to_string(x.number), x.classId,
                x.subjectId, x.subgroupId, x.number, x.topic, workType, x.workTopic, x.homework, x.hours);
    }
  }
  if (!j.timetable.empty()) {
    auto& map = known(kTimetable);
    for (const auto& x : j.timetable) {
      ContentHash h;
      h.add(x.teacherId).add(x.valid.to.days());
      putRecord(map, kTimetable, h.value(),
                "расписание " + x.classId + " день " + std::to_string(x.weekday) + " урок " +
                    std::to_string(x.slot),
                x.classId, x.weekday, x.slot, x.subjectId, x.subgroupId, x.valid.from.toString(),
                x.valid.to.toString(), x.teacherId);
    }
  }
}

void SqlIngest::putLessons(const model::Journal& j) {
  if (j.lessons.empty()) return;
  auto& map = known(kLessons);
  for (const auto& x : j.lessons) {
    const std::string topicAt = text(x.topicEnteredAt), attendanceAt = text(x.attendanceEnteredAt);
    ContentHash h;
    h.add(x.date.days()).add(x.slot).add(x.classId).add(x.subjectId).add(x.subgroupId).add(x.teacherId);
    h.add(x.substituteTeacherId).add(x.hours).add(x.topic).add(topicAt).add(x.topicEnteredBy).add(x.homework);
    h.add(x.attendanceTaken).add(attendanceAt);
    for (const auto& w : x.works) h.add(w.id).add(model::toString(w.type)).add(w.topic).add(w.weight);
    putParent(
        map, kLessons, h.value(), "урок " + x.id,
        [&](bool fresh, const std::string& what) {
          putChildren(
              kWorks, fresh, what, x.works,
              [](const model::Work& w) {
                return std::tuple(w.id, std::string(model::toString(w.type)), w.topic, w.weight);
              },
              x.id);
        },
        x.id, x.date.toString(), x.slot, x.classId, x.subjectId, x.subgroupId, x.teacherId,
        x.substituteTeacherId, x.hours, x.topic, topicAt, x.topicEnteredBy, x.homework, x.attendanceTaken,
        attendanceAt);
  }
}

void SqlIngest::putMarks(const model::Journal& j) {
  if (j.marks.empty()) return;
  auto& map = known(kMarks, true);
  for (const auto& x : j.marks) {
    const std::string value = x.value.toString(),
                      at = isSet(x.enteredAt) ? x.enteredAt.toString() : std::string();
    ContentHash h;
    h.add(x.studentId).add(x.lessonId).add(x.workId).add(value).add(x.weight).add(at).add(x.enteredBy);
    const std::string what = "оценка " + x.id;
    auto it = map.find(x.id);
    // The stored value before this upsert, when the mark exists and its value changes.
    std::optional<std::string> oldValue;
    if (it != map.end() && it->second.hash != h.value() && it->second.value != value)
      oldValue = it->second.value;
    putRecord(map, kMarks, h.value(), what, x.id, x.studentId, x.lessonId, x.workId, value, x.weight, at,
              x.enteredBy);
    map[x.id].value = value;
    if (oldValue) {
      // Record the change unless the document's own history already carries it.
      auto old = model::MarkValue::parse(*oldValue);
      bool documented = false;
      for (const auto& c : x.history) documented = documented || (c.oldValue == old && c.newValue == x.value);
      if (!documented)
        addHistory(x.id, {old, x.value, isSet(x.enteredAt) ? x.enteredAt : provenance_.at, x.enteredBy},
                   what);
    }
    for (const auto& c : x.history) addHistory(x.id, c, what);
  }
}

void SqlIngest::putAttendance(const model::Journal& j) {
  if (j.attendance.empty()) return;
  auto& map = known(kAttendance);
  for (const auto& x : j.attendance) {
    const std::string status(model::toString(x.status)), at = text(x.enteredAt);
    ContentHash h;
    h.add(status).add(at);
    putRecord(map, kAttendance, h.value(), "посещаемость: урок " + x.lessonId + ", ученик " + x.studentId,
              x.lessonId, x.studentId, status, at);
  }
}

void SqlIngest::putPeriodMarks(const model::Journal& j) {
  if (j.periodMarks.empty()) return;
  auto& map = known(kPeriodMarks);
  for (const auto& x : j.periodMarks) {
    const std::string kind(model::toString(x.kind)), value = x.value.toString(), at = text(x.enteredAt);
    ContentHash h;
    h.add(x.classId).add(value).add(at).add(x.enteredBy);
    putRecord(map, kPeriodMarks, h.value(),
              "итоговая оценка: ученик " + x.studentId + ", предмет " + x.subjectId + ", " + x.periodId,
              x.studentId, x.subjectId, kind, x.periodId, x.classId, value, at, x.enteredBy);
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
      if (bulk_) bulk_->flush();
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
    if (bulk_) {
      try {
        bulk_->flush();
      } catch (...) {
        broken_ = true;
        throw;
      }
    }
    const std::string finished = db_.clock().now().toString(), started = provenance_.at.toString();
    for (auto& [school, sum] : perSchool_) {
      int inserted = static_cast<int>(sum.inserted), updated = static_cast<int>(sum.updated),
          unchanged = static_cast<int>(sum.unchanged), changes = static_cast<int>(sum.markChanges);
      statement("ingest_runs",
                upsertSql("ingest_runs",
                          {"school_id", "run_id", "source", "started_at", "finished_at", "inserted",
                           "updated", "unchanged", "mark_changes"},
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
