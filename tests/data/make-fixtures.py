#!/usr/bin/python3
"""make-fixtures.py -- regenerate the import fixtures in tests/data/.

Run from this directory: /usr/bin/python3 make-fixtures.py
Text files are written byte for byte; the hostile XLSX packages are built
with zipfile (the good XLSX files are made at test time by libxlsxwriter).
"""
import io, zipfile

HDR = "姓名,性别,身份证号,出生日期\n"
ROWS = "张三,男,11010519491231002X,1949-12-31\n李四,女,440306201803150027,2018-03-15\n"

def w(name, data):
    with open(name, "wb") as f:
        f.write(data)

w("csv_utf8.csv", (HDR + ROWS).encode())
w("csv_utf8_bom.csv", b"\xef\xbb\xbf" + (HDR + ROWS).replace("\n", "\r\n").encode())
w("csv_gb18030.csv", (HDR + ROWS).replace("\n", "\r\n").encode("gb18030"))
w("csv_gb18030_bom.csv", b"\x84\x31\x95\x33" + (HDR + ROWS).encode("gb18030"))
rare = HDR + "𠮷野家,男,110105194912310029,1949-12-31\n"
w("csv_rare_utf8.csv", rare.encode())
w("csv_rare_gb18030.csv", rare.encode("gb18030"))
w("csv_quoted.csv",
  b'name,note\r\n"Wang, Wu","He said ""hi"""\r\n"multi\nline",x\r\n'
  b'plain,"a\r\nb"\r\n\r\nlast,\r\n\r\n\r\n')
w("csv_cr.csv", b"a,b\r1,2\r3,4\r")
w("csv_tab.csv", "姓名\t学号\n王五\t001\n".encode())
w("csv_empty.csv", b"")
w("csv_header_only.csv", HDR.encode())
w("csv_unclosed.csv", b'a,b\n1,2\n3,"never closed\n4,5\n6,7\n')
w("csv_utf16.csv", "a,b\n".encode("utf-16"))

# ---- XLSX packages ----
CT = b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>'
WB = b'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
RELS = b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
SST = '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="3" uniqueCount="3"><si><t>姓名</t></si><si><r><t>张</t></r><r><rPr><b/></rPr><t>三</t></r><rPh><t>ZS</t></rPh></si><si><t>a_x000D_b</t></si></sst>'.encode()
NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
def sheet(rows):
    return (b'<?xml version="1.0" encoding="UTF-8"?><worksheet ' + NS +
            b'><sheetData>' + rows + b'</sheetData></worksheet>')
GOOD_ROWS = (b'<row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="inlineStr"><is><t>x</t></is></c></row>'
             b'<row r="3"><c r="A3" t="s"><v>1</v></c><c r="B3"><v>4.41823201501011E+17</v></c><c r="C3" t="s"><v>2</v></c></row>')

def pkg(name, sheet_xml, sst=SST, method=zipfile.ZIP_DEFLATED, extra=None):
    with zipfile.ZipFile(name, "w", method) as z:
        z.writestr("[Content_Types].xml", CT)
        z.writestr("xl/workbook.xml", WB)
        z.writestr("xl/_rels/workbook.xml.rels", RELS)
        if sst is not None:
            z.writestr("xl/sharedStrings.xml", sst)
        if sheet_xml is not None:
            z.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        for k, v in (extra or {}).items():
            z.writestr(k, v)

pkg("xlsx_minimal.xlsx", sheet(GOOD_ROWS))
pkg("xlsx_malformed.xlsx", sheet(b'<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A2"><v>2</c></row>'))
pkg("xlsx_sst_oob.xlsx", sheet(b'<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2"><v>7</v></c><c r="B2" t="s"><v>99</v></c></row>'))
laughs = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
          + b''.join(b'<!ENTITY lol%d "%s">' % (i, (b'&lol%d;' % (i - 1) if i > 1 else b'&lol;') * 10) for i in range(1, 10))
          + b']><worksheet ' + NS + b'><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>')
pkg("xlsx_laughs.xlsx", laughs)
pkg("xlsx_laughs_sst.xlsx", sheet(GOOD_ROWS), sst=laughs)

# Zip bomb: 1 GiB of zeros in sheet1.xml, bzip2 (a few KB).
with zipfile.ZipFile("xlsx_bomb.xlsx", "w", zipfile.ZIP_BZIP2) as z:
    z.writestr("[Content_Types].xml", CT)
    z.writestr("xl/workbook.xml", WB)
    z.writestr("xl/_rels/workbook.xml.rels", RELS)
    with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
        zeros = bytes(1 << 20)
        for _ in range(1024):
            f.write(zeros)

# Lying header: 8 MiB of XML whitespace declared as 1000 bytes.
body = sheet(b'<row r="1"><c r="A1"><v>1</v></c></row>' + b' ' * (8 << 20))
buf = io.BytesIO()
with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("[Content_Types].xml", CT)
    z.writestr("xl/workbook.xml", WB)
    z.writestr("xl/_rels/workbook.xml.rels", RELS)
    z.writestr("xl/worksheets/sheet1.xml", body)
data = bytearray(buf.getvalue())
real = len(body).to_bytes(4, "little")
fake = (1000).to_bytes(4, "little")
n = 0
i = data.find(real)
while i >= 0:
    data[i:i + 4] = fake
    n += 1
    i = data.find(real, i + 4)
assert n == 2, n   # local header and central directory
w("xlsx_lying_size.xlsx", bytes(data))
