/* student_export_store.c -- keyset iteration over a scoped, filtered
 * student list with whole records (student_export_store.h).  Only SQL and
 * row decoding; the scope comes from the caller (never widened here).
 */
#include <stdlib.h>
#include <string.h>
#include "core/util.h"
#include "student/student_export_store.h"
#include "student/student_json.h"
#include "student/student_store_sql.h"

#define PAGE 5000

XJ_DB_STMT (st_stu_export_page,
            "SELECT st.id, st.registry_no, st.id_type, coalesce(st.id_no, ''),"
            " st.name, st.gender, st.birth_date, st.school_id,"
            " coalesce(st.class_id, 0), st.grade, st.status, st.dup_flag,"
            " st.version, st.data, sc.county_code, sc.name, sc.code,"
            " coalesce(c.name, ''), st.created_at, st.updated_at"
            XJ_STUDENT_LIST_FROM
            " AND st.id > $9 ORDER BY st.id LIMIT $10")

struct each_ctx {
  xj_student_each_cb cb;
  void *cls;
  struct xj_student *s;
  struct xj_student_ctx ctx;
  int64_t last;
  int64_t seen;
  enum xj_err err;
};

static int
each_row (void *cls, const struct xj_db_row *r)
{
  struct each_ctx *c = cls;
  struct xj_student *s = c->s;
  struct xj_student_ctx *x = &c->ctx;

  xj_student_init (s);
  s->id = xj_db_int (r, 0);
  c->last = s->id;
  c->seen++;
  xj_strlcpy (s->registry_no, xj_db_text (r, 1), sizeof s->registry_no);
  xj_student_data_load (s, xj_db_text (r, 13));
  xj_strlcpy (s->id_type, xj_db_text (r, 2), sizeof s->id_type);
  xj_strlcpy (s->id_no, xj_db_text (r, 3), sizeof s->id_no);
  xj_strlcpy (s->name, xj_db_text (r, 4), sizeof s->name);
  s->gender = (int) xj_db_int (r, 5);
  xj_strlcpy (s->birth_date, xj_db_text (r, 6), sizeof s->birth_date);
  s->school_id = xj_db_int (r, 7);
  s->class_id = xj_db_int (r, 8);
  xj_strlcpy (s->grade, xj_db_text (r, 9), sizeof s->grade);
  xj_strlcpy (s->status, xj_db_text (r, 10), sizeof s->status);
  s->dup_flag = (int) xj_db_int (r, 11);
  s->version = xj_db_int (r, 12);
  xj_strlcpy (x->county_code, xj_db_text (r, 14), sizeof x->county_code);
  xj_strlcpy (x->school_name, xj_db_text (r, 15), sizeof x->school_name);
  xj_strlcpy (x->school_code, xj_db_text (r, 16), sizeof x->school_code);
  xj_strlcpy (x->class_name, xj_db_text (r, 17), sizeof x->class_name);
  xj_strlcpy (x->created_at, xj_db_text (r, 18), sizeof x->created_at);
  xj_strlcpy (x->updated_at, xj_db_text (r, 19), sizeof x->updated_at);
  c->err = c->cb (c->cls, s, x);
  return XJ_E_OK == c->err ? 0 : 1;
}

/* LIKE wildcards of a user's text match literally (as student_store.c). */
static char *
like_escape (const char *q)
{
  size_t n = strlen (q);
  char *out = xj_malloc (2 * n + 1);
  char *p = out;

  for (; *q; q++)
    {
      if ('%' == *q || '_' == *q || '\\' == *q)
        *p++ = '\\';
      *p++ = *q;
    }
  *p = '\0';
  return out;
}

enum xj_err
xj_student_each (struct xj_db *db, const char *scope_prefix,
                 int64_t scope_school, int64_t scope_teacher,
                 const struct xj_student_filter *f, xj_student_each_cb cb,
                 void *cls)
{
  struct each_ctx c = { .cb = cb, .cls = cls, .err = XJ_E_OK };
  char *q = (f->q && *f->q) ? like_escape (f->q) : NULL;
  enum xj_qs qs;

  c.s = xj_malloc (sizeof *c.s);
  for (;;)
    {
      c.seen = 0;
      qs = xj_db_q (db, &st_stu_export_page,
                    XJ_DB_PARAMS (XJ_DB_S (scope_prefix),
                                  XJ_DB_I (scope_school),
                                  XJ_DB_I (scope_teacher),
                                  XJ_DB_I (f->school_id), XJ_DB_S (f->grade),
                                  XJ_DB_I (f->class_id), XJ_DB_S (f->status),
                                  XJ_DB_S (q), XJ_DB_I (c.last),
                                  XJ_DB_I (PAGE)),
                    &each_row, &c);
      if (qs < 0 || XJ_E_OK != c.err || c.seen < PAGE)
        break;
    }
  free (c.s);
  free (q);
  if (qs < 0 && XJ_E_OK == c.err)
    return xj_db_qs_err (qs);
  return c.err;
}
