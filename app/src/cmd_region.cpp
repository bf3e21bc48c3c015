// `ejournal report region [--period P | --from D --to D] [--school ID]... [--format text|json|csv|pdf] [-o
// FILE]`: the regional comparison report (issue 16) over the schools of one store — per school the share of
// lessons with topics on time, marks per lesson, late marks, program completion, open findings by rule, the
// last check and the last seal, with the region's weighted totals (regional_usecase.h, docs/region.md).
#include <iostream>
#include <sstream>

#include "commands.h"
#include "ejournal/model/error.h"
#include "ejournal/model/files.h"
#include "ejournal/render/render.h"
#include "ejournal/reports/regional.h"
#include "ejournal/store/store.h"
#include "regional_usecase.h"

namespace ejournal::app {

namespace {

int runRegion(const Args& args) {
  if (!args.positional.empty())
    throw Error(ErrorKind::Input, "report region",
                "лишний аргумент «" + args.positional.front() + "» (см. --help)");
  const std::string fmt = args.get("format", "text");
  if (fmt != "text" && fmt != "json" && fmt != "csv" && fmt != "pdf")
    throw Error(ErrorKind::Input, "--format",
                "неизвестный формат «" + fmt + "»: ожидается text, json, csv или pdf");
  const model::CsvForm csv = csvFormOf(args);
  const auto output = args.get("output");
  if (fmt == "pdf" && (!output || output->empty()))
    throw Error(ErrorKind::Input, "--format pdf", "укажите файл для PDF: -o ФАЙЛ");
  if (!args.has("period") && !args.has("from") && !args.has("to"))
    throw Error(ErrorKind::Input, "report region", "укажите период: --period P или --from D --to D");

  RegionalOptions options;
  options.period = args.get("period", "");
  options.from = args.get("from", "");
  options.to = args.get("to", "");
  options.schools = args.all("school");
  options.title = args.get("title", "");
  options.archiveDirectories =
      args.has("archive-dir") ? args.all("archive-dir") : std::vector<std::string>{archiveDirectory(args)};
  if (auto file = args.get("rules")) options.config = rules::Config::load(*file);
  const auto clock = model::systemClock();
  auto st = store::Store::openExisting(dbConnection(args), clock);
  const reports::RegionalReport report = buildRegionalReport(*st, options, *clock);

  std::string bytes;
  if (fmt == "pdf") {
    bytes = render::renderRegionalReport(report).bytes;
  } else {
    std::ostringstream out;
    reports::write(report, *reports::formatFromString(fmt), out);
    bytes = fmt == "csv" ? model::csvInForm(out.str(), csv) : out.str();
  }
  if (output)
    model::writeFileAtomic(*output, bytes);
  else
    std::cout << bytes;
  return kExitOk;
}

}  // namespace

Command regionReportCommand() {
  std::vector<OptionSpec> options = {
      {"period", "P", "период: 2025-Q1..2025-Q4, 2025-H1, 2025-H2 или 2025-year (по журналу каждой школы)"},
      {"from", "D", "первый день диапазона дат (ГГГГ-ММ-ДД), вместе с --to"},
      {"to", "D", "последний день диапазона дат (ГГГГ-ММ-ДД)"},
      {"school", "ID", "только эта школа, по коду; по умолчанию все школы хранилища", true},
      {"title", "T", "заголовок отчёта: название муниципалитета или органа управления образованием"},
      {"archive-dir", "DIR",
       "каталог архивов, по индексу которого ищется последнее опечатывание (по умолчанию "
       "$EJOURNAL_ARCHIVE_DIR или ./archive)",
       true},
      {"rules", "FILE", "настройки правил (schemas/rules.xsd); по умолчанию rules/config/default.xml"},
      {"format", "F", "text (таблица, по умолчанию), json, csv или pdf (альбомный A4, нужен -o)"},
      {"output", "FILE", "записать в FILE (атомарно), а не на стандартный вывод", false, 'o'},
      csvSeparatorOption()};
  return Command{
      CommandSpec{"report region", "--period P | --from D --to D",
                  "Сравнительный отчёт по школам хранилища (муниципалитет, несколько школ). По каждой школе: "
                  "доля уроков с темой, записанной в день урока, отметки на урок, поздние отметки за "
                  "письменные работы, выполнение программы, открытые замечания по правилам, дата последней "
                  "записанной проверки и последнее опечатывание архива; итог по всем школам — по суммам, а "
                  "не как среднее процентов.",
                  options},
      runRegion};
}

}  // namespace ejournal::app
