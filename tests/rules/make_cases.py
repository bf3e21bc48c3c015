#!/usr/bin/env python3
"""Writes the data-driven rule cases tests/rules/cases/<case>/{input.xml,expected.txt}.

Every case is the small base journal below with one change. expected.txt says what the case is about, the scope
(period, optional class, the day the check runs), which rules are compared, and the findings expected of those
rules (key=value fields that must match; the number of findings must match too), and which of those rules must
say they were not checked (not_checked: <rule>; none otherwise). Run from the repository root:
    python3 tests/rules/make_cases.py
The generated files are committed; this script documents how they were made.
"""
import copy
import os
from datetime import date, timedelta

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cases")

Q1 = (date(2025, 9, 1), date(2025, 9, 12))  # a short first quarter keeps the cases small

STUDENTS = {
    "5a": ["s01", "s02", "s03", "s04", "s05"],
    "8b": ["s11", "s12", "s13", "s14", "s15"],
    "1a": ["s21", "s22", "s23", "s24"],
}
NAMES = {
    "s01": ("Алексеев", "Артём"), "s02": ("Белова", "Анна"), "s03": ("Васильев", "Егор"), "s04": ("Ёлкина", "Мария"),
    "s05": ("Егорова", "Дарья"), "s06": ("Жуков", "Кирилл"), "s11": ("Григорьев", "Илья"),
    "s12": ("Дмитриева", "Полина"), "s13": ("Козлов", "Никита"), "s14": ("Лебедева", "София"),
    "s15": ("Новиков", "Тимофей"), "s21": ("Орлов", "Иван"), "s22": ("Павлова", "Ева"), "s23": ("Руденко", "Лев"),
    "s24": ("Соколова", "Вера"),
}
# class -> (grade, letter, class teacher, math teacher, weekdays of the two math slots, slot number)
CLASSES = {"5a": (5, "А", "t3", "t3", (1, 4), 1), "8b": (8, "Б", "t4", "t3", (2, 5), 2), "1a": (1, "А", "t5", "t5", (3, 5), 1)}


def q1_dates(weekdays):
    d, out = Q1[0], []
    while d <= Q1[1]:
        if d.isoweekday() in weekdays:
            out.append(d)
        d += timedelta(days=1)
    return out


def base():
    """The base journal as plain data: a dict of lists the writer turns into XML."""
    j = {"students": {}, "lessons": [], "marks": [], "attendance": [], "period_marks": [], "plan": {},
         "curriculum": [(cls, "math", 68) for cls in CLASSES]}
    for cls, names in STUDENTS.items():
        for s in names:
            j["students"][s] = [{"class": cls, "from": "2025-09-01", "to": None}]
    mark_no = 0
    for cls, (grade, letter, ct, teacher, days, slot) in CLASSES.items():
        j["plan"][cls] = [{"number": n, "topic": f"Тема урока № {n}", "work": None, "workTopic": "", "homework": True}
                          for n in range(1, 69)]
        for k, d in enumerate(q1_dates(days)):
            lid = f"l{cls}-{d.strftime('%m%d')}"
            j["lessons"].append({
                "id": lid, "date": d.isoformat(), "slot": slot, "class": cls, "teacher": teacher, "substitute": "",
                "topic": f"Тема урока № {k + 1}", "topicAt": f"{d.isoformat()}T15:00:00", "topicBy": teacher,
                "homework": f"§{k + 1}, № {k + 10}", "attendanceTaken": True, "works": []})
            if grade == 1:
                continue
            # Four marks a lesson: every student but the k-th, so each gets 3 or 4 marks in the quarter.
            for i, s in enumerate(STUDENTS[cls]):
                if i == k:
                    continue
                mark_no += 1
                j["marks"].append({"id": f"m{mark_no:03d}", "student": s, "lesson": lid, "work": "", "value": "4",
                                   "weight": 1, "at": f"{d.isoformat()}T15:10:00", "by": teacher, "history": []})
        if grade > 1:
            for s in STUDENTS[cls]:
                j["period_marks"].append({"student": s, "class": cls, "value": "4"})
    return j


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")


def write_xml(j):
    o = ['<?xml version="1.0" encoding="UTF-8"?>', '<journal xmlns="urn:ejournal:journal:1" version="1">',
         '  <school id="stupeni" fullName="Муниципальное автономное общеобразовательное учреждение лицей «Ступени»" '
         'shortName="МАОУ лицей «Ступени»" director="Тюрина Наталья Александровна" '
         'deputyDirector="Зайцева Ольга Викторовна"/>',
         '  <year startYear="2025" from="2025-09-01" to="2026-05-26"/>', '  <periods>',
         '    <period id="2025-Q1" kind="quarter" number="1" from="2025-09-01" to="2025-09-12" gradeFrom="1" gradeTo="9"/>',
         '    <period id="2025-Q2" kind="quarter" number="2" from="2025-09-15" to="2025-12-28" gradeFrom="1" gradeTo="9"/>',
         '    <period id="2025-Q3" kind="quarter" number="3" from="2026-01-12" to="2026-03-20" gradeFrom="1" gradeTo="9"/>',
         '    <period id="2025-Q4" kind="quarter" number="4" from="2026-03-30" to="2026-05-26" gradeFrom="1" gradeTo="9"/>',
         '    <period id="2025-H1" kind="halfyear" number="1" from="2025-09-01" to="2025-12-28" gradeFrom="10" gradeTo="11"/>',
         '    <period id="2025-H2" kind="halfyear" number="2" from="2026-01-12" to="2026-05-26" gradeFrom="10" gradeTo="11"/>',
         '    <period id="2025-year" kind="year" number="1" from="2025-09-01" to="2026-05-26" gradeFrom="1" gradeTo="11"/>',
         '  </periods>', '  <holidays>',
         '    <holiday name="Зимние каникулы" from="2025-12-29" to="2026-01-11"/>',
         '    <holiday name="Весенние каникулы" from="2026-03-21" to="2026-03-29"/>', '  </holidays>', '  <staff>',
         '    <person id="t1" lastName="Тюрина" firstName="Наталья" middleName="Александровна" position="директор"/>',
         '    <person id="t2" lastName="Зайцева" firstName="Ольга" middleName="Викторовна" position="заместитель директора по УВР"/>',
         '    <person id="t3" lastName="Иванова" firstName="Мария" middleName="Петровна" position="учитель математики"/>',
         '    <person id="t4" lastName="Кузнецова" firstName="Елена" middleName="Сергеевна" position="учитель русского языка"/>',
         '    <person id="t5" lastName="Смирнова" firstName="Ольга" middleName="Ивановна" position="учитель начальных классов"/>',
         '    <person id="t7" lastName="Волков" firstName="Сергей" middleName="Николаевич" position="учитель физики"/>',
         '  </staff>', '  <subjects>',
         '    <subject id="math" name="Математика" shortName="Матем." order="1" grading="marked"/>',
         '    <subject id="rus" name="Русский язык" shortName="Рус. яз." order="2" grading="marked" twoMarksPerCell="true"/>',
         '    <subject id="pe" name="ФИЗИЧЕСКАЯ КУЛЬТУРА" shortName="Физ-ра" order="3" grading="marked"/>',
         '    <subject id="music" name="Музыка" shortName="Муз." order="4" grading="marked"/>',
         '    <subject id="tech" name="Технология" shortName="Техн." order="5" grading="marked"/>',
         '    <subject id="chem" name="Химия" shortName="Хим." order="6" grading="marked"/>',
         '    <subject id="orkse" name="Основы религиозных культур и светской этики" shortName="ОРКСЭ" order="7"'
         ' grading="unmarked"/>',
         '  </subjects>', '  <classes>']
    for cls, (grade, letter, ct, _, _, _) in CLASSES.items():
        o.append(f'    <class id="{cls}" grade="{grade}" letter="{letter}" teacher="{ct}"/>')
    o += ['  </classes>', '  <students>']
    for s, ens in sorted(j["students"].items()):
        last, first = NAMES[s]
        o.append(f'    <student id="{s}" lastName="{last}" firstName="{first}">')
        for e in ens:
            to = f' to="{e["to"]}"' if e["to"] else ""
            o.append(f'      <enrolment class="{e["class"]}" from="{e["from"]}"{to}/>')
        o.append('    </student>')
    o += ['  </students>', '  <curriculum>']
    for cls, subject, hours in j["curriculum"]:
        o.append(f'    <entry class="{cls}" subject="{subject}" hoursPerWeek="{hours // 34}" hoursYear="{hours}">')
        if subject == "math":
            for p, h in (("2025-Q1", 4), ("2025-Q2", 30), ("2025-Q3", 18), ("2025-Q4", 16)):
                o.append(f'      <hours period="{p}" hours="{h}"/>')
        o.append('    </entry>')
    o += ['  </curriculum>', '  <plan>']
    for cls, items in j["plan"].items():
        for p in items:
            extra = ""
            if p["work"]:
                extra += f' work="{p["work"]}" workTopic="{esc(p["workTopic"])}"'
            if not p["homework"]:
                extra += ' homework="false"'
            o.append(f'    <planned class="{cls}" subject="math" number="{p["number"]}" topic="{esc(p["topic"])}"{extra}/>')
    o += ['  </plan>', '  <timetable>']
    for cls, (_, _, _, teacher, days, slot) in CLASSES.items():
        for wd in days:
            o.append(f'    <slot weekday="{wd}" number="{slot}" class="{cls}" subject="math" teacher="{teacher}" '
                     'from="2025-09-01" to="2026-05-26"/>')
    o += ['  </timetable>', '  <lessons>']
    for l in sorted(j["lessons"], key=lambda l: (l["date"], l["slot"], l["class"])):
        a = f'    <lesson id="{l["id"]}" date="{l["date"]}" slot="{l["slot"]}" class="{l["class"]}" subject="{l.get("subject", "math")}" teacher="{l["teacher"]}"'
        if l["substitute"]:
            a += f' substitute="{l["substitute"]}"'
        if l["topic"]:
            a += f' topic="{esc(l["topic"])}"'
        if l["topicAt"]:
            a += f' topicAt="{l["topicAt"]}" topicBy="{l["topicBy"]}"'
        if l["homework"]:
            a += f' homework="{esc(l["homework"])}"'
        a += f' attendanceTaken="{"true" if l["attendanceTaken"] else "false"}"'
        if l["works"]:
            o.append(a + '>')
            for w in l["works"]:
                o.append(f'      <work id="{w["id"]}" type="{w["type"]}" topic="{esc(w["topic"])}" weight="{w.get("weight", 1)}"/>')
            o.append('    </lesson>')
        else:
            o.append(a + '/>')
    o += ['  </lessons>', '  <marks>']
    for m in j["marks"]:
        work = f' work="{m["work"]}"' if m["work"] else ""
        weight = f' weight="{m["weight"]}"' if m["weight"] != 1 else ""
        a = f'    <mark id="{m["id"]}" student="{m["student"]}" lesson="{m["lesson"]}"{work} value="{m["value"]}"{weight} at="{m["at"]}" by="{m["by"]}"'
        if m["history"]:
            o.append(a + '>')
            for h in m["history"]:
                old = f' old="{h["old"]}"' if h.get("old") else ""
                o.append(f'      <change{old} new="{h["new"]}" at="{h["at"]}" by="{h["by"]}"/>')
            o.append('    </mark>')
        else:
            o.append(a + '/>')
    o.append('  </marks>')
    if j["attendance"]:
        o.append('  <attendance>')
        for a in j["attendance"]:
            o.append(f'    <entry student="{a["student"]}" lesson="{a["lesson"]}" status="{a["status"]}"/>')
        o.append('  </attendance>')
    o.append('  <periodMarks>')
    for p in j["period_marks"]:
        o.append(f'    <periodMark student="{p["student"]}" class="{p["class"]}" subject="math" kind="period" '
                 f'period="2025-Q1" value="{p["value"]}" at="2025-09-12T16:00:00" by="t3"/>')
    o += ['  </periodMarks>', '</journal>', '']
    return "\n".join(o)


def lesson(j, lid):
    return next(l for l in j["lessons"] if l["id"] == lid)


def marks_of(j, lid):
    return [m for m in j["marks"] if m["lesson"] == lid]


def add_work(j, lid, wtype, topic, delay_days=0, weight=1):
    """Gives the lesson a work and moves its marks to that work, posted `delay_days` after the lesson."""
    l = lesson(j, lid)
    wid = "w" + lid[1:]
    l["works"].append({"id": wid, "type": wtype, "topic": topic, "weight": weight})
    d = date.fromisoformat(l["date"]) + timedelta(days=delay_days)
    for m in marks_of(j, lid):
        m["work"] = wid
        m["at"] = f"{d.isoformat()}T18:00:00"
    return wid


CASES = []


def case(name, description, rules, expected, scope="period=2025-Q1", today="2026-06-01", not_checked=()):
    def deco(f):
        CASES.append((name, description, rules, expected, scope, today, not_checked, f))
        return f
    return deco


def add_lesson(j, lid, day, subject, homework="", cls="8b", slot=3, teacher="t7"):
    """A lesson of another subject (no curriculum line, no plan) with a topic entered the same day."""
    j["lessons"].append({"id": lid, "date": day, "slot": slot, "class": cls, "subject": subject, "teacher": teacher,
                         "substitute": "", "topic": "Тема урока", "topicAt": f"{day}T15:00:00", "topicBy": teacher,
                         "homework": homework, "attendanceTaken": True, "works": []})


@case("base_compliant", "The base journal: every rule complies (grade 1 unmarked, exactly 4 marks a lesson).", "all", [])
def _(j): pass


@case("deadline_grade5_exact_3_days", "Control work in grade 5 marked exactly 3 calendar days later complies.",
      "marks.deadline work.topic_stated", [])
def _(j): add_work(j, "l5a-0908", "control", "Контрольная работа № 1 «Сложение и вычитание»", 3)


@case("deadline_grade5_4_days", "Control work in grade 5 marked 4 days later violates the 3-day limit.",
      "marks.deadline", ["marks.deadline lesson=l5a-0908 class=5a days=4 limit=3 late_marks=4"])
def _(j): add_work(j, "l5a-0908", "control", "Контрольная работа № 1 «Сложение и вычитание»", 4)


@case("deadline_grade8_exact_7_days", "Test in grade 8 marked exactly 7 days later complies.", "marks.deadline", [])
def _(j): add_work(j, "l8b-0902", "test", "Тест по теме «Дроби»", 7)


@case("deadline_grade8_8_days", "Essay-type written work in grade 8 marked 8 days later violates the 7-day limit.",
      "marks.deadline", ["marks.deadline lesson=l8b-0902 days=8 limit=7"])
def _(j): add_work(j, "l8b-0902", "independent", "Самостоятельная работа «Дроби»", 8)


@case("deadline_oral_work_not_limited", "Marks for classwork (not a written work) posted late are not a deadline issue.",
      "marks.deadline", [])
def _(j):
    for m in marks_of(j, "l5a-0908"):
        m["at"] = "2025-09-20T18:00:00"


@case("per_lesson_3_marks", "A lesson with 3 marks while 5 students attended violates the minimum of 4.",
      "marks.per_lesson", ["marks.per_lesson lesson=l5a-0901 marks=3 required=4 present=5"])
def _(j):
    j["marks"].remove(marks_of(j, "l5a-0901")[0])


@case("per_lesson_few_present", "Only 2 students present and both marked: the minimum is everybody present.",
      "marks.per_lesson", [])
def _(j):
    lid = "l5a-0901"
    for s in ("s01", "s02", "s03"):
        j["attendance"].append({"student": s, "lesson": lid, "status": "absent"})
    j["marks"] = [m for m in j["marks"] if not (m["lesson"] == lid and m["student"] in ("s01", "s02", "s03"))]
    have = {m["student"] for m in marks_of(j, lid)}
    for s in ("s04", "s05"):
        if s not in have:
            j["marks"].append({"id": "m900", "student": s, "lesson": lid, "work": "", "value": "5", "weight": 1,
                               "at": "2025-09-01T15:10:00", "by": "t3", "history": []})


@case("per_lesson_grade1_unmarked", "Grade 1 lessons carry no marks and that complies.", "marks.per_lesson", [],
      scope="period=2025-Q1 class=1a")
def _(j): pass


@case("attendance_not_taken", "A lesson without attendance taken is a finding.", "attendance.recorded",
      ["attendance.recorded lesson=l8b-0905"])
def _(j): lesson(j, "l8b-0905")["attendanceTaken"] = False


@case("language_english_topic", "A foreign-language topic written only in English fails.", "language.russian",
      ["language.russian lesson=l8b-0909", "language.russian lesson=l8b-0912"])
def _(j):
    lesson(j, "l8b-0909")["topic"] = "Present Simple"
    lesson(j, "l8b-0912")["homework"] = "Unit 3. My family, ex. 5"


@case("language_real_topics", "Formulas, chemistry, units, Roman numerals and a term after Russian text pass.",
      "language.russian", [])
def _(j):
    lesson(j, "l5a-0901")["topic"] = "Квадратные уравнения x² + 2x = 0"
    lesson(j, "l5a-0904")["topic"] = "Серная кислота H₂SO₄ и H2SO4: свойства"
    lesson(j, "l5a-0908")["topic"] = "Россия в XIX веке; скорость 60 км/ч и 15 m/s"
    lesson(j, "l5a-0911")["topic"] = "Настоящее простое время (Present Simple)"


@case("language_mixed_script", "A Russian word with a Latin look-alike letter fails (\"Cлово\" with a Latin C).",
      "language.russian", ["language.russian lesson=l5a-0904"])
def _(j): lesson(j, "l5a-0904")["topic"] = "Cлово и его значение"


@case("topic_missing", "A lesson without a topic is a finding.", "topic.missing", ["topic.missing lesson=l5a-0911"])
def _(j):
    l = lesson(j, "l5a-0911")
    l["topic"], l["topicAt"] = "", ""


@case("topic_late_one_day", "A topic entered the day after the lesson is late by 1 day.", "topic.same_day",
      ["topic.same_day lesson=l5a-0904 days_late=1"])
def _(j): lesson(j, "l5a-0904")["topicAt"] = "2025-09-05T08:00:00"


@case("topic_same_day_late_evening", "A topic entered at 23:59 on the lesson day complies.", "topic.same_day", [])
def _(j): lesson(j, "l5a-0904")["topicAt"] = "2025-09-04T23:59:00"


@case("homework_missing", "A lesson without homework where the plan sets homework is a finding.",
      "homework.recorded", ["homework.recorded lesson=l8b-0909"])
def _(j): lesson(j, "l8b-0909")["homework"] = ""


@case("homework_plan_sets_none", "No homework where the thematic plan sets none complies.", "homework.recorded", [])
def _(j):
    lesson(j, "l8b-0909")["homework"] = ""
    j["plan"]["8b"][2]["homework"] = False  # planned lesson no. 3 = the third lesson held


@case("work_topic_bare", "A control work named only «Контрольная работа» and a lab work without a topic fail.",
      "work.topic_stated", ["work.topic_stated lesson=l5a-0908", "work.topic_stated lesson=l8b-0905"])
def _(j):
    add_work(j, "l5a-0908", "control", "Контрольная работа")
    add_work(j, "l8b-0905", "laboratory", "")


@case("work_topic_stated", "Works whose topic is stated comply.", "work.topic_stated", [])
def _(j):
    add_work(j, "l5a-0908", "control", "Контрольная работа № 1 «Сложение и вычитание»")
    add_work(j, "l8b-0905", "laboratory", "Лабораторная работа № 1 «Измерение объёма тела»")


@case("substitution_unrecorded", "A lesson given by another teacher than the timetable's without a substitution.",
      "substitution.recorded", ["substitution.recorded lesson=l8b-0909 teacher=t7"])
def _(j):
    l = lesson(j, "l8b-0909")
    l["teacher"], l["topicBy"] = "t7", "t7"


@case("substitution_recorded", "A substitution properly recorded (both teachers named) complies.",
      "substitution.recorded", [])
def _(j):
    l = lesson(j, "l8b-0909")
    l["substitute"], l["topicBy"] = "t7", "t7"


@case("substitution_filled_by_other", "The timetable's teacher is recorded but another teacher filled the lesson.",
      "substitution.recorded", ["substitution.recorded lesson=l5a-0911 teacher=t4"])
def _(j): lesson(j, "l5a-0911")["topicBy"] = "t4"


@case("control_planned_not_held", "The plan's control work (lesson no. 3) was not held at the third lesson.",
      "works.control_present", ["works.control_present lesson=l5a-0908"])
def _(j):
    j["plan"]["5a"][2].update(work="control", workTopic="Контрольная работа № 1 «Сложение»")


@case("control_planned_held", "The plan's control work held at the lesson delivering it complies.",
      "works.control_present", [])
def _(j):
    j["plan"]["5a"][2].update(work="control", workTopic="Контрольная работа № 1 «Сложение»")
    add_work(j, "l5a-0908", "control", "Контрольная работа № 1 «Сложение»", 1)


@case("accumulation_too_few", "A student with 2 current marks where 3 are required (2 hours a week) is a finding.",
      "marks.accumulation", ["marks.accumulation student=s02 class=5a marks=2 required=3"])
def _(j):
    j["marks"].remove(next(m for m in j["marks"] if m["student"] == "s02"))


@case("accumulation_missing_period_mark", "A student without a quarter mark at the quarter's end is a finding.",
      "marks.accumulation", ["marks.accumulation student=s13 class=8b period_mark=0"])
def _(j): j["period_marks"] = [p for p in j["period_marks"] if p["student"] != "s13"]


@case("accumulation_transfer_students", "A student arriving mid-quarter needs marks only for the part attended; a "
      "leaver needs none and may keep the marks given while enrolled.", "marks.accumulation marks.enrolled", [])
def _(j):
    j["students"]["s06"] = [{"class": "5a", "from": "2025-09-08", "to": None}]
    for i, lid in enumerate(("l5a-0908", "l5a-0911")):
        j["marks"].append({"id": f"m95{i}", "student": "s06", "lesson": lid, "work": "", "value": "4", "weight": 1,
                           "at": lesson(j, lid)["date"] + "T15:20:00", "by": "t3", "history": []})
    j["period_marks"].append({"student": "s06", "class": "5a", "value": "4"})
    j["students"]["s05"] = [{"class": "5a", "from": "2025-09-01", "to": "2025-09-05"}]
    j["marks"] = [m for m in j["marks"] if not (m["student"] == "s05" and m["lesson"] in ("l5a-0908", "l5a-0911"))]
    j["period_marks"] = [p for p in j["period_marks"] if p["student"] != "s05"]


@case("enrolled_mark_after_leaving", "A mark for a student who left the class before the lesson is a finding.",
      "marks.enrolled", ["marks.enrolled lesson=l5a-0908 student=s05", "marks.enrolled lesson=l5a-0911 student=s05"])
def _(j):
    j["students"]["s05"] = [{"class": "5a", "from": "2025-09-01", "to": "2025-09-05"}]


@case("objective_too_high", "A quarter mark 5 with a weighted average of 3.67 (rounded 4) is flagged.",
      "marks.period_objective", ["marks.period_objective student=s01 period_mark=5 rounded=4"])
def _(j):
    vals = iter(["3", "4", "4"])
    for m in j["marks"]:
        if m["student"] == "s01":
            m["value"] = next(vals)
    next(p for p in j["period_marks"] if p["student"] == "s01")["value"] = "5"


@case("objective_half_rounds_up", "A weighted average of exactly 3.5 rounds to 4: mark 4 complies, mark 3 is flagged.",
      "marks.period_objective", ["marks.period_objective student=s12 period_mark=3 rounded=4"])
def _(j):
    j["marks"] = [m for m in j["marks"] if m["student"] not in ("s11", "s12")]
    n = 0
    for s, final in (("s11", "4"), ("s12", "3")):
        for lid, v in (("l8b-0902", "3"), ("l8b-0905", "4"), ("l8b-0909", "3"), ("l8b-0912", "4")):
            n += 1
            j["marks"].append({"id": f"m96{n}", "student": s, "lesson": lid, "work": "", "value": v, "weight": 1,
                               "at": lesson(j, lid)["date"] + "T15:30:00", "by": "t3", "history": []})
        next(p for p in j["period_marks"] if p["student"] == s)["value"] = final


@case("valid_value_one_and_cells", "Mark 1 (not used by the school) and two marks in one cell in mathematics fail.",
      "marks.valid_value", ["marks.valid_value lesson=l5a-0901 student=s02",
                            "marks.valid_value lesson=l5a-0904 student=s01"])
def _(j):
    next(m for m in marks_of(j, "l5a-0901") if m["student"] == "s02")["value"] = "1"
    j["marks"].append({"id": "m980", "student": "s01", "lesson": "l5a-0904", "work": "", "value": "5", "weight": 1,
                       "at": "2025-09-04T15:40:00", "by": "t3", "history": []})


@case("valid_value_two_in_cell_russian", "Two marks in one cell are allowed in Russian language.",
      "marks.valid_value", [], scope="from=2025-09-01 to=2025-09-12 class=5a")
def _(j):
    j["lessons"].append({"id": "l5a-0903-rus", "date": "2025-09-03", "slot": 2, "class": "5a", "subject": "rus",
                         "teacher": "t4", "substitute": "", "topic": "Диктант «Осень»",
                         "topicAt": "2025-09-03T15:00:00", "topicBy": "t4", "homework": "Упр. 5",
                         "attendanceTaken": True, "works": [{"id": "w5a-0903", "type": "dictation",
                                                            "topic": "Диктант «Осень»"}]})
    for i, v in enumerate(("5", "4")):
        j["marks"].append({"id": f"m99{i}", "student": "s01", "lesson": "l5a-0903-rus", "work": "w5a-0903",
                           "value": v, "weight": 1, "at": "2025-09-03T16:00:00", "by": "t4", "history": []})


@case("changed_mark_listed", "A mark changed after posting is listed (info) with old and new value.",
      "marks.changed", ["marks.changed lesson=l5a-0904 student=s03 severity=info old=3 new=4"])
def _(j):
    m = next(m for m in marks_of(j, "l5a-0904") if m["student"] == "s03")
    m["history"] = [{"new": "3", "at": "2025-09-04T15:10:00", "by": "t3"},
                    {"old": "3", "new": "4", "at": "2025-09-05T10:15:00", "by": "t3"}]


@case("hours_one_lesson_short", "A quarter with one lesson of four not given is 1 hour short of the curriculum.",
      "hours.curriculum", ["hours.curriculum class=8b planned=4 delivered=3 shortfall=1"])
def _(j):
    j["lessons"] = [l for l in j["lessons"] if l["id"] != "l8b-0912"]
    j["marks"] = [m for m in j["marks"] if m["lesson"] != "l8b-0912"]


@case("hours_plan_to_date_complies", "Before the quarter ends the lessons given are compared with the plan to date.",
      "hours.curriculum", [], today="2025-09-05")
def _(j):
    j["lessons"] = [l for l in j["lessons"] if l["date"] <= "2025-09-05"]
    kept = {l["id"] for l in j["lessons"]}
    j["marks"] = [m for m in j["marks"] if m["lesson"] in kept]


@case("hours_plan_to_date_short", "On 2025-09-05 two lessons of 5А were due and one was given.",
      "hours.curriculum", ["hours.curriculum class=5a planned=2 delivered=1 shortfall=1"], today="2025-09-05")
def _(j):
    j["lessons"] = [l for l in j["lessons"] if l["id"] != "l5a-0904"]
    j["marks"] = [m for m in j["marks"] if m["lesson"] != "l5a-0904"]


@case("plan_total_short", "A thematic plan of 67 hours for a curriculum of 68 is a finding.", "hours.plan_total",
      ["hours.plan_total class=5a plan_hours=67 curriculum_hours=68"])
def _(j): j["plan"]["5a"].pop()



# ---- issue 10: rules applied only where the data supports them ----

@case("attendance_absences_recorded", "A lesson not flagged as taken but with absences recorded complies.",
      "attendance.recorded", [])
def _(j):
    lesson(j, "l8b-0905")["attendanceTaken"] = False
    j["attendance"].append({"student": "s11", "lesson": "l8b-0905", "status": "absent"})


@case("attendance_source_without_flag", "A source that records absences only (no lesson is marked as taken without"
      " absences) cannot show attendance not taken: one 'not checked', no findings.", "attendance.recorded", [],
      not_checked=("attendance.recorded",))
def _(j):
    for l in j["lessons"]:
        l["attendanceTaken"] = False
    j["attendance"].append({"student": "s11", "lesson": "l8b-0905", "status": "absent"})


@case("language_russian_naming_foreign_words", "Russian entries naming foreign words, terms, code keywords and"
      " proper names comply.", "language.russian", [])
def _(j):
    for lid, topic in (("l8b-0902", "Глагол have got: утвердительная форма"), ("l8b-0905", "Артикли a и the"),
                       ("l8b-0909", "Оператор while в языке Pascal"), ("l8b-0912", "Времена группы Continuous")):
        lesson(j, lid)["topic"] = topic
    lesson(j, "l5a-0901")["topic"] = "Present Simple: утвердительные предложения"


@case("language_foreign_phrase", "A foreign phrase of three words or more fails even after Russian text.",
      "language.russian", ["language.russian lesson=l8b-0902"])
def _(j): lesson(j, "l8b-0902")["topic"] = "Работа с текстом. Look at the picture and describe it."


@case("homework_exempt_subjects", "No homework in physical education, music, technology and ОРКСЭ (the configured"
      " subjects, any case, «Технология» matching «Труд (технология)») complies.", "homework.recorded", [])
def _(j):
    add_lesson(j, "l8b-pe", "2025-09-03", "pe")
    add_lesson(j, "l8b-music", "2025-09-04", "music")
    add_lesson(j, "l8b-tech", "2025-09-10", "tech")
    add_lesson(j, "l8b-orkse", "2025-09-11", "orkse")


@case("homework_no_plan_control_work", "Without a thematic plan (a pull), a control work's lesson without homework"
      " complies: the plan would set none.", "homework.recorded", [])
def _(j):
    j["plan"] = {}
    lesson(j, "l8b-0909")["homework"] = ""
    add_work(j, "l8b-0909", "control", "Контрольная работа № 1 «Натуральные числа»")


@case("homework_no_plan_ordinary_lesson", "Without a thematic plan, an ordinary lesson without homework is still a"
      " finding.", "homework.recorded", ["homework.recorded lesson=l8b-0909"])
def _(j):
    j["plan"] = {}
    lesson(j, "l8b-0909")["homework"] = ""


@case("homework_other_subject_missing", "No homework in chemistry (not exempt) is a finding.", "homework.recorded",
      ["homework.recorded lesson=l8b-chem subject=chem"])
def _(j): add_lesson(j, "l8b-chem", "2025-09-03", "chem")


@case("homework_grade1_none", "Grade 1 sets no homework: a grade 1 lesson without homework complies.",
      "homework.recorded", [], scope="period=2025-Q1 class=1a")
def _(j):
    for l in j["lessons"]:
        if l["class"] == "1a":
            l["homework"] = ""


@case("plan_missing_for_class", "A class without any thematic plan is one finding for the class naming its"
      " subjects, not one per subject.", "hours.plan_total",
      ["hours.plan_total class=8b subjects_without_plan=2"])
def _(j):
    del j["plan"]["8b"]
    j["curriculum"].append(("8b", "chem", 68))
    add_lesson(j, "l8b-chem", "2025-09-03", "chem", homework="§1")


@case("plan_absent_from_source", "A source without any thematic plan: hours.plan_total not checked, no findings.",
      "hours.plan_total", [], not_checked=("hours.plan_total",))
def _(j): j["plan"] = {}


def main():
    for name, description, rules, expected, scope, today, not_checked, f in CASES:
        j = base()
        f(j)
        d = os.path.join(OUT, name)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "input.xml"), "w", encoding="utf-8") as fh:
            fh.write(write_xml(j))
        with open(os.path.join(d, "expected.txt"), "w", encoding="utf-8") as fh:
            fh.write(f"description: {description}\nscope: {scope} today={today}\nrules: {rules}\n")
            for e in expected:
                fh.write(f"finding: {e}\n")
            for r in not_checked:
                fh.write(f"not_checked: {r}\n")
    print(f"{len(CASES)} cases written to {OUT}")


if __name__ == "__main__":
    main()
