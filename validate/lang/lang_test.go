package lang

import (
	"errors"
	"io/fs"
	"slices"
	"strings"
	"testing"
)

var (
	testRows  = Plural("%d rows", "%d row", "%d rows", "%d 行")
	testEmpty = Msg("%s: empty, this column is required", "%s：为空，此列必填")
)

func TestPrinter(t *testing.T) {
	zh, en := New(Chinese), New(English)
	if got := zh.Sprintf(testEmpty, "手机号"); got != "手机号：为空，此列必填" {
		t.Errorf("zh: %q", got)
	}
	if got := en.Sprintf(testEmpty, "手机号"); got != "手机号: empty, this column is required" {
		t.Errorf("en: %q", got)
	}
	if got := en.Sprintf(testRows, 1); got != "1 row" {
		t.Errorf("en plural one: %q", got)
	}
	if got := en.Sprintf(testRows, 1200); got != "1,200 rows" {
		t.Errorf("en plural other, grouped: %q", got)
	}
	if got := zh.Sprintf(testRows, 3); got != "3 行" {
		t.Errorf("zh plural: %q", got)
	}
	var nilP *Printer
	if got := nilP.Sprintf(testEmpty, "x"); !strings.HasPrefix(got, "x: empty") {
		t.Errorf("nil printer: %q", got)
	}
	err := zh.Errorf(testEmpty, fs.ErrNotExist)
	if !errors.Is(err, fs.ErrNotExist) {
		t.Error("a localized error hides its cause from errors.Is")
	}
}

func TestChoose(t *testing.T) {
	for _, tt := range []struct {
		env  map[string]string
		want bool // Chinese
	}{
		{map[string]string{"LANG": "zh_CN.UTF-8"}, true},
		{map[string]string{"LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"}, false},
		{map[string]string{"LC_MESSAGES": "zh_TW.UTF-8"}, true},
		{map[string]string{"LANG": "C"}, false},
		{map[string]string{}, false},
	} {
		got := FromEnvironment(func(k string) string { return tt.env[k] }) == Chinese
		if got != tt.want {
			t.Errorf("%v: Chinese = %v", tt.env, got)
		}
	}
	for in, want := range map[string]bool{"zh": true, "zh-CN": true, "en": true, "fr": false} {
		if _, ok := Parse(in); ok != want {
			t.Errorf("Parse(%q) ok = %v", in, ok)
		}
	}
}

func TestPlaceholders(t *testing.T) {
	got := Placeholders("%s: %d of %[2]d, 100%% %.1f %q")
	want := []string{"%s", "%d", "%[2]d", "%.1f", "%q"}
	if !slices.Equal(got, want) {
		t.Errorf("Placeholders = %v", got)
	}
}
