/* h_refdata.c -- reference data: regions, code sets, the field table.
 * Public knowledge, so every logged-in role may read it.
 */
#include <string.h>
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

enum xj_err
xj_h_regions (struct xj_req *r)
{
  const char *parent = xj_req_arg (r, "parent");
  json_t *items;
  enum xj_err e;

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
  json_t *path;
  char code[16];
  enum xj_err e;

  if (! region_code_ok (r->path_args[0]))
    return xj_reply_err (r, XJ_E_NOT_FOUND, NULL, NULL);
  e = xj_region_get (r->db, r->path_args[0], &g);
  if (XJ_E_NOT_FOUND == e)
    return xj_reply_err (r, e, NULL, NULL);
  if (XJ_E_OK != e)
    return e;
  path = json_array ();
  /* ancestors by prefix: 2, 4, 6, 9 digits */
  for (size_t n = 2; n <= strlen (g.code); n += (n < 6 ? 2 : 3))
    {
      struct xj_region a;

      memcpy (code, g.code, n);
      code[n] = '\0';
      if (XJ_E_OK == xj_region_get (r->db, code, &a))
        json_array_append_new (path, json_pack ("{s:s, s:s}", "code", a.code,
                                                "name", a.name));
    }
  xj_reply_json (r, 200, json_pack ("{s:s, s:s, s:i, s:s, s:o}", "code",
                                    g.code, "name", g.name, "level", g.level,
                                    "parent", g.parent, "path", path));
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
