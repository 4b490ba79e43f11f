/* student_pack.c -- the packed `data` column (format in docs/db.md).
 *
 *   value  := 0x01 entry*
 *   entry  := no varint-length bytes      text field
 *           | (no | 0x80) earlier-no      text equal to an earlier field's
 *           | no varint                   int or flag field (>= 0)
 *           | no 8-bytes                  double, IEEE 754 little-endian
 *           | no zigzag-varint            64-bit integer field
 *
 * Field numbers (1..127) are frozen in pack_keys below: append, never
 * reorder or reuse, or stored rows change meaning.  Entries are written in
 * number order; the reader accepts any order but each number once.
 * "Given" is what the JSON form stored: non-empty text, ints >= 0 (0 only
 * where the code set has a 0), doubles >= 0.
 */
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "core/util.h"
#include "student/student_json.h"
#include "student/student_pack.h"
#include "validate/codes.h"

/* Number -> JSON key.  Frozen (see above). */
static const char *const pack_keys[] = {
  NULL,
  "birthplace", "native_place", "ethnicity", "nationality", "hk_mo_tw",
  "political", "health", "name_pinyin", "former_name", "hukou_region",
  "hukou_type", "specialty", "aux_no", "seat_no", "enrol_ym",
  "enrol_mode", "study_mode", "source", "address", "mail_address",
  "home_address", "phone", "postcode", "email", "only_child",
  "preschool", "left_behind", "migrant", "orphan", "martyr",
  "inclusive", "disability", "gov_degree", "need_aid", "yibu",
  "distance_km", "transport", "need_bus",
  "g1_name", "g1_relation", "g1_relation_note", "g1_phone",
  "g1_is_guardian", "g1_id_type", "g1_id_no", "g1_ethnicity",
  "g1_employer", "g1_address",
  "g2_name", "g2_relation", "g2_relation_note", "g2_phone",
  "g2_is_guardian", "g2_id_type", "g2_id_no", "g2_ethnicity",
  "g2_employer", "g2_address",
};
#define NKEYS (sizeof pack_keys / sizeof pack_keys[0])
_Static_assert (NKEYS <= 128, "field numbers must fit 7 bits");

/* Text shorter than this is written out even when an earlier field holds
   the same (a back-reference is 2 bytes; codes repeat by chance). */
#define REF_MIN 8

static struct pfield {
  const struct xj_field *f;
  bool zero_given;             /* int field whose code set has 0 */
} by_no[NKEYS];
static unsigned no_of[128];    /* field-table index -> number (0: column) */
static size_t pack_bound;      /* bytes of the largest packed record */
static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static void
pack_init (void)
{
  size_t nf = 0;

  for (const struct xj_field *f = xj_student_fields; f->key; f++)
    nf++;
  if (nf > 128)
    abort ();
  for (unsigned no = 1; no < NKEYS; no++)
    {
      const struct xj_field *f = xj_student_field (pack_keys[no]);

      if (NULL == f || xj_student_is_column (f->key))
        abort ();   /* the frozen list names a field that is gone */
      by_no[no].f = f;
      by_no[no].zero_given = NULL != f->codeset
                             && xj_code_valid (f->codeset, "0");
      no_of[f - xj_student_fields] = no;
      /* tag + 10-byte varint + the value (text: its array's size) */
      pack_bound += 1 + 10 + (XJ_FT_TEXT == f->type ? f->size : 8);
    }
  pack_bound += 1;
  /* every stored field has a number (tests/unit/test_student_pack.c
     says which one is missing; here only refuse to lose data) */
  for (size_t i = 0; i < nf; i++)
    if (0 == no_of[i] && ! xj_student_is_column (xj_student_fields[i].key))
      abort ();
}

unsigned
xj_student_pack_no (const struct xj_field *f)
{
  pthread_once (&init_once, &pack_init);
  return no_of[f - xj_student_fields];
}

const struct xj_field *
xj_student_pack_field (unsigned no)
{
  pthread_once (&init_once, &pack_init);
  return no > 0 && no < NKEYS ? by_no[no].f : NULL;
}

static unsigned char *
put_varint (unsigned char *w, uint64_t v)
{
  while (v >= 0x80)
    {
      *w++ = (unsigned char) (v | 0x80);
      v >>= 7;
    }
  *w++ = (unsigned char) v;
  return w;
}

static const void *
field_ptr (const struct xj_student *s, const struct xj_field *f)
{
  return (const char *) s + f->offset;
}

void
xj_student_pack (const struct xj_student *s, struct xj_buf *b)
{
  /* text fields written so far, for back-references */
  struct
  {
    const char *p;
    size_t len;
    unsigned no;
  } seen[NKEYS];
  size_t nseen = 0;
  unsigned char *w;

  pthread_once (&init_once, &pack_init);
  /* room for the largest record, reserved once: this runs on the
     import's reader thread for every row */
  b->len = 0;
  if (! xj_buf_reserve (b, pack_bound))
    abort ();   /* only a buffer with a small max could refuse */
  w = (unsigned char *) b->data;
  *w++ = XJ_PACK_V1;
  for (unsigned no = 1; no < NKEYS; no++)
    {
      const struct pfield *d = &by_no[no];
      const struct xj_field *f = d->f;
      const void *base = field_ptr (s, f);

      switch (f->type)
        {
        case XJ_FT_TEXT:
          {
            const char *t = base;
            size_t len = strnlen (t, f->size);
            size_t i;

            if (0 == len)
              break;
            for (i = 0; len >= REF_MIN && i < nseen; i++)
              if (seen[i].len == len && 0 == memcmp (seen[i].p, t, len))
                break;
            if (len >= REF_MIN && i < nseen)
              {
                *w++ = (unsigned char) (no | 0x80);
                *w++ = (unsigned char) seen[i].no;
                break;
              }
            *w++ = (unsigned char) no;
            w = put_varint (w, len);
            memcpy (w, t, len);
            w += len;
            seen[nseen].p = t;
            seen[nseen].len = len;
            seen[nseen].no = no;
            nseen++;
            break;
          }
        case XJ_FT_INT:
        case XJ_FT_FLAG:
          {
            int v = *(const int *) base;

            if (v < 0 || (0 == v && ! d->zero_given))
              break;
            *w++ = (unsigned char) no;
            w = put_varint (w, (uint64_t) v);
            break;
          }
        case XJ_FT_DOUBLE:
          {
            double v = *(const double *) base;
            uint64_t bits;

            if (! (v >= 0))
              break;
            memcpy (&bits, &v, sizeof bits);
            *w++ = (unsigned char) no;
            for (int k = 0; k < 8; k++)
              *w++ = (unsigned char) (bits >> (8 * k));
            break;
          }
        case XJ_FT_I64:
          {
            int64_t v = *(const int64_t *) base;

            *w++ = (unsigned char) no;
            w = put_varint (w, ((uint64_t) v << 1) ^ (uint64_t) (v >> 63));
            break;
          }
        }
    }
  b->len = (size_t) (w - (unsigned char *) b->data);
  b->data[b->len] = '\0';
}

static bool
get_varint (const unsigned char **p, const unsigned char *end, uint64_t *v)
{
  uint64_t r = 0;

  for (unsigned shift = 0; shift < 64; shift += 7)
    {
      unsigned char c;

      if (*p >= end)
        return false;
      c = *(*p)++;
      r |= (uint64_t) (c & 0x7F) << shift;
      if (0 == (c & 0x80))
        {
          *v = r;
          return true;
        }
    }
  return false;
}

enum xj_err
xj_student_unpack (struct xj_student *s, const void *data, size_t n)
{
  const unsigned char *p = data;
  const unsigned char *end = p + n;
  bool seen[NKEYS] = { false };

  pthread_once (&init_once, &pack_init);
  if (0 == n || XJ_PACK_V1 != *p++)
    goto bad;
  while (p < end)
    {
      unsigned tag = *p++;
      unsigned no = tag & 0x7F;
      const struct pfield *d;
      const struct xj_field *f;
      char *base;

      if (0 == no || no >= NKEYS || seen[no])
        goto bad;
      seen[no] = true;
      d = &by_no[no];
      f = d->f;
      base = (char *) s + f->offset;
      if (tag & 0x80)
        {
          unsigned from;
          const struct xj_field *g;
          size_t len;

          if (p >= end || XJ_FT_TEXT != f->type)
            goto bad;
          from = *p++;
          if (0 == from || from >= NKEYS || ! seen[from] || from == no)
            goto bad;
          g = by_no[from].f;
          if (XJ_FT_TEXT != g->type)
            goto bad;
          len = strnlen ((const char *) s + g->offset, g->size);
          if (len >= f->size)
            goto bad;
          memcpy (base, (const char *) s + g->offset, len);
          base[len] = '\0';
          continue;
        }
      switch (f->type)
        {
        case XJ_FT_TEXT:
          {
            uint64_t len;

            if (! get_varint (&p, end, &len) || len >= f->size
                || len > (uint64_t) (end - p) || 0 == len
                || NULL != memchr (p, '\0', (size_t) len)
                || ! xj_utf8_valid ((const char *) p, (size_t) len))
              goto bad;
            memcpy (base, p, (size_t) len);
            base[len] = '\0';
            p += len;
            break;
          }
        case XJ_FT_INT:
        case XJ_FT_FLAG:
          {
            uint64_t v;

            if (! get_varint (&p, end, &v) || v > 1000000)
              goto bad;
            *(int *) (void *) base = (int) v;
            break;
          }
        case XJ_FT_DOUBLE:
          {
            uint64_t bits = 0;
            double v;

            if (end - p < 8)
              goto bad;
            for (int k = 0; k < 8; k++)
              bits |= (uint64_t) p[k] << (8 * k);
            p += 8;
            memcpy (&v, &bits, sizeof v);
            if (! (v >= 0) || ! isfinite (v))
              goto bad;
            *(double *) (void *) base = v;
            break;
          }
        case XJ_FT_I64:
          {
            uint64_t z;

            if (! get_varint (&p, end, &z))
              goto bad;
            *(int64_t *) (void *) base = (int64_t) (z >> 1) ^ -(int64_t) (z & 1);
            break;
          }
        }
    }
  return XJ_E_OK;
bad:
  return XJ_E_INTERNAL;
}
