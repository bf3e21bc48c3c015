// The scope options and journal loading shared by `ejournal check` and `ejournal report`.
#include "check_common.h"

#include "ejournal/model/error.h"
#include "ejournal/store/store.h"

namespace ejournal::app {

std::vector<OptionSpec> scopeOptions() {
  return {{"period", "P", "период: 2025-Q1..2025-Q4, 2025-H1, 2025-H2 или 2025-year"},
          {"from", "D", "первый день диапазона дат (ГГГГ-ММ-ДД), вместе с --to"},
          {"to", "D", "последний день диапазона дат (ГГГГ-ММ-ДД)"},
          {"class", "C", "один класс, по названию (5А) или коду"},
          {"subject", "S", "один предмет, по названию или коду"},
          {"teacher", "T", "один учитель: код, ФИО, «Фамилия И. О.» или фамилия"},
          {"rules", "FILE", "настройки правил (schemas/rules.xsd); по умолчанию rules/config/default.xml"},
          schoolOption()};
}

CheckInput loadForCheck(const Args& args) {
  CheckInput in;
  in.clock = model::systemClock();
  in.config = args.has("rules") ? rules::Config::load(*args.get("rules")) : rules::Config::schoolDefaults();
  in.store = store::Store::openExisting(dbConnection(args), in.clock);
  store::LoadFilter filter;
  filter.schoolId = schoolOf(args, *in.store);
  in.journal = in.store->load(filter);
  return in;
}

rules::Scope resolveScopeFromArgs(const model::JournalIndex& index, const Args& args,
                                  const model::Clock& clock) {
  return rules::resolveScope(index, args.get("period", ""), args.get("from", ""), args.get("to", ""),
                             args.get("class", ""), args.get("subject", ""), args.get("teacher", ""), clock);
}

}  // namespace ejournal::app
