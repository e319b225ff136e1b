package loader

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/hushflow/hushflow/internal/ref"
	"github.com/hushflow/hushflow/redact"
	"github.com/hushflow/hushflow/render"
	"github.com/hushflow/hushflow/secrets"
)

// maxSecretsInFlight bounds the secrets: entries rendered at once; the
// resolver bounds the backend calls on its own.
const maxSecretsInFlight = 64

// renderer is what turns templates into values for a workspace: the
// resolver, the redactor that learns every value resolved, and the engine.
// A Reloader keeps one across reloads, so the caches stay warm and the
// redactor keeps the values of earlier loads.
type renderer struct {
	resolver render.Resolver
	redactor *redact.Redactor
	engine   *render.Engine
}

func newRenderer(cfg *config) (*renderer, error) {
	rt := &renderer{resolver: cfg.resolver, redactor: cfg.redactor}
	if rt.redactor == nil {
		red, err := redact.New()
		if err != nil {
			return nil, fmt.Errorf("loader: %w", err)
		}
		rt.redactor = red
	}
	if rt.resolver == nil {
		r, err := secrets.New()
		if err != nil {
			return nil, fmt.Errorf("loader: %w", err)
		}
		rt.resolver = r
	}
	engine, err := render.New(&recordingResolver{inner: rt.resolver, redactor: rt.redactor})
	if err != nil {
		return nil, fmt.Errorf("loader: %w", err)
	}
	rt.engine = engine
	return rt, nil
}

// recordingResolver resolves each reference of a string on its own and
// tells the redactor every value, so that a value resolved by | vals, at
// load or inline when a step renders, is masked from then on. (The
// redactor compiles new values lazily, so a burst of them is cheap.)
type recordingResolver struct {
	inner    render.Resolver
	redactor *redact.Redactor
}

func (r *recordingResolver) Resolve(ctx context.Context, s string) (string, error) {
	spans := ref.FindAll(s)
	if len(spans) == 0 {
		return s, nil
	}
	var b strings.Builder
	values := make([]string, 0, len(spans))
	last := 0
	for _, sp := range spans {
		v, err := r.inner.Resolve(ctx, s[sp.Start:sp.End])
		if err != nil {
			return "", err
		}
		values = append(values, v)
		b.WriteString(s[last:sp.Start])
		b.WriteString(v)
		last = sp.End
	}
	b.WriteString(s[last:])
	r.redactor.Add(values...)
	return b.String(), nil
}

// renderSecrets renders every templated string of the secrets: section
// once, concurrently, with an empty context, and returns the section with
// the results.
func (rt *renderer) renderSecrets(ctx context.Context, m *merger) (map[string]any, error) {
	sec := m.entries["secrets"]
	out := map[string]any{}
	if sec == nil || sec.value.Kind != yaml.MappingNode {
		return out, nil
	}
	type result struct {
		name  string
		value any
		err   error
	}
	n := len(sec.value.Content) / 2
	results := make([]result, n)
	sem := make(chan struct{}, maxSecretsInFlight)
	var wg sync.WaitGroup
	for i := range n {
		key, val := sec.value.Content[2*i], resolveAlias(sec.value.Content[2*i+1])
		results[i].name = key.Value
		if val.Kind != yaml.ScalarNode || val.Tag != "!!str" || !isTemplate(val.Value) {
			var v any
			if err := val.Decode(&v); err != nil {
				results[i].err = fmt.Errorf("%w: cannot decode", ErrParse)
			}
			results[i].value = v
			continue
		}
		wg.Go(func() {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				results[i].err = ctx.Err()
				return
			}
			defer func() { <-sem }()
			results[i].value, results[i].err = rt.engine.Render(ctx, val.Value, nil)
		})
	}
	wg.Wait()
	var failed []*FileError
	for _, r := range results {
		if r.err != nil {
			failed = append(failed, &FileError{Path: sec.names[r.name], Key: "secrets." + r.name, Err: fmt.Errorf("%w: %w", ErrSecret, r.err)})
			continue
		}
		out[r.name] = r.value
	}
	if len(failed) > 0 {
		return nil, &SecretsError{Failures: failed}
	}
	return out, nil
}

func isTemplate(s string) bool {
	return strings.Contains(s, "{{") || strings.Contains(s, "{%")
}
