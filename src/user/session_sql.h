/* session_sql.h -- the parts of the session check's statement (st_as_get,
 * session_store.c), for a store whose statement reads something in the
 * same round trip as the check (xj_session_get_with, user.h;
 * docs/internals/sessions.md "One round trip"):
 *
 *   SELECT XJ_SESSION_COLS, <the read's columns>
 *   FROM XJ_SESSION_FROM LEFT JOIN <the read's tables ON ... $3>
 *   WHERE XJ_SESSION_WHERE
 *
 * The session's XJ_SESSION_NCOLS columns come first, $1 and $2 are the
 * session's, $3 the read's.  LEFT JOIN: a live session with nothing to
 * read still gives its row.  Only the session store decodes these
 * columns (their order is its business).
 */
#ifndef XJ_USER_SESSION_SQL_H
#define XJ_USER_SESSION_SQL_H

/* The user (columns 0..5 as xj_user_from_row reads them), its epoch, the
   session's epoch, CSRF token and last activity, the idle setting. */
#define XJ_SESSION_COLS                                                   \
  "u.id, u.username, u.display_name, u.role,"                             \
  " coalesce(u.region_code, ''), coalesce(u.school_id, 0),"               \
  " u.session_epoch, s.epoch, s.csrf, s.last_seen,"                       \
  " (SELECT value FROM settings WHERE key = 'session_idle_minutes')"
#define XJ_SESSION_NCOLS 11
/* The session and its user, who must be enabled. */
#define XJ_SESSION_FROM                                                   \
  "sessions s JOIN users u ON u.id = s.user_id AND u.disabled = 0"
/* $1 the SHA-256 of the token (hex), $2 now: not past its expiry. */
#define XJ_SESSION_WHERE "s.token_hash = $1 AND s.expires_at > $2"

#endif
