package roster

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/cardimport/cardimport/validate"
	"github.com/cardimport/cardimport/validate/lang"
)

// TestMain fails the package's tests when a message was printed that the
// catalogue does not have in both languages.
func TestMain(m *testing.M) { os.Exit(lang.RunTests(m)) }

var zh = Options{Printer: lang.New(lang.Chinese)}

// The roster's warnings and errors in Chinese: the clerk reads what is
// wrong and what to do, the columns and values quoted as written.
func TestChineseWarnings(t *testing.T) {
	for _, tc := range []struct {
		file string
		want []string
	}{
		{"testdata/merged_cells.xlsx", []string{
			"第1行（2024年会员名单）像是标题，不是表头：改用第2行作表头",
			"合并单元格 D3:D4：合并区域只有左上角的单元格有值，其余读出来是空的；请取消合并，把值填好",
		}},
		{"testdata/hidden_first_sheet.xlsx", []string{"跳过了隐藏的工作表 说明；读取工作表 会员（可用 --sheet 选择）"}},
		{"testdata/two_sheets.xlsx", []string{"工作簿里还有别的工作表（二店）；只读取第一个：一店（可用 --sheet 选择）"}},
		{"testdata/id_as_number.xlsx", []string{
			"卡号（A列）在 Excel 里存的是数字：开头的0已经丢了；请把这一列设为“文本”格式",
			"身份证号（C列）在 Excel 里存的是数字：18位身份证号只能留下15位；请把这一列设为“文本”格式，再重新输入号码",
		}},
		{"testdata/missing_required_column.csv", []string{"会员来源（C列）不是会员卡字段，已忽略"}},
		{"testdata/extra_cells.csv", []string{"第2行有 4 个单元格，但表头只有 2 列：B 列之后的内容已忽略"}},
		{"testdata/bare_quote.csv", []string{`第2行有个 " 在没加引号的单元格里：这种引号按普通字符读取`}},
		{"testdata/formula.xlsx", []string{"单元格 C3 里是公式，但没有保存计算结果（工作簿是程序生成的，没用 Excel 保存过）：读出来是空的；请用 Excel 或 WPS 打开后保存一次"}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			r, err := Open(tc.file, zh)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			for {
				if _, err := r.Next(); err == io.EOF {
					break
				} else if err != nil {
					t.Fatal(err)
				}
			}
			got := strings.Join(r.Warnings(), "\n")
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("warnings\n%s\nlack\n%s", got, w)
				}
			}
		})
	}
}

func TestChineseErrors(t *testing.T) {
	required := []validate.Field{validate.Cardno, validate.Phone, validate.Name}
	for _, tc := range []struct {
		file string
		is   error
		want string
	}{
		{"testdata/missing_required_column.csv", ErrMissingColumn,
			"testdata/missing_required_column.csv：缺少必填的列：手机（列名可以是 手机、手机号、手机号码、电话、mobile、phone）；" +
				"表头（第1行）里有：卡号、姓名、会员来源；请改列名，或用 --map 列名=字段"},
		{"testdata/recharge_amount_column.csv", ErrLooksLikeField,
			"testdata/recharge_amount_column.csv：第1行，G列（充值金额）：看起来像余额（和 储值金额 只差一个字），却不是任何字段，" +
				"这一列的内容不会导入：要当作余额导入，请用 --map 充值金额=余额；不导入，请用 --ignore-column 充值金额"},
		{"testdata/lookalike_columns.csv", ErrLooksLikeField,
			"testdata/lookalike_columns.csv：第1行：有 2 列看起来像会员卡字段，却不是任何字段，内容不会导入；请用 --map 逐列导入，或用 --ignore-column 排除：\n" +
				"  赠送余额（G列）像余额（列名里有 余额）：--map 赠送余额=余额 或 --ignore-column 赠送余额\n" +
				"  手机号吗（I列）像手机（和 手机号码 只差一个字）：--map 手机号吗=手机 或 --ignore-column 手机号吗"},
		{"testdata/duplicate_headers.csv", ErrDuplicateColumn,
			"testdata/duplicate_headers.csv：第1行：电话（C列）和手机（D列）都对应“手机”字段：请改名或删掉其中一列，" +
				"或用 --map 电话=手机 选定一列，或用 --ignore-column 手机 排除另一列"},
		{"testdata/encrypted.xlsx", ErrEncrypted,
			"testdata/encrypted.xlsx 是加了密码的工作簿：请用 Excel 或 WPS 打开，去掉密码（文件 › 信息 › 保护工作簿）后另存为 .xlsx"},
		{"testdata/truncated.xlsx", ErrCorrupt,
			"testdata/truncated.xlsx 已损坏或不完整（.xlsx 应是完整的 zip 压缩包，它不是）：请重新复制一份，或用 Excel 或 WPS 打开后重新保存"},
		{"testdata/binary_garbage.csv", ErrNotText,
			"testdata/binary_garbage.csv 不像是文本名单（里面有二进制数据）：请把名单导出为 .xlsx 或 CSV"},
		{"testdata/not_an_xlsx.xlsx", ErrCorrupt,
			"testdata/not_an_xlsx.xlsx：它是 zip 压缩包，但不是 Excel 工作簿（里面没有 xl/workbook.xml）"},
		{"testdata/unclosed_quote.csv", ErrUnclosedQuote,
			"testdata/unclosed_quote.csv：第2行：从这一行开始的带引号单元格没有正确结束（一直读到了第4行）；" +
				"后面的行都会丢失：请改好引号（带引号的单元格里的 \" 要写成 \"\"）再运行"},
		{"testdata/truncated_sheet_xml.xlsx", ErrCorrupt,
			"testdata/truncated_sheet_xml.xlsx:Sheet1：第4行：工作表的 XML 突然结束了（文件不完整）；请重新复制一份，或用 Excel 或 WPS 打开后重新保存"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			fields := required
			if tc.is == ErrUnclosedQuote || strings.Contains(tc.file, "truncated_sheet") {
				fields = []validate.Field{validate.Cardno} // the roster reads past its header
			}
			err := firstError(tc.file, fields)
			if !errors.Is(err, tc.is) || err.Error() != tc.want {
				t.Errorf("error\n got: %v\nwant: %s", err, tc.want)
			}
		})
	}
	t.Run("zip bomb", func(t *testing.T) {
		err := bombError(zh.Printer, 1<<20, 64<<20)
		want := "解压后超过 64 MB，是它本身大小 1.0 MB 的 64 倍：文件已损坏或是“压缩炸弹”，不是名单；请用 Excel 或 WPS 打开后重新保存"
		if err.Error() != want {
			t.Errorf("got %s\nwant %s", err, want)
		}
	})
	t.Run("xls refused", func(t *testing.T) {
		_, err := NewCSV("roster.csv", bytes.NewReader(append(oleMagic, make([]byte, 100)...)), zh)
		want := "roster.csv 是 Excel 97-2003 工作簿（.xls），不是文本文件：请用 Excel 或 WPS 打开，另存为 .xlsx（或 CSV）"
		if !errors.Is(err, ErrUnsupportedFormat) || err == nil || err.Error() != want {
			t.Errorf("got %v\nwant %s", err, want)
		}
	})
	t.Run("bad record, a row's verdict", func(t *testing.T) {
		var b bytes.Buffer
		b.WriteString("卡号,姓名\n")
		for b.Len() < 2*sniffSize {
			b.WriteString("1000001,会员\n")
		}
		b.WriteString("9999998,\"a\"b\n")
		r, err := NewCSV("late.csv", &b, zh)
		if err != nil {
			t.Fatal(err)
		}
		for {
			row, err := r.Next()
			if err == io.EOF {
				t.Fatal("no bad record")
			}
			if errors.Is(err, ErrBadRecord) {
				want := fmt.Sprintf("late.csv：第%d行：带引号的单元格后面多了个 \"（第 11 个字符）：这一行读不了；"+
					"含有 \" 的单元格要加引号，并把 \" 写两遍，如 \"12\"\" screen\"", row.Line)
				if err.Error() != want {
					t.Errorf("got %s\nwant %s", err, want)
				}
				return
			}
		}
	})
	t.Run("bad options", func(t *testing.T) {
		err := CheckOptions(Options{Encoding: "big5", Printer: zh.Printer})
		if want := "--encoding big5：不认识这个编码；请用 auto、utf-8、utf-16、gbk 或 gb18030"; err == nil || err.Error() != want {
			t.Errorf("got %v, want %s", err, want)
		}
		err = CheckOptions(Options{Map: map[string]string{"储值余额": "钱"}, Printer: zh.Printer})
		if err == nil || !strings.HasPrefix(err.Error(), `--map 储值余额=钱："钱" 不是字段；字段有：卡号、密码、卡内编码、姓名、手机`) {
			t.Errorf("got %v", err)
		}
	})
}

// firstError opens a roster, requires fields and reads it to the end, and
// returns the first error.
func firstError(path string, required []validate.Field) error {
	r, err := Open(path, zh)
	if err != nil {
		return err
	}
	defer r.Close()
	if err := r.Require(required); err != nil {
		return err
	}
	for {
		if _, err := r.Next(); err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
	}
}
