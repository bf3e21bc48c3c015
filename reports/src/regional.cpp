// Building the regional comparison report (regional.h): a school's row from its control and program reports
// and the store's values app hands in, and the region's weighted totals.
#include "ejournal/reports/regional.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

#include "ejournal/model/text.h"

namespace ejournal::reports {

namespace {

double round1(double v) { return std::round(v * 10) / 10; }
double round2(double v) { return std::round(v * 100) / 100; }

std::optional<double> share(long long part, long long whole, double scale, int decimals) {
  if (whole <= 0) return std::nullopt;
  const double v = scale * static_cast<double>(part) / static_cast<double>(whole);
  return decimals == 2 ? round2(v) : round1(v);
}

size_t ruleIndex(const std::string& id) {
  const auto& cat = rules::catalogue();
  for (size_t i = 0; i < cat.size(); ++i)
    if (cat[i].id == id) return i;
  return cat.size();
}

// Counts per rule merged by rule id, in catalogue order (unknown ids last, by id).
std::vector<RuleCount> mergeCounts(const std::vector<const RuleCount*>& counts) {
  std::map<std::pair<size_t, std::string>, RuleCount> byRule;
  for (const auto* c : counts) {
    auto [it, fresh] = byRule.try_emplace({ruleIndex(c->ruleId), c->ruleId}, *c);
    if (!fresh) it->second.count += c->count;
  }
  std::vector<RuleCount> out;
  for (auto& [key, c] : byRule)
    if (c.count > 0) out.push_back(std::move(c));
  return out;
}

// The derived figures of a row from its counts; `checked`: a recorded check stands behind its open findings.
void derive(RegionalRow& r, bool checked) {
  r.topicsOnTimePercent = share(r.topicsOnTime, r.lessonsHeld, 100, 1);
  r.marksPerLesson = share(r.marks, r.lessonsHeld, 1, 2);
  r.lateWorkMarksPer100 = share(r.lateWorkMarks, r.workMarks, 100, 1);
  r.programPercent = share(r.delivered, r.plannedToDate, 100, 1);
  r.openFindings.reset();
  if (!checked) return;
  r.openFindings = 0;
  for (const auto& c : r.openByRule) *r.openFindings += c.count;
}

}  // namespace

RegionalRow buildRegionalRow(const model::JournalIndex& index, const rules::Scope& scope,
                             const rules::CheckResult& result, const rules::Config& config,
                             const RegionalSchoolInput& input, model::DateTime createdAt) {
  const auto& school = index.journal().school;
  RegionalRow row;
  row.schoolId = school.id;
  row.schoolShortName = school.shortName.empty() ? school.fullName : school.shortName;
  row.schoolName = school.fullName;

  const ControlReport control = buildControlReport(index, scope, result.findings, config, createdAt);
  for (const auto& c : control.rows) {
    row.lessonsHeld += c.lessonsHeld;
    row.topicsOnTime += c.topicsOnTime;
    row.marks += c.marks;
    row.lateWorkMarks += c.lateWorkMarks;
  }
  // The marks the deadline rule looks at: marks for works of its types in the scope's lessons. Without the
  // rule nothing is known about lateness, so nothing is counted.
  if (config.enabled("marks.deadline")) {
    std::vector<model::WorkType> types;
    for (const auto& t : config.settings("marks.deadline").list("work_types"))
      if (auto w = model::workTypeFromString(t)) types.push_back(*w);
    for (const auto& l : index.journal().lessons) {
      if (!scope.covers(l) || l.works.empty()) continue;
      const auto marks = index.marksOfLesson(l.id);
      for (const auto& w : l.works) {
        if (std::find(types.begin(), types.end(), w.type) == types.end()) continue;
        for (const auto* m : marks)
          if (m->workId == w.id) ++row.workMarks;
      }
    }
  }

  const ProgramReport program = buildProgramReport(index, scope, createdAt);
  row.plannedToDate = program.plannedToDate;
  row.delivered = program.delivered;
  row.programLines = static_cast<int>(program.rows.size());
  row.linesBehind = program.rowsBehind;

  std::map<std::pair<size_t, std::string>, RuleCount> open;
  for (const auto& t : input.tracked) {
    if (t.state == model::FindingState::Corrected) continue;
    const std::string& id = t.finding.rule;
    auto [it, fresh] = open.try_emplace({ruleIndex(id), id});
    if (fresh) {
      it->second.ruleId = id;
      const auto* info = rules::findRule(id);
      it->second.ruleTitle = info ? info->title : id;
      it->second.severity = t.finding.severity;
    }
    ++it->second.count;
  }
  for (auto& [key, c] : open) row.openByRule.push_back(std::move(c));
  row.lastCheck = input.lastCheck;
  row.lastSeal = input.lastSeal;
  derive(row, row.lastCheck.has_value());
  return row;
}

RegionalReport buildRegionalReport(ReportHeader header, std::vector<RegionalRow> rows) {
  RegionalReport r;
  r.header = std::move(header);
  r.header.title = "Сравнительный отчёт по школам";
  r.header.scopeLabel = "школ: " + std::to_string(rows.size());
  std::sort(rows.begin(), rows.end(), [](const RegionalRow& a, const RegionalRow& b) {
    const auto ka = model::russianSortKey(a.schoolShortName), kb = model::russianSortKey(b.schoolShortName);
    return std::tie(ka, a.schoolId) < std::tie(kb, b.schoolId);
  });
  RegionalRow& t = r.total;
  t.schoolShortName = "Итого";
  t.schoolName = "Итого по " + std::to_string(rows.size()) + " " +
                 model::plural(static_cast<long>(rows.size()), "школе", "школам", "школам");
  std::vector<const RuleCount*> counts;
  for (auto& row : rows) {
    row.openByRule = mergeCounts([&] {
      std::vector<const RuleCount*> v;
      for (const auto& c : row.openByRule) v.push_back(&c);
      return v;
    }());
    derive(row, row.lastCheck.has_value());
    t.lessonsHeld += row.lessonsHeld;
    t.topicsOnTime += row.topicsOnTime;
    t.marks += row.marks;
    t.workMarks += row.workMarks;
    t.lateWorkMarks += row.lateWorkMarks;
    t.plannedToDate += row.plannedToDate;
    t.delivered += row.delivered;
    t.programLines += row.programLines;
    t.linesBehind += row.linesBehind;
    if (row.lastCheck) ++r.schoolsChecked;
    if (row.lastSeal) ++r.schoolsSealed;
  }
  for (const auto& row : rows)
    for (const auto& c : row.openByRule) counts.push_back(&c);
  t.openByRule = mergeCounts(counts);
  derive(t, r.schoolsChecked > 0);
  r.rows = std::move(rows);
  return r;
}

std::vector<std::string> regionalLegend() {
  return {
      "Уроков — уроки периода, записанные в журнале, по дату отчёта.",
      "Темы в срок — уроки, тема которых записана в день урока; % — их доля среди проведённых уроков.",
      "Отм./урок — отметки на уроках периода, делённые на число проведённых уроков.",
      "Отм. за работы — отметки за письменные работы со сроком проверки (виды работ правила «Сроки "
      "выставления отметок за письменные работы»: по умолчанию самостоятельные, контрольные, тесты, "
      "сочинения, "
      "изложения); поздние — выставленные позже 3 дней (1–5 классы) или 7 дней (6–11 классы); "
      "на 100 — поздних на 100 таких отметок.",
      "Программа — часы, проведённые по дату отчёта, в процентах от часов по учебному плану на эту дату; "
      "отстают — строки «класс × предмет», отстающие от плана.",
      "Открытые замечания — замечания записанных проверок, ещё не устранённые (по правилам — ниже); «—» — "
      "проверка журнала школы не записана, открытых замечаний не из чего считать (это не «нет замечаний»).",
      "Итого — суммы по школам; проценты и отношения итога считаются по суммам, а не как среднее процентов "
      "школ. «—» — не из чего считать (нет уроков, работ или часов по плану).",
  };
}

}  // namespace ejournal::reports
