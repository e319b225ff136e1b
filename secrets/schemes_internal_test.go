package secrets

import (
	"fmt"
	"go/build"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/helmfile/vals/pkg/providers/registry"
)

// valsSwitch are the schemes vals' Runtime creates itself, in the switch of
// vals.go, rather than through its provider registry.
var valsSwitch = []string{"echo", "file", "envsubst", "exec"}

// Every entry names a scheme vals knows, once.
func TestSchemesAreValsSchemes(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, s := range schemes {
		if seen[s.name] {
			t.Errorf("%s has two entries", s.name)
		}
		seen[s.name] = true
		if _, ok := registry.GetProvider(s.name); !ok && !slices.Contains(valsSwitch, s.name) {
			t.Errorf("%s: vals has no provider of that name", s.name)
		}
		if s.reaches == "" {
			t.Errorf("%s: say what it reaches", s.name)
		}
		if s.byDefault && s.reach&reachCommands != 0 {
			t.Errorf("%s runs programs or prompts, and is allowed by default", s.name)
		}
		if s.byDefault && s.reach&reachHostFiles != 0 && !s.confined {
			t.Errorf("%s reads host files the reference names, is allowed by default and is not confined", s.name)
		}
	}
}

// Every scheme vals declares (its Provider* constants) has an entry: a
// scheme vals adds in an upgrade is audited before it is allowed. The test
// reads vals.go from the module cache.
func TestEveryValsSchemeHasAnEntry(t *testing.T) {
	t.Parallel()
	mod, err := os.ReadFile(filepath.Join("..", "go.mod"))
	if err != nil {
		t.Skipf("no go.mod to read vals' version from: %v", err)
	}
	m := regexp.MustCompile(`(?m)^\s*github\.com/helmfile/vals (v\S+)`).FindSubmatch(mod)
	if m == nil {
		t.Fatal("go.mod does not require github.com/helmfile/vals")
	}
	version := string(m[1])
	cache := os.Getenv("GOMODCACHE")
	if cache == "" {
		cache = filepath.Join(build.Default.GOPATH, "pkg", "mod")
	}
	src, err := os.ReadFile(filepath.Join(cache, "github.com", "helmfile", "vals@"+version, "vals.go"))
	if err != nil {
		t.Skipf("vals' source is not in the module cache (%v)", err)
	}
	consts := regexp.MustCompile(`(?m)^\s*Provider\w+\s*=\s*"([\w-]+)"`).FindAllSubmatch(src, -1)
	if len(consts) < 30 {
		t.Fatalf("found %d Provider constants in vals.go: the pattern no longer fits", len(consts))
	}
	for _, m := range consts {
		if name := string(m[1]); lookupScheme(name) == &unknownScheme {
			t.Errorf("vals %s registers %q, which has no entry in schemes.go", version, name)
		}
	}
}

// schemeTable is the README's table of schemes, made from the registry.
func schemeTable() string {
	var b strings.Builder
	b.WriteString("| scheme | allowed by default | network | host files | environment | host credentials | what it reaches |\n")
	b.WriteString("|---|---|---|---|---|---|---|\n")
	mark := func(s *scheme, r reach) string {
		if s.reach&r != 0 {
			return "yes"
		}
		return ""
	}
	for i := range schemes {
		s := &schemes[i]
		def := "yes"
		if !s.byDefault {
			def = "**no**"
		}
		files := mark(s, reachHostFiles)
		switch {
		case s.confined:
			files = "confined to the workspace"
		case len(s.hostPathQuery) > 0:
			var qs []string
			for _, q := range s.hostPathQuery {
				qs = append(qs, "`"+q+"=`")
			}
			files = strings.Join(qs, ", ") + " only under `WithAbsoluteDirs`"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s | %s | %s |\n", s.name, def,
			mark(s, reachNetwork), files, mark(s, reachEnvironment), mark(s, reachCredentials), s.reaches)
	}
	return b.String()
}

// The README's table is the registry's: a change of policy there shows
// here. Run with HUSHFLOW_WRITE_README=1 to print the table to paste.
func TestREADMESchemeTable(t *testing.T) {
	t.Parallel()
	want := schemeTable()
	if os.Getenv("HUSHFLOW_WRITE_README") != "" {
		t.Log("\n" + want)
	}
	readme, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Skipf("no README.md beside the package: %v", err)
	}
	const begin, end = "<!-- scheme table: made by secrets.TestREADMESchemeTable -->\n", "<!-- end of scheme table -->"
	_, rest, ok := strings.Cut(string(readme), begin)
	got, _, ok2 := strings.Cut(rest, end)
	if !ok || !ok2 {
		t.Fatalf("README.md has no scheme table between %q and %q", begin, end)
	}
	if got != want {
		t.Errorf("README.md's scheme table differs from schemes.go; want:\n%s", want)
	}
}
