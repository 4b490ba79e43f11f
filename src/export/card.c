/* card.c -- registration cards (学籍卡) as print-ready A4 PDF with cairo
 * and pango; fonts "Noto Sans CJK SC" / "Noto Serif CJK SC" from Debian's
 * fonts-noto-cjk (fontconfig falls back per character for rare ones).
 * One page per student: title, school, a bordered table of the record's
 * main fields with Chinese labels, a photo box, family members, special
 * marks, and a footer with print time and printer.  ID numbers and phones
 * are masked unless the caller (who decided) asks to reveal.  Every print
 * appends one audit entry "student.print".  No HTTP here.
 */
#include <cairo-pdf.h>
#include <cairo.h>
#include <jansson.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "export/export.h"
#include "region/region.h"
#include "student/student_export_store.h"
#include "validate/codes.h"

#define A4_W 595.28
#define A4_H 841.89
#define MARGIN 48.0
#define ROW_H 26.0
#define LABEL_W 78.0
#define PHOTO_W 96.0
#define SANS "Noto Sans CJK SC"
#define SERIF "Noto Serif CJK SC"

/* Known leaks inside the libraries, reported by LeakSanitizer in the
   ASan builds (make asan-test): fontconfig's configuration load (pango
   initialises it once per process) and cairo 1.16's PDF font subsetter,
   which loses a few arrays in cairo_surface_finish although every cairo
   and pango object here is destroyed.  Only allocations made inside
   those two libraries are suppressed; the hook is read by the sanitizer
   runtime and unused otherwise. */
const char *__lsan_default_suppressions (void);
const char *
__lsan_default_suppressions (void)
{
  return "leak:libfontconfig.so\nleak:libcairo.so\n";
}

struct card_doc {
  cairo_surface_t *surface;
  cairo_t *cr;
  /* A font map of the document's own, released with it: pango's default
     map is per thread and never freed when a server worker ends. */
  PangoFontMap *fm;
  PangoContext *pc;
  struct xj_db *db;
  const struct xj_card_opts *o;
  char printed_at[32];
  int64_t pages;
};

static enum xj_err
doc_open (struct card_doc *d, struct xj_db *db, const struct xj_card_opts *o,
          const char *path)
{
  int y, m, dd;
  char iso[32];

  memset (d, 0, sizeof *d);
  d->db = db;
  d->o = o;
  d->surface = cairo_pdf_surface_create (path, A4_W, A4_H);
  if (CAIRO_STATUS_SUCCESS != cairo_surface_status (d->surface))
    {
      XJ_ERROR ("card: cannot create %s: %s", path,
                cairo_status_to_string (cairo_surface_status (d->surface)));
      cairo_surface_destroy (d->surface);
      return XJ_E_PRINT_FAILED;
    }
  cairo_pdf_surface_set_metadata (d->surface, CAIRO_PDF_METADATA_TITLE,
                                  "学生学籍卡");
  cairo_pdf_surface_set_metadata (d->surface, CAIRO_PDF_METADATA_CREATOR,
                                  "xueji");
  d->cr = cairo_create (d->surface);
  d->fm = pango_cairo_font_map_new ();
  d->pc = pango_font_map_create_context (d->fm);
  pango_cairo_update_context (d->cr, d->pc);
  xj_today (&y, &m, &dd);
  xj_now_iso (iso);
  /* "2026-10-15T12:00:00+08:00" -> "2026-10-15 12:00" */
  xj_snprintf (d->printed_at, sizeof d->printed_at, "%.10s %.5s", iso,
               iso + 11);
  return XJ_E_OK;
}

static enum xj_err
doc_close (struct card_doc *d)
{
  cairo_status_t st;

  g_object_unref (d->pc);
  g_object_unref (d->fm);
  cairo_destroy (d->cr);
  cairo_surface_finish (d->surface);
  st = cairo_surface_status (d->surface);
  cairo_surface_destroy (d->surface);
  if (CAIRO_STATUS_SUCCESS != st)
    {
      XJ_ERROR ("card: PDF: %s", cairo_status_to_string (st));
      return XJ_E_PRINT_FAILED;
    }
  return XJ_E_OK;
}

/* A pango layout of @text in @family at @pt points, wrapped to @width
   (0 = no wrap).  Caller unrefs. */
static PangoLayout *
layout (PangoContext *pc, const char *family, double pt, bool bold,
        const char *text, double width)
{
  PangoLayout *l = pango_layout_new (pc);
  PangoFontDescription *fd = pango_font_description_new ();

  pango_font_description_set_family (fd, family);
  pango_font_description_set_absolute_size (fd, pt * PANGO_SCALE);
  pango_font_description_set_weight (fd, bold ? PANGO_WEIGHT_BOLD
                                              : PANGO_WEIGHT_NORMAL);
  pango_layout_set_font_description (l, fd);
  pango_font_description_free (fd);
  if (width > 0)
    {
      pango_layout_set_width (l, (int) (width * PANGO_SCALE));
      pango_layout_set_wrap (l, PANGO_WRAP_WORD_CHAR);
    }
  pango_layout_set_text (l, text, -1);
  return l;
}

/* Draw @text at (@x, @y) (top-left); returns its height. */
static double
text_at (struct card_doc *d, double x, double y, const char *family,
         double pt, bool bold, const char *text, double width,
         PangoAlignment align)
{
  cairo_t *cr = d->cr;
  PangoLayout *l = layout (d->pc, family, pt, bold, text, width);
  int w, h;

  pango_layout_set_alignment (l, align);
  pango_layout_get_pixel_size (l, &w, &h);
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, l);
  g_object_unref (l);
  return h;
}

static double
text_height (struct card_doc *d, const char *text, double width)
{
  PangoLayout *l = layout (d->pc, SANS, 10.5, false, text, width);
  int w, h;

  pango_layout_get_pixel_size (l, &w, &h);
  g_object_unref (l);
  return h;
}

/* One cell: border, grey background for labels, text vertically
   centred. */
static void
cell (struct card_doc *d, double x, double y, double w, double h,
      const char *text, bool label)
{
  cairo_t *cr = d->cr;
  double th;

  if (label)
    {
      cairo_set_source_rgb (cr, 0.93, 0.93, 0.93);
      cairo_rectangle (cr, x, y, w, h);
      cairo_fill (cr);
    }
  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_set_line_width (cr, 0.8);
  cairo_rectangle (cr, x, y, w, h);
  cairo_stroke (cr);
  th = text_height (d, text, w - 8);
  text_at (d, x + 4, y + (h - th) / 2, SANS, 10.5, label, text, w - 8,
           label ? PANGO_ALIGN_CENTER : PANGO_ALIGN_LEFT);
}

/* A row of label/value pairs spread over @width from @x; @n pairs, the
   last value takes the remaining width.  Returns the row height. */
static double
pairs_row (struct card_doc *d, double x, double y, double width,
           const char *const *lv, int n)
{
  double vw = (width - n * LABEL_W) / n;
  double h = ROW_H;

  for (int i = 0; i < n; i++)
    {
      double th = text_height (d, lv[2 * i + 1], vw - 8) + 10;

      if (th > h)
        h = th;
    }
  for (int i = 0; i < n; i++)
    {
      double cx = x + i * (LABEL_W + vw);

      cell (d, cx, y, LABEL_W, h, lv[2 * i], true);
      cell (d, cx + LABEL_W, y, vw, h, lv[2 * i + 1], false);
    }
  return h;
}

static const char *
zh_or (const char *set, const char *code, const char *dflt)
{
  const char *z = (code && *code) ? xj_code_zh (set, code) : NULL;

  return z ? z : (code && *code ? code : dflt);
}

static const char *
zh_int (const char *set, int v, char *buf, size_t bufsz)
{
  if (v < 0 || (0 == v && ! xj_code_valid (set, "0")))
    return "";
  xj_snprintf (buf, bufsz, "%d", v);
  return zh_or (set, buf, "");
}

/* Region code -> "广东省 清远市 阳山县" (code itself when unknown). */
static void
region_text (struct xj_db *db, const char *code, char *out, size_t outsz)
{
  out[0] = '\0';
  if ('\0' == code[0])
    return;
  if (XJ_E_OK != xj_region_path (db, code, out, outsz))
    xj_strlcpy (out, code, outsz);
}

/* @v as the printer may see it (xj_mask_for with the card's rights). */
static void
masked (const struct card_doc *d, enum xj_mask_kind kind, const char *v,
        char *out, size_t outsz)
{
  const char *t = xj_mask_for (kind, d->o->show, v, out, outsz);

  if (t != out)
    xj_strlcpy (out, t, outsz);
}

/* The footer's note on what the card hides ("" when nothing). */
static const char *
hidden_note (unsigned show)
{
  bool id = show & XJ_PII_ID_NO, phone = show & XJ_PII_PHONE;

  if (id && phone)
    return "";
  if (id)
    return "　　（电话已部分隐藏）";
  if (phone)
    return "　　（证件号码与学籍号已部分隐藏）";
  return "　　（证件号码、学籍号与电话已部分隐藏）";
}

/* Title and school; returns the height used. */
static double
page_title (struct card_doc *d, double x, double y, double w,
            const struct xj_student_ctx *ctx)
{
  char line[400];

  text_at (d, x, y, SERIF, 22, true, "学生学籍卡", w, PANGO_ALIGN_CENTER);
  xj_snprintf (line, sizeof line, "学校：%s　　学校标识码：%s",
               ctx->school_name, ctx->school_code);
  text_at (d, x, y + 40, SANS, 10.5, false, line, w, PANGO_ALIGN_LEFT);
  return 62;
}

/* The identity rows, narrowed by the photo box on their right; returns
   the height used. */
static double
identity_rows (struct card_doc *d, double x, double y, double w,
               const struct xj_student *s)
{
  double tw = w - PHOTO_W, top = y;
  char idv[48], reg[48], b1[8];
  const char *r1[] = { "姓名", s->name, "性别",
                       zh_int ("gender", s->gender, b1, sizeof b1) };
  const char *r2[] = { "出生日期", s->birth_date, "民族",
                       zh_or ("ethnicity", s->ethnicity, "") };
  const char *r3[] = { "身份证件类型", zh_or ("id_type", s->id_type, ""),
                       "国籍/地区", zh_or ("nationality", s->nationality,
                                           "") };
  const char *r4[] = { "身份证件号", idv };
  const char *r5[] = { "学籍号", reg };

  masked (d, XJ_MASK_ID, s->id_no, idv, sizeof idv);
  masked (d, XJ_MASK_REGISTRY_NO, s->registry_no, reg, sizeof reg);
  y += pairs_row (d, x, y, tw, r1, 2);
  y += pairs_row (d, x, y, tw, r2, 2);
  y += pairs_row (d, x, y, tw, r3, 2);
  y += pairs_row (d, x, y, tw, r4, 1);
  y += pairs_row (d, x, y, tw, r5, 1);
  cairo_set_source_rgb (d->cr, 0, 0, 0);
  cairo_set_line_width (d->cr, 0.8);
  cairo_rectangle (d->cr, x + tw, top, PHOTO_W, y - top);
  cairo_stroke (d->cr);
  text_at (d, x + tw, top + (y - top) / 2 - 8, SANS, 10.5, false,
           "照片", PHOTO_W, PANGO_ALIGN_CENTER);
  return y - top;
}

/* Hukou, address, phone, enrolment and class; returns the height used. */
static double
registry_rows (struct card_doc *d, double x, double y, double w,
               const struct xj_student *s, const struct xj_student_ctx *ctx)
{
  double top = y;
  const char *gl = zh_or ("grade", s->grade, "");
  char phone[48], hukou[200], enrol[32], cls[96], b2[8], b3[8];
  const char *r6[] = { "户口所在地", hukou, "户口性质",
                       zh_int ("hukou_type", s->hukou_type, b2, sizeof b2) };
  const char *r7[] = { "现住址", s->address };
  const char *r8[] = { "联系电话", phone, "健康状况",
                       zh_or ("health", s->health, "") };
  const char *r9[] = { "入学年月", enrol, "年级班级", cls };
  const char *r10[] = { "就读方式",
                        zh_int ("study_mode", s->study_mode, b3, sizeof b3),
                        "入学方式", zh_or ("enrol_mode", s->enrol_mode, "") };

  masked (d, XJ_MASK_PHONE, s->phone, phone, sizeof phone);
  region_text (d->db, s->hukou_region, hukou, sizeof hukou);
  if (6 == strlen (s->enrol_ym))
    xj_snprintf (enrol, sizeof enrol, "%.4s年%.2s月", s->enrol_ym,
                 s->enrol_ym + 4);
  else
    xj_strlcpy (enrol, s->enrol_ym, sizeof enrol);
  xj_snprintf (cls, sizeof cls, "%s%s%s", gl,
               ctx->class_name[0] && gl[0] ? " " : "", ctx->class_name);
  y += pairs_row (d, x, y, w, r6, 2);
  y += pairs_row (d, x, y, w, r7, 1);
  y += pairs_row (d, x, y, w, r8, 2);
  y += pairs_row (d, x, y, w, r9, 2);
  y += pairs_row (d, x, y, w, r10, 2);
  return y - top;
}

/* Special marks: 留守 / 随迁 / 残疾 / 孤儿 / 随班就读 / 烈士优抚, joined
   by "、", or 无. */
static void
special_marks (const struct xj_student *s, char *marks, size_t size)
{
  struct xj_buf b;
  char b4[8];

  xj_buf_init (&b, size - 1);
  if (s->left_behind > 0)
    xj_buf_printf (&b, "%s、", zh_int ("left_behind", s->left_behind, b4,
                                        sizeof b4));
  if (1 == s->migrant)
    xj_buf_printf (&b, "进城务工人员随迁子女、");
  if (s->disability > 0)
    xj_buf_printf (&b, "残疾（%s）、", zh_int ("disability", s->disability,
                                              b4, sizeof b4));
  if (s->inclusive > 0)
    xj_buf_printf (&b, "%s、", zh_int ("inclusive", s->inclusive, b4,
                                        sizeof b4));
  if (1 == s->orphan)
    xj_buf_printf (&b, "孤儿、");
  if (1 == s->martyr)
    xj_buf_printf (&b, "烈士或优抚子女、");
  if (b.len >= 3)
    b.data[b.len - 3] = '\0';  /* the last "、" */
  xj_strlcpy (marks, b.len ? b.data : "无", size);
  xj_buf_fini (&b);
}

/* One row of the family table: five cells, the last one the rest of @w. */
static void
family_row (struct card_doc *d, double x, double y, double w,
            const char *const vals[5], bool head)
{
  static const double cw[] = { 50, 100, 90, 110, 0 };
  double cx = x;

  for (int i = 0; i < 5; i++)
    {
      double cwi = cw[i] ? cw[i] : w - (cx - x);

      cell (d, cx, y, cwi, ROW_H, vals[i], head);
      cx += cwi;
    }
}

/* The family members' table under its heading; returns the height used. */
static double
family_table (struct card_doc *d, double x, double y, double w,
              const struct xj_student *s)
{
  static const char *const head[] = { "成员", "姓名", "关系", "联系电话",
                                      "工作单位" };
  double top = y;

  y += 14;
  text_at (d, x, y, SANS, 12, true, "家庭成员", w, PANGO_ALIGN_LEFT);
  y += 22;
  family_row (d, x, y, w, head, true);
  y += ROW_H;
  for (int g = 0; g < XJ_GUARDIANS; g++)
    {
      const struct xj_guardian *gd = &s->guardians[g];
      char no[8], rel[80], gp[48];
      const char *vals[5] = { no, gd->name, rel, gp, gd->employer };

      xj_snprintf (no, sizeof no, "%d", g + 1);
      xj_snprintf (rel, sizeof rel, "%s%s%s%s",
                   zh_or ("relation", gd->relation, ""),
                   gd->relation_note[0] ? "（" : "", gd->relation_note,
                   gd->relation_note[0] ? "）" : "");
      masked (d, XJ_MASK_PHONE, gd->phone, gp, sizeof gp);
      family_row (d, x, y, w, vals, false);
      y += ROW_H;
    }
  return y - top;
}

/* One student's card: one A4 page. */
static void
page (struct card_doc *d, const struct xj_student *s,
      const struct xj_student_ctx *ctx)
{
  double x = MARGIN, y = MARGIN, w = A4_W - 2 * MARGIN;
  char marks[256], line[400];
  const char *r11[] = { "特殊标记", marks };

  y += page_title (d, x, y, w, ctx);
  y += identity_rows (d, x, y, w, s);
  y += registry_rows (d, x, y, w, s, ctx);
  special_marks (s, marks, sizeof marks);
  y += pairs_row (d, x, y, w, r11, 1);
  family_table (d, x, y, w, s);
  xj_snprintf (line, sizeof line, "打印时间：%s　　打印人：%s%s",
               d->printed_at, d->o->printer ? d->o->printer : "",
               hidden_note (d->o->show));
  text_at (d, x, A4_H - MARGIN - 14, SANS, 9, false, line, w,
           PANGO_ALIGN_LEFT);
  cairo_show_page (d->cr);
  d->pages++;
}

struct print_audit {
  const struct xj_card_opts *o;
  const char *entity, *entity_id;
  int64_t pages;
};

static enum xj_err
print_audit_txn (struct xj_db *db, void *cls)
{
  struct print_audit *a = cls;
  json_t *j = json_pack ("{s:I, s:b, s:o}", "pages", (json_int_t) a->pages,
                         "unmasked", 0 != a->o->show, "revealed",
                         xj_pii_json (a->o->show));
  char *after = json_dumps (j, JSON_COMPACT);
  enum xj_err e;

  json_decref (j);
  e = xj_audit_append (db, a->o->actor, "student.print", a->entity,
                       a->entity_id, NULL, after);
  free (after);
  return e;
}

enum xj_err
xj_card_student (struct xj_db *db, const struct xj_card_opts *o,
                 const struct xj_student *s, const struct xj_student_ctx *ctx,
                 const char *path)
{
  struct card_doc d;
  enum xj_err e = doc_open (&d, db, o, path);
  char idbuf[24];
  struct print_audit a = { o, "student", idbuf, 1 };

  if (XJ_E_OK != e)
    return e;
  page (&d, s, ctx);
  e = doc_close (&d);
  if (XJ_E_OK != e)
    return e;
  xj_snprintf (idbuf, sizeof idbuf, "%lld", (long long) s->id);
  return xj_db_txn_run (db, "student_print", true, &print_audit_txn, &a);
}

static enum xj_err
class_page (void *cls, const struct xj_student *s,
            const struct xj_student_ctx *ctx)
{
  page (cls, s, ctx);
  return XJ_E_OK;
}

enum xj_err
xj_card_class (struct xj_db *db, const struct xj_card_opts *o,
               const struct xj_scope *scope, int64_t class_id,
               const char *path, int64_t *pages)
{
  struct xj_student_filter f = { .class_id = class_id };
  struct card_doc d;
  enum xj_err e, ec;
  char idbuf[24];
  struct print_audit a = { o, "class", idbuf, 0 };

  *pages = 0;
  e = doc_open (&d, db, o, path);
  if (XJ_E_OK != e)
    return e;
  /* pages reach the file as they are drawn (cairo's PDF surface writes
     each page out at show_page), so a class of any size stays bounded */
  e = xj_student_each (db, scope->prefix, scope->school_id,
                       scope->teacher_id, &f, &class_page, &d);
  ec = doc_close (&d);
  if (XJ_E_OK == e)
    e = ec;
  if (XJ_E_OK == e && 0 == d.pages)
    e = XJ_E_PRINT_EMPTY;
  if (XJ_E_OK != e)
    return e;
  *pages = d.pages;
  a.pages = d.pages;
  xj_snprintf (idbuf, sizeof idbuf, "%lld", (long long) class_id);
  return xj_db_txn_run (db, "class_print", true, &print_audit_txn, &a);
}
