/* display_store.c -- readable companions of stored before/after JSON:
 * field lists and the names behind school and class ids, for the
 * timeline, change requests and the audit log (docs/internals/display.md).
 * Never writes, never changes the stored JSON's meaning: it only adds
 * "changes" beside "before"/"after" (and masks nested objects the
 * top-level mask did not reach).  Names come from one batched lookup per
 * kind of id for a whole answer, never one query per row.
 */
#include <stdio.h>
#include <string.h>
#include "core/util.h"
#include "student/display.h"
#include "student/student_json.h"

/* Up to DISP_N ids per query, unused slots NULL (portable: no JSON
   table functions in SQL, docs/db.md "Portable SQL"). */
#define DISP_N 16
#define DISP_IDS "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13," \
                 " $14, $15, $16"

XJ_DB_STMT (st_disp_schools,
            "SELECT id, name, county_code FROM schools"
            " WHERE id IN (" DISP_IDS ")")
XJ_DB_STMT (st_disp_classes,
            "SELECT c.id, c.name, sc.id, sc.county_code FROM classes c"
            " JOIN schools sc ON sc.id = c.school_id"
            " WHERE c.id IN (" DISP_IDS ")")
XJ_DB_STMT (st_disp_students,
            "SELECT id, name FROM students"
            " WHERE id IN (" DISP_IDS ")")
XJ_DB_STMT (st_disp_users,
            "SELECT username, display_name FROM users"
            " WHERE username IN (" DISP_IDS ")")
XJ_DB_STMT (st_disp_requests,
            "SELECT r.id, st.name FROM change_requests r"
            " JOIN students st ON st.id = r.student_id"
            " WHERE r.id IN (" DISP_IDS ")")

/* Keys that are bookkeeping, not content: left out of "changes".  Names
   stored beside ids (class_name) come back as *_text of the id. */
static const char *const skip_keys[] = {
  "version", "updated_at", "created_at", "request_id", "seq", "steps",
  "class_name", "school_name", "id", "student_id", "at", NULL
};

/* Nested objects whose keys are the record's own (a request's payload,
   the new values of an information change): flattened into the parent. */
static bool
inline_key (const char *k)
{
  return 0 == strcmp (k, "payload") || 0 == strcmp (k, "changes");
}

static bool
skipped (const char *k)
{
  for (const char *const *s = skip_keys; *s; s++)
    if (0 == strcmp (k, *s))
      return true;
  return false;
}

static bool
ends_with (const char *s, const char *suffix)
{
  size_t n = strlen (s), m = strlen (suffix);

  return n >= m && 0 == strcmp (s + n - m, suffix);
}

/* Copy the leaves of @src into @dst under @prefix (masking nested
   objects on the way).  Depth is bounded by the stored JSON, which the
   server wrote. */
static void
flatten (json_t *src, const char *prefix, json_t *dst)
{
  const char *k;
  json_t *v;
  char key[128];

  if (! json_is_object (src))
    return;
  json_object_foreach (src, k, v)
    {
      if (skipped (k))
        continue;
      if (json_is_object (v))
        {
          xj_student_mask_json (v);
          if (inline_key (k))
            xj_strlcpy (key, prefix, sizeof key);
          else
            xj_snprintf (key, sizeof key, "%s%s.", prefix, k);
          flatten (v, key, dst);
          continue;
        }
      xj_snprintf (key, sizeof key, "%s%s", prefix, k);
      json_object_set (dst, key, v);
    }
}

/* The ids an answer names: "school" and "class" arrays of distinct ids. */
struct wanted {
  json_t *schools, *classes;
};

static void
want (struct wanted *w, const char *field, json_t *v)
{
  json_t *to;
  size_t i;
  json_t *x;

  if (! json_is_integer (v))
    return;
  if (ends_with (field, "school_id"))
    to = w->schools;
  else if (ends_with (field, "class_id"))
    to = w->classes;
  else
    return;
  json_array_foreach (to, i, x)
    if (json_integer_value (x) == json_integer_value (v))
      return;
  json_array_append (to, v);
}

static void
add_entry (json_t *changes, struct wanted *w, const char *k, json_t *b,
           json_t *a)
{
  json_t *e;

  if (b && a && json_equal (b, a))
    return;
  e = json_pack ("{s:s}", "field", k);
  if (b)
    {
      json_object_set (e, "before", b);
      want (w, k, b);
    }
  if (a)
    {
      json_object_set (e, "after", a);
      want (w, k, a);
    }
  json_array_append_new (changes, e);
}

/* The "changes" of one item: keys of before in order, then keys only in
   after. */
static json_t *
item_changes (json_t *item, struct wanted *w)
{
  json_t *fb = json_object (), *fa = json_object ();
  json_t *changes = json_array ();
  const char *k;
  json_t *v;

  flatten (json_object_get (item, "before"), "", fb);
  flatten (json_object_get (item, "after"), "", fa);
  json_object_foreach (fb, k, v)
    add_entry (changes, w, k, v, json_object_get (fa, k));
  json_object_foreach (fa, k, v)
    if (! json_object_get (fb, k))
      add_entry (changes, w, k, NULL, v);
  json_decref (fb);
  json_decref (fa);
  return changes;
}

struct names {
  const struct xj_user *u;
  json_t *map; /* id as text -> name */
  json_t *hidden; /* classes only: id as text -> school id, for the
                     classes the caller may not see (NULL: not kept) */
};

static void
id_key (int64_t id, char *buf, size_t size)
{
  xj_snprintf (buf, size, "%lld", (long long) id);
}

/* id, name: the name kept under the id (schools, students, requests) */
static int
school_row (void *cls, const struct xj_db_row *r)
{
  struct names *n = cls;
  char k[24];

  id_key (xj_db_int (r, 0), k, sizeof k);
  json_object_set_new (n->map, k, json_string (xj_db_text (r, 1)));
  return 0;
}

/* A class is named only where its school is in the caller's scope. */
static int
class_row (void *cls, const struct xj_db_row *r)
{
  struct names *n = cls;
  char k[24];

  id_key (xj_db_int (r, 0), k, sizeof k);
  if (! xj_scope_school (n->u, xj_db_int (r, 2), xj_db_text (r, 3)))
    json_object_set_new (n->hidden, k, json_integer (xj_db_int (r, 2)));
  else
    json_object_set_new (n->map, k, json_string (xj_db_text (r, 1)));
  return 0;
}

static enum xj_err
lookup (struct xj_db *db, struct xj_db_stmt *st, json_t *ids,
        xj_db_row_cb cb, struct names *n)
{
  size_t total = json_array_size (ids);

  for (size_t at = 0; at < total; at += DISP_N)
    {
      struct xj_db_param p[DISP_N + 1];
      enum xj_qs qs;

      for (size_t i = 0; i < DISP_N; i++)
        {
          json_t *v = json_array_get (ids, at + i);

          if (json_is_integer (v))
            p[i] = XJ_DB_I (json_integer_value (v));
          else if (json_is_string (v))
            p[i] = XJ_DB_S (json_string_value (v));
          else
            p[i] = XJ_DB_NUL;
        }
      p[DISP_N] = XJ_DB_END;
      qs = xj_db_q (db, st, p, cb, n);
      if (qs < 0)
        return xj_db_qs_err (qs);
    }
  return XJ_E_OK;
}

static void
name_side (json_t *e, const char *side, const char *text_key,
           json_t *schools, json_t *classes)
{
  const char *field = json_string_value (json_object_get (e, "field"));
  json_t *v = json_object_get (e, side);
  json_t *map, *name;
  char k[24];

  if (! json_is_integer (v))
    return;
  map = ends_with (field, "school_id") ? schools
        : ends_with (field, "class_id") ? classes : NULL;
  if (! map)
    return;
  id_key (json_integer_value (v), k, sizeof k);
  name = json_object_get (map, k);
  if (name)
    json_object_set (e, text_key, name);
}

/* The school id of unnamed class @v (an entry's side) in @hidden, or 0
   when @v is no class hidden from the caller. */
static json_int_t
hidden_school (json_t *hidden, json_t *v)
{
  char k[24];

  if (! json_is_integer (v))
    return 0;
  id_key (json_integer_value (v), k, sizeof k);
  return json_integer_value (json_object_get (hidden, k));
}

/* A class move inside one school the caller may not see (a 调班 at a
   student's former school): both sides unnamed, so instead of two "a
   class of another school" the entry says so once, "other_school_move":
   true (the screen: 在其他学校调班). */
static void
mark_hidden_move (json_t *e, json_t *hidden)
{
  const char *field = json_string_value (json_object_get (e, "field"));
  json_int_t b, a;

  if (! ends_with (field, "class_id"))
    return;
  b = hidden_school (hidden, json_object_get (e, "before"));
  a = hidden_school (hidden, json_object_get (e, "after"));
  if (b && b == a)
    json_object_set_new (e, "other_school_move", json_true ());
}

enum xj_err
xj_display_changes (struct xj_db *db, const struct xj_user *u,
                    json_t *items)
{
  struct wanted w = { json_array (), json_array () };
  struct names ns = { u, json_object (), NULL };
  struct names nc = { u, json_object (), json_object () };
  size_t i, j;
  json_t *item, *e;
  enum xj_err err;

  json_array_foreach (items, i, item)
    json_object_set_new (item, "changes", item_changes (item, &w));
  err = lookup (db, &st_disp_schools, w.schools, &school_row, &ns);
  if (XJ_E_OK == err)
    err = lookup (db, &st_disp_classes, w.classes, &class_row, &nc);
  if (XJ_E_OK == err)
    json_array_foreach (items, i, item)
      json_array_foreach (json_object_get (item, "changes"), j, e)
        {
          name_side (e, "before", "before_text", ns.map, nc.map);
          name_side (e, "after", "after_text", ns.map, nc.map);
          mark_hidden_move (e, nc.hidden);
        }
  json_decref (w.schools);
  json_decref (w.classes);
  json_decref (ns.map);
  json_decref (nc.map);
  json_decref (nc.hidden);
  return err;
}

/* ---- audit entries: what the entity id stands for ---- */

struct entity_kind {
  const char *entity;
  struct xj_db_stmt *st;
  xj_db_row_cb cb;
};

/* The ids of entries of @kind: integers (entity_id is text), or the
   text itself for users (named by user name). */
static json_t *
entity_ids (json_t *items, const char *kind)
{
  json_t *ids = json_array (), *item;
  size_t i;
  int64_t id;
  const char *eid;

  json_array_foreach (items, i, item)
    {
      if (0 != strcmp (kind,
                       json_string_value (json_object_get (item, "entity"))))
        continue;
      eid = json_string_value (json_object_get (item, "entity_id"));
      if (0 == strcmp (kind, "user"))
        json_array_append_new (ids, json_string (eid ? eid : ""));
      else if (xj_parse_i64 (eid, &id))
        json_array_append_new (ids, json_integer ((json_int_t) id));
    }
  return ids;
}

/* username, display name */
static int
user_row (void *cls, const struct xj_db_row *r)
{
  struct names *n = cls;

  json_object_set_new (n->map, xj_db_text (r, 0),
                       json_string (xj_db_text (r, 1)));
  return 0;
}

static void
set_entity_names (json_t *items, const char *kind, json_t *map)
{
  json_t *item, *name;
  size_t i;

  json_array_foreach (items, i, item)
    if (0 == strcmp (kind, json_string_value (json_object_get (item, "entity")))
        && (name = json_object_get (
              map, json_string_value (json_object_get (item, "entity_id")))))
      json_object_set (item, "entity_name", name);
}

enum xj_err
xj_display_entities (struct xj_db *db, const struct xj_user *u,
                     json_t *items)
{
  const struct entity_kind kinds[] = {
    { "student", &st_disp_students, &school_row },
    { "change", &st_disp_requests, &school_row },
    { "school", &st_disp_schools, &school_row },
    { "user", &st_disp_users, &user_row },
  };
  enum xj_err err = XJ_E_OK;

  for (size_t k = 0; XJ_E_OK == err && k < sizeof kinds / sizeof *kinds; k++)
    {
      struct names n = { u, json_object (), NULL };
      json_t *ids = entity_ids (items, kinds[k].entity);

      err = lookup (db, kinds[k].st, ids, kinds[k].cb, &n);
      if (XJ_E_OK == err)
        set_entity_names (items, kinds[k].entity, n.map);
      json_decref (ids);
      json_decref (n.map);
    }
  return err;
}
