/* codes.c -- the code sets of the student record (docs/domain.md §4):
 * GB/T 2261.1 gender, GB/T 3304 ethnicity (+97/98), a practical subset
 * of GB/T 2659 countries, the national template's ID types, 港澳台侨外,
 * GB/T 4762 political status, health, enrolment codes, flags, grades,
 * statuses and school stages.
 *
 * Pure static data plus lookups; nothing here allocates or keeps state,
 * so every function is thread-safe.  A code set never changes meaning
 * once released: add codes, do not renumber.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "validate/codes.h"

/* 性别, GB/T 2261.1 */
static const struct xj_code gender[] = {
  { "1", "男", "Male" },
  { "2", "女", "Female" },
  { NULL, NULL, NULL },
};

/* 民族, GB/T 3304-1991 order, plus 97/98 as decided in domain.md. */
static const struct xj_code ethnicity[] = {
  { "01", "汉族", "Han" },
  { "02", "蒙古族", "Mongol" },
  { "03", "回族", "Hui" },
  { "04", "藏族", "Tibetan" },
  { "05", "维吾尔族", "Uyghur" },
  { "06", "苗族", "Miao" },
  { "07", "彝族", "Yi" },
  { "08", "壮族", "Zhuang" },
  { "09", "布依族", "Buyei" },
  { "10", "朝鲜族", "Korean" },
  { "11", "满族", "Manchu" },
  { "12", "侗族", "Dong" },
  { "13", "瑶族", "Yao" },
  { "14", "白族", "Bai" },
  { "15", "土家族", "Tujia" },
  { "16", "哈尼族", "Hani" },
  { "17", "哈萨克族", "Kazakh" },
  { "18", "傣族", "Dai" },
  { "19", "黎族", "Li" },
  { "20", "傈僳族", "Lisu" },
  { "21", "佤族", "Va" },
  { "22", "畲族", "She" },
  { "23", "高山族", "Gaoshan" },
  { "24", "拉祜族", "Lahu" },
  { "25", "水族", "Sui" },
  { "26", "东乡族", "Dongxiang" },
  { "27", "纳西族", "Naxi" },
  { "28", "景颇族", "Jingpo" },
  { "29", "柯尔克孜族", "Kyrgyz" },
  { "30", "土族", "Monguor" },
  { "31", "达斡尔族", "Daur" },
  { "32", "仫佬族", "Mulao" },
  { "33", "羌族", "Qiang" },
  { "34", "布朗族", "Blang" },
  { "35", "撒拉族", "Salar" },
  { "36", "毛南族", "Maonan" },
  { "37", "仡佬族", "Gelao" },
  { "38", "锡伯族", "Xibe" },
  { "39", "阿昌族", "Achang" },
  { "40", "普米族", "Pumi" },
  { "41", "塔吉克族", "Tajik" },
  { "42", "怒族", "Nu" },
  { "43", "乌孜别克族", "Uzbek" },
  { "44", "俄罗斯族", "Russian" },
  { "45", "鄂温克族", "Evenki" },
  { "46", "德昂族", "De'ang" },
  { "47", "保安族", "Bonan" },
  { "48", "裕固族", "Yugur" },
  { "49", "京族", "Gin" },
  { "50", "塔塔尔族", "Tatar" },
  { "51", "独龙族", "Derung" },
  { "52", "鄂伦春族", "Oroqen" },
  { "53", "赫哲族", "Hezhen" },
  { "54", "门巴族", "Monba" },
  { "55", "珞巴族", "Lhoba" },
  { "56", "基诺族", "Jino" },
  { "97", "其他", "Other" },
  { "98", "外国血统中国籍人士", "Chinese citizen of foreign origin" },
  { NULL, NULL, NULL },
};

/* 国籍/地区, GB/T 2659 alpha-3: the countries a school in China is
   likely to meet.  Extend freely; codes are ISO 3166-1 alpha-3. */
static const struct xj_code nationality[] = {
  { "CHN", "中国", "China" },
  { "HKG", "中国香港", "Hong Kong, China" },
  { "MAC", "中国澳门", "Macao, China" },
  { "TWN", "中国台湾", "Taiwan, China" },
  { "USA", "美国", "United States" },
  { "CAN", "加拿大", "Canada" },
  { "MEX", "墨西哥", "Mexico" },
  { "BRA", "巴西", "Brazil" },
  { "ARG", "阿根廷", "Argentina" },
  { "CHL", "智利", "Chile" },
  { "PER", "秘鲁", "Peru" },
  { "GBR", "英国", "United Kingdom" },
  { "IRL", "爱尔兰", "Ireland" },
  { "FRA", "法国", "France" },
  { "DEU", "德国", "Germany" },
  { "ITA", "意大利", "Italy" },
  { "ESP", "西班牙", "Spain" },
  { "PRT", "葡萄牙", "Portugal" },
  { "NLD", "荷兰", "Netherlands" },
  { "BEL", "比利时", "Belgium" },
  { "CHE", "瑞士", "Switzerland" },
  { "AUT", "奥地利", "Austria" },
  { "SWE", "瑞典", "Sweden" },
  { "NOR", "挪威", "Norway" },
  { "DNK", "丹麦", "Denmark" },
  { "FIN", "芬兰", "Finland" },
  { "POL", "波兰", "Poland" },
  { "CZE", "捷克", "Czechia" },
  { "HUN", "匈牙利", "Hungary" },
  { "GRC", "希腊", "Greece" },
  { "UKR", "乌克兰", "Ukraine" },
  { "BLR", "白俄罗斯", "Belarus" },
  { "RUS", "俄罗斯", "Russia" },
  { "TUR", "土耳其", "Türkiye" },
  { "ISR", "以色列", "Israel" },
  { "IRN", "伊朗", "Iran" },
  { "SAU", "沙特阿拉伯", "Saudi Arabia" },
  { "ARE", "阿联酋", "United Arab Emirates" },
  { "EGY", "埃及", "Egypt" },
  { "ZAF", "南非", "South Africa" },
  { "NGA", "尼日利亚", "Nigeria" },
  { "KEN", "肯尼亚", "Kenya" },
  { "ETH", "埃塞俄比亚", "Ethiopia" },
  { "AUS", "澳大利亚", "Australia" },
  { "NZL", "新西兰", "New Zealand" },
  { "JPN", "日本", "Japan" },
  { "KOR", "韩国", "Republic of Korea" },
  { "PRK", "朝鲜", "DPR Korea" },
  { "MNG", "蒙古", "Mongolia" },
  { "SGP", "新加坡", "Singapore" },
  { "MYS", "马来西亚", "Malaysia" },
  { "THA", "泰国", "Thailand" },
  { "VNM", "越南", "Viet Nam" },
  { "LAO", "老挝", "Lao PDR" },
  { "MMR", "缅甸", "Myanmar" },
  { "KHM", "柬埔寨", "Cambodia" },
  { "PHL", "菲律宾", "Philippines" },
  { "IDN", "印度尼西亚", "Indonesia" },
  { "BRN", "文莱", "Brunei" },
  { "IND", "印度", "India" },
  { "PAK", "巴基斯坦", "Pakistan" },
  { "BGD", "孟加拉国", "Bangladesh" },
  { "LKA", "斯里兰卡", "Sri Lanka" },
  { "NPL", "尼泊尔", "Nepal" },
  { "BTN", "不丹", "Bhutan" },
  { "AFG", "阿富汗", "Afghanistan" },
  { "KAZ", "哈萨克斯坦", "Kazakhstan" },
  { "KGZ", "吉尔吉斯斯坦", "Kyrgyzstan" },
  { "TJK", "塔吉克斯坦", "Tajikistan" },
  { "UZB", "乌兹别克斯坦", "Uzbekistan" },
  { "TKM", "土库曼斯坦", "Turkmenistan" },
  { NULL, NULL, NULL },
};

/* 身份证件类型 of the national template; B 户口簿 is used for young
   children without an ID card in some provinces. */
static const struct xj_code id_type[] = {
  { "1", "居民身份证", "Resident identity card" },
  { "6", "香港特区护照/身份证明", "HKSAR passport / identity document" },
  { "7", "澳门特区护照/身份证明", "MSAR passport / identity document" },
  { "8", "台湾居民来往大陆通行证", "Mainland travel permit for Taiwan residents" },
  { "9", "境外永久居住证", "Foreigner's permanent residence card" },
  { "A", "护照", "Passport" },
  { "B", "户口簿", "Household register booklet" },
  { "Z", "其他", "Other" },
  { NULL, NULL, NULL },
};

/* 港澳台侨外 */
static const struct xj_code hk_mo_tw[] = {
  { "00", "否", "No" },
  { "01", "香港同胞", "Hong Kong compatriot" },
  { "02", "香港同胞亲属", "Relative of a Hong Kong compatriot" },
  { "03", "澳门同胞", "Macao compatriot" },
  { "04", "澳门同胞亲属", "Relative of a Macao compatriot" },
  { "05", "台湾同胞", "Taiwan compatriot" },
  { "06", "台湾同胞亲属", "Relative of a Taiwan compatriot" },
  { "11", "华侨", "Overseas Chinese" },
  { "12", "侨眷", "Relative of overseas Chinese" },
  { "13", "归侨", "Returned overseas Chinese" },
  { "14", "归侨子女", "Child of returned overseas Chinese" },
  { "21", "归国留学人员", "Returned student from abroad" },
  { "31", "非华裔中国人", "Chinese citizen of non-Chinese origin" },
  { "41", "外籍华裔人", "Foreign national of Chinese origin" },
  { "51", "外国人", "Foreign national" },
  { "99", "其他", "Other" },
  { NULL, NULL, NULL },
};

/* 政治面貌, GB/T 4762 (pupils are normally 13 群众 or 03 共青团员). */
static const struct xj_code political[] = {
  { "01", "中共党员", "CPC member" },
  { "02", "中共预备党员", "CPC probationary member" },
  { "03", "共青团员", "CYLC member" },
  { "04", "民革党员", "RCCK member" },
  { "05", "民盟盟员", "CDL member" },
  { "06", "民建会员", "CNDCA member" },
  { "07", "民进会员", "CAPD member" },
  { "08", "农工党党员", "CPWDP member" },
  { "09", "致公党党员", "CZGP member" },
  { "10", "九三学社社员", "Jiusan Society member" },
  { "11", "台盟盟员", "TDSL member" },
  { "12", "无党派人士", "Non-party personage" },
  { "13", "群众", "Ordinary citizen" },
  { NULL, NULL, NULL },
};

/* 健康状况 */
static const struct xj_code health[] = {
  { "10", "健康或良好", "Healthy or good" },
  { "20", "一般或较弱", "Fair or weak" },
  { "30", "有慢性病", "Chronic illness" },
  { "40", "有生理缺陷", "Physical defect" },
  { "50", "残疾", "Disabled" },
  { NULL, NULL, NULL },
};

/* 户口性质 */
static const struct xj_code hukou_type[] = {
  { "1", "农业户口", "Agricultural hukou" },
  { "2", "非农业户口", "Non-agricultural hukou" },
  { NULL, NULL, NULL },
};

/* 入学方式: 1x compulsory education, 2x/99 senior stage. */
static const struct xj_code enrol_mode[] = {
  { "11", "就近入学", "Nearby enrolment" },
  { "12", "其他(义务教育阶段)", "Other (compulsory education)" },
  { "21", "统一招生考试/普通入学", "Unified entrance examination" },
  { "22", "体育特招", "Sports special admission" },
  { "23", "艺术特招", "Arts special admission" },
  { "99", "其他(高中阶段)", "Other (senior stage)" },
  { NULL, NULL, NULL },
};

/* 就读方式 */
static const struct xj_code study_mode[] = {
  { "1", "走读", "Day student" },
  { "2", "住校", "Boarder" },
  { NULL, NULL, NULL },
};

/* 学生来源 */
static const struct xj_code source[] = {
  { "1", "正常入学", "Regular enrolment" },
  { "2", "借读", "Temporary attendance (借读)" },
  { "9", "其他", "Other" },
  { NULL, NULL, NULL },
};

/* 是否留守儿童 (some systems use 1/2/3 for the same values; we use 0/1/2) */
static const struct xj_code left_behind[] = {
  { "0", "非留守儿童", "Not left behind" },
  { "1", "单亲留守儿童", "Left behind by one parent" },
  { "2", "双亲留守儿童", "Left behind by both parents" },
  { NULL, NULL, NULL },
};

/* Every yes/no field of the template. */
static const struct xj_code flag[] = {
  { "0", "否", "No" },
  { "1", "是", "Yes" },
  { NULL, NULL, NULL },
};

/* 随班就读 */
static const struct xj_code inclusive[] = {
  { "0", "非随班就读", "Not in inclusive education" },
  { "1", "视力残疾随班就读", "Inclusive: visual disability" },
  { "2", "听力残疾随班就读", "Inclusive: hearing disability" },
  { "3", "智力残疾随班就读", "Inclusive: intellectual disability" },
  { "4", "其他残疾随班就读", "Inclusive: other disability" },
  { NULL, NULL, NULL },
};

/* 残疾类型 */
static const struct xj_code disability[] = {
  { "0", "无残疾", "None" },
  { "1", "视力残疾", "Visual" },
  { "2", "听力残疾", "Hearing" },
  { "3", "言语残疾", "Speech" },
  { "4", "肢体残疾", "Physical" },
  { "5", "智力残疾", "Intellectual" },
  { "6", "精神残疾", "Mental" },
  { "7", "多重残疾", "Multiple" },
  { "8", "其他残疾", "Other" },
  { NULL, NULL, NULL },
};

/* 上下学方式; "other" is 9 as decided in domain.md. */
static const struct xj_code transport[] = {
  { "1", "步行", "On foot" },
  { "2", "自行车(含摩托车、电动自行车)", "Bicycle, motorcycle or e-bike" },
  { "3", "公共交通(含城市公交、农村客运、地铁)", "Public transport" },
  { "4", "家长自行接送", "Taken by parents" },
  { "5", "校车", "School bus" },
  { "9", "其他", "Other" },
  { NULL, NULL, NULL },
};

/* 家庭成员关系 */
static const struct xj_code relation[] = {
  { "1", "父亲", "Father" },
  { "2", "母亲", "Mother" },
  { "3", "祖父母或外祖父母", "Grandparent" },
  { "4", "兄弟姐妹", "Sibling" },
  { "9", "其他", "Other" },
  { NULL, NULL, NULL },
};

/* 学籍状态; the code is the English word stored in the database. */
static const struct xj_code status[] = {
  { "enrolled", "在读", "Enrolled" },
  { "suspended", "休学", "Suspended" },
  { "graduated", "毕业", "Graduated" },
  { "completed", "结业", "Completed without graduating" },
  { "incomplete", "肄业", "Left before completion" },
  { "withdrawn", "退学", "Withdrawn" },
  { "expelled", "开除", "Expelled" },
  { "deceased", "死亡", "Deceased" },
  { "abroad", "出国(境)", "Gone abroad" },
  { "left", "其他离校", "Left (tracked as possible dropout)" },
  { "cancelled", "注销", "Cancelled (created in error)" },
  { NULL, NULL, NULL },
};

/* 年级: first digit the stage (1 primary, 2 junior, 3 senior,
   4 vocational), second the year within it.  24 exists for the
   five-four system (初四). */
static const struct xj_code grade[] = {
  { "11", "一年级", "Primary 1" },
  { "12", "二年级", "Primary 2" },
  { "13", "三年级", "Primary 3" },
  { "14", "四年级", "Primary 4" },
  { "15", "五年级", "Primary 5" },
  { "16", "六年级", "Primary 6" },
  { "21", "初一", "Junior 1" },
  { "22", "初二", "Junior 2" },
  { "23", "初三", "Junior 3" },
  { "24", "初四", "Junior 4" },
  { "31", "高一", "Senior 1" },
  { "32", "高二", "Senior 2" },
  { "33", "高三", "Senior 3" },
  { "41", "中职一年级", "Vocational 1" },
  { "42", "中职二年级", "Vocational 2" },
  { "43", "中职三年级", "Vocational 3" },
  { NULL, NULL, NULL },
};

/* 学校类型 / 学段 */
static const struct xj_code stage[] = {
  { "primary", "小学", "Primary school" },
  { "junior", "初级中学", "Junior secondary school" },
  { "nine_year", "九年一贯制学校", "Nine-year school" },
  { "senior", "高级中学", "Senior secondary school" },
  { "complete_secondary", "完全中学", "Complete secondary school" },
  { "twelve_year", "十二年一贯制学校", "Twelve-year school" },
  { "vocational", "中等职业学校", "Secondary vocational school" },
  { NULL, NULL, NULL },
};

/* 城乡分类 of the school's location (statistics). */
static const struct xj_code urban_rural[] = {
  { "1", "城区", "Urban" },
  { "2", "镇区", "Town" },
  { "3", "乡村", "Rural" },
  { NULL, NULL, NULL },
};

const struct xj_codeset xj_codesets[] = {
  { "gender", gender },
  { "ethnicity", ethnicity },
  { "nationality", nationality },
  { "id_type", id_type },
  { "hk_mo_tw", hk_mo_tw },
  { "political", political },
  { "health", health },
  { "hukou_type", hukou_type },
  { "enrol_mode", enrol_mode },
  { "study_mode", study_mode },
  { "source", source },
  { "left_behind", left_behind },
  { "flag", flag },
  { "inclusive", inclusive },
  { "disability", disability },
  { "transport", transport },
  { "relation", relation },
  { "status", status },
  { "grade", grade },
  { "stage", stage },
  { "urban_rural", urban_rural },
  { NULL, NULL },
};

/* Set names and codes are a few ASCII characters: an inline compare is
   cheaper than a call to strcmp for each one tried. */
static bool
same (const char *a, const char *b)
{
  while (*a && *a == *b)
    a++, b++;
  return *a == *b;
}

const struct xj_codeset *
xj_codeset (const char *name)
{
  /* Per-thread cache keyed by the name's address (callers pass the
     field table's literals), confirmed by comparing the names (the
     address may since hold another one): the linear scan was a visible
     share of an import's validation (docs/internals/import.md). */
  static _Thread_local struct {
    const char *name;
    const struct xj_codeset *cs;
  } cache[64];
  size_t slot;

  if (NULL == name)
    return NULL;
  slot = ((uintptr_t) name >> 3) & 63;
  if (cache[slot].name == name && same (cache[slot].cs->name, name))
    return cache[slot].cs;
  for (const struct xj_codeset *cs = xj_codesets; NULL != cs->name; cs++)
    if (cs->name[0] == name[0] && same (cs->name, name))
      {
        cache[slot].name = name;
        cache[slot].cs = cs;
        return cs;
      }
  return NULL;
}

/* Linear search: the largest set has about 70 entries and lookups run
   once per field per record, so a hash would buy nothing measurable. */
const struct xj_code *
xj_codeset_find (const struct xj_codeset *cs, const char *code)
{
  if (NULL == cs || NULL == code)
    return NULL;
  for (const struct xj_code *c = cs->codes; NULL != c->code; c++)
    if (c->code[0] == code[0] && same (c->code, code))
      return c;
  return NULL;
}

static const struct xj_code *
find (const char *set, const char *code)
{
  return xj_codeset_find (xj_codeset (set), code);
}

const char *
xj_code_zh (const char *set, const char *code)
{
  const struct xj_code *c = find (set, code);

  return c ? c->zh : NULL;
}

const char *
xj_code_en (const char *set, const char *code)
{
  const struct xj_code *c = find (set, code);

  return c ? c->en : NULL;
}

bool
xj_code_valid (const char *set, const char *code)
{
  return NULL != find (set, code);
}
