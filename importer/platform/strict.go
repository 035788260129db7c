package platform

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// ErrAmbiguousBody is why an answer that looks like JSON is not taken as
// an answer: it is not exactly one JSON value, or an object in it repeats
// a key ({"status":"1",…,"status":"0"}). Decoders disagree on which of two
// keys wins, so nothing it says can settle a card (SPEC §5).
var ErrAmbiguousBody = errors.New("not exactly one JSON value with unique keys")

// StrictJSON checks that raw holds exactly one JSON value, white space
// around it aside, in which no object repeats a key at any depth.
func StrictJSON(raw []byte) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	// One frame per open object or array; keys are nil for arrays.
	var stack []map[string]bool
	expectKey := false // the next token in the innermost object is a key
	values := 0        // complete top-level values
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("%w: %w", ErrAmbiguousBody, err)
		}
		if len(stack) == 0 && values > 0 {
			return fmt.Errorf("%w: more than one value", ErrAmbiguousBody)
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{':
				stack = append(stack, map[string]bool{})
				expectKey = true
				continue
			case '[':
				stack = append(stack, nil)
				expectKey = false
				continue
			default: // '}' or ']'
				stack = stack[:len(stack)-1]
			}
		case string:
			if expectKey {
				top := stack[len(stack)-1]
				if top[t] {
					return fmt.Errorf("%w: key %q appears twice", ErrAmbiguousBody, t)
				}
				top[t] = true
				expectKey = false
				continue
			}
		}
		// A value ended: in an object, a key comes next.
		if len(stack) == 0 {
			values++
		} else {
			expectKey = stack[len(stack)-1] != nil
		}
	}
	if values != 1 {
		return fmt.Errorf("%w: no value", ErrAmbiguousBody)
	}
	return nil
}
