/* table_harness.h -- what fuzz_csv.c and fuzz_xlsx.c share: open the
 * input as a table and check the invariants of table.h on every row.
 * Static functions only; each target includes it once and keeps its own
 * LLVMFuzzerTestOneInput, which picks the inputs it hands over.
 */
#ifndef XJ_FUZZ_TABLE_HARNESS_H
#define XJ_FUZZ_TABLE_HARNESS_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "core/util.h"
#include "import/table.h"

/* The invariants of one opened table: rows in order within the column
 * limit, every cell within the cell limit and NUL-terminated UTF-8 of the
 * stated length, a failed read leaves an error code, progress within its
 * total. Aborts (a crash for libFuzzer) on the first one broken. */
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

/* Open @data as a table (XLSX for the PK zip magic, else CSV) and, if it
 * opens, drain and close it. A refused input is not a failure. */
static void
fuzz_table (const uint8_t *data, size_t size)
{
  struct xj_table *t;
  char msg[256];

  if (XJ_E_OK == xj_table_open_mem (data, size, NULL, &t, msg, sizeof msg))
    {
      drain (t);
      xj_table_close (t);
    }
}

#endif
