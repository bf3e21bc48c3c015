// Declarations of the CLI commands (one function per cmd_<name>.cpp), collected by commands.cpp.
#pragma once

#include "cli.h"

namespace ejournal::app {

Command sampleCommand();  // cmd_sample.cpp
Command checkCommand();   // cmd_check.cpp (rules)
Command notifyCommand();  // cmd_notify.cpp (the follow-up outbox)
Command reportCommand(
    const std::string& which);  // cmd_report.cpp: control, program, results, substitutions, forecast, all
Command regionReportCommand();  // cmd_region.cpp: the regional comparison report
Command pullCommand();          // cmd_pull.cpp (the dnevnik.ru client)
Command ingestCommand();        // cmd_ingest.cpp
Command statsCommand();         // cmd_stats.cpp (store)
Command backupCommand();        // cmd_backup.cpp (store)
Command restoreCommand();       // cmd_backup.cpp (store)

// The service and its users (engineer "service"): cmd_serve.cpp, cmd_user.cpp, cmd_audit.cpp.
Command serveCommand();
Command userAddCommand();
Command userPasswdCommand();
Command userToggleCommand(bool disable);  // "user disable" (true) or "user enable" (false)
Command userListCommand();
Command auditVerifyCommand();
Command auditListCommand();
// The audit actor of a CLI command: "cli:" and the login of the process's uid (not $USER, which may be unset
// or anything): cmd_user.cpp.
std::string cliActor();

// PDF printouts (engineer "render"): cmd_render.cpp.
Command renderJournalCommand();
Command renderAllCommand();
Command renderSummaryCommand();
Command renderExtractCommand();
Command renderControlCommand();
Command renderProgramCommand();
Command renderResultsCommand();

// Archives (engineer "archive"): cmd_seal.cpp, cmd_verify.cpp, cmd_archive.cpp.
Command sealCommand();
Command verifyCommand();
Command archiveListCommand();
Command archiveShowCommand();
Command archiveExtractCommand();
Command archiveFindCommand();
Command archiveRetentionCommand();
Command archiveReindexCommand();
Command archiveExtractStudentCommand();
// The archive directory of an archive command: --archive-dir, $EJOURNAL_ARCHIVE_DIR, or "archive"
// (cmd_seal.cpp).
std::string archiveDirectory(const Args& args);

}  // namespace ejournal::app
