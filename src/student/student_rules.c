/* student_rules.c -- the rules on a whole record in its school: grade
 * against the school's stage and the child's age, and the cross-field
 * rules of docs/domain.md ("Fields that must agree"), each an error or a
 * warning.  One function, xj_student_check_rules, that registration
 * (API), import, PATCH, the change types, 升学 and re-entry all call, so
 * every path answers the same record the same way.
 *
 * Pure: no SQL, no HTTP, no clock (today is a parameter); the record must
 * have passed xj_student_validate (field syntax and code sets) first.
 */
#include <string.h>

#include "core/util.h"
#include "school/school.h"
#include "student/student.h"
#include "validate/codes.h"
#include "validate/validate.h"

struct rctx {
  const struct xj_student *s;
  const struct xj_rules_ctx *c;
  struct xj_verrs *errs, *warns;
};

static bool
in (const char *v, const char *const *set)
{
  for (; *set; set++)
    if (0 == strcmp (v, *set))
      return true;
  return false;
}

static bool
compulsory_grade (const char *grade)
{
  return '1' == grade[0] || '2' == grade[0];
}

static const char *
grade_zh (const char *grade)
{
  const char *z = xj_code_zh ("grade", grade);

  return z ? z : grade;
}

void
xj_student_check_grade (const struct xj_student *s, const char *grade,
                        const struct xj_rules_ctx *ctx, struct xj_verrs *errs,
                        struct xj_verrs *warns)
{
  struct xj_age_band b;
  int sy, age;
  enum xj_err e;

  if (NULL == grade || '\0' == grade[0])
    return;
  if (ctx->stage && ctx->stage[0]
      && ! xj_school_stage_has_grade (ctx->stage, grade))
    xj_verrs_add (errs, "grade", XJ_E_SCHOOL_GRADE, "%s不设%s",
                  ctx->school_name ? ctx->school_name : "该校",
                  grade_zh (grade));
  if ('\0' == s->birth_date[0]
      || XJ_E_OK != xj_valid_age_grade_band (grade, &b))
    return;
  sy = xj_valid_school_year (ctx->today_ymd);
  age = xj_valid_age_on_cutoff (s->birth_date, sy);
  e = xj_valid_age_grade (s->birth_date, grade, sy);
  if (XJ_E_AGE_GRADE == e)
    xj_verrs_add (errs, "grade", e,
                  "出生日期%s的学生在%d学年8月31日为%d周岁，%s应为%d至%d周岁"
                  "（超出此范围不能登记）",
                  s->birth_date, sy, age, grade_zh (grade), b.hard_lo,
                  b.hard_hi);
  else if (XJ_E_AGE_GRADE_WARN == e)
    xj_verrs_add (warns, "grade", e,
                  "出生日期%s的学生在%d学年8月31日为%d周岁，%s通常为%d至%d"
                  "周岁", s->birth_date, sy, age, grade_zh (grade),
                  b.normal_lo, b.normal_hi);
}

/* ID type, nationality and 港澳台侨外 (E). */
static void
rule_identity (struct rctx *r)
{
  static const char *const chinese[] = { "", "00", "11", "12", "13", "14",
                                         NULL };
  static const char *const greater_china[] = { "CHN", "HKG", "MAC", "TWN",
                                               NULL };
  static const char *const foreign_hk[] = { "31", "41", "51", NULL };
  static const char *const foreign_id[] = { "A", "9", "Z", NULL };
  const struct xj_student *s = r->s;
  const char *h = s->hk_mo_tw;
  bool compat = 2 == strlen (h) && '0' == h[0] && h[1] >= '1' && h[1] <= '6';

  if (compat)
    {
      /* 01/02 Hong Kong, 03/04 Macao, 05/06 Taiwan: permits 6/7/8, or a
         resident ID (residence permit 81/82/83 ...) */
      static const char *const region[] = { "HKG", "MAC", "TWN" };
      static const char *const doc[] = { "6", "7", "8" };
      int k = (h[1] - '1') / 2;
      bool self = 1 == (h[1] - '0') % 2;

      if (0 != strcmp (s->id_type, doc[k]) && 0 != strcmp (s->id_type, "1"))
        xj_verrs_add (r->errs, "id_type", XJ_E_FIELDS_DISAGREE,
                      "港澳台侨外为“%s”时身份证件类型应为%s或居民身份证"
                      "（居住证）", xj_code_zh ("hk_mo_tw", h),
                      xj_code_zh ("id_type", doc[k]));
      if (self ? 0 != strcmp (s->nationality, region[k])
               : (0 != strcmp (s->nationality, region[k])
                  && 0 != strcmp (s->nationality, "CHN")))
        xj_verrs_add (r->errs, "nationality", XJ_E_FIELDS_DISAGREE,
                      "港澳台侨外为“%s”时国籍/地区应为%s%s",
                      xj_code_zh ("hk_mo_tw", h),
                      xj_code_zh ("nationality", region[k]),
                      self ? "" : "或中国");
      return;
    }
  if (0 == strcmp (s->id_type, "1")
      && (0 != strcmp (s->nationality, "CHN") || ! in (h, chinese)))
    xj_verrs_add (r->errs, "id_type", XJ_E_FIELDS_DISAGREE,
                  "身份证件类型为居民身份证时，国籍/地区应为中国，港澳台侨外"
                  "应为“否”或华侨、侨眷、归侨、归侨子女");
  if (s->nationality[0] && ! in (s->nationality, greater_china))
    {
      if (! in (h, foreign_hk))
        xj_verrs_add (r->errs, "hk_mo_tw", XJ_E_FIELDS_DISAGREE,
                      "国籍/地区为%s时港澳台侨外应为外籍华裔人、外国人或"
                      "非华裔中国人", xj_code_zh ("nationality",
                                                  s->nationality));
      if (! in (s->id_type, foreign_id))
        xj_verrs_add (r->errs, "id_type", XJ_E_FIELDS_DISAGREE,
                      "国籍/地区为%s时身份证件类型应为护照、境外永久居住证"
                      "或其他", xj_code_zh ("nationality", s->nationality));
    }
}

/* 入学方式 and 一补 against the stage (E; 一补 without boarding W). */
static void
rule_stage_fields (struct rctx *r)
{
  static const char *const compulsory_modes[] = { "11", "12", NULL };
  const struct xj_student *s = r->s;

  if ('\0' == s->grade[0])
    return;
  if (s->enrol_mode[0]
      && in (s->enrol_mode, compulsory_modes) != compulsory_grade (s->grade))
    xj_verrs_add (r->errs, "enrol_mode", XJ_E_FIELDS_DISAGREE,
                  "入学方式“%s”不适用于%s（11、12用于义务教育阶段，21、22、"
                  "23、99用于高中阶段）",
                  xj_code_zh ("enrol_mode", s->enrol_mode),
                  grade_zh (s->grade));
  if (1 == s->yibu && ! compulsory_grade (s->grade))
    xj_verrs_add (r->errs, "yibu", XJ_E_FIELDS_DISAGREE,
                  "“一补”只发放给义务教育阶段学生，%s不能享受",
                  grade_zh (s->grade));
  else if (1 == s->yibu && 2 != s->study_mode)
    xj_verrs_add (r->warns, "yibu", XJ_E_FIELDS_DISAGREE_WARN,
                  "享受“一补”的学生不住校（走读生按半额发放）");
}

/* 留守/随迁, 随班就读/残疾, 政治面貌/年龄 (E); 随迁/户口, 孤儿/监护人 (W). */
static void
rule_family (struct rctx *r)
{
  /* 随班就读 1 视力 2 听力 3 智力 -> 残疾类型 1 视力 2 听力 5 智力 */
  static const int inclusive_disability[] = { 0, 1, 2, 5 };
  static const char *const inclusive_code[] = { "0", "1", "2", "3" };
  const struct xj_student *s = r->s;

  if ((1 == s->left_behind || 2 == s->left_behind) && 1 == s->migrant)
    xj_verrs_add (r->errs, "left_behind", XJ_E_FIELDS_DISAGREE,
                  "留守儿童与进城务工人员随迁子女不能同时为“是”");
  if (s->inclusive >= 1 && s->inclusive <= 4)
    {
      if (s->disability <= 0)
        xj_verrs_add (r->errs, "disability", XJ_E_FIELDS_DISAGREE,
                      "随班就读学生须填写残疾类型");
      else if (s->inclusive <= 3
               && s->disability != inclusive_disability[s->inclusive])
        xj_verrs_add (r->errs, "disability", XJ_E_FIELDS_DISAGREE,
                      "随班就读类别“%s”与残疾类型不一致",
                      xj_code_zh ("inclusive", inclusive_code[s->inclusive]));
    }
  if (s->political[0] && s->birth_date[0])
    {
      int ymd = xj_valid_date_ymd (s->birth_date);
      int need = (0 == strcmp (s->political, "01")
                  || 0 == strcmp (s->political, "02")) ? 18
                 : 0 == strcmp (s->political, "03") ? 14 : 0;
      int age = r->c->today_ymd / 10000 - ymd / 10000
            - (r->c->today_ymd % 10000 < ymd % 10000);
      if (need && age < need)
        xj_verrs_add (r->errs, "political", XJ_E_FIELDS_DISAGREE,
                      "政治面貌“%s”要求年满%d周岁，学生现为%d周岁",
                      xj_code_zh ("political", s->political), need, age);
    }
  if (1 == s->migrant && r->c->county && 6 <= strlen (r->c->county)
      && 6 <= strlen (s->hukou_region)
      && 0 == memcmp (s->hukou_region, r->c->county, 6))
    xj_verrs_add (r->warns, "migrant", XJ_E_FIELDS_DISAGREE_WARN,
                  "随迁子女的户口所在地通常在学校所在县（区）以外");
  if (1 == s->orphan)
    for (int i = 0; i < XJ_GUARDIANS; i++)
      {
        const struct xj_guardian *g = &s->guardians[i];

        if (1 == g->is_guardian && (0 == strcmp (g->relation, "1")
                                    || 0 == strcmp (g->relation, "2")))
          {
            xj_verrs_add (r->warns, i ? "g2_relation" : "g1_relation",
                          XJ_E_FIELDS_DISAGREE_WARN,
                          "孤儿的监护人通常不是父亲或母亲");
            break;
          }
      }
}

enum xj_err
xj_student_check_rules (const struct xj_student *s,
                        const struct xj_rules_ctx *ctx,
                        struct xj_verrs *errs, struct xj_verrs *warns)
{
  struct rctx r = { s, ctx, errs, warns };
  size_t before = errs->n;

  xj_student_check_grade (s, s->grade, ctx, errs, warns);
  rule_identity (&r);
  rule_stage_fields (&r);
  rule_family (&r);
  return errs->n > before ? XJ_E_VALIDATION : XJ_E_OK;
}
