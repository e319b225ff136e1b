package loader_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing/fstest"
	"time"

	"github.com/hushflow/hushflow/loader"
	"github.com/hushflow/hushflow/secrets"
	"github.com/hushflow/hushflow/secrets/secretstest"
)

// Watch reloads a directory's workspace when its files change, and keeps
// serving the last good one when a change does not load. Readers call
// Workspace for each job and never block on a reload.
func ExampleReloader_Watch_fileChange() {
	dir, err := os.MkdirTemp("", "workspace-")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "actions.yaml")
	write := func(cmd string) {
		// As editors and git do: a new file renamed into place, so that no
		// reload reads it half written.
		if err := os.WriteFile(file+".tmp", []byte("actions:\n  deploy:\n    cmd: "+cmd+"\n"), 0o600); err != nil {
			fmt.Println(err)
		}
		if err := os.Rename(file+".tmp", file); err != nil {
			fmt.Println(err)
		}
	}
	cmd := func(r *loader.Reloader) string {
		var wf struct {
			Actions map[string]struct{ Cmd string }
		}
		_ = r.Workspace().Decode(&wf)
		return wf.Actions["deploy"].Cmd
	}
	write("deploy --v1")

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r, err := loader.NewDirReloader(ctx, dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	reloads := make(chan error, 100)
	watching := make(chan error, 1)
	go func() {
		watching <- r.Watch(ctx, loader.WatchConfig{
			Debounce: 20 * time.Millisecond,
			OnReload: func(err error) { reloads <- err }, // log it in an engine
		})
	}()
	fmt.Println("serving:", cmd(r))

	// untilReloaded makes the change again until Watch reloads after it:
	// Watch starts watching asynchronously, and misses a change made
	// before.
	untilReloaded := func(change func()) error {
		for range 50 {
			change()
			select {
			case err := <-reloads:
				return err
			case <-time.After(500 * time.Millisecond):
			}
		}
		return fmt.Errorf("no reload")
	}
	err = untilReloaded(func() { write("deploy --v2") })
	fmt.Println("reload:", err, "- serving:", cmd(r))
	err = untilReloaded(func() { write("[broken") })
	fmt.Println("reload failed:", err != nil, "- still serving:", cmd(r))

	cancel()
	<-watching
	// Output:
	// serving: deploy --v1
	// reload: <nil> - serving: deploy --v2
	// reload failed: true - still serving: deploy --v2
}

// Refresh picks up a rotated secret without a file change: it marks the
// resolver's cache stale and reloads. An engine calls it on a timer or when
// told of a rotation; a value that cannot be fetched again keeps serving.
// The fake backend here (secrets/secretstest) stands in for Vault or AWS.
func ExampleReloader_Refresh_rotation() {
	store := secretstest.New(map[string]string{"ref+fake://api/token": "token-v1"})
	fsys := fstest.MapFS{"workflows.yaml": {Data: []byte(
		"secrets:\n  API_TOKEN: \"{{ 'ref+fake://api/token' | vals }}\"\n")}}
	ctx := context.Background()
	r, err := loader.NewReloader(ctx, fsys, loader.WithResolverOptions(
		secrets.WithBackend(store), secrets.WithSchemes("fake"), secrets.WithTTL(time.Hour)))
	if err != nil {
		fmt.Println(err)
		return
	}
	token := func() any { return r.Workspace().Secrets()["API_TOKEN"] }
	fmt.Println("loaded:", token())

	store.Set("ref+fake://api/token", "token-v2") // rotated in the store
	fmt.Println("reload:", r.Reload(ctx), "- cached for the TTL:", token())
	fmt.Println("refresh:", r.Refresh(ctx), "- fetched anew:", token())

	store.FailAll(fmt.Errorf("connection refused")) // the store goes down
	fmt.Println("refresh during an outage:", r.Refresh(ctx), "- still serving:", token())
	// Output:
	// loaded: token-v1
	// reload: <nil> - cached for the TTL: token-v1
	// refresh: <nil> - fetched anew: token-v2
	// refresh during an outage: <nil> - still serving: token-v2
}
