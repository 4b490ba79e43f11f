/* server.h -- the HTTP server (libmicrohttpd thread pool).  Blocks until
 * SIGINT or SIGTERM, then stops accepting, lets in-flight requests finish
 * and closes the per-thread database connections.
 */
#ifndef XJ_HTTP_SERVER_H
#define XJ_HTTP_SERVER_H

#include <stdbool.h>
#include "core/err.h"

struct xj_server_config {
  const char *listen;    /* "127.0.0.1:8080" */
  const char *db_path;
  const char *web_dir;   /* built UI (web/dist); NULL = API only */
  unsigned threads;      /* 0 = number of CPUs */
  unsigned max_conns;    /* connections at once (all addresses) */
  unsigned max_conns_per_ip; /* from one address; 0 = no limit */
  unsigned header_timeout;   /* s: a request's headers, from the accept or
                                the previous reply (conn_guard.c) */
  unsigned body_timeout;     /* s: its body, from its headers */
  bool secure_cookies;   /* Secure on cookies: TLS or a TLS proxy in front */
  const char *const *replicas; /* hot standbys' URLs (db.h) */
  size_t n_replicas;
  unsigned replica_max_lag_ms;
  void (*ready) (void *cls, unsigned port); /* called once listening */
  void *ready_cls;
};

enum xj_err xj_server_run (const struct xj_server_config *cfg);

#endif
