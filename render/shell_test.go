package render_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hushflow/hushflow/redact"
	"github.com/hushflow/hushflow/render"
)

// argvPrelude defines argv, the program the commands call: it prints each
// argument it received followed by a NUL byte. A shell function, not a
// program, so a 1 MB argument does not meet exec's limit on one argument.
const argvPrelude = "argv() { for a; do printf '%s\\0' \"$a\"; done > out; }\n"

// shells are the shells installed here among sh, bash and dash.
func shells(t testing.TB) []string {
	var out []string
	for _, name := range []string{"sh", "bash", "dash"} {
		if p, err := exec.LookPath(name); err == nil {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		t.Skip("no POSIX shell installed (sh, bash, dash): the commands cannot be run")
	}
	return out
}

// runShell runs script with the shell sh in a new temporary directory and
// returns what the argv function wrote to ./out, and the names of the other
// files the run left (a payload's side effect).
func runShell(t testing.TB, sh, script string) (out string, left []string) {
	t.Helper()
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	// The script goes in a file: a 1 MB value is over exec's limit on one argument.
	if err := os.WriteFile(filepath.Join(dir, "script.sh"), []byte(argvPrelude+script), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, sh, "script.sh")
	cmd.Dir = dir
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s failed: %v (stderr %d bytes)", filepath.Base(sh), err, stderr.Len())
	}
	b, err := os.ReadFile(filepath.Join(dir, "out"))
	if err != nil {
		t.Fatalf("%s: the command did not run argv: %v", filepath.Base(sh), err)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.Name() != "out" && e.Name() != "script.sh" {
			left = append(left, e.Name())
		}
	}
	return string(b), left
}

func nul(parts ...string) string {
	var b strings.Builder
	for _, p := range parts {
		b.WriteString(p + "\x00")
	}
	return b.String()
}

// shellPayloads are job inputs that would run touch (leaving a file
// behind), split, glob or expand with plain substitution.
var shellPayloads = map[string]string{
	"semicolon":    "x; touch pwned",
	"and":          "x && touch pwned",
	"pipe":         "x | touch pwned",
	"newline":      "x\ntouch pwned",
	"subst":        "$(touch pwned)",
	"backticks":    "`touch pwned`",
	"var":          "$HOME",
	"braced var":   "${HOME}",
	"single quote": "it's'; touch pwned; '",
	"double quote": `say "hi"; touch pwned; "`,
	"mixed quotes": `'"'"'"\'\"`,
	"backslash":    `a\b\\c\`,
	"globs":        "* ? [a-z] *.go",
	"option":       "-rf",
	"empty":        "",
	"spaces":       "  two  words  ",
	"non-UTF-8":    "\xff\xfe\x80 bytes",
	"unicode":      "Strøm 日本語 🚀",
	"tilde":        "~root",
	"quotes 1 MB":  strings.Repeat(`'"`, 1<<19),
}

// shellContexts are the places a shell action's cmd: writes values, each
// with what ./out holds after argv ran with the value x (nil: worked out
// by the test).
var shellContexts = []struct {
	name, tmpl string
	want       func(x string) string // what ./out holds
}{
	{"bare word", "argv {{ input.x }}", func(x string) string { return nul(x) }},
	{"inside a word", "argv --name={{ input.x }}.txt", func(x string) string { return nul("--name=" + x + ".txt") }},
	{"author text joined to data", `argv {{ "--name=" ~ input.x }}`, func(x string) string { return nul("--name=" + x) }},
	{"single quotes", "argv 'a {{ input.x }} b'", func(x string) string { return nul("a " + x + " b") }},
	{"double quotes", `argv "a {{ input.x }} b"`, func(x string) string { return nul("a " + x + " b") }},
	{"assignment", "X={{ input.x }}; argv \"$X\"", func(x string) string { return nul(x) }},
	{"export", "export X={{ input.x }}; argv \"$X\"", func(x string) string { return nul(x) }},
	{"here-document", "while IFS= read -r l; do argv \"$l\"; done <<EOF\n{{ input.x }}\nEOF", nil},
	{"quoted here-document", "cat > out <<'EOF'\n{{ input.x }}\nEOF", func(x string) string { return x + "\n" }},
	{"secret", "argv {{ secret.TOKEN }}", func(x string) string { return nul(x) }},
	{"two values", "argv {{ input.x }} {{ secret.TOKEN }}", func(x string) string { return nul(x, x) }},
	{"loop variable", "{% for v in input.list %}argv {{ v }}{% endfor %}", func(x string) string { return nul(x) }},
	{"set from data", "{% set y = input.x %}argv {{ y }}", func(x string) string { return nul(x) }},
	{"filter result", "argv {{ input.x | lower }}", nil},
}

// Every value reaches the program as exactly the text the author placed
// it in, in every context a shell action's cmd: writes values, in every
// installed shell, and no payload's side effect happens.
func TestRenderShellRunsInSh(t *testing.T) {
	t.Parallel()
	e, err := render.New(nopResolver{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range shellContexts {
		for name, x := range shellPayloads {
			t.Run(c.name+"/"+name, func(t *testing.T) {
				t.Parallel()
				if c.want == nil && (strings.Contains(x, "\n") || len(x) > 1000) {
					t.Skip("this context's expected output is checked for single-line values of plain size only")
				}
				vars := map[string]any{
					"input":  map[string]any{"x": x, "list": []any{x}},
					"secret": map[string]any{"TOKEN": x},
				}
				cmd, err := e.RenderShell(context.Background(), c.tmpl, vars)
				if err != nil {
					t.Fatalf("RenderShell: %v", err)
				}
				want := ""
				switch {
				case c.want != nil:
					want = c.want(x)
				case strings.HasPrefix(c.name, "here"):
					want = nul(x)
				default: // what the filter gives, as Render prints it
					plain, err := e.Render(context.Background(), "{{ input.x | lower }}", vars)
					if err != nil {
						t.Fatal(err)
					}
					want = nul(plain)
				}
				for _, sh := range shells(t) {
					if len(x) > 1000 && strings.HasSuffix(sh, "bash") && c.name == "here-document" {
						continue
					}
					got, left := runShell(t, sh, cmd)
					if got != want {
						t.Errorf("%s: the program received %q..., want %q...", filepath.Base(sh), cut(got), cut(want))
					}
					if len(left) > 0 {
						t.Errorf("%s: the payload left %v behind", filepath.Base(sh), left)
					}
				}
			})
		}
	}
}

func cut(s string) string {
	if len(s) > 80 {
		return s[:80]
	}
	return s
}

// Where no quoting makes a value safe, RenderShell fails with ErrUntrusted
// (and ErrShellUnsafe) naming the variable and its line and column, never
// the value.
func TestRenderShellRefuses(t *testing.T) {
	t.Parallel()
	e, err := render.New(nopResolver{})
	if err != nil {
		t.Fatal(err)
	}
	const payload = "x; touch pwned"
	cases := []struct {
		name, tmpl string
		line, col  int
		varName    string
	}{
		{"command position", "{{ input.x }} --flag", 1, 1, "input.x"},
		{"after a newline", "echo ok\n{{ input.x }}", 2, 1, "input.x"},
		{"eval", "echo ok\neval {{ input.x }}", 2, 6, "input.x"},
		{"sh -c", "sh -c {{ input.x }}", 1, 7, "input.x"},
		{"bash -c after sudo", "sudo bash -c \"{{ input.x }}\"", 1, 15, "input.x"},
		{"inside $(…)", "echo $(cat {{ input.x }})", 1, 12, "input.x"},
		{"inside backticks", "echo `cat {{ input.x }}`", 1, 11, "input.x"},
		{"before a pipe into sh", "echo {{ input.x }} | sh", 1, 6, "input.x"},
		{"an open quote at the end", "echo '{{ input.x }}", 1, 7, "input.x"},
		{"a step output", "{{ build.output.cmd }}", 1, 1, "build.output.cmd"},
		{"a secret", "eval {{ secret.TOKEN }}", 1, 6, "secret.TOKEN"},
	}
	vars := map[string]any{
		"input":  map[string]any{"x": payload},
		"build":  map[string]any{"output": map[string]any{"cmd": payload}},
		"secret": map[string]any{"TOKEN": payload},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			out, err := e.RenderShell(context.Background(), c.tmpl, vars)
			if err == nil {
				t.Fatalf("RenderShell(%q) = %q, want a refusal", c.tmpl, out)
			}
			if !errors.Is(err, render.ErrUntrusted) || !errors.Is(err, render.ErrShellUnsafe) {
				t.Errorf("err = %v, want ErrUntrusted and ErrShellUnsafe", err)
			}
			var re *render.Error
			if !errors.As(err, &re) || re.Name != c.varName || re.Line != c.line || re.Column != c.col {
				t.Errorf("err = %v, want it to name %s at line %d, column %d", err, c.varName, c.line, c.col)
			}
			if strings.Contains(err.Error(), "touch") {
				t.Errorf("the message quotes the value: %v", err)
			}
		})
	}
}

// The author's own text is never quoted: a literal printed by an
// expression, a number, and the text between tags stay as written.
func TestRenderShellAuthorText(t *testing.T) {
	t.Parallel()
	e, err := render.New(nopResolver{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ tmpl, want string }{
		{`{{ "make" }} all; echo {{ 1 + 2 }}`, "make all; echo 3"},
		{`{% if true %}ls *.go | wc -l{% endif %}`, "ls *.go | wc -l"},
		{`echo {{ input.x }}{{ "; date" }}`, "echo 'a b'; date"},
		{`echo {{ "--name=" ~ input.x }}`, "echo --name='a b'"},
		{"echo plain", "echo plain"},
	} {
		got, err := e.RenderShell(context.Background(), c.tmpl, map[string]any{"input": map[string]any{"x": "a b"}})
		if err != nil || got != c.want {
			t.Errorf("RenderShell(%q) = %q, %v; want %q", c.tmpl, got, err, c.want)
		}
	}
}

// shell_words is the author's explicit word splitting: each word a
// separate argument, never globbed or expanded.
func TestShellWords(t *testing.T) {
	t.Parallel()
	e, err := render.New(nopResolver{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		in   any
		want string
	}{
		{"string", " -v  *.go $(touch pwned)\t`id`\n'q' ", nul("-v", "*.go", "$(touch", "pwned)", "`id`", "'q'")},
		{"list", []any{"a b", "", "; touch pwned"}, nul("a b", "", "; touch pwned")},
		{"string list", []string{"x", "*"}, nul("x", "*")},
		{"empty", "", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			vars := map[string]any{"input": map[string]any{"args": c.in}}
			cmd, err := e.RenderShell(context.Background(), "argv first {{ input.args | shell_words }}", vars)
			if err != nil {
				t.Fatal(err)
			}
			for _, sh := range shells(t) {
				got, left := runShell(t, sh, cmd)
				if want := nul("first") + c.want; got != want || len(left) > 0 {
					t.Errorf("%s: got %q (left %v), want %q", filepath.Base(sh), got, left, want)
				}
			}
		})
	}
	// Words stand only where whole arguments do.
	_, err = e.RenderShell(context.Background(), "argv --x={{ input.args | shell_words }}", map[string]any{"input": map[string]any{"args": "a b"}})
	if !errors.Is(err, render.ErrShellUnsafe) {
		t.Errorf("words inside a word: err = %v, want ErrShellUnsafe", err)
	}
	// Outside a shell command, the words joined by spaces.
	got, err := e.Render(context.Background(), "{{ input.args | shell_words }}", map[string]any{"input": map[string]any{"args": " a  b "}})
	if err != nil || got != "a b" {
		t.Errorf("Render = %q, %v; want %q", got, err, "a b")
	}
}

// WithShellQuoting(false) is plain substitution, as Render does.
func TestWithShellQuotingOff(t *testing.T) {
	t.Parallel()
	e, err := render.New(nopResolver{}, render.WithShellQuoting(false))
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]any{"input": map[string]any{"x": "a; b"}}
	got, err := e.RenderShell(context.Background(), "{{ input.x }} --flag", vars)
	if err != nil || got != "a; b --flag" {
		t.Errorf("RenderShell = %q, %v; want plain substitution", got, err)
	}
	v, err := e.RenderValueShell(context.Background(), "echo {{ input.x }}", vars, func(string) bool { return true })
	if err != nil || v != "echo a; b" {
		t.Errorf("RenderValueShell = %q, %v; want plain substitution", v, err)
	}
}

// RenderValueShell renders the strings inShell names in the shell context
// and the others as RenderValue does; a refusal names its path.
func TestRenderValueShell(t *testing.T) {
	t.Parallel()
	e, err := render.New(nopResolver{})
	if err != nil {
		t.Fatal(err)
	}
	const cmd = "deploy {{ input.x }}"
	v := map[string]any{
		"cmd": cmd,
		"env": map[string]any{"X": "{{ input.x }}", "Y": "{{ input.list }}"},
	}
	inShell := func(s string) bool { return s == cmd }
	vars := map[string]any{"input": map[string]any{"x": "a; b", "list": []any{"l"}}}
	got, err := e.RenderValueShell(context.Background(), v, vars, inShell)
	if err != nil {
		t.Fatal(err)
	}
	m := got.(map[string]any)
	env := m["env"].(map[string]any)
	if m["cmd"] != "deploy 'a; b'" || env["X"] != "a; b" {
		t.Errorf("RenderValueShell = %#v", got)
	}
	if l, ok := env["Y"].([]any); !ok || len(l) != 1 {
		t.Errorf("a structure outside the shell context is passed on: got %#v", env["Y"])
	}
	_, err = e.RenderValueShell(context.Background(), map[string]any{"script": "{{ input.x }}"}, vars, func(string) bool { return true })
	var re *render.Error
	if !errors.As(err, &re) || re.Path != "script" || re.Name != "input.x" || !errors.Is(err, render.ErrUntrusted) {
		t.Errorf("refusal: err = %v, want ErrUntrusted at script naming input.x", err)
	}
}

// A secret printed into a shell command is masked in the form the quoting
// gave it: '…', "…" with \$ \` \" \\, and an author's '…' closed around it.
func TestRenderShellSecretMasked(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ name, tmpl, secret string }{
		{"single-quoted", "argv {{ secret.PW }}", "pw with space;$(x)"},
		{"double-quoted", "argv {{ secret.PW }}", `it's $HOME and "q" \ ` + "`x`"},
		{"inside the author's quotes", "argv 'a{{ secret.PW }}b'", "it's-a-secret-value"},
		{"inside the author's double quotes", `argv "a{{ secret.PW }}b"`, `p$w"d\x` + "`y`"},
		{"here-document", "cat <<EOF\n{{ secret.PW }}\nEOF", `p$w\d` + "`y`"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			r, err := redact.New()
			if err != nil {
				t.Fatal(err)
			}
			r.Add(c.secret)
			e, err := render.New(nopResolver{}, render.WithSecrets(r))
			if err != nil {
				t.Fatal(err)
			}
			out, err := e.RenderShell(context.Background(), c.tmpl, map[string]any{"secret": map[string]any{"PW": c.secret}})
			if err != nil {
				t.Fatal(err)
			}
			masked := r.String(out)
			if strings.Contains(masked, "secret") || strings.Contains(masked, "$w") || strings.Contains(masked, "HOME") || strings.Contains(masked, "space") {
				t.Errorf("the quoted secret is not masked: %q", masked)
			}
		})
	}
}

// Any value in any context reaches the program intact, or is refused
// with ErrShellUnsafe: it never runs or changes the command.
func FuzzRenderShell(f *testing.F) {
	for _, x := range shellPayloads {
		if len(x) < 1000 {
			for i := range shellContexts {
				f.Add(x, uint8(i))
			}
		}
	}
	sh, err := exec.LookPath("sh")
	if err != nil {
		f.Skip("no sh installed: the commands cannot be run")
	}
	e, err := render.New(nopResolver{})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, x string, at uint8) {
		c := shellContexts[int(at)%len(shellContexts)]
		if c.want == nil || len(x) > 4096 {
			return
		}
		vars := map[string]any{"input": map[string]any{"x": x, "list": []any{x}}, "secret": map[string]any{"TOKEN": x}}
		cmd, err := e.RenderShell(context.Background(), c.tmpl, vars)
		if err != nil {
			if !errors.Is(err, render.ErrShellUnsafe) || !errors.Is(err, render.ErrUntrusted) {
				t.Fatalf("%s: a failure that is not a refusal: %v", c.name, err)
			}
			return
		}
		got, left := runShell(t, sh, cmd)
		if want := c.want(x); got != want || len(left) > 0 {
			t.Fatalf("%s: value %q: the program received %q, want %q; the run left %v", c.name, x, got, want, left)
		}
	})
}

// BenchmarkShellCommand renders the demo's deploy command as text
// (Render) and as a shell command (RenderShell): the cost of the quoting.
func BenchmarkShellCommand(b *testing.B) {
	e, err := render.New(nopResolver{})
	if err != nil {
		b.Fatal(err)
	}
	const tmpl = "deploy --env {{ input.env }} --schema {{ build.output.schema }} --token {{ secret.TOKEN }} && echo done > deploy.log"
	vars := map[string]any{
		"input":  map[string]any{"env": "production"},
		"build":  map[string]any{"output": map[string]any{"schema": "v42"}},
		"secret": map[string]any{"TOKEN": "tok'en with space"},
	}
	for _, c := range []struct {
		name   string
		render func(context.Context, string, map[string]any) (string, error)
	}{{"Render", e.Render}, {"RenderShell", e.RenderShell}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.render(context.Background(), tmpl, vars); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
