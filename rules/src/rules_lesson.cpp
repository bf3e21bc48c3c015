// Rules about each lesson's record: attendance taken (attendance.recorded), topic present (topic.missing) and
// entered on the lesson day (topic.same_day), Russian language (language.russian), works' topics stated
// (work.topic_stated) and substitutions recorded (substitution.recorded).
#include <algorithm>
#include <unordered_map>

#include "rule.h"

namespace ejournal::rules {

using model::Finding;
using model::Lesson;
using model::Severity;

namespace {

// A lesson's attendanceTaken is evidence only from a source that records taking the register as such: one
// that says attendance was taken at some lesson where nobody was absent. dnevnik.ru records absences (a pull
// derives "taken" from log entries), so there a lesson without entries says nothing and the rule is not
// applied.
class AttendanceRecorded : public RuleBase {
 public:
  AttendanceRecorded()
      : RuleBase({"attendance.recorded", "Учёт посещаемости на каждом уроке", Severity::Error, {}}) {}

  std::string notApplicable(const Context& ctx, const RuleSettings&) const override {
    if (ctx.journal.lessons.empty()) return {};
    for (const auto& l : ctx.journal.lessons)
      if (l.attendanceTaken && ctx.index.attendanceOfLesson(l.id).empty()) return {};
    return "источник не содержит отметок о проверке посещаемости (записаны только пропуски уроков), "
           "урок без записей о пропусках не означает, что посещаемость не отмечена";
  }

  void check(const Context& ctx, const RuleSettings&, std::vector<Finding>& out) const override {
    for (const auto* l : ctx.lessons()) {
      if (l->attendanceTaken || !ctx.index.attendanceOfLesson(l->id).empty()) continue;
      Finding f = ctx.finding(info().id, info().severity, *l);
      f.message = "посещаемость на уроке не отмечена";
      out.push_back(std::move(f));
    }
  }
};

class TopicMissing : public RuleBase {
 public:
  TopicMissing() : RuleBase({"topic.missing", "Тема урока записана", Severity::Error, {}}) {}

  void check(const Context& ctx, const RuleSettings&, std::vector<Finding>& out) const override {
    for (const auto* l : ctx.lessons()) {
      if (!trim(l->topic).empty()) continue;
      Finding f = ctx.finding(info().id, info().severity, *l);
      f.message = "тема урока не записана";
      out.push_back(std::move(f));
    }
  }
};

class TopicSameDay : public RuleBase {
 public:
  TopicSameDay()
      : RuleBase(
            {"topic.same_day",
             "Тема урока записана в день урока",
             Severity::Error,
             {{"grace_days", ParamType::Int, "0", "допустимая задержка записи темы, календарных дней"}}}) {}

  std::string notApplicable(const Context& ctx, const RuleSettings&) const override {
    if (ctx.journal.lessons.empty()) return {};
    for (const auto& l : ctx.journal.lessons)
      if (l.topicEnteredAt) return {};
    return "источник не содержит времени записи тем уроков";
  }

  void check(const Context& ctx, const RuleSettings& st, std::vector<Finding>& out) const override {
    const int grace = st.integer("grace_days");
    for (const auto* l : ctx.lessons()) {
      if (trim(l->topic).empty() || !l->topicEnteredAt) continue;
      const int late = l->topicEnteredAt->date - l->date;
      if (late <= grace) continue;
      Finding f = ctx.finding(info().id, info().severity, *l);
      f.message = "тема урока записана через " + std::to_string(late) + " " +
                  plural(late, "день", "дня", "дней") + " (" + l->topicEnteredAt->date.toRussian() + ")" +
                  (grace == 0 ? ", требуется в день урока"
                              : ", допускается " + std::to_string(grace) + " " +
                                    plural(grace, "день", "дня", "дней"));
      f.figures = {{"days_late", static_cast<double>(late)}, {"limit", static_cast<double>(grace)}};
      out.push_back(std::move(f));
    }
  }
};

class LanguageRussian : public RuleBase {
 public:
  LanguageRussian()
      : RuleBase(
            {"language.russian",
             "Записи в журнале ведутся на русском языке",
             Severity::Error,
             {{"allowed", ParamType::List, "", "разрешённые латинские слова и обозначения через запятую"}}}) {
  }

  void check(const Context& ctx, const RuleSettings& st, std::vector<Finding>& out) const override {
    const auto allowed = st.list("allowed");
    for (const auto* l : ctx.lessons()) {
      auto test = [&](const std::string& text, const char* what, std::string item) {
        if (trim(text).empty()) return;
        const std::string problem = languageProblem(text, allowed);
        if (problem.empty()) return;
        Finding f = ctx.finding(info().id, info().severity, *l);
        f.item = std::move(item);
        f.message = std::string(what) + " «" + text + "»: " + problem;
        out.push_back(std::move(f));
      };
      test(l->topic, "тема урока", "topic");
      test(l->homework, "домашнее задание", "homework");
      for (const auto& w : l->works) test(w.topic, "тема работы", "work:" + w.id);
    }
  }
};

class WorkTopicStated : public RuleBase {
 public:
  WorkTopicStated()
      : RuleBase({"work.topic_stated",
                  "Указаны темы практических, лабораторных, контрольных работ и экскурсий",
                  Severity::Error,
                  {{"work_types", ParamType::List, "practical,laboratory,control,excursion",
                    "виды работ, тема которых обязательна"}}}) {}

  void check(const Context& ctx, const RuleSettings& st, std::vector<Finding>& out) const override {
    std::vector<model::WorkType> types;
    for (const auto& t : st.list("work_types"))
      if (auto w = model::workTypeFromString(t)) types.push_back(*w);
    for (const auto* l : ctx.lessons())
      for (const auto& w : l->works) {
        if (std::find(types.begin(), types.end(), w.type) == types.end()) continue;
        const std::string topic = model::lowerRussian(trim(w.topic));
        const std::string generic = model::lowerRussian(model::russianTitle(w.type));
        // "Контрольная работа", "Контрольная работа № 2" name the work but not its topic.
        bool bare = topic.empty() || topic == generic;
        if (!bare && topic.rfind(generic, 0) == 0) {
          std::string rest = trim(topic.substr(generic.size()));
          bare = std::all_of(rest.begin(), rest.end(), [](char c) {
            return (c >= '0' && c <= '9') || c == ' ' || c == '.' || c == '\xe2' || c == '\x84' ||
                   c == '\x96';
          });  // digits, spaces, "№"
        }
        if (!bare) continue;
        Finding f = ctx.finding(info().id, info().severity, *l);
        f.item = "work:" + w.id;
        f.message = "не указана тема работы «" + std::string(model::russianTitle(w.type)) + "»";
        out.push_back(std::move(f));
      }
  }
};

bool isAdministration(const model::Staff* s) {
  if (!s) return false;
  const std::string p = model::lowerRussian(s->position);
  return p.find("директор") != std::string::npos || p.find("администратор") != std::string::npos;
}

class SubstitutionRecorded : public RuleBase {
 public:
  SubstitutionRecorded()
      : RuleBase({"substitution.recorded", "Правильность записи замены уроков", Severity::Error, {}}) {}

  void check(const Context& ctx, const RuleSettings&, std::vector<Finding>& out) const override {
    const TimetableLookup timetable(ctx.journal);
    for (const auto* l : ctx.lessons()) {
      auto report = [&](std::string message, const std::string& actual) {
        Finding f = ctx.finding(info().id, info().severity, *l);
        if (!actual.empty()) f.teacherId = actual;
        f.message = std::move(message);
        out.push_back(std::move(f));
      };
      if (!l->substituteTeacherId.empty()) {
        if (l->substituteTeacherId == l->teacherId)
          report("замена записана на того же учителя, что и по расписанию", "");
        else if (!ctx.index.staff(l->substituteTeacherId))
          report("замещающий учитель " + l->substituteTeacherId + " не найден среди сотрудников", "");
        continue;
      }
      // The timetable's teacher for this lesson's slot.
      const std::string timetabled = timetable.teacherOf(*l);
      if (!timetabled.empty() && timetabled != l->teacherId) {
        report("урок провёл(а) " + ctx.teacherName(l->teacherId) + " вместо " + ctx.teacherName(timetabled) +
                   " по расписанию, замена не оформлена",
               l->teacherId);
        continue;
      }
      // Someone else filled in the lesson: an unrecorded substitution (the administration's corrections
      // aside).
      if (!l->topicEnteredBy.empty() && l->topicEnteredBy != l->teacherId &&
          !isAdministration(ctx.index.staff(l->topicEnteredBy))) {
        report("урок записан учителем " + ctx.teacherName(l->topicEnteredBy) + " вместо " +
                   ctx.teacherName(l->teacherId) + ", замена не оформлена",
               l->topicEnteredBy);
      }
    }
  }
};

}  // namespace

std::unique_ptr<Rule> makeAttendanceRecorded() { return std::make_unique<AttendanceRecorded>(); }
std::unique_ptr<Rule> makeTopicMissing() { return std::make_unique<TopicMissing>(); }
std::unique_ptr<Rule> makeTopicSameDay() { return std::make_unique<TopicSameDay>(); }
std::unique_ptr<Rule> makeLanguageRussian() { return std::make_unique<LanguageRussian>(); }
std::unique_ptr<Rule> makeWorkTopicStated() { return std::make_unique<WorkTopicStated>(); }
std::unique_ptr<Rule> makeSubstitutionRecorded() { return std::make_unique<SubstitutionRecorded>(); }

}  // namespace ejournal::rules
