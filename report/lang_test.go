package report

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cardimport/cardimport/importer/mb"
	"github.com/cardimport/cardimport/importer/platform"
	"github.com/cardimport/cardimport/validate"
	"github.com/cardimport/cardimport/validate/lang"
)

// TestMain fails the package when a test printed a message the catalogue
// does not have: it would show in English whatever the language.
func TestMain(m *testing.M) { os.Exit(lang.RunTests(m)) }

var (
	zh = lang.New(lang.Chinese)
	en = lang.New(lang.English)
)

// langSummary is fixtureSummary with every line of the text summary: the
// rate, and an interrupted run.
func langSummary() *Summary {
	s := fixtureSummary()
	s.Rate, s.RateLowest = 4.2, 2.5
	s.Interrupted = true
	return s
}

func TestSummaryTextLanguages(t *testing.T) {
	for _, tc := range []struct {
		golden string
		p      *lang.Printer
	}{{"summary_en.txt", en}, {"summary_zh.txt", zh}} {
		var b bytes.Buffer
		if err := langSummary().WriteText(&b, tc.p); err != nil {
			t.Fatal(err)
		}
		golden(t, tc.golden, b.Bytes())
	}
	// English is what a nil printer prints, as before languages.
	var nilP, enP bytes.Buffer
	_ = fixtureSummary().WriteText(&nilP, nil)
	_ = fixtureSummary().WriteText(&enP, en)
	if nilP.String() != enP.String() {
		t.Errorf("English differs from the nil printer's:\n%s\n%s", enP.String(), nilP.String())
	}
	// Chinese: the labels and words are Chinese; the values (paths, the
	// roster's warning) are as given.
	var b bytes.Buffer
	_ = langSummary().WriteText(&b, zh)
	for _, english := range []string{"issued", "rows", "requests", "retries", "elapsed", "balance", "roster ", "confirmed", " rejects ", "journal", "exit code", "INTERRUPTED", "SANDBOX", "sheet", "delimiter", "req/s", "started"} {
		if strings.Contains(b.String(), english) {
			t.Errorf("Chinese summary says %q:\n%s", english, b.String())
		}
	}
	for _, chinese := range []string{"已发卡", "已发过", "被拒", "待确认", "未发送", "名单合计 1344.28，平台确认 100.88", "工作表 会员", "分隔符 \";\"", "2.5秒", "每秒 4.2 次（最低 2.5）", "退出码"} {
		if !strings.Contains(b.String(), chinese) {
			t.Errorf("Chinese summary lacks %q:\n%s", chinese, b.String())
		}
	}
}

// TestMachineOutputsSameInEveryLanguage: CSV and JSON reports (column
// names, status values, summary keys) and the JSON summary do not change
// with the language (SPEC §11).
func TestMachineOutputsSameInEveryLanguage(t *testing.T) {
	dir := t.TempDir()
	for _, ext := range []string{".csv", ".json"} {
		for _, generated := range []bool{false, true} {
			pz, pe := filepath.Join(dir, "zh"+ext), filepath.Join(dir, "en"+ext)
			writeReport(t, pz, Options{Lang: zh, Generated: generated}, fixtureSummary())
			writeReport(t, pe, Options{Lang: en, Generated: generated}, fixtureSummary())
			if !bytes.Equal(readFile(t, pz), readFile(t, pe)) {
				t.Errorf("%s report (generated %v) differs between Chinese and English", ext, generated)
			}
		}
	}
}

func TestXLSXReportLanguages(t *testing.T) {
	dir := t.TempDir()
	lines := fixtureLines()
	for _, tc := range []struct {
		p               *lang.Printer
		sheets          []string
		header          []string
		statuses        []string // of fixtureLines, in order
		labels          map[string]string
		rosterLine      string
		generatedHeader []string
	}{
		{
			p: en, sheets: []string{"report", "summary"}, header: Columns,
			statuses:        []string{"issued", "skipped", "invalid", "rejected", "exists", "unknown", "valid", "pending"},
			labels:          map[string]string{"issued": "1", "rows": "8", "rejects": "门店A.rejects.xlsx", "sandbox": SandboxBanner, "exit code": "3"},
			rosterLine:      "门店A.xlsx (xlsx, sheet 会员, 3 rows)",
			generatedHeader: GeneratedColumns,
		},
		{
			p: zh, sheets: []string{"报告", "汇总"},
			header:   []string{"来源", "行号", "状态", "卡号", "卡内编码", "姓名", "手机号", "会员号", "卡ID", "余额", "尝试次数", "说明"},
			statuses: []string{"已发卡", "已发过", "无效", "被拒", "已存在", "待确认", "有效", "未发送"},
			labels: map[string]string{"已发卡": "1", "已发过": "1", "有效": "1", "无效": "1", "被拒": "1", "已存在": "1", "待确认": "1", "未发送": "1",
				"行数": "8", "请求": "12", "重试": "3", "被限流": "1", "用时（秒）": "2.5", "每秒行数": "3.2",
				"名单余额合计": "1344.28", "平台确认余额": "100.88", "名单积分合计": "200", "平台确认积分": "0",
				"报告": "门店A.report.xlsx", "待修正名单": "门店A.rejects.xlsx", "发卡记录": "cardimport.db",
				"沙箱": "【沙箱】模拟平台，没有发出任何真实的卡", "退出码": "3", "命令": "import", "平台": "mb"},
			rosterLine:      "门店A.xlsx（xlsx，工作表 会员，3 行）",
			generatedHeader: []string{"批次", "状态", "卡ID", "卡号", "会员号", "密码", "卡内编码", "余额", "说明"},
		},
	} {
		t.Run(tc.p.Tag().String(), func(t *testing.T) {
			path := filepath.Join(dir, tc.p.Tag().String()+".xlsx")
			writeReport(t, path, Options{Lang: tc.p}, fixtureSummary())
			assertWellFormed(t, path)
			f := openXLSX(t, path)
			if got := f.GetSheetList(); !slices.Equal(got, tc.sheets) {
				t.Fatalf("sheets %v, want %v", got, tc.sheets)
			}
			rows, err := f.GetRows(tc.sheets[0])
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(rows[0], tc.header) {
				t.Errorf("header %q, want %q", rows[0], tc.header)
			}
			for i, want := range tc.statuses {
				if got := rows[i+1][2]; got != want {
					t.Errorf("row %d (%s): status %q, want %q", lines[i].Row, lines[i].Status, got, want)
				}
				// Everything else is as in any language.
				if got, want := rows[i+1][3], lines[i].Cardno; got != want {
					t.Errorf("row %d: cardno %q", lines[i].Row, got)
				}
			}
			sum, err := f.GetRows(tc.sheets[1])
			if err != nil {
				t.Fatal(err)
			}
			got := map[string][]string{}
			for _, r := range sum {
				if len(r) == 2 {
					got[r[0]] = append(got[r[0]], r[1])
				}
			}
			for label, want := range tc.labels {
				if len(got[label]) != 1 || got[label][0] != want {
					t.Errorf("summary %q = %v, want %q", label, got[label], want)
				}
			}
			roster := tc.p.Sprintf(labelRoster)
			if r := got[roster]; len(r) != 2 || r[0] != tc.rosterLine {
				t.Errorf("summary %s = %q, want %q first", roster, r, tc.rosterLine)
			}

			gpath := filepath.Join(dir, tc.p.Tag().String()+".generated.xlsx")
			writeReport(t, gpath, Options{Lang: tc.p, Generated: true}, nil)
			g := openXLSX(t, gpath)
			grows, err := g.GetRows(tc.sheets[0])
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(grows[0], tc.generatedHeader) {
				t.Errorf("generated header %q, want %q", grows[0], tc.generatedHeader)
			}
			if grows[3][1] != StatusLabel(tc.p, platform.StatusUnknown) {
				t.Errorf("generated status %q", grows[3][1])
			}
		})
	}
}

func TestTemplateLanguages(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		p            *lang.Printer
		sheets       []string
		phoneComment string
		notesHeader  []string
		firstNote    string
		sexError     string
	}{
		{en, []string{"roster", "notes"}, "phone — required — 11-digit mobile, e.g. 13800138000",
			[]string{"column", "field", "required?", "what to write"},
			"Fill in one card per row on the sheet roster, from row 2 down; leave the header row as it is.", "Choose 男 or 女"},
		{zh, []string{"名单", "说明"}, "必填：11 位手机号，例如 13800138000（字段名 phone）",
			[]string{"列名", "字段名", "是否必填", "填写要求"},
			"在“名单”工作表里每行填一张卡，从第 2 行开始往下填；第一行表头不要改动。", "请选择 男 或 女"},
	} {
		t.Run(tc.p.Tag().String(), func(t *testing.T) {
			path := filepath.Join(dir, tc.p.Tag().String()+".xlsx")
			if err := WriteTemplate(path, mb.Profile, tc.p); err != nil {
				t.Fatal(err)
			}
			assertWellFormed(t, path)
			f := openXLSX(t, path)
			if got := f.GetSheetList(); !slices.Equal(got, tc.sheets) {
				t.Fatalf("sheets %v, want %v", got, tc.sheets)
			}
			if f.GetActiveSheetIndex() != 0 {
				t.Error("the notes sheet is the active one: staff would type there")
			}
			cols := TemplateColumns(mb.Profile, tc.p)
			rows, err := f.GetRows(tc.sheets[0])
			if err != nil {
				t.Fatal(err)
			}
			// The headers are the roster's Chinese headers in every language.
			for i, c := range cols {
				if rows[0][i] != c.Header {
					t.Errorf("header %d = %q, want %q", i, rows[0][i], c.Header)
				}
			}
			comments, err := f.GetComments(tc.sheets[0])
			if err != nil {
				t.Fatal(err)
			}
			var all []string
			for _, c := range comments {
				text := c.Text
				for _, r := range c.Paragraph {
					text += r.Text
				}
				all = append(all, text)
			}
			if !slices.ContainsFunc(all, func(s string) bool { return strings.Contains(s, tc.phoneComment) }) {
				t.Errorf("no comment %q in %q", tc.phoneComment, all)
			}
			dvs, err := f.GetDataValidations(tc.sheets[0])
			if err != nil || len(dvs) != 1 || dvs[0].Error == nil || *dvs[0].Error != tc.sexError {
				t.Errorf("sex dropdown error %v %+v", err, dvs)
			}

			notes, err := f.GetRows(tc.sheets[1])
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(notes[0], tc.notesHeader) {
				t.Errorf("notes header %q, want %q", notes[0], tc.notesHeader)
			}
			for i, c := range cols {
				r := notes[i+1]
				want := []string{c.Header, c.Field.String(), tc.p.Sprintf(msgOptional), c.Rule}
				if c.Required {
					want[2] = tc.p.Sprintf(msgRequired)
				}
				if !slices.Equal(r, want) {
					t.Errorf("notes row %d = %q, want %q", i+2, r, want)
				}
			}
			if n := len(cols) + 3; len(notes) < n || notes[n-1][0] != tc.firstNote {
				t.Errorf("notes after the table: %q", notes[len(cols)+1:])
			}
		})
	}
	// Every rule has its words in both languages.
	for _, f := range validate.Fields() {
		if fieldRule(f, mb.Profile, zh) == fieldRule(f, mb.Profile, en) {
			t.Errorf("%s: the rule is the same in Chinese and English", f)
		}
	}
}

func TestRejectsLanguages(t *testing.T) {
	dir := t.TempDir()
	for p, sheet := range map[*lang.Printer]string{en: "rejects", zh: "待修正名单"} {
		path := filepath.Join(dir, sheet+".xlsx")
		w, err := CreateRejects(path, p)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rejectsA() {
			if err := w.Write(r); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := w.Close(); err != nil {
			t.Fatal(err)
		}
		f := openXLSX(t, path)
		if got := f.GetSheetList(); !slices.Equal(got, []string{sheet}) {
			t.Errorf("sheets %v, want %s", got, sheet)
		}
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		// 错误原因 in every language: the roster reader drops it on re-import.
		if last := rows[0][len(rows[0])-1]; last != ReasonColumn {
			t.Errorf("%s: last header %q", sheet, last)
		}
	}
}

func TestErrorsInChinese(t *testing.T) {
	dir := t.TempDir()
	if _, err := Create(filepath.Join(dir, "r.txt"), Options{Lang: zh}); err == nil || err.Error() != `报告 `+filepath.Join(dir, "r.txt")+`：不支持 ".txt" 格式，请用 .csv、.xlsx、.json 之一` {
		t.Errorf("report: %v", err)
	}
	if _, err := CreateRejects(filepath.Join(dir, "r.json"), zh); err == nil || !strings.HasPrefix(err.Error(), "待修正名单 ") {
		t.Errorf("rejects: %v", err)
	}
	path := filepath.Join(dir, "t.xlsx")
	if err := os.WriteFile(path, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := WriteTemplate(path, mb.Profile, zh)
	if !errors.Is(err, fs.ErrExist) || !strings.Contains(err.Error(), "已经存在") || !strings.Contains(err.Error(), path) {
		t.Errorf("template: %v", err)
	}
	if got := TemplateFormats.Choices(zh); got != ".xlsx 或 .csv" {
		t.Errorf("Choices %q", got)
	}
}

func TestWords(t *testing.T) {
	for _, tc := range []struct {
		p     *lang.Printer
		items []string
		want  string
	}{
		{en, []string{"a"}, "a"},
		{en, []string{"a", "b", "c"}, "a, b or c"},
		{zh, []string{"a", "b", "c"}, "a、b 或 c"},
		{nil, nil, ""},
	} {
		if got := JoinOr(tc.p, tc.items); got != tc.want {
			t.Errorf("JoinOr(%v) = %q, want %q", tc.items, got, tc.want)
		}
	}
	if got := StatusLabel(zh, "weird"); got != "weird" {
		t.Errorf("a status without a label: %q", got)
	}
	for d, want := range map[time.Duration]string{90 * time.Second: "1分30秒", 804 * time.Millisecond: "804毫秒", 2*time.Hour + 3*time.Minute: "2小时3分0秒"} {
		if got := Duration(zh, d); got != want {
			t.Errorf("Duration(zh, %v) = %q, want %q", d, got, want)
		}
		if got := Duration(en, d); got != d.String() {
			t.Errorf("Duration(en, %v) = %q", d, got)
		}
	}
	if TextWidth("卡号ab") != 6 || PadRight("卡号", 6) != "卡号  " || PadLeft("ab", 3) != " ab" {
		t.Errorf("widths: %d %q", TextWidth("卡号ab"), PadRight("卡号", 6))
	}
}
