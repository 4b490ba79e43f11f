/* db_row.c -- row callbacks of db.h that do not depend on the backend. */
#include "db.h"

int
xj_db_int64_cb (void *cls, const struct xj_db_row *row)
{
  *(int64_t *) cls = xj_db_int (row, 0);
  return 1;
}
