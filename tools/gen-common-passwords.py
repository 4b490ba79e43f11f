#!/usr/bin/env python3
"""gen-common-passwords.py > src/user/common-passwords.txt

Writes the list of common passwords that the password policy refuses
(src/user/password.c embeds it at build time via tools/embed-words.sh).
Generated from patterns people are known to use, not downloaded:
keyboard walks, digit runs and repeats, years and dates, English and
pinyin words with the usual suffixes, 'password'/'admin' variants.
Only entries of at least 10 characters are kept: shorter ones are refused
by the length rule already.  Lower case; the check lower-cases the
password first.
"""

MIN = 10

rows = ["1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm"]
walks = [
    "qwertyuiop", "asdfghjkl;", "zxcvbnm,./", "1qaz2wsx3edc", "1qaz2wsx3edc4rfv",
    "qazwsxedcrfv", "qazwsxedc", "1q2w3e4r5t", "1q2w3e4r5t6y", "q1w2e3r4t5",
    "zaq12wsxcde3", "zaq1xsw2cde3", "!qaz2wsx", "!qaz@wsx#edc", "1qazxsw23edc",
    "qweasdzxc", "qweasdzxc123", "asdqwezxc", "poiuytrewq", "lkjhgfdsa",
    "mnbvcxz", "qwertyasdfgh", "qwerasdfzxcv", "asdfqwerzxcv", "1qaz@wsx",
    "abcdefghij", "abcdefghijk", "abcd1234", "a1b2c3d4e5", "abc123abc123",
    "qwe123qwe123", "asd123asd123", "zxc123zxc123", "aaaaaaaaaa", "abcabcabc",
    "1a2b3c4d5e", "qwertyui", "asdfghjk", "zxcvbnm123", "qwerty1234",
]
digits_runs = set()
for start in range(10):
    for length in range(MIN, 13):
        digits_runs.add("".join(str((start + i) % 10) for i in range(length)))
        digits_runs.add("".join(str((start - i) % 10) for i in range(length)))
for d in "0123456789":
    for length in range(MIN, 13):
        digits_runs.add(d * length)
for pat in ["12", "123", "1234", "12345", "123456", "520", "1314", "5201314",
            "666", "888", "168", "518", "147258369", "147258", "369258147",
            "159357", "741852963", "951753", "00", "11", "123123", "112233",
            "121212", "987654", "654321", "110", "119", "9527"]:
    s = pat
    while len(s) < 14:
        s += pat
        if len(s) >= MIN:
            digits_runs.add(s)
digits_runs |= {"5201314520", "5201314521", "1314520520", "13145201314",
                "147258369", "1472583690", "7418529630", "1597534682",
                "0987654321", "9876543210", "1234567890", "1122334455",
                "1111122222", "1234512345", "1234554321", "1357924680",
                "2468013579", "1029384756", "0123456789"}

words = [
    # English
    "password", "passw0rd", "p@ssword", "p@ssw0rd", "pass", "admin", "administrator",
    "root", "welcome", "letmein", "iloveyou", "qwerty", "monkey", "dragon",
    "master", "sunshine", "princess", "football", "baseball", "superman",
    "batman", "trustno1", "shadow", "michael", "jennifer", "computer",
    "internet", "freedom", "whatever", "starwars", "changeme", "secret",
    "default", "guest", "user", "test", "testing", "login", "hello",
    "helloworld", "abc", "china", "beijing", "shanghai", "guangzhou",
    "shenzhen", "school", "student", "teacher", "system", "manager",
    # pinyin and Chinese-internet favourites
    "woaini", "woaiwojia", "wodemima", "mima", "mimamima", "nihao", "nihaoma",
    "zhangwei", "wangwei", "wangfang", "liwei", "lina", "zhangmin", "liuyang",
    "wangjing", "zhangjing", "wanglei", "liqiang", "wangyong", "zhangyong",
    "chenjing", "yangyang", "xiaoming", "xiaohong", "xiaoli", "xiaowang",
    "laowang", "laoshi", "xuesheng", "xuexiao", "xueji", "jiaoyu", "jiaoyuju",
    "zhongguo", "aini", "woaini1314", "wojiushiwo", "tiantian", "kuaile",
    "xingfu", "pingan", "fuqi", "baobao", "baobei", "laogong", "laopo",
    "qinqin", "haha", "hehe", "hahaha", "aiqing", "yongyuan", "shengri",
    "jiayou", "fendou", "caonima", "wocao", "niubi", "zhu", "xiaozhu",
    "guangdong", "qingyuan", "yangshan", "yingde", "lianzhou",
]
suffixes = ["", "1", "12", "123", "1234", "12345", "123456", "1234567",
            "12345678", "123456789", "!", "!!", "@123", "#123", "123!", "1314",
            "520", "521", "5201314", "666", "888", "000", "111", "007", "2008",
            "@", ".", "_123", "01", "99", "88"]
years = [str(y) for y in range(1960, 2031)]
prefixes = ["", "a", "qq", "wo", "zz"]

out = set(rows) | set(walks) | digits_runs
for w in words:
    for s in suffixes:
        out.add(w + s)
    out.add(w + w)
    out.add(w + w + "123")
    for y in years:
        out.add(w + y)
        out.add(w + "@" + y)
    for p in prefixes:
        out.add(p + w + "123456")
for y in years:
    for md in ["0101", "0520", "1001", "1225", "0808", "0618", "1111"]:
        out.add(y + md + "00")
    out.add(y + y)
    out.add(y + "123456")
    out.add("abc" + y + "123")
for w in ["password", "admin", "qwerty", "woaini", "root"]:
    for s in ["@qq.com", "qq.com", "@163.com", "@126.com"]:
        out.add(w + s)
for x in sorted(out):
    x = x.lower()
    if len(x) >= MIN and x.isascii() and "\n" not in x:
        print(x)
