package render_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"html"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hushflow/hushflow/render"
)

// The conformance oracle: cases taken from the template languages' own test
// suites (Tera 1.x and pongo2 v6), rendered through the public API. See
// testdata/conformance/README.md for the format and where each file comes
// from.
//
// Every case ends in one of four classes:
//   - same: render gives what the language's own test expects;
//   - documented: render differs on purpose, and differences.txt says why
//     (the runner checks the claim where it can: "no HTML escaping" must
//     equal the expected text unescaped, a refusal must be an error);
//   - pending: render differs today and pending.txt says the evaluator of
//     issue 18 should fix it;
//   - other: anything else, which fails the test.
//
// A case listed in pending.txt or differences.txt that now gives the
// expected result fails the test too, so both lists only shrink honestly.
// go test ./render -run Conformance -update rewrites pending.txt from the
// current implementation (keeping the reasons already written).
var updatePending = flag.Bool("update", false, "rewrite testdata/conformance/pending.txt from the current render")

const conformanceDir = "testdata/conformance"

// conformanceCase is one line of a testdata/conformance/*.json table.
type conformanceCase struct {
	ID         string            `json:"id"`
	Dialect    string            `json:"dialect"` // "tera" or "pongo2"
	Template   string            `json:"template"`
	Templates  map[string]string `json:"templates,omitempty"` // the other templates a refused case reads
	Context    map[string]any    `json:"context,omitempty"`
	ContextRef string            `json:"context_ref,omitempty"` // "pongo2": pongo2_context.json
	Autoescape bool              `json:"autoescape"`
	TrimBlocks bool              `json:"trim_blocks,omitempty"`
	LStrip     bool              `json:"lstrip_blocks,omitempty"`
	Expect     *string           `json:"expect,omitempty"`
	Error      string            `json:"error,omitempty"` // "error": the language fails on it
	ErrorKind  string            `json:"error_kind,omitempty"`
	AnyOutput  bool              `json:"any_output,omitempty"` // the source only checks that it renders
	Status     string            `json:"status,omitempty"`     // "refused: reason"
	Note       string            `json:"note,omitempty"`
}

type conformanceClass int

const (
	classSame conformanceClass = iota
	classDocumented
	classPending
	classOther
)

func loadConformanceCases(t *testing.T) []conformanceCase {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(conformanceDir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	var all []conformanceCase
	seen := map[string]bool{}
	for _, f := range files {
		if filepath.Base(f) == "pongo2_context.json" {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var cs []conformanceCase
		dec := json.NewDecoder(strings.NewReader(string(b)))
		dec.UseNumber() // keeps 1.0 (a float in the source test) apart from 1
		if err := dec.Decode(&cs); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for i, c := range cs {
			if c.Context != nil {
				cs[i].Context = jsonNumbers(c.Context).(map[string]any)
			}
			if seen[c.ID] {
				t.Fatalf("%s: case id %q twice", f, c.ID)
			}
			seen[c.ID] = true
			if c.Dialect != "tera" && c.Dialect != "pongo2" {
				t.Fatalf("%s: %s: dialect %q", f, c.ID, c.Dialect)
			}
			if (c.Expect != nil) == (c.Error != "") && !c.AnyOutput && c.Status == "" {
				t.Fatalf("%s: %s: a case needs exactly one of expect and error", f, c.ID)
			}
		}
		all = append(all, cs...)
	}
	if len(all) == 0 {
		t.Fatal("no conformance cases found")
	}
	return all
}

// loadReasons reads a list of "case-id<TAB or spaces>reason" lines; # starts
// a comment line.
func loadReasons(t *testing.T, name string) map[string]string {
	t.Helper()
	f, err := os.Open(filepath.Join(conformanceDir, name))
	if errors.Is(err, os.ErrNotExist) {
		return map[string]string{}
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		id, reason, _ := strings.Cut(line, "\t")
		if reason == "" {
			id, reason, _ = strings.Cut(line, " ")
		}
		m[strings.TrimSpace(id)] = strings.TrimSpace(reason)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return m
}

// pongo2Context builds the context pongo2's own template tests run with,
// from pongo2_context.json: "$time" becomes a time.Time, "$stringer" a value
// whose String method returns the text, "$intmap" a map[int]string, and
// "$func" is left out (render calls no Go functions of the data).
func pongo2Context(t *testing.T) map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(conformanceDir, "pongo2_context.json"))
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	return convertPongo2(t, raw).(map[string]any)
}

type conformanceStringer string

func (s conformanceStringer) String() string { return string(s) }

func convertPongo2(t *testing.T, v any) any {
	switch v := v.(type) {
	case map[string]any:
		if s, ok := v["$time"].(string); ok {
			tm, err := time.Parse(time.RFC3339Nano, s)
			if err != nil {
				t.Fatal(err)
			}
			return tm
		}
		if s, ok := v["$stringer"].(string); ok {
			return conformanceStringer(s)
		}
		if m, ok := v["$intmap"].(map[string]any); ok {
			out := map[int]string{}
			for k, s := range m {
				n, err := strconv.Atoi(k)
				if err != nil {
					t.Fatal(err)
				}
				out[n] = s.(string)
			}
			return out
		}
		out := map[string]any{}
		for k, x := range v {
			if m, ok := x.(map[string]any); ok && m["$func"] != nil {
				continue
			}
			out[k] = convertPongo2(t, x)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = convertPongo2(t, x)
		}
		return out
	case float64:
		// encoding/json reads every number as float64; the languages' tests
		// give integers as integers.
		if v == float64(int64(v)) && !strings.Contains(strconv.FormatFloat(v, 'g', -1, 64), "e") {
			return int(v)
		}
		return v
	}
	return v
}

// jsonNumbers turns json.Numbers into ints and float64s, as the languages'
// tests wrote them ("1" is an integer, "1.0" a float).
func jsonNumbers(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			out[k] = jsonNumbers(x)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = jsonNumbers(x)
		}
		return out
	case json.Number:
		if n, err := v.Int64(); err == nil {
			return int(n)
		}
		f, _ := v.Float64()
		return f
	}
	return v
}

type nopResolver struct{}

func (nopResolver) Resolve(context.Context, string) (string, error) {
	return "", errors.New("conformance: no references here")
}

type conformanceResult struct {
	c      conformanceCase
	out    string
	err    error
	same   bool
	reason string // why it is not the same, for pending.txt
}

func runConformanceCase(t *testing.T, e *render.Engine, c conformanceCase, vars map[string]any) conformanceResult {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	out, err := func() (out string, err error) {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("panic: %v", r)
			}
		}()
		return e.Render(ctx, c.Template, vars)
	}()
	r := conformanceResult{c: c, out: out, err: err}
	switch {
	case c.Status != "":
		r.same = false // a refused case is never "same": it is documented when render refuses it
	case c.Expect != nil:
		r.same = err == nil && out == *c.Expect
	case c.Error != "":
		r.same = err != nil
	case c.AnyOutput:
		r.same = err == nil
	}
	if !r.same {
		r.reason = pendingReason(e, c, out, err)
	}
	return r
}

var (
	filterUseRE  = regexp.MustCompile(`\|\s*([A-Za-z_]\w*)`)
	testUseRE    = regexp.MustCompile(`\bis\s+(?:not\s+)?([A-Za-z_]\w*)`)
	filterCallRE = regexp.MustCompile(`\|\s*([A-Za-z_]\w*)\(([^)]*)\)`)
	kwargRE      = regexp.MustCompile(`([A-Za-z_]\w*)\s*=`)
	listRE       = regexp.MustCompile(`(?:[=(,]|\{\{|\bin)\s*\[`)
	mathRE       = regexp.MustCompile(`[0-9a-z_)]\s*[-+*/%]\s*[0-9a-z_(]`)
)

// pendingReason says in a few words why a case differs, for pending.txt:
// the filter or test render lacks (asked through Check, the public API),
// the construct it does not have, or what kind of difference it is.
func pendingReason(e *render.Engine, c conformanceCase, out string, err error) string {
	switch {
	case c.Status != "" && err != nil:
		return c.Status
	case c.Status != "":
		return "renders what the table says render refuses"
	}
	if err != nil {
		var missing []string
		for _, m := range filterUseRE.FindAllStringSubmatch(c.Template, -1) {
			if e.Check("{{ x | "+m[1]+" }}") != nil && !slices.Contains(missing, "filter "+m[1]) {
				missing = append(missing, "filter "+m[1])
			}
		}
		for _, m := range testUseRE.FindAllStringSubmatch(c.Template, -1) {
			if e.Check("{% if x is "+m[1]+" %}{% endif %}") != nil && !slices.Contains(missing, "test "+m[1]) {
				missing = append(missing, "test "+m[1])
			}
		}
		if len(missing) > 0 && errors.Is(err, render.ErrParse) {
			return "render lacks " + strings.Join(missing, ", ")
		}
		for _, m := range filterCallRE.FindAllStringSubmatch(c.Template, -1) {
			for _, a := range kwargRE.FindAllStringSubmatch(m[2], -1) {
				if e.Check("{{ x | "+m[1]+"("+a[1]+"=1) }}") != nil && !slices.Contains(missing, m[1]+"("+a[1]+"=)") {
					missing = append(missing, m[1]+"("+a[1]+"=)")
				}
			}
		}
		if len(missing) > 0 && errors.Is(err, render.ErrParse) {
			return "render lacks the argument " + strings.Join(missing, ", ")
		}
		for _, tag := range []string{"break", "continue", "set_global", "macro", "filter", "with"} {
			if strings.Contains(c.Template, "{% "+tag) && errors.Is(err, render.ErrParse) && e.Check("{% "+tag+" %}") != nil && tag != "macro" && tag != "filter" && tag != "with" {
				return "render lacks {% " + tag + " %}"
			}
		}
		if listRE.MatchString(c.Template) && errors.Is(err, render.ErrParse) {
			return "render lacks list literals"
		}
		if c.Error != "" {
			return "fails as " + c.Dialect + " does, but the table wants no error" // not reached: an error is the same
		}
		if strings.Contains(err.Error(), "panic") {
			return "render panics"
		}
		return "render fails (" + errorKind(err) + "), " + c.Dialect + " renders"
	}
	if c.Error != "" {
		if mathRE.MatchString(c.Template) {
			return "renders where " + c.Dialect + " raises a type error in arithmetic"
		}
		return "renders where " + c.Dialect + " fails"
	}
	if c.Expect != nil && strings.EqualFold(strings.TrimSpace(out), strings.TrimSpace(*c.Expect)) {
		return "differs in case or white space only"
	}
	if c.Dialect == "tera" && mathRE.MatchString(c.Template) {
		return "arithmetic differs from " + c.Dialect + "'s"
	}
	if m := filterUseRE.FindAllStringSubmatch(c.Template, -1); len(m) > 0 {
		return "output differs (filter " + m[0][1] + ")"
	}
	if m := testUseRE.FindStringSubmatch(c.Template); m != nil {
		return "output differs (test " + m[1] + ")"
	}
	return "output differs"
}

func errorKind(err error) string {
	var re *render.Error
	if errors.As(err, &re) {
		for _, k := range []error{render.ErrParse, render.ErrUndefined, render.ErrExec, render.ErrTooLarge, render.ErrUntrusted, render.ErrResolve} {
			if errors.Is(re.Kind, k) {
				return k.Error()
			}
		}
	}
	if strings.HasPrefix(err.Error(), "panic: ") {
		return "panic"
	}
	return "error"
}

// documentedHolds checks the claim a differences.txt line makes, where it
// can be checked from the result alone.
func documentedHolds(r conformanceResult, reason string) bool {
	switch {
	case strings.HasPrefix(reason, "refused on purpose"), strings.HasPrefix(r.c.Status, "refused"):
		return r.err != nil
	case strings.HasPrefix(reason, reasonNoEscaping):
		return noEscapingExplains(r)
	case strings.HasPrefix(reason, reasonJSONPrint):
		return jsonPrintExplains(r)
	case strings.HasPrefix(reason, reasonTeraPrint):
		return r.err == nil && r.c.Expect != nil && r.out != *r.c.Expect && r.out == printedAsTera(*r.c.Expect)
	case strings.HasPrefix(reason, reasonUndefined):
		return errors.Is(r.err, render.ErrUndefined)
	}
	return !r.same
}

// The two differences a result can be checked against mechanically.
const (
	reasonNoEscaping = "no HTML escaping"
	reasonJSONPrint  = "lists and maps print as JSON"
	reasonTeraPrint  = "values print as Tera prints them"
	reasonUndefined  = "an undefined variable is an error"
)

var pongo2Float = regexp.MustCompile(`-?\d+\.\d{6}\b`)

// printedAsTera rewrites pongo2's printing of booleans (True, False) and
// floats (%f: 5.500000) in an expected text as Tera prints them (true,
// false, 5.5, 10 for 10.0), which is how render prints every value.
func printedAsTera(s string) string {
	s = strings.NewReplacer("True", "true", "False", "false").Replace(s)
	return pongo2Float.ReplaceAllStringFunc(s, func(f string) string {
		x, err := strconv.ParseFloat(f, 64)
		if err != nil {
			return f
		}
		if x == float64(int64(x)) {
			return strconv.FormatInt(int64(x), 10)
		}
		return strconv.FormatFloat(x, 'f', -1, 64)
	})
}

// noEscapingExplains reports whether the only difference is the language's
// HTML autoescaping, which render never does.
func noEscapingExplains(r conformanceResult) bool {
	return r.c.Autoescape && r.err == nil && r.c.Expect != nil &&
		r.out != *r.c.Expect && r.out == html.UnescapeString(*r.c.Expect)
}

// jsonPrintExplains reports whether render printed as JSON a list or map
// that Tera prints as [a, b] or [object] (render/doc.go: a command or a
// JSON consumer needs what JSON keeps).
func jsonPrintExplains(r conformanceResult) bool {
	if r.err != nil || r.c.Expect == nil || r.c.Dialect != "tera" {
		return false
	}
	dec := json.NewDecoder(strings.NewReader(r.out))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil || dec.More() {
		return false
	}
	switch v.(type) {
	case []any, map[string]any:
	default:
		return false
	}
	want := *r.c.Expect
	if r.c.Autoescape {
		want = html.UnescapeString(want)
	}
	return teraPrint(v) == want
}

// teraPrint writes v as Tera 1.x prints a value: strings bare, arrays as
// [a, b], objects as [object].
func teraPrint(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case json.Number:
		return v.String()
	case nil:
		return ""
	case bool:
		return strconv.FormatBool(v)
	case []any:
		parts := make([]string, len(v))
		for i, x := range v {
			parts[i] = teraPrint(x)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		return "[object]"
	}
	return fmt.Sprint(v)
}

func TestConformance(t *testing.T) {
	cases := loadConformanceCases(t)
	differences := loadReasons(t, "differences.txt")
	pending := loadReasons(t, "pending.txt")
	p2ctx := pongo2Context(t)
	e, err := render.New(nopResolver{})
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, c := range cases {
		ids[c.ID] = true
	}
	for _, list := range []struct {
		name string
		m    map[string]string
	}{{"differences.txt", differences}, {"pending.txt", pending}} {
		for id := range list.m {
			if !ids[id] {
				t.Errorf("%s names %s, which no table holds", list.name, id)
			}
		}
	}

	for id := range pending {
		if _, ok := differences[id]; ok {
			t.Errorf("%s is in both differences.txt and pending.txt", id)
		}
	}
	counts := map[conformanceClass]int{}
	perSource := map[string]*[4]int{} // by class
	var others, fixed []string
	newPending := map[string]string{}
	var newDifferences []string
	for _, c := range cases {
		vars := c.Context
		if vars == nil {
			vars = map[string]any{}
		}
		if c.ContextRef == "pongo2" {
			vars = p2ctx
		}
		r := runConformanceCase(t, e, c, vars)
		src := sourceOf(c.ID)
		if perSource[src] == nil {
			perSource[src] = &[4]int{}
		}
		before := maps.Clone(counts)
		_, isDoc := differences[c.ID]
		_, isPending := pending[c.ID]
		if c.Status != "" && !isDoc && *updatePending && r.err != nil {
			// A case the table marks refused (it reads files, calls a
			// global function) goes to differences.txt when render
			// refuses it.
			newDifferences = append(newDifferences, c.ID+"\trefused on purpose: "+strings.TrimPrefix(c.Status, "refused: "))
			continue
		}
		switch {
		case r.same && isDoc:
			fixed = append(fixed, fmt.Sprintf("%s: listed in differences.txt but now gives the expected result", c.ID))
		case r.same && isPending:
			fixed = append(fixed, fmt.Sprintf("%s: listed in pending.txt but now gives the expected result; remove it", c.ID))
		case r.same:
			counts[classSame]++
		case isDoc && documentedHolds(r, differences[c.ID]):
			counts[classDocumented]++
		case isPending:
			counts[classPending]++
			newPending[c.ID] = pending[c.ID]
		case *updatePending && noEscapingExplains(r):
			newDifferences = append(newDifferences, c.ID+"\t"+reasonNoEscaping)
		case *updatePending && jsonPrintExplains(r):
			newDifferences = append(newDifferences, c.ID+"\t"+reasonJSONPrint)
		default:
			counts[classOther]++
			newPending[c.ID] = r.reason
			others = append(others, fmt.Sprintf("%s (%s): template %q: %s", c.ID, c.Dialect, c.Template, describe(r)))
		}
		for class := range perSource[src] {
			perSource[src][class] += counts[conformanceClass(class)] - before[conformanceClass(class)]
		}
	}
	t.Logf("conformance: %d cases: same %d, documented %d, pending %d, other %d",
		len(cases), counts[classSame], counts[classDocumented], counts[classPending], counts[classOther])
	srcs := make([]string, 0, len(perSource))
	for s := range perSource {
		srcs = append(srcs, s)
	}
	sort.Strings(srcs)
	for _, s := range srcs {
		n := perSource[s]
		t.Logf("  %-32s same %3d, documented %3d, pending %3d, other %d", s, n[classSame], n[classDocumented], n[classPending], n[classOther])
	}
	if *updatePending {
		writePending(t, newPending)
		t.Logf("wrote pending.txt: %d cases", len(newPending))
		appendDifferences(t, newDifferences)
		t.Logf("added to differences.txt: %d cases", len(newDifferences))
		return
	}
	for _, f := range fixed {
		t.Error(f)
	}
	for _, o := range others {
		t.Errorf("other: %s", o)
	}
}

// describe says how a result differs, without printing what render gave
// when it is long: these are public test strings, but a line per case must
// stay readable.
func describe(r conformanceResult) string {
	switch {
	case r.err != nil:
		return "render failed (" + errorKind(r.err) + ")"
	case r.c.Expect != nil:
		return fmt.Sprintf("got %q, want %q", clip(r.out), clip(*r.c.Expect))
	case r.c.Error != "":
		return fmt.Sprintf("rendered %q, want an error", clip(r.out))
	}
	return r.reason
}

func clip(s string) string {
	if len(s) > 120 {
		return s[:120] + "…"
	}
	return s
}

// sourceOf names the suite and directory a case comes from
// ("tera/src/renderer/tests", "pongo2/template_tests").
func sourceOf(id string) string {
	if i := strings.IndexAny(id, ":#"); i >= 0 {
		id = id[:i]
	}
	return filepath.Dir(id)
}

func writePending(t *testing.T, m map[string]string) {
	t.Helper()
	ids := make([]string, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var b strings.Builder
	b.WriteString("# Cases where render differs today and the evaluator of issue 18 should\n")
	b.WriteString("# give the language's result. One line each: case id, a tab, the reason.\n")
	b.WriteString("# TestConformance fails when one of them passes: remove its line then.\n")
	b.WriteString("# Regenerate with: go test ./render -run Conformance -update\n")
	for _, id := range ids {
		b.WriteString(id + "\t" + m[id] + "\n")
	}
	if err := os.WriteFile(filepath.Join(conformanceDir, "pending.txt"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// appendDifferences adds the lines -update found to differences.txt, for
// the differences a result is checked against mechanically.
func appendDifferences(t *testing.T, lines []string) {
	t.Helper()
	if len(lines) == 0 {
		return
	}
	slices.Sort(lines)
	f, err := os.OpenFile(filepath.Join(conformanceDir, "differences.txt"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(strings.Join(lines, "\n") + "\n"); err != nil {
		t.Fatal(err)
	}
}
