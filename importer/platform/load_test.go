package platform

import "testing"

func TestSaysOverloaded(t *testing.T) {
	for msg, want := range map[string]Load{
		"请求过于频繁，请稍后再试":                 Throttled,
		"請求過於頻繁":                       Throttled,
		"接口限流":                         Throttled,
		"访问过快":                         Throttled,
		"Too Many Requests":            Throttled,
		"rate limit exceeded":          Throttled,
		"系统繁忙":                         Busy,
		"系統繁忙":                         Busy,
		"服务器忙碌，请稍后再试":                  Busy,
		"Server busy, try again later": Busy,
		"卡号100101已存在":                  NotOverloaded,
		"nonce重复":                      NotOverloaded, // mb's own word, mb decides
		"":                             NotOverloaded,
	} {
		if got := SaysOverloaded(msg); got != want {
			t.Errorf("SaysOverloaded(%q) = %v, want %v", msg, got, want)
		}
	}
}
