// `ejournal audit verify|list`: checks the audit log's hash chain and prints its records.
#include <iostream>

#include "commands.h"
#include "ejournal/model/error.h"
#include "ejournal/model/json.h"
#include "ejournal/store/audit.h"
#include "ejournal/store/store.h"

namespace ejournal::app {

Command auditVerifyCommand() {
  return {{"audit verify",
           "",
           "Пересчитывает цепочку хешей журнала аудита. Код выхода 0, если журнал цел; 1 — с номером "
           "первой изменённой, удалённой или переставленной записи.",
           {jsonFormatOption()}},
          [](const Args& args) {
            const bool json = wantsJson(args);
            auto s = store::Store::openExisting(dbConnection(args));
            auto v = store::openAudit(*s)->verify();
            if (json) {
              std::cout << model::JsonObject()
                               .boolean("ok", v.ok)
                               .integer("records", static_cast<long long>(v.records))
                               .textOrNull("last_hash", v.ok ? v.lastHash : "")
                               .textOrNull("problem", v.problem)
                               .json()
                        << "\n";
              return v.ok ? kExitOk : kExitFindings;
            }
            if (!v.ok) {
              std::cout << "Журнал аудита НАРУШЕН: " << v.problem
                        << " (проверено записей до неё: " << v.records << ")\n";
              return kExitFindings;
            }
            std::cout << "Журнал аудита цел: записей " << v.records << ", хеш последней " << v.lastHash
                      << "\n";
            return kExitOk;
          }};
}

Command auditListCommand() {
  return {{"audit list",
           "[--after SEQ] [--limit N] [--actor LOGIN] [--action NAME]",
           "Печатает записи журнала аудита. Текстом — через табуляцию: номер, время, кто, действие, объект, "
           "итог, подробности.",
           {{"after", "SEQ", "записи после этого номера"},
            {"limit", "N", "не больше N записей (по умолчанию 100)"},
            {"actor", "LOGIN", "только этого пользователя"},
            {"action", "NAME", "только это действие (login, login.failed, ingest, seal, ...)"},
            jsonFormatOption()}},
          [](const Args& args) {
            const bool json = wantsJson(args);
            store::AuditQuery q;
            try {
              q.afterSeq = std::stoll(args.get("after", "0"));
              q.limit = static_cast<size_t>(std::stoul(args.get("limit", "100")));
            } catch (const std::exception&) {
              throw Error(ErrorKind::Input, "audit list", "--after и --limit должны быть целыми числами");
            }
            q.actor = args.get("actor", "");
            q.action = args.get("action", "");
            auto s = store::Store::openExisting(dbConnection(args));
            if (json) {
              std::cout << model::JsonObject()
                               .raw("records", model::jsonArray(
                                                   store::openAudit(*s)->list(q),
                                                   [](const store::AuditRecord& r) {
                                                     return model::JsonObject()
                                                         .integer("seq", r.seq)
                                                         .text("at", r.at.toString())
                                                         .text("actor", r.entry.actor)
                                                         .text("action", r.entry.action)
                                                         .text("object", r.entry.object)
                                                         .text("outcome", r.entry.outcome)
                                                         .text("details", r.entry.details)
                                                         .textOrNull("address", r.entry.address)
                                                         .text("hash", r.hash)
                                                         .json();
                                                   },
                                                   "\n  ", "\n"))
                               .json()
                        << "\n";
              return kExitOk;
            }
            for (const auto& r : store::openAudit(*s)->list(q))
              std::cout << r.seq << "\t" << r.at.toString() << "\t" << r.entry.actor << "\t" << r.entry.action
                        << "\t" << r.entry.object << "\t" << r.entry.outcome << "\t" << r.entry.details
                        << "\n";
            return kExitOk;
          }};
}

}  // namespace ejournal::app
