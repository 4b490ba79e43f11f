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

/* ---- passwords (password.c) ---- */
#define XJ_PW_HASH_MAX 128
#define XJ_PW_MIN_CHARS 10     /* policy: at least this many characters */
#define XJ_PW_MAX_BYTES 200    /* longer input is refused unhashed */
#define XJ_PW_SLOTS 2          /* argon2id runs at once (64 MiB each) */
/* XJ_PWHASH=min (tests only; see password.c) makes new hashes argon2id at
   libsodium's minimum cost; unset or "interactive" is the default.  False
   for any other value.  Called once by main. */
bool xj_password_cost_from_env (void);
bool xj_password_cost_is_min (void);
enum xj_err xj_password_hash (const char *pw, char out[XJ_PW_HASH_MAX]);
bool xj_password_verify (const char *hash, const char *pw);
/* Check @pw against @hash; NULL or "" (no such user) checks against a
   dummy hash of the same cost and answers false, so timing does not tell
   whether a user exists. */
bool xj_password_check (const char *hash, const char *pw);
/* Take one of XJ_PW_SLOTS hashing slots without waiting; false when all
   are busy (the caller answers XJ_E_LOGIN_BUSY).  Give it back after. */
bool xj_password_slot_take (void);
void xj_password_slot_give (void);
/* Is @pw (case-insensitively) in the embedded list of common passwords? */
bool xj_password_is_common (const char *pw);
/* THE password policy, for every path that sets a password: at least
   XJ_PW_MIN_CHARS characters, not containing the user name, not a
   common password.  XJ_E_WEAK_PASSWORD, XJ_E_PASSWORD_USERNAME,
   XJ_E_PASSWORD_COMMON or XJ_E_TOO_LONG. */
enum xj_err xj_password_policy (const char *username, const char *pw);

/* ---- settings of accounts (user_store.c) ---- */
struct xj_auth_settings {
  int idle_minutes;          /* session_idle_minutes (default 30) */
  int address_failures;      /* login_address_failures per 15 minutes
                                from one address (default 100) */
  bool bureau_manages_users; /* bureau_manages_users (default off) */
};
enum xj_err xj_auth_settings_get (struct xj_db *db,
                                  struct xj_auth_settings *out);
/* The defaults of the settings above. */
void xj_auth_settings_default (struct xj_auth_settings *s);
/* One setting's stored text @value applied to @s: a number in range, or
   ignored (the default stays), as xj_auth_settings_get reads each. */
void xj_auth_setting_apply (struct xj_auth_settings *s, const char *key,
                            const char *value);

/* ---- storage (user_store.c) ---- */
struct xj_user_new {
  const char *username;
  const char *display_name;
  const char *password;
  enum xj_role role;
  const char *region_code;  /* bureau */
  int64_t school_id;        /* registrar, teacher */
};
/* Inside a write txn.  Applies the password policy. */
enum xj_err xj_user_create (struct xj_db *db, const struct xj_user_new *n,
                            int64_t *id);
/* Inside a write txn: policy, new hash, and a new session epoch (every
   session of the user ends).  *epoch (may be NULL) gets the new epoch. */
enum xj_err xj_user_set_password (struct xj_db *db, const char *username,
                                  const char *password, int64_t *epoch);
/* Inside a write txn: disable or enable; disabling ends every session. */
enum xj_err xj_user_set_disabled (struct xj_db *db, int64_t id,
                                  bool disabled);
/* Inside a write txn: display name, role and scope (already checked). */
enum xj_err xj_user_update (struct xj_db *db, int64_t id,
                            const struct xj_user_new *n);
enum xj_err xj_user_add_class (struct xj_db *db, int64_t user_id,
                               int64_t class_id);
enum xj_err xj_user_clear_classes (struct xj_db *db, int64_t user_id);
enum xj_err xj_user_load (struct xj_db *db, int64_t id, struct xj_user *u);
/* Like xj_user_load, disabled users too (*disabled says so). */
enum xj_err xj_user_load_any (struct xj_db *db, int64_t id,
                              struct xj_user *u, bool *disabled);
typedef void (*xj_user_cb) (void *cls, const struct xj_user *u,
                            bool disabled);
enum xj_err xj_user_list (struct xj_db *db, xj_user_cb cb, void *cls);
/* What a log-in needs of a user: id, hash, disabled, epoch; *found false
   for no such user.  A read: never waits for a writer. */
struct xj_user_auth {
  int64_t id;
  char hash[XJ_PW_HASH_MAX];
  bool disabled;
  int64_t epoch;
};
enum xj_err xj_user_auth_get (struct xj_db *db, const char *username,
                              struct xj_user_auth *a, bool *found);
/* A user from columns 0..5 of a users row: id, username, display_name,
   role, coalesce(region_code, ''), coalesce(school_id, 0) (every users
   SELECT of user_store.c and the session's in session_store.c).  Classes
   are not read: xj_user_load_classes. */
void xj_user_from_row (const struct xj_db_row *r, struct xj_user *u);
/* A teacher's classes into u->class_ids (no statement for other roles). */
enum xj_err xj_user_load_classes (struct xj_db *db, struct xj_user *u);

/* ---- user administration (user_admin.c): THE rules for the API and
   the CLI.  @actor NULL is the command line (anything goes). ---- */
struct xj_verrs;
struct xj_actor;
/* A user as created or edited. */
struct xj_user_spec {
  const char *username;         /* create only */
  const char *display_name;     /* "" or NULL: the user name */
  const char *password;         /* create only */
  enum xj_role role;
  const char *region_code;      /* bureau: existing 2/4/6-digit region */
  int64_t school_id;            /* registrar, teacher */
  const char *school_code;      /* alternative to school_id (CLI) */
  int64_t class_ids[XJ_USER_MAX_CLASSES]; /* teacher: of that school */
  unsigned nclasses;
  bool classes_set;             /* class_ids given (edit: else kept while
                                   the school stays the same) */
};
/* May @actor manage (see, create, edit, reset) users at all?  Admins;
   bureau users when the setting bureau_manages_users is on. */
bool xj_user_admin_allowed (const struct xj_user *actor,
                            const struct xj_auth_settings *set);
/* May @actor manage @u (role, region, school county)?  A bureau user
   only registrars and teachers of schools in its region and bureau users
   of regions strictly inside its own; never admins. */
bool xj_user_may_manage (const struct xj_user *actor, enum xj_role role,
                         const char *region_code, const char *county_code);
/* Inside a write txn: validate (field errors into @errs: username,
   display_name, password, role, region_code, school_id, class_ids),
   check @actor's right (XJ_E_FORBIDDEN / XJ_E_OUT_OF_SCOPE), create,
   audit "user.create".  *id gets the new user's id. */
enum xj_err xj_user_admin_create (struct xj_db *db,
                                  const struct xj_actor *a,
                                  const struct xj_user *actor,
                                  struct xj_user_spec *s,
                                  struct xj_verrs *errs, int64_t *id);
/* Inside a write txn: edit display name, role, scope and classes, and
   disable/enable (@disabled: -1 keep, 0 enable, 1 disable; disabling
   ends the user's sessions).  A user outside @actor's jurisdiction is
   XJ_E_NOT_FOUND; nobody disables or demotes themselves. */
enum xj_err xj_user_admin_update (struct xj_db *db,
                                  const struct xj_actor *a,
                                  const struct xj_user *actor, int64_t id,
                                  struct xj_user_spec *s, int disabled,
                                  struct xj_verrs *errs);
/* Inside a write txn: set a new password (policy), end the user's
   sessions, audit "user.password_reset". */
enum xj_err xj_user_admin_reset (struct xj_db *db, const struct xj_actor *a,
                                 const struct xj_user *actor, int64_t id,
                                 const char *password);
/* Inside a write txn: a user's own password change (the old password was
   checked by xj_login_recheck); audit "password_change".  *epoch gets the
   new session epoch. */
enum xj_err xj_user_change_own (struct xj_db *db, const struct xj_actor *a,
                                const struct xj_user *u,
                                const char *password, int64_t *epoch);
/* Users @actor may manage, in id order. */
enum xj_err xj_user_admin_list (struct xj_db *db, const struct xj_user *actor,
                                xj_user_cb cb, void *cls);

/* ---- log-in and sessions (session_store.c; @auth is the auth store,
   docs/internals/sessions.md) ---- */
struct xj_login {
  const char *username, *password, *ip;   /* in */
  struct xj_user user;                    /* out, on success */
  char token[65];                         /* out: cookie token (hex) */
  char csrf[65];                          /* out: CSRF token */
  unsigned delay_ms;                      /* out: slow the reply */
  unsigned retry_after;                   /* out: seconds, 429/503 */
};
/* Log-in.  Per user name and source address: failures 6+ are slowed
   (250 ms x (n - 5)), the 10th locks for 15 minutes; per address: after
   login_address_failures failures in 15 minutes XJ_E_LOGIN_RATE; hashing
   beyond XJ_PW_SLOTS at once XJ_E_LOGIN_BUSY.  Unknown user, wrong
   password and disabled account answer the same XJ_E_BAD_LOGIN after the
   same work.  Writes only the auth store (sessions, counters, auth_log),
   never the registry. */
enum xj_err xj_user_login (struct xj_db *auth, struct xj_db *db,
                           struct xj_login *l);
/* Resolve a session cookie token: absolute and idle timeouts, the user
   enabled and the session epoch current.  Notes activity. */
enum xj_err xj_session_get (struct xj_db *auth, struct xj_db *db,
                            const char *token, struct xj_user *u,
                            char csrf_out[65]);
/* A read joined to the session check, so that both take one statement
   (on PostgreSQL one round trip instead of two: GET of one record,
   docs/internals/sessions.md "One round trip").  @st is an
   XJ_DB_AUTH_STMT of the form session_sql.h describes; it runs on the
   auth connection, which sees the registry (SQLite: attached read-only;
   PostgreSQL: the same database). */
struct xj_session_read {
  struct xj_db_stmt *st;
  struct xj_db_param param;   /* $3 */
  /* The read's columns (column 0 = the first after the session's),
     called once, and only when the session holds (timeouts, epoch,
     user enabled) before anything else of the request happens: it
     decodes, nothing more.  Whether the read found anything is its own
     business (its columns are NULL when the LEFT JOIN found nothing). */
  xj_db_row_cb cb;
  void *cls;
};
/* xj_session_get with @rd read in the same statement (NULL: exactly
   xj_session_get).  On any answer but XJ_E_OK @rd's callback has not
   run, or ran for a session refused afterwards: its result must not be
   used. */
enum xj_err xj_session_get_with (struct xj_db *auth, struct xj_db *db,
                                 const char *token, struct xj_user *u,
                                 char csrf_out[65],
                                 const struct xj_session_read *rd);
/* Log-out: delete the session, record `logout` in the auth log. */
enum xj_err xj_session_logout (struct xj_db *auth, const char *token,
                               const struct xj_user *u, const char *ip);
/* End every session of @user_id except the one of @keep_token (NULL:
   all); the kept one moves to @epoch. */
enum xj_err xj_session_end_user (struct xj_db *auth, int64_t user_id,
                                 const char *keep_token, int64_t epoch);
/* Check @password of the logged-in @username under the same throttling
   as a log-in (for a change of one's own password).  XJ_E_BAD_OLD_PASSWORD
   when wrong. */
enum xj_err xj_login_recheck (struct xj_db *auth, struct xj_db *db,
                              const char *username, const char *password,
                              const char *ip, unsigned *retry_after);
/* Copy new auth_log entries into the registry's audit_log in order, once
   each.  @wait false: give up at once (XJ_E_DB_BUSY) if the registry's
   writer lock is held. */
enum xj_err xj_auth_log_copy (struct xj_db *auth, struct xj_db *db,
                              bool wait);
/* The copier thread (auth_copier.c) of a server on the registry at
   @db_path: copies every second, when kicked, and once more (waiting for
   the lock) at stop. */
void xj_auth_copier_start (const char *db_path);
void xj_auth_copier_kick (void);
void xj_auth_copier_stop (void);

#endif
