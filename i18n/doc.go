// Package i18n holds the language machinery shared by every other package
// of palaute: the languages of the national feedback standard, matching a
// caller's preference to one of them, UI label tables, number formatting and
// Finnish/Swedish collation.
//
// # Languages
//
// [Lang] is a small comparable value for the six languages the national
// standard names: Finnish, Swedish and English, for which the library ships
// complete labels, and North, Inari and Skolt Sami, which are known
// languages for which no texts have been found yet. A Sami language is never
// silently replaced by another: lookups report that no text exists and the
// caller names the fallback explicitly.
//
// # Matching
//
// [Matcher] picks one of a caller's supported languages from an
// Accept-Language header or a stored preference. It uses the matcher index
// of golang.org/x/text/language into the supported list, never the returned
// tag (which may carry extensions such as "fi-u-rg-fizzzz").
//
// # Numbers
//
// [FormatInt], [FormatDecimal], [FormatPercent] and [FormatSigned] write
// numbers for people: Finnish, Swedish and the Sami languages use a decimal
// comma, U+00A0 NO-BREAK SPACE as the group separator and before the percent
// sign, and U+2212 MINUS SIGN; English uses a decimal point, a comma as the
// group separator and a hyphen-minus, as CLDR does. Rounding is explicit and
// half away from zero on the shortest decimal representation of the value
// ([Round]), so 2.675 shows as 2.68 and 0.285 as 28.5 %. Machine outputs
// (CSV, JSON) must not use these functions: they use plain ASCII numbers.
//
// # Labels and collation
//
// [Labels] is a table of UI words (channel and role names, indicator names,
// report headings) embedded as data, with Finnish, Swedish and English
// complete. Item texts, scale labels and theme names are not here: they are
// national wording with provenance and live in package catalogue.
// [Collator] sorts names such as unit names in Finnish or Swedish order
// (å, ä, ö after z; ü as y).
package i18n
