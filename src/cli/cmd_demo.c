/* cmd_demo.c -- `xueji demo`: first run creates the demo county 阳山县
 * (441823) with synthetic schools, students and demo users; every run
 * serves and prints the demo log-ins.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "audit/audit.h"
#include "cli/cli.h"
#include "cli/init.h"
#include "cli/serve.h"
#include "core/util.h"
#include "gen/gen.h"
#include "klass/klass.h"
#include "school/school.h"
#include "user/user.h"

#define DEMO_COUNTY "441823"
#define DEMO_PASSWORD "xueji-demo-2026"

struct first_schools {
  int64_t id[2];
  unsigned n;
};

static int
school_cb (void *cls, const struct xj_school_row *r)
{
  struct first_schools *f = cls;

  if (f->n < 2)
    f->id[f->n++] = r->s.id;
  return f->n >= 2;
}

static int
class_cb (void *cls, const struct xj_class_row *r)
{
  *(int64_t *) cls = r->c.id;
  return 1;
}

struct users_ctx {
  struct first_schools fs;
  int64_t class_id;
};

static enum xj_err
users_txn (struct xj_db *db, void *cls)
{
  struct users_ctx *c = cls;
  const struct xj_user_new users[] = {
    { "qy_bureau", "清远市教育局", DEMO_PASSWORD, XJ_ROLE_BUREAU, "4418", 0 },
    { "ys_bureau", "阳山县教育局", DEMO_PASSWORD, XJ_ROLE_BUREAU, DEMO_COUNTY, 0 },
    { "ys_reg1", "学籍管理员（一校）", DEMO_PASSWORD, XJ_ROLE_REGISTRAR, NULL,
      c->fs.id[0] },
    { "ys_reg2", "学籍管理员（二校）", DEMO_PASSWORD, XJ_ROLE_REGISTRAR, NULL,
      c->fs.n > 1 ? c->fs.id[1] : c->fs.id[0] },
    { "ys_teacher1", "班主任", DEMO_PASSWORD, XJ_ROLE_TEACHER, NULL,
      c->fs.id[0] },
  };
  struct xj_actor a = { 0, "cli", "cli" };
  int64_t id = 0;
  enum xj_err e;

  for (size_t i = 0; i < sizeof users / sizeof users[0]; i++)
    {
      e = xj_user_create (db, &users[i], &id);
      if (XJ_E_OK != e)
        return e;
      e = xj_audit_append (db, &a, "user.add", "user", users[i].username,
                           NULL, NULL);
      if (XJ_E_OK != e)
        return e;
    }
  /* the last one is the teacher */
  if (c->class_id)
    return xj_user_add_class (db, id, c->class_id);
  return XJ_E_OK;
}

static enum xj_err
create_demo (const struct xj_cli *g, const struct xj_serve_opts *o)
{
  char pw[32];
  bool generated;
  struct xj_db *db;
  struct xj_gen_opts go = {
    .county = DEMO_COUNTY,
    .schools = o->schools ? o->schools : 30,
    .students = o->students ? o->students : 20000,
    .seed = o->seed ? o->seed : 441823,
  };
  struct xj_gen_result gr;
  struct xj_school_filter f = { .region = DEMO_COUNTY, .limit = 2 };
  struct users_ctx uc = { 0 };
  enum xj_err e;

  e = xj_init_db (g->db_path, NULL, DEMO_PASSWORD, &generated, pw);
  if (XJ_E_OK != e)
    return e;
  e = xj_db_open (g->db_path, XJ_DB_OPEN_EXISTING, &db);
  if (XJ_E_OK != e)
    return e;
  printf ("xueji demo: generating %u schools and %lu students in 阳山县...\n",
          go.schools, go.students);
  fflush (stdout);
  e = xj_gen_run (db, &go, &gr);
  if (XJ_E_OK == e)
    e = xj_school_list (db, &f, &school_cb, &uc.fs, NULL);
  if (XJ_E_OK == e && 0 == uc.fs.n)
    e = XJ_E_NOT_FOUND;
  if (XJ_E_OK == e)
    e = xj_class_list (db, uc.fs.id[0], 0, NULL, &class_cb, &uc.class_id);
  if (XJ_E_OK == e)
    e = xj_db_txn_run (db, "demo_users", true, &users_txn, &uc);
  xj_db_close (db);
  if (XJ_E_OK != e)
    {
      char side[1100];

      unlink (g->db_path);
      /* init made these beside the database; a retry makes new ones */
      xj_db_side_path (g->db_path, ".auditkey", side, sizeof side);
      unlink (side);
      xj_db_side_path (g->db_path, ".checkpoints", side, sizeof side);
      unlink (side);
    }
  return e;
}

static const char banner[] =
  "demo log-ins (password " DEMO_PASSWORD "):\n"
  "  admin        系统管理员 (everything)\n"
  "  qy_bureau    清远市教育局 (city bureau)\n"
  "  ys_bureau    阳山县教育局 (county bureau)\n"
  "  ys_reg1      学籍管理员, first school of 阳山县\n"
  "  ys_reg2      学籍管理员, second school\n"
  "  ys_teacher1  班主任, first class of the first school (read-only)\n";

int
xj_cmd_demo (int argc, char **argv, const struct xj_cli *g)
{
  struct xj_serve_opts o = { 0 };
  enum xj_err e;

  if (0 != xj_serve_args ("demo", argc, argv, &o))
    return 2;
  /* a database that exists (a file, or a PostgreSQL database init made)
     is served as it is */
  e = create_demo (g, &o);
  if (XJ_E_OK == e)
    printf ("xueji demo: created %s\n", g->db_path);
  else if (XJ_E_DB_EXISTS != e)
    return xj_cli_fail ("demo", e, g->db_path);
  return xj_serve_run ("demo", g, &o, banner);
}
