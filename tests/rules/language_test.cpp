// The Russian-language check on real lesson topics: formulas, chemistry, units, Roman numerals, abbreviations
// and quoted foreign terms and Russian entries naming foreign words pass; entries without a Russian word,
// foreign phrases of three words or more and mixed-script words fail.
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

BOOST_AUTO_TEST_CASE(russian_entries_naming_foreign_words_pass) {
  // Issue 10: a Russian entry may name foreign words, terms, code keywords and proper names.
  for (const char* ok :
       {"Глагол have got: утвердительная форма", "Артикли a и the", "Оператор while в языке Pascal",
        "Времена группы Continuous", "Present Simple: утвердительные предложения",
        "Программирование на Python", "Unit 5. At school (Школа)"})
    BOOST_TEST(languageProblem(ok).empty(), ok << " -> " << languageProblem(ok));
}

BOOST_AUTO_TEST_CASE(no_russian_word_or_foreign_phrase_fails) {
  for (const char* bad : {"Present Simple", "Unit 3. My family", "Ex. 5, p. 34", "Learn the new words",
                          "Reading: My favourite book", "x² + 2x = 0",
                          "Работа с текстом. Look at the picture and describe it."}) {
    const auto why = languageProblem(bad);
    BOOST_TEST(!why.empty(), bad);
  }
  BOOST_TEST(languageProblem("Present Simple") == "нет ни одного русского слова");
  BOOST_TEST(languageProblem("Работа с текстом. Look at the picture and describe it.") ==
             "фраза на иностранном языке (три слова и более подряд): «Look at the picture and describe it»");
  // Two foreign words in a row are a term, three a phrase; Russian words or punctuation break a run.
  BOOST_TEST(languageProblem("Конструкция there is в предложении").empty());
  BOOST_TEST(!languageProblem("Конструкция there is not в предложении").empty());
  BOOST_TEST(languageProblem("Слова cat, dog, fox и их перевод").empty());
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
  BOOST_TEST(!languageProblem("Среда Visual Studio Code").empty());
  BOOST_TEST(languageProblem("Среда Visual Studio Code", {"Visual", "Studio"}).empty());
  BOOST_TEST(languageProblem(std::string("Тема \xD0", 7)) == "текст не в кодировке UTF-8");
  BOOST_TEST(languageProblem(std::string("\xC0\xAF", 2)) == "текст не в кодировке UTF-8");  // overlong
  BOOST_TEST(languageProblem("").empty());
}
