package secrets_test

// No Vault or OpenBao server can run here (none is packaged for these
// machines, and neither builds from the Go module proxy: OpenBao's module
// is not served, Vault's lacks its nested api/ and sdk/ modules), so
// ref+vault:// is tested against vaultAPI, an httptest server that answers
// as Vault 1.21 does, shape for shape: the KV v2 versioned read with its
// metadata, the 404 of a soft-deleted or destroyed version (which still
// carries data: null and the metadata), the bare {"errors":[]} 404 of a
// path or version that never existed, the three 403 bodies (an invalid
// token, a token without the capability, a preflight on a mount the token
// cannot see), the mount preflight vals makes first, and a KV v1 mount
// beside it. The bodies follow Vault's own code (http/handler.go,
// vault/request_handling.go, vault/logical_system.go
// pathInternalUIMountRead, the KV plugin's path_data.go), read, not copied.

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hushflow/hushflow/internal/testkit"
	"github.com/hushflow/hushflow/secrets"
)

// vaultVersion is one version of a KV v2 secret.
type vaultVersion struct {
	data      map[string]any
	created   time.Time
	deleted   time.Time // soft-deleted when set
	destroyed bool
}

// vaultAPI answers as a Vault server with a KV v2 mount at secret/ and a KV
// v1 mount at kv/.
type vaultAPI struct {
	mu     sync.Mutex
	tokens map[string][]string // token → API path prefixes it may read ("secret/data/api")
	v2     map[string][]vaultVersion
	v1     map[string]map[string]any
	reads  atomic.Int64 // data reads answered (not preflights)
	ids    atomic.Int64
}

var vaultMounts = map[string]string{"secret/": "2", "kv/": "1"}

func newVaultAPI(t testing.TB) (*vaultAPI, *httptest.Server) {
	t.Helper()
	v := &vaultAPI{tokens: map[string][]string{}, v2: map[string][]vaultVersion{}, v1: map[string]map[string]any{}}
	srv := httptest.NewServer(v)
	t.Cleanup(srv.Close)
	return v, srv
}

// put adds a version to a KV v2 secret, as a write to secret/data/path does.
func (v *vaultAPI) put(path string, data map[string]any) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.v2[path] = append(v.v2[path], vaultVersion{data: data, created: time.Now().UTC()})
}

// deleteLatest soft-deletes the latest version (vault kv delete).
func (v *vaultAPI) deleteLatest(path string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	vs := v.v2[path]
	vs[len(vs)-1].deleted = time.Now().UTC()
}

// destroy destroys a version for good (vault kv destroy -versions=n).
func (v *vaultAPI) destroy(path string, version int) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.v2[path][version-1].destroyed = true
	v.v2[path][version-1].data = nil
}

func (v *vaultAPI) reply(w http.ResponseWriter, code int, body any) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(body)
}

// errors answers as Vault's respondError does.
func (v *vaultAPI) errors(w http.ResponseWriter, code int, msgs ...string) {
	if msgs == nil {
		msgs = []string{}
	}
	v.reply(w, code, map[string]any{"errors": msgs})
}

// Vault formats its multierrors with hashicorp/go-multierror.
const (
	vaultInvalidToken     = "2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n"
	vaultPermissionDenied = "1 error occurred:\n\t* permission denied\n\n"
)

func (v *vaultAPI) envelope(data any, mountType string, lease int) map[string]any {
	return map[string]any{
		"request_id":     fmt.Sprintf("6a1d3a3e-0000-4000-8000-%012d", v.ids.Add(1)),
		"lease_id":       "",
		"renewable":      false,
		"lease_duration": lease,
		"data":           data,
		"wrap_info":      nil,
		"warnings":       nil,
		"auth":           nil,
		"mount_type":     mountType,
	}
}

func (v *vaultAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet || !strings.HasPrefix(r.URL.Path, "/v1/") {
		v.errors(w, http.StatusMethodNotAllowed, "unsupported operation")
		return
	}
	path := strings.TrimPrefix(r.URL.Path, "/v1/")
	v.mu.Lock()
	defer v.mu.Unlock()
	allowed, valid := v.tokens[r.Header.Get("X-Vault-Token")]
	if !valid {
		v.errors(w, http.StatusForbidden, vaultInvalidToken)
		return
	}
	can := func(p string) bool {
		for _, a := range allowed {
			if strings.HasPrefix(p, a) {
				return true
			}
		}
		return false
	}

	// hasMountAccess: the token has some capability below the mount.
	mountAccess := func(mount string) bool {
		for _, a := range allowed {
			if strings.HasPrefix(a, mount) || strings.HasPrefix(mount, a) {
				return true
			}
		}
		return false
	}
	if rest, ok := strings.CutPrefix(path, "sys/internal/ui/mounts/"); ok {
		v.preflight(w, rest, mountAccess)
		return
	}
	for mount, version := range vaultMounts {
		rest, ok := strings.CutPrefix(path, mount)
		if !ok {
			continue
		}
		if !can(path) {
			v.errors(w, http.StatusForbidden, vaultPermissionDenied)
			return
		}
		v.reads.Add(1)
		if version == "1" {
			d, ok := v.v1[rest]
			if !ok {
				v.errors(w, http.StatusNotFound)
				return
			}
			v.reply(w, http.StatusOK, v.envelope(d, "kv", 2764800)) // KV v1's default refresh interval, 768h
			return
		}
		v.readV2(w, r, rest)
		return
	}
	v.errors(w, http.StatusNotFound) // no handler for the route: as Vault, a bare 404
}

// preflight answers sys/internal/ui/mounts/PATH, which vals asks first to
// learn the mount and its KV version.
func (v *vaultAPI) preflight(w http.ResponseWriter, p string, mountAccess func(string) bool) {
	p = strings.TrimSuffix(p, "/") + "/" // Vault's sanitizePath
	denied := fmt.Sprintf("preflight capability check returned 403, please ensure client's policies grant access to path %q", p)
	for mount, version := range vaultMounts {
		if !strings.HasPrefix(p, mount) {
			continue
		}
		if !mountAccess(mount) {
			v.errors(w, http.StatusForbidden, denied)
			return
		}
		v.reply(w, http.StatusOK, v.envelope(map[string]any{
			"accessor":                "kv_" + strings.TrimSuffix(mount, "/") + "5f1d2c3b",
			"config":                  map[string]any{"default_lease_ttl": 0, "force_no_cache": false, "max_lease_ttl": 0},
			"description":             "key/value secret storage",
			"external_entropy_access": false,
			"local":                   false,
			"options":                 map[string]any{"version": version},
			"path":                    mount,
			"plugin_version":          "",
			"running_plugin_version":  "v0.24.0+builtin",
			"running_sha256":          "",
			"seal_wrap":               false,
			"type":                    "kv",
			"uuid":                    "4b2a1f0e-0000-4000-8000-" + strings.Repeat("0", 11) + version,
		}, "system", 0))
		return
	}
	v.errors(w, http.StatusForbidden, denied) // an unknown mount is denied, not 404: no listing of mounts
}

// readV2 answers secret/data/PATH[?version=N].
func (v *vaultAPI) readV2(w http.ResponseWriter, r *http.Request, p string) {
	rest, ok := strings.CutPrefix(p, "data/")
	if !ok {
		v.errors(w, http.StatusNotFound)
		return
	}
	versions := v.v2[rest]
	n := len(versions)
	if q := r.URL.Query().Get("version"); q != "" && q != "0" {
		var err error
		if n, err = strconv.Atoi(q); err != nil {
			v.errors(w, http.StatusBadRequest, "invalid version")
			return
		}
	}
	if n < 1 || n > len(versions) {
		v.errors(w, http.StatusNotFound) // the plugin returns no response: {"errors":[]}
		return
	}
	ver := versions[n-1]
	deletion := ""
	if !ver.deleted.IsZero() {
		deletion = ver.deleted.Format(time.RFC3339Nano)
	}
	meta := map[string]any{
		"created_time":    ver.created.Format(time.RFC3339Nano),
		"custom_metadata": nil,
		"deletion_time":   deletion,
		"destroyed":       ver.destroyed,
		"version":         n,
	}
	if deletion != "" || ver.destroyed {
		// The plugin answers 404 with the metadata and data: null.
		v.reply(w, http.StatusNotFound, v.envelope(map[string]any{"data": nil, "metadata": meta}, "kv", 0))
		return
	}
	v.reply(w, http.StatusOK, v.envelope(map[string]any{"data": ver.data, "metadata": meta}, "kv", 0))
}

func TestVaultAPIKV2(t *testing.T) {
	t.Parallel()
	api, srv := newVaultAPI(t)
	const good, narrow, revoked = "S3CRET-token-good", "S3CRET-token-narrow", "S3CRET-token-revoked"
	api.tokens[good] = []string{"secret/data/", "kv/"}
	api.tokens[narrow] = []string{"secret/data/api"}
	api.put("api", map[string]any{"token": "S3CRET-v1", "user": "svc"})
	api.put("api", map[string]any{"token": "S3CRET-v2", "user": "svc", "port": 5432})
	api.put("api", map[string]any{"token": "S3CRET-v3"})
	api.put("deleted", map[string]any{"token": "S3CRET-deleted-v1"})
	api.put("deleted", map[string]any{"token": "S3CRET-deleted-v2"})
	api.deleteLatest("deleted")
	api.put("destroyed", map[string]any{"token": "S3CRET-destroyed-v1"})
	api.destroy("destroyed", 1)
	api.v1["app"] = map[string]any{"password": "S3CRET-kv1"}
	values := []string{good, narrow, revoked, "S3CRET-v1", "S3CRET-v2", "S3CRET-v3",
		"S3CRET-deleted-v1", "S3CRET-deleted-v2", "S3CRET-destroyed-v1", "S3CRET-kv1"}

	dir := t.TempDir()
	tokenFile := func(name, token string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(token), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	q := func(file string, extra ...string) string {
		return "?" + strings.Join(append([]string{"address=" + srv.URL, "token_file=" + file}, extra...), "&")
	}
	goodQ, narrowQ, revokedQ := tokenFile("good", good), tokenFile("narrow", narrow), tokenFile("revoked", revoked)

	r := awsResolver(t, secrets.WithAbsoluteDirs(dir)) // token_file= names a host file: allowed under dir only
	awsResolveAll(t, r, []awsCase{
		{"the latest version", "ref+vault://secret/api" + q(goodQ) + "#/token", "S3CRET-v3"},
		{"version 1", "ref+vault://secret/api" + q(goodQ, "version=1") + "#/token", "S3CRET-v1"},
		{"version 2, the key in the path", "ref+vault://secret/api/user" + q(goodQ, "version=2"), "svc"},
		{"an older version of a deleted secret", "ref+vault://secret/deleted" + q(goodQ, "version=1") + "#/token", "S3CRET-deleted-v1"},
		{"a token allowed that one path", "ref+vault://secret/api" + q(narrowQ) + "#/token", "S3CRET-v3"},
		{"a KV v1 mount", "ref+vault://kv/app" + q(goodQ) + "#/password", "S3CRET-kv1"},
	})
	before := api.reads.Load()
	awsResolveAll(t, r, []awsCase{{"cached", "ref+vault://secret/api" + q(goodQ, "version=1") + "#/token", "S3CRET-v1"}})
	if api.reads.Load() != before {
		t.Error("a cached versioned read reached Vault again")
	}

	awsFailAll(t, r, []awsErrCase{
		{"the latest version soft-deleted", "ref+vault://secret/deleted" + q(goodQ) + "#/token",
			"ref+vault://secret/deleted#/token", secrets.ErrNotFound, "#/token"},
		{"the latest version soft-deleted, key in the path", "ref+vault://secret/deleted/token" + q(goodQ),
			"ref+vault://secret/deleted/token", secrets.ErrNotFound, `key "token" does not exist`},
		{"a destroyed version", "ref+vault://secret/destroyed" + q(goodQ) + "#/token",
			"ref+vault://secret/destroyed#/token", secrets.ErrNotFound, "#/token"},
		{"a version that never was", "ref+vault://secret/api" + q(goodQ, "version=9") + "#/token",
			"ref+vault://secret/api#/token", secrets.ErrNotFound, "no secret found"},
		{"a path that never was", "ref+vault://secret/nope" + q(goodQ) + "#/token",
			"ref+vault://secret/nope#/token", secrets.ErrNotFound, "no secret found"},
		{"a path the token may not read", "ref+vault://secret/other" + q(narrowQ) + "#/token",
			"ref+vault://secret/other#/token", secrets.ErrBackend, "Code: 403"},
		{"a mount the token cannot see", "ref+vault://kv/app" + q(narrowQ) + "#/password",
			"ref+vault://kv/app#/password", secrets.ErrBackend, "preflight capability check returned 403"},
		{"an invalid token", "ref+vault://secret/api" + q(revokedQ) + "#/token",
			"ref+vault://secret/api#/token", secrets.ErrBackend, "invalid token"},
		{"no such key", "ref+vault://secret/api" + q(goodQ) + "#/nope",
			"ref+vault://secret/api#/nope", secrets.ErrNotFound, "#/nope"},
	}, values...)
}

// Vault's client decodes JSON numbers as json.Number (a string type, not
// float64): a numeric field must come out as the number's text.
func TestVaultAPIKV2Number(t *testing.T) {
	t.Parallel()
	api, srv := newVaultAPI(t)
	api.tokens["tok"] = []string{"secret/data/"}
	api.put("db", map[string]any{"port": 5432, "ratio": 0.5})
	dir := t.TempDir()
	file := filepath.Join(dir, "token")
	if err := os.WriteFile(file, []byte("tok"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := awsResolver(t, secrets.WithAbsoluteDirs(dir))
	for field, want := range map[string]string{"port": "5432", "ratio": "0.5"} {
		got, err := r.Resolve(t.Context(), "ref+vault://secret/db?address="+srv.URL+"&token_file="+file+"#/"+field)
		if errors.Is(err, secrets.ErrNotScalar) {
			t.Skipf("MISSING in secrets (ValsBackend.get): vals' vault provider returns numbers as json.Number, "+
				"which the type switch takes for a map or a list: %s", testkit.Show(err))
		}
		if err != nil || got != want {
			t.Errorf("#/%s = %q (err %s), want %q", field, got, testkit.Show(err), want)
		}
	}
}
