package testkit

import (
	"encoding/base64"
	"math/rand/v2"
	"runtime"
)

// Secrets returns n secrets of the kinds a workflow holds, in turn: API
// tokens ("ghp_" and 36 letters and digits), passwords of 20 characters
// with symbols, and base64 keys of 32 bytes. The same n and seed give the
// same secrets, and a larger n starts with those of a smaller one; other
// seeds give other secrets.
func Secrets(n int, seed uint64) []string {
	rng := rand.New(rand.NewPCG(seed, seed))
	const alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	const symbols = alnum + "!@#%^&*()-_=+"
	pick := func(alphabet string, n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		return string(b)
	}
	out := make([]string, n)
	for i := range out {
		switch i % 3 {
		case 0:
			out[i] = "ghp_" + pick(alnum, 36)
		case 1:
			out[i] = pick(symbols, 20)
		default:
			key := make([]byte, 32)
			for j := range key {
				key[j] = byte(rng.UintN(256))
			}
			out[i] = base64.StdEncoding.EncodeToString(key)
		}
	}
	return out
}

// LiveHeap returns the bytes of heap in use after two collections: what
// the program holds, not what it has yet to collect.
func LiveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}
