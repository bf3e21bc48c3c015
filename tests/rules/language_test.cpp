// The Russian-language check on real lesson topics: formulas, chemistry, units, Roman numerals, abbreviations and
// quoted foreign terms pass; Latin-only or mostly-Latin entries and mixed-script words fail.
#include <boost/test/unit_test.hpp>

#include "ejournal/rules/rules.h"

using ejournal::rules::languageProblem;

BOOST_AUTO_TEST_CASE(real_russian_topics_pass) {
  for (const char* ok : {
           "Квадратные уравнения x² + 2x = 0",
           "Решение уравнений вида ax² + bx + c = 0",
           "Линейная функция y = kx + b",
           "Серная кислота H₂SO₄ и её соли",
           "Серная кислота H2SO4. Свойства",
           "Хлорид натрия NaCl, гидроксид Ca(OH)2",
           "Количество теплоты Q = cmΔt",
           "Скорость 60 км/ч и 15 m/s: перевод единиц",
           "Частота 50 Hz, давление 100 kPa",
           "Россия в XIX веке. Реформы Александра II",
           "Строение ДНК (DNA) и РНК",
           "Настоящее простое время (Present Simple)",
           "Повторение: «Unit 3. My family»",
           "Тригонометрические функции sin x и cos x",
           "Точка A и отрезок AB",
           "Ёлка и ёж: правописание ё после шипящих",
           "§ 12, № 5, 7",
           "Упр. 10, правило на с. 8",
           "Контрольная работа № 2 «Дроби»",
       })
    BOOST_TEST(languageProblem(ok).empty(), ok << " -> " << languageProblem(ok));
}

BOOST_AUTO_TEST_CASE(latin_only_or_mostly_latin_entries_fail) {
  for (const char* bad : {"Present Simple", "Unit 3. My family", "Ex. 5, p. 34", "Learn the new words",
                          "Unit 5. At school (Школа)", "Reading: My favourite book", "x² + 2x = 0"}) {
    const auto why = languageProblem(bad);
    BOOST_TEST(!why.empty(), bad);
  }
  BOOST_TEST(languageProblem("Present Simple") == "нет ни одного русского слова");
  BOOST_TEST(languageProblem("Unit 5. At school (Школа)").find("«Unit»") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(mixed_script_words_fail) {
  // "Cлово" starts with a Latin C; "Prеsent" has a Cyrillic е inside a Latin word; "СO2" has a Cyrillic С.
  for (const char* bad : {"Cлово и его значение", "Время Prеsent Simple", "Углекислый газ СO2"}) {
    const auto why = languageProblem(bad);
    BOOST_TEST(why.find("смешение латиницы и кириллицы") != std::string::npos, bad << " -> " << why);
  }
  BOOST_TEST(languageProblem("Cлово и его значение").find("«Cлово»") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(allow_list_and_invalid_utf8) {
  BOOST_TEST(!languageProblem("Программирование на Python").empty());
  BOOST_TEST(languageProblem("Программирование на Python", {"Python"}).empty());
  BOOST_TEST(languageProblem(std::string("Тема \xD0", 7)) == "текст не в кодировке UTF-8");
  BOOST_TEST(languageProblem(std::string("\xC0\xAF", 2)) == "текст не в кодировке UTF-8");  // overlong
  BOOST_TEST(languageProblem("").empty());
}
