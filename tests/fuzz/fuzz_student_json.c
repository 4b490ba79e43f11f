/* fuzz_student_json.c -- the registration body path of the API: JSON into
 * struct xj_student through the field table, then full validation and the
 * JSON and data-column round trip.  Must never crash or leak.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "student/student_json.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  json_t *j = json_loadb ((const char *) data, size, JSON_REJECT_DUPLICATES,
                          NULL);
  struct xj_student *s, *t;
  struct xj_verrs *v;
  const char *bad;
  char *dump;

  if (NULL == j)
    return 0;
  s = calloc (1, sizeof *s);
  t = calloc (1, sizeof *t);
  v = calloc (1, sizeof *v);
  xj_student_init (s);
  if (XJ_E_OK == xj_student_from_json (j, s, XJ_FJ_ALLOW_IDS, v, &bad))
    {
      json_t *out;

      xj_student_validate (s, 20261123, v);
      out = xj_student_to_json (s, true);
      json_decref (out);
      dump = xj_student_data_dump (s);
      xj_student_init (t);
      if (XJ_E_OK != xj_student_data_load (t, dump))
        abort ();
      free (dump);
    }
  json_decref (j);
  free (s);
  free (t);
  free (v);
  return 0;
}
