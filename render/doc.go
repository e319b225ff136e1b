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
// [Engine.Check] parses a template without rendering it, for load-time
// validation. render does not import sops or vals.
//
// # Syntax
//
// Templates are written in pongo2's Django syntax or in Tera's (the syntax
// of Strøm, whose workspaces hushflow loads), or a mix of both:
//
//   - {{ expr }}, {% if %}/{% elif %}/{% else %}, {% for k, v in x %} with
//     {% empty %}, {% set %}, {% with %}, {% macro %}, {% filter %},
//     {% raw %} and {% verbatim %}, {# comments #} (over several lines too),
//     and "-" markers that trim white space ({{- x -}}, {%- if -%}, {#- -#}).
//   - Filters as pongo2 writes them (x|default:"y") and as Tera does
//     (x | default(value="y"), join(sep=", "), split(pat=","),
//     truncate(length=10, end="…"), replace(from="a", to="b"),
//     round(method="ceil", precision=2), json_encode(pretty=true), trim,
//     trim_start, trim_end, capitalize), pongo2's other filters, and vals.
//     Django's default replaces any false value ("", 0); Tera's only an
//     undefined one, as in Tera.
//   - Tera's "a ~ b" joins texts (a filter after it applies to the whole);
//     "x is defined", "is not defined", "is undefined" and the tests none,
//     string, number, odd, even, iterable, object, divisibleby(n),
//     starting_with(s), ending_with(s), containing(x); "not in";
//     loop.index, loop.index0, loop.first and loop.last in a {% for %}
//     (pongo2's forloop.Counter too); macros called as m(a) or
//     self::m(arg=a).
//   - "not" binds looser than a comparison ("not a == b" is "not (a == b)"),
//     as in Tera and Django. A filter after a value applies to that value
//     ("a + b | f" is "a + (b | f)"), as in pongo2.
//   - String literals take single, double or back quotes, may hold
//     newlines, and keep a backslash as it is except before their quote or
//     another backslash ("\n" is a backslash and an n, as in Tera).
//   - Refused with a message naming the construct: include, import,
//     extends, block, ssi (templates read no files), cycle and ifchanged
//     (state shared by concurrent renders), lorem, firstof, spaceless,
//     autoescape, now, widthratio, templatetag, ifequal, ifnotequal, break,
//     continue, set_global, list literals, Tera's global functions
//     (range, now, get_env, ...), method calls, macros of other templates,
//     a macro that calls itself, and the filters stringformat and random.
//
// # Values
//
//   - Nothing is HTML-escaped: "a && b > out.txt" renders as written.
//   - An output that reads a variable that does not exist fails with
//     ErrUndefined and the variable's name ({{ secret.DB_PASWORD }}), where
//     pongo2 would print an empty string. A variable present with a null
//     value is not undefined. A default filter, "is defined" and
//     {% if x %} say that x is optional; tags are not checked, only what
//     {{ }} prints.
//   - Values print as Tera prints them: true and false, numbers as Rust
//     prints them (1.5, 3 for 3.0, 0.0000001, no exponent), null as
//     nothing. Maps and lists print as JSON, where Tera prints [a, b] and
//     [object]: a command or a JSON consumer needs what JSON keeps.
//     json_encode writes what Tera's does (3.0 stays 3.0).
//   - A {% for k, v %} over a map goes through its keys in order, as Tera
//     does; a one-variable loop over a map too.
//   - A variable whose name is not an identifier (a step called say-hello)
//     is left out of the template's context, and does not break templates
//     that do not use it; {{ say-hello.output }} reads "say" minus
//     "hello.output" and fails as undefined, with a hint. Name steps with
//     underscores, as Strøm does.
//
// # References
//
// | vals resolves a reference only if it stands in the template's own text:
// its string literals and plain text, as the author wrote them. Every
// variable (input.*, a step's output, hook.*, each.*, a loop variable over
// them, a name set from them) is data, and data is never turned into a
// reference: a reference that holds a byte of data is refused with
// ErrUntrusted before anything is resolved. The engine knows which bytes
// came from where by following each value from the literal or variable it
// was made of (trust.go), never by comparing texts, so data equal to a
// reference the template writes elsewhere is still data. Data that stands
// beside a reference ({{ input.env ~ ' ref+echo://x' | vals }}) does not
// stop it, and a string of data without a reference passes through
// unchanged, as a number or a map does.
//
// [WithDataReferences] opts in, per scheme, to references built from data.
// Even then the query of such a reference (where the provider connects and
// which credential it sends: address=, token_env=, role_arn=, region=, any
// parameter) must be the template's own text, and data can add no second
// reference.
//
// # Derived secrets
//
// With [WithSecrets], what a template derives from a secret is a secret
// too: an output that uses | vals, or reads a variable whose value (or a
// string inside it) the Secrets set knows, directly or through a name the
// template set from one, a loop over one or a macro called with one, is
// taught to the set before Render returns, whatever it did to the secret
// ({{ secret.PW|addslashes }}, ~, {% filter upper %}, a macro). The taint
// follows the value, not the text: {{ input.env }} is never taught.
// Booleans and numbers are not taught ("true", or a secret's length, would
// mask every such value). A string of RenderValue's input that the set
// knows is data: it comes back as it is, never parsed or quoted.
//
// # Limits
//
// A template cannot stop or exhaust the process that renders it. Each
// limit has an option; past it the call fails with ErrTooLarge, naming
// the option:
//
//   - WithMaxTemplateSize: the bytes of one template.
//   - WithMaxDepth: nesting of tags and expressions, of macro calls, and
//     of RenderValue's maps and lists. A macro that calls itself, directly
//     or through others, is refused when the template is parsed.
//   - WithMaxIterations: loop iterations and macro calls of one call.
//   - WithMaxOutput: the text one call prints, and any string a filter,
//   - or ~ takes or makes (checked before the filters that multiply
//     sizes, like join and replace, build their result); and the memory
//     a filter call may allocate: the filters that allocate many times
//     their input (urlize 80×, truncatechars_html 48×, escapejs 32×,
//     wordwrap 20×, …) refuse an input over WithMaxOutput divided by that
//     factor.
//   - WithCacheBytes: the memory of the cached parsed templates.
//
// Every loop iteration, macro call, filter and output checks the call's
// context, so a render stops at the caller's deadline (an ErrExec wrapping
// the context's error), late by at most one filter call, which the memory
// bound keeps short (urlize, the slowest, takes ~80 ms at the default). Filters whose argument sets the size of their result
// (center, ljust, rjust, floatformat) take it only as a literal from -1000
// to 1000. A panic inside pongo2 is an ErrExec; a panic of the Resolver is
// the caller's and is not recovered.
//
// # Errors
//
// Every error of Render, RenderValue and Check is an *Error whose Kind is
// ErrParse, ErrUndefined, ErrResolve, ErrUntrusted, ErrExec or ErrTooLarge
// (errors.Is works with each), except the context's own error, returned as
// it is when the context is done before a template starts. An *Error
// comes with the line and column in the template, the variable or the
// reference (without its query and userinfo, where vals passes
// credentials, and never one built from data), and for RenderValue the
// path to the string in the value. It never holds a value: not a
// variable's, not a resolved secret, not a string literal of the template.
// The Resolver's own error is wrapped (errors.Is reaches
// context.DeadlineExceeded through it) and must be free of values itself.
//
// # Concurrency and the cache
//
// An Engine is safe for concurrent use, and engines with different
// resolvers render side by side: each call's state reaches pongo2 through
// the context it executes with, never through pongo2's global state (how,
// see emit.go). Parsed templates are kept in a least-recently-used cache
// keyed by the template's text and bounded in bytes; cached renders run in
// parallel, parsing takes the engine's mutex. Templates that fail to parse
// are cached with their error.
package render
