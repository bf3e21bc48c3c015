// `ejournal check --period P | --from D --to D [--class C] [--subject S] [--teacher T] [--format F] [--rules FILE]`:
// loads the journal from the store, runs the rules engine over the scope and prints the findings. Exit code 0 when
// the journal complies (no errors or warnings; informational findings such as changed marks do not count), 1 with
// findings, 2 on an error.
#include "commands.h"

#include <iostream>
#include <sstream>

#include "check_common.h"
#include "ejournal/store/audit.h"
#include "followup.h"
#include "ejournal/model/error.h"
#include "ejournal/model/files.h"
#include "ejournal/rules/rules.h"

namespace ejournal::app {

namespace {

int runCheck(const Args& args) {
  if (!args.positional.empty())
    throw Error(ErrorKind::Input, "check", "лишний аргумент «" + args.positional.front() + "» (см. --help)");
  const std::string format = args.get("format", "text");
  if (format != "text" && format != "json" && format != "csv")
    throw Error(ErrorKind::Input, "--format", "неизвестный формат «" + format + "»: ожидается text, json или csv");
  CheckInput in = loadForCheck(args);
  const model::JournalIndex index(in.journal);
  const rules::Scope scope = resolveScopeFromArgs(index, args, *in.clock);
  const rules::CheckResult result = rules::run(index, scope, in.config);
  std::ostringstream out;
  if (format == "json") rules::writeFindingsJson(index, scope, result, out);
  else if (format == "csv") rules::writeFindingsCsv(index, result, out);
  else rules::writeFindingsText(index, scope, result, out);
  if (auto file = args.get("output")) model::writeFileAtomic(*file, out.str());
  else std::cout << out.str();
  if (args.has("record")) {
    // Recorded: the findings' history, and each teacher's message queued (delivered by `ejournal notify`).
    auto store = store::Store::open(dbConnection(args), in.clock);
    const auto check = recordCheck(*store, index, scope, in.config, result, cliActor());
    const auto queued = queueRemarks(*store, index, check, {}, args.get("web-url", ""));
    store::openAudit(*store)->append({cliActor(), "check.record", "check:" + std::to_string(check.id), "ok",
                                      describe(check), ""});
    std::cerr << describe(check) << "\nСообщений учителям в очереди: " << queued.queued;
    if (!queued.withoutAddress.empty()) std::cerr << " (без адреса электронной почты: " << queued.withoutAddress.size() << ")";
    std::cerr << "\n";
  }
  return rules::hasViolations(result.findings) ? kExitFindings : kExitOk;
}

}  // namespace

Command checkCommand() {
  auto options = scopeOptions();
  options.push_back({"format", "F", "text (a Russian table, default), json or csv"});
  options.push_back({"output", "FILE", "write to FILE (atomically) instead of standard output"});
  options.push_back({"record", "", "record the check in the store (findings' history: new, open, corrected) and "
                                   "queue each teacher's remarks for `ejournal notify` (docs/followup.md)"});
  options.push_back({"web-url", "URL", "with --record: the teachers' page named in the messages"});
  return Command{CommandSpec{"check", "--period P | --from D --to D",
                             "Check the journal against the school's rules (docs/rules.md) over a period or a date "
                             "range, optionally for one class, subject or teacher. A rule the data cannot support "
                             "(the source lacks the evidence it needs) is reported once as not checked, with the "
                             "reason. Exit code 0: compliant, 1: findings (errors or warnings), 2: error. JSON "
                             "output is one object with a `not_checked` array (rule, title, reason) and a `findings` "
                             "array (rule, severity, period, class, class_name, subject, subject_name, subgroup, "
                             "teacher, teacher_name, lesson_id, date, student, student_name, message, figures); CSV "
                             "has the same columns and a `not_checked` line per rule not checked.",
                             options},
                 runCheck};
}

}  // namespace ejournal::app
