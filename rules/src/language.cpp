// The Russian-language check (seed 3.5: all records in Russian, foreign-language lessons too).
//
// The text is decoded as UTF-8 and cut into words (letters with attached digits and sub/superscripts). A word
// is Russian when all its letters are Cyrillic. An entry written in Russian may name foreign words, terms,
// code keywords and proper names («Глагол have got: утвердительная форма», «Оператор while в языке Pascal»);
// it fails on a foreign phrase: three or more Latin words in a row («Look at the picture and describe it»).
// Notation never counts towards a phrase: a single-letter variable (x, 2x, x²), a Roman numeral, a chemical
// formula (H2SO4, H₂SO₄, NaCl), a unit or mathematical function, an upper-case abbreviation (DNA, IT), an
// entry of the configured allow-list, a product of variables in a formula, or words inside brackets or quotes
// opened after Russian text («Герундий и инфинитив (Gerund and Infinitive)»). A word mixing Latin and
// Cyrillic letters ("Cлово" with a Latin C) always fails, and so does a text with letters but no Russian
// word.
#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "ejournal/model/text.h"
#include "rule.h"

namespace ejournal::rules {

namespace {

enum class Script { None, Latin, Cyrillic, Greek, Digit };

Script scriptOf(char32_t c) {
  if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) return Script::Latin;
  if ((c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7)) return Script::Latin;
  if (c >= 0x400 && c <= 0x4FF) return Script::Cyrillic;
  if (c >= 0x370 && c <= 0x3FF) return Script::Greek;
  if (c >= '0' && c <= '9') return Script::Digit;
  if (c == 0xB2 || c == 0xB3 || c == 0xB9 || (c >= 0x2070 && c <= 0x209F)) return Script::Digit;
  return Script::None;
}

// The whole text as code points (model::decodeUtf8); false when it is not well-formed UTF-8.
bool decodeUtf8(std::string_view s, std::vector<char32_t>& out) {
  for (size_t i = 0; i < s.size();) {
    const auto cp = model::decodeUtf8(s, i);
    if (!cp) return false;
    out.push_back(*cp);
  }
  return true;
}

using model::appendUtf8;

constexpr std::array<const char*, 118> kElements = {
    "H",  "He", "Li", "Be", "B",  "C",  "N",  "O",  "F",  "Ne", "Na", "Mg", "Al", "Si", "P",  "S",  "Cl",
    "Ar", "K",  "Ca", "Sc", "Ti", "V",  "Cr", "Mn", "Fe", "Co", "Ni", "Cu", "Zn", "Ga", "Ge", "As", "Se",
    "Br", "Kr", "Rb", "Sr", "Y",  "Zr", "Nb", "Mo", "Tc", "Ru", "Rh", "Pd", "Ag", "Cd", "In", "Sn", "Sb",
    "Te", "I",  "Xe", "Cs", "Ba", "La", "Ce", "Pr", "Nd", "Pm", "Sm", "Eu", "Gd", "Tb", "Dy", "Ho", "Er",
    "Tm", "Yb", "Lu", "Hf", "Ta", "W",  "Re", "Os", "Ir", "Pt", "Au", "Hg", "Tl", "Pb", "Bi", "Po", "At",
    "Rn", "Fr", "Ra", "Ac", "Th", "Pa", "U",  "Np", "Pu", "Am", "Cm", "Bk", "Cf", "Es", "Fm", "Md", "No",
    "Lr", "Rf", "Db", "Sg", "Bh", "Hs", "Mt", "Ds", "Rg", "Cn", "Nh", "Fl", "Mc", "Lv", "Ts", "Og"};

// Units, mathematical functions and notation that are written in Latin in Russian school texts.
constexpr std::array<const char*, 52> kNotation = {
    "sin", "cos", "tg",  "ctg", "tan", "cot", "arcsin", "arccos", "arctg", "arcctg", "log", "lg",   "ln",
    "lim", "max", "min", "exp", "mod", "sgn", "const",  "kg",     "km",    "cm",     "mm",  "ml",   "mg",
    "Hz",  "kHz", "MHz", "Pa",  "kPa", "Ohm", "mol",    "dB",     "kJ",    "kW",     "mA",  "kV",   "mV",
    "eV",  "Kb",  "Mb",  "Gb",  "KB",  "MB",  "GB",     "pH",     "dx",    "dy",     "dt",  "km/h", "m/s"};

bool isElementFormula(const std::u32string& w) {
  // Sequence of element symbols, each optionally followed by digits or subscripts; at least one element.
  size_t i = 0;
  int elements = 0;
  while (i < w.size()) {
    if (!(w[i] >= 'A' && w[i] <= 'Z')) {
      if (scriptOf(w[i]) == Script::Digit) {
        ++i;
        continue;
      }
      return false;
    }
    std::string sym(1, static_cast<char>(w[i]));
    size_t next = i + 1;
    if (next < w.size() && w[next] >= 'a' && w[next] <= 'z') {
      std::string two = sym + static_cast<char>(w[next]);
      if (std::find_if(kElements.begin(), kElements.end(), [&](const char* e) { return two == e; }) !=
          kElements.end()) {
        ++elements;
        i = next + 1;
        continue;
      }
    }
    if (std::find_if(kElements.begin(), kElements.end(), [&](const char* e) { return sym == e; }) ==
        kElements.end())
      return false;
    ++elements;
    i = next;
  }
  return elements > 0;
}

bool isRoman(const std::string& letters) {
  if (letters.empty()) return false;
  for (char c : letters)
    if (std::string_view("IVXLCDM").find(c) == std::string_view::npos) return false;
  // Reject obviously non-numeral runs like "IIII" or "VV".
  return letters.find("IIII") == std::string::npos && letters.find("VV") == std::string::npos &&
         letters.find("XXXX") == std::string::npos;
}

struct Word {
  std::u32string chars;
  bool latin = false;
  bool cyrillic = false;
  bool guarded = false;  // inside brackets or quotes opened after Russian text
  bool formula =
      false;  // next to a formula operator (=, +, ·, ...) or carrying digits/Greek: a product like "kx"
  size_t begin = 0, end = 0;  // code point positions in the text
  std::string utf8() const {
    std::string s;
    for (char32_t c : chars) appendUtf8(s, c);
    return s;
  }
  std::string letters() const {
    std::string s;
    for (char32_t c : chars)
      if (scriptOf(c) == Script::Latin) appendUtf8(s, c);
    return s;
  }
};

bool latinAllowed(const Word& w, const std::vector<std::string>& allowed) {
  if (w.guarded) return true;
  const std::string text = w.utf8();
  const std::string letters = w.letters();
  if (std::find(allowed.begin(), allowed.end(), text) != allowed.end()) return true;
  if (std::find(allowed.begin(), allowed.end(), letters) != allowed.end()) return true;
  size_t letterCount = 0;
  for (char32_t c : w.chars)
    if (scriptOf(c) == Script::Latin) ++letterCount;
  if (letterCount == 1) return true;  // variable, unit letter, point name
  if (isRoman(letters)) return true;
  if (isElementFormula(w.chars)) return true;
  for (const char* n : kNotation)
    if (letters == n || text == n) return true;
  // Upper-case abbreviations of 2-5 letters (DNA, USB, IT).
  if (letterCount <= 5 &&
      std::all_of(letters.begin(), letters.end(), [](char c) { return c >= 'A' && c <= 'Z'; }))
    return true;
  // Products of variables inside a formula: "kx" in "y = kx + b", "cmΔt" in "Q = cmΔt".
  if (w.formula && letterCount <= 4 &&
      std::all_of(letters.begin() + 1, letters.end(), [](char c) { return c >= 'a' && c <= 'z'; }))
    return true;
  return false;
}

}  // namespace

std::string languageProblem(std::string_view text, const std::vector<std::string>& allowed) {
  std::vector<char32_t> cps;
  if (!decodeUtf8(text, cps)) return "текст не в кодировке UTF-8";
  // Fast path: no Latin letter at all and some Cyrillic one: nothing can be wrong.
  bool anyLatin = false, anyCyrillic = false;
  for (char32_t c : cps) {
    const Script sc = scriptOf(c);
    anyLatin |= sc == Script::Latin;
    anyCyrillic |= sc == Script::Cyrillic;
  }
  if (!anyLatin && anyCyrillic) return {};
  std::vector<Word> words;
  Word cur;
  bool sawRussian = false;
  std::vector<char32_t> guards;  // closing characters of open guarded brackets/quotes
  std::vector<char32_t> opens;   // closing characters of all open brackets/quotes (guarded or not)
  std::vector<bool> openGuarded;
  size_t pos = 0;
  auto flush = [&]() {
    if (cur.chars.empty()) return;
    cur.end = pos;
    cur.begin = pos - cur.chars.size();
    if (cur.latin || cur.cyrillic) {
      cur.guarded = !guards.empty();
      if (cur.cyrillic && !cur.latin) sawRussian = true;
      words.push_back(cur);
    }
    cur = Word{};
  };
  for (; pos < cps.size(); ++pos) {
    const char32_t c = cps[pos];
    const Script s = scriptOf(c);
    if (s == Script::Latin || s == Script::Cyrillic || s == Script::Digit || s == Script::Greek ||
        c == 0x301 /* combining acute (stress mark) */) {
      cur.chars.push_back(c);
      if (s == Script::Latin) cur.latin = true;
      if (s == Script::Cyrillic) cur.cyrillic = true;
      continue;
    }
    flush();
    if (!opens.empty() && c == opens.back()) {
      if (openGuarded.back()) guards.pop_back();
      opens.pop_back();
      openGuarded.pop_back();
      continue;
    }
    char32_t close = 0;
    if (c == '(')
      close = ')';
    else if (c == '[')
      close = ']';
    else if (c == '"')
      close = '"';
    else if (c == 0xAB)
      close = 0xBB;  // « »
    else if (c == 0x201C)
      close = 0x201D;  // “ ”
    else if (c == 0x201E)
      close = 0x201C;  // „ “
    if (close != 0) {
      opens.push_back(close);
      openGuarded.push_back(sawRussian);
      if (sawRussian) guards.push_back(close);
    }
  }
  flush();
  if (words.empty()) return {};
  auto isOperator = [](char32_t c) {
    return c == '=' || c == '+' || c == '-' || c == 0x2212 || c == 0xB7 || c == 0xD7 || c == '*' ||
           c == '/' || c == '^' || c == '<' || c == '>' || c == 0x2264 || c == 0x2265 || c == 0x2260 ||
           c == 0x2248;
  };
  for (auto& w : words) {
    for (char32_t c : w.chars)
      if (scriptOf(c) == Script::Greek || scriptOf(c) == Script::Digit) w.formula = true;
    size_t i = w.begin;
    while (i > 0 && cps[i - 1] == ' ') --i;
    if (i > 0 && isOperator(cps[i - 1])) w.formula = true;
    size_t k = w.end;
    while (k < cps.size() && cps[k] == ' ') ++k;
    if (k < cps.size() && isOperator(cps[k])) w.formula = true;
  }
  // Runs of foreign words: Latin words that are not notation, allowed or a gloss in brackets, next to each
  // other (only spaces, digits, hyphens and apostrophes between them). A Russian word or punctuation ends a
  // run; notation inside a run ("a" in "Look at a picture") neither ends nor extends it.
  auto joins = [&](size_t from, size_t to) {
    for (size_t i = from; i < to; ++i) {
      const char32_t c = cps[i];
      if (!(c == ' ' || c == '-' || c == '\'' || c == 0x2019 || scriptOf(c) == Script::Digit)) return false;
    }
    return true;
  };
  std::vector<std::string> mixed, phrases;
  size_t runWords = 0, runBegin = 0, runEnd = 0, lastEnd = 0;
  auto endRun = [&]() {
    if (runWords >= 3) {
      std::string p;
      for (size_t i = runBegin; i < runEnd; ++i) appendUtf8(p, cps[i]);
      phrases.push_back(std::move(p));
    }
    runWords = 0;
  };
  for (const auto& w : words) {
    if (runWords > 0 && !joins(lastEnd, w.begin)) endRun();
    lastEnd = w.end;
    if (w.latin && w.cyrillic) {
      mixed.push_back(w.utf8());
      endRun();
    } else if (w.cyrillic) {
      endRun();
    } else if (!latinAllowed(w, allowed)) {
      if (runWords++ == 0) runBegin = w.begin;
      runEnd = w.end;
    }
  }
  endRun();
  std::string reason;
  auto list = [](const std::vector<std::string>& v) {
    std::string s;
    for (size_t i = 0; i < v.size() && i < 5; ++i) s += (i ? ", «" : "«") + v[i] + "»";
    if (v.size() > 5) s += " и др.";
    return s;
  };
  if (!mixed.empty()) reason = "смешение латиницы и кириллицы в слове: " + list(mixed);
  if (!sawRussian) {
    if (!reason.empty()) reason += "; ";
    reason += "нет ни одного русского слова";
  } else if (!phrases.empty()) {
    if (!reason.empty()) reason += "; ";
    reason += "фраза на иностранном языке (три слова и более подряд): " + list(phrases);
  }
  return reason;
}

}  // namespace ejournal::rules
