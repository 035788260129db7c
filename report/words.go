package report

import (
	"strings"
	"time"

	"golang.org/x/text/width"

	"github.com/cardimport/cardimport/importer/platform"
	"github.com/cardimport/cardimport/validate/lang"
)

// Words people read in either language (SPEC §11): the status labels of
// the XLSX report and the summaries, lists joined as a sentence, durations,
// and text laid out in columns. What machines read — status values, column
// names, JSON keys — never goes through here.

// statusLabels are what people read for each status; the status value
// itself (the key, in English) is what the CSV and JSON reports carry.
var statusLabels = map[platform.Status]string{
	platform.StatusIssued:   lang.Msg("issued", "已发卡"),
	platform.StatusSkipped:  lang.Msg("skipped", "已发过"),
	platform.StatusValid:    lang.Msg("valid", "有效"),
	platform.StatusInvalid:  lang.Msg("invalid", "无效"),
	platform.StatusRejected: lang.Msg("rejected", "被拒"),
	platform.StatusExists:   lang.Msg("exists", "已存在"),
	platform.StatusUnknown:  lang.Msg("unknown", "待确认"),
	platform.StatusPending:  lang.Msg("pending", "未发送"),
}

// StatusLabel is the status as people read it in p's language: 已发卡 for
// issued. A status without a label is shown as it is.
func StatusLabel(p *lang.Printer, st platform.Status) string {
	if key, ok := statusLabels[st]; ok {
		return p.Sprintf(key)
	}
	return string(st)
}

var msgOr = lang.Msg("%s or %s", "%s 或 %s")

// JoinOr words a choice: ".csv, .xlsx or .json", ".csv、.xlsx 或 .json".
func JoinOr(p *lang.Printer, items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return p.Sprintf(msgOr, strings.Join(items[:len(items)-1], p.ListSep()), items[len(items)-1])
}

// Duration words an elapsed time, to the millisecond: 1m30s, or 1分30秒 in
// Chinese.
func Duration(p *lang.Printer, d time.Duration) string {
	s := d.Round(time.Millisecond).String()
	if !p.Chinese() {
		return s
	}
	// time.Duration's units, longest first so that "ms" is not read as
	// "m" then "s".
	return strings.NewReplacer("h", "小时", "ms", "毫秒", "µs", "微秒", "ns", "纳秒", "m", "分", "s", "秒").Replace(s)
}

// TextWidth is the width of s on a terminal: two columns for a Chinese
// character (East Asian wide and full-width), one for others.
func TextWidth(s string) int {
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}

// PadRight pads s with spaces to n terminal columns (see TextWidth).
func PadRight(s string, n int) string {
	if w := TextWidth(s); w < n {
		return s + strings.Repeat(" ", n-w)
	}
	return s
}

// PadLeft pads s with spaces on the left to n terminal columns.
func PadLeft(s string, n int) string {
	if w := TextWidth(s); w < n {
		return strings.Repeat(" ", n-w) + s
	}
	return s
}
