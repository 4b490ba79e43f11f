/* gen_file.c -- `xueji gen --out FILE`: a synthetic import file in the
 * import's own format (student/student_columns.h) for the schools already
 * in the database, optionally with realistic errors planted in a given
 * fraction of rows.  Records come from gen.c's generator (xj_gen_src);
 * this file only picks school, grade and class per row, skips IDs already
 * registered, plants errors and writes rows through the export module's
 * streaming writer.  Reads the database, never writes it.  Deterministic:
 * every row's choices come from a PRNG seeded by (seed, row).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "export/export.h"
#include "gen/gen.h"
#include "idcard/idcard.h"
#include "klass/klass.h"
#include "school/school.h"
#include "student/student.h"
#include "student/student_columns.h"
#include "student/student_store.h"

enum err_kind {
  EK_CHECK_DIGIT, EK_FEB29, EK_FUTURE_BIRTH, EK_AGE_GRADE, EK_DUP_ID,
  EK_UNKNOWN_SCHOOL, EK_ETHNICITY, EK_PHONE, EK_MISSING_NAME, EK__COUNT
};

const char *const xj_gen_error_names[] = {
  "check_digit", "feb29_non_leap", "future_birth", "age_grade",
  "duplicate_id_in_file", "unknown_school", "ethnicity", "phone",
  "missing_name", NULL
};

static const char *const all_grades[] = {
  "11", "12", "13", "14", "15", "16", "21", "22", "23", "31", "32", "33",
  "41", "42", "43", NULL
};

#define MAX_GRADES 15
#define MAX_CLASSES_PER_GRADE 24

struct fgrade {
  char grade[4];
  unsigned nclasses;
  char classes[MAX_CLASSES_PER_GRADE][64];
};

struct fschool {
  struct xj_school s;
  unsigned ngrades;
  struct fgrade grades[MAX_GRADES];
};

struct fsrc {
  char county[8];
  struct xj_gen_src *src;
};

struct fstate {
  struct xj_db *db;
  struct fschool *schools;
  unsigned nschools, cap;
  struct fsrc *srcs;
  unsigned nsrcs;
};

/* splitmix64: the row's own stream */
static uint64_t
mix (uint64_t *x)
{
  uint64_t z = (*x += 0x9E3779B97F4A7C15ull);

  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

static unsigned
below (uint64_t *x, unsigned n)
{
  return (unsigned) ((mix (x) >> 32) % n);
}

static double
unit (uint64_t *x)
{
  return (double) (mix (x) >> 11) * 0x1.0p-53;
}

static int
school_cb (void *cls, const struct xj_school_row *r)
{
  struct fstate *st = cls;
  struct fschool *fs;

  fs = XJ_VEC_PUSH (st->schools, st->nschools, st->cap);
  memset (fs, 0, sizeof *fs);
  fs->s = r->s;
  for (int i = 0; all_grades[i]; i++)
    if (xj_school_stage_has_grade (r->s.stage, all_grades[i])
        && fs->ngrades < MAX_GRADES)
      xj_strlcpy (fs->grades[fs->ngrades++].grade, all_grades[i],
                  sizeof fs->grades[0].grade);
  return 0;
}

static int
class_cb (void *cls, const struct xj_class_row *r)
{
  struct fschool *fs = cls;

  for (unsigned i = 0; i < fs->ngrades; i++)
    {
      struct fgrade *g = &fs->grades[i];

      if (0 == strcmp (g->grade, r->c.grade)
          && g->nclasses < MAX_CLASSES_PER_GRADE)
        xj_strlcpy (g->classes[g->nclasses++], r->c.name,
                    sizeof g->classes[0]);
    }
  return 0;
}

static enum xj_err
load_schools (struct fstate *st)
{
  struct xj_school_filter f = { .limit = 500 };
  int64_t total = 0;
  enum xj_err e;

  do
    {
      e = xj_school_list (st->db, &f, &school_cb, st, &total);
      if (XJ_E_OK != e)
        return e;
      f.offset += f.limit;
    }
  while ((int64_t) f.offset < total);
  for (unsigned i = 0; i < st->nschools; i++)
    {
      e = xj_class_list (st->db, st->schools[i].s.id, 0, NULL, &class_cb,
                         &st->schools[i]);
      if (XJ_E_OK != e)
        return e;
    }
  return XJ_E_OK;
}

static enum xj_err
src_for (struct fstate *st, const char *county, uint64_t seed,
         struct xj_gen_src **out)
{
  enum xj_err e;

  for (unsigned i = 0; i < st->nsrcs; i++)
    if (0 == strcmp (st->srcs[i].county, county))
      {
        *out = st->srcs[i].src;
        return XJ_E_OK;
      }
  st->srcs = xj_realloc (st->srcs, (st->nsrcs + 1) * sizeof *st->srcs);
  xj_strlcpy (st->srcs[st->nsrcs].county, county, sizeof st->srcs[0].county);
  /* another stream than `xueji gen` of the same seed */
  e = xj_gen_src_new (st->db, county, seed ^ 0x6669FEEDull,
                      &st->srcs[st->nsrcs].src);
  if (XJ_E_OK != e)
    return e;
  *out = st->srcs[st->nsrcs++].src;
  return XJ_E_OK;
}

/* Rewrite the birth-date digits of the 18-digit @id to @ymd (YYYYMMDD)
   and recompute the check character. */
static void
id_with_date (char *id, const char *ymd)
{
  if (18 != strlen (id))
    return;
  memcpy (id + 6, ymd, 8);
  id[17] = xj_idcard_check_char (id);
}

static bool
leap (int y)
{
  return (0 == y % 4 && 0 != y % 100) || 0 == y % 400;
}

/* Move the record's birth date to @y-@m-@d, ID and registry no along. */
static void
set_birth (struct xj_student *s, int y, int m, int d)
{
  char ymd[12];

  xj_snprintf (s->birth_date, sizeof s->birth_date, "%04d-%02d-%02d", y, m,
               d);
  xj_snprintf (ymd, sizeof ymd, "%04d%02d%02d", y, m, d);
  id_with_date (s->id_no, ymd);
  xj_registry_no_g (s->id_no, s->registry_no);
}

struct last_good {
  bool have;
  char id_no[40], registry_no[24], birth_date[12];
  int gender;
};

static void
plant (enum err_kind k, struct xj_student *s, char *school_code,
       size_t codesz, const struct fstate *st, uint64_t *x,
       const struct last_good *lg)
{
  int y, m, d;

  switch (k)
    {
    case EK_CHECK_DIGIT:
      {
        static const char cc[] = "0123456789X";
        char c = s->id_no[17];

        while (c == s->id_no[17])
          c = cc[below (x, 11)];
        s->id_no[17] = c;
        break;
      }
    case EK_FEB29:
      if (3 == sscanf (s->birth_date, "%d-%d-%d", &y, &m, &d))
        {
          if (leap (y))
            y--;
          set_birth (s, y, 2, 29);
          /* set_birth's check digit is right; the date itself is not */
        }
      break;
    case EK_FUTURE_BIRTH:
      {
        int ty, tm, td;

        xj_today (&ty, &tm, &td);
        set_birth (s, ty + 1, 1 + (int) below (x, 12), 1 + (int) below (x, 28));
        break;
      }
    case EK_AGE_GRADE:
      /* four years too young for the grade (leap days stay valid) */
      if (3 == sscanf (s->birth_date, "%d-%d-%d", &y, &m, &d))
        set_birth (s, y + 4, m, d);
      break;
    case EK_DUP_ID:
      xj_strlcpy (s->id_no, lg->id_no, sizeof s->id_no);
      xj_strlcpy (s->registry_no, lg->registry_no, sizeof s->registry_no);
      xj_strlcpy (s->birth_date, lg->birth_date, sizeof s->birth_date);
      s->gender = lg->gender;
      break;
    case EK_UNKNOWN_SCHOOL:
      for (bool taken = true; taken;)
        {
          xj_snprintf (school_code, codesz, "%010llu",
                       (unsigned long long) (mix (x) % 10000000000ull));
          taken = false;
          for (unsigned i = 0; i < st->nschools; i++)
            if (0 == strcmp (st->schools[i].s.code, school_code))
              taken = true;
        }
      break;
    case EK_ETHNICITY:
      /* 57/58 for 97/98: a non-standard variant seen in other systems */
      xj_strlcpy (s->ethnicity, below (x, 2) ? "57" : "58",
                  sizeof s->ethnicity);
      break;
    case EK_PHONE:
      /* a digit lost in typing: 10 digits */
      s->guardians[0].phone[10] = '\0';
      xj_strlcpy (s->phone, s->guardians[0].phone, sizeof s->phone);
      break;
    case EK_MISSING_NAME:
      s->name[0] = '\0';
      break;
    case EK__COUNT:
      break;
    }
}

/* A valid but unusual row: lower-case x in an ID ending in X, else a
   legacy 15-digit ID (no check digit, born 19xx) on the first guardian. */
static void
variant (struct xj_student *s, uint64_t *x)
{
  struct xj_guardian *g = &s->guardians[0];
  unsigned seq;

  if ('X' == s->id_no[17])
    {
      s->id_no[17] = 'x';
      return;
    }
  seq = below (x, 500) * 2;
  if (0 != strcmp (g->relation, "2"))
    seq++;  /* odd = male; a mother gets an even one */
  xj_strlcpy (g->id_type, "1", sizeof g->id_type);
  xj_snprintf (g->id_no, sizeof g->id_no, "%.6s%02u%02u%02u%03u", s->id_no,
               70 + below (x, 20), 1 + below (x, 12), 1 + below (x, 28),
               seq);
}

/* Row @i's student into @s: a school, grade and class drawn with @x
   (their code and class name into @code and @cname), the record drawn
   by the county's source, its ID moved on past any a registered student
   holds. */
static enum xj_err
row_student (struct fstate *st, const struct xj_gen_file_opts *o,
             unsigned long i, uint64_t *x, struct xj_student *s,
             char code[16], char cname[64])
{
  struct fschool *fs;
  struct fgrade *fg;
  struct xj_gen_src *src;
  int64_t sid, school;
  enum xj_err e;

  fs = &st->schools[below (x, st->nschools)];
  if (0 == fs->ngrades)
    {
      /* a stage without grades we know: use the primary grades */
      xj_strlcpy (fs->grades[0].grade, "11", sizeof fs->grades[0].grade);
      fs->ngrades = 1;
    }
  fg = &fs->grades[below (x, fs->ngrades)];
  if (fg->nclasses)
    xj_strlcpy (cname, fg->classes[below (x, fg->nclasses)], 64);
  else
    xj_class_name (fg->grade, 1, cname, 64);
  if (XJ_E_OK != (e = src_for (st, fs->s.county_code, o->seed, &src)))
    return e;
  e = xj_gen_src_student (src, i, fs->s.township_code, fs->s.urban_rural,
                          fg->grade, below (x, 50), s);
  if (XJ_E_OK != e)
    return e;
  while (XJ_E_OK == (e = xj_student_find_by_id_no (st->db, "1", s->id_no,
                                                    &sid, &school)))
    if (! xj_gen_src_next_id (src, s))
      return XJ_E_INTERNAL;
  if (XJ_E_NOT_FOUND != e)
    return e;
  xj_strlcpy (code, fs->s.code, 16);
  return XJ_E_OK;
}

/* With probability o->errors plant one error of a kind drawn with @x in
   @s (or @code), else now and then a valid variant; a good row becomes
   @lg, the row the duplicate-ID error copies. */
static void
row_errors (struct fstate *st, const struct xj_gen_file_opts *o,
            uint64_t *x, struct xj_student *s, char code[16],
            struct last_good *lg, struct xj_gen_file_result *r)
{
  double u = unit (x);

  if (u < o->errors)
    {
      enum err_kind k = (enum err_kind) below (x, EK__COUNT);

      if (EK_DUP_ID == k && ! lg->have)
        k = EK_CHECK_DIGIT;
      plant (k, s, code, 16, st, x, lg);
      r->bad_rows++;
      r->by_kind[k]++;
      return;
    }
  if (u < o->errors * 1.25)
    {
      variant (s, x);
      r->variants++;
    }
  lg->have = true;
  xj_strlcpy (lg->id_no, s->id_no, sizeof lg->id_no);
  xj_strlcpy (lg->registry_no, s->registry_no, sizeof lg->registry_no);
  xj_strlcpy (lg->birth_date, s->birth_date, sizeof lg->birth_date);
  lg->gender = s->gender;
}

enum xj_err
xj_gen_file (struct xj_db *db, const struct xj_gen_file_opts *o,
             struct xj_gen_file_result *res)
{
  struct fstate st = { .db = db };
  struct xj_gen_file_result local;
  struct xj_gen_file_result *r = res ? res : &local;
  struct xj_table_writer *w = NULL;
  enum xj_export_format fmt;
  struct xj_student *s = xj_malloc (sizeof *s);
  size_t ncols = xj_import_ncolumns ();
  char (*buf)[XJ_IMPORT_CELL_MAX] = xj_calloc (ncols, sizeof *buf);
  const char **cells = xj_calloc (ncols, sizeof *cells);
  struct last_good lg = { 0 };
  enum xj_err e;

  memset (r, 0, sizeof *r);
  if (! xj_export_format_of (o->out, &fmt))
    {
      e = XJ_E_USAGE;
      goto out;
    }
  if (XJ_E_OK != (e = load_schools (&st)))
    goto out;
  if (0 == st.nschools)
    {
      e = XJ_E_GEN_NO_SCHOOLS;
      goto out;
    }
  r->schools = st.nschools;
  e = xj_table_writer_open (o->out, fmt, XJ_EXPORT_UTF8, o->tmpdir, &w);
  if (XJ_E_OK != e)
    goto out;
  for (size_t c = 0; c < ncols; c++)
    cells[c] = xj_import_columns[c].header;
  if (XJ_E_OK != (e = xj_table_writer_row (w, cells, ncols)))
    goto out;
  for (unsigned long i = 0; i < o->students; i++)
    {
      uint64_t x = o->seed * 0x9E3779B97F4A7C15ull + i + 1;
      char code[16], cname[64];

      mix (&x);
      if (XJ_E_OK != (e = row_student (&st, o, i, &x, s, code, cname)))
        goto out;
      row_errors (&st, o, &x, s, code, &lg, r);
      for (size_t c = 0; c < ncols; c++)
        cells[c] = xj_import_cell (&xj_import_columns[c], s, code, cname,
                                   XJ_PII_ALL, buf[c], sizeof buf[c]);
      if (XJ_E_OK != (e = xj_table_writer_row (w, cells, ncols)))
        goto out;
      r->rows++;
    }
out:
  {
    enum xj_err ec = xj_table_writer_close (w, XJ_E_OK != e);

    if (XJ_E_OK == e)
      e = ec;
  }
  for (unsigned i = 0; i < st.nsrcs; i++)
    xj_gen_src_free (st.srcs[i].src);
  free (st.srcs);
  free (st.schools);
  free (s);
  free (buf);
  free (cells);
  return e;
}
