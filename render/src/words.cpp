// Russian number words for the certification sheet: "47 (сорок семь) листов".
#include <array>

#include "ejournal/model/error.h"
#include "ejournal/model/text.h"
#include "ejournal/render/render.h"

namespace ejournal::render {

namespace {

constexpr std::array<std::string_view, 10> kUnits = {"ноль", "один",  "два",  "три",    "четыре",
                                                     "пять", "шесть", "семь", "восемь", "девять"};
constexpr std::array<std::string_view, 10> kTeens = {
    "десять",     "одиннадцать", "двенадцать", "тринадцать",   "четырнадцать",
    "пятнадцать", "шестнадцать", "семнадцать", "восемнадцать", "девятнадцать"};
constexpr std::array<std::string_view, 10> kTens = {
    "",          "",           "двадцать",  "тридцать",    "сорок",
    "пятьдесят", "шестьдесят", "семьдесят", "восемьдесят", "девяносто"};
constexpr std::array<std::string_view, 10> kHundreds = {
    "", "сто", "двести", "триста", "четыреста", "пятьсот", "шестьсот", "семьсот", "восемьсот", "девятьсот"};

void append(std::string& out, std::string_view word) {
  if (word.empty()) return;
  if (!out.empty()) out += ' ';
  out += word;
}

}  // namespace

std::string numberToWords(int n) {
  if (n < 0 || n > 999)
    throw Error(ErrorKind::Input, "render.numberToWords",
                "число " + std::to_string(n) + " вне диапазона 0-999");
  if (n == 0) return std::string(kUnits[0]);
  std::string out;
  append(out, kHundreds[n / 100]);
  const int rest = n % 100;
  if (rest >= 10 && rest < 20) {
    append(out, kTeens[rest - 10]);
  } else {
    append(out, kTens[rest / 10]);
    if (rest % 10 != 0) append(out, kUnits[rest % 10]);
  }
  return out;
}

std::string_view sheetWord(int n) { return model::plural(n, "лист", "листа", "листов"); }

std::string sheetCountPhrase(int n) {
  return std::to_string(n) + " (" + numberToWords(n) + ") " + std::string(sheetWord(n));
}

}  // namespace ejournal::render
