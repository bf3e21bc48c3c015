// Russian texts for Xerces-C errors by code (xerces_messages.h).
#include "xerces_messages.h"

#include <string_view>
#include <unordered_map>
#include <vector>
#include <xercesc/framework/XMLErrorCodes.hpp>
#include <xercesc/framework/XMLValidityCodes.hpp>
#include <xercesc/util/XMLExceptMsgs.hpp>

namespace ejournal::ingest::detail {
namespace {

using xercesc::XMLErrs;
using xercesc::XMLExcepts;
using xercesc::XMLValid;

// Well-formedness (XMLErrs). {0}, {1}: Xerces' parameters in order, quoted «» in the output.
const std::unordered_map<unsigned, std::string_view>& syntaxTexts() {
  static const std::unordered_map<unsigned, std::string_view> texts{
      {XMLErrs::EntityExpansionLimitExceeded, "слишком много подстановок сущностей"},
      {XMLErrs::ExpectedCommentOrCDATA, "ожидался комментарий или раздел CDATA"},
      {XMLErrs::ExpectedAttrName, "ожидалось имя атрибута"},
      {XMLErrs::ExpectedEqSign, "ожидался знак «=» после имени атрибута"},
      {XMLErrs::ExpectedElementName, "ожидалось имя элемента"},
      {XMLErrs::CommentsMustStartWith, "комментарий должен начинаться с «<!--»"},
      {XMLErrs::InvalidDocumentStructure, "неверная структура документа: ожидался корневой элемент"},
      {XMLErrs::ExpectedDeclString, "в объявлении XML ожидалось version, encoding или standalone"},
      {XMLErrs::BadXMLVersion, "неверная версия XML {0}"},
      {XMLErrs::UnsupportedXMLVersion, "версия XML {0} не поддерживается"},
      {XMLErrs::UnterminatedXMLDecl, "незакрытое объявление XML"},
      {XMLErrs::BadXMLEncoding, "неверное имя кодировки {0}"},
      {XMLErrs::BadStandalone, "неверное значение standalone"},
      {XMLErrs::UnterminatedComment, "незакрытый комментарий"},
      {XMLErrs::PINameExpected, "ожидалось имя инструкции обработки"},
      {XMLErrs::UnterminatedPI, "незакрытая инструкция обработки"},
      {XMLErrs::InvalidCharacter, "недопустимый символ (код {0})"},
      {XMLErrs::UnterminatedStartTag, "незакрытый открывающий тег {0}"},
      {XMLErrs::ExpectedAttrValue, "ожидалось значение атрибута в кавычках"},
      {XMLErrs::UnterminatedEndTag, "незакрытый закрывающий тег"},
      {XMLErrs::ExpectedEndOfTagX, "ожидался закрывающий тег {0}"},
      {XMLErrs::ExpectedMarkup, "ожидалась разметка"},
      {XMLErrs::NotValidAfterContent,
       "после корневого элемента допустимы только пробелы, комментарии и инструкции обработки"},
      {XMLErrs::ExpectedComment, "ожидался комментарий"},
      {XMLErrs::ExpectedCommentOrPI,
       "после корневого элемента допустимы только пробелы, комментарии и инструкции обработки"},
      {XMLErrs::ExpectedWhitespace, "ожидался пробел"},
      {XMLErrs::ExpectedQuotedString, "ожидалась строка в кавычках"},
      {XMLErrs::InvalidCharacterInAttrValue, "недопустимый символ (код {1}) в значении атрибута {0}"},
      {XMLErrs::InvalidCharacterRef, "недопустимая ссылка на символ"},
      {XMLErrs::UnterminatedCharRef, "незакрытая ссылка на символ"},
      {XMLErrs::ExpectedEntityRefName, "ожидалось имя сущности после «&»"},
      {XMLErrs::EntityNotFound, "неизвестная сущность {0}"},
      {XMLErrs::UnterminatedEntityRef, "незакрытая ссылка на сущность {0}"},
      {XMLErrs::RecursiveEntity, "рекурсивная сущность {0}"},
      {XMLErrs::MoreEndThanStartTags, "закрывающих тегов больше, чем открывающих"},
      {XMLErrs::AttrAlreadyUsedInSTag, "атрибут {0} повторяется в элементе {1}"},
      {XMLErrs::BracketInAttrValue, "символ «<» в значении атрибута {0} (пишется &lt;)"},
      {XMLErrs::Expected2ndSurrogateChar, "неполная суррогатная пара UTF-16"},
      {XMLErrs::ExpectedNumericalCharRef, "ожидалась числовая ссылка на символ"},
      {XMLErrs::BadSequenceInCharData, "последовательность «]]>» в тексте не допускается"},
      {XMLErrs::IllegalSequenceInComment, "последовательность «--» внутри комментария не допускается"},
      {XMLErrs::UnterminatedCDATASection, "незакрытый раздел CDATA"},
      {XMLErrs::XMLDeclMustBeLowerCase, "объявление XML пишется строчными буквами: <?xml"},
      {XMLErrs::BadDigitForRadix, "неверная цифра в ссылке на символ"},
      {XMLErrs::EndedWithTagsOnStack, "документ оборван: не закрыт элемент {0}"},
      {XMLErrs::UnknownPrefix, "неизвестный префикс пространства имён {0}"},
      {XMLErrs::PartialTagMarkupError, "тег не закрыт внутри сущности"},
      {XMLErrs::EmptyMainEntity, "пустой документ"},
      {XMLErrs::CDATAOutsideOfContent, "раздел CDATA вне корневого элемента"},
      {XMLErrs::Unexpected2ndSurrogateChar, "лишняя вторая половина суррогатной пары UTF-16"},
      {XMLErrs::NoPIStartsWithXML, "имя инструкции обработки не может начинаться с «xml»"},
      {XMLErrs::XMLDeclMustBeFirst, "объявление XML должно стоять в самом начале документа"},
      {XMLErrs::XMLVersionRequired, "в объявлении XML нет версии"},
      {XMLErrs::StandaloneNotLegal, "standalone здесь не допускается"},
      {XMLErrs::EncodingRequired, "в объявлении текста нужна кодировка"},
      {XMLErrs::ColonNotLegalWithNS, "двоеточие в имени не допускается"},
      {XMLErrs::NoEmptyStrNamespace, "пустое пространство имён для префикса {0} не допускается"},
      {XMLErrs::NoUseOfxmlnsAsPrefix, "префикс xmlns объявлять нельзя"},
      {XMLErrs::NoUseOfxmlnsURI, "пространство имён xmlns использовать нельзя"},
      {XMLErrs::PrefixXMLNotMatchXMLURI, "префикс xml связан не со своим пространством имён"},
      {XMLErrs::XMLURINotMatchXMLPrefix, "пространство имён xml связано не с префиксом xml"},
      {XMLErrs::NoXMLNSAsElementPrefix, "элемент не может иметь префикс xmlns"},
      {XMLErrs::InvalidElementName, "недопустимое имя элемента {0}"},
      {XMLErrs::InvalidAttrName, "недопустимое имя атрибута {0}"},
      {XMLErrs::InvalidEntityRefName, "недопустимое имя сущности {0}"},
      {XMLErrs::DuplicateDocTypeDecl, "DOCTYPE запрещён: документ не может объявлять DTD и сущности"},
      {XMLErrs::XMLException_Fatal, "документ не удаётся прочитать как XML в кодировке UTF-8"},
  };
  return texts;
}

// Schema validity (XMLValid).
const std::unordered_map<unsigned, std::string_view>& schemaTexts() {
  static const std::unordered_map<unsigned, std::string_view> texts{
      {XMLValid::ElementNotDefined, "элемент {0} не предусмотрен форматом"},
      {XMLValid::AttNotDefined, "атрибут {0} не предусмотрен форматом"},
      {XMLValid::RequiredAttrNotProvided, "нет обязательного атрибута {0}"},
      {XMLValid::ElementNotValidForContent, "элемент {0} здесь не допускается (ожидалось: {1})"},
      {XMLValid::InvalidEmptyAttValue, "атрибут не может быть пустым"},
      {XMLValid::EmptyNotValidForContent, "элемент не может быть пустым (ожидалось: {0})"},
      {XMLValid::AttNotDefinedForElement, "атрибут {0} не предусмотрен для элемента {1}"},
      {XMLValid::NotEnoughElemsForCM, "не хватает вложенных элементов (ожидалось: {0})"},
      {XMLValid::NoCharDataInCM, "текст внутри этого элемента не допускается"},
      {XMLValid::DoesNotMatchEnumList, "значение {0} атрибута {1} не из списка допустимых"},
      {XMLValid::AttrValNotName, "значение {0} атрибута {1} не является именем"},
      {XMLValid::NoMultipleValues, "атрибут {0} не допускает нескольких значений"},
      {XMLValid::NotSameAsFixedValue, "атрибут {0} должен иметь значение {2}, а не {1}"},
      {XMLValid::DatatypeError, "недопустимое значение {0}"},
      {XMLValid::ProhibitedAttributePresent, "атрибут {0} не допускается"},
      {XMLValid::WrongTargetNamespace, "документ другого формата: пространство имён {1}"},
      {XMLValid::SimpleTypeHasChild, "элемент {0} не может содержать вложенных элементов"},
      {XMLValid::GrammarNotFound, "неизвестное пространство имён {0}: ожидалось urn:ejournal:journal:1"},
      {XMLValid::NillNotAllowed, "xsi:nil для элемента {0} не допускается"},
      {XMLValid::NilAttrNotEmpty, "элемент {0} с xsi:nil должен быть пустым"},
      {XMLValid::FixedDifferentFromActual, "содержимое элемента {0} отличается от предписанного"},
      {XMLValid::ElementNotQualified, "элемент {0} должен быть в пространстве имён urn:ejournal:journal:1"},
      {XMLValid::ElementNotUnQualified, "элемент {0} должен быть без пространства имён"},
      {XMLValid::VC_EntityNotFound, "неизвестная сущность {0}"},
      {XMLValid::DatatypeValidationFailure, "недопустимое значение {0}"},
      {XMLValid::BadXsiType, "тип {0} из xsi:type неизвестен"},
      {XMLValid::NonDerivedXsiType, "тип {0} из xsi:type не подходит для элемента {1}"},
      {XMLValid::AttributeNotQualified, "атрибут {0} должен быть в пространстве имён"},
      {XMLValid::AttributeNotUnQualified, "атрибут {0} должен быть без пространства имён"},
      {XMLValid::IC_DuplicateUnique, "повторяющееся значение в элементе {0}"},
      {XMLValid::IC_DuplicateKey, "повторяющийся ключ в элементе {0}"},
      {XMLValid::IC_KeyNotFound, "ссылка на несуществующую запись в элементе {0}"},
      {XMLValid::IC_AbsentKeyValue, "у элемента {0} нет значения ключа"},
      {XMLValid::NonWSContent, "текст здесь не допускается"},
      {XMLValid::AttrDupToken, "в атрибуте {0} повторяется значение {1}"},
  };
  return texts;
}

// Exceptions (XMLExcepts): value checks of the schema's simple types (reported as errors in Xerces' exception
// domain) and those that reach the caller of parse().
const std::unordered_map<unsigned, std::string_view>& exceptionTexts() {
  static const std::unordered_map<unsigned, std::string_view> texts{
      {XMLExcepts::VALUE_NotMatch_Pattern, "недопустимое значение {0}"},
      {XMLExcepts::VALUE_NotIn_Enumeration, "значение {0} не из списка допустимых"},
      {XMLExcepts::VALUE_GT_maxLen, "значение длиннее допустимого: {1} символов, допускается не больше {2}"},
      {XMLExcepts::VALUE_LT_minLen, "значение короче допустимого: {1} символов, нужно не меньше {2}"},
      {XMLExcepts::VALUE_NE_Len, "значение длиной {1} символов, а нужно ровно {2}"},
      {XMLExcepts::VALUE_exceed_totalDigit, "в значении {0} слишком много цифр (больше {2})"},
      {XMLExcepts::VALUE_exceed_fractDigit, "в значении {0} слишком много цифр после запятой (больше {2})"},
      {XMLExcepts::VALUE_exceed_maxIncl, "значение {0} больше допустимого {1}"},
      {XMLExcepts::VALUE_exceed_maxExcl, "значение {0} должно быть меньше {1}"},
      {XMLExcepts::VALUE_exceed_minIncl, "значение {0} меньше допустимого {1}"},
      {XMLExcepts::VALUE_exceed_minExcl, "значение {0} должно быть больше {1}"},
      {XMLExcepts::VALUE_WS_replaced, "в значении {0} недопустимы табуляция и переводы строки"},
      {XMLExcepts::VALUE_WS_collapsed, "в значении {0} недопустимы лишние пробелы"},
      {XMLExcepts::VALUE_Invalid_NCName, "недопустимый идентификатор {0}"},
      {XMLExcepts::VALUE_Invalid_Name, "недопустимое имя {0}"},
      {XMLExcepts::VALUE_QName_Invalid, "недопустимое имя {0}"},
      {XMLExcepts::VALUE_no_match_memberType, "недопустимое значение {0}"},
      {XMLExcepts::VALUE_URI_Malformed, "недопустимый адрес {0}"},
      {XMLExcepts::XMLNUM_emptyString, "пустое значение вместо числа"},
      {XMLExcepts::XMLNUM_WSString, "пробелы вместо числа"},
      {XMLExcepts::XMLNUM_2ManyDecPoint, "в числе больше одной десятичной точки"},
      {XMLExcepts::XMLNUM_Inv_chars, "не число"},
      {XMLExcepts::DateTime_dt_invalid, "неверные дата и время {0} (нужно ГГГГ-ММ-ДДTчч:мм:сс)"},
      {XMLExcepts::DateTime_dt_missingT, "в дате и времени нет разделителя T"},
      {XMLExcepts::DateTime_date_incomplete, "неполная дата"},
      {XMLExcepts::DateTime_date_invalid, "неверная дата {0} (нужно ГГГГ-ММ-ДД)"},
      {XMLExcepts::DateTime_time_incomplete, "неполное время"},
      {XMLExcepts::DateTime_time_invalid, "неверное время {0}"},
      {XMLExcepts::DateTime_year_invalid, "неверный год"},
      {XMLExcepts::DateTime_year_tooShort, "год короче четырёх цифр"},
      {XMLExcepts::DateTime_year_leadingZero, "год с лишним нулём впереди"},
      {XMLExcepts::DateTime_year_zero, "нулевой год"},
      {XMLExcepts::DateTime_mth_invalid, "неверный месяц {0}"},
      {XMLExcepts::DateTime_day_invalid, "неверный день {0}"},
      {XMLExcepts::DateTime_hour_invalid, "неверный час {0}"},
      {XMLExcepts::DateTime_min_invalid, "неверные минуты {0}"},
      {XMLExcepts::DateTime_second_invalid, "неверные секунды {0}"},
      {XMLExcepts::DateTime_tz_invalid, "неверный часовой пояс"},
      {XMLExcepts::DateTime_tz_noUTCsign, "в часовом поясе нет знака"},
      {XMLExcepts::DateTime_tz_stuffAfterZ, "лишние знаки после Z"},
      {XMLExcepts::Reader_CouldNotDecodeFirstLine,
       "не удаётся прочитать первую строку документа в кодировке UTF-8"},
      {XMLExcepts::Reader_BadAutoEncoding,
       "не удаётся определить кодировку документа: поддерживается только UTF-8"},
      {XMLExcepts::Reader_EncodingStrRequired, "в объявлении XML нужна кодировка"},
      {XMLExcepts::Trans_BadSrcSeq, "неверная последовательность байтов UTF-8"},
      {XMLExcepts::Trans_BadSrcCP, "недопустимый символ в UTF-8"},
      {XMLExcepts::Trans_BadTrailingSurrogate, "неполная суррогатная пара"},
      {XMLExcepts::Trans_CantCreateCvtrFor, "кодировка {0} не поддерживается: только UTF-8"},
      {XMLExcepts::Trans_Unrepresentable, "символ не представим в UTF-8"},
      {XMLExcepts::Gen_UnexpectedEOF, "документ неожиданно закончился"},
      {XMLExcepts::Gen_CouldNotOpenExtEntity, "внешние ресурсы запрещены"},
      {XMLExcepts::Gen_CouldNotOpenDTD, "DOCTYPE запрещён: документ не может объявлять DTD и сущности"},
  };
  return texts;
}

// The single-quoted parameters of Xerces' English text, in order ('a' in "no declaration found for element
// 'a'").
std::vector<std::string> quotedParameters(const std::string& english) {
  std::vector<std::string> out;
  for (size_t open = english.find('\''); open != std::string::npos; open = english.find('\'', open + 1)) {
    const size_t close = english.find('\'', open + 1);
    if (close == std::string::npos) break;
    out.push_back(english.substr(open + 1, close - open - 1));
    open = close;
  }
  return out;
}

// An element name as Xerces writes it ("{urn:ejournal:journal:1}lesson" or "uri:lesson"): the local name.
std::string shortName(const std::string& name) {
  if (name.rfind("urn:ejournal:journal:1:", 0) == 0) return name.substr(23);
  return name;
}

}  // namespace

std::string russianXercesMessage(XercesDomain domain, unsigned code, const std::string& english) {
  const auto& texts = domain == XercesDomain::Syntax   ? syntaxTexts()
                      : domain == XercesDomain::Schema ? schemaTexts()
                                                       : exceptionTexts();
  const auto it = texts.find(code);
  const char* const generic = domain == XercesDomain::Syntax ? "ошибка синтаксиса XML"
                              : domain == XercesDomain::Schema ? "документ не соответствует формату"
                                                               : "недопустимое значение";
  const std::vector<std::string> params = quotedParameters(english);
  if (it == texts.end()) {
    std::string out = generic;
    if (domain == XercesDomain::Exception && !params.empty() && params[0].size() <= 100)
      out += " «" + params[0] + "»";
    return out + " (код ошибки Xerces " + std::to_string(code) + ")";
  }
  std::string out;
  const std::string_view t = it->second;
  for (size_t i = 0; i < t.size(); ++i) {
    if (t[i] == '{' && i + 2 < t.size() && t[i + 2] == '}' && t[i + 1] >= '0' && t[i + 1] <= '9') {
      const size_t n = static_cast<size_t>(t[i + 1] - '0');
      if (n >= params.size())  // Xerces' text did not carry the parameter: say what is known
        return std::string(generic) + " (код ошибки Xerces " + std::to_string(code) + ")";
      std::string p = shortName(params[n]);
      if (p.size() > 100) {  // a value can be long: enough of it to recognise
        size_t cut = 100;
        while (cut > 0 && (static_cast<unsigned char>(p[cut]) & 0xC0) == 0x80) --cut;
        p = p.substr(0, cut) + "…";
      }
      out += "«" + p + "»";
      i += 2;
    } else {
      out += t[i];
    }
  }
  return out;
}

}  // namespace ejournal::ingest::detail
