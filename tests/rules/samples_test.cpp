// The sample generator's planted violations against the rules: over the whole year every planted violation is
// found, and nothing else of the planted kinds (samples/README.md documents the kinds).
#include <boost/test/unit_test.hpp>
#include <map>
#include <set>
#include <sstream>

#include "ejournal/model/index.h"
#include "ejournal/rules/rules.h"
#include "ejournal/samples/generator.h"

using namespace ejournal;

namespace {

// How a planted violation and a finding are matched: by rule, class, subject, and the lesson or student (and
// the period for per-period kinds) where the plant names them.
std::string key(const std::string& rule, const std::string& cls, const std::string& subject,
                const std::string& lesson, const std::string& student, const std::string& period) {
  std::string k = rule + " " + cls + " " + subject;
  if (!lesson.empty()) k += " lesson=" + lesson;
  if (!student.empty()) k += " student=" + student;
  if (rule == "marks.accumulation" || rule == "marks.period_objective") k += " period=" + period;
  return k;
}

void compare(const samples::Sample& sample) {
  const model::JournalIndex idx(sample.journal);
  model::FixedClock clock(*model::DateTime::parse("2026-08-01T12:00:00"));
  const std::string year = std::to_string(sample.journal.year.startYear) + "-year";
  const auto scope = rules::resolveScope(idx, year, "", "", "", "", "", clock);
  const auto findings = rules::check(idx, scope, rules::Config::schoolDefaults());

  std::map<std::string, std::multiset<std::string>> planted, found;
  for (const auto& p : sample.planted)
    planted[p.rule].insert(key(p.rule, p.classId, p.subjectId, p.lessonId, p.studentId, p.periodId));
  for (const auto& f : findings) {
    auto it = planted.find(f.rule);
    if (it == planted.end()) continue;
    // A finding is compared at the granularity its plants use (lesson-level plants name the lesson only).
    const auto& any = *it->second.begin();
    const bool byLesson = any.find(" lesson=") != std::string::npos;
    const bool byStudent = any.find(" student=") != std::string::npos;
    found[f.rule].insert(key(f.rule, f.classId, f.subjectId, byLesson ? f.lessonId : "",
                             byStudent ? f.studentId : "", f.period));
  }
  for (const auto& [rule, want] : planted) {
    const auto& got = found[rule];
    std::ostringstream missing, extra;
    for (const auto& k : want)
      if (got.count(k) < want.count(k)) missing << "\n  missing: " << k;
    for (const auto& k : got)
      if (want.count(k) < got.count(k)) extra << "\n  extra: " << k;
    BOOST_TEST(missing.str().empty(), rule << " (" << want.size() << " planted)" << missing.str());
    BOOST_TEST(extra.str().empty(), rule << " (" << got.size() << " found)" << extra.str());
  }
  BOOST_TEST(planted.size() >= 10u);
}

}  // namespace

BOOST_AUTO_TEST_CASE(planted_violations_found_exactly_11_classes) {
  samples::SampleOptions o;
  o.classes = 11;
  compare(samples::generate(o));
}

BOOST_AUTO_TEST_CASE(planted_violations_found_exactly_other_seed) {
  samples::SampleOptions o;
  o.classes = 11;
  o.seed = 7;
  compare(samples::generate(o));
}

BOOST_AUTO_TEST_CASE(clean_sample_has_no_violations) {
  samples::SampleOptions o;
  o.classes = 11;
  o.plantViolations = false;
  const auto sample = samples::generate(o);
  const model::JournalIndex idx(sample.journal);
  model::FixedClock clock(*model::DateTime::parse("2026-08-01T12:00:00"));
  const auto scope = rules::resolveScope(idx, "2025-year", "", "", "", "", "", clock);
  const auto findings = rules::check(idx, scope, rules::Config::schoolDefaults());
  std::map<std::string, int> byRule;
  for (const auto& f : findings) ++byRule[f.rule];
  std::ostringstream s;
  for (const auto& [r, n] : byRule) s << r << "=" << n << " ";
  BOOST_TEST(!rules::hasViolations(findings), s.str());
}
