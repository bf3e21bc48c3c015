// `ejournal stats [--period P] [--class 5А] [--school ID]`: a Russian table per class of students enrolled,
// lessons, marks and absences, per reporting period of the class's grade and for the whole year (computed by
// the store).
#include <iostream>
#include <sstream>

#include "commands.h"
#include "ejournal/model/error.h"
#include "ejournal/model/index.h"
#include "ejournal/model/json.h"
#include "ejournal/model/text.h"
#include "ejournal/store/store.h"

namespace ejournal::app {
namespace {

std::string padRight(const std::string& s, size_t width) {
  size_t w = model::utf8Width(s);
  return w >= width ? s : s + std::string(width - w, ' ');
}

std::string padLeft(const std::string& s, size_t width) {
  size_t w = model::utf8Width(s);
  return w >= width ? s : std::string(width - w, ' ') + s;
}

int runStats(const Args& args) {
  if (!args.positional.empty())
    throw Error(ErrorKind::Input, "stats", "лишний аргумент «" + args.positional.front() + "» (см. --help)");
  const bool json = wantsJson(args);
  auto store = store::Store::openExisting(dbConnection(args));
  store::LoadFilter filter;
  filter.schoolId = schoolOf(args, *store);
  filter.referenceOnly = true;
  const model::Journal ref = store->load(filter);
  const model::JournalIndex index(ref);

  if (auto name = args.get("class")) {
    const model::SchoolClass* c = index.classByName(*name);
    if (!c) c = index.schoolClass(*name);
    if (!c) throw Error(ErrorKind::Input, "--class", "в журнале нет класса «" + *name + "»");
    filter.classId = c->id;
  }
  std::optional<std::string> period;
  if (auto p = args.get("period")) {
    const model::Period* found = index.period(*p);
    if (!found)
      throw Error(ErrorKind::Input, "--period",
                  "в журнале нет периода «" + *p + "» (например 2025-Q1, 2025-H1, " +
                      std::to_string(ref.year.startYear) + "-year)");
    period = found->kind == model::PeriodKind::Year ? std::string() : found->id;
  }
  filter.referenceOnly = false;
  const std::vector<store::ClassStats> rows = store->stats(filter);

  const std::string yearName = ref.year.label() + " учебный год";
  auto periodName = [&](const std::string& id) {
    if (id.empty()) return yearName;
    const model::Period* p = index.period(id);
    return p ? model::russianPeriodName(*p, ref.year.startYear) : id;
  };

  if (json) {
    std::vector<store::ClassStats> shown;
    for (const auto& r : rows)
      if (!period || r.periodId == *period) shown.push_back(r);
    std::cout << model::JsonObject()
                     .text("school", ref.school.id)
                     .text("school_name", ref.school.shortName)
                     .text("year", ref.year.label())
                     .raw("rows", model::jsonArray(
                                      shown,
                                      [&](const store::ClassStats& r) {
                                        return model::JsonObject()
                                            .text("class", r.classId)
                                            .text("class_name", r.className)
                                            .textOrNull("period", r.periodId)
                                            .text("period_name", periodName(r.periodId))
                                            .integer("students", r.students)
                                            .integer("lessons", r.lessons)
                                            .integer("marks", r.marks)
                                            .integer("absences", r.absences)
                                            .json();
                                      },
                                      "\n  ", "\n"))
                     .json()
              << "\n";
    return kExitOk;
  }
  std::ostringstream out;
  out << "Статистика журнала: " << (ref.school.shortName.empty() ? ref.school.id : ref.school.shortName)
      << ", " << yearName << "\n\n";
  const size_t periodWidth = std::max<size_t>(model::utf8Width(yearName), 12);
  out << padRight("Класс", 7) << padRight("Период", periodWidth + 2) << padLeft("Учеников", 9)
      << padLeft("Уроков", 9) << padLeft("Оценок", 9) << padLeft("Пропусков", 11) << "\n";
  size_t shown = 0;
  std::string lastClass;
  for (const auto& r : rows) {
    if (period && r.periodId != *period) continue;
    if (!lastClass.empty() && r.classId != lastClass && !period) out << "\n";
    lastClass = r.classId;
    out << padRight(r.className, 7) << padRight(periodName(r.periodId), periodWidth + 2)
        << padLeft(std::to_string(r.students), 9) << padLeft(std::to_string(r.lessons), 9)
        << padLeft(std::to_string(r.marks), 9) << padLeft(std::to_string(r.absences), 11) << "\n";
    ++shown;
  }
  if (shown == 0) out << "(нет классов, для которых этот период отчётный)\n";
  out << "\nПропуски: отсутствовал, болел, по уважительной причине (опоздания не считаются).\n";
  std::cout << out.str();
  return kExitOk;
}

}  // namespace

Command statsCommand() {
  return {{"stats",
           "",
           "Печатает по каждому классу число учеников, уроков, отметок и пропусков за каждый отчётный период "
           "его параллели и за весь год, по данным хранилища.",
           {{"period", "P", "только этот период: 2025-Q1, 2025-H2, 2025-year"},
            {"class", "CLASS", "только этот класс, по названию (5А) или коду"},
            schoolOption(),
            jsonFormatOption()}},
          runStats};
}

}  // namespace ejournal::app
