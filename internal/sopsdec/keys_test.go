package sopsdec_test

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"filippo.io/age/armor"
	"go.yaml.in/yaml/v3"

	"github.com/hushflow/hushflow/internal/sopsdec"
	"github.com/hushflow/hushflow/internal/sopsenc"
	"github.com/hushflow/hushflow/internal/testkit"
)

// TestAgeKeysErrors: a bad identity is named by position and reason, never
// quoted.
func TestAgeKeysErrors(t *testing.T) {
	t.Parallel()
	id, rcpt := newAgeKey(t)
	id2, _ := newAgeKey(t)
	typo := id[:30] + string(rune(id[30]^1)) + id[31:] // one character off: the checksum fails
	if typo[30] == '1' || !strings.ContainsRune("QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L", rune(typo[30])) {
		typo = id[:30] + "Q" + id[31:]
		if typo == id {
			typo = id[:30] + "P" + id[31:]
		}
	}
	tests := []struct {
		name string
		ids  []string
		want string // in the message
	}{
		{"none", nil, "no age identity given"},
		{"empty string", []string{id, ""}, "age identity 2 is empty"},
		{"blank", []string{" \n\t"}, "age identity 1 is empty"},
		{"only comments", []string{"# created: 2024\n# public key: " + rcpt + "\n"}, "age identity 1 holds no key"},
		{"public key instead of the secret key", []string{rcpt}, "age identity 1 is an age public key"},
		{"key file with the recipient line uncommented", []string{"# created\n" + rcpt + "\n" + id}, "age identity 1, line 2 is an age public key"},
		{"typo", []string{id2, typo}, "age identity 2 does not match its own checksum"},
		{"cut short", []string{id[:60]}, "is 60 characters long; an age secret key has 74"},
		{"two keys run together", []string{id + id2}, "a character an age key never has"},
		{"mixed case", []string{id[:20] + strings.ToLower(id[20:])}, "mixes upper and lower case"},
		{"lower case", []string{strings.ToLower(id)}, "is in lower case"},
		{"SSH public key", []string{"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGsecretlookingbits user@host"}, "SSH public key"},
		{"PEM block", []string{"-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----"}, "PEM block"},
		{"plugin", []string{"AGE-PLUGIN-YUBIKEY-1QQQQQQ"}, "plugin"},
		{"something else", []string{"hunter2-not-a-key"}, "is not an age secret key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := sopsdec.AgeKeys(tt.ids...)
			if !errors.Is(err, sopsdec.ErrBadKey) {
				t.Fatalf("err = %v, want ErrBadKey", err)
			}
			msg := err.Error()
			testkit.AssertNoLeak(t, "error", msg, append(tt.ids, id, id2, typo, id[:60], "hunter2", "secretlookingbits", "b3BlbnNzaC1rZXktdjEAAAAA", "YUBIKEY-1QQQQQQ")...)
			if !strings.Contains(msg, tt.want) {
				t.Errorf("error %q does not say %q", testkit.Hide(msg, tt.ids...), tt.want)
			}
		})
	}
}

func TestAgeKeysAccepts(t *testing.T) {
	t.Parallel()
	id, _ := newAgeKey(t)
	id2, _ := newAgeKey(t)
	tests := []struct {
		name string
		ids  []string
	}{
		{"one", []string{id}},
		{"age-keygen file", []string{"# created: 2024-01-01T00:00:00Z\n# public key: age1xyz\n" + id + "\n"}},
		{"CRLF and spaces", []string{"  " + id + " \r\n"}},
		{"two on a line, as SOPS_AGE_KEY allows", []string{id + " " + id2}},
		{"several arguments", []string{id, id2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if _, err := sopsdec.AgeKeys(tt.ids...); err != nil {
				t.Errorf("AgeKeys: %s", testkit.Hide(err.Error(), tt.ids...))
			}
		})
	}
}

// TestKeyErrorsSayWhy: key failures keep sops' diagnostics, key by key,
// without secrets, instead of "0 successful groups required, got 0".
// Not parallel: the environment cases set sops' variables.
func TestKeyErrorsSayWhy(t *testing.T) {
	id, rcpt := newAgeKey(t)
	otherID, _ := newAgeKey(t)
	enc := encrypt(t, "k: key-error-secret\n", sopsenc.Rules{}, rcpt)
	dir := t.TempDir()
	missing := filepath.Join(dir, "no-such-keys.txt")
	wrongFile := filepath.Join(dir, "wrong-keys.txt")
	if err := os.WriteFile(wrongFile, []byte(otherID+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		env  map[string]string
		keys sopsdec.Keys
		want []string
	}{
		{"wrong key handed in", nil, ageKeys(t, otherID), []string{"age recipient " + rcpt, "none of the 1 age identity handed in is this recipient's"}},
		{"two wrong keys handed in", nil, ageKeys(t, otherID, otherID), []string{"none of the 2 age identities"}},
		{"no key at all", nil, sopsdec.Keys{}, []string{"age recipient " + rcpt, "not tried"}},
		{"nothing in the environment", nil, sopsdec.EnvironmentKeys(), []string{"age recipient " + rcpt, "from the environment", "failed to load age identities", "SOPS_AGE_KEY_FILE"}},
		{"missing key file", map[string]string{"SOPS_AGE_KEY_FILE": missing}, sopsdec.EnvironmentKeys(), []string{"age recipient " + rcpt, missing, "no such file"}},
		{"wrong key in the key file", map[string]string{"SOPS_AGE_KEY_FILE": wrongFile}, sopsdec.EnvironmentKeys(), []string{"age recipient " + rcpt, "did not match any of the recipients"}},
		{"wrong key in SOPS_AGE_KEY", map[string]string{"SOPS_AGE_KEY": otherID}, sopsdec.EnvironmentKeys(), []string{"age recipient " + rcpt, "did not match any of the recipients"}},
		{"bad key in SOPS_AGE_KEY", map[string]string{"SOPS_AGE_KEY": otherID[:50]}, sopsdec.EnvironmentKeys(), []string{"age recipient " + rcpt, "SOPS_AGE_KEY"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			isolateSopsEnv(t)
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			_, err := sopsdec.Decrypt(t.Context(), enc, sopsdec.YAML, tt.keys)
			if !errors.Is(err, sopsdec.ErrNoKey) || !errors.Is(err, sopsdec.ErrDecrypt) {
				t.Fatalf("err = %v, want ErrNoKey", err)
			}
			var ke *sopsdec.KeyError
			if !errors.As(err, &ke) || len(ke.Attempts) != 1 || ke.Attempts[0].Kind != "age" || ke.Attempts[0].ID != rcpt {
				t.Errorf("KeyError = %+v, want one age attempt for %s", ke, rcpt)
			}
			msg := err.Error()
			testkit.AssertNoLeak(t, "error", msg, "key-error-secret", id, otherID, otherID[:50])
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q does not say %q", testkit.Hide(msg, id, otherID), w)
				}
			}
			if strings.Contains(msg, "successful groups required") {
				t.Errorf("error %q is sops' summary, not the diagnostics", msg)
			}
		})
	}
}

// TestKeyErrorsNameEveryKind: every key of the file is named the way its
// owner knows it (KMS ARN, GCP resource, Vault key, Azure key), and keys
// of a kind nothing handed in can try say so.
func TestKeyErrorsNameEveryKind(t *testing.T) {
	t.Parallel()
	_, rcpt := newAgeKey(t)
	otherID, _ := newAgeKey(t)
	const arn = "arn:aws:kms:eu-north-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	const gcp = "projects/demo/locations/global/keyRings/ring/cryptoKeys/key"
	more := "sops:\n" +
		"    kms:\n        - arn: " + arn + "\n          created_at: \"2026-01-01T00:00:00Z\"\n          enc: AQIDBAU=\n          aws_profile: \"\"\n" +
		"    gcp_kms:\n        - resource_id: " + gcp + "\n          created_at: \"2026-01-01T00:00:00Z\"\n          enc: AQIDBAU=\n" +
		"    hc_vault:\n        - vault_address: https://vault.example.invalid:8200\n          engine_path: transit\n          key_name: demo\n          created_at: \"2026-01-01T00:00:00Z\"\n          enc: vault:v1:AQID\n" +
		"    azure_kv:\n        - vault_url: https://demo.vault.azure.net\n          name: demo-key\n          version: v1\n          created_at: \"2026-01-01T00:00:00Z\"\n          enc: AQID\n"
	file := []byte(strings.Replace(string(encrypt(t, "k: kinds-secret\n", sopsenc.Rules{}, rcpt)), "sops:\n", more, 1))
	_, err := sopsdec.Decrypt(t.Context(), file, sopsdec.YAML, ageKeys(t, otherID))
	var ke *sopsdec.KeyError
	if !errors.As(err, &ke) {
		t.Fatalf("err = %v, want a *KeyError", err)
	}
	msg := err.Error()
	for _, want := range []string{
		"age recipient " + rcpt + ": none of the 1 age identity",
		"AWS KMS key " + arn + ": not tried",
		"GCP KMS key " + gcp + ": not tried",
		"Vault transit key https://vault.example.invalid:8200/v1/transit/keys/demo: not tried",
		"Azure Key Vault key https://demo.vault.azure.net/keys/demo-key/v1: not tried",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not say %q", msg, want)
		}
	}
	if ke.Attempts[0].Kind != "age" {
		t.Errorf("first key tried: %s, want age (local keys first, as sops orders them)", ke.Attempts[0].Kind)
	}
	testkit.AssertNoLeak(t, "error", msg, "kinds-secret", otherID)
}

// TestKMSWithoutCredentialsIsQuiet: a KMS key tried from the environment
// without credentials fails with a message naming its ARN, and nothing
// reaches the process's stderr (the AWS SDK's default logger writes
// "WARN falling back to IMDSv1" there when the instance metadata service
// refuses IMDSv2's token, as this one does).
// Not parallel: it sets the AWS environment and captures fd 2.
func TestKMSWithoutCredentialsIsQuiet(t *testing.T) {
	var hits atomic.Int32
	imds := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if r.Method == http.MethodPut {
			http.Error(w, "forbidden", http.StatusForbidden) // no IMDSv2
			return
		}
		http.NotFound(w, r)
	}))
	defer imds.Close()
	isolateSopsEnv(t)
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
		"AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
		"AWS_EC2_METADATA_DISABLED", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_KMS"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	dir := t.TempDir()
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	t.Setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.URL)

	_, rcpt := newAgeKey(t)
	const arn = "arn:aws:kms:eu-north-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	more := "sops:\n    kms:\n        - arn: " + arn + "\n          created_at: \"2026-01-01T00:00:00Z\"\n          enc: AQIDBAU=\n          aws_profile: \"\"\n"
	file := []byte(strings.Replace(string(encrypt(t, "k: kms-quiet-secret\n", sopsenc.Rules{}, rcpt)), "sops:\n", more, 1))

	var err error
	stderr := testkit.CaptureStderr(t, func() {
		_, err = sopsdec.Decrypt(t.Context(), file, sopsdec.YAML, sopsdec.EnvironmentKeys())
	})
	if !errors.Is(err, sopsdec.ErrNoKey) || !strings.Contains(err.Error(), "AWS KMS key "+arn+": from the environment:") {
		t.Errorf("err = %v, want ErrNoKey naming the KMS key", err)
	}
	if hits.Load() == 0 {
		t.Fatal("the instance metadata service was never asked: the test proves nothing")
	}
	if stderr != "" {
		t.Errorf("stderr = %q, want nothing", stderr)
	}
}

// TestTamperedAgeDataKey: the age message that carries a file's data key
// is authenticated in full, header and payload, before its key is used: a
// flipped byte anywhere, a cut or a byte added fails the file as a key
// that does not decrypt, and the error quotes none of it.
func TestTamperedAgeDataKey(t *testing.T) {
	t.Parallel()
	id, rcpt := newAgeKey(t)
	enc := encrypt(t, "k: tampered-age-secret\n", sopsenc.Rules{}, rcpt)
	var raw []byte // the binary age message of the data key
	editYAML(t, enc, func(top *yaml.Node) {
		armored := child(t, child(t, child(t, top, "sops"), "age").Content[0], "enc").Value
		var err error
		if raw, err = io.ReadAll(armor.NewReader(strings.NewReader(armored))); err != nil {
			t.Fatal(err)
		}
	})
	payload := bytes.Index(raw, []byte("\n---")) // the header's MAC line
	if payload < 0 {
		t.Fatal("no header MAC line in the age message")
	}
	payload += bytes.IndexByte(raw[payload+1:], '\n') + 2 // the nonce, then the sealed chunk
	tests := []struct {
		name   string
		tamper func([]byte) []byte
	}{
		{"header byte flipped", func(b []byte) []byte { b[10] ^= 1; return b }},
		{"nonce byte flipped", func(b []byte) []byte { b[payload] ^= 1; return b }},
		{"chunk byte flipped", func(b []byte) []byte { b[payload+20] ^= 1; return b }},
		{"tag byte flipped", func(b []byte) []byte { b[len(b)-1] ^= 1; return b }},
		{"cut", func(b []byte) []byte { return b[:len(b)-1] }},
		{"byte added", func(b []byte) []byte { return append(b, 0) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var armored strings.Builder
			w := armor.NewWriter(&armored)
			if _, err := w.Write(tt.tamper(bytes.Clone(raw))); err != nil {
				t.Fatal(err)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			bad := editYAML(t, enc, func(top *yaml.Node) {
				child(t, child(t, child(t, top, "sops"), "age").Content[0], "enc").Value = armored.String()
			})
			pt, err := sopsdec.Decrypt(t.Context(), bad, sopsdec.YAML, ageKeys(t, id))
			if !errors.Is(err, sopsdec.ErrDecrypt) || pt != nil {
				t.Fatalf("err = %v, want ErrDecrypt and nothing decrypted", err)
			}
			msg := err.Error()
			testkit.AssertNoLeak(t, "error", msg, "tampered-age-secret", id)
			if !strings.Contains(msg, "age recipient "+rcpt) || !strings.Contains(msg, "does not") {
				t.Errorf("error %q does not name the recipient and what failed", msg)
			}
		})
	}
}
