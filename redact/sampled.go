package redact

import "encoding/binary"

// Past maxFew patterns, the scanner tests the folded window at every
// position of a text against the anchor filter (nextCandidate): about
// seven operations a byte, most of a mask's time. When every pattern is
// long, most of those tests can be skipped. An occurrence of a pattern at
// least stride+7 bytes long holds a window of 8 bytes at each of its first
// stride offsets, so exactly one of those windows starts at a multiple of
// stride. The sampled filter holds each pattern's windows at its first
// stride offsets, and the scanner tests only the windows that start at
// multiples of stride. Where one passes, the exact scan runs over the
// positions where the anchor of a pattern that holds that window can be,
// which are at most stride-1 before it and the furthest anchor offset
// after it. A text that holds no secret costs one test per stride bytes
// instead of one per byte.
//
// A sampled window is not folded byte by byte. It is the 8 bytes of text
// with one bit (0x20) set in each, which makes both cases of a letter
// alike in one OR. The pattern side files every spelling of each window
// that its kind matches, after the same OR: a base64 window with k of
// '+', '/', '-' or '_' in it is filed 2^k times.
//
// The sampled filter costs stride entries a pattern, more for a base64
// pattern with those characters, and an Add that keeps it up to date costs
// about a fifth more. So it is built by the first mask that would test
// every position of a text without it (sampledFor), if no Add is running
// then; from then on, Add keeps it up to date. It is kept while it fits in
// its index's sampledLogCap words (8 MiB for the patterns, about twenty
// thousand secrets of the usual lengths; 1 MiB for each end's), while
// every pattern allows a stride of at least minStride, and while no window
// has more than maxSpellings spellings. Past any of these, it is dropped
// for good, and every position is tested again: with a hundred thousand
// secrets, a Redactor holds what it held before there was one.

const (
	maxStride     = 8
	minStride     = 4
	maxSampledLog = 20
	// maxEndSampledLog bounds the filters of the ends' indexes (1 MiB
	// each, about thirty thousand secrets), which hold a few windows a
	// secret, not a few a form.
	maxEndSampledLog = 17
	// minSampledLog sizes the first filter (16 KiB) for five hundred
	// patterns: a rebuild writes out the start of every pattern again.
	minSampledLog = 11
	maxSpellings  = 16
)

// sampled is a published sampled filter. Its stride only shrinks: a
// filter built for a longer stride holds the windows of a shorter one too.
type sampled struct {
	f      *filter
	stride int
}

// sampleKey is the key of a window of text in the sampled filter.
func sampleKey(w uint64) uint64 { return w | 0x2020202020202020 }

// noteSampled files, in the sampled filter if there is one, the windows of
// a pattern that is about to be filed, whose text is text and kind k. The
// caller holds the writer's lock.
func (ix *index) noteSampled(text string, k kind) {
	cur := ix.sampled.Load()
	if cur == nil {
		return // none yet (sampledFor builds it), or dropped
	}
	stride := min(cur.stride, len(text)-windowLen+1)
	if stride < minStride {
		ix.dropSampled()
		return
	}
	keys, ok := ix.appendWindowKeys(ix.sampleKeys[:0], text, k, stride)
	if !ok {
		ix.dropSampled()
		return
	}
	switch {
	case ix.sampledEntries+len(keys) > 2*len(cur.f.words):
		if cur = ix.rebuildSampled(stride, len(keys)); cur == nil {
			return
		}
		// The rebuild used the buffer.
		keys, _ = ix.appendWindowKeys(ix.sampleKeys[:0], text, k, stride)
	case stride < cur.stride:
		cur = &sampled{f: cur.f, stride: stride}
		ix.sampled.Store(cur)
	}
	for _, key := range keys {
		cur.f.add(key)
	}
	ix.sampledEntries += len(keys)
	ix.sampleKeys = keys
}

// sampledFor returns the sampled filter of ix, r's main index or one of
// its ends', building it if there is none yet and no Add is running (a
// mask never waits); nil if there is none. Its caller is about to test
// every position of a text.
func (r *Redactor) sampledFor(ix *index) *sampled {
	if s := ix.sampled.Load(); s != nil || ix.noSample.Load() || !r.mu.TryLock() {
		return s
	}
	defer r.mu.Unlock()
	if s := ix.sampled.Load(); s != nil || ix.noSample.Load() {
		return s
	}
	stride := min(maxStride, int(ix.minLen.Load())-windowLen+1)
	if stride < minStride {
		ix.dropSampled()
		return nil
	}
	return ix.rebuildSampled(stride, 0)
}

// rebuildSampled publishes a sampled filter of the given stride, twice
// the size of the current one at least and with room for extra more
// entries, holding the windows of every pattern filed; nil if it would be
// too big. Doubling keeps the rebuilds' cost a constant per pattern.
func (ix *index) rebuildSampled(stride, extra int) *sampled {
	logWords := uint(minSampledLog)
	if cur := ix.sampled.Load(); cur != nil {
		logWords = 64 - cur.f.shift + 1
	}
	// Before the first build, sampledEntries is 0: the patterns' count
	// tells how many windows there are, spellings aside.
	for 2<<logWords < max(ix.sampledEntries, int(ix.patterns)*stride)+extra {
		logWords++
	}
	if logWords > ix.sampledLogCap {
		ix.dropSampled()
		return nil
	}
	s := &sampled{f: newFilter(logWords), stride: stride}
	entries, ok := 0, true
	prefix := stride + windowLen - 1
	if ix.samplesEnds {
		prefix = 0 // the whole text, whose end is sampled
	}
	ix.eachPattern(prefix, func(text string, k kind) {
		if ok {
			ix.sampleKeys, ok = ix.appendWindowKeys(ix.sampleKeys[:0], text, k, stride)
			for _, key := range ix.sampleKeys {
				s.f.add(key)
			}
			entries += len(ix.sampleKeys)
		}
	})
	if !ok {
		ix.dropSampled()
		return nil
	}
	ix.sampledEntries = entries
	ix.sampled.Store(s)
	return s
}

func (ix *index) dropSampled() {
	ix.noSample.Store(true)
	ix.sampled.Store(nil)
	ix.sampleKeys = nil
}

// appendWindowKeys is the package's appendWindowKeys for the windows ix
// samples: the first stride of text, or its last (samplesEnds).
func (ix *index) appendWindowKeys(dst []uint64, text string, k kind, stride int) ([]uint64, bool) {
	if ix.samplesEnds {
		text = text[max(0, len(text)-(stride+windowLen-1)):]
	}
	if ix.alikeAlphabets {
		// base64Alphabets' spellings, with the OR's case folding, are
		// foldTable's.
		k = base64Alphabets
	}
	return appendWindowKeys(dst, text, k, stride)
}

// appendWindowKeys appends the sample keys of the windows of text at
// offsets [0, stride), in every spelling a pattern of kind k matches; it
// reports false if a window has more than maxSpellings.
func appendWindowKeys(dst []uint64, text string, k kind, stride int) ([]uint64, bool) {
	for off := 0; off < stride && off+windowLen <= len(text); off++ {
		w := bytesOf(text[off : off+windowLen])
		if k != base64Alphabets || !hasAlphabetSymbol(w) {
			// One spelling after the OR: the bytes themselves, or
			// either case of a letter.
			dst = append(dst, sampleKey(binary.LittleEndian.Uint64(w)))
			continue
		}
		n := len(dst)
		dst = append(dst, 0)
		for i, c := range w {
			raw, nraw := spellings(k, c)
			shift := 8 * uint(i)
			c0 := uint64(raw[0]) << shift
			if nraw == 1 {
				for j := n; j < len(dst); j++ {
					dst[j] |= c0
				}
				continue
			}
			if 2*(len(dst)-n) > maxSpellings {
				return dst, false
			}
			c1 := uint64(raw[1]) << shift
			for j, end := n, len(dst); j < end; j++ {
				dst = append(dst, dst[j]|c1)
				dst[j] |= c0
			}
		}
		for j := n; j < len(dst); j++ {
			dst[j] = sampleKey(dst[j])
		}
	}
	return dst, true
}

// hasAlphabetSymbol reports whether w holds a byte that base64's two
// alphabets spell differently.
func hasAlphabetSymbol(w []byte) bool {
	for _, c := range w {
		if c == '+' || c == '/' || c == '-' || c == '_' {
			return true
		}
	}
	return false
}

// scanSampled calls hit with each i where the folded window b[i:i+8]
// passes the anchor filter and may be the anchor of a pattern whose window
// the sampled filter s holds.
func (m *matcher) scanSampled(b []byte, s *sampled, hit func(i int, key uint64)) {
	last := len(b) - windowLen
	back, ahead := s.stride-1, m.maxOff
	next := 0 // the first window position the exact scan has not covered
	for j := 0; ; j += s.stride {
		if j = nextSampled(b, j, last, s); j < 0 {
			return
		}
		lo, hi := max(j-back, next), min(j+ahead, last)
		candidates(b, lo, hi, m.f, hit)
		next = hi + 1
	}
}

// has reports whether the window b[j:j+8] passes s.
func (s *sampled) has(b []byte, j int) bool {
	return s.f.has(sampleKey(binary.LittleEndian.Uint64(b[j:])))
}

// nextSampled returns the first position from j on, in steps of the
// stride, up to last, whose window passes the sampled filter; -1 if none
// does. It calls nothing, so that its loop keeps every value in a
// register.
func nextSampled(b []byte, j, last int, s *sampled) int {
	words := s.f.words
	mask := uint64(len(words) - 1)
	shift := s.f.shift & 63
	stride := s.stride
	for ; j <= last; j += stride {
		h := sampleKey(binary.LittleEndian.Uint64(b[j:])) * kFilter
		if x := words[h>>shift&mask].Load(); x&(1<<(h>>filterBit1&63)) != 0 && x&(1<<(h>>filterBit2&63)) != 0 {
			return j
		}
	}
	return -1
}
