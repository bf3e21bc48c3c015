// The command table: every CLI command, listed once, in the order --help shows them.
// Each command's implementation is in its own cmd_<name>.cpp and declared in commands.h.
#include "commands.h"

namespace ejournal::app {

const std::vector<Command>& commands() {
  static const std::vector<Command> kCommands = {
      // Commands are added here by the stage that provides them.
      sampleCommand(),
      checkCommand(),
      notifyCommand(),
      reportCommand("control"),
      reportCommand("program"),
      reportCommand("results"),
      reportCommand("substitutions"),
      reportCommand("forecast"),
      reportCommand("all"),
      regionReportCommand(),
      pullCommand(),
      ingestCommand(),
      statsCommand(),
      backupCommand(),
      restoreCommand(),
      serveCommand(),
      userAddCommand(),
      userPasswdCommand(),
      userToggleCommand(true),
      userToggleCommand(false),
      userListCommand(),
      auditVerifyCommand(),
      auditListCommand(),
      renderJournalCommand(),
      renderAllCommand(),
      renderSummaryCommand(),
      renderExtractCommand(),
      renderControlCommand(),
      renderProgramCommand(),
      renderResultsCommand(),
      sealCommand(),
      verifyCommand(),
      archiveListCommand(),
      archiveShowCommand(),
      archiveExtractCommand(),
      archiveFindCommand(),
      archiveRetentionCommand(),
      archiveReindexCommand(),
      archiveExtractStudentCommand(),
  };
  return kCommands;
}

}  // namespace ejournal::app
