// Package render renders workflow templates (step inputs, an action's env:,
// cmd: and script:, hook inputs) and resolves the "ref+" secret references
// they pass to the vals filter.
//
// Begin with [New], which takes the Resolver that resolves references (the
// secrets package has the vals-backed one), [Engine.Render] for one
// template and [Engine.RenderValue] for every string of a step's input:
//
//	e, err := render.New(resolver, render.WithSecrets(redactor))
//	cmd, err := e.Render(ctx, "deploy --token {{ secret.API_TOKEN }}", vars)
//	pw, err := e.Render(ctx, "{{ 'ref+awsssm:///prod/db/password' | vals }}", nil)
//
// [Engine.RenderShell] renders a shell command (see "Shell commands"), and
// [Engine.Check] parses a template without rendering it, for load-time
// validation. render does not import sops or vals.
//
// # How a template runs
//
// A template is parsed once into a tree, checked, cached, and evaluated
// directly: there is no second parser and no generated template text.
// pongo2 supplies Django's filters and its value model (a Django filter is
// pongo2's function, called with pongo2.ApplyFilter); Tera's filters and
// tests are the engine's own, after Tera 1.x. No state of pongo2's is
// changed, and pongo2's template parser is not used.
//
// # Syntax
//
// Templates are written in Tera's syntax (Strøm's, whose workspaces
// hushflow loads) or pongo2's Django syntax, or a mix of both:
//
//   - {{ expr }}, {% if %}/{% elif %}/{% else %}, {% for k, v in x %} with
//     {% empty %} or {% else %}, {% break %} and {% continue %}, {% set %}
//     and {% set_global %}, {% with %}, {% macro %}, {% filter %}, {% raw %}
//     and {% verbatim %}, {# comments #} (over several lines too), and "-"
//     markers that trim white space ({{- x -}}, {%- if -%}, {#- -#}).
//   - Filters as Tera writes them (x | default(value="y"), join(sep=", "))
//     and as Django does (x|default:"y"); every Tera 1.x builtin filter that
//     needs no files or globals, Django's filters as pongo2 has them, and
//     vals.
//   - Tera's "a ~ b" joins texts (a filter after it applies to the whole);
//     "x is [not] test(args)" with Tera's tests (defined, undefined, none,
//     string, number, odd, even, iterable, object, divisibleby,
//     starting_with, ending_with, containing, matching); "in", "not in";
//     list literals [1, "a"]; loop.index, loop.index0, loop.first and
//     loop.last (pongo2's forloop.Counter too); macros called as m(a) or
//     self::m(arg=a).
//   - String literals take single, double or back quotes, may hold
//     newlines, and keep a backslash as it is except before their quote or
//     another backslash ("\n" is a backslash and an n, as in Tera).
//   - Refused with a message naming the construct: include, import,
//     extends, block, ssi (templates read no files), cycle and ifchanged
//     (state shared by concurrent renders), lorem, firstof, spaceless (the
//     tag), autoescape, now, widthratio, templatetag, ifequal, ifnotequal,
//     Tera's global functions (range, now, get_env, ...), method calls,
//     macros of other templates, a macro that calls itself, and the filters
//     stringformat, random, truncatechars_html and truncatewords_html.
//
// # Meaning
//
// Tera's syntax has Tera's meaning, Django's has Django's. Where the two
// languages write something alike and mean different things, Tera's
// meaning wins, in any template:
//
//   - Arithmetic is Tera's: + - * % on numbers only ("a" + "b", 1 + true
//     and null + 1 are errors, not values), integers stay integers and an
//     overflow is an error, / divides as floats (7 / 2 is 3.5, 6 / 2 is 3)
//     and a result that is not a finite number prints NaN and is false.
//     == compares numbers by value (1 == 1.0). pongo2's ^ raises to a
//     power, as floats.
//   - A filter applies to the whole arithmetic before it: "1.9 + a |
//     round" rounds the sum (pongo2 would round a alone), and an operator
//     after a filter starts anew ("a | round - 1").
//   - A bare filter name (x | upper) is Tera's filter where Tera has one
//     (first, last, length, upper, title, urlencode, escape, linebreaksbr,
//     ...: "50 | upper" and "15 | length" are errors, "Test" | first is an
//     error as Tera's first takes a list); name:arg is always Django's.
//     Tera's default replaces an undefined value or null; Django's
//     default:"x" replaces any false value ("", 0).
//   - A for loop over a boolean or a number is an error; over a map it
//     goes through the keys in order; over a string, its characters.
//   - Macros are the template's, whatever their name: a macro named like a
//     variable of the call is still the macro (pongo2 fails on it).
//   - Tera's filters check their required arguments when the template is
//     parsed, not only when they run: {{ [] | map }} fails to load.
//
// # Values
//
//   - Nothing is HTML-escaped: "a && b > out.txt" renders as written; the
//     escape filters escape only where a template asks.
//   - An output that reads a variable that does not exist fails with
//     ErrUndefined and the variable's name ({{ secret.DB_PASWORD }}), as in
//     Tera, where pongo2 prints an empty string; a subscript that leads
//     nowhere too, named without its key ({{ m[k] }} fails as m[…]). A variable present with a null value is not undefined.
//     A default filter, "is defined" and {% if x %} say that x is
//     optional; tags are not checked, only what {{ }} prints.
//   - Values print as Tera prints them: true and false (not True), numbers
//     as Rust prints them (1.5, 3 for 3.0, 0.0000001, no exponent, NaN),
//     null as nothing. Lists and maps print as JSON, where Tera prints
//     [a, b] and [object]: a command or a JSON consumer needs what JSON
//     keeps. json_encode writes what Tera's does (3.0 stays 3.0).
//   - pongo2's trim_blocks and lstrip_blocks options do not exist here.
//   - A variable whose name is not an identifier (a step called
//     say-hello) cannot be named by a template and does not break
//     templates that do not use it; {{ say-hello.output }} reads "say"
//     minus "hello.output" and fails as undefined, with a hint. Name steps
//     with underscores, as Strøm does.
//
// # References
//
// | vals resolves a reference only if it stands in the template's own text:
// its string literals and plain text, as the author wrote them. Every
// variable (input.*, a step's output, hook.*, each.*, a loop variable over
// them, a name set from them) is data, and data is never turned into a
// reference: a reference that holds a byte of data is refused with
// ErrUntrusted before anything is resolved. Every value carries, as it
// goes through operators, filters, names and macros, which of its bytes
// came from the template's text and which from data, never by comparing
// texts, so data equal to a reference the template writes elsewhere is
// still data. Data that stands beside a reference ({{ input.env ~ '
// ref+echo://x' | vals }}) does not stop it, and a string of data without
// a reference passes through unchanged, as a number or a map does. A
// filter argument that becomes a pattern (removetags), and the pattern of
// the matching test, must be the template's text too.
//
// Origin follows values, not control flow: a template that compares data
// with its own literals and prints or appends the author's equal literal
// ({% if a == c %}{% set_global g = g ~ a %}{% endif %}) rebuilds the
// data from the author's text, and that copy is the author's. A reference
// rebuilt so is resolved. The guard is against data that carries a
// reference into vals, not against a template written to launder it.
//
// [WithDataReferences] opts in, per scheme, to references built from data.
// Even then the query of such a reference (where the provider connects and
// which credential it sends: address=, token_env=, role_arn=, region=, any
// parameter) must be the template's own text, and data can add no second
// reference.
//
// # Shell commands
//
// A shell command is a context, as an HTML page is for html/template.
// [Engine.RenderShell] (and [Engine.RenderValueShell], for the strings a
// caller names) renders a POSIX sh command or script: the author's text
// stays as written, byte for byte, and every byte of data (a variable's
// value, anything derived from one, a secret, what | vals resolved) is
// quoted for where it stands, so that sh reads exactly the value as (part
// of) the one word the author put it in. {{ "--name=" ~ input.x }} keeps
// --name= as the author's text and quotes the data after it.
//
// Handled: a bare word or part of one (an argument, a redirection's
// target, a for list, a case word or pattern), inside the author's '…' or
// "…", after = in an assignment (X=, export X=, local X=), a here-document
// body (with a quoted delimiter or not), a comment, the word of
// ${NAME:-…} and the other POSIX expansions, arithmetic ($((…)), [[ -eq ]],
// declare -i: a decimal number only), and bash's $'…'. A value of letters,
// digits and _ . / : @ % + = - is written as it is; others are quoted.
//
// Refused, with an ErrUntrusted that also matches [ErrShellUnsafe] and
// names the variable, its line and column, never the value: a value in
// command position (it would choose the program: {{ input.x }} --flag,
// ./{{ input.x }}); inside the author's $(…), `…`, <(…); an argument of a
// command that runs its arguments as code (eval, sh -c, bash -c after
// sudo, ssh, xargs, env, exec, trap, python -c, awk's and sed's program,
// and the like); the standard input of such a command (a here-document
// into sh, echo {{ input.x }} | sh); a variable the shell or programs read
// as code (PATH, IFS, PS1, LD_PRELOAD, GIT_SSH_COMMAND, ...); a bash
// variable name (read, unset, declare); a NUL byte; a line of a
// here-document equal to its delimiter; a command that ends inside a
// quote, a substitution or a here-document; and any value after syntax
// the quoter does not follow (bash arrays, extended globs, alias).
// Quoting cannot stop a value that starts with - from being an option
// (write -- before it) or a program from interpreting its argument.
//
// shell_words is the author's explicit word splitting: a string split at
// white space, or a list, each element one separately quoted argument,
// never globbed or expanded; it may stand only where whole arguments do.
// Outside a shell command it prints its words joined by single spaces.
// [WithShellQuoting](false) switches the context off: values are pasted
// as they are and can become code.
//
// For a template written for plain substitution (Strøm), a value of the
// characters above prints byte for byte the same, and any value without
// blanks, quotes, globs or $ ` \ reaches the program as the same
// arguments. Otherwise the meaning changes on purpose: a value with spaces
// is one argument, an empty value one empty argument, globs match nothing,
// $VAR, $(…) and quotes in a value stay text, and a template that puts a
// value where none can stand fails.
//
// # Derived secrets
//
// With [WithSecrets], what a template derives from a secret is a secret
// too: every value read from a variable whose value (or a string inside
// it) the Secrets set knows, or resolved by | vals, is tainted, and so is
// every value computed from a tainted one, whatever was done to it
// ({{ secret.PW|addslashes }}, ~, {% filter upper %}, a macro). "Inside"
// reaches what the template can read or print of a Go value: the strings
// in maps, lists, the exported fields of structs (through pointers), the
// JSON of a json.RawMessage or another json.Marshaler, and a []byte's
// bytes. What a template prints from a tainted value is taught to the set
// before Render returns. What a loop, a macro or a {% filter %} block
// prints is taught whole when a tainted piece went into it, and so is each
// run of tainted pieces printed close together; and when one template, a
// macro or a block prints more than one fragment (a tainted piece under 8
// bytes), the text from the first fragment to the last is taught whole,
// however far apart they are (the text between is masked with them): a
// template cannot spell a secret out a piece at a time
// ({% for c in secret.PW %}{{ c }}-{% endfor %}, or {{ secret.PW|slice:":3" }}
// … {{ secret.PW|slice:"3:6" }}). The taint follows the value, not the
// text: {{ input.env }} is never taught. Nor does it follow control flow:
// what a branch chosen by a secret prints is the author's text, untainted
// ({% for c in secret.PW %}{% for a in "abc…" %}{% if a == c %}{{ a }}{% endif %}{% endfor %}{% endfor %}
// spells the secret with the author's letters). Tracking that soundly
// would have to taint everything a loop does after a tainted break, and
// every iteration before it; the engine does not: it keeps a template
// from leaking a secret by mistake, not one written to leak it.
// Booleans and numbers are not taught ("true", or a secret's length, would
// mask every such value). A string of RenderValue's input that the set
// knows is data: it comes back as it is, never parsed or quoted.
//
// # Limits
//
// A template cannot stop or exhaust the process that renders it. Each
// limit is a field of Limits, set with WithLimits (start from
// DefaultLimits); past it the call fails with ErrTooLarge, naming the
// field:
//
//   - Limits.MaxTemplateSize: the bytes of one template.
//   - Limits.MaxDepth: nesting of tags and expressions, of macro calls, and
//     of RenderValue's maps and lists. A macro that calls itself, directly
//     or through others, is refused when the template is parsed.
//   - Limits.MaxIterations: loop iterations and macro calls of one call.
//   - Limits.MaxOutput: the text one call prints, and any value a filter, a
//     test, ~ or a list literal takes or makes; and the memory a filter
//     call may allocate. A value counts its contents: a string its bytes,
//     a number, boolean or null 8, a list, map or struct 16 bytes an item
//     plus what its items count, so a list literal that names another list
//     many times counts it every time and nesting multiplies; a list or map
//     is measured before its text is built (printed, joined, ~).
//   - 4 × Limits.MaxOutput: what the values set and set_global assign during
//     one call count, in total (every assignment counts, even one that
//     replaces a value), which bounds what a render keeps until it ends.
//   - the matching test: its pattern is the template's own text
//     (ErrUntrusted otherwise, as for removetags), and the pattern's bytes
//     times the input's count at most Limits.MaxOutput, since Go's regexp runs
//     in time linear in the input times the pattern's size.
//     Every filter has a work factor, measured by a test that runs it on
//     the inputs that make it allocate most: a filter refuses an input
//     (its value and its arguments) over Limits.MaxOutput divided by that
//     factor, and the filters whose arguments multiply the size of their
//     result (join, replace, indent) check that size before they build it.
//   - Limits.CacheBytes: the memory of the cached parsed templates.
//
// Every loop iteration, macro call, filter, test and output checks the call's
// context, so a render stops at the caller's deadline (an ErrExec wrapping
// the context's error), late by at most one filter call, which the memory
// bound keeps short. Filters whose argument sets the size of their result
// (center, ljust, rjust, floatformat) take it only as a literal from -1000
// to 1000. A panic inside a filter is an ErrExec; a panic of the Resolver
// is the caller's and is not recovered.
//
// # Errors
//
// Every error of Render, RenderValue and Check is an *Error whose Kind is
// ErrParse, ErrUndefined, ErrResolve, ErrUntrusted, ErrExec or ErrTooLarge
// (errors.Is works with each), except the context's own error, returned as
// it is when the context is done before a template starts. An *Error
// comes with the line and column in the template of the construct that
// failed, the variable or the reference (without its query and userinfo,
// where vals passes credentials, and never one built from data), and for
// RenderValue the path to the string in the value. It never holds a value:
// not a variable's, not a resolved secret, not a string literal of the
// template. The Resolver's own error is wrapped (errors.Is reaches
// context.DeadlineExceeded through it) and must be free of values itself.
//
// # Concurrency and the cache
//
// An Engine is safe for concurrent use, and engines with different
// resolvers render side by side: | vals reaches the engine's own Resolver
// and the call's context through the evaluator's state for that call,
// which nothing else shares. Parsed templates are kept in a
// least-recently-used cache keyed by the template's text and bounded in
// bytes; cached renders run in parallel, parsing takes the engine's mutex.
// Templates that fail to parse are cached with their error.
package render
