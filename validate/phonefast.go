package validate

import (
	"regexp/syntax"

	"github.com/nyaruka/phonenumbers"
)

// The phone fast path. Nearly every phone of a roster is a mobile typed as
// its national digits (13800138000). libphonenumber answers for it with a
// dozen regular expressions (ParseToNumber, then GetNumberType), some 4 µs
// a number, a quarter of a whole row's check. The fast path answers the
// same question from the same metadata: at start-up each number
// description of the region (general, premium, toll-free… fixed line,
// mobile) is turned into a deterministic automaton over the ten digits,
// and a number is typed by walking its digits once through each, in
// GetNumberType's order — well under a microsecond. It only ever says
// "mobile"; anything else (and any number libphonenumber's parser might
// rewrite first: a national or international prefix, the country code)
// goes to libphonenumber, whose verdict and wording stand. Tests compare
// both paths over the test corpus, every CN prefix and a fuzz target.

// digitDFA is a deterministic automaton over the digits 0-9, built from
// one of libphonenumber's patterns. State 0 is dead.
type digitDFA struct {
	next   [][10]uint16 // transitions, by state
	accept []bool       // the pattern matches the digits read so far
}

// maxDFAStates bounds an automaton; a pattern that needs more is left to
// libphonenumber (no region's does).
const maxDFAStates = 1 << 14

// newDigitDFA compiles a libphonenumber pattern; nil when the pattern uses
// what a digit automaton cannot model (anchors, word boundaries) or is too
// large.
func newDigitDFA(pattern string) *digitDFA {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return nil
	}
	prog, err := syntax.Compile(re.Simplify())
	if err != nil {
		return nil
	}
	for _, in := range prog.Inst {
		if in.Op == syntax.InstEmptyWidth {
			return nil
		}
	}
	// Subset construction: a DFA state is the sorted set of the program's
	// rune and match instructions reachable without reading.
	d := &digitDFA{next: [][10]uint16{{}}, accept: []bool{false}}
	ids := map[string]uint16{"": 0}
	var sets [][]uint32
	sets = append(sets, nil)
	add := func(set []uint32) (uint16, bool) {
		key := setKey(set)
		if id, ok := ids[key]; ok {
			return id, true
		}
		if len(d.next) >= maxDFAStates {
			return 0, false
		}
		id := uint16(len(d.next))
		ids[key] = id
		sets = append(sets, set)
		d.next = append(d.next, [10]uint16{})
		acc := false
		for _, pc := range set {
			if prog.Inst[pc].Op == syntax.InstMatch {
				acc = true
			}
		}
		d.accept = append(d.accept, acc)
		return id, true
	}
	if _, ok := add(closure(prog, []uint32{uint32(prog.Start)})); !ok {
		return nil
	}
	for s := 1; s < len(d.next); s++ {
		for digit := range 10 {
			var moved []uint32
			for _, pc := range sets[s] {
				in := &prog.Inst[pc]
				if in.Op != syntax.InstMatch && in.MatchRune(rune('0'+digit)) {
					moved = append(moved, in.Out)
				}
			}
			id, ok := add(closure(prog, moved))
			if !ok {
				return nil
			}
			d.next[s][digit] = id
		}
	}
	return d
}

// closure follows the empty moves of the program from pcs and returns the
// sorted, distinct rune and match instructions reached.
func closure(prog *syntax.Prog, pcs []uint32) []uint32 {
	seen := make(map[uint32]bool)
	var out []uint32
	stack := append([]uint32(nil), pcs...)
	for len(stack) > 0 {
		pc := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[pc] {
			continue
		}
		seen[pc] = true
		in := &prog.Inst[pc]
		switch in.Op {
		case syntax.InstAlt, syntax.InstAltMatch:
			stack = append(stack, in.Out, in.Arg)
		case syntax.InstCapture, syntax.InstNop:
			stack = append(stack, in.Out)
		case syntax.InstFail:
		default: // runes and match
			out = append(out, pc)
		}
	}
	// insertion sort: the sets are small
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

func setKey(set []uint32) string {
	b := make([]byte, 0, 4*len(set))
	for _, pc := range set {
		b = append(b, byte(pc), byte(pc>>8), byte(pc>>16), byte(pc>>24))
	}
	return string(b)
}

// match reports whether the whole of digits (ASCII '0'-'9') matches.
func (d *digitDFA) match(digits []byte) bool {
	s := uint16(1)
	for _, c := range digits {
		if s = d.next[s][c-'0']; s == 0 {
			return false
		}
	}
	return d.accept[s]
}

// matchesPrefix reports whether the pattern matches some start of digits,
// the empty one included.
func (d *digitDFA) matchesPrefix(digits []byte) bool {
	s := uint16(1)
	if d.accept[s] {
		return true
	}
	for _, c := range digits {
		if s = d.next[s][c-'0']; s == 0 {
			return false
		}
		if d.accept[s] {
			return true
		}
	}
	return false
}

// numberDesc is one number description of a region: its possible lengths
// and its pattern, as isNumberMatchingDesc reads them.
type numberDesc struct {
	lens []int32
	dfa  *digitDFA
	none bool // no pattern: nothing matches
}

func newNumberDesc(d *phonenumbers.PhoneNumberDesc) (numberDesc, bool) {
	if d == nil || d.NationalNumberPattern == nil {
		return numberDesc{none: true}, true
	}
	// libphonenumber anchors the pattern (^(?:…)$); the automaton matches
	// whole inputs anyway.
	dfa := newDigitDFA("(?:" + d.GetNationalNumberPattern() + ")")
	if dfa == nil {
		return numberDesc{}, false
	}
	return numberDesc{lens: d.PossibleLength, dfa: dfa}, true
}

// matches is libphonenumber's isNumberMatchingDesc.
func (nd *numberDesc) matches(digits []byte) bool {
	if nd.none {
		return false
	}
	if len(nd.lens) > 0 {
		found := false
		for _, l := range nd.lens {
			if int(l) == len(digits) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return nd.dfa.match(digits)
}

// fastPath types a region's numbers as GetNumberType does.
type fastPath struct {
	cc      string // the calling code's digits: 86
	general numberDesc
	others  []numberDesc // premium … voicemail, checked before fixed line
	fixed   numberDesc
	mobile  numberDesc
	same    bool        // SameMobileAndFixedLinePattern
	prefix  []*digitDFA // NationalPrefixForParsing and InternationalPrefix, those the region has
}

// newFastPath builds the fast path of a region; nil when a pattern cannot
// be modelled, the region shares its calling code (+1: the region of a
// number depends on more than its digits), or it has no metadata.
func newFastPath(md *phonenumbers.PhoneMetadata, shared bool) *fastPath {
	if md == nil || shared {
		return nil
	}
	fp := &fastPath{same: md.GetSameMobileAndFixedLinePattern()}
	var ok bool
	if fp.general, ok = newNumberDesc(md.GetGeneralDesc()); !ok {
		return nil
	}
	for _, d := range []*phonenumbers.PhoneNumberDesc{
		md.GetPremiumRate(), md.GetTollFree(), md.GetSharedCost(), md.GetVoip(),
		md.GetPersonalNumber(), md.GetPager(), md.GetUan(), md.GetVoicemail(),
	} {
		nd, ok := newNumberDesc(d)
		if !ok {
			return nil
		}
		if !nd.none {
			fp.others = append(fp.others, nd)
		}
	}
	if fp.fixed, ok = newNumberDesc(md.GetFixedLine()); !ok {
		return nil
	}
	if fp.mobile, ok = newNumberDesc(md.GetMobile()); !ok {
		return nil
	}
	for _, p := range []string{md.GetNationalPrefixForParsing(), md.GetInternationalPrefix()} {
		if p == "" {
			continue
		}
		dfa := newDigitDFA("(?:" + p + ")")
		if dfa == nil {
			return nil
		}
		fp.prefix = append(fp.prefix, dfa)
	}
	fp.cc = itoa(int(md.GetCountryCode()))
	return fp
}

// isMobile reports whether digits, a number typed without + and without a
// leading 0, are a mobile number of the region as libphonenumber would
// type it. False means "ask libphonenumber", not "not a mobile".
func (fp *fastPath) isMobile(digits []byte) bool {
	if fp == nil || len(digits) == 0 || digits[0] == '0' {
		return false
	}
	// Numbers the parser might rewrite before typing them.
	if len(digits) >= len(fp.cc) && string(digits[:len(fp.cc)]) == fp.cc {
		return false
	}
	for _, p := range fp.prefix {
		if p.matchesPrefix(digits) {
			return false
		}
	}
	if !fp.general.matches(digits) {
		return false
	}
	for i := range fp.others {
		if fp.others[i].matches(digits) {
			return false
		}
	}
	if fp.fixed.matches(digits) {
		return fp.same || fp.mobile.matches(digits)
	}
	return !fp.same && fp.mobile.matches(digits)
}

// itoa is strconv.Itoa for small non-negative numbers.
func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}
