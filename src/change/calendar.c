/* calendar.c -- working days: weekends and the administrator-editable
 * holidays table (with make-up working days, 调休上班).  Pure date
 * arithmetic only; loading and editing the holidays table (the SQL) is in
 * calendar_store.c.  Deadlines never read the wall clock directly: today
 * comes from xj_today (injectable: XJ_FAKE_NOW / xj_clock_set).
 */
#include <stdlib.h>
#include <string.h>
#include "change/change.h"
#include "core/util.h"

/* Days of YYYYMMDD and back (core/util.c). */
static int
civil_from_days (long z)
{
  int y, m, d;

  xj_civil_from_days (z, &y, &m, &d);
  return y * 10000 + m * 100 + d;
}

static long
ymd_days (int ymd)
{
  return xj_days_from_civil (ymd / 10000, ymd / 100 % 100, ymd % 100);
}

int
xj_ymd_weekday (int ymd)
{
  long z = ymd_days (ymd);

  /* 1970-01-01 was a Thursday (4) */
  return (int) ((z % 7 + 7 + 4) % 7);
}

int
xj_ymd_add_days (int ymd, int days)
{
  return civil_from_days (ymd_days (ymd) + days);
}

static bool
listed (const int *v, size_t n, int ymd)
{
  size_t lo = 0, hi = n;

  while (lo < hi)
    {
      size_t mid = lo + (hi - lo) / 2;

      if (v[mid] == ymd)
        return true;
      if (v[mid] < ymd)
        lo = mid + 1;
      else
        hi = mid;
    }
  return false;
}

bool
xj_cal_is_workday (const struct xj_calendar *c, int ymd)
{
  int wd = xj_ymd_weekday (ymd);

  if (c && listed (c->workdays, c->nworkdays, ymd))
    return true;
  if (c && listed (c->holidays, c->nholidays, ymd))
    return false;
  return wd != 0 && wd != 6;
}

int
xj_cal_add_workdays (const struct xj_calendar *c, int start, unsigned n)
{
  int d = start;

  /* bounded: a year of rest days in a row would be a broken calendar */
  for (unsigned guard = 0; n > 0 && guard < 3660; guard++)
    {
      d = xj_ymd_add_days (d, 1);
      if (xj_cal_is_workday (c, d))
        n--;
    }
  return d;
}

int
xj_ymd_parse (const char *iso)
{
  if (NULL == iso || strlen (iso) < 10 || '-' != iso[4] || '-' != iso[7])
    return 0;
  for (int i = 0; i < 10; i++)
    if (4 != i && 7 != i && (iso[i] < '0' || iso[i] > '9'))
      return 0;
  return ((iso[0] - '0') * 1000 + (iso[1] - '0') * 100 + (iso[2] - '0') * 10
          + (iso[3] - '0')) * 10000
         + ((iso[5] - '0') * 10 + (iso[6] - '0')) * 100
         + (iso[8] - '0') * 10 + (iso[9] - '0');
}

void
xj_ymd_format (int ymd, char out[12])
{
  xj_snprintf (out, 12, "%04d-%02d-%02d", ymd / 10000, ymd / 100 % 100,
               ymd % 100);
}

int
xj_cal_today (void)
{
  int y, m, d;

  xj_today (&y, &m, &d);
  return y * 10000 + m * 100 + d;
}

void
xj_cal_fini (struct xj_calendar *c)
{
  free (c->holidays);
  free (c->workdays);
  memset (c, 0, sizeof *c);
}
