// The journal's tables (migrations 1-9). One row per model record, every table keyed by school_id first, so
// one PostgreSQL database holds a region's schools. Conventions of these tables:
//  - optional text (a missing subgroup, an open enrolment end, an unknown entry time) is '' rather than NULL,
//  so
//    natural keys with optional parts stay unique;
//  - dates are TEXT "YYYY-MM-DD", date-times TEXT "YYYY-MM-DDTHH:MM:SS"; enums are their model string ids;
//  - `content_hash` is a 64-bit hash of the record's content (children included), compared on re-ingest so an
//    unchanged record is not written again; `run_id` names the ingest run (ingest_runs) that last wrote the
//    row.
#include "database.h"

namespace ejournal::store {

std::vector<Migration> journalMigrations() {
  return {
      {1,
       "journal: schools, reference data, lessons, marks, attendance, period marks, ingest runs",
       {
           R"(CREATE TABLE schools (
                school_id TEXT PRIMARY KEY, full_name TEXT NOT NULL, short_name TEXT NOT NULL,
                director TEXT NOT NULL, deputy_director TEXT NOT NULL, address TEXT NOT NULL,
                format_version INTEGER NOT NULL, year_start INTEGER NOT NULL, year_from TEXT NOT NULL,
                year_to TEXT NOT NULL, content_hash BIGINT NOT NULL, run_id TEXT NOT NULL))",
           R"(CREATE TABLE ingest_runs (
                school_id TEXT NOT NULL, run_id TEXT NOT NULL, source TEXT NOT NULL, started_at TEXT NOT NULL,
                finished_at TEXT NOT NULL, inserted INTEGER NOT NULL, updated INTEGER NOT NULL,
                unchanged INTEGER NOT NULL, mark_changes INTEGER NOT NULL,
                PRIMARY KEY (school_id, run_id)))",
           R"(CREATE TABLE periods (
                school_id TEXT NOT NULL REFERENCES schools (school_id) ON DELETE CASCADE, id TEXT NOT NULL,
                kind TEXT NOT NULL, number INTEGER NOT NULL, date_from TEXT NOT NULL, date_to TEXT NOT NULL,
                grade_from INTEGER NOT NULL, grade_to INTEGER NOT NULL, content_hash BIGINT NOT NULL,
                run_id TEXT NOT NULL, PRIMARY KEY (school_id, id)))",
           R"(CREATE TABLE holidays (
                school_id TEXT NOT NULL REFERENCES schools (school_id) ON DELETE CASCADE, date_from TEXT NOT NULL,
                name TEXT NOT NULL, date_to TEXT NOT NULL, content_hash BIGINT NOT NULL, run_id TEXT NOT NULL,
                PRIMARY KEY (school_id, date_from, name)))",
           R"(CREATE TABLE staff (
                school_id TEXT NOT NULL REFERENCES schools (school_id) ON DELETE CASCADE, id TEXT NOT NULL,
                last_name TEXT NOT NULL, first_name TEXT NOT NULL, middle_name TEXT NOT NULL,
                position TEXT NOT NULL, content_hash BIGINT NOT NULL, run_id TEXT NOT NULL,
                PRIMARY KEY (school_id, id)))",
           R"(CREATE TABLE subjects (
                school_id TEXT NOT NULL REFERENCES schools (school_id) ON DELETE CASCADE, id TEXT NOT NULL,
                name TEXT NOT NULL, short_name TEXT NOT NULL, sort_order INTEGER NOT NULL, grading TEXT NOT NULL,
                two_marks_per_cell INTEGER NOT NULL, content_hash BIGINT NOT NULL, run_id TEXT NOT NULL,
                PRIMARY KEY (school_id, id)))",
           R"(CREATE TABLE classes (
                school_id TEXT NOT NULL REFERENCES schools (school_id) ON DELETE CASCADE, id TEXT NOT NULL,
                grade INTEGER NOT NULL, letter TEXT NOT NULL, class_teacher_id TEXT NOT NULL,
                content_hash BIGINT NOT NULL, run_id TEXT NOT NULL, PRIMARY KEY (school_id, id)))",
           R"(CREATE TABLE students (
                school_id TEXT NOT NULL REFERENCES schools (school_id) ON DELETE CASCADE, id TEXT NOT NULL,
                last_name TEXT NOT NULL, first_name TEXT NOT NULL, middle_name TEXT NOT NULL,
                birth_date TEXT NOT NULL, content_hash BIGINT NOT NULL, run_id TEXT NOT NULL,
                PRIMARY KEY (school_id, id)))",
           R"(CREATE TABLE enrolments (
                school_id TEXT NOT NULL, student_id TEXT NOT NULL, seq INTEGER NOT NULL, class_id TEXT NOT NULL,
                date_from TEXT NOT NULL, date_to TEXT NOT NULL, PRIMARY KEY (school_id, student_id, seq),
                FOREIGN KEY (school_id, student_id) REFERENCES students (school_id, id) ON DELETE CASCADE))",
           "CREATE INDEX enrolments_by_class ON enrolments (school_id, class_id)",
           R"(CREATE TABLE subgroups (
                school_id TEXT NOT NULL REFERENCES schools (school_id) ON DELETE CASCADE, id TEXT NOT NULL,
                class_id TEXT NOT NULL, subject_id TEXT NOT NULL, name TEXT NOT NULL, teacher_id TEXT NOT NULL,
                content_hash BIGINT NOT NULL, run_id TEXT NOT NULL, PRIMARY KEY (school_id, id)))",
           R"(CREATE TABLE memberships (
                school_id TEXT NOT NULL, subgroup_id TEXT NOT NULL, seq INTEGER NOT NULL, student_id TEXT NOT NULL,
                date_from TEXT NOT NULL, date_to TEXT NOT NULL, PRIMARY KEY (school_id, subgroup_id, seq),
                FOREIGN KEY (school_id, subgroup_id) REFERENCES subgroups (school_id, id) ON DELETE CASCADE))",
           "CREATE INDEX memberships_by_student ON memberships (school_id, student_id)",
           R"(CREATE TABLE curriculum (
                school_id TEXT NOT NULL REFERENCES schools (school_id) ON DELETE CASCADE, class_id TEXT NOT NULL,
                subject_id TEXT NOT NULL, subgroup_id TEXT NOT NULL, hours_per_week DOUBLE PRECISION NOT NULL,
                hours_year INTEGER NOT NULL, content_hash BIGINT NOT NULL, run_id TEXT NOT NULL,
                PRIMARY KEY (school_id, class_id, subject_id, subgroup_id)))",
           R"(CREATE TABLE curriculum_periods (
                school_id TEXT NOT NULL, class_id TEXT NOT NULL, subject_id TEXT NOT NULL, subgroup_id TEXT NOT NULL,
                seq INTEGER NOT NULL, period_id TEXT NOT NULL, hours INTEGER NOT NULL,
                PRIMARY KEY (school_id, class_id, subject_id, subgroup_id, seq),
                FOREIGN KEY (school_id, class_id, subject_id, subgroup_id)
                  REFERENCES curriculum (school_id, class_id, subject_id, subgroup_id) ON DELETE CASCADE))",
           R"(CREATE TABLE plan (
                school_id TEXT NOT NULL REFERENCES schools (school_id) ON DELETE CASCADE, class_id TEXT NOT NULL,
                subject_id TEXT NOT NULL, subgroup_id TEXT NOT NULL, number INTEGER NOT NULL, topic TEXT NOT NULL,
                work_type TEXT NOT NULL, work_topic TEXT NOT NULL, homework INTEGER NOT NULL, hours INTEGER NOT NULL,
                content_hash BIGINT NOT NULL, run_id TEXT NOT NULL,
                PRIMARY KEY (school_id, class_id, subject_id, subgroup_id, number)))",
           R"(CREATE TABLE timetable (
                school_id TEXT NOT NULL REFERENCES schools (school_id) ON DELETE CASCADE, class_id TEXT NOT NULL,
                weekday INTEGER NOT NULL, slot INTEGER NOT NULL, subject_id TEXT NOT NULL, subgroup_id TEXT NOT NULL,
                valid_from TEXT NOT NULL, valid_to TEXT NOT NULL, teacher_id TEXT NOT NULL,
                content_hash BIGINT NOT NULL, run_id TEXT NOT NULL,
                PRIMARY KEY (school_id, class_id, weekday, slot, subject_id, subgroup_id, valid_from)))",
           R"(CREATE TABLE lessons (
                school_id TEXT NOT NULL, id TEXT NOT NULL, lesson_date TEXT NOT NULL, slot INTEGER NOT NULL,
                class_id TEXT NOT NULL, subject_id TEXT NOT NULL, subgroup_id TEXT NOT NULL,
                teacher_id TEXT NOT NULL, substitute_teacher_id TEXT NOT NULL, hours INTEGER NOT NULL,
                topic TEXT NOT NULL, topic_entered_at TEXT NOT NULL, topic_entered_by TEXT NOT NULL,
                homework TEXT NOT NULL, attendance_taken INTEGER NOT NULL, attendance_entered_at TEXT NOT NULL,
                content_hash BIGINT NOT NULL, run_id TEXT NOT NULL, PRIMARY KEY (school_id, id),
                FOREIGN KEY (school_id, class_id) REFERENCES classes (school_id, id)))",
           "CREATE INDEX lessons_by_class_date ON lessons (school_id, class_id, lesson_date, slot)",
           "CREATE INDEX lessons_by_date ON lessons (school_id, lesson_date, slot)",
           "CREATE INDEX lessons_by_subject ON lessons (school_id, subject_id, class_id)",
           "CREATE INDEX lessons_by_teacher ON lessons (school_id, teacher_id)",
           R"(CREATE TABLE works (
                school_id TEXT NOT NULL, id TEXT NOT NULL, lesson_id TEXT NOT NULL, seq INTEGER NOT NULL,
                work_type TEXT NOT NULL, topic TEXT NOT NULL, weight INTEGER NOT NULL, PRIMARY KEY (school_id, id),
                FOREIGN KEY (school_id, lesson_id) REFERENCES lessons (school_id, id) ON DELETE CASCADE))",
           "CREATE INDEX works_by_lesson ON works (school_id, lesson_id, seq)",
           R"(CREATE TABLE marks (
                school_id TEXT NOT NULL, id TEXT NOT NULL, student_id TEXT NOT NULL, lesson_id TEXT NOT NULL,
                work_id TEXT NOT NULL, value TEXT NOT NULL, weight INTEGER NOT NULL, entered_at TEXT NOT NULL,
                entered_by TEXT NOT NULL, content_hash BIGINT NOT NULL, run_id TEXT NOT NULL,
                PRIMARY KEY (school_id, id),
                FOREIGN KEY (school_id, lesson_id) REFERENCES lessons (school_id, id),
                FOREIGN KEY (school_id, student_id) REFERENCES students (school_id, id)))",
           "CREATE INDEX marks_by_lesson ON marks (school_id, lesson_id)",
           "CREATE INDEX marks_by_student ON marks (school_id, student_id)",
           R"(CREATE TABLE mark_history (
                school_id TEXT NOT NULL, mark_id TEXT NOT NULL, changed_at TEXT NOT NULL, old_value TEXT NOT NULL,
                new_value TEXT NOT NULL, changed_by TEXT NOT NULL, run_id TEXT NOT NULL,
                PRIMARY KEY (school_id, mark_id, changed_at, old_value, new_value),
                FOREIGN KEY (school_id, mark_id) REFERENCES marks (school_id, id) ON DELETE CASCADE))",
           R"(CREATE TABLE attendance (
                school_id TEXT NOT NULL, lesson_id TEXT NOT NULL, student_id TEXT NOT NULL, status TEXT NOT NULL,
                entered_at TEXT NOT NULL, content_hash BIGINT NOT NULL, run_id TEXT NOT NULL,
                PRIMARY KEY (school_id, lesson_id, student_id),
                FOREIGN KEY (school_id, lesson_id) REFERENCES lessons (school_id, id),
                FOREIGN KEY (school_id, student_id) REFERENCES students (school_id, id)))",
           "CREATE INDEX attendance_by_student ON attendance (school_id, student_id)",
           R"(CREATE TABLE period_marks (
                school_id TEXT NOT NULL, student_id TEXT NOT NULL, subject_id TEXT NOT NULL, kind TEXT NOT NULL,
                period_id TEXT NOT NULL, class_id TEXT NOT NULL, value TEXT NOT NULL, entered_at TEXT NOT NULL,
                entered_by TEXT NOT NULL, content_hash BIGINT NOT NULL, run_id TEXT NOT NULL,
                PRIMARY KEY (school_id, student_id, subject_id, kind, period_id),
                FOREIGN KEY (school_id, student_id) REFERENCES students (school_id, id)))",
           "CREATE INDEX period_marks_by_class ON period_marks (school_id, class_id, subject_id)",
       }},
      {2,
       "journal: holidays for some grades only (the extra February week of grade 1)",
       {
           "ALTER TABLE holidays ADD COLUMN grade_from INTEGER NOT NULL DEFAULT 1",
           "ALTER TABLE holidays ADD COLUMN grade_to INTEGER NOT NULL DEFAULT 11",
       }},
      {3,
       "journal: staff e-mail addresses (format version 2)",
       {
           "ALTER TABLE staff ADD COLUMN email TEXT NOT NULL DEFAULT ''",
       }},
  };
}

}  // namespace ejournal::store
