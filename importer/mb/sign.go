package mb

import (
	"crypto/sha1"
	"encoding/hex"
	"sort"
	"strings"
)

// Sign computes get.sign (SPEC §4). The vendor's document only says "the get
// group takes part in the signature" and that the signing key is
// "ApiKey,appsecret" with sha1; the agreed reading is: every get parameter
// except sign, sorted by key in byte order, joined as k=v with &, values
// raw (not URL-escaped), then "," + apiKey + "," + appSecret appended, sha1,
// lower-case hex. Keep this the one place to adjust against the vendor.
func Sign(get map[string]string, apiKey, appSecret string) string {
	keys := make([]string, 0, len(get))
	for k := range get {
		if k != "sign" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(get[k])
	}
	b.WriteString(",")
	b.WriteString(apiKey)
	b.WriteString(",")
	b.WriteString(appSecret)
	sum := sha1.Sum([]byte(b.String()))
	return hex.EncodeToString(sum[:])
}
