#!/usr/bin/env python3
"""Writes the hand-made seed corpus of every fuzz target into fuzz/corpus/<target>/.
Run it again after changing a seed here; inputs the fuzzer found (regressions) are kept
beside these under their own names and never overwritten. Usage: python3 fuzz/seeds.py"""
import io, os, zipfile

HERE = os.path.dirname(os.path.abspath(__file__))


def put(target, name, data):
    d = os.path.join(HERE, 'corpus', target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode('utf-8')
    with open(os.path.join(d, name), 'wb') as f:
        f.write(data)


def idcard(first17):
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    s = sum(int(c) * k for c, k in zip(first17, w)) % 11
    return first17 + '10X98765432'[s]


def uscc(first17):
    alpha = '0123456789ABCDEFGHJKLMNPQRTUWXY'
    w = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    s = sum(alpha.index(c) * k for c, k in zip(first17, w)) % 31
    return first17 + alpha[(31 - s) % 31]


# ---- fuzz_json: request bodies
J = {
    'login': '{"username":"alice","password":"Shegong-Test-2026"}',
    'nested-40': '{"a":' + '[' * 40 + ']' * 40 + '}',
    'nested-10000': '{"a":' + '[' * 10000 + ']' * 10000 + '}',
    'duplicate-key': '{"a":1,"a":2}',
    'nul-escape': '{"a":"x\\u0000y"}',
    'lone-surrogate': '{"a":"\\ud800"}',
    'surrogate-pair': '{"a":"\\ud83d\\ude00 \\u4e2d"}',
    'real-overflow': '{"a":1e999}',
    'int-overflow': '{"a":99999999999999999999,"b":-9223372036854775809}',
    'top-array': '[{"a":1}]',
    'empty': '',
    'ws-only': ' \r\n\t',
    'bom': '\ufeff{"a":1}',
    'unterminated': '{"a":"',
    'brackets-in-string': '{"a":"[[[[{{{{","b":"\\\\\\""}',
}
for k, v in J.items():
    put('fuzz_json', k, v)
put('fuzz_json', 'invalid-utf8', b'{"a":"\xff\xfe"}')
put('fuzz_json', 'overlong-quote', b'{\xc0\xa2:1}')
put('fuzz_json', 'raw-nul', b'{"a":"x\x00y"}')

# ---- fuzz_router: method byte, mode byte (1 test mode, 2 decode), path
R = [
    (0, 0, '/api/v1/unit'), (1, 0, '/api/v1/unit'), (2, 0, '/api/v1/unit/1'),
    (3, 0, '/api/v1/unit/1'), (5, 0, '/healthz'), (0, 2, '/api/v1/unit/%2e%2e/x'),
    (0, 2, '/%2e%2e/%2e%2e/etc/passwd'), (0, 0, '/../etc/passwd'),
    (0, 2, '/index.html%00.png'), (0, 2, '/%c0%ae%c0%ae/%c0%af'), (0, 0, '//api//v1//unit'),
    (0, 0, '/api/v1/region/110000000000'), (1, 0, '/api/v1/auth/login'),
    (1, 1, '/api/v1/test/clock'), (1, 0, '/api/v1/test/clock'), (0, 2, '/api/v1/unit/%31%32'),
    (6, 0, '/api/v1/unit/1/'), (9, 0, '/a\\b/./c'), (0, 2, '/%e4%b8%ad%e6%96%87'),
    (0, 0, '/api/v1/unit/' + '9' * 300),
]
for i, (m, mode, path) in enumerate(R):
    put('fuzz_router', 'path-%02d' % i, bytes([m, mode]) + path.encode())

# ---- fuzz_validate: identifiers
V = {
    'idcard': idcard('11010519491231002'),
    'idcard-lower-x': idcard('11010519800101001').lower(),
    'idcard-15': '110105491231002',
    'idcard-future': idcard('11010520991231002'),
    'idcard-feb29': idcard('11010520000229002'),
    'uscc': uscc('91110108MA01ABCDE'),
    'uscc-social': uscc('51110000500000000'),
    'uscc-lower': uscc('91110108MA01ABCDE').lower(),
    'mobile': '+86 138-0013-8000',
    'mobile-0086': '0086 13800138000',
    'landline': '010-12345678-123',
    'landline-3': '(0755) 8765 4321',
    'region': '110105000000',
    'region-bad-nest': '110005001000',
    'fullwidth': '１３８００１３８０００',
    'emoji': '😀138\u3000',
    'long-digits': '1' * 200,
}
for k, v in V.items():
    put('fuzz_validate', k, v)
put('fuzz_validate', 'invalid-utf8', b'\xc0\xae1380013800\xff')

# ---- fuzz_search: texts
S = {
    'han': '北京市朝阳区供暖问题',
    'mixed': 'ABC123 ＡＢＣ１２３ 社区 a',
    'fts-syntax': '" OR 1 NEAR( "x" * AND NOT -y ^z',
    'tsquery-syntax': "a' & b:* | !c <-> (d)",
    'ext-b': '𠀀𠀁𪜀〇',
    'emoji': '😀😀供😀暖',
    'latin-long': 'a' * 300,
    'latin1': 'Ÿ Ärger straße ĳ',
    'single': '水',
}
for k, v in S.items():
    put('fuzz_search', k, v)
put('fuzz_search', 'invalid-utf8', b'\xe4\xb8 \xff\xfe\xed\xa0\x80 abc \x00 \xe4\xb8\xad')

# ---- fuzz_csv: import files
C = {
    'people': '\ufeff姓名,身份证号,电话\r\n张三,' + idcard('11010519491231002') + ',13800138000\r\n',
    'quotes': 'a,"b,""c""",d\n"multi\nline",,\n',
    'formula': "=1+1,+2,-3,@x,'=kept\r\n",
    'cr-only': 'a,b\rc,d\r',
    'empty-lines': '\n\n\n',
    'bad-quote': 'a"b,c\n',
    'after-quote': '"a"b,c\n',
    'unterminated': '"abc\n',
    'many-cols': ','.join(['x'] * 40) + '\n',
}
for k, v in C.items():
    put('fuzz_csv', k, v)
put('fuzz_csv', 'invalid-utf8', b'a,\xff\xfe\n')
put('fuzz_csv', 'nul', b'a,b\x00c\n')
put('fuzz_csv', 'big-field', b'x' * 1100 + b'\n')


# ---- fuzz_xlsx: workbooks
def xlsx(sheet, shared=None, extra=None):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, 'w', zipfile.ZIP_DEFLATED) as z:
        z.writestr('[Content_Types].xml', '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        z.writestr('xl/workbook.xml', '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets><sheet name="S" sheetId="1" r:id="rId1" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"/></sheets></workbook>')
        z.writestr('xl/_rels/workbook.xml.rels', '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
        if shared is not None:
            z.writestr('xl/sharedStrings.xml', shared)
        z.writestr('xl/worksheets/sheet1.xml', sheet)
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return buf.getvalue()


NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
SST = '<?xml version="1.0"?><sst %s><si><t>姓名</t></si><si><r><t>张</t></r><r><t>三</t></r></si></sst>' % NS
put('fuzz_xlsx', 'basic', xlsx(
    '<?xml version="1.0"?><worksheet %s><sheetData>'
    '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="inlineStr"><is><t>电话</t></is></c></row>'
    '<row r="3"><c r="A3" t="s"><v>1</v></c><c r="B3"><v>12.5</v></c><c r="C3" t="b"><v>1</v></c>'
    '<c r="D3" t="e"><v>#DIV/0!</v></c><c r="E3" t="str"><f>A1</f><v>x</v></c><c r="F3" t="d"><v>2026-01-01</v></c></row>'
    '</sheetData></worksheet>' % NS, SST))
put('fuzz_xlsx', 'doctype', xlsx(
    '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
    '<worksheet %s><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&b;</t></is></c></row></sheetData></worksheet>' % NS))
put('fuzz_xlsx', 'bad-ref', xlsx(
    '<?xml version="1.0"?><worksheet %s><sheetData><row r="1"><c r="1A" t="s"><v>99</v></c>'
    '<c r="XFE1"><v>1</v></c></row><row r="0"/></sheetData></worksheet>' % NS, SST))
put('fuzz_xlsx', 'inflate-bomb', xlsx(
    '<?xml version="1.0"?><worksheet %s><sheetData>' % NS + '<row/>' * 400000 + '</sheetData></worksheet>'))
put('fuzz_xlsx', 'not-zip', b'PK\x03\x04' + b'\x00' * 60)

# ---- fuzz_values: field byte, then the value as JSON text (or raw text)
VALS = [
    '"张三"', '"line\\nbreak"', '12.5', '1e999', '99999999999999999999', '-9223372036854775808',
    '"12.345"', 'true', '"2024-02-29"', '"2023-02-29"', '"2024-02-29T12:00:00+08:00"',
    '"2024-02-29T12:00:00.123Z"', '["a","b","a"]', '["a\\"b"]', '{"lng":116.4,"lat":39.9}',
    '{"lng":1e308,"lat":0}', '"' + idcard('11010519491231002') + '"', '"+86 138 0013 8000"',
    '"' + uscc('91110108MA01ABCDE') + '"', 'null', '""', '"\\ud800"', '[]', '{}', 'not json',
]
for i, v in enumerate(VALS):
    put('fuzz_values', 'value-%02d' % i, bytes([(i * 7) % 256]) + v.encode())

# ---- fuzz_query: entity byte, permission byte, query string
Q = [
    'page=2&size=10&sort=-created_at', 'q=%E5%8C%97%E4%BA%AC+%E4%BE%9B%E6%9A%96&region=110105000000',
    'name=a,b,c&created_at_from=2024-01-01T00:00:00Z', 'after=123_456&sort=created_at',
    'deleted=1', '%00=x&x=%ff', 'state=a,b', 'sort=id;DROP', 'sort=-name,id,+created_at',
    'q=%22+OR+1+NEAR(', 'page=99999999999999999999&size=-1', 'region=11&region=110105000000',
    '&'.join('f%d=1' % i for i in range(45)), 'after=1&sort=id', 'q=' + 'a' * 1001,
    'kind=other&kind_from=1', 'id_number=' + idcard('11010519491231002'), 'phone=13800138000',
]
for i, v in enumerate(Q):
    put('fuzz_query', 'qs-%02d' % i, bytes([i % 7, i % 8]) + v.encode())
