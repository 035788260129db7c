package roster

import (
	"archive/zip"
	"errors"
	"io"
	"strconv"

	"github.com/cardimport/cardimport/validate/lang"
)

// What reading a workbook may cost: how far its parts may inflate and how
// many shared strings it may hold, relative to the file (SPEC §2: hostile
// input costs bounded memory and time).

// inflateLimit is how many bytes may be inflated from a workbook of size
// bytes: a real sheet compresses 5–20 times, a generated one up to ~100;
// a zip bomb 1000 times.
func inflateLimit(size int64) int64 { return inflateBase + 200*size }

// inflateBase is what any workbook may inflate to; a variable for the tests.
var inflateBase int64 = 256 << 20

// maxSharedStrings bounds the shared strings of a workbook of size bytes:
// each distinct string costs at least a byte or two once compressed.
func maxSharedStrings(size int64) int { return 1<<16 + int(2*size) }

// errInflated: the archive inflated past inflateLimit.
var errInflated = errors.New("inflated past the limit")

// budget counts the bytes inflated from one workbook.
type budget struct {
	left, limit int64
}

// budgetReader reads a zip entry against the workbook's budget.
type budgetReader struct {
	rc io.ReadCloser
	b  *budget
}

func (r budgetReader) Read(p []byte) (int, error) {
	n, err := r.rc.Read(p)
	r.b.left -= int64(n)
	if r.b.left < 0 {
		return n, errInflated
	}
	return n, err
}

func (r budgetReader) Close() error { return r.rc.Close() }

// openPart opens a zip entry for reading against the budget, refusing at
// once one whose header says it is larger than what is left.
func (b *budget) openPart(f *zip.File) (io.ReadCloser, error) {
	if f.UncompressedSize64 > uint64(b.left) {
		return nil, errInflated
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	return budgetReader{rc: rc, b: b}, nil
}

// What the .xlsx reader says, in English or Chinese.
var (
	msgZipBomb = lang.Msg("inflates to more than %s MB, %s times its own size of %s: it is damaged or a zip bomb, not a roster; "+
		"open it in Excel or WPS and save it again",
		"解压后超过 %s MB，是它本身大小 %[3]s 的 %[2]s 倍：文件已损坏或是\u201c压缩炸弹\u201d，不是名单；请用 Excel 或 WPS 打开后重新保存")
	msgNotZipXLSX = lang.Msg("is damaged or truncated (it is not a complete zip archive, as an .xlsx must be): copy it again, or open it in Excel or WPS and save it again",
		"已损坏或不完整（.xlsx 应是完整的 zip 压缩包，它不是）：请重新复制一份，或用 Excel 或 WPS 打开后重新保存")
	msgNoWorksheetPart = lang.Msg("sheet %s has no worksheet part: the workbook is damaged", "工作表 %s 没有内容部分：工作簿已损坏")
	msgStylesTooLarge  = lang.Msg("has a styles part (%s) of %s MB, more than the %s MB a workbook's cell formats take: "+
		"copy the roster's cells into a new workbook and save that, or save the roster as CSV",
		"的样式部分（%s）有 %s MB，超过了工作簿单元格格式正常所需的 %s MB：请把名单的单元格复制到新工作簿里保存，或把名单另存为 CSV")
	msgStylesUnreadable = lang.Msg("the workbook cannot be read: %v in its cell formats (%s); open it in Excel or WPS and save it again",
		"工作簿读不了：单元格格式（%[2]s）里 %[1]v；请用 Excel 或 WPS 打开后重新保存")
	msgSheetUnreadable = lang.Msg("sheet %s cannot be read: %v", "工作表 %s 读不了：%v")
	msgSSTUnreadable   = lang.Msg("the workbook's shared strings (%s) cannot be read: %v; open it in Excel or WPS and save it again",
		"工作簿的共享字符串（%s）读不了：%v；请用 Excel 或 WPS 打开后重新保存")
	msgNoSuchSheet   = lang.Msg("--sheet %s: the workbook has no such sheet; its sheets are: %s", "--sheet %s：工作簿里没有这个工作表；工作表有：%s")
	msgNotWorksheet  = lang.Msg("--sheet %s: it is a %s, not a worksheet; the sheets are: %s", "--sheet %s：它是 %s，不是工作表；工作表有：%s")
	msgHiddenNamed   = lang.Msg("sheet %s is hidden in Excel; reading it because --sheet names it", "工作表 %s 在 Excel 里是隐藏的；因为 --sheet 指定了它，照样读取")
	msgNoVisible     = lang.Msg("the workbook has no visible worksheet; name one with --sheet (the sheets are: %s)", "工作簿里没有可见的工作表；请用 --sheet 指定一个（工作表有：%s）")
	msgSkippedHidden = lang.Msg("skipped hidden sheet %s; reading sheet %s (use --sheet to choose)", "跳过了隐藏的工作表 %s；读取工作表 %s（可用 --sheet 选择）")
	msgOtherSheets   = lang.Msg("the workbook has other sheets (%s); reading only the first, %s (use --sheet to choose)", "工作簿里还有别的工作表（%s）；只读取第一个：%s（可用 --sheet 选择）")
	msgNumericColumn = lang.Msg("column %s is stored as numbers in Excel: leading zeros are already lost; format it as Text", "%s在 Excel 里存的是数字：开头的0已经丢了；请把这一列设为“文本”格式")
	msgNumericCells  = lang.Msg("column %s has cells stored as numbers in Excel: their leading zeros are already lost; format the column as Text", "%s有些单元格在 Excel 里存的是数字：开头的0已经丢了；请把这一列设为“文本”格式")
	msgNumericID     = lang.Msg("column %s is stored as numbers in Excel: an 18-digit ID number keeps only 15 digits; format it as Text and type the numbers again", "%s在 Excel 里存的是数字：18位身份证号只能留下15位；请把这一列设为“文本”格式，再重新输入号码")
	msgXMLDamaged    = lang.Msg("the sheet XML is damaged: %v; open the file in Excel or WPS and save it again", "工作表的 XML 已损坏：%v；请用 Excel 或 WPS 打开后重新保存")
	msgSheetDamaged  = lang.Msg("the sheet is damaged: %v; open the file in Excel or WPS and save it again", "工作表已损坏：%v；请用 Excel 或 WPS 打开后重新保存")
	msgTruncated     = lang.Msg("%v; copy it again, or open it in Excel or WPS and save it again", "%v；请重新复制一份，或用 Excel 或 WPS 打开后重新保存")
	msgHiddenRow     = lang.Msg("row %s is hidden in Excel: hidden rows are imported too", "第%s行在 Excel 里是隐藏的：隐藏的行也会导入")
	msgNoSavedResult = lang.Msg("cell %s holds a formula with no saved result (the workbook was written by a program and never saved by Excel): it reads as empty; open the file in Excel or WPS and save it",
		"单元格 %s 里是公式，但没有保存计算结果（工作簿是程序生成的，没用 Excel 保存过）：读出来是空的；请用 Excel 或 WPS 打开后保存一次")
	msgMergedMore = lang.Msg(" and %s more", " 等共 %s 处")
	msgMerged     = lang.Msg("merged cells %s%s: only the top-left cell of a merged range holds its value, the other cells read as empty; unmerge them and fill the values in",
		"合并单元格 %s%s：合并区域只有左上角的单元格有值，其余读出来是空的；请取消合并，把值填好")
	msgNoWorkbookPart = lang.Msg("it is a zip archive but not an Excel workbook (it has no xl/workbook.xml)", "它是 zip 压缩包，但不是 Excel 工作簿（里面没有 xl/workbook.xml）")
	msgTruncatedXML   = lang.Msg("the sheet XML ends abruptly (the file is truncated)", "工作表的 XML 突然结束了（文件不完整）")
)

// bombError is the message for a workbook that inflates past its limit.
func bombError(p *lang.Printer, size, limit int64) error {
	return sentence(p.Sprintf(msgZipBomb, itoa(limit>>20), itoa(limit/max(size, 1)), byteSize(size)), ErrCorrupt)
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MB"
	case n >= 1<<10:
		return strconv.FormatInt(n>>10, 10) + " KB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}
