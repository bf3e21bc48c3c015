// `ejournal verify [ARCHIVE | --all] [--content]`: recomputes every hash (streamed: the speed of the disk and
// SHA-256, memory independent of the archive), checks the signature (at the time-stamp's time), the
// time-stamp, the member layout, with --content also the export's schema validity, and with --all the hash
// chain and the chain head recorded in the store's index. Prints exactly what is wrong; exit 0 only when
// everything holds, 1 when problems were found, 2 on an error.
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "archive_usecases.h"
#include "commands.h"
#include "ejournal/model/error.h"
#include "ejournal/model/json.h"

namespace ejournal::app {

namespace {

// The store, when one is configured or exists (verify must not create an empty store as a side effect).
std::unique_ptr<store::Store> existingStore(const Args& args) {
  const char* env = std::getenv("EJOURNAL_DB");
  const std::string conn = dbConnection(args);
  if (args.has("db") || (env && *env) || std::filesystem::exists(conn))
    return store::Store::openExisting(conn);
  return nullptr;
}

int runVerify(const Args& args) {
  const bool all = args.has("all");
  if (all == !args.positional.empty() || args.positional.size() > 1)
    throw Error(ErrorKind::Input, "verify", "укажите один архив или --all");
  const bool json = wantsJson(args);
  archive::Archive archives(archiveDirectory(args));
  std::vector<std::string> ca = args.all("ca");
  if (ca.empty())
    if (const char* env = std::getenv("EJOURNAL_VERIFY_CA"); env && *env) ca.push_back(env);
  archive::VerifyOptions options = verifyOptions(ca, args.has("content"));
  archive::VerifyReport report;
  if (all) {
    if (auto st = existingStore(args)) {
      const std::string dir = std::filesystem::absolute(archives.directory()).lexically_normal().string();
      options.expectedHeadSha256 = store::openArchiveIndex(*st)->head(dir);
    }
    report = archives.verifyAll(options);
    if (!options.expectedHeadSha256)
      report.notes.push_back(
          "индекс архивов в хранилище пуст: удаление последнего архива цепочки не проверено");
  } else {
    report = archives.verify(args.positional.front(), options);
  }
  if (json) {
    std::cout << model::JsonObject()
                     .boolean("ok", report.ok())
                     .boolean("all", all)
                     .raw("archives", model::jsonArray(
                                          report.archives,
                                          [](const archive::ArchiveInfo& a) {
                                            return model::JsonObject()
                                                .text("archive", a.fileName)
                                                .text("period", a.periodId)
                                                .integer("version", a.version)
                                                .integer("documents",
                                                         static_cast<long long>(a.documents.size()))
                                                .text("manifest_sha256", a.manifestSha256)
                                                .boolean("timestamped", a.timestamped)
                                                .textOrNull("signer", a.signer)
                                                .json();
                                          },
                                          "\n  ", "\n"))
                     .raw("notes",
                          model::jsonArray(
                              report.notes, [](const std::string& n) { return model::jsonString(n); }, "\n  ",
                              "\n"))
                     .raw("problems", model::jsonArray(
                                          report.problems,
                                          [](const archive::VerifyProblem& p) {
                                            return model::JsonObject()
                                                .text("archive", p.archive)
                                                .textOrNull("member", p.member)
                                                .text("message", p.message)
                                                .json();
                                          },
                                          "\n  ", "\n"))
                     .json()
              << "\n";
    return report.ok() ? kExitOk : kExitFindings;
  }
  for (const auto& a : report.archives)
    std::cout << a.fileName << ": " << a.periodId << " v" << a.version << ", документов "
              << a.documents.size() << ", SHA-256 манифеста " << a.manifestSha256 << "\n";
  for (const auto& n : report.notes) std::cout << "  " << n << "\n";
  if (report.ok()) {
    std::cout << "Проверка пройдена: хеши, подписи" << (all ? ", цепочка" : "") << " и выгрузка в порядке ("
              << report.archives.size() << " арх.)\n";
    return kExitOk;
  }
  for (const auto& p : report.problems) std::cout << "ОШИБКА: " << p.toString() << "\n";
  std::cout << "Проверка НЕ пройдена: проблем " << report.problems.size() << "\n";
  return kExitFindings;
}

}  // namespace

Command verifyCommand() {
  return Command{
      CommandSpec{
          "verify",
          "[ARCHIVE | --all] [--content]",
          "Проверяет один архив или все архивы каталога и цепочку хешей между ними. Проверяются структура "
          "tar, SHA-256 каждого файла по манифесту (подписанному: любое изменение файла после запечатывания "
          "обнаруживается), метаданные, подпись CMS по доверенным сертификатам из --ca (на момент штампа "
          "времени) и штамп времени RFC 3161; с --content — ещё и соответствие XML-выгрузки схеме "
          "journal.xsd (медленнее: выгрузка разбирается целиком). Код выхода 0, только если всё в порядке, "
          "1 — найдены проблемы (каждая с архивом и файлом).",
          {{"all", "", "проверить все архивы и цепочку"},
           {"content", "", "проверить и содержимое: XML-выгрузку по схеме journal.xsd"},
           {"archive-dir", "DIR", "каталог архивов (по умолчанию ./archive)"},
           {"ca", "FILE", "доверенные сертификаты УЦ (PEM) подписанта и службы штампов ($EJOURNAL_VERIFY_CA)",
            true},
           jsonFormatOption()}},
      runVerify};
}

}  // namespace ejournal::app
