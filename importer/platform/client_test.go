package platform

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"
)

func TestFlex(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{`"1"`, "1"}, {`1`, "1"}, {`8481085`, "8481085"}, {`100.88`, "100.88"}, {`12345678901234567890`, "12345678901234567890"},
		{`null`, ""}, {`""`, ""}, {`true`, "true"}, {`"发卡成功"`, "发卡成功"},
	} {
		var f Flex
		if err := json.Unmarshal([]byte(tt.in), &f); err != nil || string(f) != tt.want {
			t.Errorf("Flex(%s) = %q, %v; want %q", tt.in, f, err, tt.want)
		}
	}
	for _, bad := range []string{`{}`, `[1]`} {
		var f Flex
		if err := json.Unmarshal([]byte(bad), &f); err == nil {
			t.Errorf("Flex(%s) accepted", bad)
		}
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		h    string
		want time.Duration
	}{{"", 0}, {"3", 3 * time.Second}, {"-1", 0}, {"soon", 0}, {now.Add(5 * time.Second).Format(http.TimeFormat), 5 * time.Second}} {
		if got := RetryAfter(tt.h, now); got != tt.want {
			t.Errorf("RetryAfter(%q) = %v, want %v", tt.h, got, tt.want)
		}
	}
}

// An unreadable answer is quoted in errors, which reach logs and reports:
// its phones are masked, whole or cut by the 60-character limit.
func TestSnippetMasksPhones(t *testing.T) {
	for _, tt := range []struct{ raw, want string }{
		{`{"org_name":"沙盒測試商戶","phone":"13900000026","id":7}`, `"{\"org_name\":\"沙盒測試商戶\",\"phone\":\"139****0026\",\"id\":7}"`},
		{`{"status":"1","list":[{"id":8482174,"phone":"13912345678"}]}`, `"{\"status\":\"1\",\"list\":[{\"id\":****74,\"phone\":\"139****5678\"}]}"`},
		// cut inside the phone: the run is masked whole
		{`{"org_name":"一家名字很长很长很长很长很长很长很长很长很长很长的餐厅有限公司","tel":"13912345678"}`, `"{\"org_name\":\"一家名字很长很长很长很长很长很长很长很长很长很长的餐厅有限公司\",\"tel\":\"139****5678…"`},
		{"{\"a\":\"\xff\"}", `"{\"a\":\"?\"}"`},
		{`{"status":"1","info":"ok","n":123456}`, `"{\"status\":\"1\",\"info\":\"ok\",\"n\":123456}"`},
	} {
		got := Snippet([]byte(tt.raw))
		if got != tt.want {
			t.Errorf("Snippet(%s)\n = %s\nwant %s", tt.raw, got, tt.want)
		}
	}
}
