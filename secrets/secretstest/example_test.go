package secretstest_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing/fstest"
	"time"

	"github.com/hushflow/hushflow/loader"
	"github.com/hushflow/hushflow/secrets"
	"github.com/hushflow/hushflow/secrets/secretstest"
)

// An engine's unit test of what happens when the secret store is slow or
// down: the workspace's ref+fake:// references go to a Store, which counts
// the calls and fails or lags when told to. In a test, each fmt.Println
// below is a t.Errorf check.
func Example() {
	ctx := context.Background()
	store := secretstest.New(map[string]string{"ref+fake://api/token": "example-token-0042"})
	fsys := fstest.MapFS{"workflows.yaml": {Data: []byte(`
secrets:
  API_TOKEN: "{{ 'ref+fake://api/token' | vals }}"
actions:
  call:
    cmd: "curl -H 'Authorization: Bearer {{ secret.API_TOKEN }}' https://api.example"
`)}}
	opts := loader.WithResolverOptions(
		secrets.WithBackend(store), secrets.WithSchemes("fake"),
		secrets.WithTimeout(50*time.Millisecond), secrets.WithoutCircuitBreaker())

	ws, err := loader.Load(ctx, fsys, opts)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("up:   backend calls:", store.Calls("ref+fake://api/token"),
		"- API_TOKEN masked:", ws.Redactor().String("token example-token-0042") == "token ••••••")

	store.FailAll(errors.New("connection refused"))
	_, err = loader.Load(ctx, fsys, opts)
	fmt.Println("down: load fails", errors.Is(err, loader.ErrSecret), errors.Is(err, secrets.ErrBackend),
		"- error holds the value:", strings.Contains(err.Error(), "example-token-0042"))

	store.FailAll(nil)
	store.SetLatency(time.Second) // slower than the resolver's 50ms timeout
	_, err = loader.Load(ctx, fsys, opts)
	fmt.Println("slow: load fails", errors.Is(err, context.DeadlineExceeded),
		"- backend calls:", store.Calls("ref+fake://api/token"))
	// Output:
	// up:   backend calls: 1 - API_TOKEN masked: true
	// down: load fails true true - error holds the value: false
	// slow: load fails true - backend calls: 3
}
