// The scope options and journal loading shared by `ejournal check` and `ejournal report`.
#include "check_common.h"

#include "ejournal/model/error.h"
#include "ejournal/store/store.h"

namespace ejournal::app {

std::vector<OptionSpec> scopeOptions() {
  return {{"period", "P", "2025-Q1..2025-Q4, 2025-H1, 2025-H2 or 2025-year"},
          {"from", "D", "first day of a date range (YYYY-MM-DD), with --to"},
          {"to", "D", "last day of a date range (YYYY-MM-DD)"},
          {"class", "C", "one class, by name (5А) or id"},
          {"subject", "S", "one subject, by name or id"},
          {"teacher", "T", "one teacher, by id, full name, «Фамилия И. О.» or last name"},
          {"rules", "FILE", "rules configuration (schemas/rules.xsd); default: rules/config/default.xml"}};
}

CheckInput loadForCheck(const Args& args) {
  CheckInput in;
  in.clock = model::systemClock();
  in.config = args.has("rules") ? rules::Config::load(*args.get("rules")) : rules::Config::schoolDefaults();
  auto store = store::Store::open(dbConnection(args), in.clock);
  store::LoadFilter filter;
  in.journal = store->load(filter);
  return in;
}

rules::Scope resolveScopeFromArgs(const model::JournalIndex& index, const Args& args, const model::Clock& clock) {
  return rules::resolveScope(index, args.get("period", ""), args.get("from", ""), args.get("to", ""),
                             args.get("class", ""), args.get("subject", ""), args.get("teacher", ""), clock);
}

}  // namespace ejournal::app
