/* table_xlsx.c -- the XLSX reader: libzip for the package, expat for the
 * XML, streamed.  xl/workbook.xml and its .rels find the sheet part (first
 * sheet or the named one), xl/sharedStrings.xml goes into one bounded
 * arena, then the sheet XML is fed to expat 64 KiB at a time and the
 * parser is suspended at every </row> so rows are handed out one by one.
 *
 * Hostile packages: every entry's declared size and ratio are checked
 * before reading and the bytes actually inflated are counted (headers
 * lie); any DOCTYPE or entity declaration stops the parser (OOXML has no
 * DTDs), so entity expansion never starts.  Cell values are the raw <v>
 * text (numbers and dates are not formatted): the importer interprets
 * them.  A row without any value is formatting only and is skipped like
 * a missing row (rowno keeps the sheet's numbering).
 */
#include <expat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "core/util.h"
#include "import/table_int.h"

#define CHUNK (64 * 1024)
#define BIG_ENTRY (1u << 20)          /* ratio checked above this size */
#define MAX_SMALL_XML (16u << 20)     /* workbook.xml and its .rels */
#define NAME_MAX_LEN 256
#define XLSX_MAX_COL 16384            /* XFD */
#define MAX_PENDING (16u << 20)       /* one XML token (tag, attribute) */

enum part { P_WORKBOOK, P_RELS, P_SST, P_SHEET };

/* One zip entry being read, with what its header claims. */
struct zent {
  zip_file_t *zf;                     /* owned while open */
  char name[NAME_MAX_LEN];
  uint64_t size;                      /* declared uncompressed size */
  uint64_t csize;                     /* declared compressed size */
  uint64_t limit;
  uint64_t nread;                     /* bytes actually inflated */
};

struct xlsx {
  struct xj_table *t;                 /* back pointer (not owned) */
  zip_t *za;                          /* owned */
  XML_Parser p;                       /* the parser running (owned) */
  enum part part;
  struct zent ent;                    /* entry fed to p */
  bool dtd;                           /* p was stopped for a DTD */
  uint64_t last_ev;                   /* input offset of the last event */

  /* workbook.xml / .rels */
  char *want;                         /* requested sheet name (owned) */
  bool found;
  char rid[NAME_MAX_LEN];
  char sheet_name[NAME_MAX_LEN];
  char names[200];                    /* sheet names, for the message */
  char sheet_path[2 * NAME_MAX_LEN];
  char sst_path[2 * NAME_MAX_LEN];

  /* shared strings: sst[off[i]] is string i, NUL-terminated */
  char *sst;                          /* owned */
  size_t sst_len, sst_cap;
  uint32_t *off;                      /* owned */
  size_t nsst, off_cap;
  bool in_si, in_t;
  unsigned rph;                       /* depth inside <rPh> (phonetics) */
  size_t si_start;

  /* sheet */
  bool suspended, fed_final;
  bool row_ready, in_row, in_c, in_v, in_is;
  char ctype;                         /* 's', 'i'nline, 'r'aw */
  uint64_t last_row;
  size_t last_col;
};

/* ---- zip entries ---- */

static void
fail_zip (struct xlsx *x, const char *what)
{
  xj_table_fail (x->t, XJ_E_IMPORT_ZIP, "XLSX中的%s无法读取：%s",
                 x->ent.name, what);
}

/* Open @name for reading with at most @limit bytes.  Returns 1, 0 if the
   package has no such entry, -1 on error (set). */
static int
ent_open (struct xlsx *x, const char *name, uint64_t limit)
{
  struct zent *e = &x->ent;
  zip_stat_t st;
  zip_int64_t idx;

  memset (e, 0, sizeof *e);
  xj_strlcpy (e->name, name, sizeof e->name);
  e->limit = limit;
  idx = zip_name_locate (x->za, name, ZIP_FL_NOCASE);
  if (idx < 0)
    return 0;
  zip_stat_init (&st);
  if (0 != zip_stat_index (x->za, (zip_uint64_t) idx, 0, &st)
      || !(st.valid & ZIP_STAT_SIZE) || !(st.valid & ZIP_STAT_COMP_SIZE))
    {
      fail_zip (x, zip_strerror (x->za));
      return -1;
    }
  e->size = st.size;
  e->csize = st.comp_size;
  if (e->size > limit)
    {
      xj_table_fail (x->t, XJ_E_IMPORT_ZIP_BOMB,
                     "XLSX中的%s解压后有%llu字节，超过上限%llu字节", name,
                     (unsigned long long) e->size,
                     (unsigned long long) limit);
      return -1;
    }
  if (e->size > BIG_ENTRY
      && (0 == e->csize || e->size / e->csize > XJ_TABLE_MAX_RATIO))
    {
      xj_table_fail (x->t, XJ_E_IMPORT_ZIP_BOMB,
                     "XLSX中的%s压缩比异常（%llu字节压缩为%llu字节），"
                     "疑似压缩炸弹",
                     name, (unsigned long long) e->size,
                     (unsigned long long) e->csize);
      return -1;
    }
  e->zf = zip_fopen_index (x->za, (zip_uint64_t) idx, 0);
  if (NULL == e->zf)
    {
      fail_zip (x, zip_strerror (x->za));
      return -1;
    }
  return 1;
}

static void
ent_close (struct xlsx *x)
{
  if (NULL != x->ent.zf)
    zip_fclose (x->ent.zf);
  x->ent.zf = NULL;
}

/* Read up to @n bytes; counts what is really inflated.  -1 on error. */
static zip_int64_t
ent_read (struct xlsx *x, void *buf, size_t n)
{
  struct zent *e = &x->ent;
  zip_int64_t r = zip_fread (e->zf, buf, n);

  if (r < 0)
    {
      fail_zip (x, zip_file_strerror (e->zf));
      return -1;
    }
  e->nread += (uint64_t) r;
  if (e->nread > e->size || e->nread > e->limit
      || (e->nread > BIG_ENTRY
          && e->nread / (e->csize ? e->csize : 1) > XJ_TABLE_MAX_RATIO))
    {
      xj_table_fail (x->t, XJ_E_IMPORT_ZIP_BOMB,
                     "XLSX中的%s实际解压数据超过声明的大小或压缩比异常，"
                     "疑似压缩炸弹",
                     e->name);
      return -1;
    }
  return r;
}

/* ---- XML plumbing ---- */

static const char *
local (const char *name)
{
  const char *bar = strrchr (name, '|');

  return NULL != bar ? bar + 1 : name;
}

/* Note how far parsing has got (see token_too_big). */
static void
mark (struct xlsx *x)
{
  XML_Index idx = XML_GetCurrentByteIndex (x->p);

  if (idx >= 0)
    x->last_ev = (uint64_t) idx;
}

static void XMLCALL
on_other (void *ud, const XML_Char *data)
{
  (void) data;
  mark (ud);
}

static void XMLCALL
on_pi (void *ud, const XML_Char *target, const XML_Char *data)
{
  (void) target, (void) data;
  mark (ud);
}

/* Attribute @want (local name) of @atts; r:id is asked for as "r:id". */
static const char *
attr (const char **atts, const char *want)
{
  size_t i;
  bool rel = 0 == strcmp (want, "r:id");

  for (i = 0; NULL != atts[i]; i += 2)
    {
      const char *n = atts[i];
      const char *bar = strrchr (n, '|');

      if (rel)
        {
          /* Transitional or Strict relationships namespace. */
          if (NULL != bar && 0 == strcmp (bar + 1, "id")
              && NULL != strstr (n, "relationships"))
            return atts[i + 1];
        }
      else if (NULL == bar && 0 == strcmp (n, want))
        return atts[i + 1];
    }
  return NULL;
}

static void
stop (struct xlsx *x)
{
  XML_StopParser (x->p, XML_FALSE);
}

static void XMLCALL
on_doctype (void *ud, const XML_Char *name, const XML_Char *sysid,
            const XML_Char *pubid, int has_internal_subset)
{
  struct xlsx *x = ud;

  (void) name, (void) sysid, (void) pubid, (void) has_internal_subset;
  x->dtd = true;
  stop (x);
}

static void XMLCALL
on_entity (void *ud, const XML_Char *name, int is_param,
           const XML_Char *value, int value_len, const XML_Char *base,
           const XML_Char *sysid, const XML_Char *pubid,
           const XML_Char *notation)
{
  struct xlsx *x = ud;

  (void) name, (void) is_param, (void) value, (void) value_len;
  (void) base, (void) sysid, (void) pubid, (void) notation;
  x->dtd = true;
  stop (x);
}

static void XMLCALL on_start (void *ud, const XML_Char *name,
                              const XML_Char **atts);
static void XMLCALL on_end (void *ud, const XML_Char *name);
static void XMLCALL on_text (void *ud, const XML_Char *s, int len);

static void
parser_new (struct xlsx *x, enum part part)
{
  if (NULL != x->p)
    XML_ParserFree (x->p);
  x->p = XML_ParserCreateNS (NULL, '|');
  if (NULL == x->p)
    {
      XJ_ERROR ("expat: out of memory");
      abort ();
    }
  x->part = part;
  x->dtd = false;
  XML_SetUserData (x->p, x);
  XML_SetStartDoctypeDeclHandler (x->p, on_doctype);
  XML_SetEntityDeclHandler (x->p, on_entity);
  XML_SetParamEntityParsing (x->p, XML_PARAM_ENTITY_PARSING_NEVER);
  XML_SetElementHandler (x->p, on_start, on_end);
  XML_SetCharacterDataHandler (x->p, on_text);
  XML_SetCommentHandler (x->p, on_other);
  XML_SetProcessingInstructionHandler (x->p, on_pi);
  x->last_ev = 0;
}

/* After XML_STATUS_ERROR: say why, with the XML line. */
static void
fail_xml (struct xlsx *x)
{
  enum XML_Error e = XML_GetErrorCode (x->p);
  unsigned long line = (unsigned long) XML_GetCurrentLineNumber (x->p);
  unsigned long col = (unsigned long) XML_GetCurrentColumnNumber (x->p);

  if (XJ_E_OK != x->t->err)
    return;                      /* a handler stopped it and said why */
  if (x->dtd)
    xj_table_fail (x->t, XJ_E_IMPORT_XML_DTD,
                   "XLSX中的%s第%lu行：含有DTD或实体声明，已拒绝",
                   x->ent.name, line);
  else if (P_SHEET == x->part)
    xj_table_fail (x->t, XJ_E_IMPORT_XML,
                   "工作表第%llu行附近：XLSX中的%s第%lu行第%lu列XML格式错误"
                   "（%s）",
                   (unsigned long long) x->last_row + (x->in_row ? 0 : 1),
                   x->ent.name, line, col, XML_ErrorString (e));
  else
    xj_table_fail (x->t, XJ_E_IMPORT_XML,
                   "XLSX中的%s第%lu行第%lu列XML格式错误（%s）", x->ent.name,
                   line, col, XML_ErrorString (e));
}

/* Expat keeps a token it has not finished (a tag, an attribute, a
   comment) in its own buffer, which an endless one would grow without
   limit.  Every event records where it was; when more than MAX_PENDING
   bytes have been fed since the last one, give up.  True = too big. */
static bool
token_too_big (struct xlsx *x)
{
  if (x->ent.nread - x->last_ev <= MAX_PENDING)
    return false;
  xj_table_fail (x->t, XJ_E_IMPORT_XML,
                 "XLSX中的%s第%lu行：单个XML标记超过%u字节", x->ent.name,
                 (unsigned long) XML_GetCurrentLineNumber (x->p),
                 MAX_PENDING);
  return true;
}

/* Parse a whole part with the current parser.  -1 on error (set). */
static int
parse_all (struct xlsx *x)
{
  void *buf;
  zip_int64_t n;

  for (;;)
    {
      buf = XML_GetBuffer (x->p, CHUNK);
      if (NULL == buf)
        {
          XJ_ERROR ("expat: out of memory");
          abort ();
        }
      n = ent_read (x, buf, CHUNK);
      if (n < 0)
        return -1;
      if (XML_STATUS_OK != XML_ParseBuffer (x->p, (int) n, 0 == n))
        {
          fail_xml (x);
          return -1;
        }
      if (XJ_E_OK != x->t->err || token_too_big (x))
        return -1;
      if (0 == n)
        return 0;
    }
}

/* Decode OOXML's _xHHHH_ escapes (e.g. _x000D_ for CR) in place; returns
   the new length.  Surrogates and NUL stay literal. */
static size_t
unescape_x (char *s, size_t n)
{
  size_t i = 0, o = 0, k;
  unsigned cp;

  while (i < n)
    {
      if (i + 7 <= n && '_' == s[i] && 'x' == s[i + 1] && '_' == s[i + 6])
        {
          cp = 0;
          for (k = 2; k < 6; k++)
            {
              char ch = s[i + k];
              unsigned d;

              if (ch >= '0' && ch <= '9')
                d = (unsigned) (ch - '0');
              else if (ch >= 'a' && ch <= 'f')
                d = (unsigned) (ch - 'a' + 10);
              else if (ch >= 'A' && ch <= 'F')
                d = (unsigned) (ch - 'A' + 10);
              else
                break;
              cp = cp * 16 + d;
            }
          if (6 == k && 0 != cp && (cp < 0xD800 || cp > 0xDFFF))
            {
              if (cp < 0x80)
                s[o++] = (char) cp;
              else if (cp < 0x800)
                {
                  s[o++] = (char) (0xC0 | (cp >> 6));
                  s[o++] = (char) (0x80 | (cp & 0x3F));
                }
              else
                {
                  s[o++] = (char) (0xE0 | (cp >> 12));
                  s[o++] = (char) (0x80 | ((cp >> 6) & 0x3F));
                  s[o++] = (char) (0x80 | (cp & 0x3F));
                }
              i += 7;
              continue;
            }
        }
      s[o++] = s[i++];
    }
  return o;
}

/* ---- workbook.xml and its relationships ---- */

static void
wb_start (struct xlsx *x, const char *el, const char **atts)
{
  const char *name, *rid, *id, *target, *type, *mode;
  char *dst;
  size_t dstsz;

  if (P_WORKBOOK == x->part && 0 == strcmp (el, "sheet"))
    {
      name = attr (atts, "name");
      rid = attr (atts, "r:id");
      if (NULL == name || NULL == rid)
        return;
      if (strlen (x->names) + strlen (name) + 4 < sizeof x->names)
        {
          if (x->names[0])
            strncat (x->names, "、", sizeof x->names - strlen (x->names) - 1);
          strncat (x->names, name, sizeof x->names - strlen (x->names) - 1);
        }
      if (x->found
          || (NULL != x->want && 0 != strcmp (x->want, name)))
        return;
      x->found = true;
      xj_strlcpy (x->rid, rid, sizeof x->rid);
      xj_strlcpy (x->sheet_name, name, sizeof x->sheet_name);
      return;
    }
  if (P_RELS != x->part || 0 != strcmp (el, "Relationship"))
    return;
  id = attr (atts, "Id");
  target = attr (atts, "Target");
  type = attr (atts, "Type");
  mode = attr (atts, "TargetMode");
  if (NULL == id || NULL == target || NULL == type
      || (NULL != mode && 0 == strcmp (mode, "External")))
    return;
  if (x->found && 0 == strcmp (id, x->rid))
    dst = x->sheet_path, dstsz = sizeof x->sheet_path;
  else if (strlen (type) >= 14
           && 0 == strcmp (type + strlen (type) - 14, "/sharedStrings"))
    dst = x->sst_path, dstsz = sizeof x->sst_path;
  else
    return;
  /* Targets are relative to xl/ unless absolute in the package. */
  if ('/' == target[0])
    xj_strlcpy (dst, target + 1, dstsz);
  else
    xj_snprintf (dst, dstsz, "xl/%s", target);
}

/* ---- shared strings ---- */

static bool
sst_put (struct xlsx *x, const char *s, size_t n)
{
  size_t need = x->sst_len + n + 1;
  size_t cap;

  /* The budget counts the strings and their index together. */
  if (need + (x->nsst + 1) * sizeof (uint32_t) > XJ_TABLE_MAX_SST)
    {
      xj_table_fail (x->t, XJ_E_IMPORT_SHARED_STRING,
                     "XLSX的共享字符串表超过%u字节（第%zu个字符串处）",
                     XJ_TABLE_MAX_SST, x->nsst + 1);
      stop (x);
      return false;
    }
  if (need > x->sst_cap)
    {
      cap = x->sst_cap ? x->sst_cap : 4096;
      while (cap < need)
        cap *= 2;
      if (cap > XJ_TABLE_MAX_SST)
        cap = XJ_TABLE_MAX_SST;
      x->sst = xj_realloc (x->sst, cap);
      x->sst_cap = cap;
    }
  memcpy (x->sst + x->sst_len, s, n);
  x->sst_len += n;
  return true;
}

static void
sst_start (struct xlsx *x, const char *el)
{
  if (0 == strcmp (el, "si"))
    {
      x->in_si = true;
      x->in_t = false;
      x->rph = 0;
      x->si_start = x->sst_len;
    }
  else if (x->in_si && 0 == strcmp (el, "rPh"))
    x->rph++;
  else if (x->in_si && 0 == strcmp (el, "t"))
    x->in_t = true;
}

static void
sst_end (struct xlsx *x, const char *el)
{
  size_t n;

  if (0 == strcmp (el, "t"))
    x->in_t = false;
  else if (0 == strcmp (el, "rPh") && x->rph > 0)
    x->rph--;
  else if (0 == strcmp (el, "si") && x->in_si)
    {
      x->in_si = false;
      if (!sst_put (x, "", 0))
        return;
      n = unescape_x (x->sst + x->si_start, x->sst_len - x->si_start);
      x->sst_len = x->si_start + n;
      x->sst[x->sst_len++] = '\0';
      if (x->nsst == x->off_cap)
        {
          x->off_cap = x->off_cap ? 2 * x->off_cap : 1024;
          x->off = xj_realloc (x->off, x->off_cap * sizeof *x->off);
        }
      x->off[x->nsst++] = (uint32_t) x->si_start;
    }
}

/* ---- the sheet ---- */

static void
cell_fail (struct xlsx *x, enum xj_err e, const char *what)
{
  char cn[8];

  xj_table_colname (x->last_col, cn);
  xj_table_fail (x->t, e, "第%llu行第%zu列（%s列）：%s",
                 (unsigned long long) x->t->rowno, x->last_col, cn, what);
  stop (x);
}

/* "C5" -> 3 (the row digits are not needed).  0 when malformed. */
static size_t
col_of_ref (const char *r)
{
  size_t col = 0, n = 0;

  while (*r >= 'A' && *r <= 'Z')
    {
      if (++n > 3)
        return 0;
      col = col * 26 + (size_t) (*r - 'A' + 1);
      r++;
    }
  while (*r >= '0' && *r <= '9')
    r++;
  return 0 == n || '\0' != *r || col > XLSX_MAX_COL ? 0 : col;
}

static void
sheet_start (struct xlsx *x, const char *el, const char **atts)
{
  struct xj_table *t = x->t;
  const char *r, *ty;
  uint64_t rowno;
  int64_t v;
  size_t col;

  if (0 == strcmp (el, "row"))
    {
      if (x->in_row)
        {
          xj_table_fail (t, XJ_E_IMPORT_XML, "第%llu行：行元素嵌套",
                         (unsigned long long) x->last_row);
          stop (x);
          return;
        }
      r = attr (atts, "r");
      rowno = x->last_row + 1;
      if (NULL != r)
        {
          if (!xj_parse_i64 (r, &v) || v < 1 || v > (int64_t) 1 << 40)
            {
              xj_table_fail (t, XJ_E_IMPORT_CELL_REF,
                             "第%llu行之后：行号“%.20s”无效",
                             (unsigned long long) x->last_row, r);
              stop (x);
              return;
            }
          rowno = (uint64_t) v;
        }
      if (rowno <= x->last_row)
        {
          xj_table_fail (t, XJ_E_IMPORT_CELL_REF,
                         "第%llu行：行号不递增（上一行是第%llu行）",
                         (unsigned long long) rowno,
                         (unsigned long long) x->last_row);
          stop (x);
          return;
        }
      x->in_row = true;
      x->last_row = rowno;
      x->last_col = 0;
      xj_tr_begin_row (t, rowno);
      return;
    }
  if (!x->in_row)
    return;
  if (0 == strcmp (el, "c"))
    {
      if (x->in_c)
        {
          cell_fail (x, XJ_E_IMPORT_XML, "单元格元素嵌套");
          return;
        }
      r = attr (atts, "r");
      col = NULL != r ? col_of_ref (r) : x->last_col + 1;
      if (0 == col || col > XLSX_MAX_COL)
        {
          xj_table_fail (t, XJ_E_IMPORT_CELL_REF,
                         "第%llu行：单元格引用“%.20s”无效",
                         (unsigned long long) x->last_row, r ? r : "");
          stop (x);
          return;
        }
      if (col <= x->last_col)
        {
          x->last_col = col;
          cell_fail (x, XJ_E_IMPORT_CELL_REF, "单元格重复或顺序错误");
          return;
        }
      /* Cells between the previous one and this one are empty. */
      while (t->col + 1 < col)
        if (!xj_tr_end_cell (t))
          {
            stop (x);
            return;
          }
      x->last_col = col;
      x->in_c = true;
      x->in_v = x->in_is = x->in_t = false;
      x->rph = 0;
      ty = attr (atts, "t");
      x->ctype = NULL == ty ? 'r'
                 : 0 == strcmp (ty, "s") ? 's'
                 : 0 == strcmp (ty, "inlineStr") ? 'i' : 'r';
      return;
    }
  if (!x->in_c)
    return;
  if (0 == strcmp (el, "v"))
    x->in_v = true;
  else if (0 == strcmp (el, "is"))
    x->in_is = true;
  else if (x->in_is && 0 == strcmp (el, "rPh"))
    x->rph++;
  else if (x->in_is && 0 == strcmp (el, "t"))
    x->in_t = true;
}

static void
cell_end (struct xlsx *x)
{
  struct xj_table *t = x->t;
  char num[16], msg[96];
  size_t len = xj_tr_cell_len (t);
  int64_t idx;

  x->in_c = false;
  if ('s' == x->ctype && len > 0)
    {
      if (len >= sizeof num)
        len = sizeof num - 1;
      memcpy (num, xj_tr_cell_data (t), len);
      num[len] = '\0';
      if (!xj_parse_i64 (num, &idx) || idx < 0 || (uint64_t) idx >= x->nsst)
        {
          snprintf (msg, sizeof msg,
                    "共享字符串索引“%s”超出范围（共%zu个）", num, x->nsst);
          cell_fail (x, XJ_E_IMPORT_SHARED_STRING, msg);
          return;
        }
      xj_tr_cell_clear (t);
      if (!xj_tr_put (t, x->sst + x->off[idx], strlen (x->sst + x->off[idx])))
        {
          stop (x);
          return;
        }
    }
  else if ('i' == x->ctype || 'r' == x->ctype)
    xj_tr_cell_truncate (t, unescape_x (xj_tr_cell_data (t), len));
  if (!xj_tr_end_cell (t))
    stop (x);
}

static void
sheet_end (struct xlsx *x, const char *el)
{
  if (0 == strcmp (el, "row") && x->in_row)
    {
      if (x->in_c)
        cell_end (x);
      x->in_row = false;
      x->row_ready = true;
      XML_StopParser (x->p, XML_TRUE);      /* hand this row out */
      return;
    }
  if (!x->in_c)
    return;
  if (0 == strcmp (el, "c"))
    cell_end (x);
  else if (0 == strcmp (el, "v"))
    x->in_v = false;
  else if (0 == strcmp (el, "is"))
    x->in_is = false;
  else if (0 == strcmp (el, "rPh") && x->rph > 0)
    x->rph--;
  else if (0 == strcmp (el, "t"))
    x->in_t = false;
}

/* ---- expat callbacks (dispatch by part) ---- */

static void XMLCALL
on_start (void *ud, const XML_Char *name, const XML_Char **atts)
{
  struct xlsx *x = ud;
  const char *el = local (name);

  mark (x);
  if (XJ_E_OK != x->t->err || x->row_ready)
    return;
  switch (x->part)
    {
    case P_WORKBOOK:
    case P_RELS:
      wb_start (x, el, atts);
      break;
    case P_SST:
      sst_start (x, el);
      break;
    case P_SHEET:
      sheet_start (x, el, atts);
      break;
    }
}

static void XMLCALL
on_end (void *ud, const XML_Char *name)
{
  struct xlsx *x = ud;
  const char *el = local (name);

  mark (x);
  if (XJ_E_OK != x->t->err || x->row_ready)
    return;
  if (P_SST == x->part)
    sst_end (x, el);
  else if (P_SHEET == x->part)
    sheet_end (x, el);
}

static void XMLCALL
on_text (void *ud, const XML_Char *s, int len)
{
  struct xlsx *x = ud;

  mark (x);
  if (XJ_E_OK != x->t->err || x->row_ready || len <= 0)
    return;
  if (P_SST == x->part)
    {
      if (x->in_si && x->in_t && 0 == x->rph)
        sst_put (x, s, (size_t) len);
    }
  else if (P_SHEET == x->part && x->in_c)
    {
      if ((x->in_v && !x->in_is) || (x->in_is && x->in_t && 0 == x->rph))
        if (!xj_tr_put (x->t, s, (size_t) len))
          stop (x);
    }
}

/* ---- the reader ---- */

static int
xlsx_next (struct xj_table *t)
{
  struct xlsx *x = t->impl;
  enum XML_Status st;
  void *buf;
  zip_int64_t n;

  x->row_ready = false;
  for (;;)
    {
      if (x->suspended)
        st = XML_ResumeParser (x->p);
      else if (x->fed_final)
        return 0;
      else
        {
          buf = XML_GetBuffer (x->p, CHUNK);
          if (NULL == buf)
            {
              XJ_ERROR ("expat: out of memory");
              abort ();
            }
          n = ent_read (x, buf, CHUNK);
          if (n < 0)
            return -1;
          x->fed_final = 0 == n;
          st = XML_ParseBuffer (x->p, (int) n, 0 == n);
        }
      x->suspended = XML_STATUS_SUSPENDED == st;
      if (XML_STATUS_ERROR == st)
        {
          fail_xml (x);
          return -1;
        }
      if (XJ_E_OK != t->err || (!x->suspended && token_too_big (x)))
        return -1;
      if (x->row_ready)
        return 1;
      if (!x->suspended && x->fed_final)
        return 0;
    }
}

static void
xlsx_progress (const struct xj_table *t, uint64_t *done, uint64_t *total)
{
  const struct xlsx *x = t->impl;

  *total = P_SHEET == x->part ? x->ent.size : 0;
  *done = P_SHEET == x->part ? x->ent.nread : 0;
  if (*done > *total)
    *done = *total;              /* the header lied; reading has stopped */
}

static void
xlsx_close (void *impl)
{
  struct xlsx *x = impl;

  ent_close (x);
  if (NULL != x->p)
    XML_ParserFree (x->p);
  if (NULL != x->za)
    zip_discard (x->za);         /* read-only: nothing to write back */
  free (x->want);
  free (x->sst);
  free (x->off);
  free (x);
}

static const struct xj_table_ops xlsx_ops = {
  .next = xlsx_next,
  .progress = xlsx_progress,
  .close = xlsx_close,
};

/* Parse one whole part.  @required: a missing part is an error. */
static int
parse_part (struct xlsx *x, enum part part, const char *name,
            uint64_t limit, bool required)
{
  int r = ent_open (x, name, limit);

  if (0 == r && required)
    xj_table_fail (x->t, XJ_E_IMPORT_ZIP,
                   "不是有效的XLSX文件：缺少%s", name);
  if (r <= 0)
    return required ? -1 : (r < 0 ? -1 : 0);
  parser_new (x, part);
  r = parse_all (x);
  ent_close (x);
  return r;
}

bool
xj_table_xlsx_open (struct xj_table *t, const char *path, const void *mem,
                    size_t size, const char *sheet)
{
  struct xlsx *x = xj_calloc (1, sizeof *x);
  zip_error_t ze;
  zip_source_t *src;
  int zerr = 0;

  x->t = t;
  t->impl = x;                   /* from here freed by xj_table_close */
  t->ops = &xlsx_ops;
  if (NULL != sheet)
    x->want = xj_strdup (sheet);
  zip_error_init (&ze);
  if (NULL != path)
    {
      x->za = zip_open (path, ZIP_RDONLY, &zerr);
      if (NULL == x->za)
        zip_error_init_with_code (&ze, zerr);
    }
  else
    {
      src = zip_source_buffer_create (mem, size, 0, &ze);
      if (NULL != src)
        {
          x->za = zip_open_from_source (src, ZIP_RDONLY, &ze);
          if (NULL == x->za)
            zip_source_free (src);
        }
    }
  if (NULL == x->za)
    {
      xj_table_fail (t, XJ_E_IMPORT_ZIP, "XLSX文件无法打开（%s）",
                     zip_error_strerror (&ze));
      zip_error_fini (&ze);
      return false;
    }
  zip_error_fini (&ze);

  if (parse_part (x, P_WORKBOOK, "xl/workbook.xml", MAX_SMALL_XML, true) < 0)
    return false;
  if (!x->found)
    {
      if (NULL != x->want)
        xj_table_fail (t, XJ_E_IMPORT_NO_SHEET,
                       "找不到名为“%s”的工作表（文件中的工作表：%s）",
                       x->want, x->names[0] ? x->names : "无");
      else
        xj_table_fail (t, XJ_E_IMPORT_NO_SHEET, "XLSX文件中没有工作表");
      return false;
    }
  if (parse_part (x, P_RELS, "xl/_rels/workbook.xml.rels", MAX_SMALL_XML,
                  true) < 0)
    return false;
  if (!x->sheet_path[0])
    {
      xj_table_fail (t, XJ_E_IMPORT_ZIP,
                     "不是有效的XLSX文件：找不到工作表“%s”的数据",
                     x->sheet_name);
      return false;
    }
  if (parse_part (x, P_SST,
                  x->sst_path[0] ? x->sst_path : "xl/sharedStrings.xml",
                  XJ_TABLE_MAX_XML, false) < 0)
    return false;

  /* The sheet stays open and is parsed row by row by xlsx_next. */
  if (ent_open (x, x->sheet_path, XJ_TABLE_MAX_XML) <= 0)
    {
      xj_table_fail (t, XJ_E_IMPORT_ZIP,
                     "不是有效的XLSX文件：缺少工作表数据%s", x->sheet_path);
      return false;
    }
  parser_new (x, P_SHEET);
  return true;
}
