// `ejournal backup --to DIR [--keep N]` and `ejournal restore FILE`: verified online copies of the SQLite
// store with generations, and an atomic restore. For a PostgreSQL store they print the pg_dump / pg_restore
// command.
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <thread>

#include "commands.h"
#include "ejournal/model/error.h"
#include "ejournal/store/backup.h"
#include "ejournal/store/store.h"
#include "progress.h"

namespace ejournal::app {
namespace {

bool isPostgres(const std::string& conn) { return conn.rfind("postgresql:", 0) == 0; }

int runBackup(const Args& args) {
  if (!args.positional.empty())
    throw Error(ErrorKind::Input, "backup", "лишний аргумент «" + args.positional.front() + "» (см. --help)");
  const auto to = args.get("to");
  if (!to) throw Error(ErrorKind::Input, "backup", "не указан каталог для копий: --to КАТАЛОГ");
  int keep = 7;
  if (auto k = args.get("keep")) {
    size_t used = 0;
    try {
      keep = std::stoi(*k, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != k->size() || keep < 1 || keep > 10000)
      throw Error(ErrorKind::Input, "--keep", "ожидается число копий от 1 до 10000, указано «" + *k + "»");
  }
  const std::string conn = dbConnection(args);
  if (isPostgres(conn)) {
    std::cerr << "ejournal backup: хранилище в PostgreSQL; резервную копию делает pg_dump, например:\n";
    std::cout << store::pgDumpCommand(conn, (std::filesystem::path(*to) / "ejournal.dump").string()) << "\n";
    return kExitError;
  }
  Progress progress(args, "резервная копия");
  auto store = store::Store::open(conn);
  // The copy is written by SQLite (VACUUM INTO) into a temporary file beside the target: its size is the
  // progress.
  std::mutex mutex;
  std::condition_variable cv;
  bool stop = false;
  std::thread watcher;
  if (progress.enabled()) {
    std::error_code ec;
    const std::string path = conn.rfind("sqlite:", 0) == 0 ? conn.substr(7) : conn;
    const uintmax_t total = std::filesystem::file_size(path, ec);
    const std::string marker = ".tmp-" + std::to_string(::getpid()) + "-";
    watcher = std::thread([&, total, marker] {
      std::unique_lock lock(mutex);
      while (!cv.wait_for(lock, std::chrono::milliseconds(200), [&] { return stop; })) {
        std::error_code e;
        for (const auto& f : std::filesystem::directory_iterator(*to, e))
          if (f.path().filename().string().find(marker) != std::string::npos)
            progress.update("записано " + Progress::bytes(f.file_size(e)) +
                            (total ? " (хранилище " + Progress::bytes(total) + ")" : std::string()));
      }
    });
  }
  auto stopWatcher = [&] {
    if (!watcher.joinable()) return;
    {
      std::lock_guard lock(mutex);
      stop = true;
    }
    cv.notify_all();
    watcher.join();
  };
  store::BackupResult r;
  try {
    r = store::backup(*store, *to, keep);
  } catch (...) {
    stopWatcher();
    throw;
  }
  stopWatcher();
  progress.update("записано " + Progress::bytes(r.bytes) + ", проверено", true);
  progress.finish();
  std::cout << "Резервная копия: " << r.file.string() << " (" << r.bytes
            << " байт), проверена (integrity_check: ok)\n";
  for (const auto& p : r.removed) std::cout << "Удалена старая копия: " << p.string() << "\n";
  return kExitOk;
}

int runRestore(const Args& args) {
  if (args.positional.size() != 1)
    throw Error(ErrorKind::Input, "restore", "укажите один файл резервной копии (см. --help)");
  const std::string& from = args.positional.front();
  const std::string conn = dbConnection(args);
  if (isPostgres(conn)) {
    std::cerr << "ejournal restore: хранилище в PostgreSQL; восстановление делает pg_restore, например:\n";
    std::cout << store::pgRestoreCommand(conn, from) << "\n";
    return kExitError;
  }
  int version = store::verifyBackup(from);
  store::restore(from, conn);
  std::cout << "Хранилище " << conn << " восстановлено из " << from << " (версия схемы " << version
            << "; недостающие миграции применятся при открытии)\n";
  return kExitOk;
}

}  // namespace

Command backupCommand() {
  return {{"backup",
           "",
           "Делает согласованную копию хранилища SQLite в каталоге DIR на ходу, проверяет её и оставляет N "
           "самых новых копий. Копия называется ejournal-ГГГГММДД-ЧЧММСС.db по текущему времени "
           "(EJOURNAL_NOW его "
           "фиксирует) и проверяется integrity_check. Для PostgreSQL печатает нужную команду pg_dump.",
           {{"to", "DIR", "каталог копий (создаётся, если его нет)"},
            {"keep", "N", "сколько самых новых копий хранить (по умолчанию 7)"},
            progressOptions()[0],
            progressOptions()[1]}},
          runBackup};
}

Command restoreCommand() {
  return {
      {"restore",
       "FILE",
       "Проверяет резервную копию FILE и атомарно заменяет ею хранилище SQLite. Сначала остановите службу. "
       "Для PostgreSQL печатает нужную команду pg_restore.",
       {}},
      runRestore};
}

}  // namespace ejournal::app
