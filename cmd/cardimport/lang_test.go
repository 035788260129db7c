package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/xuri/excelize/v2"

	"github.com/cardimport/cardimport/importer/targets"
	"github.com/cardimport/cardimport/validate"
	"github.com/cardimport/cardimport/validate/lang"
)

// TestMain fails the package when a test printed a message the catalogue
// does not have: it would show in English whatever the language. This
// package runs every command, so it sees what every package prints.
func TestMain(m *testing.M) { os.Exit(lang.RunTests(m)) }

// TestCatalogue walks every message of the program (cardimport imports
// every package, and each registers its messages at init): each has its
// Chinese, with the same placeholders as the English (a Chinese text may
// reorder them with explicit indexes: %[2]s), plural forms included.
func TestCatalogue(t *testing.T) {
	entries := lang.Entries()
	if len(entries) < 200 {
		t.Fatalf("only %d messages: the catalogue is not the whole program's", len(entries))
	}
	for _, e := range entries {
		if strings.TrimSpace(e.Chinese) == "" {
			t.Errorf("%q has no Chinese", e.Key)
			continue
		}
		want := verbs(e.Key)
		if got := verbs(e.Chinese); !slices.Equal(got, want) {
			t.Errorf("%q: Chinese %q has placeholders %v, English %v", e.Key, e.Chinese, got, want)
		}
		for _, form := range []string{e.One, e.Other} {
			if form != "" && !slices.Equal(verbs(form), want) {
				t.Errorf("%q: plural form %q has other placeholders", e.Key, form)
			}
		}
	}
}

// verbs are a format's placeholders, sorted, an explicit index dropped:
// %[2]d and %d are the same verb for the comparison.
func verbs(format string) []string {
	var out []string
	for _, p := range lang.Placeholders(format) {
		if j := strings.IndexByte(p, ']'); j > 0 {
			p = "%" + p[j+1:]
		}
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}

// chineseCLI runs commands in a Chinese locale.
func chineseCLI(t *testing.T) cli {
	c := newCLI(t)
	c.env["LANG"] = "zh_CN.UTF-8"
	return c
}

// TestHelpIsChinese: --help of every command, in Chinese, has no English
// sentence. The heuristic: a line with two or more English words, beyond
// flag names and values, file names, environment variables and the
// program's own names, is suspicious. It also catches half-width
// punctuation right after a Chinese character.
func TestHelpIsChinese(t *testing.T) {
	c := newCLI(t)
	allowed, pending := helpVocabulary()
	outputs := map[string]string{"cardimport --help": c.run("--help", "--lang", "zh").stdout}
	for _, cmd := range commands {
		if cmd.name == "version" {
			continue
		}
		r := c.run(cmd.name, "--help", "--lang", "zh")
		if r.code != exitOK || !strings.HasPrefix(r.stdout, "用法：cardimport "+cmd.name) {
			t.Fatalf("%s --help --lang zh: exit %d\n%s%s", cmd.name, r.code, r.stdout, r.stderr)
		}
		outputs[cmd.name+" --help"] = r.stdout
	}
	for name, out := range outputs {
		for _, line := range strings.Split(out, "\n") {
			if f := strings.Fields(line); len(f) > 0 && strings.HasPrefix(f[0], "--") && pending[strings.TrimPrefix(f[0], "--")] {
				t.Logf("%s: waits for its platform's Chinese: %s", name, line)
				continue
			}
			if words := englishWords(line, allowed); len(words) >= 2 {
				t.Errorf("%s: English in %q: %v", name, line, words)
			}
			if m := halfWidthAfterHan.FindString(line); m != "" {
				t.Errorf("%s: half-width punctuation %q in %q", name, m, line)
			}
		}
	}
}

// TestHelpHeuristicSeesEnglish: the heuristic of TestHelpIsChinese finds
// the English of the English help (it would pass anything otherwise).
func TestHelpHeuristicSeesEnglish(t *testing.T) {
	allowed, _ := helpVocabulary()
	n := 0
	for _, line := range strings.Split(newCLI(t).run("import", "--help", "--lang", "en").stdout, "\n") {
		if len(englishWords(line, allowed)) >= 2 {
			n++
		}
	}
	if n < 20 {
		t.Errorf("only %d English lines found in the English help of import", n)
	}
}

var (
	halfWidthAfterHan = regexp.MustCompile(`\p{Han}[,;:()!?]`)
	asciiToken        = regexp.MustCompile(`[\x21-\x7e]+`)
)

// englishWords are the English words of a line: ASCII letters only (an
// identifier with digits, '-', '_', '.', '/', '|' or '=' is a name, a
// path or a value), not all capitals (environment variables, acronyms),
// not an allowed name.
func englishWords(line string, allowed map[string]bool) []string {
	var words []string
	for _, tok := range asciiToken.FindAllString(line, -1) {
		tok = strings.Trim(tok, `()[]"',:;.?!`)
		if tok == "" || strings.ContainsAny(tok, "-_./|=<>%{}$~@0123456789`*&#+\\") {
			continue
		}
		if strings.ToUpper(tok) == tok || allowed[strings.ToLower(tok)] {
			continue
		}
		if strings.IndexFunc(tok, func(r rune) bool { return !unicode.IsLetter(r) }) >= 0 {
			continue
		}
		words = append(words, tok)
	}
	return words
}

// helpVocabulary is what Chinese help may name in ASCII: commands, flags,
// fields, platforms and their settings, formats, shells, values; and the
// flags whose usage their platform has not yet put in the catalogue.
func helpVocabulary() (allowed, pending map[string]bool) {
	allowed = map[string]bool{}
	for _, w := range strings.Fields(`cardimport zh en csv xlsx xls json auto gbk bash zsh fish source shell
		stats unresolved export true false status sandbox excel sqlite ps getcardinfo getcards`) {
		allowed[w] = true
	}
	for _, c := range completionCommands(context.Background(), nil) {
		allowed[c.name] = true
		for _, f := range c.flags {
			allowed[f.name] = true
		}
	}
	for _, f := range validate.Fields() {
		allowed[f.String()] = true
	}
	pending = map[string]bool{}
	for _, d := range targets.All() {
		allowed[d.Name] = true
		for _, s := range d.Settings {
			allowed[s.Key] = true
			if !catalogued()[s.Usage] {
				pending[s.Key] = true
			}
		}
	}
	return allowed, pending
}

// TestLanguageChoice: --lang, else the locale; a bad --lang is a usage
// error; a config file's lang; what machines read is the same in both.
func TestLanguageChoice(t *testing.T) {
	roster := copySample(t, "roster.csv")
	dir := filepath.Dir(roster)
	cfg := filepath.Join(dir, "zh.toml")
	os.WriteFile(cfg, []byte("lang = \"zh\"\n"), 0o600)
	for _, tt := range []struct {
		name    string
		env     map[string]string
		args    []string
		chinese bool
	}{
		{"no locale", nil, nil, false},
		{"LANG zh", map[string]string{"LANG": "zh_CN.UTF-8"}, nil, true},
		{"LC_ALL wins", map[string]string{"LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"}, nil, false},
		{"--lang zh", map[string]string{"LANG": "en_US.UTF-8"}, []string{"--lang", "zh"}, true},
		{"--lang=en", map[string]string{"LANG": "zh_CN.UTF-8"}, []string{"--lang=en"}, false},
		{"config", nil, []string{"--config", cfg}, true},
		{"flag wins over config", nil, []string{"--config", cfg, "--lang", "en"}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := newCLI(t)
			for k, v := range tt.env {
				c.env[k] = v
			}
			r := c.run(append([]string{"validate", roster}, tt.args...)...)
			if r.code != exitPartial {
				t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
			}
			if got := strings.Contains(r.stdout, "有效") && strings.Contains(r.stdout, "退出码"); got != tt.chinese {
				t.Errorf("Chinese = %v, want %v:\n%s", got, tt.chinese, r.stdout)
			}
			// The CSV report is for machines: the same columns and statuses.
			recs := readCSV(t, strings.TrimSuffix(roster, ".csv")+".report.csv")
			if strings.Join(recs[0], ",") != "source,row,status,cardno,extid,name,phone,mbno,id,balance,attempts,message" || countStatus(recs, "invalid") != 10 {
				t.Errorf("report header %v, %d invalid", recs[0], countStatus(recs, "invalid"))
			}
		})
	}

	c := newCLI(t)
	if r := c.run("validate", roster, "--lang", "xx"); r.code != exitUsage || !strings.Contains(r.stderr, "--lang xx: want zh or en") {
		t.Errorf("--lang xx: exit %d\n%s", r.code, r.stderr)
	}
	c = chineseCLI(t)
	if r := c.run("validate", roster, "--lang", "xx"); r.code != exitUsage || !strings.Contains(r.stderr, "--lang xx：只能是 zh 或 en") || !strings.Contains(r.stderr, "用法见 cardimport validate --help") {
		t.Errorf("--lang xx in Chinese: exit %d\n%s", r.code, r.stderr)
	}

	// --json: the keys and the status values stay; the message follows
	// the language.
	r := c.run("validate", roster, "--json")
	var sum map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &sum); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	counts, _ := sum["counts"].(map[string]any)
	if counts["valid"] != 190.0 || counts["invalid"] != 10.0 || sum["exit_code"] != 3.0 {
		t.Errorf("--json in Chinese: %v", sum)
	}
	r = c.run("import", "--json")
	var doc struct {
		Error struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil || doc.Error.Code != exitUsage || !strings.Contains(doc.Error.Message, "没有给出名单文件") {
		t.Errorf("--json usage error in Chinese: %v %s", err, r.stdout)
	}
}

// TestErrorsInChinese: usage errors, flag mistakes and fatal errors speak
// Chinese, with what to do next.
func TestErrorsInChinese(t *testing.T) {
	c := chineseCLI(t)
	roster := copySample(t, "roster.csv")
	folder := filepath.Join(t.TempDir(), "folder.csv")
	os.Mkdir(folder, 0o755)
	for _, tt := range []struct {
		args []string
		code int
		want []string
	}{
		{nil, exitUsage, []string{"命令：", "退出码："}},
		{[]string{"frobnicate"}, exitUsage, []string{`没有 "frobnicate" 这个命令`}},
		{[]string{"import"}, exitUsage, []string{"没有给出名单文件", "（用法见 cardimport import --help）"}},
		{[]string{"import", roster, "--batchsize", "5"}, exitUsage, []string{"没有 --batchsize 这个选项，是不是想写 --batch-size？"}},
		{[]string{"import", roster, "--apikey", "x"}, exitUsage, []string{"密钥不能写在命令行上", "CARDIMPORT_APIKEY"}},
		{[]string{"import", roster, "--timeout", "5"}, exitUsage, []string{"时长要带单位，例如 5s 或 5m"}},
		{[]string{"import", roster, "--rate", "fast"}, exitUsage, []string{"--rate fast：要写数字"}},
		{[]string{"import", roster, "--batch-size", "5000"}, exitUsage, []string{"--batch-size 5000：要在 1 到 500 之间"}},
		{[]string{"import", roster, "--encoding", "latin1"}, exitUsage, []string{"--encoding latin1：", "（用法见 cardimport import --help）"}},
		{[]string{"import", roster, "--map", "foo=bar"}, exitUsage, []string{`--map foo=bar："bar" 不是字段；字段有：卡号、密码、卡内编码`}},
		{[]string{"import", roster, "--report", "r.txt"}, exitUsage, []string{"报告的文件名要以 .csv、.xlsx 或 .json 结尾"}},
		{[]string{"import", roster, roster}, exitUsage, []string{"写了两次"}},
		{[]string{"import", roster, "--report", folder}, exitUsage, []string{"是一个文件夹：请写出文件夹里的文件名"}},
		{[]string{"generate", "--count", "0"}, exitUsage, []string{"--count 0：卡数要在 1 到 1000000 之间"}},
		{[]string{"template"}, exitUsage, []string{"请写一个（只写一个）要生成的文件"}},
		{[]string{"template", "x.xls"}, exitUsage, []string{"模板只能是 .xlsx 或 .csv 文件"}},
		{[]string{"journal", "purge"}, exitUsage, []string{"只能是 stats、unresolved 或 export 文件名"}},
		{[]string{"journal", "--journal", filepath.Join(t.TempDir(), "none.db")}, exitFatal, []string{"没有发卡记录", "请用 --journal 指定"}},
		{[]string{"completion", "tcsh"}, exitUsage, []string{`completion "tcsh"：只能是 bash、zsh 或 fish`}},
		{[]string{"sandbox", "--throttle", "drop"}, exitUsage, []string{`--throttle "drop"：只能是 429 或 status`}},
		{[]string{"import", roster, "--target", "sandy", "--endpoint", "http://127.0.0.1:9/api2/member-cjb"}, exitUsage, []string{"平台设置：sandy：缺少令牌 token（CARDIMPORT_SANDY_TOKEN）、商户 customer guid（--customer-guid 或 CARDIMPORT_SANDY_CUSTOMERGUID）"}},
		{[]string{"import", roster, "--endpoint", "127.0.0.1:9/mb"}, exitUsage, []string{`平台设置：mb：接口地址 "127.0.0.1:9/mb" 不是 http(s) 网址`}},
	} {
		r := c.run(tt.args...)
		for _, want := range tt.want {
			if r.code != tt.code || !strings.Contains(r.stdout+r.stderr, want) {
				t.Errorf("cardimport %s: exit %d (want %d), output lacks %q:\n%s%s", strings.Join(tt.args, " "), r.code, tt.code, want, r.stdout, r.stderr)
			}
		}
	}
}

// TestChineseRun: a Chinese import and validate of the sample roster
// print Chinese (the values from the roster excepted), the xlsx report
// has a Chinese header, statuses and summary sheet, the CSV report and
// the log keys stay as machines read them.
func TestChineseRun(t *testing.T) {
	c := chineseCLI(t)
	roster := copySample(t, "roster.xlsx")
	dir := filepath.Dir(roster)
	allowed, _ := helpVocabulary()
	r := c.run("import", roster, "--rate", "100", "--report", filepath.Join(dir, "r.xlsx"), "--no-progress")
	if r.code != exitPartial {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, line := range strings.Split(r.stdout, "\n") {
		if words := englishWords(line, allowed); len(words) > 0 {
			t.Errorf("English in the summary: %q %v", line, words)
		}
	}
	for _, want := range []string{"【沙箱】", "已发卡     190", "无效        10", "待修正名单", "发卡记录", "退出码     3"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("summary lacks %q:\n%s", want, r.stdout)
		}
	}
	// Log lines: the keys stay, the message is Chinese.
	for _, line := range strings.Split(strings.TrimSpace(r.stderr), "\n") {
		if !strings.Contains(line, "level=") || !strings.Contains(line, "msg=") {
			t.Errorf("not a log line: %q", line)
			continue
		}
		msg := line[strings.Index(line, "msg="):]
		if words := englishWords(msg, allowed); len(words) > 0 {
			t.Errorf("English in a log line: %q %v", line, words)
		}
	}

	f, err := excelize.OpenFile(filepath.Join(dir, "r.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); !slices.Equal(got, []string{"报告", "汇总"}) {
		t.Errorf("sheets %v", got)
	}
	rows, err := f.GetRows("报告")
	if err != nil {
		t.Fatal(err)
	}
	if rows[0][0] != "来源" || rows[0][3] != "卡号" || rows[0][11] != "说明" {
		t.Errorf("header %q", rows[0])
	}
	statuses := map[string]int{}
	for _, row := range rows[1:] {
		statuses[row[2]]++
	}
	if statuses["已发卡"] != 190 || statuses["无效"] != 10 {
		t.Errorf("statuses %v", statuses)
	}

	// Validate: the CSV report and rejects keep their machine words.
	r = c.run("validate", roster)
	if r.code != exitPartial || !strings.Contains(r.stdout, "有效       190") {
		t.Errorf("validate: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	recs := readCSV(t, strings.TrimSuffix(roster, ".xlsx")+".report.csv")
	if recs[0][2] != "status" || countStatus(recs, "valid") != 190 {
		t.Errorf("CSV report: %v, %d valid", recs[0], countStatus(recs, "valid"))
	}
	rej, err := excelize.OpenFile(strings.TrimSuffix(roster, ".xlsx") + ".rejects.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	defer rej.Close()
	rrows, _ := rej.GetRows(rej.GetSheetList()[0])
	if last := rrows[0][len(rrows[0])-1]; last != "错误原因" {
		t.Errorf("rejects' last column %q", last)
	}

	// The journal's tables.
	r = c.run("journal", "--endpoint", "sandbox")
	if r.code != exitOK || !strings.Contains(r.stdout, "平台  商户") || !strings.Contains(r.stdout, "已发卡") || !strings.Contains(r.stdout, "部分完成") {
		t.Errorf("journal stats in Chinese: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	// The template: Chinese notes sheet.
	tpl := filepath.Join(dir, "t.xlsx")
	if r := c.run("template", tpl); r.code != exitOK || !strings.Contains(r.stdout, "已生成 "+tpl+"：每行填一张卡") {
		t.Errorf("template: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	tf, err := excelize.OpenFile(tpl)
	if err != nil {
		t.Fatal(err)
	}
	defer tf.Close()
	if got := tf.GetSheetList(); !slices.Equal(got, []string{"名单", "说明"}) {
		t.Errorf("template sheets %v", got)
	}
}
