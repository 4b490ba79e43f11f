/* region_store.c -- the `regions` table: loading the divisions embedded at
 * build time, lookups, children and display paths.
 *
 * The only file with SQL on `regions`.  It never reads files: the data
 * comes from build/gen/regions.c (tools/embed-regions.sh), so `xueji init`
 * needs nothing outside the binary.
 */
#include <string.h>

#include "core/util.h"
#include "region/region.h"
#include "region/region_int.h"
#include "region/region_rows.h"


XJ_DB_STMT (st_region_ins,
            "INSERT INTO regions (code, name, level, parent)"
            " VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING")
/* The first load into an empty table: COPY on PostgreSQL (44,700 round
   trips took 2 s per `xueji init` there), the prepared INSERT on SQLite. */
XJ_DB_BULK_NOID (bk_region, "regions", "code, name, level, parent",
                 "$1, $2, $3, $4")
XJ_DB_STMT (st_region_count, "SELECT count(*) FROM regions")
XJ_DB_STMT (st_region_get,
            "SELECT code, name, level, parent FROM regions WHERE code = $1")
XJ_DB_STMT (st_region_children,
            "SELECT code, name, level, parent FROM regions"
            " WHERE parent = $1 ORDER BY code")
/* Every region in the name search's order, read once per process to
   build its index (region_index.c: a substring anywhere in the name is
   what no B-tree index answers). */
XJ_DB_STMT (st_region_all,
            "SELECT code, name, level, coalesce(parent, '') FROM regions"
            " ORDER BY level, code")
XJ_DB_STMT (st_region_top,
            "SELECT code, name, level, parent FROM regions"
            " WHERE parent IS NULL ORDER BY code")

unsigned long
xj_region_builtin_count (void)
{
  return xj_region_nrows;
}

/* Level from the code length (2, 4, 6, 9 digits -> 1..4); 0 if odd. */
static int
level_of (const char *code)
{
  switch (strlen (code))
    {
    case 2:
      return 1;
    case 4:
      return 2;
    case 6:
      return 3;
    case 9:
      return 4;
    default:
      return 0;
    }
}

/* One embedded row's parameters; false (a bug) if its code is odd. */
static bool
row_params (const struct xj_region_row *r, struct xj_db_param p[5])
{
  int level = level_of (r->code);

  if (0 == level)
    {
      XJ_BUG ("embedded region %s has an odd length", r->code);
      return false;
    }
  p[0] = XJ_DB_S (r->code);
  p[1] = XJ_DB_S (r->name);
  p[2] = XJ_DB_I (level);
  p[3] = XJ_DB_S (r->parent);
  p[4] = XJ_DB_END;
  return true;
}

/* Into an empty table: one bulk append. */
static enum xj_err
insert_bulk (struct xj_db *db)
{
  struct xj_db_bulk *b = xj_db_bulk_begin (db, &bk_region);
  struct xj_db_param p[5];
  enum xj_qs qs = XJ_QS_NONE;

  for (const struct xj_region_row *r = xj_region_rows;
       NULL != r->code && qs >= 0; r++)
    {
      if (! row_params (r, p))
        {
          xj_db_bulk_end (b);
          return XJ_E_INTERNAL;
        }
      qs = xj_db_bulk_row (b, p, NULL);
    }
  if (qs >= 0)
    qs = xj_db_bulk_end (b);
  else
    xj_db_bulk_end (b);
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

enum xj_err
xj_region_insert_builtin (struct xj_db *db)
{
  struct xj_db_param p[5];
  int64_t have = 0;
  enum xj_qs qs;

  qs = xj_db_q (db, &st_region_count, XJ_DB_NOPARAMS, &xj_db_int64_cb,
                &have);
  if (qs < 0)
    return xj_db_qs_err (qs);
  if (0 == have)
    return insert_bulk (db);
  /* again over a filled table: keep every row there (ON CONFLICT) */
  for (const struct xj_region_row *r = xj_region_rows; NULL != r->code; r++)
    {
      if (! row_params (r, p))
        return XJ_E_INTERNAL;
      qs = xj_db_q (db, &st_region_ins, p, NULL, NULL);
      if (qs < 0)
        return xj_db_qs_err (qs);
    }
  return XJ_E_OK;
}

static enum xj_err
load_txn (struct xj_db *db, void *cls)
{
  (void) cls;
  return xj_region_insert_builtin (db);
}

enum xj_err
xj_region_load_builtin (struct xj_db *db)
{
  return xj_db_txn_run (db, "region_load", true, load_txn, NULL);
}

static void
row_to_region (const struct xj_db_row *row, struct xj_region *out)
{
  xj_strlcpy (out->code, xj_db_text (row, 0), sizeof out->code);
  xj_strlcpy (out->name, xj_db_text (row, 1), sizeof out->name);
  out->level = (int) xj_db_int (row, 2);
  xj_strlcpy (out->parent, xj_db_text (row, 3), sizeof out->parent);
}

static int
get_cb (void *cls, const struct xj_db_row *row)
{
  row_to_region (row, cls);
  return 1;
}

enum xj_err
xj_region_get (struct xj_db *db, const char *code, struct xj_region *out)
{
  enum xj_qs qs;

  memset (out, 0, sizeof *out);
  if (NULL == code || '\0' == *code)
    return XJ_E_NOT_FOUND;
  qs = xj_db_q (db, &st_region_get, XJ_DB_PARAMS (XJ_DB_S (code)), get_cb,
                out);
  if (qs < 0)
    return xj_db_qs_err (qs);
  return XJ_QS_NONE == qs ? XJ_E_NOT_FOUND : XJ_E_OK;
}

struct children_ctx {
  xj_region_cb cb;
  void *cls;
};

static int
children_cb (void *cls, const struct xj_db_row *row)
{
  struct children_ctx *c = cls;
  struct xj_region r;

  row_to_region (row, &r);
  return c->cb (c->cls, &r);
}

enum xj_err
xj_region_children (struct xj_db *db, const char *parent, xj_region_cb cb,
                    void *cls)
{
  struct children_ctx c = { cb, cls };
  enum xj_qs qs;

  if (NULL == parent || '\0' == *parent)
    qs = xj_db_q (db, &st_region_top, XJ_DB_NOPARAMS, children_cb, &c);
  else
    qs = xj_db_q (db, &st_region_children, XJ_DB_PARAMS (XJ_DB_S (parent)),
                  children_cb, &c);
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

enum xj_err
xj_region_each (struct xj_db *db, xj_region_cb cb, void *cls)
{
  struct children_ctx c = { cb, cls };
  enum xj_qs qs = xj_db_q (db, &st_region_all, XJ_DB_NOPARAMS, children_cb,
                           &c);

  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

/* Names of placeholder levels that say nothing on a display path. */
static bool
placeholder (const char *name)
{
  static const char *const names[] = {
    "市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划",
    NULL
  };

  for (int i = 0; names[i]; i++)
    if (0 == strcmp (names[i], name))
      return true;
  return false;
}

enum xj_err
xj_region_path (struct xj_db *db, const char *code, char *out, size_t outsz)
{
  /* At most 4 levels; walk up, then print top-down. */
  struct xj_region chain[4];
  int n = 0;
  enum xj_err e;
  struct xj_buf b;

  if (outsz > 0)
    out[0] = '\0';
  e = xj_region_get (db, code, &chain[0]);
  if (XJ_E_OK != e)
    return e;
  for (n = 1; n < 4 && '\0' != chain[n - 1].parent[0]; n++)
    {
      e = xj_region_get (db, chain[n - 1].parent, &chain[n]);
      if (XJ_E_NOT_FOUND == e)
        break;  /* a dangling parent: show what we have */
      if (XJ_E_OK != e)
        return e;
    }
  xj_buf_init (&b, 0);
  for (int i = n - 1; i >= 0; i--)
    {
      if (i > 0 && placeholder (chain[i].name))
        continue;
      if (b.len > 0)
        xj_buf_append (&b, " ", 1);
      xj_buf_append (&b, chain[i].name, strlen (chain[i].name));
    }
  if (outsz > 0)
    xj_strlcpy (out, b.data ? b.data : "", outsz);
  xj_buf_fini (&b);
  return XJ_E_OK;
}

bool
xj_region_contains (const char *ancestor, const char *code)
{
  size_t n;

  if (NULL == ancestor || NULL == code)
    return false;
  n = strlen (ancestor);
  return 0 == strncmp (ancestor, code, n);
}
