/* consolidate.c -- `xueji migrate`: the rules of consolidating one
 * county registry into a provincial database (consolidate.h); the SQL is
 * in consolidate_store.c.
 */
#include <jansson.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "consolidate/consolidate.h"
#include "consolidate/consolidate_store.h"
#include "core/util.h"
#include "student/identity.h"
#include "student/student.h"

/* Report lines of one transaction attempt, printed once it committed (a
   retried attempt starts again). */
struct lines {
  char *buf;
  size_t len, cap;
};

static void lines_add (struct lines *l, const char *fmt, ...)
  __attribute__ ((format (printf, 2, 3)));

static void
lines_add (struct lines *l, const char *fmt, ...)
{
  char one[1024];
  size_t n;
  va_list ap;

  va_start (ap, fmt);
  vsnprintf (one, sizeof one, fmt, ap);
  va_end (ap);
  n = strlen (one) + 1;
  if (l->len + n > l->cap)
    {
      size_t cap = l->cap ? l->cap * 2 : 4096;
      char *b;

      while (cap < l->len + n)
        cap *= 2;
      if (NULL == (b = realloc (l->buf, cap)))
        return;
      l->buf = b;
      l->cap = cap;
    }
  memcpy (l->buf + l->len, one, n);
  l->len += n;
}

static void
lines_emit (const struct lines *l, const struct xj_cons_opts *o)
{
  for (size_t at = 0; at < l->len; at += strlen (l->buf + at) + 1)
    o->line (o->cls, l->buf + at);
}

struct run {
  const struct xj_cons_opts *o;
  struct xj_cons_result *res;
  struct xj_cons_copy copy;
  struct lines lines;
  int64_t *skip;        /* conflicting source students, ascending */
  size_t nskip, cskip;
};

/* ---- the per-row hooks of consolidate_store.c ---- */

/* A county's administrator becomes a bureau user of that county: in a
   provincial database "admin" is the whole installation's.  A user name
   the target has already is renamed NAME@COUNTY. */
enum xj_err
xj_cons_fix_user (struct xj_cons_copy *c, int64_t src_id,
                  struct xj_db_param *p)
{
  const char *name = p[0].p;
  bool taken;
  enum xj_err e;

  (void) src_id;
  if (XJ_DB_TEXT == p[3].t && 0 == strcmp (p[3].p, "admin"))
    {
      p[3] = XJ_DB_S ("bureau");
      p[4] = XJ_DB_S (c->county);
      p[5] = XJ_DB_NUL;
      xj_snprintf (c->detail, sizeof c->detail,
                   "用户 %s：县管理员改为本县教育局用户（%s）"
                   " / administrator made a bureau user of county %s",
                   name, c->county, c->county);
      c->note (c->note_cls, c->detail);
    }
  if (XJ_E_OK != (e = xj_cons_user_exists (c->dst, name, &taken)) || ! taken)
    return e;
  xj_snprintf (c->username, sizeof c->username, "%s@%s", name, c->county);
  if (XJ_E_OK != (e = xj_cons_user_exists (c->dst, c->username, &taken)))
    return e;
  if (taken)
    {
      xj_strlcpy (c->detail, c->username, sizeof c->detail);
      return XJ_E_MIGRATE_USER_NAME;
    }
  xj_snprintf (c->detail, sizeof c->detail,
               "用户 %s：目标库已有同名用户，改名为 %s / renamed %s",
               name, c->username, c->username);
  c->note (c->note_cls, c->detail);
  p[0] = XJ_DB_S (c->username);
  return XJ_E_OK;
}

static int
cmp_id (const void *a, const void *b)
{
  int64_t x = *(const int64_t *) a, y = *(const int64_t *) b;

  return (x > y) - (x < y);
}

/* A student in conflict is left out, and with it every row naming it. */
enum xj_err
xj_cons_fix_student (struct xj_cons_copy *c, int64_t src_id,
                     struct xj_db_param *p)
{
  (void) p;
  if (c->nskip && bsearch (&src_id, c->skip, c->nskip, sizeof src_id,
                           &cmp_id))
    return XJ_E_NOT_FOUND;
  return XJ_E_OK;
}

/* ---- before the copy ---- */

/* The source's own chain, under its key when the key is at hand. */
static enum xj_err
verify_source (struct xj_db *src, struct xj_cons_result *res)
{
  struct xj_audit_key k;
  struct xj_audit_report rep;
  enum xj_err e = xj_audit_key_get (src, &k);
  bool keyed = XJ_E_OK == e;

  if (! keyed && XJ_E_NOT_FOUND != e)
    return e;
  e = xj_audit_verify_full (src, keyed ? &k : NULL, NULL, 0, &rep);
  sodium_memzero (&k, sizeof k);
  if (XJ_E_OK != e)
    {
      xj_strlcpy (res->detail, rep.detail, sizeof res->detail);
      return XJ_E_MIGRATE_SOURCE_AUDIT;
    }
  return XJ_E_OK;
}

struct counties {
  char first[16];
  int n;
};

static void
county_cb (void *cls, const char *code)
{
  struct counties *c = cls;

  if (0 == c->n++)
    xj_strlcpy (c->first, code, sizeof c->first);
}

static enum xj_err
source_county (struct xj_db *src, struct xj_cons_result *res)
{
  struct counties c = { "", 0 };
  enum xj_err e = xj_cons_src_counties (src, &county_cb, &c);

  if (XJ_E_OK != e)
    return e;
  if (1 != c.n)
    {
      xj_snprintf (res->detail, sizeof res->detail,
                   "%d counties among the source's schools", c.n);
      return XJ_E_MIGRATE_COUNTY;
    }
  xj_strlcpy (res->county, c.first, sizeof res->county);
  return XJ_E_OK;
}

static void
setting_cb (void *cls, const char *key, const char *sv, const char *dv)
{
  const struct xj_cons_opts *o = cls;
  char text[2048];

  xj_snprintf (text, sizeof text,
               "设置 %s：源库为 %s，目标库为 %s，保留目标库的值"
               " / setting kept as in the target", key, sv,
               dv ? dv : "（未设置 / unset）");
  o->line (o->cls, text);
}

/* ---- inside the target's transaction ---- */

/* The name as lists show it: the first character, then one * for each
   further character. */
static void
mask_name (const char *in, char *out, size_t size)
{
  size_t n = 0, i = 0;

  while (in[i] && n + 4 < size)
    {
      size_t len = 1;

      while (in[i + len] && 0x80 == ((unsigned char) in[i + len] & 0xC0))
        len++;
      if (0 == i)
        memcpy (out, in, len), n = len;
      else
        out[n++] = '*';
      i += len;
    }
  out[n] = '\0';
}

static void
conflict_cb (void *cls, const struct xj_cons_conflict *k)
{
  struct run *r = cls;
  char name[64], id_no[64], reg[64];

  if (r->nskip == r->cskip)
    {
      size_t n = r->cskip ? 2 * r->cskip : 64;
      int64_t *v = realloc (r->skip, n * sizeof *v);

      if (NULL == v)
        return;
      r->skip = v;
      r->cskip = n;
    }
  r->skip[r->nskip++] = k->src_id;
  mask_name (k->name, name, sizeof name);
  xj_mask (XJ_MASK_ID, k->id_no, id_no, sizeof id_no);
  xj_mask (XJ_MASK_REGISTRY_NO, k->registry_no, reg, sizeof reg);
  lines_add (&r->lines,
             "冲突 / conflict：学生 %s（身份证件号 %s，学籍号 %s），源学校 %s"
             "（%s）；目标库中已在 %s（%s，县 %s）有学籍，%s",
             name, *id_no ? id_no : "-", reg, k->src_school_name,
             k->src_school_code, k->dst_school_name, k->dst_school_code,
             k->dst_county, r->o->skip_conflicts
             ? "未合并该生 / left out" : "未合并 / not copied");
}

static void
note_cb (void *cls, const char *text)
{
  lines_add (cls, "%s", text);
}

static enum xj_err
copy_tables (struct run *r)
{
  struct xj_cons_copy *c = &r->copy;
  const char *name;
  enum xj_err e;

  for (size_t i = 0; NULL != (name = xj_cons_table_name (i)); i++)
    {
      if (XJ_E_OK != (e = xj_cons_copy_table (c, i)))
        return e;
      if (0 == strcmp (name, "students"))
        r->res->students = c->copied;
      if (c->copied || c->left_out || c->reused)
        lines_add (&r->lines, "%-24s copied %lld, already there %lld,"
                   " left out %lld", name, (long long) c->copied,
                   (long long) c->reused, (long long) c->left_out);
    }
  return XJ_E_OK;
}

/* The entity id of a copied audit entry in the target's ids, when it
   names a row the copy remapped; otherwise as it was. */
static const char *
audit_entity_id (const struct run *r, const char *entity, const char *id,
                 char buf[32])
{
  static const struct {
    const char *entity;
    enum xj_cons_map map;
  } m[] = {
    { "student", XJ_CM_STUDENT }, { "school", XJ_CM_SCHOOL },
    { "change", XJ_CM_CHANGE }, { "allocation", XJ_CM_ALLOC },
    { "dropout_case", XJ_CM_DROPOUT },
  };
  char *end;
  long long v;
  int64_t to;

  if ('\0' == *id)
    return id;
  v = strtoll (id, &end, 10);
  if ('\0' != *end)
    return id;
  for (size_t i = 0; i < sizeof m / sizeof m[0]; i++)
    if (0 == strcmp (entity, m[i].entity)
        && 0 != (to = xj_cons_map_get (&r->copy.maps, m[i].map, v)))
      {
        xj_snprintf (buf, 32, "%lld", (long long) to);
        return buf;
      }
  return id;
}

static enum xj_err
audit_copy_cb (void *cls, const struct xj_cons_audit_row *a)
{
  struct run *r = cls;
  char idbuf[32];
  struct xj_actor who = {
    .user_id = xj_cons_map_get (&r->copy.maps, XJ_CM_USER, a->user_id),
    .username = a->username, .ip = a->ip
  };

  r->res->entries++;
  return xj_audit_append_at (r->copy.dst, &who, a->at, a->action, a->entity,
                             audit_entity_id (r, a->entity, a->entity_id,
                                              idbuf), a->before, a->after);
}

/* The entry for the consolidation itself, after the copied ones. */
static enum xj_err
audit_consolidation (struct run *r)
{
  struct xj_cons_result *res = r->res;
  json_t *j = json_pack ("{s:s, s:s, s:s, s:I, s:I, s:I}",
                         "source", r->o->source_path,
                         "source_id", res->source_id,
                         "source_head", res->source_head,
                         "entries", (json_int_t) res->entries,
                         "students", (json_int_t) res->students,
                         "skipped", (json_int_t) res->skipped);
  char *text = j ? json_dumps (j, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
  enum xj_err e = XJ_E_INTERNAL;

  json_decref (j);
  if (text)
    e = xj_audit_append (r->copy.dst, r->o->actor, "county.consolidate",
                         "county", res->county, NULL, text);
  free (text);
  return e;
}

static enum xj_err
record (struct run *r)
{
  struct xj_cons_result *res = r->res;
  struct xj_cons_record rec = {
    .entries = res->entries, .students = res->students,
    .skipped = res->skipped
  };

  xj_strlcpy (rec.source_id, res->source_id, sizeof rec.source_id);
  xj_strlcpy (rec.county, res->county, sizeof rec.county);
  xj_strlcpy (rec.source_path, r->o->source_path, sizeof rec.source_path);
  xj_strlcpy (rec.source_head, res->source_head, sizeof rec.source_head);
  xj_strlcpy (rec.at, res->at, sizeof rec.at);
  xj_strlcpy (rec.actor, r->o->actor->username, sizeof rec.actor);
  return xj_cons_record_put (r->copy.dst, &rec);
}

/* Start an attempt afresh: the runner may run the callback again. */
static void
attempt_reset (struct run *r)
{
  xj_cons_maps_free (&r->copy.maps);
  r->lines.len = 0;
  r->nskip = 0;
  r->res->entries = r->res->students = r->res->skipped = 0;
  r->res->conflicts = 0;
}

static enum xj_err
already_done (struct run *r, bool *done)
{
  struct xj_cons_record rec;
  enum xj_err e = xj_cons_record_get (r->copy.dst, r->res->source_id, &rec);

  *done = XJ_E_OK == e;
  if (XJ_E_NOT_FOUND == e)
    return XJ_E_OK;
  if (*done)
    {
      r->res->already = true;
      xj_strlcpy (r->res->at, rec.at, sizeof r->res->at);
      r->res->students = rec.students;
      r->res->entries = rec.entries;
      r->res->skipped = rec.skipped;
    }
  return e;
}

/* Drop repeats from the sorted @v; its new length. */
static size_t
unique_ids (int64_t *v, size_t n)
{
  size_t k = 0;

  for (size_t i = 0; i < n; i++)
    if (0 == k || v[k - 1] != v[i])
      v[k++] = v[i];
  return k;
}

static enum xj_err
conflicts (struct run *r)
{
  enum xj_err e = xj_cons_conflicts (r->copy.src, r->copy.dst, &conflict_cb,
                                     r);

  if (XJ_E_OK != e)
    return e;
  qsort (r->skip, r->nskip, sizeof *r->skip, &cmp_id);
  r->nskip = unique_ids (r->skip, r->nskip);
  r->res->conflicts = (int64_t) r->nskip;
  if (r->nskip && ! r->o->skip_conflicts)
    {
      xj_snprintf (r->res->detail, sizeof r->res->detail,
                   "%zu students", r->nskip);
      return XJ_E_MIGRATE_CONFLICTS;
    }
  r->copy.skip = r->skip;
  r->copy.nskip = r->nskip;
  r->res->skipped = (int64_t) r->nskip;
  return XJ_E_OK;
}

static enum xj_err
txn_cb (struct xj_db *dst, void *cls)
{
  struct run *r = cls;
  bool done;
  enum xj_err e;

  (void) dst;
  attempt_reset (r);
  if (XJ_E_OK != (e = already_done (r, &done)) || done)
    return e;
  if (XJ_E_OK != (e = conflicts (r)))
    return e;
  xj_now_iso (r->res->at);
  if (XJ_E_OK != (e = copy_tables (r)))
    {
      xj_strlcpy (r->res->detail, r->copy.detail, sizeof r->res->detail);
      return e;
    }
  if (XJ_E_OK != (e = xj_cons_audit_each (r->copy.src, &audit_copy_cb, r)))
    return e;
  if (XJ_E_OK != (e = audit_consolidation (r)))
    return e;
  return record (r);
}

/* After the commit: the target's whole chain, under its key. */
static enum xj_err
verify_target (struct xj_db *dst, struct xj_cons_result *res)
{
  struct xj_audit_key k;
  enum xj_err e = xj_audit_key_get (dst, &k);
  bool keyed = XJ_E_OK == e;

  if (! keyed && XJ_E_NOT_FOUND != e)
    return e;
  e = xj_audit_verify_full (dst, keyed ? &k : NULL, NULL, 0, &res->target);
  sodium_memzero (&k, sizeof k);
  if (XJ_E_OK != e)
    xj_strlcpy (res->detail, res->target.detail, sizeof res->detail);
  return e;
}

static enum xj_err
source_checks (struct xj_db *src, struct xj_db *dst,
               const struct xj_cons_opts *o, struct xj_cons_result *res)
{
  enum xj_err e = verify_source (src, res);

  if (XJ_E_OK == e)
    {
      e = xj_cons_src_identity (src, res->source_id, res->source_head,
                                &res->entries);
      if (XJ_E_NOT_FOUND == e)
        e = XJ_E_MIGRATE_NO_AUDIT;
    }
  if (XJ_E_OK == e)
    e = source_county (src, res);
  if (XJ_E_OK == e)
    e = xj_cons_settings_diff (src, dst, &setting_cb, (void *) o);
  return e;
}

/* The whole run reads one snapshot of the source. */
static enum xj_err
source_txn_cb (struct xj_db *src, void *cls)
{
  struct run *r = cls;
  enum xj_err e;

  memset (r->res, 0, sizeof *r->res);
  if (XJ_E_OK != (e = source_checks (src, r->copy.dst, r->o, r->res)))
    return e;
  xj_strlcpy (r->copy.county, r->res->county, sizeof r->copy.county);
  return xj_db_txn_run (r->copy.dst, "migrate", true, &txn_cb, r);
}

enum xj_err
xj_consolidate (struct xj_db *src, struct xj_db *dst,
                const struct xj_cons_opts *o, struct xj_cons_result *res)
{
  struct run r = { .o = o, .res = res };
  enum xj_err e;

  /* a county file no server has started since migration 0018 has its
     guardian IDs still to fill from the records: fill them before they
     are copied (the target, new or not, has no backfill of its own to
     do: migration 0045) */
  memset (res, 0, sizeof *res);
  if (XJ_E_OK != (e = xj_identity_guardian_backfill (src)))
    {
      xj_snprintf (res->detail, sizeof res->detail,
                   "filling the source's guardian IDs");
      return e;
    }
  r.copy.src = src;
  r.copy.dst = dst;
  r.copy.note = &note_cb;
  r.copy.note_cls = &r.lines;
  e = xj_db_txn_run (src, "migrate.source", false, &source_txn_cb, &r);
  lines_emit (&r.lines, o);
  if (XJ_E_OK == e && ! res->already)
    e = verify_target (dst, res);
  xj_cons_maps_free (&r.copy.maps);
  free (r.lines.buf);
  free (r.skip);
  return e;
}
