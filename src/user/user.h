/* user.h -- users, roles, jurisdiction scope, passwords and sessions.
 *
 * Scope rules are pure functions here (scope.c); storage is user_store.c.
 * Every list and every object the server hands out passes through these
 * rules: the HTTP layer never decides scope on its own.
 */
#ifndef XJ_USER_H
#define XJ_USER_H

#include <stdbool.h>
#include <stdint.h>
#include "core/err.h"
#include "db/db.h"

enum xj_role {
  XJ_ROLE_NONE = 0,
  XJ_ROLE_ADMIN = 1,      /* system administrator: everything */
  XJ_ROLE_BUREAU = 2,     /* bureau user scoped to a region */
  XJ_ROLE_REGISTRAR = 4,  /* school registrar scoped to one school */
  XJ_ROLE_TEACHER = 8     /* class teacher: their classes, read-only */
};
#define XJ_ROLES_ALL (XJ_ROLE_ADMIN | XJ_ROLE_BUREAU | XJ_ROLE_REGISTRAR | XJ_ROLE_TEACHER)
#define XJ_ROLES_WRITE (XJ_ROLE_ADMIN | XJ_ROLE_BUREAU | XJ_ROLE_REGISTRAR)

#define XJ_USER_MAX_CLASSES 32

struct xj_user {
  int64_t id;
  char username[64];
  char display_name[128];
  enum xj_role role;
  char region_code[16];   /* bureau: 2, 4 or 6 digits */
  int64_t school_id;      /* registrar, teacher */
  int64_t class_ids[XJ_USER_MAX_CLASSES]; /* teacher */
  unsigned nclasses;
};

const char *xj_role_name (enum xj_role r);
enum xj_role xj_role_from_name (const char *s);

/* ---- scope (pure) ---- */
/* The parameters every scoped SQL statement takes: a county-code prefix
   ("" = all), a school id (0 = all) and a teacher user id (0 = no class
   restriction).  A bureau user without region or a registrar without a
   school gets an impossible scope, never a wide one. */
struct xj_scope {
  char prefix[16];
  int64_t school_id;
  int64_t teacher_id;
};
void xj_scope_of (const struct xj_user *u, struct xj_scope *sc);
/* May @u see a school with this id and county code? */
bool xj_scope_school (const struct xj_user *u, int64_t school_id,
                      const char *county_code);
/* May @u see a student in this school/county/class? */
bool xj_scope_student (const struct xj_user *u, int64_t school_id,
                       const char *county_code, int64_t class_id);
/* May @u write (register, update) students of this school? */
bool xj_scope_school_write (const struct xj_user *u, int64_t school_id,
                            const char *county_code);

/* ---- passwords ---- */
#define XJ_PW_HASH_MAX 128
enum xj_err xj_password_hash (const char *pw, char out[XJ_PW_HASH_MAX]);
bool xj_password_verify (const char *hash, const char *pw);

/* ---- storage (user_store.c) ---- */
struct xj_user_new {
  const char *username;
  const char *display_name;
  const char *password;
  enum xj_role role;
  const char *region_code;  /* bureau */
  int64_t school_id;        /* registrar, teacher */
};
/* Inside a write txn. */
enum xj_err xj_user_create (struct xj_db *db, const struct xj_user_new *n,
                            int64_t *id);
enum xj_err xj_user_set_password (struct xj_db *db, const char *username,
                                  const char *password);
enum xj_err xj_user_add_class (struct xj_db *db, int64_t user_id,
                               int64_t class_id);
enum xj_err xj_user_load (struct xj_db *db, int64_t id, struct xj_user *u);
typedef void (*xj_user_cb) (void *cls, const struct xj_user *u,
                            bool disabled);
enum xj_err xj_user_list (struct xj_db *db, xj_user_cb cb, void *cls);

/* Log-in: checks lock, password; counts failures (locks after 10 for
   15 minutes; the caller slows responses after 5: *delay_ms).  On
   success creates a session: @token_out (64 hex) for the cookie and
   @csrf_out (64 hex).  Runs its own transactions. */
enum xj_err xj_user_login (struct xj_db *db, const char *username,
                           const char *password, const char *ip,
                           struct xj_user *u, char token_out[65],
                           char csrf_out[65], unsigned *delay_ms);
/* Resolve a session cookie token (no transaction needed). */
enum xj_err xj_session_get (struct xj_db *db, const char *token,
                            struct xj_user *u, char csrf_out[65]);
enum xj_err xj_session_delete (struct xj_db *db, const char *token);

#endif
