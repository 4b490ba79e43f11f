/* db_row.c -- row callbacks of db.h that do not depend on the backend. */
#include <string.h>

#include "../core/util.h"
#include "db.h"

int
xj_db_int64_cb (void *cls, const struct xj_db_row *row)
{
  *(int64_t *) cls = xj_db_int (row, 0);
  return 1;
}

void
xj_db_row_fields (const struct xj_db_row *r, const struct xj_db_field *f,
                  size_t n, void *out)
{
  char *base = out;

  for (size_t i = 0; i < n; i++)
    {
      void *p = base + f[i].off;
      int64_t v = xj_db_int (r, (int) i);

      switch (f[i].kind)
        {
        case XJ_DB_FI64:
          memcpy (p, &v, sizeof v);
          break;
        case XJ_DB_FINT:
          *(int *) p = (int) v;
          break;
        case XJ_DB_FBOOL:
          *(bool *) p = 0 != v;
          break;
        case XJ_DB_FTEXT:
          xj_strlcpy (p, xj_db_text (r, (int) i), f[i].size);
          break;
        }
    }
}
