/* attend.c -- the pure half of attendance: the school-day calendar (a
 * county's terms minus weekends and holidays plus make-up working days,
 * reusing the working-day rule of change/calendar.c), the names of parts
 * and reasons, and the streak arithmetic of the dropout detection.  No
 * SQL and no clock here (attend_store.c has both).
 */
#include <string.h>
#include "attend/attend.h"
#include "core/util.h"

void
xj_att_terms_default (int start_year, struct xj_att_term t[2])
{
  t[0].start = start_year * 10000 + 901;
  t[0].end = (start_year + 1) * 10000 + 115;
  t[1].start = (start_year + 1) * 10000 + 215;
  t[1].end = (start_year + 1) * 10000 + 705;
}

static bool
ymd_valid (int ymd)
{
  /* a date that survives the round trip through a day number exists */
  return ymd > 19000101 && ymd < 30000101 && ymd % 100 >= 1
         && ymd / 100 % 100 >= 1 && ymd / 100 % 100 <= 12
         && xj_ymd_add_days (ymd, 0) == ymd;
}

enum xj_err
xj_att_terms_check (int start_year, const struct xj_att_term t[2],
                    struct xj_verrs *errs)
{
  size_t n0 = errs->n;
  int y1 = start_year * 10000, y2 = (start_year + 1) * 10000;

  for (int i = 0; i < 2; i++)
    {
      char f[32];

      xj_snprintf (f, sizeof f, "terms[%d]", i);
      if (! ymd_valid (t[i].start) || ! ymd_valid (t[i].end))
        xj_verrs_add (errs, f, XJ_E_VALIDATION, "第%s学期的日期无效",
                      i ? "二" : "一");
      else if (t[i].end < t[i].start)
        xj_verrs_add (errs, f, XJ_E_VALIDATION,
                      "第%s学期的结束日期早于开始日期", i ? "二" : "一");
    }
  if (errs->n > n0)
    return XJ_E_VALIDATION;
  if (t[0].start < y1 + 801 || t[0].start > y1 + 930)
    xj_verrs_add (errs, "terms[0]", XJ_E_VALIDATION,
                  "第一学期应在%d年8月或9月开始", start_year);
  if (t[1].start <= t[0].end)
    xj_verrs_add (errs, "terms[1]", XJ_E_VALIDATION,
                  "第二学期应在第一学期结束之后开始");
  if (t[1].end > y2 + 831)
    xj_verrs_add (errs, "terms[1]", XJ_E_VALIDATION,
                  "第二学期应在%d年8月31日前结束", start_year + 1);
  return errs->n > n0 ? XJ_E_VALIDATION : XJ_E_OK;
}

/* Day index of @ymd in c's year (0 = 1 September), -1 outside. */
static int
year_index (const struct xj_att_cal *c, int ymd)
{
  long first = xj_days_from_civil (c->start_year, 9, 1);
  long z = xj_days_from_civil (ymd / 10000, ymd / 100 % 100, ymd % 100);

  if (z < first || z - first >= XJ_ATT_YEAR_DAYS)
    return -1;
  return (int) (z - first);
}

static bool
in_term (const struct xj_att_cal *c, int ymd)
{
  return (ymd >= c->term[0].start && ymd <= c->term[0].end)
         || (ymd >= c->term[1].start && ymd <= c->term[1].end);
}

void
xj_att_cal_build (struct xj_att_cal *c)
{
  int ymd = c->start_year * 10000 + 901;
  short n = 0;

  for (int i = 0; i < XJ_ATT_YEAR_DAYS; i++)
    {
      c->ord[i] = 0;
      if (in_term (c, ymd) && xj_cal_is_workday (&c->hol, ymd))
        c->ord[i] = ++n;
      ymd = xj_ymd_add_days (ymd, 1);
    }
}

void
xj_att_cal_fini (struct xj_att_cal *c)
{
  xj_cal_fini (&c->hol);
}

int
xj_att_ordinal (const struct xj_att_cal *c, int ymd)
{
  int i = year_index (c, ymd);

  return i < 0 ? 0 : c->ord[i];
}

bool
xj_att_is_school_day (const struct xj_att_cal *c, int ymd)
{
  return xj_att_ordinal (c, ymd) > 0;
}

/* School days up to and including @ymd's index (@ymd clipped to the
   year). */
static int
count_through (const struct xj_att_cal *c, int ymd)
{
  int i = year_index (c, ymd);

  if (i < 0)
    return ymd < c->start_year * 10000 + 901 ? 0 : count_through (
             c, xj_ymd_add_days (c->start_year * 10000 + 901,
                                 XJ_ATT_YEAR_DAYS - 1));
  for (; i >= 0; i--)
    if (c->ord[i] > 0)
      return c->ord[i];
  return 0;
}

int
xj_att_school_days (const struct xj_att_cal *c, int from, int to)
{
  if (to < from)
    return 0;
  return count_through (c, to) - count_through (c, xj_ymd_add_days (from,
                                                                    -1));
}

int
xj_att_term_of (const struct xj_att_cal *c, int ymd)
{
  if (ymd >= c->term[1].start)
    return 2;
  return ymd >= c->term[0].start ? 1 : 0;
}

const char *
xj_att_not_school_day_why (const struct xj_att_cal *c, int ymd)
{
  static const char *const wd[] = { "周日", "周一", "周二", "周三",
                                    "周四", "周五", "周六" };
  int w;

  if (xj_att_is_school_day (c, ymd))
    return NULL;
  if (! in_term (c, ymd))
    return "不在学期内";
  w = xj_ymd_weekday (ymd);
  if (0 == w || 6 == w)
    return wd[w];
  return "节假日";
}

/* ---- names ---- */
static const char *const part_names[] = { "full", "am", "pm" };
static const char *const part_labels[] = { "全天", "上午", "下午" };
static const char *const reason_names[] = { "", "sick", "personal",
                                            "unexcused" };
static const char *const reason_labels[] = { "", "病假", "事假", "旷课" };

const char *
xj_att_part_name (int part)
{
  return part >= 0 && part <= 2 ? part_names[part] : "";
}

const char *
xj_att_part_label (int part)
{
  return part >= 0 && part <= 2 ? part_labels[part] : "";
}

const char *
xj_att_reason_name (int reason)
{
  return reason >= 1 && reason <= 3 ? reason_names[reason] : "";
}

const char *
xj_att_reason_label (int reason)
{
  return reason >= 1 && reason <= 3 ? reason_labels[reason] : "";
}

static int
lookup (const char *s, const char *const *names, const char *const *labels,
        int lo, int hi)
{
  if (NULL == s || '\0' == *s)
    return -1;
  for (int i = lo; i <= hi; i++)
    if (0 == strcmp (s, names[i]) || 0 == strcmp (s, labels[i]))
      return i;
  return -1;
}

int
xj_att_part_parse (const char *s)
{
  /* the import's spreadsheets say 全天/上午/下午, sometimes 半天上午 */
  return lookup (s, part_names, part_labels, 0, 2);
}

int
xj_att_reason_parse (const char *s)
{
  return lookup (s, reason_names, reason_labels, 1, 3);
}

/* ---- streaks ---- */

void
xj_att_tally_add (struct xj_att_tally *t, const struct xj_att_cal *c,
                  int as_of, int ymd, int part)
{
  int o = xj_att_ordinal (c, ymd);
  int term = xj_att_term_of (c, as_of);
  int len;

  if (0 == o)
    return;   /* recorded before the calendar changed: not a school day */
  if (term > 0 && ymd >= c->term[term - 1].start)
    t->term_halfdays += XJ_ATT_FULL == part ? 2 : 1;
  if (XJ_ATT_FULL != part)
    {
      t->run_from = t->run_to = 0;  /* in school half that day: run ends */
      t->current = 0;
      return;
    }
  /* the run goes on when @ymd is the school day after its last day;
     weekends and holidays between the two do not break it */
  if (0 == t->run_to || xj_att_ordinal (c, t->run_to) != o - 1)
    t->run_from = ymd;
  t->run_to = ymd;
  len = o - xj_att_ordinal (c, t->run_from) + 1;
  if (len > t->streak)
    {
      t->streak = len;
      t->streak_from = t->run_from;
      t->streak_to = ymd;
    }
  /* open: it reaches the last school day up to as_of, or the one before
     (today's entries may not be in yet) */
  t->current = count_through (c, as_of) - o <= 1 ? len : 0;
}

enum xj_att_level
xj_att_level_of (const struct xj_att_tally *t,
                 const struct xj_att_thresholds *th)
{
  if (t->streak > th->dropout_days
      || t->term_halfdays > 2 * th->term_dropout_days)
    return XJ_ATT_DROPOUT;
  if (t->streak > th->suspect_days
      || t->term_halfdays > 2 * th->term_suspect_days)
    return XJ_ATT_SUSPECT;
  return XJ_ATT_NONE;
}
