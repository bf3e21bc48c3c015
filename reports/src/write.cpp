// The reports as JSON, CSV (RFC 4180, UTF-8, CRLF) and readable Russian text tables. Deterministic: numbers in the
// classic locale with fixed decimals, no clock reads.
#include <iomanip>
#include <locale>
#include <sstream>

#include "ejournal/reports/reports.h"

namespace ejournal::reports {

namespace {

std::string num(double v, int decimals) {
  std::ostringstream o;
  o.imbue(std::locale::classic());
  o << std::fixed << std::setprecision(decimals) << v;
  return o.str();
}

std::string jstr(std::string_view s) {
  std::string o = "\"";
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"') o += "\\\"";
    else if (c == '\\') o += "\\\\";
    else if (c == '\n') o += "\\n";
    else if (c == '\r') o += "\\r";
    else if (c == '\t') o += "\\t";
    else if (c < 0x20) {
      static const char* hex = "0123456789abcdef";
      o += "\\u00";
      o += hex[c >> 4];
      o += hex[c & 15];
    } else {
      o += ch;
    }
  }
  return o + "\"";
}

std::string jopt(std::string_view s) { return s.empty() ? "null" : jstr(s); }

// A JSON object written field by field.
class Obj {
 public:
  Obj& str(const char* k, std::string_view v) { return raw(k, jstr(v)); }
  Obj& opt(const char* k, std::string_view v) { return raw(k, jopt(v)); }
  Obj& integer(const char* k, long v) { return raw(k, std::to_string(v)); }
  Obj& number(const char* k, double v, int d) { return raw(k, num(v, d)); }
  Obj& boolean(const char* k, bool v) { return raw(k, v ? "true" : "false"); }
  Obj& raw(const char* k, const std::string& v) {
    s_ += (s_.empty() ? "{" : ", ") + jstr(k) + ": " + v;
    return *this;
  }
  std::string done() const { return s_.empty() ? "{}" : s_ + "}"; }

 private:
  std::string s_;
};

template <class T, class F>
std::string array(const std::vector<T>& v, F f, const char* indent = "\n    ") {
  if (v.empty()) return "[]";
  std::string o = "[";
  for (size_t i = 0; i < v.size(); ++i) o += (i ? "," : "") + std::string(indent) + f(v[i]);
  return o + "]";
}

std::string headerJson(const ReportHeader& h) {
  return Obj()
      .str("title", h.title)
      .str("school", h.schoolName)
      .str("school_short", h.schoolShortName)
      .str("academic_year", h.academicYear)
      .opt("period", h.periodId)
      .str("period_label", h.periodLabel)
      .str("from", h.dates.from.toString())
      .str("to", h.dates.to.toString())
      .str("as_of", h.asOf.toString())
      .str("scope", h.scopeLabel)
      .str("created", h.createdAt.toString())
      .str("deputy_director", h.deputyDirector)
      .str("director", h.director)
      .done();
}

std::string csv(std::string_view s) {
  if (s.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(s);
  std::string o = "\"";
  for (char c : s) {
    if (c == '"') o += '"';
    o += c;
  }
  return o + "\"";
}

void csvLine(std::ostream& out, const std::vector<std::string>& cells) {
  for (size_t i = 0; i < cells.size(); ++i) out << (i ? "," : "") << csv(cells[i]);
  out << "\r\n";
}

size_t width(std::string_view s) {
  size_t n = 0;
  for (char c : s)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  return n;
}

// A text table with columns aligned by code points; numbers right-aligned.
void table(std::ostream& out, const std::vector<std::vector<std::string>>& rows, const std::vector<bool>& right) {
  if (rows.empty()) return;
  std::vector<size_t> w(rows.front().size(), 0);
  for (const auto& r : rows)
    for (size_t c = 0; c < r.size() && c < w.size(); ++c) w[c] = std::max(w[c], width(r[c]));
  auto line = [&](const std::vector<std::string>& r) {
    std::string s;
    for (size_t c = 0; c < r.size(); ++c) {
      const size_t fill = w[c] - width(r[c]);
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

std::string pct(double v) { return num(v, 1) + "%"; }
std::string subjectWithGroup(const std::string& subject, const std::string& group) {
  return group.empty() ? subject : subject + " (" + group + ")";
}

}  // namespace

// ---------------------------------------------------------------- control report

void write(const ControlReport& r, Format f, std::ostream& out) {
  auto counts = [](const std::vector<RuleCount>& v) {
    return array(v, [](const RuleCount& c) {
      return Obj()
          .str("rule", c.ruleId)
          .str("title", c.ruleTitle)
          .str("severity", model::toString(c.severity))
          .integer("count", c.count)
          .done();
    }, "\n      ");
  };
  if (f == Format::Json) {
    out << "{\"report\": \"control\",\n \"header\": " << headerJson(r.header) << ",\n \"rows\": "
        << array(r.rows, [&](const ControlRow& row) {
             return Obj()
                 .opt("teacher", row.teacherId)
                 .str("teacher_name", row.teacherName)
                 .str("class", row.classId)
                 .str("class_name", row.className)
                 .str("subject", row.subjectId)
                 .str("subject_name", row.subjectName)
                 .opt("subgroup", row.subgroupId)
                 .opt("subgroup_name", row.subgroupName)
                 .integer("lessons_held", row.lessonsHeld)
                 .integer("lessons_planned", row.lessonsPlanned)
                 .integer("topics_on_time", row.topicsOnTime)
                 .integer("topics_late", row.topicsLate)
                 .integer("topics_missing", row.topicsMissing)
                 .integer("marks", row.marks)
                 .number("marks_per_lesson", row.marksPerLesson, 2)
                 .integer("lessons_few_marks", row.lessonsFewMarks)
                 .integer("late_work_marks", row.lateWorkMarks)
                 .integer("missing_homework", row.missingHomework)
                 .integer("substitutions", row.substitutions)
                 .integer("errors", row.errors)
                 .integer("warnings", row.warnings)
                 .integer("infos", row.infos)
                 .raw("counts", counts(row.counts))
                 .raw("findings", array(row.findings, [](const ControlFinding& x) {
                        return Obj()
                            .str("rule", x.ruleId)
                            .str("title", x.ruleTitle)
                            .str("severity", model::toString(x.severity))
                            .raw("date", x.date ? jstr(x.date->toString()) : "null")
                            .opt("lesson_id", x.lessonId)
                            .opt("student", x.studentId)
                            .opt("student_name", x.studentName)
                            .str("message", x.message)
                            .done();
                      }, "\n      "))
                 .done();
           })
        << ",\n \"totals\": " << counts(r.totals) << ",\n \"summary\": "
        << Obj()
               .integer("lessons_held", r.lessonsHeld)
               .integer("findings", r.findings)
               .integer("errors", r.errors)
               .integer("warnings", r.warnings)
               .integer("infos", r.infos)
               .str("conclusion", r.conclusion)
               .done()
        << "}\n";
    return;
  }
  if (f == Format::Csv) {
    csvLine(out, {"teacher", "teacher_name", "class", "class_name", "subject", "subject_name", "subgroup",
                  "subgroup_name", "lessons_held", "lessons_planned", "topics_on_time", "topics_late",
                  "topics_missing", "marks", "marks_per_lesson", "lessons_few_marks", "late_work_marks",
                  "missing_homework", "substitutions", "errors", "warnings", "infos"});
    for (const auto& row : r.rows)
      csvLine(out, {row.teacherId, row.teacherName, row.classId, row.className, row.subjectId, row.subjectName,
                    row.subgroupId, row.subgroupName, std::to_string(row.lessonsHeld),
                    std::to_string(row.lessonsPlanned), std::to_string(row.topicsOnTime),
                    std::to_string(row.topicsLate), std::to_string(row.topicsMissing), std::to_string(row.marks),
                    num(row.marksPerLesson, 2), std::to_string(row.lessonsFewMarks),
                    std::to_string(row.lateWorkMarks), std::to_string(row.missingHomework),
                    std::to_string(row.substitutions), std::to_string(row.errors), std::to_string(row.warnings),
                    std::to_string(row.infos)});
    return;
  }
  headerText(out, r.header);
  std::vector<std::vector<std::string>> t = {{"Учитель", "Класс", "Предмет", "Уроков", "По плану", "Темы в срок",
                                              "Темы с опозд.", "Без темы", "Отметок/урок", "Мало отметок",
                                              "Поздние отметки", "Без д/з", "Замены", "Нарушения"}};
  for (const auto& row : r.rows)
    t.push_back({row.teacherName, row.className, subjectWithGroup(row.subjectName, row.subgroupName),
                 std::to_string(row.lessonsHeld), std::to_string(row.lessonsPlanned),
                 std::to_string(row.topicsOnTime), std::to_string(row.topicsLate), std::to_string(row.topicsMissing),
                 num(row.marksPerLesson, 1), std::to_string(row.lessonsFewMarks), std::to_string(row.lateWorkMarks),
                 std::to_string(row.missingHomework), std::to_string(row.substitutions),
                 std::to_string(row.errors + row.warnings)});
  table(out, t, {false, false, false, true, true, true, true, true, true, true, true, true, true, true});
  out << "\nЗамечания\n";
  bool any = false;
  for (const auto& row : r.rows) {
    if (row.findings.empty()) continue;
    any = true;
    out << "\n" << row.teacherName << ", " << row.className << ", "
        << subjectWithGroup(row.subjectName, row.subgroupName) << ":\n";
    for (const auto& x : row.findings)
      out << "  " << (x.date ? x.date->toRussian() : std::string("          ")) << "  [" << x.severityLabel << "] "
          << x.ruleTitle << ": " << x.message << "\n";
  }
  if (!any) out << "  нет\n";
  out << "\nИтого по правилам:\n";
  for (const auto& c : r.totals) out << "  " << c.ruleTitle << ": " << c.count << "\n";
  out << "\nУроков проверено: " << r.lessonsHeld << ". " << r.conclusion << "\n\n";
  out << "Заместитель директора по УВР ____________ " << r.header.deputyDirector << "\n";
}

// ---------------------------------------------------------------- program completion

void write(const ProgramReport& r, Format f, std::ostream& out) {
  if (f == Format::Json) {
    out << "{\"report\": \"program\",\n \"header\": " << headerJson(r.header) << ",\n \"rows\": "
        << array(r.rows, [](const ProgramRow& x) {
             return Obj()
                 .str("class", x.classId)
                 .str("class_name", x.className)
                 .str("subject", x.subjectId)
                 .str("subject_name", x.subjectName)
                 .opt("subgroup", x.subgroupId)
                 .opt("subgroup_name", x.subgroupName)
                 .str("teacher_name", x.teacherName)
                 .integer("planned_year", x.plannedYear)
                 .integer("planned_period", x.plannedPeriod)
                 .integer("planned_to_date", x.plannedToDate)
                 .integer("delivered", x.delivered)
                 .integer("shortfall", x.shortfall)
                 .integer("excess", x.excess)
                 .number("percent", x.percent, 1)
                 .boolean("completed", x.completed)
                 .done();
           })
        << ",\n \"summary\": "
        << Obj()
               .integer("planned_to_date", r.plannedToDate)
               .integer("delivered", r.delivered)
               .integer("rows_behind", r.rowsBehind)
               .number("percent", r.percent, 1)
               .done()
        << "}\n";
    return;
  }
  if (f == Format::Csv) {
    csvLine(out, {"class", "class_name", "subject", "subject_name", "subgroup", "subgroup_name", "teacher_name",
                  "planned_year", "planned_period", "planned_to_date", "delivered", "shortfall", "excess", "percent",
                  "completed"});
    for (const auto& x : r.rows)
      csvLine(out, {x.classId, x.className, x.subjectId, x.subjectName, x.subgroupId, x.subgroupName, x.teacherName,
                    std::to_string(x.plannedYear), std::to_string(x.plannedPeriod), std::to_string(x.plannedToDate),
                    std::to_string(x.delivered), std::to_string(x.shortfall), std::to_string(x.excess),
                    num(x.percent, 1), x.completed ? "true" : "false"});
    return;
  }
  headerText(out, r.header);
  std::vector<std::vector<std::string>> t = {{"Класс", "Предмет", "Учитель", "Часов в год", "За период",
                                              "По плану на дату", "Дано", "Отставание", "Выполнено"}};
  for (const auto& x : r.rows)
    t.push_back({x.className, subjectWithGroup(x.subjectName, x.subgroupName), x.teacherName,
                 std::to_string(x.plannedYear), std::to_string(x.plannedPeriod), std::to_string(x.plannedToDate),
                 std::to_string(x.delivered), x.shortfall ? std::to_string(x.shortfall) : "", pct(x.percent)});
  table(out, t, {false, false, false, true, true, true, true, true, true});
  out << "\nИтого: по плану на дату " << r.plannedToDate << " ч, дано " << r.delivered << " ч (" << pct(r.percent)
      << "), с отставанием: " << r.rowsBehind << "\n";
}

// ---------------------------------------------------------------- academic results

namespace {

std::string resultsJson(const ResultsRow& x) {
  return Obj()
      .opt("class", x.classId)
      .str("class_name", x.className)
      .opt("class_teacher", x.classTeacherName)
      .opt("period", x.periodId)
      .str("period_label", x.periodLabel)
      .integer("students", x.students)
      .integer("graded", x.graded)
      .integer("excellent", x.excellent)
      .integer("good", x.good)
      .integer("one_three", x.oneThree)
      .integer("threes", x.threes)
      .integer("failing", x.failing)
      .integer("not_graded", x.notGraded)
      .number("success_percent", x.successPercent, 1)
      .number("quality_percent", x.qualityPercent, 1)
      .number("average_mark", x.averageMark, 2)
      .integer("lessons_missed", x.lessonsMissed)
      .integer("missed_ill", x.missedIll)
      .raw("failing_students", array(x.failingStudents, [](const std::string& s) { return jstr(s); }, " "))
      .done();
}

std::vector<std::string> resultsCells(const ResultsRow& x) {
  return {x.classId, x.className, x.periodId, x.periodLabel, std::to_string(x.students), std::to_string(x.graded),
          std::to_string(x.excellent), std::to_string(x.good), std::to_string(x.oneThree), std::to_string(x.threes),
          std::to_string(x.failing), std::to_string(x.notGraded), num(x.successPercent, 1), num(x.qualityPercent, 1),
          num(x.averageMark, 2), std::to_string(x.lessonsMissed), std::to_string(x.missedIll)};
}

}  // namespace

void write(const ResultsReport& r, Format f, std::ostream& out) {
  if (f == Format::Json) {
    out << "{\"report\": \"results\",\n \"header\": " << headerJson(r.header) << ",\n \"rows\": "
        << array(r.rows, resultsJson) << ",\n \"total\": " << resultsJson(r.total) << "}\n";
    return;
  }
  if (f == Format::Csv) {
    csvLine(out, {"class", "class_name", "period", "period_label", "students", "graded", "excellent", "good",
                  "one_three", "threes", "failing", "not_graded", "success_percent", "quality_percent",
                  "average_mark", "lessons_missed", "missed_ill"});
    for (const auto& x : r.rows) csvLine(out, resultsCells(x));
    csvLine(out, resultsCells(r.total));
    return;
  }
  headerText(out, r.header);
  std::vector<std::vector<std::string>> t = {{"Класс", "Период", "Учащихся", "Аттест.", "Отличники", "Хорошисты",
                                              "С одной 3", "Неуспев.", "Не аттест.", "% успев.", "% качества",
                                              "Ср. балл", "Пропущено уроков", "из них по болезни"}};
  auto cells = [](const ResultsRow& x) {
    return std::vector<std::string>{x.className, x.periodLabel, std::to_string(x.students), std::to_string(x.graded),
                                    std::to_string(x.excellent), std::to_string(x.good), std::to_string(x.oneThree),
                                    std::to_string(x.failing), std::to_string(x.notGraded), pct(x.successPercent),
                                    pct(x.qualityPercent), num(x.averageMark, 2), std::to_string(x.lessonsMissed),
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
  auto lineJson = [](const SubstitutionLine& x) {
    return Obj()
        .str("date", x.date.toString())
        .str("lesson_id", x.lessonId)
        .str("class_name", x.className)
        .str("subject_name", x.subjectName)
        .str("absent_teacher", x.absentTeacherName)
        .str("substitute_teacher", x.substituteTeacherName)
        .boolean("recorded", x.recorded)
        .done();
  };
  if (f == Format::Json) {
    out << "{\"report\": \"substitutions\",\n \"header\": " << headerJson(r.header) << ",\n \"rows\": "
        << array(r.rows, [&](const SubstitutionRow& x) {
             return Obj()
                 .str("teacher", x.teacherId)
                 .str("teacher_name", x.teacherName)
                 .integer("given", x.given)
                 .integer("replaced", x.replaced)
                 .raw("lessons", array(x.lines, lineJson, "\n      "))
                 .done();
           })
        << ",\n \"all\": " << array(r.all, lineJson) << ",\n \"unrecorded\": " << r.unrecorded << "}\n";
    return;
  }
  if (f == Format::Csv) {
    csvLine(out, {"date", "lesson_id", "class_name", "subject_name", "absent_teacher", "substitute_teacher",
                  "recorded"});
    for (const auto& x : r.all)
      csvLine(out, {x.date.toString(), x.lessonId, x.className, x.subjectName, x.absentTeacherName,
                    x.substituteTeacherName, x.recorded ? "true" : "false"});
    return;
  }
  headerText(out, r.header);
  std::vector<std::vector<std::string>> t = {{"Учитель", "Провёл замен", "Заменён на уроках"}};
  for (const auto& x : r.rows) t.push_back({x.teacherName, std::to_string(x.given), std::to_string(x.replaced)});
  table(out, t, {false, true, true});
  out << "\nЗамещённые уроки:\n";
  std::vector<std::vector<std::string>> l = {{"Дата", "Класс", "Предмет", "По расписанию", "Заменил(а)", "Оформлена"}};
  for (const auto& x : r.all)
    l.push_back({x.date.toRussian(), x.className, x.subjectName, x.absentTeacherName, x.substituteTeacherName,
                 x.recorded ? "да" : "нет"});
  if (r.all.empty()) out << "  нет\n";
  else table(out, l, {});
  if (r.unrecorded) out << "\nНе оформлено замен: " << r.unrecorded << "\n";
}

// ---------------------------------------------------------------- forecast

void write(const ForecastReport& r, Format f, std::ostream& out) {
  if (f == Format::Json) {
    out << "{\"report\": \"forecast\",\n \"header\": " << headerJson(r.header) << ",\n \"rows\": "
        << array(r.rows, [](const ForecastRow& x) {
             return Obj()
                 .str("student", x.studentId)
                 .str("student_name", x.studentName)
                 .str("class", x.classId)
                 .str("class_name", x.className)
                 .str("subject", x.subjectId)
                 .str("subject_name", x.subjectName)
                 .str("period", x.periodId)
                 .integer("marks", x.marks)
                 .integer("required_marks", x.requiredMarks)
                 .number("weighted_average", x.weightedAverage, 2)
                 .raw("expected", x.expected ? std::to_string(*x.expected) : "null")
                 .boolean("at_risk", x.atRisk)
                 .raw("reasons", array(x.reasons, [](const std::string& s) { return jstr(s); }, " "))
                 .done();
           })
        << ",\n \"students_at_risk\": " << r.studentsAtRisk << ", \"rows_at_risk\": " << r.rowsAtRisk << "}\n";
    return;
  }
  if (f == Format::Csv) {
    csvLine(out, {"student", "student_name", "class", "class_name", "subject", "subject_name", "period", "marks",
                  "required_marks", "weighted_average", "expected", "at_risk", "reasons"});
    for (const auto& x : r.rows) {
      std::string reasons;
      for (size_t i = 0; i < x.reasons.size(); ++i) reasons += (i ? "; " : "") + x.reasons[i];
      csvLine(out, {x.studentId, x.studentName, x.classId, x.className, x.subjectId, x.subjectName, x.periodId,
                    std::to_string(x.marks), std::to_string(x.requiredMarks), num(x.weightedAverage, 2),
                    x.expected ? std::to_string(*x.expected) : "", x.atRisk ? "true" : "false", reasons});
    }
    return;
  }
  headerText(out, r.header);
  out << "Учащиеся в зоне риска: " << r.studentsAtRisk << " (по предметам: " << r.rowsAtRisk << ")\n\n";
  std::vector<std::vector<std::string>> t = {{"Класс", "Ученик", "Предмет", "Отметок", "Ср. балл", "Прогноз", "Причина"}};
  for (const auto& x : r.rows) {
    if (!x.atRisk) continue;
    std::string reasons;
    for (size_t i = 0; i < x.reasons.size(); ++i) reasons += (i ? "; " : "") + x.reasons[i];
    t.push_back({x.className, x.studentName, x.subjectName, std::to_string(x.marks),
                 x.marks ? num(x.weightedAverage, 2) : "—", x.expected ? std::to_string(*x.expected) : "—", reasons});
  }
  if (t.size() == 1) out << "Учащихся в зоне риска нет.\n";
  else table(out, t, {false, false, false, true, true, true, false});
}

}  // namespace ejournal::reports
