/* cmd_backup.c -- `xueji backup DEST`: online consistent copy. */
#include <stdio.h>
#include "cli/cli.h"

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
  xj_db_close (db);
  if (XJ_E_OK != e)
    return xj_cli_fail ("backup", e, argv[1]);
  printf ("backup written to %s\n", argv[1]);
  return 0;
}
