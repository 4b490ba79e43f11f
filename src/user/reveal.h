/* reveal.h -- who may see personal numbers in full, and how many
 * full-number searches a user may run (docs/internals/masking.md).
 *
 * One policy answers for every path that unmasks: the record's reveal
 * (POST /students/{id}/reveal), exports with reveal=1 and the 学籍卡.
 * The rights per role are settings (privacy_store.c); the rules here are
 * pure.  Masking itself is xj_mask (student.h).
 */
#ifndef XJ_REVEAL_H
#define XJ_REVEAL_H

#include <stdbool.h>
#include <stdint.h>
#include "core/err.h"

struct xj_db;
struct xj_user;
struct xj_actor;

/* The classes of personal numbers a role may be allowed to see in full;
   a bit set of them is a user's reveal rights. */
enum xj_pii {
  XJ_PII_ID_NO = 1,       /* the student's ID number and registry numbers
                             (a G number is "G" + the ID; L and J are
                             built like one) */
  XJ_PII_PHONE = 2,       /* the student's and the guardians' phones */
  XJ_PII_GUARDIAN_ID = 4  /* the guardians' ID numbers */
};
#define XJ_PII_ALL 7u

/* Reveal rights per role and the search budget (settings). */
struct xj_privacy {
  unsigned reveal_admin, reveal_bureau, reveal_registrar, reveal_teacher;
  int searches_per_minute;  /* full-number searches per user, 1..60 */
};
#define XJ_SEARCHES_MAX 60

/* Defaults: administrators, bureau users and registrars everything in
   their scope; class teachers the phones of their own classes; 10
   full-number searches a minute. */
void xj_privacy_defaults (struct xj_privacy *p);

/* The bit set of enum xj_pii that @u may see in full under @p (0 for a
   user without a known role).  Scope is checked elsewhere: rights apply
   only to records the user may see at all. */
unsigned xj_reveal_rights (const struct xj_privacy *p, const struct xj_user *u);
/* May @u see @what in full? */
bool xj_reveal_allowed (const struct xj_privacy *p, const struct xj_user *u,
                        enum xj_pii what);

/* "id_no", "phone", "guardian_id"; NULL for anything else. */
const char *xj_pii_name (enum xj_pii what);
/* The bit for @name, 0 if unknown. */
unsigned xj_pii_from_name (const char *name);
/* The names of the bits of @bits as a new JSON array (for audit entries
   and replies).  Caller owns it. */
struct json_t;
struct json_t *xj_pii_json (unsigned bits);

/* Take one full-number search (ID or registry number in a list query,
   an export or a lookup) from user @user_id's budget of @per_minute in
   any 60 seconds.  True if allowed; false with *retry_after (seconds,
   >= 1) when the budget is spent.  In memory, per process; thread-safe.
   @now_ms: xj_mono_ms (). */
bool xj_search_budget_take (int64_t user_id, int per_minute, int64_t now_ms,
                            unsigned *retry_after);
/* The same test without taking a search: is one left?  For writes that
   answer "this number is held" (registration, L->G): they are refused
   while the budget is spent whatever the number, and take a search only
   when the number was held (docs/internals/masking.md). */
bool xj_search_budget_left (int64_t user_id, int per_minute, int64_t now_ms,
                            unsigned *retry_after);

/* ---- storage (privacy_store.c) ---- */
/* Current settings (defaults for keys never set).  No transaction needed. */
enum xj_err xj_privacy_get (struct xj_db *db, struct xj_privacy *out);
/* Store @in and append a settings.update audit entry with @before/@after
   JSON.  Inside a write transaction. */
enum xj_err xj_privacy_put (struct xj_db *db, const struct xj_actor *a,
                            const struct xj_privacy *in, const char *before,
                            const char *after);

#endif
