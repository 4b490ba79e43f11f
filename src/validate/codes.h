/* codes.h -- the code sets of ../docs (national template, GB/T 3304 ...).
 * Pure data.  Each set maps a code to a Chinese and an English label.
 */
#ifndef XJ_CODES_H
#define XJ_CODES_H

#include <stdbool.h>

struct xj_code {
  const char *code;
  const char *zh;
  const char *en;
};

struct xj_codeset {
  const char *name;             /* e.g. "ethnicity", "grade" */
  const struct xj_code *codes;  /* terminated by code == NULL */
};

/* NULL-terminated list of every code set. */
extern const struct xj_codeset xj_codesets[];
const struct xj_codeset *xj_codeset (const char *name);
/* Label of @code in set @set, or NULL if not a member. */
const char *xj_code_zh (const char *set, const char *code);
/* English label of @code in set @set, or NULL if not a member. */
const char *xj_code_en (const char *set, const char *code);
bool xj_code_valid (const char *set, const char *code);
/* Entry of @code in the set @cs (from xj_codeset; may be NULL), or NULL.
   For callers that check many values against sets they looked up once:
   no name look-up per value. */
const struct xj_code *xj_codeset_find (const struct xj_codeset *cs,
                                       const char *code);

#endif
