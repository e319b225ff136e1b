//go:build race

package render

// raceEnabled: the race detector allocates for its own bookkeeping, so
// allocation figures measured under it are not the code's.
const raceEnabled = true
