/* dropout_int.h -- inside src/dropout: the case row and the store
 * functions (dropout_store.c) that dropout.c and dropout_report.c use.
 */
#ifndef XJ_DROPOUT_INT_H
#define XJ_DROPOUT_INT_H

#include <stddef.h>
#include "core/util.h"
#include "dropout/dropout.h"

/* A case with its student's summary (where the student is now). */
struct xj_dropout_case {
  int64_t id, student_id, school_id, version, student_school_id;
  char source[16], stage[16], status[16];
  char detail[XJ_DROPOUT_TEXT_MAX + 1];
  char opened_on[12], opened_at[32], dropout_on[12], closed_at[32];
  char outcome[24];
  char name[200], registry_no[24], grade[4], student_status[16];
  char county[8], school_name[200], class_name[128];
};

enum xj_err xj_dropout_store_case (struct xj_db *db, int64_t id,
                                   struct xj_dropout_case *out);
/* XJ_E_DROPOUT_CASE_EXISTS when the student has an open case. */
enum xj_err xj_dropout_store_insert (struct xj_db *db, int64_t student_id,
                                     int64_t school_id, const char *source,
                                     const char *detail,
                                     const char *opened_on, const char *at,
                                     int64_t *id);
enum xj_err xj_dropout_store_entry (struct xj_db *db, int64_t case_id,
                                    const struct xj_dropout_entry_new *n,
                                    const char *at,
                                    const struct xj_actor *a);
/* Each: XJ_E_CONFLICT when the case was not in the expected state. */
enum xj_err xj_dropout_store_stage (struct xj_db *db, int64_t id,
                                    const char *on);
enum xj_err xj_dropout_store_close (struct xj_db *db, int64_t id,
                                    const char *outcome, const char *at);
enum xj_err xj_dropout_store_reopen (struct xj_db *db, int64_t id,
                                     const char *on);
/* The timeline of @case_id into the JSON array @items. */
enum xj_err xj_dropout_store_entries (struct xj_db *db, int64_t case_id,
                                      json_t *items);
enum xj_err xj_dropout_store_counts (struct xj_db *db, int64_t case_id,
                                     int64_t *visits, int64_t *persuasions);

/* The sweep's candidates: an id (student, or case for the stage rule)
   and a date (the suspension's end, the case's opening). */
enum xj_dropout_sweep_kind {
  XJ_DO_SWEEP_LEFT, XJ_DO_SWEEP_SUSPENSION, XJ_DO_SWEEP_STAGE
};
struct xj_dropout_pair {
  int64_t id;
  char date[12];
};
/* Caller frees *out. */
enum xj_err xj_dropout_store_sweep (struct xj_db *db,
                                    enum xj_dropout_sweep_kind k,
                                    const char *prefix, const char *today,
                                    struct xj_dropout_pair **out, size_t *n);

/* A list query in scope; @from/@to (YYYY-MM-DD) ask for the cases open
   at some time in that period instead of a page (no count). */
struct xj_dropout_q {
  const char *prefix;
  int64_t school_id;
  const char *status, *stage, *source;
  const char *from, *to;
};
typedef void (*xj_dropout_case_cb) (void *cls,
                                    const struct xj_dropout_case *c);
enum xj_err xj_dropout_store_list (struct xj_db *db,
                                   const struct xj_dropout_q *q,
                                   int64_t limit, int64_t offset,
                                   int64_t *total, xj_dropout_case_cb cb,
                                   void *cls);

struct xj_dropout_ledger_row {
  int64_t school_id;
  char code[16], name[200], county[8];
  int64_t on_roll, suspected, dropouts, returned, closed_other;
  int64_t stayed, lost, transferred;
};
typedef void (*xj_dropout_ledger_cb) (void *cls,
                                      const struct xj_dropout_ledger_row *r);
/* @to_end: the period's last day followed by "T99" so that timestamps
   of that day compare below it. */
enum xj_err xj_dropout_store_ledger (struct xj_db *db, const char *prefix,
                                     int64_t school_id, const char *from,
                                     const char *to_end,
                                     const char *year_start,
                                     xj_dropout_ledger_cb cb, void *cls);

/* Shared by dropout.c and dropout_report.c. */
/* The effective county prefix of @u's scope narrowed by @county (""
   none); false when they do not overlap (an empty result). */
bool xj_dropout_scope (const struct xj_user *u, const char *county,
                       int64_t school_id, struct xj_dropout_q *q,
                       char prefix[16]);
/* Retention in percent (one decimal) of a ledger row; -1 when there is
   no base. */
double xj_dropout_retention (const struct xj_dropout_ledger_row *r);
const char *xj_dropout_source_zh (const char *source);
const char *xj_dropout_outcome_zh (const char *outcome);
const char *xj_dropout_stage_zh (const char *stage);
#endif
