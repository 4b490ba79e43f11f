/* cmd_backup.c -- `xueji backup DEST`: online consistent copy, plus a
 * signed checkpoint of the copy's audit log in DEST.checkpoints so that
 * `xueji check` on the copy (given the key) also finds a truncated tail.
 */
#include <stdio.h>
#include <sodium.h>
#include "audit/audit.h"
#include "cli/cli.h"
#include "core/util.h"

/* Checkpoint the copy at @dest under the key of the original @db.  A
   database without a key (never served since the key came in) gets none. */
static enum xj_err
checkpoint_copy (struct xj_db *db, const char *dest)
{
  struct xj_audit_key k;
  struct xj_db *copy;
  char cp[XJ_AUDIT_PATH_MAX];
  enum xj_err e = xj_audit_key_get (db, &k);

  if (XJ_E_NOT_FOUND == e && ! xj_audit_head_keyed (db))
    return XJ_E_OK;
  if (XJ_E_OK != e)
    return e;
  if (! xj_snprintf (cp, sizeof cp, "%s.checkpoints", dest))
    return XJ_E_USAGE;
  e = xj_db_open (dest, XJ_DB_OPEN_EXISTING, &copy);
  if (XJ_E_OK == e)
    {
      e = xj_audit_checkpoint_write (copy, &k, cp, NULL);
      xj_db_close (copy);
    }
  if (XJ_E_OK == e)
    printf ("audit checkpoint of the copy written to %s; verify with\n"
            "  xueji --db %s check --key %s --checkpoints %s\n"
            "(keep the key apart from the copy)\n", cp, dest, k.path, cp);
  sodium_memzero (&k, sizeof k);
  return e;
}

int
xj_cmd_backup (int argc, char **argv, const struct xj_cli *g)
{
  struct xj_db *db;
  enum xj_err e;

  if (2 != argc)
    return xj_cli_fail ("backup", XJ_E_USAGE, "backup DEST");
  db = xj_cli_open_db ("backup", g);
  if (NULL == db)
    return 1;
  e = xj_db_backup (db, argv[1]);
  if (XJ_E_OK == e)
    printf ("backup written to %s\n", argv[1]);
  if (XJ_E_OK == e)
    e = checkpoint_copy (db, argv[1]);
  xj_db_close (db);
  if (XJ_E_OK != e)
    return xj_cli_fail ("backup", e, argv[1]);
  return 0;
}
