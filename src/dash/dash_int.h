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
XJ_DASH_PANEL (xj_dash_class_sizes);
XJ_DASH_PANEL (xj_dash_dropout);
XJ_DASH_PANEL (xj_dash_absence);
XJ_DASH_PANEL (xj_dash_dups);

#endif
