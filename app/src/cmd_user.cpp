// `ejournal user add|passwd|disable|enable|unlock|list`: the service's users, managed on the CLI. There is no
// default password: the first administrator is created here, and passwords are read from a file or from
// standard input (without echo on a terminal), never from the command line.
#include <pwd.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>

#include "commands.h"
#include "ejournal/model/clock.h"
#include "ejournal/model/error.h"
#include "ejournal/model/files.h"
#include "ejournal/model/json.h"
#include "ejournal/store/audit.h"
#include "ejournal/store/store.h"
#include "ejournal/store/users.h"
#include "service/auth.h"
#include "service/password.h"

namespace ejournal::app {

std::string cliActor() {
  const passwd* pw = getpwuid(getuid());
  if (pw && pw->pw_name && *pw->pw_name) return std::string("cli:") + pw->pw_name;
  return "cli:uid" + std::to_string(getuid());
}

namespace {

std::string readLineNoEcho(const std::string& prompt) {
  const bool tty = isatty(STDIN_FILENO);
  termios old{};
  if (tty) {
    std::cerr << prompt << std::flush;
    tcgetattr(STDIN_FILENO, &old);
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string line;
  bool ok = static_cast<bool>(std::getline(std::cin, line));
  if (tty) {
    tcsetattr(STDIN_FILENO, TCSANOW, &old);
    std::cerr << "\n";
  }
  if (!ok) throw Error(ErrorKind::Input, "пароль", "пароль не получен со стандартного ввода");
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

std::string readPassword(const Args& args) {
  if (auto file = args.get("password-file")) {
    std::string s = model::readFile(*file);
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
    service::checkPasswordPolicy(s);
    return s;
  }
  std::string p = readLineNoEcho("Пароль: ");
  service::checkPasswordPolicy(p);
  if (isatty(STDIN_FILENO) && readLineNoEcho("Повторите пароль: ") != p)
    throw Error(ErrorKind::Input, "пароль", "пароли не совпадают");
  return p;
}

int iterations(const Args& args) {
  std::string v = args.get("iterations", std::to_string(service::kDefaultPasswordIterations));
  int n = std::atoi(v.c_str());
  if (n < 100000 && !std::getenv("EJOURNAL_TEST_WEAK_KDF"))
    throw Error(ErrorKind::Input, "--iterations", "число итераций PBKDF2 должно быть не меньше 100000");
  return n;
}

std::string login(const Args& args, const std::string& cmd) {
  if (args.positional.size() != 1)
    throw Error(ErrorKind::Input, "user " + cmd, "укажите одно имя пользователя (LOGIN)");
  return args.positional[0];
}

struct Opened {
  std::unique_ptr<store::Store> store;
  std::unique_ptr<store::UserRepository> users;
  std::unique_ptr<store::AuditLog> audit;
};

// `readOnly`: a listing, which never creates or migrates the store.
Opened open(const Args& args, bool readOnly = false) {
  Opened o;
  o.store =
      readOnly ? store::Store::openExisting(dbConnection(args)) : store::Store::open(dbConnection(args));
  o.users = store::openUsers(*o.store);
  o.audit = store::openAudit(*o.store);
  return o;
}

store::User existing(Opened& o, const std::string& l) {
  auto u = o.users->find(l);
  if (!u) throw Error(ErrorKind::NotFound, "пользователь «" + l + "»", "такого пользователя нет");
  return *u;
}

const OptionSpec kPasswordFile{"password-file", "FILE",
                               "прочитать пароль из FILE (иначе со стандартного ввода)"};
const OptionSpec kIterations{"iterations", "N",
                             "итераций PBKDF2-HMAC-SHA256 (по умолчанию 600000, не меньше 100000)"};

}  // namespace

Command userAddCommand() {
  return {
      {"user add",
       "LOGIN --role ROLE --name \"ФИО\" [--staff ID]",
       "Создаёт пользователя службы. Роли: admin (администратор ЭЖ), deputy (заместитель директора по "
       "УВР), secretary (секретарь), class_teacher (классный руководитель), teacher (учитель), auditor "
       "(проверяющий); в хранилище нескольких школ также region_inspector (методист управления образования: "
       "читает отчёты, находки и списки архивов всех школ) и region_admin (администратор региона). "
       "Учителю и классному руководителю нужен --staff — код сотрудника в журнале; пользователю школы в "
       "хранилище нескольких школ — --school. Пароль читается из --password-file или со стандартного ввода.",
       {{"role", "ROLE",
         "admin, deputy, secretary, class_teacher, teacher, auditor, region_inspector, region_admin"},
        {"school", "ID", "школа пользователя (код школы в хранилище); для ролей региона не указывается"},
        {"name", "FIO", "ФИО полностью"},
        {"staff", "ID", "код сотрудника в журнале (учитель, классный руководитель)"},
        {"email", "ADDR", "адрес электронной почты для писем по итогам проверок (если в журнале его нет)"},
        kPasswordFile,
        kIterations}},
      [](const Args& args) {
        store::User u;
        u.login = login(args, "add");
        auto roleText = args.get("role");
        if (!roleText) throw Error(ErrorKind::Input, "user add", "укажите роль: --role ROLE");
        auto role = store::roleFromString(*roleText);
        if (!role) throw Error(ErrorKind::Input, "--role", "неизвестная роль «" + *roleText + "»");
        u.role = *role;
        u.fullName = args.get("name", "");
        if (u.fullName.empty()) throw Error(ErrorKind::Input, "user add", "укажите ФИО: --name \"...\"");
        u.staffId = args.get("staff", "");
        u.email = args.get("email", "");
        if (!u.email.empty() && u.email.find('@') == std::string::npos)
          throw Error(ErrorKind::Input, "--email", "неверный адрес электронной почты «" + u.email + "»");
        if ((u.role == store::Role::Teacher || u.role == store::Role::ClassTeacher) && u.staffId.empty())
          throw Error(ErrorKind::Input, "user add", "для учителя и классного руководителя нужен --staff ID");
        int n = iterations(args);
        u.passwordHash = service::hashPassword(readPassword(args), n);
        Opened o = open(args);
        u.schoolId = args.get("school", "");
        if (store::isRegional(u.role)) {
          if (!u.schoolId.empty())
            throw Error(ErrorKind::Input, "--school",
                        "роль «" + std::string(store::russianTitle(u.role)) +
                            "» работает со всеми школами хранилища: --school не указывается");
        } else {
          const auto stored = o.store->schools();
          const bool known = std::find(stored.begin(), stored.end(), u.schoolId) != stored.end();
          if (!u.schoolId.empty() && !known && u.role == store::Role::Admin) {
            // A school joins the region by its first journal, which its administrator loads.
            std::cerr << "Школы «" << u.schoolId
                      << "» ещё нет в хранилище: её журнал загрузит этот администратор\n";
          } else if (!u.schoolId.empty() || !stored.empty()) {
            u.schoolId = schoolOf(args, *o.store);  // the store's only school, or the named one (checked)
          }
        }
        if (!u.staffId.empty() && !service::checkStaffId(*o.store, u.staffId, u.schoolId))
          std::cerr << "Предупреждение: в хранилище ещё нет журнала, код сотрудника «" << u.staffId
                    << "» не проверен; пока его нет в журнале, пользователь не видит ни одного класса\n";
        o.users->add(u);
        o.audit->append({cliActor(), "user.add", u.login, "ok", std::string(store::toString(u.role)), ""});
        std::cout << "Пользователь " << u.login << " (" << store::russianTitle(u.role) << ") создан\n";
        return kExitOk;
      }};
}

Command userPasswdCommand() {
  return {{"user passwd",
           "LOGIN",
           "Задаёт пароль пользователя (из --password-file или со стандартного "
           "ввода). Отзывает его токены и снимает блокировку.",
           {kPasswordFile, kIterations}},
          [](const Args& args) {
            std::string l = login(args, "passwd");
            int n = iterations(args);
            Opened o = open(args);
            store::User u = existing(o, l);
            u.passwordHash = service::hashPassword(readPassword(args), n);
            o.users->update(u);
            o.users->revokeAllTokens(l);
            o.users->clearLoginFailures(l);
            o.audit->append({cliActor(), "user.passwd", l, "ok", "пароль задан в командной строке", ""});
            std::cout << "Пароль пользователя " << l << " изменён\n";
            return kExitOk;
          }};
}

Command userToggleCommand(bool disable) {
  return {{disable ? "user disable" : "user enable",
           "LOGIN",
           disable ? "Отключает пользователя: вход запрещается, его токены сразу перестают действовать."
                   : "Снова включает отключённого пользователя.",
           {}},
          [disable](const Args& args) {
            std::string l = login(args, disable ? "disable" : "enable");
            Opened o = open(args);
            store::User u = existing(o, l);
            u.disabled = disable;
            o.users->update(u);
            if (disable) o.users->revokeAllTokens(l);
            o.audit->append({cliActor(), "user.change", l, "ok", disable ? "отключён" : "включён", ""});
            std::cout << "Пользователь " << l << (disable ? " отключён\n" : " включён\n");
            return kExitOk;
          }};
}

Command userListCommand() {
  return {
      {"user list",
       "",
       "Перечисляет пользователей службы: роль, ФИО, код сотрудника, состояние и школу («-» — роль региона "
       "или единственная школа хранилища).",
       {jsonFormatOption()}},
      [](const Args& args) {
        const bool json = wantsJson(args);
        Opened o = open(args, true);
        if (json) {
          const auto now = model::systemClock()->now();
          std::cout << model::JsonObject()
                           .raw("users", model::jsonArray(
                                             o.users->list(),
                                             [&](const store::User& u) {
                                               return model::JsonObject()
                                                   .text("login", u.login)
                                                   .text("role", std::string(store::toString(u.role)))
                                                   .text("full_name", u.fullName)
                                                   .textOrNull("staff", u.staffId)
                                                   .textOrNull("school", u.schoolId)
                                                   .text("state", u.disabled ? "disabled"
                                                                  : u.lockedUntil && *u.lockedUntil > now
                                                                      ? "locked"
                                                                      : "active")
                                                   .text("created_at", u.createdAt.toString())
                                                   .json();
                                             },
                                             "\n  ", "\n"))
                           .json()
                    << "\n";
          return kExitOk;
        }
        for (const auto& u : o.users->list()) {
          std::cout << u.login << "\t" << store::toString(u.role) << "\t" << u.fullName << "\t"
                    << (u.staffId.empty() ? "-" : u.staffId) << "\t"
                    << (u.disabled                                                      ? "отключён"
                        : u.lockedUntil && *u.lockedUntil > model::systemClock()->now() ? "заблокирован"
                                                                                        : "активен")
                    << "\t" << (u.schoolId.empty() ? "-" : u.schoolId) << "\n";
        }
        return kExitOk;
      }};
}

}  // namespace ejournal::app
