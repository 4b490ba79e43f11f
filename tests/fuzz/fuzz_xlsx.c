/* fuzz_xlsx.c -- the XLSX reader on arbitrary packages: never crash, never
 * exceed the limits of table.h, and every cell handed out is well-formed,
 * NUL-terminated UTF-8 of the stated length.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "core/util.h"
#include "import/table.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* Shared with fuzz_xlsx.c by copy: the invariants of one opened table. */
static void
drain (struct xj_table *t)
{
  struct xj_row r;
  uint64_t last = 0, done, total;
  size_t i;
  int rc;

  while (1 == (rc = xj_table_next (t, &r)))
    {
      if (r.ncols < 1 || r.ncols > XJ_TABLE_MAX_COLS || r.rowno <= last)
        abort ();
      last = r.rowno;
      for (i = 0; i < r.ncols; i++)
        if (r.lens[i] > XJ_TABLE_MAX_CELL || '\0' != r.cells[i][r.lens[i]]
            || strlen (r.cells[i]) != r.lens[i]
            || !xj_utf8_valid (r.cells[i], r.lens[i]))
          abort ();
    }
  if (rc < 0 && XJ_E_OK == xj_table_error (t, NULL))
    abort ();
  xj_table_progress (t, &done, &total);
  if (done > total)
    abort ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct xj_table *t;
  char msg[256];

  /* Only zip input reaches the XLSX reader. */
  if (size < 4 || 'P' != data[0] || 'K' != data[1])
    return 0;
  if (XJ_E_OK == xj_table_open_mem (data, size, NULL, &t, msg, sizeof msg))
    {
      drain (t);
      xj_table_close (t);
    }
  return 0;
}
