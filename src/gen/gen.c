/* gen.c -- synthetic registry data (see gen.h).
 *
 * Two phases.  Planning is pure: it reads the county's townships, decides
 * the schools, how many students each (school, grade) cell gets and how
 * the cells split into classes.  Filling then writes schools and classes
 * in one transaction and students in batches; every student is drawn from
 * a PRNG seeded by (seed, student index), so a retried batch produces the
 * same rows.  The only state shared between students -- the per-birth-date
 * ID sequence counters -- is snapshotted at the start of each batch and
 * restored when the transaction runner retries it.
 *
 * Never uses rand() or the clock for content (only xj_today for the school
 * year and xj_now_iso for timestamps).  No SQL: the stores do that.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "audit/audit.h"
#include "gen/gen.h"
#include "idcard/idcard.h"
/* the import's bulk append of students and their events (a gen of a
   fresh county writes what an import would, minus the checks) */
#include "import/import_int.h"
#include "klass/klass.h"
#include "region/region.h"
#include "school/school.h"
#include "student/identity.h"
#include "student/student.h"
#include "student/student_pack.h"
#include "student/student_store.h"
#include "validate/validate.h"

#define BATCH 5000
#define MAX_SCHOOLS 999
#define MAX_TOWNS 256
#define MAX_SIBLINGS 64
/* ID sequence space: 3 digits, parity = gender -> 500 per day and gender. */
#define SEQ_PER_DAY 500
#define DAYS_SPAN (30 * 366)

/* ---- PRNG: splitmix64 seeding xoshiro256** ---- */

struct rng {
  uint64_t s[4];
};

static uint64_t
splitmix64 (uint64_t *x)
{
  uint64_t z = (*x += 0x9E3779B97F4A7C15ull);

  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/* Independent stream @stream of @seed (stream = student index + 1, or a
   small tag for the planning phase). */
static void
rng_init (struct rng *r, uint64_t seed, uint64_t stream)
{
  uint64_t x = seed ^ (stream * 0xD1B54A32D192ED03ull);

  for (int i = 0; i < 4; i++)
    r->s[i] = splitmix64 (&x);
}

static uint64_t
rotl (uint64_t x, int k)
{
  return (x << k) | (x >> (64 - k));
}

static uint64_t
rng_next (struct rng *r)
{
  uint64_t *s = r->s;
  uint64_t result = rotl (s[1] * 5, 7) * 9;
  uint64_t t = s[1] << 17;

  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl (s[3], 45);
  return result;
}

/* Uniform in [0, n); n > 0. */
static unsigned
rng_below (struct rng *r, unsigned n)
{
  return (unsigned) (((rng_next (r) >> 32) * (uint64_t) n) >> 32);
}

/* Uniform in [0, 1). */
static double
rng_unit (struct rng *r)
{
  return (double) (rng_next (r) >> 11) * 0x1.0p-53;
}

static double
rng_range (struct rng *r, double lo, double hi)
{
  return lo + (hi - lo) * rng_unit (r);
}

/* True with probability @p. */
static bool
rng_chance (struct rng *r, double p)
{
  return rng_unit (r) < p;
}

/* ---- calendar ---- */

/* ---- name and place material ---- */

struct wchoice {
  const char *s;
  unsigned w;  /* relative weight */
};

/* Common surnames, roughly by national frequency (per 10,000). */
static const struct wchoice surnames[] = {
  { "王", 720 }, { "李", 720 }, { "张", 680 }, { "刘", 540 }, { "陈", 530 },
  { "杨", 310 }, { "黄", 250 }, { "赵", 230 }, { "吴", 210 }, { "周", 200 },
  { "徐", 170 }, { "孙", 150 }, { "马", 150 }, { "朱", 140 }, { "胡", 130 },
  { "郭", 120 }, { "何", 120 }, { "林", 120 }, { "罗", 115 }, { "高", 110 },
  { "郑", 100 }, { "梁", 100 }, { "谢", 90 },  { "宋", 80 },  { "唐", 80 },
  { "许", 75 },  { "韩", 70 },  { "冯", 70 },  { "邓", 70 },  { "曹", 65 },
  { "彭", 65 },  { "曾", 65 },  { "肖", 60 },  { "田", 60 },  { "董", 55 },
  { "袁", 55 },  { "潘", 55 },  { "于", 50 },  { "蒋", 50 },  { "蔡", 50 },
  { "余", 50 },  { "杜", 45 },  { "叶", 45 },  { "程", 45 },  { "苏", 40 },
  { "魏", 40 },  { "吕", 40 },  { "丁", 40 },  { "任", 40 },  { "沈", 35 },
  { "姚", 35 },  { "卢", 35 },  { "姜", 35 },  { "崔", 30 },  { "钟", 30 },
  { "谭", 30 },  { "陆", 30 },  { "汪", 30 },  { "范", 30 },  { "金", 30 },
  { "石", 30 },  { "廖", 30 },  { "贾", 25 },  { "夏", 25 },  { "韦", 25 },
  { "方", 25 },  { "白", 25 },  { "邹", 25 },  { "孟", 20 },  { "熊", 20 },
  { "秦", 20 },  { "邱", 20 },  { "江", 20 },  { "尹", 20 },  { "薛", 20 },
  { "雷", 20 },  { "侯", 15 },  { "龙", 15 },  { "史", 15 },  { "陶", 15 },
  { "黎", 15 },  { "贺", 15 },  { "顾", 15 },  { "毛", 15 },  { "龚", 15 },
  { "邵", 15 },  { "万", 15 },  { "严", 15 },  { "覃", 10 },  { "莫", 10 },
  { "欧阳", 5 }, { "司马", 1 }, { "上官", 1 },
  { NULL, 0 },
};

/* Yao (13) surnames of northern Guangdong; Zhuang (08) surnames. */
static const struct wchoice surnames_yao[] = {
  { "盘", 30 }, { "房", 25 }, { "邓", 20 }, { "唐", 15 }, { "沈", 10 },
  { "赵", 10 }, { "冯", 5 },  { "李", 5 },  { "黄", 5 },
  { NULL, 0 },
};
static const struct wchoice surnames_zhuang[] = {
  { "韦", 30 }, { "覃", 20 }, { "黄", 15 }, { "莫", 10 }, { "陆", 8 },
  { "蒙", 6 },  { "农", 5 },  { "梁", 5 },  { "廖", 5 },
  { NULL, 0 },
};

static const char *const given_m[] = {
  "伟", "强", "磊", "军", "勇", "杰", "涛", "斌", "浩", "宇", "轩", "俊",
  "博", "文", "志", "明", "建", "华", "子", "梓", "睿", "泽", "豪", "晨",
  "宏", "鹏", "辉", "翔", "凯", "嘉", "铭", "昊", "天", "一", "锦", "然",
  "航", "煜", "宸", "逸", "奕", "晟", "霖", "楷", "瑞", "峰", "诚", "毅",
  "鑫", "烨", "彬", "健", "耀", "承", "海", "东", "林", "思", "家", "俊",
  NULL
};
static const char *const given_f[] = {
  "芳", "娜", "敏", "静", "丽", "婷", "雪", "琳", "欣", "怡", "悦", "雨",
  "萱", "梓", "涵", "诗", "思", "佳", "可", "馨", "晓", "语", "紫", "若",
  "彤", "梦", "瑶", "妍", "琪", "慧", "玲", "颖", "洁", "萍", "燕", "霞",
  "嘉", "欣", "一", "子", "雅", "晴", "婉", "蕾", "露", "月", "春", "秀",
  "美", "丹", "倩", "璐", "茜", "菲", "楠", "心", "宁", "乐", "安", "沐",
  NULL
};
/* Older generation (guardians, grandparents, teachers). */
static const char *const given_old_m[] = {
  "国", "建", "志", "永", "德", "明", "伟", "军", "华", "平", "文", "海",
  "林", "春", "荣", "庆", "福", "金", "强", "兵", "勇", "贵", "新", "光",
  NULL
};
static const char *const given_old_f[] = {
  "秀", "英", "兰", "芳", "玉", "珍", "梅", "红", "霞", "丽", "娟", "凤",
  "桂", "萍", "琴", "云", "敏", "燕", "春", "华", "艳", "莲", "翠", "娇",
  NULL
};
/* 4-byte CJK Extension B characters seen in real names. */
static const char *const rare_chars[] = {
  "\xF0\xA0\xAE\xB7", /* U+20BB7 𠮷 */
  "\xF0\xA1\x92\x84", /* U+21484 𡒄 */
  "\xF0\xAA\x9A\xA5", /* U+2A6A5 𪚥 */
  "\xF0\xA0\x80\x8B", /* U+2000B 𠀋 */
  NULL
};
/* Uyghur names (transliterated, with the middle dot U+00B7). */
static const char *const uy_m[] = {
  "艾力", "买买提", "阿不都", "艾克拜尔", "伊力哈木", "努尔", "热合曼",
  "吐尔逊", "玉素甫", "艾山", NULL
};
static const char *const uy_f[] = {
  "阿依古丽", "古丽娜尔", "热依拉", "米热古丽", "帕提古丽", "迪丽努尔",
  "再努尔", "阿依努尔", NULL
};

static const char *const villages[] = {
  "新塘村", "石坑村", "大坪村", "上坪村", "下坪村", "龙潭村", "田心村",
  "水口村", "塘坪村", "江头村", "东山村", "河西村", "高岭村", "白沙村",
  "黄坑村", "竹园村", "社岗村", "沙坪村", "岭背村", "石角村", NULL
};
static const char *const streets[] = {
  "人民路", "建设路", "城南大道", "中山路", "解放路", "新华路", "文化路",
  "东门街", "西门街", "北环路", "滨江路", "育才路", NULL
};
static const char *const employers[] = {
  "务农", "个体经营", "外出务工", "建筑工地", "镇卫生院", "县人民医院",
  "镇政府", "物流公司", "制衣厂", "电子厂", "超市", "运输个体户", NULL
};
static const char *const work_cities[] = {
  "广州", "深圳", "东莞", "佛山", "中山", "珠海", "惠州", "江门", NULL
};
static const char *const specialties[] = {
  "书法", "篮球", "舞蹈", "钢琴", "绘画", "围棋", "田径", "朗诵", "足球",
  "古筝", "乒乓球", "编程", NULL
};
static const char *const phone_prefixes[] = {
  "130", "131", "132", "133", "134", "135", "136", "137", "138", "139",
  "150", "151", "152", "153", "155", "156", "157", "158", "159", "166",
  "173", "175", "176", "177", "178", "180", "181", "182", "183", "184",
  "185", "186", "187", "188", "189", "191", "198", "199", NULL
};

static const char *
pick (struct rng *r, const char *const *list)
{
  unsigned n = 0;

  while (list[n])
    n++;
  return list[rng_below (r, n)];
}

/* A member of @list other than @not (when the list has another). */
static const char *
pick_other (struct rng *r, const char *const *list, const char *not)
{
  const char *p = pick (r, list);

  for (int i = 0; i < 4 && p == not; i++)
    p = pick (r, list);
  return p;
}

static const char *
wpick (struct rng *r, const struct wchoice *list)
{
  unsigned total = 0;
  unsigned x;

  for (const struct wchoice *c = list; c->s; c++)
    total += c->w;
  x = rng_below (r, total);
  for (const struct wchoice *c = list; c->s; c++)
    {
      if (x < c->w)
        return c->s;
      x -= c->w;
    }
  return list[0].s;
}

/* Chinese numeral for 2..99: 二 .. 十 .. 九十九. */
static void
cn_number (unsigned n, char *out, size_t outsz)
{
  static const char *const d[] = { "", "一", "二", "三", "四",
                                   "五", "六", "七", "八", "九" };

  if (n < 10)
    xj_snprintf (out, outsz, "%s", d[n]);
  else
    xj_snprintf (out, outsz, "%s十%s", n >= 20 ? d[n / 10] : "", d[n % 10]);
}

static bool
ends_with (const char *s, const char *suffix)
{
  size_t n = strlen (s);
  size_t k = strlen (suffix);

  return n >= k && 0 == strcmp (s + n - k, suffix);
}

/* ---- the plan ---- */

struct town {
  char code[12];
  char name[96];
};

enum kind { K_PRIMARY, K_JUNIOR, K_NINE, K_SENIOR };

struct pschool {
  struct xj_school s;    /* filled for xj_school_create */
  enum kind kind;
  unsigned town;         /* index into gen.towns */
  double weight;         /* relative students per grade */
  bool big_classes;      /* 大班额 school */
};

/* A class to create and fill. */
struct pclass {
  unsigned school;       /* index into gen.schools */
  char grade[4];
  unsigned no;
  unsigned long first;   /* index of its first student */
  unsigned count;
  int64_t id;            /* after creation */
};

struct gen {
  struct xj_db *db;
  const struct xj_gen_opts *o;
  struct xj_region county, city, province;
  char place[200];       /* "广东省清远市阳山县" */
  char postcode[8];
  unsigned ntowns;
  struct town towns[MAX_TOWNS];
  unsigned seat;
  unsigned nsiblings;
  char siblings[MAX_SIBLINGS][8];
  unsigned nschools;
  struct pschool *schools;
  unsigned long nclasses;
  struct pclass *classes;
  int start_year;
  int64_t year_id;
  int today;             /* YYYYMMDD */
  long day0;             /* xj_days_from_civil of the first counter day */
  uint16_t *seqs;        /* [DAYS_SPAN][2] next sequence per day and sex */
  char at[32];           /* timestamp of every insert of this run */
  bool minorities_south; /* Yao/Zhuang country (Hunan, Guangdong, ...) */
  double yao_share, zhuang_share, uy_share;
};

static int
town_cb (void *cls, const struct xj_region *r)
{
  struct gen *g = cls;

  if (g->ntowns >= MAX_TOWNS)
    return 1;
  xj_strlcpy (g->towns[g->ntowns].code, r->code, sizeof g->towns[0].code);
  xj_strlcpy (g->towns[g->ntowns].name, r->name, sizeof g->towns[0].name);
  g->ntowns++;
  return 0;
}

static int
sibling_cb (void *cls, const struct xj_region *r)
{
  struct gen *g = cls;

  if (3 != r->level || 0 == strcmp (r->code, g->county.code))
    return 0;
  if (g->nsiblings >= MAX_SIBLINGS)
    return 1;
  xj_strlcpy (g->siblings[g->nsiblings++], r->code, sizeof g->siblings[0]);
  return 0;
}

/* The county seat: the first 街道, else a 镇 sharing the county's first
   character (阳城镇 of 阳山县), else the first 镇, else the first. */
static unsigned
find_seat (const struct gen *g)
{
  char first[8] = "";
  size_t n = 0;
  unsigned c = (unsigned char) g->county.name[0];

  n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
  memcpy (first, g->county.name, n);
  first[n] = '\0';
  for (unsigned i = 0; i < g->ntowns; i++)
    if (ends_with (g->towns[i].name, "街道"))
      return i;
  for (unsigned i = 0; i < g->ntowns; i++)
    if (ends_with (g->towns[i].name, "镇")
        && 0 == strncmp (g->towns[i].name, first, n))
      return i;
  for (unsigned i = 0; i < g->ntowns; i++)
    if (ends_with (g->towns[i].name, "镇"))
      return i;
  return 0;
}

/* Postcode: the province's first two digits (China Post zones) plus two
   from the county code. */
static void
make_postcode (struct gen *g)
{
  static const struct { const char *prov, *pc; } zones[] = {
    { "11", "10" }, { "12", "30" }, { "13", "05" }, { "14", "03" },
    { "15", "01" }, { "21", "11" }, { "22", "13" }, { "23", "15" },
    { "31", "20" }, { "32", "21" }, { "33", "31" }, { "34", "23" },
    { "35", "35" }, { "36", "33" }, { "37", "25" }, { "41", "45" },
    { "42", "43" }, { "43", "41" }, { "44", "51" }, { "45", "53" },
    { "46", "57" }, { "50", "40" }, { "51", "61" }, { "52", "55" },
    { "53", "65" }, { "54", "85" }, { "61", "71" }, { "62", "73" },
    { "63", "81" }, { "64", "75" }, { "65", "83" },
  };
  const char *pc = "51";

  for (size_t i = 0; i < sizeof zones / sizeof zones[0]; i++)
    if (0 == strncmp (zones[i].prov, g->county.code, 2))
      pc = zones[i].pc;
  xj_snprintf (g->postcode, sizeof g->postcode, "%s%.2s00", pc,
               g->county.code + 2);
}

static void
add_school (struct gen *g, enum kind k, unsigned town, unsigned nth,
            struct rng *r)
{
  struct pschool *p = &g->schools[g->nschools];
  const struct town *t = &g->towns[town];
  char num[32];
  bool street = ends_with (t->name, "街道");
  bool zhen = ends_with (t->name, "镇");

  memset (p, 0, sizeof *p);
  p->kind = k;
  p->town = town;
  cn_number (nth + 1, num, sizeof num);
  xj_snprintf (p->s.code, sizeof p->s.code, "2%.6s%03u", g->county.code,
               g->nschools + 1);
  xj_strlcpy (p->s.county_code, g->county.code, sizeof p->s.county_code);
  xj_strlcpy (p->s.township_code, t->code, sizeof p->s.township_code);
  switch (k)
    {
    case K_SENIOR:
      xj_strlcpy (p->s.stage, "senior", sizeof p->s.stage);
      xj_snprintf (p->s.name, sizeof p->s.name, "%s第%s中学",
                   g->county.name, 0 == nth ? "一" : num);
      break;
    case K_JUNIOR:
      xj_strlcpy (p->s.stage, "junior", sizeof p->s.stage);
      if (0 == nth)
        xj_snprintf (p->s.name, sizeof p->s.name, "%s%s中学",
                     g->county.name, t->name);
      else
        xj_snprintf (p->s.name, sizeof p->s.name, "%s%s第%s中学",
                     g->county.name, t->name, num);
      break;
    case K_NINE:
      xj_strlcpy (p->s.stage, "nine_year", sizeof p->s.stage);
      if (0 == nth)
        xj_snprintf (p->s.name, sizeof p->s.name, "%s%s学校",
                     g->county.name, t->name);
      else
        xj_snprintf (p->s.name, sizeof p->s.name, "%s%s第%s学校",
                     g->county.name, t->name, num);
      break;
    case K_PRIMARY:
      xj_strlcpy (p->s.stage, "primary", sizeof p->s.stage);
      if (0 == nth)
        xj_snprintf (p->s.name, sizeof p->s.name, "%s%s中心小学",
                     g->county.name, t->name);
      else
        xj_snprintf (p->s.name, sizeof p->s.name, "%s%s第%s小学",
                     g->county.name, t->name, num);
      break;
    }
  /* 街道 -> 城区; the first school of its kind in a 镇 (or any school of
     the seat) sits in the 镇区; the rest are rural. */
  if (street)
    p->s.urban_rural = 1;
  else if (zhen && (0 == nth || town == g->seat || K_SENIOR == k))
    p->s.urban_rural = 2;
  else
    p->s.urban_rural = 3;
  if (p->s.urban_rural < 3)
    xj_snprintf (p->s.address, sizeof p->s.address, "%s%s%s%u号", g->place,
                 t->name, pick (r, streets), 1 + rng_below (r, 300));
  else
    xj_snprintf (p->s.address, sizeof p->s.address, "%s%s%s", g->place,
                 t->name, pick (r, villages));
  /* Town and city schools draw more pupils; some of them still run
     large classes (大班额, 56+) in some grades. */
  p->big_classes = p->s.urban_rural < 3 && rng_chance (r, 0.25);
  g->nschools++;
}

/* Count of schools of kind @k already in town @t. */
static unsigned
nth_in_town (const struct gen *g, enum kind k, unsigned t)
{
  unsigned n = 0;

  for (unsigned i = 0; i < g->nschools; i++)
    if (g->schools[i].kind == k && g->schools[i].town == t)
      n++;
  return n;
}

static void
plan_schools (struct gen *g, struct rng *r)
{
  unsigned n = g->o->schools;
  /* One senior high per ~80 schools (a county has one to a few). */
  unsigned nsenior = n >= 4 ? 1 + n / 80 : 0;
  unsigned njunior = n >= 2 ? (n / 5 > 0 ? n / 5 : 1) : 0;
  unsigned nnine = n >= 6 ? (n / 12 > 0 ? n / 12 : 1) : 0;
  unsigned nprimary = n - nsenior - njunior - nnine;
  unsigned t;

  g->schools = xj_calloc (n, sizeof *g->schools);
  for (unsigned i = 0; i < nsenior; i++)
    add_school (g, K_SENIOR, (g->seat + i) % g->ntowns, i, r);
  for (unsigned i = 0; i < njunior; i++)
    {
      t = (g->seat + i) % g->ntowns;
      add_school (g, K_JUNIOR, t, nth_in_town (g, K_JUNIOR, t), r);
    }
  /* Nine-year schools serve the remote townships, last codes first. */
  for (unsigned i = 0; i < nnine; i++)
    {
      t = (g->ntowns - 1 - i % g->ntowns);
      add_school (g, K_NINE, t, nth_in_town (g, K_NINE, t), r);
    }
  for (unsigned i = 0; i < nprimary; i++)
    {
      t = (g->seat + i) % g->ntowns;
      add_school (g, K_PRIMARY, t, nth_in_town (g, K_PRIMARY, t), r);
    }
}

/* Grades taught by kind @k; returns how many. */
static unsigned
grades_of (enum kind k, const char **out)
{
  static const char *const pri[] = { "11", "12", "13", "14", "15", "16" };
  static const char *const jun[] = { "21", "22", "23" };
  static const char *const sen[] = { "31", "32", "33" };
  unsigned n = 0;

  if (K_PRIMARY == k || K_NINE == k)
    for (int i = 0; i < 6; i++)
      out[n++] = pri[i];
  if (K_JUNIOR == k || K_NINE == k)
    for (int i = 0; i < 3; i++)
      out[n++] = jun[i];
  if (K_SENIOR == k)
    for (int i = 0; i < 3; i++)
      out[n++] = sen[i];
  return n;
}

struct cell {
  unsigned school;
  const char *grade;
  double w;
  unsigned long n;
  double frac;
};

static int
cmp_frac (const void *a, const void *b)
{
  const struct cell *x = *(const struct cell *const *) a;
  const struct cell *y = *(const struct cell *const *) b;

  if (x->frac != y->frac)
    return x->frac < y->frac ? 1 : -1;
  /* ties: plan order, so the result never depends on qsort's order */
  return (x < y) ? -1 : (x > y);
}
/* The pupils of each stage relative to the primary cohort. */
struct cohort {
  double prim;                  /* primary weight of the county */
  double jun_rel, sen_rel;      /* junior and senior schools' relative sizes */
};

/* Base sizes per grade: a central primary ~2.5 classes, a village
   primary ~1, a nine-year school ~1; juniors then share 95% of the
   primary cohort and the senior highs 40% of it. */
static void
weigh_schools (struct gen *g, struct rng *r, struct cohort *co)
{
  memset (co, 0, sizeof *co);
  for (unsigned i = 0; i < g->nschools; i++)
    {
      struct pschool *p = &g->schools[i];
      double v = rng_range (r, 0.7, 1.3);

      switch (p->kind)
        {
        case K_PRIMARY:
          p->weight = (p->s.urban_rural == 1 ? 3.5
                       : p->s.urban_rural == 2 ? 2.5 : 0.8) * v;
          co->prim += p->weight;
          break;
        case K_NINE:
          p->weight = 0.9 * v;
          co->prim += p->weight;
          co->jun_rel += 0.3 * v;
          break;
        case K_JUNIOR:
          co->jun_rel += (p->s.urban_rural < 3 ? 1.5 : 1.0) * v;
          p->weight = (p->s.urban_rural < 3 ? 1.5 : 1.0) * v;
          break;
        case K_SENIOR:
          p->weight = v;
          co->sen_rel += v;
          break;
        }
    }
  if (co->prim <= 0)
    co->prim = 1;
}

/* One cell per school and grade with its weight; the sum of the weights
   in *@sum; returns the number of cells. */
static unsigned
make_cells (struct gen *g, struct rng *r, const struct cohort *co,
            struct cell *cells, double *sum)
{
  unsigned ncells = 0;

  *sum = 0;
  for (unsigned i = 0; i < g->nschools; i++)
    {
      struct pschool *p = &g->schools[i];
      const char *grades[12];
      unsigned ng = grades_of (p->kind, grades);

      for (unsigned k = 0; k < ng; k++)
        {
          struct cell *c = &cells[ncells++];
          double w = p->weight;

          if (K_JUNIOR == p->kind || (K_NINE == p->kind && '2' == grades[k][0]))
            w = (K_NINE == p->kind ? 0.3 * p->weight / 0.9 : p->weight)
                * 0.95 * co->prim / (co->jun_rel > 0 ? co->jun_rel : 1);
          else if (K_SENIOR == p->kind)
            w = 0.4 * co->prim * p->weight / co->sen_rel;
          c->school = i;
          c->grade = grades[k];
          c->w = w * rng_range (r, 0.92, 1.08);
          *sum += c->w;
        }
    }
  return ncells;
}

/* Largest remainder: exactly @students over the @ncells cells. */
static void
apportion (struct cell *cells, unsigned ncells, double sum,
           unsigned long students)
{
  struct cell **order = xj_calloc (ncells ? ncells : 1, sizeof *order);
  unsigned long given = 0;

  for (unsigned i = 0; i < ncells; i++)
    {
      double exact = (double) students * cells[i].w / sum;

      cells[i].n = (unsigned long) exact;
      cells[i].frac = exact - (double) cells[i].n;
      given += cells[i].n;
      order[i] = &cells[i];
    }
  qsort (order, ncells, sizeof *order, cmp_frac);
  for (unsigned i = 0; given < students && ncells > 0; i++)
    {
      order[i % ncells]->n++;
      given++;
    }
  free (order);
}

/* How many classes cell @c gets: a target size, then as many classes as
   keep every class at most @most (so 大班额 comes only from the
   big-class grades). */
static unsigned long
classes_of_cell (struct gen *g, struct rng *r, const struct cell *c)
{
  const struct pschool *p = &g->schools[c->school];
  double target;
  unsigned long most;
  unsigned long k;

  if (p->big_classes && rng_chance (r, 0.6))
    target = rng_range (r, 56, 63), most = 65;
  else if ('1' == c->grade[0])
    target = rng_range (r, 38, 47), most = 50;
  else
    target = rng_range (r, 42, 50), most = 54;
  k = (unsigned long) ((double) c->n / target + 0.5);
  if (k < 1)
    k = 1;
  if ((c->n + k - 1) / k > most)
    k = (c->n + most - 1) / most;
  if (k > 99)
    {
      /* Class numbers stop at 99: too few schools for the students
         asked for.  Still correct data, just huge classes. */
      XJ_WARN ("gen: %lu students in grade %s of %s; classes of %lu",
               c->n, c->grade, p->s.name, c->n / 99);
      k = 99;
    }
  return k;
}

/* The @k classes of cell @c, appended to g->classes; @first is the index
   of the first student not yet in a class. */
static void
add_classes (struct gen *g, const struct cell *c, unsigned long k,
             size_t *cap, unsigned long *first)
{
  for (unsigned long j = 0; j < k; j++)
    {
      struct pclass *pc;

      if (g->nclasses == *cap)
        {
          *cap *= 2;
          g->classes = xj_realloc (g->classes, *cap * sizeof *g->classes);
        }
      pc = &g->classes[g->nclasses++];
      memset (pc, 0, sizeof *pc);
      pc->school = c->school;
      xj_strlcpy (pc->grade, c->grade, sizeof pc->grade);
      pc->no = (unsigned) j + 1;
      pc->count = (unsigned) (c->n / k + (j < c->n % k ? 1 : 0));
      pc->first = *first;
      *first += pc->count;
    }
}


/* Students per (school, grade) and the classes they form. */
static void
plan_classes (struct gen *g, struct rng *r)
{
  struct cell *cells = xj_calloc ((size_t) g->nschools * 12, sizeof *cells);
  struct cohort co;
  unsigned ncells;
  unsigned long first = 0;
  size_t cap = 16;
  double sum;

  weigh_schools (g, r, &co);
  ncells = make_cells (g, r, &co, cells, &sum);
  apportion (cells, ncells, sum, g->o->students);
  g->classes = xj_calloc (cap, sizeof *g->classes);
  for (unsigned i = 0; i < ncells; i++)
    if (cells[i].n > 0)
      add_classes (g, &cells[i], classes_of_cell (g, r, &cells[i]), &cap,
                   &first);
  free (cells);
}

/* ---- writing schools and classes ---- */

static void
person_name (struct rng *r, const char *surname, bool male, bool old,
             char *out, size_t outsz)
{
  const char *const *list = old ? (male ? given_old_m : given_old_f)
                                : (male ? given_m : given_f);
  const char *a = pick (r, list);
  const char *b = pick (r, list);

  /* 叠字 names (婷婷) exist but are rarer than a repeat by chance */
  if (a == b && rng_chance (r, 0.8))
    b = pick (r, list);
  if (rng_chance (r, old ? 0.25 : 0.18))
    xj_snprintf (out, outsz, "%s%s", surname, a);
  else
    xj_snprintf (out, outsz, "%s%s%s", surname, a, b);
}

/* XJ_E_OK if a school holds @code, XJ_E_NOT_FOUND if none does. */
static enum xj_err
school_code_taken (struct xj_db *db, const char *code)
{
  struct xj_school other;

  return xj_school_get_by_code (db, code, &other);
}

static enum xj_err
setup_txn (struct xj_db *db, void *cls)
{
  struct gen *g = cls;
  struct rng r;
  enum xj_err e;

  e = xj_year_current (db, &g->year_id, &g->start_year);
  if (XJ_E_OK != e)
    return e;
  for (unsigned i = 0; i < g->nschools; i++)
    {
      struct xj_school s = g->schools[i].s;
      struct xj_verrs v;
      unsigned bump = 0;

      v.n = 0;
      /* A code taken by an earlier run: move on to the next free one
         (looked up first: on PostgreSQL a refused INSERT would end the
         transaction) */
      while (XJ_E_OK == (e = school_code_taken (db, s.code))
             && bump < MAX_SCHOOLS)
        {
          bump++;
          xj_snprintf (s.code, sizeof s.code, "2%.6s%03u", g->county.code,
                       (i + 1 + bump) % 1000);
        }
      if (XJ_E_NOT_FOUND == e)
        e = xj_school_create (db, &s, &v);
      else if (XJ_E_OK == e)
        e = XJ_E_SCHOOL_EXISTS;
      if (XJ_E_VALIDATION == e)
        XJ_BUG ("generated school %s invalid: %s %s", s.name,
                v.e[0].field, v.e[0].detail);
      if (XJ_E_OK != e)
        return XJ_E_VALIDATION == e ? XJ_E_INTERNAL : e;
      g->schools[i].s.id = s.id;
    }
  rng_init (&r, g->o->seed, 2);
  for (unsigned long i = 0; i < g->nclasses; i++)
    {
      struct pclass *pc = &g->classes[i];
      struct xj_class c;
      struct xj_verrs v;

      memset (&c, 0, sizeof c);
      c.school_id = g->schools[pc->school].s.id;
      c.year_id = g->year_id;
      xj_strlcpy (c.grade, pc->grade, sizeof c.grade);
      c.no = pc->no;
      person_name (&r, wpick (&r, surnames), rng_chance (&r, 0.35), true,
                   c.head_teacher, sizeof c.head_teacher);
      v.n = 0;
      e = xj_class_create (db, &c, &v);
      if (XJ_E_VALIDATION == e)
        XJ_BUG ("generated class %s/%u invalid: %s %s", c.grade, c.no,
                v.e[0].field, v.e[0].detail);
      if (XJ_E_OK != e)
        return XJ_E_VALIDATION == e ? XJ_E_INTERNAL : e;
      pc->id = c.id;
    }
  return XJ_E_OK;
}

/* ---- students ---- */

static void
phone (struct rng *r, char *out, size_t outsz)
{
  xj_snprintf (out, outsz, "%s%08u", pick (r, phone_prefixes),
               rng_below (r, 100000000u));
}

/* Grade code -> position in the 12-year sequence (11 -> 1, 21 -> 7,
   31 -> 10) and the year within its stage. */
static int
seq_grade (const char *grade, int *in_stage)
{
  int n = grade[1] - '0';

  *in_stage = n;
  switch (grade[0])
    {
    case '2':
      return n + 6;
    case '3':
      return n + 9;
    default:
      return n;
    }
}

/* Ethnicity code for one student of school @p. */
static const char *
draw_ethnicity (struct gen *g, struct rng *r)
{
  double x = rng_unit (r);

  if (x < g->yao_share)
    return "13";
  x -= g->yao_share;
  if (x < g->zhuang_share)
    return "08";
  x -= g->zhuang_share;
  if (x < g->uy_share)
    return "05";   /* Xinjiang, or Uyghur families who moved for work */
  x -= g->uy_share;
  if (x < 0.003)
    return g->minorities_south ? "15" : "03";
  return "01";
}

/* Reserve the next ID sequence number for (day, male); on a full day the
   birth date moves on by one day.  Returns false when everything is
   full (millions of students per year of birth). */
static bool
next_id (struct gen *g, long *day, bool male, char id[19])
{
  for (int tries = 0; tries < 60; tries++, (*day)++)
    {
      long idx = *day - g->day0;
      uint16_t *c;
      unsigned k, base;
      int y, m, d;
      char body[18];

      if (idx < 0 || idx >= DAYS_SPAN)
        return false;
      c = &g->seqs[idx * 2 + (male ? 1 : 0)];
      if (*c >= SEQ_PER_DAY)
        continue;
      /* Start each day at a different point so numbers look drawn, not
         counted; k stays distinct per day while *c < 500. */
      base = (unsigned) ((uint64_t) (*day * 2654435761u) % SEQ_PER_DAY);
      k = (base + *c) % SEQ_PER_DAY;
      (*c)++;
      xj_civil_from_days (*day, &y, &m, &d);
      xj_snprintf (body, sizeof body, "%.6s%04d%02d%02d%03u", g->county.code,
                   y, m, d, k * 2 + (male ? 1 : 0));
      memcpy (id, body, 17);
      id[17] = xj_idcard_check_char (body);
      id[18] = '\0';
      return true;
    }
  return false;
}

static void
set_guardian (struct xj_guardian *gd, const char *name, const char *rel,
              const char *note, struct rng *r, bool is_guardian,
              const char *eth, const char *employer, const char *address)
{
  xj_strlcpy (gd->name, name, sizeof gd->name);
  xj_strlcpy (gd->relation, rel, sizeof gd->relation);
  xj_strlcpy (gd->relation_note, note, sizeof gd->relation_note);
  phone (r, gd->phone, sizeof gd->phone);
  gd->is_guardian = is_guardian ? 1 : 0;
  xj_strlcpy (gd->ethnicity, eth, sizeof gd->ethnicity);
  xj_strlcpy (gd->employer, employer, sizeof gd->employer);
  xj_strlcpy (gd->address, address, sizeof gd->address);
}

/* What the drawing of one student shares between its steps, in the order
   the steps draw from @r (the order is the data: a change reshuffles
   every generated county). */
struct draw {
  struct gen *g;
  const struct pclass *pc;
  const struct town *t;
  struct rng r;
  int ur;                       /* the school's urban_rural */
  int n, in_stage;              /* seq_grade of the class's grade */
  bool male, boarder, compulsory, uy;
  const char *eth;
  const char *sur;              /* NULL for a Uyghur name */
  int by, bm, bd;               /* birth date */
  char father[200], mother[200];
};

/* Birth date, ID number and registry number: age 5 + n on 1 September,
   i.e. born between 2 September of year sy-a-1 and 1 September of sy-a;
   a few a little young, some a year or two over age (late start, repeated
   grade). */
static enum xj_err
draw_birth (struct draw *d, struct xj_student *s)
{
  struct gen *g = d->g;
  char id[19];
  long day;
  double x;

  day = xj_days_from_civil (g->start_year - (5 + d->n) - 1, 9, 2)
        + (long) rng_below (&d->r, 365);
  x = rng_unit (&d->r);
  if (x < 0.02)
    day += 365;          /* born after 1 Sept: under age by months */
  else if (x < 0.05)
    day -= 365;          /* one year over age */
  else if (x < 0.055)
    day -= 730;          /* two years over age */
  if (! next_id (g, &day, d->male, id))
    {
      XJ_ERROR ("gen: no free ID sequence numbers left near day %ld", day);
      return XJ_E_INTERNAL;
    }
  xj_civil_from_days (day, &d->by, &d->bm, &d->bd);
  xj_snprintf (s->birth_date, sizeof s->birth_date, "%04d-%02d-%02d", d->by,
               d->bm, d->bd);
  xj_strlcpy (s->id_type, "1", sizeof s->id_type);
  xj_strlcpy (s->id_no, id, sizeof s->id_no);
  xj_registry_no_g (id, s->registry_no);
  return XJ_E_OK;
}

/* Ethnicity, the student's name and the parents' names. */
static void
draw_names (struct draw *d, struct xj_student *s)
{
  struct rng *r = &d->r;
  char given[64];

  d->eth = draw_ethnicity (d->g, r);
  xj_strlcpy (s->ethnicity, d->eth, sizeof s->ethnicity);
  if (0 == strcmp (d->eth, "05"))
    {
      /* given name · father's given name */
      const char *fgiven = pick (r, uy_m);

      d->uy = true;
      xj_snprintf (s->name, sizeof s->name, "%s\xC2\xB7%s",
                   pick_other (r, d->male ? uy_m : uy_f, fgiven), fgiven);
      xj_snprintf (d->father, sizeof d->father, "%s\xC2\xB7%s", fgiven,
                   pick_other (r, uy_m, fgiven));
      xj_snprintf (d->mother, sizeof d->mother, "%s\xC2\xB7%s", pick (r, uy_f),
                   pick (r, uy_m));
      d->sur = NULL;
      return;
    }
  d->sur = 0 == strcmp (d->eth, "13") ? wpick (r, surnames_yao)
           : 0 == strcmp (d->eth, "08") ? wpick (r, surnames_zhuang)
           : wpick (r, surnames);
  person_name (r, "", d->male, false, given, sizeof given);
  if (rng_chance (r, 0.005))
    {
      /* a rare 4-byte character as the last one of the given name */
      const char *rare = pick (r, rare_chars);
      unsigned c = (unsigned char) given[0];
      size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 1;

      xj_snprintf (s->name, sizeof s->name, "%s%.*s%s", d->sur, (int) len,
                   given, rare);
    }
  else
    xj_snprintf (s->name, sizeof s->name, "%s%s", d->sur, given);
  person_name (r, d->sur, true, true, d->father, sizeof d->father);
  person_name (r, wpick (r, surnames), false, true, d->mother,
               sizeof d->mother);
}

/* Nationality, native place, addresses and hukou. */
static void
draw_places (struct draw *d, struct xj_student *s)
{
  struct gen *g = d->g;
  struct rng *r = &d->r;
  int ur = d->ur;

  xj_strlcpy (s->nationality, "CHN", sizeof s->nationality);
  xj_strlcpy (s->hk_mo_tw, "00", sizeof s->hk_mo_tw);
  xj_strlcpy (s->birthplace, g->county.code, sizeof s->birthplace);
  xj_snprintf (s->native_place, sizeof s->native_place, "%s%s",
               g->province.name, g->county.name);
  if (1 == ur)
    xj_snprintf (s->address, sizeof s->address, "%s%s%s%u号", g->place,
                 d->t->name, pick (r, streets), 1 + rng_below (r, 500));
  else
    xj_snprintf (s->address, sizeof s->address, "%s%s%s%u号", g->place,
                 d->t->name, pick (r, villages), 1 + rng_below (r, 200));
  xj_strlcpy (s->mail_address, s->address, sizeof s->mail_address);
  xj_strlcpy (s->home_address, s->address, sizeof s->home_address);
  xj_strlcpy (s->postcode, g->postcode, sizeof s->postcode);
  xj_strlcpy (s->hukou_region, '\0' != d->t->code[0] ? d->t->code
              : g->county.code, sizeof s->hukou_region);
  s->hukou_type = (1 == ur && rng_chance (r, 0.6)) ? 2
                  : (2 == ur && rng_chance (r, 0.15)) ? 2 : 1;
}

/* School, class, seat, enrolment and boarding. */
static void
draw_placement (struct draw *d, unsigned pos, struct xj_student *s)
{
  const struct pclass *pc = d->pc;
  struct rng *r = &d->r;
  double x;

  s->school_id = d->g->schools[pc->school].s.id;
  s->class_id = pc->id;
  xj_strlcpy (s->grade, pc->grade, sizeof s->grade);
  xj_snprintf (s->seat_no, sizeof s->seat_no, "%02u", pos + 1);
  xj_snprintf (s->enrol_ym, sizeof s->enrol_ym, "%04d09",
               d->g->start_year - (d->in_stage - 1));
  if (d->compulsory)
    xj_strlcpy (s->enrol_mode, rng_chance (r, 0.97) ? "11" : "12",
                sizeof s->enrol_mode);
  else
    {
      x = rng_unit (r);
      xj_strlcpy (s->enrol_mode, x < 0.95 ? "21" : x < 0.97 ? "22"
                  : x < 0.99 ? "23" : "99", sizeof s->enrol_mode);
    }
  d->boarder = ('1' != pc->grade[0])
               ? rng_chance (r, 3 == d->ur ? 0.28 : 0.22)
               : (3 == d->ur && d->in_stage >= 4 && rng_chance (r, 0.08));
  s->study_mode = d->boarder ? 2 : 1;
  x = rng_unit (r);
  s->source = x < 0.99 ? 1 : x < 0.995 ? 2 : 9;
}

/* Health and disability. */
static void
draw_health (struct draw *d, struct xj_student *s)
{
  struct rng *r = &d->r;
  double x = rng_unit (r);

  xj_strlcpy (s->health, x < 0.96 ? "10" : x < 0.99 ? "20" : x < 0.997 ? "30"
              : "40", sizeof s->health);
  s->disability = 0;
  s->inclusive = 0;
  if (rng_chance (r, 0.004))
    {
      static const int incl[9] = { 0, 1, 2, 4, 4, 3, 4, 4, 4 };

      s->disability = 1 + (int) rng_below (r, 8);
      xj_strlcpy (s->health, "50", sizeof s->health);
      s->inclusive = rng_chance (r, 0.7) ? incl[s->disability] : 0;
    }
}

/* 共青团员 only from 14 on today (the cross-field rule of
   xj_student_check_rules). */
static void
draw_political (struct draw *d, struct xj_student *s)
{
  struct rng *r = &d->r;
  const char *code = "13";

  if (d->by * 10000 + d->bm * 100 + d->bd > d->g->today - 140000)
    code = "13";
  else if (! d->compulsory)
    code = rng_chance (r, 0.3 + 0.15 * d->in_stage) ? "03" : "13";
  else if ('2' == d->pc->grade[0] && d->in_stage >= 2
           && rng_chance (r, 0.15))
    code = "03";
  xj_strlcpy (s->political, code, sizeof s->political);
}

/* Orphan, migrant, left-behind and the other family flags. */
static void
draw_family (struct draw *d, struct xj_student *s)
{
  struct gen *g = d->g;
  struct rng *r = &d->r;
  int ur = d->ur;

  s->orphan = rng_chance (r, 0.003) ? 1 : 0;
  s->migrant = ((d->uy && g->uy_share < 0.01) || (! s->orphan
                       && rng_chance (r, 1 == ur ? 0.15 : 2 == ur ? 0.08
                                                          : 0.035))) ? 1 : 0;
  s->left_behind = 0;
  if (! s->orphan && ! s->migrant
      && rng_chance (r, 3 == ur ? 0.25 : 2 == ur ? 0.18 : 0.06))
    s->left_behind = rng_chance (r, 0.55) ? 1 : 2;
  if (s->migrant && g->nsiblings > 0 && ! d->uy)
    {
      const char *other = g->siblings[rng_below (r, g->nsiblings)];

      xj_strlcpy (s->hukou_region, other, sizeof s->hukou_region);
      s->hukou_type = 1;
    }
  s->only_child = rng_chance (r, 1 == ur ? 0.45 : 0.15) ? 1 : 0;
  s->preschool = rng_chance (r, 0.96) ? 1 : 0;
  s->martyr = rng_chance (r, 0.0005) ? 1 : 0;
  s->gov_degree = (s->migrant && rng_chance (r, 0.1)) ? 1 : 0;
  s->need_aid = (s->orphan || s->disability
                 || rng_chance (r, 3 == ur ? 0.12 : 2 == ur ? 0.09 : 0.05))
                ? 1 : 0;
  s->yibu = (d->boarder && s->need_aid && d->compulsory) ? 1 : 0;
  draw_political (d, s);
  if (rng_chance (r, 0.05))
    xj_strlcpy (s->specialty, pick (r, specialties), sizeof s->specialty);
}

/* Distance, transport and the need for a school bus. */
static void
draw_way_to_school (struct draw *d, struct xj_student *s)
{
  struct rng *r = &d->r;
  int ur = d->ur;
  double x;

  if (d->boarder)
    {
      s->distance_km = rng_range (r, 5, 40);
      x = rng_unit (r);
      s->transport = x < 0.5 ? 4 : x < 0.9 ? 3 : 5;
    }
  else
    {
      s->distance_km = rng_range (r, 0.3, 1 == ur ? 4 : 2 == ur ? 8 : 15);
      x = rng_unit (r);
      if (s->distance_km < 1.5 && x < 0.6)
        s->transport = 1;
      else if (x < 0.45)
        s->transport = 4;
      else if (x < 0.7)
        s->transport = 2;
      else if (x < 0.85)
        s->transport = 3 == ur ? 5 : 3;
      else
        s->transport = 3 == ur ? 3 : 1;
    }
  s->distance_km = (double) (long) (s->distance_km * 10 + 0.5) / 10.0;
  s->need_bus = (5 == s->transport
                 || (3 == ur && s->distance_km > 3 && rng_chance (r, 0.2)))
                ? 1 : 0;
}

/* Guardians: both parents normally; left-behind children live with a
   grandparent (both parents away) or one parent; orphans with a
   grandparent or another relative. */
static void
draw_guardians (struct draw *d, struct xj_student *s)
{
  struct rng *r = &d->r;
  const char *geth = d->uy ? "05" : d->eth;
  struct xj_guardian *g0 = &s->guardians[0], *g1 = &s->guardians[1];
  char elder[200];
  char away[64];

  xj_snprintf (away, sizeof away, "外出务工（%s）", pick (r, work_cities));
  /* the elder relative who looks after the child */
  if (d->uy)
    {
      const char *e1 = pick (r, uy_m);

      xj_snprintf (elder, sizeof elder, "%s\xC2\xB7%s", e1,
                   pick_other (r, uy_m, e1));
    }
  else
    person_name (r, d->sur, true, true, elder, sizeof elder);
  if (s->orphan)
    {
      bool gp = rng_chance (r, 0.7);

      set_guardian (g0, elder, gp ? "3" : "9", gp ? "祖父母" : "叔伯", r,
                    true, geth, pick (r, employers), s->address);
    }
  else if (2 == s->left_behind)
    {
      set_guardian (g0, elder, "3", "祖父", r, true, geth, "务农",
                    s->address);
      set_guardian (g1, d->father, "1", "", r, false, geth, away, s->address);
    }
  else if (1 == s->left_behind)
    {
      set_guardian (g0, d->mother, "2", "", r, true, geth,
                    pick (r, employers), s->address);
      set_guardian (g1, d->father, "1", "", r, false, geth, away, s->address);
    }
  else
    {
      set_guardian (g0, d->father, "1", "", r, true, geth,
                    pick (r, employers), s->address);
      set_guardian (g1, d->mother, "2", "", r, true,
                    rng_chance (r, 0.9) ? geth : "01",
                    pick (r, employers), s->address);
    }
}

/* Fill @s as student @i of class @pc (position @pos in it): each step
   draws from the student's own random stream, seeded by the run's seed
   and @i, so a student is the same whatever the batch. */
static enum xj_err
make_student (struct gen *g, unsigned long i, const struct pclass *pc,
              unsigned pos, struct xj_student *s)
{
  const struct pschool *p = &g->schools[pc->school];
  struct draw d = {
    .g = g, .pc = pc, .t = &g->towns[p->town], .ur = p->s.urban_rural,
  };
  enum xj_err e;

  rng_init (&d.r, g->o->seed, (uint64_t) i + 16);
  xj_student_init (s);
  d.n = seq_grade (pc->grade, &d.in_stage);
  d.compulsory = '3' != pc->grade[0];
  d.male = rng_chance (&d.r, 0.52);
  s->gender = d.male ? 1 : 2;
  if (XJ_E_OK != (e = draw_birth (&d, s)))
    return e;
  draw_names (&d, s);
  draw_places (&d, s);
  draw_placement (&d, pos, s);
  draw_health (&d, s);
  draw_family (&d, s);
  draw_way_to_school (&d, s);
  draw_guardians (&d, s);
  xj_strlcpy (s->phone, s->guardians[0].phone, sizeof s->phone);
  xj_strlcpy (s->status, "enrolled", sizeof s->status);
  return XJ_E_OK;
}

struct batch {
  struct gen *g;
  unsigned long from, to;      /* student indexes [from, to) */
  unsigned long cls0;          /* class holding student @from */
  uint16_t *snap;              /* seqs at batch start */
  unsigned long done;          /* inserted by the committed attempt */
  int64_t *ids;                /* bulk path: the ids given, BATCH room */
};

static const struct xj_actor gen_actor = { 0, "gen", "cli" };

/* Student @i (of class *@c, moved on as @i passes its end) drawn into @s
   and validated. */
static enum xj_err
draw_student (struct gen *g, unsigned long i, unsigned long *c,
              struct xj_student *s)
{
  struct xj_verrs v;
  enum xj_err e;

  while (i >= g->classes[*c].first + g->classes[*c].count)
    (*c)++;
  e = make_student (g, i, &g->classes[*c],
                    (unsigned) (i - g->classes[*c].first), s);
  if (XJ_E_OK != e)
    return e;
  if (XJ_E_OK != xj_student_validate (s, g->today, &v))
    {
      XJ_BUG ("generated student %lu invalid: %s %s (%s)", i,
              v.e[0].field, v.e[0].detail, xj_err_code (v.e[0].code));
      return XJ_E_INTERNAL;
    }
  return XJ_E_OK;
}

/* Whether @s's ID number or registry number is held already (by an
   earlier run's record): looked up first, because on PostgreSQL a failed
   INSERT would end the whole transaction. */
static enum xj_err
number_taken (struct xj_db *db, const struct xj_student *s, bool *taken)
{
  int64_t sid, school;
  enum xj_err e = xj_student_find_by_id_no (db, s->id_type, s->id_no, &sid,
                                            &school);

  *taken = XJ_E_OK == e;
  if (XJ_E_NOT_FOUND == e)
    e = xj_istore_regno_used (db, s->registry_no, taken);
  return e;
}

/* Skip @s to the next free number of its birth date (an earlier run
   already used this one). */
static enum xj_err
free_number (struct xj_db *db, struct gen *g, struct xj_student *s)
{
  for (int tries = 0;; tries++)
    {
      bool taken;
      long day;
      int y, m, d;
      enum xj_err e = number_taken (db, s, &taken);

      if (XJ_E_OK != e || ! taken)
        return e;
      if (tries > SEQ_PER_DAY)
        return XJ_E_ID_EXISTS;
      if (3 != sscanf (s->birth_date, "%d-%d-%d", &y, &m, &d))
        return XJ_E_INTERNAL;
      day = xj_days_from_civil (y, m, d);
      if (! next_id (g, &day, 1 == s->gender, s->id_no))
        return XJ_E_INTERNAL;
      xj_civil_from_days (day, &y, &m, &d);
      xj_snprintf (s->birth_date, sizeof s->birth_date, "%04d-%02d-%02d",
                   y, m, d);
      xj_registry_no_g (s->id_no, s->registry_no);
    }
}

static enum xj_err
batch_txn (struct xj_db *db, void *cls)
{
  struct batch *b = cls;
  struct gen *g = b->g;
  unsigned long c = b->cls0;
  struct xj_student s;

  /* A retried attempt must draw the same IDs. */
  memcpy (g->seqs, b->snap, sizeof *g->seqs * DAYS_SPAN * 2);
  b->done = 0;
  for (unsigned long i = b->from; i < b->to; i++)
    {
      enum xj_err e = draw_student (g, i, &c, &s);

      if (XJ_E_OK == e)
        e = free_number (db, g, &s);
      if (XJ_E_OK == e)
        e = xj_student_insert (db, &s, &gen_actor, "gen", g->at);
      if (XJ_E_OK != e)
        return e;
      b->done++;
    }
  return XJ_E_OK;
}

/* The rows of one batch through the bulk appends (COPY on PostgreSQL,
   docs/db.md): the same rows as batch_txn's xj_student_insert -- the
   record, its guardian IDs, its "gen" event -- without three statement
   round trips per student.  Only for a county no record is numbered in
   yet (xj_student_county_numbered): a clash, which batch_txn answers by
   taking the next number, cannot happen, and a COPY could not say which
   row clashed. */
static enum xj_err
batch_bulk_rows (struct batch *b, struct xj_db_bulk *rows,
                 struct xj_identity_sink *k)
{
  struct gen *g = b->g;
  unsigned long c = b->cls0;
  struct xj_student s;
  struct xj_buf data;
  enum xj_err e = XJ_E_OK;

  xj_buf_init (&data, 0);
  for (unsigned long i = b->from; i < b->to && XJ_E_OK == e; i++)
    {
      e = draw_student (g, i, &c, &s);
      if (XJ_E_OK != e)
        break;
      xj_student_pack (&s, &data);
      s.province = xj_county_province (g->county.code);
      e = xj_istore_student_insert (rows, &s, data.data, data.len,
                                    &gen_actor, g->at);
      if (XJ_E_OK == e)
        e = xj_identity_sink_gids (k, &s);
      if (XJ_E_OK == e)
        b->ids[b->done++] = s.id;
    }
  xj_buf_fini (&data);
  return e;
}

static enum xj_err
batch_bulk_txn (struct xj_db *db, void *cls)
{
  struct batch *b = cls;
  struct xj_db_bulk *rows;
  struct xj_identity_sink k = { 0 };
  enum xj_err e, e2;

  memcpy (b->g->seqs, b->snap, sizeof *b->g->seqs * DAYS_SPAN * 2);
  b->done = 0;
  /* students first: the bulks flush in the order they began */
  rows = xj_istore_bulk_begin (db);
  xj_db_bulk_expect (rows, b->to - b->from);   /* ids 1..N, no gaps */
  xj_identity_sink_begin (db, &k);
  e = batch_bulk_rows (b, rows, &k);
  e2 = xj_istore_bulk_end (rows);
  if (XJ_E_OK == e)
    e = e2;
  e2 = xj_identity_sink_end (&k);
  if (XJ_E_OK == e)
    e = e2;
  if (XJ_E_OK == e)
    e = xj_istore_events (db, &gen_actor, "gen", b->g->at, b->ids, b->done);
  return e;
}

/* ---- driver ---- */

/* The county, its places and the school year: what both xj_gen_run and
   the single-record source (xj_gen_src) need before drawing students. */
static enum xj_err
plan_county (struct gen *g)
{
  enum xj_err e;
  int y, m, d;

  e = xj_region_get (g->db, g->o->county, &g->county);
  if (XJ_E_NOT_FOUND == e || (XJ_E_OK == e && 3 != g->county.level))
    return XJ_E_REGION;
  if (XJ_E_OK != e)
    return e;
  if (XJ_E_OK != (e = xj_region_get (g->db, g->county.parent, &g->city))
      || XJ_E_OK != (e = xj_region_get (g->db, g->city.parent,
                                        &g->province)))
    return XJ_E_NOT_FOUND == e ? XJ_E_REGION : e;
  xj_snprintf (g->place, sizeof g->place, "%s%s%s", g->province.name,
               (0 == strcmp (g->city.name, "市辖区")
                || 0 == strcmp (g->city.name, "县")
                || NULL != strstr (g->city.name, "直辖"))
                 ? "" : g->city.name,
               g->county.name);
  if (XJ_E_OK != (e = xj_region_children (g->db, g->county.code, town_cb, g))
      || XJ_E_OK != (e = xj_region_children (g->db, g->city.code,
                                             sibling_cb, g)))
    return e;
  if (0 == g->ntowns)
    {
      /* A county without township rows: one unnamed seat. */
      xj_strlcpy (g->towns[0].name, "城关镇", sizeof g->towns[0].name);
      g->ntowns = 1;
    }
  g->seat = find_seat (g);
  make_postcode (g);
  {
    /* Provinces with Yao and Zhuang communities. */
    static const char *const south[] = { "43", "44", "45", "46", "52", "53",
                                         NULL };

    for (int i = 0; south[i]; i++)
      if (0 == strncmp (g->county.code, south[i], 2))
        g->minorities_south = true;
  }
  if (NULL != strstr (g->county.name, "瑶族"))
    g->yao_share = 0.45, g->zhuang_share = 0.02;
  else if (NULL != strstr (g->county.name, "壮族"))
    g->yao_share = 0.15, g->zhuang_share = 0.35;
  else if (g->minorities_south)
    g->yao_share = 0.03, g->zhuang_share = 0.015;
  else
    g->yao_share = 0, g->zhuang_share = 0;
  g->uy_share = 0 == strncmp (g->county.code, "65", 2) ? 0.35 : 0.002;

  xj_today (&y, &m, &d);
  g->today = y * 10000 + m * 100 + d;
  /* The setup transaction fixes the year; plan with the same rule. */
  g->start_year = xj_valid_school_year (g->today);
  g->day0 = xj_days_from_civil (g->start_year - 30, 1, 1);
  return XJ_E_OK;
}

static enum xj_err
plan (struct gen *g)
{
  struct rng r;
  enum xj_err e = plan_county (g);

  if (XJ_E_OK != e)
    return e;
  rng_init (&r, g->o->seed, 1);
  plan_schools (g, &r);
  plan_classes (g, &r);
  return XJ_E_OK;
}

struct gen_audit {
  const struct xj_gen_opts *o;
  const struct xj_gen_result *r;
};

static enum xj_err
audit_txn (struct xj_db *db, void *cls)
{
  struct gen_audit *ga = cls;
  struct xj_actor a = { 0, "cli", "cli" };
  char after[256];

  xj_snprintf (after, sizeof after,
               "{\"county\":\"%s\",\"seed\":%llu,\"schools\":%u,"
               "\"classes\":%lu,\"students\":%lu}",
               ga->o->county, (unsigned long long) ga->o->seed,
               ga->r->schools, ga->r->classes, ga->r->students);
  return xj_audit_append (db, &a, "gen", "county", ga->o->county, NULL,
                          after);
}

enum xj_err
xj_gen_run (struct xj_db *db, const struct xj_gen_opts *o,
            struct xj_gen_result *res)
{
  struct gen *g = xj_calloc (1, sizeof *g);
  struct xj_gen_result local;
  struct xj_gen_result *r = res ? res : &local;
  struct batch b;
  int64_t t0 = xj_mono_ms ();
  int64_t t1;
  enum xj_err e;
  unsigned long c = 0;
  bool numbered = true;

  memset (r, 0, sizeof *r);
  memset (&b, 0, sizeof b);
  g->db = db;
  g->o = o;
  if (NULL == o->county || 0 == o->schools || o->schools > MAX_SCHOOLS)
    {
      e = NULL == o->county ? XJ_E_REGION : XJ_E_RANGE;
      goto out;
    }
  if (XJ_E_OK != (e = plan (g)))
    goto out;
  xj_now_iso (g->at);
  g->seqs = xj_calloc ((size_t) DAYS_SPAN * 2, sizeof *g->seqs);
  b.snap = xj_calloc ((size_t) DAYS_SPAN * 2, sizeof *b.snap);
  e = xj_db_txn_run (db, "gen_setup", true, setup_txn, g);
  if (XJ_E_OK != e)
    goto out;
  r->schools = g->nschools;
  r->classes = g->nclasses;
  r->start_year = g->start_year;
  t1 = xj_mono_ms ();
  b.g = g;
  e = xj_student_county_numbered (db, g->county.code, &numbered);
  if (XJ_E_OK != e)
    goto out;
  if (! numbered)
    b.ids = xj_calloc (BATCH, sizeof *b.ids);
  for (unsigned long from = 0; from < o->students; from += BATCH)
    {
      b.from = from;
      b.to = from + BATCH < o->students ? from + BATCH : o->students;
      while (c + 1 < g->nclasses && from >= g->classes[c].first
                                             + g->classes[c].count)
        c++;
      b.cls0 = c;
      memcpy (b.snap, g->seqs, sizeof *g->seqs * DAYS_SPAN * 2);
      e = xj_db_txn_run (db, "gen_students", true,
                         b.ids ? batch_bulk_txn : batch_txn, &b);
      if (XJ_E_OK != e)
        goto out;
      r->students += b.done;
      if (o->progress)
        o->progress (o->cls, r->students, o->students);
    }
  if (xj_mono_ms () > t1)
    r->students_per_s = (double) r->students * 1000.0
                        / (double) (xj_mono_ms () - t1);
out:
  /* the run is one write of the operator's: audit what it stored */
  if (r->schools || r->students)
    {
      struct gen_audit ga = { o, r };
      enum xj_err ea = xj_db_txn_run (db, "gen_audit", true, &audit_txn, &ga);

      if (XJ_E_OK == e)
        e = ea;
    }
  r->ms = xj_mono_ms () - t0;
  free (b.ids);
  free (b.snap);
  free (g->seqs);
  free (g->schools);
  free (g->classes);
  free (g);
  return e;
}

/* ---- single records for schools already stored (gen_file.c) ---- */

struct xj_gen_src {
  struct gen g;
  struct xj_gen_opts o;
  char county[8];
  struct pschool school;  /* g.schools points here (one school) */
  struct pclass pc;
};

enum xj_err
xj_gen_src_new (struct xj_db *db, const char *county, uint64_t seed,
                struct xj_gen_src **out)
{
  struct xj_gen_src *src = xj_calloc (1, sizeof *src);
  enum xj_err e;

  *out = NULL;
  xj_strlcpy (src->county, county, sizeof src->county);
  src->o.county = src->county;
  src->o.seed = seed;
  src->o.schools = 1;
  src->g.db = db;
  src->g.o = &src->o;
  e = plan_county (&src->g);
  if (XJ_E_OK != e)
    {
      free (src);
      return e;
    }
  src->g.seqs = xj_calloc ((size_t) DAYS_SPAN * 2, sizeof *src->g.seqs);
  src->g.schools = &src->school;
  src->g.nschools = 1;
  *out = src;
  return XJ_E_OK;
}

void
xj_gen_src_free (struct xj_gen_src *src)
{
  if (NULL == src)
    return;
  free (src->g.seqs);
  free (src);
}

int
xj_gen_src_year (const struct xj_gen_src *src)
{
  return src->g.start_year;
}

enum xj_err
xj_gen_src_student (struct xj_gen_src *src, unsigned long i,
                    const char *township_code, int urban_rural,
                    const char *grade, unsigned pos, struct xj_student *s)
{
  struct gen *g = &src->g;
  unsigned town = g->seat;

  for (unsigned t = 0; township_code && t < g->ntowns; t++)
    if (0 == strcmp (g->towns[t].code, township_code))
      town = t;
  memset (&src->school, 0, sizeof src->school);
  src->school.town = town;
  src->school.s.urban_rural = urban_rural >= 1 && urban_rural <= 3
                                ? urban_rural : 3;
  memset (&src->pc, 0, sizeof src->pc);
  xj_strlcpy (src->pc.grade, grade, sizeof src->pc.grade);
  return make_student (g, i, &src->pc, pos, s);
}

bool
xj_gen_src_next_id (struct xj_gen_src *src, struct xj_student *s)
{
  long day;
  int y, m, d;

  if (3 != sscanf (s->birth_date, "%d-%d-%d", &y, &m, &d))
    return false;
  day = xj_days_from_civil (y, m, d);
  if (! next_id (&src->g, &day, 1 == s->gender, s->id_no))
    return false;
  xj_civil_from_days (day, &y, &m, &d);
  xj_snprintf (s->birth_date, sizeof s->birth_date, "%04d-%02d-%02d", y, m,
               d);
  xj_registry_no_g (s->id_no, s->registry_no);
  return true;
}
