/* cmd_user.c -- `xueji user add|passwd|list`. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "audit/audit.h"
#include "cli/cli.h"
#include "core/util.h"
#include "region/region.h"
#include "school/school.h"
#include "student/student.h"
#include "user/user.h"

/* Password from $XUEJI_PASSWORD or the first line of stdin. */
static bool
read_password (char *buf, size_t size)
{
  const char *env = getenv ("XUEJI_PASSWORD");

  if (env && *env)
    return xj_strlcpy (buf, env, size);
  if (NULL == fgets (buf, (int) size, stdin))
    return false;
  buf[strcspn (buf, "\r\n")] = '\0';
  return true;
}

struct add_ctx {
  struct xj_user_spec s;
  struct xj_verrs errs;
};

/* The same rules as the API (xj_user_admin_create), as the system. */
static enum xj_err
add_txn (struct xj_db *db, void *cls)
{
  struct add_ctx *c = cls;
  struct xj_actor a = { 0, "cli", "cli" };
  int64_t id;

  c->errs.n = 0;
  return xj_user_admin_create (db, &a, NULL, &c->s, &c->errs, &id);
}

static int
user_add (int argc, char **argv, struct xj_db *db)
{
  static const struct option opts[] = {
    { "role", required_argument, NULL, 'r' },
    { "name", required_argument, NULL, 'n' },
    { "region", required_argument, NULL, 'g' },
    { "school", required_argument, NULL, 's' },
    { "class", required_argument, NULL, 'c' },
    { NULL, 0, NULL, 0 }
  };
  struct add_ctx c = { 0 };
  char pw[256];
  int opt;
  int64_t v;
  enum xj_err e;

  optind = 2;
  while (-1 != (opt = getopt_long (argc, argv, "", opts, NULL)))
    switch (opt)
      {
      case 'r':
        c.s.role = xj_role_from_name (optarg);
        break;
      case 'n':
        c.s.display_name = optarg;
        break;
      case 'g':
        c.s.region_code = optarg;
        break;
      case 's':
        c.s.school_code = optarg;
        break;
      case 'c':
        if (! xj_parse_i64 (optarg, &v) || v <= 0
            || c.s.nclasses >= XJ_USER_MAX_CLASSES)
          return xj_cli_fail ("user", XJ_E_USAGE, optarg);
        c.s.class_ids[c.s.nclasses++] = v;
        break;
      default:
        return xj_cli_fail ("user", XJ_E_USAGE, "see xueji user --help");
      }
  if (optind + 1 != argc || XJ_ROLE_NONE == c.s.role)
    return xj_cli_fail ("user", XJ_E_USAGE,
                        "user add USERNAME --role admin|bureau|registrar|teacher");
  c.s.username = argv[optind];
  if (! read_password (pw, sizeof pw))
    return xj_cli_fail ("user", XJ_E_USAGE, "no password given");
  c.s.password = pw;
  e = xj_db_txn_run (db, "user_add", true, &add_txn, &c);
  if (XJ_E_VALIDATION == e && c.errs.n)
    return xj_cli_fail ("user", c.errs.e[0].code, c.errs.e[0].field);
  if (XJ_E_OK != e)
    return xj_cli_fail ("user", e, c.s.username);
  printf ("added %s (%s)\n", c.s.username, xj_role_name (c.s.role));
  return 0;
}

struct pw_ctx {
  const char *username, *password;
};

static enum xj_err
passwd_txn (struct xj_db *db, void *cls)
{
  struct pw_ctx *c = cls;
  struct xj_actor a = { 0, "cli", "cli" };
  enum xj_err e = xj_user_set_password (db, c->username, c->password, NULL);

  if (XJ_E_OK != e)
    return e;
  return xj_audit_append (db, &a, "user.passwd", "user", c->username, NULL,
                          NULL);
}

static void
list_cb (void *cls, const struct xj_user *u, bool disabled)
{
  (void) cls;
  printf ("%-6lld %-16s %-10s %-8s %-10lld %s%s\n", (long long) u->id,
          u->username, xj_role_name (u->role),
          u->region_code[0] ? u->region_code : "-", (long long) u->school_id,
          u->display_name, disabled ? " (disabled)" : "");
}

int
xj_cmd_user (int argc, char **argv, const struct xj_cli *g)
{
  struct xj_db *db;
  int rc = 0;

  if (argc < 2)
    return xj_cli_fail ("user", XJ_E_USAGE, "user add|passwd|list");
  db = xj_cli_open_db ("user", g);
  if (NULL == db)
    return 1;
  if (0 == strcmp (argv[1], "add"))
    rc = user_add (argc, argv, db);
  else if (0 == strcmp (argv[1], "passwd") && 3 == argc)
    {
      char pw[256];
      struct pw_ctx c = { argv[2], pw };
      enum xj_err e;

      if (! read_password (pw, sizeof pw))
        rc = xj_cli_fail ("user", XJ_E_USAGE, "no password given");
      else if (XJ_E_OK != (e = xj_db_txn_run (db, "user_passwd", true,
                                               &passwd_txn, &c)))
        rc = xj_cli_fail ("user", e, argv[2]);
      else
        printf ("password changed for %s\n", argv[2]);
    }
  else if (0 == strcmp (argv[1], "list") && 2 == argc)
    {
      printf ("%-6s %-16s %-10s %-8s %-10s %s\n", "id", "username", "role",
              "region", "school_id", "name");
      if (XJ_E_OK != xj_user_list (db, &list_cb, NULL))
        rc = xj_cli_fail ("user", XJ_E_DB, NULL);
    }
  else
    rc = xj_cli_fail ("user", XJ_E_USAGE, "user add|passwd|list");
  xj_db_close (db);
  return rc;
}
