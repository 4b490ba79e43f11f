/* password.c -- password hashing (argon2id via libsodium), the password
 * policy and the cap on concurrent hashing.
 *
 * One argon2id hash or check costs 64 MiB and tens of milliseconds, so
 * at most XJ_PW_SLOTS run at once; a caller that finds no free slot
 * answers "busy, retry" rather than queueing without bound.  The policy is
 * one function that every path setting a password calls (CLI, API, init).
 * No database access here.
 *
 * The cost of NEW hashes is libsodium's INTERACTIVE (2 passes over 64 MiB,
 * ~0.2 s of CPU here).  Test suites that log in hundreds of times set
 * XJ_PWHASH=min (read once by main, like XJ_FAKE_NOW): argon2id at
 * libsodium's minimum cost, which a server announces on stderr at start.
 * A hash carries its own parameters, so verification never depends on
 * the setting.
 */
#include <ctype.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include "core/util.h"
#include "user/user.h"

/* The embedded list (tools/embed-words.sh from common-passwords.txt):
   lower case, sorted bytewise. */
extern const char *const xj_common_passwords[];
extern const unsigned long xj_common_passwords_count;

static pthread_mutex_t slot_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned slots_used;

static char dummy[XJ_PW_HASH_MAX];
static bool cost_min;   /* XJ_PWHASH=min: tests only */

bool
xj_password_cost_from_env (void)
{
  const char *e = getenv ("XJ_PWHASH");

  if (NULL == e || '\0' == e[0] || 0 == strcmp (e, "interactive"))
    cost_min = false;
  else if (0 == strcmp (e, "min"))
    cost_min = true;
  else
    return false;
  return true;
}

bool
xj_password_cost_is_min (void)
{
  return cost_min;
}
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

enum xj_err
xj_password_hash (const char *pw, char out[XJ_PW_HASH_MAX])
{
  if (0 != crypto_pwhash_str_alg (out, pw, strlen (pw),
                                  cost_min ? crypto_pwhash_OPSLIMIT_MIN
                                  : crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                  cost_min ? crypto_pwhash_MEMLIMIT_MIN
                                  : crypto_pwhash_MEMLIMIT_INTERACTIVE,
                                  crypto_pwhash_ALG_ARGON2ID13))
    return XJ_E_INTERNAL;
  return XJ_E_OK;
}

bool
xj_password_verify (const char *hash, const char *pw)
{
  return 0 == crypto_pwhash_str_verify (hash, pw, strlen (pw));
}

/* A hash of a random password, made once: checking against it costs what
   checking a real user's password does. */
static void
make_dummy (void)
{
  unsigned char b[16];
  char pw[33];

  randombytes_buf (b, sizeof b);
  sodium_bin2hex (pw, sizeof pw, b, sizeof b);
  if (XJ_E_OK != xj_password_hash (pw, dummy))
    XJ_BUG ("cannot hash the dummy password");
}

bool
xj_password_check (const char *hash, const char *pw)
{
  if (NULL == hash || '\0' == hash[0])
    {
      pthread_once (&dummy_once, &make_dummy);
      (void) xj_password_verify (dummy, pw);
      return false;
    }
  return xj_password_verify (hash, pw);
}

bool
xj_password_slot_take (void)
{
  bool ok;

  pthread_mutex_lock (&slot_lock);
  ok = slots_used < XJ_PW_SLOTS;
  if (ok)
    slots_used++;
  pthread_mutex_unlock (&slot_lock);
  return ok;
}

void
xj_password_slot_give (void)
{
  pthread_mutex_lock (&slot_lock);
  if (slots_used > 0)
    slots_used--;
  pthread_mutex_unlock (&slot_lock);
}

static int
cmp_word (const void *key, const void *elem)
{
  return strcmp (key, *(const char *const *) elem);
}

/* Lower-case ASCII copy of @s into @out (@size bytes, truncated). */
static void
lower_copy (const char *s, char *out, size_t size)
{
  size_t i = 0;

  for (; s[i] && i + 1 < size; i++)
    out[i] = (char) tolower ((unsigned char) s[i]);
  out[i] = '\0';
}

bool
xj_password_is_common (const char *pw)
{
  char low[256];

  lower_copy (pw, low, sizeof low);
  return NULL != bsearch (low, xj_common_passwords,
                          xj_common_passwords_count,
                          sizeof xj_common_passwords[0], &cmp_word);
}

enum xj_err
xj_password_policy (const char *username, const char *pw)
{
  char low_pw[256], low_user[128];

  if (xj_utf8_count (pw) < XJ_PW_MIN_CHARS)
    return XJ_E_WEAK_PASSWORD;
  if (strlen (pw) >= sizeof low_pw)
    return XJ_E_TOO_LONG;
  lower_copy (pw, low_pw, sizeof low_pw);
  lower_copy (username ? username : "", low_user, sizeof low_user);
  if (strlen (low_user) >= 3 && NULL != strstr (low_pw, low_user))
    return XJ_E_PASSWORD_USERNAME;
  if (xj_password_is_common (pw))
    return XJ_E_PASSWORD_COMMON;
  return XJ_E_OK;
}
