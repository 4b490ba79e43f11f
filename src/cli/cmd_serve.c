/* cmd_serve.c -- `xueji serve`; also the serving half of `xueji demo`. */
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli/cli.h"
#include "cli/serve.h"
#include "core/util.h"
#include "http/server.h"
#include "user/user.h"

static void
ready (void *cls, unsigned port)
{
  const char *banner = cls;

  printf ("xueji: serving http://127.0.0.1:%u/ (Ctrl-C stops)\n", port);
  if (xj_password_cost_is_min ())
    fputs ("xueji: XJ_PWHASH=min: new password hashes are weak "
           "(for test suites only)\n", stderr);
  if (banner)
    fputs (banner, stdout);
  fflush (stdout);
}

/* web/dist beside the binary's parent directory (build/xueji -> web/dist). */
static const char *
default_web_dir (char *buf, size_t size)
{
  char exe[PATH_MAX];
  ssize_t n = readlink ("/proc/self/exe", exe, sizeof exe - 1);
  struct stat st;

  if (n <= 0)
    return NULL;
  exe[n] = '\0';
  if (! xj_snprintf (buf, size, "%s/../web/dist", dirname (dirname (exe))))
    return NULL;
  if (0 != stat (buf, &st) || ! S_ISDIR (st.st_mode))
    return NULL;
  return buf;
}

/* One of the connection limits: counts 1..100000 (per address: 0 = no
   limit), timeouts 1..86400 s. */
static enum xj_err
limit_arg (int c, const char *arg, struct xj_serve_opts *o)
{
  int64_t v;
  int64_t min = 'P' == c ? 0 : 1;
  int64_t max = ('H' == c || 'B' == c) ? 86400 : 100000;

  if (! xj_parse_i64 (arg, &v) || v < min || v > max)
    return XJ_E_USAGE;
  if ('C' == c)
    o->max_conns = (unsigned) v;
  else if ('P' == c)
    o->max_conns_per_ip = (unsigned) v;
  else if ('H' == c)
    o->header_timeout = (unsigned) v;
  else
    o->body_timeout = (unsigned) v;
  return XJ_E_OK;
}

/* $XUEJI_DB_REPLICA: standby URLs separated by commas (a URL has none
   of its own).  False when there are too many. */
static bool
env_replicas (struct xj_serve_opts *o)
{
  static char *copy;
  const char *env = getenv ("XUEJI_DB_REPLICA");
  char *save = NULL;

  if (NULL == env || '\0' == *env)
    return true;
  free (copy);
  copy = xj_strdup (env);
  for (char *u = strtok_r (copy, ",", &save); u;
       u = strtok_r (NULL, ",", &save))
    {
      u += strspn (u, " \t");  /* "url1, url2" */
      if ('\0' == *u)
        continue;
      if (XJ_DB_MAX_REPLICAS == o->n_replicas)
        return false;
      o->replicas[o->n_replicas++] = u;
    }
  return true;
}

int
xj_serve_args (const char *cmd, int argc, char **argv,
               struct xj_serve_opts *o)
{
  static const struct option opts[] = {
    { "listen", required_argument, NULL, 'l' },
    { "web", required_argument, NULL, 'w' },
    { "threads", required_argument, NULL, 't' },
    { "schools", required_argument, NULL, 's' },
    { "students", required_argument, NULL, 'n' },
    { "seed", required_argument, NULL, 'S' },
    { "max-conns", required_argument, NULL, 'C' },
    { "max-conns-per-ip", required_argument, NULL, 'P' },
    { "header-timeout", required_argument, NULL, 'H' },
    { "body-timeout", required_argument, NULL, 'B' },
    { "secure-cookies", no_argument, NULL, 'K' },
    { "db-replica", required_argument, NULL, 'R' },
    { "db-replica-max-lag", required_argument, NULL, 'L' },
    { NULL, 0, NULL, 0 }
  };
  int c;
  int64_t v;

  o->listen = "127.0.0.1:8080";
  o->max_conns = 1000;
  o->max_conns_per_ip = 64;
  o->header_timeout = 30;
  o->body_timeout = 600;
  o->replica_max_lag = 5;
  optind = 1;
  while (-1 != (c = getopt_long (argc, argv, "", opts, NULL)))
    {
      switch (c)
        {
        case 'l':
          o->listen = optarg;
          break;
        case 'w':
          o->web = optarg;
          break;
        case 'K':
          o->secure_cookies = true;
          break;
        case 'R':
          if (XJ_DB_MAX_REPLICAS == o->n_replicas)
            return xj_cli_fail (cmd, XJ_E_USAGE, "at most 8 --db-replica");
          o->replicas[o->n_replicas++] = optarg;
          break;
        case 'L':
          if (! xj_parse_i64 (optarg, &v) || v < 1 || v > 60)
            return xj_cli_fail (cmd, XJ_E_USAGE, "--db-replica-max-lag 1..60");
          o->replica_max_lag = (unsigned) v;
          break;
        case 't':
        case 's':
        case 'n':
        case 'S':
          if (! xj_parse_i64 (optarg, &v) || v < 0 || v > 100000000)
            return xj_cli_fail (cmd, XJ_E_USAGE, optarg);
          if ('t' == c)
            o->threads = (unsigned) v;
          else if ('s' == c)
            o->schools = (unsigned) v;
          else if ('n' == c)
            o->students = (unsigned long) v;
          else
            o->seed = (uint64_t) v;
          break;
        case 'C':
        case 'P':
        case 'H':
        case 'B':
          if (XJ_E_OK != limit_arg (c, optarg, o))
            return xj_cli_fail (cmd, XJ_E_USAGE, optarg);
          break;
        default:
          return xj_cli_fail (cmd, XJ_E_USAGE, "see --help");
        }
    }
  if (optind < argc)
    return xj_cli_fail (cmd, XJ_E_USAGE, argv[optind]);
  if (0 == o->n_replicas && ! env_replicas (o))
    return xj_cli_fail (cmd, XJ_E_USAGE, "$XUEJI_DB_REPLICA: at most 8");
  return 0;
}

int
xj_serve_run (const char *cmd, const struct xj_cli *g,
              const struct xj_serve_opts *o, const char *banner)
{
  char webbuf[PATH_MAX];
  struct xj_server_config cfg = {
    .listen = o->listen,
    .db_path = g->db_path,
    .web_dir = o->web ? o->web : default_web_dir (webbuf, sizeof webbuf),
    .threads = o->threads,
    .max_conns = o->max_conns,
    .max_conns_per_ip = o->max_conns_per_ip,
    .header_timeout = o->header_timeout,
    .body_timeout = o->body_timeout,
    .secure_cookies = o->secure_cookies,
    .replicas = o->replicas,
    .n_replicas = o->n_replicas,
    .replica_max_lag_ms = o->replica_max_lag * 1000u,
    .ready = &ready,
    .ready_cls = (void *) banner,
  };
  enum xj_err e = xj_server_run (&cfg);

  if (XJ_E_USAGE == e && o->n_replicas)
    return xj_cli_fail (cmd, e, "--db-replica: PostgreSQL URLs, and --db a"
                        " PostgreSQL URL too");
  if (XJ_E_OK != e)
    return xj_cli_fail (cmd, e, o->listen);
  return 0;
}

int
xj_cmd_serve (int argc, char **argv, const struct xj_cli *g)
{
  struct xj_serve_opts o = { 0 };

  if (0 != xj_serve_args ("serve", argc, argv, &o))
    return 2;
  if (o.schools || o.students || o.seed)
    return xj_cli_fail ("serve", XJ_E_USAGE, "--schools/--students are demo options");
  return xj_serve_run ("serve", g, &o, NULL);
}
