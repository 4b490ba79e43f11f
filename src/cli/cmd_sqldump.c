/* cmd_sqldump.c -- `xueji sql-dump` (hidden): every registered statement
 * as a JSON line {name, auth, sql}, for tools/pg-check-sql.sh.  Sorted by
 * name so that two dumps diff cleanly.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"

static int
by_name (const void *a, const void *b)
{
  const struct xj_db_stmt *const *x = a;
  const struct xj_db_stmt *const *y = b;

  return strcmp ((*x)->name, (*y)->name);
}

static int
print_stmt (const struct xj_db_stmt *st)
{
  json_t *o = json_pack ("{s:s, s:b, s:s}", "name", st->name,
                         "auth", st->auth, "sql", st->sql);
  char *s = o ? json_dumps (o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;

  json_decref (o);
  if (NULL == s)
    return -1;
  puts (s);
  free (s);
  return 0;
}

int
xj_cmd_sqldump (int argc, char **argv, const struct xj_cli *g)
{
  const struct xj_db_stmt **v;
  size_t n = 0;
  int rc = 0;

  (void) g;
  if (argc > 1)
    return xj_cli_fail ("sql-dump", XJ_E_USAGE, argv[1]);
  for (const struct xj_db_stmt *st = xj_db_stmt_first (); st; st = st->next)
    n++;
  v = calloc (n ? n : 1, sizeof *v);
  if (NULL == v)
    return xj_cli_fail ("sql-dump", XJ_E_INTERNAL, NULL);
  n = 0;
  for (const struct xj_db_stmt *st = xj_db_stmt_first (); st; st = st->next)
    v[n++] = st;
  qsort (v, n, sizeof *v, &by_name);
  for (size_t i = 0; i < n && 0 == rc; i++)
    rc = print_stmt (v[i]);
  free (v);
  return 0 == rc ? 0 : xj_cli_fail ("sql-dump", XJ_E_INTERNAL, NULL);
}
