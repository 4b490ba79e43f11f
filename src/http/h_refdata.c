/* h_refdata.c -- reference data: regions, code sets, the field table.
 * Public knowledge, so every logged-in role may read it.
 */
#include <string.h>
#include "core/util.h"
#include "http/handlers.h"
#include "region/region.h"
#include "validate/codes.h"

static int
region_cb (void *cls, const struct xj_region *g)
{
  json_array_append_new (cls, json_pack ("{s:s, s:s, s:i}", "code", g->code,
                                         "name", g->name, "level", g->level));
  return 0;
}

static bool
region_code_ok (const char *c)
{
  size_t n = strlen (c);

  if (n != 2 && n != 4 && n != 6 && n != 9)
    return false;
  for (size_t i = 0; i < n; i++)
    if (c[i] < '0' || c[i] > '9')
      return false;
  return true;
}

/* The regions from the province down to @code, as [{code, name}]:
   every prefix (2, 4, 6, 9 digits) that is a region. */
static json_t *
ancestors_json (struct xj_db *db, const char *code)
{
  json_t *path = json_array ();
  char pre[16];

  for (size_t n = 2; n <= strlen (code) && n < sizeof pre; n += (n < 6 ? 2 : 3))
    {
      struct xj_region a;

      memcpy (pre, code, n);
      pre[n] = '\0';
      if (XJ_E_OK == xj_region_get (db, pre, &a))
        json_array_append_new (path, json_pack ("{s:s, s:s}", "code", a.code,
                                                "name", a.name));
    }
  return path;
}

struct search_ctx {
  struct xj_db *db;
  json_t *items;
};

static int
search_cb (void *cls, const struct xj_region *g)
{
  struct search_ctx *c = cls;
  char names[256];

  if (XJ_E_OK != xj_region_path (c->db, g->code, names, sizeof names))
    xj_strlcpy (names, g->name, sizeof names);
  json_array_append_new (
    c->items, json_pack ("{s:s, s:s, s:i, s:s, s:o}", "code", g->code, "name",
                         g->name, "level", g->level, "path_name", names,
                         "path", ancestors_json (c->db, g->code)));
  return 0;
}

/* GET /regions?q=名称片段[&within=CODE][&limit=N]: search every level. */
static enum xj_err
regions_search (struct xj_req *r, const char *q)
{
  const char *within = xj_req_arg (r, "within");
  struct search_ctx c = { r->db, NULL };
  int64_t limit;
  enum xj_err e;

  if (strlen (q) > 60 || ! xj_utf8_valid (q, strlen (q)))
    return xj_reply_err (r, XJ_E_BAD_PARAM, "q", "名称片段最多20个汉字");
  if (within && *within && ! region_code_ok (within))
    return xj_reply_err (r, XJ_E_BAD_PARAM, "within",
                         "行政区划代码应为2、4、6或9位数字");
  if (XJ_E_OK != xj_req_arg_int (r, "limit", 20, 1, 50, &limit))
    return r->err;
  c.items = json_array ();
  e = xj_region_search (r->db, q, within, (int) limit, &search_cb, &c);
  if (XJ_E_OK != e)
    {
      json_decref (c.items);
      return e;
    }
  xj_reply_json (r, 200, json_pack ("{s:o}", "items", c.items));
  return XJ_E_OK;
}

enum xj_err
xj_h_regions (struct xj_req *r)
{
  const char *parent = xj_req_arg (r, "parent");
  const char *q = xj_req_arg (r, "q");
  json_t *items;
  enum xj_err e;

  if (q && *q)
    return regions_search (r, q);
  if (parent && *parent && ! region_code_ok (parent))
    return xj_reply_err (r, XJ_E_BAD_PARAM, "parent", "行政区划代码应为2、4、6或9位数字");
  items = json_array ();
  e = xj_region_children (r->db, parent, &region_cb, items);
  if (XJ_E_OK != e)
    {
      json_decref (items);
      return e;
    }
  xj_reply_json (r, 200, json_pack ("{s:o}", "items", items));
  return XJ_E_OK;
}

enum xj_err
xj_h_region_get (struct xj_req *r)
{
  struct xj_region g;
  enum xj_err e;

  if (! region_code_ok (r->path_args[0]))
    return xj_reply_err (r, XJ_E_NOT_FOUND, NULL, NULL);
  e = xj_region_get (r->db, r->path_args[0], &g);
  if (XJ_E_NOT_FOUND == e)
    return xj_reply_err (r, e, NULL, NULL);
  if (XJ_E_OK != e)
    return e;
  xj_reply_json (r, 200, json_pack ("{s:s, s:s, s:i, s:s, s:o}", "code",
                                    g.code, "name", g.name, "level", g.level,
                                    "parent", g.parent, "path",
                                    ancestors_json (r->db, g.code)));
  return XJ_E_OK;
}

enum xj_err
xj_h_codes (struct xj_req *r)
{
  json_t *sets = json_object ();

  for (const struct xj_codeset *cs = xj_codesets; cs->name; cs++)
    {
      json_t *a = json_array ();

      for (const struct xj_code *c = cs->codes; c->code; c++)
        json_array_append_new (a, json_pack ("{s:s, s:s, s:s}", "code",
                                             c->code, "zh", c->zh, "en",
                                             c->en));
      json_object_set_new (sets, cs->name, a);
    }
  xj_reply_json (r, 200, json_pack ("{s:o}", "sets", sets));
  return XJ_E_OK;
}

enum xj_err
xj_h_fields (struct xj_req *r)
{
  static const char *const types[] = {
    [XJ_FT_TEXT] = "text", [XJ_FT_INT] = "int", [XJ_FT_FLAG] = "flag",
    [XJ_FT_DOUBLE] = "number", [XJ_FT_I64] = "int",
  };
  json_t *items = json_array ();

  for (const struct xj_field *f = xj_student_fields; f->key; f++)
    json_array_append_new (
      items, json_pack ("{s:s, s:s, s:s, s:o, s:b, s:b, s:b}", "key", f->key,
                        "zh", f->zh, "type", types[f->type], "codeset",
                        f->codeset ? json_string (f->codeset) : json_null (),
                        "required", f->required, "key_field", f->key_field,
                        "pii", f->pii));
  xj_reply_json (r, 200, json_pack ("{s:o}", "items", items));
  return XJ_E_OK;
}
