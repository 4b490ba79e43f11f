/* region_int.h -- private to src/region: what region_index.c (the name
 * search's index) reads from region_store.c (the only SQL on regions).
 */
#ifndef XJ_REGION_INT_H
#define XJ_REGION_INT_H

#include "region/region.h"

/* Every region of the table in the name search's order: provinces first
   then cities, counties and townships, each level in code order.  @cb
   returns non-zero to stop.  Read-only; any transaction or none. */
enum xj_err xj_region_each (struct xj_db *db, xj_region_cb cb, void *cls);

#endif
