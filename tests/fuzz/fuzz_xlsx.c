/* fuzz_xlsx.c -- the XLSX reader on arbitrary packages: never crash, never
 * exceed the limits of table.h, and every cell handed out is well-formed,
 * NUL-terminated UTF-8 of the stated length.
 */
#include "table_harness.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  /* Only zip input reaches the XLSX reader. */
  if (size < 4 || 'P' != data[0] || 'K' != data[1])
    return 0;
  fuzz_table (data, size);
  return 0;
}
