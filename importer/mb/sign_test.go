package mb

import "testing"

// The vector was computed independently:
//
//	printf '%s' 'gpid=1001&msid=24667&nonce=5f2b9c&op=cardimport&signtype=sha1&timestamp=20261123101500,KEY123,SECRET456' | sha1sum
func TestSignVector(t *testing.T) {
	get := map[string]string{
		"gpid":      "1001",
		"msid":      "24667",
		"timestamp": "20261123101500",
		"nonce":     "5f2b9c",
		"signtype":  "sha1",
		"op":        "cardimport",
		"sign":      "ignored: sign never signs itself",
	}
	const want = "e61d207aee7fb92fb4a11015075581dabeb93bff"
	if got := Sign(get, "KEY123", "SECRET456"); got != want {
		t.Fatalf("Sign = %s, want %s", got, want)
	}
}

func TestSignDependsOnEveryInput(t *testing.T) {
	base := map[string]string{"gpid": "1", "op": "x", "timestamp": "20260101000000"}
	ref := Sign(base, "k", "s")
	tests := []struct {
		name string
		get  map[string]string
		key  string
		sec  string
	}{
		{"value changed", map[string]string{"gpid": "2", "op": "x", "timestamp": "20260101000000"}, "k", "s"},
		{"param added", map[string]string{"gpid": "1", "op": "x", "timestamp": "20260101000000", "type": "15"}, "k", "s"},
		{"api key", base, "k2", "s"},
		{"secret", base, "k", "s2"},
		{"key and secret swapped", base, "s", "k"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if Sign(tt.get, tt.key, tt.sec) == ref {
				t.Errorf("signature did not change")
			}
		})
	}
	withSign := map[string]string{"gpid": "1", "op": "x", "timestamp": "20260101000000", "sign": "abc"}
	if Sign(withSign, "k", "s") != ref {
		t.Errorf("an existing sign parameter changed the signature")
	}
}
