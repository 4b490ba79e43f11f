/* fuzz_idcard.c -- resident ID parsing and the validators of free text:
 * never crash, never write past a buffer, and a parsed ID always re-parses
 * to itself with a valid check digit.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "idcard/idcard.h"
#include "validate/validate.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char in[256];
  char out[256];
  struct xj_idcard card, again;

  if (size >= sizeof in)
    return 0;
  memcpy (in, data, size);
  in[size] = '\0';
  if (XJ_E_OK == xj_idcard_parse (in, 20261123, &card))
    {
      if (18 != strlen (card.id18)
          || card.id18[17] != xj_idcard_check_char (card.id18)
          || XJ_E_OK != xj_idcard_parse (card.id18, 20261123, &again)
          || 0 != strcmp (card.id18, again.id18))
        abort ();
    }
  xj_valid_date (in, out, sizeof out);
  xj_valid_ym (in, out, sizeof out);
  xj_valid_phone (in, out, sizeof out);
  xj_valid_name (in, out, sizeof out);
  xj_valid_email (in, out, sizeof out);
  xj_valid_region (in, out, sizeof out);
  return 0;
}
