// The reports as JSON, CSV (RFC 4180, UTF-8, CRLF) and readable Russian text tables. Deterministic: numbers
// in the classic locale with fixed decimals, no clock reads.
#include <optional>

#include "ejournal/model/json.h"
#include "ejournal/model/text.h"
#include "ejournal/reports/regional.h"
#include "ejournal/reports/reports.h"

namespace ejournal::reports {

namespace {

using model::formatFixed;
using model::jsonArray;
using model::JsonObject;
using model::jsonString;

std::string headerJson(const ReportHeader& h) {
  return JsonObject()
      .text("title", h.title)
      .text("school", h.schoolName)
      .text("school_short", h.schoolShortName)
      .text("academic_year", h.academicYear)
      .textOrNull("period", h.periodId)
      .text("period_label", h.periodLabel)
      .text("from", h.dates.from.toString())
      .text("to", h.dates.to.toString())
      .text("as_of", h.asOf.toString())
      .text("scope", h.scopeLabel)
      .text("created", h.createdAt.toString())
      .text("deputy_director", h.deputyDirector)
      .text("director", h.director)
      .json();
}

void csvLine(std::ostream& out, const std::vector<std::string>& cells) {
  for (size_t i = 0; i < cells.size(); ++i) out << (i ? "," : "") << model::csvField(cells[i]);
  out << "\r\n";
}

// The fields of a report row are listed once, in a `<row>Fields(row, sink)` function, and written through one
// of two sinks with the same calls: JsonFields (members of a JSON object) or CsvFields (the CSV column names
// and cells), so the CSV columns are the JSON members by the same names. jsonOnly() members (nested lists,
// extra names) have no CSV column.
class JsonFields {
 public:
  void text(const char* k, std::string_view v) { o_.text(k, v); }
  void textOrNull(const char* k, std::string_view v) { o_.textOrNull(k, v); }
  void integer(const char* k, long long v) { o_.integer(k, v); }
  void number(const char* k, double v, int decimals) { o_.number(k, v, decimals); }
  void boolean(const char* k, bool v) { o_.boolean(k, v); }
  void optionalInteger(const char* k, const std::optional<int>& v) {
    o_.raw(k, v ? std::to_string(*v) : "null");
  }
  void optionalNumber(const char* k, const std::optional<double>& v, int decimals) {
    o_.raw(k, v ? formatFixed(*v, decimals) : "null");
  }
  // JSON: an array of strings; CSV: one cell, the strings joined by `csvSeparator`.
  void list(const char* k, const std::vector<std::string>& v, const char* /*csvSeparator*/) {
    o_.raw(k, jsonArray(
                  v, [](const std::string& s) { return jsonString(s); }, " "));
  }
  void jsonOnly(const char* k, const std::string& json) { o_.raw(k, json); }
  void csvOnly(const char*, const std::string&) {}
  std::string json() const { return o_.json(); }

 private:
  JsonObject o_;
};

class CsvFields {
 public:
  void text(const char* k, std::string_view v) { add(k, std::string(v)); }
  void textOrNull(const char* k, std::string_view v) { add(k, std::string(v)); }
  void integer(const char* k, long long v) { add(k, std::to_string(v)); }
  void number(const char* k, double v, int decimals) { add(k, formatFixed(v, decimals)); }
  void boolean(const char* k, bool v) { add(k, v ? "true" : "false"); }
  void optionalInteger(const char* k, const std::optional<int>& v) { add(k, v ? std::to_string(*v) : ""); }
  void optionalNumber(const char* k, const std::optional<double>& v, int decimals) {
    add(k, v ? formatFixed(*v, decimals) : "");
  }
  void list(const char* k, const std::vector<std::string>& v, const char* csvSeparator) {
    std::string joined;
    for (size_t i = 0; i < v.size(); ++i) joined += (i ? csvSeparator : "") + v[i];
    add(k, std::move(joined));
  }
  void jsonOnly(const char*, const std::string&) {}
  void csvOnly(const char* k, const std::string& v) { add(k, v); }

  std::vector<std::string> names, cells;

 private:
  void add(const char* k, std::string v) {
    names.push_back(k);
    cells.push_back(std::move(v));
  }
};

// One JSON object of a row's fields.
template <class Row, class Fields>
std::string fieldsJson(const Row& row, Fields fields) {
  JsonFields j;
  fields(row, j);
  return j.json();
}

// The CSV header (the field names) and a line per row.
template <class Row, class Fields>
void fieldsCsv(std::ostream& out, const std::vector<Row>& rows, Fields fields) {
  CsvFields header;
  fields(Row{}, header);
  csvLine(out, header.names);
  for (const auto& row : rows) {
    CsvFields c;
    fields(row, c);
    csvLine(out, c.cells);
  }
}

// The follow-up of recorded checks in the control report (present only when a check was recorded).
std::string followUpJson(const ControlFollowUp& u) {
  auto item = [](const FollowUpItem& x) {
    return JsonObject()
        .text("rule", x.finding.ruleId)
        .text("title", x.finding.ruleTitle)
        .text("severity", model::toString(x.finding.severity))
        .text("class_name", x.className)
        .text("subject_name", x.subjectName)
        .raw("date", x.finding.date ? jsonString(x.finding.date->toString()) : "null")
        .textOrNull("lesson_id", x.finding.lessonId)
        .textOrNull("student_name", x.finding.studentName)
        .text("message", x.finding.message)
        .text("open_since", x.since.toString())
        .integer("days_open", x.days)
        .boolean("reopened", x.reopened)
        .json();
  };
  auto teacher = [&](const TeacherFollowUp& t) {
    return JsonObject()
        .textOrNull("teacher", t.teacherId)
        .text("teacher_name", t.teacherName)
        .integer("corrected", t.corrected)
        .integer("open", t.open)
        .integer("new", t.fresh)
        .raw("oldest_open_since", t.oldestOpenSince ? jsonString(t.oldestOpenSince->toString()) : "null")
        .boolean("acknowledged", t.acknowledged)
        .raw("acknowledged_at", t.acknowledgedAt ? jsonString(t.acknowledgedAt->toString()) : "null")
        .raw("open_list", jsonArray(t.openItems, item, "\n        "))
        .json();
  };
  return JsonObject()
      .integer("check", u.checkId)
      .text("check_date", u.checkDate.toString())
      .raw("previous_check_date", u.previousCheckDate ? jsonString(u.previousCheckDate->toString()) : "null")
      .text("deadline", u.deadline.toString())
      .integer("corrected", u.corrected)
      .integer("open", u.open)
      .integer("new", u.fresh)
      .raw("teachers", jsonArray(u.teachers, teacher, "\n     "))
      .raw("not_acknowledged",
           jsonArray(
               u.notAcknowledged, [](const std::string& s) { return jsonString(s); }, " "))
      .json();
}

const TeacherFollowUp* followUpOf(const ControlReport& r, const std::string& teacherId) {
  if (!r.followUp) return nullptr;
  for (const auto& t : r.followUp->teachers)
    if (t.teacherId == teacherId) return &t;
  return nullptr;
}

void followUpText(const ControlFollowUp& u, std::ostream& out) {
  out << "\nУстранение замечаний (проверка от " << u.checkDate.toRussian() << ", срок устранения — до "
      << u.deadline.toRussian() << ")\n";
  if (u.teachers.empty()) out << "  замечаний нет\n";
  for (const auto& t : u.teachers) {
    out << "\n" << t.teacherName << ":\n";
    if (u.previousCheckDate)
      out << "  устранено после проверки от " << u.previousCheckDate->toRussian() << ": " << t.corrected
          << "\n";
    out << "  не устранено: " << t.open;
    if (t.oldestOpenSince) out << " (самое давнее — с " << t.oldestOpenSince->toRussian() << ")";
    out << "\n  новых замечаний: " << t.fresh << "\n";
    if (t.open + t.fresh > 0)
      out << "  ознакомлен(а): "
          << (t.acknowledged && t.acknowledgedAt ? t.acknowledgedAt->toRussian() : std::string("нет"))
          << "\n";
    for (const auto& x : t.openItems)
      out << "    с " << x.since.toRussian() << " (" << x.days << " дн.)" << (x.reopened ? ", повторно" : "")
          << "  " << x.className << ", " << x.subjectName
          << (x.finding.date ? ", " + x.finding.date->toRussian() : "") << ": " << x.finding.ruleTitle << ": "
          << x.finding.message << "\n";
  }
  out << "\nНе ознакомлены с замечаниями: ";
  if (u.notAcknowledged.empty()) out << "нет";
  for (size_t i = 0; i < u.notAcknowledged.size(); ++i) out << (i ? ", " : "") << u.notAcknowledged[i];
  out << "\n";
}

// A text table with columns aligned by code points; numbers right-aligned.
void table(std::ostream& out, const std::vector<std::vector<std::string>>& rows,
           const std::vector<bool>& right) {
  if (rows.empty()) return;
  std::vector<size_t> w(rows.front().size(), 0);
  for (const auto& r : rows)
    for (size_t c = 0; c < r.size() && c < w.size(); ++c) w[c] = std::max(w[c], model::utf8Width(r[c]));
  auto line = [&](const std::vector<std::string>& r) {
    std::string s;
    for (size_t c = 0; c < r.size(); ++c) {
      const size_t fill = w[c] - model::utf8Width(r[c]);
      const bool rt = c < right.size() && right[c];
      if (c) s += "  ";
      if (rt) s += std::string(fill, ' ');
      s += r[c];
      if (!rt && c + 1 < r.size()) s += std::string(fill, ' ');
    }
    out << s << "\n";
  };
  line(rows.front());
  size_t total = 0;
  for (size_t c = 0; c < w.size(); ++c) total += w[c] + (c ? 2 : 0);
  std::string rule;
  for (size_t i = 0; i < total; ++i) rule += "-";
  out << rule << "\n";
  for (size_t i = 1; i < rows.size(); ++i) line(rows[i]);
}

void headerText(std::ostream& out, const ReportHeader& h) {
  if (!h.schoolName.empty()) out << h.schoolName << "\n";
  out << h.title << "\n";
  out << "Учебный год: " << h.academicYear << ". Период: " << h.periodLabel;
  if (!h.periodId.empty()) out << " (" << h.dates.from.toRussian() << " – " << h.dates.to.toRussian() << ")";
  out << ", данные на " << h.asOf.toRussian() << ". Охват: " << h.scopeLabel << "\n";
  out << "Сформировано: " << h.createdAt.toRussian() << "\n\n";
}

std::string pct(double v) { return formatFixed(v, 1) + "%"; }
std::string subjectWithGroup(const std::string& subject, const std::string& group) {
  return group.empty() ? subject : subject + " (" + group + ")";
}

}  // namespace

// ---------------------------------------------------------------- control report

void write(const ControlReport& r, Format f, std::ostream& out) {
  auto counts = [](const std::vector<RuleCount>& v) {
    return jsonArray(
        v,
        [](const RuleCount& c) {
          return JsonObject()
              .text("rule", c.ruleId)
              .text("title", c.ruleTitle)
              .text("severity", model::toString(c.severity))
              .integer("count", c.count)
              .json();
        },
        "\n      ");
  };
  auto fields = [&](const ControlRow& row, auto& o) {
    o.textOrNull("teacher", row.teacherId);
    o.text("teacher_name", row.teacherName);
    o.text("class", row.classId);
    o.text("class_name", row.className);
    o.text("subject", row.subjectId);
    o.text("subject_name", row.subjectName);
    o.textOrNull("subgroup", row.subgroupId);
    o.textOrNull("subgroup_name", row.subgroupName);
    o.integer("lessons_held", row.lessonsHeld);
    o.integer("lessons_planned", row.lessonsPlanned);
    o.integer("topics_on_time", row.topicsOnTime);
    o.integer("topics_late", row.topicsLate);
    o.integer("topics_missing", row.topicsMissing);
    o.integer("marks", row.marks);
    o.number("marks_per_lesson", row.marksPerLesson, 2);
    o.integer("lessons_few_marks", row.lessonsFewMarks);
    o.integer("late_work_marks", row.lateWorkMarks);
    o.integer("missing_homework", row.missingHomework);
    o.integer("substitutions", row.substitutions);
    o.integer("errors", row.errors);
    o.integer("warnings", row.warnings);
    o.integer("infos", row.infos);
    o.jsonOnly("counts", counts(row.counts));
    o.jsonOnly("findings", jsonArray(
                               row.findings,
                               [](const ControlFinding& x) {
                                 return JsonObject()
                                     .text("rule", x.ruleId)
                                     .text("title", x.ruleTitle)
                                     .text("severity", model::toString(x.severity))
                                     .raw("date", x.date ? jsonString(x.date->toString()) : "null")
                                     .textOrNull("lesson_id", x.lessonId)
                                     .textOrNull("student", x.studentId)
                                     .textOrNull("student_name", x.studentName)
                                     .text("message", x.message)
                                     .json();
                               },
                               "\n      "));
    if (r.followUp) {
      // Per teacher, repeated on each of the teacher's lines (CSV has one table).
      const TeacherFollowUp* t = followUpOf(r, row.teacherId);
      o.integer("corrected_since_previous_check", t ? t->corrected : 0);
      o.integer("open_remarks", t ? t->open : 0);
      o.textOrNull("oldest_open_since", t && t->oldestOpenSince ? t->oldestOpenSince->toString() : "");
      o.boolean("acknowledged", t && t->acknowledged);
    }
  };
  if (f == Format::Json) {
    out << "{\"report\": \"control\",\n \"header\": " << headerJson(r.header) << ",\n \"rows\": "
        << jsonArray(r.rows, [&](const ControlRow& row) { return fieldsJson(row, fields); })
        << ",\n \"totals\": " << counts(r.totals) << ",\n \"summary\": "
        << JsonObject()
               .integer("lessons_held", r.lessonsHeld)
               .integer("findings", r.findings)
               .integer("errors", r.errors)
               .integer("warnings", r.warnings)
               .integer("infos", r.infos)
               .text("conclusion", r.conclusion)
               .json()
        << ",\n \"not_checked\": " << jsonArray(r.notChecked, [](const rules::NotChecked& n) {
             return JsonObject()
                 .text("rule", n.ruleId)
                 .text("title", n.ruleTitle)
                 .text("reason", n.reason)
                 .json();
           });
    if (r.followUp) out << ",\n \"followup\": " << followUpJson(*r.followUp);
    out << "}\n";
    return;
  }
  if (f == Format::Csv) return fieldsCsv(out, r.rows, fields);
  headerText(out, r.header);
  std::vector<std::vector<std::string>> t = {
      {"Учитель", "Класс", "Предмет", "Уроков", "По плану", "Темы в срок", "Темы с опозд.", "Без темы",
       "Отметок/урок", "Мало отметок", "Поздние отметки", "Без д/з", "Замены", "Нарушения"}};
  for (const auto& row : r.rows)
    t.push_back({row.teacherName, row.className, subjectWithGroup(row.subjectName, row.subgroupName),
                 std::to_string(row.lessonsHeld), std::to_string(row.lessonsPlanned),
                 std::to_string(row.topicsOnTime), std::to_string(row.topicsLate),
                 std::to_string(row.topicsMissing), formatFixed(row.marksPerLesson, 1),
                 std::to_string(row.lessonsFewMarks), std::to_string(row.lateWorkMarks),
                 std::to_string(row.missingHomework), std::to_string(row.substitutions),
                 std::to_string(row.errors + row.warnings)});
  table(out, t, {false, false, false, true, true, true, true, true, true, true, true, true, true, true});
  out << "\nЗамечания\n";
  bool any = false;
  for (const auto& row : r.rows) {
    if (row.findings.empty()) continue;
    any = true;
    out << "\n"
        << row.teacherName << ", " << row.className << ", "
        << subjectWithGroup(row.subjectName, row.subgroupName) << ":\n";
    for (const auto& x : row.findings)
      out << "  " << (x.date ? x.date->toRussian() : std::string("          ")) << "  [" << x.severityLabel
          << "] " << x.ruleTitle << ": " << x.message << "\n";
  }
  if (!any) out << "  нет\n";
  out << "\nИтого по правилам:\n";
  for (const auto& c : r.totals) out << "  " << c.ruleTitle << ": " << c.count << "\n";
  if (!r.notChecked.empty()) {
    out << "\nНе проверялось:\n";
    for (const auto& n : r.notChecked) out << "  " << n.ruleTitle << ": не проверялось: " << n.reason << "\n";
  }
  if (r.followUp) followUpText(*r.followUp, out);
  out << "\nУроков проверено: " << r.lessonsHeld << ". " << r.conclusion << "\n\n";
  out << "Заместитель директора по УВР ____________ " << r.header.deputyDirector << "\n";
}

// ---------------------------------------------------------------- program completion

void write(const ProgramReport& r, Format f, std::ostream& out) {
  auto fields = [](const ProgramRow& x, auto& o) {
    o.text("class", x.classId);
    o.text("class_name", x.className);
    o.text("subject", x.subjectId);
    o.text("subject_name", x.subjectName);
    o.textOrNull("subgroup", x.subgroupId);
    o.textOrNull("subgroup_name", x.subgroupName);
    o.text("teacher_name", x.teacherName);
    o.integer("planned_year", x.plannedYear);
    o.integer("planned_period", x.plannedPeriod);
    o.integer("planned_to_date", x.plannedToDate);
    o.integer("delivered", x.delivered);
    o.integer("shortfall", x.shortfall);
    o.integer("excess", x.excess);
    o.number("percent", x.percent, 1);
    o.boolean("completed", x.completed);
  };
  if (f == Format::Json) {
    out << "{\"report\": \"program\",\n \"header\": " << headerJson(r.header)
        << ",\n \"rows\": " << jsonArray(r.rows, [&](const ProgramRow& x) { return fieldsJson(x, fields); })
        << ",\n \"summary\": "
        << JsonObject()
               .integer("planned_to_date", r.plannedToDate)
               .integer("delivered", r.delivered)
               .integer("rows_behind", r.rowsBehind)
               .number("percent", r.percent, 1)
               .json()
        << "}\n";
    return;
  }
  if (f == Format::Csv) return fieldsCsv(out, r.rows, fields);
  headerText(out, r.header);
  std::vector<std::vector<std::string>> t = {{"Класс", "Предмет", "Учитель", "Часов в год", "За период",
                                              "По плану на дату", "Дано", "Отставание", "Выполнено"}};
  for (const auto& x : r.rows)
    t.push_back({x.className, subjectWithGroup(x.subjectName, x.subgroupName), x.teacherName,
                 std::to_string(x.plannedYear), std::to_string(x.plannedPeriod),
                 std::to_string(x.plannedToDate), std::to_string(x.delivered),
                 x.shortfall ? std::to_string(x.shortfall) : "", pct(x.percent)});
  table(out, t, {false, false, false, true, true, true, true, true, true});
  out << "\nИтого: по плану на дату " << r.plannedToDate << " ч, дано " << r.delivered << " ч ("
      << pct(r.percent) << "), с отставанием: " << r.rowsBehind << "\n";
}

// ---------------------------------------------------------------- academic results

namespace {

template <class Out>
void resultsFields(const ResultsRow& x, Out& o) {
  o.textOrNull("class", x.classId);
  o.text("class_name", x.className);
  o.jsonOnly("class_teacher", model::jsonStringOrNull(x.classTeacherName));
  o.textOrNull("period", x.periodId);
  o.text("period_label", x.periodLabel);
  o.boolean("unmarked", x.unmarked);
  o.integer("students", x.students);
  o.integer("graded", x.graded);
  o.integer("excellent", x.excellent);
  o.integer("good", x.good);
  o.integer("one_three", x.oneThree);
  o.integer("threes", x.threes);
  o.integer("failing", x.failing);
  o.integer("not_graded", x.notGraded);
  // An unmarked class has no mark figures: null in JSON, empty in CSV.
  auto figure = [&](double v) { return x.unmarked ? std::nullopt : std::optional<double>(v); };
  o.optionalNumber("success_percent", figure(x.successPercent), 1);
  o.optionalNumber("quality_percent", figure(x.qualityPercent), 1);
  o.optionalNumber("average_mark", figure(x.averageMark), 2);
  o.integer("lessons_missed", x.lessonsMissed);
  o.integer("missed_ill", x.missedIll);
  o.jsonOnly("failing_students",
             jsonArray(
                 x.failingStudents, [](const std::string& s) { return jsonString(s); }, " "));
}

std::string resultsJson(const ResultsRow& x) {
  JsonFields j;
  resultsFields(x, j);
  return j.json();
}

}  // namespace

void write(const ResultsReport& r, Format f, std::ostream& out) {
  if (f == Format::Json) {
    out << "{\"report\": \"results\",\n \"header\": " << headerJson(r.header)
        << ",\n \"rows\": " << jsonArray(r.rows, resultsJson) << ",\n \"total\": " << resultsJson(r.total)
        << "}\n";
    return;
  }
  if (f == Format::Csv) {
    auto rows = r.rows;
    rows.push_back(r.total);
    return fieldsCsv(out, rows, [](const ResultsRow& x, auto& o) { resultsFields(x, o); });
  }
  headerText(out, r.header);
  std::vector<std::vector<std::string>> t = {
      {"Класс", "Период", "Учащихся", "Аттест.", "Отличники", "Хорошисты", "С одной 3", "Неуспев.",
       "Не аттест.", "% успев.", "% качества", "Ср. балл", "Пропущено уроков", "из них по болезни"}};
  auto cells = [](const ResultsRow& x) {
    if (x.unmarked)
      return std::vector<std::string>{x.className,
                                      x.periodLabel,
                                      std::to_string(x.students),
                                      "без отметок",
                                      "—",
                                      "—",
                                      "—",
                                      "—",
                                      "—",
                                      "—",
                                      "—",
                                      "—",
                                      std::to_string(x.lessonsMissed),
                                      std::to_string(x.missedIll)};
    return std::vector<std::string>{x.className,
                                    x.periodLabel,
                                    std::to_string(x.students),
                                    std::to_string(x.graded),
                                    std::to_string(x.excellent),
                                    std::to_string(x.good),
                                    std::to_string(x.oneThree),
                                    std::to_string(x.failing),
                                    std::to_string(x.notGraded),
                                    pct(x.successPercent),
                                    pct(x.qualityPercent),
                                    formatFixed(x.averageMark, 2),
                                    std::to_string(x.lessonsMissed),
                                    std::to_string(x.missedIll)};
  };
  for (const auto& x : r.rows) t.push_back(cells(x));
  t.push_back(cells(r.total));
  table(out, t, {false, false, true, true, true, true, true, true, true, true, true, true, true, true});
  if (!r.total.failingStudents.empty()) {
    out << "\nНеуспевающие:\n";
    for (const auto& s : r.total.failingStudents) out << "  " << s << "\n";
  }
}

// ---------------------------------------------------------------- substitutions

void write(const SubstitutionsReport& r, Format f, std::ostream& out) {
  auto lineFields = [](const SubstitutionLine& x, auto& o) {
    o.text("date", x.date.toString());
    o.text("lesson_id", x.lessonId);
    o.text("class_name", x.className);
    o.text("subject_name", x.subjectName);
    o.text("absent_teacher", x.absentTeacherName);
    o.text("substitute_teacher", x.substituteTeacherName);
    o.boolean("recorded", x.recorded);
  };
  auto lineJson = [&](const SubstitutionLine& x) { return fieldsJson(x, lineFields); };
  if (f == Format::Json) {
    out << "{\"report\": \"substitutions\",\n \"header\": " << headerJson(r.header) << ",\n \"rows\": "
        << jsonArray(r.rows,
                     [&](const SubstitutionRow& x) {
                       return JsonObject()
                           .text("teacher", x.teacherId)
                           .text("teacher_name", x.teacherName)
                           .integer("given", x.given)
                           .integer("replaced", x.replaced)
                           .raw("lessons", jsonArray(x.lines, lineJson, "\n      "))
                           .json();
                     })
        << ",\n \"all\": " << jsonArray(r.all, lineJson) << ",\n \"unrecorded\": " << r.unrecorded << "}\n";
    return;
  }
  if (f == Format::Csv) return fieldsCsv(out, r.all, lineFields);
  headerText(out, r.header);
  std::vector<std::vector<std::string>> t = {{"Учитель", "Провёл замен", "Заменён на уроках"}};
  for (const auto& x : r.rows)
    t.push_back({x.teacherName, std::to_string(x.given), std::to_string(x.replaced)});
  table(out, t, {false, true, true});
  out << "\nЗамещённые уроки:\n";
  std::vector<std::vector<std::string>> l = {
      {"Дата", "Класс", "Предмет", "По расписанию", "Заменил(а)", "Оформлена"}};
  for (const auto& x : r.all)
    l.push_back({x.date.toRussian(), x.className, x.subjectName, x.absentTeacherName, x.substituteTeacherName,
                 x.recorded ? "да" : "нет"});
  if (r.all.empty())
    out << "  нет\n";
  else
    table(out, l, {});
  if (r.unrecorded) out << "\nНе оформлено замен: " << r.unrecorded << "\n";
}

// ---------------------------------------------------------------- forecast

void write(const ForecastReport& r, Format f, std::ostream& out) {
  auto fields = [](const ForecastRow& x, auto& o) {
    o.text("student", x.studentId);
    o.text("student_name", x.studentName);
    o.text("class", x.classId);
    o.text("class_name", x.className);
    o.text("subject", x.subjectId);
    o.text("subject_name", x.subjectName);
    o.text("period", x.periodId);
    o.integer("marks", x.marks);
    o.integer("required_marks", x.requiredMarks);
    o.number("weighted_average", x.weightedAverage, 2);
    o.optionalInteger("expected", x.expected);
    o.boolean("at_risk", x.atRisk);
    o.list("reasons", x.reasons, "; ");
  };
  if (f == Format::Json) {
    out << "{\"report\": \"forecast\",\n \"header\": " << headerJson(r.header)
        << ",\n \"rows\": " << jsonArray(r.rows, [&](const ForecastRow& x) { return fieldsJson(x, fields); })
        << ",\n \"students_at_risk\": " << r.studentsAtRisk << ", \"rows_at_risk\": " << r.rowsAtRisk
        << "}\n";
    return;
  }
  if (f == Format::Csv) return fieldsCsv(out, r.rows, fields);
  headerText(out, r.header);
  out << "Учащиеся в зоне риска: " << r.studentsAtRisk << " (по предметам: " << r.rowsAtRisk << ")\n\n";
  std::vector<std::vector<std::string>> t = {
      {"Класс", "Ученик", "Предмет", "Отметок", "Ср. балл", "Прогноз", "Причина"}};
  for (const auto& x : r.rows) {
    if (!x.atRisk) continue;
    std::string reasons;
    for (size_t i = 0; i < x.reasons.size(); ++i) reasons += (i ? "; " : "") + x.reasons[i];
    t.push_back({x.className, x.studentName, x.subjectName, std::to_string(x.marks),
                 x.marks ? formatFixed(x.weightedAverage, 2) : "—",
                 x.expected ? std::to_string(*x.expected) : "—", reasons});
  }
  if (t.size() == 1)
    out << "Учащихся в зоне риска нет.\n";
  else
    table(out, t, {false, false, false, true, true, true, false});
}

// ---------------------------------------------------------------- regional comparison

namespace {

std::string orDash(const std::optional<double>& v, int decimals, const char* unit = "") {
  return v ? formatFixed(*v, decimals) + unit : "—";
}

template <class Out>
void regionalFields(const RegionalRow& x, Out& o) {
  o.textOrNull("school", x.schoolId);
  o.text("school_short", x.schoolShortName);
  o.text("school_name", x.schoolName);
  o.integer("lessons_held", x.lessonsHeld);
  o.integer("topics_on_time", x.topicsOnTime);
  o.optionalNumber("topics_on_time_percent", x.topicsOnTimePercent, 1);
  o.integer("marks", x.marks);
  o.optionalNumber("marks_per_lesson", x.marksPerLesson, 2);
  o.integer("work_marks", x.workMarks);
  o.integer("late_work_marks", x.lateWorkMarks);
  o.optionalNumber("late_work_marks_per_100", x.lateWorkMarksPer100, 1);
  o.integer("planned_to_date", x.plannedToDate);
  o.integer("delivered", x.delivered);
  o.optionalNumber("program_percent", x.programPercent, 1);
  o.integer("program_lines", x.programLines);
  o.integer("lines_behind", x.linesBehind);
  o.optionalInteger("open_findings", x.openFindings);  // null: never checked
  o.jsonOnly("open_by_rule", jsonArray(
                                 x.openByRule,
                                 [](const RuleCount& c) {
                                   return JsonObject()
                                       .text("rule", c.ruleId)
                                       .text("title", c.ruleTitle)
                                       .integer("count", c.count)
                                       .json();
                                 },
                                 " "));
  std::string byRule;
  for (const auto& c : x.openByRule)
    byRule += (byRule.empty() ? "" : "; ") + c.ruleTitle + ": " + std::to_string(c.count);
  o.csvOnly("open_by_rule", byRule);
  o.textOrNull("last_check", x.lastCheck ? x.lastCheck->toString() : "");
  o.textOrNull("last_seal_period", x.lastSeal ? x.lastSeal->periodId : "");
  o.textOrNull("last_seal_title", x.lastSeal ? x.lastSeal->periodTitle : "");
  o.textOrNull("last_seal_at", x.lastSeal ? x.lastSeal->sealedAt.toString() : "");
  o.textOrNull("last_seal_file", x.lastSeal ? x.lastSeal->fileName : "");
}

std::string regionalJson(const RegionalRow& x) {
  JsonFields j;
  regionalFields(x, j);
  return j.json();
}

}  // namespace

void write(const RegionalReport& r, Format f, std::ostream& out) {
  if (f == Format::Json) {
    out << "{\"report\": \"region\",\n \"header\": " << headerJson(r.header)
        << ",\n \"rows\": " << jsonArray(r.rows, regionalJson) << ",\n \"total\": " << regionalJson(r.total)
        << ",\n \"schools\": " << r.rows.size() << ", \"schools_checked\": " << r.schoolsChecked
        << ", \"schools_sealed\": " << r.schoolsSealed << "}\n";
    return;
  }
  if (f == Format::Csv) {
    auto rows = r.rows;
    rows.push_back(r.total);
    return fieldsCsv(out, rows, [](const RegionalRow& x, auto& o) { regionalFields(x, o); });
  }
  const auto& h = r.header;
  if (!h.schoolName.empty()) out << h.schoolName << "\n";
  out << h.title << "\n";
  out << "Период: " << h.periodLabel;
  if (!h.academicYear.empty()) out << " " << h.academicYear << " учебного года";
  out << " (" << h.dates.from.toRussian() << " – " << h.dates.to.toRussian() << "), данные на "
      << h.asOf.toRussian() << ". Школ: " << r.rows.size() << "\n";
  out << "Сформировано: " << h.createdAt.toRussian() << "\n\n";
  std::vector<std::vector<std::string>> t = {{"Школа", "Уроков", "Темы в срок", "%", "Отм./урок",
                                              "Отм. за работы", "Поздних", "На 100", "Программа", "Отстают",
                                              "Замечаний", "Проверка", "Архив"}};
  auto cells = [](const RegionalRow& x) {
    std::string seal = "—";
    if (x.lastSeal)
      seal = x.lastSeal->periodId + ", " + x.lastSeal->sealedAt.date.toRussian();
    else if (x.schoolId.empty())
      seal = "";
    std::string check = x.lastCheck ? x.lastCheck->toRussian() : (x.schoolId.empty() ? "" : "—");
    return std::vector<std::string>{x.schoolShortName,
                                    std::to_string(x.lessonsHeld),
                                    std::to_string(x.topicsOnTime),
                                    orDash(x.topicsOnTimePercent, 1, "%"),
                                    orDash(x.marksPerLesson, 2),
                                    std::to_string(x.workMarks),
                                    std::to_string(x.lateWorkMarks),
                                    orDash(x.lateWorkMarksPer100, 1),
                                    orDash(x.programPercent, 1, "%"),
                                    std::to_string(x.linesBehind) + " из " + std::to_string(x.programLines),
                                    x.openFindings ? std::to_string(*x.openFindings) : "—",
                                    check,
                                    seal};
  };
  for (const auto& x : r.rows) t.push_back(cells(x));
  t.push_back(cells(r.total));
  table(out, t, {false, true, true, true, true, true, true, true, true, true, true, false, false});
  out << "\nПроверки записаны: " << r.schoolsChecked << " из " << r.rows.size()
      << ", архивы опечатаны: " << r.schoolsSealed << " из " << r.rows.size() << "\n";
  out << "\nОткрытые замечания по правилам\n";
  bool any = false;
  for (const auto& x : r.rows) {
    if (x.openByRule.empty()) continue;
    any = true;
    out << "\n" << x.schoolShortName << ":\n";
    for (const auto& c : x.openByRule) out << "  " << c.ruleTitle << ": " << c.count << "\n";
  }
  if (!any) out << "  нет\n";
  if (!r.total.openByRule.empty()) {
    out << "\nВсего по правилам:\n";
    for (const auto& c : r.total.openByRule) out << "  " << c.ruleTitle << ": " << c.count << "\n";
  }
  out << "\nПояснения\n";
  for (const auto& line : regionalLegend()) out << "  " << line << "\n";
}

}  // namespace ejournal::reports
