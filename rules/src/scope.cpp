// Resolving what the user typed (a period name or dates, a class, subject or teacher by name or id) into a
// Scope, and which lessons a Scope covers.
#include "ejournal/model/error.h"
#include "rule.h"

namespace ejournal::rules {

namespace {

std::string ymd(model::Date d) { return d.toRussian(); }

// A whole calendar month (the deputy's monthly check) is named as such, «сентябрь 2025»; other dates as a
// range.
std::string rangeLabel(model::Date from, model::Date to) {
  static const char* kMonths[] = {"январь", "февраль", "март",     "апрель",  "май",    "июнь",
                                  "июль",   "август",  "сентябрь", "октябрь", "ноябрь", "декабрь"};
  if (from.day() == 1 && to.year() == from.year() && to.month() == from.month() && (to + 1).day() == 1)
    return std::string(kMonths[from.month() - 1]) + " " + std::to_string(from.year());
  return "период " + ymd(from) + " – " + ymd(to);
}

}  // namespace

bool Scope::covers(const model::Lesson& l) const {
  if (!dates.contains(l.date) || l.date > asOf) return false;
  if (!classId.empty() && l.classId != classId) return false;
  if (!subjectId.empty() && l.subjectId != subjectId) return false;
  if (!teacherId.empty() && l.teacherId != teacherId && l.substituteTeacherId != teacherId) return false;
  return true;
}

Scope resolveScope(const model::JournalIndex& index, const std::string& period, const std::string& from,
                   const std::string& to, const std::string& classRef, const std::string& subjectRef,
                   const std::string& teacherRef, const model::Clock& clock) {
  const auto& j = index.journal();
  Scope s;
  if (!period.empty()) {
    if (!from.empty() || !to.empty())
      throw Error(ErrorKind::Input, "--period", "укажите либо --period, либо --from и --to, но не вместе");
    auto name = model::PeriodName::parse(period);
    if (!name)
      throw Error(ErrorKind::Input, "--period",
                  "неверное название периода «" + period +
                      "»: ожидается 2025-Q1…2025-Q4, 2025-H1, 2025-H2 или 2025-year");
    const model::Period* p = index.period(name->toString());
    if (!p)
      for (const auto& q : j.periods)
        if (q.kind == name->kind && q.number == name->number && j.year.startYear == name->startYear) p = &q;
    if (!p) throw Error(ErrorKind::NotFound, "--period", "в журнале нет периода «" + period + "»");
    s.periodId = p->id;
    s.periodLabel = model::russianPeriodName(*p, j.year.startYear);
    s.dates = p->dates;
  } else {
    if (from.empty() || to.empty())
      throw Error(ErrorKind::Input, "--from/--to",
                  "укажите период: --period 2025-Q1 или --from ГГГГ-ММ-ДД --to ГГГГ-ММ-ДД");
    auto f = model::Date::parse(from);
    auto t = model::Date::parse(to);
    if (!f) throw Error(ErrorKind::Input, "--from", "неверная дата «" + from + "», ожидается ГГГГ-ММ-ДД");
    if (!t) throw Error(ErrorKind::Input, "--to", "неверная дата «" + to + "», ожидается ГГГГ-ММ-ДД");
    if (*t < *f) throw Error(ErrorKind::Input, "--to", "дата окончания раньше даты начала");
    s.dates = {*f, *t};
    s.periodLabel = rangeLabel(*f, *t);
  }
  const model::Date today = clock.now().date;
  s.asOf = today < s.dates.to ? today : s.dates.to;
  s.complete = s.asOf == s.dates.to;

  if (!classRef.empty()) {
    const model::SchoolClass* c = index.schoolClass(classRef);
    if (!c) c = index.classByName(classRef);
    if (!c) throw Error(ErrorKind::NotFound, "--class", "в журнале нет класса «" + classRef + "»");
    s.classId = c->id;
  }
  if (!subjectRef.empty()) {
    const model::Subject* found = index.subject(subjectRef);
    if (!found) {
      const std::string want = model::lowerRussian(trim(subjectRef));
      for (const auto& sub : j.subjects)
        if (model::lowerRussian(sub.name) == want || model::lowerRussian(sub.shortName) == want) found = &sub;
    }
    if (!found) throw Error(ErrorKind::NotFound, "--subject", "в журнале нет предмета «" + subjectRef + "»");
    s.subjectId = found->id;
  }
  if (!teacherRef.empty()) {
    const model::Staff* found = index.staff(teacherRef);
    if (!found) {
      const std::string want = model::lowerRussian(trim(teacherRef));
      std::vector<const model::Staff*> matches;
      for (const auto& st : j.staff)
        if (model::lowerRussian(st.fullName()) == want || model::lowerRussian(st.shortName()) == want)
          matches.push_back(&st);
      if (matches.empty())
        for (const auto& st : j.staff)
          if (model::lowerRussian(st.lastName) == want) matches.push_back(&st);
      if (matches.size() > 1)
        throw Error(ErrorKind::Input, "--teacher",
                    "учителей с именем «" + teacherRef + "» несколько, укажите полное имя или идентификатор");
      if (!matches.empty()) found = matches.front();
    }
    if (!found) throw Error(ErrorKind::NotFound, "--teacher", "в журнале нет учителя «" + teacherRef + "»");
    s.teacherId = found->id;
  }
  return s;
}

}  // namespace ejournal::rules
