/* change_rules.c -- the pure rules of registry changes: type names, who
 * may start what, preconditions, grade arithmetic and approval chains
 * (domain.md §3).  No SQL, no clock, no HTTP: everything here is a
 * function of its arguments, unit-tested in tests/unit/test_change_rules.c.
 */
#include <string.h>
#include "change/change.h"
#include "core/util.h"
#include "validate/codes.h"
#include "validate/validate.h"

static const char *const type_names[XJ_CH__COUNT] = {
  [XJ_CH_TRANSFER_IN] = "transfer_in", [XJ_CH_SUSPEND] = "suspend",
  [XJ_CH_RESUME] = "resume",           [XJ_CH_WITHDRAW] = "withdraw",
  [XJ_CH_REPEAT] = "repeat",           [XJ_CH_SKIP] = "skip",
  [XJ_CH_ABROAD] = "abroad",           [XJ_CH_DEATH] = "death",
  [XJ_CH_GRADUATE] = "graduate",       [XJ_CH_CORRECT] = "correct",
  [XJ_CH_CANCEL] = "cancel",
  [XJ_CH_PROMOTE] = "promote",         [XJ_CH_REENTER] = "reenter",
  [XJ_CH_LEAVE] = "leave",
};
static const char *const type_zh[XJ_CH__COUNT] = {
  [XJ_CH_TRANSFER_IN] = "转学", [XJ_CH_SUSPEND] = "休学",
  [XJ_CH_RESUME] = "复学",      [XJ_CH_WITHDRAW] = "退学",
  [XJ_CH_REPEAT] = "留级",      [XJ_CH_SKIP] = "跳级",
  [XJ_CH_ABROAD] = "出国(境)",  [XJ_CH_DEATH] = "死亡",
  [XJ_CH_GRADUATE] = "毕业/结业/肄业", [XJ_CH_CORRECT] = "信息变更",
  [XJ_CH_CANCEL] = "注销",
  [XJ_CH_PROMOTE] = "升学",     [XJ_CH_REENTER] = "重新入学",
  [XJ_CH_LEAVE] = "其他离校",
};

const char *
xj_change_type_name (enum xj_change_type t)
{
  return (unsigned) t < XJ_CH__COUNT ? type_names[t] : NULL;
}

const char *
xj_change_type_zh (enum xj_change_type t)
{
  return (unsigned) t < XJ_CH__COUNT ? type_zh[t] : "";
}

bool
xj_change_type_parse (const char *name, enum xj_change_type *out)
{
  for (int i = 0; name && i < XJ_CH__COUNT; i++)
    if (0 == strcmp (name, type_names[i]))
      {
        *out = (enum xj_change_type) i;
        return true;
      }
  return false;
}

bool
xj_change_may_start (enum xj_change_type t, enum xj_role role)
{
  /* started only through progress.c (POST /progress/...) */
  if (XJ_CH_PROMOTE == t || XJ_CH_REENTER == t)
    return false;
  if (XJ_ROLE_ADMIN == role)
    return (unsigned) t < XJ_CH__COUNT;
  if (XJ_CH_CANCEL == t)
    return XJ_ROLE_BUREAU == role;
  return XJ_ROLE_REGISTRAR == role && (unsigned) t < XJ_CH__COUNT;
}

/* ---- grades ---- */

static bool
grade_ok (const char *g)
{
  return g && 2 == strlen (g) && g[0] >= '1' && g[0] <= '4' && g[1] >= '1'
         && g[1] <= '6';
}

static int
stage_last (char stage)
{
  switch (stage)
    {
    case '1': return 6;
    case '2': return 4;  /* 初四 exists for the five-four system */
    case '3': return 3;
    case '4': return 3;
    default: return 0;
    }
}

bool
xj_grade_compulsory (const char *grade)
{
  return grade_ok (grade) && ('1' == grade[0] || '2' == grade[0]);
}

bool
xj_grade_final (const char *grade)
{
  if (! grade_ok (grade))
    return false;
  if ('2' == grade[0])
    return grade[1] >= '3';
  return grade[1] - '0' == stage_last (grade[0]);
}

bool
xj_grade_next (const char *grade, char out[4])
{
  if (! grade_ok (grade) || xj_grade_final (grade))
    return false;
  out[0] = grade[0];
  out[1] = (char) (grade[1] + 1);
  out[2] = '\0';
  return true;
}

bool
xj_grade_prev (const char *grade, char out[4])
{
  if (! grade_ok (grade) || '1' == grade[1])
    return false;
  out[0] = grade[0];
  out[1] = (char) (grade[1] - 1);
  out[2] = '\0';
  return true;
}

/* ---- preconditions ---- */

static bool
is (const char *a, const char *b)
{
  return a && b && 0 == strcmp (a, b);
}

/* 转学: status, and the windows of the settings. */
static enum xj_err
check_transfer (const struct xj_change_check *c,
                const struct xj_change_settings *set)
{
  if (is (c->status, "suspended"))
    return XJ_E_CHANGE_SUSPENDED_TRANSFER;
  if (! is (c->status, "enrolled"))
    return XJ_E_CHANGE_STUDENT_STATUS;
  if (set->transfer_entry_term && 1 == c->term && grade_ok (c->grade)
      && '1' == c->grade[1])
    return XJ_E_CHANGE_TRANSFER_ENTRY_TERM;
  if (set->transfer_graduating && xj_grade_final (c->grade))
    return XJ_E_CHANGE_TRANSFER_GRADUATING;
  return XJ_E_OK;
}

/* 留级/跳级: where 留级 is allowed, its cap, then one grade within the
   stage. */
static enum xj_err
check_repeat_skip (const struct xj_change_check *c,
                   const struct xj_change_settings *set, const char **field)
{
  char want[4];
  bool repeat = XJ_CH_REPEAT == c->type;

  if (! is (c->status, "enrolled"))
    return XJ_E_CHANGE_STUDENT_STATUS;
  if (repeat && xj_grade_compulsory (c->grade) && ! set->repeat_compulsory)
    return XJ_E_CHANGE_REPEAT_COMPULSORY;
  if (repeat && is (c->grade, "33") && ! set->repeat_senior3)
    return XJ_E_CHANGE_REPEAT_SENIOR3;
  if (repeat && (c->grade_repeats + 1) * 100
                  > (int64_t) set->repeat_cap_pct * c->grade_size)
    return XJ_E_CHANGE_REPEAT_CAP;
  *field = "grade";
  if (! (repeat ? xj_grade_prev (c->grade, want)
                : xj_grade_next (c->grade, want))
      || ! is (c->target_grade, want))
    return XJ_E_CHANGE_GRADE;
  return XJ_E_OK;
}

/* 毕业/结业 from the final grade; 肄业 (left before finishing) also
   outside compulsory education, never from a compulsory non-final grade
   (that would be 退学 by another name). */
static enum xj_err
check_graduate (const struct xj_change_check *c, const char **field)
{
  if (! is (c->status, "enrolled"))
    return XJ_E_CHANGE_STUDENT_STATUS;
  *field = "outcome";
  if (is (c->outcome, "incomplete"))
    return xj_grade_final (c->grade) || ! xj_grade_compulsory (c->grade)
             ? XJ_E_OK : XJ_E_CHANGE_INCOMPLETE_COMPULSORY;
  if (! is (c->outcome, "graduated") && ! is (c->outcome, "completed"))
    return XJ_E_CODE;
  return xj_grade_final (c->grade) ? XJ_E_OK : XJ_E_CHANGE_GRADE;
}

bool
xj_change_ends_record (enum xj_change_type t, const char *outcome)
{
  (void) outcome; /* every outcome of 毕业/结业/肄业 ends the record */
  switch (t)
    {
    case XJ_CH_WITHDRAW:
    case XJ_CH_ABROAD:
    case XJ_CH_DEATH:
    case XJ_CH_GRADUATE:
    case XJ_CH_CANCEL:
      return true;
    default:
      return false;
    }
}

enum xj_err
xj_change_precheck (const struct xj_change_check *c, const char **field)
{
  struct xj_change_settings defaults;
  const struct xj_change_settings *set = c->set;
  bool enrolled = is (c->status, "enrolled");
  bool suspended = is (c->status, "suspended");

  if (NULL == set)
    {
      xj_change_settings_defaults (&defaults);
      set = &defaults;
    }
  *field = "student_id";
  if (c->dropout_case > 0 && xj_change_ends_record (c->type, c->outcome))
    return XJ_E_DROPOUT_CASE_OPEN;
  switch (c->type)
    {
    case XJ_CH_LEAVE:
      return enrolled || suspended ? XJ_E_OK : XJ_E_CHANGE_STUDENT_STATUS;
    case XJ_CH_TRANSFER_IN:
      return check_transfer (c, set);
    case XJ_CH_SUSPEND:
      if (suspended)
        return c->renewals < set->suspend_renewals
                 ? XJ_E_OK : XJ_E_CHANGE_SUSPEND_RENEWALS;
      return enrolled ? XJ_E_OK : XJ_E_CHANGE_STUDENT_STATUS;
    case XJ_CH_RESUME:
      if (! suspended)
        return XJ_E_CHANGE_STUDENT_STATUS;
      if (c->target_grade && *c->target_grade
          && (! grade_ok (c->target_grade)
              || c->target_grade[0] != c->grade[0]))
        {
          *field = "grade";
          return XJ_E_CHANGE_GRADE;
        }
      return XJ_E_OK;
    case XJ_CH_WITHDRAW:
      if (! enrolled && ! suspended)
        return XJ_E_CHANGE_STUDENT_STATUS;
      if (xj_grade_compulsory (c->grade) && ! is (c->reason_code,
                                                  "lost_capacity"))
        {
          *field = "reason_code";
          return XJ_E_CHANGE_COMPULSORY_WITHDRAW;
        }
      return XJ_E_OK;
    case XJ_CH_REPEAT:
    case XJ_CH_SKIP:
      return check_repeat_skip (c, set, field);
    case XJ_CH_ABROAD:
    case XJ_CH_DEATH:
      return enrolled || suspended ? XJ_E_OK : XJ_E_CHANGE_STUDENT_STATUS;
    case XJ_CH_GRADUATE:
      return check_graduate (c, field);
    case XJ_CH_CORRECT:
      return enrolled || suspended ? XJ_E_OK : XJ_E_CHANGE_STUDENT_STATUS;
    case XJ_CH_CANCEL:
      return is (c->status, "cancelled") ? XJ_E_CHANGE_STUDENT_STATUS
                                         : XJ_E_OK;
    case XJ_CH_PROMOTE:
    case XJ_CH_REENTER:
      return xj_change_precheck_progress (c);
    default:
      *field = "type";
      return XJ_E_CHANGE_TYPE;
    }
}

int
xj_change_suspend_end (int start, int years)
{
  int y = start / 10000 + years, md = start % 10000;

  /* 29 February + N years is 28 February when that year has none */
  if (229 == md && ! (0 == y % 4 && (0 != y % 100 || 0 == y % 400)))
    md = 228;
  return xj_ymd_add_days (y * 10000 + md, -1);
}

/* ---- chains ---- */

const char *
xj_actor_kind_name (enum xj_actor_kind k)
{
  switch (k)
    {
    case XJ_AK_SCHOOL: return "school";
    case XJ_AK_COUNTY: return "county";
    case XJ_AK_CITY: return "city";
    case XJ_AK_PROVINCE: return "province";
    }
  return "school";
}

static void
add (struct xj_change_chain *ch, enum xj_actor_kind k, int64_t school,
     const char *region, size_t rlen, const char *label, const char *key)
{
  struct xj_change_step_spec *s;

  if (ch->n >= XJ_CHANGE_MAX_STEPS)
    return;
  s = &ch->s[ch->n++];
  memset (s, 0, sizeof *s);
  s->kind = k;
  s->school_id = school;
  if (region)
    {
      if (rlen >= sizeof s->region)
        rlen = sizeof s->region - 1;
      memcpy (s->region, region, rlen);
      s->region[rlen] = '\0';
    }
  xj_strlcpy (s->label, label, sizeof s->label);
  xj_strlcpy (s->key, key, sizeof s->key);
}

static enum xj_actor_kind
kind_of_len (size_t len)
{
  return 6 == len ? XJ_AK_COUNTY : 4 == len ? XJ_AK_CITY : XJ_AK_PROVINCE;
}

static const char *
level_zh (size_t len)
{
  return 6 == len ? "县教育局" : 4 == len ? "市教育局" : "省教育厅";
}

static const char *
level_key (size_t len)
{
  return 6 == len ? "county" : 4 == len ? "city" : "province";
}

/* A bureau step of one side ("to" or "from") at region length @len. */
static void
side_step (struct xj_change_chain *ch, const char *county, size_t len,
           bool to)
{
  char label[64], key[24];

  xj_snprintf (label, sizeof label, "%s%s", to ? "转入" : "转出",
               level_zh (len));
  xj_snprintf (key, sizeof key, "%s_%s", to ? "to" : "from",
               level_key (len));
  add (ch, kind_of_len (len), 0, county, len, label, key);
}

/* The bureau steps of one side, lowest first: its registry authority
   (@auth 6 county or 4 city), its city only with @chain_city when the
   cities differ, its province when the provinces differ.  @common is the
   length of the region prefix the two sides share (0, 2 or 4). */
static void
side_steps (struct xj_change_chain *ch, const char *county, size_t auth,
            size_t common, bool chain_city, bool to)
{
  side_step (ch, county, auth, to);
  if (6 == auth && chain_city && common < 4)
    side_step (ch, county, 4, to);
  if (common < 2)
    side_step (ch, county, 2, to);
}

static bool
senior_grade (const char *g)
{
  return g && ('3' == g[0] || '4' == g[0]);
}

/* 转学: one authority for both sides (sending school, authority), or
   each side's bureaus around the sending school. */
static enum xj_err
transfer_chain (const struct xj_change_geo *g, size_t auth,
                struct xj_change_chain *out)
{
  size_t common = 0;

  if (NULL == g->to_county || 6 != strlen (g->to_county))
    return XJ_E_INTERNAL;
  while (common < 6 && 0 == strncmp (g->from_county, g->to_county,
                                     common + 2))
    common += 2;
  if (common >= auth)
    {
      add (out, XJ_AK_SCHOOL, g->from_school_id, NULL, 0, "转出学校",
           "from_school");
      add (out, kind_of_len (auth), 0, g->from_county, auth,
           level_zh (auth), level_key (auth));
      return XJ_E_OK;
    }
  /* the receiving side signs first, then the sending school and side */
  side_steps (out, g->to_county, auth, common, g->chain_city, true);
  add (out, XJ_AK_SCHOOL, g->from_school_id, NULL, 0, "转出学校",
       "from_school");
  side_steps (out, g->from_county, auth, common, g->chain_city, false);
  return XJ_E_OK;
}

/* 升学 across counties: the admitting side's authority, then the
   graduating side's (MoE 2014: 接收学校 → 接收地教育局 → 毕业学校所在地
   教育局); re-entry: the admitting school's county. */
static enum xj_err
progress_chain (enum xj_change_type t, const struct xj_change_geo *g,
                struct xj_change_chain *out)
{
  size_t to_auth = (g->senior_city && senior_grade (g->to_grade)) ? 4 : 6;
  size_t from_auth = (g->senior_city && senior_grade (g->grade)) ? 4 : 6;

  if (NULL == g->to_county || 6 != strlen (g->to_county))
    return XJ_E_INTERNAL;
  if (XJ_CH_REENTER == t)
    {
      add (out, XJ_AK_COUNTY, 0, g->to_county, 6, "县教育局", "county");
      return XJ_E_OK;
    }
  add (out, kind_of_len (to_auth), 0, g->to_county, to_auth,
       6 == to_auth ? "接收县教育局" : "接收市教育局",
       6 == to_auth ? "to_county" : "to_city");
  if (from_auth != to_auth || 0 != strncmp (g->to_county, g->from_county,
                                            from_auth))
    add (out, kind_of_len (from_auth), 0, g->from_county, from_auth,
         6 == from_auth ? "毕业学校县教育局" : "毕业学校市教育局",
         6 == from_auth ? "from_county" : "from_city");
  return XJ_E_OK;
}

enum xj_err
xj_change_chain_build (enum xj_change_type t, const struct xj_change_geo *g,
                       struct xj_change_chain *out)
{
  size_t auth = (g->senior_city && senior_grade (g->grade)) ? 4 : 6;

  memset (out, 0, sizeof *out);
  if (NULL == g->from_county || 6 != strlen (g->from_county))
    return XJ_E_INTERNAL;
  if (XJ_CH_TRANSFER_IN == t)
    return transfer_chain (g, auth, out);
  if (XJ_CH_CANCEL == t)
    {
      size_t ilen = g->initiator_region ? strlen (g->initiator_region) : 0;

      if (ilen <= 2)
        return XJ_E_OK; /* province bureau or administrator: at once */
      add (out, kind_of_len (ilen - 2), 0, g->from_county, ilen - 2,
           level_zh (ilen - 2), level_key (ilen - 2));
      return XJ_E_OK;
    }
  if (XJ_CH_PROMOTE == t || XJ_CH_REENTER == t)
    return progress_chain (t, g, out);
  if ((unsigned) t >= XJ_CH__COUNT)
    return XJ_E_CHANGE_TYPE;
  add (out, kind_of_len (auth), 0, g->from_county, auth, level_zh (auth),
       level_key (auth));
  return XJ_E_OK;
}

bool
xj_change_is_actor (const struct xj_user *u, enum xj_actor_kind kind,
                    int64_t school_id, const char *region)
{
  if (XJ_ROLE_ADMIN == u->role)
    return true;
  if (XJ_AK_SCHOOL == kind)
    return XJ_ROLE_REGISTRAR == u->role && u->school_id > 0
           && u->school_id == school_id;
  return XJ_ROLE_BUREAU == u->role && region && region[0]
         && 0 == strcmp (u->region_code, region);
}

enum xj_err
xj_change_new_valid (const struct xj_change_new *n, const char **field)
{
  static const struct {
    const char *key;
    size_t max;
  } texts[] = { { "reason", XJ_CHANGE_REASON_MAX }, { "reason_code", 64 },
                { "grade", 3 }, { "outcome", 16 } };
  const char *v[] = { n->reason, n->reason_code, n->grade, n->outcome };

  *field = "reason";
  if (NULL == n->reason || '\0' == *n->reason)
    return XJ_E_REQUIRED;
  for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
    if (! xj_valid_utf8_max (v[i], texts[i].max))
      {
        *field = texts[i].key;
        return XJ_E_TOO_LONG;
      }
  *field = "grade";
  if (n->grade && ! xj_code_valid ("grade", n->grade))
    return XJ_E_CODE;
  *field = "end_date";
  if (n->end_date && ! xj_valid_iso_date (n->end_date))
    return XJ_E_DATE_FORMAT;
  *field = NULL;
  return XJ_E_OK;
}
