// Package shell quotes data for where it stands in a POSIX sh command, as
// html/template escapes data for where it stands in an HTML page.
//
// A shell action's cmd: or script: is a template: the workflow author
// writes the command, and job input, step outputs and secrets fill its
// holes. With plain text substitution a value is code: `echo {{ input.msg }}`
// with the input `x; cat secrets/api.yaml` runs cat. A [Quoter] receives the
// author's text ([Quoter.Author]) and each value ([Quoter.Value]) in order,
// follows the text as sh's tokenizer would (words, quotes, substitutions,
// here-documents, the grammar's command positions), and writes each value
// so that sh reads exactly the value's bytes as (part of) the one word the
// author put it in. The author's text is never changed. Where no quoting
// makes a value safe, Value returns an [*Error] (errors.Is [ErrUnsafe])
// naming the context and the reason, never the value.
//
//	q := shell.NewQuoter()
//	q.Author("git commit -m ")
//	if err := q.Value(`fix "it"; rm -rf ~`); err != nil {
//		return err // errors.Is(err, shell.ErrUnsafe)
//	}
//	cmd, err := q.String() // git commit -m 'fix "it"; rm -rf ~'
//
// # Contexts handled
//
//   - A bare word: an argument (echo {{x}}), part of one (--name={{x}},
//     {{x}}.txt), a redirection's target (> {{x}}, < {{x}}, bash's <<< {{x}}),
//     a word of a for loop's list, the word after case, a case pattern
//     (quoted, so it matches literally). A value of letters, digits and
//     _ . / : @ % + = - is written as it is; any other value is put in
//     single quotes, or, if it holds a single quote, in double quotes with
//     $ ` " \ escaped (one quoted run, since bash parses a word of many
//     quoted runs in quadratic time). An empty value becomes a pair of
//     single quotes: one empty argument.
//   - Inside the author's '…': the value as it is; a value holding ' closes
//     the author's quote around itself in double quotes ('a'"it's"'b').
//   - Inside the author's "…": a backslash before $ ` " \. ! is left alone:
//     history expansion happens only in an interactive bash (never in sh -c
//     or a script), and inside "…" \! would keep its backslash in every sh.
//   - After = in an assignment (X={{x}} cmd, export X={{x}}, local X={{x}}):
//     as a bare word; the value is never split or globbed there.
//   - A here-document body: with an unquoted delimiter a backslash before
//     $ ` \; with a quoted one ('EOF') the value as it is. A value that
//     would make a line equal to the delimiter is refused, and so is a value
//     with a tab at a line's start under <<- (sh strips those tabs).
//   - A comment: the value as it is; a value with a newline is refused.
//   - ${NAME:-{{x}}} and the other POSIX words (- := = :+ + :? ?, and the
//     patterns # ## % %%): single-quoted outside double quotes; inside
//     "${…}" a backslash before $ ` " \ and }. Refused there: patterns inside
//     "${…}" and a value holding ' (bash and dash parse those differently),
//     and an unquoted ${x=…}/${x:=…} (the assigned value is substituted
//     unquoted, so it would be split).
//   - $((…)), $[…], bash's ((…)), [[ … -eq … ]] and variables declared
//     integer (declare -i): only a decimal number without leading zeros,
//     since bash evaluates anything else as an expression and runs command
//     substitutions in array subscripts (a[$(cmd)]).
//   - $'…' (bash, ksh, zsh; dash reads $ then '…'): the value as it is if it
//     holds no \ and no '; otherwise refused, since no spelling of those
//     reads the same in both dialects.
//
// # Contexts refused
//
//   - Command position: the first word of a simple command (after ; & && ||
//     | ( { newline, then, do, else, !, and the like), where the value would
//     choose the program, including in quotes ("{{x}}" args) and inside the
//     word (./{{x}}).
//   - Inside the author's $(…), `…`, <(…) and >(…): the value would be code.
//   - The arguments of commands that run them as code or as a command: eval,
//     trap, alias, let, exec, command, builtin, fc, env, nohup, xargs, sudo,
//     doas, nice, timeout, time, watch, chroot, setsid, stdbuf, flock,
//     runuser, ssh (which joins its arguments into a remote command line),
//     . and source; the script or -c argument of sh, bash, dash, ksh, zsh and
//     other shells, also after another word (sudo sh -c, docker run image sh
//     -c, find -exec sh -c); the code arguments of python, perl, ruby, node,
//     php (-c, -e, -m, …), su -c, and awk's and sed's program.
//   - The standard input of a command that runs it: a here-document,
//     here-string or < target of sh, bash, python and the like without a
//     script (or with -), of ssh, sudo, xargs, env and the other commands
//     above; and any value before a | into such a command (bash <<EOF,
//     python3 - <<'EOF', echo {{x}} | sh, cat <<EOF | sh). A command chosen
//     at run time ($SHELL) with no operand counts as one.
//   - The value of a variable that the shell or the programs it starts read
//     as code or as where to find code: PATH, IFS, PS1-PS4, PROMPT_COMMAND,
//     ENV, BASH_ENV, SHELLOPTS, LD_PRELOAD, GIT_SSH_COMMAND, PAGER, EDITOR,
//     PYTHONPATH, NODE_OPTIONS and a few more (X={{x}}, export X={{x}}).
//   - Variable names in bash, which evaluates array subscripts: the
//     arguments of read, unset, getopts, mapfile, wait; the NAME part of
//     export/readonly/local/declare/typeset and any value in them with -a,
//     -A, -i, -n or -f; the operand of -v in test, [ and printf.
//   - A here-document's delimiter, a for loop's variable, a function name,
//     the word after a compound command (done {{x}}), the place of `in`.
//   - Right after $ (it would make $NAME or $'…'), after $NAME inside "…" or
//     a here-document when the value starts with a name character (write
//     ${NAME}), after an unescaped backslash, right after a word-initial ~
//     (the value would pick whose home directory ~ means).
//   - A NUL byte in a value: sh cannot carry it.
//   - A script that ends inside a quote, a substitution, a line
//     continuation or a here-document once a value was placed
//     ([Quoter.String] reports it).
//   - Any value after syntax this package does not follow (bash arrays
//     a=(…), extended globs @(…), coproc, alias (which can turn any later
//     word into another command), a quote inside "${…}", an
//     unmatched ')', a brace inside a ${…} word that bash and dash pair
//     differently): rather than guess, every later value is refused.
//
// A refusal is sticky: later values and String return the first one, so a
// half-built command never comes out.
//
// What quoting cannot change: a value that starts with - is still an
// option to the program it reaches (rm {{x}} with -rf); write -- before it
// where the program accepts that. A program that interprets an argument
// itself (a printf format, a URL, a path, git's revisions, find's
// expressions) still does so: the value reaches it intact, and what it
// means to that program is the program's business. The tables above name
// the commands whose code arguments are known; a program outside them that
// runs an argument or its input as code (psql -c, make, a function of the
// script that evals "$1") gets the value as data it then runs, and an
// option whose argument the tables do not know (python -W x) may make the
// next word look like the script's arguments. Pass data to code in an
// environment variable or a file, and keep such commands out of templates.
//
// # What changes for a template written for plain substitution (Strøm)
//
// For a value of letters, digits and _ . / : @ % + = - in a plain word or
// inside quotes, the command is byte for byte the same, and in any case
// the program receives the same arguments as with plain substitution for a
// value without blanks, quotes, globs or $ ` \ (a property test checks
// both). Otherwise the meaning changes on purpose: a value with spaces is
// one argument, not several; an empty value is one empty argument, not
// none; globs match nothing; $VAR, $(…) and quotes in a value stay text; a
// quote in a value no longer ends the author's quote. Templates that relied
// on splitting a value into several arguments opt in with [Quoter.Words]
// (the render package's shell_words filter), which places each word as its own
// quoted argument, with no globbing and no expansion, and only where whole
// arguments stand.
//
// # Why hand-written
//
// mvdan.cc/sh/v3/syntax is a well-kept parser, but it parses whole
// programs into a tree, while a Quoter is fed piece by piece (the render
// evaluator's output sink) and must know the lexical state at a hole of an
// incomplete text (echo "abc, then a value); it reads one dialect at a
// time where a value must read the same in dash and bash; the rules that
// matter here (eval, sh -c, declare -i, [[ -eq ]]) are in no parser; and
// it would add nearly 10 000 lines (v3.14.1's syntax package without
// tests) to every user of render. The state kept here is small (a stack of
// quote and substitution frames, the current word and simple command),
// checked against real sh, bash and dash on every context and payload, and
// fuzzed.
package shell
