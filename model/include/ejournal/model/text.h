// Text helpers shared by the stages: case folding (search in archive find and the archive index; names the
// user typed, in the model and the rules), and the number, CSV and column-width forms the JSON, CSV and text
// writers of the rules and reports share.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace ejournal::model {

// Folds ASCII and Russian letters to lower case and ё to е, for case-insensitive matching of UTF-8 text.
std::string foldForSearch(std::string_view utf8);

// Lower-cases the Cyrillic capitals А-Я and Ё (to ё) and ASCII A-Z of UTF-8 text; other bytes unchanged.
std::string lowerRussian(std::string_view utf8);

// The Russian plural form for `n`: plural(1, "день", "дня", "дней") is "день", 3 -> "дня", 5, 11, 12 ->
// "дней". Returns one of the arguments.
const char* plural(long n, const char* one, const char* few, const char* many);

// `v` with exactly `decimals` digits after the point in the classic locale, whatever the global locale:
// "3.50".
std::string formatFixed(double v, int decimals);

// A CSV field (RFC 4180): as is, or quoted with inner quotes doubled when it holds a comma, quote, CR or LF.
std::string csvField(std::string_view s);

// The CSV a spreadsheet on a Russian desktop opens as columns (Excel, LibreOffice): fields separated by ';'
// and the UTF-8 byte order mark first. The other form is RFC 4180: ',' and no BOM.
struct CsvForm {
  char separator = ';';
  bool bom = true;
  static CsvForm rfc4180() { return {',', false}; }
};

// `rfc4180` (comma-separated, RFC 4180 quoting, as the project's CSV writers produce it) in `form`: every
// field re-quoted for the separator (quoted when it holds the separator, a quote, CR or LF), record ends
// kept, the BOM put first. The RFC 4180 form returns the text unchanged.
std::string csvInForm(std::string_view rfc4180, const CsvForm& form);

// The project's one UTF-8 decoder (the rules' language check, the PDF writer, the widths below use it).
// Decodes the code point at s[i] and advances i past it; a malformed sequence (a stray continuation byte, a
// bad or truncated continuation, an overlong form, a surrogate, anything above U+10FFFF) gives nullopt and
// advances i by one byte, so decoding goes on at the next byte. Precondition: i < s.size().
std::optional<char32_t> decodeUtf8(std::string_view s, size_t& i);
// Appends `cp` (at most U+10FFFF, not a surrogate) as UTF-8.
void appendUtf8(std::string& out, char32_t cp);

// The number of code points of UTF-8 text (a malformed byte counts as one): its width in a text table of a
// monospaced font.
size_t utf8Width(std::string_view utf8);

}  // namespace ejournal::model
