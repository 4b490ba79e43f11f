/* fuzz_encoding.c -- encoding detection and conversion
 * (xj_table_text_to_utf8) on arbitrary bytes: the output is always valid
 * UTF-8 without NUL, within the maximum, and a UTF-8 input comes back
 * unchanged (minus its BOM).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "core/util.h"
#include "import/table.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char *out = NULL;
  size_t len = 0, max = size * 2 + 1;
  const char *enc = NULL;
  char msg[256];

  if (XJ_E_OK != xj_table_text_to_utf8 (data, size, max, &out, &len, &enc,
                                        msg, sizeof msg))
    {
      if (NULL != out || '\0' == msg[0])
        abort ();
      return 0;
    }
  if (len > max || strlen (out) != len || !xj_utf8_valid (out, len))
    abort ();
  /* No byte decodes to more than three (GB18030 2 -> 3, 1 -> at most 3). */
  if (len > 3 * size)
    abort ();
  if (0 == strcmp (enc, "utf-8")
      && (len != size || 0 != memcmp (out, data, size)))
    abort ();
  if (0 == strcmp (enc, "utf-8-bom")
      && (len + 3 != size || 0 != memcmp (out, data + 3, len)))
    abort ();
  free (out);
  return 0;
}
