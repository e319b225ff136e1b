package shell

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
)

// prelude defines argv, the program the templates call: it prints each
// argument it received followed by a NUL byte. A shell function rather than
// a program, so a 1 MB argument does not meet the kernel's limit on one
// argument of exec (128 KiB on Linux).
const prelude = "argv() { for a; do printf '%s\\0' \"$a\"; done; }\n"

// testHome is $HOME in the runs: a fixed path, so wanted output can name it.
const testHome = "/home/hushflow-test"

// hole marks where a template takes the value.
const hole = "{{x}}"

// template is an authored command with holes, and what the program must
// receive for a value that the Quoter accepts.
type template struct {
	name string
	text string
	// want is the output for value v in the named shell ("sh", "bash", "dash").
	want func(v, shell string) string
	// accepts says which values must be placed; all others must be refused.
	// nil means every value without a NUL byte.
	accepts func(v string) bool
	// env adds environment variables for the run (the value may be in them).
	env    func(v string) []string
	shells []string // only these shells; nil means all
	// bounded names why values above 100 kB are not run (placing is still checked).
	bounded string
}

const (
	execLimit  = "the value passes through exec, whose limit for one argument or environment string is 128 KiB on Linux"
	matchLimit = "sh's pattern matching takes minutes on a megabyte-long pattern"
)

func args(parts ...string) string {
	var b strings.Builder
	for _, p := range parts {
		b.WriteString(p)
		b.WriteByte(0)
	}
	return b.String()
}

// render runs the Quoter over text, placing v at every hole.
func render(text, v string) (string, error) {
	q := NewQuoter()
	q.Author(prelude)
	parts := strings.Split(text, hole)
	for i, p := range parts {
		q.Author(p)
		if i < len(parts)-1 {
			if err := q.Value(v); err != nil {
				return "", err
			}
		}
	}
	return q.String()
}

// plainSubst is what a template renders to with plain text substitution.
func plainSubst(text, v string) string { return prelude + strings.ReplaceAll(text, hole, v) }

type shellBin struct{ name, path string }

// shells returns the shells to run: /bin/sh, bash and dash, each once
// (on Debian /bin/sh is dash: it then runs once, under both names' checks).
func shells(t testing.TB) []shellBin {
	t.Helper()
	var out []shellBin
	seen := map[string]bool{}
	for _, s := range []shellBin{{"sh", "/bin/sh"}, {"bash", "bash"}, {"dash", "dash"}} {
		p, err := exec.LookPath(s.path)
		if err != nil {
			t.Logf("skipping %s: not installed (%v)", s.name, err)
			continue
		}
		real, err := filepath.EvalSymlinks(p)
		if err != nil {
			real = p
		}
		if seen[real] {
			continue
		}
		seen[real] = true
		out = append(out, shellBin{s.name, p})
	}
	if len(out) == 0 {
		t.Skip("no POSIX shell installed: cannot check what sh receives")
	}
	return out
}

// shellName maps a shell to the dialect its output follows: /bin/sh that is
// dash reads $'…' as dash does.
func (s shellBin) dialect() string {
	if s.name == "sh" {
		if real, err := filepath.EvalSymlinks(s.path); err == nil && strings.Contains(filepath.Base(real), "bash") {
			return "bash"
		}
		return "dash"
	}
	return s.name
}

type runResult struct {
	stdout, stderr string
	err            error
	sideEffect     []string // files in the working directory that the script made
}

// runScript runs script with sh in a fresh temporary working directory and
// reports what it printed and any file it left there.
func runScript(t testing.TB, s shellBin, script string, env []string) runResult {
	t.Helper()
	dir := t.TempDir()
	file := filepath.Join(dir, ".script")
	if err := os.WriteFile(file, []byte(script), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, s.path, file)
	cmd.Dir = dir
	cmd.Env = append([]string{"PATH=/usr/bin:/bin", "HOME=" + testHome, "LC_ALL=C.UTF-8"}, env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	ents, rerr := os.ReadDir(dir)
	if rerr != nil {
		t.Fatal(rerr)
	}
	var made []string
	for _, e := range ents {
		if e.Name() != ".script" {
			made = append(made, e.Name())
		}
	}
	return runResult{stdout.String(), stderr.String(), err, made}
}

// checkTemplate renders tpl with v and, if placed, runs it in every shell
// and compares what the program received. It returns false when refused.
func checkTemplate(t testing.TB, tpl template, v string, sh []shellBin) bool {
	t.Helper()
	script, err := render(tpl.text, v)
	accepts := !strings.ContainsRune(v, 0) && (tpl.accepts == nil || tpl.accepts(v))
	if err != nil {
		var e *Error
		if !errors.As(err, &e) || !errors.Is(err, ErrUnsafe) {
			t.Fatalf("%s: error %v is not a *shell.Error matching ErrUnsafe", tpl.name, err)
		}
		if accepts {
			t.Errorf("%s: value %q refused, want placed: %v", tpl.name, short(v), err)
		}
		return false
	}
	if !accepts {
		t.Errorf("%s: value %q placed as %q, want refused", tpl.name, short(v), short(script))
		return true
	}
	if tpl.env != nil && tpl.bounded == "" {
		tpl.bounded = execLimit
	}
	if tpl.bounded != "" && len(v) > 100_000 {
		t.Logf("%s: placed but not run with a %d-byte value: %s", tpl.name, len(v), tpl.bounded)
		return true
	}
	var env []string
	if tpl.env != nil {
		env = tpl.env(v)
	}
	for _, s := range sh {
		if tpl.shells != nil && !contains(tpl.shells, s.dialect()) {
			continue
		}
		r := runScript(t, s, script, env)
		want := tpl.want(v, s.dialect())
		if r.err != nil || r.stdout != want || len(r.sideEffect) > 0 {
			t.Errorf("%s in %s with value %q:\nscript %q\ngot  %q (err %v, stderr %q, files made %q)\nwant %q",
				tpl.name, s.name, short(v), short(script), short(r.stdout), r.err, short(r.stderr), r.sideEffect, short(want))
		}
	}
	return true
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// short keeps failure messages readable when a payload is 1 MB.
func short(s string) string {
	if len(s) > 200 {
		return s[:100] + "…(" + itoa(len(s)) + " bytes)…" + s[len(s)-60:]
	}
	return s
}

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			return string(b[i:])
		}
	}
}
