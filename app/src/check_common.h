// Shared by `ejournal check` and `ejournal report ...`: the scope options, loading the journal from the
// store, and the rules configuration (--rules FILE or the shipped school defaults).
#pragma once

#include <memory>
#include <vector>

#include "cli.h"
#include "ejournal/model/clock.h"
#include "ejournal/model/index.h"
#include "ejournal/model/journal.h"
#include "ejournal/rules/rules.h"
#include "ejournal/store/store.h"

namespace ejournal::app {

// --period, --from, --to, --class, --subject, --teacher, --rules.
std::vector<OptionSpec> scopeOptions();

struct CheckInput {
  std::unique_ptr<store::Store>
      store;  // the store the journal came from, kept open for what the command records
  model::Journal journal;
  rules::Config config;
  std::shared_ptr<model::Clock> clock;
};

// Opens the store named by --db / EJOURNAL_DB, loads the school's whole journal (the whole year and every
// class: positions in the thematic plan, period marks and teachers' other classes need it; --class narrows
// the scope of the check, not the load) and reads --rules.
CheckInput loadForCheck(const Args& args);

rules::Scope resolveScopeFromArgs(const model::JournalIndex& index, const Args& args,
                                  const model::Clock& clock);

}  // namespace ejournal::app
