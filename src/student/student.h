/* student.h -- the student registry record (学籍基础信息) as a C struct,
 * the field table that maps it to JSON keys / Chinese column names /
 * code sets, and the registry rules on it.
 *
 * Pure data and rules: no SQL here (student_store.c), no HTTP.
 * Every text field is a fixed, bounded char array holding UTF-8; an empty
 * string means "not given".  Integer flags use -1 for "not given".
 */
#ifndef XJ_STUDENT_H
#define XJ_STUDENT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "../core/err.h"
#include "../user/reveal.h"

#define XJ_GUARDIANS 2

/* How a personal number is masked (xj_mask below). */
enum xj_mask_kind {
  XJ_MASK_NONE = 0,      /* not personal: shown as is */
  XJ_MASK_ID,            /* the student's own ID number */
  XJ_MASK_GUARDIAN_ID,   /* a guardian's ID number */
  XJ_MASK_REGISTRY_NO,   /* G/L/J registry number, current or former */
  XJ_MASK_PHONE          /* any phone */
};

struct xj_guardian {
  char name[200];         /* 成员姓名 */
  char relation[4];       /* 关系: 1 父亲 2 母亲 3 祖父母或外祖父母 4 兄弟姐妹 9 其他 */
  char relation_note[64]; /* 关系说明 */
  char phone[32];         /* 联系电话 */
  int is_guardian;        /* 是否监护人 1/0, -1 unknown */
  char id_type[4];        /* 身份证件类型 code */
  char id_no[40];         /* 身份证件号 (normalised when type 1) */
  char ethnicity[4];      /* 民族 */
  char employer[200];     /* 工作单位 */
  char address[300];      /* 现住址 */
};

struct xj_student {
  int64_t id;             /* row id; 0 = not stored yet */
  char registry_no[24];   /* 学籍号: G/L/J + 18 */
  char name[200];         /* 姓名 (up to 50 code points, may be 4-byte) */
  int gender;             /* 性别 1 男 2 女; 0 = not given */
  char birth_date[12];    /* 出生日期 YYYY-MM-DD */
  char birthplace[16];    /* 出生地: region code (6..12 digits) */
  char native_place[100]; /* 籍贯 (text or region code) */
  char ethnicity[4];      /* 民族 GB/T 3304 2-digit, plus 97/98 */
  char nationality[4];    /* 国籍/地区 GB/T 2659 alpha-3, default CHN */
  char id_type[4];        /* 身份证件类型: 1 6 7 8 9 A Z */
  char id_no[40];         /* 身份证件号; type 1 normalised to 18 upper */
  char hk_mo_tw[4];       /* 港澳台侨外 00..99 */
  char political[4];      /* 政治面貌 01 02 03 13 */
  char health[4];         /* 健康状况 10 20 30 40 50 */
  char name_pinyin[100];  /* 姓名拼音 */
  char former_name[200];  /* 曾用名 */
  char hukou_region[16];  /* 户口所在地 region code */
  int hukou_type;         /* 户口性质 1 农业 2 非农业; 0 = not given */
  char specialty[200];    /* 特长 */
  char aux_no[40];        /* 学籍辅号 */
  char seat_no[16];       /* 班内学号 */
  int64_t school_id;      /* school row id */
  int province;           /* its school's province (GB/T 2260, 2 digits)
                             when the writer knows it: the import and gen
                             set it for their bulk appends, which cannot
                             look it up (COPY); 0 otherwise */
  int64_t class_id;       /* class row id; 0 = none */
  char grade[4];          /* 年级 code, see codes: 11..16 21..24 31..33 41..43 */
  char enrol_ym[8];       /* 入学年月 YYYYMM */
  char enrol_mode[4];     /* 入学方式 11 12 21 22 23 99 */
  int study_mode;         /* 就读方式 1 走读 2 住校; 0 = not given */
  int source;             /* 学生来源 1 2 9; 0 = not given */
  char address[300];      /* 现住址 */
  char mail_address[300]; /* 通信地址 */
  char home_address[300]; /* 家庭地址 */
  char phone[32];         /* 联系电话 */
  char postcode[8];       /* 邮政编码 */
  char email[100];        /* 电子信箱 */
  int only_child;         /* 是否独生子女 1/0, -1 not given */
  int preschool;          /* 是否受过学前教育 1/0 */
  int left_behind;        /* 是否留守儿童 0 1 2 */
  int migrant;            /* 是否进城务工人员随迁子女 1/0 */
  int orphan;             /* 是否孤儿 1/0 */
  int martyr;             /* 是否烈士或优抚子女 1/0 */
  int inclusive;          /* 随班就读 0..4 */
  int disability;         /* 残疾类型 0..8 */
  int gov_degree;         /* 是否由政府购买学位 1/0 */
  int need_aid;           /* 是否需要申请资助 1/0 */
  int yibu;               /* 是否享受一补 1/0 */
  double distance_km;     /* 上下学距离 km; < 0 = not given */
  int transport;          /* 上下学方式 1..5, 9; 0 = not given */
  int need_bus;           /* 是否需要乘坐校车 1/0 */
  char status[16];        /* enrolled suspended graduated completed
                             incomplete withdrawn expelled deceased
                             abroad left cancelled */
  int dup_flag;           /* 1 = suspected duplicate awaiting review */
  int64_t version;        /* optimistic-lock counter, bumped per update */
  struct xj_guardian guardians[XJ_GUARDIANS];
};

/* Initialise every field to "not given" (status enrolled, CHN, id_type 1). */
void xj_student_init (struct xj_student *s);

/* ---- field table ---- */
enum xj_ftype { XJ_FT_TEXT, XJ_FT_INT, XJ_FT_FLAG, XJ_FT_DOUBLE, XJ_FT_I64 };

struct xj_field {
  const char *key;        /* JSON key, e.g. "id_no"; guardians: "g1_name" */
  const char *zh;         /* Chinese column name, e.g. "身份证件号" */
  enum xj_ftype type;
  size_t offset;          /* offsetof in struct xj_student */
  size_t size;            /* array size for TEXT */
  const char *codeset;    /* name of code set (codes.h) or NULL */
  bool required;          /* ★ mandatory on registration */
  bool key_field;         /* name/id/birth/gender: changes only via workflow */
  enum xj_mask_kind pii;  /* how it is masked; XJ_MASK_NONE (0) = not
                             personal (id numbers, phones are) */
};

/* NULL-terminated (key == NULL) table of every field of struct
   xj_student, guardians flattened as g1_* / g2_*.  Static storage. */
extern const struct xj_field xj_student_fields[];
const struct xj_field *xj_student_field (const char *key);

/* ---- validation ---- */
#define XJ_VERR_MAX 64
struct xj_verr {
  char field[32];         /* JSON key of the offending field */
  enum xj_err code;
  char detail[160];       /* Chinese detail naming the value/reason */
};
struct xj_verrs {
  struct xj_verr e[XJ_VERR_MAX];
  size_t n;
};
void xj_verrs_add (struct xj_verrs *v, const char *field, enum xj_err code,
                   const char *fmt, ...) __attribute__ ((format (printf, 4, 5)));
void xj_verrs_addv (struct xj_verrs *v, const char *field, enum xj_err code,
                    const char *fmt, va_list ap)
  __attribute__ ((format (printf, 4, 0)));

/* Check every field of @s (code sets, dates, ID consistency, phone, name
   rules, required fields, guardian ID when the student has none),
   normalising in place where the rules allow (ID upper-case X, 15-digit
   ID to 18, trimmed spaces).  Collects all errors into @out.
   @today_ymd is the current date as YYYYMMDD (injectable clock).
   Returns XJ_E_OK or XJ_E_VALIDATION. */
enum xj_err xj_student_validate (struct xj_student *s, int today_ymd,
                                 struct xj_verrs *out);

/* ---- rules on the whole record in its school (student_rules.c) ---- */

/* The school context of xj_student_check_rules. */
struct xj_rules_ctx {
  const char *stage;       /* school's stage code ("primary" ...); NULL or
                              "" = grade-at-school not checked */
  const char *county;      /* school's 6-digit county code; NULL = the
                              随迁/household rule is not checked */
  const char *school_name; /* for messages; NULL = "该校" */
  int today_ymd;           /* YYYYMMDD (injectable clock); the school year
                              of the age rule is taken from it */
};

/* THE shared check of a record against its school and docs/domain.md:
   - grade taught at the school's stage (XJ_E_SCHOOL_GRADE);
   - age on 31 August of the school year for the grade (xj_valid_age_grade
     in validate.h): outside the hard limits an error (XJ_E_AGE_GRADE),
     more than a year off the expected ages a warning
     (XJ_E_AGE_GRADE_WARN);
   - the "Fields that must agree" table: errors XJ_E_FIELDS_DISAGREE,
     warnings XJ_E_FIELDS_DISAGREE_WARN.
   Errors are appended to @errs, warnings to @warns (both caller-owned,
   not cleared).  @s must have passed xj_student_validate.  Called by
   registration (API), import, PATCH, 调班 and exported for the change
   types, 升学 and re-entry: call it with the TARGET school and grade.
   Pure.  Returns XJ_E_VALIDATION if it added an error, else XJ_E_OK. */
enum xj_err xj_student_check_rules (const struct xj_student *s,
                                    const struct xj_rules_ctx *ctx,
                                    struct xj_verrs *errs,
                                    struct xj_verrs *warns);

/* THE check of a grade for a record, the part of xj_student_check_rules
   every path that puts a record into a grade calls (registration, import,
   PATCH, 转学, 留级, 跳级, 复学, 升学, re-entry, 新生名单 confirmation;
   year-end moves grade and school year together, so the age stays in the
   band it was in): @grade taught at the stage of @ctx (XJ_E_SCHOOL_GRADE)
   and the age of @s on 31 August of the school year of @ctx->today_ymd
   (XJ_E_AGE_GRADE outside the hard limits into @errs,
   XJ_E_AGE_GRADE_WARN more than a year off into @warns), each on field
   "grade".  Pure; @grade NULL or "" checks nothing. */
void xj_student_check_grade (const struct xj_student *s, const char *grade,
                             const struct xj_rules_ctx *ctx,
                             struct xj_verrs *errs, struct xj_verrs *warns);

/* Normalise an identity document number in place, the same way for every
   type and every path (registration, import, look-ups, duplicate check):
   full-width ASCII (U+FF01..U+FF5E) folded to ASCII, U+3000 and ASCII
   spaces removed, brackets ( ) （ ） removed (Hong Kong / Macao check
   digits: "A123456(7)" == "A1234567"), letters upper-cased. */
void xj_id_normalise (char *id);

/* Registry number for a student with a valid 18-digit resident ID:
   "G" + id.  @out >= 20 bytes. */
void xj_registry_no_g (const char *id18, char out[24]);
/* Temporary L number: "L" + county6 + birth YYYYMMDD + 4-digit seq. */
void xj_registry_no_l (const char *county6, const char *birth_ymd_dash,
                       unsigned seq, char out[24]);
/* Well-formed G/L/J number? */
bool xj_registry_no_valid (const char *s);

/* ---- masking (docs/internals/masking.md) ----
   One masked form for every personal number, whatever the output (list,
   record, timeline, export, card, audit display).  It never shows the
   sequence digits or the check character of an ID (positions 15-18, or
   13-15 of a legacy 15-digit ID), so nothing shown lets anyone rebuild
   the number; what it shows the viewer sees anyway:
     student ID     441823201503121234 -> 44182320150312****  (address
                    code + the birth date, which the record shows)
     registry no.   G441823201503121234 -> G44182320150312****  (G, L, J)
     guardian ID    441823198001011234 -> 441823************  (their
                    birth date is shown nowhere)
     phone          13812345678 -> 138****5678; others keep the last 4
   A value without an ID's layout (passports, permits of other shapes) is
   all stars, one per character. */
/* Mask @in as @kind into @out (@outsz >= strlen (@in) + 1 for ASCII;
   longer non-ASCII input is cut, never split inside a character). */
void xj_mask (enum xj_mask_kind kind, const char *in, char *out,
              size_t outsz);
/* The reveal right (enum xj_pii bit, user/reveal.h) that shows @kind in
   full. */
unsigned xj_mask_right (enum xj_mask_kind kind);
/* @in as seen by a viewer whose reveal rights are @show (0 = none):
   @in itself when @show holds xj_mask_right (@kind) or @in is empty,
   else its masked form written into @buf.  Returns @in or @buf. */
const char *xj_mask_for (enum xj_mask_kind kind, unsigned show,
                         const char *in, char *buf, size_t bufsz);

/* ---- full-number search (docs/internals/masking.md) ----
   A list query is a name part, or an ID / registry number searched whole
   (audited and rate-limited by the caller): never a prefix, so searching
   cannot learn the digits a list masks. */
enum xj_numq {
  XJ_NUMQ_NAME,         /* no digit: a name part */
  XJ_NUMQ_ID,           /* a resident ID (15-digit legacy converted) */
  XJ_NUMQ_REGISTRY_NO,  /* a G/L/J registry number, current or former */
  XJ_NUMQ_OTHER_ID      /* another ID type's number (letters and digits) */
};
#define XJ_NUMQ_MAX 40
/* Classify @q.  A number comes back normalised in @out (upper-case, no
   spaces, ID as 18 characters).  Digits that are not a whole valid ID
   or registry number: XJ_E_SEARCH_PARTIAL_NUMBER.  @today_ymd as for
   xj_idcard_parse. */
enum xj_err xj_student_number_parse (const char *q, int today_ymd,
                                     enum xj_numq *kind,
                                     char out[XJ_NUMQ_MAX]);

#endif
