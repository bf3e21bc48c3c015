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
  if (auto file = args.get("output")) model::writeFileAtomic(*file, out.str());
  else std::cout << out.str();
  return kExitOk;
}

Command make(const char* name, Kind kind, const char* help) {
  auto options = scopeOptions();
  options.push_back({"format", "F", "text (a Russian table, default), json or csv"});
  options.push_back({"output", "FILE", "write to FILE (atomically) instead of standard output"});
  return Command{CommandSpec{std::string("report ") + name, "--period P | --from D --to D", help, options},
                 [kind](const Args& a) { return runReport(kind, a); }};
}

}  // namespace

Command reportCommand(const std::string& which) {
  if (which == "control")
    return make("control", Kind::Control,
                "The monthly control report (справка по итогам проверки ЭЖ): per teacher, class and subject the "
                "lessons held, topics on time, marks per lesson, late work marks, missing homework, substitutions and "
                "the rules' findings, summarized and listed.");
  if (which == "program")
    return make("program", Kind::Program,
                "Program completion: curriculum hours planned (for the year, the period and to date) against hours "
                "delivered per class and subject, with shortfall and percent.");
  if (which == "results")
    return make("results", Kind::Results,
                "Academic results per class and period from the period marks: отличники, хорошисты, with one 3, "
                "неуспевающие, % успеваемости, % качества, average mark, lessons missed and of them through illness.");
  if (which == "substitutions")
    return make("substitutions", Kind::Substitutions,
                "Substitutions per teacher (lessons given as a substitute, lessons replaced) and the list of "
                "substituted lessons, unrecorded ones marked.");
  if (which == "forecast")
    return make("forecast", Kind::Forecast,
                "Forecast of each student's period mark from current marks, and the students at risk (a likely 2, or "
                "too few marks for a period mark), with the reason.");
  throw Error(ErrorKind::Internal, "report", "unknown report " + which);
}

}  // namespace ejournal::app
