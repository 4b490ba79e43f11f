/* cmd_check.c -- `xueji check`: integrity, the audit hash and MAC chains,
 * and the signed checkpoints.  Each problem is one line on stderr.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <sodium.h>
#include "attend/attend.h"
#include "audit/audit.h"
#include "cli/cli.h"
#include "core/util.h"
#include "klass/class_size.h"
#include "student/identity.h"
#include "student/student_store.h"

struct check_opts {
  struct xj_audit_files f;
  struct xj_audit_key key;
  bool have_key;
  struct xj_audit_checkpoint *cps;
  size_t ncp;
};

static int
parse_args (int argc, char **argv, const char **key, const char **cp)
{
  static const struct option opts[] = {
    { "key", required_argument, NULL, 'k' },
    { "checkpoints", required_argument, NULL, 'c' },
    { NULL, 0, NULL, 0 }
  };
  int c;

  optind = 1;
  while (-1 != (c = getopt_long (argc, argv, "", opts, NULL)))
    {
      if ('k' == c)
        *key = optarg;
      else if ('c' == c)
        *cp = optarg;
      else
        return xj_cli_fail ("check", XJ_E_USAGE, "see --help");
    }
  if (optind < argc)
    return xj_cli_fail ("check", XJ_E_USAGE, argv[optind]);
  return 0;
}

/* The key: a keyed log without its key is a failure; a log that was
   never keyed (an old database not yet served) only gets a warning. */
static int
load_key (struct xj_db *db, struct check_opts *o)
{
  char d[XJ_AUDIT_PATH_MAX + 128], pk[65];
  enum xj_err e = xj_audit_key_load (o->f.key, &o->key);

  if (XJ_E_OK == e)
    {
      o->have_key = true;
      xj_audit_public_key (&o->key, pk);
      printf ("audit key: %s (checkpoints signed by %s)\n", o->f.key, pk);
      return 0;
    }
  if (XJ_E_NOT_FOUND == e && ! xj_audit_head_keyed (db))
    {
      printf ("audit key: none at %s (entries are hash-chained only;"
              " `xueji serve` creates the key)\n", o->f.key);
      return 0;
    }
  xj_snprintf (d, sizeof d, "%s: %s; the MACs cannot be verified (--key"
               " FILE names the key)", o->f.key,
               XJ_E_NOT_FOUND == e ? "no such file" : "cannot use it");
  return xj_cli_fail ("check", XJ_E_AUDIT_KEY, d);
}

static int
load_checkpoints (struct check_opts *o)
{
  char d[XJ_AUDIT_PATH_MAX + 256];
  enum xj_err e;

  if (! o->have_key)
    return 0;
  e = xj_audit_checkpoints_load (o->f.checkpoints, &o->key, &o->cps,
                                 &o->ncp, d, sizeof d);
  if (XJ_E_NOT_FOUND == e)
    {
      xj_snprintf (d, sizeof d, "%s: no such file; deleting the newest"
                   " entries cannot be detected (--checkpoints FILE names"
                   " a copy)", o->f.checkpoints);
      e = XJ_E_AUDIT_CHECKPOINT;
    }
  return XJ_E_OK == e ? 0 : xj_cli_fail ("check", e, d);
}

static int
check_audit (struct xj_db *db, struct check_opts *o)
{
  struct xj_audit_report rep;
  enum xj_err e = xj_audit_verify_full (db, o->have_key ? &o->key : NULL,
                                        o->cps, o->ncp, &rep);

  if (XJ_E_OK != e)
    return xj_cli_fail ("check", e, rep.detail[0] ? rep.detail : NULL);
  printf ("audit chain: ok (%lld entries, %lld of them before the key;"
          " MACs %s)\n", (long long) rep.count, (long long) rep.unkeyed,
          o->have_key ? "verified" : "not verified");
  if (o->ncp)
    printf ("audit checkpoints: ok (%zu in %s; newest %s; %lld entries"
            " since)\n", o->ncp, o->f.checkpoints, o->cps[o->ncp - 1].at,
            (long long) rep.after_cp);
  return 0;
}

struct diff_n {
  int64_t n;
};

static void
enrol_diff (void *cls, const struct xj_enrol_diff *d)
{
  struct diff_n *c = cls;

  if (c->n++ >= 20)
    return;
  if (d->day)
    fprintf (stderr, "enrol_counts school %lld grade %s gender %d day %s:"
             " kept %lld, recounted %lld\n", (long long) d->school_id,
             d->grade, d->gender, d->day, (long long) d->kept,
             (long long) d->recounted);
  else
    fprintf (stderr, "class_counts class %lld school %lld grade %s: kept"
             " %lld, recounted %lld\n", (long long) d->class_id,
             (long long) d->school_id, d->grade, (long long) d->kept,
             (long long) d->recounted);
}

static void
absence_diff (void *cls, const struct xj_att_diff *d)
{
  struct diff_n *c = cls;

  if (c->n++ < 20)
    fprintf (stderr, "absence_counts region '%s' day %d: kept %lld students"
             " %lld half-days, recounted %lld students %lld half-days\n",
             d->region, d->day, (long long) d->kept_students,
             (long long) d->kept_halfdays, (long long) d->students,
             (long long) d->halfdays);
}

/* The counts the database keeps for the dashboard, recounted from the
   records they summarise. */
static int
check_counts (struct xj_db *db)
{
  struct diff_n en = { 0 }, ab = { 0 };
  int64_t firsts = 0;
  char d[160];
  enum xj_err e = xj_enrol_counts_check (db, &enrol_diff, &en);

  if (XJ_E_OK == e)
    e = xj_att_counts_check (db, &firsts, &absence_diff, &ab);
  if (XJ_E_OK != e)
    return xj_cli_fail ("check", e, "recounting the dashboard's counts");
  if (en.n || ab.n || firsts)
    {
      xj_snprintf (d, sizeof d, "enrol_counts, class_counts: %lld rows differ;"
                   " absence_counts: %lld; absence_firsts: %lld",
                   (long long) en.n, (long long) ab.n, (long long) firsts);
      return xj_cli_fail ("check", XJ_E_COUNTS_DIFFER, d);
    }
  printf ("dashboard counts: ok (enrolment, absences)\n");
  return 0;
}

/* The name search's index, recomputed from the names. */
static int
check_name_grams (struct xj_db *db)
{
  int64_t missing, extra;
  char d[160];
  enum xj_err e = xj_student_grams_check (db, &missing, &extra);

  if (XJ_E_OK != e)
    return xj_cli_fail ("check", e, "recomputing the name search's index");
  if (missing || extra)
    {
      xj_snprintf (d, sizeof d, "student_name_grams: %lld missing, %lld"
                   " not of any name", (long long) missing,
                   (long long) extra);
      return xj_cli_fail ("check", XJ_E_NAME_INDEX_DIFFERS, d);
    }
  printf ("name search index: ok\n");
  return 0;
}

/* The tables that keep ID and registry numbers unique (migration 0038),
   recomputed from the records. */
static int
check_identities (struct xj_db *db)
{
  struct xj_identity_diff f;
  char d[200];
  enum xj_err e = xj_identity_tables_check (db, &f);

  if (XJ_E_OK != e)
    return xj_cli_fail ("check", e, "comparing the identity tables");
  if (f.ids_missing || f.ids_extra || f.nos_missing || f.nos_extra)
    {
      xj_snprintf (d, sizeof d, "student_identities: %lld missing, %lld"
                   " of no record; registry_numbers: %lld missing, %lld of"
                   " no record", (long long) f.ids_missing,
                   (long long) f.ids_extra, (long long) f.nos_missing,
                   (long long) f.nos_extra);
      return xj_cli_fail ("check", XJ_E_IDENTITIES_DIFFER, d);
    }
  printf ("identity tables: ok\n");
  return 0;
}

/* A check that counts rows in the wrong (@count): "@name: ok", or the
   count in @what's words (@doing if it could not count) under @code. */
struct row_check {
  enum xj_err (*count) (struct xj_db *db, int64_t *rows);
  const char *name;
  const char *doing;
  const char *what;   /* after the number */
  enum xj_err code;
};

static int
check_rows (struct xj_db *db, const struct row_check *c)
{
  int64_t rows;
  char d[160];
  enum xj_err e = c->count (db, &rows);

  if (XJ_E_OK != e)
    return xj_cli_fail ("check", e, c->doing);
  if (rows)
    {
      xj_snprintf (d, sizeof d, "%lld %s", (long long) rows, c->what);
      return xj_cli_fail ("check", c->code, d);
    }
  printf ("%s: ok\n", c->name);
  return 0;
}

/* The province of every registry row (migration 0039) against its
   record's; the references to another record that no foreign key guards
   on PostgreSQL since students is partitioned (migration 0040). */
static const struct row_check row_checks[] = {
  { xj_province_check, "provinces", "comparing the provinces",
    "registry rows in another province than their record's",
    XJ_E_PROVINCE_DIFFERS },
  { xj_province_refs_check, "references", "reading flagged and merged"
    " records", "duplicate flags or merges name a record that does not"
    " exist", XJ_E_REFERENCE_MISSING },
};

int
xj_cmd_check (int argc, char **argv, const struct xj_cli *g)
{
  struct check_opts o = { 0 };
  const char *key = NULL, *cp = NULL;
  struct xj_db *db;
  char report[4096];
  enum xj_err e;
  int rc;

  if (0 != parse_args (argc, argv, &key, &cp))
    return 2;
  db = xj_cli_open_db ("check", g);
  if (NULL == db)
    return 1;
  rc = 0;
  e = xj_db_integrity (db, report, sizeof report);
  if (XJ_E_OK != e)
    {
      fputs (report, stderr);
      rc = xj_cli_fail ("check", e, "SQLite integrity/foreign-key check");
    }
  else
    printf ("database integrity: ok (schema version %d)\n",
            xj_db_schema_version (db));
  rc |= check_counts (db);
  rc |= check_name_grams (db);
  rc |= check_identities (db);
  for (size_t i = 0; i < sizeof row_checks / sizeof row_checks[0]; i++)
    rc |= check_rows (db, &row_checks[i]);
  if (XJ_E_OK != (e = xj_audit_paths (db, &o.f)))
    rc = xj_cli_fail ("check", e, NULL);
  if (key)
    xj_strlcpy (o.f.key, key, sizeof o.f.key);
  if (cp)
    xj_strlcpy (o.f.checkpoints, cp, sizeof o.f.checkpoints);
  rc |= load_key (db, &o);
  rc |= load_checkpoints (&o);
  rc |= check_audit (db, &o);
  sodium_memzero (&o.key, sizeof o.key);
  free (o.cps);
  xj_db_close (db);
  return rc;
}
