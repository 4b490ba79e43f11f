/* fuzz_student_json.c -- the registration body path of the API: JSON into
 * struct xj_student through the field table, then full validation and the
 * JSON and data-column round trips (packed, and the JSON form of older
 * rows); and the packed form's reader on the raw input bytes.  Must never
 * crash or leak.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "student/student_json.h"
#include "student/student_pack.h"

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

  s = calloc (1, sizeof *s);
  t = calloc (1, sizeof *t);
  v = calloc (1, sizeof *v);
  /* arbitrary bytes as a packed value: refused or read, never overrun */
  {
    unsigned char *p = malloc (size + 1);

    p[0] = XJ_PACK_V1;
    memcpy (p + 1, data, size);
    xj_student_init (t);
    (void) xj_student_unpack (t, p, size + 1);
    free (p);
  }
  if (NULL == j)
    {
      free (s);
      free (t);
      free (v);
      return 0;
    }
  xj_student_init (s);
  if (XJ_E_OK == xj_student_from_json (j, s, XJ_FJ_ALLOW_IDS, v, &bad))
    {
      json_t *out;

      xj_student_validate (s, 20261123, v);
      out = xj_student_to_json (s, 0);
      json_decref (out);
      dump = xj_student_data_dump (s);
      xj_student_init (t);
      if (XJ_E_OK != xj_student_data_load (t, dump, strlen (dump)))
        abort ();
      free (dump);
      {
        struct xj_buf b;
        struct xj_student *u = calloc (1, sizeof *u);
        struct xj_student *w = calloc (1, sizeof *w);

        /* read back, packed again and read again: the same record (the
           first read may differ from @s only where an empty field has a
           default, e.g. nationality, as with the JSON form) */
        xj_buf_init (&b, 0);
        xj_student_pack (s, &b);
        xj_student_init (u);
        if (XJ_E_OK != xj_student_unpack (u, b.data, b.len))
          abort ();
        xj_student_pack (u, &b);
        xj_student_init (w);
        if (XJ_E_OK != xj_student_unpack (w, b.data, b.len)
            || 0 != memcmp (u, w, sizeof *u))
          abort ();
        xj_buf_fini (&b);
        free (w);
        free (u);
      }
    }
  json_decref (j);
  free (s);
  free (t);
  free (v);
  return 0;
}
