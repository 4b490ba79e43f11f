/* test_validate_fields.c -- validation primitives (dates, year-months,
 * phones, names incl. 4-byte CJK and the middle dot, postcodes, e-mail,
 * region codes, text, age for grade) and code-set membership.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/util.h"
#include "validate/codes.h"
#include "validate/validate.h"

static void
dates (void **state)
{
  char out[16];

  (void) state;
  assert_int_equal (XJ_E_OK, xj_valid_date ("2015-09-01", out, sizeof out));
  assert_string_equal ("2015-09-01", out);
  assert_int_equal (XJ_E_OK, xj_valid_date ("20150901", out, sizeof out));
  assert_string_equal ("2015-09-01", out);
  assert_int_equal (XJ_E_OK, xj_valid_date (" 2015/9/1 ", out, sizeof out));
  assert_string_equal ("2015-09-01", out);
  assert_int_equal (XJ_E_OK, xj_valid_date ("2015.09.01", out, sizeof out));
  assert_string_equal ("2015-09-01", out);
  /* Leap years: 2016 and 2000 yes, 2015 and 1900 no. */
  assert_int_equal (XJ_E_OK, xj_valid_date ("2016-02-29", out, sizeof out));
  assert_int_equal (XJ_E_OK, xj_valid_date ("20000229", out, sizeof out));
  assert_int_equal (XJ_E_DATE_INVALID,
                    xj_valid_date ("2015-02-29", out, sizeof out));
  assert_string_equal ("", out);
  assert_int_equal (XJ_E_DATE_INVALID,
                    xj_valid_date ("19000229", out, sizeof out));
  assert_int_equal (XJ_E_DATE_INVALID,
                    xj_valid_date ("2015-04-31", out, sizeof out));
  assert_int_equal (XJ_E_DATE_INVALID,
                    xj_valid_date ("2015-13-01", out, sizeof out));
  assert_int_equal (XJ_E_DATE_INVALID,
                    xj_valid_date ("2015-00-10", out, sizeof out));
  /* Shapes. */
  assert_int_equal (XJ_E_DATE_FORMAT, xj_valid_date ("", out, sizeof out));
  assert_int_equal (XJ_E_DATE_FORMAT,
                    xj_valid_date ("2015-09/01", out, sizeof out));
  assert_int_equal (XJ_E_DATE_FORMAT,
                    xj_valid_date ("15-09-01", out, sizeof out));
  assert_int_equal (XJ_E_DATE_FORMAT,
                    xj_valid_date ("2015-09-011", out, sizeof out));
  assert_int_equal (XJ_E_DATE_FORMAT,
                    xj_valid_date ("2015年9月1日", out, sizeof out));
  assert_int_equal (XJ_E_DATE_FORMAT,
                    xj_valid_date ("2015090", out, sizeof out));
  assert_int_equal (XJ_E_DATE_FORMAT,
                    xj_valid_date ("2015-09-01x", out, sizeof out));
  assert_int_equal (20150901, xj_valid_date_ymd ("2015-09-01"));
  assert_int_equal (0, xj_valid_date_ymd ("20150901"));
}

static void
dates_in_place (void **state)
{
  char buf[16] = " 20160229 ";

  (void) state;
  assert_int_equal (XJ_E_OK, xj_valid_date (buf, buf, sizeof buf));
  assert_string_equal ("2016-02-29", buf);
  /* Output too small for the normal form. */
  assert_int_equal (XJ_E_DATE_FORMAT, xj_valid_date ("20160229", buf, 10));
}

static void
year_months (void **state)
{
  char out[8];

  (void) state;
  assert_int_equal (XJ_E_OK, xj_valid_ym ("201509", out, sizeof out));
  assert_string_equal ("201509", out);
  assert_int_equal (XJ_E_OK, xj_valid_ym ("2015-09", out, sizeof out));
  assert_string_equal ("201509", out);
  assert_int_equal (XJ_E_OK, xj_valid_ym ("2015/9", out, sizeof out));
  assert_string_equal ("201509", out);
  assert_int_equal (XJ_E_YM_FORMAT, xj_valid_ym ("201513", out, sizeof out));
  assert_int_equal (XJ_E_YM_FORMAT, xj_valid_ym ("201500", out, sizeof out));
  assert_int_equal (XJ_E_YM_FORMAT, xj_valid_ym ("20159", out, sizeof out));
  assert_int_equal (XJ_E_YM_FORMAT,
                    xj_valid_ym ("2015-09-01", out, sizeof out));
  assert_int_equal (XJ_E_YM_FORMAT, xj_valid_ym ("", out, sizeof out));
}

static void
phones (void **state)
{
  char out[32];

  (void) state;
  assert_int_equal (XJ_E_OK, xj_valid_phone ("13812345678", out, sizeof out));
  assert_string_equal ("13812345678", out);
  assert_int_equal (XJ_E_OK,
                    xj_valid_phone ("+86 138-1234-5678", out, sizeof out));
  assert_string_equal ("13812345678", out);
  assert_int_equal (XJ_E_OK,
                    xj_valid_phone ("0086 19912345678", out, sizeof out));
  assert_string_equal ("19912345678", out);
  assert_int_equal (XJ_E_OK,
                    xj_valid_phone ("0763-1234567", out, sizeof out));
  assert_string_equal ("0763-1234567", out);
  assert_int_equal (XJ_E_OK, xj_valid_phone ("07631234567", out, sizeof out));
  assert_string_equal ("0763-1234567", out);
  assert_int_equal (XJ_E_OK,
                    xj_valid_phone ("(010) 6512 3456", out, sizeof out));
  assert_string_equal ("010-65123456", out);
  assert_int_equal (XJ_E_OK, xj_valid_phone ("020-87654321", out, sizeof out));
  assert_string_equal ("020-87654321", out);
  assert_int_equal (XJ_E_OK,
                    xj_valid_phone ("+86 763 1234567", out, sizeof out));
  assert_string_equal ("0763-1234567", out);

  /* 12x is not a mobile range; 10 digits; no area code; letters. */
  assert_int_equal (XJ_E_PHONE,
                    xj_valid_phone ("12812345678", out, sizeof out));
  assert_string_equal ("", out);
  assert_int_equal (XJ_E_PHONE, xj_valid_phone ("1381234567", out, sizeof out));
  assert_int_equal (XJ_E_PHONE,
                    xj_valid_phone ("138123456789", out, sizeof out));
  assert_int_equal (XJ_E_PHONE, xj_valid_phone ("1234567", out, sizeof out));
  assert_int_equal (XJ_E_PHONE,
                    xj_valid_phone ("0763-123456", out, sizeof out));
  assert_int_equal (XJ_E_PHONE,
                    xj_valid_phone ("0763-123456789", out, sizeof out));
  assert_int_equal (XJ_E_PHONE,
                    xj_valid_phone ("1381234567a", out, sizeof out));
  assert_int_equal (XJ_E_PHONE,
                    xj_valid_phone ("+1 2025550123", out, sizeof out));
  assert_int_equal (XJ_E_PHONE, xj_valid_phone ("", out, sizeof out));
  assert_int_equal (XJ_E_PHONE,
                    xj_valid_phone ("0763-0234567", out, sizeof out));
}

static void
names (void **state)
{
  char out[200];

  (void) state;
  assert_int_equal (XJ_E_OK, xj_valid_name ("  张三 ", out, sizeof out));
  assert_string_equal ("张三", out);
  /* 𠮷 is U+20BB7, four bytes in UTF-8 (F0 A0 AE B7). */
  assert_int_equal (XJ_E_OK, xj_valid_name ("\xF0\xA0\xAE\xB7野家", out,
                                            sizeof out));
  assert_string_equal ("𠮷野家", out);
  assert_int_equal (4 + 3 + 3, (int) strlen (out));
  /* Extension A (U+3400) and 〇. */
  assert_int_equal (XJ_E_OK, xj_valid_name ("王\xE3\x90\x80〇", out,
                                            sizeof out));
  /* Middle dot and its look-alikes normalise to U+00B7. */
  assert_int_equal (XJ_E_OK,
                    xj_valid_name ("阿依古丽·买买提", out, sizeof out));
  assert_string_equal ("阿依古丽\xC2\xB7买买提", out);
  assert_int_equal (XJ_E_OK,
                    xj_valid_name ("阿依古丽・买买提", out, sizeof out));
  assert_string_equal ("阿依古丽·买买提", out);
  assert_int_equal (XJ_E_OK,
                    xj_valid_name ("阿依古丽 • 买买提", out, sizeof out));
  assert_string_equal ("阿依古丽·买买提", out);
  /* Chinese names lose inner spaces; Latin names keep one. */
  assert_int_equal (XJ_E_OK, xj_valid_name ("张 三", out, sizeof out));
  assert_string_equal ("张三", out);
  assert_int_equal (XJ_E_OK,
                    xj_valid_name ("John   Smith", out, sizeof out));
  assert_string_equal ("John Smith", out);
  assert_int_equal (XJ_E_OK, xj_valid_name ("José Müller", out, sizeof out));

  /* Rejections. */
  assert_int_equal (XJ_E_NAME_CHARS, xj_valid_name ("张三1", out, sizeof out));
  assert_string_equal ("", out);
  assert_int_equal (XJ_E_NAME_CHARS, xj_valid_name ("张三!", out, sizeof out));
  assert_int_equal (XJ_E_NAME_CHARS, xj_valid_name ("张，三", out, sizeof out));
  assert_int_equal (XJ_E_NAME_CHARS, xj_valid_name ("张\t三", out, sizeof out));
  assert_int_equal (XJ_E_NAME_CHARS, xj_valid_name ("·张三", out, sizeof out));
  assert_int_equal (XJ_E_NAME_CHARS, xj_valid_name ("张三·", out, sizeof out));
  assert_int_equal (XJ_E_NAME_CHARS,
                    xj_valid_name ("张··三", out, sizeof out));
  assert_int_equal (XJ_E_NAME_CHARS, xj_valid_name ("O'Neil", out, sizeof out));
  assert_int_equal (XJ_E_NAME_CHARS, xj_valid_name ("😀", out, sizeof out));
  assert_int_equal (XJ_E_NAME_LENGTH, xj_valid_name ("   ", out, sizeof out));
  assert_int_equal (XJ_E_NAME_LENGTH, xj_valid_name ("", out, sizeof out));
  /* Invalid UTF-8: a lone continuation byte, a truncated sequence, an
     overlong encoding and an encoded surrogate. */
  assert_int_equal (XJ_E_UTF8, xj_valid_name ("张\x80", out, sizeof out));
  assert_int_equal (XJ_E_UTF8, xj_valid_name ("张\xE5\xBC", out, sizeof out));
  assert_int_equal (XJ_E_UTF8, xj_valid_name ("\xC0\xAF", out, sizeof out));
  assert_int_equal (XJ_E_UTF8, xj_valid_name ("\xED\xA0\x80", out,
                                              sizeof out));
}

static void
name_lengths (void **state)
{
  char in[512];
  char out[512];
  size_t n = 0;

  (void) state;
  /* 50 four-byte characters are fine, 51 are not. */
  for (int i = 0; i < 50; i++)
    {
      memcpy (in + n, "\xF0\xA0\xAE\xB7", 4);
      n += 4;
    }
  in[n] = '\0';
  assert_int_equal (XJ_E_OK, xj_valid_name (in, out, sizeof out));
  assert_string_equal (in, out);
  memcpy (in + n, "李", sizeof "李");
  assert_int_equal (XJ_E_NAME_LENGTH, xj_valid_name (in, out, sizeof out));
  /* In place, and an output buffer that is too small. */
  memcpy (in, " 李四 ", sizeof " 李四 ");
  assert_int_equal (XJ_E_OK, xj_valid_name (in, in, sizeof in));
  assert_string_equal ("李四", in);
  assert_int_equal (XJ_E_NAME_LENGTH, xj_valid_name ("李四", out, 6));
  assert_int_equal (XJ_E_OK, xj_valid_name ("李四", out, 7));
}

static void
postcode_email_region_text (void **state)
{
  char out[128];

  (void) state;
  assert_int_equal (XJ_E_OK, xj_valid_postcode (" 529500 ", out, sizeof out));
  assert_string_equal ("529500", out);
  assert_int_equal (XJ_E_POSTCODE,
                    xj_valid_postcode ("52950", out, sizeof out));
  assert_int_equal (XJ_E_POSTCODE,
                    xj_valid_postcode ("52950a", out, sizeof out));

  assert_int_equal (XJ_E_OK,
                    xj_valid_email ("Li.Si+x@Example.COM", out, sizeof out));
  assert_string_equal ("Li.Si+x@example.com", out);
  assert_int_equal (XJ_E_OK,
                    xj_valid_email ("a@mail.school-1.edu.cn", out, sizeof out));
  assert_int_equal (XJ_E_EMAIL, xj_valid_email ("a@b", out, sizeof out));
  assert_int_equal (XJ_E_EMAIL, xj_valid_email ("a@@b.cn", out, sizeof out));
  assert_int_equal (XJ_E_EMAIL, xj_valid_email ("@b.cn", out, sizeof out));
  assert_int_equal (XJ_E_EMAIL, xj_valid_email ("a..b@c.cn", out, sizeof out));
  assert_int_equal (XJ_E_EMAIL, xj_valid_email ("a@-b.cn", out, sizeof out));
  assert_int_equal (XJ_E_EMAIL, xj_valid_email ("a@b.c", out, sizeof out));
  assert_int_equal (XJ_E_EMAIL, xj_valid_email ("a b@c.cn", out, sizeof out));
  assert_int_equal (XJ_E_EMAIL, xj_valid_email ("张@c.cn", out, sizeof out));
  assert_int_equal (XJ_E_TOO_LONG, xj_valid_email ("ab@cd.cn", out, 8));

  assert_int_equal (XJ_E_OK, xj_valid_region ("441823", out, sizeof out));
  assert_int_equal (XJ_E_OK,
                    xj_valid_region ("441823100000", out, sizeof out));
  assert_int_equal (XJ_E_REGION, xj_valid_region ("44182", out, sizeof out));
  assert_int_equal (XJ_E_REGION, xj_valid_region ("991823", out, sizeof out));
  assert_int_equal (XJ_E_REGION, xj_valid_region ("44182a", out, sizeof out));

  {
    char small[4] = { 'a', 'b', 'c', 'd' };  /* not terminated */

    assert_int_equal (XJ_E_TOO_LONG, xj_valid_text (small, sizeof small));
  }
  assert_int_equal (XJ_E_OK, xj_valid_text ("广东省𠮷路1号", 64));
  assert_int_equal (XJ_E_UTF8, xj_valid_text ("a\xFF", 64));
  assert_int_equal (XJ_E_CONTROL_CHARS, xj_valid_text ("a\nb", 64));
}

/* xj_valid_text checks in one pass: the same verdicts as xj_utf8_valid
   for every lead and second byte (the third and fourth from the edges
   of the ranges), a missing terminator first, bad UTF-8 before a
   control character wherever they are. */
static void
text_one_pass (void **state)
{
  static const unsigned char edge[] = { 0x00, 0x20, 0x7F, 0x80, 0x8F, 0x90,
                                        0x9F, 0xA0, 0xBF, 0xC0, 0xFF };
  unsigned char s[8];
  size_t len = 99;

  (void) state;
  for (unsigned a = 0x80; a <= 0xFF; a++)
    for (unsigned b = 0; b <= 0xFF; b++)
      for (size_t k = 0; k < sizeof edge; k++)
        {
          unsigned c = edge[k];
          bool ok;

          s[0] = 'x', s[1] = (unsigned char) a, s[2] = (unsigned char) b;
          s[3] = (unsigned char) c, s[4] = '\0';
          ok = xj_utf8_valid ((char *) s, strlen ((char *) s));
          assert_int_equal (ok ? (b && c && (b < 0x20 || 0x7F == b
                                             || c < 0x20 || 0x7F == c)
                                    ? XJ_E_CONTROL_CHARS
                                    : XJ_E_OK)
                               : XJ_E_UTF8,
                            xj_valid_text ((char *) s, sizeof s));
        }
  for (unsigned a = 0xF0; a <= 0xF4; a++)
    for (size_t i = 0; i < sizeof edge; i++)
      for (size_t j = 0; j < sizeof edge; j++)
        for (size_t k = 0; k < sizeof edge; k++)
          {
            s[0] = (unsigned char) a, s[1] = edge[i], s[2] = edge[j];
            s[3] = edge[k], s[4] = '\0';
            if (xj_utf8_valid ((char *) s, strlen ((char *) s)))
              assert_int_equal (XJ_E_OK, xj_valid_text ((char *) s, 5));
            else
              assert_int_equal (XJ_E_UTF8, xj_valid_text ((char *) s, 5));
          }
  /* precedence */
  assert_int_equal (XJ_E_UTF8, xj_valid_text ("a\nb\xFF", 16));
  assert_int_equal (XJ_E_UTF8, xj_valid_text ("\x01\xED\xA0\x80", 16));
  memcpy (s, "\n\xFF\xE5\xBC\xA0\xE5\xBC\xA0", 8);  /* not terminated */
  assert_int_equal (XJ_E_TOO_LONG, xj_valid_text ((char *) s, 8));
  memcpy (s, "abcde\xE5\xBC\xA0", 8);  /* the last character cut by @size */
  assert_int_equal (XJ_E_TOO_LONG, xj_valid_text ((char *) s, 7));
  s[7] = '\0';
  assert_int_equal (XJ_E_UTF8, xj_valid_text ((char *) s, 8));
  /* the length, only on success */
  assert_int_equal (XJ_E_OK, xj_valid_text_len ("张三 ", 16, &len));
  assert_int_equal (7, len);
  assert_int_equal (XJ_E_CONTROL_CHARS, xj_valid_text_len ("\t", 16, &len));
  assert_int_equal (7, len);
}

static void
trim (void **state)
{
  char s[32] = "\xE3\x80\x80 张三\t\xE3\x80\x80";
  char e[8] = "   ";

  (void) state;
  xj_valid_trim (s);
  assert_string_equal ("张三", s);
  xj_valid_trim (e);
  assert_string_equal ("", e);
  /* with the length known */
  {
    char t[32] = " \xE3\x80\x80" "a b\xE3\x80\x80\t";
    char u[8] = "ab";

    assert_int_equal (3, xj_valid_trim_len (t, strlen (t)));
    assert_string_equal ("a b", t);
    assert_int_equal (2, xj_valid_trim_len (u, 2));
    assert_string_equal ("ab", u);
    assert_int_equal (0, xj_valid_trim_len (u, 0));
    assert_string_equal ("", u);
  }
}

static void
age_for_grade (void **state)
{
  (void) state;
  assert_int_equal (2024, xj_valid_school_year (20250601));
  assert_int_equal (2025, xj_valid_school_year (20250901));
  /* Age counts on 31 August (domain.md): born 2019-08-31 is 6, grade 1
     fine. */
  assert_int_equal (XJ_E_OK, xj_valid_age_grade ("2019-08-31", "11", 2025));
  /* Grade 1 expects 6-7; 5-8 is normal (one year either side), 4, 9 and
     10 a warning, 3 or younger and 11 or older refused. */
  assert_int_equal (XJ_E_OK, xj_valid_age_grade ("2020-08-31", "11", 2025));
  assert_int_equal (XJ_E_AGE_GRADE_WARN,
                    xj_valid_age_grade ("2020-09-01", "11", 2025));
  assert_int_equal (XJ_E_AGE_GRADE_WARN,
                    xj_valid_age_grade ("2021-08-31", "11", 2025));
  assert_int_equal (XJ_E_AGE_GRADE,
                    xj_valid_age_grade ("2021-09-01", "11", 2025));
  assert_int_equal (XJ_E_OK, xj_valid_age_grade ("2016-09-01", "11", 2025));
  assert_int_equal (XJ_E_AGE_GRADE_WARN,
                    xj_valid_age_grade ("2016-08-31", "11", 2025));
  assert_int_equal (XJ_E_AGE_GRADE_WARN,
                    xj_valid_age_grade ("2015-08-31", "11", 2025));
  assert_int_equal (XJ_E_AGE_GRADE,
                    xj_valid_age_grade ("2014-08-31", "11", 2025));
  /* The finding: ages 1 and 27 were accepted into grade 1. */
  assert_int_equal (XJ_E_AGE_GRADE,
                    xj_valid_age_grade ("2024-01-01", "11", 2025));
  assert_int_equal (XJ_E_AGE_GRADE,
                    xj_valid_age_grade ("1998-01-01", "11", 2025));
  /* 初一 (grade 7): 12 normal, 16 a warning, 18 refused; 高三 17. */
  assert_int_equal (XJ_E_OK, xj_valid_age_grade ("2013-03-01", "21", 2025));
  assert_int_equal (XJ_E_AGE_GRADE_WARN,
                    xj_valid_age_grade ("2009-03-01", "21", 2025));
  assert_int_equal (XJ_E_AGE_GRADE,
                    xj_valid_age_grade ("2007-03-01", "21", 2025));
  assert_int_equal (XJ_E_OK, xj_valid_age_grade ("2008-03-01", "33", 2025));
  /* Vocational accepts adults up to 30, with a warning. */
  assert_int_equal (XJ_E_AGE_GRADE_WARN,
                    xj_valid_age_grade ("2000-03-01", "41", 2025));
  assert_int_equal (XJ_E_AGE_GRADE,
                    xj_valid_age_grade ("1990-03-01", "41", 2025));
  assert_int_equal (XJ_E_CODE, xj_valid_age_grade ("2019-01-01", "17", 2025));
  assert_int_equal (XJ_E_CODE, xj_valid_age_grade ("2019-01-01", "25", 2025));
  assert_int_equal (XJ_E_CODE, xj_valid_age_grade ("2019-01-01", "34", 2025));
  assert_int_equal (XJ_E_DATE_FORMAT,
                    xj_valid_age_grade ("20190101", "11", 2025));
}

static void
code_sets (void **state)
{
  (void) state;
  assert_non_null (xj_codeset ("gender"));
  assert_null (xj_codeset ("nope"));
  assert_string_equal ("男", xj_code_zh ("gender", "1"));
  assert_string_equal ("女", xj_code_zh ("gender", "2"));
  assert_false (xj_code_valid ("gender", "0"));
  assert_false (xj_code_valid ("gender", "9"));

  assert_string_equal ("汉族", xj_code_zh ("ethnicity", "01"));
  assert_string_equal ("基诺族", xj_code_zh ("ethnicity", "56"));
  assert_string_equal ("其他", xj_code_zh ("ethnicity", "97"));
  assert_string_equal ("外国血统中国籍人士", xj_code_zh ("ethnicity", "98"));
  assert_false (xj_code_valid ("ethnicity", "57"));
  assert_false (xj_code_valid ("ethnicity", "1"));
  {
    int n = 0;

    for (const struct xj_code *c = xj_codeset ("ethnicity")->codes; c->code;
         c++)
      n++;
    assert_int_equal (58, n);
  }

  assert_true (xj_code_valid ("nationality", "CHN"));
  assert_true (xj_code_valid ("nationality", "HKG"));
  assert_true (xj_code_valid ("nationality", "KAZ"));
  assert_false (xj_code_valid ("nationality", "chn"));
  assert_false (xj_code_valid ("nationality", "XXX"));

  assert_true (xj_code_valid ("id_type", "1"));
  assert_true (xj_code_valid ("id_type", "A"));
  assert_true (xj_code_valid ("id_type", "B"));
  assert_true (xj_code_valid ("id_type", "Z"));
  assert_false (xj_code_valid ("id_type", "2"));
  assert_true (xj_code_valid ("hk_mo_tw", "00"));
  assert_true (xj_code_valid ("hk_mo_tw", "99"));
  assert_false (xj_code_valid ("hk_mo_tw", "07"));
  assert_string_equal ("群众", xj_code_zh ("political", "13"));
  assert_true (xj_code_valid ("health", "50"));
  assert_false (xj_code_valid ("health", "60"));
  assert_true (xj_code_valid ("hukou_type", "2"));
  assert_true (xj_code_valid ("enrol_mode", "99"));
  assert_false (xj_code_valid ("enrol_mode", "13"));
  assert_true (xj_code_valid ("study_mode", "2"));
  assert_false (xj_code_valid ("source", "3"));
  assert_true (xj_code_valid ("left_behind", "0"));
  assert_false (xj_code_valid ("left_behind", "3"));
  assert_string_equal ("是", xj_code_zh ("flag", "1"));
  assert_true (xj_code_valid ("inclusive", "4"));
  assert_false (xj_code_valid ("inclusive", "5"));
  assert_true (xj_code_valid ("disability", "8"));
  assert_false (xj_code_valid ("disability", "9"));
  assert_true (xj_code_valid ("transport", "9"));
  assert_false (xj_code_valid ("transport", "6"));
  assert_string_equal ("祖父母或外祖父母", xj_code_zh ("relation", "3"));
  assert_false (xj_code_valid ("relation", "5"));
  assert_string_equal ("其他离校", xj_code_zh ("status", "left"));
  assert_string_equal ("出国(境)", xj_code_zh ("status", "abroad"));
  assert_false (xj_code_valid ("status", "transferred"));
  assert_string_equal ("初四", xj_code_zh ("grade", "24"));
  assert_string_equal ("中职三年级", xj_code_zh ("grade", "43"));
  assert_false (xj_code_valid ("grade", "17"));
  assert_false (xj_code_valid ("grade", "34"));
  assert_string_equal ("九年一贯制学校", xj_code_zh ("stage", "nine_year"));
  assert_string_equal ("乡村", xj_code_zh ("urban_rural", "3"));
  assert_string_equal ("Rural", xj_code_en ("urban_rural", "3"));
  assert_null (xj_code_zh ("grade", NULL));
  assert_null (xj_code_zh (NULL, "1"));

  /* Every set has codes, and every code has both labels. */
  for (const struct xj_codeset *cs = xj_codesets; cs->name; cs++)
    {
      assert_non_null (cs->codes[0].code);
      for (const struct xj_code *c = cs->codes; c->code; c++)
        {
          assert_non_null (c->zh);
          assert_non_null (c->en);
          assert_ptr_equal (c, cs->codes + (c - cs->codes));
          assert_true (xj_code_valid (cs->name, c->code));
        }
    }
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (dates),
    cmocka_unit_test (dates_in_place),
    cmocka_unit_test (year_months),
    cmocka_unit_test (phones),
    cmocka_unit_test (names),
    cmocka_unit_test (name_lengths),
    cmocka_unit_test (postcode_email_region_text),
    cmocka_unit_test (text_one_pass),
    cmocka_unit_test (trim),
    cmocka_unit_test (age_for_grade),
    cmocka_unit_test (code_sets),
  };

  return cmocka_run_group_tests (tests, NULL, NULL);
}
