/* cmd_check.c -- `xueji check`: integrity and the audit hash chain. */
#include <stdio.h>
#include "audit/audit.h"
#include "cli/cli.h"

int
xj_cmd_check (int argc, char **argv, const struct xj_cli *g)
{
  struct xj_db *db;
  char report[4096];
  int64_t bad = 0, count = 0;
  enum xj_err e;
  int rc = 0;

  (void) argv;
  if (argc > 1)
    return xj_cli_fail ("check", XJ_E_USAGE, "check takes no arguments");
  db = xj_cli_open_db ("check", g);
  if (NULL == db)
    return 1;
  e = xj_db_integrity (db, report, sizeof report);
  if (XJ_E_OK != e)
    {
      fputs (report, stderr);
      rc = xj_cli_fail ("check", e, "SQLite integrity/foreign-key check");
    }
  else
    printf ("database integrity: ok (schema version %d)\n",
            xj_db_schema_version (db));
  e = xj_audit_verify (db, &bad, &count);
  if (XJ_E_AUDIT_BROKEN == e)
    {
      char d[64];

      snprintf (d, sizeof d, "first bad entry id %lld", (long long) bad);
      rc = xj_cli_fail ("check", e, d);
    }
  else if (XJ_E_OK != e)
    rc = xj_cli_fail ("check", e, NULL);
  else
    printf ("audit chain: ok (%lld entries)\n", (long long) count);
  xj_db_close (db);
  return rc;
}
