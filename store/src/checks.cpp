// Recorded checks and their follow-up (checks.h): tables checks, tracked_findings, check_results, check_acks
// and outbox (migrations 30-39). tracked_findings holds one row per finding key with its current state;
// check_results the state each check saw, so a check's results stay as they were when later checks change the
// findings.
#include "ejournal/store/checks.h"

#include <Poco/Data/Session.h>
#include <Poco/Tuple.h>

#include <charconv>
#include <map>
#include <set>
#include <unordered_map>

#include "database.h"
#include "ejournal/model/error.h"

using namespace Poco::Data::Keywords;

namespace ejournal::store {

std::vector<Migration> checkMigrations() {
  return {
      {30,
       "checks: recorded checks, tracked findings, results per check, acknowledgements, outbox",
       {
           R"(CREATE TABLE checks (
                id {autoid}, school_id TEXT NOT NULL, recorded_at TEXT NOT NULL, check_date TEXT NOT NULL,
                actor TEXT NOT NULL, rules_version TEXT NOT NULL, data_state TEXT NOT NULL, period_id TEXT NOT NULL,
                period_label TEXT NOT NULL, date_from TEXT NOT NULL, date_to TEXT NOT NULL, as_of TEXT NOT NULL,
                class_id TEXT NOT NULL, subject_id TEXT NOT NULL, teacher_id TEXT NOT NULL, deadline TEXT NOT NULL,
                found INTEGER NOT NULL, fresh INTEGER NOT NULL, still_open INTEGER NOT NULL,
                reopened INTEGER NOT NULL, corrected INTEGER NOT NULL))",
           "CREATE INDEX checks_by_school ON checks (school_id, id)",
           R"(CREATE TABLE tracked_findings (
                school_id TEXT NOT NULL, finding_key TEXT NOT NULL, rule TEXT NOT NULL, period TEXT NOT NULL,
                class_id TEXT NOT NULL, subject_id TEXT NOT NULL, subgroup_id TEXT NOT NULL,
                lesson_id TEXT NOT NULL, date TEXT NOT NULL, student_id TEXT NOT NULL, item TEXT NOT NULL,
                severity TEXT NOT NULL, teacher_id TEXT NOT NULL, message TEXT NOT NULL, figures TEXT NOT NULL,
                state TEXT NOT NULL, opened_check BIGINT NOT NULL, opened_on TEXT NOT NULL,
                first_check BIGINT NOT NULL, first_on TEXT NOT NULL, corrected_check BIGINT NOT NULL,
                corrected_on TEXT NOT NULL, reopened INTEGER NOT NULL, last_check BIGINT NOT NULL,
                PRIMARY KEY (school_id, finding_key)))",
           R"(CREATE TABLE check_results (
                school_id TEXT NOT NULL, check_id BIGINT NOT NULL, position INTEGER NOT NULL,
                finding_key TEXT NOT NULL, state TEXT NOT NULL, severity TEXT NOT NULL, teacher_id TEXT NOT NULL,
                message TEXT NOT NULL, figures TEXT NOT NULL, opened_check BIGINT NOT NULL, opened_on TEXT NOT NULL,
                reopened INTEGER NOT NULL, PRIMARY KEY (school_id, check_id, finding_key)))",
           R"(CREATE TABLE check_acks (
                school_id TEXT NOT NULL, check_id BIGINT NOT NULL, staff_id TEXT NOT NULL, login TEXT NOT NULL,
                at TEXT NOT NULL, PRIMARY KEY (school_id, check_id, staff_id)))",
           R"(CREATE TABLE outbox (
                id {autoid}, school_id TEXT NOT NULL, batch TEXT NOT NULL, check_id BIGINT NOT NULL,
                staff_id TEXT NOT NULL, recipient TEXT NOT NULL, subject TEXT NOT NULL, body TEXT NOT NULL,
                created_at TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL,
                last_error TEXT NOT NULL, sent_at TEXT NOT NULL, UNIQUE (school_id, batch, staff_id)))",
       }},
  };
}

std::string_view toString(MessageStatus s) {
  switch (s) {
    case MessageStatus::Pending:
      return "pending";
    case MessageStatus::Sent:
      return "sent";
    case MessageStatus::Failed:
      return "failed";
  }
  return "pending";
}

namespace {

using model::FindingState;

std::string figuresText(const std::vector<model::Figure>& figures) {
  std::string out;
  for (const auto& f : figures) {
    if (!out.empty()) out += ';';
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, f.value);
    out += f.name + "=" + std::string(buf, r.ptr);
  }
  return out;
}

std::vector<model::Figure> figuresFrom(const std::string& text) {
  std::vector<model::Figure> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find(';', pos);
    if (end == std::string::npos) end = text.size();
    const std::string item = text.substr(pos, end - pos);
    const size_t eq = item.find('=');
    if (eq != std::string::npos) {
      model::Figure f;
      f.name = item.substr(0, eq);
      std::from_chars(item.data() + eq + 1, item.data() + item.size(), f.value);
      out.push_back(std::move(f));
    }
    pos = end + 1;
  }
  return out;
}

model::Severity severityFrom(const std::string& s) {
  if (s == "warning") return model::Severity::Warning;
  if (s == "info") return model::Severity::Info;
  return model::Severity::Error;
}

model::Date dateOr(const std::string& s) { return model::Date::parse(s).value_or(model::Date{}); }

// tracked_findings, all columns in table order.
const char* kTrackedColumns =
    "finding_key, rule, period, class_id, subject_id, subgroup_id, lesson_id, date, student_id, item, "
    "severity, "
    "teacher_id, message, figures, state, opened_check, opened_on, first_check, first_on, corrected_check, "
    "corrected_on, reopened, last_check";
// Poco's type handlers take tuples of at most 20 columns: a row is read as two tuples (two into()s).
using TrackedA = Poco::Tuple<std::string, std::string, std::string, std::string, std::string, std::string,
                             std::string, std::string, std::string, std::string, std::string, std::string>;
using TrackedB = Poco::Tuple<std::string, std::string, std::string, Poco::Int64, std::string, Poco::Int64,
                             std::string, Poco::Int64, std::string, int, Poco::Int64>;
struct TrackedRows {
  std::vector<TrackedA> a;
  std::vector<TrackedB> b;
};

// Reads the columns of both tuples by position in one: get<0..11> from a, get<12..22> from b.
struct TrackedRow {
  const TrackedA& a;
  const TrackedB& b;
};

model::TrackedFinding fromTracked(const TrackedRow& row) {
  const TrackedA& r = row.a;
  const TrackedB& q = row.b;
  model::TrackedFinding t;
  t.key = r.get<0>();
  auto& f = t.finding;
  f.rule = r.get<1>();
  f.period = r.get<2>();
  f.classId = r.get<3>();
  f.subjectId = r.get<4>();
  f.subgroupId = r.get<5>();
  f.lessonId = r.get<6>();
  f.date = model::Date::parse(r.get<7>());
  f.studentId = r.get<8>();
  f.item = r.get<9>();
  f.severity = severityFrom(r.get<10>());
  f.teacherId = r.get<11>();
  f.message = q.get<0>();
  f.figures = figuresFrom(q.get<1>());
  t.state = model::findingStateFromString(q.get<2>()).value_or(FindingState::Open);
  t.openedCheck = q.get<3>();
  t.openedOn = dateOr(q.get<4>());
  t.firstCheck = q.get<5>();
  t.firstOn = dateOr(q.get<6>());
  t.correctedCheck = q.get<7>();
  t.correctedOn = model::Date::parse(q.get<8>());
  t.reopened = q.get<9>();
  return t;
}

std::vector<model::TrackedFinding> fromTracked(const TrackedRows& rows) {
  std::vector<model::TrackedFinding> out;
  for (size_t i = 0; i < rows.a.size() && i < rows.b.size(); ++i)
    out.push_back(fromTracked(TrackedRow{rows.a[i], rows.b[i]}));
  return out;
}

const char* kCheckColumns =
    "id, school_id, recorded_at, check_date, actor, rules_version, data_state, period_id, period_label, "
    "date_from, "
    "date_to, as_of, class_id, subject_id, teacher_id, deadline, found, fresh, still_open, reopened, "
    "corrected";
using CheckA = Poco::Tuple<Poco::Int64, std::string, std::string, std::string, std::string, std::string,
                           std::string, std::string, std::string, std::string, std::string>;
using CheckB =
    Poco::Tuple<std::string, std::string, std::string, std::string, std::string, int, int, int, int, int>;
struct CheckRows {
  std::vector<CheckA> a;
  std::vector<CheckB> b;
};

CheckRecord fromCheck(const CheckA& r, const CheckB& q) {
  CheckRecord c;
  c.id = r.get<0>();
  c.schoolId = r.get<1>();
  c.recordedAt = model::DateTime::parse(r.get<2>()).value_or(model::DateTime{});
  c.checkDate = dateOr(r.get<3>());
  c.actor = r.get<4>();
  c.rulesVersion = r.get<5>();
  c.dataState = r.get<6>();
  c.periodId = r.get<7>();
  c.periodLabel = r.get<8>();
  c.dates = {dateOr(r.get<9>()), dateOr(r.get<10>())};
  c.asOf = dateOr(q.get<0>());
  c.classId = q.get<1>();
  c.subjectId = q.get<2>();
  c.teacherId = q.get<3>();
  c.deadline = dateOr(q.get<4>());
  c.found = q.get<5>();
  c.fresh = q.get<6>();
  c.open = q.get<7>();
  c.reopened = q.get<8>();
  c.corrected = q.get<9>();
  return c;
}

std::vector<CheckRecord> fromChecks(const CheckRows& rows) {
  std::vector<CheckRecord> out;
  for (size_t i = 0; i < rows.a.size() && i < rows.b.size(); ++i)
    out.push_back(fromCheck(rows.a[i], rows.b[i]));
  return out;
}

const char* kMessageColumns =
    "id, school_id, batch, check_id, staff_id, recipient, subject, body, created_at, status, attempts, "
    "last_error, "
    "sent_at";
using MessageRow =
    Poco::Tuple<Poco::Int64, std::string, std::string, Poco::Int64, std::string, std::string, std::string,
                std::string, std::string, std::string, int, std::string, std::string>;

OutgoingMessage fromMessage(const MessageRow& r) {
  OutgoingMessage m;
  m.id = r.get<0>();
  m.schoolId = r.get<1>();
  m.batch = r.get<2>();
  m.checkId = r.get<3>();
  m.staffId = r.get<4>();
  m.recipient = r.get<5>();
  m.subject = r.get<6>();
  m.body = r.get<7>();
  m.createdAt = model::DateTime::parse(r.get<8>()).value_or(model::DateTime{});
  const std::string st = r.get<9>();
  m.status = st == "sent"     ? MessageStatus::Sent
             : st == "failed" ? MessageStatus::Failed
                              : MessageStatus::Pending;
  m.attempts = r.get<10>();
  m.lastError = r.get<11>();
  m.sentAt = model::DateTime::parse(r.get<12>());
  return m;
}

class SqlCheckHistory final : public CheckHistory {
 public:
  explicit SqlCheckHistory(Database& db) : db_(db) {}

  CheckRecord record(const NewCheck& in) override {
    return db_.guard("checks.record", [&] {
      Poco::Data::Session s = db_.session();
      WriteTransaction tx(db_, s);
      CheckRecord c;
      c.schoolId = in.schoolId;
      c.recordedAt = db_.clock().now();
      c.checkDate = c.recordedAt.date;
      c.actor = in.actor;
      c.rulesVersion = in.rulesVersion;
      c.dataState = in.dataState;
      c.periodId = in.periodId;
      c.periodLabel = in.periodLabel;
      c.dates = in.dates;
      c.asOf = in.asOf;
      c.classId = in.classId;
      c.subjectId = in.subjectId;
      c.teacherId = in.teacherId;
      c.deadline = in.deadline ? in.deadline(c.checkDate) : c.checkDate;
      {
        std::string school = c.schoolId, at = c.recordedAt.toString(), day = c.checkDate.toString(),
                    actor = c.actor, rv = c.rulesVersion, ds = c.dataState, pid = c.periodId,
                    pl = c.periodLabel, from = c.dates.from.toString(), to = c.dates.to.toString(),
                    asOf = c.asOf.toString(), cls = c.classId, subj = c.subjectId, teacher = c.teacherId,
                    deadline = c.deadline.toString();
        std::vector<Poco::Int64> ids;
        s << "INSERT INTO checks (school_id, recorded_at, check_date, actor, rules_version, data_state, "
             "period_id, "
             "period_label, date_from, date_to, as_of, class_id, subject_id, teacher_id, deadline, found, "
             "fresh, "
             "still_open, reopened, corrected) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, "
             "$13, "
             "$14, $15, 0, 0, 0, 0, 0) RETURNING id",
            use(school), use(at), use(day), use(actor), use(rv), use(ds), use(pid), use(pl), use(from),
            use(to), use(asOf), use(cls), use(subj), use(teacher), use(deadline), into(ids), now;
        if (ids.empty()) throw Error(ErrorKind::Internal, "checks.record", "no id for the new check");
        c.id = ids.front();
      }
      // Everything tracked so far.
      std::unordered_map<std::string, model::TrackedFinding> tracked;
      {
        std::string school = c.schoolId;
        TrackedRows rows;
        s << "SELECT " + std::string(kTrackedColumns) + " FROM tracked_findings WHERE school_id = $1",
            use(school), into(rows.a), into(rows.b), now;
        for (auto& t : fromTracked(rows)) tracked.emplace(t.key, std::move(t));
      }
      const std::string day = c.checkDate.toString();
      Prepared insertTracked(
          s,
          "INSERT INTO tracked_findings (school_id, finding_key, rule, period, class_id, subject_id, "
          "subgroup_id, "
          "lesson_id, date, student_id, item, severity, teacher_id, message, figures, state, opened_check, "
          "opened_on, first_check, first_on, corrected_check, corrected_on, reopened, last_check) VALUES "
          "($1, $2, "
          "$3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 'new', $16, $17, $18, $19, 0, '', 0, "
          "$20)",
          "sssssssssssssss"
          "lslsl");
      Prepared updateTracked(
          s,
          "UPDATE tracked_findings SET severity = $1, teacher_id = $2, message = $3, figures = $4, state = "
          "$5, "
          "opened_check = $6, opened_on = $7, corrected_check = $8, corrected_on = $9, reopened = $10, "
          "last_check = $11 WHERE school_id = $12 AND finding_key = $13",
          "sssssls"
          "lsil"
          "ss");
      Prepared insertResult(s,
                            "INSERT INTO check_results (school_id, check_id, position, finding_key, state, "
                            "severity, teacher_id, "
                            "message, figures, opened_check, opened_on, reopened) VALUES ($1, $2, $3, $4, "
                            "$5, $6, $7, $8, $9, $10, "
                            "$11, $12)",
                            "slisssssslsi");
      std::set<std::string> seen;
      int position = 0;
      const Poco::Int64 id = c.id;
      for (const auto& f : in.findings) {
        std::string key = model::findingKey(f);
        if (!seen.insert(key).second) continue;  // the same problem found twice is one finding
        ++c.found;
        const std::string sev(model::toString(f.severity)), figs = figuresText(f.figures);
        auto it = tracked.find(key);
        FindingState state;
        Poco::Int64 opened = id;
        std::string openedOn = day;
        int reopened = 0;
        if (it == tracked.end()) {
          state = FindingState::New;
          ++c.fresh;
          insertTracked.run(c.schoolId, key, f.rule, f.period, f.classId, f.subjectId, f.subgroupId,
                            f.lessonId, f.date ? f.date->toString() : std::string(), f.studentId, f.item, sev,
                            f.teacherId, f.message, figs, id, day, id, day, id);
        } else {
          const auto& t = it->second;
          reopened = t.reopened;
          if (t.state == FindingState::Corrected) {
            state = FindingState::Reopened;
            ++c.reopened;
            ++reopened;
          } else {
            state = FindingState::Open;
            ++c.open;
            opened = t.openedCheck;
            openedOn = t.openedOn.toString();
          }
          updateTracked.run(sev, f.teacherId, f.message, figs, std::string(model::toString(state)), opened,
                            openedOn, Poco::Int64{0}, std::string(), reopened, id, c.schoolId, key);
        }
        insertResult.run(c.schoolId, id, position++, key, std::string(model::toString(state)), sev,
                         f.teacherId, f.message, figs, opened, openedOn, reopened);
      }
      // Open findings of earlier checks this check covers but did not find: corrected now. Key order, so the
      // result is deterministic.
      std::map<std::string, const model::TrackedFinding*> gone;
      for (const auto& [key, t] : tracked)
        if (t.state != FindingState::Corrected && !seen.contains(key) && (!in.covers || in.covers(t.finding)))
          gone.emplace(key, &t);
      for (const auto& [key, t] : gone) {
        ++c.corrected;
        const auto& f = t->finding;
        const std::string sev(model::toString(f.severity)), figs = figuresText(f.figures);
        updateTracked.run(sev, f.teacherId, f.message, figs, std::string("corrected"),
                          Poco::Int64{t->openedCheck}, t->openedOn.toString(), id, day, t->reopened, id,
                          c.schoolId, key);
        insertResult.run(c.schoolId, id, position++, key, std::string("corrected"), sev, f.teacherId,
                         f.message, figs, Poco::Int64{t->openedCheck}, t->openedOn.toString(), t->reopened);
      }
      {
        int found = c.found, fresh = c.fresh, open = c.open, re = c.reopened, corr = c.corrected;
        Poco::Int64 cid = c.id;
        s << "UPDATE checks SET found = $1, fresh = $2, still_open = $3, reopened = $4, corrected = $5 WHERE "
             "id = $6",
            use(found), use(fresh), use(open), use(re), use(corr), use(cid), now;
      }
      tx.commit();
      return c;
    });
  }

  std::vector<CheckRecord> checks(const std::string& schoolId) override {
    return db_.guard("checks.list", [&] {
      Poco::Data::Session s = db_.session();
      std::string school = schoolId;
      CheckRows rows;
      s << "SELECT " + std::string(kCheckColumns) + " FROM checks WHERE school_id = $1 ORDER BY id DESC",
          use(school), into(rows.a), into(rows.b), now;
      return fromChecks(rows);
    });
  }

  std::optional<CheckRecord> check(int64_t id) override {
    return db_.guard("checks.get", [&]() -> std::optional<CheckRecord> {
      Poco::Data::Session s = db_.session();
      Poco::Int64 cid = id;
      CheckRows rows;
      s << "SELECT " + std::string(kCheckColumns) + " FROM checks WHERE id = $1", use(cid), into(rows.a),
          into(rows.b), now;
      auto list = fromChecks(rows);
      if (list.empty()) return std::nullopt;
      return list.front();
    });
  }

  std::vector<model::TrackedFinding> results(int64_t checkId) override {
    return db_.guard("checks.results", [&] {
      Poco::Data::Session s = db_.session();
      ReadTransaction tx(db_, s);
      Poco::Int64 cid = checkId;
      CheckRows checkRows;
      s << "SELECT " + std::string(kCheckColumns) + " FROM checks WHERE id = $1", use(cid), into(checkRows.a),
          into(checkRows.b), now;
      const auto list = fromChecks(checkRows);
      if (list.empty())
        throw Error(ErrorKind::NotFound, "checks", "проверка № " + std::to_string(checkId) + " не записана");
      const CheckRecord c = list.front();
      std::string school = c.schoolId;
      TrackedRows rows;
      s << "SELECT t.finding_key, t.rule, t.period, t.class_id, t.subject_id, t.subgroup_id, t.lesson_id, "
           "t.date, "
           "t.student_id, t.item, r.severity, r.teacher_id, r.message, r.figures, r.state, r.opened_check, "
           "r.opened_on, t.first_check, t.first_on, t.corrected_check, t.corrected_on, r.reopened, "
           "t.last_check "
           "FROM check_results r JOIN tracked_findings t ON t.school_id = r.school_id AND "
           "t.finding_key = r.finding_key WHERE r.school_id = $1 AND r.check_id = $2 ORDER BY r.position",
          use(school), use(cid), into(rows.a), into(rows.b), now;
      std::vector<model::TrackedFinding> out;
      for (auto& t : fromTracked(rows)) {
        // As this check saw it: corrected by this check, or not (yet) corrected.
        if (t.state == FindingState::Corrected) {
          t.correctedCheck = checkId;
          t.correctedOn = c.checkDate;
        } else {
          t.correctedCheck = 0;
          t.correctedOn.reset();
        }
        out.push_back(std::move(t));
      }
      return out;
    });
  }

  std::vector<model::TrackedFinding> findings(const std::string& schoolId) override {
    return db_.guard("checks.findings", [&] {
      Poco::Data::Session s = db_.session();
      std::string school = schoolId;
      TrackedRows rows;
      s << "SELECT " + std::string(kTrackedColumns) +
               " FROM tracked_findings WHERE school_id = $1 ORDER BY finding_key",
          use(school), into(rows.a), into(rows.b), now;
      return fromTracked(rows);
    });
  }

  std::string dataState(const std::string& schoolId) override {
    return db_.guard("checks.dataState", [&] {
      Poco::Data::Session s = db_.session();
      std::string school = schoolId;
      std::vector<std::string> runs;
      s << "SELECT run_id FROM ingest_runs WHERE school_id = $1 ORDER BY finished_at DESC, run_id DESC LIMIT "
           "1",
          use(school), into(runs), now;
      return runs.empty() ? std::string() : runs.front();
    });
  }

  bool acknowledge(int64_t checkId, const std::string& staffId, const std::string& login,
                   model::DateTime at) override {
    return db_.guard("checks.acknowledge", [&] {
      auto c = check(checkId);
      if (!c)
        throw Error(ErrorKind::NotFound, "checks", "проверка № " + std::to_string(checkId) + " не записана");
      Poco::Data::Session s = db_.session();
      std::string school = c->schoolId, staff = staffId, who = login, when = at.toString();
      Poco::Int64 cid = checkId;
      std::vector<Poco::Int64> ids;
      s << "INSERT INTO check_acks (school_id, check_id, staff_id, login, at) VALUES ($1, $2, $3, $4, $5) "
           "ON CONFLICT (school_id, check_id, staff_id) DO NOTHING RETURNING check_id",
          use(school), use(cid), use(staff), use(who), use(when), into(ids), now;
      return !ids.empty();
    });
  }

  std::vector<Acknowledgement> acknowledgements(int64_t checkId) override {
    return db_.guard("checks.acknowledgements", [&] {
      Poco::Data::Session s = db_.session();
      Poco::Int64 cid = checkId;
      std::vector<Poco::Tuple<std::string, std::string, std::string>> rows;
      s << "SELECT staff_id, login, at FROM check_acks WHERE check_id = $1 ORDER BY staff_id", use(cid),
          into(rows), now;
      std::vector<Acknowledgement> out;
      for (const auto& r : rows)
        out.push_back({checkId, r.get<0>(), r.get<1>(),
                       model::DateTime::parse(r.get<2>()).value_or(model::DateTime{})});
      return out;
    });
  }

  bool enqueue(const OutgoingMessage& m) override {
    return db_.guard("outbox.enqueue", [&] {
      Poco::Data::Session s = db_.session();
      std::string school = m.schoolId, batch = m.batch, staff = m.staffId, to = m.recipient,
                  subject = m.subject, body = m.body,
                  created = (m.createdAt != model::DateTime{} ? m.createdAt : db_.clock().now()).toString();
      Poco::Int64 cid = m.checkId;
      std::vector<Poco::Int64> ids;
      s << "INSERT INTO outbox (school_id, batch, check_id, staff_id, recipient, subject, body, created_at, "
           "status, "
           "attempts, last_error, sent_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', 0, '', '') "
           "ON CONFLICT (school_id, batch, staff_id) DO NOTHING RETURNING id",
          use(school), use(batch), use(cid), use(staff), use(to), use(subject), use(body), use(created),
          into(ids), now;
      return !ids.empty();
    });
  }

  std::vector<OutgoingMessage> unsent(size_t limit) override {
    return db_.guard("outbox.unsent", [&] {
      Poco::Data::Session s = db_.session();
      Poco::Int64 lim = static_cast<Poco::Int64>(std::min<size_t>(limit, 100000));
      std::vector<MessageRow> rows;
      s << "SELECT " + std::string(kMessageColumns) +
               " FROM outbox WHERE status <> 'sent' ORDER BY id LIMIT $1",
          use(lim), into(rows), now;
      std::vector<OutgoingMessage> out;
      for (const auto& r : rows) out.push_back(fromMessage(r));
      return out;
    });
  }

  std::vector<OutgoingMessage> messages(const std::string& schoolId, const std::string& batch) override {
    return db_.guard("outbox.messages", [&] {
      Poco::Data::Session s = db_.session();
      std::string school = schoolId, b = batch;
      std::vector<MessageRow> rows;
      s << "SELECT " + std::string(kMessageColumns) +
               " FROM outbox WHERE school_id = $1 AND ($2 = '' OR batch = $2) ORDER BY id",
          use(school), use(b), into(rows), now;
      std::vector<OutgoingMessage> out;
      for (const auto& r : rows) out.push_back(fromMessage(r));
      return out;
    });
  }

  void markSent(int64_t id, model::DateTime at) override {
    db_.guard("outbox.sent", [&] {
      Poco::Data::Session s = db_.session();
      Poco::Int64 mid = id;
      std::string when = at.toString();
      s << "UPDATE outbox SET status = 'sent', attempts = attempts + 1, last_error = '', sent_at = $1 WHERE "
           "id = $2",
          use(when), use(mid), now;
    });
  }

  void markFailed(int64_t id, const std::string& error, model::DateTime at) override {
    (void)at;
    db_.guard("outbox.failed", [&] {
      Poco::Data::Session s = db_.session();
      Poco::Int64 mid = id;
      std::string why = error;
      s << "UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = $1 WHERE id = $2",
          use(why), use(mid), now;
    });
  }

 private:
  Database& db_;
};

}  // namespace

std::unique_ptr<CheckHistory> openCheckHistory(Store& store) {
  return std::make_unique<SqlCheckHistory>(databaseOf(store));
}

}  // namespace ejournal::store
