// `ejournal check --period P | --from D --to D [--class C] [--subject S] [--teacher T] [--format F] [--rules
// FILE]`: loads the journal from the store, runs the rules engine over the scope and prints the findings.
// Exit code 0 when the journal complies (no errors or warnings; informational findings such as changed marks
// do not count), 1 with findings, 2 on an error.
#include <iostream>
#include <sstream>

#include "check_common.h"
#include "commands.h"
#include "ejournal/model/error.h"
#include "ejournal/model/files.h"
#include "ejournal/rules/rules.h"
#include "ejournal/store/audit.h"
#include "followup.h"

namespace ejournal::app {

namespace {

int runCheck(const Args& args) {
  if (!args.positional.empty())
    throw Error(ErrorKind::Input, "check", "лишний аргумент «" + args.positional.front() + "» (см. --help)");
  const std::string format = args.get("format", "text");
  if (format != "text" && format != "json" && format != "csv")
    throw Error(ErrorKind::Input, "--format",
                "неизвестный формат «" + format + "»: ожидается text, json или csv");
  const model::CsvForm csv = csvFormOf(args);
  CheckInput in = loadForCheck(args);
  const model::JournalIndex index(in.journal);
  const rules::Scope scope = resolveScopeFromArgs(index, args, *in.clock);
  const rules::CheckResult result = rules::run(index, scope, in.config);
  std::ostringstream out;
  if (format == "json")
    rules::writeFindingsJson(index, scope, result, out);
  else if (format == "csv") {
    std::ostringstream rfc;
    rules::writeFindingsCsv(index, result, rfc);
    out << model::csvInForm(rfc.str(), csv);
  } else
    rules::writeFindingsText(index, scope, result, out);
  if (auto file = args.get("output"))
    model::writeFileAtomic(*file, out.str());
  else
    std::cout << out.str();
  if (args.has("record")) {
    // Recorded: the findings' history, and each teacher's message queued (delivered by `ejournal notify`).
    store::Store& store = *in.store;
    const auto check = recordCheck(store, index, scope, in.config, result, cliActor());
    const auto queued = queueRemarks(store, index, check, {}, args.get("web-url", ""));
    store::openAudit(store)->append(
        {cliActor(), "check.record", "check:" + std::to_string(check.id), "ok", describe(check), ""});
    std::cerr << describe(check) << "\nСообщений учителям в очереди: " << queued.queued;
    if (!queued.withoutAddress.empty())
      std::cerr << " (без адреса электронной почты: " << queued.withoutAddress.size() << ")";
    std::cerr << "\n";
  }
  return rules::hasViolations(result.findings) ? kExitFindings : kExitOk;
}

}  // namespace

Command checkCommand() {
  auto options = scopeOptions();
  options.push_back({"format", "F", "text (таблица, по умолчанию), json или csv"});
  options.push_back({"output", "FILE", "записать в FILE (атомарно), а не на стандартный вывод", false, 'o'});
  options.push_back(csvSeparatorOption());
  options.push_back({"record", "",
                     "записать проверку в базу (история замечаний: новые, не устранённые, "
                     "устранённые) и поставить замечания каждому учителю в очередь для "
                     "`ejournal notify` (docs/followup.md)"});
  options.push_back({"web-url", "URL", "с --record: адрес страницы учителя, называемый в письмах"});
  return Command{
      CommandSpec{"check", "--period P | --from D --to D",
                  "Проверяет журнал по правилам школы (docs/rules.md) за период или диапазон дат, "
                  "при желании для одного класса, предмета или учителя. Правило, для которого в данных "
                  "нет нужных сведений, сообщается один раз как непроверенное, с причиной. Код выхода 0 — "
                  "журнал в порядке, 1 — есть замечания (ошибки или предупреждения), 2 — ошибка. JSON — "
                  "один объект с массивом `not_checked` (rule, title, reason) и массивом `findings` (rule, "
                  "severity, period, class, class_name, subject, subject_name, subgroup, teacher, "
                  "teacher_name, lesson_id, date, student, student_name, message, figures); в CSV те же "
                  "столбцы и строка `not_checked` на каждое непроверенное правило.",
                  options},
      runCheck};
}

}  // namespace ejournal::app
