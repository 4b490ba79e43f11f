/* sha256.h -- SHA-256, with the CPU's SHA instructions when it has them
 * (x86 SHA-NI), else libsodium's code.  Same digests either way.
 */
#ifndef XJ_CORE_SHA256_H
#define XJ_CORE_SHA256_H

#include <sodium.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct xj_sha256 {
  bool ni;                            /* SHA-NI path (st, buf) */
  uint32_t st[8];
  unsigned char buf[64];
  size_t nbuf;
  uint64_t total;                     /* bytes hashed */
  crypto_hash_sha256_state sodium;    /* the portable path */
};

void xj_sha256_init (struct xj_sha256 *h);
void xj_sha256_update (struct xj_sha256 *h, const void *data, size_t n);
void xj_sha256_final (struct xj_sha256 *h, unsigned char out[32]);

/* Tests: take the portable path even on a CPU with SHA-NI (set before
   the first xj_sha256_init). */
extern bool xj_sha256_force_portable;

#endif
