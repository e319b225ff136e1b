// Package redact masks known secrets, their encoded forms and vals ref+
// references in what a workflow engine shows to people: job records as Go
// values or JSON text, log streams, slog records and HTTP responses.
//
// Begin with [New] and [Redactor.Add], then mask with whichever output you
// have:
//
//	r, err := redact.New()
//	r.Add(dbPassword, apiToken)         // never forgotten: a rotated value stays masked
//	safe := r.Value(jobRecord)          // a masked deep copy
//	body, err := r.JSON(rawJSON)        // masked JSON text, or ErrInvalidJSON
//	logger := slog.New(r.Handler(h))    // masked log records
//	w := r.Writer(os.Stdout)            // a masked stream; Close flushes
//	apiHandler, err := r.Middleware(api) // fails on a nil option
//	mux.Handle("/api/", apiHandler)
//
// [Redactor.Knows] tells whether a value was taught with Add (render uses it
// to tell which values are secret).
//
// # What is masked
//
// Every occurrence of every secret, overlapping ones included. The union of
// all the ranges found becomes one Mask ("••••••") per contiguous run, so
// with "abcd" and "abcdef" known, "abcdefgh" becomes "••••••gh", and with
// "abab" known nothing of "ababab" stays visible. The mask has a fixed width
// and does not tell a secret's length.
//
// For a secret of at least the minimum length (see Short secrets), each of
// these forms, in String, Value, JSON, Writer (cut anywhere), Handler and
// Middleware (headers, trailers and bodies):
//
//   - the secret as given; trimmed of surrounding space; with bytes that are
//     not UTF-8 replaced by U+FFFD; in Unicode NFC and NFD; and, for a secret
//     of 8 bytes or more, in any ASCII case ("HUNTER2PASSWORD");
//   - each line of a multi-line secret (a PEM key re-indented in YAML);
//   - hex, in lower or upper case; spaced hex as fmt's % x writes it; the
//     columns of a hex dump as xxd and hexdump -C write them, over any number
//     of the dump's lines (the text column of the dump is masked with the
//     hex); Go's %v of a []byte ([104 117 110 …]);
//   - base64, standard and URL-safe, padded or not, alone or inside a larger
//     encoded text (at any alignment: the characters it shares with its
//     neighbours are masked too), and wrapped in lines of 32 to 256 columns
//     as PEM (64), MIME (76, CRLF) and coreutils base64 (76) write it, lines
//     indented or not;
//   - base32 of the secret alone, in the standard and the hex alphabets, in
//     any case, padded or not;
//   - a secret that is a JSON number, in every text encoding/json, fmt,
//     slog's handlers and Tera print for its value (12345678,
//     1.2345678e+07, 12345678.0); and a number (or, in Handler, a duration
//     or a time) whose text in any of those outputs holds a secret;
//   - any mixture of these escapings, up to three deep (JSON in a JSON
//     string in a URL query): HTML character references (&amp;, &#39;,
//     &#x2B;, &#X2b;, every HTML5 name, as html.EscapeString and
//     html/template write them); backslash escapes as JSON, JavaScript,
//     Python, Go and C write them (\u0027, \u002B, \u{1F600}, \U0001F600,
//     \x27, octal \047, \n, \' and \" as addslashes writes them, \$ and \"
//     in a double-quoted shell word, \/ as PHP writes it); URL escapes
//     (%40 or %4a in the query, the path or the userinfo url.URL.String
//     writes, '+' for a space in a query, IIS's %uXXXX); a single quote
//     inside a quoted shell word, closed, escaped and reopened as bash's
//     set -x prints it (a backslash-quote between two quotes) or
//     'it'"'"'s'; a quote written twice inside a quoted string, as YAML's
//     single-quoted scalars and SQL double a single quote and CSV a double
//     quote;
//   - a piece of a secret that an end of the text cuts (a log line
//     truncated at a size limit, a stream closed mid-value): a prefix of a
//     secret that ends the text, or a suffix that starts it, of at least 8
//     bytes and at least half the secret, plain or in the escapings above
//     (Hunter2%2BXylo at the end of a truncated URL). The ends are those of
//     String's input, of each JSON string and of a Writer's stream; the same
//     piece in the middle of a text is not masked.
//
// ref+ references, as vals writes them (ref+vault://secret/data/api#token,
// ending at a '+', a space, a newline or the end of the text, as
// internal/ref finds them), are masked wherever they stand, in the text and
// in its decodings, keeping the text around them: an unresolved reference
// tells the secret manager's paths. No secret needs to be known for it;
// [WithReferencesVisible] leaves them readable for an operator's own logs.
//
// # What is not masked
//
//   - A secret shorter than the minimum length, inside a longer text (see
//     Short secrets).
//   - Transformations other than those above: compression, encryption,
//     hashing, a base64 of a base64, a substring or a truncation of the
//     secret (but for its lines and the cuts above), base32 of a secret
//     inside a larger base32 text, hexdump's default 16-bit words, case
//     changes of non-ASCII letters,
//     escapings nested more than three deep, lossy replacements (html/template
//     writes a NUL byte as U+FFFD), or a secret cut by anything but the line
//     breaks of wrapped base64.
//   - A character above U+FFFF written as \u and five or six hex digits
//     (pongo2's escapejs writes every one so, Go's JSEscapeString the
//     unprintable ones): JavaScript reads it as another character followed
//     by digits, so it is not an escape this package can decode. render
//     masks what its own filters derive from a secret (it teaches the
//     result).
//   - JSON masks values, not the text between them: a secret that spans a
//     key and its value ("k":"v) is not masked.
//   - A secret that contains part of the mask's own text ("•") can appear
//     again where a mask meets the text around it.
//   - Writer holds back a bounded tail; a text whose escapes nest so
//     densely that searching its decodings would cost more than 8 times its
//     length is masked whole where it is over, not searched. Writer may
//     miss a reference whose scheme holds a space (vals accepts one) when a
//     Write ends inside that scheme.
//   - Middleware cannot mask a compressed body nor one in a charset whose
//     bytes are not ASCII text (UTF-16, UTF-32, EBCDIC: any but UTF-8,
//     US-ASCII and ISO-8859-*); it answers 500 instead. Nor can it mask
//     what a handler writes on a hijacked connection (refused unless the
//     middleware was made with [WithUnmaskedHijack]). It serves a ranged
//     request the whole masked body.
//
// # Short secrets
//
// A secret shorter than the minimum length (DefaultMinLength, 4 bytes; see
// [WithMinLength]) is masked only where a whole value equals it: a whole
// string given to String, a whole string, key, number or literal in Value
// and JSON, an attribute value in Handler, a header value. It is never
// searched inside a longer text or a stream, so a one-letter password
// neither leaks as a whole field nor turns every "a" of a log into a mask.
// Its hex and base64 forms, and whole values that decode to it (&#97;bc),
// are masked as whole values too. The same rule holds for each form of a
// long secret (a line of two characters is not searched), and a secret made
// only of white space is treated as short, whatever its length.
//
// # Growth, concurrency, memory
//
// A Redactor is safe for concurrent use and maskers never wait: no mask
// waits for a lock (the first long mask past a hundred or so forms builds
// the sampled filter described under Speed, if no Add holds the lock at
// that moment, else a later one does). Add inserts the new patterns into an index that readers
// search without locks: a secret is masked by every mask that starts after
// Add returns, an Add of a known value costs one lookup, and nothing is
// ever rebuilt from all the secrets known, so an Add's cost does not grow
// with them. Memory grows by a constant per secret (its forms; the figures
// are in bench/README.md). There is no bound and no eviction: a value, once
// taught, is masked for the Redactor's life, which is what "a rotated value
// stays masked" needs; a process that must bound memory makes a new
// Redactor (and loses that promise for what the old one knew).
//
// # Printing
//
// A Redactor, and the Writer, slog.Handler and http.ResponseWriter it
// makes, hold secrets or unmasked text: fmt (every verb, %#v included) and
// slog print them as their type and a count, never their contents.
//
// # Speed
//
// The cost of masking is linear in the input, not in input × secrets. While
// few patterns are known (up to eight or so secrets), each is looked for
// by its rarest byte, the bytes on each side and a second byte checked
// before the whole pattern is; a text of 256 bytes or more is read once, 64
// bytes to a word and without a branch per byte, for where those bytes and
// the bytes escape sequences start at occur (shorter texts use
// bytes.IndexByte, a pass per byte); beyond that, while every form is at
// least eleven bytes long, one position in eight is tested against a filter
// of the first eight windows of every form (an occurrence of a form holds
// one of them at such a position), and only where one passes is each
// position near it tested against every pattern at once, in a loop that
// calls nothing, with one multiplication and one load of a filter that
// fits in a CPU cache for thousands of secrets; about one position in a few
// hundred reaches the hash table. With a shorter form, or past about twenty
// thousand secrets (the sampled filter is bounded at 8 MiB), every position
// is tested. The ends of a text, where a cut piece of a secret is masked,
// are tested one position in eight the same way.
//
// Escaped text is decoded only around escape sequences that may be part of
// a match (the bytes around each must form a run of four bytes that some
// pattern holds, or of three beyond several thousand secrets), in time
// linear in the text whatever the secrets' lengths. A
// Writer searches its held-back tail (about twice the longest form of the
// longest secret) again at each Write, and reuses its buffers, so a Write
// allocates at most once in the steady state; many small Writes with a long
// secret known (a PEM key) cost more per byte than a few large ones.
//
// An encoding of a secret is kept as the secret and the name of the
// encoding, and written out only where its anchor is found, so that a
// Redactor holds about 1.4 KB a secret of 40 bytes, its forms included,
// plus about 0.5 KB a secret for the sampled filters while they are kept
// (up to some twenty thousand secrets). The figures are in
// bench/README.md.
package redact
