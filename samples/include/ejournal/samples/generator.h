// A deterministic generator of a realistic school year (a lyceum, 2025/2026) with a small, documented rate of
// planted rule violations, for the demo, the tests and the benchmarks. samples/README.md describes what is
// made and, for every kind of planted violation, exactly what it looks like and which ids PlantedViolation
// carries.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ejournal/model/journal.h"

namespace ejournal::samples {

struct SampleOptions {
  int classes = 11;           // 11: one class per grade 1-11; 44: four parallels (А-Г) per grade
  int studentsPerClass = 25;  // about; varies by +-3
  uint64_t seed = 2025;
  int startYear = 2025;
  bool plantViolations = true;
  // The school's identity: empty keeps the lyceum «Ступени» (id "licey-stupeni"). A region's generated
  // schools set their own id and names (regionSchool()), so many of them can share one store.
  std::string schoolId;
  std::string schoolFullName;
  std::string schoolShortName;
};

// The options of the n-th generated school of a region (n >= 1): id "school-N", «МБОУ СОШ № N» (full name
// «Муниципальное бюджетное общеобразовательное учреждение средняя общеобразовательная школа № N»), its own
// seed (2025 + n) and `classes` classes (11 or 44).
SampleOptions regionSchool(int n, int classes);

// One violation the generator planted on purpose; the rules engine must find exactly these (of their kinds).
struct PlantedViolation {
  std::string rule;  // rule id, as in docs/rules.md: "marks.deadline"
  std::string classId;
  std::string subjectId;
  std::string lessonId;    // empty where the rule is not about one lesson
  std::string studentId;   // empty where the rule is not about one student
  std::string note;        // what was planted, in English
  std::string subgroupId;  // empty: the whole class
  std::string periodId;    // the reporting period concerned ("2025-Q2"), where the rule is about a period
};

struct Sample {
  model::Journal journal;
  std::vector<PlantedViolation> planted;
};

// Generates the school year. Deterministic: the same options give the same Sample on every platform.
// Throws ejournal::Error(ErrorKind::Input) for options out of range (classes other than 11 or 44, fewer than
// 8 or more than 40 students per class). Thread-safe (no shared state).
Sample generate(const SampleOptions& options);

// The planted violations as a JSON document: {"seed":…, "classes":…, "planted":[{"rule","class","subject",
// "subgroup","period","lesson","student","note"}…]} with absent ids as null. Deterministic.
std::string plantedToJson(const Sample& sample, const SampleOptions& options);

// The journal as the ingest stage sends it to the store in parts: first the reference data (school, year,
// periods, classes, students, teachers, subjects, curriculum and the rest but lessons, marks, attendance and
// period marks), then parts of `lessonsPerPart` lessons each with the marks and attendance that refer to
// them, the period marks in the last part. Every mark and attendance record must refer to a lesson of `j`.
std::vector<model::Journal> inParts(const model::Journal& j, size_t lessonsPerPart);

}  // namespace ejournal::samples
