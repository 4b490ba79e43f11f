/* sha256.c -- SHA-256 (FIPS 180-4) with the x86 SHA extensions when the
 * CPU has them, libsodium's portable code otherwise.
 *
 * Why: the import hashes every uploaded file (the audit entry names it by
 * its SHA-256) beside reading it; libsodium's C implementation took 1.9 s
 * of CPU for a 568 MB file, on a machine where the import has two cores
 * for three threads.  The SHA-NI compression function is the well-known
 * one of Intel's "SHA extensions" paper (rounds four at a time, message
 * schedule by sha256msg1/msg2); tests/unit/test_sha256.c compares it with
 * libsodium on many lengths and alignments.
 */
#include <sodium.h>
#include <stdint.h>
#include <string.h>
#include "core/sha256.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#include <immintrin.h>
#define XJ_SHA_NI 1
#endif

static const uint32_t H0[8] = {
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
  0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

#ifdef XJ_SHA_NI
static const uint32_t K[64] = {
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
  0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
  0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
  0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
  0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

__attribute__ ((target ("sha,sse4.1"))) static void
blocks_ni (uint32_t st[8], const unsigned char *p, size_t n)
{
  const __m128i bswap = _mm_set_epi64x (0x0c0d0e0f08090a0bULL,
                                        0x0405060700010203ULL);
  __m128i s0, s1, tmp;

  /* state words A..H -> the (ABEF, CDGH) register layout */
  tmp = _mm_loadu_si128 ((const __m128i *) (const void *) &st[0]);
  s1 = _mm_loadu_si128 ((const __m128i *) (const void *) &st[4]);
  tmp = _mm_shuffle_epi32 (tmp, 0xB1);        /* CDAB */
  s1 = _mm_shuffle_epi32 (s1, 0x1B);          /* EFGH */
  s0 = _mm_alignr_epi8 (tmp, s1, 8);          /* ABEF */
  s1 = _mm_blend_epi16 (s1, tmp, 0xF0);       /* CDGH */
  for (; n > 0; n--, p += 64)
    {
      __m128i w[16];
      __m128i abef = s0, cdgh = s1;

      for (int i = 0; i < 16; i++)
        {
          __m128i m;

          if (i < 4)
            w[i] = _mm_shuffle_epi8 (
              _mm_loadu_si128 ((const __m128i *) (const void *) (p + 16 * i)),
              bswap);
          else
            w[i] = _mm_sha256msg2_epu32 (
              _mm_add_epi32 (_mm_sha256msg1_epu32 (w[i - 4], w[i - 3]),
                             _mm_alignr_epi8 (w[i - 1], w[i - 2], 4)),
              w[i - 1]);
          m = _mm_add_epi32 (w[i], _mm_loadu_si128 (
                                     (const __m128i *) (const void *)
                                     &K[4 * i]));
          s1 = _mm_sha256rnds2_epu32 (s1, s0, m);
          s0 = _mm_sha256rnds2_epu32 (s0, s1, _mm_shuffle_epi32 (m, 0x0E));
        }
      s0 = _mm_add_epi32 (s0, abef);
      s1 = _mm_add_epi32 (s1, cdgh);
    }
  /* back to A..H */
  tmp = _mm_shuffle_epi32 (s0, 0x1B);         /* FEBA */
  s1 = _mm_shuffle_epi32 (s1, 0xB1);          /* DCHG */
  s0 = _mm_blend_epi16 (tmp, s1, 0xF0);       /* DCBA */
  s1 = _mm_alignr_epi8 (s1, tmp, 8);          /* HGFE */
  _mm_storeu_si128 ((__m128i *) (void *) &st[0], s0);
  _mm_storeu_si128 ((__m128i *) (void *) &st[4], s1);
}

static bool
have_ni (void)
{
  static int have = -1;
  unsigned a, b, c, d;

  if (have < 0)
    {
      bool sha = __get_cpuid_count (7, 0, &a, &b, &c, &d) && (b & (1u << 29));
      bool sse41 = __get_cpuid (1, &a, &b, &c, &d) && (c & (1u << 19));
      bool ssse3 = __get_cpuid (1, &a, &b, &c, &d) && (c & (1u << 9));

      have = sha && sse41 && ssse3 && ! xj_sha256_force_portable;
    }
  return have;
}
#endif

bool xj_sha256_force_portable;

void
xj_sha256_init (struct xj_sha256 *h)
{
  memset (h, 0, sizeof *h);
#ifdef XJ_SHA_NI
  h->ni = have_ni ();
#endif
  if (h->ni)
    memcpy (h->st, H0, sizeof h->st);
  else
    crypto_hash_sha256_init (&h->sodium);
}

void
xj_sha256_update (struct xj_sha256 *h, const void *data, size_t n)
{
  const unsigned char *p = data;

  if (! h->ni)
    {
      crypto_hash_sha256_update (&h->sodium, p, n);
      return;
    }
#ifdef XJ_SHA_NI
  h->total += n;
  if (h->nbuf > 0)
    {
      size_t take = 64 - h->nbuf < n ? 64 - h->nbuf : n;

      memcpy (h->buf + h->nbuf, p, take);
      h->nbuf += take;
      p += take;
      n -= take;
      if (h->nbuf < 64)
        return;
      blocks_ni (h->st, h->buf, 1);
      h->nbuf = 0;
    }
  if (n >= 64)
    {
      blocks_ni (h->st, p, n / 64);
      p += n - n % 64;
      n %= 64;
    }
  memcpy (h->buf, p, n);
  h->nbuf = n;
#endif
}

void
xj_sha256_final (struct xj_sha256 *h, unsigned char out[32])
{
  if (! h->ni)
    {
      crypto_hash_sha256_final (&h->sodium, out);
      return;
    }
#ifdef XJ_SHA_NI
  {
    uint64_t bits = h->total * 8;
    unsigned char pad[72];
    size_t npad = (h->nbuf < 56 ? 56 : 120) - h->nbuf;

    memset (pad, 0, sizeof pad);
    pad[0] = 0x80;
    for (int i = 0; i < 8; i++)
      pad[npad + (size_t) i] = (unsigned char) (bits >> (56 - 8 * i));
    xj_sha256_update (h, pad, npad + 8);
    for (int i = 0; i < 8; i++)
      {
        out[4 * i] = (unsigned char) (h->st[i] >> 24);
        out[4 * i + 1] = (unsigned char) (h->st[i] >> 16);
        out[4 * i + 2] = (unsigned char) (h->st[i] >> 8);
        out[4 * i + 3] = (unsigned char) h->st[i];
      }
  }
#endif
}
