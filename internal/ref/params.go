package ref

import "strings"

// ParamsStart returns the offset in r (a reference, with or without its
// prefix) where its parameters begin: its query ("?address=...") or its
// fragment ("#key"), whichever comes first (vals accepts them in either
// order), or len(r) when it has neither. What stands there on chooses
// where a provider connects, which credential it sends and which key it
// returns.
func ParamsStart(r string) int {
	if i := strings.IndexAny(r, "?#"); i >= 0 {
		return i
	}
	return len(r)
}
