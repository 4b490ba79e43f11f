/* calendar.c -- working days: weekends and the administrator-editable
 * holidays table (with make-up working days, 调休上班).  The date
 * arithmetic is pure; xj_cal_load and the xj_holiday_* functions hold the
 * holidays SQL.  Deadlines never read the wall clock directly: today comes
 * from xj_today (injectable: XJ_FAKE_NOW / xj_clock_set).
 */
#include <stdlib.h>
#include <string.h>
#include "change/change.h"
#include "core/util.h"

XJ_DB_STMT (st_hol_all, "SELECT date, kind FROM holidays ORDER BY date")
XJ_DB_STMT (st_hol_range,
            "SELECT date, kind, name FROM holidays WHERE date >= $1"
            " AND date <= $2 ORDER BY date")
XJ_DB_STMT (st_hol_put,
            "INSERT INTO holidays (date, kind, name) VALUES ($1, $2, $3)"
            " ON CONFLICT (date) DO UPDATE SET kind = excluded.kind,"
            " name = excluded.name")
XJ_DB_STMT (st_hol_del, "DELETE FROM holidays WHERE date = $1")

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

struct load_ctx {
  struct xj_calendar *c;
  size_t caph, capw;
};

static int
load_row (void *cls, const struct xj_db_row *r)
{
  struct load_ctx *l = cls;
  int ymd = xj_ymd_parse (xj_db_text (r, 0));
  bool work = 0 == strcmp (xj_db_text (r, 1), "workday");

  if (0 == ymd)
    return 0;
  if (work)
    *XJ_VEC_PUSH (l->c->workdays, l->c->nworkdays, l->capw) = ymd;
  else
    *XJ_VEC_PUSH (l->c->holidays, l->c->nholidays, l->caph) = ymd;
  return 0;
}

enum xj_err
xj_cal_load (struct xj_db *db, struct xj_calendar *c)
{
  struct load_ctx l = { c, 0, 0 };
  enum xj_qs qs;

  memset (c, 0, sizeof *c);
  qs = xj_db_q (db, &st_hol_all, XJ_DB_NOPARAMS, &load_row, &l);
  if (qs < 0)
    {
      xj_cal_fini (c);
      return xj_db_qs_err (qs);
    }
  return XJ_E_OK;
}

void
xj_cal_fini (struct xj_calendar *c)
{
  free (c->holidays);
  free (c->workdays);
  memset (c, 0, sizeof *c);
}

struct hol_ctx {
  xj_holiday_cb cb;
  void *cls;
};

static int
hol_row (void *cls, const struct xj_db_row *r)
{
  struct hol_ctx *h = cls;

  h->cb (h->cls, xj_db_text (r, 0), xj_db_text (r, 1), xj_db_text (r, 2));
  return 0;
}

enum xj_err
xj_holiday_list (struct xj_db *db, const char *from, const char *to,
                 xj_holiday_cb cb, void *cls)
{
  struct hol_ctx h = { cb, cls };
  enum xj_qs qs = xj_db_q (db, &st_hol_range,
                           XJ_DB_PARAMS (XJ_DB_S (from), XJ_DB_S (to)),
                           &hol_row, &h);

  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

enum xj_err
xj_holiday_put (struct xj_db *db, const char *date, const char *kind,
                const char *name)
{
  enum xj_qs qs = xj_db_q (db, &st_hol_put,
                           XJ_DB_PARAMS (XJ_DB_S (date), XJ_DB_S (kind),
                                         XJ_DB_S (name ? name : "")),
                           NULL, NULL);

  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

enum xj_err
xj_holiday_delete (struct xj_db *db, const char *date)
{
  enum xj_qs qs = xj_db_q (db, &st_hol_del, XJ_DB_PARAMS (XJ_DB_S (date)),
                           NULL, NULL);

  if (qs < 0)
    return xj_db_qs_err (qs);
  return XJ_QS_NONE == qs ? XJ_E_NOT_FOUND : XJ_E_OK;
}
