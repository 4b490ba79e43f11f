/* idcard.c -- resident ID numbers (公民身份号码, GB 11643-1999 and the
 * legacy 15-digit GB 11643-1989 form).
 *
 * Pure functions on caller-owned memory: no allocation, no clock (the
 * caller passes today's date), no dependencies beyond libc and the error
 * registry.  The address code is only checked syntactically (province
 * prefix); whether the full six digits name a real county, past or
 * present, is the region module's job (codes change every year, so a
 * valid ID may carry a code that no longer exists).
 */
#include <stddef.h>
#include <string.h>

#include "idcard/idcard.h"

/* Wᵢ = 2^(18−i) mod 11 for i = 1..17. */
static const int weights[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3,
                                 7, 9, 10, 5, 8, 4, 2 };
/* Check character for r = S mod 11. */
static const char check_map[11] = { '1', '0', 'X', '9', '8', '7',
                                    '6', '5', '4', '3', '2' };

char
xj_idcard_check_char (const char body17[17])
{
  int sum = 0;

  for (int i = 0; i < 17; i++)
    sum += (body17[i] - '0') * weights[i];
  return check_map[sum % 11];
}

static bool
is_digit (char c)
{
  return c >= '0' && c <= '9';
}

static bool
all_digits (const char *s, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (!is_digit (s[i]))
      return false;
  return true;
}

static bool
is_space (char c)
{
  return ' ' == c || '\t' == c || '\r' == c || '\n' == c;
}

/* Province-level prefixes of GB/T 2260 plus 71 (Taiwan) and 81/82/83
   (Hong Kong, Macao and Taiwan residence permits). */
bool
xj_idcard_province_ok (int p)
{
  return (p >= 11 && p <= 15) || (p >= 21 && p <= 23)
         || (p >= 31 && p <= 37) || (p >= 41 && p <= 46)
         || (p >= 50 && p <= 54) || (p >= 61 && p <= 65) || 71 == p
         || 81 == p || 82 == p || 83 == p;
}

static bool
leap (int y)
{
  return (0 == y % 4 && 0 != y % 100) || 0 == y % 400;
}

static bool
real_date (int y, int m, int d)
{
  static const int mdays[12] = { 31, 28, 31, 30, 31, 30,
                                 31, 31, 30, 31, 30, 31 };
  int max;

  if (m < 1 || m > 12 || d < 1)
    return false;
  max = mdays[m - 1];
  if (2 == m && leap (y))
    max = 29;
  return d <= max;
}

static int
num (const char *s, size_t n)
{
  int v = 0;

  for (size_t i = 0; i < n; i++)
    v = v * 10 + (s[i] - '0');
  return v;
}

enum xj_err
xj_idcard_parse (const char *in, int today_ymd, struct xj_idcard *out)
{
  const char *b;
  const char *e;
  size_t len;
  char id[19];
  int y, m, d;

  memset (out, 0, sizeof *out);
  if (NULL == in)
    return XJ_E_ID_LENGTH;
  b = in;
  while (is_space (*b))
    b++;
  e = b + strlen (b);
  while (e > b && is_space (e[-1]))
    e--;
  len = (size_t) (e - b);
  if (18 != len && 15 != len)
    return XJ_E_ID_LENGTH;

  /* Build the 18-character form first so every later check reads one
     layout; a legacy number gets century 19 and a placeholder check. */
  if (18 == len)
    {
      if (!all_digits (b, 17))
        return XJ_E_ID_CHARS;
      if (!is_digit (b[17]) && 'X' != b[17] && 'x' != b[17])
        return XJ_E_ID_CHARS;
      memcpy (id, b, 18);
      if ('x' == id[17])
        id[17] = 'X';
    }
  else
    {
      if (!all_digits (b, 15))
        return XJ_E_ID_CHARS;
      memcpy (id, b, 6);
      id[6] = '1';
      id[7] = '9';
      memcpy (id + 8, b + 6, 9);
      id[17] = '?';
    }
  id[18] = '\0';

  if (!xj_idcard_province_ok (num (id, 2)))
    return XJ_E_ID_REGION;

  y = num (id + 6, 4);
  m = num (id + 10, 2);
  d = num (id + 12, 2);
  if (!real_date (y, m, d) || y < 1900)
    return XJ_E_ID_BIRTH;
  if (today_ymd > 0 && y * 10000 + m * 100 + d > today_ymd)
    return XJ_E_ID_FUTURE;

  if (15 == len)
    id[17] = xj_idcard_check_char (id);
  else if (xj_idcard_check_char (id) != id[17])
    return XJ_E_ID_CHECK;

  memcpy (out->id18, id, sizeof out->id18);
  memcpy (out->region6, id, 6);
  out->region6[6] = '\0';
  out->year = y;
  out->month = m;
  out->day = d;
  out->gender = ((id[16] - '0') % 2) ? 1 : 2;
  out->was_legacy = (15 == len);
  return XJ_E_OK;
}
