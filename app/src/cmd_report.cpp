// `ejournal report control|program|results|substitutions|forecast --period P | --from D --to D [--class C]
// [--subject S] [--teacher T] [--format text|json|csv] [--output FILE]`: the deputy director's reports
// (docs/rules.md) computed from the stored journal.
#include "commands.h"

#include <iostream>
#include <sstream>

#include "check_common.h"
#include "ejournal/model/error.h"
#include "ejournal/model/files.h"
#include "ejournal/reports/reports.h"
#include "ejournal/store/store.h"
#include "followup.h"

namespace ejournal::app {

namespace {

enum class Kind { Control, Program, Results, Substitutions, Forecast };

int runReport(Kind kind, const Args& args) {
  if (!args.positional.empty())
    throw Error(ErrorKind::Input, "report", "лишний аргумент «" + args.positional.front() + "» (см. --help)");
  const std::string fmt = args.get("format", "text");
  const auto format = reports::formatFromString(fmt);
  if (!format) throw Error(ErrorKind::Input, "--format", "неизвестный формат «" + fmt + "»: ожидается text, json или csv");
  const model::CsvForm csv = csvFormOf(args);
  CheckInput in = loadForCheck(args);
  const model::JournalIndex index(in.journal);
  const rules::Scope scope = resolveScopeFromArgs(index, args, *in.clock);
  const model::DateTime now = in.clock->now();
  std::ostringstream out;
  switch (kind) {
    case Kind::Control: {
      auto report = reports::buildControlReport(index, scope, rules::check(index, scope, in.config), in.config, now);
      // The follow-up of recorded checks, when there are any (docs/followup.md).
      auto store = store::Store::open(dbConnection(args), in.clock);
      report.followUp = followUpFor(*store, index);
      reports::write(report, *format, out);
      break;
    }
    case Kind::Program: reports::write(reports::buildProgramReport(index, scope, now), *format, out); break;
    case Kind::Results:
      reports::write(reports::buildResultsReport(index, scope, now,
                                                 in.config.settings("marks.valid_value").integer("unmarked_to_grade")),
                     *format, out);
      break;
    case Kind::Substitutions:
      reports::write(reports::buildSubstitutionsReport(index, scope, now), *format, out);
      break;
    case Kind::Forecast: reports::write(reports::buildForecastReport(index, scope, in.config, now), *format, out); break;
  }
  const std::string text = *format == reports::Format::Csv ? model::csvInForm(out.str(), csv) : out.str();
  if (auto file = args.get("output")) model::writeFileAtomic(*file, text);
  else std::cout << text;
  return kExitOk;
}

Command make(const char* name, Kind kind, const char* help) {
  auto options = scopeOptions();
  options.push_back({"format", "F", "text (таблица, по умолчанию), json или csv"});
  options.push_back({"output", "FILE", "записать в FILE (атомарно), а не на стандартный вывод", false, 'o'});
  options.push_back(csvSeparatorOption());
  return Command{CommandSpec{std::string("report ") + name, "--period P | --from D --to D", help, options},
                 [kind](const Args& a) { return runReport(kind, a); }};
}

}  // namespace

Command reportCommand(const std::string& which) {
  if (which == "control")
    return make("control", Kind::Control,
                "Ежемесячная справка по итогам проверки ЭЖ. По каждому учителю, классу и предмету: проведённые "
                "уроки, своевременность записи тем, отметки на урок, поздно выставленные отметки, пропущенное "
                "домашнее задание, замены и замечания правил — итоги и перечень.");
  if (which == "program")
    return make("program", Kind::Program,
                "Выполнение программы: часы по плану против проведённых по каждому классу и предмету. Часы по "
                "учебному плану берутся на год, на период и на сегодня, с отставанием и процентом.");
  if (which == "results")
    return make("results", Kind::Results,
                "Итоги успеваемости по классам и периодам по отметкам за период. В отчёте: отличники, хорошисты, с одной «3», "
                "неуспевающие, % успеваемости, % качества, средний балл, пропущенные уроки и из них по болезни.");
  if (which == "substitutions")
    return make("substitutions", Kind::Substitutions,
                "Замены по учителям (уроки, проведённые на замене, и уроки, за которые заменили) и список замещённых "
                "уроков; неоформленные замены отмечены.");
  if (which == "forecast")
    return make("forecast", Kind::Forecast,
                "Прогноз отметки за период каждого ученика по текущим отметкам и ученики в зоне риска (вероятная «2» "
                "или мало отметок для аттестации), с причиной.");
  throw Error(ErrorKind::Internal, "report", "unknown report " + which);
}

}  // namespace ejournal::app
