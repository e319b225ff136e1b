package sopsdec

import (
	"bytes"
	"crypto/ecdh"
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"filippo.io/age"
	"golang.org/x/crypto/chacha20poly1305"
)

// x25519Identity unwraps age's X25519 recipient stanzas as
// age.X25519Identity does, step for step (age's x25519.go: the stanza's
// type and argument, the peer's share, X25519, HKDF-SHA256 with the same
// salt and label, ChaCha20-Poly1305 of a 16-byte file key), with its
// private key made ready for ECDH once: age's own passes the bare scalar
// to curve25519.X25519, which derives the public key again on every
// unwrap, a second scalar multiplication per sops file (about a tenth of
// a reload that decrypts one file). Keys only holds one when every age
// identity handed in is an X25519 one (see fastX25519), so that the order
// age tries identities in (native ones first) stays as it was.
type x25519Identity struct {
	key  *ecdh.PrivateKey
	pub  []byte              // our public key, for the HKDF salt
	orig *age.X25519Identity // the same key as age parsed it
}

// The stanza type and the HKDF label of age's X25519 recipients.
const (
	x25519Type  = "X25519"
	x25519Label = "age-encryption.org/v1/X25519"
	fileKeySize = 16
)

func (i *x25519Identity) Unwrap(stanzas []*age.Stanza) ([]byte, error) {
	// age's multiUnwrap: the first stanza that is not for another identity
	// decides.
	for _, s := range stanzas {
		fileKey, err := i.unwrap(s)
		if errors.Is(err, age.ErrIncorrectIdentity) {
			continue
		}
		if err != nil {
			return nil, err
		}
		return fileKey, nil
	}
	return nil, age.ErrIncorrectIdentity
}

// stanzaArg is how age decodes a stanza's argument (format.DecodeString).
var stanzaArg = base64.RawStdEncoding.Strict()

func (i *x25519Identity) unwrap(s *age.Stanza) ([]byte, error) {
	if s.Type != x25519Type {
		return nil, age.ErrIncorrectIdentity
	}
	if len(s.Args) != 1 {
		return nil, errors.New("invalid X25519 recipient block")
	}
	if strings.ContainsAny(s.Args[0], "\n\r") {
		return nil, fmt.Errorf("failed to parse X25519 recipient: %v", errors.New("unexpected newline character"))
	}
	share, err := stanzaArg.DecodeString(s.Args[0])
	if err != nil {
		return nil, fmt.Errorf("failed to parse X25519 recipient: %v", err)
	}
	if len(share) != 32 {
		return nil, errors.New("invalid X25519 recipient block")
	}
	peer, err := ecdh.X25519().NewPublicKey(share)
	if err != nil {
		return nil, fmt.Errorf("invalid X25519 recipient: %v", err)
	}
	shared, err := i.key.ECDH(peer) // fails on a low-order point, as X25519 does
	if err != nil {
		return nil, fmt.Errorf("invalid X25519 recipient: %v", err)
	}
	salt := make([]byte, 0, len(share)+len(i.pub))
	salt = append(append(salt, share...), i.pub...)
	wrappingKey, err := hkdf.Key(sha256.New, shared, salt, x25519Label, chacha20poly1305.KeySize)
	if err != nil {
		return nil, err
	}
	aead, err := chacha20poly1305.New(wrappingKey)
	if err != nil {
		return nil, err
	}
	if len(s.Body) != fileKeySize+aead.Overhead() {
		return nil, errors.New("invalid X25519 recipient block: incorrect file key size")
	}
	fileKey, err := aead.Open(nil, make([]byte, chacha20poly1305.NonceSize), s.Body, nil)
	if err != nil {
		return nil, age.ErrIncorrectIdentity
	}
	return fileKey, nil
}

// fastX25519 returns ids with each X25519 identity replaced by an
// x25519Identity of the same key, when every one of ids is an X25519
// identity and texts[i] is the text ids[i] was parsed from; else ids as
// they are. An identity whose own public key does not come out as age's
// (which would be a mistake in reading the text) is kept as age made it.
func fastX25519(ids []age.Identity, texts []string) []age.Identity {
	out := make([]age.Identity, len(ids))
	for i, id := range ids {
		x, ok := id.(*age.X25519Identity)
		if !ok {
			return ids
		}
		out[i] = id
		scalar, err := bech32Data(texts[i], "age-secret-key-")
		if err != nil {
			continue
		}
		key, err := ecdh.X25519().NewPrivateKey(scalar)
		if err != nil {
			continue
		}
		want, err := bech32Data(x.Recipient().String(), "age")
		if err != nil || !bytes.Equal(key.PublicKey().Bytes(), want) {
			continue
		}
		out[i] = &x25519Identity{key: key, pub: key.PublicKey().Bytes(), orig: x}
	}
	return out
}

// ageOrder returns ids, with age's own X25519 identities back in place of
// x25519Identity ones unless every one of ids is one: mixed with other
// kinds, age would try them in another order (see x25519Identity).
func ageOrder(ids []age.Identity) []age.Identity {
	mixed := false
	for _, id := range ids {
		if _, ok := id.(*x25519Identity); !ok {
			mixed = true
		}
	}
	if !mixed {
		return ids
	}
	out := make([]age.Identity, len(ids))
	for i, id := range ids {
		if x, ok := id.(*x25519Identity); ok {
			out[i] = x.orig
		} else {
			out[i] = id
		}
	}
	return out
}

// bech32Charset is bech32's alphabet, in the order of the values it
// encodes.
const bech32Charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"

// bech32Data returns the bytes a bech32 string with the human-readable
// part hrp encodes. It reads strings age has parsed already (and so
// checked, checksum included): it skips the checksum and checks only
// what reading needs.
func bech32Data(s, hrp string) ([]byte, error) {
	s = strings.ToLower(s)
	if !strings.HasPrefix(s, hrp+"1") || len(s) < len(hrp)+1+6 {
		return nil, errors.New("not a bech32 string of that kind")
	}
	data := s[len(hrp)+1 : len(s)-6]
	var out []byte
	acc, bits := 0, 0
	for _, c := range []byte(data) {
		v := strings.IndexByte(bech32Charset, c)
		if v < 0 {
			return nil, errors.New("not bech32")
		}
		acc = acc<<5 | v
		bits += 5
		for bits >= 8 {
			bits -= 8
			out = append(out, byte(acc>>bits))
			acc &= 1<<bits - 1
		}
	}
	if bits >= 5 || acc != 0 {
		return nil, errors.New("bech32 padding")
	}
	return out, nil
}
