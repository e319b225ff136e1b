package secrets_test

// Issue 20 item 4: printing this package's own values shows no secret,
// whatever the verb and through log/slog's handlers.

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"log"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/hushflow/hushflow/secrets"
)

func TestPrintingShowsNoValue(t *testing.T) {
	t.Parallel()
	const (
		pinned  = "S3CRET-pinned-value"
		cached  = "S3CRET-cached-value"
		failing = "ref+fake://db/failing"
	)
	f := newFake(map[string]string{"ref+fake://db/pinned": pinned, "ref+fake://db/cached": cached})
	f.Fail(failing, fmt.Errorf("backend says no"))
	r := newResolver(t, f)
	snap := r.Snapshot()
	if v, err := snap.Resolve(t.Context(), "ref+fake://db/pinned"); err != nil || v != pinned {
		t.Fatalf("snapshot: %s", show(err))
	}
	if v, err := r.Resolve(t.Context(), "ref+fake://db/cached"); err != nil || v != cached {
		t.Fatalf("resolve: %s", show(err))
	}
	_, resolveErr := r.Resolve(t.Context(), failing)
	var typed *secrets.Error
	if !errors.As(resolveErr, &typed) {
		t.Fatalf("error %s is not an *Error", show(resolveErr))
	}

	// Every exported type of the package, by name: a new one must be added
	// here (TestPrintedTypesAreEveryExportedType checks).
	values := map[string][]any{
		"Resolver":    {r, (*secrets.Resolver)(nil)},
		"Snapshot":    {snap, (*secrets.Snapshot)(nil)},
		"Error":       {typed, resolveErr},
		"ValsBackend": {secrets.NewValsBackend(secrets.ValsOptions{}), (*secrets.ValsBackend)(nil)},
		"ValsOptions": {secrets.ValsOptions{AWSLogLevel: "off"}},
		"Option":      {secrets.WithTTL(0)},
		"Backend":     {secrets.Backend(secrets.NewValsBackend(secrets.ValsOptions{}))}, // the fake store prints its map: it is a test double
	}
	if got := slices.Sorted(maps.Keys(values)); !slices.Equal(got, exportedTypes(t)) {
		t.Fatalf("printed types %v, the package exports %v", got, exportedTypes(t))
	}
	leaks := []string{pinned, cached, "S3CRET"}
	for _, s := range slices.Clone(leaks) {
		leaks = append(leaks, hex.EncodeToString([]byte(s)), strings.ToUpper(hex.EncodeToString([]byte(s))))
	}
	verbs := []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "% x"}
	for name, vs := range values {
		for i, v := range vs {
			for _, verb := range verbs {
				// Alone, inside a struct, a slice and a map: fmt prints
				// fields of a value through the same methods.
				for _, w := range []any{v, struct{ V any }{v}, []any{v}, map[string]any{"k": v}} {
					out := fmt.Sprintf(verb, w)
					assertNoLeak(t, fmt.Sprintf("%s #%d printed with %s", name, i, verb), out, leaks...)
				}
			}
			var buf bytes.Buffer
			log.New(&buf, "", 0).Printf("%v %+v", v, v)
			for _, h := range []slog.Handler{slog.NewTextHandler(&buf, nil), slog.NewJSONHandler(&buf, nil)} {
				slog.New(h).Info("print", "v", v, slog.Any("any", v), slog.Group("g", "v", v))
			}
			assertNoLeak(t, fmt.Sprintf("%s #%d through log and slog", name, i), buf.String(), leaks...)
		}
	}
	// What is printed says something: counts, not nothing.
	if got := fmt.Sprintf("%+v", r); !strings.Contains(got, "cached: 2") {
		t.Errorf("a resolver prints %q: want its count of cached values", got)
	}
	if got := fmt.Sprintf("%v", snap); !strings.Contains(got, "pinned: 1") {
		t.Errorf("a snapshot prints %q: want its count of pinned values", got)
	}
}

// exportedTypes returns the names of the types the package declares,
// sorted, read from its source.
func exportedTypes(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, name, src, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.TYPE {
				continue
			}
			for _, s := range g.Specs {
				if ts := s.(*ast.TypeSpec); ts.Name.IsExported() {
					names = append(names, ts.Name.Name)
				}
			}
		}
	}
	slices.Sort(names)
	return names
}

// hostState is how a host may keep this package's values: by value, inside
// its own struct (set by a decoder or a DI container through reflect).
type hostState struct {
	Name    string
	Snap    secrets.Snapshot
	Backend secrets.ValsBackend
}

// A Snapshot and a ValsBackend held by value in a host's struct print no
// value: they format through value receivers. (A Resolver holds locks and
// is not copied: go vet reports a copy, and the race detector a copy taken
// while a call it detached ends.)
func TestPrintingACopyShowsNoValue(t *testing.T) {
	t.Parallel()
	const pinned = "S3CRET-pinned-by-value"
	f := newFake(map[string]string{"ref+fake://db/pinned": pinned})
	r := newResolver(t, f)
	h := &hostState{Name: "engine"}
	reflect.ValueOf(&h.Snap).Elem().Set(reflect.ValueOf(r.Snapshot()).Elem())
	reflect.ValueOf(&h.Backend).Elem().Set(reflect.ValueOf(secrets.NewValsBackend(secrets.ValsOptions{})).Elem())
	if v, err := h.Snap.Resolve(t.Context(), "ref+fake://db/pinned"); err != nil || v != pinned {
		t.Fatalf("resolve through the copy: %s", show(err))
	}
	byValue := *h
	var logged bytes.Buffer
	for _, hd := range []slog.Handler{slog.NewTextHandler(&logged, nil), slog.NewJSONHandler(&logged, nil)} {
		slog.New(hd).Info("state", "holder", h, "value", byValue, "snap", h.Snap)
	}
	outs := map[string]string{"slog": logged.String()}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		outs[verb] = fmt.Sprintf(verb, h)
		outs[verb+" of the struct"] = fmt.Sprintf(verb, []any{byValue})
	}
	for name, out := range outs {
		assertNoLeak(t, "a host struct printed with "+name, out, pinned, hex.EncodeToString([]byte(pinned)))
	}
	if got := fmt.Sprintf("%v", h.Snap); !strings.Contains(got, "pinned: 1") {
		t.Errorf("a copied snapshot prints %q: want its count of pinned values, shared with the original", got)
	}
}
