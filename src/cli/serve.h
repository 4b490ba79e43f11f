/* serve.h -- option parsing and serving shared by `serve` and `demo`. */
#ifndef XJ_CLI_SERVE_H
#define XJ_CLI_SERVE_H

#include <stdbool.h>
#include <stdint.h>
#include "cli/cli.h"
#include "db/db.h"

struct xj_serve_opts {
  const char *listen;
  const char *web;
  unsigned threads;
  unsigned max_conns;        /* --max-conns (default 1000) */
  unsigned max_conns_per_ip; /* --max-conns-per-ip (default 64, 0 = off) */
  unsigned header_timeout;   /* --header-timeout seconds (default 30) */
  unsigned body_timeout;     /* --body-timeout seconds (default 600) */
  bool secure_cookies;     /* --secure-cookies: TLS (a proxy) in front */
  /* --db-replica URL (repeatable), else $XUEJI_DB_REPLICA (commas) */
  const char *replicas[XJ_DB_MAX_REPLICAS];
  size_t n_replicas;
  unsigned replica_max_lag;  /* --db-replica-max-lag seconds (default 5) */
  unsigned schools;        /* demo only */
  unsigned long students;  /* demo only */
  uint64_t seed;           /* demo only */
};

/* Parse options; returns 0 or prints the error and returns non-zero. */
int xj_serve_args (const char *cmd, int argc, char **argv,
                   struct xj_serve_opts *o);
/* Serve until SIGINT/SIGTERM, printing @banner once listening. */
int xj_serve_run (const char *cmd, const struct xj_cli *g,
                  const struct xj_serve_opts *o, const char *banner);

#endif
