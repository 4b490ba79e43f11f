/* calendar_store.c -- the holidays table (rest days and make-up working
 * days, 调休上班): loading it into a struct xj_calendar for the pure
 * working-day arithmetic of calendar.c, and the administrator's list /
 * put / delete.  The only place with the holidays SQL; every function
 * runs inside the caller's transaction.
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
