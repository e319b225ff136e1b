// Package redact masks known secrets, their encoded forms and vals ref+
// references in what a workflow engine shows to people: job records as Go
// values or JSON text, log streams, slog records and HTTP responses.
//
// A Redactor learns secrets with Add and never forgets one, so a value that
// was a secret before a rotation stays masked after it:
//
//	r := redact.New()
//	r.Add(dbPassword, apiToken)
//	safe := r.Value(jobRecord)          // a masked deep copy
//	body, err := r.JSON(rawJSON)        // masked JSON text, or ErrInvalidJSON
//	logger := slog.New(r.Handler(h))    // masked log records
//	w := r.Writer(os.Stdout)            // a masked stream; Close flushes
//	mux.Handle("/api/", r.Middleware(api))
//
// # What is masked
//
// Every occurrence of every secret, overlapping ones included. The union of
// all the ranges found becomes one Mask ("••••••") per contiguous run, so
// with "abcd" and "abcdef" known, "abcdefgh" becomes "••••••gh", and with
// "abab" known nothing of "ababab" stays visible. The mask has a fixed width
// and does not tell a secret's length.
//
// Besides the secret as given (and trimmed of surrounding space), its
// encoded forms: base64 with the standard and the URL-safe alphabet, with and
// without padding, and at each of the three alignments a secret can have
// inside a larger encoded text (the characters it shares with its neighbours
// are masked too); JSON string escaping, for a secret holding '"', '\' or a
// newline inside a string that itself holds serialized JSON (the escapes of
// Go, of Python's ASCII-only output and of PHP's "\/", and escaped twice);
// URL query and path escaping with upper- or lower-case hex; and each line
// of a multi-line secret.
//
// ref+ references, as vals writes them (ref+vault://secret/data/api#token,
// ending at a '+', a space, a newline or the end of the text), are masked
// wherever they stand, keeping the text around them: an unresolved reference
// would tell the secret manager's paths. No secret needs to be known for it.
//
// # Short secrets
//
// A secret shorter than the minimum length (DefaultMinLength, 4 bytes; see
// WithMinLength) is masked only where a whole value equals it: a whole string
// given to String, a whole string, key or number in Value and JSON, an
// attribute value in Handler. It is never searched inside a longer text or a
// stream, so a one-letter password neither leaks as a whole field nor turns
// every "a" of a log into a mask. The same rule holds for each encoded form
// of a long secret (a line of two characters is not searched either), and
// the encoded forms of a short secret are masked only as whole values. A
// secret made only of white space is treated as short, whatever its length.
//
// # Speed
//
// The cost of masking is linear in the input, not in input × secrets: all
// patterns are searched at once with an Aho–Corasick automaton
// (github.com/coregx/ahocorasick, compiled to a flat DFA) that reports every
// match, overlapping ones included. Of the candidates compared,
// petar-dambovaliev/aho-corasick scans 3 to 6 times slower (an interface call
// per byte, a heap-allocated match each, no tagged release) and
// BobuSumisu/aho-corasick spends 2 KB per state (2.8 GB for 10,000 secrets)
// and is unmaintained; coregx scans at the same speed whatever the number of
// patterns, allocates nothing when nothing matches, and is maintained. Its
// table costs states × alphabet × 4 bytes, so only the first 8 bytes of each
// pattern go into it and a hit is confirmed by comparing the rest: 10,000
// secrets take 145 MB instead of 1 GB.
//
// Add only records new secrets. The first mask after an Add that brought news
// rebuilds the automaton from every known pattern and publishes it atomically
// (copy on write): other maskers keep using the previous one until then and
// take no lock otherwise, and a burst of Adds (one per value resolved) costs
// one rebuild, in time proportional to all the secrets known.
//
// # Limits
//
// A secret that contains part of the mask's own text ("•") can appear again
// where a mask meets the text around it. JSON masks values, not the text
// between them: a secret that spans a key and its value ("k":"v) is not
// masked. Writer (and Middleware for text) holds back a few bytes to see
// secrets split across writes; it looks for references in each window it
// holds, so it may mask a little more than String around them, and it may
// miss a reference whose scheme holds a space (vals accepts one) when the
// space comes more than a pattern's length before "://".
package redact
