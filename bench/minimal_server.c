/* minimal_server.c -- the baseline for bench/run.sh: the least code that
 * answers GET /api/v1/students/{id} from the same SQLite file as xueji.
 *
 * Same libmicrohttpd set-up as src/http/server.c (internal polling thread,
 * epoll, a thread pool of nproc threads, the reply queued on the second
 * call of the access handler so keep-alive survives), one read-only
 * connection and ONE prepared statement per worker thread, the row
 * written as JSON: the columns straight into the struct, the packed
 * `data` column decoded and the record written by xueji's own code
 * (xj_student_data_load, xj_student_to_json_text; the stored form is not
 * JSON since docs/decisions/0001, so copying it out would not answer the
 * request).  No auth, no session, no scope check, no masking, no aliases,
 * no school context: this is the ceiling xueji is measured against.
 *
 * Built twice (bench/Makefile): out/minimal_server reads a SQLite file;
 * with -DMINIMAL_PG, out/minimal_server_pg reads a PostgreSQL database
 * (DB a postgresql:// URL) through libpq the same way: one connection and
 * one prepared statement per worker thread, binary results (xueji's
 * db_pg.c reads them so too).  Only fetch() differs.
 *
 * Usage: minimal_server DB PORT [THREADS]   (prints "listening PORT",
 * stops on SIGINT/SIGTERM; THREADS: the pool, default the number of
 * CPUs as xueji serve's on SQLite).
 */
#include <microhttpd.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#ifdef MINIMAL_PG
#include <endian.h>
#include <libpq-fe.h>
#else
#include <sqlite3.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "core/util.h"
#include "student/student_json.h"

static const char *db_path;
static const char prefix[] = "/api/v1/students/";

struct sbuf {
  char *p;
  size_t len, cap;
};

static void
sb_put (struct sbuf *b, const char *s, size_t n)
{
  if (b->len + n + 1 > b->cap)
    {
      while (b->len + n + 1 > b->cap)
        b->cap = b->cap ? 2 * b->cap : 1024;
      b->p = realloc (b->p, b->cap);
      if (NULL == b->p)
        abort ();
    }
  memcpy (b->p + b->len, s, n);
  b->len += n;
  b->p[b->len] = '\0';
}

static void
sb_str (struct sbuf *b, const char *s)
{
  sb_put (b, s, strlen (s));
}

#ifdef MINIMAL_PG
static const char sql[]
  = "SELECT id, registry_no, id_type, coalesce(id_no, ''), name, gender,"
    " birth_date, school_id, coalesce(class_id, 0), grade, status, dup_flag,"
    " version, data, created_at, updated_at FROM students WHERE id = $1";

/* Per worker thread: its connection (the statement prepared on it). */
static __thread PGconn *conn;

static int
thread_init (void)
{
  PGresult *r;
  int ok;

  if (conn)
    return 0;
  conn = PQconnectdb (db_path);
  if (CONNECTION_OK != PQstatus (conn))
    {
      fprintf (stderr, "connect: %s", PQerrorMessage (conn));
      PQfinish (conn);
      conn = NULL;
      return -1;
    }
  r = PQprepare (conn, "one", sql, 1, NULL);
  ok = PGRES_COMMAND_OK == PQresultStatus (r);
  PQclear (r);
  return ok ? 0 : -1;
}

static int64_t
col_int (PGresult *r, int col)
{
  uint64_t v;

  memcpy (&v, PQgetvalue (r, 0, col), sizeof v);
  return (int64_t) be64toh (v);
}

static void
col_copy (PGresult *r, int col, char *out, size_t size)
{
  xj_strlcpy (out, PQgetvalue (r, 0, col), size);
}

/* The student @id into @st; false if there is none. */
static bool
fetch (long long id, struct xj_student *st)
{
  uint64_t be = htobe64 ((uint64_t) id);
  const char *vals[1] = { (const char *) &be };
  int lens[1] = { sizeof be }, fmts[1] = { 1 };
  PGresult *r = PQexecPrepared (conn, "one", 1, vals, lens, fmts, 1);
  bool found = PGRES_TUPLES_OK == PQresultStatus (r) && 1 == PQntuples (r);

  if (found)
    {
      st->id = col_int (r, 0);
      col_copy (r, 1, st->registry_no, sizeof st->registry_no);
      col_copy (r, 2, st->id_type, sizeof st->id_type);
      col_copy (r, 3, st->id_no, sizeof st->id_no);
      col_copy (r, 4, st->name, sizeof st->name);
      st->gender = (int) col_int (r, 5);
      col_copy (r, 6, st->birth_date, sizeof st->birth_date);
      st->school_id = col_int (r, 7);
      st->class_id = col_int (r, 8);
      col_copy (r, 9, st->grade, sizeof st->grade);
      col_copy (r, 10, st->status, sizeof st->status);
      st->dup_flag = (int) col_int (r, 11);
      st->version = col_int (r, 12);
      xj_student_data_load (st, PQgetvalue (r, 0, 13),
                            (size_t) PQgetlength (r, 0, 13));
    }
  PQclear (r);
  return found;
}
#else
static const char sql[]
  = "SELECT id, registry_no, id_type, coalesce(id_no, ''), name, gender,"
    " birth_date, school_id, coalesce(class_id, 0), grade, status, dup_flag,"
    " version, data, created_at, updated_at FROM students WHERE id = ?1";

/* Per worker thread: its connection and its one statement. */
static __thread sqlite3 *conn;
static __thread sqlite3_stmt *stmt;

static const char *
col_text (int col)
{
  const unsigned char *t = sqlite3_column_text (stmt, col);

  return t ? (const char *) t : "";
}

static int
thread_init (void)
{
  if (stmt)
    return 0;
  if (SQLITE_OK != sqlite3_open_v2 (db_path, &conn,
                                    SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX,
                                    NULL))
    return -1;
  sqlite3_busy_timeout (conn, 5000);
  /* Same page cache as xueji's connections (db_sqlite.c). */
  sqlite3_exec (conn, "PRAGMA cache_size=-32768", NULL, NULL, NULL);
  if (SQLITE_OK != sqlite3_prepare_v3 (conn, sql, -1,
                                       SQLITE_PREPARE_PERSISTENT, &stmt, NULL))
    {
      fprintf (stderr, "prepare: %s\n", sqlite3_errmsg (conn));
      return -1;
    }
  return 0;
}

/* The student @id into @st; false if there is none. */
static bool
fetch (long long id, struct xj_student *st)
{
  bool found;

  sqlite3_bind_int64 (stmt, 1, id);
  found = SQLITE_ROW == sqlite3_step (stmt);
  if (found)
    {
      st->id = sqlite3_column_int64 (stmt, 0);
      xj_strlcpy (st->registry_no, col_text (1), sizeof st->registry_no);
      xj_strlcpy (st->id_type, col_text (2), sizeof st->id_type);
      xj_strlcpy (st->id_no, col_text (3), sizeof st->id_no);
      xj_strlcpy (st->name, col_text (4), sizeof st->name);
      st->gender = sqlite3_column_int (stmt, 5);
      xj_strlcpy (st->birth_date, col_text (6), sizeof st->birth_date);
      st->school_id = sqlite3_column_int64 (stmt, 7);
      st->class_id = sqlite3_column_int64 (stmt, 8);
      xj_strlcpy (st->grade, col_text (9), sizeof st->grade);
      xj_strlcpy (st->status, col_text (10), sizeof st->status);
      st->dup_flag = sqlite3_column_int (stmt, 11);
      st->version = sqlite3_column_int64 (stmt, 12);
      xj_student_data_load (st, sqlite3_column_blob (stmt, 13),
                            (size_t) sqlite3_column_bytes (stmt, 13));
    }
  sqlite3_reset (stmt);
  return found;
}
#endif

static enum MHD_Result
reply (struct MHD_Connection *c, unsigned status, char *body, size_t len)
{
  struct MHD_Response *r
    = MHD_create_response_from_buffer (len, body, MHD_RESPMEM_MUST_FREE);
  enum MHD_Result ret;

  MHD_add_response_header (r, MHD_HTTP_HEADER_CONTENT_TYPE,
                           "application/json; charset=utf-8");
  ret = MHD_queue_response (c, status, r);
  MHD_destroy_response (r);
  return ret;
}

static enum MHD_Result
handler (void *cls, struct MHD_Connection *c, const char *url,
         const char *method, const char *version, const char *upload_data,
         size_t *upload_data_size, void **con_cls)
{
  static int first_call_marker;
  struct sbuf b = { 0 };
  char *end;
  long long id;

  (void) cls;
  (void) version;
  (void) upload_data;
  if (NULL == *con_cls)
    {
      /* First call: headers only.  Replying now would close keep-alive. */
      *con_cls = &first_call_marker;
      return MHD_YES;
    }
  *upload_data_size = 0;
  if (0 != strcmp (method, "GET")
      || 0 != strncmp (url, prefix, sizeof prefix - 1))
    return reply (c, 404, strdup ("{\"error\":\"not found\"}"), 21);
  id = strtoll (url + sizeof prefix - 1, &end, 10);
  if ('\0' != *end || id <= 0 || 0 != thread_init ())
    return reply (c, 404, strdup ("{\"error\":\"not found\"}"), 21);
  {
    static __thread struct xj_student st;
    const char *text;

    xj_student_init (&st);
    if (! fetch (id, &st))
      return reply (c, 404, strdup ("{\"error\":\"not found\"}"), 21);
    text = xj_student_to_json_text (&st, false, NULL);
    sb_str (&b, "{\"student\":");
    sb_str (&b, text);
    sb_str (&b, "}");
    free ((void *) text);
  }
  return reply (c, 200, b.p, b.len);
}

int
main (int argc, char **argv)
{
  struct MHD_Daemon *d;
  sigset_t set;
  int sig;
  long n = sysconf (_SC_NPROCESSORS_ONLN);
  unsigned threads = n > 0 ? (unsigned) n : 2;

  if (3 != argc && 4 != argc)
    {
      fprintf (stderr, "usage: %s DB PORT [THREADS]\n", argv[0]);
      return 2;
    }
  if (4 == argc && strtol (argv[3], NULL, 10) > 0)
    threads = (unsigned) strtol (argv[3], NULL, 10);
  db_path = argv[1];
  sigemptyset (&set);
  sigaddset (&set, SIGINT);
  sigaddset (&set, SIGTERM);
  pthread_sigmask (SIG_BLOCK, &set, NULL);
  signal (SIGPIPE, SIG_IGN);
  /* The flags and options of xj_server_run (src/http/server.c). */
  d = MHD_start_daemon (MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL
                          | MHD_USE_ITC | MHD_USE_ERROR_LOG,
                        (uint16_t) strtol (argv[2], NULL, 10), NULL, NULL, &handler, NULL,
                        MHD_OPTION_THREAD_POOL_SIZE, threads,
                        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned) 60,
                        MHD_OPTION_CONNECTION_LIMIT, (unsigned) 1000,
                        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t) 65536,
                        MHD_OPTION_END);
  if (NULL == d)
    {
      perror ("MHD_start_daemon");
      return 1;
    }
  printf ("listening %s (%u threads)\n", argv[2], threads);
  fflush (stdout);
  sigwait (&set, &sig);
  MHD_stop_daemon (d);
  return 0;
}
