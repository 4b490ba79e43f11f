/* audit_key.c -- the audit key (a file outside the database) and the
 * signed checkpoints of the log's head (an append-only file outside the
 * database).  See docs/internals/audit.md for what each protects.
 *
 * The key is 32 random bytes, hex in a one-line file of mode 0600.  From
 * it derive (BLAKE2b keyed with the key, distinct labels): the Ed25519
 * seed that signs checkpoints and the HMAC key for searched numbers.  The
 * MAC chain itself uses the key directly (audit_store.c).  Its statements
 * (the settings naming the files, the head of the log) are in
 * audit_key_store.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "audit/audit.h"
#include "core/util.h"
#include "student/student.h"

#define KEY_TAG "xueji-audit-key-v1"
#define CP_TAG "xueji-audit-checkpoint-v1"

/* ---- paths ---- */

enum xj_err
xj_audit_paths (struct xj_db *db, struct xj_audit_files *out)
{
  enum xj_err e = xj_audit_store_paths (db, out);
  const char *dbp = xj_db_path (db);

  if (XJ_E_OK != e)
    return e;
  if ('\0' == out->key[0])
    xj_db_side_path (dbp, ".auditkey", out->key, sizeof out->key);
  if ('\0' == out->checkpoints[0])
    xj_db_side_path (dbp, ".checkpoints", out->checkpoints,
                     sizeof out->checkpoints);
  return XJ_E_OK;
}

enum xj_err
xj_audit_paths_set (struct xj_db *db, const char *key_file,
                    const char *checkpoint_file)
{
  enum xj_err e = XJ_E_OK;

  if (key_file && *key_file)
    e = xj_audit_store_path_put (db, "audit.key_file", key_file);
  if (XJ_E_OK == e && checkpoint_file && *checkpoint_file)
    e = xj_audit_store_path_put (db, "audit.checkpoint_file",
                                 checkpoint_file);
  return e;
}

/* ---- the key file ---- */

enum xj_err
xj_audit_key_load (const char *path, struct xj_audit_key *k)
{
  char line[128], hex[65] = "";
  struct stat st;
  size_t n;
  bool ok;
  FILE *fp = fopen (path, "r");

  if (NULL == fp)
    return ENOENT == errno ? XJ_E_NOT_FOUND : XJ_E_AUDIT_KEY;
  if (0 != fstat (fileno (fp), &st) || 0 != (st.st_mode & 077)
      || NULL == fgets (line, sizeof line, fp))
    {
      fclose (fp);
      return XJ_E_AUDIT_KEY;
    }
  fclose (fp);
  ok = 1 == sscanf (line, KEY_TAG " %64s", hex) && 64 == strlen (hex)
       && 0 == sodium_hex2bin (k->k, sizeof k->k, hex, 64, NULL, &n, NULL)
       && n == sizeof k->k;
  sodium_memzero (line, sizeof line);
  sodium_memzero (hex, sizeof hex);
  if (! ok)
    return XJ_E_AUDIT_KEY;
  xj_strlcpy (k->path, path, sizeof k->path);
  return XJ_E_OK;
}

/* Write a new key to @path (which must not exist), mode 0600, fsynced. */
static enum xj_err
key_create (const char *path, struct xj_audit_key *k)
{
  char hex[65], line[100];
  int fd = open (path, O_WRONLY | O_CREAT | O_EXCL, 0600);
  bool ok;

  if (fd < 0)
    {
      XJ_ERROR ("audit key %s: %s", path, strerror (errno));
      return XJ_E_AUDIT_KEY;
    }
  randombytes_buf (k->k, sizeof k->k);
  sodium_bin2hex (hex, sizeof hex, k->k, sizeof k->k);
  xj_snprintf (line, sizeof line, KEY_TAG " %s\n", hex);
  ok = (ssize_t) strlen (line) == write (fd, line, strlen (line))
       && 0 == fsync (fd);
  ok = 0 == close (fd) && ok;
  sodium_memzero (hex, sizeof hex);
  sodium_memzero (line, sizeof line);
  if (! ok)
    {
      unlink (path);
      return XJ_E_AUDIT_KEY;
    }
  xj_strlcpy (k->path, path, sizeof k->path);
  return XJ_E_OK;
}

/* One process-wide copy of the last key loaded, by path: appends look the
   key up on every entry (the path comes from the settings, one indexed
   read), and the server's worker threads share it. */
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct xj_audit_key cache;

enum xj_err
xj_audit_key_get (struct xj_db *db, struct xj_audit_key *k)
{
  struct xj_audit_files f;
  enum xj_err e = xj_audit_paths (db, &f);

  if (XJ_E_OK != e)
    return e;
  pthread_mutex_lock (&cache_lock);
  if (0 == strcmp (cache.path, f.key))
    *k = cache;
  else if (XJ_E_OK == (e = xj_audit_key_load (f.key, k)))
    cache = *k;
  pthread_mutex_unlock (&cache_lock);
  return e;
}

struct ensure_ctx {
  const struct xj_audit_files *f;
};

static enum xj_err
ensure_txn (struct xj_db *db, void *cls)
{
  struct ensure_ctx *c = cls;
  struct xj_actor a = { 0, "system", "cli" };
  json_t *j = json_pack ("{s:s, s:s}", "key_file", c->f->key,
                         "checkpoint_file", c->f->checkpoints);
  char *text = json_dumps (j, JSON_COMPACT);
  enum xj_err e;

  json_decref (j);
  /* the first keyed entry: its MAC covers the head of any older,
     unkeyed rows (through its prev_hash) */
  e = xj_audit_append (db, &a, "audit.key", "audit", "key", NULL, text);
  free (text);
  return e;
}

enum xj_err
xj_audit_key_ensure (struct xj_db *db, bool *created)
{
  struct xj_audit_files f;
  struct xj_audit_key k;
  struct ensure_ctx c = { &f };
  enum xj_err e = xj_audit_paths (db, &f);

  *created = false;
  if (XJ_E_OK != e)
    return e;
  e = xj_audit_key_load (f.key, &k);
  if (XJ_E_NOT_FOUND == e && xj_audit_head_keyed (db))
    {
      /* a new key would hide the old MACs: a restored copy needs its key */
      XJ_INFO ("audit key %s missing for a keyed audit log: restore it"
               " (or set audit.key_file)", f.key);
      return XJ_E_AUDIT_KEY;
    }
  if (XJ_E_NOT_FOUND == e)
    {
      e = key_create (f.key, &k);
      if (XJ_E_OK != e)
        return e;
      *created = true;
      XJ_INFO ("audit key created: %s", f.key);
    }
  if (XJ_E_OK != e)
    {
      XJ_ERROR ("audit key %s: unreadable, malformed or not mode 0600",
                f.key);
      return e;
    }
  if (*created || ! xj_audit_head_keyed (db))
    e = xj_db_txn_run (db, "audit_key", true, &ensure_txn, &c);
  sodium_memzero (&k, sizeof k);
  return e;
}

/* ---- derived keys ---- */

static void
derive (const struct xj_audit_key *k, const char *label,
        unsigned char out[32])
{
  crypto_generichash (out, 32, (const unsigned char *) label, strlen (label),
                      k->k, sizeof k->k);
}

static void
sign_keypair (const struct xj_audit_key *k,
              unsigned char pk[crypto_sign_PUBLICKEYBYTES],
              unsigned char sk[crypto_sign_SECRETKEYBYTES])
{
  unsigned char seed[32];

  derive (k, "xueji audit checkpoint signing key v1", seed);
  crypto_sign_seed_keypair (pk, sk, seed);
  sodium_memzero (seed, sizeof seed);
}

void
xj_audit_public_key (const struct xj_audit_key *k, char out[65])
{
  unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];

  sign_keypair (k, pk, sk);
  sodium_memzero (sk, sizeof sk);
  sodium_bin2hex (out, 65, pk, sizeof pk);
}

bool
xj_audit_number_hash (struct xj_db *db, const char *number, char out[65])
{
  struct xj_audit_key k;
  unsigned char sub[32], mac[crypto_auth_hmacsha256_BYTES];

  out[0] = '\0';
  if (XJ_E_OK != xj_audit_key_get (db, &k))
    return false;
  derive (&k, "xueji audit searched-number hash v1", sub);
  crypto_auth_hmacsha256 (mac, (const unsigned char *) number,
                          strlen (number), sub);
  sodium_bin2hex (out, 65, mac, sizeof mac);
  sodium_memzero (sub, sizeof sub);
  sodium_memzero (&k, sizeof k);
  return true;
}

enum xj_err
xj_audit_search (struct xj_db *db, const struct xj_actor *a,
                 const char *action, const char *entity_id, const char *by,
                 const char *number, bool found)
{
  char masked[64], mac[65];
  json_t *j;
  char *text;
  enum xj_err e;

  if (0 == strcmp (by, "registry_no"))
    xj_mask (XJ_MASK_REGISTRY_NO, number, masked, sizeof masked);
  else
    xj_mask (XJ_MASK_ID, number, masked, sizeof masked);
  xj_audit_number_hash (db, number, mac);
  j = json_pack ("{s:s, s:s, s:s?, s:b}", "by", by, "number_masked", masked,
                 "number_hmac", mac[0] ? mac : NULL, "found", found);
  text = json_dumps (j, JSON_COMPACT | JSON_SORT_KEYS);
  json_decref (j);
  e = xj_audit_append (db, a, action, "student", entity_id, NULL, text);
  free (text);
  return e;
}

/* ---- checkpoints ---- */

struct cp_ctx {
  struct xj_audit_checkpoint cp;
  int64_t skip_id;  /* head already checkpointed: write nothing */
  bool skipped;
};

/* Read the head and count in one read transaction (one snapshot). */
static enum xj_err
cp_read_txn (struct xj_db *db, void *cls)
{
  struct cp_ctx *c = cls;
  enum xj_err e = xj_audit_store_head (db, &c->cp);

  if (XJ_E_OK != e)
    return e;
  c->skipped = c->skip_id > 0 && c->cp.last_id == c->skip_id;
  if (c->skipped)
    return XJ_E_OK;
  return xj_audit_store_count (db, &c->cp.count);
}

/* The signed text of a checkpoint line (everything but the signature). */
static void
cp_body (const struct xj_audit_checkpoint *cp, char *out, size_t size)
{
  xj_snprintf (out, size, CP_TAG " %s %lld %lld %s", cp->at,
               (long long) cp->count, (long long) cp->last_id, cp->mac);
}

static enum xj_err
cp_append (const char *path, const char *line)
{
  int fd = open (path, O_WRONLY | O_APPEND | O_CREAT, 0600);
  bool ok;

  if (fd < 0)
    {
      XJ_ERROR ("audit checkpoints %s: %s", path, strerror (errno));
      return XJ_E_IO;
    }
  ok = (ssize_t) strlen (line) == write (fd, line, strlen (line))
       && 0 == fdatasync (fd);
  ok = 0 == close (fd) && ok;
  if (! ok)
    XJ_ERROR ("audit checkpoints %s: write failed", path);
  return ok ? XJ_E_OK : XJ_E_IO;
}

/* The entry id named by the last line of the checkpoint file @path, or 0
   (no file, no line).  Unverified: only to avoid repeating a line. */
static int64_t
cp_file_head (const char *path)
{
  char buf[512], *last;
  long long id = 0;
  size_t n;
  FILE *fp = fopen (path, "r");

  if (NULL == fp)
    return 0;
  if (0 != fseek (fp, -(long) (sizeof buf - 1), SEEK_END))
    rewind (fp);
  n = fread (buf, 1, sizeof buf - 1, fp);
  fclose (fp);
  buf[n] = '\0';
  while (n > 0 && '\n' == buf[n - 1])
    buf[--n] = '\0';
  last = strrchr (buf, '\n');
  if (1 != sscanf (last ? last + 1 : buf, CP_TAG " %*s %*s %lld", &id))
    id = 0;
  return id;
}

enum xj_err
xj_audit_checkpoint_write (struct xj_db *db, const struct xj_audit_key *key,
                           const char *path, int64_t *last_id)
{
  struct xj_audit_files f;
  struct xj_audit_key k;
  struct cp_ctx c = { .skip_id = last_id ? *last_id : 0 };
  unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
  unsigned char sig[crypto_sign_BYTES];
  char body[256], sighex[2 * crypto_sign_BYTES + 1], line[400];
  enum xj_err e = XJ_E_OK;

  if (key)
    k = *key;
  else
    e = xj_audit_key_get (db, &k);

  if (XJ_E_OK == e)
    e = xj_audit_paths (db, &f);
  if (XJ_E_OK == e && NULL == last_id)
    c.skip_id = cp_file_head (path ? path : f.checkpoints);
  if (XJ_E_OK == e)
    e = xj_db_txn_run (db, "audit_checkpoint", false, &cp_read_txn, &c);
  if (XJ_E_OK != e || c.skipped)
    return e;
  xj_now_iso (c.cp.at);
  cp_body (&c.cp, body, sizeof body);
  sign_keypair (&k, pk, sk);
  crypto_sign_detached (sig, NULL, (const unsigned char *) body,
                        strlen (body), sk);
  sodium_memzero (sk, sizeof sk);
  sodium_memzero (&k, sizeof k);
  sodium_bin2hex (sighex, sizeof sighex, sig, sizeof sig);
  xj_snprintf (line, sizeof line, "%s %s\n", body, sighex);
  e = cp_append (path ? path : f.checkpoints, line);
  if (XJ_E_OK == e && last_id)
    *last_id = c.cp.last_id;
  return e;
}

/* Parse and verify one line; false (with @why set) if it is malformed or
   its signature does not verify under @pk. */
static bool
cp_parse (char *line, const unsigned char *pk,
          struct xj_audit_checkpoint *cp, const char **why)
{
  char tag[40], sighex[2 * crypto_sign_BYTES + 8], body[256]; /* 136 */
  unsigned char sig[crypto_sign_BYTES];
  long long count, id;
  size_t n;

  line[strcspn (line, "\r\n")] = '\0';
  *why = "malformed line";
  if (6 != sscanf (line, "%39s %31s %lld %lld %64s %135s", tag, cp->at,
                   &count, &id, cp->mac, sighex)
      || 0 != strcmp (tag, CP_TAG) || count < 0 || id < 0)
    return false;
  cp->count = count;
  cp->last_id = id;
  cp_body (cp, body, sizeof body);
  *why = "bad signature (not written with this audit key, or edited)";
  if (0 != sodium_hex2bin (sig, sizeof sig, sighex, strlen (sighex), NULL,
                           &n, NULL)
      || n != sizeof sig)
    return false;
  return 0 == crypto_sign_verify_detached (sig, (const unsigned char *) body,
                                           strlen (body), pk);
}

enum xj_err
xj_audit_checkpoints_load (const char *path, const struct xj_audit_key *k,
                           struct xj_audit_checkpoint **out, size_t *n,
                           char *detail, size_t dsize)
{
  unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
  char line[512];
  size_t cap = 0;
  unsigned lineno = 0;
  enum xj_err e = XJ_E_OK;
  FILE *fp = fopen (path, "r");

  *out = NULL;
  *n = 0;
  if (NULL == fp)
    return ENOENT == errno ? XJ_E_NOT_FOUND : XJ_E_IO;
  sign_keypair (k, pk, sk);
  sodium_memzero (sk, sizeof sk);
  while (fgets (line, sizeof line, fp))
    {
      struct xj_audit_checkpoint cp = { 0 };
      const char *why;

      lineno++;
      if (! cp_parse (line, pk, &cp, &why))
        {
          xj_snprintf (detail, dsize, "%s line %u: %s", path, lineno, why);
          e = XJ_E_AUDIT_CHECKPOINT;
          break;
        }
      cp.line = lineno;
      *XJ_VEC_PUSH (*out, *n, cap) = cp;
    }
  fclose (fp);
  if (XJ_E_OK == e && 0 == *n)
    {
      xj_snprintf (detail, dsize, "%s: no checkpoint in the file", path);
      e = XJ_E_AUDIT_CHECKPOINT;
    }
  return e;
}
