// Package peers holds no code: its benchmarks compare the redactor with the
// maskers a CI system could use instead, on the same bytes in one run:
// strings.NewReplacer, strings.ReplaceAll once per secret, and an
// Aho–Corasick automaton (github.com/petar-dambovaliev/aho-corasick, a DFA,
// leftmost-longest), on the CI log and job record of bench/redact/corpus.
// The peers mask the raw form of a secret only; the redactor masks every
// form its doc lists. It is a module of its own so that the Aho–Corasick
// library never enters hushflow's go.mod.
//
//	cd bench/redact/peers && go test -run '^$' -bench . -benchmem -count 6
package peers
