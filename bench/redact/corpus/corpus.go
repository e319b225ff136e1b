// Package corpus generates the texts the redactor's benchmarks mask: a CI
// log with the punctuation real logs carry (timestamps, URLs with queries,
// percentages, quotes, brackets, key=value pairs, file:line positions) and a
// job record written by encoding/json. The same arguments give the same
// bytes, so that runs and peers compare on identical input.
package corpus

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
)

// words are the plain words of a log line.
var words = []string{
	"deploy", "shard", "eu-north-1", "ok", "retrying", "connection", "service",
	"--verbose", "finished", "go", "test", "-v", "./...", "PASS", "build", "cache",
	"hit", "pulling", "layer", "sha256:9f2c1e7d", "digest", "kubectl", "apply", "-f",
	"manifests/app.yaml", "configured", "unchanged", "npm", "ci", "warn", "deprecated",
}

// line writes one log line to b; a secret stands in for one word in 40
// when dense.
func line(b *strings.Builder, rng *rand.Rand, n int, secrets []string, dense bool, word *int) {
	fmt.Fprintf(b, "2026-12-07T%02d:%02d:%02d.%03dZ ", n/3600%24, n/60%60, n%60, rng.IntN(1000))
	b.WriteString([]string{"[INFO] ", "[DEBUG] ", "[WARN] ", "[INFO] "}[rng.IntN(4)])
	switch rng.IntN(6) {
	case 0:
		fmt.Fprintf(b, "GET https://ci.example.com/api/v4/jobs/%d/trace?ref=main&attempt=%d&q=a%%20b 200 %dms", rng.IntN(1e6), rng.IntN(4), rng.IntN(900))
	case 1:
		fmt.Fprintf(b, "progress: [%s%s] %d%% (%d/%d)", strings.Repeat("#", n%20), strings.Repeat("-", 20-n%20), n%20*5, n%20, 20)
	case 2:
		fmt.Fprintf(b, "step=build job=%d runner='shared-%d' image=\"golang:1.26\" exit=0 took=+%d.%ds", rng.IntN(1e5), rng.IntN(9), rng.IntN(60), rng.IntN(10))
	case 3:
		fmt.Fprintf(b, "internal/app/server.go:%d: ok: key: value - elapsed=%dms {\"status\": \"ok\", \"n\": %d}", rng.IntN(900), rng.IntN(500), rng.IntN(100))
	}
	for k := range 4 + rng.IntN(8) {
		*word++
		b.WriteByte(' ')
		if dense && *word%40 == 39 && len(secrets) > 0 {
			b.WriteString(secrets[(*word/40)%len(secrets)])
			continue
		}
		b.WriteString(words[rng.IntN(len(words))])
		_ = k
	}
	b.WriteByte('\n')
}

// CILog returns about size bytes of CI log lines. When dense, one word in
// 40 is one of secrets, taken in turn; otherwise none is.
func CILog(size int, secrets []string, dense bool) []byte {
	rng := rand.New(rand.NewPCG(22, 22))
	var b strings.Builder
	word := 0
	for n := 0; b.Len() < size; n++ {
		line(&b, rng, n, secrets, dense, &word)
	}
	return []byte(b.String())
}

// JobRecord returns a job record of about size bytes as encoding/json writes
// it: steps with a name, status, input, env and the step's log lines, dense
// or not as for CILog.
func JobRecord(size int, secrets []string, dense bool) []byte {
	rng := rand.New(rand.NewPCG(23, 23))
	type step struct {
		Name   string            `json:"name"`
		Status string            `json:"status"`
		Input  map[string]any    `json:"input"`
		Env    map[string]string `json:"env"`
		Logs   []string          `json:"logs"`
	}
	var steps []step
	word, total := 0, 0
	for i := 0; total < size; i++ {
		var logs []string
		for range 8 {
			var b strings.Builder
			line(&b, rng, i*8+len(logs), secrets, dense, &word)
			logs = append(logs, strings.TrimSuffix(b.String(), "\n"))
			total += b.Len() + 4
		}
		steps = append(steps, step{
			Name:   fmt.Sprintf("step-%d", i),
			Status: []string{"succeeded", "failed", "running"}[i%3],
			Input:  map[string]any{"region": "eu-north-1", "replicas": rng.IntN(10), "flags": []string{"--verbose", "--dry-run=false"}},
			Env:    map[string]string{"GOFLAGS": "-mod=readonly", "CI": "true", "URL": "https://ci.example.com/x?y=1&z=2"},
			Logs:   logs,
		})
		total += 200
	}
	doc, err := json.Marshal(map[string]any{"job": 42, "pipeline": "main", "steps": steps})
	if err != nil {
		panic(err)
	}
	return doc
}
