package shell

import (
	"strings"
)

// payloads are values that try to break out of where they stand: each
// injection would create a file named pwned in the working directory,
// which the runs check for.
var payloads = []string{
	"",
	"plain",
	"a b",
	"  lead and trail  ",
	";touch pwned",
	"x; touch pwned",
	"&& touch pwned",
	"|| touch pwned",
	"| touch pwned",
	"& touch pwned",
	"\ntouch pwned\n",
	"x\ntouch pwned",
	"$(touch pwned)",
	"`touch pwned`",
	"$HOME",
	"${HOME}",
	"$((1+1))",
	"${IFS}",
	"'",
	"\"",
	"'; touch pwned; '",
	"\"; touch pwned; \"",
	"'\"'\"$(touch pwned)\"'",
	`\`,
	`\\`,
	`a\`,
	`\'`,
	`\"`,
	"\\\ntouch pwned",
	"*",
	"?",
	"[",
	"[a-z]*",
	".*",
	"-n",
	"--help",
	"-e",
	"$'\\x41'",
	"!",
	"!!",
	"#comment",
	"~",
	"~root",
	"{a,b}",
	"a=b",
	"}",
	"{",
	")",
	"(",
	"<",
	"> pwned",
	"%s%n",
	"\t",
	"\ttab",
	"\r\n",
	"EOF",
	"a\nEOF\nb",
	"\x01\x7f\x1b[31m",
	"\xff\xfe\x80 not utf-8",
	"héllo ✓ 日本語 🙂",
	"E\xc6 and EO\xff",
	"x\nE\xc6",
	"12",
	"0",
	"007",
	"a[$(touch pwned)]",
	"x\x00y",
	strings.Repeat(`'"`, 1<<19), // 1 MB of quotes
}

func plus(prefix, suffix string) func(v, shell string) string {
	return func(v, _ string) string { return args(prefix + v + suffix) }
}

// noLine reports whether no line of text equals line.
func noLine(text, line string) bool {
	for _, l := range strings.Split(text, "\n") {
		if l == line {
			return false
		}
	}
	return true
}

// dashKeeps reports whether dash keeps every byte of a here-document body
// with this delimiter: it loses a byte >= 0x80 right after a line's start
// that begins the delimiter (checked by hand on dash 0.5.12).
func dashKeeps(body, delim string) bool {
	for _, l := range strings.Split(body, "\n") {
		for k := 1; k < len(l) && k <= len(delim); k++ {
			if l[:k] != delim[:k] {
				break
			}
			if l[k] >= 0x80 {
				return false
			}
		}
	}
	return true
}

func noSingleQuote(v string) bool { return !strings.Contains(v, "'") }

func noTabAtLineStart(text string) bool {
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, "\t") {
			return false
		}
	}
	return true
}

// placing are templates that place every value (or those accepts names),
// with what argv must print.
var placing = []template{
	{name: "bare", text: "argv " + hole, want: plus("", "")},
	{name: "bare twice in one word", text: "argv " + hole + hole, want: func(v, _ string) string { return args(v + v) }},
	{name: "option value", text: "argv --name=" + hole, want: plus("--name=", "")},
	{name: "prefix and suffix", text: "argv pre" + hole + ".txt", want: plus("pre", ".txt")},
	{name: "after a tilde and slash", text: "argv ~/" + hole, want: plus(testHome+"/", "")},
	{name: "after $HOME unquoted", text: "argv $HOME" + hole, want: plus(testHome, "")},
	{name: "single quotes", text: "argv '" + hole + "'", want: plus("", "")},
	{name: "inside single quotes", text: "argv 'a " + hole + " b'", want: plus("a ", " b")},
	{name: "double quotes", text: `argv "` + hole + `"`, want: plus("", "")},
	{name: "inside double quotes", text: `argv "a ` + hole + ` b"`, want: plus("a ", " b")},
	{name: "double quotes after ${HOME}", text: `argv "${HOME}` + hole + `"`, want: plus(testHome, "")},
	{name: "mixed quotes", text: `argv "a"'b'` + hole + `'c'"d"`, want: plus("ab", "cd")},
	{name: "three contexts", text: `argv "` + hole + `" '` + hole + `' ` + hole, want: func(v, _ string) string { return args(v, v, v) }},
	{name: "assignment", text: "X=" + hole + "; argv \"$X\"", want: plus("", "")},
	{name: "assignment quoted", text: "X=\"" + hole + "\"; argv \"$X\"", want: plus("", "")},
	{name: "assignment prefix", text: "X=" + hole + " sh -c 'printf \"%s\\0\" \"$X\"'", want: plus("", ""), bounded: execLimit},
	{name: "export", text: "export X=" + hole + "; sh -c 'printf \"%s\\0\" \"$X\"'", want: plus("", ""), bounded: execLimit},
	{name: "local", text: "f() { local X=" + hole + "; argv \"$X\"; }; f", want: plus("", "")},
	{name: "sh -c operand", text: "sh -c 'printf \"%s\\0\" \"$1\"' sh " + hole, want: plus("", ""), bounded: execLimit},
	{name: "here-document", text: "cat <<EOF\n" + hole + "\nEOF\n", want: func(v, _ string) string { return v + "\n" },
		accepts: func(v string) bool { return noLine(v, "EOF") && dashKeeps(v, "EOF") }},
	{name: "here-document mid-line", text: "cat <<EOF\n$HOME/" + hole + "/b\nEOF\n", want: func(v, _ string) string { return testHome + "/" + v + "/b\n" },
		accepts: func(v string) bool { return noLine("/"+v+"/b", "EOF") && dashKeeps("/"+v+"/b", "EOF") }},
	{name: "here-document quoted delimiter", text: "cat <<'EOF'\n" + hole + "\nEOF\n", want: func(v, _ string) string { return v + "\n" },
		accepts: func(v string) bool { return noLine(v, "EOF") && dashKeeps(v, "EOF") }},
	{name: "here-document <<-", text: "cat <<-EOF\n\t" + hole + "\n\tEOF\n", want: func(v, _ string) string { return v + "\n" },
		accepts: func(v string) bool { return noLine(v, "EOF") && noTabAtLineStart(v) && dashKeeps(v, "EOF") }},
	{name: "here-document at the end", text: "cat <<EOF\n" + hole + "\nEOF", want: func(v, _ string) string { return v + "\n" },
		accepts: func(v string) bool { return noLine(v, "EOF") && dashKeeps(v, "EOF") }},
	{name: "two here-documents", text: "cat <<A; cat <<'B'\n" + hole + "\nA\n" + hole + "\nB\n", want: func(v, _ string) string { return v + "\n" + v + "\n" },
		accepts: func(v string) bool {
			return noLine(v, "A") && noLine(v, "B") && dashKeeps(v, "A") && dashKeeps(v, "B")
		}},
	{name: "comment", text: "argv a # " + hole + "\nargv b", want: func(string, string) string { return args("a", "b") },
		accepts: func(v string) bool { return !strings.Contains(v, "\n") }},
	{name: "case pattern", bounded: matchLimit, text: "case \"$V\" in " + hole + ") argv yes;; *) argv no;; esac",
		want: func(string, string) string { return args("yes") }, env: func(v string) []string { return []string{"V=" + v} }},
	{name: "case pattern is no glob", text: "case \"$V\" in (" + hole + ") argv yes;; *) argv no;; esac",
		want: func(string, string) string { return args("no") }, env: func(v string) []string { return []string{"V=" + v + "z"} }},
	{name: "case word", text: "case " + hole + " in \"$V\") argv yes;; *) argv no;; esac",
		want: func(string, string) string { return args("yes") }, env: func(v string) []string { return []string{"V=" + v} }},
	{name: "case body", text: "case a in\n  a) argv " + hole + " ;;\nesac", want: plus("", "")},
	{name: "${u:-…}", text: "argv ${u:-" + hole + "}", want: plus("", "")},
	{name: "\"${u:-…}\"", text: "argv \"${u:-" + hole + "}\"", want: plus("", ""), accepts: noSingleQuote},
	{name: "${u:+…}", text: "u=1; argv ${u:+" + hole + "}", want: plus("", "")},
	{name: "\"${u=…}\"", text: "argv \"${u=" + hole + "}\" \"$u\"", want: func(v, _ string) string { return args(v, v) }, accepts: noSingleQuote},
	{name: "\"${u:-\"…\"}\"", text: "argv ${u:-\"" + hole + "\"}", want: plus("", "")},
	{name: "${u#…} unquoted", text: "u=" + hole + "rest; argv ${u#" + hole + "}", want: func(string, string) string { return args("rest") }, bounded: matchLimit},
	{name: "$'…'", text: "argv $'" + hole + "'", want: func(v, sh string) string {
		if sh == "dash" {
			return args("$" + v)
		}
		return args(v)
	}, accepts: func(v string) bool { return !strings.ContainsAny(v, `\'`) }},
	{name: "arithmetic", text: "argv $((1 + " + hole + "))", want: func(v, _ string) string { return args(addOne(v)) },
		accepts: isDecimal},
	{name: "for list", text: "for i in " + hole + "; do argv \"$i\"; done", want: plus("", "")},
	{name: "if body", text: "if true; then argv " + hole + "; fi", want: plus("", "")},
	{name: "pipeline", text: "argv " + hole + " | cat", want: plus("", "")},
	{name: "subshell", text: "(argv " + hole + ")", want: plus("", "")},
	{name: "group", text: "{ argv " + hole + "; }", want: plus("", "")},
	{name: "after a command substitution", text: "argv \"$(echo hi)\" " + hole, want: func(v, _ string) string { return args("hi", v) }},
	{name: "after backquotes", text: "argv `echo hi` " + hole, want: func(v, _ string) string { return args("hi", v) }},
	{name: "line continuation", text: "argv \\\n  " + hole, want: plus("", "")},
	{name: "test operands", text: "[ " + hole + " = " + hole + " ] && argv same", want: func(string, string) string { return args("same") }},
	{name: "function body", text: "f() {\n  argv \"$1\" " + hole + "\n}\nf one", want: func(v, _ string) string { return args("one", v) }},
	{name: "redirection then argument", text: "argv 2>/dev/null " + hole, want: plus("", "")},
	{name: "printf builtin", text: "printf '%s\\0' " + hole, want: plus("", "")},
	{name: "here-document into sh -c with a script", text: "sh -c 'cat' <<EOF\n" + hole + "\nEOF", want: func(v, _ string) string { return v + "\n" },
		accepts: func(v string) bool { return noLine(v, "EOF") && dashKeeps(v, "EOF") }},
	{name: "pipe into a program that is no shell", text: "argv " + hole + " | cat", want: plus("", "")},
	{name: "script file after --", text: "sh -c 'printf \"%s\\0\" \"$1\"' -- " + hole, want: plus("", ""), bounded: execLimit},
	{name: "here-string", text: "cat <<<" + hole, want: func(v, _ string) string { return v + "\n" }, shells: []string{"bash"}},
}

func addOne(v string) string {
	n := 0
	for _, c := range v {
		n = n*10 + int(c-'0')
	}
	return itoa(n + 1)
}

// refusing are templates where a value would be code, choose a command or
// a name, or stand where sh would read it in a way no quoting controls.
var refusing = []string{
	hole,
	hole + " arg",
	"argv a; " + hole,
	"argv a && " + hole,
	"argv a || " + hole,
	"argv a | " + hole,
	"argv a &" + hole,
	"argv a\n" + hole,
	"( " + hole + " )",
	"{ " + hole + "; }",
	"if " + hole + "; then :; fi",
	"if true; then " + hole + "; fi",
	"if true; then :; else " + hole + "; fi",
	"while " + hole + "; do :; done",
	"for i in a; do " + hole + "; done",
	"! " + hole,
	`"` + hole + `"`,
	`'` + hole + `'`,
	"pre" + hole,
	"./" + hole,
	"X=1 " + hole,
	"2>/dev/null " + hole,
	"case a in a) " + hole + ";; esac",
	"argv $(" + hole + ")",
	"argv \"$(argv " + hole + ")\"",
	"argv $(argv '" + hole + "')",
	"argv `argv " + hole + "`",
	"argv \"`argv " + hole + "`\"",
	"argv <(argv " + hole + ")",
	"eval " + hole,
	"eval \"argv " + hole + "\"",
	"eval argv '" + hole + "'",
	"sh -c " + hole,
	"sh -c '" + hole + "'",
	"bash -c \"" + hole + "\"",
	"dash -ec " + hole,
	"sh -o errexit -c " + hole,
	"sh " + hole,
	"/bin/sh -c " + hole,
	"sudo sh -c " + hole,
	"docker run --rm img sh -c " + hole,
	"find . -exec sh -c " + hole + " \\;",
	"find . -exec " + hole + " \\;",
	"xargs " + hole,
	"env " + hole,
	"exec " + hole,
	"command " + hole,
	"nohup " + hole,
	"ssh host " + hole,
	"python3 -c " + hole,
	"perl -ne " + hole,
	"node -e " + hole,
	"awk " + hole,
	"sed " + hole + " file",
	"sed -n -e " + hole,
	". " + hole,
	"source " + hole,
	"trap " + hole + " EXIT",
	"alias x=" + hole,
	"argv " + hole + "'",
	"argv \"" + hole,
	"argv " + hole + " \"",
	"argv $'" + hole,
	"cat <<" + hole,
	"cat <<EO" + hole + "\nEOF",
	"cat <<EOF\n" + hole,
	"cat <<EOF\n" + hole + "\n",
	"cat <<EOF\n$(argv " + hole + ")\nEOF",
	"for " + hole + " in a; do :; done",
	"function " + hole + " { :; }",
	"if true; then :; fi " + hole,
	"argv $" + hole,
	"argv \"$" + hole + "\"",
	"argv \\" + hole,
	"argv \"\\" + hole + "\"",
	"argv \"${" + hole + "}\"",
	"argv ${u/" + hole + "/y}",
	"argv ${u=" + hole + "}",
	"argv \"${u:-'" + hole + "'}\"",
	"argv ${u:=" + hole + "}",
	"argv ${u:='" + hole + "'}",
	"argv ${u:1:" + hole + "}",
	"argv \"${u#" + hole + "}\"",
	"argv ~" + hole,
	"X=~" + hole + "; argv \"$X\"",
	"read " + hole,
	"unset " + hole,
	"export " + hole,
	"export " + hole + "=1",
	"declare -i n=" + hole,
	"local -a a=" + hole,
	"printf -v " + hole + " x",
	"[ -v " + hole + " ]",
	"let " + hole,
	"X=(a " + hole + ")",
	"argv @(" + hole + ")",
	"time -p " + hole,
	"alias e=eval; e " + hole,
	"PS4=" + hole + "; set -x",
	"export PATH=" + hole,
	"LD_PRELOAD=" + hole + " argv",
	"GIT_SSH_COMMAND=\"" + hole + "\" git fetch",
	"local IFS=" + hole,
	"bash <<EOF\n" + hole + "\nEOF",
	"sh -e <<'EOF'\necho '" + hole + "'\nEOF",
	"python3 - <<'EOF'\nprint('" + hole + "')\nEOF",
	"python3 <<EOF\n" + hole + "\nEOF",
	"ssh host <<EOF\n" + hole + "\nEOF",
	"sudo -u app sh <<EOF\n" + hole + "\nEOF",
	"kubectl exec -i pod -- sh <<EOF\n" + hole + "\nEOF",
	"sh <<< " + hole,
	"sh < " + hole,
	"argv " + hole + " | sh",
	"printf '%s\\n' " + hole + " | bash -s",
	"argv " + hole + " |\n  sh",
	"cat <<EOF | sh\n" + hole + "\nEOF",
	"cat <<EOF |\n" + hole + "\nEOF\nsh",
	"sh -- " + hole,
	"sh -c -- " + hole,
	"python3 --verbose " + hole,
	"echo " + hole + " | $SHELL",
}

// refusingUnlessDecimal are templates where the shell (bash) evaluates the
// value as arithmetic: only a decimal number may stand there.
var refusingUnlessDecimal = []string{
	"argv $((" + hole + "))",
	"argv $((1+" + hole + "))",
	"argv $[" + hole + "]",
	"[[ 1 -eq " + hole + " ]]",
	"[[ " + hole + " -eq 1 ]]",
	"declare -i n; n=" + hole,
	"n=" + hole + "; declare -i n",
	"f() { n=" + hole + "; }; typeset -i n",
	"((n = " + hole + "))",
}
