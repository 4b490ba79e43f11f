/* change_rules.c -- the pure rules of registry changes: type names, who
 * may start what, preconditions, grade arithmetic and approval chains
 * (domain.md §3).  No SQL, no clock, no HTTP: everything here is a
 * function of its arguments, unit-tested in tests/unit/test_change_rules.c.
 */
#include <string.h>
#include "change/change.h"
#include "core/util.h"

static const char *const type_names[XJ_CH__COUNT] = {
  [XJ_CH_TRANSFER_IN] = "transfer_in", [XJ_CH_SUSPEND] = "suspend",
  [XJ_CH_RESUME] = "resume",           [XJ_CH_WITHDRAW] = "withdraw",
  [XJ_CH_REPEAT] = "repeat",           [XJ_CH_SKIP] = "skip",
  [XJ_CH_ABROAD] = "abroad",           [XJ_CH_DEATH] = "death",
  [XJ_CH_GRADUATE] = "graduate",       [XJ_CH_CORRECT] = "correct",
  [XJ_CH_CANCEL] = "cancel",
};
static const char *const type_zh[XJ_CH__COUNT] = {
  [XJ_CH_TRANSFER_IN] = "转学", [XJ_CH_SUSPEND] = "休学",
  [XJ_CH_RESUME] = "复学",      [XJ_CH_WITHDRAW] = "退学",
  [XJ_CH_REPEAT] = "留级",      [XJ_CH_SKIP] = "跳级",
  [XJ_CH_ABROAD] = "出国(境)",  [XJ_CH_DEATH] = "死亡",
  [XJ_CH_GRADUATE] = "毕业/结业/肄业", [XJ_CH_CORRECT] = "信息变更",
  [XJ_CH_CANCEL] = "注销",
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

enum xj_err
xj_change_precheck (const struct xj_change_check *c, const char **field)
{
  bool enrolled = is (c->status, "enrolled");
  bool suspended = is (c->status, "suspended");
  char want[4];

  *field = "student_id";
  switch (c->type)
    {
    case XJ_CH_TRANSFER_IN:
      if (suspended)
        return XJ_E_CHANGE_SUSPENDED_TRANSFER;
      return enrolled ? XJ_E_OK : XJ_E_CHANGE_STUDENT_STATUS;
    case XJ_CH_SUSPEND:
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
      if (! enrolled)
        return XJ_E_CHANGE_STUDENT_STATUS;
      *field = "grade";
      if (! (XJ_CH_REPEAT == c->type ? xj_grade_prev (c->grade, want)
                                     : xj_grade_next (c->grade, want))
          || ! is (c->target_grade, want))
        return XJ_E_CHANGE_GRADE;
      return XJ_E_OK;
    case XJ_CH_ABROAD:
    case XJ_CH_DEATH:
      return enrolled || suspended ? XJ_E_OK : XJ_E_CHANGE_STUDENT_STATUS;
    case XJ_CH_GRADUATE:
      if (! enrolled)
        return XJ_E_CHANGE_STUDENT_STATUS;
      *field = "outcome";
      if (is (c->outcome, "incomplete"))
        return XJ_E_OK;
      if (! is (c->outcome, "graduated") && ! is (c->outcome, "completed"))
        return XJ_E_CODE;
      return xj_grade_final (c->grade) ? XJ_E_OK : XJ_E_CHANGE_GRADE;
    case XJ_CH_CORRECT:
      return enrolled || suspended ? XJ_E_OK : XJ_E_CHANGE_STUDENT_STATUS;
    case XJ_CH_CANCEL:
      return is (c->status, "cancelled") ? XJ_E_CHANGE_STUDENT_STATUS
                                         : XJ_E_OK;
    default:
      *field = "type";
      return XJ_E_CHANGE_TYPE;
    }
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
     const char *region, size_t rlen, const char *label)
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
}

static enum xj_actor_kind
kind_of_len (size_t len)
{
  return 6 == len ? XJ_AK_COUNTY : 4 == len ? XJ_AK_CITY : XJ_AK_PROVINCE;
}

/* Bureau steps of one side from its authority level (6 = county, 4 =
   city) up to @top_len (2, 4 or 6: the longest prefix both sides share
   is above it), lowest first. */
static void
side_steps (struct xj_change_chain *ch, const char *county, size_t auth_len,
            size_t top_len, const char *who)
{
  static const char *const lvl[] = { "", "", "省教育厅", "", "市教育局", "",
                                     "县教育局" };
  char label[64];

  for (size_t len = auth_len; len >= top_len && len >= 2; len -= 2)
    {
      xj_snprintf (label, sizeof label, "%s%s", who, lvl[len]);
      add (ch, kind_of_len (len), 0, county, len, label);
    }
}

static bool
senior_grade (const char *g)
{
  return g && ('3' == g[0] || '4' == g[0]);
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
    {
      size_t common = 0;

      if (NULL == g->to_county || 6 != strlen (g->to_county))
        return XJ_E_INTERNAL;
      while (common < 6 && 0 == strncmp (g->from_county, g->to_county,
                                         common + 2))
        common += 2;
      if (common >= auth)
        {
          /* one authority for both sides */
          add (out, XJ_AK_SCHOOL, g->from_school_id, NULL, 0, "转出学校");
          add (out, kind_of_len (auth), 0, g->from_county, auth,
               6 == auth ? "县教育局" : "市教育局");
          return XJ_E_OK;
        }
      /* each side up to the first level the two share (exclusive) */
      side_steps (out, g->to_county, auth, common + 2, "转入");
      add (out, XJ_AK_SCHOOL, g->from_school_id, NULL, 0, "转出学校");
      side_steps (out, g->from_county, auth, common + 2, "转出");
      return XJ_E_OK;
    }
  if (XJ_CH_CANCEL == t)
    {
      size_t ilen = g->initiator_region ? strlen (g->initiator_region) : 0;

      if (ilen <= 2)
        return XJ_E_OK; /* province bureau or administrator: at once */
      add (out, kind_of_len (ilen - 2), 0, g->from_county, ilen - 2,
           4 == ilen - 2 ? "市教育局" : "省教育厅");
      return XJ_E_OK;
    }
  if ((unsigned) t >= XJ_CH__COUNT)
    return XJ_E_CHANGE_TYPE;
  add (out, kind_of_len (auth), 0, g->from_county, auth,
       6 == auth ? "县教育局" : "市教育局");
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
