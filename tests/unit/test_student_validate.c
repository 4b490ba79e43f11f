/* test_student_validate.c -- whole-record validation (error collection,
 * ID cross-checks, fills from the ID, guardian ID rule), the field
 * table, registry numbers and masking.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "student/student.h"
#include "core/util.h"
#include "validate/codes.h"
#include "region/region.h"

#define TODAY 20250601

/* A complete, valid registration: male, born 2015-01-01. */
static void
good (struct xj_student *s)
{
  xj_student_init (s);
  xj_strlcpy (s->name, "张小明", sizeof s->name);
  s->gender = 1;
  xj_strlcpy (s->birth_date, "2015-01-01", sizeof s->birth_date);
  xj_strlcpy (s->ethnicity, "01", sizeof s->ethnicity);
  xj_strlcpy (s->id_no, "441823201501011237", sizeof s->id_no);
  xj_strlcpy (s->health, "10", sizeof s->health);
  s->hukou_type = 1;
  xj_strlcpy (s->grade, "14", sizeof s->grade);
  xj_strlcpy (s->enrol_ym, "202109", sizeof s->enrol_ym);
  xj_strlcpy (s->enrol_mode, "11", sizeof s->enrol_mode);
  s->study_mode = 1;
}

/* Index of the first error on @field with @code, or -1. */
static int
find (const struct xj_verrs *v, const char *field, enum xj_err code)
{
  for (size_t i = 0; i < v->n; i++)
    if (0 == strcmp (v->e[i].field, field) && v->e[i].code == code)
      return (int) i;
  return -1;
}

static void
valid_record (void **state)
{
  struct xj_student s;
  struct xj_verrs v;

  (void) state;
  good (&s);
  assert_int_equal (XJ_E_OK, xj_student_validate (&s, TODAY, &v));
  assert_int_equal (0, (int) v.n);
  /* Defaults from init survive. */
  assert_string_equal ("CHN", s.nationality);
  assert_string_equal ("enrolled", s.status);
  assert_int_equal (-1, s.left_behind);
}

static void
normalises_in_place (void **state)
{
  struct xj_student s;
  struct xj_verrs v;

  (void) state;
  good (&s);
  xj_strlcpy (s.id_no, " 11010520160229002x ", sizeof s.id_no);
  xj_strlcpy (s.birth_date, "20160229", sizeof s.birth_date);
  xj_strlcpy (s.name, " 阿依古丽・买买提 ", sizeof s.name);
  xj_strlcpy (s.nationality, "chn", sizeof s.nationality);
  xj_strlcpy (s.enrol_ym, "2022-09", sizeof s.enrol_ym);
  xj_strlcpy (s.phone, "+86 138 1234 5678", sizeof s.phone);
  xj_strlcpy (s.email, "A@Example.CN", sizeof s.email);
  s.gender = 2;  /* 17th digit 2: female */
  assert_int_equal (XJ_E_OK, xj_student_validate (&s, TODAY, &v));
  assert_string_equal ("11010520160229002X", s.id_no);
  assert_string_equal ("2016-02-29", s.birth_date);
  assert_string_equal ("阿依古丽·买买提", s.name);
  assert_string_equal ("CHN", s.nationality);
  assert_string_equal ("202209", s.enrol_ym);
  assert_string_equal ("13812345678", s.phone);
  assert_string_equal ("A@example.cn", s.email);
}

static void
rare_character_name (void **state)
{
  struct xj_student s;
  struct xj_verrs v;

  (void) state;
  good (&s);
  xj_strlcpy (s.name, "𠮷田", sizeof s.name);
  assert_int_equal (XJ_E_OK, xj_student_validate (&s, TODAY, &v));
  assert_string_equal ("\xF0\xA0\xAE\xB7田", s.name);
}

static void
fills_birth_and_gender_from_id (void **state)
{
  struct xj_student s;
  struct xj_verrs v;

  (void) state;
  good (&s);
  s.birth_date[0] = '\0';
  s.gender = 0;
  xj_strlcpy (s.id_no, "440306201803150027", sizeof s.id_no);
  assert_int_equal (XJ_E_OK, xj_student_validate (&s, TODAY, &v));
  assert_string_equal ("2018-03-15", s.birth_date);
  assert_int_equal (2, s.gender);
}

static void
id_mismatches (void **state)
{
  struct xj_student s;
  struct xj_verrs v;
  int i;

  (void) state;
  good (&s);
  xj_strlcpy (s.birth_date, "2015-01-02", sizeof s.birth_date);
  s.gender = 2;
  assert_int_equal (XJ_E_VALIDATION, xj_student_validate (&s, TODAY, &v));
  assert_int_equal (2, (int) v.n);
  i = find (&v, "birth_date", XJ_E_ID_BIRTH_MISMATCH);
  assert_true (i >= 0);
  assert_non_null (strstr (v.e[i].detail, "2015-01-02"));
  assert_non_null (strstr (v.e[i].detail, "2015-01-01"));
  i = find (&v, "gender", XJ_E_ID_GENDER_MISMATCH);
  assert_true (i >= 0);
  assert_string_equal ("性别为女，但身份证号第17位表示男", v.e[i].detail);
}

/* Details that student.c builds without printf (code-set checks of
   integer fields, guardian labels, the date from the ID): the exact
   texts. */
static void
details_exact (void **state)
{
  struct xj_student s;
  struct xj_verrs v;
  int i;

  (void) state;
  good (&s);
  s.gender = 3;
  s.disability = 0;          /* 0 is a code of the set: given and valid */
  s.transport = 0;           /* not in the set: 0 = not given */
  s.source = 12;
  s.inclusive = 1234567890;
  xj_strlcpy (s.guardians[1].phone, "999", sizeof s.guardians[1].phone);
  xj_strlcpy (s.guardians[0].name, "李四", sizeof s.guardians[0].name);
  xj_strlcpy (s.guardians[0].id_type, "A", sizeof s.guardians[0].id_type);
  xj_strlcpy (s.guardians[0].id_no, "a1", sizeof s.guardians[0].id_no);
  assert_int_equal (XJ_E_VALIDATION, xj_student_validate (&s, TODAY, &v));
  assert_int_equal (6, (int) v.n);
  assert_string_equal ("性别代码“3”不在代码集中",
                       v.e[find (&v, "gender", XJ_E_CODE)].detail);
  assert_string_equal ("学生来源代码“12”不在代码集中",
                       v.e[find (&v, "source", XJ_E_CODE)].detail);
  assert_string_equal ("随班就读代码“1234567890”不在代码集中",
                       v.e[find (&v, "inclusive", XJ_E_CODE)].detail);
  assert_string_equal ("填写了成员2的信息时成员2姓名为必填项",
                       v.e[find (&v, "g2_name", XJ_E_REQUIRED)].detail);
  assert_non_null (strstr (v.e[find (&v, "g2_phone", XJ_E_PHONE)].detail,
                           "成员2联系电话“999”"));
  assert_string_equal ("成员1身份证件号过短（2位）",
                       v.e[find (&v, "g1_id_no", XJ_E_ID_CHARS)].detail);
  i = find (&v, "birth_date", XJ_E_ID_BIRTH_MISMATCH);
  assert_true (i < 0);
  /* gender 3 is reported as a code, not against the ID */
  assert_true (find (&v, "gender", XJ_E_ID_GENDER_MISMATCH) < 0);

  /* a bad name is shown as given (the check normalises into a copy) */
  good (&s);
  xj_strlcpy (s.former_name, "张3丰", sizeof s.former_name);
  xj_strlcpy (s.guardians[0].name, "王#", sizeof s.guardians[0].name);
  assert_int_equal (XJ_E_VALIDATION, xj_student_validate (&s, TODAY, &v));
  assert_string_equal ("曾用名“张3丰”含有不允许的字符（数字、标点或符号）",
                       v.e[find (&v, "former_name", XJ_E_NAME_CHARS)].detail);
  assert_non_null (strstr (v.e[find (&v, "g1_name", XJ_E_NAME_CHARS)].detail,
                           "“王#”"));
  assert_string_equal ("张3丰", s.former_name);
  /* a good one is normalised in place (spaces around the middle dot) */
  good (&s);
  xj_strlcpy (s.former_name, "阿依 · 古丽", sizeof s.former_name);
  assert_int_equal (XJ_E_OK, xj_student_validate (&s, TODAY, &v));
  assert_string_equal ("阿依·古丽", s.former_name);

  /* the birth date taken from the ID, zero-padded */
  good (&s);
  s.birth_date[0] = '\0';
  xj_strlcpy (s.id_no, "110105201002030013", sizeof s.id_no);
  assert_int_equal (XJ_E_OK, xj_student_validate (&s, TODAY, &v));
  assert_string_equal ("2010-02-03", s.birth_date);
  xj_strlcpy (s.birth_date, "2010-2-4", sizeof s.birth_date);
  assert_int_equal (XJ_E_VALIDATION, xj_student_validate (&s, TODAY, &v));
  assert_string_equal ("出生日期2010-02-04与身份证号中的2010-02-03不一致",
                       v.e[find (&v, "birth_date", XJ_E_ID_BIRTH_MISMATCH)]
                         .detail);
}

static void
id_check_digit_detail (void **state)
{
  struct xj_student s;
  struct xj_verrs v;

  (void) state;
  good (&s);
  xj_strlcpy (s.id_no, "441823201501011233", sizeof s.id_no);
  assert_int_equal (XJ_E_VALIDATION, xj_student_validate (&s, TODAY, &v));
  assert_int_equal (1, (int) v.n);
  assert_string_equal ("id_no", v.e[0].field);
  assert_int_equal (XJ_E_ID_CHECK, v.e[0].code);
  assert_string_equal ("身份证号校验位应为7，实际为3", v.e[0].detail);

  /* The worked example: X due, 3 given. */
  good (&s);
  xj_strlcpy (s.id_no, "340524201501010013", sizeof s.id_no);
  xj_student_validate (&s, TODAY, &v);
  assert_true (find (&v, "id_no", XJ_E_ID_CHECK) >= 0);
}

static void
id_other_errors (void **state)
{
  struct xj_student s;
  struct xj_verrs v;
  int i;

  (void) state;
  good (&s);
  xj_strlcpy (s.id_no, "4418232015", sizeof s.id_no);
  xj_student_validate (&s, TODAY, &v);
  i = find (&v, "id_no", XJ_E_ID_LENGTH);
  assert_true (i >= 0);
  assert_non_null (strstr (v.e[i].detail, "10"));

  good (&s);
  xj_strlcpy (s.id_no, "441823201502290010", sizeof s.id_no);
  xj_strlcpy (s.birth_date, "2015-02-28", sizeof s.birth_date);
  xj_student_validate (&s, TODAY, &v);
  assert_true (find (&v, "id_no", XJ_E_ID_BIRTH) >= 0);

  good (&s);
  xj_strlcpy (s.id_no, "441823203001010010", sizeof s.id_no);
  xj_student_validate (&s, TODAY, &v);
  assert_true (find (&v, "id_no", XJ_E_ID_FUTURE) >= 0);

  /* Legacy 15-digit: converted, but the holder was born in 1980. */
  good (&s);
  s.birth_date[0] = '\0';
  xj_strlcpy (s.id_no, "340524800101001", sizeof s.id_no);
  xj_student_validate (&s, TODAY, &v);
  assert_string_equal ("34052419800101001X", s.id_no);
  assert_true (find (&v, "birth_date", XJ_E_DATE_TOO_OLD) >= 0);

  /* A passport number is not parsed as a resident ID. */
  good (&s);
  xj_strlcpy (s.id_type, "a", sizeof s.id_type);
  xj_strlcpy (s.id_no, "e12345678", sizeof s.id_no);
  xj_strlcpy (s.nationality, "USA", sizeof s.nationality);
  assert_int_equal (XJ_E_OK, xj_student_validate (&s, TODAY, &v));
  assert_string_equal ("A", s.id_type);
  assert_string_equal ("E12345678", s.id_no);
}

static void
birth_date_bounds (void **state)
{
  struct xj_student s;
  struct xj_verrs v;

  (void) state;
  good (&s);
  xj_strlcpy (s.id_type, "Z", sizeof s.id_type);
  s.id_no[0] = '\0';
  xj_strlcpy (s.guardians[0].name, "张大明", sizeof s.guardians[0].name);
  xj_strlcpy (s.guardians[0].id_no, "34052419800101001X",
              sizeof s.guardians[0].id_no);
  xj_strlcpy (s.birth_date, "2025-06-02", sizeof s.birth_date);
  xj_student_validate (&s, TODAY, &v);
  assert_true (find (&v, "birth_date", XJ_E_DATE_FUTURE) >= 0);
  xj_strlcpy (s.birth_date, "1989-12-31", sizeof s.birth_date);
  xj_student_validate (&s, TODAY, &v);
  assert_true (find (&v, "birth_date", XJ_E_DATE_TOO_OLD) >= 0);
  xj_strlcpy (s.birth_date, "2015-02-29", sizeof s.birth_date);
  xj_student_validate (&s, TODAY, &v);
  assert_true (find (&v, "birth_date", XJ_E_DATE_INVALID) >= 0);
  xj_strlcpy (s.birth_date, "2015-13-01x", sizeof s.birth_date);
  xj_student_validate (&s, TODAY, &v);
  assert_true (find (&v, "birth_date", XJ_E_DATE_FORMAT) >= 0);
  xj_strlcpy (s.birth_date, "2016-02-29", sizeof s.birth_date);
  assert_int_equal (XJ_E_OK, xj_student_validate (&s, TODAY, &v));
}

static void
guardian_id_rule (void **state)
{
  struct xj_student s;
  struct xj_verrs v;

  (void) state;
  good (&s);
  xj_strlcpy (s.id_type, "Z", sizeof s.id_type);
  s.id_no[0] = '\0';
  assert_int_equal (XJ_E_VALIDATION, xj_student_validate (&s, TODAY, &v));
  assert_int_equal (1, (int) v.n);
  assert_true (find (&v, "g1_id_no", XJ_E_GUARDIAN_ID_NEEDED) >= 0);

  /* Guardian 2's ID (legacy 15 digits, normalised) satisfies the rule. */
  xj_strlcpy (s.guardians[1].name, "李芳", sizeof s.guardians[1].name);
  xj_strlcpy (s.guardians[1].relation, "2", sizeof s.guardians[1].relation);
  xj_strlcpy (s.guardians[1].id_no, "340524800101001",
              sizeof s.guardians[1].id_no);
  assert_int_equal (XJ_E_OK, xj_student_validate (&s, TODAY, &v));
  assert_string_equal ("34052419800101001X", s.guardians[1].id_no);

  /* A broken guardian ID does not count, and is reported itself. */
  xj_strlcpy (s.guardians[1].id_no, "340524198001010013",
              sizeof s.guardians[1].id_no);
  xj_student_validate (&s, TODAY, &v);
  assert_true (find (&v, "g2_id_no", XJ_E_ID_CHECK) >= 0);
  assert_true (find (&v, "g1_id_no", XJ_E_GUARDIAN_ID_NEEDED) >= 0);

  /* Type 1 with an empty number: required, and a guardian ID needed. */
  good (&s);
  s.id_no[0] = '\0';
  xj_student_validate (&s, TODAY, &v);
  assert_true (find (&v, "id_no", XJ_E_REQUIRED) >= 0);
  assert_true (find (&v, "g1_id_no", XJ_E_GUARDIAN_ID_NEEDED) >= 0);
}

static void
collects_all_errors (void **state)
{
  struct xj_student s;
  struct xj_verrs v;

  (void) state;
  good (&s);
  xj_strlcpy (s.name, "张三3", sizeof s.name);
  xj_strlcpy (s.ethnicity, "57", sizeof s.ethnicity);
  xj_strlcpy (s.nationality, "XYZ", sizeof s.nationality);
  s.grade[0] = '\0';
  s.hukou_type = 3;
  s.study_mode = 0;
  s.left_behind = 3;
  s.only_child = 2;
  s.transport = 6;
  s.distance_km = 5000;
  xj_strlcpy (s.phone, "12345", sizeof s.phone);
  xj_strlcpy (s.postcode, "5295", sizeof s.postcode);
  xj_strlcpy (s.email, "nobody", sizeof s.email);
  xj_strlcpy (s.enrol_ym, "202113", sizeof s.enrol_ym);
  xj_strlcpy (s.birthplace, "4418", sizeof s.birthplace);
  xj_strlcpy (s.address, "广州\xFF", sizeof s.address);
  xj_strlcpy (s.specialty, "唱歌\n跳舞", sizeof s.specialty);
  memset (s.seat_no, '7', sizeof s.seat_no);  /* not terminated */
  xj_strlcpy (s.guardians[0].name, "李!", sizeof s.guardians[0].name);
  xj_strlcpy (s.guardians[0].relation, "7", sizeof s.guardians[0].relation);
  xj_strlcpy (s.guardians[0].phone, "999", sizeof s.guardians[0].phone);
  xj_strlcpy (s.guardians[1].phone, "13812345678",
              sizeof s.guardians[1].phone);

  assert_int_equal (XJ_E_VALIDATION, xj_student_validate (&s, TODAY, &v));
  assert_true (find (&v, "name", XJ_E_NAME_CHARS) >= 0);
  assert_true (find (&v, "ethnicity", XJ_E_CODE) >= 0);
  assert_true (find (&v, "nationality", XJ_E_CODE) >= 0);
  assert_true (find (&v, "grade", XJ_E_REQUIRED) >= 0);
  assert_true (find (&v, "hukou_type", XJ_E_CODE) >= 0);
  assert_true (find (&v, "study_mode", XJ_E_REQUIRED) >= 0);
  assert_true (find (&v, "left_behind", XJ_E_CODE) >= 0);
  assert_true (find (&v, "only_child", XJ_E_CODE) >= 0);
  assert_true (find (&v, "transport", XJ_E_CODE) >= 0);
  assert_true (find (&v, "distance_km", XJ_E_RANGE) >= 0);
  assert_true (find (&v, "phone", XJ_E_PHONE) >= 0);
  assert_true (find (&v, "postcode", XJ_E_POSTCODE) >= 0);
  assert_true (find (&v, "email", XJ_E_EMAIL) >= 0);
  assert_true (find (&v, "enrol_ym", XJ_E_YM_FORMAT) >= 0);
  assert_true (find (&v, "birthplace", XJ_E_REGION) >= 0);
  assert_true (find (&v, "address", XJ_E_UTF8) >= 0);
  assert_true (find (&v, "specialty", XJ_E_CONTROL_CHARS) >= 0);
  assert_true (find (&v, "seat_no", XJ_E_TOO_LONG) >= 0);
  assert_true (find (&v, "g1_name", XJ_E_NAME_CHARS) >= 0);
  assert_true (find (&v, "g1_relation", XJ_E_CODE) >= 0);
  assert_true (find (&v, "g1_phone", XJ_E_PHONE) >= 0);
  assert_true (find (&v, "g2_name", XJ_E_REQUIRED) >= 0);
  assert_int_equal (22, (int) v.n);
  /* The array is terminated for later readers. */
  assert_int_equal ('\0', s.seat_no[sizeof s.seat_no - 1]);
  /* Details are Chinese and name the value. */
  assert_non_null (strstr (v.e[find (&v, "ethnicity", XJ_E_CODE)].detail,
                           "“57”"));
  assert_non_null (strstr (v.e[find (&v, "phone", XJ_E_PHONE)].detail,
                           "12345"));
  /* Every detail is valid UTF-8 and every field is in the table. */
  for (size_t i = 0; i < v.n; i++)
    {
      assert_true (xj_utf8_valid (v.e[i].detail, strlen (v.e[i].detail)));
      assert_non_null (xj_student_field (v.e[i].field));
    }
}

static void
empty_record (void **state)
{
  struct xj_student s;
  struct xj_verrs v;

  (void) state;
  xj_student_init (&s);
  s.nationality[0] = '\0';
  s.id_type[0] = '\0';
  assert_int_equal (XJ_E_VALIDATION, xj_student_validate (&s, TODAY, &v));
  /* Every required field is reported; id_no once, plus guardian rule. */
  for (const struct xj_field *f = xj_student_fields; f->key; f++)
    if (f->required)
      assert_true (find (&v, f->key, XJ_E_REQUIRED) >= 0);
  assert_true (find (&v, "g1_id_no", XJ_E_GUARDIAN_ID_NEEDED) >= 0);
}

static void
verrs_bounded (void **state)
{
  struct xj_verrs v;
  char longv[400];

  (void) state;
  v.n = 0;
  for (int i = 0; i < XJ_VERR_MAX + 10; i++)
    xj_verrs_add (&v, "name", XJ_E_REQUIRED, "第%d个", i);
  assert_int_equal (XJ_VERR_MAX, (int) v.n);
  assert_string_equal ("第0个", v.e[0].detail);

  /* A long Chinese detail is cut at a character boundary. */
  v.n = 0;
  longv[0] = '\0';
  for (int i = 0; i < 100; i++)
    memcpy (longv + 3 * i, "汉\0", 4);
  xj_verrs_add (&v, "a_field_name_that_is_much_too_long_for_32",
                XJ_E_CODE, "%s", longv);
  assert_true (strlen (v.e[0].detail) < sizeof v.e[0].detail);
  assert_int_equal (0, (int) (strlen (v.e[0].detail) % 3));
  assert_true (xj_utf8_valid (v.e[0].detail, strlen (v.e[0].detail)));
  assert_int_equal (31, (int) strlen (v.e[0].field));
}

static void
field_table (void **state)
{
  const struct xj_field *f;
  size_t n = 0;

  (void) state;
  for (f = xj_student_fields; f->key; f++)
    {
      n++;
      assert_non_null (f->zh);
      assert_ptr_equal (f, xj_student_field (f->key));
      if (f->codeset)
        assert_non_null (xj_codeset (f->codeset));
      if (XJ_FT_TEXT == f->type)
        assert_true (f->offset + f->size <= sizeof (struct xj_student));
    }
  assert_int_equal (44 + 2 * 10, (int) n);

  /* The server owns these. */
  assert_null (xj_student_field ("registry_no"));
  assert_null (xj_student_field ("status"));
  assert_null (xj_student_field ("school_id"));
  assert_null (xj_student_field ("class_id"));
  assert_null (xj_student_field ("id"));
  assert_null (xj_student_field ("version"));
  assert_null (xj_student_field (NULL));

  f = xj_student_field ("id_no");
  assert_string_equal ("身份证件号", f->zh);
  assert_true (f->required && f->key_field && XJ_MASK_ID == f->pii);
  assert_int_equal (offsetof (struct xj_student, id_no), f->offset);
  assert_int_equal (40, f->size);
  f = xj_student_field ("g2_phone");
  assert_string_equal ("成员2联系电话", f->zh);
  assert_int_equal (XJ_MASK_PHONE, f->pii);
  assert_int_equal (XJ_MASK_GUARDIAN_ID, xj_student_field ("g1_id_no")->pii);
  assert_int_equal (offsetof (struct xj_student, guardians[1].phone),
                    f->offset);
  f = xj_student_field ("g1_relation");
  assert_string_equal ("成员1关系", f->zh);
  assert_string_equal ("relation", f->codeset);
  f = xj_student_field ("gender");
  assert_int_equal (XJ_FT_INT, f->type);
  assert_true (f->key_field);
  f = xj_student_field ("orphan");
  assert_int_equal (XJ_FT_FLAG, f->type);
  assert_string_equal ("flag", f->codeset);
  f = xj_student_field ("distance_km");
  assert_int_equal (XJ_FT_DOUBLE, f->type);
  assert_string_equal ("国籍/地区", xj_student_field ("nationality")->zh);
  assert_string_equal ("是否进城务工人员随迁子女",
                       xj_student_field ("migrant")->zh);
  assert_false (xj_student_field ("phone")->required);
  assert_false (xj_student_field ("birthplace")->required);

  {
    static const char *const req[] = {
      "name", "gender", "birth_date", "ethnicity", "nationality", "id_type",
      "id_no", "hukou_type", "grade", "enrol_ym", "enrol_mode", "study_mode",
      "health",
    };
    static const char *const pii[] = { "id_no", "phone", "g1_phone",
                                       "g2_phone", "g1_id_no", "g2_id_no" };
    size_t nreq = 0, npii = 0, nkey = 0;

    for (size_t i = 0; i < sizeof req / sizeof req[0]; i++)
      assert_true (xj_student_field (req[i])->required);
    for (size_t i = 0; i < sizeof pii / sizeof pii[0]; i++)
      assert_true (xj_student_field (pii[i])->pii);
    for (f = xj_student_fields; f->key; f++)
      {
        nreq += f->required;
        npii += XJ_MASK_NONE != f->pii;
        nkey += f->key_field;
      }
    assert_int_equal (13, (int) nreq);
    assert_int_equal (6, (int) npii);
    assert_int_equal (5, (int) nkey);
  }
}

static void
registry_numbers (void **state)
{
  char out[24];

  (void) state;
  xj_registry_no_g ("34052419800101001X", out);
  assert_string_equal ("G34052419800101001X", out);
  assert_true (xj_registry_no_valid (out));

  /* L + county6 + birth YYYYMMDD + 4-digit sequence = 19 chars. */
  xj_registry_no_l ("441823", "2015-01-01", 7, out);
  assert_string_equal ("L44182320150101" "0007", out);
  assert_int_equal (19, (int) strlen (out));
  assert_true (xj_registry_no_valid (out));
  xj_registry_no_l ("441823", "20150101", 12345, out);
  assert_string_equal ("L441823201501012345", out);

  assert_true (xj_registry_no_valid ("J441823201501011237"));
  assert_false (xj_registry_no_valid ("X441823201501011237"));
  assert_false (xj_registry_no_valid ("g441823201501011237"));
  assert_false (xj_registry_no_valid ("G44182320150101123"));
  assert_false (xj_registry_no_valid ("G4418232015010112370"));
  assert_false (xj_registry_no_valid ("G44182320150101123x"));
  assert_false (xj_registry_no_valid ("G4418232015010112X7"));
  assert_false (xj_registry_no_valid ("G441823A01501011237"));
  assert_false (xj_registry_no_valid (""));
  assert_false (xj_registry_no_valid (NULL));
}

/* ---- identity normalisation, region existence, shared rules ---- */

static void
id_normalise (void **state)
{
  char a[40] = "K123456(7)";
  char b[40] = " k 123456 （7）";
  char c[40] = "\xEF\xBC\xAB\xEF\xBC\x91\xEF\xBC\x92\xEF\xBC\x93"
               "\xE3\x80\x80" "456(7)";   /* "Ｋ１２３　456(7)" */
  char d[40] = "e12345678";

  (void) state;
  xj_id_normalise (a);
  xj_id_normalise (b);
  xj_id_normalise (c);
  xj_id_normalise (d);
  assert_string_equal (a, "K1234567");
  assert_string_equal (b, "K1234567");
  assert_string_equal (c, "K1234567");
  assert_string_equal (d, "E12345678");
}

static void
hk_number_with_brackets_validates_to_plain (void **state)
{
  struct xj_student s;
  struct xj_verrs v;

  (void) state;
  good (&s);
  xj_strlcpy (s.id_type, "6", sizeof s.id_type);
  xj_strlcpy (s.id_no, "K123456(7)", sizeof s.id_no);
  assert_int_equal (XJ_E_OK, xj_student_validate (&s, TODAY, &v));
  assert_string_equal (s.id_no, "K1234567");
}

static void
region_codes_must_exist (void **state)
{
  struct xj_student s;
  struct xj_verrs v;

  (void) state;
  assert_true (xj_region_known ("441823"));
  assert_true (xj_region_known ("44"));
  assert_false (xj_region_known ("441899"));
  assert_false (xj_region_known ("4418"
                                 "99001"));
  good (&s);
  xj_strlcpy (s.birthplace, "441899", sizeof s.birthplace);
  xj_strlcpy (s.hukou_region, "441899", sizeof s.hukou_region);
  xj_strlcpy (s.native_place, "441899", sizeof s.native_place);
  assert_int_equal (XJ_E_VALIDATION, xj_student_validate (&s, TODAY, &v));
  assert_true (find (&v, "birthplace", XJ_E_REGION) >= 0);
  assert_true (find (&v, "hukou_region", XJ_E_REGION) >= 0);
  assert_true (find (&v, "native_place", XJ_E_REGION) >= 0);
  good (&s);
  xj_strlcpy (s.birthplace, "441823", sizeof s.birthplace);
  xj_strlcpy (s.native_place, "广东阳山", sizeof s.native_place);
  assert_int_equal (XJ_E_OK, xj_student_validate (&s, TODAY, &v));
}

static const struct xj_rules_ctx primary_ctx = { "primary", "441823",
                                                 "测试小学", TODAY };

static void
rules_grade_and_age (void **state)
{
  struct xj_student s;
  struct xj_verrs e = { 0 }, w = { 0 };
  struct xj_rules_ctx junior = primary_ctx;

  (void) state;
  good (&s);
  assert_int_equal (XJ_E_OK, xj_student_check_rules (&s, &primary_ctx, &e,
                                                     &w));
  assert_int_equal (0, e.n + w.n);
  /* PATCH's finding: a primary pupil in 高三 */
  xj_strlcpy (s.grade, "33", sizeof s.grade);
  assert_int_equal (XJ_E_VALIDATION,
                    xj_student_check_rules (&s, &primary_ctx, &e, &w));
  assert_true (find (&e, "grade", XJ_E_SCHOOL_GRADE) >= 0);
  assert_true (find (&e, "grade", XJ_E_AGE_GRADE) >= 0);
  /* age 1 into grade 1 is refused; 4 is a warning */
  e.n = w.n = 0;
  good (&s);
  xj_strlcpy (s.grade, "11", sizeof s.grade);
  xj_strlcpy (s.birth_date, "2023-05-01", sizeof s.birth_date);
  xj_student_check_rules (&s, &primary_ctx, &e, &w);
  assert_true (find (&e, "grade", XJ_E_AGE_GRADE) >= 0);
  e.n = w.n = 0;
  xj_strlcpy (s.birth_date, "2020-03-01", sizeof s.birth_date);
  assert_int_equal (XJ_E_OK, xj_student_check_rules (&s, &primary_ctx, &e,
                                                     &w));
  assert_true (find (&w, "grade", XJ_E_AGE_GRADE_WARN) >= 0);
  /* no stage: the grade-at-school check is skipped */
  junior.stage = NULL;
  e.n = w.n = 0;
  good (&s);
  assert_int_equal (XJ_E_OK, xj_student_check_rules (&s, &junior, &e, &w));
}

/* The grade check of a move (跳级, 升学, re-entry ...) is on the TARGET
   grade, not the record's current one. */
static void
grade_check_of_a_target_grade (void **state)
{
  struct xj_student s;
  struct xj_verrs e = { 0 }, w = { 0 };

  (void) state;
  good (&s);   /* 四年级, 9 on 31 August 2024: as expected */
  xj_student_check_grade (&s, s.grade, &primary_ctx, &e, &w);
  assert_int_equal (0, e.n + w.n);
  /* 六年级 at 9: more than a year younger, a warning only */
  xj_student_check_grade (&s, "16", &primary_ctx, &e, &w);
  assert_int_equal (0, e.n);
  assert_true (find (&w, "grade", XJ_E_AGE_GRADE_WARN) >= 0);
  /* 初一 at 9: beyond the hard limit, and not taught at a primary school */
  w.n = 0;
  xj_student_check_grade (&s, "21", &primary_ctx, &e, &w);
  assert_true (find (&e, "grade", XJ_E_AGE_GRADE) >= 0);
  assert_true (find (&e, "grade", XJ_E_SCHOOL_GRADE) >= 0);
  assert_int_equal (0, w.n);
  /* no grade: nothing */
  e.n = 0;
  xj_student_check_grade (&s, "", &primary_ctx, &e, &w);
  assert_int_equal (0, e.n + w.n);
}

static void
rules_fields_that_must_agree (void **state)
{
  struct xj_student s;
  struct xj_verrs e = { 0 }, w = { 0 };

  (void) state;
  good (&s);
  s.left_behind = 1;
  s.migrant = 1;
  s.inclusive = 3;
  s.disability = 1;
  xj_strlcpy (s.enrol_mode, "21", sizeof s.enrol_mode);
  xj_strlcpy (s.political, "03", sizeof s.political);
  xj_strlcpy (s.nationality, "USA", sizeof s.nationality);
  xj_student_check_rules (&s, &primary_ctx, &e, &w);
  assert_true (find (&e, "left_behind", XJ_E_FIELDS_DISAGREE) >= 0);
  assert_true (find (&e, "disability", XJ_E_FIELDS_DISAGREE) >= 0);
  assert_true (find (&e, "enrol_mode", XJ_E_FIELDS_DISAGREE) >= 0);
  assert_true (find (&e, "political", XJ_E_FIELDS_DISAGREE) >= 0);
  assert_true (find (&e, "id_type", XJ_E_FIELDS_DISAGREE) >= 0);
  assert_true (find (&e, "hk_mo_tw", XJ_E_FIELDS_DISAGREE) >= 0);
  /* 一补 in senior school is an error; without boarding a warning */
  e.n = w.n = 0;
  good (&s);
  s.yibu = 1;
  s.study_mode = 1;
  s.migrant = 1;
  xj_strlcpy (s.hukou_region, "441823", sizeof s.hukou_region);
  s.orphan = 1;
  xj_strlcpy (s.guardians[0].relation, "2", sizeof s.guardians[0].relation);
  s.guardians[0].is_guardian = 1;
  assert_int_equal (XJ_E_OK, xj_student_check_rules (&s, &primary_ctx, &e,
                                                     &w));
  assert_true (find (&w, "yibu", XJ_E_FIELDS_DISAGREE_WARN) >= 0);
  assert_true (find (&w, "migrant", XJ_E_FIELDS_DISAGREE_WARN) >= 0);
  assert_true (find (&w, "g1_relation", XJ_E_FIELDS_DISAGREE_WARN) >= 0);
  xj_strlcpy (s.grade, "31", sizeof s.grade);
  xj_strlcpy (s.enrol_mode, "21", sizeof s.enrol_mode);
  xj_strlcpy (s.birth_date, "2009-01-01", sizeof s.birth_date);
  e.n = 0;
  xj_student_check_rules (&s, &(struct xj_rules_ctx) { "senior", NULL, NULL,
                                                       TODAY }, &e, &w);
  assert_true (find (&e, "yibu", XJ_E_FIELDS_DISAGREE) >= 0);
}

static void
nationality_list_is_whole (void **state)
{
  const struct xj_codeset *cs = xj_codeset ("nationality");
  size_t n = 0;

  (void) state;
  for (const struct xj_code *c = cs->codes; c->code; c++)
    n++;
  assert_int_equal (249, n);
  assert_string_equal (xj_code_zh ("nationality", "FJI"), "斐济");
  assert_string_equal (xj_code_zh ("nationality", "KOR"), "韩国");
  assert_string_equal (xj_code_zh ("nationality", "PRK"), "朝鲜");
  assert_true (xj_code_valid ("nationality", "ALA"));
  assert_false (xj_code_valid ("nationality", "XXX"));
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (valid_record),
    cmocka_unit_test (normalises_in_place),
    cmocka_unit_test (rare_character_name),
    cmocka_unit_test (fills_birth_and_gender_from_id),
    cmocka_unit_test (id_mismatches),
    cmocka_unit_test (details_exact),
    cmocka_unit_test (id_check_digit_detail),
    cmocka_unit_test (id_other_errors),
    cmocka_unit_test (birth_date_bounds),
    cmocka_unit_test (guardian_id_rule),
    cmocka_unit_test (collects_all_errors),
    cmocka_unit_test (empty_record),
    cmocka_unit_test (verrs_bounded),
    cmocka_unit_test (field_table),
    cmocka_unit_test (registry_numbers),
    cmocka_unit_test (id_normalise),
    cmocka_unit_test (hk_number_with_brackets_validates_to_plain),
    cmocka_unit_test (region_codes_must_exist),
    cmocka_unit_test (rules_grade_and_age),
    cmocka_unit_test (grade_check_of_a_target_grade),
    cmocka_unit_test (rules_fields_that_must_agree),
    cmocka_unit_test (nationality_list_is_whole),
  };

  return cmocka_run_group_tests (tests, NULL, NULL);
}
