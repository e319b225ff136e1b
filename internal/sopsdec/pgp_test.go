package sopsdec_test

import (
	"bytes"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
	"github.com/getsops/sops/v3/decrypt"

	"github.com/hushflow/hushflow/internal/sopsdec"
	"github.com/hushflow/hushflow/internal/sopsenc"
	"github.com/hushflow/hushflow/internal/testkit"
)

// pgpKey is a PGP key made for a test with go-crypto: no gpg, no keyring.
type pgpKey struct {
	secret, public []byte // armored
	ring           []byte // the secret key in GnuPG's legacy binary keyring format (secring.gpg)
	fingerprint    string // upper-case hex, as sops writes it
}

func newPGPKey(t testing.TB) pgpKey {
	t.Helper()
	e, err := openpgp.NewEntity("hushflow test", "throwaway test key", "test@hushflow.invalid",
		&packet.Config{Algorithm: packet.PubKeyAlgoEdDSA})
	if err != nil {
		t.Fatal(err)
	}
	var k pgpKey
	var sec, pub, ring bytes.Buffer
	w, err := armor.Encode(&sec, openpgp.PrivateKeyType, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.SerializePrivate(w, nil); err != nil {
		t.Fatal(err)
	}
	w.Close()
	if w, err = armor.Encode(&pub, openpgp.PublicKeyType, nil); err != nil {
		t.Fatal(err)
	}
	if err := e.Serialize(w); err != nil {
		t.Fatal(err)
	}
	w.Close()
	if err := e.SerializePrivate(&ring, nil); err != nil {
		t.Fatal(err)
	}
	k.secret, k.public, k.ring = sec.Bytes(), pub.Bytes(), ring.Bytes()
	k.fingerprint = strings.ToUpper(hex.EncodeToString(e.PrimaryKey.Fingerprint))
	return k
}

func pgpKeys(t testing.TB, rings ...[]byte) sopsdec.Keys {
	t.Helper()
	k, err := sopsdec.PGPKeys(rings...)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func encryptWith(t testing.TB, plain string, o sopsenc.Options) []byte {
	t.Helper()
	if o.Format == "" {
		o.Format = "yaml"
	}
	out, err := sopsenc.Encrypt([]byte(plain), o)
	if err != nil {
		t.Fatalf("encrypt: %v", err)
	}
	return out
}

// TestPGPInProcess: PGP files decrypt in process, from keys handed in and
// from the environment's legacy keyring (GNUPGHOME/secring.gpg, as sops
// reads it with go-crypto), and never by running gpg (SOPS_GPG_EXEC points
// at nothing). decrypt.Data agrees.
// Not parallel: the environment case sets GNUPGHOME.
func TestPGPInProcess(t *testing.T) {
	key := newPGPKey(t)
	other := newPGPKey(t)
	ageID, ageRcpt := newAgeKey(t)
	const plain = "db:\n  password: pgp-secret-value\n  port: 5432\nhost_unencrypted: db.example\n"
	onlyPGP := encryptWith(t, plain, sopsenc.Options{Groups: []sopsenc.Group{{PGP: [][]byte{key.public}}}})
	ageAndPGP := encryptWith(t, plain, sopsenc.Options{Groups: []sopsenc.Group{{Age: []string{ageRcpt}, PGP: [][]byte{key.public}}}})
	shamir := encryptWith(t, plain, sopsenc.Options{Groups: []sopsenc.Group{{Age: []string{ageRcpt}}, {PGP: [][]byte{key.public}}}, ShamirThreshold: 2})

	isolateSopsEnv(t)
	home := t.TempDir()
	if err := os.WriteFile(filepath.Join(home, "secring.gpg"), key.ring, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GNUPGHOME", home)

	want, err := decrypt.Data(onlyPGP, "yaml")
	if err != nil {
		t.Fatalf("decrypt.Data: %s", testkit.Hide(err.Error(), "pgp-secret-value"))
	}
	tests := []struct {
		name    string
		file    []byte
		keys    sopsdec.Keys
		wantErr error
	}{
		{"key handed in, armored", onlyPGP, pgpKeys(t, key.secret), nil},
		{"key handed in, binary ring", onlyPGP, pgpKeys(t, key.ring), nil},
		{"among other keys", onlyPGP, pgpKeys(t, other.secret, key.secret), nil},
		{"environment: GNUPGHOME/secring.gpg", onlyPGP, sopsdec.EnvironmentKeys(), nil},
		{"age and PGP, age key only", ageAndPGP, ageKeys(t, ageID), nil},
		{"age and PGP, PGP key only", ageAndPGP, pgpKeys(t, key.secret), nil},
		{"Shamir, both groups", shamir, sopsdec.Join(ageKeys(t, ageID), pgpKeys(t, key.secret)), nil},
		{"Shamir, one group short", shamir, ageKeys(t, ageID), sopsdec.ErrNoKey},
		{"wrong PGP key", onlyPGP, pgpKeys(t, other.secret), sopsdec.ErrNoKey},
		{"age key for a PGP file", onlyPGP, ageKeys(t, ageID), sopsdec.ErrNoKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pt, err := sopsdec.Decrypt(t.Context(), tt.file, sopsdec.YAML, tt.keys)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				testkit.AssertNoLeak(t, "error", err.Error(), "pgp-secret-value", string(key.secret), string(other.secret))
				return
			}
			if err != nil {
				t.Fatalf("Decrypt: %s", testkit.Hide(err.Error(), "pgp-secret-value"))
			}
			if d := diff(decodeDocs(t, pt.Docs)[0], decodeDocs(t, parseDocs(t, want))[0], "doc"); d != "" {
				t.Errorf("differs from sops: %s", d)
			}
		})
	}
}

// TestPGPKeyErrors: the fingerprint of every PGP key tried is named, with
// why it failed; bad keys handed in are named by position.
func TestPGPKeyErrors(t *testing.T) {
	t.Parallel()
	key, other := newPGPKey(t), newPGPKey(t)
	_, ageRcpt := newAgeKey(t)
	file := encryptWith(t, "a: pgp-error-secret\n", sopsenc.Options{Groups: []sopsenc.Group{{PGP: [][]byte{key.public}, Age: []string{ageRcpt}}}})
	_, err := sopsdec.Decrypt(t.Context(), file, sopsdec.YAML, pgpKeys(t, other.secret))
	var ke *sopsdec.KeyError
	if !errors.As(err, &ke) {
		t.Fatalf("err = %v, want a *KeyError", err)
	}
	msg := err.Error()
	for _, want := range []string{"age recipient " + ageRcpt + ": not tried", "PGP key " + key.fingerprint + ": none of the 1 PGP key handed in is this key"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not say %q", msg, want)
		}
	}
	testkit.AssertNoLeak(t, "error", msg, "pgp-error-secret")

	for _, tt := range []struct {
		name  string
		rings [][]byte
		want  string
	}{
		{"none", nil, "no PGP key given"},
		{"empty", [][]byte{key.secret, nil}, "PGP key 2 is empty"},
		{"public key only", [][]byte{key.public}, "PGP key 1 holds no secret key"},
		{"garbage", [][]byte{[]byte("-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nnot base64 at all\n-----END PGP PRIVATE KEY BLOCK-----\n")}, "PGP key 1 does not parse"},
	} {
		_, err := sopsdec.PGPKeys(tt.rings...)
		if !errors.Is(err, sopsdec.ErrBadKey) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want ErrBadKey saying %q", tt.name, err, tt.want)
		}
	}
}

// TestDecryptConcurrently shares one Keys between goroutines (run with -race).
func TestDecryptConcurrently(t *testing.T) {
	t.Parallel()
	key := newPGPKey(t)
	id, rcpt := newAgeKey(t)
	file := encryptWith(t, "a: concurrent-secret\nl: [1, 2, 3]\n", sopsenc.Options{Groups: []sopsenc.Group{{Age: []string{rcpt}}, {PGP: [][]byte{key.public}}}})
	keys := sopsdec.Join(ageKeys(t, id), pgpKeys(t, key.secret))
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if _, err := sopsdec.Decrypt(t.Context(), file, sopsdec.YAML, keys); err != nil {
				t.Errorf("Decrypt: %s", testkit.Hide(err.Error(), "concurrent-secret"))
			}
		})
	}
	wg.Wait()
}
