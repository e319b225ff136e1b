package redact

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/hushflow/hushflow/internal/testkit"
)

// newRedactor returns a Redactor made with opts, failing tb if New fails.
func newRedactor(tb testing.TB, opts ...Option) *Redactor {
	tb.Helper()
	r, err := New(opts...)
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

// spansBothWays returns the spans r finds in b with the ends e cut: with
// the matcher as loaded, and with change applied to it (a scan that tests
// hold to the same result: IndexByte for marks, every position for the
// sampled filter).
func spansBothWays(r *Redactor, b []byte, e edges, change func(*matcher)) (got, want []span) {
	m := r.load()
	got = slices.Clone(m.spansAt(b, nil, e))
	m = r.load()
	change(&m)
	want = slices.Clone(m.spansAt(b, nil, e))
	return got, want
}

// assertString checks that r.String(in) is want; failures hide the secrets.
func assertString(t *testing.T, r *Redactor, in, want string, secrets ...string) {
	t.Helper()
	if got := r.String(in); got != want {
		t.Errorf("String(%s) = %s, want %s", testkit.Hide(in, secrets...), testkit.Hide(got, secrets...), testkit.Hide(want, secrets...))
	}
}

// testSecrets returns n secrets of the kinds a workflow holds: API tokens,
// passwords with symbols, base64 keys. The same n gives the same secrets, and
// a larger n starts with the secrets of a smaller one.
func testSecrets(n int) []string { return testkit.Secrets(n, 7) }

// jobRecord returns a JSON job record of about size bytes, as a workflow
// engine's API returns one: steps with input, output, env and logs. It holds
// the first of the n secrets returned (plainly, in a URL, in base64 and
// inside serialized JSON) in every tenth step, and its text does not depend
// on n, so records for different n cost the same to walk.
func jobRecord(size, n int) ([]byte, []string) {
	secrets := testSecrets(max(n, 1))
	s := secrets[0]
	rng := rand.New(rand.NewPCG(9, 9))
	var steps []any
	for i, total := 0, 0; total < size; i++ {
		step := map[string]any{
			"name":       fmt.Sprintf("step-%d", i),
			"status":     []string{"succeeded", "failed", "running"}[i%3],
			"attempt":    float64(i % 4),
			"started_at": "2026-05-01T12:00:00Z",
			"input": map[string]any{
				"env":      "production",
				"region":   "eu-north-1",
				"replicas": float64(rng.IntN(10)),
				"flags":    []any{"--verbose", "--dry-run=false", float64(rng.IntN(1000))},
			},
			"output": map[string]any{
				"stdout":    strings.Repeat("deploying service shard "+fmt.Sprint(rng.IntN(1e6))+" ... ok\n", 4),
				"exit_code": float64(0),
				"duration":  rng.Float64() * 100,
				"ok":        true,
				"artifact":  nil,
			},
			"env": map[string]any{"HOME": "/home/runner", "PATH": "/usr/local/bin:/usr/bin:/bin"},
		}
		if i%10 == 0 {
			step["env"].(map[string]any)["API_TOKEN"] = s
			step["output"].(map[string]any)["stdout"] = "curl -H 'Authorization: Bearer " + s + "' https://api.example.com\n"
			step["input"].(map[string]any)["url"] = "https://user:" + url.QueryEscape(s) + "@example.com/x"
			step["input"].(map[string]any)["basic"] = base64.StdEncoding.EncodeToString([]byte("user:" + s))
			inner, _ := json.Marshal(map[string]string{"token": s})
			step["input"].(map[string]any)["body"] = string(inner)
			step["error"] = "ref+vault://secret/data/api#token not found"
		}
		b, _ := json.Marshal(step)
		total += len(b) + 1
		steps = append(steps, step)
	}
	doc, err := json.Marshal(map[string]any{
		"id": "job-42", "workflow": "deploy", "status": "failed", "steps": steps,
	})
	if err != nil {
		panic(err)
	}
	return doc, secrets
}

// middleware returns r.Middleware(h, opts...), failing tb if it fails.
func middleware(tb testing.TB, r *Redactor, h http.Handler, opts ...MiddlewareOption) http.Handler {
	tb.Helper()
	mh, err := r.Middleware(h, opts...)
	if err != nil {
		tb.Fatal(err)
	}
	return mh
}
