package loader_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/hushflow/hushflow/loader"
	"github.com/hushflow/hushflow/secrets"
	"github.com/hushflow/hushflow/secrets/secretstest"
)

// rotationWorkspace writes a workspace whose secrets: section reads a
// token from a file of the workspace, and returns its directory.
func rotationWorkspace(t testing.TB, token string) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		".workflows/main.yaml": "secrets:\n  TOKEN: \"{{ 'ref+file://secrets/token.yaml#/token' | vals }}\"\n" +
			"  OTHER: \"{{ 'ref+fake://kv/other' | vals }}\"\n" +
			"actions:\n  deploy: {cmd: \"deploy --token {{ secret.TOKEN }}\"}\n",
		"secrets/token.yaml": "token: " + token + "\n",
	}
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestRotationThroughWatch rewrites a token file that a secrets: entry
// reads, while Watch runs with an hour's TTL: the next workspace holds the
// new token at once, the old one stays masked, and the other reference is
// not fetched again.
func TestRotationThroughWatch(t *testing.T) {
	t.Parallel()
	const oldToken, newToken = "rotation-S3CRET-old-1", "rotation-S3CRET-new-2"
	dir := rotationWorkspace(t, oldToken)
	store := secretstest.New(map[string]string{"ref+fake://kv/other": "other-S3CRET"})
	r, err := loader.NewDirReloader(t.Context(), dir, withStore(store, secrets.WithTTL(time.Hour)))
	if err != nil {
		t.Fatal(err)
	}
	if r.Workspace().Secrets()["TOKEN"] != oldToken {
		t.Fatal("the first load does not hold the token")
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	reloaded := make(chan error, 16)
	watching := make(chan error, 1)
	go func() {
		watching <- r.Watch(ctx, loader.WatchConfig{Debounce: 20 * time.Millisecond, OnReload: func(err error) { reloaded <- err }})
	}()
	time.Sleep(100 * time.Millisecond) // let Watch start watching
	if err := os.WriteFile(filepath.Join(dir, "secrets", "token.yaml"), []byte("token: "+newToken+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	deadline := time.After(10 * time.Second)
	for r.Workspace().Secrets()["TOKEN"] != newToken {
		select {
		case err := <-reloaded:
			if err != nil {
				t.Fatalf("reload: %s", strings.ReplaceAll(err.Error(), newToken, "[new token]"))
			}
		case <-deadline:
			t.Fatal("the rotated token did not reach the workspace within 10s (an hour's TTL)")
		}
	}
	w := r.Workspace()
	out, err := w.RenderStep(t.Context(), []any{"deploy --token {{ secret.TOKEN }}", "{{ 'ref+file://secrets/token.yaml#/token' | vals }}"}, loader.StepVars{})
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprint([]any{"deploy --token " + newToken, newToken}); fmt.Sprint(out) != want {
		t.Error("the step rendered after the rotation does not hold the new token")
	}
	if got := w.Redactor().String("old: " + oldToken); strings.Contains(got, oldToken) {
		t.Error("the old token is no longer masked")
	}
	if n := store.Calls("ref+fake://kv/other"); n != 1 {
		t.Errorf("the other reference was fetched %d times, want once (only the file's reference is fresh)", n)
	}
	cancel()
	<-watching
}

// Watch a workspace directory: a change to a workflow file, or to a file
// a file or sops reference reads, reloads it and fetches those references
// fresh; Refresh also fetches remote references again every hour, keeping
// the last value where the backend fails (stale-if-error).
func ExampleReloader_Watch() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	os.MkdirAll(filepath.Join(dir, "secrets"), 0o755)
	os.WriteFile(filepath.Join(dir, "main.yaml"), []byte("secrets:\n  TOKEN: \"{{ 'ref+file://secrets/token.txt' | vals }}\"\n"), 0o600)
	os.WriteFile(filepath.Join(dir, "secrets", "token.txt"), []byte("example-token-1"), 0o600)

	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	r, err := loader.NewDirReloader(ctx, dir)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(r.Workspace().Secrets()["TOKEN"])

	reloaded := make(chan error, 8)
	go r.Watch(ctx, loader.WatchConfig{
		Debounce: 50 * time.Millisecond,
		Refresh:  time.Hour,
		OnReload: func(err error) { reloaded <- err },
	})
	time.Sleep(100 * time.Millisecond) // Watch starts
	os.WriteFile(filepath.Join(dir, "secrets", "token.txt"), []byte("example-token-2"), 0o600)
	for r.Workspace().Secrets()["TOKEN"] != "example-token-2" {
		select {
		case err := <-reloaded:
			if err != nil {
				log.Fatal(err)
			}
		case <-time.After(10 * time.Second):
			log.Fatal("no reload after the change")
		}
	}
	fmt.Println(r.Workspace().Secrets()["TOKEN"])
	// Output:
	// example-token-1
	// example-token-2
}

// TestWatchRefreshFetchesRemoteReferences checks WatchConfig.Refresh: a
// remote reference rotated at its source reaches the workspace within a
// few refresh periods, though its TTL is an hour; when the backend then
// fails, the last value keeps serving (stale-if-error).
func TestWatchRefreshFetchesRemoteReferences(t *testing.T) {
	t.Parallel()
	const ref = "ref+fake://kv/remote"
	store := secretstest.New(map[string]string{ref: "remote-S3CRET-1"})
	fsys := fstest.MapFS{"a.yaml": {Data: []byte("secrets:\n  REMOTE: \"{{ '" + ref + "' | vals }}\"\n")}}
	r, err := loader.NewReloader(t.Context(), fsys, withStore(store, secrets.WithTTL(time.Hour), secrets.WithMaxStale(time.Hour)))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	reloaded := make(chan error, 64)
	watching := make(chan error, 1)
	go func() {
		watching <- r.Watch(ctx, loader.WatchConfig{Refresh: 20 * time.Millisecond, OnReload: func(err error) {
			select {
			case reloaded <- err:
			default:
			}
		}})
	}()
	store.Set(ref, "remote-S3CRET-2")
	deadline := time.After(10 * time.Second)
	for r.Workspace().Secrets()["REMOTE"] != "remote-S3CRET-2" {
		select {
		case <-reloaded:
		case <-deadline:
			t.Fatal("the rotated remote value did not reach the workspace within 10s (an hour's TTL)")
		}
	}
	store.Fail(ref, errors.New("backend down"))
	calls := store.Calls(ref)
	for store.Calls(ref) < calls+2 { // two refreshes against the failing backend
		select {
		case err := <-reloaded:
			if err != nil {
				t.Fatalf("a refresh during the outage failed instead of serving the stale value: %v", err)
			}
		case <-deadline:
			t.Fatal("no refresh during the outage within 10s")
		}
	}
	if r.Workspace().Secrets()["REMOTE"] != "remote-S3CRET-2" {
		t.Error("the stale value was not kept during the outage")
	}
	cancel()
	<-watching
}
