package sopsdec

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"filippo.io/age"
)

// TestX25519IdentityUnwrapsAsAge checks x25519Identity against age's own
// X25519Identity on stanzas age wraps and on every way a stanza can be
// wrong: the same file key, or the same error (the same text, and
// ErrIncorrectIdentity where age says it).
func TestX25519IdentityUnwrapsAsAge(t *testing.T) {
	t.Parallel()
	for range 20 {
		ageID, other := newX25519(t), newX25519(t)
		keys := mustAgeKeys(t, ageID.String())
		ours, ok := keys.age[0].(*x25519Identity)
		if !ok {
			t.Fatalf("AgeKeys kept age's %T: the key did not read", keys.age[0])
		}
		fileKey := []byte("0123456789abcdef")
		good, err := ageID.Recipient().Wrap(fileKey)
		if err != nil {
			t.Fatal(err)
		}
		forOther, err := other.Recipient().Wrap(fileKey)
		if err != nil {
			t.Fatal(err)
		}
		g := good[0]
		edit := func(f func(s *age.Stanza)) []*age.Stanza {
			s := &age.Stanza{Type: g.Type, Args: append([]string(nil), g.Args...), Body: bytes.Clone(g.Body)}
			f(s)
			return []*age.Stanza{s}
		}
		cases := map[string][]*age.Stanza{
			"good":                 good,
			"another's, then ours": append(forOther, good...),
			"another's only":       forOther,
			"none":                 nil,
			"other type":           edit(func(s *age.Stanza) { s.Type = "scrypt" }),
			"two args":             edit(func(s *age.Stanza) { s.Args = append(s.Args, "x") }),
			"no arg":               edit(func(s *age.Stanza) { s.Args = nil }),
			"bad base64":           edit(func(s *age.Stanza) { s.Args[0] = "!!" + s.Args[0][2:] }),
			"padded base64":        edit(func(s *age.Stanza) { s.Args[0] += "=" }),
			"newline in arg":       edit(func(s *age.Stanza) { s.Args[0] = s.Args[0][:10] + "\n" + s.Args[0][10:] }),
			"short share":          edit(func(s *age.Stanza) { s.Args[0] = s.Args[0][:40] }),
			"low-order share":      edit(func(s *age.Stanza) { s.Args[0] = strings.Repeat("A", 43) }),
			"short body":           edit(func(s *age.Stanza) { s.Body = s.Body[:31] }),
			"long body":            edit(func(s *age.Stanza) { s.Body = append(s.Body, 0) }),
			"tampered body":        edit(func(s *age.Stanza) { s.Body[3] ^= 1 }),
			"tampered share":       edit(func(s *age.Stanza) { s.Args[0] = "B" + s.Args[0][1:] }),
		}
		for name, stanzas := range cases {
			want, wantErr := ageID.Unwrap(stanzas)
			got, gotErr := ours.Unwrap(stanzas)
			if !bytes.Equal(got, want) || (gotErr == nil) != (wantErr == nil) ||
				errors.Is(gotErr, age.ErrIncorrectIdentity) != errors.Is(wantErr, age.ErrIncorrectIdentity) ||
				(gotErr != nil && gotErr.Error() != wantErr.Error()) {
				t.Errorf("%s: unwrap gives (%x, %v), age gives (%x, %v)", name, got, gotErr, want, wantErr)
			}
		}
	}
}

// TestX25519IdentityOnlyAlone checks that Keys hold x25519Identity only
// where every age identity is an X25519 one: mixed with another kind, age
// would try them in another order.
func TestX25519IdentityOnlyAlone(t *testing.T) {
	t.Parallel()
	x := newX25519(t)
	pq, err := age.GenerateHybridIdentity()
	if err != nil {
		t.Fatal(err)
	}
	alone := mustAgeKeys(t, x.String())
	mixed := mustAgeKeys(t, x.String(), pq.String())
	if _, ok := alone.age[0].(*x25519Identity); !ok {
		t.Errorf("alone: %T", alone.age[0])
	}
	if _, ok := mixed.age[0].(*age.X25519Identity); !ok {
		t.Errorf("mixed: %T, want age's", mixed.age[0])
	}
	joined := Join(alone, mustAgeKeys(t, pq.String()))
	if _, ok := joined.age[0].(*age.X25519Identity); !ok {
		t.Errorf("joined with a hybrid key: %T, want age's", joined.age[0])
	}
	if j := Join(alone, alone); len(j.age) != 2 {
		t.Errorf("joined: %d identities", len(j.age))
	} else if _, ok := j.age[1].(*x25519Identity); !ok {
		t.Errorf("joined X25519 keys: %T", j.age[1])
	}
}

func newX25519(t *testing.T) *age.X25519Identity {
	t.Helper()
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func mustAgeKeys(t *testing.T, identities ...string) Keys {
	t.Helper()
	k, err := AgeKeys(identities...)
	if err != nil {
		t.Fatal(err)
	}
	return k
}
