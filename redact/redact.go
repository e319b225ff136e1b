package redact

import (
	"maps"
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

// Option configures a Redactor.
type Option func(*options)

type options struct {
	minLength int
}

// WithMinLength sets the length in bytes below which a secret (or one of its
// encoded forms) is masked only where a whole value equals it, never inside a
// longer text. The default is DefaultMinLength; values below 1 count as 1.
func WithMinLength(n int) Option {
	return func(o *options) { o.minLength = max(n, 1) }
}

// A Redactor masks the secrets it was given, their encodings and every ref+
// reference. It is safe for concurrent use: Add may run while other
// goroutines mask, and a mask started before Add returns may or may not see
// the secrets it adds.
type Redactor struct {
	minLength int

	// current is what readers use; they lock only when dirty says that Add
	// brought news since current was compiled.
	current atomic.Pointer[matcher]
	dirty   atomic.Bool

	// mu serializes Add, which owns the fields below, and the compilation of
	// a new matcher from them (copy on write).
	mu       sync.Mutex
	secrets  map[string]struct{}
	patterns map[string]widen
	whole    map[string]struct{}
}

// New returns a Redactor that knows no secret yet; it already masks ref+
// references.
func New(opts ...Option) *Redactor {
	o := options{minLength: DefaultMinLength}
	for _, opt := range opts {
		opt(&o)
	}
	r := &Redactor{
		minLength: o.minLength,
		secrets:   map[string]struct{}{},
		patterns:  map[string]widen{},
		whole:     map[string]struct{}{},
	}
	r.current.Store(compile(nil, nil, maxStatesTimesStride))
	return r
}

// Add teaches r more secrets. A Redactor never forgets one, so a value that
// was a secret before a rotation stays masked after it. Empty strings are
// ignored.
//
// The matcher is rebuilt from every pattern known, which takes time in
// proportion to all of them (about 0.2 ms per secret known), by the first
// mask after an Add that brought a new secret: many Adds in a row cost one
// rebuild, and an Add of secrets already known costs nothing.
func (r *Redactor) Add(secrets ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	changed := false
	for _, s := range secrets {
		if s == "" {
			continue
		}
		if _, ok := r.secrets[s]; ok {
			continue
		}
		r.secrets[s] = struct{}{}
		changed = true
		// A secret of only spaces is never searched inside text: it would
		// mask every indentation of that width.
		short := len(s) < r.minLength || strings.TrimSpace(s) == ""
		for _, f := range forms(s, short) {
			switch {
			case !short && len(f.text) >= r.minLength:
				r.patterns[f.text] |= f.widen
			case f.fragment:
				// A piece of a secret is not the secret: a whole value
				// equal to a short piece is left alone.
			default:
				r.whole[f.text] = struct{}{}
			}
		}
	}
	if changed {
		// Compiling waits for the next mask: a burst of Adds (one per value
		// resolved) then costs one compilation, not one each.
		r.dirty.Store(true)
	}
}

// load returns the current snapshot, compiling a new one first when Add
// brought news.
func (r *Redactor) load() *matcher {
	if r.dirty.Load() {
		r.compile()
	}
	return r.current.Load()
}

func (r *Redactor) compile() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.dirty.Load() {
		return // another reader compiled it
	}
	// Publish before clearing dirty, so that a reader who sees dirty false
	// finds a matcher that knows every secret added before.
	r.current.Store(compile(r.patterns, maps.Clone(r.whole), maxStatesTimesStride))
	r.dirty.Store(false)
}

// String returns s with every known secret, every encoded form of one and
// every ref+ reference replaced by Mask, one Mask per contiguous run. A short
// secret is masked only when s equals it. When nothing is masked, String
// returns s itself.
func (r *Redactor) String(s string) string { return r.load().str(s) }

func (m *matcher) str(s string) string {
	masked, _ := m.maskString(s)
	return masked
}

// maskString masks s and tells whether anything was masked.
func (m *matcher) maskString(s string) (string, bool) {
	if m.isWhole(s) {
		return Mask, true
	}
	var buf [4]span
	spans := m.spans(bytesOf(s), buf[:0])
	if len(spans) == 0 {
		return s, false
	}
	return string(appendMasked(make([]byte, 0, len(s)), bytesOf(s), spans)), true
}
