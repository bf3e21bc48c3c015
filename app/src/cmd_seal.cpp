// `ejournal seal --period P`: freezes a reporting period into the next signed archive of the archive directory
// (docs/archive-format.md): class journals, summary sheets, the control report and the canonical XML export, with
// manifest, CMS signature, optional RFC 3161 time-stamp and the hash chain. Refused without a signing key.
#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "archive_usecases.h"
#include "commands.h"
#include "ejournal/model/error.h"

namespace ejournal::app {

namespace {

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

int years(const std::string& option, const std::string& text) {
  size_t used = 0;
  int v = 0;
  try {
    v = std::stoi(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || v < 1 || v > 200)
    throw Error(ErrorKind::Input, option, "ожидается число лет от 1 до 200, указано «" + text + "»");
  return v;
}

int runSeal(const Args& args) {
  if (!args.positional.empty())
    throw Error(ErrorKind::Input, "seal", "лишний аргумент «" + args.positional.front() + "» (см. --help)");
  SealOptions o;
  o.periodId = args.get("period", "");
  if (o.periodId.empty()) throw Error(ErrorKind::Input, "seal", "не указан период: --period 2025-Q1");
  o.archiveDir = archiveDirectory(args);
  o.signer.keyPath = args.get("key", env("EJOURNAL_SIGN_KEY"));
  o.signer.certPath = args.get("cert", env("EJOURNAL_SIGN_CERT"));
  o.signer.password = args.get("password", env("EJOURNAL_SIGN_PASSWORD"));
  o.signer.chainPaths = args.all("chain");
  const std::string engine = args.get("engine", env("EJOURNAL_SIGN_ENGINE"));
  if (engine == "gost")
    o.signer.engine = archive::KeyEngine::Gost;
  else if (!engine.empty() && engine != "default")
    throw Error(ErrorKind::Input, "--engine", "ожидается gost или default, указано «" + engine + "»");
  o.tsaUrl = args.get("tsa", env("EJOURNAL_TSA_URL"));
  o.correction = args.has("correct");
  o.reason = args.get("reason", "");
  if (!o.correction && !o.reason.empty())
    throw Error(ErrorKind::Input, "--reason", "причина указывается только вместе с --correct");
  if (o.correction && o.reason.empty())
    throw Error(ErrorKind::Input, "--correct", "для исправления укажите причину: --reason \"…\"");
  o.createdBy = args.get("by", env("EJOURNAL_USER"));
  if (o.createdBy.empty()) o.createdBy = cliActor();
  o.rulesConfig = args.get("rules", "");
  if (auto v = args.get("retention-journal-years")) {
    int n = years("--retention-journal-years", *v);
    for (auto& r : o.retention.rules)
      if (r.kind != archive::kKindSummary) r.years = n;
    o.retention.fallback.years = n;
  }
  if (auto v = args.get("retention-summary-years")) {
    int n = years("--retention-summary-years", *v);
    for (auto& r : o.retention.rules)
      if (r.kind == archive::kKindSummary) r.years = n;
  }
  auto store = store::Store::open(dbConnection(args));
  auto info = sealPeriod(*store, o, model::systemClock());
  std::cout << "Архив запечатан: " << info.path.string() << "\n"
            << "  период: " << info.periodId << " (" << info.periodTitle << "), версия " << info.version
            << (info.supersedes ? ", заменяет " + info.supersedes->archive : std::string()) << "\n"
            << "  документов: " << info.documents.size() << "; SHA-256 манифеста: " << info.manifestSha256 << "\n"
            << "  подпись: " << info.signer << "\n"
            << (info.timestamped && info.timestampUtc ? "  штамп времени: " + info.timestampUtc->toString() + " UTC\n"
                                                      : std::string())
            << "  хранить до: не ранее " << info.retention.earliestDisposal.toRussian() << " ("
            << info.retention.className << ", " << info.retention.years << " лет)\n";
  return kExitOk;
}

}  // namespace

std::string archiveDirectory(const Args& args) {
  std::string dir = args.get("archive-dir", "");
  if (dir.empty()) dir = env("EJOURNAL_ARCHIVE_DIR");
  return dir.empty() ? "archive" : dir;
}

Command sealCommand() {
  return Command{
      CommandSpec{"seal",
                  "--period P --key KEY --cert CERT",
                  "Seal a reporting period (2025-Q1, 2025-H1, 2025-year) into a signed, hashed archive in the archive "
                  "directory (default ./archive or $EJOURNAL_ARCHIVE_DIR): class journals, summary sheets, the "
                  "control report and the canonical XML export, with a SHA-256 manifest, a detached CMS signature "
                  "(RSA, ECDSA, or GOST R 34.10-2012 with --engine gost), an optional RFC 3161 time-stamp and the "
                  "hash chain (docs/archive-format.md). Key and certificate: PEM, or PKCS#12 as --key; also from "
                  "$EJOURNAL_SIGN_KEY, $EJOURNAL_SIGN_CERT, $EJOURNAL_SIGN_PASSWORD, $EJOURNAL_SIGN_ENGINE, "
                  "$EJOURNAL_TSA_URL. A sealed period is never sealed again; --correct --reason \"…\" writes a new "
                  "version that names the one it supersedes.",
                  {{"period", "P", "the period to seal: 2025-Q1..Q4, 2025-H1, 2025-H2, 2025-year"},
                   {"archive-dir", "DIR", "archive directory (default ./archive)"},
                   {"key", "FILE", "signing key: PEM, or PKCS#12 (.p12) with the certificate inside"},
                   {"cert", "FILE", "signer's certificate (PEM)"},
                   {"password", "TEXT", "password of an encrypted key or PKCS#12"},
                   {"chain", "FILE", "intermediate certificates to include (PEM)", true},
                   {"engine", "NAME", "gost: GOST R 34.10-2012 keys through the OpenSSL gost engine"},
                   {"tsa", "URL", "RFC 3161 time-stamp authority, http://..."},
                   {"correct", "", "seal a correction of an already sealed period (needs --reason)"},
                   {"reason", "TEXT", "why the correction is made (Russian)"},
                   {"by", "NAME", "who seals (default $EJOURNAL_USER or cli:LOGIN of the process's user)"},
                   {"rules", "FILE", "rules configuration (default: the school's)"},
                   {"retention-journal-years", "N", "retention of journals, reports and export (default 5)"},
                   {"retention-summary-years", "N", "retention of summary sheets (default 25)"}}},
      runSeal};
}

}  // namespace ejournal::app
