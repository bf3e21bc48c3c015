// `ejournal archive list|show|extract|find|retention|reindex|extract-student`: retrieval from the archive
// directory. find searches the archive index in the store (rebuilt from the archives when it is empty);
// everything else reads the archives themselves. Nothing here changes or deletes an archive.
#include <filesystem>
#include <iostream>
#include <set>

#include "archive_usecases.h"
#include "commands.h"
#include "ejournal/model/error.h"
#include "ejournal/model/files.h"
#include "ejournal/model/json.h"

namespace ejournal::app {

namespace {

namespace fs = std::filesystem;

std::string outputOption(const Args& args, std::vector<std::string>& rest) {
  rest = args.positional;
  return args.get("output", "");
}

void noPositional(const Args& args, const char* cmd) {
  if (!args.positional.empty())
    throw Error(ErrorKind::Input, cmd, "лишний аргумент «" + args.positional.front() + "» (см. --help)");
}

int parseYear(const std::string& text) {
  size_t used = 0;
  int y = 0;
  try {
    y = std::stoi(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || y < 1990 || y > 2200)
    throw Error(ErrorKind::Input, "--year", "ожидается учебный год, например 2025, указано «" + text + "»");
  return y;
}

std::string sizeText(uint64_t bytes) {
  return bytes >= 10240 ? std::to_string(bytes / 1024) + " КиБ" : std::to_string(bytes) + " Б";
}

std::string retentionJson(const archive::RetentionInfo& r) {
  return model::JsonObject()
      .text("class", r.className)
      .integer("years", r.years)
      .text("earliest_disposal", r.earliestDisposal.toString())
      .json();
}

std::string refJson(const std::optional<archive::ArchiveRef>& r) {
  if (!r) return "null";
  return model::JsonObject().text("archive", r->archive).text("manifest_sha256", r->manifestSha256).json();
}

// An archive's metadata as JSON (docs/cli.md); `documents` as an array of objects, or only their count.
std::string archiveJson(const archive::ArchiveInfo& a, bool documents, bool superseded) {
  model::JsonObject o;
  o.text("archive", a.fileName)
      .text("school", a.schoolId)
      .text("school_name", a.schoolName)
      .text("period", a.periodId)
      .text("period_title", a.periodTitle)
      .text("from", a.periodDates.from.toString())
      .text("to", a.periodDates.to.toString())
      .integer("sequence", a.sequence)
      .integer("version", a.version)
      .raw("supersedes", refJson(a.supersedes))
      .textOrNull("reason", a.reason)
      .boolean("superseded", superseded)
      .raw("previous", refJson(a.previous))
      .text("created_at", a.createdAt.toString())
      .text("created_by", a.createdBy)
      .text("tool", a.tool)
      .raw("retention", retentionJson(a.retention))
      .text("manifest_sha256", a.manifestSha256)
      .boolean("timestamped", a.timestamped);
  if (!documents) return o.integer("documents", static_cast<long long>(a.documents.size())).json();
  return o
      .raw("documents", model::jsonArray(
                            a.documents,
                            [](const archive::DocumentInfo& d) {
                              return model::JsonObject()
                                  .text("name", d.name)
                                  .text("kind", d.kind)
                                  .text("title", d.title)
                                  .text("media_type", d.mediaType)
                                  .integer("size", static_cast<long long>(d.size))
                                  .text("sha256", d.sha256)
                                  .raw("retention", retentionJson(d.retention))
                                  .json();
                            },
                            "\n  ", "\n"))
      .json();
}

int runList(const Args& args) {
  noPositional(args, "archive list");
  const bool json = wantsJson(args);
  archive::Archive archives(archiveDirectory(args));
  auto list = archives.list();
  std::set<std::string> superseded;
  for (const auto& a : list)
    if (a.supersedes) superseded.insert(a.supersedes->archive);
  if (json) {
    std::cout << model::JsonObject()
                     .text("directory", archives.directory().string())
                     .raw("archives", model::jsonArray(
                                          list,
                                          [&](const archive::ArchiveInfo& a) {
                                            return archiveJson(a, false, superseded.count(a.fileName) > 0);
                                          },
                                          "\n  ", "\n"))
                     .json()
              << "\n";
    return kExitOk;
  }
  if (list.empty()) std::cout << "В каталоге " << archives.directory().string() << " нет архивов\n";
  for (const auto& a : list)
    std::cout << a.fileName << "  " << a.periodTitle << ", версия " << a.version
              << (superseded.count(a.fileName) ? " (заменена исправлением)" : "") << ", создан "
              << a.createdAt.toRussian() << ", документов " << a.documents.size()
              << ", хранить не менее чем до " << a.retention.earliestDisposal.toRussian()
              << (a.timestamped ? ", со штампом времени" : "") << "\n";
  return kExitOk;
}

int runShow(const Args& args) {
  if (args.positional.size() != 1) throw Error(ErrorKind::Input, "archive show", "укажите один архив");
  const bool json = wantsJson(args);
  archive::Archive archives(archiveDirectory(args));
  auto a = archives.show(args.positional.front());
  if (json) {
    bool superseded = false;
    for (const auto& other : archives.list())
      if (other.supersedes && other.supersedes->archive == a.fileName) superseded = true;
    std::cout << archiveJson(a, true, superseded) << "\n";
    return kExitOk;
  }
  std::cout << "Архив: " << a.path.string() << "\n"
            << "Школа: " << a.schoolName << " (" << a.schoolId << ")\n"
            << "Период: " << a.periodId << " — " << a.periodTitle << ", " << a.periodDates.from.toRussian()
            << " – " << a.periodDates.to.toRussian() << "\n"
            << "Номер в цепочке: " << a.sequence << ", версия " << a.version << "\n";
  if (a.supersedes) std::cout << "Заменяет: " << a.supersedes->archive << "; причина: " << a.reason << "\n";
  std::cout << "Предыдущий архив: "
            << (a.previous ? a.previous->archive + " (SHA-256 манифеста " + a.previous->manifestSha256 + ")"
                           : std::string("нет (первый в цепочке)"))
            << "\n"
            << "Создан: " << a.createdAt.toRussian() << ", кем: " << a.createdBy << ", программа: " << a.tool
            << "\n"
            << "Хранение: " << a.retention.className << ", " << a.retention.years
            << " лет, уничтожение не ранее " << a.retention.earliestDisposal.toRussian() << "\n"
            << "SHA-256 манифеста: " << a.manifestSha256 << (a.timestamped ? "; есть штамп времени" : "")
            << "\n"
            << "Документы:\n";
  for (const auto& d : a.documents)
    std::cout << "  " << d.name << "  " << d.title << " (" << sizeText(d.size) << ", хранить до "
              << d.retention.earliestDisposal.toRussian() << ")\n";
  return kExitOk;
}

int runExtract(const Args& args) {
  std::vector<std::string> rest;
  std::string output = outputOption(args, rest);
  if (rest.size() != 2)
    throw Error(ErrorKind::Input, "archive extract", "укажите архив и документ: АРХИВ ДОКУМЕНТ");
  archive::Archive archives(archiveDirectory(args));
  std::string bytes = archives.extract(rest[0], rest[1]);
  if (output.empty()) output = fs::path(rest[1]).filename().string();
  model::writeFileAtomic(output, bytes);
  std::cout << "Записан " << output << " (" << sizeText(bytes.size()) << ", SHA-256 сверен с манифестом)\n";
  return kExitOk;
}

int runFind(const Args& args) {
  noPositional(args, "archive find");
  const bool json = wantsJson(args);
  archive::Archive archives(archiveDirectory(args));
  auto st = store::Store::openExisting(dbConnection(args));
  auto index = store::openArchiveIndex(*st);
  store::ArchiveIndexQuery q;
  q.directory = fs::absolute(archives.directory()).lexically_normal().string();
  std::optional<size_t> reindexed;
  if (index->archives(q.directory).empty() && !archives.list().empty()) {
    reindexed = reindexArchives(*st, archives);
    if (!json) std::cout << "Индекс архивов был пуст: восстановлен из " << *reindexed << " арх.\n";
  }
  if (auto y = args.get("year")) q.year = parseYear(*y);
  q.periodId = args.get("period", "");
  q.kind = args.get("kind", "");
  for (const char* tag : {"class", "subject", "teacher", "student"})
    for (const auto& v : args.all(tag)) q.tags[tag].push_back(v);
  q.currentOnly = !args.has("all-versions");
  auto hits = index->find(q);
  if (json) {
    std::cout << model::JsonObject()
                     .raw("reindexed", reindexed ? std::to_string(*reindexed) : "null")
                     .integer("count", static_cast<long long>(hits.size()))
                     .raw("documents", model::jsonArray(
                                           hits,
                                           [](const store::ArchiveIndexHit& h) {
                                             return model::JsonObject()
                                                 .text("archive", h.fileName)
                                                 .text("period", h.periodId)
                                                 .integer("version", h.version)
                                                 .text("document", h.document)
                                                 .text("kind", h.kind)
                                                 .text("title", h.title)
                                                 .json();
                                           },
                                           "\n  ", "\n"))
                     .json()
              << "\n";
    return hits.empty() ? kExitFindings : kExitOk;
  }
  for (const auto& h : hits) std::cout << h.fileName << "  " << h.document << "  " << h.title << "\n";
  std::cout << "Найдено документов: " << hits.size() << "\n";
  return hits.empty() ? kExitFindings : kExitOk;
}

int runRetention(const Args& args) {
  noPositional(args, "archive retention");
  const bool json = wantsJson(args);
  archive::Archive archives(archiveDirectory(args));
  model::Date today = model::systemClock()->now().date;
  if (auto t = args.get("today")) {
    auto d = model::Date::parse(*t);
    if (!d) throw Error(ErrorKind::Input, "--today", "ожидается дата ГГГГ-ММ-ДД, указано «" + *t + "»");
    today = *d;
  }
  auto past = archives.pastRetention(today);
  if (json) {
    std::cout << model::JsonObject()
                     .text("today", today.toString())
                     .raw("archives", model::jsonArray(
                                          past,
                                          [](const archive::ArchiveInfo& a) {
                                            return model::JsonObject()
                                                .text("archive", a.fileName)
                                                .text("period", a.periodId)
                                                .text("period_title", a.periodTitle)
                                                .integer("version", a.version)
                                                .raw("retention", retentionJson(a.retention))
                                                .json();
                                          },
                                          "\n  ", "\n"))
                     .json()
              << "\n";
    return kExitOk;
  }
  for (const auto& a : past)
    std::cout << a.fileName << "  " << a.periodTitle << ": срок хранения (" << a.retention.className << ", "
              << a.retention.years << " лет) истёк, уничтожение возможно с "
              << a.retention.earliestDisposal.toRussian() << " — по акту, ejournal ничего не удаляет\n";
  std::cout << "Архивов с истёкшим сроком хранения на " << today.toRussian() << ": " << past.size() << "\n";
  return kExitOk;
}

int runReindex(const Args& args) {
  noPositional(args, "archive reindex");
  archive::Archive archives(archiveDirectory(args));
  auto st = store::Store::open(dbConnection(args));
  size_t n = reindexArchives(*st, archives);
  std::cout << "Индекс архивов восстановлен по архивам каталога " << archives.directory().string() << ": "
            << n << " арх.\n";
  return kExitOk;
}

int runExtractStudent(const Args& args) {
  std::vector<std::string> rest;
  std::string output = outputOption(args, rest);
  if (rest.size() != 1)
    throw Error(ErrorKind::Input, "archive extract-student", "укажите ученика: \"Фамилия Имя\" --year 2025");
  auto y = args.get("year");
  if (!y) throw Error(ErrorKind::Input, "archive extract-student", "укажите учебный год: --year 2025");
  archive::Archive archives(archiveDirectory(args));
  auto clock = model::systemClock();
  auto ex = extractStudent(archives, rest[0], parseYear(*y), clock);
  if (output.empty()) output = "extract-" + std::to_string(parseYear(*y)) + ".pdf";
  model::writeFileAtomic(output, ex.pdf.bytes);
  std::cout << "Выписка: " << ex.student << ", " << ex.periodId << ", по данным архива " << ex.archive
            << " -> " << output << " (" << ex.pdf.pages << " с.)\n";
  return kExitOk;
}

const OptionSpec kDir{"archive-dir", "DIR",
                      "каталог архивов (по умолчанию ./archive или $EJOURNAL_ARCHIVE_DIR)"};

}  // namespace

Command archiveListCommand() {
  return Command{
      {"archive list", "", "Перечисляет архивы каталога в порядке цепочки.", {kDir, jsonFormatOption()}},
      runList};
}

Command archiveShowCommand() {
  return Command{{"archive show",
                  "ARCHIVE",
                  "Показывает сведения об архиве и его документы.",
                  {kDir, jsonFormatOption()}},
                 runShow};
}

Command archiveExtractCommand() {
  return Command{
      {"archive extract",
       "ARCHIVE DOCUMENT [-o FILE]",
       "Записывает один документ архива в файл, сверив его SHA-256 с манифестом.",
       {kDir, {"output", "FILE", "куда записать (по умолчанию — имя файла документа)", false, 'o'}}},
      runExtract};
}

Command archiveFindCommand() {
  return Command{
      {"archive find",
       "[--year Y] [--period P] [--class C] [--subject S] [--teacher T] [--student NAME]",
       "Ищет документы в архивах по индексу архивов в хранилище (если индекс пуст, он восстанавливается по "
       "архивам). Значения сравниваются без учёта регистра как подстроки; должны совпасть все указанные. Код "
       "выхода 1, если ничего не найдено.",
       {kDir,
        {"year", "Y", "год начала учебного года (2025 для 2025/2026)"},
        {"period", "P", "код периода (2025-Q1)"},
        {"kind", "K", "journal, summary, report или export"},
        {"class", "C", "класс (5А)", true},
        {"subject", "S", "предмет", true},
        {"teacher", "T", "учитель (Иванова М. П.)", true},
        {"student", "NAME", "ученик (Фамилия Имя)", true},
        {"all-versions", "", "включая версии, заменённые исправлениями"},
        jsonFormatOption()}},
      runFind};
}

Command archiveRetentionCommand() {
  return Command{
      {"archive retention",
       "[--today DATE]",
       "Перечисляет архивы, у которых истёк срок хранения (по настройкам на момент запечатывания). Ничего не "
       "удаляет.",
       {kDir, {"today", "DATE", "дата, на которую проверять (по умолчанию сегодня)"}, jsonFormatOption()}},
      runRetention};
}

Command archiveReindexCommand() {
  return Command{
      {"archive reindex", "", "Восстанавливает индекс архивов в хранилище по самим архивам.", {kDir}},
      runReindex};
}

Command archiveExtractStudentCommand() {
  return Command{
      {"archive extract-student",
       "\"Фамилия Имя\" --year Y [-o FILE]",
       "Печатает выписку ученика в PDF по данным архива: по XML-выгрузке в самом новом действующем архиве "
       "года (в годовом, если он запечатан).",
       {kDir,
        {"year", "Y", "год начала учебного года"},
        {"output", "FILE", "PDF-файл для записи (по умолчанию extract-Y.pdf)", false, 'o'}}},
      runExtractStudent};
}

}  // namespace ejournal::app
