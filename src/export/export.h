/* export.h -- student lists to CSV (UTF-8 with BOM, or GB18030) and XLSX,
 * streamed so memory stays bounded whatever the row count; registration
 * cards (学籍卡) as A4 PDF (card.c).  The columns are the import's
 * (student/student_columns.h), so an export re-imports elsewhere.
 *
 * Domain code: no HTTP.  Reads through student_export_store.c (keyset
 * pages); writes the audit entry of an unmasked export or of a print in
 * its own short write transaction.  Callers decide who may reveal.
 */
#ifndef XJ_EXPORT_H
#define XJ_EXPORT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "audit/audit.h"
#include "db/db.h"
#include "school/school.h"
#include "student/student_store.h"
#include "user/user.h"

enum xj_export_format { XJ_EXPORT_XLSX, XJ_EXPORT_CSV };
enum xj_export_encoding { XJ_EXPORT_UTF8, XJ_EXPORT_GB18030 };

#define XJ_XLSX_MIME \
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

/* Rows one XLSX sheet can hold besides the header. */
#define XJ_EXPORT_XLSX_MAX_ROWS 1048575

/* ---- a streaming table writer (also used by xueji gen --out) ---- */
struct xj_table_writer;
/* Create @path (truncating) as @fmt.  GB18030 only with CSV.  XLSX runs
   libxlsxwriter in constant_memory mode, its row spill files in @tmpdir
   (NULL = /tmp).  Errors: XJ_E_EXPORT_FORMAT, XJ_E_EXPORT_WRITE.  Caller
   owns *out until xj_table_writer_close. */
enum xj_err xj_table_writer_open (const char *path, enum xj_export_format fmt,
                                  enum xj_export_encoding enc,
                                  const char *tmpdir,
                                  struct xj_table_writer **out);
/* The same with the XLSX sheet named @sheet (xj_table_writer_open names
   it 学生基本信息). */
enum xj_err xj_table_writer_open_sheet (const char *path,
                                        enum xj_export_format fmt,
                                        enum xj_export_encoding enc,
                                        const char *tmpdir,
                                        const char *sheet,
                                        struct xj_table_writer **out);
/* Append one row of @n UTF-8 cells (all written as text). */
enum xj_err xj_table_writer_row (struct xj_table_writer *w,
                                 const char *const *cells, size_t n);
/* The same, except that in XLSX a cell of a column whose bit is set in
   @nums (bit i = column i, i < 64) and whose text is a number is written
   as a number (figures a spreadsheet sums); never in the first row (the
   header). */
enum xj_err xj_table_writer_nums (struct xj_table_writer *w,
                                  const char *const *cells, size_t n,
                                  uint64_t nums);
/* Finish the file and free @w (NULL ok).  On @abandon the file is left
   as it is (the caller unlinks it). */
enum xj_err xj_table_writer_close (struct xj_table_writer *w, bool abandon);
/* Format from a file name's extension (.csv / .xlsx, any case); false if
   neither. */
bool xj_export_format_of (const char *path, enum xj_export_format *fmt);

/* ---- student export ---- */
struct xj_export_opts {
  enum xj_export_format format;
  enum xj_export_encoding encoding;
  unsigned show;                    /* enum xj_pii bits shown in full (0 =
                                       all masked): the caller's reveal
                                       rights (xj_reveal_rights) */
  struct xj_scope scope;            /* whose list (xj_scope_of) */
  struct xj_student_filter filter;  /* narrows the scope; sort ignored */
  const char *tmpdir;               /* XLSX spill files; NULL = /tmp */
  const struct xj_actor *actor;     /* for the audit entry */
  /* Progress (NULL = none): called once with the row count before the
     first row, then every XJ_EXPORT_PROGRESS_ROWS rows; anything but
     XJ_E_OK stops the export with that error (a cancel). */
  enum xj_err (*progress) (void *cls, int64_t done, int64_t total);
  void *progress_cls;
};
#define XJ_EXPORT_PROGRESS_ROWS 1000

/* How many rows xj_export_students would write for @o (scope and
   filter), without writing anything.  Not inside a transaction. */
enum xj_err xj_export_count (struct xj_db *db, const struct xj_export_opts *o,
                             int64_t *total);

/* Write every student of the scoped, filtered list to @path, one header
   row of the import columns then one row per student in row-id order.
   *rows gets the count.  An export showing anything in full (@show not
   0) appends one audit entry
   "student.export" (filter, format, row count) after the file is
   complete; if that fails the error is returned and the caller must not
   hand out the file.  Not inside a transaction.  Errors: those of the
   writer, XJ_E_EXPORT_TOO_MANY_ROWS (XLSX), database errors. */
enum xj_err xj_export_students (struct xj_db *db,
                                const struct xj_export_opts *o,
                                const char *path, int64_t *rows);

/* ---- the 小升初 sheets (progress_export.c) ---- */

/* Audit @action of @entity @entity_id with @after (owned: decref'd) in a
   write transaction of its own, after a sheet was written in a read
   transaction; a file whose entry failed is not handed out. */
struct xj_sheet_audit {
  const struct xj_actor *a;
  const char *action, *entity, *entity_id;
  json_t *after;
};
enum xj_err xj_export_sheet_audit (struct xj_db *db,
                                   struct xj_sheet_audit *s);

/* The school-choice figures of xj_school_choice_json (@prefix, @year) as
   an XLSX sheet at @path: one row per admitting school (学校标识码, name,
   admitted, feeder, zone, moved, other, out of zone, its share in per
   cent), then the total; the counts are numbers.  Audited
   "allocation.choice_export" (entity region @prefix).  Not inside a
   transaction; the caller checks scope. */
enum xj_err xj_export_school_choice (struct xj_db *db,
                                     const struct xj_actor *a,
                                     const char *prefix, int year,
                                     const char *tmpdir, const char *path);
/* Every student of allocation @id (xj_alloc_rows order) as an XLSX sheet
   at @path: masked registry and ID numbers, name, gender, birth date,
   graduating and receiving school, route, reason, confirmed.  *rows gets
   the count.  Audited "allocation.export".  Not inside a transaction;
   the caller checks scope. */
enum xj_err xj_export_allocation (struct xj_db *db, const struct xj_actor *a,
                                  int64_t id, const char *tmpdir,
                                  const char *path, int64_t *rows);

/* ---- the flows of students (flows_export.c) ---- */

struct xj_flows_filter;
/* The figures of xj_flows_report (@scope, @f) as an XLSX sheet at @path:
   one row per origin, destination and type (codes, names, type,
   direction, count as a number) — every row — then the totals.  Audited
   "flows.export" (entity region: @scope's prefix).  Not inside a
   transaction. */
enum xj_err xj_export_flows (struct xj_db *db, const struct xj_actor *a,
                             const struct xj_scope *scope,
                             const struct xj_flows_filter *f,
                             const char *tmpdir, const char *path,
                             int64_t *rows);

/* ---- the import template (template.c) ---- */

/* Write the import template to @path (XLSX): sheet 1 the import's header
   row and, when @school is given, one example row that imports cleanly
   there (its first grade, a normal age for the school year of
   @today_ymd, an ID number of its county nobody holds, one guardian);
   then one sheet per code set the columns use (代码, 名称).  Not inside a
   transaction.  Errors: XJ_E_EXPORT_WRITE, database errors. */
enum xj_err xj_import_template (struct xj_db *db,
                                const struct xj_school *school,
                                int today_ymd, const char *path);

/* ---- registration cards (card.c) ---- */
struct xj_card_opts {
  unsigned show;               /* enum xj_pii bits shown in full (0 = all
                                  masked): the caller's reveal rights */
  const char *printer;         /* shown in the footer: user name */
  const struct xj_actor *actor;
};
/* One card (one A4 page) for student @s held at @ctx into @path; audited
   as "student.print" (entity student).  Inside no transaction. */
enum xj_err xj_card_student (struct xj_db *db, const struct xj_card_opts *o,
                             const struct xj_student *s,
                             const struct xj_student_ctx *ctx,
                             const char *path);
/* Cards of every student of class @class_id within @scope, one page each,
   in row-id order; *pages gets the count (XJ_E_PRINT_EMPTY when none).
   Audited as one "student.print" (entity class). */
enum xj_err xj_card_class (struct xj_db *db, const struct xj_card_opts *o,
                           const struct xj_scope *scope, int64_t class_id,
                           const char *path, int64_t *pages);

#endif
