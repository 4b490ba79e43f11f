/* dash_int.h -- the panels of the dashboard (dash_panels.c), for the
 * table in dash.c.  Each is a pair: figures and the students behind a
 * key (dash.h struct xj_dash_panel).
 */
#ifndef XJ_DASH_INT_H
#define XJ_DASH_INT_H

#include "dash/dash.h"

#define XJ_DASH_PANEL(name)                                               \
  enum xj_err name (struct xj_db *db, const struct xj_dash_q *q,         \
                    json_t **out);                                        \
  enum xj_err name##_students (struct xj_db *db,                          \
                               const struct xj_dash_q *q, const char *key, \
                               xj_dash_id_cb cb, void *cls)

XJ_DASH_PANEL (xj_dash_enrolment);
XJ_DASH_PANEL (xj_dash_units);
/* their lists a page at a time (struct xj_dash_panel page) */
#define XJ_DASH_PAGE(name)                                                \
  enum xj_err name##_page (struct xj_db *db, const struct xj_dash_q *q,  \
                           const char *key, int64_t limit, int64_t offset, \
                           int64_t *total, xj_dash_id_cb cb, void *cls)
XJ_DASH_PAGE (xj_dash_enrolment);
XJ_DASH_PAGE (xj_dash_units);
XJ_DASH_PANEL (xj_dash_class_sizes);
XJ_DASH_PANEL (xj_dash_dropout);
XJ_DASH_PANEL (xj_dash_absence);
XJ_DASH_PANEL (xj_dash_dups);
/* dash_more.c: verification round, flows, ghost-record queue */
XJ_DASH_PANEL (xj_dash_verify);
XJ_DASH_PANEL (xj_dash_flows);
XJ_DASH_PANEL (xj_dash_ghosts);

/* qsort (@base, @n, ...) that accepts an empty (NULL) array: qsort
   (NULL, 0, ...) is undefined. */
void xj_dash_sort (void *base, size_t n, size_t size,
                   int (*cmp) (const void *, const void *));

/* A store function listing the students of a figure in a unit's scope
   (XJ_DASH_SCOPE). */
typedef enum xj_err (*xj_dash_list_fn) (struct xj_db *db, const char *prefix,
                                        int64_t school, int64_t klass,
                                        xj_dash_id_cb cb, void *cls);
/* A panel of one figure: {@name: the number of students @list calls
   back for q's unit}. */
enum xj_err xj_dash_count_panel (struct xj_db *db, const struct xj_dash_q *q,
                                 xj_dash_list_fn list, const char *name,
                                 json_t **out);

/* The row callback of every store statement whose first column is a
   student id: calls c->cb (c->cls, id) (c a struct xj_dash_id_ctx). */
struct xj_dash_id_ctx {
  xj_dash_id_cb cb;
  void *cls;
};
int xj_dash_id_row (void *cls, const struct xj_db_row *r);

/* Open ghost-record candidates (空挂学籍 / 人籍分离 awaiting review) of
   students now in scope (dash_more_store.c). */
enum xj_err xj_dash_store_ghosts (struct xj_db *db, const char *prefix,
                                  int64_t school, int64_t klass,
                                  xj_dash_id_cb cb, void *cls);

#endif
