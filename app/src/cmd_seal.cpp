// `ejournal seal --period P`: freezes a reporting period into the next signed archive of the archive
// directory (docs/archive-format.md): class journals, summary sheets, the control report and the canonical
// XML export, with manifest, CMS signature, optional RFC 3161 time-stamp and the hash chain. Refused without
// a signing key.
#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "archive_usecases.h"
#include "commands.h"
#include "ejournal/model/error.h"
#include "progress.h"

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
  Progress progress(args, "запечатывание");
  if (progress.enabled())
    o.progress = [&](size_t done, size_t total, const std::string& name, uint64_t bytes) {
      progress.update("документов " + std::to_string(done) + " из " + std::to_string(total) + ", " +
                      Progress::bytes(bytes) + " (" + name + ")");
    };
  auto store = store::Store::open(dbConnection(args));
  o.schoolId = schoolOf(args, *store);
  auto info = sealPeriod(*store, o, model::systemClock());
  progress.finish();
  std::cout << "Архив запечатан: " << info.path.string() << "\n"
            << "  период: " << info.periodId << " (" << info.periodTitle << "), версия " << info.version
            << (info.supersedes ? ", заменяет " + info.supersedes->archive : std::string()) << "\n"
            << "  документов: " << info.documents.size() << "; SHA-256 манифеста: " << info.manifestSha256
            << "\n"
            << "  подпись: " << info.signer << "\n"
            << (info.timestamped && info.timestampUtc
                    ? "  штамп времени: " + info.timestampUtc->toString() + " UTC\n"
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
      CommandSpec{
          "seal",
          "--period P --key KEY --cert CERT",
          "Запечатывает отчётный период (2025-Q1, 2025-H1, 2025-year) в подписанный архив с цепочкой хешей. "
          "Архив пишется в каталог архивов (по умолчанию ./archive или $EJOURNAL_ARCHIVE_DIR): классные "
          "журналы, сводные ведомости, "
          "справка по итогам проверки и каноническая XML-выгрузка, с манифестом SHA-256, отделённой "
          "подписью CMS (RSA, ECDSA или ГОСТ Р 34.10-2012 с --engine gost), необязательным штампом времени "
          "RFC 3161 и цепочкой хешей (docs/archive-format.md). Ключ и сертификат — PEM или PKCS#12 в --key; "
          "также из $EJOURNAL_SIGN_KEY, $EJOURNAL_SIGN_CERT, $EJOURNAL_SIGN_PASSWORD, $EJOURNAL_SIGN_ENGINE, "
          "$EJOURNAL_TSA_URL. Запечатанный период повторно не запечатывается; --correct --reason \"…\" "
          "создаёт новую версию, которая называет заменяемую.",
          {{"period", "P", "период: 2025-Q1..Q4, 2025-H1, 2025-H2, 2025-year"},
           {"archive-dir", "DIR",
            "каталог архивов школы (по умолчанию ./archive); у каждой школы свой каталог"},
           schoolOption(),
           {"key", "FILE", "ключ подписи: PEM или PKCS#12 (.p12) с сертификатом внутри"},
           {"cert", "FILE", "сертификат подписанта (PEM)"},
           {"password", "TEXT", "пароль зашифрованного ключа или PKCS#12"},
           {"chain", "FILE", "промежуточные сертификаты для включения (PEM)", true},
           {"engine", "NAME", "gost: ключи ГОСТ Р 34.10-2012 через движок OpenSSL gost"},
           {"tsa", "URL", "служба штампов времени RFC 3161, http://..."},
           {"correct", "", "запечатать исправление уже запечатанного периода (нужен --reason)"},
           {"reason", "TEXT", "причина исправления"},
           {"by", "NAME",
            "кто запечатывает (по умолчанию $EJOURNAL_USER или cli:ЛОГИН пользователя процесса)"},
           {"rules", "FILE", "настройки правил (по умолчанию школьные)"},
           {"retention-journal-years", "N",
            "срок хранения журналов, справок и выгрузки, лет (по умолчанию 5)"},
           {"retention-summary-years", "N", "срок хранения сводных ведомостей, лет (по умолчанию 25)"},
           progressOptions()[0],
           progressOptions()[1]}},
      runSeal};
}

}  // namespace ejournal::app
