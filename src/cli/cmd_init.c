/* cmd_init.c -- `xueji init`: new database, regions, audit key and first
 * checkpoint, first administrator. */
#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "audit/audit.h"
#include "cli/cli.h"
#include "cli/init.h"
#include "core/util.h"
#include "region/region.h"
#include "user/user.h"

struct admin_ctx {
  const char *password;
};

static enum xj_err
admin_txn (struct xj_db *db, void *cls)
{
  struct admin_ctx *c = cls;
  struct xj_user_new n = { .username = "admin", .display_name = "系统管理员",
                           .password = c->password, .role = XJ_ROLE_ADMIN };
  struct xj_actor a = { 0, "cli", "cli" };
  int64_t id;
  enum xj_err e = xj_user_create (db, &n, &id);

  if (XJ_E_OK != e)
    return e;
  return xj_audit_append (db, &a, "init", "database", "1", NULL,
                          "{\"admin\":\"admin\"}");
}

static enum xj_err
paths_txn (struct xj_db *db, void *cls)
{
  const struct xj_init_files *f = cls;

  return xj_audit_paths_set (db, f->key_file, f->checkpoint_file);
}

/* The audit key (a new file: an old key or checkpoint file left at the
   path would not match this database) and its settings; *made tells the
   caller which files to remove on failure. */
static enum xj_err
init_audit (struct xj_db *db, const struct xj_init_files *f,
            struct xj_audit_files *made)
{
  bool created;
  enum xj_err e = xj_db_txn_run (db, "init_paths", true, &paths_txn,
                                 (void *) f);

  if (XJ_E_OK == e)
    e = xj_audit_paths (db, made);
  if (XJ_E_OK != e)
    return e;
  if (0 == access (made->key, F_OK) || 0 == access (made->checkpoints, F_OK))
    {
      XJ_ERROR ("%s or %s exists; refusing to reuse it", made->key,
                made->checkpoints);
      made->key[0] = made->checkpoints[0] = '\0';
      return XJ_E_DB_EXISTS;
    }
  return xj_audit_key_ensure (db, &created);
}

static void
remove_db (const char *path, const struct xj_audit_files *made)
{
  char side[1100];

  unlink (path);
  if (xj_snprintf (side, sizeof side, "%s-wal", path))
    unlink (side);
  if (xj_snprintf (side, sizeof side, "%s-shm", path))
    unlink (side);
  if (made->key[0])
    unlink (made->key);
  if (made->checkpoints[0])
    unlink (made->checkpoints);
}

enum xj_err
xj_init_db (const char *path, const struct xj_init_files *files,
            const char *admin_password, bool *generated, char pw_out[32])
{
  static const struct xj_init_files none = { NULL, NULL };
  struct xj_audit_files made = { "", "" };
  struct xj_db *db;
  struct admin_ctx c;
  enum xj_err e;

  *generated = false;
  /* a refused password is refused before anything is made: a PostgreSQL
     database cannot be removed by the connection that filled it, and
     remove_db only removes files */
  if (NULL != admin_password && '\0' != *admin_password
      && XJ_E_OK != (e = xj_password_policy ("admin", admin_password)))
    return e;
  e = xj_db_open (path, XJ_DB_OPEN_CREATE, &db);
  if (XJ_E_OK != e)
    return e;
  e = xj_region_load_builtin (db);
  if (XJ_E_OK == e)
    e = init_audit (db, files ? files : &none, &made);
  if (XJ_E_OK == e)
    {
      if (NULL == admin_password || '\0' == *admin_password)
        {
          unsigned char b[12];

          randombytes_buf (b, sizeof b);
          sodium_bin2base64 (pw_out, 32, b, sizeof b,
                             sodium_base64_VARIANT_URLSAFE_NO_PADDING);
          admin_password = pw_out;
          *generated = true;
        }
      c.password = admin_password;
      e = xj_db_txn_run (db, "init_admin", true, &admin_txn, &c);
    }
  if (XJ_E_OK == e)
    e = xj_audit_checkpoint_write (db, NULL, NULL, NULL);
  xj_db_close (db);
  if (XJ_E_OK != e)
    remove_db (path, &made); /* never leave a half-made database behind */
  return e;
}

/* Name the files beside the database that must be kept (and copied off
   the machine: see docs/internals/audit.md). */
static void
print_files (const char *path)
{
  struct xj_audit_files f;
  struct xj_db *db;

  if (XJ_E_OK != xj_db_open (path, XJ_DB_OPEN_EXISTING, &db))
    return;
  if (XJ_E_OK == xj_audit_paths (db, &f))
    printf ("audit key: %s (0600; keep it, not in backups of the database)\n"
            "audit checkpoints: %s (append-only; copy it off this machine)\n",
            f.key, f.checkpoints);
  xj_db_close (db);
}

int
xj_cmd_init (int argc, char **argv, const struct xj_cli *g)
{
  static const struct option opts[] = {
    { "audit-key", required_argument, NULL, 'k' },
    { "checkpoints", required_argument, NULL, 'c' },
    { NULL, 0, NULL, 0 }
  };
  struct xj_init_files f = { NULL, NULL };
  char pw[32];
  bool generated;
  enum xj_err e;
  int opt;

  optind = 1;
  while (-1 != (opt = getopt_long (argc, argv, "", opts, NULL)))
    {
      if ('k' == opt)
        f.key_file = optarg;
      else if ('c' == opt)
        f.checkpoint_file = optarg;
      else
        return xj_cli_fail ("init", XJ_E_USAGE, "see --help");
    }
  if (optind < argc)
    return xj_cli_fail ("init", XJ_E_USAGE, argv[optind]);
  e = xj_init_db (g->db_path, &f, getenv ("XUEJI_ADMIN_PASSWORD"),
                  &generated, pw);
  if (XJ_E_OK != e)
    return xj_cli_fail ("init", e, g->db_path);
  printf ("created %s\n", g->db_path);
  print_files (g->db_path);
  if (generated)
    printf ("administrator: admin  password: %s  (shown once; change it with"
            " `xueji user passwd admin`)\n", pw);
  else
    printf ("administrator: admin  (password from $XUEJI_ADMIN_PASSWORD)\n");
  return 0;
}
