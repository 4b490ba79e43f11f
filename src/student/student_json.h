/* student_json.h -- struct xj_student <-> JSON, driven by the field table.
 *
 * Used by the HTTP handlers (request bodies, replies) and by the store
 * (loading the `data` column, packed by student_pack.h or, in rows
 * written before it, JSON).  No SQL, no HTTP.
 */
#ifndef XJ_STUDENT_JSON_H
#define XJ_STUDENT_JSON_H

#include <jansson.h>
#include "student.h"

/* How every JSON text xueji writes is dumped: compact, reals with 15
   significant digits (so 4.8 is written "4.8", not 4.7999999999999998). */
#define XJ_JSON_DUMP_FLAGS (JSON_COMPACT | JSON_REAL_PRECISION (15))

/* Fields stored as their own columns (and so not inside `data`). */
bool xj_student_is_column (const char *key);

/* Every field-table key plus id, registry_no, status, dup_flag, version,
   school_id, class_id, grade, "masked".  Personal numbers (the fields
   with a mask kind and the registry number) are shown in full only where
   @show (reveal rights, enum xj_pii bits; 0 = none, XJ_PII_ALL = all)
   allows, else masked by xj_mask; "masked" is true unless @show is
   XJ_PII_ALL.  Caller owns the result. */
json_t *xj_student_to_json (const struct xj_student *s, unsigned show);

/* The compact JSON text of xj_student_to_json (@s, @show) -- exactly what
   json_dumps (JSON_COMPACT) makes of it -- with the members of the object
   @extra (may be NULL; keys must not repeat the record's) appended, built
   without jansson values (the GET hot path).  Caller frees. */
char *xj_student_to_json_text (const struct xj_student *s, unsigned show,
                               const json_t *extra);

enum xj_from_json_flags {
  XJ_FJ_ALLOW_IDS = 1,  /* accept school_id, class_id */
  XJ_FJ_ALLOW_VERSION = 2,
  XJ_FJ_NO_KEY_FIELDS = 4 /* reject key fields (PATCH) with KEY_FIELD */
};

/* Apply the members of @obj onto @s.  Unknown keys -> XJ_E_UNKNOWN_FIELD,
   wrong JSON types -> XJ_E_BAD_TYPE, key fields under NO_KEY_FIELDS ->
   XJ_E_KEY_FIELD; on those *bad_field names the key (static or pointing
   into @obj, valid while @obj lives).  Over-long text is collected into
   @errs (TOO_LONG) and the call still returns XJ_E_OK.  A personal
   number (phone, ID) given as exactly the masked form of its value in @s
   leaves it unchanged: an edit form sends masked values back. */
enum xj_err xj_student_from_json (const json_t *obj, struct xj_student *s,
                                  unsigned flags, struct xj_verrs *errs,
                                  const char **bad_field);

/* Compact JSON of the non-column fields that are given (the `data`
   column's form before student_pack.h; kept for tests of the loader).
   Caller frees. */
char *xj_student_data_dump (const struct xj_student *s);
/* Load a stored `data` value into @s: packed (xj_student_pack, first
   byte XJ_PACK_V1; @n bytes) or, for rows written before, the JSON text
   of xj_student_data_dump (@p NUL-terminated).  A malformed value is a
   bug (logged; aborts in debug builds) and XJ_E_INTERNAL. */
enum xj_err xj_student_data_load (struct xj_student *s, const void *p,
                                  size_t n);

/* Mask, in place, every personal member (ID numbers, phones, by the
   field's mask kind) of the JSON object @o, and a "registry_no" member
   (xj_mask); no-op for anything else.  For displays of stored history
   (timeline, change requests, audit log). */
void xj_student_mask_json (json_t *o);

/* JSON array of verrs: [{"field","code","message"}].  Caller owns. */
json_t *xj_verrs_to_json (const struct xj_verrs *v);

#endif
