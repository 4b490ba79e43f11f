/* class_size_track.c -- the import's running class counts: the rule of
 * xj_cs_decide on every row without a count query per row (a file of a
 * million rows names a few thousand classes).  See class_size.h.
 */
#include <stdlib.h>
#include <string.h>
#include "core/util.h"
#include "klass/class_size.h"
#include "school/school.h"

struct slot {
  int64_t class_id;   /* 0 = empty */
  int64_t n;          /* 在读 students, this file's rows included */
};

struct xj_cs_tracker {
  struct xj_db *db;
  struct slot *v;     /* open addressing, power of two */
  size_t cap, used;
  bool preloaded;     /* a class not in the table has no student */
  char county[8];     /* the settings of the last county asked */
  struct xj_cs_settings set;
  bool have_set;
  struct xj_db_bulk *moves;  /* warned moves, begun at the first */
};

static struct slot *
slot_of (struct xj_cs_tracker *t, int64_t class_id, bool add)
{
  size_t i = (size_t) ((uint64_t) class_id * 0x9E3779B97F4A7C15u) & (t->cap - 1);

  while (t->v[i].class_id && t->v[i].class_id != class_id)
    i = (i + 1) & (t->cap - 1);
  if (t->v[i].class_id || ! add)
    return t->v[i].class_id ? &t->v[i] : NULL;
  if (2 * (t->used + 1) > t->cap)
    {
      struct slot *old = t->v;
      size_t oc = t->cap;

      t->cap *= 2;
      t->v = xj_calloc (t->cap, sizeof *t->v);
      t->used = 0;
      for (size_t k = 0; k < oc; k++)
        if (old[k].class_id)
          *slot_of (t, old[k].class_id, true) = old[k];
      free (old);
      return slot_of (t, class_id, true);
    }
  t->used++;
  t->v[i].class_id = class_id;
  return &t->v[i];
}

struct xj_cs_tracker *
xj_cs_tracker_new (struct xj_db *db)
{
  struct xj_cs_tracker *t = xj_calloc (1, sizeof *t);

  t->db = db;
  t->cap = 1024;
  t->v = xj_calloc (t->cap, sizeof *t->v);
  return t;
}

void
xj_cs_tracker_free (struct xj_cs_tracker *t)
{
  if (NULL == t)
    return;
  free (t->v);
  free (t);
}

static void
preload_cb (void *cls, int64_t class_id, int64_t n)
{
  slot_of (cls, class_id, true)->n = n;
}

enum xj_err
xj_cs_tracker_preload (struct xj_cs_tracker *t)
{
  enum xj_err e = xj_cs_counts_current (t->db, &preload_cb, t);

  t->preloaded = XJ_E_OK == e;
  return e;
}

enum xj_err
xj_cs_tracker_check (struct xj_cs_tracker *t, int64_t class_id,
                     int64_t school_id, const char *county,
                     const char *grade, const char *class_name,
                     struct xj_cs_warn *w)
{
  struct slot *s = slot_of (t, class_id, false);
  enum xj_err e;

  if (NULL == s)
    {
      int64_t n = 0;

      if (! t->preloaded
          && XJ_E_OK != (e = xj_cs_class_count (t->db, class_id, &n)))
        return e;
      s = slot_of (t, class_id, true);
      s->n = n;
    }
  if (! t->have_set || 0 != strcmp (t->county, county))
    {
      if (XJ_E_OK != (e = xj_cs_settings_get (t->db, county, &t->set)))
        return e;
      xj_strlcpy (t->county, county, sizeof t->county);
      t->have_set = true;
    }
  memset (w, 0, sizeof *w);
  w->class_id = class_id;
  w->school_id = school_id;
  w->province = xj_county_province (county);
  xj_strlcpy (w->class_name, class_name, sizeof w->class_name);
  return xj_cs_decide (&t->set, grade, s->n + 1, w);
}

enum xj_err
xj_cs_tracker_commit (struct xj_cs_tracker *t, const struct xj_cs_warn *w,
                      int64_t student_id, const struct xj_actor *a)
{
  struct slot *s = slot_of (t, w->class_id, true);

  s->n++;
  if (! w->set)
    return XJ_E_OK;
  if (NULL == t->moves)
    t->moves = xj_cs_move_bulk_begin (t->db);
  return xj_cs_move_record (t->db, t->moves, w, student_id, "import", a);
}

enum xj_err
xj_cs_tracker_end (struct xj_cs_tracker *t)
{
  enum xj_qs qs = NULL != t ? xj_db_bulk_end (t->moves) : XJ_QS_NONE;

  if (NULL != t)
    t->moves = NULL;
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}
