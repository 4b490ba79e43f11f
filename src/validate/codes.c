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

/* 国籍/地区, GB/T 2659 (ISO 3166-1 alpha-3): every entry of the list
   with its Chinese short name; China and its three regions first (the
   pickers show them on top), the rest in English alphabetical order as
   the standard lists them. */
static const struct xj_code nationality[] = {
  { "CHN", "中国", "China" },
  { "HKG", "中国香港", "Hong Kong, China" },
  { "MAC", "中国澳门", "Macao, China" },
  { "TWN", "中国台湾", "Taiwan, China" },
  { "AFG", "阿富汗", "Afghanistan" },
  { "ALA", "奥兰群岛", "Åland Islands" },
  { "ALB", "阿尔巴尼亚", "Albania" },
  { "DZA", "阿尔及利亚", "Algeria" },
  { "ASM", "美属萨摩亚", "American Samoa" },
  { "AND", "安道尔", "Andorra" },
  { "AGO", "安哥拉", "Angola" },
  { "AIA", "安圭拉", "Anguilla" },
  { "ATA", "南极洲", "Antarctica" },
  { "ATG", "安提瓜和巴布达", "Antigua and Barbuda" },
  { "ARG", "阿根廷", "Argentina" },
  { "ARM", "亚美尼亚", "Armenia" },
  { "ABW", "阿鲁巴", "Aruba" },
  { "AUS", "澳大利亚", "Australia" },
  { "AUT", "奥地利", "Austria" },
  { "AZE", "阿塞拜疆", "Azerbaijan" },
  { "BHS", "巴哈马", "Bahamas" },
  { "BHR", "巴林", "Bahrain" },
  { "BGD", "孟加拉国", "Bangladesh" },
  { "BRB", "巴巴多斯", "Barbados" },
  { "BLR", "白俄罗斯", "Belarus" },
  { "BEL", "比利时", "Belgium" },
  { "BLZ", "伯利兹", "Belize" },
  { "BEN", "贝宁", "Benin" },
  { "BMU", "百慕大", "Bermuda" },
  { "BTN", "不丹", "Bhutan" },
  { "BOL", "玻利维亚", "Bolivia" },
  { "BES", "荷兰加勒比区", "Bonaire, Sint Eustatius and Saba" },
  { "BIH", "波斯尼亚和黑塞哥维那", "Bosnia and Herzegovina" },
  { "BWA", "博茨瓦纳", "Botswana" },
  { "BVT", "布韦岛", "Bouvet Island" },
  { "BRA", "巴西", "Brazil" },
  { "IOT", "英属印度洋领地", "British Indian Ocean Territory" },
  { "BRN", "文莱", "Brunei Darussalam" },
  { "BGR", "保加利亚", "Bulgaria" },
  { "BFA", "布基纳法索", "Burkina Faso" },
  { "BDI", "布隆迪", "Burundi" },
  { "CPV", "佛得角", "Cabo Verde" },
  { "KHM", "柬埔寨", "Cambodia" },
  { "CMR", "喀麦隆", "Cameroon" },
  { "CAN", "加拿大", "Canada" },
  { "CYM", "开曼群岛", "Cayman Islands" },
  { "CAF", "中非", "Central African Republic" },
  { "TCD", "乍得", "Chad" },
  { "CHL", "智利", "Chile" },
  { "CXR", "圣诞岛", "Christmas Island" },
  { "CCK", "科科斯（基林）群岛", "Cocos (Keeling) Islands" },
  { "COL", "哥伦比亚", "Colombia" },
  { "COM", "科摩罗", "Comoros" },
  { "COG", "刚果（布）", "Congo" },
  { "COD", "刚果（金）", "Congo, Democratic Republic of the" },
  { "COK", "库克群岛", "Cook Islands" },
  { "CRI", "哥斯达黎加", "Costa Rica" },
  { "CIV", "科特迪瓦", "Côte d'Ivoire" },
  { "HRV", "克罗地亚", "Croatia" },
  { "CUB", "古巴", "Cuba" },
  { "CUW", "库拉索", "Curaçao" },
  { "CYP", "塞浦路斯", "Cyprus" },
  { "CZE", "捷克", "Czechia" },
  { "DNK", "丹麦", "Denmark" },
  { "DJI", "吉布提", "Djibouti" },
  { "DMA", "多米尼克", "Dominica" },
  { "DOM", "多米尼加", "Dominican Republic" },
  { "ECU", "厄瓜多尔", "Ecuador" },
  { "EGY", "埃及", "Egypt" },
  { "SLV", "萨尔瓦多", "El Salvador" },
  { "GNQ", "赤道几内亚", "Equatorial Guinea" },
  { "ERI", "厄立特里亚", "Eritrea" },
  { "EST", "爱沙尼亚", "Estonia" },
  { "SWZ", "斯威士兰", "Eswatini" },
  { "ETH", "埃塞俄比亚", "Ethiopia" },
  { "FLK", "福克兰群岛（马尔维纳斯）", "Falkland Islands (Malvinas)" },
  { "FRO", "法罗群岛", "Faroe Islands" },
  { "FJI", "斐济", "Fiji" },
  { "FIN", "芬兰", "Finland" },
  { "FRA", "法国", "France" },
  { "GUF", "法属圭亚那", "French Guiana" },
  { "PYF", "法属波利尼西亚", "French Polynesia" },
  { "ATF", "法属南部领地", "French Southern Territories" },
  { "GAB", "加蓬", "Gabon" },
  { "GMB", "冈比亚", "Gambia" },
  { "GEO", "格鲁吉亚", "Georgia" },
  { "DEU", "德国", "Germany" },
  { "GHA", "加纳", "Ghana" },
  { "GIB", "直布罗陀", "Gibraltar" },
  { "GRC", "希腊", "Greece" },
  { "GRL", "格陵兰", "Greenland" },
  { "GRD", "格林纳达", "Grenada" },
  { "GLP", "瓜德罗普", "Guadeloupe" },
  { "GUM", "关岛", "Guam" },
  { "GTM", "危地马拉", "Guatemala" },
  { "GGY", "根西", "Guernsey" },
  { "GIN", "几内亚", "Guinea" },
  { "GNB", "几内亚比绍", "Guinea-Bissau" },
  { "GUY", "圭亚那", "Guyana" },
  { "HTI", "海地", "Haiti" },
  { "HMD", "赫德岛和麦克唐纳群岛", "Heard Island and McDonald Islands" },
  { "VAT", "梵蒂冈", "Holy See" },
  { "HND", "洪都拉斯", "Honduras" },
  { "HUN", "匈牙利", "Hungary" },
  { "ISL", "冰岛", "Iceland" },
  { "IND", "印度", "India" },
  { "IDN", "印度尼西亚", "Indonesia" },
  { "IRN", "伊朗", "Iran" },
  { "IRQ", "伊拉克", "Iraq" },
  { "IRL", "爱尔兰", "Ireland" },
  { "IMN", "马恩岛", "Isle of Man" },
  { "ISR", "以色列", "Israel" },
  { "ITA", "意大利", "Italy" },
  { "JAM", "牙买加", "Jamaica" },
  { "JPN", "日本", "Japan" },
  { "JEY", "泽西", "Jersey" },
  { "JOR", "约旦", "Jordan" },
  { "KAZ", "哈萨克斯坦", "Kazakhstan" },
  { "KEN", "肯尼亚", "Kenya" },
  { "KIR", "基里巴斯", "Kiribati" },
  { "PRK", "朝鲜", "Korea, Democratic People's Republic of" },
  { "KOR", "韩国", "Korea, Republic of" },
  { "KWT", "科威特", "Kuwait" },
  { "KGZ", "吉尔吉斯斯坦", "Kyrgyzstan" },
  { "LAO", "老挝", "Lao People's Democratic Republic" },
  { "LVA", "拉脱维亚", "Latvia" },
  { "LBN", "黎巴嫩", "Lebanon" },
  { "LSO", "莱索托", "Lesotho" },
  { "LBR", "利比里亚", "Liberia" },
  { "LBY", "利比亚", "Libya" },
  { "LIE", "列支敦士登", "Liechtenstein" },
  { "LTU", "立陶宛", "Lithuania" },
  { "LUX", "卢森堡", "Luxembourg" },
  { "MDG", "马达加斯加", "Madagascar" },
  { "MWI", "马拉维", "Malawi" },
  { "MYS", "马来西亚", "Malaysia" },
  { "MDV", "马尔代夫", "Maldives" },
  { "MLI", "马里", "Mali" },
  { "MLT", "马耳他", "Malta" },
  { "MHL", "马绍尔群岛", "Marshall Islands" },
  { "MTQ", "马提尼克", "Martinique" },
  { "MRT", "毛里塔尼亚", "Mauritania" },
  { "MUS", "毛里求斯", "Mauritius" },
  { "MYT", "马约特", "Mayotte" },
  { "MEX", "墨西哥", "Mexico" },
  { "FSM", "密克罗尼西亚联邦", "Micronesia, Federated States of" },
  { "MDA", "摩尔多瓦", "Moldova" },
  { "MCO", "摩纳哥", "Monaco" },
  { "MNG", "蒙古", "Mongolia" },
  { "MNE", "黑山", "Montenegro" },
  { "MSR", "蒙特塞拉特", "Montserrat" },
  { "MAR", "摩洛哥", "Morocco" },
  { "MOZ", "莫桑比克", "Mozambique" },
  { "MMR", "缅甸", "Myanmar" },
  { "NAM", "纳米比亚", "Namibia" },
  { "NRU", "瑙鲁", "Nauru" },
  { "NPL", "尼泊尔", "Nepal" },
  { "NLD", "荷兰", "Netherlands" },
  { "NCL", "新喀里多尼亚", "New Caledonia" },
  { "NZL", "新西兰", "New Zealand" },
  { "NIC", "尼加拉瓜", "Nicaragua" },
  { "NER", "尼日尔", "Niger" },
  { "NGA", "尼日利亚", "Nigeria" },
  { "NIU", "纽埃", "Niue" },
  { "NFK", "诺福克岛", "Norfolk Island" },
  { "MKD", "北马其顿", "North Macedonia" },
  { "MNP", "北马里亚纳群岛", "Northern Mariana Islands" },
  { "NOR", "挪威", "Norway" },
  { "OMN", "阿曼", "Oman" },
  { "PAK", "巴基斯坦", "Pakistan" },
  { "PLW", "帕劳", "Palau" },
  { "PSE", "巴勒斯坦", "Palestine, State of" },
  { "PAN", "巴拿马", "Panama" },
  { "PNG", "巴布亚新几内亚", "Papua New Guinea" },
  { "PRY", "巴拉圭", "Paraguay" },
  { "PER", "秘鲁", "Peru" },
  { "PHL", "菲律宾", "Philippines" },
  { "PCN", "皮特凯恩群岛", "Pitcairn" },
  { "POL", "波兰", "Poland" },
  { "PRT", "葡萄牙", "Portugal" },
  { "PRI", "波多黎各", "Puerto Rico" },
  { "QAT", "卡塔尔", "Qatar" },
  { "REU", "留尼汪", "Réunion" },
  { "ROU", "罗马尼亚", "Romania" },
  { "RUS", "俄罗斯", "Russian Federation" },
  { "RWA", "卢旺达", "Rwanda" },
  { "BLM", "圣巴泰勒米", "Saint Barthélemy" },
  { "SHN", "圣赫勒拿、阿森松和特里斯坦-达库尼亚", "Saint Helena, Ascension and Tristan da Cunha" },
  { "KNA", "圣基茨和尼维斯", "Saint Kitts and Nevis" },
  { "LCA", "圣卢西亚", "Saint Lucia" },
  { "MAF", "法属圣马丁", "Saint Martin (French part)" },
  { "SPM", "圣皮埃尔和密克隆", "Saint Pierre and Miquelon" },
  { "VCT", "圣文森特和格林纳丁斯", "Saint Vincent and the Grenadines" },
  { "WSM", "萨摩亚", "Samoa" },
  { "SMR", "圣马力诺", "San Marino" },
  { "STP", "圣多美和普林西比", "Sao Tome and Principe" },
  { "SAU", "沙特阿拉伯", "Saudi Arabia" },
  { "SEN", "塞内加尔", "Senegal" },
  { "SRB", "塞尔维亚", "Serbia" },
  { "SYC", "塞舌尔", "Seychelles" },
  { "SLE", "塞拉利昂", "Sierra Leone" },
  { "SGP", "新加坡", "Singapore" },
  { "SXM", "荷属圣马丁", "Sint Maarten (Dutch part)" },
  { "SVK", "斯洛伐克", "Slovakia" },
  { "SVN", "斯洛文尼亚", "Slovenia" },
  { "SLB", "所罗门群岛", "Solomon Islands" },
  { "SOM", "索马里", "Somalia" },
  { "ZAF", "南非", "South Africa" },
  { "SGS", "南乔治亚和南桑威奇群岛", "South Georgia and the South Sandwich Islands" },
  { "SSD", "南苏丹", "South Sudan" },
  { "ESP", "西班牙", "Spain" },
  { "LKA", "斯里兰卡", "Sri Lanka" },
  { "SDN", "苏丹", "Sudan" },
  { "SUR", "苏里南", "Suriname" },
  { "SJM", "斯瓦尔巴和扬马延", "Svalbard and Jan Mayen" },
  { "SWE", "瑞典", "Sweden" },
  { "CHE", "瑞士", "Switzerland" },
  { "SYR", "叙利亚", "Syrian Arab Republic" },
  { "TJK", "塔吉克斯坦", "Tajikistan" },
  { "TZA", "坦桑尼亚", "Tanzania" },
  { "THA", "泰国", "Thailand" },
  { "TLS", "东帝汶", "Timor-Leste" },
  { "TGO", "多哥", "Togo" },
  { "TKL", "托克劳", "Tokelau" },
  { "TON", "汤加", "Tonga" },
  { "TTO", "特立尼达和多巴哥", "Trinidad and Tobago" },
  { "TUN", "突尼斯", "Tunisia" },
  { "TUR", "土耳其", "Türkiye" },
  { "TKM", "土库曼斯坦", "Turkmenistan" },
  { "TCA", "特克斯和凯科斯群岛", "Turks and Caicos Islands" },
  { "TUV", "图瓦卢", "Tuvalu" },
  { "UGA", "乌干达", "Uganda" },
  { "UKR", "乌克兰", "Ukraine" },
  { "ARE", "阿联酋", "United Arab Emirates" },
  { "GBR", "英国", "United Kingdom" },
  { "USA", "美国", "United States" },
  { "UMI", "美国本土外小岛屿", "United States Minor Outlying Islands" },
  { "URY", "乌拉圭", "Uruguay" },
  { "UZB", "乌兹别克斯坦", "Uzbekistan" },
  { "VUT", "瓦努阿图", "Vanuatu" },
  { "VEN", "委内瑞拉", "Venezuela" },
  { "VNM", "越南", "Viet Nam" },
  { "VGB", "英属维尔京群岛", "Virgin Islands (British)" },
  { "VIR", "美属维尔京群岛", "Virgin Islands (U.S.)" },
  { "WLF", "瓦利斯和富图纳", "Wallis and Futuna" },
  { "ESH", "西撒哈拉", "Western Sahara" },
  { "YEM", "也门", "Yemen" },
  { "ZMB", "赞比亚", "Zambia" },
  { "ZWE", "津巴布韦", "Zimbabwe" },
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
