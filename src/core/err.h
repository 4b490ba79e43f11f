/* err.h -- the error registry (generated from err.def by X-macros).
 *
 * Every fallible xueji function returns enum xj_err (XJ_E_OK == 0).  The
 * registry gives each code an HTTP status, a stable string code and a
 * Chinese and English message.  Pure data; no dependencies.
 */
#ifndef XJ_CORE_ERR_H
#define XJ_CORE_ERR_H

enum xj_err {
#define XJ_E(name, status, code, zh, en) XJ_E_##name,
#include "err.def"
#undef XJ_E
  XJ_E__COUNT
};

/* HTTP status for @e (500 for an unknown value). */
int xj_err_http_status (enum xj_err e);
/* Stable machine-readable code, e.g. "id_check_digit".  Static storage. */
const char *xj_err_code (enum xj_err e);
/* Chinese message.  Static storage. */
const char *xj_err_zh (enum xj_err e);
/* English message.  Static storage. */
const char *xj_err_en (enum xj_err e);
/* Look a stable code up; returns XJ_E__COUNT when unknown. */
enum xj_err xj_err_from_code (const char *code);

#endif
