// Data-driven rule cases: tests/rules/cases/<case>/input.xml (a journal in our XML format) and expected.txt
// (description, scope, the rules compared, and the expected findings of those rules as key=value fields).
// tests/rules/make_cases.py documents how the cases were made. Every case must produce exactly the expected
// findings of its rules: nothing missing, nothing extra.
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "ejournal/ingest/ingest.h"
#include "ejournal/model/files.h"
#include "ejournal/rules/rules.h"

using namespace ejournal;
namespace fs = std::filesystem;

namespace {

struct Case {
  std::string name;
  std::string description;
  std::map<std::string, std::string> scope;
  std::vector<std::string> rules;  // "all" or ids
  std::vector<std::map<std::string, std::string>> expected;
  std::vector<std::string> notChecked;  // rules (of those compared) that must be reported as not checked
};

std::map<std::string, std::string> fields(std::istringstream& in) {
  std::map<std::string, std::string> out;
  std::string tok;
  while (in >> tok) {
    auto eq = tok.find('=');
    if (eq == std::string::npos)
      out["rule"] = tok;
    else
      out[tok.substr(0, eq)] = tok.substr(eq + 1);
  }
  return out;
}

Case readCase(const fs::path& dir) {
  Case c;
  c.name = dir.filename().string();
  std::ifstream f(dir / "expected.txt");
  std::string line;
  while (std::getline(f, line)) {
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    const std::string key = line.substr(0, colon);
    std::istringstream rest(line.substr(colon + 1));
    if (key == "description")
      c.description = line.substr(colon + 2);
    else if (key == "scope")
      c.scope = fields(rest);
    else if (key == "rules") {
      std::string r;
      while (rest >> r) c.rules.push_back(r);
    } else if (key == "finding") {
      c.expected.push_back(fields(rest));
    } else if (key == "not_checked") {
      std::string r;
      while (rest >> r) c.notChecked.push_back(r);
    }
  }
  return c;
}

bool matches(const model::Finding& f, const std::map<std::string, std::string>& want) {
  for (const auto& [k, v] : want) {
    std::string have;
    if (k == "rule")
      have = f.rule;
    else if (k == "lesson")
      have = f.lessonId;
    else if (k == "student")
      have = f.studentId;
    else if (k == "class")
      have = f.classId;
    else if (k == "subject")
      have = f.subjectId;
    else if (k == "teacher")
      have = f.teacherId;
    else if (k == "period")
      have = f.period;
    else if (k == "severity")
      have = std::string(model::toString(f.severity));
    else {
      bool found = false;
      for (const auto& x : f.figures)
        if (x.name == k) {
          found = true;
          std::ostringstream o;
          o << x.value;
          have = o.str();
        }
      if (!found) return false;
    }
    if (have != v) return false;
  }
  return true;
}

std::string describe(const model::Finding& f) {
  std::ostringstream o;
  o << f.rule << " lesson=" << f.lessonId << " student=" << f.studentId << " class=" << f.classId
    << " teacher=" << f.teacherId << ": " << f.message;
  return o.str();
}

}  // namespace

BOOST_AUTO_TEST_CASE(data_driven_rule_cases) {
  const fs::path root = fs::path(EJOURNAL_SOURCE_DIR) / "tests/rules/cases";
  std::vector<fs::path> dirs;
  for (const auto& e : fs::directory_iterator(root))
    if (e.is_directory()) dirs.push_back(e.path());
  std::sort(dirs.begin(), dirs.end());
  BOOST_TEST_REQUIRE(dirs.size() >= 30u);
  std::map<std::string, int> violating, compliant;
  for (const auto& dir : dirs) {
    const Case c = readCase(dir);
    BOOST_TEST_CONTEXT(c.name << ": " << c.description) {
      BOOST_TEST_REQUIRE(!c.description.empty());
      BOOST_TEST_REQUIRE(!c.rules.empty());
      model::Journal j;
      try {
        j = ingest::readJournal(model::readFile(dir / "input.xml"), (dir / "input.xml").string());
      } catch (const ingest::InvalidDocument& e) {
        std::string problems;
        for (const auto& p : e.problems()) problems += "\n  " + p.toString();
        BOOST_ERROR("invalid case document" << problems);
        continue;
      }
      const model::JournalIndex idx(j);
      auto get = [&](const char* k) {
        auto it = c.scope.find(k);
        return it == c.scope.end() ? std::string() : it->second;
      };
      model::FixedClock clock(*model::DateTime::parse(get("today") + "T20:00:00"));
      const auto scope =
          rules::resolveScope(idx, get("period"), get("from"), get("to"), get("class"), "", "", clock);
      const bool all = c.rules.size() == 1 && c.rules[0] == "all";
      const auto compared = [&](const std::string& rule) {
        return all || std::find(c.rules.begin(), c.rules.end(), rule) != c.rules.end();
      };
      auto result = rules::run(idx, scope, rules::Config::schoolDefaults());
      std::vector<model::Finding> got;
      for (auto& f : result.findings)
        if (compared(f.rule)) got.push_back(std::move(f));
      std::vector<std::string> notChecked;
      for (const auto& n : result.notChecked)
        if (compared(n.ruleId)) notChecked.push_back(n.ruleId);
      BOOST_TEST(notChecked == c.notChecked, boost::test_tools::per_element());
      std::vector<bool> used(got.size(), false);
      for (const auto& want : c.expected) {
        bool found = false;
        for (size_t i = 0; i < got.size() && !found; ++i)
          if (!used[i] && matches(got[i], want)) used[i] = found = true;
        std::string w;
        for (const auto& [k, v] : want) w += k + "=" + v + " ";
        BOOST_TEST(found, "expected finding not produced: " << w);
      }
      for (size_t i = 0; i < got.size(); ++i) BOOST_TEST(used[i], "unexpected finding: " << describe(got[i]));
      for (const auto& r : c.rules) (c.expected.empty() ? compliant : violating)[r]++;
    }
  }
  // Every rule has at least one violating and one compliant case (the base case covers "all").
  for (const auto& r : rules::catalogue()) {
    BOOST_TEST(violating[r.id] > 0, "no violating case for " << r.id);
    BOOST_TEST((compliant[r.id] > 0 || compliant["all"] > 0), "no compliant case for " << r.id);
  }
}
