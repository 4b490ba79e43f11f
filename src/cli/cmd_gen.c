/* cmd_gen.c -- `xueji gen`: synthetic, deterministic data for one county
 * (src/gen), or with --out a synthetic import file for the schools
 * already in the database (xj_gen_file).  Parses options, opens the
 * database, reports progress on a terminal and prints one summary line;
 * the work is xj_gen_run's / xj_gen_file's.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/util.h"
#include "export/export.h"
#include "gen/gen.h"

static void
progress (void *cls, unsigned long done, unsigned long total)
{
  (void) cls;
  fprintf (stderr, "\rxueji gen: %lu / %lu students", done, total);
  if (done >= total)
    fputc ('\n', stderr);
  fflush (stderr);
}

/* Parse a decimal option value in [lo, hi]. */
static bool
num_arg (const char *s, int64_t lo, int64_t hi, int64_t *out)
{
  return xj_parse_i64 (s, out) && *out >= lo && *out <= hi;
}

/* gen --out FILE --students N [--errors RATE] [--seed S] */
static int
gen_file (const struct xj_cli *g, const char *out, unsigned long n,
          bool have_n, double errors, uint64_t seed, bool extra)
{
  struct xj_gen_file_opts fo = { .out = out, .students = n,
                                 .errors = errors, .seed = seed };
  struct xj_gen_file_result fr;
  enum xj_export_format fmt;
  struct xj_db *db;
  enum xj_err e;

  if (extra || ! have_n)
    return xj_cli_fail ("gen", XJ_E_USAGE,
                        "gen --out FILE.csv|.xlsx --students N"
                        " [--errors RATE] [--seed S]");
  if (! xj_export_format_of (out, &fmt))
    return xj_cli_fail ("gen", XJ_E_USAGE, "--out must end in .csv or .xlsx");
  db = xj_cli_open_db ("gen", g);
  if (NULL == db)
    return 1;
  e = xj_gen_file (db, &fo, &fr);
  xj_db_close (db);
  if (XJ_E_OK != e)
    {
      unlink (out);
      return xj_cli_fail ("gen", e, out);
    }
  printf ("xueji gen: %lu rows for %u schools to %s: %lu with a planted "
          "error, %lu valid variants", fr.rows, fr.schools, out, fr.bad_rows,
          fr.variants);
  for (int k = 0, first = 1; xj_gen_error_names[k]; k++)
    if (fr.by_kind[k])
      {
        printf ("%s%s %lu", first ? " (" : ", ", xj_gen_error_names[k],
                fr.by_kind[k]);
        first = 0;
      }
  puts (fr.bad_rows ? ")" : "");
  return 0;
}

int
xj_cmd_gen (int argc, char **argv, const struct xj_cli *g)
{
  static const struct option opts[] = {
    { "county", required_argument, NULL, 'c' },
    { "schools", required_argument, NULL, 'n' },
    { "students", required_argument, NULL, 'm' },
    { "seed", required_argument, NULL, 's' },
    { "out", required_argument, NULL, 'o' },
    { "errors", required_argument, NULL, 'e' },
    { NULL, 0, NULL, 0 },
  };
  struct xj_gen_opts o = { .seed = 1 };
  struct xj_gen_result r;
  struct xj_db *db;
  const char *out = NULL;
  double errors = 0;
  bool have_students = false;
  int64_t v;
  int opt;
  enum xj_err e;

  optind = 1;
  while (-1 != (opt = getopt_long (argc, argv, "", opts, NULL)))
    switch (opt)
      {
      case 'c':
        o.county = optarg;
        break;
      case 'n':
        if (! num_arg (optarg, 1, 999, &v))
          return xj_cli_fail ("gen", XJ_E_USAGE, "--schools takes 1..999");
        o.schools = (unsigned) v;
        break;
      case 'm':
        if (! num_arg (optarg, 0, 100000000, &v))
          return xj_cli_fail ("gen", XJ_E_USAGE,
                              "--students takes 0..100000000");
        o.students = (unsigned long) v;
        have_students = true;
        break;
      case 'o':
        out = optarg;
        break;
      case 'e':
        {
          char *end;

          errors = strtod (optarg, &end);
          if (end == optarg || '\0' != *end || ! (errors >= 0 && errors <= 1))
            return xj_cli_fail ("gen", XJ_E_USAGE,
                                "--errors takes a fraction 0..1");
          break;
        }
      case 's':
        if (! num_arg (optarg, 0, INT64_MAX, &v))
          return xj_cli_fail ("gen", XJ_E_USAGE, "--seed takes a number >= 0");
        o.seed = (uint64_t) v;
        break;
      default:
        return xj_cli_fail ("gen", XJ_E_USAGE,
                            "gen --county CODE --schools N --students M"
                            " [--seed S]");
      }
  if (out)
    return gen_file (g, out, o.students, have_students, errors, o.seed,
                     NULL != o.county || 0 != o.schools || optind < argc);
  if (errors > 0)
    return xj_cli_fail ("gen", XJ_E_USAGE, "--errors needs --out");
  if (optind < argc || NULL == o.county || 0 == o.schools)
    return xj_cli_fail ("gen", XJ_E_USAGE,
                        "gen --county CODE --schools N --students M"
                        " [--seed S]");
  if (isatty (STDERR_FILENO))
    o.progress = progress;
  db = xj_cli_open_db ("gen", g);
  if (NULL == db)
    return 1;
  e = xj_gen_run (db, &o, &r);
  xj_db_close (db);
  if (XJ_E_OK != e)
    return xj_cli_fail ("gen", e, XJ_E_REGION == e ? o.county : NULL);
  printf ("xueji gen: county %s, school year %d: %u schools, %lu classes, "
          "%lu students in %.1f s (%.0f students/s)\n",
          o.county, r.start_year, r.schools, r.classes, r.students,
          (double) r.ms / 1000.0, r.students_per_s);
  return 0;
}
