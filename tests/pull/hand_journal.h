// A small hand-built school with dnevnik.ru-style numeric ids, exercising every shape the pull maps: two
// classes (grade 5 with quarters, grade 10 with half-years), a class split into two English subgroups, a
// pupil who leaves and one who joins, a control work and a lab, marks «н/а» and «зач», a recorded
// substitution, a lesson with nothing recorded, all attendance statuses, quarter, year and exam marks. Used
// by the pull tests and `dnevnik-emulator
// --builtin`. September and October 2025. The store tests build their sample school on the same frame.
#pragma once

#include <string>

#include "ejournal/model/journal.h"

namespace ejournal::pulltest {

model::Journal handJournal();

// The frame of the hand-built schools (handJournal and the store tests' sample journal): МАОУ лицей «Ступени»
// with id `schoolId`, the academic year 2025/2026, its periods in calendar order (quarters for grades 1-9,
// half-years for grades 10-11, the year for all) and the autumn and winter holidays. Nothing else: no staff,
// classes or records.
model::Journal lyceumYear2025(const std::string& schoolId);

}  // namespace ejournal::pulltest
