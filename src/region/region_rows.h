/* region_rows.h -- the divisions embedded at build time
 * (build/gen/regions.c, tools/embed-regions.sh), for region_store.c (loads
 * them into `regions`) and region_known.c (pure existence checks).  Private
 * to src/region.
 */
#ifndef XJ_REGION_ROWS_H
#define XJ_REGION_ROWS_H

/* Rows end with code == NULL; parents come before children; parent is
   NULL for provinces. */
struct xj_region_row {
  const char *code;
  const char *name;
  const char *parent;
};
extern const struct xj_region_row xj_region_rows[];
extern const unsigned long xj_region_nrows;

#endif
