package platform

import (
	"errors"
	"testing"
)

func TestStrictJSON(t *testing.T) {
	tests := []struct {
		body string
		ok   bool
	}{
		{`{"status":"1","list":[{"id":1},{"id":2}]}`, true},
		{` [{"id":1,"card_lel_name":"普通"}] `, true},
		{`{"a":{"b":1},"b":{"a":2}}`, true},
		{`{"a":[{"k":1},{"k":2}],"k":3}`, true},
		{`"x"`, true},
		{`{}`, true},
		{`{"status":"1","status":"0"}`, false},
		{`{"list":[{"id":1,"id":2}]}`, false},
		{`{"a":{"b":1,"b":2}}`, false},
		{`{"a":1}{"a":1}`, false},
		{`{"a":1} 2`, false},
		{`{"a":1`, false},
		{``, false},
		{`   `, false},
		{`<html>`, false},
	}
	for _, tt := range tests {
		err := StrictJSON([]byte(tt.body))
		if (err == nil) != tt.ok {
			t.Errorf("StrictJSON(%s) = %v, want ok=%v", tt.body, err, tt.ok)
		}
		if err != nil && !errors.Is(err, ErrAmbiguousBody) {
			t.Errorf("StrictJSON(%s) = %v, not ErrAmbiguousBody", tt.body, err)
		}
	}
}

func FuzzStrictJSON(f *testing.F) {
	for _, s := range []string{`{"a":1}`, `{"a":1,"a":2}`, `[1,{"b":[]}]`, `{"a":{"a":{"a":1}}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		_ = StrictJSON(b) // must not panic
	})
}
