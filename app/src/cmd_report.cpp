// `ejournal report control|program|results|substitutions|forecast --period P | --from D --to D [--class C]
// [--subject S] [--teacher T] [--format text|json|csv] [--output FILE]`: the deputy director's reports
// (docs/rules.md) computed from the stored journal. `ejournal report all ... --dir DIR` loads the journal
// once and writes the check and all five reports, each file byte for byte what the single command prints.
#include <filesystem>
#include <iostream>
#include <sstream>
#include <utility>

#include "check_common.h"
#include "commands.h"
#include "ejournal/model/error.h"
#include "ejournal/model/files.h"
#include "ejournal/reports/reports.h"
#include "ejournal/store/store.h"
#include "followup.h"

namespace ejournal::app {

namespace {

enum class Kind { Control, Program, Results, Substitutions, Forecast };

// One report of `kind` over the loaded journal, in `format`. `findings`: the check's findings over the same
// scope when already computed (the control report includes them), else the control report runs the check
// itself. The control report carries the follow-up of recorded checks, when the store has any
// (docs/followup.md).
void writeReport(Kind kind, const model::JournalIndex& index, const rules::Scope& scope, const CheckInput& in,
                 const model::DateTime& now, reports::Format format, std::ostream& out,
                 const std::vector<model::Finding>* findings = nullptr) {
  switch (kind) {
    case Kind::Control: {
      auto report = reports::buildControlReport(
          index, scope, findings ? *findings : rules::check(index, scope, in.config), in.config, now);
      report.followUp = followUpFor(*in.store, index);
      reports::write(report, format, out);
      break;
    }
    case Kind::Program:
      reports::write(reports::buildProgramReport(index, scope, now), format, out);
      break;
    case Kind::Results:
      reports::write(
          reports::buildResultsReport(index, scope, now,
                                      in.config.settings("marks.valid_value").integer("unmarked_to_grade")),
          format, out);
      break;
    case Kind::Substitutions:
      reports::write(reports::buildSubstitutionsReport(index, scope, now), format, out);
      break;
    case Kind::Forecast:
      reports::write(reports::buildForecastReport(index, scope, in.config, now), format, out);
      break;
  }
}

reports::Format parseFormat(const std::string& fmt) {
  const auto format = reports::formatFromString(fmt);
  if (!format)
    throw Error(ErrorKind::Input, "--format",
                "неизвестный формат «" + fmt + "»: ожидается text, json или csv");
  return *format;
}

int runReport(Kind kind, const Args& args) {
  if (!args.positional.empty())
    throw Error(ErrorKind::Input, "report", "лишний аргумент «" + args.positional.front() + "» (см. --help)");
  const auto format = parseFormat(args.get("format", "text"));
  const model::CsvForm csv = csvFormOf(args);
  CheckInput in = loadForCheck(args);
  const model::JournalIndex index(in.journal);
  const rules::Scope scope = resolveScopeFromArgs(index, args, *in.clock);
  const model::DateTime now = in.clock->now();
  std::ostringstream out;
  writeReport(kind, index, scope, in, now, format, out);
  const std::string text = format == reports::Format::Csv ? model::csvInForm(out.str(), csv) : out.str();
  if (auto file = args.get("output"))
    model::writeFileAtomic(*file, text);
  else
    std::cout << text;
  return kExitOk;
}

// `report all`: one load, one index, one run of the rules; the check's output as `ejournal check` writes it
// (same format), then the five reports, the control report over the same findings.
int runAll(const Args& args) {
  if (!args.positional.empty())
    throw Error(ErrorKind::Input, "report all",
                "лишний аргумент «" + args.positional.front() + "» (см. --help)");
  const std::string fmt = args.get("format", "text");
  const auto format = parseFormat(fmt);
  const model::CsvForm csv = csvFormOf(args);
  const auto dirArg = args.get("dir");
  if (!dirArg || dirArg->empty())
    throw Error(ErrorKind::Input, "--dir", "укажите каталог для отчётов (--dir DIR)");
  const std::filesystem::path dir(*dirArg);
  if (std::filesystem::exists(dir) && !std::filesystem::is_directory(dir))
    throw Error(ErrorKind::Input, dir.string(), "это не каталог");
  CheckInput in = loadForCheck(args);
  const model::JournalIndex index(in.journal);
  const rules::Scope scope = resolveScopeFromArgs(index, args, *in.clock);
  const model::DateTime now = in.clock->now();
  model::createPrivateDirectories(dir);
  const std::string ext = "." + fmt;
  // CSV in the form --csv-separator asks for, as the single commands write it.
  auto save = [&](const char* name, const std::string& bytes) {
    const std::filesystem::path file = dir / (name + ext);
    model::writeFileAtomic(file, format == reports::Format::Csv ? model::csvInForm(bytes, csv) : bytes);
    std::cout << "Записано: " << file.string() << "\n";
  };
  const rules::CheckResult result = rules::run(index, scope, in.config);
  {
    std::ostringstream out;
    if (format == reports::Format::Json)
      rules::writeFindingsJson(index, scope, result, out);
    else if (format == reports::Format::Csv)
      rules::writeFindingsCsv(index, result, out);
    else
      rules::writeFindingsText(index, scope, result, out);
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
  options.push_back({"format", "F", "text (таблица, по умолчанию), json или csv"});
  options.push_back({"output", "FILE", "записать в FILE (атомарно), а не на стандартный вывод", false, 'o'});
  options.push_back(csvSeparatorOption());
  return Command{CommandSpec{std::string("report ") + name, "--period P | --from D --to D", help, options},
                 [kind](const Args& a) { return runReport(kind, a); }};
}

}  // namespace

Command reportCommand(const std::string& which) {
  if (which == "all") {
    auto options = scopeOptions();
    options.push_back({"format", "F", "text (таблица, по умолчанию), json или csv — формат каждого файла"});
    options.push_back({"dir", "DIR",
                       "каталог, куда записать check.F, control.F, program.F, results.F, "
                       "substitutions.F и forecast.F (создаётся с правами 0700)"});
    options.push_back(csvSeparatorOption());
    return Command{
        CommandSpec{"report all", "--period P | --from D --to D --dir DIR",
                    "Проверка и все пять отчётов по одной загрузке журнала: записывает в DIR файлы "
                    "check, control, program, results, substitutions и forecast, каждый — ровно то, что "
                    "выводят `ejournal check` и `ejournal report ИМЯ` с теми же параметрами. Код выхода "
                    "как у `ejournal check`: 0 — журнал в порядке, 1 — есть замечания, 2 — ошибка.",
                    options},
        runAll};
  }
  if (which == "control")
    return make(
        "control", Kind::Control,
        "Ежемесячная справка по итогам проверки ЭЖ. По каждому учителю, классу и предмету: проведённые "
        "уроки, своевременность записи тем, отметки на урок, поздно выставленные отметки, пропущенное "
        "домашнее задание, замены и замечания правил — итоги и перечень.");
  if (which == "program")
    return make(
        "program", Kind::Program,
        "Выполнение программы: часы по плану против проведённых по каждому классу и предмету. Часы по "
        "учебному плану берутся на год, на период и на сегодня, с отставанием и процентом.");
  if (which == "results")
    return make(
        "results", Kind::Results,
        "Итоги успеваемости по классам и периодам по отметкам за период. В отчёте: отличники, хорошисты, с "
        "одной «3», "
        "неуспевающие, % успеваемости, % качества, средний балл, пропущенные уроки и из них по болезни.");
  if (which == "substitutions")
    return make(
        "substitutions", Kind::Substitutions,
        "Замены по учителям (уроки, проведённые на замене, и уроки, за которые заменили) и список замещённых "
        "уроков; неоформленные замены отмечены.");
  if (which == "forecast")
    return make(
        "forecast", Kind::Forecast,
        "Прогноз отметки за период каждого ученика по текущим отметкам и ученики в зоне риска (вероятная «2» "
        "или мало отметок для аттестации), с причиной.");
  throw Error(ErrorKind::Internal, "report", "unknown report " + which);
}

}  // namespace ejournal::app
