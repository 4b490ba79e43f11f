/* identity_store.c -- SQL of the identity rules: L-number sequences per
 * county and birth date, identity look-ups for the duplicate check,
 * warnings on records, and the review of suspected duplicates
 * (duplicate_flags).  Callers hold the transaction; nothing here checks
 * scope.  docs/internals/identity.md describes the rules.
 */
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "student/identity.h"
#include "student/student_json.h"
#include "student/student_store_sql.h"

XJ_DB_STMT (st_id_lseq,
            "INSERT INTO l_seq_county (county, birth, next) VALUES ($1, $2, 1)"
            " ON CONFLICT (county, birth) DO UPDATE"
            " SET next = CASE WHEN l_seq_county.next < 10001"
            " THEN l_seq_county.next + 1 ELSE 10001 END RETURNING next - 1")
/* The identity look-ups read the two tables that hold every current ID
   number and every registry number, current or former (migration 0038):
   unpartitioned, they answer for every province at once. */
XJ_DB_STMT (st_id_regno_used,
            "SELECT 1 FROM registry_numbers WHERE registry_no = $1")
/* A registry number G + $1 of a record other than $2: 'former' when it
   is that record's current number (its ID was corrected since), else
   'alias'; a record whose current ID is $1 is the 'id' branch's. */
#define ID_FORMER_SQL                                                          \
  "SELECT r.student_id, st.school_id, st.status,"                              \
  " CASE WHEN st.registry_no = r.registry_no THEN 'former' ELSE 'alias' END"  \
  " FROM registry_numbers r JOIN students st ON st.id = r.student_id"          \
  " WHERE r.registry_no = 'G' || $1 AND r.student_id <> $2"                    \
  " AND (st.registry_no <> r.registry_no OR coalesce(st.id_no, '') <> $1)"
XJ_DB_STMT (st_id_by_idno,
            "SELECT i.student_id, st.school_id, st.status, 'id'"
            " FROM student_identities i JOIN students st ON st.id = i.student_id"
            " WHERE i.id_no = $1 AND i.student_id <> $2"
            " UNION ALL " ID_FORMER_SQL)
XJ_DB_STMT (st_id_former, ID_FORMER_SQL)
XJ_DB_STMT (st_id_same_name_birth,
            "SELECT st.id FROM students st"
            " WHERE st.name = $1 AND st.birth_date = $2 AND st.id <> $3"
            " ORDER BY st.id LIMIT 50")
XJ_DB_STMT (st_id_warn_del,
            "DELETE FROM student_warnings WHERE student_id = $1"
            " AND (CAST($2 AS TEXT) IS NULL OR field = $2)")
XJ_DB_STMT (st_id_warn_add,
            "INSERT INTO student_warnings (student_id, field, code, detail,"
            " created_at, province) VALUES ($1, $2, $3, $4, $5, "
            XJ_PROVINCE_OF ("students", "$1") ")")
XJ_DB_STMT (st_id_warn_get,
            "SELECT w.id, w.field, w.code, w.detail,"
            " coalesce(w.confirm_id, 0), coalesce(c.confirmed_by, ''),"
            " coalesce(c.confirmed_at, ''), coalesce(c.reason, '')"
            " FROM student_warnings w"
            " LEFT JOIN warning_confirms c ON c.id = w.confirm_id"
            " WHERE w.student_id = $1 ORDER BY w.id")
XJ_DB_STMT (st_id_warn_one,
            "SELECT field, code, coalesce(confirm_id, 0) FROM student_warnings"
            " WHERE id = $1 AND student_id = $2")
XJ_DB_STMT (st_id_confirm_add,
            "INSERT INTO warning_confirms (student_id, field, code, value,"
            " reason, confirmed_by, confirmed_at, province) VALUES ($1, $2,"
            " $3, $4, $5, $6, $7, " XJ_PROVINCE_OF ("students", "$1")
            ") RETURNING id")
XJ_DB_STMT (st_id_warn_mark_one,
            "UPDATE student_warnings SET confirm_id = $2"
            " WHERE id = $1 AND confirm_id IS NULL")
/* the newest confirmation first: it is the one a new warning carries */
XJ_DB_STMT (st_id_warn_mark,
            "UPDATE student_warnings SET confirm_id = $4"
            " WHERE student_id = $1 AND field = $2 AND code = $3"
            " AND confirm_id IS NULL")
XJ_DB_STMT (st_id_confirms,
            "SELECT id, field, code, value FROM warning_confirms"
            " WHERE student_id = $1 AND (CAST($2 AS TEXT) IS NULL OR field = $2)"
            " ORDER BY id DESC")
XJ_DB_STMT (st_id_flag_exists,
            "SELECT 1 FROM duplicate_flags WHERE state IN ('open', 'dismissed')"
            " AND"
            " ((student_id = $1 AND other_id = $2) OR"
            " (student_id = $2 AND other_id = $1)) LIMIT 1")
XJ_DB_STMT (st_id_flag_add,
            "INSERT INTO duplicate_flags (student_id, other_id, reason,"
            " created_at, province) VALUES ($1, $2, $3, $4, "
            XJ_PROVINCE_OF ("students", "$1") ")")
XJ_DB_STMT (st_id_flag_set, "UPDATE students SET dup_flag = 1 WHERE id = $1")
XJ_DB_STMT (st_id_flag_get,
            "SELECT id, student_id, other_id, reason, created_at, state,"
            " coalesce(resolved_by, ''), coalesce(resolved_at, ''),"
            " coalesce(resolution, ''), coalesce(change_id, 0)"
            " FROM duplicate_flags WHERE id = $1")
XJ_DB_STMT (st_id_flag_resolve,
            "UPDATE duplicate_flags SET state = $2, resolved_by = $3,"
            " resolved_at = $4, resolution = $5, change_id = $6"
            " WHERE id = $1 AND state = 'open'")
XJ_DB_STMT (st_id_flag_clear,
            "UPDATE students SET dup_flag = 0 WHERE id IN ($1, $2) AND NOT"
            " EXISTS (SELECT 1 FROM duplicate_flags f WHERE f.state = 'open'"
            " AND (f.student_id = students.id OR f.other_id = students.id))")
/* Open flags where either record lies in the county prefix $1 ('' = all)
   or at school $2 (0 = any school of the prefix). */
XJ_DB_STMT (st_id_flag_list,
            "SELECT f.id, f.student_id, f.other_id, f.reason, f.created_at,"
            " f.state, coalesce(f.resolved_by, ''), coalesce(f.resolved_at, ''),"
            " coalesce(f.resolution, ''), coalesce(f.change_id, 0)"
            " FROM duplicate_flags f"
            " JOIN students a ON a.id = f.student_id"
            " JOIN schools sa ON sa.id = a.school_id"
            " JOIN students b ON b.id = f.other_id"
            " JOIN schools sb ON sb.id = b.school_id"
            " WHERE f.state = $3 AND ("
            "  (($1 = '' OR" XJ_IN_REGION ("sa.county_code", "$1") ")"
            "   AND ($2 = 0 OR a.school_id = $2)) OR"
            "  (($1 = '' OR" XJ_IN_REGION ("sb.county_code", "$1") ")"
            "   AND ($2 = 0 OR b.school_id = $2)))"
            " ORDER BY f.id DESC LIMIT $4 OFFSET $5")
/* The county-wide scan: groups of one name and birth date with more than
   one record, within the county prefix $1. */
/* The records of every (name, birth date) group of two or more in a
   county, one after the other in id order; scan_groups joins each group's
   ids in C (no group_concat: docs/db.md "Portable SQL"). */
XJ_DB_STMT (st_id_scan_groups,
            "SELECT st.id, st.name, st.birth_date FROM students st"
            " JOIN (SELECT s2.name, s2.birth_date FROM students s2"
            "  JOIN schools sc2 ON sc2.id = s2.school_id"
            "  WHERE" XJ_IN_REGION ("sc2.county_code", "$1")
            "  GROUP BY s2.name, s2.birth_date HAVING count(*) > 1) AS g"
            "  ON g.name = st.name AND g.birth_date = st.birth_date"
            " JOIN schools sc ON sc.id = st.school_id"
            " WHERE" XJ_IN_REGION ("sc.county_code", "$1")
            " ORDER BY st.name, st.birth_date, st.id")
XJ_DB_STMT (st_id_scan_base,
            "SELECT count(*) FROM (SELECT 1 FROM students st"
            " JOIN schools sc ON sc.id = st.school_id"
            " WHERE" XJ_IN_REGION ("sc.county_code", "$1")
            " GROUP BY st.name, st.birth_date, st.guardian_phone"
            " HAVING count(*) > 1) AS g")
XJ_DB_STMT (st_id_county_data,
            "SELECT st.id, st.data FROM students st JOIN schools sc ON sc.id = st.school_id"
            " WHERE" XJ_IN_REGION ("sc.county_code", "$1")
            " AND st.status IN ('enrolled', 'suspended') ORDER BY st.id")

/* What `xueji check` compares: the rows the two identity tables should
   hold (each record's current ID number; its current and former
   registry numbers; the province of its school), against the rows they
   hold, both ways. */
#define ID_PROVINCE XJ_COUNTY_PROVINCE ("sc.county_code")
#define IDS_EXPECTED                                                           \
  "SELECT st.id_no, st.id_type, st.id, " ID_PROVINCE " FROM students st"      \
  " JOIN schools sc ON sc.id = st.school_id WHERE st.id_no IS NOT NULL"
#define IDS_KEPT                                                               \
  "SELECT id_no, id_type, student_id, province FROM student_identities"
#define NOS_EXPECTED                                                           \
  "SELECT n.no, n.id, " ID_PROVINCE " FROM (SELECT registry_no AS no, id,"    \
  " school_id FROM students UNION ALL SELECT a.registry_no, st.id,"           \
  " st.school_id FROM student_aliases a JOIN students st"                     \
  " ON st.id = a.student_id) AS n JOIN schools sc ON sc.id = n.school_id"
#define NOS_KEPT "SELECT registry_no, student_id, province FROM registry_numbers"
XJ_DB_STMT (st_id_check,
            "SELECT (SELECT count(*) FROM (" IDS_EXPECTED " EXCEPT " IDS_KEPT
            ") AS a), (SELECT count(*) FROM (" IDS_KEPT " EXCEPT " IDS_EXPECTED
            ") AS b), (SELECT count(*) FROM (" NOS_EXPECTED " EXCEPT " NOS_KEPT
            ") AS c), (SELECT count(*) FROM (" NOS_KEPT " EXCEPT " NOS_EXPECTED
            ") AS d)")

XJ_DB_STMT (st_id_setting,
            "SELECT value FROM settings WHERE key = 'dup_guardian_max'")

static int
int_cb (void *cls, const struct xj_db_row *r)
{
  *(int64_t *) cls = xj_db_int (r, 0);
  return 1;
}

static int
text_int_cb (void *cls, const struct xj_db_row *r)
{
  *(int64_t *) cls = strtoll (xj_db_text (r, 0), NULL, 10);
  return 1;
}

enum xj_err
xj_identity_guardian_max (struct xj_db *db, int *out)
{
  int64_t v = 8;
  enum xj_qs qs = xj_db_q (db, &st_id_setting, XJ_DB_NOPARAMS, &text_int_cb,
                           &v);

  if (qs < 0)
    return xj_db_qs_err (qs);
  *out = (v >= 1 && v <= 1000) ? (int) v : 8;
  return XJ_E_OK;
}

static int
check_row (void *cls, const struct xj_db_row *r)
{
  struct xj_identity_diff *d = cls;

  d->ids_missing = xj_db_int (r, 0);
  d->ids_extra = xj_db_int (r, 1);
  d->nos_missing = xj_db_int (r, 2);
  d->nos_extra = xj_db_int (r, 3);
  return 1;
}

enum xj_err
xj_identity_tables_check (struct xj_db *db, struct xj_identity_diff *d)
{
  enum xj_qs qs;

  memset (d, 0, sizeof *d);
  qs = xj_db_q (db, &st_id_check, XJ_DB_NOPARAMS, &check_row, d);
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

enum xj_err
xj_identity_regno_used (struct xj_db *db, const char *no, bool *used)
{
  int64_t one = 0;
  enum xj_qs qs = xj_db_q (db, &st_id_regno_used,
                           XJ_DB_PARAMS (XJ_DB_S (no)), &int_cb, &one);

  if (qs < 0)
    return xj_db_qs_err (qs);
  *used = XJ_QS_NONE != qs;
  return XJ_E_OK;
}

enum xj_err
xj_identity_next_l (struct xj_db *db, const char *county6,
                    const char *birth_date, char out[24])
{
  char ymd[9];
  size_t n = 0;

  for (const char *p = birth_date; *p && n < 8; p++)
    if (*p >= '0' && *p <= '9')
      ymd[n++] = *p;
  ymd[n] = '\0';
  if (8 != n || 6 != strlen (county6))
    return XJ_E_INTERNAL;
  /* skip numbers already in use (imported as given, or issued by the
     installation-wide counter before 0014 and not seeded) */
  for (;;)
    {
      int64_t seq = -1;
      bool used;
      enum xj_qs qs = xj_db_q (db, &st_id_lseq,
                               XJ_DB_PARAMS (XJ_DB_S (county6), XJ_DB_S (ymd)),
                               &int_cb, &seq);
      enum xj_err e;

      if (qs < 0)
        return xj_db_qs_err (qs);
      if (seq < 0 || seq > 9999)
        return XJ_E_L_SEQ_FULL;
      xj_registry_no_l (county6, ymd, (unsigned) seq, out);
      if (XJ_E_OK != (e = xj_identity_regno_used (db, out, &used)))
        return e;
      if (! used)
        return XJ_E_OK;
    }
}

struct hit_ctx {
  xj_identity_hit_cb cb;
  void *cls;
};

static int
hit_row (void *cls, const struct xj_db_row *r)
{
  struct hit_ctx *c = cls;

  c->cb (c->cls, xj_db_int (r, 0), xj_db_int (r, 1), xj_db_text (r, 2),
         xj_db_text (r, 3));
  return 0;
}

static enum xj_err
find_hits (struct xj_db *db, struct xj_db_stmt *st, const char *id_no,
           int64_t self, xj_identity_hit_cb cb, void *cls)
{
  struct hit_ctx c = { cb, cls };
  enum xj_qs qs = xj_db_q (db, st,
                           XJ_DB_PARAMS (XJ_DB_S (id_no), XJ_DB_I (self)),
                           &hit_row, &c);

  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

enum xj_err
xj_identity_find_id (struct xj_db *db, const char *id_no, int64_t self,
                     xj_identity_hit_cb cb, void *cls)
{
  return find_hits (db, &st_id_by_idno, id_no, self, cb, cls);
}

enum xj_err
xj_identity_find_former (struct xj_db *db, const char *id_no, int64_t self,
                         xj_identity_hit_cb cb, void *cls)
{
  return find_hits (db, &st_id_former, id_no, self, cb, cls);
}

struct ids_ctx {
  int64_t *ids;
  size_t n, max;
};

static int
ids_row (void *cls, const struct xj_db_row *r)
{
  struct ids_ctx *c = cls;

  if (c->n < c->max)
    c->ids[c->n++] = xj_db_int (r, 0);
  return 0;
}

enum xj_err
xj_identity_same_name_birth (struct xj_db *db, const char *name,
                             const char *birth_date, int64_t self,
                             int64_t *ids, size_t max, size_t *n)
{
  struct ids_ctx c = { ids, 0, max };
  enum xj_qs qs = xj_db_q (db, &st_id_same_name_birth,
                           XJ_DB_PARAMS (XJ_DB_S (name), XJ_DB_S (birth_date),
                                         XJ_DB_I (self)),
                           &ids_row, &c);

  *n = c.n;
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

/* Confirmations of @student_id (on @field, NULL = any), newest first. */
struct confirms {
  struct {
    int64_t id;
    char field[32], code[48];
    char *value;
  } v[32];
  size_t n;
};

static int
confirm_row (void *cls, const struct xj_db_row *r)
{
  struct confirms *c = cls;

  if (c->n >= sizeof c->v / sizeof c->v[0])
    return 1;
  c->v[c->n].id = xj_db_int (r, 0);
  xj_strlcpy (c->v[c->n].field, xj_db_text (r, 1), sizeof c->v[0].field);
  xj_strlcpy (c->v[c->n].code, xj_db_text (r, 2), sizeof c->v[0].code);
  c->v[c->n].value = xj_strdup (xj_db_text (r, 3));
  c->n++;
  return 0;
}

/* The new warnings of @cur whose field still holds a confirmed value
   carry that confirmation. */
static enum xj_err
carry_confirms (struct xj_db *db, const struct xj_student *cur,
                const char *field)
{
  struct confirms c = { .n = 0 };
  enum xj_qs qs = xj_db_q (db, &st_id_confirms,
                           XJ_DB_PARAMS (XJ_DB_I (cur->id), XJ_DB_S (field)),
                           &confirm_row, &c);

  for (size_t i = 0; i < c.n && qs >= 0; i++)
    {
      char *now = xj_identity_field_value (cur, c.v[i].field);

      if (0 == strcmp (now, c.v[i].value))
        qs = xj_db_q (db, &st_id_warn_mark,
                      XJ_DB_PARAMS (XJ_DB_I (cur->id), XJ_DB_S (c.v[i].field),
                                    XJ_DB_S (c.v[i].code),
                                    XJ_DB_I (c.v[i].id)),
                      NULL, NULL);
      free (now);
    }
  for (size_t i = 0; i < c.n; i++)
    free (c.v[i].value);
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

struct warn_one {
  char *field, *code;
  int64_t confirm_id;
};

static int
warn_one_row (void *cls, const struct xj_db_row *r)
{
  struct warn_one *w = cls;

  xj_strlcpy (w->field, xj_db_text (r, 0), 32);
  xj_strlcpy (w->code, xj_db_text (r, 1), 48);
  w->confirm_id = xj_db_int (r, 2);
  return 1;
}

enum xj_err
xj_identity_warning_get (struct xj_db *db, int64_t student_id,
                         int64_t warning_id, char field[32], char code[48],
                         int64_t *confirm_id)
{
  struct warn_one w = { field, code, 0 };
  enum xj_qs qs = xj_db_q (db, &st_id_warn_one,
                           XJ_DB_PARAMS (XJ_DB_I (warning_id),
                                         XJ_DB_I (student_id)),
                           &warn_one_row, &w);

  if (qs < 0)
    return xj_db_qs_err (qs);
  *confirm_id = w.confirm_id;
  return XJ_QS_NONE == qs ? XJ_E_NOT_FOUND : XJ_E_OK;
}

enum xj_err
xj_identity_confirm_add (struct xj_db *db, int64_t student_id,
                         int64_t warning_id, const char *field,
                         const char *code, const char *value,
                         const char *reason, const char *by)
{
  char at[32];
  int64_t cid = 0;
  enum xj_qs qs;

  xj_now_iso (at);
  qs = xj_db_q (db, &st_id_confirm_add,
                XJ_DB_PARAMS (XJ_DB_I (student_id), XJ_DB_S (field),
                              XJ_DB_S (code), XJ_DB_S (value),
                              XJ_DB_S (reason), XJ_DB_S (by), XJ_DB_S (at)),
                &xj_db_int64_cb, &cid);
  if (qs >= 0)
    qs = xj_db_q (db, &st_id_warn_mark_one,
                  XJ_DB_PARAMS (XJ_DB_I (warning_id), XJ_DB_I (cid)), NULL,
                  NULL);
  if (qs < 0)
    return xj_db_qs_err (qs);
  return XJ_QS_NONE == qs ? XJ_E_WARNING_CONFIRMED : XJ_E_OK;
}

enum xj_err
xj_identity_put_warnings (struct xj_db *db, int64_t student_id,
                          const struct xj_verrs *w, const char *field,
                          const struct xj_student *cur)
{
  char at[32];
  enum xj_qs qs = xj_db_q (db, &st_id_warn_del,
                           XJ_DB_PARAMS (XJ_DB_I (student_id),
                                         XJ_DB_S (field)), NULL, NULL);

  if (qs < 0)
    return xj_db_qs_err (qs);
  xj_now_iso (at);
  for (size_t i = 0; w && i < w->n; i++)
    {
      if (field && 0 != strcmp (w->e[i].field, field))
        continue;
      qs = xj_db_q (db, &st_id_warn_add,
                    XJ_DB_PARAMS (XJ_DB_I (student_id),
                                  XJ_DB_S (w->e[i].field),
                                  XJ_DB_S (xj_err_code (w->e[i].code)),
                                  XJ_DB_S (w->e[i].detail), XJ_DB_S (at)),
                    NULL, NULL);
      if (qs < 0)
        return xj_db_qs_err (qs);
    }
  return cur && w && w->n ? carry_confirms (db, cur, field) : XJ_E_OK;
}

enum xj_err
xj_identity_set_warnings (struct xj_db *db, const struct xj_student *s,
                          const struct xj_verrs *w)
{
  return xj_identity_put_warnings (db, s->id, w, NULL, s);
}

struct warn_ctx {
  xj_identity_warn_cb cb;
  void *cls;
};

static int
warn_row (void *cls, const struct xj_db_row *r)
{
  struct warn_ctx *c = cls;
  struct xj_warning w = {
    .id = xj_db_int (r, 0),
    .field = xj_db_text (r, 1),
    .code = xj_db_text (r, 2),
    .detail = xj_db_text (r, 3),
    .confirm_id = xj_db_int (r, 4),
    .confirmed_by = xj_db_text (r, 5),
    .confirmed_at = xj_db_text (r, 6),
    .reason = xj_db_text (r, 7),
  };

  c->cb (c->cls, &w);
  return 0;
}

enum xj_err
xj_identity_warnings (struct xj_db *db, int64_t student_id,
                      xj_identity_warn_cb cb, void *cls)
{
  struct warn_ctx c = { cb, cls };
  enum xj_qs qs = xj_db_q (db, &st_id_warn_get,
                           XJ_DB_PARAMS (XJ_DB_I (student_id)), &warn_row,
                           &c);

  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

enum xj_err
xj_identity_flag (struct xj_db *db, int64_t student_id, int64_t other_id,
                  const char *reason, bool *added)
{
  int64_t one = 0;
  char at[32];
  enum xj_qs qs;

  *added = false;
  qs = xj_db_q (db, &st_id_flag_exists,
                XJ_DB_PARAMS (XJ_DB_I (student_id), XJ_DB_I (other_id)),
                &int_cb, &one);
  if (qs < 0)
    return xj_db_qs_err (qs);
  if (XJ_QS_NONE != qs)
    return XJ_E_OK;
  xj_now_iso (at);
  qs = xj_db_q (db, &st_id_flag_add,
                XJ_DB_PARAMS (XJ_DB_I (student_id), XJ_DB_I (other_id),
                              XJ_DB_S (reason), XJ_DB_S (at)),
                NULL, NULL);
  if (qs >= 0)
    qs = xj_db_q (db, &st_id_flag_set, XJ_DB_PARAMS (XJ_DB_I (student_id)),
                  NULL, NULL);
  if (qs >= 0 && other_id != student_id)
    qs = xj_db_q (db, &st_id_flag_set, XJ_DB_PARAMS (XJ_DB_I (other_id)),
                  NULL, NULL);
  if (qs < 0)
    return xj_db_qs_err (qs);
  *added = true;
  return XJ_E_OK;
}

static void
flag_from_row (const struct xj_db_row *r, struct xj_dup_flag *f)
{
  f->id = xj_db_int (r, 0);
  f->student_id = xj_db_int (r, 1);
  f->other_id = xj_db_int (r, 2);
  xj_strlcpy (f->reason, xj_db_text (r, 3), sizeof f->reason);
  xj_strlcpy (f->created_at, xj_db_text (r, 4), sizeof f->created_at);
  xj_strlcpy (f->state, xj_db_text (r, 5), sizeof f->state);
  xj_strlcpy (f->resolved_by, xj_db_text (r, 6), sizeof f->resolved_by);
  xj_strlcpy (f->resolved_at, xj_db_text (r, 7), sizeof f->resolved_at);
  xj_strlcpy (f->resolution, xj_db_text (r, 8), sizeof f->resolution);
  f->change_id = xj_db_int (r, 9);
}

static int
flag_row (void *cls, const struct xj_db_row *r)
{
  flag_from_row (r, cls);
  return 1;
}

enum xj_err
xj_identity_flag_get (struct xj_db *db, int64_t id, struct xj_dup_flag *f)
{
  enum xj_qs qs = xj_db_q (db, &st_id_flag_get, XJ_DB_PARAMS (XJ_DB_I (id)),
                           &flag_row, f);

  if (qs < 0)
    return xj_db_qs_err (qs);
  return XJ_QS_NONE == qs ? XJ_E_NOT_FOUND : XJ_E_OK;
}

enum xj_err
xj_identity_flag_resolve (struct xj_db *db, const struct xj_dup_flag *f,
                          const char *state, const char *by,
                          const char *reason, int64_t change_id)
{
  char at[32];
  enum xj_qs qs;

  xj_now_iso (at);
  qs = xj_db_q (db, &st_id_flag_resolve,
                XJ_DB_PARAMS (XJ_DB_I (f->id), XJ_DB_S (state), XJ_DB_S (by),
                              XJ_DB_S (at), XJ_DB_S (reason),
                              change_id ? XJ_DB_I (change_id) : XJ_DB_NUL),
                NULL, NULL);
  if (qs < 0)
    return xj_db_qs_err (qs);
  if (XJ_QS_NONE == qs)
    return XJ_E_DUP_FLAG_STATE;
  qs = xj_db_q (db, &st_id_flag_clear,
                XJ_DB_PARAMS (XJ_DB_I (f->student_id), XJ_DB_I (f->other_id)),
                NULL, NULL);
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

struct flist_ctx {
  xj_identity_flag_cb cb;
  void *cls;
};

static int
flist_row (void *cls, const struct xj_db_row *r)
{
  struct flist_ctx *c = cls;
  struct xj_dup_flag f;

  flag_from_row (r, &f);
  c->cb (c->cls, &f);
  return 0;
}

enum xj_err
xj_identity_flag_list (struct xj_db *db, const char *prefix,
                       int64_t school_id, const char *state, int64_t limit,
                       int64_t offset, xj_identity_flag_cb cb, void *cls)
{
  struct flist_ctx c = { cb, cls };
  enum xj_qs qs = xj_db_q (db, &st_id_flag_list,
                           XJ_DB_PARAMS (XJ_DB_S (prefix), XJ_DB_I (school_id),
                                         XJ_DB_S (state), XJ_DB_I (limit),
                                         XJ_DB_I (offset)),
                           &flist_row, &c);

  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

struct group_ctx {
  xj_identity_group_cb cb;
  void *cls;
  enum xj_err e;
  struct xj_buf key;    /* name NUL birth date of the group being read */
  struct xj_buf ids;    /* its ids so far, "1,5,9" */
};

/* Hand the group read so far to the callback. */
static void
group_flush (struct group_ctx *c)
{
  if (c->ids.len > 0 && XJ_E_OK == c->e)
    c->e = c->cb (c->cls, c->ids.data);
  c->ids.len = 0;
}

static int
group_row (void *cls, const struct xj_db_row *r)
{
  struct group_ctx *c = cls;
  const char *name = xj_db_text (r, 1);
  const char *birth = xj_db_text (r, 2);
  size_t nl = strlen (name), bl = strlen (birth);

  if (c->key.len != nl + 1 + bl || 0 != memcmp (c->key.data, name, nl)
      || 0 != strcmp (c->key.data + nl + 1, birth))
    {
      group_flush (c);
      c->key.len = 0;
      if (! xj_buf_append (&c->key, name, nl + 1)
          || ! xj_buf_append (&c->key, birth, bl))
        c->e = XJ_E_INTERNAL;
    }
  if (XJ_E_OK == c->e
      && ! xj_buf_printf (&c->ids, "%s%lld", c->ids.len ? "," : "",
                          (long long) xj_db_int (r, 0)))
    c->e = XJ_E_INTERNAL;
  return XJ_E_OK != c->e;
}

enum xj_err
xj_identity_scan_groups (struct xj_db *db, const char *county,
                         xj_identity_group_cb cb, void *cls)
{
  struct group_ctx c = { .cb = cb, .cls = cls, .e = XJ_E_OK };
  enum xj_qs qs;

  xj_buf_init (&c.key, 0);
  xj_buf_init (&c.ids, 0);
  qs = xj_db_q (db, &st_id_scan_groups, XJ_DB_PARAMS (XJ_DB_S (county)),
                &group_row, &c);
  if (qs >= 0)
    group_flush (&c);
  xj_buf_fini (&c.key);
  xj_buf_fini (&c.ids);
  if (qs < 0)
    return xj_db_qs_err (qs);
  return c.e;
}

enum xj_err
xj_identity_scan_baseline (struct xj_db *db, const char *county,
                           int64_t *groups)
{
  enum xj_qs qs = xj_db_q (db, &st_id_scan_base,
                           XJ_DB_PARAMS (XJ_DB_S (county)), &int_cb, groups);

  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

struct data_ctx {
  xj_identity_data_cb cb;
  void *cls;
};

static int
data_row (void *cls, const struct xj_db_row *r)
{
  struct data_ctx *c = cls;

  c->cb (c->cls, xj_db_int (r, 0), xj_db_blob (r, 1), xj_db_bytes (r, 1));
  return 0;
}

enum xj_err
xj_identity_county_data (struct xj_db *db, const char *county,
                         xj_identity_data_cb cb, void *cls)
{
  struct data_ctx c = { cb, cls };
  enum xj_qs qs = xj_db_q (db, &st_id_county_data,
                           XJ_DB_PARAMS (XJ_DB_S (county)), &data_row, &c);

  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

/* ---- merges ---- */

XJ_DB_STMT (st_id_merge_add,
            "INSERT INTO student_merges (merged_id, survivor_id, merged_no,"
            " flag_id, reason, merged_by, merged_at, province) VALUES ($1,"
            " $2, $3, $4, $5, $6, $7, " XJ_PROVINCE_OF ("students", "$2") ")")
XJ_DB_STMT (st_id_merged_into,
            "SELECT survivor_id FROM student_merges WHERE merged_id = $1")

enum xj_err
xj_identity_merge_add (struct xj_db *db, int64_t merged_id,
                       int64_t survivor_id, const char *merged_no,
                       int64_t flag_id, const char *reason, const char *by)
{
  char at[32];
  enum xj_qs qs;

  xj_now_iso (at);
  qs = xj_db_q (db, &st_id_merge_add,
                XJ_DB_PARAMS (XJ_DB_I (merged_id), XJ_DB_I (survivor_id),
                              XJ_DB_S (merged_no), XJ_DB_I (flag_id),
                              XJ_DB_S (reason), XJ_DB_S (by), XJ_DB_S (at)),
                NULL, NULL);
  if (XJ_QS_UNIQUE == qs)
    return XJ_E_MERGE_DONE;
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

enum xj_err
xj_identity_merged_into (struct xj_db *db, int64_t id, int64_t *survivor_id)
{
  enum xj_qs qs;

  *survivor_id = 0;
  qs = xj_db_q (db, &st_id_merged_into, XJ_DB_PARAMS (XJ_DB_I (id)),
                &int_cb, survivor_id);
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

/* ---- guardian ID numbers ---- */

XJ_DB_STMT (st_id_gid_del, "DELETE FROM guardian_ids WHERE student_id = $1")
/* no conflict target: the key is (student_id, id_no, province) on
   PostgreSQL since 0042, and SQLite's stays (student_id, id_no); it is
   guardian_ids' only unique constraint on both */
XJ_DB_STMT (st_id_gid_add,
            "INSERT INTO guardian_ids (student_id, id_no, province) VALUES"
            " ($1, $2, " XJ_PROVINCE_OF ("students", "$1") ") ON"
            " CONFLICT DO NOTHING")
XJ_DB_STMT (st_id_gid_count,
            "SELECT count(*), coalesce(min(g.student_id), 0)"
            " FROM guardian_ids g JOIN students st ON st.id = g.student_id"
            " WHERE g.id_no = $1 AND st.status IN ('enrolled', 'suspended')")
XJ_DB_STMT (st_id_backfill_pending,
            "SELECT 1 FROM backfills WHERE name = 'guardian_ids'")
XJ_DB_STMT (st_id_backfill_done,
            "DELETE FROM backfills WHERE name = 'guardian_ids'")
XJ_DB_STMT (st_id_backfill_batch,
            "SELECT id, data FROM students WHERE id > $1 ORDER BY id LIMIT 500")

enum xj_err
xj_identity_guardians_put (struct xj_db *db, const struct xj_student *s,
                           bool fresh)
{
  enum xj_qs qs = XJ_QS_NONE;

  if (! fresh)
    qs = xj_db_q (db, &st_id_gid_del, XJ_DB_PARAMS (XJ_DB_I (s->id)), NULL,
                  NULL);
  for (int i = 0; i < XJ_GUARDIANS && qs >= 0; i++)
    if (s->guardians[i].id_no[0])
      qs = xj_db_q (db, &st_id_gid_add,
                    XJ_DB_PARAMS (XJ_DB_I (s->id),
                                  XJ_DB_S (s->guardians[i].id_no)),
                    NULL, NULL);
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

/* ---- the import's sink: bulk appends ---- */

XJ_DB_BULK_NOID (st_id_gid_bulk, "guardian_ids",
                 "student_id, id_no, province", "$1, $2, $3")
XJ_DB_BULK (st_id_warn_bulk, "student_warnings",
            "student_id, field, code, detail, created_at, province",
            "$2, $3, $4, $5, $6, $7")

void
xj_identity_sink_begin (struct xj_db *db, struct xj_identity_sink *k)
{
  k->gids = xj_db_bulk_begin (db, &st_id_gid_bulk);
  k->warns = xj_db_bulk_begin (db, &st_id_warn_bulk);
}

enum xj_err
xj_identity_sink_end (struct xj_identity_sink *k)
{
  enum xj_qs a = xj_db_bulk_end (k->gids), b = xj_db_bulk_end (k->warns);

  k->gids = NULL;
  k->warns = NULL;
  if (a >= 0)
    a = b;
  return a < 0 ? xj_db_qs_err (a) : XJ_E_OK;
}

enum xj_err
xj_identity_sink_gids (struct xj_identity_sink *k, const struct xj_student *s)
{
  enum xj_qs qs = XJ_QS_NONE;

  for (int i = 0; i < XJ_GUARDIANS && qs >= 0; i++)
    {
      const char *g = s->guardians[i].id_no;
      bool again = false;

      for (int j = 0; j < i && ! again; j++)
        again = 0 == strcmp (g, s->guardians[j].id_no);
      if (g[0] && ! again)   /* the table's key: each ID once */
        qs = xj_db_bulk_row (k->gids,
                             XJ_DB_PARAMS (XJ_DB_I (s->id), XJ_DB_S (g),
                                           XJ_DB_I (s->province)),
                             NULL);
    }
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

enum xj_err
xj_identity_sink_warns (struct xj_identity_sink *k, int64_t student_id,
                        int province, const struct xj_verrs *w)
{
  char at[32];
  enum xj_qs qs = XJ_QS_NONE;

  xj_now_iso (at);
  for (size_t i = 0; i < w->n && qs >= 0; i++)
    qs = xj_db_bulk_row (k->warns,
                         XJ_DB_PARAMS (XJ_DB_I (student_id),
                                       XJ_DB_S (w->e[i].field),
                                       XJ_DB_S (xj_err_code (w->e[i].code)),
                                       XJ_DB_S (w->e[i].detail),
                                       XJ_DB_S (at), XJ_DB_I (province)),
                         NULL);
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

static int
count_first_cb (void *cls, const struct xj_db_row *r)
{
  int64_t *v = cls;

  v[0] = xj_db_int (r, 0);
  v[1] = xj_db_int (r, 1);
  return 1;
}

enum xj_err
xj_identity_guardian_count (struct xj_db *db, const char *id_no, int64_t *n,
                            int64_t *first)
{
  int64_t v[2] = { 0, 0 };
  enum xj_qs qs = xj_db_q (db, &st_id_gid_count,
                           XJ_DB_PARAMS (XJ_DB_S (id_no)), &count_first_cb, v);

  *n = v[0];
  *first = v[1];
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

/* One batch of the backfill: the guardian IDs of up to 500 records after
   *last, read first and written after (no write inside a read). */
struct bf_batch {
  struct xj_student *v;
  size_t n;
  int64_t last;
};

static int
bf_row (void *cls, const struct xj_db_row *r)
{
  struct bf_batch *b = cls;
  struct xj_student *s = &b->v[b->n];

  b->last = xj_db_int (r, 0);
  xj_student_init (s);
  if (XJ_E_OK != xj_student_data_load (s, xj_db_blob (r, 1),
                                       xj_db_bytes (r, 1)))
    return 0;
  s->id = b->last;
  b->n++;
  return 0;
}

static enum xj_err
backfill_txn (struct xj_db *db, void *cls)
{
  struct bf_batch *b = cls;
  int64_t one = 0;
  enum xj_qs qs = xj_db_q (db, &st_id_backfill_pending, XJ_DB_NOPARAMS,
                           &int_cb, &one);
  enum xj_err e = XJ_E_OK;

  if (qs <= 0)
    return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
  b->last = 0;
  do
    {
      b->n = 0;
      qs = xj_db_q (db, &st_id_backfill_batch,
                    XJ_DB_PARAMS (XJ_DB_I (b->last)), &bf_row, b);
      if (qs < 0)
        return xj_db_qs_err (qs);
      for (size_t i = 0; i < b->n && XJ_E_OK == e; i++)
        e = xj_identity_guardians_put (db, &b->v[i], true);
    }
  while (XJ_E_OK == e && XJ_QS_NONE != qs);
  if (XJ_E_OK != e)
    return e;
  qs = xj_db_q (db, &st_id_backfill_done, XJ_DB_NOPARAMS, NULL, NULL);
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

static enum xj_err
backfill_pending_txn (struct xj_db *db, void *cls)
{
  int64_t *one = cls;
  enum xj_qs qs = xj_db_q (db, &st_id_backfill_pending, XJ_DB_NOPARAMS,
                           &int_cb, one);

  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

/* Runs once: the write transaction only while the row in backfills says
   the work is still to do.  Every later start (and CLI import) reads
   that in a read transaction, which never waits for a writer (an import
   holding SQLite's writer lock made each server start wait for it). */
enum xj_err
xj_identity_guardian_backfill (struct xj_db *db)
{
  struct bf_batch b = { 0 };
  int64_t pending = 0;
  enum xj_err e = xj_db_txn_run (db, "guardian_backfill_pending", false,
                                 &backfill_pending_txn, &pending);

  if (XJ_E_OK != e || 0 == pending)
    return e;
  b.v = xj_calloc (500, sizeof (struct xj_student));
  e = xj_db_txn_run (db, "guardian_backfill", true, &backfill_txn, &b);
  free (b.v);
  return e;
}
