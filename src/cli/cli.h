/* cli.h -- shared bits of the subcommands (src/cli/cmd_*.c).
 *
 * Each subcommand is `int xj_cmd_NAME (int argc, char **argv,
 * const struct xj_cli *g)`, listed in main.c's table, with its help text
 * in src/cli/help/NAME.txt (embedded as help_NAME, also the man page).
 * argv[0] is the subcommand name; options are parsed with getopt_long.
 * Return 0 on success; on error print ONE line "xueji NAME: reason" to
 * stderr and return non-zero.
 */
#ifndef XJ_CLI_H
#define XJ_CLI_H

#include "db/db.h"

struct xj_cli {
  const char *db_path;  /* --db, $XUEJI_DB, or ./xueji.db */
};

/* Print "xueji CMD: message" (message from the error registry, plus an
   optional detail) to stderr.  Returns 1 for `return xj_cli_fail (...)`. */
int xj_cli_fail (const char *cmd, enum xj_err e, const char *detail);
/* Print the help text @help to stdout, return 0. */
int xj_cli_help (const char *help);
/* Open the database (must exist) or print the error; NULL on failure. */
struct xj_db *xj_cli_open_db (const char *cmd, const struct xj_cli *g);

int xj_cmd_init (int argc, char **argv, const struct xj_cli *g);
int xj_cmd_serve (int argc, char **argv, const struct xj_cli *g);
int xj_cmd_demo (int argc, char **argv, const struct xj_cli *g);
int xj_cmd_gen (int argc, char **argv, const struct xj_cli *g);
int xj_cmd_user (int argc, char **argv, const struct xj_cli *g);
int xj_cmd_check (int argc, char **argv, const struct xj_cli *g);
int xj_cmd_backup (int argc, char **argv, const struct xj_cli *g);
int xj_cmd_routes (int argc, char **argv, const struct xj_cli *g);
int xj_cmd_import (int argc, char **argv, const struct xj_cli *g);
int xj_cmd_export (int argc, char **argv, const struct xj_cli *g);
int xj_cmd_migrate (int argc, char **argv, const struct xj_cli *g);
int xj_cmd_sqldump (int argc, char **argv, const struct xj_cli *g);

#endif
