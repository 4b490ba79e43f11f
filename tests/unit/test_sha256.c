/* test_sha256.c -- xj_sha256 (SHA-NI when the CPU has it) gives
 * libsodium's digests for every length 0..300 fed whole, byte by byte
 * and in odd pieces from odd offsets, for a few MB, and for the FIPS
 * 180-4 examples.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include "core/sha256.h"

static void
sodium_digest (const unsigned char *p, size_t n, unsigned char out[32])
{
  crypto_hash_sha256 (out, p, n);
}

static void
ours (const unsigned char *p, size_t n, size_t piece, unsigned char out[32])
{
  struct xj_sha256 h;

  xj_sha256_init (&h);
  for (size_t off = 0; off < n; off += piece)
    xj_sha256_update (&h, p + off, n - off < piece ? n - off : piece);
  xj_sha256_final (&h, out);
}

static void
test_known (void **state)
{
  unsigned char d[32];
  char hex[65];

  (void) state;
  ours ((const unsigned char *) "abc", 3, 3, d);
  sodium_bin2hex (hex, sizeof hex, d, sizeof d);
  assert_string_equal (hex, "ba7816bf8f01cfea414140de5dae2223"
                            "b00361a396177a9cb410ff61f20015ad");
  ours ((const unsigned char *) "", 0, 1, d);
  sodium_bin2hex (hex, sizeof hex, d, sizeof d);
  assert_string_equal (hex, "e3b0c44298fc1c149afbf4c8996fb924"
                            "27ae41e4649b934ca495991b7852b855");
  ours ((const unsigned char *)
        "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, 7,
        d);
  sodium_bin2hex (hex, sizeof hex, d, sizeof d);
  assert_string_equal (hex, "248d6a61d20638b8e5c026930c3e6039"
                            "a33ce45964ff2167f6ecedd419db06c1");
}

static void
test_same_as_sodium (void **state)
{
  size_t big = 3 * 1024 * 1024 + 17;
  unsigned char *buf = malloc (big + 8);
  unsigned char a[32], b[32];
  static const size_t pieces[] = { 1, 3, 63, 64, 65, 127, 4096, 1 << 20 };

  (void) state;
  randombytes_buf (buf, big + 8);
  for (size_t n = 0; n <= 300; n++)
    for (size_t k = 0; k < sizeof pieces / sizeof pieces[0]; k++)
      {
        sodium_digest (buf + 3, n, a);
        ours (buf + 3, n, pieces[k], b);
        assert_memory_equal (a, b, 32);
      }
  for (size_t k = 0; k < sizeof pieces / sizeof pieces[0]; k++)
    {
      sodium_digest (buf + 1, big, a);
      ours (buf + 1, big, pieces[k], b);
      assert_memory_equal (a, b, 32);
    }
  free (buf);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_known),
    cmocka_unit_test (test_same_as_sodium),
  };

  if (sodium_init () < 0)
    return 1;
  return cmocka_run_group_tests (tests, NULL, NULL);
}
