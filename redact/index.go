package redact

import (
	"math/bits"
	"sync/atomic"
)

// The index finds, at each position of a text, the patterns that may start
// near it. It replaces an Aho–Corasick automaton that had to be rebuilt
// from every pattern whenever a secret was added, under the lock every
// masker waited on, with a dense table of several kilobytes per secret
// (bench/README.md has the figures).
//
// Each pattern is filed under one anchor: 8 bytes of its text (fewer for a
// pattern shorter than 8) at an offset chosen so that few patterns share an
// anchor, folded as the scanner folds text (see foldTable). The scanner
// forms the folded 8-byte window at every position of the text and asks a
// Bloom-like filter (two bits in one 64-bit word per anchor, ~32 bits per
// anchor) whether it may be an anchor; about one position in a few hundred
// gets past it to the hash table, which holds the anchors themselves and
// the chain of patterns filed under each.
//
// Writers (Add, serialized by Redactor.mu) change the index in place with
// atomic stores, in an order that lets readers, who take no lock, see either
// the index before an insertion or after it: a pattern is written before the
// table slot that leads to it, and the slot before the filter bits. Nothing
// is ever removed, so a reader never sees a pattern disappear. What grows
// is copied: a table shard (1/256 of the table) when it is three quarters
// full, the filter when it holds more than two anchors per word; the copy
// is published with an atomic pointer and readers that hold the old one
// keep a complete view of what it held. Nothing is rebuilt from every
// secret for one new value: the work of an Add is its own patterns, plus a
// copy of what doubles, which adds up to a constant per pattern.

// nShards splits the anchor table so that growing one part copies little.
const nShards = 256

// maxChain is how many patterns may share an anchor before a new pattern
// looks for another offset of its text to be filed under.
const maxChain = 4

const (
	kFilter = 0x9E3779B97F4A7C15 // Fibonacci hashing for the filter
	kTable  = 0xD6E8FEB86659FD93
)

// kind says how a pattern's text is compared with the text at a hit.
type kind uint8

const (
	exact           kind = iota // byte for byte
	folded                      // ASCII letters in any case
	base64Alphabets             // '+' and '-', '/' and '_' alike (standard and URL-safe base64)
)

// widen says how far a hit on a base64 core may grow: a secret inside a
// larger base64 text shares its first and last characters with its
// neighbours (the "mixed" characters), and a standalone encoding may end
// with padding.
type widen uint8

const (
	widenLeft   widen = 1 << iota // one base64 character before the core
	widenRight                    // one base64 character after it, then up to two '='
	widenBase32                   // up to six '=' after that character (base32)
)

// pattern is one text that is masked wherever it occurs. It keeps the
// text itself only when the text is a secret as written (folded for a
// folded pattern); an encoding of one keeps the secret and how the text is
// written from it (see derivation), and writes the text out where an
// anchor of it is confirmed.
type pattern struct {
	src   string
	n     int32 // the length of the text
	next  int32 // the next pattern filed under the same anchor, or -1
	off   int32 // where the anchor starts in the text
	kind  kind
	widen widen
	enc   derivation
}

// appendText appends p's text to dst.
func (p *pattern) appendText(dst []byte) []byte {
	if p.enc == asIs {
		return append(dst, p.src...)
	}
	n := len(dst)
	dst = p.enc.appendText(dst, p.src)
	if p.kind == folded {
		for i := n; i < len(dst); i++ {
			dst[i] = lowerASCII(dst[i])
		}
	}
	return dst
}

// appendTextPrefix appends the first n bytes of p's text (all of it, if it
// is shorter), writing out only the part of an encoding they need: every
// derivation writes at least one byte of text per byte of the secret, and
// its first n bytes depend on the secret's first n+4 bytes alone
// (TestTextPrefix).
func (p *pattern) appendTextPrefix(dst []byte, n int) []byte {
	q := *p
	if len(q.src) > n+4 {
		q.src = q.src[:n+4]
	}
	start := len(dst)
	dst = q.appendText(dst)
	return dst[:min(len(dst), start+n)]
}

// slot is one entry of an anchor table: an anchor and the last pattern filed
// under it. head is written last (with id+1; 0 is an empty slot).
type slot struct {
	key  atomic.Uint64
	head atomic.Int32
}

type table struct {
	slots []slot
	used  int // written and read by the writer only
}

// filter is the first test of a window: two bits of one word per anchor.
type filter struct {
	words []atomic.Uint64
	shift uint // 64 - log2(len(words))
}

func newFilter(logWords uint) *filter {
	return &filter{words: make([]atomic.Uint64, 1<<logWords), shift: 64 - logWords}
}

// The word of an anchor is the top bits of its hash, which depend on all
// of its bytes; its two bits are taken at fixed places below them, so that
// the scanner's loop shifts by a register once, not three times (the
// shift by a register takes CL on amd64 without BMI2, and spills).
const (
	filterBit1 = 26
	filterBit2 = 32
	// maxFilterLog keeps the word's bits above the bits' (2^26 words,
	// 512 MB: more than any number of secrets needs).
	maxFilterLog = 64 - filterBit2 - 6
)

// probe returns the word and the two bits of key.
func (f *filter) probe(key uint64) (*atomic.Uint64, uint64) {
	w, bits := f.slot(key)
	return &f.words[w], bits
}

// slot returns the index of key's word and its two bits.
func (f *filter) slot(key uint64) (uint64, uint64) {
	h := key * kFilter
	return h >> f.shift, 1<<(h>>filterBit1&63) | 1<<(h>>filterBit2&63)
}

func (f *filter) add(key uint64) {
	w, bits := f.probe(key)
	w.Or(bits)
}

func (f *filter) has(key uint64) bool {
	w, bits := f.probe(key)
	return w.Load()&bits == bits
}

// index is the set of searched patterns. The zero value is empty and ready.
type index struct {
	filter atomic.Pointer[filter]
	shards [nShards]atomic.Pointer[table]
	// chunks[i] holds the patterns with ids [16·(2^i−1), 16·(2^(i+1)−1)):
	// a fixed directory, so that readers find a pattern in two loads and
	// the writer never copies patterns to grow.
	chunks [27]atomic.Pointer[[]pattern]
	// lens has bit n set when some anchor is n bytes long.
	lens atomic.Uint32
	// maxLen and minLen are the lengths of the longest and the shortest
	// pattern (minLen is 0 while there is none).
	maxLen, minLen atomic.Int32
	// maxOff is the furthest offset of an anchor in its pattern's text.
	maxOff atomic.Int32
	// sampled is the sampled filter (sampled.go), nil when there is none;
	// noSample says it was dropped for good.
	sampled  atomic.Pointer[sampled]
	noSample atomic.Bool

	// few holds the patterns while there are at most maxFew (nil
	// otherwise), for scanFew. Only the Redactor's main index keeps it.
	few atomic.Pointer[fewSet]
	// fewAnchors lists the anchors while there are at most maxFewAnchors,
	// all of 8 bytes (nil otherwise), for the ends of a text (cutSpans).
	fewAnchors atomic.Pointer[[]fewAnchor]

	// Writer only.
	patterns    int32
	anchors     int
	manyOrShort bool // more than maxFew patterns were filed
	pendingFew  []pendingPattern
	manyAnchors bool // more than maxFewAnchors anchors, or a short one
	// sampledEntries is how many windows the sampled filter holds.
	sampledEntries int
	sampleKeys     []uint64 // noteSampled's buffer
	// samplesEnds says the sampled filter holds the windows that end each
	// text, not those that start it (the tails' index: see cutSpans), and
	// sampledLogCap is the log of the most words it may take (0: the
	// index keeps none).
	samplesEnds   bool
	sampledLogCap uint
	// alikeAlphabets says the index's patterns are confirmed with
	// foldTable (foldedEqual, the ends'), which takes '-' for '+' and '_'
	// for '/': the sampled filter spells their windows both ways.
	alikeAlphabets bool
}

// insert files p, whose text is text, under an anchor of n bytes (n ≤ 8)
// of it. The caller holds the writer's lock.
func (ix *index) insert(p pattern, text string, n int) {
	key, off := ix.chooseAnchor(text, n)
	ix.insertAt(p, key, off, n)
}

// insertAt files p under the anchor key of n bytes, found at off in its
// text.
func (ix *index) insertAt(p pattern, key uint64, off, n int) {
	id := ix.patterns
	p.off = int32(off)
	t := ix.shardFor(key)
	i, found := t.find(key)
	p.next = -1
	if found {
		p.next = t.slots[i].head.Load() - 1
	}
	ix.store(id, p)
	ix.patterns++
	if !found {
		if t.used+1 > len(t.slots)*3/4 {
			t = ix.grow(key)
			i, _ = t.find(key)
		}
		t.slots[i].key.Store(key)
		t.used++
		ix.anchors++
		ix.noteAnchor(key, n)
	}
	t.slots[i].head.Store(id + 1)
	f := ix.filter.Load()
	if f == nil || ix.anchors > 2*len(f.words) {
		f = ix.growFilter()
	}
	f.add(key)
	if p.off > ix.maxOff.Load() {
		ix.maxOff.Store(p.off)
	}
	ix.lens.Or(1 << n)
	if l := p.n; l > ix.maxLen.Load() {
		ix.maxLen.Store(l)
	}
	if l := p.n; ix.minLen.Load() == 0 || l < ix.minLen.Load() {
		ix.minLen.Store(l)
	}
}

// chooseAnchor returns the key of the anchor of n bytes a new pattern is
// filed under, and its offset in text: the first one (the start of text)
// unless maxChain patterns share it already, else the offset, in steps of n,
// whose anchor has the shortest chain. Secrets with a common prefix
// ("sk_live_", a JSON web token's header) end up under different anchors.
func (ix *index) chooseAnchor(text string, n int) (uint64, int) {
	best, bestOff, bestLen := anchorKey(text, 0, n), 0, ix.chainLen(anchorKey(text, 0, n))
	if bestLen < maxChain {
		return best, 0
	}
	for off := n; off+n <= len(text); off += n {
		k := anchorKey(text, off, n)
		if l := ix.chainLen(k); l < bestLen {
			best, bestOff, bestLen = k, off, l
			if l == 0 {
				break
			}
		}
	}
	if last := len(text) - n; last > 0 && last%n != 0 && bestLen > 0 {
		if k := anchorKey(text, last, n); ix.chainLen(k) < bestLen {
			best, bestOff = k, last
		}
	}
	return best, bestOff
}

func (ix *index) chainLen(key uint64) int {
	t := ix.shards[shardOf(key)].Load()
	if t == nil {
		return 0
	}
	i, ok := t.find(key)
	if !ok {
		return 0
	}
	n := 0
	for id := t.slots[i].head.Load() - 1; id >= 0 && n < 64; id = ix.pattern(id).next {
		n++
	}
	return n
}

// anchorKey folds text[off:off+n] into a key. A key of fewer than 8 bytes
// carries its length in its top byte, which the bytes leave empty.
func anchorKey(text string, off, n int) uint64 {
	var k uint64
	for i := n - 1; i >= 0; i-- {
		k = k<<8 | uint64(foldTable[text[off+i]])
	}
	if n < 8 {
		k |= uint64(n) << 56
	}
	return k
}

func shardOf(key uint64) uint64 { return mix(key) >> 56 }

// mix spreads every bit of key over the result (the finalizer of
// MurmurHash3), for the table: a filter hit is rare, so it may cost more
// than the filter's one multiplication.
func mix(key uint64) uint64 {
	key ^= key >> 33
	key *= kTable
	key ^= key >> 33
	return key
}

// find returns the slot of key in t, or the empty slot where it would go.
func (t *table) find(key uint64) (int, bool) {
	mask := len(t.slots) - 1
	for i := int(mix(key)) & mask; ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.head.Load() == 0 {
			return i, false
		}
		if s.key.Load() == key {
			return i, true
		}
	}
}

// lookup returns the id of the last pattern filed under key, or -1.
func (ix *index) lookup(key uint64) int32 {
	t := ix.shards[shardOf(key)].Load()
	if t == nil {
		return -1
	}
	mask := len(t.slots) - 1
	for i := int(mix(key)) & mask; ; i = (i + 1) & mask {
		s := &t.slots[i]
		head := s.head.Load()
		if head == 0 {
			return -1
		}
		if s.key.Load() == key {
			return head - 1
		}
	}
}

func (ix *index) shardFor(key uint64) *table {
	p := &ix.shards[shardOf(key)]
	t := p.Load()
	if t == nil {
		t = &table{slots: make([]slot, 8)}
		p.Store(t)
	}
	return t
}

// grow replaces the shard of key by one twice its size.
func (ix *index) grow(key uint64) *table {
	p := &ix.shards[shardOf(key)]
	old := p.Load()
	t := &table{slots: make([]slot, 2*len(old.slots)), used: old.used}
	for i := range old.slots {
		s := &old.slots[i]
		head := s.head.Load()
		if head == 0 {
			continue
		}
		k := s.key.Load()
		j, _ := t.find(k)
		t.slots[j].key.Store(k)
		t.slots[j].head.Store(head)
	}
	p.Store(t)
	return t
}

// growFilter publishes a filter four times the size of the current one (at
// least 64 words), holding every anchor already filed.
func (ix *index) growFilter() *filter {
	logWords := uint(6)
	for 2<<logWords < 2*ix.anchors {
		logWords++
	}
	if old := ix.filter.Load(); old != nil {
		logWords = max(logWords, 64-old.shift+2)
	}
	logWords = min(logWords, maxFilterLog)
	f := newFilter(logWords)
	for i := range ix.shards {
		t := ix.shards[i].Load()
		if t == nil {
			continue
		}
		for j := range t.slots {
			if t.slots[j].head.Load() != 0 {
				f.add(t.slots[j].key.Load())
			}
		}
	}
	ix.filter.Store(f)
	return f
}

// chunkOf returns which chunk holds pattern id, and where in it.
func chunkOf(id int32) (int, int) {
	c := bits.Len32(uint32(id)/16+1) - 1
	return c, int(id) - 16*(1<<c-1)
}

func (ix *index) store(id int32, p pattern) {
	c, i := chunkOf(id)
	ch := ix.chunks[c].Load()
	if ch == nil {
		s := make([]pattern, 16<<c)
		ch = &s
		ix.chunks[c].Store(ch)
	}
	(*ch)[i] = p
}

// pattern returns the pattern with the given id; the caller got id from a
// table slot or a chain, so the pattern was stored before it.
func (ix *index) pattern(id int32) *pattern {
	c, i := chunkOf(id)
	return &(*ix.chunks[c].Load())[i]
}

// has reports whether a pattern with p's text (text), kind and widening is
// filed already, under an anchor of n bytes.
func (ix *index) has(p *pattern, text string, n int) bool {
	key := anchorKey(text, 0, n)
	if ix.inChain(key, p) {
		return true
	}
	if ix.chainLen(key) < maxChain {
		// Chains only grow: a copy would have been filed under this one.
		return false
	}
	for off := n; off+n <= len(text); off += n {
		if ix.inChain(anchorKey(text, off, n), p) {
			return true
		}
	}
	last := len(text) - n
	return last > 0 && last%n != 0 && ix.inChain(anchorKey(text, last, n), p)
}

// inChain reports whether a pattern filed under key is p: the same kind
// and widening, and the same text, written the same way from the same
// secret. Two encodings of different secrets that come out alike (base64
// cores differ in the bits their edges drop) stay two patterns, which find
// the same spans; comparing the way each is written, not the written text,
// keeps Add from writing out every encoded pattern of a chain it looks in.
func (ix *index) inChain(key uint64, p *pattern) bool {
	for id := ix.lookup(key); id >= 0; {
		q := ix.pattern(id)
		if q.n == p.n && q.kind == p.kind && q.widen == p.widen && q.enc == p.enc && q.src == p.src {
			return true
		}
		id = q.next
	}
	return false
}

// eachText calls f with the text of every pattern filed. The caller holds
// the writer's lock.
func (ix *index) eachText(f func(string)) {
	ix.eachPattern(0, func(text string, _ kind) { f(text) })
}

// eachPattern calls f with the text, or at least its first prefix bytes
// when prefix > 0, and the kind of every pattern filed; the text is valid
// during the call only. The caller holds the writer's lock.
func (ix *index) eachPattern(prefix int, f func(text string, k kind)) {
	var buf []byte
	for id := range ix.patterns {
		p := ix.pattern(id)
		if p.enc == asIs {
			f(p.src, p.kind)
			continue
		}
		if prefix > 0 {
			buf = p.appendTextPrefix(buf[:0], prefix)
		} else {
			buf = p.appendText(buf[:0])
		}
		f(stringOf(buf), p.kind)
	}
}
