/* validate.h -- field validation primitives shared by every entry path
 * (JSON API, CSV/XLSX import, CLI): dates, year-months, phones, names,
 * postcodes, e-mail, region codes, free text, age-for-grade.
 *
 * Each xj_valid_* function checks @in and, on success, writes the normal
 * form into the caller's @out buffer of @outsz bytes.  @in and @out may
 * be the same buffer (the functions work on a private copy), so callers
 * can normalise a struct field in place.  On failure @out holds "" and
 * the return value names the reason; nothing is allocated.  Pure
 * functions: no clock, no globals, thread-safe.
 */
#ifndef XJ_VALIDATE_H
#define XJ_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>
#include "../core/err.h"

/* Trim ASCII white space and U+3000 (ideographic space) from both ends
   of @s, in place. */
void xj_valid_trim (char *s);
/* The same for @s of known length @len (strlen); returns the new
   length. */
size_t xj_valid_trim_len (char *s, size_t len);

/* True for a date that exists in the proleptic Gregorian calendar. */
bool xj_valid_real_date (int y, int m, int d);

/* Date: accepts YYYY-MM-DD, YYYYMMDD, YYYY/MM/DD and YYYY.MM.DD (with
   separators, month and day may have one digit).  Normal form
   "YYYY-MM-DD" (@outsz >= 11).  XJ_E_DATE_FORMAT for the wrong shape,
   XJ_E_DATE_INVALID for a date that does not exist (2023-02-29). */
enum xj_err xj_valid_date (const char *in, char *out, size_t outsz);

/* True for a real date written exactly "YYYY-MM-DD" (an API value, where
   the other shapes xj_valid_date accepts are refused). */
bool xj_valid_iso_date (const char *d);

/* True for @s NULL or valid UTF-8 of at most @max bytes. */
bool xj_valid_utf8_max (const char *s, size_t max);

/* "YYYY-MM-DD" (normal form) -> YYYYMMDD as an int; 0 if malformed. */
int xj_valid_date_ymd (const char *norm);

/* Year-month: accepts YYYYMM, YYYY-MM, YYYY/MM, YYYY.MM.  Normal form
   "YYYYMM" (@outsz >= 7).  XJ_E_YM_FORMAT on any failure. */
enum xj_err xj_valid_ym (const char *in, char *out, size_t outsz);

/* Phone: mainland mobile 1[3-9] + 9 digits, or a landline with area
   code (010/02x + 7-8 digits, else 0xxx + 7-8 digits); spaces, dashes
   and parentheses are ignored, a +86 / 0086 prefix is dropped.  Normal
   form: "13812345678" or "0763-1234567".  XJ_E_PHONE on failure. */
enum xj_err xj_valid_phone (const char *in, char *out, size_t outsz);

/* Person name: 1..50 code points after trimming.  Allowed: CJK
   ideographs incl. extensions A-H and compatibility blocks (4-byte UTF-8
   such as U+20BB7 𠮷 included), 〇, the middle dot U+00B7 (variants
   U+30FB U+2022 U+2027 U+FF65 U+2219 U+22C5 U+0387 are normalised to
   it), Latin letters incl. Latin-1/Extended-A/B, and spaces (runs
   collapsed; spaces around a dot or between two CJK characters
   removed).  Rejects digits, control characters and other punctuation,
   a dot at either end or two dots in a row.  Errors: XJ_E_UTF8,
   XJ_E_NAME_CHARS, XJ_E_NAME_LENGTH (also when @out is too small). */
enum xj_err xj_valid_name (const char *in, char *out, size_t outsz);

/* Postcode: exactly 6 digits after trimming.  XJ_E_POSTCODE. */
enum xj_err xj_valid_postcode (const char *in, char *out, size_t outsz);

/* E-mail: local@domain, ASCII only, local part [A-Za-z0-9._%+-] without
   leading/trailing/double dots, domain of dot-separated labels with a
   TLD of at least two letters.  The domain is lower-cased.
   XJ_E_EMAIL; XJ_E_TOO_LONG when it does not fit @out. */
enum xj_err xj_valid_email (const char *in, char *out, size_t outsz);

/* Region (administrative division) code, syntax only: 6, 9 or 12
   digits with a province prefix.  Whether the code exists is the region
   module's question.  XJ_E_REGION. */
enum xj_err xj_valid_region (const char *in, char *out, size_t outsz);

/* Free text held in a char[@size] array: NUL-terminated within @size
   (else XJ_E_TOO_LONG), valid UTF-8 (XJ_E_UTF8), no C0 control
   characters or DEL (XJ_E_CONTROL_CHARS). */
enum xj_err xj_valid_text (const char *s, size_t size);
/* The same, also storing strlen (@s) in *@len when the result is XJ_E_OK
   (*@len is left alone otherwise). */
enum xj_err xj_valid_text_len (const char *s, size_t size, size_t *len);

/* School year (its starting calendar year) that @today_ymd falls in:
   from 1 September on it is this year, before that the previous one. */
int xj_valid_school_year (int today_ymd);

/* Age in full years on the grade-1 cut-off date, 31 August of
   @school_year, of a child born @birth_date ("YYYY-MM-DD"); -1 if the
   date is malformed. */
int xj_valid_age_on_cutoff (const char *birth_date, int school_year);

/* Ages (on the cut-off date) for a grade, derived from grade 1 at 6 (7
   allowed, 义务教育法 Art. 11): grade n of the 12-year sequence (primary
   1-6, junior 7-10, senior and vocational 10-12) expects n+5 .. n+6.
   One year either side is normal; beyond that up to the hard limits
   (two years younger, three years older; vocational up to 30) the
   record is accepted with a warning the bureau sees; outside them it is
   refused.  docs/internals/identity.md explains the choice. */
struct xj_age_band {
  int expect_lo, expect_hi;  /* the expected ages */
  int normal_lo, normal_hi;  /* no warning */
  int hard_lo, hard_hi;      /* accepted (with a warning outside normal) */
};
/* Fill @band for @grade; XJ_E_CODE if @grade is not a grade code. */
enum xj_err xj_valid_age_grade_band (const char *grade,
                                     struct xj_age_band *band);

/* Age-for-grade level of a child born @birth_date in @grade during
   @school_year: XJ_E_OK (normal), XJ_E_AGE_GRADE_WARN (accepted with a
   warning), XJ_E_AGE_GRADE (outside the hard limits), XJ_E_DATE_FORMAT /
   XJ_E_CODE for unusable input.  Registration, import, PATCH and every
   change reach it through xj_student_check_rules (student.h). */
enum xj_err xj_valid_age_grade (const char *birth_date, const char *grade,
                                int school_year);

#endif
