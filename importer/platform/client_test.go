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
