package advtest_test

import (
	"context"
	"runtime"
	"strings"
	"testing"

	"github.com/hushflow/hushflow/render"
)

// TestRetainedValuesEscapeMaxOutput: WithMaxOutput bounds each string a
// filter or ~ makes, but not what a render keeps: a loop that appends a
// new string of the maximum size to a list ({% set_global acc = [acc,
// s ~ i] %}: a pair counts 32 bytes) holds them all until the render ends.
// Under WithMaxOutput(64 KiB) this 500-byte template holds over 100 MiB
// live after 2,000 iterations; at the defaults (16 MiB, 2^20 iterations)
// the same loop asks for 16 TiB.
func TestRetainedValuesEscapeMaxOutput(t *testing.T) {
	const limit = 64 << 10
	e, _ := engineWith(t, render.WithMaxOutput(limit))
	build := `{% set s = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" %}` + strings.Repeat(`{% set s = s ~ s %}`, 11) // 62 KiB
	tmpl := build + `{% set_global acc = [] %}{% for i in input.items %}{% set_global acc = [acc, s ~ i] %}{% endfor %}{{ acc | length }}`
	items := make([]any, 2000)
	for i := range items {
		items[i] = i
	}
	var peak uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		var m runtime.MemStats
		for {
			select {
			case <-stop:
				return
			default:
			}
			runtime.ReadMemStats(&m)
			peak = max(peak, m.HeapInuse)
			runtime.Gosched()
		}
	}()
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	out, err := e.Render(context.Background(), tmpl, map[string]any{"input": map[string]any{"items": items}})
	close(stop)
	<-done
	if grew := peak - before.HeapInuse; err == nil && grew > 512*limit {
		t.Errorf("rendered %q holding %d MiB live under WithMaxOutput(%d KiB)", out, grew>>20, limit>>10)
	}
}
