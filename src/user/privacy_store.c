/* privacy_store.c -- the privacy settings (reveal rights per role, the
 * full-number search budget) in the settings table.  Keys:
 * privacy.reveal.<role> (comma-separated enum xj_pii names, "" = none)
 * and privacy.searches_per_minute.  A key never set keeps its default.
 */
#include <string.h>
#include "audit/audit.h"
#include "core/util.h"
#include "user/reveal.h"

XJ_DB_STMT (st_privacy_get,
            "SELECT key, value FROM settings WHERE key IN"
            " ('privacy.reveal.admin', 'privacy.reveal.bureau',"
            " 'privacy.reveal.registrar', 'privacy.reveal.teacher',"
            " 'privacy.searches_per_minute')")
XJ_DB_STMT (st_privacy_put,
            "INSERT INTO settings (key, value) VALUES ($1, $2)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value")

/* "id_no,phone" -> bits; unknown names are ignored (never widen). */
static unsigned
rights_parse (const char *v)
{
  unsigned bits = 0;
  char name[32];

  while (*v)
    {
      size_t n = strcspn (v, ",");

      if (n < sizeof name)
        {
          memcpy (name, v, n);
          name[n] = '\0';
          bits |= xj_pii_from_name (name);
        }
      v += n;
      if (',' == *v)
        v++;
    }
  return bits;
}

static void
rights_text (unsigned bits, char out[64])
{
  size_t n = 0;

  out[0] = '\0';
  for (unsigned b = 1; b <= XJ_PII_ALL; b <<= 1)
    if (bits & b)
      {
        xj_snprintf (out + n, 64 - n, "%s%s", n ? "," : "",
                     xj_pii_name ((enum xj_pii) b));
        n = strlen (out);
      }
}

static unsigned *
rights_of (struct xj_privacy *p, const char *role)
{
  if (0 == strcmp (role, "admin"))
    return &p->reveal_admin;
  if (0 == strcmp (role, "bureau"))
    return &p->reveal_bureau;
  if (0 == strcmp (role, "registrar"))
    return &p->reveal_registrar;
  if (0 == strcmp (role, "teacher"))
    return &p->reveal_teacher;
  return NULL;
}

static int
privacy_row (void *cls, const struct xj_db_row *r)
{
  struct xj_privacy *p = cls;
  const char *k = xj_db_text (r, 0), *v = xj_db_text (r, 1);
  int64_t n;

  if (0 == strncmp (k, "privacy.reveal.", 15) && rights_of (p, k + 15))
    *rights_of (p, k + 15) = rights_parse (v);
  else if (0 == strcmp (k, "privacy.searches_per_minute")
           && xj_parse_i64 (v, &n) && n >= 1 && n <= XJ_SEARCHES_MAX)
    p->searches_per_minute = (int) n;
  return 0;
}

enum xj_err
xj_privacy_get (struct xj_db *db, struct xj_privacy *out)
{
  enum xj_qs qs;

  xj_privacy_defaults (out);
  qs = xj_db_q (db, &st_privacy_get, XJ_DB_NOPARAMS, &privacy_row, out);
  return qs < 0 ? xj_db_qs_err (qs) : XJ_E_OK;
}

static enum xj_qs
put (struct xj_db *db, const char *key, const char *value)
{
  return xj_db_q (db, &st_privacy_put,
                  XJ_DB_PARAMS (XJ_DB_S (key), XJ_DB_S (value)), NULL, NULL);
}

enum xj_err
xj_privacy_put (struct xj_db *db, const struct xj_actor *a,
                const struct xj_privacy *in, const char *before,
                const char *after)
{
  static const char *const roles[] = { "admin", "bureau", "registrar",
                                       "teacher" };
  struct xj_privacy copy = *in;
  char key[64], v[64];
  enum xj_qs qs = XJ_QS_NONE;

  for (size_t i = 0; i < 4 && qs >= 0; i++)
    {
      xj_snprintf (key, sizeof key, "privacy.reveal.%s", roles[i]);
      rights_text (*rights_of (&copy, roles[i]), v);
      qs = put (db, key, v);
    }
  if (qs >= 0)
    {
      xj_snprintf (v, sizeof v, "%d", in->searches_per_minute);
      qs = put (db, "privacy.searches_per_minute", v);
    }
  if (qs < 0)
    return xj_db_qs_err (qs);
  return xj_audit_append (db, a, "settings.update", "settings", "privacy",
                          before, after);
}
