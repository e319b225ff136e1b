package render_test

import (
	"context"
	"testing"

	"github.com/flosch/pongo2/v6"

	"github.com/hushflow/hushflow/render"
)

// typicalStep is what a worker renders when it claims a step: ten input
// fields, a few filters, two secret.* references.
func typicalStep() map[string]any {
	return map[string]any{
		"input": map[string]any{
			"env":      "{{ input.env }}",
			"region":   `{{ input.region | default:"eu-west-1" }}`,
			"image":    "{{ build.output.image }}",
			"replicas": "{{ input.replicas }}",
			"service":  "{{ input.service | lower }}",
			"version":  "{{ build.output.version | upper }}",
			"dry_run":  "{{ input.dry_run }}",
			"tags":     "{{ input.tags }}",
			"owner":    "{{ input.owner | title }}",
			"url":      "https://{{ input.service }}.{{ input.env }}.example.com",
		},
		"env": map[string]any{"DB_PASSWORD": "{{ secret.DB_PASSWORD }}"},
		"cmd": "deploy --env {{ input.env }} --token {{ secret.API_TOKEN }} && echo ok > status.txt",
	}
}

func typicalVars() map[string]any {
	return map[string]any{
		"input": map[string]any{
			"env": "prod", "service": "Billing", "replicas": 3, "dry_run": false,
			"tags": []any{"a", "b"}, "owner": "platform team",
		},
		"build":  map[string]any{"output": map[string]any{"image": "billing:1.4.2", "version": "v1.4.2"}},
		"secret": map[string]any{"DB_PASSWORD": dbPassword, "API_TOKEN": apiToken},
	}
}

func templateBytes(v any) int64 {
	switch x := v.(type) {
	case string:
		return int64(len(x))
	case map[string]any:
		var n int64
		for _, e := range x {
			n += templateBytes(e)
		}
		return n
	}
	return 0
}

// BenchmarkRenderStep renders a typical step from the cache, from the cache
// with a Secrets set (the taint checks and teaching the two derived
// values), and from source (a cache too small for any template, so each of
// the step's 12 templates is parsed on every render).
func BenchmarkRenderStep(b *testing.B) {
	step, vars := typicalStep(), typicalVars()
	ctx := context.Background()
	for _, bc := range []struct {
		name string
		opts []render.Option
	}{
		{"cached", nil},
		{"cached_secrets", []render.Option{render.WithSecrets(newSecrets(dbPassword, apiToken))}},
		{"source", []render.Option{limits(func(l *render.Limits) { l.CacheBytes = 1 })}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			e := newEngine(b, newResolver(), bc.opts...)
			if _, err := e.RenderValue(ctx, step, vars); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(templateBytes(step))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := e.RenderValue(ctx, step, vars); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkRenderStepParallel renders cached steps from all Ps: cached
// renders take no lock of the engine's.
func BenchmarkRenderStepParallel(b *testing.B) {
	step, vars := typicalStep(), typicalVars()
	ctx := context.Background()
	e := newEngine(b, newResolver())
	b.SetBytes(templateBytes(step))
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := e.RenderValue(ctx, step, vars); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkRenderOne compares one cached command template with the same
// template executed by pongo2 alone (no undefined check, no formatting, HTML
// escaping on), which is the price of the engine's rules.
func BenchmarkRenderOne(b *testing.B) {
	const tmpl = "deploy --env {{ input.env | upper }} --token {{ secret.API_TOKEN }}"
	vars := typicalVars()
	ctx := context.Background()
	b.Run("engine", func(b *testing.B) {
		e := newEngine(b, newResolver())
		b.SetBytes(int64(len(tmpl)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := e.Render(ctx, tmpl, vars); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("pongo2", func(b *testing.B) {
		tpl, err := pongo2.NewSet("bench", pongo2.MustNewLocalFileSystemLoader("")).FromString(tmpl)
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(len(tmpl)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := tpl.Execute(pongo2.Context(vars)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("vals", func(b *testing.B) {
		const tmpl = "{{ 'ref+vault://secret/data/db#password' | vals }}"
		e := newEngine(b, newResolver())
		b.SetBytes(int64(len(tmpl)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := e.Render(ctx, tmpl, vars); err != nil {
				b.Fatal(err)
			}
		}
	})
}
