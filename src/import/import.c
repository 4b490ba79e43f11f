/* import.c -- the student import pipeline: file -> rows -> records ->
 * validation -> one write transaction.  See docs/internals/import.md.
 *
 * Everything happens inside ONE xj_db_txn_run callback, which opens the
 * file itself so that a retried transaction starts from a clean slate.
 * The callback never prints or replies; progress goes to the caller's
 * hook, which only records numbers.  Memory is bounded by design: a row
 * lives only while it is processed; what stays is a hash set of the ID
 * numbers seen (for duplicates in the file and, in bulk mode, the
 * registry's IDs), small caches of schools and classes, and the error
 * list (text for the first XJ_IMPORT_ERR_TEXT_MAX, counts beyond).
 */
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>
#include "core/sha256.h"
#include "core/util.h"
#include "import/import_int.h"
#include "klass/klass.h"
#include "school/school.h"
#include "student/identity.h"
#include "student/student_columns.h"
#include "student/student_store.h"
#include "student/student_pack.h"
#include "validate/codes.h"
#include "user/reveal.h"
#include "validate/validate.h"

/* ---------------------------------------------------------------- hashing */

static uint64_t
fnv1a (const char *s, size_t n)
{
  uint64_t h = 1469598103934665603ULL;

  for (size_t i = 0; i < n; i++)
    {
      h ^= (unsigned char) s[i];
      h *= 1099511628211ULL;
    }
  return h ? h : 1;
}

/* A string -> (row, id) hash set with its keys in one growing arena.
   The table holds 8-byte slots (32 bits of the hash, entry number + 1);
   the entries (16 bytes) and the keys grow by appending.  For a million
   ID numbers: 16 MB of slots, 16 MB of entries, ~21 MB of keys (it was
   24-byte slots, ~70 MB; docs/internals/import.md). */
struct sslot {     /* an entry */
  uint32_t off;    /* key offset in the arena (NUL-terminated) */
  uint32_t row;    /* file row of the first occurrence; 0 = registry */
  int64_t val;     /* registry: holder school id; else 0 */
};

struct sset_slot {
  uint32_t tag;    /* hash >> 32 */
  uint32_t ent;    /* entry number + 1; 0 = empty */
};

struct sset {
  struct sset_slot *slots;
  size_t cap, n;
  struct sslot *ents;
  size_t capents;
  struct xj_buf arena;
};

static void
sset_init (struct sset *s)
{
  memset (s, 0, sizeof *s);
  xj_buf_init (&s->arena, 0);
}

static void
sset_fini (struct sset *s)
{
  free (s->slots);
  free (s->ents);
  xj_buf_fini (&s->arena);
  memset (s, 0, sizeof *s);
}

static struct sslot *
sset_find (struct sset *s, const char *k, size_t n, uint64_t h)
{
  uint32_t tag = (uint32_t) (h >> 32);
  size_t i;

  if (0 == s->cap)
    return NULL;
  i = (size_t) h & (s->cap - 1);
  for (;;)
    {
      struct sset_slot *sl = &s->slots[i];

      if (0 == sl->ent)
        return NULL;
      if (sl->tag == tag)
        {
          struct sslot *e = &s->ents[sl->ent - 1];

          if (0 == memcmp (s->arena.data + e->off, k, n)
              && '\0' == s->arena.data[e->off + n])
            return e;
        }
      i = (i + 1) & (s->cap - 1);
    }
}

static void
sset_grow (struct sset *s)
{
  size_t ncap = s->cap ? s->cap * 2 : 1024;
  struct sset_slot *nv = xj_calloc (ncap, sizeof *nv);

  /* re-place by the keys' hashes (the slots keep only 32 bits) */
  for (size_t e = 0; e < s->n; e++)
    {
      const char *k = s->arena.data + s->ents[e].off;
      uint64_t h = fnv1a (k, strlen (k));
      size_t j = (size_t) h & (ncap - 1);

      while (nv[j].ent)
        j = (j + 1) & (ncap - 1);
      nv[j] = (struct sset_slot) { (uint32_t) (h >> 32), (uint32_t) e + 1 };
    }
  free (s->slots);
  s->slots = nv;
  s->cap = ncap;
}

/* Insert (key must not be present). */
static void
sset_add (struct sset *s, const char *k, size_t n, uint64_t h, uint32_t row,
          int64_t val)
{
  size_t i;
  size_t off;

  if ((s->n + 1) * 10 >= s->cap * 7)
    sset_grow (s);
  if (s->n == s->capents)
    {
      s->capents = s->capents ? s->capents * 2 : 1024;
      s->ents = xj_realloc (s->ents, s->capents * sizeof *s->ents);
    }
  off = s->arena.len;
  xj_buf_append (&s->arena, k, n);
  xj_buf_append (&s->arena, "", 1);
  s->ents[s->n] = (struct sslot) { (uint32_t) off, row, val };
  i = (size_t) h & (s->cap - 1);
  while (s->slots[i].ent)
    i = (i + 1) & (s->cap - 1);
  s->slots[i] = (struct sset_slot) { (uint32_t) (h >> 32),
                                     (uint32_t) ++s->n };
}

/* A set of 64-bit hashes only (registry numbers used by earlier rows):
   8 bytes a slot.  A hit is confirmed against the database, where every
   number in the set was inserted (see stage2). */
struct hset {
  uint64_t *v;     /* 0 = empty (fnv1a never returns 0) */
  size_t cap, n;
};

static bool
hset_has (const struct hset *s, uint64_t h)
{
  if (0 == s->cap)
    return false;
  for (size_t i = (size_t) h & (s->cap - 1); s->v[i];
       i = (i + 1) & (s->cap - 1))
    if (s->v[i] == h)
      return true;
  return false;
}

static void
hset_add (struct hset *s, uint64_t h)
{
  size_t i;

  if (hset_has (s, h))
    return;
  if ((s->n + 1) * 10 >= s->cap * 7)
    {
      size_t ncap = s->cap ? s->cap * 2 : 1024;
      uint64_t *nv = xj_calloc (ncap, sizeof *nv);

      for (size_t j = 0; j < s->cap; j++)
        if (s->v[j])
          {
            size_t k = (size_t) s->v[j] & (ncap - 1);

            while (nv[k])
              k = (k + 1) & (ncap - 1);
            nv[k] = s->v[j];
          }
      free (s->v);
      s->v = nv;
      s->cap = ncap;
    }
  i = (size_t) h & (s->cap - 1);
  while (s->v[i])
    i = (i + 1) & (s->cap - 1);
  s->v[i] = h;
  s->n++;
}

/* Hash of a suspected-duplicate key (never 0, like fnv1a): fnv1a of
   name, birth date and phone with a separator between them. */
static uint64_t
dupkey_hash (const char *name, const char *birth, const char *phone)
{
  const char *part[3] = { name, birth, phone };
  uint64_t h = 1469598103934665603ULL;

  for (int k = 0; k < 3; k++)
    {
      for (const unsigned char *p = (const unsigned char *) part[k]; *p; p++)
        {
          h ^= *p;
          h *= 1099511628211ULL;
        }
      h ^= 0x1f;
      h *= 1099511628211ULL;
    }
  return h ? h : 1;
}

/* The file ID set's key (the normalised ID, any type) in @out (64 bytes); its
   length, 0 when it does not fit.  One form for the file's rows and the
   preloaded registry. */
#define IDKEY_SZ 64
static size_t
id_key (const char *id_type, const char *id_no, char out[IDKEY_SZ])
{
  size_t il = strlen (id_no);

  /* The type is not part of the key: an ID number is one person's under
     whatever type it was entered (docs/internals/identity.md). */
  (void) id_type;
  if (il >= IDKEY_SZ)
    return 0;
  memcpy (out, id_no, il + 1);
  return il;
}

static void
hset_fini (struct hset *s)
{
  free (s->v);
  memset (s, 0, sizeof *s);
}

/* Bulk mode: name + birth date -> the ids of the records holding them
   (the registry's and the rows inserted), for the 补建学籍 check while the
   indexes are dropped.  A multimap of (hash, id) with linear probing:
   every slot of the probe chain with the hash is a candidate (a hash
   collision only adds a candidate the exact check rejects). */
struct nbmap {
  struct nbslot {
    uint64_t h;     /* 0 = empty */
    int64_t id;
  } *v;
  size_t cap, n;
};

static uint64_t
nb_hash (const char *name, const char *birth)
{
  return dupkey_hash (name, birth, "");
}

static void
nbmap_put (struct nbmap *m, uint64_t h, int64_t id)
{
  size_t i;

  if ((m->n + 1) * 2 >= m->cap)
    {
      struct nbslot *old = m->v;
      size_t ocap = m->cap;

      m->cap = m->cap ? m->cap * 2 : 1024;
      m->v = xj_calloc (m->cap, sizeof *m->v);
      m->n = 0;
      for (size_t k = 0; k < ocap; k++)
        if (old[k].h)
          nbmap_put (m, old[k].h, old[k].id);
      free (old);
    }
  for (i = (size_t) h & (m->cap - 1); m->v[i].h; i = (i + 1) & (m->cap - 1))
    ;
  m->v[i] = (struct nbslot) { h, id };
  m->n++;
}

/* Up to @max ids under @h into @ids; their number. */
static size_t
nbmap_get (const struct nbmap *m, uint64_t h, int64_t *ids, size_t max)
{
  size_t n = 0;

  if (0 == m->cap)
    return 0;
  for (size_t i = (size_t) h & (m->cap - 1); m->v[i].h && n < max;
       i = (i + 1) & (m->cap - 1))
    if (m->v[i].h == h)
      ids[n++] = m->v[i].id;
  return n;
}

/* How many ids are under @h, counting up to @limit. */
static size_t
nbmap_count (const struct nbmap *m, uint64_t h, size_t limit)
{
  size_t n = 0;

  if (0 == m->cap)
    return 0;
  for (size_t i = (size_t) h & (m->cap - 1); m->v[i].h && n < limit;
       i = (i + 1) & (m->cap - 1))
    if (m->v[i].h == h)
      n++;
  return n;
}

static void
nbmap_fini (struct nbmap *m)
{
  free (m->v);
  memset (m, 0, sizeof *m);
}

/* ---------------------------------------------------------------- errors */

#define NOTEXT UINT32_MAX

struct ient {
  uint64_t row;
  int32_t col;
  uint32_t code;
  uint32_t col_off, val_off, msg_off;
};

struct xj_import_errs {
  struct ient *v;
  size_t n, cap;
  struct xj_buf text;
};

static struct xj_import_errs *
errs_new (void)
{
  struct xj_import_errs *e = xj_calloc (1, sizeof *e);

  xj_buf_init (&e->text, 0);
  xj_buf_append (&e->text, "", 1);  /* offset 0 = "" */
  return e;
}

static void
errs_free (struct xj_import_errs *e)
{
  if (NULL == e)
    return;
  free (e->v);
  xj_buf_fini (&e->text);
  free (e);
}

static uint32_t
errs_str (struct xj_import_errs *e, const char *s, size_t max)
{
  size_t off = e->text.len;
  char buf[256];

  if (NULL == s || '\0' == *s)
    return 0;
  if (strlen (s) > max)
    {
      xj_strlcpy (buf, s, max < sizeof buf ? max : sizeof buf);
      s = buf;
    }
  xj_buf_append (&e->text, s, strlen (s) + 1);
  return (uint32_t) off;
}

size_t
xj_import_nkept (const struct xj_import_result *res)
{
  return res->errs ? res->errs->n : 0;
}

void
xj_import_error_at (const struct xj_import_result *res, size_t i,
                    struct xj_import_error *out)
{
  const struct xj_import_errs *e = res->errs;
  const struct ient *x = &e->v[i];

  out->row = x->row;
  out->col = x->col;
  out->code = (enum xj_err) x->code;
  out->column = e->text.data + (NOTEXT == x->col_off ? 0 : x->col_off);
  out->value = e->text.data + (NOTEXT == x->val_off ? 0 : x->val_off);
  out->message = NOTEXT == x->msg_off ? xj_err_zh (out->code)
                                      : e->text.data + x->msg_off;
}

/* ---------------------------------------------------------------- run */

#define ROW_ERR_MAX 32
#define QUEUE_LEN 128
/* Wake-ups go by batches: the consumer is woken when this many rows
   wait (or the last record is queued), the producer when the queue has
   drained to half.  One futex wake per row was 11% of the CPU (perf,
   100,000 rows). */
#define QUEUE_BATCH 32

/* One pending error of the row being processed. */
struct rerr {
  int col;              /* file column, -1 = not in the file */
  const char *colname;  /* static or owned by the map */
  enum xj_err code;
  char msg[200];
  char val[128];        /* the cell's text (cut) */
};

struct school_ent {
  char code[16];
  int64_t id;           /* 0 = no such school */
  bool writable;        /* in the caller's write scope */
  struct xj_school s;
};

/* A row on its way from the reader thread (stage 1: cells, validation,
   the data JSON -- pure work) to the transaction's thread (stage 2:
   schools, classes, IDs, the insert). */
enum rec_kind { REC_ROW, REC_END, REC_ERROR };
struct rec {
  enum rec_kind kind;
  enum xj_err err;          /* REC_ERROR */
  char errmsg[300];
  uint64_t rowno;
  uint64_t bytes_done, bytes_total;
  struct xj_student s;
  struct xj_buf data;       /* `data`, packed (student_pack.h) */
  char school[32], klass[128], regno[32];
  /* The ID in the file's set, looked up by the reader thread (the set
     depends only on file order, and the preloaded registry part is
     read-only by then): */
  bool id_checked;          /* the ID and its type are valid: looked up */
  bool id_seen;             /* in the set: an earlier row or the registry */
  uint32_t id_first;        /* ... the earlier row (0: the registry) */
  int64_t id_holder;        /* ... the registry's school holding it */
  uint64_t dkhash;          /* hash of name, birth date, guardian phone
                               (suspected duplicates); 0 = no key */
  struct rerr rerrs[ROW_ERR_MAX];
  size_t nrerr;
  bool *fbad;               /* per field: has an error */
  struct xj_verrs verrs;
};

struct run {
  /* warnings of the row stage 2 is on (xj_student_check_rules) */
  struct xj_verrs warns;
  struct xj_db *db;
  const struct xj_import_opts *o;
  struct xj_import_result *res;
  struct xj_table *t;
  struct xj_imap map;
  bool xlsx;
  int today;
  int school_year;
  int guardian_max;       /* the setting dup_guardian_max, read once */
  int64_t year_id;
  char at[32];
  size_t nfields;
  int fi_birth, fi_grade, fi_id_no, fi_id_type, fi_name;
  /* state */
  int64_t lc_id, lc_school; /* the last class resolved (class_resolve) */
  char lc_grade[4], lc_v[128];
  struct sset ids;          /* "type:id" -> first row / registry school;
                               the reader thread's while rows are read */
  struct hset regnos;       /* hashes of the registry numbers inserted */
  struct hset regnos_reg;   /* bulk: hashes of the registry's numbers */
  struct sset regno_rows;   /* the file's registry numbers but G ones ->
                               first row (a G number is its ID's: ids) */
  struct hset dupkeys;      /* dkhash of the rows inserted (and, in bulk
                               mode, of the registry's students) */
  struct nbmap namebirth;   /* bulk: name + birth date -> ids */
  struct nbmap guardians;   /* bulk: hash of a guardian ID -> the
                               enrolled or suspended students holding it
                               (the registry's and the rows inserted) */
  struct xj_identity_sink sink;  /* guardian ID rows and warnings */
  int64_t *suspects;        /* ids inserted whose key was seen before */
  size_t nsusp, capsusp;
  bool regnos_all;          /* bulk: the two sets know every number */
  int64_t id_since;         /* rebuild: the last student id before it */
  struct xj_db_bulk *stu_bulk;  /* the students' bulk append */
  int64_t last_id;          /* id of the last student inserted */
  int64_t *ev_ids;          /* students with no event yet (EVENT_BATCH) */
  uint64_t *ev_rows;        /* ... their rows in the file */
  size_t ev_n;              /* ... and how many */
  int64_t cur_id;           /* the row being inserted: its id */
  uint64_t cur_row;         /* ... and row in the file */
  bool track_regnos;
  struct school_ent *schools;
  size_t nschools, capschools;
  struct sset classes;       /* see class_add */
  struct xj_cs_tracker *cst; /* class sizes (xj_cs_tracker_check) */
  uint32_t *col_names;      /* per file column: offset of its name */
  uint64_t valid;           /* rows that passed (written or would be) */
  uint64_t last_progress;
  uint64_t bytes_done, bytes_total;
  /* the queue between the stages */
  struct rec *q;
  size_t qhead, qtail;      /* producer writes at tail, consumer reads head */
  pthread_mutex_t qlock;
  pthread_cond_t qnotfull, qnotempty;
  bool qprod_waits, qcons_waits;   /* under qlock */
  atomic_bool qstop;
};

/* A guardian ID's key in r->guardians (never 0, like fnv1a). */
static uint64_t
guardian_hash (const char *id_no)
{
  return dupkey_hash (id_no, "", "");
}

static void
preload_guardian_cb (void *cls, const char *id_no, int64_t student_id)
{
  struct run *r = cls;

  nbmap_put (&r->guardians, guardian_hash (id_no), student_id);
}

/* Bulk mode's answer to the guardian rule (xj_identity_sink): whether
   the students holding @id_no, counting the row being stored, may be
   more than @max.  The map knows the registry's holders (preloaded) and
   the rows inserted; a hash collision only over-counts, and then the
   registry is asked, so the answer "not over" is always right. */
static bool
guardian_maybe_over (void *cls, const char *id_no, int max)
{
  struct run *r = cls;

  return max < 0
         || nbmap_count (&r->guardians, guardian_hash (id_no),
                         (size_t) max + 1) + 1 > (size_t) max;
}

/* The guardian IDs of @s, inserted: into the map, each once. */
static void
guardians_add (struct run *r, const struct xj_student *s)
{
  for (int i = 0; i < XJ_GUARDIANS; i++)
    {
      const char *g = s->guardians[i].id_no;
      bool again = false;

      for (int j = 0; j < i && ! again; j++)
        again = 0 == strcmp (g, s->guardians[j].id_no);
      if (g[0] && ! again)
        nbmap_put (&r->guardians, guardian_hash (g), s->id);
    }
}

static void
row_err (struct rec *x, int col, const char *colname, const char *value,
         enum xj_err code, const char *fmt, ...)
  __attribute__ ((format (printf, 6, 7)));

static void
row_err (struct rec *x, int col, const char *colname, const char *value,
         enum xj_err code, const char *fmt, ...)
{
  struct rerr *e;
  va_list ap;

  if (x->nrerr >= ROW_ERR_MAX)
    return;
  e = &x->rerrs[x->nrerr++];
  e->col = col;
  e->colname = colname;
  e->code = code;
  xj_strlcpy (e->val, value ? value : "", sizeof e->val);
  va_start (ap, fmt);
  vsnprintf (e->msg, sizeof e->msg, fmt, ap);
  va_end (ap);
}

/* Add an error to the result (row 0 = file level). */
static void
add_error (struct run *r, uint64_t row, int col, const char *colname,
           const char *value, enum xj_err code, const char *msg)
{
  struct xj_import_errs *e = r->res->errs;
  struct ient *x;

  r->res->nerrors++;
  if (e->n >= XJ_IMPORT_ERR_MAX)
    return;
  if (e->n == e->cap)
    {
      e->cap = e->cap ? e->cap * 2 : 256;
      e->v = xj_realloc (e->v, e->cap * sizeof *e->v);
    }
  x = &e->v[e->n++];
  x->row = row;
  x->col = col;
  x->code = (uint32_t) code;
  if (col >= 0 && r->col_names && (size_t) col < r->map.ncols)
    x->col_off = r->col_names[col];
  else
    x->col_off = errs_str (e, colname, 200);
  if (e->n <= XJ_IMPORT_ERR_TEXT_MAX)
    {
      x->val_off = errs_str (e, value, 200);
      x->msg_off = errs_str (e, msg, 400);
    }
  else
    {
      x->val_off = NOTEXT;
      x->msg_off = NOTEXT;
    }
}

static void
file_error (struct run *r, const char *colname, enum xj_err code,
            const char *msg)
{
  add_error (r, 0, -2, colname ? colname : "", "", code, msg);
}

static void
report_progress (struct run *r, const char *phase)
{
  struct xj_import_progress p;

  if (NULL == r->o->progress)
    return;
  memset (&p, 0, sizeof p);
  p.rows_done = r->res->rows;
  p.bytes_done = r->bytes_done;
  p.bytes_total = r->bytes_total;
  if (p.bytes_done > 0)
    p.rows_total = (uint64_t) ((double) p.rows_done * (double) p.bytes_total
                               / (double) p.bytes_done);
  if (p.rows_total < p.rows_done)
    p.rows_total = p.rows_done;
  p.imported = r->valid;
  p.rejected = r->res->rejected;
  p.already = r->res->already;
  p.phase = phase;
  r->o->progress (r->o->cls, &p);
}

/* ---- schools and classes (cached: a file names few of them) ---- */

static struct school_ent *
school_lookup (struct run *r, const char *code)
{
  struct school_ent *se;
  enum xj_err e;

  for (size_t i = r->nschools; i > 0; i--)
    if (0 == strcmp (r->schools[i - 1].code, code))
      return &r->schools[i - 1];
  if (r->nschools == r->capschools)
    {
      r->capschools = r->capschools ? r->capschools * 2 : 16;
      r->schools = xj_realloc (r->schools, r->capschools * sizeof *se);
    }
  se = &r->schools[r->nschools];
  memset (se, 0, sizeof *se);
  if (! xj_strlcpy (se->code, code, sizeof se->code))
    {
      r->nschools++;
      return se;   /* too long: no such school */
    }
  e = xj_school_get_by_code (r->db, code, &se->s);
  if (XJ_E_OK == e)
    {
      se->id = se->s.id;
      se->writable = xj_scope_school_write (r->o->user, se->s.id,
                                            se->s.county_code);
    }
  else if (XJ_E_NOT_FOUND != e)
    return NULL;
  r->nschools++;
  return se;
}

static struct school_ent *
school_by_id (struct run *r, int64_t id)
{
  struct school_ent *se;

  for (size_t i = 0; i < r->nschools; i++)
    if (r->schools[i].id == id)
      return &r->schools[i];
  if (r->nschools == r->capschools)
    {
      r->capschools = r->capschools ? r->capschools * 2 : 16;
      r->schools = xj_realloc (r->schools, r->capschools * sizeof *se);
    }
  se = &r->schools[r->nschools];
  memset (se, 0, sizeof *se);
  if (XJ_E_OK != xj_school_get (r->db, id, &se->s))
    return NULL;
  se->id = id;
  xj_strlcpy (se->code, se->s.code, sizeof se->code);
  se->writable = xj_scope_school_write (r->o->user, id, se->s.county_code);
  r->nschools++;
  return se;
}

/* Classes live in a hash set keyed "school:grade:#no" and
   "school:grade:=name" -> class id (a file may name thousands). */
static void
class_key_add (struct run *r, const char *k, int64_t id)
{
  size_t n = strlen (k);
  uint64_t h = fnv1a (k, n);

  if (NULL == sset_find (&r->classes, k, n, h))
    sset_add (&r->classes, k, n, h, 1, id);
}

static void
class_add (struct run *r, int64_t school_id, const char *grade, unsigned no,
           int64_t id, const char *name)
{
  char k[128];

  xj_snprintf (k, sizeof k, "%lld:%s:#%u", (long long) school_id, grade, no);
  class_key_add (r, k, id);
  xj_snprintf (k, sizeof k, "%lld:%s:=%s", (long long) school_id, grade,
               name);
  class_key_add (r, k, id);
}

static int
class_list_cb (void *cls, const struct xj_class_row *row)
{
  struct run *r = cls;

  class_add (r, row->c.school_id, row->c.grade, row->c.no, row->c.id,
             row->c.name);
  return 0;
}

static int64_t
class_find (struct run *r, const char *k)
{
  size_t n = strlen (k);
  struct sslot *sl = sset_find (&r->classes, k, n, fnv1a (k, n));

  return sl ? sl->val : 0;
}

static enum xj_err class_resolve_slow (struct run *r, int64_t school_id,
                                       const char *grade, const char *v,
                                       int64_t *id, bool create);

/* Class of @school/@grade named by cell @v: *id set (0 = none).  With
   @create a missing class with a number is created. */
static enum xj_err
class_resolve (struct run *r, int64_t school_id, const char *grade,
               const char *v, int64_t *id, bool create)
{
  enum xj_err e;

  /* rows come grouped by class (exports are, so are most class lists):
     the previous row's answer first */
  if (0 != r->lc_id && school_id == r->lc_school
      && 0 == strcmp (grade, r->lc_grade) && 0 == strcmp (v, r->lc_v))
    {
      *id = r->lc_id;
      return XJ_E_OK;
    }
  *id = 0;
  e = class_resolve_slow (r, school_id, grade, v, id, create);
  if (XJ_E_OK == e && 0 != *id && strlen (v) < sizeof r->lc_v)
    {
      r->lc_id = *id;
      r->lc_school = school_id;
      xj_strlcpy (r->lc_grade, grade, sizeof r->lc_grade);
      xj_strlcpy (r->lc_v, v, sizeof r->lc_v);
    }
  return e;
}

static enum xj_err
class_resolve_slow (struct run *r, int64_t school_id, const char *grade,
                    const char *v, int64_t *id, bool create)
{
  unsigned no;
  char name[64];
  char k[200];
  enum xj_err e;

  xj_snprintf (k, sizeof k, "%lld:%s", (long long) school_id, grade);
  if (0 == class_find (r, k))
    {
      if (0 == r->year_id
          && XJ_E_OK != (e = xj_year_current (r->db, &r->year_id, NULL)))
        return e;
      e = xj_class_list (r->db, school_id, r->year_id, grade, &class_list_cb,
                         r);
      if (XJ_E_OK != e)
        return e;
      class_key_add (r, k, 1);  /* loaded */
    }
  xj_snprintf (k, sizeof k, "%lld:%s:=%s", (long long) school_id, grade, v);
  if (0 != (*id = class_find (r, k)))
    return XJ_E_OK;
  no = xj_imap_class_no (v);
  if (0 == no)
    return XJ_E_OK;
  xj_snprintf (k, sizeof k, "%lld:%s:#%u", (long long) school_id, grade, no);
  if (0 != (*id = class_find (r, k)) || ! create)
    return XJ_E_OK;
  {
    struct xj_class c;
    struct xj_verrs ve;

    memset (&c, 0, sizeof c);
    c.school_id = school_id;
    xj_strlcpy (c.grade, grade, sizeof c.grade);
    c.no = no;
    ve.n = 0;
    e = xj_class_create (r->db, &c, &ve);
    if (XJ_E_OK != e)
      return XJ_E_VALIDATION == e ? XJ_E_OK : e;
    xj_class_name (grade, no, name, sizeof name);
    class_add (r, school_id, grade, no, c.id, c.name[0] ? c.name : name);
    *id = c.id;
  }
  return XJ_E_OK;
}

/* ---- one row ---- */

/* Cell @col of @row ("" when absent), without the apostrophe our CSV
   export puts before text that starts like a formula (export.c,
   csv_cell): '=1 is read as =1. */
static const char *
cell (const struct xj_row *row, int col)
{
  const char *v;

  if (col < 0 || (size_t) col >= row->ncols)
    return "";
  v = row->cells[col];
  if ('\'' == v[0] && '\0' != v[1] && NULL != strchr ("=+-@", v[1]))
    return v + 1;
  return v;
}

static bool
row_blank (const struct xj_row *row)
{
  for (size_t i = 0; i < row->ncols; i++)
    for (const char *p = row->cells[i]; *p; p++)
      if (' ' != *p && '\t' != *p)
        return false;
  return true;
}

/* Commit the row's pending errors. */
static void
flush_row_errors (struct run *r, struct rec *x)
{
  for (size_t i = 0; i < x->nrerr; i++)
    {
      struct rerr *e = &x->rerrs[i];

      add_error (r, x->rowno, e->col, e->colname, e->val, e->code, e->msg);
    }
}

/* Column (and its name) of a validation error's field key. */
static int
key_col (struct run *r, const char *key, const char **name)
{
  const struct xj_field *f = xj_student_field (key);
  int col;

  if (NULL == f)
    {
      *name = key;
      return -1;
    }
  *name = xj_imap_colname (&r->map, f, &col);
  return col;
}

static int
fi_col (struct run *r, int fi, const char **name)
{
  int col;

  *name = xj_imap_colname (&r->map, &xj_student_fields[fi], &col);
  return col;
}

/* Stage 1 (reader thread): cells -> record, the registration
   validation, age for grade, the data JSON.  Pure: no database. */
static void
stage1 (struct run *r, const struct xj_row *row, struct rec *x)
{
  struct xj_student *s = &x->s;
  const char *name;
  char msg[200];
  enum xj_err e;
  int col;

  x->kind = REC_ROW;
  x->rowno = row->rowno;
  x->nrerr = 0;
  xj_student_init (s);
  memset (x->fbad, 0, r->nfields * sizeof *x->fbad);
  for (size_t fi = 0; fi < r->nfields; fi++)
    {
      const struct xj_field *f = &xj_student_fields[fi];
      int c = r->map.field_col[fi];

      if (c < 0)
        continue;
      e = xj_imap_cell (f, cell (row, c), r->xlsx, s, msg, sizeof msg);
      if (XJ_E_OK != e)
        {
          row_err (x, c, r->map.cols[c].name, cell (row, c), e, "%s", msg);
          x->fbad[fi] = true;
        }
    }
  xj_strlcpy (x->school, cell (row, r->map.school_col), sizeof x->school);
  xj_valid_trim (x->school);
  xj_strlcpy (x->klass, cell (row, r->map.class_col), sizeof x->klass);
  xj_valid_trim (x->klass);
  xj_strlcpy (x->regno, cell (row, r->map.regno_col), sizeof x->regno);
  xj_valid_trim (x->regno);
  xj_student_validate (s, r->today, &x->verrs);
  for (size_t i = 0; i < x->verrs.n; i++)
    {
      const struct xj_verr *v = &x->verrs.e[i];
      const struct xj_field *f = xj_student_field (v->field);

      if (f && x->fbad[f - xj_student_fields])
        continue;   /* the cell error already says it */
      col = key_col (r, v->field, &name);
      row_err (x, col, name, cell (row, col), v->code, "%s", v->detail);
      if (f)
        x->fbad[f - xj_student_fields] = true;
    }
  /* the ID in the file's set: an earlier row, the registry (bulk), or
     new (added) */
  x->id_checked = false;
  x->id_seen = false;
  x->id_first = 0;
  x->id_holder = 0;
  if (s->id_no[0] && ! x->fbad[r->fi_id_no] && ! x->fbad[r->fi_id_type])
    {
      char key[IDKEY_SZ];
      size_t kl = id_key (s->id_type, s->id_no, key);
      uint64_t h = fnv1a (key, kl);
      struct sslot *sl = kl ? sset_find (&r->ids, key, kl, h) : NULL;

      x->id_checked = kl > 0;
      if (sl)
        {
          x->id_seen = true;
          x->id_first = sl->row;
          x->id_holder = sl->row ? 0 : sl->val;
        }
      else if (kl)
        sset_add (&r->ids, key, kl, h, (uint32_t) x->rowno, 0);
    }
  /* the suspected-duplicate key, as registration compares it */
  x->dkhash = 0;
  if (s->guardians[0].phone[0] && ! x->fbad[r->fi_name]
      && ! x->fbad[r->fi_birth])
    x->dkhash = dupkey_hash (s->name, s->birth_date, s->guardians[0].phone);
  if (0 == x->nrerr)
    xj_student_pack (s, &x->data);
}

/* The "import" events of the students inserted since the last call, by
   one INSERT ... SELECT (xj_istore_events).  Every EVENT_BATCH rows, not
   once after the last row: each event's foreign key looks its student
   up, which for a million rows at the end meant walking the whole new
   table again (1.8 s; in batches the students are still in the page
   cache). */
#define EVENT_BATCH 8192

/* Bulk mode where the indexes stay (PostgreSQL) from an estimated 1/100
   of the registry's students, whatever the file's size: the preload
   costs about 6-9 us per registry student, a row checked in the
   registry 1.5-2 ms (its look-ups send the COPY buffers first: one
   COPY, and one derive call, a row), so bulk wins down to about 1/200;
   at 1/100 a file of 1,000 rows into 200,000 took 1.4 s against 2.0 s
   (bench/README.md "Import into a large registry" and "A school's file
   on PostgreSQL"). */
#define BULK_SHARE_PG 100

/* Whether a file of about @est rows goes in bulk (the caller's choice
   first): on SQLite, which drops and rebuilds the indexes for it, from
   20,000 rows and a quarter of the @existing students; elsewhere from a
   hundredth. */
static bool
bulk_mode (struct xj_db *db, int want, uint64_t est, int64_t existing)
{
  if (0 != want)
    return want > 0;
  if (xj_istore_rebuilds_indexes (db))
    return est >= 20000 && (int64_t) est * 4 >= existing;
  return (int64_t) est * BULK_SHARE_PG >= existing;
}

static enum xj_err
events_flush (struct run *r)
{
  enum xj_err e;

  if (0 == r->ev_n)
    return XJ_E_OK;
  e = xj_istore_events (r->db, r->o->actor, "import", r->at, r->ev_ids,
                        r->ev_n);
  if (XJ_E_OK == e)   /* else kept: conflict_error looks the rows up */
    r->ev_n = 0;
  return e;
}

/* The record's value of field @key as a file writes it, for an error of a
   rule across fields (the cell itself is gone by stage 2); "" when no
   column of the file format holds the field. */
static const char *
field_cell (const struct rec *x, const char *key, char *out, size_t size)
{
  out[0] = '\0';
  for (size_t i = 0; xj_import_columns[i].header; i++)
    if (XJ_IC_FIELD == xj_import_columns[i].kind
        && 0 == strcmp (xj_import_columns[i].key, key))
      return xj_import_cell (&xj_import_columns[i], &x->s, NULL, NULL,
                             XJ_PII_ALL, out, size);
  return out;
}

/* The shared rules on the record in its school (xj_student_check_rules:
   grade at the school, age for grade, fields that must agree): errors
   reject the row, warnings are stored on the record once inserted. */
static void
rules (struct run *r, struct rec *x, const struct school_ent *se)
{
  struct xj_rules_ctx rc = { se->s.stage, se->s.county_code, se->s.name,
                             r->today };
  struct xj_verrs *errs = &x->verrs;
  const char *name;
  int col;

  errs->n = 0;
  r->warns.n = 0;
  xj_student_check_rules (&x->s, &rc, errs, &r->warns);
  for (size_t i = 0; i < errs->n; i++)
    {
      char v[XJ_IMPORT_CELL_MAX];

      col = key_col (r, errs->e[i].field, &name);
      row_err (x, col, name, field_cell (x, errs->e[i].field, v, sizeof v),
               errs->e[i].code, "%s", errs->e[i].detail);
    }
}

/* 补建学籍 (a row not for grade 1): the person must hold no record under
   any identity -- registration's rule, xj_identity_admit.  The ID itself
   was checked above (the file's set); in bulk mode, with the indexes
   dropped, the candidates come from memory: the name + birth-date map
   and the registry-number sets (G + the ID in neither: no former
   number). */
static enum xj_err
rebuild_check (struct run *r, struct rec *x)
{
  struct xj_student *s = &x->s;
  struct xj_identity_src src = { .id_checked = true };
  struct xj_identity_hits hits = { 0 };
  int64_t same[50], holder = 0, school = 0;
  struct school_ent *hs;
  const char *name, *how;
  int col;
  enum xj_err e;

  if (r->res->bulk)
    {
      char g[sizeof s->id_no + 1];
      uint64_t gh;

      xj_snprintf (g, sizeof g, "G%s", s->id_no);
      gh = fnv1a (g, strlen (g));
      src.no_former = ! hset_has (&r->regnos, gh)
                      && ! hset_has (&r->regnos_reg, gh);
      src.same_given = true;
      src.same = same;
      src.nsame = nbmap_get (&r->namebirth, nb_hash (s->name, s->birth_date),
                             same, sizeof same / sizeof same[0]);
    }
  e = xj_identity_admit (r->db, s, &src, &hits, &holder, &school);
  if (XJ_E_DUPLICATE_PERSON != e && XJ_E_ID_EXISTS != e)
    return e;
  how = XJ_E_ID_EXISTS == e ? "身份证件号相同"
        : XJ_MATCH_PERSON == hits.h[0].match ? "姓名、出生日期和监护人相同"
                                             : "身份证件号是其曾用学籍号";
  hs = school_by_id (r, school);
  col = fi_col (r, r->fi_id_no, &name);
  if (NULL == hs)
    return XJ_E_DB;
  if (xj_scope_school (r->o->user, hs->id, hs->s.county_code))
    row_err (x, col, name, s->id_no, e, "%s（已在%s（%s）有学籍：%s）",
             xj_err_zh (e), hs->s.name, hs->code, how);
  else
    row_err (x, col, name, s->id_no, e, "%s（已在其他学校有学籍）",
             xj_err_zh (e));
  return XJ_E_OK;
}

/* Stage 2 (the transaction's thread): school and scope, grade at the
   school, the ID in the file and in the registry, class, registry
   number, insert. */
/* The row @x was inserted into a class: count it, keep a warning. */
static enum xj_err
class_size_done (struct run *r, const struct rec *x,
                 const struct xj_cs_warn *w)
{
  struct xj_import_result *res = r->res;
  enum xj_err e = xj_cs_tracker_commit (r->cst, w, x->s.id, r->o->actor);

  if (XJ_E_OK != e || ! w->set)
    return e;
  res->class_size_warned++;
  if (res->ncswarns < XJ_IMPORT_CSWARN_MAX)
    {
      if (NULL == res->cswarns)
        res->cswarns = xj_calloc (XJ_IMPORT_CSWARN_MAX,
                                  sizeof *res->cswarns);
      res->cswarns[res->ncswarns++] = (struct xj_import_cswarn) {
        x->rowno, *w };
    }
  return XJ_E_OK;
}

/* The row's school: the file's 学校标识码, else a registrar's own; *@se
   NULL, with a row error, when there is none or it is out of scope. */
static enum xj_err
row_school (struct run *r, struct rec *x, struct school_ent **se)
{
  const struct xj_import_opts *o = r->o;
  const char *scol_name = r->map.school_col >= 0
                            ? r->map.cols[r->map.school_col].name
                            : "学校标识码";
  struct school_ent *e;

  *se = NULL;
  if ('\0' != x->school[0])
    {
      if (NULL == (e = school_lookup (r, x->school)))
        return XJ_E_DB;
      if (0 == e->id)
        row_err (x, r->map.school_col, scol_name, x->school,
                 XJ_E_NO_SUCH_SCHOOL, "学校标识码“%s”不存在", x->school);
      else if (! e->writable)
        row_err (x, r->map.school_col, scol_name, x->school,
                 XJ_E_OUT_OF_SCOPE,
                 "学校%s（%s）不在您的管辖范围内，不能导入", e->s.name,
                 e->code);
      else
        *se = e;
    }
  else if (XJ_ROLE_REGISTRAR == o->user->role && o->user->school_id)
    {
      if (NULL == (*se = school_by_id (r, o->user->school_id)))
        return XJ_E_DB;
    }
  else
    row_err (x, r->map.school_col, scol_name, "", XJ_E_REQUIRED,
             "学校标识码为必填项");
  return XJ_E_OK;
}

/* The row's ID twice in the file or already in the registry: a row
   error, or *@already when this school (@se) holds it (the row is
   counted, not written). */
static enum xj_err
row_id_check (struct run *r, struct rec *x, const struct school_ent *se,
              bool *already)
{
  struct xj_student *s = &x->s;
  int64_t holder = x->id_holder;
  uint32_t first = x->id_first;
  bool in_registry = x->id_seen && 0 == first;
  const char *name;
  int col;
  enum xj_err e;

  if (! x->id_seen && ! r->res->bulk)
    {
      int64_t sid;

      e = xj_student_find_by_id_no (r->db, s->id_type, s->id_no, &sid,
                                    &holder);
      if (XJ_E_OK == e)
        in_registry = true;
      else if (XJ_E_NOT_FOUND != e)
        return e;
    }
  col = fi_col (r, r->fi_id_no, &name);
  if (first)
    row_err (x, col, name, s->id_no, XJ_E_IMPORT_DUP_IN_FILE,
             "身份证件号与第%u行重复", first);
  else if (in_registry && se && holder == se->id)
    *already = true;
  else if (in_registry)
    {
      struct school_ent *hs = school_by_id (r, holder);

      if (hs && xj_scope_school (r->o->user, hs->id, hs->s.county_code))
        row_err (x, col, name, s->id_no, XJ_E_ID_EXISTS,
                 "该身份证件号已在%s（%s）注册学籍", hs->s.name, hs->code);
      else
        row_err (x, col, name, s->id_no, XJ_E_ID_EXISTS,
                 "该身份证件号已在其他学校注册学籍");
    }
  return XJ_E_OK;
}

/* The row's class at school @se, created when asked and missing. */
static enum xj_err
row_class (struct run *r, struct rec *x, const struct school_ent *se)
{
  struct xj_student *s = &x->s;
  bool create = r->o->create_classes;
  enum xj_err e;

  e = class_resolve (r, se->id, s->grade, x->klass, &s->class_id, create);
  if (XJ_E_OK == e && 0 == s->class_id)
    row_err (x, r->map.class_col, r->map.cols[r->map.class_col].name,
             x->klass, XJ_E_NO_SUCH_CLASS, "%s本学年没有%s班级“%s”%s",
             se->s.name, xj_code_zh ("grade", s->grade), x->klass,
             create ? "（无法从班级名称得到班号）"
                    : "（可用“创建缺少的班级”选项创建）");
  return e;
}

/* The file's registry number, kept when well-formed and unused (else
   the row gets one: row_regno_give). */
static enum xj_err
row_regno_keep (struct run *r, struct rec *x)
{
  struct xj_student *s = &x->s;
  char rn[32];
  bool used = true;
  enum xj_err e;

  xj_strlcpy (rn, x->regno, sizeof rn);
  for (char *p = rn; *p; p++)
    if (*p >= 'a' && *p <= 'z')
      *p = (char) (*p - 32);
  if (xj_registry_no_valid (rn))
    {
      /* the numbers taken by earlier rows were inserted in this
         transaction: the look-up sees them too */
      uint64_t rh = fnv1a (rn, strlen (rn));

      /* in bulk mode a number in neither hash set is unused; a hit
         (maybe a collision) is confirmed in the tables */
      if (r->regnos_all && ! hset_has (&r->regnos, rh)
          && ! hset_has (&r->regnos_reg, rh))
        used = false;
      else if (XJ_E_OK != (e = xj_istore_regno_used (r->db, rn, &used)))
        return e;
    }
  if (! used)
    xj_strlcpy (s->registry_no, rn, sizeof s->registry_no);
  return XJ_E_OK;
}

/* A number for a row without one: G + its resident ID, else the next L
   number of its county and birth date. */
static enum xj_err
row_regno_give (struct run *r, struct rec *x, const struct school_ent *se)
{
  struct xj_student *s = &x->s;
  int col = r->map.regno_col;
  enum xj_err e;

  if (0 == strcmp (s->id_type, "1") && 18 == strlen (s->id_no))
    {
      xj_registry_no_g (s->id_no, s->registry_no);
      return XJ_E_OK;
    }
  e = xj_identity_next_l (r->db, se->s.county_code, s->birth_date,
                          s->registry_no);
  if (XJ_E_L_SEQ_FULL != e)
    return e;
  row_err (x, col, col >= 0 ? r->map.cols[col].name : "学籍号", "", e,
           "%s县（区）出生日期%s的临时学籍号（L号）已用完"
           "（每县每个出生日期10000个）", se->s.county_code, s->birth_date);
  return XJ_E_OK;
}

/* A registry number taken by an earlier row of the file: a row error. */
static enum xj_err
row_regno_track (struct run *r, struct rec *x)
{
  struct xj_student *s = &x->s;
  size_t n = strlen (s->registry_no);
  uint64_t rh = fnv1a (s->registry_no, n);
  bool dup = false;
  enum xj_err e;

  /* a hash hit is confirmed in the table (collisions are possible) */
  if (hset_has (&r->regnos, rh)
      && XJ_E_OK != (e = xj_istore_regno_used (r->db, s->registry_no, &dup)))
    return e;
  if (dup)
    {
      row_err (x, r->map.regno_col, r->map.cols[r->map.regno_col].name,
               x->regno, XJ_E_REGISTRY_NO_EXISTS,
               "学籍号%s已被文件中前面的行使用", s->registry_no);
      return XJ_E_OK;
    }
  hset_add (&r->regnos, rh);
  if ('G' != s->registry_no[0]
      && NULL == sset_find (&r->regno_rows, s->registry_no, n, rh))
    sset_add (&r->regno_rows, s->registry_no, n, rh, (uint32_t) x->rowno, 0);
  return XJ_E_OK;
}

/* Whether the row may duplicate a student before it (this file's earlier
   rows, the registry).  The hash set is a filter; xj_istore_flag_dups
   applies the exact rule after the last row.  Outside bulk mode the
   registry (indexed) is asked directly. */
static enum xj_err
row_suspect (struct run *r, const struct rec *x, bool *suspect)
{
  const struct xj_student *s = &x->s;

  *suspect = hset_has (&r->dupkeys, x->dkhash);
  if (*suspect || r->res->bulk)
    return XJ_E_OK;
  return xj_istore_dupkey_used (r->db, s->name, s->birth_date,
                                s->guardians[0].phone, suspect);
}

/* The row's class would pass its hard size limit: a row error. */
static enum xj_err
row_class_size (struct run *r, struct rec *x, const struct school_ent *se,
                struct xj_cs_warn *cw)
{
  const struct xj_student *s = &x->s;
  enum xj_err e;

  e = xj_cs_tracker_check (r->cst, s->class_id, se->id, se->s.county_code,
                           s->grade, x->klass, cw);
  if (XJ_E_CLASS_OVERSIZED != e)
    return e;
  row_err (x, r->map.class_col, r->map.cols[r->map.class_col].name, x->klass,
           e, "%s", xj_err_zh (e));
  return XJ_E_OK;
}

/* The record appended to the bulk insert; a number another session took
   meanwhile (SQLite: found by this row's own INSERT) is a row error. */
static enum xj_err
row_insert (struct run *r, struct rec *x, const struct school_ent *se)
{
  struct xj_student *s = &x->s;
  const char *name;
  int col;
  enum xj_err e;

  xj_strlcpy (s->status, "enrolled", sizeof s->status);
  s->province = xj_county_province (se->s.county_code);
  e = xj_istore_student_insert (r->stu_bulk, s, x->data.data, x->data.len,
                                r->o->actor, r->at);
  r->cur_id = s->id;
  r->cur_row = x->rowno;
  if (XJ_E_ID_EXISTS != e && XJ_E_REGISTRY_NO_EXISTS != e)
    return e;
  if (XJ_E_ID_EXISTS == e)
    col = fi_col (r, r->fi_id_no, &name);
  else
    {
      col = r->map.regno_col;
      name = col >= 0 ? r->map.cols[col].name : "学籍号";
    }
  row_err (x, col, name, XJ_E_ID_EXISTS == e ? s->id_no : s->registry_no, e,
           "%s%s", xj_err_zh (e),
           XJ_E_REGISTRY_NO_EXISTS == e ? s->registry_no : "");
  return XJ_E_OK;
}

/* After the insert: the class count, the identities, the maps later rows
   are checked against, and the row's event in the batch. */
static enum xj_err
row_written (struct run *r, struct rec *x, const struct xj_cs_warn *cw,
             bool suspect)
{
  struct xj_student *s = &x->s;
  enum xj_err e;

  r->last_id = s->id;
  r->res->imported++;
  if (s->class_id && XJ_E_OK != (e = class_size_done (r, x, cw)))
    return e;
  if (XJ_E_OK != (e = xj_identity_store_new (r->db, s, &r->warns,
                                             r->guardian_max, &r->sink)))
    return e;
  if (r->res->bulk)
    guardians_add (r, s);
  if (x->dkhash)
    hset_add (&r->dupkeys, x->dkhash);
  if (r->res->bulk)
    nbmap_put (&r->namebirth, nb_hash (s->name, s->birth_date), s->id);
  if (suspect)
    *XJ_VEC_PUSH (r->suspects, r->nsusp, r->capsusp) = s->id;
  if (NULL == r->ev_ids)
    {
      r->ev_ids = xj_calloc (EVENT_BATCH, sizeof *r->ev_ids);
      r->ev_rows = xj_calloc (EVENT_BATCH, sizeof *r->ev_rows);
    }
  r->ev_rows[r->ev_n] = x->rowno;
  r->ev_ids[r->ev_n] = s->id;
  if (++r->ev_n >= EVENT_BATCH)
    return events_flush (r);
  return XJ_E_OK;
}

/* A valid row's steps that need its registry number or write it; one
   that rejects it (x->nrerr) ends them. */
static enum xj_err
row_write (struct run *r, struct rec *x, const struct school_ent *se)
{
  struct xj_student *s = &x->s;
  bool suspect = false;
  struct xj_cs_warn cw;
  enum xj_err e;

  if ('\0' == s->registry_no[0]
      && (XJ_E_OK != (e = row_regno_give (r, x, se)) || x->nrerr))
    return e;
  if (r->track_regnos
      && (XJ_E_OK != (e = row_regno_track (r, x)) || x->nrerr))
    return e;
  if (x->dkhash && XJ_E_OK != (e = row_suspect (r, x, &suspect)))
    return e;
  if (s->class_id
      && (XJ_E_OK != (e = row_class_size (r, x, se, &cw)) || x->nrerr))
    return e;
  if (XJ_E_OK != (e = row_insert (r, x, se)) || x->nrerr)
    return e;
  return row_written (r, x, &cw, suspect);
}

/* The row's errors go to the result: rejected. */
static void
row_reject (struct run *r, struct rec *x)
{
  flush_row_errors (r, x);
  r->res->rejected++;
}

/* Stage 2 of one row: its school, the ID in the file and the registry,
   the class and the registry number; then, valid, written. */
static enum xj_err
stage2 (struct run *r, struct rec *x)
{
  struct xj_student *s = &x->s;
  struct school_ent *se;
  bool already = false;
  enum xj_err e;

  if (XJ_E_OK != (e = row_school (r, x, &se)))
    return e;
  if (se)
    s->school_id = se->id;
  if (se && 0 == x->nrerr)
    rules (r, x, se);
  if (x->id_checked && XJ_E_OK != (e = row_id_check (r, x, se, &already)))
    return e;
  if (already)
    {
      r->res->already++;
      return XJ_E_OK;
    }
  if (0 == x->nrerr && se && xj_identity_is_rebuild (s)
      && XJ_E_OK != (e = rebuild_check (r, x)))
    return e;
  if (0 == x->nrerr && se && '\0' != x->klass[0]
      && XJ_E_OK != (e = row_class (r, x, se)))
    return e;
  s->registry_no[0] = '\0';
  if (0 == x->nrerr && '\0' != x->regno[0]
      && XJ_E_OK != (e = row_regno_keep (r, x)))
    return e;
  if (x->nrerr)
    {
      row_reject (r, x);
      return XJ_E_OK;
    }
  r->valid++;
  /* all or nothing: once a row failed nothing will be committed, so
     stop writing (but keep checking every row) */
  if (! r->o->valid_only && r->res->rejected > 0)
    return XJ_E_OK;
  e = row_write (r, x, se);
  if (XJ_E_OK == e && x->nrerr)
    {
      r->valid--;   /* rejected after all */
      row_reject (r, x);
    }
  return e;
}

/* ---- the queue between the stages ---- */

static void *
reader_thread (void *cls)
{
  struct run *r = cls;
  struct xj_row row;
  int rc;

  for (;;)
    {
      struct rec *x;

      pthread_mutex_lock (&r->qlock);
      while (r->qtail - r->qhead >= QUEUE_LEN && ! atomic_load (&r->qstop))
        {
          r->qprod_waits = true;
          pthread_cond_wait (&r->qnotfull, &r->qlock);
        }
      r->qprod_waits = false;
      pthread_mutex_unlock (&r->qlock);
      if (atomic_load (&r->qstop))
        return NULL;
      x = &r->q[r->qtail % QUEUE_LEN];
      do
        rc = xj_table_next (r->t, &row);
      while (1 == rc && row_blank (&row));
      if (1 == rc)
        stage1 (r, &row, x);
      else if (0 == rc)
        x->kind = REC_END;
      else
        {
          const char *m;

          x->kind = REC_ERROR;
          x->err = xj_table_error (r->t, &m);
          xj_strlcpy (x->errmsg, m ? m : xj_err_zh (x->err),
                      sizeof x->errmsg);
        }
      xj_table_progress (r->t, &x->bytes_done, &x->bytes_total);
      pthread_mutex_lock (&r->qlock);
      r->qtail++;
      if (r->qcons_waits
          && (1 != rc || r->qtail - r->qhead >= QUEUE_BATCH))
        pthread_cond_signal (&r->qnotempty);
      pthread_mutex_unlock (&r->qlock);
      if (1 != rc)
        return NULL;
    }
}

static struct rec *
queue_get (struct run *r)
{
  struct rec *x;

  pthread_mutex_lock (&r->qlock);
  while (r->qhead == r->qtail)
    {
      r->qcons_waits = true;
      pthread_cond_wait (&r->qnotempty, &r->qlock);
    }
  r->qcons_waits = false;
  x = &r->q[r->qhead % QUEUE_LEN];
  pthread_mutex_unlock (&r->qlock);
  return x;
}

static void
queue_done (struct run *r)
{
  pthread_mutex_lock (&r->qlock);
  r->qhead++;
  if (r->qprod_waits && r->qtail - r->qhead <= QUEUE_LEN / 2)
    pthread_cond_signal (&r->qnotfull);
  pthread_mutex_unlock (&r->qlock);
}

/* ---- the transaction ---- */

static void
preload_cb (void *cls, const char *id_type, const char *id_no,
            int64_t school_id)
{
  struct run *r = cls;
  char key[IDKEY_SZ];
  size_t n = id_key (id_type, id_no, key);
  uint64_t h;

  if (0 == n)
    return;
  h = fnv1a (key, n);
  if (NULL == sset_find (&r->ids, key, n, h))
    sset_add (&r->ids, key, n, h, 0, school_id);
}

static void
preload_regno_cb (void *cls, const char *regno)
{
  struct run *r = cls;

  hset_add (&r->regnos_reg, fnv1a (regno, strlen (regno)));
}

static void
preload_dupkey_cb (void *cls, int64_t id, const char *name,
                   const char *birth, const char *phone)
{
  struct run *r = cls;

  if (phone[0])
    hset_add (&r->dupkeys, dupkey_hash (name, birth, phone));
  nbmap_put (&r->namebirth, nb_hash (name, birth), id);
}

static void
run_reset (struct run *r)
{
  struct xj_import_result *res = r->res;

  if (r->t)
    xj_table_close (r->t);
  r->t = NULL;
  xj_imap_fini (&r->map);
  free (r->col_names);
  r->col_names = NULL;
  sset_fini (&r->ids);
  sset_fini (&r->regno_rows);
  hset_fini (&r->regnos);
  hset_fini (&r->regnos_reg);
  hset_fini (&r->dupkeys);
  nbmap_fini (&r->namebirth);
  nbmap_fini (&r->guardians);
  r->nsusp = 0;
  r->regnos_all = false;
  r->last_id = 0;
  r->ev_n = 0;
  r->cur_id = 0;
  sset_init (&r->ids);
  sset_init (&r->regno_rows);
  sset_fini (&r->classes);
  sset_init (&r->classes);
  r->nschools = 0;
  r->year_id = 0;
  r->lc_id = 0;
  r->valid = 0;
  r->last_progress = 0;
  errs_free (res->errs);
  res->errs = errs_new ();
  for (size_t i = 0; i < res->nunknown; i++)
    free (res->unknown_cols[i]);
  free (res->unknown_cols);
  res->unknown_cols = NULL;
  res->nunknown = 0;
  res->rows = res->imported = res->rejected = res->already = 0;
  res->suspected = 0;
  res->nerrors = 0;
  res->bulk = false;
  res->ms_rows = res->ms_index = 0;
}

/* Columns every file must have (the rest have defaults or are derived:
   性别 and 出生日期 from the ID, 国籍 CHN, 证件类型 1). */
static const char *const required_keys[] = {
  "name", "ethnicity", "id_no", "health", "hukou_type", "grade", "enrol_ym",
  "enrol_mode", "study_mode",
};

static enum xj_err
header (struct run *r)
{
  struct xj_row row;
  int rc;
  bool missing = false;
  char msg[300];

  do
    {
      rc = xj_table_next (r->t, &row);
      if (rc < 0)
        {
          const char *m;
          enum xj_err e = xj_table_error (r->t, &m);

          file_error (r, NULL, e, m ? m : xj_err_zh (e));
          return e;
        }
      if (0 == rc)
        {
          file_error (r, NULL, XJ_E_IMPORT_EMPTY, xj_err_zh (XJ_E_IMPORT_EMPTY));
          return XJ_E_IMPORT_EMPTY;
        }
    }
  while (row_blank (&row));
  xj_imap_header (&r->map, &row);
  r->col_names = xj_malloc ((r->map.ncols ? r->map.ncols : 1)
                            * sizeof *r->col_names);
  for (size_t c = 0; c < r->map.ncols; c++)
    {
      struct xj_icol *ic = &r->map.cols[c];

      r->col_names[c] = errs_str (r->res->errs, ic->name, 200);
      if (XJ_ICM_UNKNOWN == ic->kind)
        {
          r->res->unknown_cols = xj_realloc (
            r->res->unknown_cols,
            (r->res->nunknown + 1) * sizeof *r->res->unknown_cols);
          r->res->unknown_cols[r->res->nunknown++] = xj_strdup (ic->name);
        }
      else if (XJ_ICM_DUP == ic->kind)
        {
          xj_snprintf (msg, sizeof msg, "列“%s”与前面的列对应同一字段",
                       ic->name);
          file_error (r, ic->name, XJ_E_IMPORT_DUP_COLUMN, msg);
          missing = true;
        }
    }
  for (size_t i = 0; i < sizeof required_keys / sizeof required_keys[0]; i++)
    {
      const struct xj_field *f = xj_student_field (required_keys[i]);

      if (r->map.field_col[f - xj_student_fields] < 0)
        {
          xj_snprintf (msg, sizeof msg, "缺少必需的列“%s”", f->zh);
          file_error (r, f->zh, XJ_E_IMPORT_MISSING_COLUMN, msg);
          missing = true;
        }
    }
  if (r->map.school_col < 0
      && ! (XJ_ROLE_REGISTRAR == r->o->user->role && r->o->user->school_id))
    {
      file_error (r, "学校标识码", XJ_E_IMPORT_MISSING_COLUMN,
                  "缺少必需的列“学校标识码”");
      missing = true;
    }
  if (missing)
    return XJ_E_IMPORT_MISSING_COLUMN;
  r->track_regnos = r->map.regno_col >= 0;
  return XJ_E_OK;
}

/* Stage 2 loop: the reader thread runs stage 1 ahead of us. */
static enum xj_err
run_rows (struct run *r)
{
  const struct xj_import_opts *o = r->o;
  pthread_t th;
  enum xj_err e = XJ_E_OK;

  r->qhead = r->qtail = 0;
  r->qprod_waits = r->qcons_waits = false;
  atomic_store (&r->qstop, false);
  if (0 != pthread_create (&th, NULL, &reader_thread, r))
    return XJ_E_INTERNAL;
  for (;;)
    {
      struct rec *x = queue_get (r);

      r->bytes_done = x->bytes_done;
      r->bytes_total = x->bytes_total;
      if (REC_END == x->kind)
        {
          queue_done (r);
          break;
        }
      if (REC_ERROR == x->kind)
        {
          file_error (r, NULL, x->err, x->errmsg);
          e = x->err;
          queue_done (r);
          break;
        }
      r->res->rows++;
      if (o->cancel && atomic_load (o->cancel))
        e = XJ_E_IMPORT_CANCELLED;
      else
        e = stage2 (r, x);
      queue_done (r);
      if (XJ_E_OK != e)
        break;
      if (r->res->rows - r->last_progress >= 1000)
        {
          r->last_progress = r->res->rows;
          report_progress (r, "reading");
        }
    }
  /* stop the reader (it may be waiting for room) and wait for it */
  pthread_mutex_lock (&r->qlock);
  atomic_store (&r->qstop, true);
  pthread_cond_signal (&r->qnotfull);
  pthread_mutex_unlock (&r->qlock);
  pthread_join (th, NULL);
  return e;
}

static enum xj_err
import_txn (struct xj_db *db, void *cls)
{
  struct run *r = cls;
  struct xj_import_result *res = r->res;
  const struct xj_import_opts *o = r->o;
  char msg[300];
  int64_t t;
  enum xj_err e;

  r->db = db;
  run_reset (r);
  e = xj_table_open (o->path, o->sheet, &r->t, msg, sizeof msg);
  if (XJ_E_OK != e)
    {
      file_error (r, NULL, e, msg[0] ? msg : xj_err_zh (e));
      return e;
    }
  r->xlsx = XJ_TABLE_XLSX == xj_table_format (r->t);
  xj_strlcpy (res->encoding, xj_table_encoding (r->t), sizeof res->encoding);
  if (XJ_E_OK != (e = header (r)))
    return e;
  /* Bulk mode: a file large relative to the registry loads faster with
     the secondary indexes rebuilt once at the end (measured, see
     docs/internals/import.md).  The registry's IDs are then checked
     against an in-memory set instead of the dropped unique index.  Where
     nothing is rebuilt (PostgreSQL) bulk mode costs only the preload,
     one scan of the registry per set, against the per-row look-ups,
     each of which sends the COPY buffers first (one COPY a row): it
     pays from a much smaller share of the registry. */
  {
    uint64_t done, total;
    int64_t existing;
    uint64_t est;

    xj_table_progress (r->t, &done, &total);
    est = total / (r->xlsx ? 60 : 250);
    if (XJ_E_OK != (e = xj_istore_count_students (db, &existing)))
      return e;
    res->bulk = bulk_mode (db, o->bulk, est, existing);
    /* a retried transaction starts its counts again */
    xj_cs_tracker_free (r->cst);
    r->cst = xj_cs_tracker_new (db);
    res->class_size_warned = 0;
    res->ncswarns = 0;
    if (res->bulk)
      {
        if (XJ_E_OK != (e = xj_cs_tracker_preload (r->cst)))
          return e;
        if (XJ_E_OK != (e = xj_istore_each_id (db, &preload_cb, r)))
          return e;
        if (XJ_E_OK != (e = xj_istore_each_regno (db, &preload_regno_cb,
                                                  r)))
          return e;
        r->regnos_all = true;
        if (XJ_E_OK != (e = xj_istore_each_dupkey (db, &preload_dupkey_cb,
                                                   r)))
          return e;
        if (XJ_E_OK != (e = xj_istore_each_guardian (db, &preload_guardian_cb,
                                                     r)))
          return e;
        if (xj_istore_rebuilds_indexes (db)
            && XJ_E_OK != (e = xj_istore_drop_indexes (db, &r->id_since)))
          return e;
        if (XJ_E_OK != (e = xj_istore_cache (db, true)))
          return e;
      }
  }
  r->stu_bulk = xj_istore_bulk_begin (db);
  /* after the students' bulk, so that theirs go out first */
  memset (&r->sink, 0, sizeof r->sink);
  if (res->bulk)
    {
      r->sink.maybe_over = &guardian_maybe_over;
      r->sink.cls = r;
    }
  xj_identity_sink_begin (db, &r->sink);
  report_progress (r, "reading");
  t = xj_mono_ms ();
  e = run_rows (r);
  res->ms_rows = xj_mono_ms () - t;
  if (XJ_E_OK != e)
    return e;
  if (0 == res->rows)
    {
      file_error (r, NULL, XJ_E_IMPORT_NO_ROWS,
                  xj_err_zh (XJ_E_IMPORT_NO_ROWS));
      return XJ_E_IMPORT_NO_ROWS;
    }
  if (o->cancel && atomic_load (o->cancel))
    return XJ_E_IMPORT_CANCELLED;
  if (res->rejected > 0 && ! o->valid_only)
    return XJ_E_IMPORT_REJECTED;
  if (o->dry_run)
    return XJ_E_IMPORT_DRY_RUN;
  e = xj_istore_bulk_end (r->stu_bulk);
  r->stu_bulk = NULL;
  if (XJ_E_OK == e)
    e = xj_identity_sink_end (&r->sink);
  if (XJ_E_OK == e)
    e = xj_cs_tracker_end (r->cst);
  if (XJ_E_OK != e || XJ_E_OK != (e = events_flush (r)))
    return e;
  hset_fini (&r->dupkeys);   /* the suspects are collected */
  if (res->bulk && xj_istore_rebuilds_indexes (db))
    {
      /* the ID and registry-number sets are done with: give their
         memory back before the index sorts need theirs */
      sset_fini (&r->ids);
      sset_init (&r->ids);
      sset_fini (&r->regno_rows);
      sset_init (&r->regno_rows);
      hset_fini (&r->regnos);
      hset_fini (&r->regnos_reg);
      nbmap_fini (&r->namebirth);
      nbmap_fini (&r->guardians);
      report_progress (r, "indexing");
      t = xj_mono_ms ();
      if (XJ_E_OK != (e = xj_istore_create_indexes (db, r->id_since)))
        return e;
      res->ms_index = xj_mono_ms () - t;
    }
  /* the suspected duplicates, by the exact rule, now that the indexes
     are back */
  for (size_t i = 0; i < r->nsusp; i++)
    {
      bool flagged;

      if (XJ_E_OK != (e = xj_istore_flag_dups (db, r->suspects[i], r->at,
                                               &flagged)))
        return e;
      if (flagged)
        res->suspected++;
    }
  report_progress (r, "finishing");
  return XJ_E_OK;
}

/* ---- SHA-256 of the file, computed beside the import ---- */

struct hash_job {
  const char *path;
  char hex[65];
  bool ok;
};

static void *
hash_thread (void *cls)
{
  struct hash_job *h = cls;
  struct xj_sha256 st;
  unsigned char out[32];
  int fd = open (h->path, O_RDONLY | O_CLOEXEC);
  struct stat sb;
  ssize_t n = -1;

  h->ok = false;
  if (fd < 0)
    return NULL;
  xj_sha256_init (&st);
  /* Mapped, the file is hashed straight from the page cache the reader
     thread fills: read() copied every byte once more (1.1 s of CPU for
     568 MB, on a machine where the import has two cores); xj_sha256
     uses the CPU's SHA instructions (0.2 s where libsodium took 0.8 s
     for 256 MB).  A window at
     a time: mapped pages count in the process's RSS (the whole file
     mapped made the peak 651 MB). */
  if (0 == fstat (fd, &sb) && S_ISREG (sb.st_mode) && sb.st_size > 0)
    {
      const off_t win = 16 << 20;

      n = 0;
      for (off_t off = 0; off < sb.st_size && 0 == n; off += win)
        {
          size_t len = (size_t) (sb.st_size - off < win ? sb.st_size - off
                                                        : win);
          void *m = mmap (NULL, len, PROT_READ, MAP_PRIVATE, fd, off);

          if (MAP_FAILED == m)
            {
              n = off > 0 ? -2 : -1;   /* -1: none hashed, read instead */
              break;
            }
          madvise (m, len, MADV_SEQUENTIAL);
          xj_sha256_update (&st, m, len);
          munmap (m, len);
        }
    }
  if (-1 == n)
    {
      char *buf = xj_malloc (1 << 20);

      while ((n = read (fd, buf, 1 << 20)) > 0)
        xj_sha256_update (&st, buf, (size_t) n);
      free (buf);
    }
  close (fd);
  if (0 == n)
    {
      xj_sha256_final (&st, out);
      sodium_bin2hex (h->hex, sizeof h->hex, out, sizeof out);
      h->ok = true;
    }
  return NULL;
}

/* The file row of the student the import gave @id: the row being
   inserted or one since the last events batch (every statement, the
   events' too, sends the rows before it, so the COPY that failed held
   only these); 0 when not found. */
static uint64_t
row_of_id (const struct run *r, int64_t id)
{
  if (id == r->cur_id)
    return r->cur_row;
  for (size_t i = 0; i < r->ev_n; i++)
    if (r->ev_ids[i] == id)
      return r->ev_rows[i];
  return 0;
}

/* The file row that holds the clashing number of @c, when the database
   did not say which row: on PostgreSQL the identity tables' insert
   trigger (migration 0038) runs after the COPY's last line; 0 when not
   found.  A G number is G and its ID: the row of that ID. */
static uint64_t
row_of_value (struct run *r, const struct xj_istore_clash *c)
{
  struct sset *set = &r->ids;
  const char *v = c->value;
  struct sslot *sl;
  size_t n;

  if (c->regno && 'G' == v[0])
    v++;
  else if (c->regno)
    set = &r->regno_rows;
  n = strlen (v);
  sl = n ? sset_find (set, v, n, fnv1a (v, n)) : NULL;
  return NULL != sl ? sl->row : 0;
}

/* XJ_E_IMPORT_CONFLICT as an error naming the row, its column and value
   and the reason, when the database said which row; else as the whole
   file's error. */
static void
conflict_error (struct run *r, struct xj_db *db)
{
  enum xj_err e = XJ_E_IMPORT_CONFLICT;
  struct xj_istore_clash c;
  const char *name = "学籍号";
  uint64_t row;
  int col;
  char msg[400];

  if (! xj_istore_clash (db, &c)
      || 0 == (row = c.id ? row_of_id (r, c.id) : row_of_value (r, &c)))
    {
      file_error (r, NULL, e, xj_err_zh (e));
      return;
    }
  if (c.regno)
    {
      col = r->map.regno_col;
      if (col >= 0)
        name = r->map.cols[col].name;
    }
  else
    col = fi_col (r, r->fi_id_no, &name);
  xj_snprintf (msg, sizeof msg,
               "导入期间其他用户登记了相同的%s%s，本行无法写入；"
               "导入已整体撤销，未写入任何数据，请重新导入",
               c.regno ? "学籍号" : "身份证件号", c.value);
  add_error (r, row, col, name, c.value, e, msg);
}

/* The audit entry, written in the import's transaction after the rows. */
struct audit_ctx {
  struct run *r;
  struct hash_job *hj;
  pthread_t th;
  bool joined;
};

static enum xj_err
import_all_txn (struct xj_db *db, void *cls)
{
  struct audit_ctx *ac = cls;
  struct run *r = ac->r;
  const struct xj_import_opts *o = r->o;
  struct xj_import_result *res = r->res;
  enum xj_err e = import_txn (db, r);
  json_t *after;
  char *text;
  char eid[32];

  if (NULL != r->stu_bulk)   /* left open by a failure */
    {
      xj_istore_bulk_end (r->stu_bulk);
      r->stu_bulk = NULL;
    }
  xj_identity_sink_end (&r->sink);
  xj_cs_tracker_end (r->cst);
  if (XJ_E_OK != e && xj_db_bulk_conflicted (db, NULL))
    {
      e = XJ_E_IMPORT_CONFLICT;
      conflict_error (r, db);
    }
  if (XJ_E_OK != e)
    return e;
  if (! ac->joined)
    {
      pthread_join (ac->th, NULL);
      ac->joined = true;
    }
  xj_strlcpy (res->sha256, ac->hj->ok ? ac->hj->hex : "", sizeof res->sha256);
  after = json_pack ("{s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:b, s:b}",
                     "file", o->file_name ? o->file_name : o->path, "sha256",
                     res->sha256, "rows", (json_int_t) res->rows, "imported",
                     (json_int_t) res->imported, "rejected",
                     (json_int_t) res->rejected, "already",
                     (json_int_t) res->already, "suspected_duplicates",
                     (json_int_t) res->suspected, "valid_only",
                     o->valid_only, "create_classes", o->create_classes);
  text = json_dumps (after, JSON_COMPACT | JSON_SORT_KEYS);
  json_decref (after);
  xj_snprintf (eid, sizeof eid, "%.16s", res->sha256);
  e = xj_audit_append (db, o->actor, "import.students", "import", eid, NULL,
                       text);
  free (text);
  return e;
}

enum xj_err
xj_import_run (struct xj_db *db, const struct xj_import_opts *o,
               struct xj_import_result *res)
{
  struct run *r = xj_calloc (1, sizeof *r);
  struct hash_job hj = { .path = o->path };
  struct audit_ctx ac = { .r = r, .hj = &hj };
  int64_t t0 = xj_mono_ms ();
  enum xj_err e;
  int y, m, d;

  memset (res, 0, sizeof *res);
  res->errs = errs_new ();
  r->o = o;
  r->res = res;
  r->today = o->today_ymd;
  if (0 == r->today)
    {
      xj_today (&y, &m, &d);
      r->today = y * 10000 + m * 100 + d;
    }
  r->school_year = xj_valid_school_year (r->today);
  if (XJ_E_OK != xj_identity_guardian_max (db, &r->guardian_max))
    r->guardian_max = 0; /* read again on each row */
  xj_now_iso (r->at);
  while (xj_student_fields[r->nfields].key)
    r->nfields++;
  r->fi_birth = (int) (xj_student_field ("birth_date") - xj_student_fields);
  r->fi_name = (int) (xj_student_field ("name") - xj_student_fields);
  r->fi_grade = (int) (xj_student_field ("grade") - xj_student_fields);
  r->fi_id_no = (int) (xj_student_field ("id_no") - xj_student_fields);
  r->fi_id_type = (int) (xj_student_field ("id_type") - xj_student_fields);
  r->q = xj_calloc (QUEUE_LEN, sizeof *r->q);
  for (size_t i = 0; i < QUEUE_LEN; i++)
    {
      r->q[i].fbad = xj_calloc (r->nfields, sizeof (bool));
      xj_buf_init (&r->q[i].data, 0);
    }
  pthread_mutex_init (&r->qlock, NULL);
  pthread_cond_init (&r->qnotfull, NULL);
  pthread_cond_init (&r->qnotempty, NULL);
  sset_init (&r->ids);
  sset_init (&r->regno_rows);
  memset (&r->regnos, 0, sizeof r->regnos);
  memset (&r->regnos_reg, 0, sizeof r->regnos_reg);
  memset (&r->dupkeys, 0, sizeof r->dupkeys);
  memset (&r->namebirth, 0, sizeof r->namebirth);
  memset (&r->guardians, 0, sizeof r->guardians);
  sset_init (&r->classes);
  if (0 != pthread_create (&ac.th, NULL, &hash_thread, &hj))
    {
      hash_thread (&hj);
      ac.joined = true;
    }
  xj_istore_temp_file (db, true);
  e = xj_db_txn_run_long (db, "import_students", &import_all_txn, &ac);
  xj_istore_cache (db, false);
  xj_istore_temp_file (db, false);
  if (! ac.joined)
    pthread_join (ac.th, NULL);
  if ('\0' == res->sha256[0] && hj.ok)
    xj_strlcpy (res->sha256, hj.hex, sizeof res->sha256);
  res->written = XJ_E_OK == e;
  if (XJ_E_IMPORT_DRY_RUN == e)
    res->imported = r->valid;
  else if (! res->written)
    res->imported = 0;
  res->status = e;
  res->ms = xj_mono_ms () - t0;
  if (r->t)
    xj_table_close (r->t);
  xj_imap_fini (&r->map);
  free (r->col_names);
  sset_fini (&r->ids);
  sset_fini (&r->regno_rows);
  hset_fini (&r->regnos);
  hset_fini (&r->regnos_reg);
  hset_fini (&r->dupkeys);
  nbmap_fini (&r->namebirth);
  nbmap_fini (&r->guardians);
  free (r->suspects);
  free (r->ev_ids);
  free (r->ev_rows);
  free (r->schools);
  sset_fini (&r->classes);
  xj_cs_tracker_free (r->cst);
  for (size_t i = 0; i < QUEUE_LEN; i++)
    {
      free (r->q[i].fbad);
      xj_buf_fini (&r->q[i].data);
    }
  free (r->q);
  pthread_mutex_destroy (&r->qlock);
  pthread_cond_destroy (&r->qnotfull);
  pthread_cond_destroy (&r->qnotempty);
  free (r);
  return e;
}

void
xj_import_result_fini (struct xj_import_result *res)
{
  if (NULL == res)
    return;
  errs_free (res->errs);
  free (res->cswarns);
  for (size_t i = 0; i < res->nunknown; i++)
    free (res->unknown_cols[i]);
  free (res->unknown_cols);
  memset (res, 0, sizeof *res);
}
