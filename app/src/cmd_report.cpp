// `ejournal report control|program|results|substitutions|forecast --period P | --from D --to D [--class C]
// [--subject S] [--teacher T] [--format text|json|csv] [--output FILE]`: the deputy director's reports
// (docs/rules.md) computed from the stored journal. `ejournal report all ... --dir DIR` loads the journal once and
// writes the check and all five reports, each file byte for byte what the single command prints.
#include "commands.h"

#include <filesystem>
#include <iostream>
#include <sstream>
#include <utility>

#include "check_common.h"
#include "ejournal/model/error.h"
#include "ejournal/model/files.h"
#include "ejournal/reports/reports.h"

namespace ejournal::app {

namespace {

enum class Kind { Control, Program, Results, Substitutions, Forecast };

// One report of `kind` over the loaded journal, in `format`. `findings`: the check's findings over the same scope
// when already computed (the control report includes them), else the control report runs the check itself.
void writeReport(Kind kind, const model::JournalIndex& index, const rules::Scope& scope, const CheckInput& in,
                 const model::DateTime& now, reports::Format format, std::ostream& out,
                 const std::vector<model::Finding>* findings = nullptr) {
  switch (kind) {
    case Kind::Control:
      reports::write(reports::buildControlReport(index, scope,
                                                 findings ? *findings : rules::check(index, scope, in.config),
                                                 in.config, now),
                     format, out);
      break;
    case Kind::Program: reports::write(reports::buildProgramReport(index, scope, now), format, out); break;
    case Kind::Results:
      reports::write(reports::buildResultsReport(index, scope, now,
                                                 in.config.settings("marks.valid_value").integer("unmarked_to_grade")),
                     format, out);
      break;
    case Kind::Substitutions:
      reports::write(reports::buildSubstitutionsReport(index, scope, now), format, out);
      break;
    case Kind::Forecast: reports::write(reports::buildForecastReport(index, scope, in.config, now), format, out); break;
  }
}

reports::Format parseFormat(const std::string& fmt) {
  const auto format = reports::formatFromString(fmt);
  if (!format) throw Error(ErrorKind::Input, "--format", "неизвестный формат «" + fmt + "»: ожидается text, json или csv");
  return *format;
}

int runReport(Kind kind, const Args& args) {
  if (!args.positional.empty())
    throw Error(ErrorKind::Input, "report", "лишний аргумент «" + args.positional.front() + "» (см. --help)");
  const auto format = parseFormat(args.get("format", "text"));
  CheckInput in = loadForCheck(args);
  const model::JournalIndex index(in.journal);
  const rules::Scope scope = resolveScopeFromArgs(index, args, *in.clock);
  const model::DateTime now = in.clock->now();
  std::ostringstream out;
  writeReport(kind, index, scope, in, now, format, out);
  if (auto file = args.get("output")) model::writeFileAtomic(*file, out.str());
  else std::cout << out.str();
  return kExitOk;
}

// `report all`: one load, one index, one run of the rules; the check's output as `ejournal check` writes it (same
// format), then the five reports, the control report over the same findings.
int runAll(const Args& args) {
  if (!args.positional.empty())
    throw Error(ErrorKind::Input, "report all", "лишний аргумент «" + args.positional.front() + "» (см. --help)");
  const std::string fmt = args.get("format", "text");
  const auto format = parseFormat(fmt);
  const auto dirArg = args.get("dir");
  if (!dirArg || dirArg->empty()) throw Error(ErrorKind::Input, "--dir", "укажите каталог для отчётов (--dir DIR)");
  const std::filesystem::path dir(*dirArg);
  if (std::filesystem::exists(dir) && !std::filesystem::is_directory(dir))
    throw Error(ErrorKind::Input, dir.string(), "это не каталог");
  CheckInput in = loadForCheck(args);
  const model::JournalIndex index(in.journal);
  const rules::Scope scope = resolveScopeFromArgs(index, args, *in.clock);
  const model::DateTime now = in.clock->now();
  model::createPrivateDirectories(dir);
  const std::string ext = "." + fmt;
  auto save = [&](const char* name, const std::string& bytes) {
    const std::filesystem::path file = dir / (name + ext);
    model::writeFileAtomic(file, bytes);
    std::cout << "Записано: " << file.string() << "\n";
  };
  const rules::CheckResult result = rules::run(index, scope, in.config);
  {
    std::ostringstream out;
    if (format == reports::Format::Json) rules::writeFindingsJson(index, scope, result, out);
    else if (format == reports::Format::Csv) rules::writeFindingsCsv(index, result, out);
    else rules::writeFindingsText(index, scope, result, out);
    save("check", out.str());
  }
  const std::pair<const char*, Kind> kinds[] = {{"control", Kind::Control},
                                                {"program", Kind::Program},
                                                {"results", Kind::Results},
                                                {"substitutions", Kind::Substitutions},
                                                {"forecast", Kind::Forecast}};
  for (const auto& [name, kind] : kinds) {
    std::ostringstream out;
    writeReport(kind, index, scope, in, now, format, out, &result.findings);
    save(name, out.str());
  }
  return rules::hasViolations(result.findings) ? kExitFindings : kExitOk;
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
  if (which == "all") {
    auto options = scopeOptions();
    options.push_back({"format", "F", "text (default), json or csv: the format of every file"});
    options.push_back({"dir", "DIR", "the directory to write check.F, control.F, program.F, results.F, "
                                     "substitutions.F and forecast.F into (created 0700 when missing)"});
    return Command{CommandSpec{"report all", "--period P | --from D --to D --dir DIR",
                               "The check and all five reports over one load of the journal: writes check, control, "
                               "program, results, substitutions and forecast into DIR, each file exactly what "
                               "`ejournal check` or `ejournal report NAME` prints with the same options. Exit code "
                               "as for `ejournal check`: 0 compliant, 1 findings (errors or warnings), 2 error.",
                               options},
                   runAll};
  }
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
