/* cmd_import.c -- `xueji import students FILE`: the import pipeline
 * (src/import) from the command line, acting as the system (actor "cli",
 * administrator scope; school codes must still exist).  Prints the first
 * errors and the summary line; progress goes to stderr on a terminal,
 * drawn by a small thread from numbers the pipeline records (its
 * transaction callback never prints).
 */
#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/util.h"
#include "import/import.h"
#include "student/identity.h"

#define SHOW_ERRORS 10

struct prog {
  pthread_mutex_t lock;
  struct xj_import_progress p;
  const char *phase;
  atomic_bool stop;
  int64_t t0;
};

static void
record (void *cls, const struct xj_import_progress *p)
{
  struct prog *g = cls;

  pthread_mutex_lock (&g->lock);
  g->p = *p;
  g->phase = p->phase;
  pthread_mutex_unlock (&g->lock);
}

static void
draw (struct prog *g, bool final)
{
  struct xj_import_progress p;
  const char *phase;
  double secs = (double) (xj_mono_ms () - g->t0) / 1000.0;
  double rate;
  int width = 30;
  int fill;

  pthread_mutex_lock (&g->lock);
  p = g->p;
  phase = g->phase ? g->phase : "reading";
  pthread_mutex_unlock (&g->lock);
  rate = secs > 0 ? (double) p.rows_done / secs : 0;
  fill = p.bytes_total ? (int) ((double) width * (double) p.bytes_done
                                / (double) p.bytes_total)
                       : 0;
  if (fill > width)
    fill = width;
  fprintf (stderr, "\r[%.*s%*s] %llu/%llu rows, %.0f rows/s, %s",
           fill, "##############################", width - fill, "",
           (unsigned long long) p.rows_done,
           (unsigned long long) p.rows_total, rate,
           0 == strcmp (phase, "reading") && rate > 0 && p.rows_total
               > p.rows_done
             ? "" : phase);
  if (0 == strcmp (phase, "reading") && rate > 0
      && p.rows_total > p.rows_done)
    fprintf (stderr, "%.0f s left", (double) (p.rows_total - p.rows_done)
                                       / rate);
  fputs ("   ", stderr);
  if (final)
    fputc ('\n', stderr);
  fflush (stderr);
}

static void *
drawer (void *cls)
{
  struct prog *g = cls;

  while (! atomic_load (&g->stop))
    {
      usleep (250 * 1000);
      if (! atomic_load (&g->stop))
        draw (g, false);
    }
  return NULL;
}

static int
usage (void)
{
  return xj_cli_fail ("import", XJ_E_USAGE,
                      "import students FILE [--dry-run] [--valid-only]"
                      " [--create-classes] [--sheet NAME]"
                      " [--report REPORT.xlsx|.csv]");
}
/* The command line after `import`: options into @o, @report and
   @all_rows; false (usage printed) when it is not `students FILE`. */
static bool
parse_args (int argc, char **argv, struct xj_import_opts *o,
            const char **report, bool *all_rows)
{
  static const struct option opts[] = {
    { "dry-run", no_argument, NULL, 'd' },
    { "valid-only", no_argument, NULL, 'v' },
    { "create-classes", no_argument, NULL, 'c' },
    { "sheet", required_argument, NULL, 's' },
    { "report", required_argument, NULL, 'r' },
    { "all-rows", no_argument, NULL, 'a' },
    { NULL, 0, NULL, 0 },
  };
  const char *slash;
  int opt;

  optind = 1;
  while (-1 != (opt = getopt_long (argc, argv, "", opts, NULL)))
    switch (opt)
      {
      case 'd':
        o->dry_run = true;
        break;
      case 'v':
        o->valid_only = true;
        break;
      case 'c':
        o->create_classes = true;
        break;
      case 's':
        o->sheet = optarg;
        break;
      case 'r':
        *report = optarg;
        break;
      case 'a':
        *all_rows = true;
        break;
      default:
        return false;
      }
  if (optind + 2 != argc || 0 != strcmp (argv[optind], "students"))
    return false;
  o->path = argv[optind + 1];
  slash = strrchr (o->path, '/');
  o->file_name = slash ? slash + 1 : o->path;
  return true;
}

/* xj_import_run, with the progress line drawn on a terminal and the time
   each phase took printed after it. */
static enum xj_err
run_drawn (struct xj_db *db, struct xj_import_opts *o,
           struct xj_import_result *res)
{
  struct prog pg = { .lock = PTHREAD_MUTEX_INITIALIZER };
  pthread_t th;
  bool drawing = false;
  enum xj_err e;

  if (isatty (STDERR_FILENO))
    {
      pg.t0 = xj_mono_ms ();
      o->progress = &record;
      o->cls = &pg;
      drawing = 0 == pthread_create (&th, NULL, &drawer, &pg);
    }
  e = xj_import_run (db, o, res);
  if (drawing)
    {
      atomic_store (&pg.stop, true);
      pthread_join (th, NULL);
      draw (&pg, true);
      if (res->written)
        fprintf (stderr, "用时%.1f秒（读取、检查、写入%.1f秒，建索引%.1f秒，"
                 "提交%.1f秒）\n", res->ms / 1000.0, res->ms_rows / 1000.0,
                 res->ms_index / 1000.0,
                 (res->ms - res->ms_rows - res->ms_index) / 1000.0);
    }
  return e;
}

/* The first SHOW_ERRORS errors, how many more, and the unknown columns. */
static void
print_errors (const struct xj_import_result *res, const char *report)
{
  size_t n = xj_import_nkept (res);
  struct xj_import_error er;

  for (size_t i = 0; i < n && i < SHOW_ERRORS; i++)
    {
      xj_import_error_at (res, i, &er);
      if (0 == er.row)
        printf ("文件：%s\n", er.message);
      else
        printf ("第%llu行 %s「%s」：%s\n", (unsigned long long) er.row,
                er.column, er.value, er.message);
    }
  if (res->nerrors > SHOW_ERRORS)
    printf ("……共%llu个错误%s\n", (unsigned long long) res->nerrors,
            report ? "，完整列表见报告" : "（用 --report 得到完整报告）");
  for (size_t i = 0; i < res->nunknown; i++)
    printf ("警告：未识别的列「%s」未导入\n", res->unknown_cols[i]);
}

/* What became of the file, in words and counts; returns the exit code. */
static int
print_outcome (enum xj_err e, const struct xj_import_opts *o,
               const struct xj_import_result *res)
{
  if (XJ_E_IMPORT_DRY_RUN == e)
    puts ("试运行：未写入任何数据 (dry run: nothing written)");
  else if (XJ_E_IMPORT_REJECTED == e)
    puts ("有错误行，未写入任何数据（可用 --valid-only 只导入正确的行）");
  else if (XJ_E_IMPORT_CANCELLED == e)
    puts (xj_err_zh (e));
  if (res->suspected > 0 && res->written)
    printf ("疑似重复学籍%llu人（与已有学生同名、同出生日期、同监护人电话，"
            "身份证件号不同），已标记待核查\n",
            (unsigned long long) res->suspected);
  printf ("imported %llu, rejected %llu, already registered %llu\n",
          (unsigned long long) res->imported,
          (unsigned long long) res->rejected,
          (unsigned long long) res->already);
  fflush (stdout);
  if (XJ_E_OK == e || XJ_E_IMPORT_DRY_RUN == e)
    return (res->rejected > 0 && ! o->valid_only) ? 1 : 0;
  if (XJ_E_IMPORT_REJECTED != e && 0 == xj_import_nkept (res))
    xj_cli_fail ("import", e, NULL);  /* a database error: say so */
  return 1;
}


int
xj_cmd_import (int argc, char **argv, const struct xj_cli *g)
{
  struct xj_import_opts o = { 0 };
  struct xj_import_result res;
  struct xj_user admin = { .id = 0, .role = XJ_ROLE_ADMIN };
  struct xj_actor actor = { 0, "cli", "cli" };
  const char *report = NULL;
  bool all_rows = false;
  struct xj_db *db;
  int rc;
  enum xj_err e;

  if (! parse_args (argc, argv, &o, &report, &all_rows))
    return usage ();
  if (0 != access (o.path, R_OK))
    return xj_cli_fail ("import", XJ_E_IO, o.path);
  xj_strlcpy (admin.username, "cli", sizeof admin.username);
  o.user = &admin;
  o.actor = &actor;
  db = xj_cli_open_db ("import", g);
  if (NULL == db)
    return 1;
  /* no server start may have filled guardian_ids yet (migration 0018):
     the guardian rule counts in it */
  if (XJ_E_OK != (e = xj_identity_guardian_backfill (db)))
    {
      xj_db_close (db);
      return xj_cli_fail ("import", e, NULL);
    }
  e = run_drawn (db, &o, &res);
  print_errors (&res, report);
  if (report)
    {
      enum xj_err re = xj_import_report (&o, &res, report, all_rows);

      if (XJ_E_OK != re)
        xj_cli_fail ("import", re, report);
    }
  rc = print_outcome (e, &o, &res);
  xj_import_result_fini (&res);
  xj_db_close (db);
  return rc;
}
