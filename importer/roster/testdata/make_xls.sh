#!/bin/sh
# make_xls.sh rewrites the .xls (Excel 97-2003, BIFF8) fixtures; CI has no
# office software, so the files are committed. Run it from the repository
# root on a machine with /usr/bin/python3 (xlsxwriter), LibreOffice and
# gnumeric:
#
#	sh importer/roster/testdata/make_xls.sh
#
# make_xls.py writes two .xlsx sources (1900 and 1904 date systems); each is
# saved as .xls by LibreOffice (soffice --convert-to xls) and by gnumeric
# (ssconvert), the two programs that write BIFF8 here:
#   biff8_formats_{libreoffice,gnumeric}.xls, biff8_1904_{libreoffice,gnumeric}.xls
# and truncated_biff8.xls is the first half of the LibreOffice one;
# large_sheet_libreoffice.xls has 1200 rows, more than one read-ahead batch.
# LibreOffice turns numbers under "TRUE";"TRUE";"FALSE" into boolean cells;
# gnumeric keeps them as numbers with the format.
set -eu
dir=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

/usr/bin/python3 "$dir/make_xls.py" "$tmp"
mkdir -p "$tmp/profile" "$tmp/lo"
for src in biff8_formats biff8_1904; do
	soffice -env:UserInstallation="file://$tmp/profile" --headless \
		--convert-to xls --outdir "$tmp/lo" "$tmp/$src.xlsx" >/dev/null
	cp "$tmp/lo/$src.xls" "$dir/${src}_libreoffice.xls"
	ssconvert "$tmp/$src.xlsx" "$dir/${src}_gnumeric.xls" 2>"$tmp/ssconvert.log" || {
		cat "$tmp/ssconvert.log" >&2
		exit 1
	}
done
# A sheet longer than the reader's read-ahead, as LibreOffice saves it.
soffice -env:UserInstallation="file://$tmp/profile" --headless \
	--convert-to xls --outdir "$tmp/lo" "$tmp/large_sheet.xlsx" >/dev/null
cp "$tmp/lo/large_sheet.xls" "$dir/large_sheet_libreoffice.xls"
size=$(wc -c <"$dir/biff8_formats_libreoffice.xls")
head -c $((size / 2)) "$dir/biff8_formats_libreoffice.xls" >"$dir/truncated_biff8.xls"
chmod 644 "$dir"/*.xls
