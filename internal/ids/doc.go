// Package ids checks and takes apart the national identifiers that the
// platform stores: the unified social credit code of a unit (统一社会信用代码,
// GB 32100-2015), the resident identity card number of a person (居民身份证号,
// GB 11643-1999) and the format of an administrative division code.
//
// Every rejection is an *errs.Error of kind errs.Invalid whose Chinese message
// names the position at fault, so that the person typing the identifier in a
// form or a spreadsheet can correct it without guessing. Credit codes and
// identity card numbers are trimmed and accepted in lower case, because both
// are what copying from a business licence or an Excel cell typically
// produces; division codes are not, since they come from data, not typing.
package ids
