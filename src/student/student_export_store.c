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
            "SELECT " XJ_STUDENT_RECORD_COLS XJ_STUDENT_LIST_FROM
            XJ_STUDENT_LIST_FLAGS " AND st.id > $10 ORDER BY st.id LIMIT $11")

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

  xj_student_from_row (r, s, x);
  c->last = s->id;
  c->seen++;
  c->err = c->cb (c->cls, s, x);
  return XJ_E_OK == c->err ? 0 : 1;
}

enum xj_err
xj_student_each (struct xj_db *db, const char *scope_prefix,
                 int64_t scope_school, int64_t scope_teacher,
                 const struct xj_student_filter *f, xj_student_each_cb cb,
                 void *cls)
{
  struct each_ctx c = { .cb = cb, .cls = cls, .err = XJ_E_OK };
  char *q = (f->q && *f->q) ? xj_student_like_escape (f->q) : NULL;
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
                                  XJ_DB_S (q), XJ_DB_S (f->number),
                                  XJ_DB_I (c.last),
                                  XJ_DB_I (PAGE), XJ_DB_I (f->dup_flag),
                                  XJ_DB_I (f->warned)),
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
