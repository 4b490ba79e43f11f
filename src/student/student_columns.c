/* student_columns.c -- the import/export column list (student_columns.h).
 * Pure data plus the record -> cell text formatter; must not touch the
 * database, files or HTTP.  tests/unit/test_export.c checks that every
 * XJ_IC_FIELD header equals its field's zh name and that the fields come
 * in field-table order, so the table cannot drift from student.c.
 */
#include <stdio.h>
#include <string.h>
#include "core/util.h"
#include "student/student_columns.h"
#include "validate/codes.h"

#define F(zh, key) { zh, XJ_IC_FIELD, key }

const struct xj_import_column xj_import_columns[] = {
  { "学籍号", XJ_IC_REGISTRY_NO, NULL },
  { "学校标识码", XJ_IC_SCHOOL_CODE, NULL },
  F ("姓名", "name"),
  F ("性别", "gender"),
  F ("出生日期", "birth_date"),
  F ("出生地", "birthplace"),
  F ("籍贯", "native_place"),
  F ("民族", "ethnicity"),
  F ("国籍/地区", "nationality"),
  F ("身份证件类型", "id_type"),
  F ("身份证件号", "id_no"),
  F ("港澳台侨外", "hk_mo_tw"),
  F ("政治面貌", "political"),
  F ("健康状况", "health"),
  F ("姓名拼音", "name_pinyin"),
  F ("曾用名", "former_name"),
  F ("户口所在地", "hukou_region"),
  F ("户口性质", "hukou_type"),
  F ("特长", "specialty"),
  F ("学籍辅号", "aux_no"),
  F ("班内学号", "seat_no"),
  F ("年级", "grade"),
  { "班级", XJ_IC_CLASS_NAME, NULL },
  F ("入学年月", "enrol_ym"),
  F ("入学方式", "enrol_mode"),
  F ("就读方式", "study_mode"),
  F ("学生来源", "source"),
  F ("现住址", "address"),
  F ("通信地址", "mail_address"),
  F ("家庭地址", "home_address"),
  F ("联系电话", "phone"),
  F ("邮政编码", "postcode"),
  F ("电子信箱", "email"),
  F ("是否独生子女", "only_child"),
  F ("是否受过学前教育", "preschool"),
  F ("是否留守儿童", "left_behind"),
  F ("是否进城务工人员随迁子女", "migrant"),
  F ("是否孤儿", "orphan"),
  F ("是否烈士或优抚子女", "martyr"),
  F ("随班就读", "inclusive"),
  F ("残疾类型", "disability"),
  F ("是否由政府购买学位", "gov_degree"),
  F ("是否需要申请资助", "need_aid"),
  F ("是否享受一补", "yibu"),
  F ("上下学距离", "distance_km"),
  F ("上下学方式", "transport"),
  F ("是否需要乘坐校车", "need_bus"),
#define G(i)                                                                  \
  F ("成员" #i "姓名", "g" #i "_name"),                                       \
  F ("成员" #i "关系", "g" #i "_relation"),                                   \
  F ("成员" #i "关系说明", "g" #i "_relation_note"),                          \
  F ("成员" #i "联系电话", "g" #i "_phone"),                                  \
  F ("成员" #i "是否监护人", "g" #i "_is_guardian"),                          \
  F ("成员" #i "身份证件类型", "g" #i "_id_type"),                            \
  F ("成员" #i "身份证件号", "g" #i "_id_no"),                                \
  F ("成员" #i "民族", "g" #i "_ethnicity"),                                  \
  F ("成员" #i "工作单位", "g" #i "_employer"),                               \
  F ("成员" #i "现住址", "g" #i "_address")
  G (1),
  G (2),
#undef G
  { NULL, XJ_IC_FIELD, NULL },
};

size_t
xj_import_ncolumns (void)
{
  return sizeof xj_import_columns / sizeof xj_import_columns[0] - 1;
}

int
xj_import_column_index (const char *zh)
{
  for (size_t i = 0; xj_import_columns[i].header; i++)
    if (0 == strcmp (xj_import_columns[i].header, zh))
      return (int) i;
  return -1;
}

/* Given-ness of an int field: as student_json.c's int_given (negative is
   "not given"; 0 too where the code set has no 0). */
static bool
int_given (const struct xj_field *f, int v)
{
  if (v < 0)
    return false;
  if (0 == v && f->codeset && ! xj_code_valid (f->codeset, "0"))
    return false;
  return true;
}

const char *
xj_import_cell (const struct xj_import_column *c, const struct xj_student *s,
                const char *school_code, const char *class_name,
                unsigned show, char *out, size_t outsz)
{
  const struct xj_field *f;
  const char *base = (const char *) s;

  out[0] = '\0';
  switch (c->kind)
    {
    case XJ_IC_REGISTRY_NO:
      if (out != xj_mask_for (XJ_MASK_REGISTRY_NO, show, s->registry_no, out,
                              outsz))
        xj_strlcpy (out, s->registry_no, outsz);
      return out;
    case XJ_IC_SCHOOL_CODE:
      xj_strlcpy (out, school_code ? school_code : "", outsz);
      return out;
    case XJ_IC_CLASS_NAME:
      xj_strlcpy (out, class_name ? class_name : "", outsz);
      return out;
    case XJ_IC_FIELD:
      break;
    }
  f = xj_student_field (c->key);
  if (NULL == f)
    {
      XJ_BUG ("import column %s names no field %s", c->header, c->key);
      return out;
    }
  switch (f->type)
    {
    case XJ_FT_TEXT:
      {
        const char *t = base + f->offset;

        if (out != xj_mask_for (f->pii, show, t, out, outsz))
          xj_strlcpy (out, t, outsz);
        break;
      }
    case XJ_FT_INT:
    case XJ_FT_FLAG:
      {
        int v;

        memcpy (&v, base + f->offset, sizeof v);
        if (int_given (f, v))
          xj_snprintf (out, outsz, "%d", v);
        break;
      }
    case XJ_FT_DOUBLE:
      {
        double d;

        memcpy (&d, base + f->offset, sizeof d);
        if (d >= 0)
          xj_snprintf (out, outsz, "%.15g", d);
        break;
      }
    case XJ_FT_I64:
      {
        int64_t v;

        memcpy (&v, base + f->offset, sizeof v);
        xj_snprintf (out, outsz, "%lld", (long long) v);
        break;
      }
    }
  return out;
}
