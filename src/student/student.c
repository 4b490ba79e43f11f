/* student.c -- the student record: defaults, the field table, whole-record
 * validation, registry numbers and masking.
 *
 * Pure rules on a caller-owned struct xj_student: no SQL (student_store.c),
 * no HTTP, no clock (today's date is a parameter), no allocation.  The
 * field table is the one description of the record that the API's JSON
 * spec, the CSV import's column mapping and the exports all read, so a
 * field added to the struct must be added here too.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#include "core/util.h"
#include "idcard/idcard.h"
#include "region/region.h"
#include "student/student.h"
#include "validate/codes.h"
#include "validate/validate.h"

/* ---- defaults ---- */

void
xj_student_init (struct xj_student *s)
{
  memset (s, 0, sizeof *s);
  xj_strlcpy (s->nationality, "CHN", sizeof s->nationality);
  xj_strlcpy (s->id_type, "1", sizeof s->id_type);
  xj_strlcpy (s->status, "enrolled", sizeof s->status);
  /* Code sets that contain 0 use -1 for "not given"; the others
     (gender, hukou_type, study_mode, source, transport) use 0. */
  s->only_child = -1;
  s->preschool = -1;
  s->left_behind = -1;
  s->migrant = -1;
  s->orphan = -1;
  s->martyr = -1;
  s->inclusive = -1;
  s->disability = -1;
  s->gov_degree = -1;
  s->need_aid = -1;
  s->yibu = -1;
  s->need_bus = -1;
  s->distance_km = -1.0;
  for (int i = 0; i < XJ_GUARDIANS; i++)
    s->guardians[i].is_guardian = -1;
}

/* ---- field table ---- */

#define MSIZE(m) sizeof (((struct xj_student *) 0)->m)
#define TEXT(key, zh, m, cs, req, kf, pii)                                  \
  { key, zh, XJ_FT_TEXT, offsetof (struct xj_student, m), MSIZE (m), cs,   \
    req, kf, pii }
#define INT(key, zh, m, cs, req, kf, ft)                                    \
  { key, zh, ft, offsetof (struct xj_student, m), MSIZE (m), cs, req, kf,  \
    XJ_MASK_NONE }
#define FLAG(key, zh, m) INT (key, zh, m, "flag", false, false, XJ_FT_FLAG)
#define GUARDIAN(i)                                                         \
  TEXT ("g" #i "_name", "成员" #i "姓名", guardians[i - 1].name, NULL,     \
        false, false, false),                                               \
  TEXT ("g" #i "_relation", "成员" #i "关系", guardians[i - 1].relation,    \
        "relation", false, false, false),                                   \
  TEXT ("g" #i "_relation_note", "成员" #i "关系说明",                      \
        guardians[i - 1].relation_note, NULL, false, false, false),         \
  TEXT ("g" #i "_phone", "成员" #i "联系电话", guardians[i - 1].phone,      \
        NULL, false, false, XJ_MASK_PHONE),                                 \
  INT ("g" #i "_is_guardian", "成员" #i "是否监护人",                       \
       guardians[i - 1].is_guardian, "flag", false, false, XJ_FT_FLAG),     \
  TEXT ("g" #i "_id_type", "成员" #i "身份证件类型",                        \
        guardians[i - 1].id_type, "id_type", false, false, false),          \
  TEXT ("g" #i "_id_no", "成员" #i "身份证件号", guardians[i - 1].id_no,    \
        NULL, false, false, XJ_MASK_GUARDIAN_ID),                           \
  TEXT ("g" #i "_ethnicity", "成员" #i "民族", guardians[i - 1].ethnicity,  \
        "ethnicity", false, false, false),                                  \
  TEXT ("g" #i "_employer", "成员" #i "工作单位",                           \
        guardians[i - 1].employer, NULL, false, false, false),              \
  TEXT ("g" #i "_address", "成员" #i "现住址", guardians[i - 1].address,    \
        NULL, false, false, false)

/* Order follows the national template (docs/domain.md §4).  registry_no,
   school_id, class_id, status, dup_flag, version and id are deliberately
   absent: the server assigns or changes them through their own rules. */
const struct xj_field xj_student_fields[] = {
  TEXT ("name", "姓名", name, NULL, true, true, false),
  INT ("gender", "性别", gender, "gender", true, true, XJ_FT_INT),
  TEXT ("birth_date", "出生日期", birth_date, NULL, true, true, false),
  TEXT ("birthplace", "出生地", birthplace, NULL, false, false, false),
  TEXT ("native_place", "籍贯", native_place, NULL, false, false, false),
  TEXT ("ethnicity", "民族", ethnicity, "ethnicity", true, false, false),
  TEXT ("nationality", "国籍/地区", nationality, "nationality", true, false,
        false),
  TEXT ("id_type", "身份证件类型", id_type, "id_type", true, true, false),
  /* Required unless id_type is Z; xj_student_validate applies that. */
  TEXT ("id_no", "身份证件号", id_no, NULL, true, true, XJ_MASK_ID),
  TEXT ("hk_mo_tw", "港澳台侨外", hk_mo_tw, "hk_mo_tw", false, false, false),
  TEXT ("political", "政治面貌", political, "political", false, false,
        false),
  TEXT ("health", "健康状况", health, "health", true, false, false),
  TEXT ("name_pinyin", "姓名拼音", name_pinyin, NULL, false, false, false),
  TEXT ("former_name", "曾用名", former_name, NULL, false, false, false),
  TEXT ("hukou_region", "户口所在地", hukou_region, NULL, false, false,
        false),
  INT ("hukou_type", "户口性质", hukou_type, "hukou_type", true, false,
       XJ_FT_INT),
  TEXT ("specialty", "特长", specialty, NULL, false, false, false),
  TEXT ("aux_no", "学籍辅号", aux_no, NULL, false, false, false),
  TEXT ("seat_no", "班内学号", seat_no, NULL, false, false, false),
  TEXT ("grade", "年级", grade, "grade", true, false, false),
  TEXT ("enrol_ym", "入学年月", enrol_ym, NULL, true, false, false),
  TEXT ("enrol_mode", "入学方式", enrol_mode, "enrol_mode", true, false,
        false),
  INT ("study_mode", "就读方式", study_mode, "study_mode", true, false,
       XJ_FT_INT),
  INT ("source", "学生来源", source, "source", false, false, XJ_FT_INT),
  TEXT ("address", "现住址", address, NULL, false, false, false),
  TEXT ("mail_address", "通信地址", mail_address, NULL, false, false, false),
  TEXT ("home_address", "家庭地址", home_address, NULL, false, false, false),
  TEXT ("phone", "联系电话", phone, NULL, false, false, XJ_MASK_PHONE),
  TEXT ("postcode", "邮政编码", postcode, NULL, false, false, false),
  TEXT ("email", "电子信箱", email, NULL, false, false, false),
  FLAG ("only_child", "是否独生子女", only_child),
  FLAG ("preschool", "是否受过学前教育", preschool),
  INT ("left_behind", "是否留守儿童", left_behind, "left_behind", false,
       false, XJ_FT_INT),
  FLAG ("migrant", "是否进城务工人员随迁子女", migrant),
  FLAG ("orphan", "是否孤儿", orphan),
  FLAG ("martyr", "是否烈士或优抚子女", martyr),
  INT ("inclusive", "随班就读", inclusive, "inclusive", false, false,
       XJ_FT_INT),
  INT ("disability", "残疾类型", disability, "disability", false, false,
       XJ_FT_INT),
  FLAG ("gov_degree", "是否由政府购买学位", gov_degree),
  FLAG ("need_aid", "是否需要申请资助", need_aid),
  FLAG ("yibu", "是否享受一补", yibu),
  INT ("distance_km", "上下学距离", distance_km, NULL, false, false,
       XJ_FT_DOUBLE),
  INT ("transport", "上下学方式", transport, "transport", false, false,
       XJ_FT_INT),
  FLAG ("need_bus", "是否需要乘坐校车", need_bus),
  GUARDIAN (1),
  GUARDIAN (2),
  { NULL, NULL, XJ_FT_TEXT, 0, 0, NULL, false, false, XJ_MASK_NONE },
};

#define NFIELDS (sizeof xj_student_fields / sizeof xj_student_fields[0] - 1)

const struct xj_field *
xj_student_field (const char *key)
{
  /* Per-thread cache keyed by the key's address (mostly literals),
     confirmed by strcmp: validation looks fields up by key many times
     per record, and the linear scan was ~8% of an import's CPU. */
  static _Thread_local struct {
    const char *key;
    const struct xj_field *f;
  } cache[128];
  size_t slot;

  if (NULL == key)
    return NULL;
  slot = ((uintptr_t) key >> 3) & 127;
  if (cache[slot].key == key && 0 == strcmp (cache[slot].f->key, key))
    return cache[slot].f;
  for (const struct xj_field *f = xj_student_fields; NULL != f->key; f++)
    if (f->key[0] == key[0] && 0 == strcmp (f->key, key))
      {
        cache[slot].key = key;
        cache[slot].f = f;
        return f;
      }
  return NULL;
}

/* ---- error collection ---- */

/* Cut @s back so it does not end in a partial UTF-8 sequence (after a
   truncating snprintf). */
static void
utf8_fix_tail (char *s)
{
  size_t len = strlen (s);
  size_t i = len;
  size_t need;
  unsigned char c;

  while (i > 0 && 0x80 == ((unsigned char) s[i - 1] & 0xC0))
    i--;
  if (0 == i)
    return;
  c = (unsigned char) s[i - 1];
  if (c < 0x80)
    return;
  need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
  if (len - (i - 1) < need)
    s[i - 1] = '\0';
}

void
xj_verrs_addv (struct xj_verrs *v, const char *field, enum xj_err code,
               const char *fmt, va_list ap)
{
  struct xj_verr *e;

  /* Beyond XJ_VERR_MAX errors the rest are dropped: the client has
     plenty to fix already and the reply stays bounded. */
  if (v->n >= XJ_VERR_MAX)
    return;
  e = &v->e[v->n++];
  xj_strlcpy (e->field, field ? field : "", sizeof e->field);
  e->code = code;
  e->detail[0] = '\0';
  if (NULL != fmt)
    {
      vsnprintf (e->detail, sizeof e->detail, fmt, ap);
      utf8_fix_tail (e->detail);
    }
}

void
xj_verrs_add (struct xj_verrs *v, const char *field, enum xj_err code,
              const char *fmt, ...)
{
  va_list ap;

  va_start (ap, fmt);
  xj_verrs_addv (v, field, code, fmt, ap);
  va_end (ap);
}

/* ---- validation ---- */

/* Everything one validation run needs; lives on the caller's stack. */
struct vctx {
  struct xj_student *s;
  struct xj_verrs *out;
  int today;                 /* YYYYMMDD */
  bool bad[NFIELDS];         /* field already has an error */
};

/* Index of the field @key.  Every caller in this file passes a key of
   static storage (a literal, gkeys or the table's own f->key), whose
   address never holds another string: so a per-thread cache keyed by the
   address alone is exact, without the strcmp that xj_student_field
   needs to confirm a hit for any caller's string.  is_bad and add ask
   for several fields of every record. */
static size_t
field_index (const char *key)
{
  static _Thread_local struct {
    const char *key;
    size_t i;
  } cache[64];
  size_t slot = (size_t) (((uintptr_t) key * 0x9E3779B97F4A7C15ULL) >> 58);
  const struct xj_field *f;

  if (cache[slot].key == key)
    return cache[slot].i;
  f = xj_student_field (key);
  if (NULL == f)
    {
      XJ_BUG ("no field %s", key);
      return 0;
    }
  cache[slot].key = key;
  cache[slot].i = (size_t) (f - xj_student_fields);
  return cache[slot].i;
}

static char *
ftext (struct xj_student *s, const struct xj_field *f)
{
  return (char *) s + f->offset;
}

static int *
fint (struct xj_student *s, const struct xj_field *f)
{
  return (int *) (void *) ((char *) s + f->offset);
}

static void
add (struct vctx *c, const char *key, enum xj_err code, const char *fmt,
     ...) __attribute__ ((format (printf, 4, 5)));

/* Record an error on @key and mark it so later checks skip the field. */
static void
add (struct vctx *c, const char *key, enum xj_err code, const char *fmt, ...)
{
  va_list ap;

  va_start (ap, fmt);
  xj_verrs_addv (c->out, key, code, fmt, ap);
  va_end (ap);
  c->bad[field_index (key)] = true;
}

/* A short printable copy of a (valid UTF-8) value for error details:
   at most 36 bytes, cut at a character boundary, "…" when cut. */
static const char *
shown (const char *v, char buf[48])
{
  if (strlen (v) <= 36)
    return v;
  size_t n;

  memcpy (buf, v, 36);
  buf[36] = '\0';
  utf8_fix_tail (buf);
  n = strlen (buf);
  memcpy (buf + n, "…", sizeof "…");
  return buf;
}

/* Code set of field @i (NULL when it has none or the name is unknown),
   looked up by name once per thread: check_codes needs it for every
   field of every record, and the look-up by name was a visible share of
   an import's reader thread. */
static const struct xj_codeset *
field_codeset (size_t i)
{
  static _Thread_local const struct xj_codeset *cs[NFIELDS];
  static _Thread_local bool ready;

  if (!ready)
    {
      for (size_t k = 0; k < NFIELDS; k++)
        cs[k] = xj_codeset (xj_student_fields[k].codeset);
      ready = true;
    }
  return cs[i];
}

/* Field @i holds @v: given at all? */
static bool
given (size_t i, int v)
{
  /* Sets containing 0 use -1 for "not given"; others also use 0. */
  if (v < 0)
    return false;
  return 0 != v || NULL != xj_codeset_find (field_codeset (i), "0");
}

/* @v >= 0 in decimal, as "%d" writes it (without printf: once per
   integer field of every record). */
static void
decimal (int v, char out[16])
{
  char tmp[16];
  size_t n = 0, i;

  do
    {
      tmp[n++] = (char) ('0' + v % 10);
      v /= 10;
    }
  while (v > 0);
  for (i = 0; i < n; i++)
    out[i] = tmp[n - 1 - i];
  out[n] = '\0';
}

static bool
is_bad (struct vctx *c, const char *key)
{
  return c->bad[field_index (key)];
}

/* Pass 1: every text field is terminated, UTF-8, free of control
   characters; trimmed; codes upper-cased. */
static void
check_text (struct vctx *c)
{
  for (size_t i = 0; i < NFIELDS; i++)
    {
      const struct xj_field *f = &xj_student_fields[i];
      char *t;
      size_t len;
      enum xj_err e;

      if (XJ_FT_TEXT != f->type)
        continue;
      t = ftext (c->s, f);
      e = xj_valid_text_len (t, f->size, &len);
      if (XJ_E_TOO_LONG == e)
        {
          /* Never read past the array: terminate it ourselves. */
          t[f->size - 1] = '\0';
          add (c, f->key, e, "%s超过%zu字节的长度上限", f->zh, f->size - 1);
          continue;
        }
      if (XJ_E_OK != e)
        {
          add (c, f->key, e, "%s%s", f->zh,
               XJ_E_UTF8 == e ? "不是合法的UTF-8文本" : "含有控制字符");
          continue;
        }
      len = xj_valid_trim_len (t, len);
      if (NULL != f->codeset)
        for (char *p = t; p < t + len; p++)
          if (*p >= 'a' && *p <= 'z')
            *p = (char) (*p - 'a' + 'A');
    }
}

/* Pass 3: required fields and code-set membership. */
static void
check_codes (struct vctx *c)
{
  for (size_t i = 0; i < NFIELDS; i++)
    {
      const struct xj_field *f = &xj_student_fields[i];
      char buf[48];
      char num[16];

      if (c->bad[i])
        continue;
      if (XJ_FT_TEXT == f->type)
        {
          const char *t = ftext (c->s, f);

          if ('\0' == t[0])
            {
              /* id_no is handled with the ID rules (type Z exempt). */
              if (f->required && 0 != strcmp (f->key, "id_no"))
                add (c, f->key, XJ_E_REQUIRED, "%s为必填项", f->zh);
              continue;
            }
          if (NULL != f->codeset
              && NULL == xj_codeset_find (field_codeset (i), t))
            add (c, f->key, XJ_E_CODE, "%s代码“%s”不在代码集中", f->zh,
                 shown (t, buf));
        }
      else if (XJ_FT_INT == f->type || XJ_FT_FLAG == f->type)
        {
          int v = *fint (c->s, f);

          if (!given (i, v))
            {
              if (f->required)
                add (c, f->key, XJ_E_REQUIRED, "%s为必填项", f->zh);
              continue;
            }
          if (NULL != f->codeset)
            {
              decimal (v, num);
              if (NULL == xj_codeset_find (field_codeset (i), num))
                add (c, f->key, XJ_E_CODE, "%s代码“%d”不在代码集中", f->zh,
                     v);
            }
        }
      else if (XJ_FT_DOUBLE == f->type)
        {
          double d = c->s->distance_km;

          if (isnan (d) || d > 1000.0)
            add (c, f->key, XJ_E_RANGE, "%s应在0至1000公里之间", f->zh);
        }
    }
}

static void
check_name (struct vctx *c, const char *key, const char *label, char *name,
            size_t size)
{
  char buf[48];
  char norm[512];
  enum xj_err e;

  if ('\0' == name[0] || is_bad (c, key))
    return;
  /* normalised into a copy: on failure xj_valid_name empties its output,
     and the message must show what was given */
  e = xj_valid_name (name, norm, sizeof norm < size ? sizeof norm : size);
  if (XJ_E_OK == e)
    xj_strlcpy (name, norm, size);
  if (XJ_E_NAME_CHARS == e)
    add (c, key, e, "%s“%s”含有不允许的字符（数字、标点或符号）", label,
         shown (name, buf));
  else if (XJ_E_NAME_LENGTH == e)
    add (c, key, e, "%s长度应为1至50个字", label);
  else if (XJ_E_OK != e)
    add (c, key, e, "%s不是合法的UTF-8文本", label);
}

static void
check_phone (struct vctx *c, const char *key, const char *label, char *v,
             size_t size)
{
  char buf[48];

  if ('\0' == v[0] || is_bad (c, key))
    return;
  if (XJ_E_OK != xj_valid_phone (v, buf, sizeof buf))
    {
      add (c, key, XJ_E_PHONE,
           "%s“%s”不是有效的手机号（11位）或带区号的固定电话", label,
           shown (v, buf));
      return;
    }
  xj_strlcpy (v, buf, size);
}

static void
check_region (struct vctx *c, const char *key, const char *label, char *v,
              size_t size)
{
  char buf[48];

  if ('\0' == v[0] || is_bad (c, key))
    return;
  if (XJ_E_OK != xj_valid_region (v, buf, sizeof buf))
    {
      add (c, key, XJ_E_REGION, "%s“%s”应为6、9或12位行政区划代码", label,
           shown (v, buf));
      return;
    }
  /* a well-formed code must also exist (441899 does not) */
  if (! xj_region_known (buf))
    {
      add (c, key, XJ_E_REGION, "%s“%s”不是行政区划表中的代码", label,
           shown (v, buf));
      return;
    }
  xj_strlcpy (v, buf, size);
}

void
xj_id_normalise (char *id)
{
  unsigned char *r = (unsigned char *) id;
  char *w = id;

  while (*r)
    {
      unsigned cp = 0;

      /* U+FF01..U+FF5E are EF BC 81..EF BD 9E; U+3000 is E3 80 80 */
      if (0xEF == r[0] && (0xBC == r[1] || 0xBD == r[1]) && r[2] >= 0x80
          && r[2] <= 0xBF)
        {
          cp = 0xFF00u + (unsigned) ((r[1] - 0xBC) * 64 + (r[2] - 0x80));
          if (cp >= 0xFF01 && cp <= 0xFF5E)
            {
              char a = (char) (cp - 0xFF01 + 0x21);

              r += 3;
              if ('(' != a && ')' != a)
                *w++ = (a >= 'a' && a <= 'z') ? (char) (a - 32) : a;
              continue;
            }
        }
      if (0xE3 == r[0] && 0x80 == r[1] && 0x80 == r[2])
        {
          r += 3;
          continue;
        }
      if (' ' == *r || '\t' == *r || '(' == *r || ')' == *r)
        {
          r++;
          continue;
        }
      *w++ = (*r >= 'a' && *r <= 'z') ? (char) (*r - 32) : (char) *r;
      r++;
    }
  *w = '\0';
}

/* Resident ID (type 1) in @id (trimmed, terminated).  Normalises it to
   18 characters and fills @card on success; reports the reason with a
   detail that never repeats the whole number (it is PII). */
static bool
check_resident_id (struct vctx *c, const char *key, char *id, size_t size,
                   struct xj_idcard *card)
{
  enum xj_err e = xj_idcard_parse (id, c->today, card);
  size_t len = strlen (id);

  switch (e)
    {
    case XJ_E_OK:
      xj_strlcpy (id, card->id18, size);
      return true;
    case XJ_E_ID_LENGTH:
      add (c, key, e, "身份证号应为18位（或15位旧号），实际为%zu位", len);
      break;
    case XJ_E_ID_CHARS:
      {
        size_t i = 0;

        while (i < len && id[i] >= '0' && id[i] <= '9')
          i++;
        add (c, key, e, "身份证号第%zu位不是数字%s", i + 1,
             17 == i ? "或X" : "");
        break;
      }
    case XJ_E_ID_REGION:
      add (c, key, e, "身份证号前两位“%.2s”不是有效的省级行政区划代码", id);
      break;
    case XJ_E_ID_BIRTH:
      if (15 == len)
        add (c, key, e, "身份证号中的出生日期19%.6s不是有效日期", id + 6);
      else
        add (c, key, e, "身份证号中的出生日期%.8s不是有效日期", id + 6);
      break;
    case XJ_E_ID_FUTURE:
      if (15 == len)
        add (c, key, e, "身份证号中的出生日期19%.6s晚于今天", id + 6);
      else
        add (c, key, e, "身份证号中的出生日期%.8s晚于今天", id + 6);
      break;
    case XJ_E_ID_CHECK:
      add (c, key, e, "身份证号校验位应为%c，实际为%c",
           xj_idcard_check_char (id), 'x' == id[17] ? 'X' : id[17]);
      break;
    default:
      add (c, key, e, "身份证号无效");
      break;
    }
  return false;
}

/* Other document types: ASCII letters, digits, ( ) -; at least 4. */
static bool
check_other_id (struct vctx *c, const char *key, const char *label, char *id)
{
  size_t len = strlen (id);

  for (char *p = id; *p; p++)
    {
      if (*p >= 'a' && *p <= 'z')
        *p = (char) (*p - 'a' + 'A');
      if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')
            || '(' == *p || ')' == *p || '-' == *p))
        {
          add (c, key, XJ_E_ID_CHARS,
               "%s只能包含字母、数字、括号和连字符", label);
          return false;
        }
    }
  if (len < 4)
    {
      add (c, key, XJ_E_ID_CHARS, "%s过短（%zu位）", label, len);
      return false;
    }
  return true;
}

static void
check_birth (struct vctx *c)
{
  struct xj_student *s = c->s;
  char buf[48];
  int ymd;
  enum xj_err e;

  if ('\0' == s->birth_date[0] || is_bad (c, "birth_date"))
    return;
  e = xj_valid_date (s->birth_date, buf, sizeof buf);
  if (XJ_E_DATE_INVALID == e)
    {
      add (c, "birth_date", XJ_E_DATE_INVALID, "出生日期“%s”不存在",
           shown (s->birth_date, buf));
      return;
    }
  if (XJ_E_OK != e)
    {
      add (c, "birth_date", XJ_E_DATE_FORMAT,
           "出生日期“%s”不是有效日期（格式YYYY-MM-DD）",
           shown (s->birth_date, buf));
      return;
    }
  xj_strlcpy (s->birth_date, buf, sizeof s->birth_date);
  ymd = xj_valid_date_ymd (s->birth_date);
  if (ymd > c->today)
    add (c, "birth_date", XJ_E_DATE_FUTURE, "出生日期%s晚于今天",
         s->birth_date);
  else if (ymd < 19900101)
    add (c, "birth_date", XJ_E_DATE_TOO_OLD, "出生日期%s早于1990年",
         s->birth_date);
}

/* @y-@m-@d as "%04d-%02d-%02d" writes it, for a real date with a
   four-digit year (as xj_idcard_parse gives); without printf, as it
   runs for every record. */
static void
date_text (int y, int m, int d, char out[11])
{
  for (int i = 3; i >= 0; i--, y /= 10)
    out[i] = (char) ('0' + y % 10);
  out[4] = '-';
  out[5] = (char) ('0' + m / 10);
  out[6] = (char) ('0' + m % 10);
  out[7] = '-';
  out[8] = (char) ('0' + d / 10);
  out[9] = (char) ('0' + d % 10);
  out[10] = '\0';
}

/* The student's own ID, and its agreement with birth date and gender.
   Returns true when the student has a usable ID number. */
static bool
check_student_id (struct vctx *c)
{
  struct xj_student *s = c->s;
  struct xj_idcard card;
  char date[16];

  if (is_bad (c, "id_type") || is_bad (c, "id_no"))
    return true;  /* already reported; do not pile a guardian error on */
  if ('\0' != s->id_type[0] && !xj_code_valid ("id_type", s->id_type))
    return true;  /* check_codes reports the unknown type */
  if (0 == strcmp (s->id_type, "Z"))
    return false;
  xj_id_normalise (s->id_no);
  if ('\0' == s->id_no[0])
    {
      add (c, "id_no", XJ_E_REQUIRED, "证件类型不是“其他”时身份证件号为必填项");
      return false;
    }
  if ('\0' != s->id_type[0] && 0 != strcmp (s->id_type, "1"))
    {
      check_other_id (c, "id_no", "身份证件号", s->id_no);
      return true;
    }
  if (!check_resident_id (c, "id_no", s->id_no, sizeof s->id_no, &card))
    return true;

  date_text (card.year, card.month, card.day, date);
  if ('\0' == s->birth_date[0] && !is_bad (c, "birth_date"))
    {
      xj_strlcpy (s->birth_date, date, sizeof s->birth_date);
      check_birth (c);  /* the 1990 floor applies to a filled date too */
    }
  else if (!is_bad (c, "birth_date") && 0 != strcmp (s->birth_date, date))
    add (c, "birth_date", XJ_E_ID_BIRTH_MISMATCH,
         "出生日期%s与身份证号中的%s不一致", s->birth_date, date);

  if (0 == s->gender)
    s->gender = card.gender;
  else if ((1 == s->gender || 2 == s->gender) && s->gender != card.gender)
    add (c, "gender", XJ_E_ID_GENDER_MISMATCH,
         "性别为%s，但身份证号第17位表示%s", 1 == s->gender ? "男" : "女",
         1 == card.gender ? "男" : "女");
  return true;
}

static const char *const gkeys[XJ_GUARDIANS][5] = {
  { "g1_name", "g1_phone", "g1_id_no", "g1_id_type", "g1_relation" },
  { "g2_name", "g2_phone", "g2_id_no", "g2_id_type", "g2_relation" },
};

/* Labels of a guardian's name, phone and ID number in error details
   (constants rather than printed for every record). */
static const char *const glabels[XJ_GUARDIANS][3] = {
  { "成员1姓名", "成员1联系电话", "成员1身份证件号" },
  { "成员2姓名", "成员2联系电话", "成员2身份证件号" },
};

/* Guardian rows; returns true if some guardian has a valid ID number. */
static bool
check_guardians (struct vctx *c)
{
  bool have_id = false;

  for (int i = 0; i < XJ_GUARDIANS; i++)
    {
      struct xj_guardian *g = &c->s->guardians[i];
      const char *const *label = glabels[i];
      struct xj_idcard card;

      if ('\0' == g->name[0] && !is_bad (c, gkeys[i][0])
          && ('\0' != g->phone[0] || '\0' != g->id_no[0]
              || '\0' != g->relation[0]))
        add (c, gkeys[i][0], XJ_E_REQUIRED, "填写了成员%d的信息时%s为必填项",
             i + 1, label[0]);
      check_name (c, gkeys[i][0], label[0], g->name, sizeof g->name);
      check_phone (c, gkeys[i][1], label[1], g->phone, sizeof g->phone);

      if (! is_bad (c, gkeys[i][2]))
        xj_id_normalise (g->id_no);
      if ('\0' == g->id_no[0] || is_bad (c, gkeys[i][2])
          || is_bad (c, gkeys[i][3]))
        continue;
      if ('\0' == g->id_type[0] || 0 == strcmp (g->id_type, "1"))
        {
          if (check_resident_id (c, gkeys[i][2], g->id_no, sizeof g->id_no,
                                 &card))
            have_id = true;
        }
      else if (0 != strcmp (g->id_type, "Z")
               && check_other_id (c, gkeys[i][2], label[2], g->id_no))
        have_id = true;
    }
  return have_id;
}

/* "YYYYMM" in normal form -> int. */
static int
ym_value (const char *ym)
{
  int v = 0;

  for (int i = 0; i < 6; i++)
    v = v * 10 + (ym[i] - '0');
  return v;
}

static void
check_enrol_ym (struct vctx *c)
{
  struct xj_student *s = c->s;
  char buf[48];
  int y;
  int ym;

  if ('\0' == s->enrol_ym[0] || is_bad (c, "enrol_ym"))
    return;
  if (XJ_E_OK != xj_valid_ym (s->enrol_ym, buf, sizeof buf))
    {
      add (c, "enrol_ym", XJ_E_YM_FORMAT, "入学年月“%s”格式应为YYYYMM",
           shown (s->enrol_ym, buf));
      return;
    }
  xj_strlcpy (s->enrol_ym, buf, sizeof s->enrol_ym);
  ym = xj_valid_date_ymd (s->birth_date) / 100;
  y = ym_value (s->enrol_ym) / 100;
  /* Registration may precede the September start by some months. */
  if (y < 1990 || y > c->today / 10000 + 1)
    add (c, "enrol_ym", XJ_E_RANGE, "入学年月%s超出合理范围", s->enrol_ym);
  else if (!is_bad (c, "birth_date") && '\0' != s->birth_date[0]
           && ym_value (s->enrol_ym) < ym)
    add (c, "enrol_ym", XJ_E_RANGE, "入学年月%s早于出生日期%s", s->enrol_ym,
         s->birth_date);
}

static void
check_misc (struct vctx *c)
{
  struct xj_student *s = c->s;
  char buf[128];

  check_name (c, "name", "姓名", s->name, sizeof s->name);
  check_name (c, "former_name", "曾用名", s->former_name,
              sizeof s->former_name);
  if ('\0' != s->name_pinyin[0] && !is_bad (c, "name_pinyin"))
    for (const char *p = s->name_pinyin; *p; p++)
      if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z')
            || ' ' == *p || '\'' == *p || '-' == *p))
        {
          add (c, "name_pinyin", XJ_E_NAME_CHARS,
               "姓名拼音只能包含拉丁字母、空格、撇号和连字符");
          break;
        }
  check_region (c, "birthplace", "出生地", s->birthplace,
                sizeof s->birthplace);
  check_region (c, "hukou_region", "户口所在地", s->hukou_region,
                sizeof s->hukou_region);
  if (s->native_place[0] >= '0' && s->native_place[0] <= '9')
    check_region (c, "native_place", "籍贯", s->native_place,
                  sizeof s->native_place);
  check_enrol_ym (c);
  check_phone (c, "phone", "联系电话", s->phone, sizeof s->phone);
  if ('\0' != s->postcode[0] && !is_bad (c, "postcode"))
    {
      if (XJ_E_OK != xj_valid_postcode (s->postcode, buf, sizeof buf))
        add (c, "postcode", XJ_E_POSTCODE, "邮政编码“%s”应为6位数字",
             shown (s->postcode, buf));
    }
  if ('\0' != s->email[0] && !is_bad (c, "email"))
    {
      if (XJ_E_OK != xj_valid_email (s->email, buf, sizeof buf)
          || !xj_strlcpy (s->email, buf, sizeof s->email))
        add (c, "email", XJ_E_EMAIL, "电子信箱“%s”格式错误",
             shown (s->email, buf));
    }
}

enum xj_err
xj_student_validate (struct xj_student *s, int today_ymd,
                     struct xj_verrs *out)
{
  struct vctx c;
  bool has_id;

  memset (&c, 0, sizeof c);
  c.s = s;
  c.out = out;
  c.today = today_ymd;
  out->n = 0;

  /* Order matters: text sanity first (later passes may then read every
     array as a C string), then the birth date in normal form so the ID
     can be compared with it and fill it (and gender) when missing,
     then required/code-set checks see the filled values. */
  check_text (&c);
  check_birth (&c);
  has_id = check_student_id (&c);
  check_codes (&c);
  check_misc (&c);
  if (!check_guardians (&c) && !has_id)
    add (&c, "g1_id_no", XJ_E_GUARDIAN_ID_NEEDED,
         "学生无可用身份证件号时须填写至少一位监护人的身份证件号");
  return 0 == out->n ? XJ_E_OK : XJ_E_VALIDATION;
}

/* ---- registry numbers ---- */

void
xj_registry_no_g (const char *id18, char out[24])
{
  xj_snprintf (out, 24, "G%.18s", id18);
}

void
xj_registry_no_l (const char *county6, const char *birth_ymd_dash,
                  unsigned seq, char out[24])
{
  char ymd[9];
  size_t n = 0;

  /* Accept YYYY-MM-DD or YYYYMMDD: keep the first 8 digits. */
  for (const char *p = birth_ymd_dash; *p && n < 8; p++)
    if (*p >= '0' && *p <= '9')
      ymd[n++] = *p;
  ymd[n] = '\0';
  xj_snprintf (out, 24, "L%.6s%s%04u", county6, ymd, seq % 10000);
}

bool
xj_registry_no_valid (const char *s)
{
  if (NULL == s || 19 != strlen (s))
    return false;
  if ('G' != s[0] && 'L' != s[0] && 'J' != s[0])
    return false;
  for (int i = 1; i < 18; i++)
    if (s[i] < '0' || s[i] > '9')
      return false;
  return (s[18] >= '0' && s[18] <= '9') || 'X' == s[18];
}

/* ---- masking (docs/internals/masking.md) ---- */

static bool
all_digits (const char *s, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (s[i] < '0' || s[i] > '9')
      return false;
  return true;
}

/* Month and day digits that could be a birth date (the mask must not
   depend on the full calendar: a wrong-looking date masks everything). */
static bool
mmdd_ok (const char *p)
{
  int m = (p[0] - '0') * 10 + (p[1] - '0');
  int d = (p[2] - '0') * 10 + (p[3] - '0');

  return m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

/* Digits of @s before its sequence part, if @s has the layout of a
   resident ID (address code + birth date + sequence + check; also
   residence permits and L/J numbers after their letter): 14 for 18
   characters, 12 for the 15-digit legacy form; 0 otherwise. */
static size_t
id_head (const char *s)
{
  size_t n = strlen (s);

  if (18 == n && all_digits (s, 17)
      && (('0' <= s[17] && s[17] <= '9') || 'X' == s[17])
      && mmdd_ok (s + 10))
    return 14;
  if (15 == n && all_digits (s, 15) && mmdd_ok (s + 8))
    return 12;
  return 0;
}

/* @in with all but its first @keep bytes (ASCII) as '*', one star per
   code point, so a multi-byte character is never split. */
static void
stars (const char *in, size_t keep, char *out, size_t outsz)
{
  size_t o = 0, len = xj_utf8_count (in);

  for (size_t i = 0; i < keep && in[i] && o + 1 < outsz; i++)
    out[o++] = in[i];
  for (size_t i = keep; i < len && o + 1 < outsz; i++)
    out[o++] = '*';
  out[o] = '\0';
}

static void
mask_phone (const char *in, char *out, size_t outsz)
{
  size_t len = strlen (in);

  /* 138****5678: the middle four are the protected part of a mobile;
     other numbers keep only their last four */
  if (11 == len && '1' == in[0] && all_digits (in, 11))
    xj_snprintf (out, outsz, "%.3s****%.4s", in, in + 7);
  else if (len > 4 && all_digits (in + len - 4, 4))
    {
      stars (in, 0, out, outsz);
      if (strlen (out) == len)
        memcpy (out + len - 4, in + len - 4, 4);
    }
  else
    stars (in, 0, out, outsz);
}

void
xj_mask (enum xj_mask_kind kind, const char *in, char *out, size_t outsz)
{
  if (0 == outsz)
    return;
  if (NULL == in)
    in = "";
  switch (kind)
    {
    case XJ_MASK_NONE:
      xj_strlcpy (out, in, outsz);
      return;
    case XJ_MASK_ID:
      stars (in, id_head (in), out, outsz);
      return;
    case XJ_MASK_GUARDIAN_ID:
      /* a guardian's birth date is shown nowhere: address code only */
      stars (in, id_head (in) ? 6 : 0, out, outsz);
      return;
    case XJ_MASK_REGISTRY_NO:
      if ('G' == in[0] || 'L' == in[0] || 'J' == in[0])
        stars (in, id_head (in + 1) ? 15 : 1, out, outsz);
      else
        stars (in, 0, out, outsz);
      return;
    case XJ_MASK_PHONE:
      mask_phone (in, out, outsz);
      return;
    }
  stars (in, 0, out, outsz);
}

unsigned
xj_mask_right (enum xj_mask_kind kind)
{
  switch (kind)
    {
    case XJ_MASK_NONE:
      return XJ_PII_ALL;
    case XJ_MASK_ID:
    case XJ_MASK_REGISTRY_NO:
      return XJ_PII_ID_NO;
    case XJ_MASK_GUARDIAN_ID:
      return XJ_PII_GUARDIAN_ID;
    case XJ_MASK_PHONE:
      return XJ_PII_PHONE;
    }
  return 0;
}

const char *
xj_mask_for (enum xj_mask_kind kind, unsigned show, const char *in,
             char *buf, size_t bufsz)
{
  if (NULL == in || '\0' == in[0] || XJ_MASK_NONE == kind
      || (show & xj_mask_right (kind)))
    return in ? in : "";
  xj_mask (kind, in, buf, bufsz);
  return buf;
}

/* ---- full-number search ---- */

enum xj_err
xj_student_number_parse (const char *q, int today_ymd, enum xj_numq *kind,
                         char out[XJ_NUMQ_MAX])
{
  char raw[4 * XJ_NUMQ_MAX];
  char b[XJ_NUMQ_MAX];
  size_t n = 0;
  bool letters = false;
  struct xj_idcard card;

  *kind = XJ_NUMQ_NAME;
  out[0] = '\0';
  /* normalised as registration stores numbers (full-width folded,
     spaces and HK/Macao brackets dropped, upper case): "A123456(7)"
     finds A1234567 */
  if (strlen (q) >= sizeof raw)
    return NULL == strpbrk (q, "0123456789") ? XJ_E_OK
                                             : XJ_E_SEARCH_PARTIAL_NUMBER;
  xj_strlcpy (raw, q, sizeof raw);
  xj_id_normalise (raw);
  if (NULL == strpbrk (raw, "0123456789"))
    return XJ_E_OK;
  for (const char *p = raw; *p; p++)
    {
      if (n + 1 >= sizeof b || (unsigned char) *p >= 0x80)
        return XJ_E_SEARCH_PARTIAL_NUMBER;
      b[n++] = *p;
    }
  b[n] = '\0';
  if (xj_registry_no_valid (b))
    {
      *kind = XJ_NUMQ_REGISTRY_NO;
      xj_strlcpy (out, b, XJ_NUMQ_MAX);
      return XJ_E_OK;
    }
  if (XJ_E_OK == xj_idcard_parse (b, today_ymd, &card))
    {
      *kind = XJ_NUMQ_ID;
      xj_strlcpy (out, card.id18, XJ_NUMQ_MAX);
      return XJ_E_OK;
    }
  for (size_t i = 0; i < n; i++)
    if ((b[i] < '0' || b[i] > '9') && ! ('X' == b[i] && i == n - 1))
      letters = true;
  /* digits (and a final X) are a resident ID or a registry number's
     tail: only the whole, valid number is searched; anything with
     letters is another ID type (passport, permit), matched whole */
  if (! letters || n < 5 || ('G' == b[0] || 'L' == b[0] || 'J' == b[0]))
    return XJ_E_SEARCH_PARTIAL_NUMBER;
  *kind = XJ_NUMQ_OTHER_ID;
  xj_strlcpy (out, b, XJ_NUMQ_MAX);
  return XJ_E_OK;
}
