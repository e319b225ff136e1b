package redact

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
)

// Mask replaces every masked run of text. Its width is fixed, so it does not
// tell how long the secret was, nor how many secrets a run held.
const Mask = "••••••"

// DefaultMinLength is the length, in bytes, below which a secret is masked
// only where a whole value equals it.
const DefaultMinLength = 4

// Option configures a Redactor; New checks each one.
type Option func(*config)

type config struct {
	minLength    int
	minLengthSet bool
	refsVisible  bool
}

// WithMinLength sets the length in bytes below which a secret (or one of its
// encoded forms) is masked only where a whole value equals it, never inside a
// longer text. The default is DefaultMinLength. New fails for n < 1.
func WithMinLength(n int) Option {
	return func(c *config) { c.minLength, c.minLengthSet = n, true }
}

// WithReferencesVisible leaves ref+ references readable, for an operator's
// own debug log where the path of a secret helps and its value is still
// masked. By default every reference is masked: it tells where the secrets
// are kept.
func WithReferencesVisible() Option {
	return func(c *config) { c.refsVisible = true }
}

// A Redactor masks the secrets it was given, their encodings and every ref+
// reference. It is safe for concurrent use, and maskers never wait: no mask
// takes a lock, Add included, and a secret is masked by every mask that
// starts after Add returns.
type Redactor struct {
	minLength   int
	refsVisible bool

	ix index // the patterns searched in text
	// heads and tails file each secret (as given, trimmed, normalized) of
	// more than minCut bytes under its first and its last minCut bytes, to
	// find the pieces of it that the ends of a text cut.
	heads, tails index
	grams        grams    // the runs of three and four bytes of every pattern
	values       valueSet // the values taught, and those masked only as a whole
	numeric      atomic.Bool
	secretCount  atomic.Int64 // how many values were taught, for printing
	// gen counts the Adds that brought news, so that what was masked
	// ahead of time (a slog handler's bound attributes) is masked again.
	gen atomic.Uint64

	mu sync.Mutex // serializes the writers (Add) of ix, values and numeric

	scratch sync.Pool // *scratch: the buffers of views
}

// ErrInvalidOption is wrapped by the errors of New and Middleware for an
// option that is nil or out of range.
var ErrInvalidOption = errors.New("redact: invalid option")

// New returns a Redactor that knows no secret yet; it already masks ref+
// references. When options are invalid it fails with an error that names
// every one of them (joined with errors.Join, each wrapping
// ErrInvalidOption).
func New(opts ...Option) (*Redactor, error) {
	c := config{minLength: DefaultMinLength}
	var errs []error
	for i, opt := range opts {
		if opt == nil {
			errs = append(errs, fmt.Errorf("%w: New: option %d is nil", ErrInvalidOption, i))
			continue
		}
		opt(&c)
	}
	if c.minLengthSet && c.minLength < 1 {
		errs = append(errs, fmt.Errorf("%w: WithMinLength(%d): the length must be at least 1", ErrInvalidOption, c.minLength))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	r := &Redactor{minLength: c.minLength, refsVisible: c.refsVisible}
	r.ix.sampledLogCap = maxSampledLog
	r.heads.sampledLogCap, r.tails.sampledLogCap = maxEndSampledLog, maxEndSampledLog
	r.heads.alikeAlphabets, r.tails.alikeAlphabets = true, true
	r.tails.samplesEnds = true // a suffix of a secret holds its last windows
	r.values.init()
	return r, nil
}

// Add teaches r more secrets. A Redactor never forgets one, so a value that
// was a secret before a rotation stays masked after it. Empty strings are
// ignored.
//
// Add returns once every mask that starts after it masks the new secrets.
// A value already known costs a lookup and no lock. A new one costs the
// derivation of its forms and their insertion into the index, in time that
// does not depend on how many secrets are known (see index); nothing is
// rebuilt, and maskers running meanwhile keep going without waiting.
func (r *Redactor) Add(values ...string) {
	first := -1
	for i, v := range values {
		if v != "" && !r.Knows(v) {
			first = i
			break
		}
	}
	if first < 0 {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	batch := map[string]uint8{}
	news := 0
	for _, v := range values[first:] {
		if v == "" || r.values.get(v)&taught != 0 || batch[v]&taught != 0 {
			continue
		}
		r.teach(v, batch)
		batch[v] |= taught
		news++
	}
	if len(batch) == 0 {
		return
	}
	// In this order, so that a value Knows reports is masked by every mask
	// that starts after: the patterns (above, then the few set), the values masked as a
	// whole, the generation that tells handlers to mask what they cached
	// anew, and only then the values as known.
	whole := map[string]uint8{}
	for v, f := range batch {
		if f&^taught != 0 {
			whole[v] = f &^ taught
		}
	}
	r.ix.publishFew()
	r.values.apply(whole)
	r.gen.Add(1)
	r.values.apply(batch)
	r.secretCount.Add(int64(news))
}

// Knows reports whether value is one of the values taught with Add, as
// given (not trimmed, not decoded). It takes no lock.
func (r *Redactor) Knows(value string) bool {
	return value != "" && r.values.get(value)&taught != 0
}

// teach files the forms of a new secret: the long ones as patterns, the
// short ones as whole values (in batch). The caller holds r.mu.
func (r *Redactor) teach(s string, batch map[string]uint8) {
	// A secret of only spaces is never searched inside text: it would mask
	// every indentation of that width.
	short := len(s) < r.minLength || strings.TrimSpace(s) == ""
	if !short {
		r.addCuts(s)
	}
	for _, f := range forms(s, short) {
		switch {
		case !short && len(f.text) >= r.minLength:
			r.addPattern(f)
		case f.fragment:
			// A piece of a secret is not the secret: a whole value equal
			// to a short piece is left alone.
			continue
		case len(f.text) >= caseFoldFrom:
			batch[foldASCII(f.text)] |= wholeFolded
		default:
			batch[f.text] |= wholeExact
		}
		if isNumberish(f.text) {
			r.numeric.Store(true)
		}
	}
}

// addCuts files the variants of s in heads and tails.
func (r *Redactor) addCuts(s string) {
	for _, v := range variants(s) {
		if len(v) <= minCut || strings.TrimSpace(v) == "" {
			continue
		}
		text := foldASCII(v)
		p := pattern{src: text, n: int32(len(text)), kind: folded}
		if k := anchorKey(text, 0, minCut); !r.heads.inChain(k, &p) {
			r.heads.noteSampled(text, folded)
			r.heads.insertAt(p, k, 0, minCut)
		}
		off := len(text) - minCut
		if k := anchorKey(text, off, minCut); !r.tails.inChain(k, &p) {
			r.tails.noteSampled(text, folded)
			r.tails.insertAt(p, k, off, minCut)
		}
	}
}

// addPattern files f in the index unless it is there already (two secrets
// may share a line, a rotated one its prefix).
func (r *Redactor) addPattern(f form) {
	n := min(len(f.text), 8)
	if n > 4 && n < 8 {
		n = 4 // patterns of 4 to 7 bytes share one anchor length: one probe
	}
	text := f.text
	p := pattern{src: f.src, n: int32(len(text)), kind: f.kind, widen: f.widen, enc: f.enc}
	if p.kind == folded {
		// Kept folded, so that secrets that differ in case only (rotations
		// of one password, say) are one pattern, not a chain to walk.
		text = foldASCII(text)
		if p.enc == asIs {
			p.src = text
		}
	}
	if r.ix.has(&p, text, n) {
		return
	}
	r.grams.add(text, r.ix.eachText)
	r.ix.noteSampled(text, p.kind)
	r.ix.insert(p, text, n)
	r.ix.noteFew(r.ix.pattern(r.ix.patterns-1), text)
}

// String returns s with every known secret, every encoded form of one and
// every ref+ reference replaced by Mask, one Mask per contiguous run. A short
// secret is masked only when s equals it. When nothing is masked, String
// returns s itself.
func (r *Redactor) String(s string) string {
	m := r.load()
	return m.str(s)
}

func (m *matcher) str(s string) string {
	masked, _ := m.maskString(s)
	return masked
}

// maskString masks s and tells whether anything was masked.
func (m *matcher) maskString(s string) (string, bool) {
	if m.isWhole(s) {
		return Mask, true
	}
	spans := m.spansAt(bytesOf(s), nil, edgeStart|edgeEnd) // no allocation unless something is found
	if len(spans) == 0 {
		return s, false
	}
	return string(appendMasked(make([]byte, 0, len(s)), bytesOf(s), spans)), true
}

// foldASCII returns s with ASCII letters in lower case.
func foldASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				b[j] = lowerASCII(b[j])
			}
			return string(b)
		}
	}
	return s
}
