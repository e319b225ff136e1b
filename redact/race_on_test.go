//go:build race

package redact

// raceEnabled: under the race detector sync.Pool drops what it is given
// at random, so a mask's scratch is allocated again: allocation counts
// measured then are not the code's.
const raceEnabled = true
