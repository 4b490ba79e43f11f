/* idcard.h -- resident ID numbers (GB 11643-1999, 18 digits; legacy
 * GB 11643-1989, 15 digits).  Pure functions, no dependencies.
 */
#ifndef XJ_IDCARD_H
#define XJ_IDCARD_H

#include <stdbool.h>
#include "../core/err.h"

struct xj_idcard {
  char id18[19];     /* normalised: 18 chars, check digit upper-case X */
  char region6[7];   /* address code */
  int year, month, day;
  int gender;        /* 1 male (17th digit odd), 2 female */
  bool was_legacy;   /* input had 15 digits and was converted */
};

/* Check character for a 17-digit body (ISO 7064 MOD 11-2). */
char xj_idcard_check_char (const char body17[17]);

/* Parse and validate @in (surrounding spaces trimmed; lower-case x
   accepted; 15-digit legacy converted with century 19).  Checks length,
   characters, real birth date, not after @today_ymd (YYYYMMDD; 0 = skip),
   not before 1900, check digit.  On success fills @out. */
enum xj_err xj_idcard_parse (const char *in, int today_ymd,
                             struct xj_idcard *out);

/* True if @p (the first two digits of an address or region code) is a
   province-level prefix: 11-15 21-23 31-37 41-46 50-54 61-65 71 81 82 83
   (81-83 appear on Hong Kong / Macao / Taiwan residence permits). */
bool xj_idcard_province_ok (int p);

#endif
