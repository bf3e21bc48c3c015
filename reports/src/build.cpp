// Computing the deputy director's reports (docs/rules.md) from a journal, a scope and the rules' findings.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "ejournal/model/error.h"
#include "ejournal/model/text.h"
#include "ejournal/reports/reports.h"

namespace ejournal::reports {

using model::Date;
using model::DateRange;
using model::Finding;
using model::Lesson;
using model::Severity;

namespace {

double round1(double v) { return std::round(v * 10) / 10; }
double round2(double v) { return std::round(v * 100) / 100; }

std::string teacherShort(const model::JournalIndex& idx, const std::string& id) {
  if (id.empty()) return "не указан";
  if (const auto* s = idx.staff(id)) return s->shortName();
  return id;
}

std::string className(const model::JournalIndex& idx, const std::string& id) {
  if (const auto* c = idx.schoolClass(id)) return c->name();
  return id;
}

std::string subjectName(const model::JournalIndex& idx, const std::string& id) {
  if (const auto* s = idx.subject(id)) return s->name;
  return id;
}

std::string subgroupName(const model::JournalIndex& idx, const std::string& id) {
  if (id.empty()) return {};
  if (const auto* g = idx.subgroup(id)) return g->name;
  return id;
}

// Sort key of a class: grade, then letter.
std::pair<int, std::string> classKey(const model::JournalIndex& idx, const std::string& id) {
  if (const auto* c = idx.schoolClass(id)) return {c->grade, c->letter};
  return {99, id};
}

int subjectOrder(const model::JournalIndex& idx, const std::string& id) {
  if (const auto* s = idx.subject(id)) return s->order;
  return 1 << 30;
}

ReportHeader header(const model::JournalIndex& idx, const rules::Scope& scope, std::string title,
                    model::DateTime createdAt) {
  const auto& j = idx.journal();
  ReportHeader h;
  h.title = std::move(title);
  h.schoolName = j.school.fullName;
  h.schoolShortName = j.school.shortName;
  h.academicYear = j.year.label();
  h.periodId = scope.periodId;
  h.periodLabel = scope.periodLabel;
  h.dates = scope.dates;
  h.asOf = scope.asOf;
  std::vector<std::string> parts;
  if (!scope.classId.empty()) parts.push_back("класс " + className(idx, scope.classId));
  if (!scope.subjectId.empty()) parts.push_back("предмет " + subjectName(idx, scope.subjectId));
  if (!scope.teacherId.empty()) parts.push_back("учитель " + teacherShort(idx, scope.teacherId));
  if (parts.empty()) {
    h.scopeLabel = "все классы";
  } else {
    for (size_t i = 0; i < parts.size(); ++i) h.scopeLabel += (i ? ", " : "") + parts[i];
  }
  h.createdAt = createdAt;
  for (const auto& s : j.staff)
    if (s.id == j.school.deputyDirector || s.fullName() == j.school.deputyDirector)
      h.deputyDirector = s.fullName();
  if (h.deputyDirector.empty()) h.deputyDirector = j.school.deputyDirector;
  for (const auto& s : j.staff)
    if (s.id == j.school.director || s.fullName() == j.school.director) h.director = s.fullName();
  if (h.director.empty()) h.director = j.school.director;
  return h;
}

size_t ruleIndex(const std::string& id) {
  const auto& cat = rules::catalogue();
  for (size_t i = 0; i < cat.size(); ++i)
    if (cat[i].id == id) return i;
  return cat.size();
}

std::vector<RuleCount> countsOf(const std::map<size_t, int>& m, const std::map<size_t, std::string>& ids,
                                const rules::Config& config) {
  std::vector<RuleCount> out;
  for (const auto& [pos, n] : m) {
    RuleCount c;
    c.ruleId = ids.at(pos);
    const auto* info = rules::findRule(c.ruleId);
    c.ruleTitle = info ? info->title : c.ruleId;
    c.severity = info ? config.settings(c.ruleId).severity : Severity::Error;
    c.count = n;
    out.push_back(std::move(c));
  }
  return out;
}

double figure(const Finding& f, const std::string& name) {
  for (const auto& x : f.figures)
    if (x.name == name) return x.value;
  return 0;
}

// The class's reporting period for results: the scope's own period when it is one of the grade's, the year
// for a year scope, else the grade's period containing the scope's end (as-of day).
const model::Period* resultsPeriod(const model::JournalIndex& idx, const rules::Scope& scope, int grade,
                                   bool& yearMarks) {
  yearMarks = false;
  if (!scope.periodId.empty())
    if (const auto* p = idx.period(scope.periodId)) {
      if (p->kind == model::PeriodKind::Year) {
        yearMarks = true;
        return p;
      }
      if (p->appliesTo(grade)) return p;
    }
  for (auto kind : {model::PeriodKind::Quarter, model::PeriodKind::HalfYear})
    if (const auto* p = idx.periodAt(scope.dates.to, grade, kind)) return p;
  // The scope ends in holidays: the grade's last period ended by then.
  const model::Period* best = nullptr;
  for (const auto* p : idx.reportingPeriodsOf(grade))
    if (p->dates.to <= scope.dates.to) best = p;
  return best;
}

const model::Period* forecastPeriod(const model::JournalIndex& idx, const rules::Scope& scope, int grade) {
  for (auto kind : {model::PeriodKind::Quarter, model::PeriodKind::HalfYear})
    if (const auto* p = idx.periodAt(scope.asOf, grade, kind)) return p;
  const model::Period* best = nullptr;
  for (const auto* p : idx.reportingPeriodsOf(grade))
    if (p->dates.from <= scope.asOf) best = p;
  return best;
}

std::vector<const model::SchoolClass*> classesOf(const model::JournalIndex& idx, const rules::Scope& scope) {
  std::vector<const model::SchoolClass*> out;
  for (const auto& c : idx.journal().classes)
    if (scope.classId.empty() || c.id == scope.classId) out.push_back(&c);
  std::sort(out.begin(), out.end(), [](const auto* a, const auto* b) {
    return std::tie(a->grade, a->letter, a->id) < std::tie(b->grade, b->letter, b->id);
  });
  return out;
}

}  // namespace

ControlReport buildControlReport(const model::JournalIndex& index, const rules::Scope& scope,
                                 const std::vector<model::Finding>& findings, const rules::Config& config,
                                 model::DateTime createdAt) {
  ControlReport r;
  r.header = header(index, scope, "Справка по итогам проверки электронного журнала", createdAt);
  using Key =
      std::tuple<std::string, std::string, std::string, std::string>;  // teacher, class, subject, subgroup
  std::map<Key, ControlRow> rows;
  auto rowFor = [&](const std::string& t, const std::string& c, const std::string& s,
                    const std::string& g) -> ControlRow& {
    auto [it, fresh] = rows.try_emplace(Key{t, c, s, g});
    if (fresh) {
      auto& row = it->second;
      row.teacherId = t;
      row.teacherName = teacherShort(index, t);
      row.classId = c;
      row.className = className(index, c);
      row.subjectId = s;
      row.subjectName = subjectName(index, s);
      row.subgroupId = g;
      row.subgroupName = subgroupName(index, g);
    }
    return it->second;
  };
  const int grace = [&] {
    try {
      return config.settings("topic.same_day").integer("grace_days");
    } catch (const Error&) {
      return 0;
    }
  }();
  for (const auto& l : index.journal().lessons) {
    if (!scope.covers(l)) continue;
    const std::string teacher = l.substituteTeacherId.empty() ? l.teacherId : l.substituteTeacherId;
    auto& row = rowFor(teacher, l.classId, l.subjectId, l.subgroupId);
    ++row.lessonsHeld;
    ++r.lessonsHeld;
    if (l.topic.find_first_not_of(" \t\r\n") == std::string::npos)
      ++row.topicsMissing;
    else if (l.topicEnteredAt && l.topicEnteredAt->date - l.date > grace)
      ++row.topicsLate;
    else
      ++row.topicsOnTime;
    row.marks += static_cast<int>(index.marksOfLesson(l.id).size());
    if (!l.substituteTeacherId.empty()) ++row.substitutions;
  }
  {
    // The plan to date goes on the responsible teacher's line of the stream (else any line of it).
    std::map<std::tuple<std::string, std::string, std::string>, std::vector<ControlRow*>> byStream;
    for (auto& [k, row] : rows) byStream[{row.classId, row.subjectId, row.subgroupId}].push_back(&row);
    for (const auto& h : rules::hoursStatus(index, scope)) {
      auto it = byStream.find({h.classId, h.subjectId, h.subgroupId});
      if (it == byStream.end()) continue;
      ControlRow* target = it->second.front();
      for (auto* row : it->second)
        if (row->teacherId == h.teacherId) target = row;
      target->lessonsPlanned = static_cast<int>(std::floor(h.plannedToDate + 1e-6));
    }
  }
  std::map<size_t, std::string> ids;
  std::map<size_t, int> totals;
  std::map<Key, std::map<size_t, int>> perRow;
  for (const auto& f : findings) {
    auto& row = rowFor(f.teacherId, f.classId, f.subjectId, f.subgroupId);
    const size_t pos = ruleIndex(f.rule);
    ids[pos] = f.rule;
    ++totals[pos];
    ++perRow[Key{f.teacherId, f.classId, f.subjectId, f.subgroupId}][pos];
    ControlFinding cf;
    cf.ruleId = f.rule;
    const auto* info = rules::findRule(f.rule);
    cf.ruleTitle = info ? info->title : f.rule;
    cf.severity = f.severity;
    cf.severityLabel = std::string(model::russianTitle(f.severity));
    cf.date = f.date;
    cf.lessonId = f.lessonId;
    cf.studentId = f.studentId;
    if (const auto* st = index.student(f.studentId)) cf.studentName = st->lastName + " " + st->firstName;
    cf.message = f.message;
    row.findings.push_back(std::move(cf));
    (f.severity == Severity::Error     ? row.errors
     : f.severity == Severity::Warning ? row.warnings
                                       : row.infos)++;
    (f.severity == Severity::Error ? r.errors : f.severity == Severity::Warning ? r.warnings : r.infos)++;
    ++r.findings;
    if (f.rule == "marks.per_lesson") ++row.lessonsFewMarks;
    if (f.rule == "marks.deadline") row.lateWorkMarks += static_cast<int>(figure(f, "late_marks"));
    if (f.rule == "homework.recorded") ++row.missingHomework;
  }
  for (auto& [key, row] : rows) {
    row.marksPerLesson = row.lessonsHeld ? round2(static_cast<double>(row.marks) / row.lessonsHeld) : 0;
    if (auto it = perRow.find(key); it != perRow.end()) row.counts = countsOf(it->second, ids, config);
    std::stable_sort(
        row.findings.begin(), row.findings.end(), [](const ControlFinding& a, const ControlFinding& b) {
          const int32_t da = a.date ? a.date->days() : INT32_MIN, db = b.date ? b.date->days() : INT32_MIN;
          return da < db;
        });
    r.rows.push_back(std::move(row));
  }
  std::sort(r.rows.begin(), r.rows.end(), [&](const ControlRow& a, const ControlRow& b) {
    const auto ka = model::russianSortKey(a.teacherName), kb = model::russianSortKey(b.teacherName);
    if (ka != kb) return ka < kb;
    if (a.teacherId != b.teacherId) return a.teacherId < b.teacherId;
    const auto ca = classKey(index, a.classId), cb = classKey(index, b.classId);
    if (ca != cb) return ca < cb;
    const int sa = subjectOrder(index, a.subjectId), sb = subjectOrder(index, b.subjectId);
    if (sa != sb) return sa < sb;
    return std::tie(a.subjectId, a.subgroupId) < std::tie(b.subjectId, b.subgroupId);
  });
  r.totals = countsOf(totals, ids, config);
  r.notChecked = rules::notChecked(index, scope, config);
  if (r.errors == 0 && r.warnings == 0)
    r.conclusion = "Нарушений не выявлено." +
                   (r.infos ? " Сведений для контроля: " + std::to_string(r.infos) + "." : std::string());
  else
    r.conclusion = "Выявлено нарушений: " + std::to_string(r.errors) +
                   ", предупреждений: " + std::to_string(r.warnings) +
                   ", сведений: " + std::to_string(r.infos) +
                   ". Результаты проверки довести до сведения учителей и классных руководителей.";
  return r;
}

ProgramReport buildProgramReport(const model::JournalIndex& index, const rules::Scope& scope,
                                 model::DateTime createdAt) {
  ProgramReport r;
  r.header = header(index, scope, "Выполнение учебной программы", createdAt);
  double planned = 0;
  for (const auto& h : rules::hoursStatus(index, scope)) {
    ProgramRow row;
    row.classId = h.classId;
    row.className = className(index, h.classId);
    row.subjectId = h.subjectId;
    row.subjectName = subjectName(index, h.subjectId);
    row.subgroupId = h.subgroupId;
    row.subgroupName = subgroupName(index, h.subgroupId);
    row.teacherName = teacherShort(index, h.teacherId);
    row.plannedYear = h.plannedYear;
    row.plannedPeriod = static_cast<int>(std::lround(h.plannedPeriod));
    row.plannedToDate = static_cast<int>(std::floor(h.plannedToDate + 1e-6));
    row.delivered = h.delivered;
    row.shortfall = std::max(0, row.plannedToDate - row.delivered);
    row.excess = std::max(0, row.delivered - row.plannedToDate);
    row.percent = row.plannedToDate > 0 ? round1(100.0 * row.delivered / row.plannedToDate) : 100.0;
    row.completed = row.delivered >= row.plannedPeriod;
    r.plannedToDate += row.plannedToDate;
    r.delivered += row.delivered;
    if (row.shortfall > 0) ++r.rowsBehind;
    planned += row.plannedToDate;
    r.rows.push_back(std::move(row));
  }
  r.percent = planned > 0 ? round1(100.0 * r.delivered / planned) : 100.0;
  return r;
}

namespace {

struct StudentTally {
  int fives = 0, fours = 0, threes = 0, twos = 0, na = 0, fails = 0, marks = 0;
  std::vector<std::string> bad;  // "математика: 2"
};

void classify(ResultsRow& row, const StudentTally& t, const std::string& name) {
  if (t.marks == 0) {
    ++row.notGraded;
    return;
  }
  ++row.graded;
  if (t.twos > 0 || t.na > 0 || t.fails > 0) {
    ++row.failing;
    std::string s = name + " (";
    for (size_t i = 0; i < t.bad.size(); ++i) s += (i ? ", " : "") + t.bad[i];
    row.failingStudents.push_back(s + ")");
  } else if (t.threes == 0 && t.fours == 0) {
    ++row.excellent;
  } else if (t.threes == 0) {
    ++row.good;
  } else if (t.threes == 1) {
    ++row.oneThree;
  } else {
    ++row.threes;
  }
}

void finishRow(ResultsRow& row, double sum, int count) {
  const int base = row.graded;
  row.successPercent = base ? round1(100.0 * (base - row.failing) / base) : 0;
  row.qualityPercent = base ? round1(100.0 * (row.excellent + row.good) / base) : 0;
  row.averageMark = count ? round2(sum / count) : 0;
}

}  // namespace

ResultsReport buildResultsReport(const model::JournalIndex& index, const rules::Scope& scope,
                                 model::DateTime createdAt, int unmarkedToGrade) {
  ResultsReport r;
  r.header = header(index, scope, "Итоги успеваемости", createdAt);
  const auto& j = index.journal();
  double totalSum = 0;
  int totalCount = 0;
  r.total.className = "Итого";
  r.total.periodLabel = scope.periodLabel;
  r.total.periodId = scope.periodId;
  for (const auto* c : classesOf(index, scope)) {
    bool yearMarks = false;
    const model::Period* p = resultsPeriod(index, scope, c->grade, yearMarks);
    ResultsRow row;
    row.classId = c->id;
    row.className = c->name();
    row.classTeacherName = c->classTeacherId.empty() ? "" : teacherShort(index, c->classTeacherId);
    if (!p) continue;
    row.periodId = p->id;
    row.periodLabel = model::russianPeriodName(*p, j.year.startYear);
    const Date day = std::min(p->dates.to, scope.asOf);
    const auto students = index.studentsOfClass(c->id, DateRange{day, day});
    // Students enrolled on the day itself (studentsOfClass takes any overlap, here a single day).
    row.students = static_cast<int>(students.size());
    row.unmarked = c->grade <= unmarkedToGrade;
    double sum = 0;
    int count = 0;
    for (const auto* st : row.unmarked ? decltype(students){} : students) {
      StudentTally t;
      for (const auto* pm : index.periodMarksOfStudent(st->id)) {
        if (pm->classId != c->id) continue;
        if (!scope.subjectId.empty() && pm->subjectId != scope.subjectId) continue;
        const auto* subj = index.subject(pm->subjectId);
        if (subj && subj->grading == model::Grading::Unmarked) continue;
        const bool wanted = yearMarks ? (pm->kind == model::PeriodMarkKind::Year && pm->periodId == p->id)
                                      : (pm->kind == model::PeriodMarkKind::Period && pm->periodId == p->id);
        if (!wanted) continue;
        const auto& v = pm->value;
        const std::string sname = subj ? subj->name : pm->subjectId;
        switch (v.kind) {
          case model::MarkKind::Points:
            ++t.marks;
            sum += v.points;
            ++count;
            if (v.points >= 5)
              ++t.fives;
            else if (v.points == 4)
              ++t.fours;
            else if (v.points == 3)
              ++t.threes;
            else
              ++t.twos, t.bad.push_back(sname + ": " + std::to_string(v.points));
            break;
          case model::MarkKind::NotAssessed:
            ++t.marks, ++t.na, t.bad.push_back(sname + ": н/а");
            break;
          case model::MarkKind::Fail:
            ++t.marks, ++t.fails, t.bad.push_back(sname + ": незачёт");
            break;
          case model::MarkKind::Pass:
            ++t.marks;
            break;
          case model::MarkKind::Exempt:
            break;
        }
      }
      classify(row, t, st->lastName + " " + st->firstName);
    }
    // Attendance in the class's lessons of the period up to the as-of day.
    const DateRange att{p->dates.from, std::min(p->dates.to, scope.asOf)};
    for (const auto* l : index.lessonsOfClass(c->id)) {
      if (!att.contains(l->date)) continue;
      if (!scope.subjectId.empty() && l->subjectId != scope.subjectId) continue;
      for (const auto* a : index.attendanceOfLesson(l->id)) {
        if (a->status == model::AttendanceStatus::Late) continue;
        ++row.lessonsMissed;
        if (a->status == model::AttendanceStatus::Ill) ++row.missedIll;
      }
    }
    finishRow(row, sum, count);
    if (row.unmarked) {
      r.rows.push_back(std::move(row));
      continue;
    }
    totalSum += sum;
    totalCount += count;
    auto& t = r.total;
    t.students += row.students;
    t.graded += row.graded;
    t.excellent += row.excellent;
    t.good += row.good;
    t.oneThree += row.oneThree;
    t.threes += row.threes;
    t.failing += row.failing;
    t.notGraded += row.notGraded;
    t.lessonsMissed += row.lessonsMissed;
    t.missedIll += row.missedIll;
    for (const auto& s : row.failingStudents) t.failingStudents.push_back(row.className + ": " + s);
    r.rows.push_back(std::move(row));
  }
  finishRow(r.total, totalSum, totalCount);
  return r;
}

SubstitutionsReport buildSubstitutionsReport(const model::JournalIndex& index, const rules::Scope& scope,
                                             model::DateTime createdAt) {
  SubstitutionsReport r;
  r.header = header(index, scope, "Замещение уроков", createdAt);
  const auto& j = index.journal();
  const rules::TimetableLookup timetable(j);
  std::map<std::string, SubstitutionRow> rows;
  auto rowFor = [&](const std::string& id) -> SubstitutionRow& {
    auto [it, fresh] = rows.try_emplace(id);
    if (fresh) {
      it->second.teacherId = id;
      it->second.teacherName = teacherShort(index, id);
    }
    return it->second;
  };
  std::vector<const Lesson*> lessons;
  for (const auto& l : j.lessons)
    if (scope.covers(l)) lessons.push_back(&l);
  std::stable_sort(lessons.begin(), lessons.end(), [](const Lesson* a, const Lesson* b) {
    return std::tie(a->date, a->slot, a->classId) < std::tie(b->date, b->slot, b->classId);
  });
  for (const auto* l : lessons) {
    std::string absent, actual;
    bool recorded = true;
    if (!l->substituteTeacherId.empty() && l->substituteTeacherId != l->teacherId) {
      absent = l->teacherId;
      actual = l->substituteTeacherId;
    } else if (l->substituteTeacherId.empty()) {
      const std::string timetabled = timetable.teacherOf(*l);
      if (timetabled.empty() || timetabled == l->teacherId) continue;
      absent = timetabled;
      actual = l->teacherId;
      recorded = false;
    } else {
      continue;
    }
    SubstitutionLine line;
    line.date = l->date;
    line.lessonId = l->id;
    line.className = className(index, l->classId);
    line.subjectName = subjectName(index, l->subjectId);
    if (!l->subgroupId.empty()) line.subjectName += " (" + subgroupName(index, l->subgroupId) + ")";
    line.absentTeacherName = teacherShort(index, absent);
    line.substituteTeacherName = teacherShort(index, actual);
    line.recorded = recorded;
    if (!recorded) ++r.unrecorded;
    auto& given = rowFor(actual);
    ++given.given;
    given.lines.push_back(line);
    ++rowFor(absent).replaced;
    r.all.push_back(std::move(line));
  }
  for (auto& [id, row] : rows) r.rows.push_back(std::move(row));
  std::sort(r.rows.begin(), r.rows.end(), [](const SubstitutionRow& a, const SubstitutionRow& b) {
    const auto ka = model::russianSortKey(a.teacherName), kb = model::russianSortKey(b.teacherName);
    return ka != kb ? ka < kb : a.teacherId < b.teacherId;
  });
  return r;
}

ForecastReport buildForecastReport(const model::JournalIndex& index, const rules::Scope& scope,
                                   const rules::Config& config, model::DateTime createdAt) {
  ForecastReport r;
  r.header = header(index, scope, "Прогноз успеваемости", createdAt);
  const auto& j = index.journal();
  const auto& acc = config.settings("marks.accumulation");
  const auto& obj = config.settings("marks.period_objective");
  const double threshold = obj.number("rounding_threshold");
  const int minGrade = acc.integer("min_grade");
  // Point marks per student and subject with their dates.
  struct MP {
    Date date;
    int points;
    int weight;
  };
  // Indexed by student and subject position in the journal: no string keys in the hot loop.
  const size_t nSubjects = j.subjects.size();
  std::vector<std::vector<MP>> marks(j.students.size() * nSubjects);
  auto slot = [&](const model::Student* st, const model::Subject* sub) {
    return static_cast<size_t>(st - j.students.data()) * nSubjects +
           static_cast<size_t>(sub - j.subjects.data());
  };
  for (const auto& m : j.marks) {
    if (m.value.kind != model::MarkKind::Points) continue;
    const auto* l = index.lesson(m.lessonId);
    if (!l || l->date > scope.asOf) continue;
    if (!scope.classId.empty() && l->classId != scope.classId) continue;
    const auto* st = index.student(m.studentId);
    const auto* sub = index.subject(l->subjectId);
    if (!st || !sub) continue;
    marks[slot(st, sub)].push_back(MP{l->date, m.value.points, m.weight > 0 ? m.weight : 1});
  }
  std::set<std::string> atRisk;
  for (const auto* c : classesOf(index, scope)) {
    if (c->grade < minGrade) continue;
    const model::Period* p = forecastPeriod(index, scope, c->grade);
    if (!p) continue;
    const Date day = std::min(scope.asOf, p->dates.to);
    if (day < p->dates.from) continue;
    const auto students = index.studentsOfClass(c->id, DateRange{day, day});
    // The class's marked subjects in curriculum order, with their weekly hours and subgroup (if any).
    std::vector<const model::CurriculumEntry*> entries;
    for (const auto& e : j.curriculum)
      if (e.classId == c->id && (scope.subjectId.empty() || e.subjectId == scope.subjectId)) {
        const auto* subj = index.subject(e.subjectId);
        if (subj && subj->grading != model::Grading::Marked) continue;
        entries.push_back(&e);
      }
    std::stable_sort(entries.begin(), entries.end(), [&](const auto* a, const auto* b) {
      return subjectOrder(index, a->subjectId) < subjectOrder(index, b->subjectId);
    });
    if (!scope.teacherId.empty()) {
      std::erase_if(entries, [&](const model::CurriculumEntry* e) {
        if (!e->subgroupId.empty())
          if (const auto* g = index.subgroup(e->subgroupId)) return g->teacherId != scope.teacherId;
        for (const auto& t : j.timetable)
          if (t.classId == e->classId && t.subjectId == e->subjectId && t.teacherId == scope.teacherId)
            return false;
        return true;
      });
    }
    const int periodDays = p->dates.to - p->dates.from + 1;
    const int elapsed = day - p->dates.from + 1;
    for (const auto* st : students) {
      for (const auto* e : entries) {
        if (!e->subgroupId.empty()) {
          const auto* g = index.subgroup(e->subgroupId);
          if (!g || std::none_of(g->members.begin(), g->members.end(), [&](const model::Membership& m) {
                return m.studentId == st->id && m.contains(day);
              }))
            continue;
        }
        ForecastRow row;
        row.studentId = st->id;
        row.studentName = st->fullName();
        row.classId = c->id;
        row.className = c->name();
        row.subjectId = e->subjectId;
        row.subjectName = subjectName(index, e->subjectId);
        row.periodId = p->id;
        row.requiredMarks = e->hoursPerWeek > acc.number("low_hours_per_week") ? acc.integer("min_high")
                                                                               : acc.integer("min_low");
        double sum = 0, weights = 0;
        if (const auto* sub = index.subject(e->subjectId))
          for (const auto& m : marks[slot(st, sub)])
            if (m.date >= p->dates.from && m.date <= day) {
              ++row.marks;
              sum += m.points * m.weight;
              weights += m.weight;
            }
        if (weights > 0) {
          row.weightedAverage = round2(sum / weights);
          const double avg = sum / weights;
          const double fl = std::floor(avg);
          row.expected = static_cast<int>(fl) + (avg - fl + 1e-9 >= threshold ? 1 : 0);
        }
        const int needNow =
            std::max(1, static_cast<int>(
                            std::ceil(row.requiredMarks * static_cast<double>(elapsed) / periodDays - 1e-9)));
        if (row.expected && *row.expected <= 2)
          row.reasons.push_back("ожидается " + std::to_string(*row.expected) + " (средний балл " +
                                model::formatFixed(row.weightedAverage, 2) + ")");
        if (row.marks < needNow) {
          if (row.marks == 0)
            row.reasons.push_back("нет текущих отметок");
          else
            row.reasons.push_back("мало отметок: " + std::to_string(row.marks) + ", к " + day.toRussian() +
                                  " нужно не менее " + std::to_string(needNow) + " (за период " +
                                  std::to_string(row.requiredMarks) + ")");
        }
        row.atRisk = !row.reasons.empty();
        if (row.atRisk) {
          ++r.rowsAtRisk;
          atRisk.insert(st->id);
        }
        r.rows.push_back(std::move(row));
      }
    }
  }
  r.studentsAtRisk = static_cast<int>(atRisk.size());
  return r;
}

std::optional<Format> formatFromString(std::string_view s) {
  if (s == "text") return Format::Text;
  if (s == "json") return Format::Json;
  if (s == "csv") return Format::Csv;
  return std::nullopt;
}

ControlFollowUp buildControlFollowUp(const model::JournalIndex& index, const FollowUpInput& in) {
  ControlFollowUp r;
  r.checkId = in.checkId;
  r.checkDate = in.checkDate;
  r.previousCheckDate = in.previousCheckDate;
  r.deadline = in.deadline;
  std::map<std::string, TeacherFollowUp> byTeacher;
  auto teacher = [&](const std::string& id) -> TeacherFollowUp& {
    auto [it, fresh] = byTeacher.try_emplace(id);
    if (fresh) {
      it->second.teacherId = id;
      it->second.teacherName = teacherShort(index, id);
    }
    return it->second;
  };
  for (const auto& t : in.results) {
    const auto& f = t.finding;
    auto& row = teacher(f.teacherId);
    switch (t.state) {
      case model::FindingState::Corrected:
        ++row.corrected;
        ++r.corrected;
        break;
      case model::FindingState::New:
        ++row.fresh;
        ++r.fresh;
        break;
      case model::FindingState::Open:
      case model::FindingState::Reopened: {
        ++row.open;
        ++r.open;
        FollowUpItem item;
        item.finding.ruleId = f.rule;
        const auto* info = rules::findRule(f.rule);
        item.finding.ruleTitle = info ? info->title : f.rule;
        item.finding.severity = f.severity;
        item.finding.severityLabel = std::string(model::russianTitle(f.severity));
        item.finding.date = f.date;
        item.finding.lessonId = f.lessonId;
        item.finding.studentId = f.studentId;
        if (const auto* st = index.student(f.studentId))
          item.finding.studentName = st->lastName + " " + st->firstName;
        item.finding.message = f.message;
        item.className = className(index, f.classId);
        item.subjectName = subjectName(index, f.subjectId);
        item.since = t.openedOn;
        item.days = in.checkDate - t.openedOn;
        item.reopened = t.state == model::FindingState::Reopened;
        if (!row.oldestOpenSince || t.openedOn < *row.oldestOpenSince) row.oldestOpenSince = t.openedOn;
        row.openItems.push_back(std::move(item));
        break;
      }
    }
  }
  for (const auto& [staff, at] : in.acknowledged) {
    auto it = byTeacher.find(staff);
    if (it == byTeacher.end()) continue;
    it->second.acknowledged = true;
    it->second.acknowledgedAt = at;
  }
  for (auto& [id, row] : byTeacher) {
    std::stable_sort(row.openItems.begin(), row.openItems.end(),
                     [](const FollowUpItem& a, const FollowUpItem& b) {
                       return std::tie(a.since, a.className, a.subjectName) <
                              std::tie(b.since, b.className, b.subjectName);
                     });
    r.teachers.push_back(std::move(row));
  }
  std::sort(r.teachers.begin(), r.teachers.end(), [](const TeacherFollowUp& a, const TeacherFollowUp& b) {
    return std::make_pair(model::russianSortKey(a.teacherName), a.teacherId) <
           std::make_pair(model::russianSortKey(b.teacherName), b.teacherId);
  });
  for (const auto& t : r.teachers)
    if (t.open + t.fresh > 0 && !t.acknowledged) r.notAcknowledged.push_back(t.teacherName);
  return r;
}

}  // namespace ejournal::reports
