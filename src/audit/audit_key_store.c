/* audit_key_store.c -- the statements of audit_key.c: the settings that
 * name the key and checkpoint files, and the head and size of the log
 * that a checkpoint signs.  Storage only: defaults, files and signatures
 * stay in audit_key.c.
 */
#include <string.h>
#include "audit/audit.h"
#include "core/util.h"

XJ_DB_STMT (st_audit_paths,
            "SELECT key, value FROM settings WHERE key IN"
            " ('audit.key_file', 'audit.checkpoint_file')")
XJ_DB_STMT (st_audit_path_put,
            "INSERT INTO settings (key, value) VALUES ($1, $2)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value")
XJ_DB_STMT (st_audit_head,
            "SELECT id, coalesce(mac, hash) FROM audit_log"
            " ORDER BY id DESC LIMIT 1")
XJ_DB_STMT (st_audit_total, "SELECT count(*) FROM audit_log")

static int
paths_row (void *cls, const struct xj_db_row *r)
{
  struct xj_audit_files *f = cls;
  const char *v = xj_db_text (r, 1);

  if ('\0' == *v)
    return 0;
  if (0 == strcmp (xj_db_text (r, 0), "audit.key_file"))
    xj_strlcpy (f->key, v, sizeof f->key);
  else
    xj_strlcpy (f->checkpoints, v, sizeof f->checkpoints);
  return 0;
}

enum xj_err
xj_audit_store_paths (struct xj_db *db, struct xj_audit_files *out)
{
  enum xj_qs qs;

  out->key[0] = '\0';
  out->checkpoints[0] = '\0';
  qs = xj_db_q (db, &st_audit_paths, XJ_DB_NOPARAMS, &paths_row, out);
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

enum xj_err
xj_audit_store_path_put (struct xj_db *db, const char *setting,
                         const char *path)
{
  enum xj_qs qs = xj_db_q (db, &st_audit_path_put,
                           XJ_DB_PARAMS (XJ_DB_S (setting), XJ_DB_S (path)),
                           NULL, NULL);

  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

static int
head_row (void *cls, const struct xj_db_row *r)
{
  struct xj_audit_checkpoint *cp = cls;

  cp->last_id = xj_db_int (r, 0);
  xj_strlcpy (cp->mac, xj_db_text (r, 1), sizeof cp->mac);
  return 1;
}

enum xj_err
xj_audit_store_head (struct xj_db *db, struct xj_audit_checkpoint *cp)
{
  enum xj_qs qs;

  cp->last_id = 0;
  xj_strlcpy (cp->mac, "-", sizeof cp->mac);
  qs = xj_db_q (db, &st_audit_head, XJ_DB_NOPARAMS, &head_row, cp);
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

static int
count_row (void *cls, const struct xj_db_row *r)
{
  *(int64_t *) cls = xj_db_int (r, 0);
  return 1;
}

enum xj_err
xj_audit_store_count (struct xj_db *db, int64_t *n)
{
  enum xj_qs qs;

  *n = 0;
  qs = xj_db_q (db, &st_audit_total, XJ_DB_NOPARAMS, &count_row, n);
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}
