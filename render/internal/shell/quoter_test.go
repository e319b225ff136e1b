package shell

import (
	"errors"
	"strings"
	"testing"
)

// TestPlacedValuesReachTheProgram runs every placing template with every
// payload through the installed shells: what the program received must be
// the value exactly, no payload may have made a file, and a value must be
// refused exactly where the template's accepts says.
func TestPlacedValuesReachTheProgram(t *testing.T) {
	t.Parallel()
	sh := shells(t)
	for _, tpl := range placing {
		t.Run(tpl.name, func(t *testing.T) {
			t.Parallel()
			for _, v := range payloads {
				if testing.Short() && len(v) > 1000 {
					continue
				}
				checkTemplate(t, tpl, v, sh)
			}
		})
	}
}

// TestRefusals checks that every payload (and a plain word) is refused in
// each refusing template, with an error that names the context and never
// holds the value.
func TestRefusals(t *testing.T) {
	t.Parallel()
	values := append([]string{"ls", "S3CR3T-token-value"}, payloads...)
	for _, text := range append(refusing, refusingUnlessDecimal...) {
		t.Run(strings.ReplaceAll(text, "\n", `\n`), func(t *testing.T) {
			t.Parallel()
			for _, v := range values {
				out, err := render(text, v)
				if err == nil && isDecimal(v) && contains(refusingUnlessDecimal, text) {
					continue
				}
				if err == nil {
					t.Errorf("value %q placed as %q, want refused", short(v), short(out))
					continue
				}
				var e *Error
				if !errors.As(err, &e) || !errors.Is(err, ErrUnsafe) {
					t.Fatalf("error %v: not a *Error matching ErrUnsafe", err)
				}
				if e.Context == "" || e.Reason == "" {
					t.Errorf("error %#v: empty context or reason", e)
				}
				if len(v) >= 4 && strings.Contains(err.Error(), v) {
					t.Errorf("error %q holds the value", err)
				}
			}
		})
	}
}

// TestRendered pins what the Quoter writes for each context, so a change of
// quoting style is a visible decision.
func TestRendered(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, text, value, want string
	}{
		{"inert value stays as written", "git checkout {{x}}", "release/v1.2", "git checkout release/v1.2"},
		{"bare word", "echo {{x}}", "a b", "echo 'a b'"},
		{"empty bare word", "echo {{x}} end", "", "echo '' end"},
		{"single quote in bare word", "echo {{x}}", "it's $HOME", `echo "it's \$HOME"`},
		{"inside single quotes", "echo 'a{{x}}b'", "$HOME", `echo 'a$HOMEb'`},
		{"single quote inside single quotes", "echo 'a{{x}}b'", "it's $HOME", `echo 'a'"it's \$HOME"'b'`},
		{"inside double quotes", `echo "{{x}}"`, "$a `b` \"c\" \\d !e", `echo "\$a \` + "`b\\`" + ` \"c\" \\d !e"`},
		{"assignment", "X={{x}} cmd", "a b", "X='a b' cmd"},
		{"after $NAME in a bare word", "echo $HOME{{x}}", "dir", "echo $HOME'dir'"},
		{"parameter word", "echo ${u:-{{x}}}", "a}b", "echo ${u:-'a}b'}"},
		{"parameter word in double quotes", `echo "${u:-{{x}}}"`, "a}b$", `echo "${u:-a\}b\$}"`},
		{"unquoted here-document", "cat <<EOF\n{{x}}\nEOF", "$x `y` \\z \"q\"", "cat <<EOF\n\\$x \\`y\\` \\\\z \"q\"\nEOF"},
		{"quoted here-document", "cat <<'EOF'\n{{x}}\nEOF", "$x `y` \\z", "cat <<'EOF'\n$x `y` \\z\nEOF"},
		{"case pattern", "case $a in {{x}}) ;; esac", "x*", "case $a in 'x*') ;; esac"},
		{"case pattern esac", "case $a in {{x}}) ;; esac", "esac", "case $a in 'esac') ;; esac"},
		{"comment", "echo # {{x}}", "$(no)", "echo # $(no)"},
		{"arithmetic", "echo $(( {{x}} * 2 ))", "21", "echo $(( 21 * 2 ))"},
		{"redirection target", "echo > {{x}}", "out file", "echo > 'out file'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			q := NewQuoter()
			parts := strings.Split(tt.text, hole)
			for i, p := range parts {
				q.Author(p)
				if i < len(parts)-1 {
					if err := q.Value(tt.value); err != nil {
						t.Fatalf("Value: %v", err)
					}
				}
			}
			got, err := q.String()
			if err != nil || got != tt.want {
				t.Errorf("got %q, %v\nwant %q", got, err, tt.want)
			}
		})
	}
}

// TestAuthorTextUnchanged checks that without values the author's text comes back byte for byte.
func TestAuthorTextUnchanged(t *testing.T) {
	t.Parallel()
	for _, text := range append(refusing, "echo 'unterminated", "cat <<EOF\nno end") {
		q := NewQuoter()
		q.Author(strings.ReplaceAll(text, hole, "x"))
		got, err := q.String()
		if err != nil || got != strings.ReplaceAll(text, hole, "x") {
			t.Errorf("%q: got %q, %v", text, got, err)
		}
	}
}

// TestErrorsAreSticky checks that a refusal stops the command: String
// reports it, later values are refused, and nothing half-built comes out.
func TestErrorsAreSticky(t *testing.T) {
	t.Parallel()
	q := NewQuoter()
	q.Author("echo ok; ")
	first := q.Value("rm")
	if !errors.Is(first, ErrUnsafe) {
		t.Fatalf("Value in command position: %v, want ErrUnsafe", first)
	}
	q.Author(" -rf x; echo ")
	if err := q.Value("fine"); err != first {
		t.Errorf("Value after a refusal: %v, want the first refusal", err)
	}
	if out, err := q.String(); err != first || out != "" {
		t.Errorf("String after a refusal: %q, %v", out, err)
	}
}

func TestWords(t *testing.T) {
	t.Parallel()
	sh := shells(t)
	words := []string{"a b", "", "*", "$(touch pwned)", "-n", "'\"", "plain"}
	tests := []struct {
		name, before, after string
		refused             bool
	}{
		{"arguments", "argv ", " end", false},
		{"at the end", "argv ", "", false},
		{"for list", "for w in ", "; do argv \"$w\"; done", false},
		{"command position", "", " x", true},
		{"inside double quotes", "argv \"", "\"", true},
		{"joined to text before", "argv x", "", true},
		{"joined to text after", "argv ", "x", true},
		{"assignment", "X=", " argv", true},
		{"eval", "eval ", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			q := NewQuoter()
			q.Author(prelude + tt.before)
			err := q.Words(words)
			q.Author(tt.after)
			script, err2 := q.String()
			if tt.refused {
				if !errors.Is(err, ErrUnsafe) && !errors.Is(err2, ErrUnsafe) {
					t.Fatalf("placed as %q, want refused", script)
				}
				return
			}
			if err != nil || err2 != nil {
				t.Fatalf("refused: %v, %v", err, err2)
			}
			want := args(words...)
			if tt.after == " end" {
				want += args("end")
			}
			for _, s := range sh {
				r := runScript(t, s, script, nil)
				if r.err != nil || r.stdout != want || len(r.sideEffect) > 0 {
					t.Errorf("%s: %q: got %q (%v, %q, files %q), want %q", s.name, script, r.stdout, r.err, r.stderr, r.sideEffect, want)
				}
			}
		})
	}
	t.Run("a value right after", func(t *testing.T) {
		t.Parallel()
		q := NewQuoter()
		q.Author("argv ")
		if err := q.Words([]string{"a", "b"}); err != nil {
			t.Fatal(err)
		}
		if err := q.Value("c"); !errors.Is(err, ErrUnsafe) {
			t.Errorf("Value right after Words: %v, want ErrUnsafe", err)
		}
	})
	t.Run("no words", func(t *testing.T) {
		t.Parallel()
		q := NewQuoter()
		q.Author("argv ")
		if err := q.Words(nil); err != nil {
			t.Fatal(err)
		}
		q.Author(" end")
		if got, err := q.String(); err != nil || got != "argv  end" {
			t.Errorf("got %q, %v", got, err)
		}
	})
}

// TestNULRefused: sh cannot carry a NUL byte, in any context.
func TestNULRefused(t *testing.T) {
	t.Parallel()
	for _, text := range []string{"echo {{x}}", "echo '{{x}}'", "cat <<'E'\n{{x}}\nE", "# {{x}}"} {
		if _, err := render(text, "a\x00b"); !errors.Is(err, ErrUnsafe) {
			t.Errorf("%q: %v, want ErrUnsafe", text, err)
		}
	}
}

// TestIntegerAttributeLater: bash turns an assignment to a variable
// declared integer into arithmetic, even when the declaration comes later
// in the text (a function, a loop); the whole script is refused.
func TestIntegerAttributeLater(t *testing.T) {
	t.Parallel()
	q := NewQuoter()
	q.Author("f() { n=")
	if err := q.Value("a[$(touch pwned)]"); err != nil {
		t.Fatalf("Value: %v", err)
	}
	q.Author("; }; declare -i n; f")
	if _, err := q.String(); !errors.Is(err, ErrUnsafe) {
		t.Errorf("String: %v, want ErrUnsafe", err)
	}
	q = NewQuoter()
	q.Author("n=")
	_ = q.Value("12")
	q.Author("; declare -i n")
	if _, err := q.String(); err != nil {
		t.Errorf("a decimal value: %v", err)
	}
}
