// A small hand-built school with dnevnik.ru-style numeric ids, exercising every shape the pull maps: two classes
// (grade 5 with quarters, grade 10 with half-years), a class split into two English subgroups, a pupil who leaves and
// one who joins, a control work and a lab, marks «н/а» and «зач», a recorded substitution, a lesson with nothing
// recorded, all attendance statuses, quarter, year and exam marks. Used by the pull tests and `dnevnik-emulator
// --builtin`. September and October 2025.
#pragma once

#include "ejournal/model/journal.h"

namespace ejournal::pulltest {

model::Journal handJournal();

}  // namespace ejournal::pulltest
