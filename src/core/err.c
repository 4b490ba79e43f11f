/* err.c -- lookup tables of the error registry; see err.def. */
#include <string.h>
#include "err.h"

struct entry {
  int status;
  const char *code;
  const char *zh;
  const char *en;
};

static const struct entry table[] = {
#define XJ_E(name, status, code, zh, en) { status, code, zh, en },
#include "err.def"
#undef XJ_E
};

static const struct entry *
get (enum xj_err e)
{
  if ((unsigned) e >= XJ_E__COUNT)
    return &table[XJ_E_INTERNAL];
  return &table[e];
}

int
xj_err_http_status (enum xj_err e)
{
  return get (e)->status;
}

const char *
xj_err_code (enum xj_err e)
{
  return get (e)->code;
}

const char *
xj_err_zh (enum xj_err e)
{
  return get (e)->zh;
}

const char *
xj_err_en (enum xj_err e)
{
  return get (e)->en;
}

enum xj_err
xj_err_from_code (const char *code)
{
  for (unsigned i = 0; i < XJ_E__COUNT; i++)
    if (0 == strcmp (table[i].code, code))
      return (enum xj_err) i;
  return XJ_E__COUNT;
}
