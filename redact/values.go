package redact

import (
	"hash/maphash"
	"maps"
	"sync/atomic"
)

// Flags of a value in a valueSet.
const (
	taught      uint8 = 1 << iota // given to Add
	wholeExact                    // masked where a whole value equals it
	wholeFolded                   // the same in any ASCII case (stored in lower case)
)

// valueSet maps values to flags, for Knows and for the values masked only
// as a whole. Readers take no lock: each of its shards is a map that is
// copied, changed and published whole by the writer, who holds the
// Redactor's lock. A shard holds 1/256 of the values, so one Add copies a
// few hundred entries even with 100,000 secrets known.
type valueSet struct {
	seed   maphash.Seed
	shards [256]atomic.Pointer[map[string]uint8]
	// wholeLens and foldLens have bit min(len, 63) set for the length of
	// each value masked as a whole (exactly, and in any case), so that most
	// texts need no lookup.
	wholeLens, foldLens atomic.Uint64
}

func (v *valueSet) init() { v.seed = maphash.MakeSeed() }

func (v *valueSet) shard(s string) *atomic.Pointer[map[string]uint8] {
	return &v.shards[maphash.String(v.seed, s)>>56]
}

func (v *valueSet) get(s string) uint8 {
	m := v.shard(s).Load()
	if m == nil {
		return 0
	}
	return (*m)[s]
}

// apply adds the flags of batch, copying each shard it changes once.
func (v *valueSet) apply(batch map[string]uint8) {
	byShard := map[*atomic.Pointer[map[string]uint8]]map[string]uint8{}
	for s, f := range batch {
		p := v.shard(s)
		if byShard[p] == nil {
			byShard[p] = map[string]uint8{}
		}
		byShard[p][s] = f
	}
	var whole, fold uint64
	for p, add := range byShard {
		next := map[string]uint8{}
		if old := p.Load(); old != nil {
			next = maps.Clone(*old)
		}
		for s, f := range add {
			next[s] |= f
			bit := uint64(1) << min(len(s), 63)
			if f&wholeExact != 0 {
				whole |= bit
			}
			if f&wholeFolded != 0 {
				fold |= bit
			}
		}
		p.Store(&next)
	}
	// After the values: a reader that sees a length finds its values.
	v.foldLens.Or(fold)
	v.wholeLens.Or(whole | fold)
}

// isWhole reports whether the whole value s must be masked although it is
// below the minimum length: it equals a short secret or a whole form of
// one, or decodes to one (in a view of an escaping).
func (m *matcher) isWhole(s string) bool {
	if !m.whole {
		return false
	}
	if m.isWholeText(s) {
		return true
	}
	if len(s) > 64*maxExpansion {
		return false
	}
	b := bytesOf(s)
	trig := triggers(b) & viewTriggers
	if trig == 0 {
		return false
	}
	return m.wholeInViews(b, trig, 0)
}

// isWholeText looks s up as it is.
func (m *matcher) isWholeText(s string) bool {
	v := &m.r.values
	bit := uint64(1) << min(len(s), 63)
	lens := v.wholeLens.Load()
	if lens&bit == 0 {
		return false
	}
	if v.get(s)&wholeExact != 0 {
		return true
	}
	if v.foldLens.Load()&bit == 0 {
		return false
	}
	return v.get(foldASCII(s))&wholeFolded != 0
}

// wholeInViews reports whether b, decoded whole by one decoder (and
// another after it), is a value masked as a whole.
func (m *matcher) wholeInViews(b []byte, trig trigSet, depth int) bool {
	var v view
	for ei := range escapings {
		d := &escapings[ei]
		if trig&(1<<ei) == 0 || !d.decodeAll(b, &v) {
			continue
		}
		if m.isWholeText(stringOf(v.text)) {
			return true
		}
		if depth+1 < maxViewDepth {
			if t := triggers(v.text) & viewTriggers; t != 0 && m.wholeInViews(v.text, t, depth+1) {
				return true
			}
		}
	}
	return false
}
