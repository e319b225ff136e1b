package redact

import (
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/hushflow/hushflow/internal/ref"
)

// maxReferenceHold is the most a Writer holds back of a ref+ reference that
// has not ended yet. A longer one is masked at once, and the stream is
// dropped up to the next '+', space or newline: over-long references are
// masked rather than let through.
const maxReferenceHold = 4096

// Writer returns a writer that masks what it is given (a log, a step's output)
// and writes the result to w. It masks a secret even when one Write ends in
// the middle of it: it holds back the last bytes of each Write, as many as
// the longest pattern plus a few (more when escape sequences are among
// them, up to maxExpansion times as many), and a ref+ reference until it
// ends (at a '+', a space, a newline, or Close). Short secrets (see
// WithMinLength) are never masked inside a stream.
//
// Close writes what is held back (a piece of a secret that the end of the
// stream cuts, masked: see the package doc); it does not close w. Secrets added while
// a stream is open are masked in what is written after Add returns. The
// writer is safe for concurrent use; each Write is masked as a whole.
func (r *Redactor) Writer(w io.Writer) io.WriteCloser {
	return &streamWriter{r: r, w: w, cut: true}
}

type streamWriter struct {
	r *Redactor
	w io.Writer

	mu  sync.Mutex
	buf []byte // recent input: already written context, then bytes held back
	// done counts the bytes at the start of buf already written out, plain
	// or under a mask.
	done int
	// open says the last thing written was a Mask that a span starting at or
	// before done continues.
	open bool
	// dropping says an over-long reference was masked and the input is
	// dropped up to its end.
	dropping bool
	closed   bool
	// cut says buf still starts at the first byte of the stream, where a
	// piece of a secret is masked as a cut one.
	cut   bool
	err   error // the first error of w; every later call returns it
	spans []span
	out   []byte
	sc    scratch // the buffers of views, kept between Writes
}

func (sw *streamWriter) Write(p []byte) (int, error) {
	sw.mu.Lock()
	defer sw.mu.Unlock()
	if sw.closed {
		return 0, fmt.Errorf("redact: write after Close: %w", os.ErrClosed)
	}
	if sw.err != nil {
		return 0, sw.err
	}
	n := len(p)
	if sw.dropping {
		end, ok := ref.End(stringOf(p))
		if !ok {
			return n, nil
		}
		p = p[end:]
		sw.dropping = false
	}
	sw.buf = append(sw.buf, p...)
	if err := sw.flush(false); err != nil {
		return 0, err
	}
	return n, nil
}

// Close writes out everything held back, masked.
func (sw *streamWriter) Close() error {
	sw.mu.Lock()
	defer sw.mu.Unlock()
	if sw.closed {
		return nil
	}
	sw.closed = true
	if sw.err != nil {
		return sw.err
	}
	return sw.flush(true)
}

// flush writes out what no later input can change: every byte before the
// last hold bytes of buf, and before a reference that may not have ended.
func (sw *streamWriter) flush(final bool) error {
	m := sw.r.load()
	m.sc = &sw.sc
	var e edges
	if sw.cut {
		e |= edgeStart
	}
	if final {
		e |= edgeEnd
	}
	sw.spans = m.spansAt(sw.buf, sw.spans, e)
	hold := holdBack(sw.buf, m.maxLen)
	limit, overlong := sw.writable(m.refs, hold, final)
	out, cursor := sw.maskUpTo(limit)
	if overlong >= 0 {
		if !sw.open || cursor < overlong {
			out = append(sw.out[:0], out...) // out may be a part of buf
			out = append(out, Mask...)
			sw.out = out
		}
		sw.open = true
		sw.dropping = true
		cursor = len(sw.buf)
	}
	if len(out) > 0 {
		if _, err := sw.w.Write(out); err != nil {
			sw.err = err
			return err
		}
	}
	sw.keepTail(cursor, hold, final)
	return nil
}

// writable returns where what flush may write ends, and where a reference
// starts that has grown too long to hold (-1 if none).
func (sw *streamWriter) writable(refs bool, hold int, final bool) (limit, overlong int) {
	buf := sw.buf
	limit, overlong = len(buf), -1
	if !final {
		limit = min(max(len(buf)-hold, 0), holdFrom(buf))
		if start := ref.Open(stringOf(buf)); refs && start >= 0 {
			if len(buf)-start > maxReferenceHold {
				overlong = start
			}
			limit = min(limit, start)
		}
	}
	return max(limit, sw.done), overlong
}

// maskUpTo returns the bytes of buf not written yet up to limit, each run
// of spans as one Mask, and where it stopped. Where no span is among them
// they are a part of buf, not a copy; else they are in sw.out.
func (sw *streamWriter) maskUpTo(limit int) ([]byte, int) {
	buf, out, cursor := sw.buf, sw.out[:0], sw.done
	if !sw.spansBetween(cursor, limit) {
		if cursor >= limit {
			return nil, cursor
		}
		sw.open = false
		return buf[cursor:limit], limit
	}
	for _, s := range sw.spans {
		if s.end <= cursor {
			continue // written already
		}
		if s.start >= limit {
			break // later input may still change it
		}
		if s.start > cursor {
			out = append(out, buf[cursor:s.start]...)
			sw.open = false
		}
		// A span that starts before cursor continues a mask already
		// written (hold keeps plain text out of the reach of later spans).
		if !sw.open {
			out = append(out, Mask...)
			sw.open = true
		}
		cursor = s.end
	}
	if cursor < limit {
		out = append(out, buf[cursor:limit]...)
		cursor = limit
		sw.open = false
	}
	sw.out = out
	return out, cursor
}

// spansBetween reports whether a span not written yet starts before limit.
func (sw *streamWriter) spansBetween(cursor, limit int) bool {
	for _, s := range sw.spans {
		if s.end > cursor {
			return s.start < limit
		}
	}
	return false
}

// keepTail drops from buf what later spans cannot need: they need the
// bytes not yet written, and the last hold bytes as context.
func (sw *streamWriter) keepTail(cursor, hold int, final bool) {
	buf := sw.buf
	keep := keepFrom(buf, min(cursor, max(len(buf)-hold, 0)))
	if final || sw.dropping {
		keep = len(buf)
	}
	if keep > 0 {
		sw.cut = false
	}
	n := copy(buf, buf[keep:])
	sw.buf = buf[:n]
	sw.done = cursor - keep
}

// holdBack returns how many bytes at the end of buf later input could still
// make part of a match, for patterns of at most maxLen bytes: a match that
// later input completes starts at most maxLen-1 decoded bytes before the end,
// widening reaches one byte further back, and the margin also keeps the
// whole of a hit whose widening the end cut short and a partial "secretref+"
// prefix. Escape sequences and line breaks in the tail lengthen it as they
// lengthen a reach (see reachBefore).
func holdBack(buf []byte, maxLen int) int {
	return len(buf) - reachBefore(buf, len(buf), max(maxLen+4, len("secretref+")))
}

// base64RunStart returns where the run of base64 characters that ends at
// keep starts, when it is short enough to be a wrapped line, keep
// otherwise: a line break's decoder measures the run before it, and a
// Writer that kept only its tail would see a run too short to join.
func base64RunStart(buf []byte, keep int) int {
	i := keep
	for i > 0 && keep-i <= maxWrap && isBase64(buf[i-1]) {
		i--
	}
	if keep-i > maxWrap {
		return keep
	}
	return i
}
