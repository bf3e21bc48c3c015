// The reports as JSON, CSV (RFC 4180, UTF-8, CRLF) and readable Russian text tables. Deterministic: numbers in the
// classic locale with fixed decimals, no clock reads.
#include "ejournal/model/json.h"
#include "ejournal/model/text.h"
#include "ejournal/reports/reports.h"

namespace ejournal::reports {

namespace {

using model::formatFixed;
using model::jsonArray;
using model::jsonString;
using model::JsonObject;

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

// A text table with columns aligned by code points; numbers right-aligned.
void table(std::ostream& out, const std::vector<std::vector<std::string>>& rows, const std::vector<bool>& right) {
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
    return jsonArray(v, [](const RuleCount& c) {
      return JsonObject()
          .text("rule", c.ruleId)
          .text("title", c.ruleTitle)
          .text("severity", model::toString(c.severity))
          .integer("count", c.count)
          .json();
    }, "\n      ");
  };
  if (f == Format::Json) {
    out << "{\"report\": \"control\",\n \"header\": " << headerJson(r.header) << ",\n \"rows\": "
        << jsonArray(r.rows, [&](const ControlRow& row) {
             return JsonObject()
                 .textOrNull("teacher", row.teacherId)
                 .text("teacher_name", row.teacherName)
                 .text("class", row.classId)
                 .text("class_name", row.className)
                 .text("subject", row.subjectId)
                 .text("subject_name", row.subjectName)
                 .textOrNull("subgroup", row.subgroupId)
                 .textOrNull("subgroup_name", row.subgroupName)
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
                 .raw("findings", jsonArray(row.findings, [](const ControlFinding& x) {
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
                      }, "\n      "))
                 .json();
           })
        << ",\n \"totals\": " << counts(r.totals) << ",\n \"summary\": "
        << JsonObject()
               .integer("lessons_held", r.lessonsHeld)
               .integer("findings", r.findings)
               .integer("errors", r.errors)
               .integer("warnings", r.warnings)
               .integer("infos", r.infos)
               .text("conclusion", r.conclusion)
               .json()
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
                    formatFixed(row.marksPerLesson, 2), std::to_string(row.lessonsFewMarks),
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
                 formatFixed(row.marksPerLesson, 1), std::to_string(row.lessonsFewMarks), std::to_string(row.lateWorkMarks),
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
        << jsonArray(r.rows, [](const ProgramRow& x) {
             return JsonObject()
                 .text("class", x.classId)
                 .text("class_name", x.className)
                 .text("subject", x.subjectId)
                 .text("subject_name", x.subjectName)
                 .textOrNull("subgroup", x.subgroupId)
                 .textOrNull("subgroup_name", x.subgroupName)
                 .text("teacher_name", x.teacherName)
                 .integer("planned_year", x.plannedYear)
                 .integer("planned_period", x.plannedPeriod)
                 .integer("planned_to_date", x.plannedToDate)
                 .integer("delivered", x.delivered)
                 .integer("shortfall", x.shortfall)
                 .integer("excess", x.excess)
                 .number("percent", x.percent, 1)
                 .boolean("completed", x.completed)
                 .json();
           })
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
  if (f == Format::Csv) {
    csvLine(out, {"class", "class_name", "subject", "subject_name", "subgroup", "subgroup_name", "teacher_name",
                  "planned_year", "planned_period", "planned_to_date", "delivered", "shortfall", "excess", "percent",
                  "completed"});
    for (const auto& x : r.rows)
      csvLine(out, {x.classId, x.className, x.subjectId, x.subjectName, x.subgroupId, x.subgroupName, x.teacherName,
                    std::to_string(x.plannedYear), std::to_string(x.plannedPeriod), std::to_string(x.plannedToDate),
                    std::to_string(x.delivered), std::to_string(x.shortfall), std::to_string(x.excess),
                    formatFixed(x.percent, 1), x.completed ? "true" : "false"});
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
  return JsonObject()
      .textOrNull("class", x.classId)
      .text("class_name", x.className)
      .textOrNull("class_teacher", x.classTeacherName)
      .textOrNull("period", x.periodId)
      .text("period_label", x.periodLabel)
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
      .raw("failing_students", jsonArray(x.failingStudents, [](const std::string& s) { return jsonString(s); }, " "))
      .json();
}

std::vector<std::string> resultsCells(const ResultsRow& x) {
  return {x.classId, x.className, x.periodId, x.periodLabel, std::to_string(x.students), std::to_string(x.graded),
          std::to_string(x.excellent), std::to_string(x.good), std::to_string(x.oneThree), std::to_string(x.threes),
          std::to_string(x.failing), std::to_string(x.notGraded), formatFixed(x.successPercent, 1), formatFixed(x.qualityPercent, 1),
          formatFixed(x.averageMark, 2), std::to_string(x.lessonsMissed), std::to_string(x.missedIll)};
}

}  // namespace

void write(const ResultsReport& r, Format f, std::ostream& out) {
  if (f == Format::Json) {
    out << "{\"report\": \"results\",\n \"header\": " << headerJson(r.header) << ",\n \"rows\": "
        << jsonArray(r.rows, resultsJson) << ",\n \"total\": " << resultsJson(r.total) << "}\n";
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
                                    pct(x.qualityPercent), formatFixed(x.averageMark, 2), std::to_string(x.lessonsMissed),
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
    return JsonObject()
        .text("date", x.date.toString())
        .text("lesson_id", x.lessonId)
        .text("class_name", x.className)
        .text("subject_name", x.subjectName)
        .text("absent_teacher", x.absentTeacherName)
        .text("substitute_teacher", x.substituteTeacherName)
        .boolean("recorded", x.recorded)
        .json();
  };
  if (f == Format::Json) {
    out << "{\"report\": \"substitutions\",\n \"header\": " << headerJson(r.header) << ",\n \"rows\": "
        << jsonArray(r.rows, [&](const SubstitutionRow& x) {
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
        << jsonArray(r.rows, [](const ForecastRow& x) {
             return JsonObject()
                 .text("student", x.studentId)
                 .text("student_name", x.studentName)
                 .text("class", x.classId)
                 .text("class_name", x.className)
                 .text("subject", x.subjectId)
                 .text("subject_name", x.subjectName)
                 .text("period", x.periodId)
                 .integer("marks", x.marks)
                 .integer("required_marks", x.requiredMarks)
                 .number("weighted_average", x.weightedAverage, 2)
                 .raw("expected", x.expected ? std::to_string(*x.expected) : "null")
                 .boolean("at_risk", x.atRisk)
                 .raw("reasons", jsonArray(x.reasons, [](const std::string& s) { return jsonString(s); }, " "))
                 .json();
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
                    std::to_string(x.marks), std::to_string(x.requiredMarks), formatFixed(x.weightedAverage, 2),
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
                 x.marks ? formatFixed(x.weightedAverage, 2) : "—", x.expected ? std::to_string(*x.expected) : "—", reasons});
  }
  if (t.size() == 1) out << "Учащихся в зоне риска нет.\n";
  else table(out, t, {false, false, false, true, true, true, false});
}

}  // namespace ejournal::reports
