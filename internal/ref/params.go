package ref

import "strings"

// QueryStart returns the offset in r (a reference, with or without its
// prefix) of the "?" that begins its query, or len(r) when it has none.
// The query holds the provider's parameters (vault's address=, token_env=,
// aws' region=, role_arn=, profile=, ...): where the provider connects and
// which credential it sends.
func QueryStart(r string) int {
	if i := strings.IndexByte(r, '?'); i >= 0 {
		return i
	}
	return len(r)
}
