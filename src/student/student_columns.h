/* student_columns.h -- THE column list of the student import/export file
 * (学生基本信息表): one place both sides use, so an export re-imports.
 *
 * Header row = 学籍号, 学校标识码, then the field table's Chinese names
 * (xj_student_fields[].zh) in field-table order, with 班级 (class name,
 * e.g. "一年级(1)班") right after 年级.  Cell formats: code-set columns
 * hold the code (性别 "1", 民族 "01", 年级 "11"), dates YYYY-MM-DD,
 * 入学年月 YYYYMM, flags 1/0, 上下学距离 a decimal number of km; a field
 * that is not given is an empty cell.  No SQL, no HTTP, no file I/O.
 */
#ifndef XJ_STUDENT_COLUMNS_H
#define XJ_STUDENT_COLUMNS_H

#include <stdbool.h>
#include <stddef.h>
#include "student/student.h"

enum xj_import_col_kind {
  XJ_IC_FIELD,        /* a field of xj_student_fields (key names it) */
  XJ_IC_REGISTRY_NO,  /* 学籍号 (struct xj_student.registry_no) */
  XJ_IC_SCHOOL_CODE,  /* 学校标识码: the school's 10-digit code */
  XJ_IC_CLASS_NAME    /* 班级: the class's display name */
};

struct xj_import_column {
  const char *header;          /* Chinese header, exactly as in the file */
  enum xj_import_col_kind kind;
  const char *key;             /* field key for XJ_IC_FIELD, else NULL */
};

/* Every column in file order, terminated by header == NULL.  Static. */
extern const struct xj_import_column xj_import_columns[];
/* Number of columns (without the terminator). */
size_t xj_import_ncolumns (void);
/* Index of the column with header @zh, or -1. */
int xj_import_column_index (const char *zh);

/* Longest text any cell can take (largest field + NUL, with room). */
#define XJ_IMPORT_CELL_MAX 320

/* Write the cell of column @c for record @s into @out (size @outsz, at
   least XJ_IMPORT_CELL_MAX for a whole value).  @school_code and
   @class_name fill the two columns that are not struct fields (may be
   NULL = empty).  Personal numbers (ID numbers, phones, the registry
   number) are masked (xj_mask) unless @show, the reader's reveal rights
   (enum xj_pii bits), holds their right.  Returns @out. */
const char *xj_import_cell (const struct xj_import_column *c,
                            const struct xj_student *s,
                            const char *school_code, const char *class_name,
                            unsigned show, char *out, size_t outsz);

#endif
