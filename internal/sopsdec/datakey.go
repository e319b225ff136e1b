package sopsdec

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io"
	"slices"

	"github.com/getsops/sops/v3"
)

// A DataKey is the data key a file was decrypted with, filed under the
// encrypted copies of it that the file's metadata holds. An edit with
// `sops edit` or `sops set` keeps a file's data key and those copies, so a
// later version of the file that holds the same copies has the same data
// key: given back through [Keys.Knowing], it spares Decrypt recovering it
// (an age X25519 unwrap, a PGP decryption, a call to a cloud KMS). The
// values are still decrypted and checked against the file's MAC with it.
//
// The zero DataKey is none. A DataKey prints as "sopsdec.DataKey{…}" with
// every verb, and as an address where fmt reaches it without calling its
// methods (an unexported field of a struct, Keys' own, a verb it does not
// take): the key never shows in a log line or an error.
type DataKey struct {
	// open returns the key and the digest of the metadata's key groups it
	// is filed under (wrappedDigest). A closure, because fmt and reflection
	// print a func as an address and never look inside it.
	open func() (wrapped [sha256.Size]byte, key []byte)
}

// newDataKey holds key, filed under wrapped.
func newDataKey(wrapped [sha256.Size]byte, key []byte) DataKey {
	return DataKey{open: func() ([sha256.Size]byte, []byte) { return wrapped, key }}
}

// GoString withholds the key.
func (DataKey) GoString() string { return "sopsdec.DataKey{…}" }

// String withholds the key.
func (k DataKey) String() string { return k.GoString() }

// Format withholds the key whatever the verb.
func (k DataKey) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, k.GoString()) }

// Knowing returns k with known added: before its keys, Decrypt looks for
// a file's data key among them, by the encrypted copies the file holds.
func (k Keys) Knowing(known ...DataKey) Keys {
	for _, dk := range known {
		if dk.open != nil {
			k.known = append(slices.Clip(k.known), dk)
		}
	}
	return k
}

// knownKey returns the known data key filed under wrapped, or nil.
func (k Keys) knownKey(wrapped [sha256.Size]byte) []byte {
	for _, dk := range k.known {
		if w, key := dk.open(); w == wrapped {
			return key
		}
	}
	return nil
}

// wrappedDigest is a SHA-256 of what of meta says how the data key is
// recovered: the Shamir threshold and, group by group, each master key's
// kind, name and encrypted copy of the key (or of the group's part of it).
// Every field is written with its length, so that no two different
// metadata give the same bytes.
func wrappedDigest(meta *sops.Metadata) [sha256.Size]byte {
	h := sha256.New()
	var n [8]byte
	field := func(b []byte) {
		binary.LittleEndian.PutUint64(n[:], uint64(len(b)))
		h.Write(n[:])
		h.Write(b)
	}
	binary.LittleEndian.PutUint64(n[:], uint64(meta.ShamirThreshold))
	h.Write(n[:])
	for _, group := range meta.KeyGroups {
		binary.LittleEndian.PutUint64(n[:], uint64(len(group)))
		h.Write(n[:])
		for _, mk := range group {
			field([]byte(mk.TypeToIdentifier()))
			field([]byte(mk.ToString()))
			field(mk.EncryptedDataKey())
		}
	}
	return [sha256.Size]byte(h.Sum(nil))
}
