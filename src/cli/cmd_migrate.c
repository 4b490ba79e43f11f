/* cmd_migrate.c -- `xueji migrate --from COUNTY.db --to URL`: consolidate
 * one county's registry into a provincial database (consolidate.h,
 * docs/deploy-postgres.md "Consolidating counties").  --db is not used:
 * both databases are named.
 */
#include <getopt.h>
#include <stdio.h>
#include "cli/cli.h"
#include "consolidate/consolidate.h"
#include "core/util.h"

#define USAGE "migrate --from COUNTY.db --to postgresql://... [--skip-conflicts]"

static void
print_line (void *cls, const char *text)
{
  (void) cls;
  printf ("%s\n", text);
}

static void
print_result (const char *from, const char *to,
              const struct xj_cons_result *res)
{
  if (res->already)
    {
      printf ("nothing copied: %s (county %s) was consolidated into %s at %s"
              " (%lld students, %lld audit entries); 未重复合并\n", from,
              res->county, to, res->at, (long long) res->students,
              (long long) res->entries);
      return;
    }
  printf ("consolidated county %s from %s: %lld students copied, %lld left"
          " out (conflicts), %lld audit entries appended (source head %s)\n",
          res->county, from, (long long) res->students,
          (long long) res->skipped, (long long) res->entries,
          res->source_head);
  printf ("target audit chain verified: %lld entries\n",
          (long long) res->target.count);
}

/* A signed checkpoint of the target's new head, as after any command
   that appends audit entries (main.c checkpoints --db, not --to). */
static void
checkpoint (struct xj_db *dst)
{
  struct xj_audit_key k;

  if (XJ_E_OK == xj_audit_key_get (dst, &k)
      && XJ_E_OK != xj_audit_checkpoint_write (dst, &k, NULL, NULL))
    fprintf (stderr, "xueji migrate: warning: audit checkpoint not"
             " written\n");
}

static int
run (const char *from, const char *to, bool skip)
{
  static const struct xj_actor actor = { 0, "cli", "cli" };
  struct xj_cons_opts o = { .source_path = from, .skip_conflicts = skip,
                            .actor = &actor, .line = &print_line };
  struct xj_cons_result res;
  struct xj_db *src, *dst;
  enum xj_err e = xj_db_open (from, XJ_DB_OPEN_EXISTING, &src);

  if (XJ_E_OK != e)
    return xj_cli_fail ("migrate", e, from);
  if (XJ_E_OK != (e = xj_db_open (to, XJ_DB_OPEN_EXISTING, &dst)))
    {
      xj_db_close (src);
      return xj_cli_fail ("migrate", e, to);
    }
  e = xj_consolidate (src, dst, &o, &res);
  if (XJ_E_OK == e)
    print_result (from, to, &res);
  if (XJ_E_OK == e && ! res.already)
    checkpoint (dst);
  xj_db_close (dst);
  xj_db_close (src);
  if (XJ_E_OK != e)
    return xj_cli_fail ("migrate", e, res.detail);
  return 0;
}

int
xj_cmd_migrate (int argc, char **argv, const struct xj_cli *g)
{
  static const struct option opts[] = {
    { "from", required_argument, NULL, 'f' },
    { "to", required_argument, NULL, 't' },
    { "skip-conflicts", no_argument, NULL, 's' },
    { NULL, 0, NULL, 0 },
  };
  const char *from = NULL, *to = NULL;
  bool skip = false;
  int opt;

  (void) g;
  optind = 1;
  while (-1 != (opt = getopt_long (argc, argv, "", opts, NULL)))
    switch (opt)
      {
      case 'f':
        from = optarg;
        break;
      case 't':
        to = optarg;
        break;
      case 's':
        skip = true;
        break;
      default:
        return xj_cli_fail ("migrate", XJ_E_USAGE, USAGE);
      }
  if (NULL == from || NULL == to || optind != argc)
    return xj_cli_fail ("migrate", XJ_E_USAGE, USAGE);
  return run (from, to, skip);
}
