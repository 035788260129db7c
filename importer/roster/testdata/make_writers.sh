#!/bin/sh
# make_writers.sh rewrites the fixtures that writers other than excelize
# made; CI has no office software, so the files are committed. Run it from
# the repository root on a machine with /usr/bin/python3 (xlsxwriter,
# openpyxl), LibreOffice and gnumeric:
#
#	sh importer/roster/testdata/make_writers.sh
#
# It writes, each file named after its quirk and its writer:
#   padded_cardno_{xlsxwriter,openpyxl,libreoffice,gnumeric}.xlsx
#     numbers shown through zero-padding and literal number formats
#     (000000, "VIP"0000, 00000#, \A0000, 0000-0000, sections with ;)
#     beside #,##0, 0 and General numbers;
#   formula_errors_{xlsxwriter,libreoffice,gnumeric}.xlsx
#     formulas whose results are errors (#N/A, #REF!, #DIV/0!…), in
#     required and optional columns;
#   formula_errors.csv
#     the same as CSV text, with LibreOffice's Err:502;
#   lost_digits_{xlsxwriter,libreoffice,gnumeric}.xlsx
#     card numbers of 16 and 19 digits and ID numbers of 18 typed into
#     number cells, beyond the 15 digits Excel keeps.
# The LibreOffice and gnumeric files are the xlsxwriter ones opened,
# recalculated and saved again by those programs, so each carries that
# writer's own styles.xml and cell XML. go test -update does not touch them.
set -eu
dir=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

/usr/bin/python3 "$dir/make_writers.py" "$tmp"

# A throwaway LibreOffice profile that recalculates .xlsx formulas on load
# (the default keeps the cached results).
mkdir -p "$tmp/profile/user" "$tmp/lo"
cat >"$tmp/profile/user/registrymodifications.xcu" <<'XCU'
<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
XCU

for quirk in padded_cardno formula_errors lost_digits; do
	src="$tmp/${quirk}_xlsxwriter.xlsx"
	soffice -env:UserInstallation="file://$tmp/profile" --headless \
		--convert-to xlsx:"Calc MS Excel 2007 XML" --outdir "$tmp/lo" "$src" >/dev/null
	cp "$tmp/lo/${quirk}_xlsxwriter.xlsx" "$dir/${quirk}_libreoffice.xlsx"
	ssconvert --recalc "$src" "$dir/${quirk}_gnumeric.xlsx" 2>"$tmp/ssconvert.log" || {
		cat "$tmp/ssconvert.log" >&2
		exit 1
	}
	cp "$src" "$dir/"
done
cp "$tmp/padded_cardno_openpyxl.xlsx" "$tmp/formula_errors.csv" "$dir/"
chmod 644 "$dir"/padded_cardno_*.xlsx "$dir"/formula_errors_*.xlsx "$dir/formula_errors.csv" \
	"$dir"/lost_digits_*.xlsx
