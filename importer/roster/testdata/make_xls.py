"""make_xls.py writes the sources of the .xls fixtures (make_xls.sh): the
same roster with the 1900 and the 1904 date systems, a hidden first sheet,
numbers under padding and literal formats (000000, "VIP"0000), under 0.00
and #,##0, a boolean format "TRUE";"TRUE";"FALSE" and a real boolean, date
cells, a negative number, CJK text (one character outside the BMP) and
text cells that look like numbers."""
import sys, datetime, xlsxwriter

def book(path, date1904):
    wb = xlsxwriter.Workbook(path, {'date_1904': date1904})
    note = wb.add_worksheet('说明')
    note.write(0, 0, '本表由系统导出')
    note.hide()
    ws = wb.add_worksheet('会员')
    ws.activate()
    pad = wb.add_format({'num_format': '000000'})
    vip = wb.add_format({'num_format': '"VIP"0000'})
    date = wb.add_format({'num_format': 'yyyy-mm-dd'})
    money = wb.add_format({'num_format': '0.00'})
    group = wb.add_format({'num_format': '#,##0'})
    boolfmt = wb.add_format({'num_format': '"TRUE";"TRUE";"FALSE"'})
    text = wb.add_format({'num_format': '@'})
    ws.write_row(0, 0, ['卡号', '姓名', '手机号', '生日', '余额', '积分', '备注', '会员来源', '卡内编码'])
    rows = [
        (10005, pad, '西瓜', 13800138000, datetime.date(1990, 2, 3), 100.5, 1200, 1, 'TRUE', 'A0007'),
        (42, vip, '张三', 13900139001, datetime.date(2000, 2, 29), 82.6, 0, 0, 'FALSE', '0108'),
        ('0100103', None, '𠀀李四·王', 15606132502, datetime.date(1900, 3, 1), -5, 5, 12, 'bool', '110'),
    ]
    for i, (card, cfmt, name, phone, birth, bal, pts, flag, kind, ext) in enumerate(rows, start=1):
        if cfmt is None:
            ws.write_string(i, 0, card, text)
        else:
            ws.write_number(i, 0, card, cfmt)
        ws.write_string(i, 1, name)
        ws.write_number(i, 2, phone)
        ws.write_datetime(i, 3, datetime.datetime.combine(birth, datetime.time()), date)
        ws.write_number(i, 4, bal, money)
        ws.write_number(i, 5, pts, group)
        if kind == 'bool':
            ws.write_boolean(i, 6, True)
        else:
            ws.write_number(i, 6, flag, boolfmt)
        ws.write_string(i, 7, '门店')
        ws.write_string(i, 8, ext, text)
    wb.close()

book(sys.argv[1] + '/biff8_formats.xlsx', False)
book(sys.argv[1] + '/biff8_1904.xlsx', True)


def large(path, rows):
    """A sheet whose records outlast the first read-ahead batch: the
    workbook's file must stay open while the rows are read."""
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet('会员')
    ws.write_row(0, 0, ['卡号', '密码', '卡内编码', '姓名', '手机', '性别', '余额'])
    for i in range(1, rows + 1):
        ws.write_row(i, 0, ['%08d' % (7000000 + i), '123456', 'K%05d' % i, '会员%d' % i, '139%08d' % i, '男' if i % 2 else '女'])
        ws.write_number(i, 6, i % 1000 + 0.5)
    wb.close()


large(sys.argv[1] + '/large_sheet.xlsx', 1200)
