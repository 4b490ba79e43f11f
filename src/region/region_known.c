/* region_known.c -- "does this division code exist?" without the
 * database, for record validation (student.c), which must stay pure so
 * the import's reader threads can run it.
 *
 * The answer comes from the divisions embedded at build time (the same
 * rows `xueji init` loads into `regions`; no route adds regions).  The
 * embedded table is in parent-first order, so a sorted index of its codes
 * is built once per process, under pthread_once.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "region/region.h"
#include "region/region_rows.h"


static const char **sorted;   /* codes in strcmp order; never freed */
static size_t nsorted;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static int
cmp_code (const void *a, const void *b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static void
build_index (void)
{
  sorted = xj_malloc ((xj_region_nrows + 1) * sizeof *sorted);
  for (const struct xj_region_row *r = xj_region_rows; NULL != r->code; r++)
    sorted[nsorted++] = r->code;
  qsort (sorted, nsorted, sizeof *sorted, &cmp_code);
}

static bool
known_exact (const char *code)
{
  return NULL != bsearch (&code, sorted, nsorted, sizeof *sorted, &cmp_code);
}

bool
xj_region_known (const char *code)
{
  char head[10];
  size_t len = code ? strlen (code) : 0;

  pthread_once (&once, &build_index);
  switch (len)
    {
    case 2:
    case 4:
    case 6:
    case 9:
      return known_exact (code);
    case 12:
      /* village level is not embedded: its township must exist */
      memcpy (head, code, 9);
      head[9] = '\0';
      return known_exact (head);
    default:
      return false;
    }
}
