"""Writes the .xlsx fixtures of make_writers.sh with xlsxwriter and openpyxl.

    /usr/bin/python3 importer/roster/testdata/make_writers.py OUTDIR

make_writers.sh calls it, then round-trips the xlsxwriter workbooks through
LibreOffice and gnumeric. Each workbook has the columns target mb requires
(卡号 密码 卡内编码 姓名 手机 性别) with valid values, so that
`cardimport validate` accepts its good rows.
"""

import datetime
import os
import sys

import openpyxl
import xlsxwriter

OUT = sys.argv[1]
CREATED = datetime.datetime(2024, 1, 1)

HEADER = ["卡号", "密码", "卡内编码", "姓名", "手机", "性别", "备注", "积分", "余额"]

# (value, number format) is a number cell with that format; a str is a text
# cell; an int or float is a number cell in General; None is no cell.
PADDED = [
    [(10005, "000000"), "123456", (5, '"VIP"0000'), "西瓜", 13800138000, "男",
     "老会员", (1234, "#,##0"), (100.5, "000000")],
    [(42, "00000#"), "654321", (7, "\\A0000"), "张三", 13900139001, "女",
     (0, '000000;-000000;"无"'), 200, None],
    [(123, '"NO"000000'), (1234, "0000#"), (12345, "0000-0000"), "李四", 13700137002, "男",
     (-42, "000000;(000000)"), (5, "0"), None],
    [(10008, "000000;-000000"), "222222", (9, "0000"), "王五", 13600136003, "女",
     (7, '"第"0"号"'), None, None],
]


def padded_xlsxwriter(path):
    wb = xlsxwriter.Workbook(path)
    wb.set_properties({"created": CREATED})
    ws = wb.add_worksheet("会员")
    formats = {}
    ws.write_row(0, 0, HEADER)
    for r, row in enumerate(PADDED, 1):
        for c, v in enumerate(row):
            if v is None:
                continue
            if isinstance(v, tuple):
                if v[1] not in formats:
                    formats[v[1]] = wb.add_format({"num_format": v[1]})
                ws.write_number(r, c, v[0], formats[v[1]])
            elif isinstance(v, str):
                ws.write_string(r, c, v)
            else:
                ws.write_number(r, c, v)
    wb.close()


def padded_openpyxl(path):
    wb = openpyxl.Workbook()
    wb.properties.created = CREATED
    wb.properties.modified = CREATED
    ws = wb.active
    ws.title = "会员"
    ws.append(HEADER)
    for r, row in enumerate(PADDED, 2):
        for c, v in enumerate(row, 1):
            if v is None:
                continue
            if isinstance(v, tuple):
                cell = ws.cell(row=r, column=c, value=v[0])
                cell.number_format = v[1]
            else:
                ws.cell(row=r, column=c, value=v)
    wb.save(path)


# Formula cells: (formula, cached result). xlsxwriter writes a cached error
# as t="e"; LibreOffice and gnumeric recalculate them (make_writers.sh).
ERRORS_HEADER = ["卡号", "密码", "卡内编码", "姓名", "手机", "性别", "备注"]
ERRORS = [
    ["0100101", "123456", "109", "西瓜", "13800138000", "男", "老会员"],
    ["0100102", "654321", "110", "张三", "13900139001", "女", ("=NA()", "#N/A")],
    ["0100103", "111111", "111", ("=#REF!", "#REF!"), "13700137002", "男", None],
    [("=1/0", "#DIV/0!"), "222222", "112", "王五", "13600136003", "女", ('=VALUE("x")', "#VALUE!")],
    ["0100105", "333333", "113", "赵六", "13500135004", "男", ("=SQRT(-1)", "#NUM!")],
    ["0100106", "444444", "114", "钱七", "13400134005", "女", ("=NOSUCHFN()", "#NAME?")],
    ["0100107", "555555", "115", "孙八", "13300133006", "男", ("=A1:A2 B1:B2", "#NULL!")],
    # A formula whose text result reads like an error.
    ["0100108", "666666", "116", "周九", "13200132007", "女", ('=IFERROR(1/0,"#N/A")', "#N/A")],
    # A formula a program wrote with a syntax error: each writer makes
    # something else of it (gnumeric: an error cell #"SUM(").
    ["0100109", "777777", "117", "吴十", "13100131008", "男", ("=SUM(", "#NAME?")],
    ["0100110", "888888", "118", "郑一", "13000130009", "女", "#N/A 待补"],
]


def errors_xlsxwriter(path):
    wb = xlsxwriter.Workbook(path)
    wb.set_properties({"created": CREATED})
    ws = wb.add_worksheet("会员")
    ws.write_row(0, 0, ERRORS_HEADER)
    for r, row in enumerate(ERRORS, 1):
        for c, v in enumerate(row):
            if v is None:
                continue
            if isinstance(v, tuple):
                ws.write_formula(r, c, v[0], None, v[1])
            else:
                ws.write_string(r, c, v)
    wb.close()


def errors_csv(path):
    rows = [ERRORS_HEADER,
            ["0100101", "123456", "109", "西瓜", "13800138000", "男", "老会员"],
            ["0100102", "654321", "110", "张三", "13900139001", "女", "#N/A"],
            ["0100103", "111111", "111", "#REF!", "13700137002", "男", ""],
            ["#DIV/0!", "222222", "112", "王五", "13600136003", "女", ""],
            ["0100105", "333333", "113", "赵六", "13500135004", "男", " #VALUE! "],
            # LibreOffice shows its own errors as Err:NNN, and saves them so
            # in CSV.
            ["0100106", "444444", "114", "钱七", "13400134005", "女", "Err:502"],
            ["0100107", "555555", "115", "孙八", "13300133006", "男", '"#NAME?"'],
            ["0100108", "666666", "116", "周九", "13200132007", "女", "#N/A 待补"],
            ["0100109", "777777", "117", "吴十", "13100131008", "男", "#SPILL!"]]
    with open(path, "w", encoding="utf-8", newline="") as f:
        for row in rows:
            f.write(",".join(row) + "\r\n")


# Identifiers typed into number cells, longer than the 15 digits Excel
# keeps: card numbers of 16 and 19 digits, ID numbers of 18. The first ID
# rounded to 15 digits (110105197305275000) still passes the check digit.
LOST_HEADER = ["卡号", "密码", "卡内编码", "姓名", "手机", "性别", "身份证号", "余额"]
LOST = [
    [6222000012345678, "123456", "201", "西瓜", "13800138000", "女", 110105197305275262, "10.00"],
    [6222000012345678901, "654321", "202", "张三", "13900139001", "男", "11010519491231002X", "20.00"],
    ["0100103", "111111", "203", "李四", "13700137002", "男", 510107196011085650, "30.00"],
    ["0100104", "222222", "204", "王五", "13600136003", "女", "", "40.00"],
]


def lost_xlsxwriter(path):
    wb = xlsxwriter.Workbook(path)
    wb.set_properties({"created": CREATED})
    ws = wb.add_worksheet("会员")
    ws.write_row(0, 0, LOST_HEADER)
    for r, row in enumerate(LOST, 1):
        for c, v in enumerate(row):
            if isinstance(v, int):
                ws.write_number(r, c, float(v))
            elif v:
                ws.write_string(r, c, v)
    wb.close()


padded_xlsxwriter(os.path.join(OUT, "padded_cardno_xlsxwriter.xlsx"))
padded_openpyxl(os.path.join(OUT, "padded_cardno_openpyxl.xlsx"))
errors_xlsxwriter(os.path.join(OUT, "formula_errors_xlsxwriter.xlsx"))
errors_csv(os.path.join(OUT, "formula_errors.csv"))
lost_xlsxwriter(os.path.join(OUT, "lost_digits_xlsxwriter.xlsx"))
