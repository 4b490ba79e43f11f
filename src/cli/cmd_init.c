/* cmd_init.c -- `xueji init`: new database, regions, first administrator. */
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

enum xj_err
xj_init_db (const char *path, const char *admin_password, bool *generated,
            char pw_out[32])
{
  struct xj_db *db;
  struct admin_ctx c;
  enum xj_err e;

  *generated = false;
  e = xj_db_open (path, XJ_DB_OPEN_CREATE, &db);
  if (XJ_E_OK != e)
    return e;
  e = xj_region_load_builtin (db);
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
  xj_db_close (db);
  if (XJ_E_OK != e)
    {
      /* never leave a half-made database behind */
      char side[1100];

      unlink (path);
      if (xj_snprintf (side, sizeof side, "%s-wal", path))
        unlink (side);
      if (xj_snprintf (side, sizeof side, "%s-shm", path))
        unlink (side);
    }
  return e;
}

int
xj_cmd_init (int argc, char **argv, const struct xj_cli *g)
{
  char pw[32];
  bool generated;
  enum xj_err e;

  (void) argv;
  if (argc > 1)
    return xj_cli_fail ("init", XJ_E_USAGE, "init takes no arguments");
  e = xj_init_db (g->db_path, getenv ("XUEJI_ADMIN_PASSWORD"), &generated, pw);
  if (XJ_E_OK != e)
    return xj_cli_fail ("init", e, g->db_path);
  printf ("created %s\n", g->db_path);
  if (generated)
    printf ("administrator: admin  password: %s  (shown once; change it with"
            " `xueji user passwd admin`)\n", pw);
  else
    printf ("administrator: admin  (password from $XUEJI_ADMIN_PASSWORD)\n");
  return 0;
}
