/* table.h -- read a spreadsheet-like file row by row, streaming, with
 * bounded memory: CSV (UTF-8 with or without BOM, or GB18030/GBK as saved
 * by Chinese Excel, detected without being told) and XLSX (first sheet or
 * a named one; zip + XML read with libzip and expat).
 *
 * Every cell is handed out as NUL-terminated UTF-8.  Hostile input (zip
 * bombs, huge shared-string tables, malformed XML, endless quoted fields)
 * gives an error naming the problem, never a crash or unbounded memory.
 * No SQL, no HTTP.
 */
#ifndef XJ_IMPORT_TABLE_H
#define XJ_IMPORT_TABLE_H

#include <stddef.h>
#include <stdint.h>
#include "core/err.h"

/* Hard limits (also the fuzzers' invariants). */
#define XJ_TABLE_MAX_COLS 512
#define XJ_TABLE_MAX_CELL (64 * 1024)          /* bytes of one cell */
#define XJ_TABLE_MAX_ROW (1024 * 1024)         /* bytes of one row */
#define XJ_TABLE_MAX_XML (4ULL << 30)          /* uncompressed sheet bytes */
#define XJ_TABLE_MAX_SST (256u << 20)          /* shared-string bytes */
#define XJ_TABLE_MAX_RATIO 200                 /* uncompressed/compressed */

enum xj_table_format { XJ_TABLE_CSV, XJ_TABLE_XLSX };

struct xj_table;

struct xj_row {
  uint64_t rowno;        /* 1-based: CSV record number / XLSX row number */
  size_t ncols;
  const char *const *cells; /* ncols pointers, each NUL-terminated UTF-8 */
  const size_t *lens;       /* byte lengths */
};

/* Open @path.  The format is detected from the content (PK zip magic =
   XLSX, else CSV), not the name.  @sheet: XLSX sheet name, NULL = first.
   On failure *out is NULL and @msg (Chinese, may be NULL) says why. */
enum xj_err xj_table_open (const char *path, const char *sheet,
                           struct xj_table **out, char *msg, size_t msgsz);

/* Next row.  Returns 1 with *row filled (valid until the next call or
   close), 0 at the end, -1 on an error (xj_table_error tells which and
   where).  Empty trailing rows are skipped; a row of only empty cells is
   returned with ncols >= 1 (the caller decides). */
int xj_table_next (struct xj_table *t, struct xj_row *row);

/* Error of the last failed call: code (XJ_E_IMPORT_* family) and a
   Chinese message naming the row/position. */
enum xj_err xj_table_error (const struct xj_table *t, const char **msg);

enum xj_table_format xj_table_format (const struct xj_table *t);
/* "utf-8", "utf-8-bom", "gb18030" or "xlsx". */
const char *xj_table_encoding (const struct xj_table *t);
/* Bytes of input consumed so far and the total (for progress). */
void xj_table_progress (const struct xj_table *t, uint64_t *done,
                        uint64_t *total);

void xj_table_close (struct xj_table *t);

/* Like xj_table_open, but reads the @size bytes at @data.  They are not
   copied: the caller keeps them alive and unchanged until xj_table_close.
   For uploads already in memory and for the fuzzers. */
enum xj_err xj_table_open_mem (const void *data, size_t size,
                               const char *sheet, struct xj_table **out,
                               char *msg, size_t msgsz);

/* Decode a whole text with the CSV reader's detection (UTF-8 BOM, valid
   UTF-8, else GB18030; BOMs stripped) into NUL-terminated UTF-8 of at most
   @max bytes.  On success *out (caller frees) and *outlen are set and
   *encoding (may be NULL) is one of xj_table_encoding's strings.  Fails
   with XJ_E_IMPORT_ENCODING (bad bytes, UTF-16, NUL bytes) or
   XJ_E_IMPORT_CELL_TOO_LONG (longer than @max); @msg (Chinese) says
   where. */
enum xj_err xj_table_text_to_utf8 (const void *data, size_t size,
                                   size_t max, char **out, size_t *outlen,
                                   const char **encoding, char *msg,
                                   size_t msgsz);

#endif
