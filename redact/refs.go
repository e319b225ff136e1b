package redact

import (
	"bytes"

	"github.com/hushflow/hushflow/internal/ref"
)

// findRefs appends the ref+ references in b to dst, as ref.FindAll finds
// them. ref's regexp has no literal prefix to skip ahead with and crawls
// through long text at a few MB/s, so it only runs on a window around each
// "ref+": from its "secret" prefix, if any, to where the reference must end
// (the scheme ends at ':' or '+', the path at '+', a space or a newline).
func findRefs(b []byte, dst []span) []span {
	for from := 0; ; {
		k := bytes.Index(b[from:], []byte("ref+"))
		if k < 0 {
			return dst
		}
		k += from
		start := k
		if k-len("secret") >= from && string(b[k-len("secret"):k]) == "secret" {
			start = k - len("secret")
		}
		end := referenceEnd(b, k+len("ref+"))
		from = k + len("ref+")
		for _, s := range ref.FindAll(stringOf(b[start:end])) {
			dst = append(dst, span{start + s.Start, start + s.End})
			from = max(from, start+s.End)
		}
	}
}

// referenceEnd returns where a reference whose scheme starts at i must end
// at the latest.
func referenceEnd(b []byte, i int) int {
	colon := bytes.IndexAny(b[i:], "+:")
	if colon < 0 || b[i+colon] == '+' {
		return i // no "://" before the next '+': no reference
	}
	path := i + colon + 1
	end := bytes.IndexAny(b[path:], "+ \n")
	if end < 0 {
		return len(b)
	}
	end += path
	if b[end] == '+' {
		end++ // the closing '+'
	}
	return end
}
