/* main.c -- `xueji` entry point: global options and the subcommand table.
 * Every subcommand lives in cmd_NAME.c with its help in help/NAME.txt.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "audit/audit.h"
#include "cli/cli.h"
#include "core/fault.h"
#include "core/util.h"
#include "help.h"
#include "user/user.h"

static const struct {
  const char *name;
  int (*fn) (int argc, char **argv, const struct xj_cli *g);
  const char *help;
  bool audited;  /* appends audit entries: checkpoint the head after it */
} commands[] = {
  { "init", xj_cmd_init, help_init, false },    /* checkpoints itself */
  { "serve", xj_cmd_serve, help_serve, false }, /* its own thread */
  { "demo", xj_cmd_demo, help_demo, false },
  { "gen", xj_cmd_gen, help_gen, true },
  { "user", xj_cmd_user, help_user, true },
  { "check", xj_cmd_check, help_check, false },
  { "backup", xj_cmd_backup, help_backup, false },
  { "routes", xj_cmd_routes, help_routes, false },
  { "import", xj_cmd_import, help_import, true },
  { "export", xj_cmd_export, help_export, true },
  { "migrate", xj_cmd_migrate, help_migrate, false }, /* checkpoints --to */
  /* hidden: not in help/xueji.txt (HACKING.md "Portable SQL") */
  { "sql-dump", xj_cmd_sqldump, help_sql_dump, false },
};

int
xj_cli_fail (const char *cmd, enum xj_err e, const char *detail)
{
  if (detail && *detail)
    fprintf (stderr, "xueji %s: %s: %s\n", cmd, xj_err_zh (e), detail);
  else
    fprintf (stderr, "xueji %s: %s (%s)\n", cmd, xj_err_zh (e),
             xj_err_en (e));
  return 1;
}

int
xj_cli_help (const char *help)
{
  fputs (help, stdout);
  return 0;
}

struct xj_db *
xj_cli_open_db (const char *cmd, const struct xj_cli *g)
{
  struct xj_db *db;
  enum xj_err e = xj_db_open (g->db_path, XJ_DB_OPEN_EXISTING, &db);

  if (XJ_E_OK != e)
    {
      xj_cli_fail (cmd, e, g->db_path);
      return NULL;
    }
  return db;
}

/* After a command that wrote audit entries, a signed checkpoint of the
   head (as the server writes every minute), so that deleting what the
   command recorded is found even when no server runs. */
static int
checkpoint_after (int rc, const struct xj_cli *g)
{
  struct xj_audit_key k;
  struct xj_db *db;

  if (0 != rc || XJ_E_OK != xj_db_open (g->db_path, XJ_DB_OPEN_EXISTING,
                                        &db))
    return rc;
  if (XJ_E_OK == xj_audit_key_get (db, &k)
      && XJ_E_OK != xj_audit_checkpoint_write (db, &k, NULL, NULL))
    fprintf (stderr, "xueji: warning: audit checkpoint not written\n");
  sodium_memzero (&k, sizeof k);
  xj_db_close (db);
  return rc;
}

int
main (int argc, char **argv)
{
  struct xj_cli g = { 0 };
  int i = 1;

  if (sodium_init () < 0)
    {
      fprintf (stderr, "xueji: cannot initialise libsodium\n");
      return 1;
    }
  if (getenv ("XJ_DEBUG"))
    xj_log_set_level (XJ_LOG_DEBUG);
  /* tests only: XJ_FAULT="commit:1" etc. (docs/internals/faults.md) */
  if (! xj_fault_from_env ())
    {
      fprintf (stderr, "xueji: XJ_FAULT must be alloc|write|fsync|commit:N\n");
      return 2;
    }
  /* tests only: XJ_PWHASH=min (src/user/password.c) */
  if (! xj_password_cost_from_env ())
    {
      fprintf (stderr, "xueji: XJ_PWHASH must be interactive or min\n");
      return 2;
    }
  g.db_path = getenv ("XUEJI_DB");
  if (NULL == g.db_path || '\0' == *g.db_path)
    g.db_path = "./xueji.db";
  for (; i < argc && '-' == argv[i][0]; i++)
    {
      if (0 == strcmp (argv[i], "--db") && i + 1 < argc)
        g.db_path = argv[++i];
      else if (0 == strncmp (argv[i], "--db=", 5))
        g.db_path = argv[i] + 5;
      else if (0 == strcmp (argv[i], "--help") || 0 == strcmp (argv[i], "-h"))
        return xj_cli_help (help_xueji);
      else if (0 == strcmp (argv[i], "--version"))
        {
          puts ("xueji 0.1");
          return 0;
        }
      else
        {
          fprintf (stderr, "xueji: unknown option %s (see xueji --help)\n",
                   argv[i]);
          return 2;
        }
    }
  if (i >= argc)
    {
      fputs (help_xueji, stderr);
      return 2;
    }
  /* --db is global but also accepted after the command */
  for (int j = i + 1; j < argc; j++)
    {
      int drop = 0;

      if (0 == strcmp (argv[j], "--db") && j + 1 < argc)
        {
          g.db_path = argv[j + 1];
          drop = 2;
        }
      else if (0 == strncmp (argv[j], "--db=", 5))
        {
          g.db_path = argv[j] + 5;
          drop = 1;
        }
      if (drop)
        {
          for (int k = j; k + drop <= argc; k++)
            argv[k] = argv[k + drop];
          argc -= drop;
          j--;
        }
    }
  for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++)
    if (0 == strcmp (commands[k].name, argv[i]))
      {
        for (int j = i + 1; j < argc; j++)
          if (0 == strcmp (argv[j], "--help") || 0 == strcmp (argv[j], "-h"))
            return xj_cli_help (commands[k].help);
        if (! commands[k].audited)
          return commands[k].fn (argc - i, argv + i, &g);
        return checkpoint_after (commands[k].fn (argc - i, argv + i, &g),
                                 &g);
      }
  fprintf (stderr, "xueji: unknown command %s (see xueji --help)\n", argv[i]);
  return 2;
}
