// The follow-up of the deputy's checks (followup.h).
#include "followup.h"

#include <algorithm>
#include <set>
#include <sstream>

#include "ejournal/model/error.h"

namespace ejournal::app {

namespace {

std::string plural(long n, const char* one, const char* few, const char* many) {
  const long m10 = n % 10, m100 = n % 100;
  if (m10 == 1 && m100 != 11) return one;
  if (m10 >= 2 && m10 <= 4 && (m100 < 12 || m100 > 14)) return few;
  return many;
}

std::string className(const model::JournalIndex& index, const std::string& id) {
  if (const auto* c = index.schoolClass(id)) return c->name();
  return id;
}

std::string subjectName(const model::JournalIndex& index, const std::string& id) {
  if (const auto* s = index.subject(id)) return s->name;
  return id;
}

// "Мария Петровна" for a polite address; the full name without a middle name.
std::string addressName(const model::Staff& s) {
  return s.middleName.empty() ? s.firstName + " " + s.lastName : s.firstName + " " + s.middleName;
}

bool endsWith(const std::string& s, std::string_view tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// "Уважаемая" for a patronymic in -вна/-чна/-кызы, "Уважаемый" for -вич/-ич/-оглы, else "Уважаемый(ая)".
std::string greeting(const model::Staff* s) {
  if (s) {
    const std::string& m = s->middleName;
    if (endsWith(m, "вна") || endsWith(m, "чна") || endsWith(m, "кызы")) return "Уважаемая";
    if (endsWith(m, "ич") || endsWith(m, "оглы")) return "Уважаемый";
  }
  return "Уважаемый(ая)";
}

}  // namespace

model::Date schoolDaysAfter(const model::JournalIndex& index, model::Date from, int days) {
  model::Date d = from;
  int left = std::max(0, days);
  // A year has fewer than 400 days: the loop ends even with holidays everywhere.
  for (int guard = 0; left > 0 && guard < 400; ++guard) {
    d = d + 1;
    if (d.weekday() >= 6) continue;
    bool holiday = false;
    for (const auto& h : index.journal().holidays)
      if (h.dates.contains(d) && h.gradeFrom <= 2 && h.gradeTo >= 11) holiday = true;
    if (holiday) continue;
    --left;
  }
  return d;
}

std::function<bool(const model::Finding&)> checkCoverage(const model::JournalIndex& index,
                                                         const rules::Scope& scope,
                                                         const rules::Config& config,
                                                         const rules::CheckResult& result) {
  std::set<std::string> ran;
  for (const auto& r : rules::catalogue())
    if (config.enabled(r.id)) ran.insert(r.id);
  for (const auto& n : result.notChecked) ran.erase(n.ruleId);
  // Year periods containing the as-of day: period-level findings of the year (the plan's total) are checked
  // by every check of the year.
  std::set<std::string> periods;
  if (!scope.periodId.empty()) periods.insert(scope.periodId);
  for (const auto& p : index.journal().periods)
    if (p.dates.contains(scope.asOf) && (p.kind == model::PeriodKind::Year || scope.periodId.empty()))
      periods.insert(p.id);
  return [ran, periods, scope](const model::Finding& f) {
    if (!ran.contains(f.rule)) return false;
    if (!scope.classId.empty() && f.classId != scope.classId) return false;
    if (!scope.subjectId.empty() && f.subjectId != scope.subjectId) return false;
    if (!scope.teacherId.empty() && f.teacherId != scope.teacherId) return false;
    if (f.date) return scope.dates.from <= *f.date && *f.date <= scope.asOf;
    return periods.contains(f.period);
  };
}

RecordedCheck recordCheck(store::Store& store, const model::JournalIndex& index, const rules::Scope& scope,
                          const rules::Config& config, const std::string& actor) {
  RecordedCheck out;
  out.result = rules::run(index, scope, config);
  out.check = recordCheck(store, index, scope, config, out.result, actor);
  return out;
}

store::CheckRecord recordCheck(store::Store& store, const model::JournalIndex& index,
                               const rules::Scope& scope, const rules::Config& config,
                               const rules::CheckResult& result, const std::string& actor) {
  auto history = store::openCheckHistory(store);
  store::NewCheck in;
  in.schoolId = index.journal().school.id;
  in.actor = actor;
  in.rulesVersion = config.version();
  in.dataState = history->dataState(in.schoolId);
  in.periodId = scope.periodId;
  in.periodLabel = scope.periodLabel;
  in.dates = scope.dates;
  in.asOf = scope.asOf;
  in.classId = scope.classId;
  in.subjectId = scope.subjectId;
  in.teacherId = scope.teacherId;
  // The deadline counts from the day of the check (the store clock's today).
  const int days = config.correctionDays();
  in.deadline = [&index, days](model::Date day) { return schoolDaysAfter(index, day, days); };
  // Violations only (errors and warnings): informational findings such as changed marks are nothing to
  // correct.
  for (const auto& f : result.findings)
    if (f.severity != model::Severity::Info) in.findings.push_back(f);
  in.covers = checkCoverage(index, scope, config, result);
  return history->record(in);
}

std::string describe(const store::CheckRecord& c) {
  std::ostringstream o;
  o << "Проверка № " << c.id << " от " << c.checkDate.toRussian() << ": замечаний " << c.found << " (новых "
    << c.fresh << ", не устранено " << c.open << ", выявлено повторно " << c.reopened << "); устранено "
    << c.corrected << ". Срок устранения — до " << c.deadline.toRussian() << ".";
  return o.str();
}

std::vector<TeacherMessage> composeRemarks(const model::JournalIndex& index, const store::CheckRecord& check,
                                           const std::vector<model::TrackedFinding>& results,
                                           const std::map<std::string, std::string>& emails,
                                           const std::string& webUrl, const std::string& deputyName) {
  std::map<std::string, std::vector<const model::TrackedFinding*>> byTeacher;
  for (const auto& t : results)
    if (t.state != model::FindingState::Corrected && !t.finding.teacherId.empty())
      byTeacher[t.finding.teacherId].push_back(&t);
  std::vector<TeacherMessage> out;
  for (const auto& [staffId, list] : byTeacher) {
    const model::Staff* staff = index.staff(staffId);
    TeacherMessage m;
    m.staffId = staffId;
    m.teacherName = staff ? staff->fullName() : staffId;
    if (staff && !staff->email.empty())
      m.email = staff->email;
    else if (auto it = emails.find(staffId); it != emails.end())
      m.email = it->second;
    m.remarks = static_cast<int>(list.size());
    m.subject = "Замечания по электронному журналу: проверка от " + check.checkDate.toRussian() +
                ", устранить до " + check.deadline.toRussian();
    std::ostringstream b;
    b << greeting(staff) << " " << (staff ? addressName(*staff) : m.teacherName) << "!\n\n";
    b << "По итогам проверки электронного журнала от " << check.checkDate.toRussian();
    if (!check.periodLabel.empty()) b << " (" << check.periodLabel << ")";
    b << " в Ваших записях " << (m.remarks == 1 ? "выявлено" : "выявлены") << " " << m.remarks << " "
      << plural(m.remarks, "замечание", "замечания", "замечаний") << ". Просим устранить "
      << (m.remarks == 1 ? "его" : "их") << " до " << check.deadline.toRussian() << " включительно.\n";
    // Sorted by class, subject, date for reading.
    std::vector<const model::TrackedFinding*> sorted = list;
    std::stable_sort(sorted.begin(), sorted.end(), [&](const auto* a, const auto* b) {
      const auto* ca = index.schoolClass(a->finding.classId);
      const auto* cb = index.schoolClass(b->finding.classId);
      const auto* sa = index.subject(a->finding.subjectId);
      const auto* sb = index.subject(b->finding.subjectId);
      return std::make_tuple(ca ? ca->grade : 99, ca ? ca->letter : a->finding.classId,
                             sa ? sa->order : 1 << 30, a->finding.date.value_or(model::Date{})) <
             std::make_tuple(cb ? cb->grade : 99, cb ? cb->letter : b->finding.classId,
                             sb ? sb->order : 1 << 30, b->finding.date.value_or(model::Date{}));
    });
    int n = 0;
    for (const auto* t : sorted) {
      const auto& f = t->finding;
      b << "\n" << ++n << ". ";
      const auto* info = rules::findRule(f.rule);
      b << (info ? info->title : f.rule) << ".\n";
      b << "   Где: класс " << className(index, f.classId);
      if (!f.subjectId.empty()) {
        b << ", " << subjectName(index, f.subjectId);
        if (const auto* g = index.subgroup(f.subgroupId)) b << " (" << g->name << ")";
      }
      if (const auto* l = index.lesson(f.lessonId))
        b << ", урок " << l->date.toRussian() << " (" << l->slot << "-й урок)";
      else if (f.date)
        b << ", " << f.date->toRussian();
      b << ".\n";
      b << "   Что не так: " << f.message << ".\n";
      if (t->state == model::FindingState::Open)
        b << "   Замечание не устранено с проверки от " << t->openedOn.toRussian() << " ("
          << (check.checkDate - t->openedOn) << " "
          << plural(check.checkDate - t->openedOn, "день", "дня", "дней") << ").\n";
      else if (t->state == model::FindingState::Reopened)
        b << "   Замечание было устранено, но выявлено снова.\n";
    }
    b << "\nПожалуйста, подтвердите, что Вы ознакомлены с замечаниями: кнопка «Ознакомлен(а)» на Вашей "
         "странице "
         "электронного журнала";
    if (!webUrl.empty()) b << " (" << webUrl << ")";
    b << ". Исправленные записи будут учтены при следующей проверке.\n\n";
    b << "С уважением,\n"
      << (deputyName.empty() ? std::string("заместитель директора по УВР") : deputyName)
      << ",\nзаместитель директора по УВР\n";
    m.body = b.str();
    out.push_back(std::move(m));
  }
  std::sort(out.begin(), out.end(), [](const TeacherMessage& a, const TeacherMessage& b) {
    return std::make_pair(model::russianSortKey(a.teacherName), a.staffId) <
           std::make_pair(model::russianSortKey(b.teacherName), b.staffId);
  });
  return out;
}

QueueOutcome queueRemarks(store::Store& store, const model::JournalIndex& index,
                          const store::CheckRecord& check, const std::map<std::string, std::string>& emails,
                          const std::string& webUrl) {
  auto history = store::openCheckHistory(store);
  const auto results = history->results(check.id);
  const auto& school = index.journal().school;
  QueueOutcome q;
  for (const auto& m : composeRemarks(index, check, results, emails, webUrl, school.deputyDirector)) {
    store::OutgoingMessage o;
    o.schoolId = check.schoolId;
    o.batch = "check:" + std::to_string(check.id);
    o.checkId = check.id;
    o.staffId = m.staffId;
    o.recipient = m.email;
    o.subject = m.subject;
    o.body = m.body;
    if (history->enqueue(o))
      ++q.queued;
    else
      ++q.alreadyQueued;
    if (m.email.empty()) q.withoutAddress.push_back(m.teacherName);
  }
  return q;
}

DailySummary buildDailySummary(const model::JournalIndex& index, const std::string& classId,
                               model::Date day) {
  DailySummary s;
  const model::SchoolClass* cls = index.schoolClass(classId);
  if (!cls) throw Error(ErrorKind::NotFound, "класс", "класса «" + classId + "» нет в журнале");
  s.classId = classId;
  s.className = cls->name();
  s.classTeacherId = cls->classTeacherId;
  if (const auto* t = index.staff(cls->classTeacherId)) {
    s.classTeacherName = t->fullName();
    s.salutation = greeting(t) + " " + addressName(*t) + "!";
  } else {
    s.salutation = "Уважаемый классный руководитель!";
  }
  s.day = day;
  // teacher -> lines, teachers by name
  std::map<std::string, std::vector<std::string>> byTeacher;
  for (const auto* l : index.lessonsOfClass(classId)) {
    if (l->date != day) continue;
    ++s.lessons;
    std::vector<std::string> missing;
    if (l->topic.find_first_not_of(" \t\r\n") == std::string::npos) missing.push_back("тема урока");
    const bool attendance = l->attendanceTaken || !index.attendanceOfLesson(l->id).empty();
    if (!attendance) missing.push_back("посещаемость");
    if (index.marksOfLesson(l->id).empty()) missing.push_back("отметки");
    if (missing.empty()) continue;
    ++s.incomplete;
    const std::string teacher = l->substituteTeacherId.empty() ? l->teacherId : l->substituteTeacherId;
    std::string line = std::to_string(l->slot) + "-й урок, " + subjectName(index, l->subjectId);
    if (const auto* g = index.subgroup(l->subgroupId)) line += " (" + g->name + ")";
    line += ": не заполнено — ";
    for (size_t i = 0; i < missing.size(); ++i) line += (i ? ", " : "") + missing[i];
    byTeacher[teacher].push_back(line);
  }
  std::vector<std::pair<std::string, std::string>> teachers;  // sort key, id
  for (const auto& [id, lines] : byTeacher) {
    const auto* t = index.staff(id);
    teachers.push_back({model::russianSortKey(t ? t->shortName() : id), id});
  }
  std::sort(teachers.begin(), teachers.end());
  for (const auto& [key, id] : teachers) {
    const auto* t = index.staff(id);
    s.lines.push_back((t ? t->shortName() : id) + ":");
    for (const auto& line : byTeacher[id]) s.lines.push_back("  " + line);
  }
  return s;
}

std::string dailySummaryText(const DailySummary& s) {
  std::ostringstream b;
  b << s.salutation << "\n\n";
  b << "Заполнение электронного журнала " << s.className << " класса за " << s.day.toRussian()
    << " (уроков: " << s.lessons << ").\n";
  if (s.lines.empty()) {
    b << "Все уроки заполнены: темы, посещаемость и отметки записаны.\n";
  } else {
    b << "Не полностью заполнены уроки: " << s.incomplete << ".\n\n";
    for (const auto& l : s.lines) b << l << "\n";
    b << "\nПросим напомнить учителям-предметникам заполнить журнал (п. 3.4 Положения об электронном "
         "журнале).\n";
  }
  b << "\nЭлектронный журнал\n";
  return b.str();
}

QueueOutcome queueDailySummaries(store::Store& store, const model::JournalIndex& index, model::Date day,
                                 const std::map<std::string, std::string>& emails) {
  auto history = store::openCheckHistory(store);
  QueueOutcome q;
  for (const auto& c : index.journal().classes) {
    if (c.classTeacherId.empty()) continue;
    DailySummary s = buildDailySummary(index, c.id, day);
    if (s.lessons == 0) continue;  // no lessons that day (a weekend, a holiday)
    store::OutgoingMessage o;
    o.schoolId = index.journal().school.id;
    o.batch = "daily:" + day.toString() + ":" + c.id;
    o.staffId = c.classTeacherId;
    const model::Staff* t = index.staff(c.classTeacherId);
    if (t && !t->email.empty())
      o.recipient = t->email;
    else if (auto it = emails.find(c.classTeacherId); it != emails.end())
      o.recipient = it->second;
    o.subject =
        "Заполнение журнала " + s.className + " класса за " + day.toRussian() +
        (s.incomplete ? ": не заполнено уроков — " + std::to_string(s.incomplete) : ": всё заполнено");
    o.body = dailySummaryText(s);
    if (history->enqueue(o))
      ++q.queued;
    else
      ++q.alreadyQueued;
    if (o.recipient.empty()) q.withoutAddress.push_back(s.classTeacherName);
  }
  return q;
}

std::map<std::string, std::string> remarkStatus(store::Store& store, const model::JournalIndex& index,
                                                const std::string& classId,
                                                std::vector<model::Finding>& remarks) {
  std::map<std::string, std::string> out;
  auto history = store::openCheckHistory(store);
  const auto checks = history->checks(index.journal().school.id);
  if (checks.empty()) return out;
  const auto& latest = checks.front();
  std::map<std::string, model::TrackedFinding> seen;
  for (auto& t : history->results(latest.id))
    if (t.finding.classId == classId) seen.emplace(t.key, std::move(t));
  std::set<std::string> present;
  for (const auto& f : remarks) present.insert(model::findingKey(f));
  for (const auto& [key, t] : seen) {
    switch (t.state) {
      case model::FindingState::Corrected:
        out[key] = "устранено " + (t.correctedOn ? t.correctedOn->toRussian() : latest.checkDate.toRussian());
        if (!present.contains(key)) remarks.push_back(t.finding);
        break;
      case model::FindingState::Open:
        out[key] = "не устранено с " + t.openedOn.toRussian();
        break;
      case model::FindingState::Reopened:
        out[key] = "выявлено повторно " + t.openedOn.toRussian();
        break;
      case model::FindingState::New:
        out[key] = "новое " + t.openedOn.toRussian();
        break;
    }
  }
  for (const auto& f : remarks) {
    const std::string key = model::findingKey(f);
    if (!out.contains(key) && f.severity != model::Severity::Info)
      out[key] = "после проверки от " + latest.checkDate.toRussian();
  }
  return out;
}

std::optional<reports::ControlFollowUp> followUpFor(store::Store& store, const model::JournalIndex& index) {
  auto history = store::openCheckHistory(store);
  const auto checks = history->checks(index.journal().school.id);
  if (checks.empty()) return std::nullopt;
  const store::CheckRecord& latest = checks.front();
  reports::FollowUpInput in;
  in.checkId = latest.id;
  in.checkDate = latest.checkDate;
  if (checks.size() > 1) in.previousCheckDate = checks[1].checkDate;
  in.deadline = latest.deadline;
  in.results = history->results(latest.id);
  for (const auto& a : history->acknowledgements(latest.id)) in.acknowledged.push_back({a.staffId, a.at});
  return reports::buildControlFollowUp(index, in);
}

}  // namespace ejournal::app
