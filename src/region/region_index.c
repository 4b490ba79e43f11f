/* region_index.c -- the name search of GET /regions?q= (xj_region_search)
 * through an index instead of a scan of every name.
 *
 * The search is a plain substring anywhere in the name, which no B-tree
 * index of either backend answers, and every keystroke of the region
 * picker asks it.  So the first search of a process reads the regions
 * table once (region_store.c, in the table's search order: level, code)
 * and builds a character index: for every character, the rows whose name
 * has it, in search order.  A search walks the rows of the query's rarest
 * character only and keeps those whose name contains the whole query and
 * whose code lies in the subtree, until the limit.  The answer is the
 * table scan's, row for row.
 *
 * The regions table is written only by `xueji init` (the built-in
 * divisions, before any server runs); a name changed by hand with an SQL
 * tool shows in searches after the server restarts.  One index per
 * database path (a process serves one registry; tests open several),
 * built under a lock, read-only afterwards, kept for the process.  No
 * SQL here.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "core/util.h"
#include "region/region.h"
#include "region/region_int.h"

/* A region of the index: its strings in the index's arena. */
struct irow {
  uint32_t code, name, parent;  /* offsets into arena */
  int level;
};

/* One posting: character @cp occurs in the name of row @row. */
struct posting {
  uint32_t cp;
  uint32_t row;
};

struct index {
  struct index *next;  /* the index of another database path */
  char *path;
  struct irow *rows;   /* search order */
  size_t nrows, caprows;
  char *arena;
  size_t used, cap;
  struct posting *post;  /* sorted by (cp, row) */
  size_t npost, cappost;
};

static pthread_mutex_t index_lock = PTHREAD_MUTEX_INITIALIZER;
static struct index *indexes;

/* The code point starting at *@s (advanced past it); 0 at the end.
   Names and queries are valid UTF-8 (the handler checks the query). */
static uint32_t
next_cp (const char **s)
{
  const unsigned char *p = (const unsigned char *) *s;
  uint32_t c = *p++;
  int n = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;

  if (0 == c)
    return 0;
  if (n)
    c &= 0x3Fu >> n;
  for (; n > 0 && 0x80 == (*p & 0xC0); n--)
    c = (c << 6) | (*p++ & 0x3Fu);
  *s = (const char *) p;
  return c;
}

static uint32_t
keep (struct index *x, const char *s)
{
  size_t n = strlen (s) + 1;
  uint32_t at = (uint32_t) x->used;

  if (x->used + n > x->cap)
    {
      x->cap = x->cap ? 2 * x->cap : 1u << 20;
      while (x->used + n > x->cap)
        x->cap *= 2;
      x->arena = xj_realloc (x->arena, x->cap);
    }
  memcpy (x->arena + x->used, s, n);
  x->used += n;
  return at;
}

static void
post (struct index *x, uint32_t cp, uint32_t row)
{
  if (x->npost == x->cappost)
    {
      x->cappost = x->cappost ? 2 * x->cappost : 1u << 16;
      x->post = xj_realloc (x->post, x->cappost * sizeof *x->post);
    }
  x->post[x->npost++] = (struct posting) { cp, row };
}

/* One row of the table (in search order): kept, and a posting for each
   character of its name (repeats too; the walk skips nothing twice
   because a repeated character's postings are adjacent and equal). */
static int
add_row (void *cls, const struct xj_region *r)
{
  struct index *x = cls;
  uint32_t row = (uint32_t) x->nrows;
  const char *s = r->name;
  uint32_t cp;

  if (x->nrows == x->caprows)
    {
      x->caprows = x->caprows ? 2 * x->caprows : 1u << 16;
      x->rows = xj_realloc (x->rows, x->caprows * sizeof *x->rows);
    }
  x->rows[x->nrows++] = (struct irow) {
    keep (x, r->code), keep (x, r->name), keep (x, r->parent), r->level
  };
  while (0 != (cp = next_cp (&s)))
    post (x, cp, row);
  return 0;
}

static int
cmp_posting (const void *a, const void *b)
{
  const struct posting *p = a, *q = b;

  if (p->cp != q->cp)
    return p->cp < q->cp ? -1 : 1;
  return p->row < q->row ? -1 : p->row > q->row;
}

static void
index_free (struct index *x)
{
  free (x->path);
  free (x->rows);
  free (x->arena);
  free (x->post);
  free (x);
}

/* Build @db's index: one read of the table. */
static enum xj_err
build (struct xj_db *db, struct index **out)
{
  struct index *x = xj_calloc (1, sizeof *x);
  enum xj_err e = xj_region_each (db, &add_row, x);

  if (XJ_E_OK != e)
    {
      index_free (x);
      return e;
    }
  qsort (x->post, x->npost, sizeof *x->post, cmp_posting);
  x->path = xj_strdup (xj_db_path (db));
  *out = x;
  return XJ_E_OK;
}

/* @db's index, built on first use. */
static enum xj_err
index_of (struct xj_db *db, const struct index **out)
{
  const char *path = xj_db_path (db);
  struct index *x;
  enum xj_err e = XJ_E_OK;

  pthread_mutex_lock (&index_lock);
  for (x = indexes; x && 0 != strcmp (x->path, path); x = x->next)
    ;
  if (NULL == x && XJ_E_OK == (e = build (db, &x)))
    {
      x->next = indexes;
      indexes = x;
    }
  pthread_mutex_unlock (&index_lock);
  *out = x;
  return e;
}

/* The postings of @cp: *@n of them from the returned one. */
static const struct posting *
postings (const struct index *x, uint32_t cp, size_t *n)
{
  size_t lo = 0, hi = x->npost, end;

  while (lo < hi)
    {
      size_t mid = lo + (hi - lo) / 2;

      if (x->post[mid].cp < cp)
        lo = mid + 1;
      else
        hi = mid;
    }
  for (end = lo; end < x->npost && x->post[end].cp == cp; end++)
    ;
  *n = end - lo;
  return x->post + lo;
}

/* The postings of @q's rarest character (*@n of them; 0: no name has
   one of its characters). */
static const struct posting *
rarest (const struct index *x, const char *q, size_t *n)
{
  const struct posting *best = NULL;
  uint32_t cp;

  *n = 0;
  while (0 != (cp = next_cp (&q)))
    {
      size_t k;
      const struct posting *p = postings (x, cp, &k);

      if (0 == k)
        {
          *n = 0;
          return NULL;
        }
      if (NULL == best || k < *n)
        {
          best = p;
          *n = k;
        }
    }
  return best;
}

enum xj_err
xj_region_search (struct xj_db *db, const char *q, const char *within,
                  int limit, xj_region_cb cb, void *cls)
{
  const struct index *x;
  const struct posting *p;
  size_t n, wlen = within ? strlen (within) : 0;
  uint32_t last = UINT32_MAX;
  int found = 0;
  enum xj_err e;

  if (NULL == q || '\0' == *q || limit <= 0)
    return XJ_E_OK;
  if (XJ_E_OK != (e = index_of (db, &x)))
    return e;
  p = rarest (x, q, &n);
  for (size_t i = 0; i < n && found < limit; i++)
    {
      const struct irow *w = &x->rows[p[i].row];
      const char *code = x->arena + w->code;
      struct xj_region r;

      if (p[i].row == last)  /* the character twice in one name */
        continue;
      last = p[i].row;
      if (0 != strncmp (code, within ? within : "", wlen)
          || NULL == strstr (x->arena + w->name, q))
        continue;
      xj_strlcpy (r.code, code, sizeof r.code);
      xj_strlcpy (r.name, x->arena + w->name, sizeof r.name);
      xj_strlcpy (r.parent, x->arena + w->parent, sizeof r.parent);
      r.level = w->level;
      found++;
      if (0 != cb (cls, &r))
        break;
    }
  return XJ_E_OK;
}
