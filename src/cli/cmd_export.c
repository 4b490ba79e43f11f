/* cmd_export.c -- `xueji export students`: the operator's export of a
 * filtered student list to XLSX or CSV (src/export).  Unmasked (the
 * operator holds the database file anyway) and therefore audited as
 * "student.export" by actor "cli".  Parses options, resolves --school
 * CODE to the school's id, runs xj_export_students, prints one line.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/util.h"
#include "export/export.h"
#include "school/school.h"
#include "validate/codes.h"

#define USAGE "export students --out FILE.xlsx|.csv [--encoding gb18030]" \
              " [--school CODE] [--grade G] [--class ID] [--status S]"

int
xj_cmd_export (int argc, char **argv, const struct xj_cli *g)
{
  static const struct option opts[] = {
    { "out", required_argument, NULL, 'o' },
    { "encoding", required_argument, NULL, 'e' },
    { "school", required_argument, NULL, 's' },
    { "grade", required_argument, NULL, 'g' },
    { "class", required_argument, NULL, 'c' },
    { "status", required_argument, NULL, 't' },
    { NULL, 0, NULL, 0 },
  };
  static const struct xj_actor actor = { 0, "cli", "cli" };
  struct xj_export_opts o = { .show = XJ_PII_ALL, .actor = &actor };
  const char *out = NULL, *school = NULL;
  struct xj_school sc;
  struct xj_db *db;
  int64_t rows = 0, t0;
  int opt;
  enum xj_err e;

  optind = 1;
  while (-1 != (opt = getopt_long (argc, argv, "", opts, NULL)))
    switch (opt)
      {
      case 'o':
        out = optarg;
        break;
      case 'e':
        if (0 == strcasecmp (optarg, "gb18030"))
          o.encoding = XJ_EXPORT_GB18030;
        else if (0 == strcasecmp (optarg, "utf-8")
                 || 0 == strcasecmp (optarg, "utf8"))
          o.encoding = XJ_EXPORT_UTF8;
        else
          return xj_cli_fail ("export", XJ_E_USAGE,
                              "--encoding takes utf-8 or gb18030");
        break;
      case 's':
        school = optarg;
        break;
      case 'g':
        if (! xj_code_valid ("grade", optarg))
          return xj_cli_fail ("export", XJ_E_USAGE, "--grade: no such grade");
        o.filter.grade = optarg;
        break;
      case 'c':
        if (! xj_parse_i64 (optarg, &o.filter.class_id)
            || o.filter.class_id < 1)
          return xj_cli_fail ("export", XJ_E_USAGE, "--class takes a class id");
        break;
      case 't':
        if (! xj_code_valid ("status", optarg))
          return xj_cli_fail ("export", XJ_E_USAGE, "--status: no such status");
        o.filter.status = optarg;
        break;
      default:
        return xj_cli_fail ("export", XJ_E_USAGE, USAGE);
      }
  if (optind + 1 != argc || 0 != strcmp (argv[optind], "students")
      || NULL == out)
    return xj_cli_fail ("export", XJ_E_USAGE, USAGE);
  if (! xj_export_format_of (out, &o.format))
    return xj_cli_fail ("export", XJ_E_USAGE,
                        "--out must end in .xlsx or .csv");
  if (XJ_EXPORT_GB18030 == o.encoding && XJ_EXPORT_CSV != o.format)
    return xj_cli_fail ("export", XJ_E_EXPORT_FORMAT, NULL);
  db = xj_cli_open_db ("export", g);
  if (NULL == db)
    return 1;
  if (school)
    {
      e = xj_school_get_by_code (db, school, &sc);
      if (XJ_E_OK != e)
        {
          xj_db_close (db);
          return xj_cli_fail ("export", XJ_E_NOT_FOUND == e
                                          ? XJ_E_NO_SUCH_SCHOOL : e, school);
        }
      o.filter.school_id = sc.id;
    }
  t0 = xj_mono_ms ();
  e = xj_export_students (db, &o, out, &rows);
  xj_db_close (db);
  if (XJ_E_OK != e)
    {
      unlink (out);
      return xj_cli_fail ("export", e, out);
    }
  printf ("xueji export: %" PRId64 " students to %s in %.1f s\n", rows, out,
          (double) (xj_mono_ms () - t0) / 1000.0);
  return 0;
}
