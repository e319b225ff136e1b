package secrets_test

// These tests resolve through the real vals backend. Backends that work
// offline (echo, file, envsubst, sops) are used as they are; vault and awsssm
// are pointed at httptest servers that speak their protocols, since no Vault
// or AWS can run here. Tests that set environment variables (envsubst, sops,
// awsssm, the stderr capture) cannot be parallel: vals' providers read their
// configuration from the environment.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"filippo.io/age"

	"github.com/hushflow/hushflow/internal/sopsenc"
	"github.com/hushflow/hushflow/internal/testkit"
	"github.com/hushflow/hushflow/secrets"
)

// newValsResolver returns a resolver whose backend is vals, handed in with
// WithBackend: these tests exercise vals' own providers, file and sops
// included, which read the host's files (a resolver with the default
// backend reads files only under WithFiles and WithAbsoluteDirs).
func newValsResolver(t testing.TB, opts ...secrets.Option) *secrets.Resolver {
	t.Helper()
	opts = append([]secrets.Option{secrets.WithBackend(secrets.NewValsBackend(secrets.ValsOptions{}))}, opts...)
	r, err := secrets.New(opts...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func writeFile(t testing.TB, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestValsEchoAndFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	doc := filepath.Join(dir, "app.yaml")
	writeFile(t, doc, "db:\n  password: S3CRET-file\n  port: 5432\n  tls: true\n  none: null\n  hosts: [a, b]\n")
	whole := filepath.Join(dir, "token.txt")
	writeFile(t, whole, "S3CRET-whole")
	r := newValsResolver(t)
	for _, tc := range []struct{ in, want string }{
		{"ref+echo://hello/world", "hello/world"},
		{"ref+echo://foo/bar#/foo", "bar"},
		{"user=ref+echo://admin+ host=db", "user=admin host=db"},
		{"ref+file://" + doc + "#/db/password", "S3CRET-file"},
		{"ref+file://" + doc + "#/db/port", "5432"},
		{"ref+file://" + doc + "#/db/tls", "true"},
		{"ref+file://" + whole, "S3CRET-whole"},
		{"pw=ref+file://" + doc + "#/db/password+;", "pw=S3CRET-file;"},
	} {
		got, err := r.Resolve(t.Context(), tc.in)
		if err != nil {
			t.Errorf("Resolve(%q): %s", tc.in, show(err))
		} else if got != tc.want {
			t.Errorf("Resolve(%q) gave a wrong value", tc.in)
		}
	}
}

// vals puts values into some messages; none may reach the caller.
func TestValsErrorsNeverQuoteTheData(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	doc := filepath.Join(dir, "app.yaml")
	writeFile(t, doc, "db:\n  password: S3CRET-file\n  none: null\n  hosts: [S3CRET-h1, S3CRET-h2]\nS3CRET-key: 1\n")
	scalar := filepath.Join(dir, "scalar.yaml")
	writeFile(t, scalar, "S3CRET-scalar-doc\n")
	broken := filepath.Join(dir, "broken.yaml")
	writeFile(t, broken, "S3CRET-broken: [\n  unterminated: {\n")
	jsonish := filepath.Join(dir, "list.yaml")
	writeFile(t, jsonish, "- S3CRET-list-item\n")
	missing := filepath.Join(dir, "missing.yaml")

	leaks := []string{"S3CRET"}
	r := newValsResolver(t)
	for _, tc := range []struct {
		name, in, wantRef string
		want              error
		wantText          string
	}{
		{"walks into a scalar", "ref+file://" + doc + "#/db/password/x", "ref+file://" + doc + "#/db/password/x", secrets.ErrNotFound, `key "password" of #/db/password/x holds a scalar`},
		{"document is a scalar", "ref+file://" + scalar + "#/a", "ref+file://" + scalar + "#/a", secrets.ErrBackend, "withheld"},
		{"document is a list", "ref+file://" + jsonish + "#/a", "ref+file://" + jsonish + "#/a", secrets.ErrBackend, "withheld"},
		{"broken YAML", "ref+file://" + broken + "#/a", "ref+file://" + broken + "#/a", secrets.ErrBackend, "withheld"},
		{"missing key", "ref+file://" + doc + "#/db/user", "ref+file://" + doc + "#/db/user", secrets.ErrNotFound, "no key #/db/user"},
		{"null value", "ref+file://" + doc + "#/db/none", "ref+file://" + doc + "#/db/none", secrets.ErrNotFound, "null"},
		{"a map", "ref+file://" + doc + "#/db", "ref+file://" + doc + "#/db", secrets.ErrNotScalar, "#/fragment"},
		{"a list", "ref+file://" + doc + "#/db/hosts", "ref+file://" + doc + "#/db/hosts", secrets.ErrNotScalar, ""},
		{"missing file", "ref+file://" + missing + "#/a", "ref+file://" + missing + "#/a", secrets.ErrNotFound, "vals: open: no such file or directory"},
		{"missing whole file", "x ref+file://" + missing + "?encode=base64 y", "ref+file://" + missing, secrets.ErrNotFound, "no such file"},
		{"a directory", "ref+file://" + dir + "/?token=S3CRET-query", "ref+file://" + dir + "/", secrets.ErrBackend, "is a directory"},
		{"bad encode", "ref+file://" + doc + "?encode=S3CRET-encode", "ref+file://" + doc, secrets.ErrBackend, "withheld"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := r.Resolve(t.Context(), tc.in)
			wantSafeErr(t, err, tc.wantRef, tc.want, tc.wantText, leaks)
		})
	}
}

// vals caches every value it fetched, with no expiry; a rotated secret must
// still come through after Purge or the TTL.
func TestValsFileRotation(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		ttl    time.Duration
		expire func(*secrets.Resolver)
	}{
		{"Purge", time.Hour, (*secrets.Resolver).Purge},
		{"TTL", time.Millisecond, func(*secrets.Resolver) { time.Sleep(5 * time.Millisecond) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				path := filepath.Join(t.TempDir(), "rotating.yaml")
				writeFile(t, path, "db:\n  password: S3CRET-old\n")
				whole := filepath.Join(t.TempDir(), "whole.txt")
				writeFile(t, whole, "S3CRET-old")
				r := newValsResolver(t, secrets.WithTTL(tc.ttl))
				refs := []string{"ref+file://" + path + "#/db/password", "ref+file://" + whole}
				for _, ref := range refs {
					if got, err := r.Resolve(t.Context(), ref); err != nil || got != "S3CRET-old" {
						t.Fatalf("%s: first value wrong (err %s)", ref, show(err))
					}
				}
				writeFile(t, path, "db:\n  password: S3CRET-new\n")
				writeFile(t, whole, "S3CRET-new")
				if tc.name == "Purge" {
					if got, _ := r.Resolve(t.Context(), refs[0]); got != "S3CRET-old" {
						t.Error("the value changed before Purge: the cache is not serving it")
					}
				}
				tc.expire(r)
				for _, ref := range refs {
					if got, err := r.Resolve(t.Context(), ref); err != nil || got != "S3CRET-new" {
						t.Errorf("%s: the rotated value was not returned (err %s)", ref, show(err))
					}
				}
			})
		})
	}
}

func TestValsNestedReference(t *testing.T) {
	t.Setenv("HUSHFLOW_TEST_STAGE", "prod")
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "prod.yaml"), "password: S3CRET-prod\n")
	r := newValsResolver(t)
	got, err := r.Resolve(t.Context(), "ref+file://"+dir+"/ref+envsubst://$HUSHFLOW_TEST_STAGE+.yaml#/password")
	if err != nil || got != "S3CRET-prod" {
		t.Fatalf("nested: wrong value (err %s)", show(err))
	}
	// The nested example of vals' documentation.
	home := os.Getenv("HOME")
	got, err = r.Resolve(t.Context(), "ref+echo://ref+envsubst://$HOME/x")
	if err != nil || got != home+"/x" {
		t.Fatalf("echo of envsubst: got %q (err %s)", got, show(err))
	}
}

func TestValsEnvsubst(t *testing.T) {
	t.Setenv("HUSHFLOW_TEST_SECRET", "S3CRET-env")
	r := newValsResolver(t)
	got, err := r.Resolve(t.Context(), "token=ref+envsubst://$HUSHFLOW_TEST_SECRET")
	if err != nil || got != "token=S3CRET-env" {
		t.Fatalf("envsubst: wrong value (err %s)", show(err))
	}
}

// encryptSOPS encrypts a YAML document to an age recipient in process, as
// `sops -e --age` does.
func encryptSOPS(t testing.TB, plain, recipient string) []byte {
	t.Helper()
	out, err := sopsenc.EncryptYAML([]byte(plain), sopsenc.Rules{}, recipient)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Not parallel: the vals sops provider reads the age key from SOPS_AGE_KEY.
func TestValsSOPS(t *testing.T) {
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "secrets.yaml")
	enc := encryptSOPS(t, "db:\n  password: S3CRET-sops\n", id.Recipient().String())
	if strings.Contains(string(enc), "S3CRET-sops") {
		t.Fatal("the test file is not encrypted")
	}
	if err := os.WriteFile(path, enc, 0o600); err != nil {
		t.Fatal(err)
	}

	t.Setenv("SOPS_AGE_KEY_FILE", filepath.Join(dir, "no-such-keys.txt"))
	t.Setenv("SOPS_AGE_KEY", id.String())
	r := newValsResolver(t)
	got, err := r.Resolve(t.Context(), "ref+sops://"+path+"#/db/password")
	if err != nil || got != "S3CRET-sops" {
		t.Fatalf("sops: wrong value (err %s)", show(err))
	}
	_, err = r.Resolve(t.Context(), "ref+sops://"+path+"#/db/password/deeper")
	wantErr(t, err, "ref+sops://"+path+"#/db/password/deeper", secrets.ErrNotFound)
	if err != nil {
		assertNoLeak(t, "error", err.Error(), "S3CRET-sops", id.String())
	}

	// The wrong key: an error that names the file, not the key.
	other, _ := age.GenerateX25519Identity()
	t.Setenv("SOPS_AGE_KEY", other.String())
	r.Purge()
	_, err = r.Resolve(t.Context(), "ref+sops://"+path+"#/db/password")
	wantErr(t, err, "ref+sops://"+path+"#/db/password", secrets.ErrBackend)
	if err != nil {
		assertNoLeak(t, "error", err.Error(), "S3CRET-sops", id.String(), other.String())
	}
}

// vaultServer speaks enough of Vault's HTTP API for a KV v2 read: the mount
// preflight vals makes, and GET /v1/secret/data/<path>.
func vaultServer(t testing.TB, token string, data map[string]map[string]any) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var reads atomic.Int64
	reply := func(w http.ResponseWriter, code int, body any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		_ = json.NewEncoder(w).Encode(body)
	}
	authorized := func(w http.ResponseWriter, r *http.Request) bool {
		if r.Header.Get("X-Vault-Token") != token {
			reply(w, http.StatusForbidden, map[string]any{"errors": []string{"permission denied"}})
			return false
		}
		return true
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/sys/internal/ui/mounts/{path...}", func(w http.ResponseWriter, r *http.Request) {
		if authorized(w, r) {
			reply(w, http.StatusOK, map[string]any{"data": map[string]any{
				"path": "secret/", "type": "kv", "options": map[string]any{"version": "2"},
			}})
		}
	})
	mux.HandleFunc("GET /v1/secret/data/{path...}", func(w http.ResponseWriter, r *http.Request) {
		if !authorized(w, r) {
			return
		}
		reads.Add(1)
		d, ok := data[r.PathValue("path")]
		if !ok {
			reply(w, http.StatusNotFound, map[string]any{"errors": []string{}})
			return
		}
		reply(w, http.StatusOK, map[string]any{"data": map[string]any{
			"data": d, "metadata": map[string]any{"version": 1},
		}})
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, &reads
}

func TestValsVault(t *testing.T) {
	t.Parallel()
	const token = "S3CRET-vault-token"
	srv, reads := vaultServer(t, token, map[string]map[string]any{
		"api": {"token": "S3CRET-api-token", "user": "svc"},
	})
	dir := t.TempDir()
	tokenFile := filepath.Join(dir, "token")
	writeFile(t, tokenFile, token)
	wrongFile := filepath.Join(dir, "wrong")
	writeFile(t, wrongFile, "S3CRET-wrong-token")
	query := func(file string) string {
		return "?address=" + srv.URL + "&token_file=" + file + "&secret_id=S3CRET-approle-id"
	}
	r := newValsResolver(t)

	got, err := r.Resolve(t.Context(), "ref+vault://secret/api"+query(tokenFile)+"#/token")
	if err != nil || got != "S3CRET-api-token" {
		t.Fatalf("vault fragment: wrong value (err %s)", show(err))
	}
	got, err = r.Resolve(t.Context(), "user=ref+vault://secret/api/user"+query(tokenFile)+" ok")
	if err != nil || got != "user=svc ok" {
		t.Fatalf("vault path key: got %q (err %s)", got, show(err))
	}
	before := reads.Load()
	if _, err := r.Resolve(t.Context(), "ref+vault://secret/api"+query(tokenFile)+"#/token"); err != nil {
		t.Fatal(show(err))
	}
	if reads.Load() != before {
		t.Error("a cached vault value was read again")
	}

	leaks := []string{"S3CRET"}
	for _, tc := range []struct {
		name, in, wantRef string
		want              error
		wantText          string
	}{
		{"missing key", "ref+vault://secret/api" + query(tokenFile) + "#/nope", "ref+vault://secret/api#/nope", secrets.ErrNotFound, "no key #/nope"},
		{"missing path key", "ref+vault://secret/api/nope" + query(tokenFile), "ref+vault://secret/api/nope", secrets.ErrNotFound, `key "nope" does not exist`},
		{"missing secret", "ref+vault://secret/other" + query(tokenFile) + "#/token", "ref+vault://secret/other#/token", secrets.ErrNotFound, "no secret found"},
		{"forbidden", "ref+vault://secret/api" + query(wrongFile) + "#/token", "ref+vault://secret/api#/token", secrets.ErrBackend, "Code: 403"},
		{"walks into a scalar", "ref+vault://secret/api" + query(tokenFile) + "#/token/x", "ref+vault://secret/api#/token/x", secrets.ErrNotFound, "holds a scalar"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := r.Resolve(t.Context(), tc.in)
			wantSafeErr(t, err, tc.wantRef, tc.want, tc.wantText, leaks)
		})
	}
}

// ssmServer speaks the AWS JSON 1.1 protocol of SSM's GetParameter.
func ssmServer(t testing.TB, params map[string]string) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var calls atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		if r.Method != http.MethodPost || r.Header.Get("X-Amz-Target") != "AmazonSSM.GetParameter" {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, `{"__type":"UnknownOperationException","message":"only GetParameter"}`)
			return
		}
		if !strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256 Credential=AKIDHUSHFLOWTEST/") {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, `{"__type":"UnrecognizedClientException","message":"The security token included in the request is invalid."}`)
			return
		}
		calls.Add(1)
		var in struct{ Name string }
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		v, ok := params[in.Name]
		if !ok {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, `{"__type":"ParameterNotFound","message":""}`)
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"Parameter": map[string]any{
			"Name": in.Name, "Type": "SecureString", "Value": v, "Version": 1,
		}})
	}))
	t.Cleanup(srv.Close)
	return srv, &calls
}

// awsEnv points the AWS SDK at srv with dummy credentials and no shared
// config. Not parallel: the SDK reads the environment.
func awsEnv(t *testing.T, endpoint string) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	writeFile(t, empty, "")
	for k, v := range map[string]string{
		"AWS_ENDPOINT_URL":            endpoint,
		"AWS_ACCESS_KEY_ID":           "AKIDHUSHFLOWTEST",
		"AWS_SECRET_ACCESS_KEY":       "S3CRET-aws-secret-key",
		"AWS_REGION":                  "eu-west-1",
		"AWS_CONFIG_FILE":             empty,
		"AWS_SHARED_CREDENTIALS_FILE": empty,
		"AWS_EC2_METADATA_DISABLED":   "true",
		"AWS_PROFILE":                 "",
		"AWS_DEFAULT_PROFILE":         "",
		"AWS_SESSION_TOKEN":           "",
		"FORCE_AWS_PROFILE":           "",
		"AWS_SDK_GO_LOG_LEVEL":        "",
	} {
		t.Setenv(k, v)
	}
}

func TestValsAWSSSM(t *testing.T) {
	srv, calls := ssmServer(t, map[string]string{"/prod/db/password": "S3CRET-ssm"})
	awsEnv(t, srv.URL)
	r := newValsResolver(t)
	got, err := r.Resolve(t.Context(), "ref+awsssm:///prod/db/password")
	if err != nil || got != "S3CRET-ssm" {
		t.Fatalf("awsssm: wrong value (err %s)", show(err))
	}
	got, err = r.Resolve(t.Context(), "DB_PASSWORD=ref+awsssm://prod/db/password?region=eu-west-1")
	if err != nil || got != "DB_PASSWORD=S3CRET-ssm" {
		t.Fatalf("awsssm with region: wrong value (err %s)", show(err))
	}
	if n := calls.Load(); n != 2 {
		t.Errorf("SSM called %d times, want 2 (two distinct references)", n)
	}

	_, err = r.Resolve(t.Context(), "ref+awsssm:///prod/db/nope")
	wantErr(t, err, "ref+awsssm:///prod/db/nope", secrets.ErrNotFound)
	if err != nil {
		assertNoLeak(t, "error", err.Error(), "S3CRET")
		if !strings.Contains(err.Error(), "ParameterNotFound") {
			t.Errorf("error %q does not name the AWS error code", show(err))
		}
	}
}

// Several vals providers create their clients lazily without a lock; the
// first calls to a fresh resolver must still be race-free (go test -race).
func TestValsFirstConcurrentCallsAreRaceFree(t *testing.T) {
	params := map[string]string{}
	for i := range 16 {
		params[fmt.Sprintf("/p/%d", i)] = fmt.Sprintf("S3CRET-%d", i)
	}
	srv, _ := ssmServer(t, params)
	awsEnv(t, srv.URL)
	vsrv, _ := vaultServer(t, "tok", map[string]map[string]any{"api": {"a": "S3CRET-a", "b": "S3CRET-b"}})
	tokenFile := filepath.Join(t.TempDir(), "token")
	writeFile(t, tokenFile, "tok")

	r := newValsResolver(t)
	var wg sync.WaitGroup
	var wrong atomic.Int64
	for name, want := range params {
		wg.Go(func() {
			if v, err := r.Resolve(context.Background(), "ref+awsssm://"+name); err != nil || v != want {
				wrong.Add(1)
			}
		})
	}
	for _, k := range []string{"a", "b", "a", "b"} {
		wg.Go(func() {
			if v, err := r.Resolve(context.Background(), "ref+vault://secret/api?address="+vsrv.URL+"&token_file="+tokenFile+"#/"+k); err != nil || v != "S3CRET-"+k {
				wrong.Add(1)
			}
		})
	}
	wg.Wait()
	if n := wrong.Load(); n > 0 {
		t.Errorf("%d concurrent first calls failed", n)
	}
}

// An unknown AWS_PROFILE makes vals' AWS session code panic; the credential
// check before it fails first, naming the profile.
func TestValsUnknownAWSProfile(t *testing.T) {
	srv, _ := ssmServer(t, nil)
	awsEnv(t, srv.URL)
	t.Setenv("AWS_PROFILE", "hushflow-no-such-profile")
	r := newValsResolver(t)
	_, err := r.Resolve(t.Context(), "ref+awsssm:///prod/db/password")
	wantErr(t, err, "ref+awsssm:///prod/db/password", secrets.ErrBackend)
	if err != nil && !strings.Contains(err.Error(), "hushflow-no-such-profile") {
		t.Errorf("error %q does not name the profile", show(err))
	}
}

// vals logs to stderr unless told otherwise; nothing may reach the host's.
func TestValsWritesNothingToStderr(t *testing.T) {
	srv, _ := ssmServer(t, map[string]string{"/p": "S3CRET-p"})
	awsEnv(t, srv.URL)
	vsrv, _ := vaultServer(t, "tok", map[string]map[string]any{"api": {"a": "S3CRET-a"}})
	dir := t.TempDir()
	tokenFile := filepath.Join(dir, "token")
	writeFile(t, tokenFile, "tok")
	doc := filepath.Join(dir, "d.yaml")
	writeFile(t, doc, "a: S3CRET-f\n")
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	other, _ := age.GenerateX25519Identity()
	sopsFile := filepath.Join(dir, "s.yaml")
	if err := os.WriteFile(sopsFile, encryptSOPS(t, "a: S3CRET-s\n", id.Recipient().String()), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("SOPS_AGE_KEY_FILE", filepath.Join(dir, "no-such-keys.txt"))
	t.Setenv("SOPS_AGE_KEY", other.String()) // the wrong key: a failure sops might log

	out := testkit.CaptureStderr(t, func() { // fd 2, not only os.Stderr
		r := newValsResolver(t)
		for _, s := range []string{
			"ref+awsssm:///p", "ref+awsssm:///missing",
			"ref+vault://secret/api?address=" + vsrv.URL + "&token_file=" + tokenFile + "#/a",
			"ref+vault://secret/nope?address=" + vsrv.URL + "&token_file=" + tokenFile + "#/a",
			"ref+file://" + doc + "#/a", "ref+file://" + doc + "#/a/b",
			"ref+sops://" + sopsFile + "#/a", "ref+sops://" + dir + "/missing.yaml#/a",
		} {
			_, _ = r.Resolve(t.Context(), s)
		}
	})
	if out != "" {
		t.Errorf("vals wrote %d bytes to stderr", len(out))
	}
}

func TestValsBackendWantsOneWholeReference(t *testing.T) {
	t.Parallel()
	b := secrets.NewValsBackend(secrets.ValsOptions{})
	for _, in := range []string{"", "hello", "x ref+echo://a/b", "ref+echo://a/b ref+echo://c/d"} {
		if _, err := b.Get(t.Context(), in); !errors.Is(err, secrets.ErrInvalidRef) {
			t.Errorf("Get(%q): %v, want ErrInvalidRef", in, err)
		}
	}
	if v, err := b.Get(t.Context(), "ref+echo://a/b"); err != nil || v != "a/b" {
		t.Errorf("Get(echo) = %q, %v", v, err)
	}
}

// imdsServer imitates an instance metadata endpoint that refuses IMDSv2
// tokens (404, as a proxy or a non-AWS cloud answers) and knows no role:
// the AWS SDK then logs "WARN falling back to IMDSv1" on fd 2 unless its
// logger is silenced.
func imdsServer(t *testing.T) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		http.NotFound(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

// An awsssm reference tried without credentials writes nothing to the
// host's fd 2 and fails with an error that says why. Not parallel: it sets
// the environment and captures fd 2.
func TestAWSWithoutCredentialsWritesNothingToStderr(t *testing.T) {
	imds, hits := imdsServer(t)
	ssm, calls := ssmServer(t, map[string]string{"/p": "S3CRET-p"})
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	writeFile(t, empty, "")
	for k, v := range map[string]string{
		"AWS_ENDPOINT_URL":                       ssm.URL,
		"AWS_EC2_METADATA_SERVICE_ENDPOINT":      imds.URL,
		"AWS_EC2_METADATA_DISABLED":              "false",
		"AWS_ACCESS_KEY_ID":                      "",
		"AWS_SECRET_ACCESS_KEY":                  "",
		"AWS_SESSION_TOKEN":                      "",
		"AWS_REGION":                             "eu-west-1",
		"AWS_CONFIG_FILE":                        empty,
		"AWS_SHARED_CREDENTIALS_FILE":            empty,
		"AWS_PROFILE":                            "",
		"AWS_DEFAULT_PROFILE":                    "",
		"AWS_WEB_IDENTITY_TOKEN_FILE":            "",
		"AWS_CONTAINER_CREDENTIALS_FULL_URI":     "",
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "",
		"FORCE_AWS_PROFILE":                      "",
		"AWS_SDK_GO_LOG_LEVEL":                   "",
	} {
		t.Setenv(k, v)
	}
	r := newValsResolver(t)
	var err error
	out := testkit.CaptureStderr(t, func() {
		for _, ref := range []string{"ref+awsssm:///p", "ref+awssecrets://db/password", "ref+s3://bucket/key"} {
			_, err = r.Resolve(t.Context(), ref)
			wantErr(t, err, ref, secrets.ErrBackend)
		}
	})
	if out != "" {
		t.Errorf("%d bytes written to fd 2: %s", len(out), secretLike.ReplaceAllString(out, "[secret]"))
	}
	if hits.Load() == 0 {
		t.Error("the metadata endpoint was never asked: the test proves nothing")
	}
	if calls.Load() != 0 {
		t.Error("SSM was called without credentials")
	}
	if err != nil && !strings.Contains(err.Error(), "credentials") {
		t.Errorf("error %q does not say credentials are missing", show(err))
	}
}
