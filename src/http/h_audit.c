/* h_audit.c -- GET /api/v1/audit (administrators only, by the route). */
#include "audit/audit.h"
#include "http/handlers.h"
#include "student/display.h"

static void
row_cb (void *cls, const struct xj_audit_row *a)
{
  json_t *before = a->before[0] ? json_loads (a->before, 0, NULL) : NULL;
  json_t *after = a->after[0] ? json_loads (a->after, 0, NULL) : NULL;

  /* the log keeps full values; its display masks them like any list */
  xj_student_mask_json (before);
  xj_student_mask_json (after);

  json_array_append_new (
    cls, json_pack ("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:s}",
                    "id", (json_int_t) a->id, "at", a->at, "user",
                    a->username, "user_name",
                    *a->user_name ? a->user_name : a->username, "ip", a->ip, "action", a->action, "entity",
                    a->entity, "entity_id", a->entity_id, "before",
                    before ? before : json_null (), "after",
                    after ? after : json_null (), "hash", a->hash));
}

enum xj_err
xj_h_audit (struct xj_req *r)
{
  int64_t limit, offset, page, total = 0;
  json_t *items;
  enum xj_err e;

  if (XJ_E_OK != xj_req_paging (r, &limit, &offset, &page))
    return r->err;
  items = json_array ();
  e = xj_audit_list (r->db, xj_req_arg (r, "user"), xj_req_arg (r, "action"),
                     xj_req_arg (r, "entity"), limit, offset, &total, &row_cb,
                     items);
  if (XJ_E_OK == e)
    e = xj_display_changes (r->db, &r->user, items);
  if (XJ_E_OK == e)
    e = xj_display_entities (r->db, &r->user, items);
  if (XJ_E_OK != e)
    {
      json_decref (items);
      return e;
    }
  xj_reply_json (r, 200, xj_page_json (items, total, page, limit));
  return XJ_E_OK;
}
