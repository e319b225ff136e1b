// Package render renders workflow templates (step inputs, an action's env:,
// cmd: and script:, hook inputs) with pongo2 v6, Django's template syntax in
// Go, and a vals filter that resolves "ref+" secret references:
//
//	e, err := render.New(resolver) // resolver: anything with Resolve(ctx, s)
//	cmd, err := e.Render(ctx, "deploy --token {{ secret.API_TOKEN }}", vars)
//	pw, err := e.Render(ctx, "{{ 'ref+awsssm:///prod/db/password' | vals }}", nil)
//
// render does not import sops or vals: the vals-backed Resolver lives in the
// secrets package and is handed in by the caller.
//
// # The rules
//
//   - Expressions are pongo2's: single- and double-quoted strings, filters
//     that chain ({{ name | vals | upper }}), {% if %}, {% for %}, {% set %},
//     {% with %}, {% macro %}, {% filter %}.
//   - | vals sends a string holding a reference to the engine's Resolver, with
//     the context of the Render call. A string without a reference, and any
//     value that is not a string (42, true, null, a map), comes back as it
//     was. A failed resolution fails the render with ErrResolve.
//   - Nothing is HTML-escaped: "a && b > out.txt" renders as written.
//   - An output expression that reads a variable that does not exist fails
//     with ErrUndefined and the variable's name ({{ secret.DB_PASWORD }}),
//     where pongo2 would print an empty string. A variable that is present
//     with a null value is not undefined. {{ x | default:"y" }} and
//     {% if x %} say that x is optional. Tags ({% if %}, {% for %}) are not
//     checked, only what {{ }} prints.
//   - Printed values read as in YAML and JSON: true and false (not pongo2's
//     True and False), 1.5 (not 1.500000), maps and lists as JSON. Conditions
//     see the real values, so {% if flag %} works.
//   - A variable whose name is not an identifier (a step called say-hello)
//     is left out of the template's context, and does not break templates
//     that do not use it; {{ say-hello.output }} reads "say" minus
//     "hello.output" and fails as undefined, with a hint. Name steps with
//     underscores.
//   - The tags include, import, extends, block and ssi (files, other
//     templates) and cycle and ifchanged (they keep state in the parsed
//     template, which concurrent renders share) are not available.
//
// # Limits for many tenants
//
// A template must not be able to stop or exhaust the process that renders it:
//
//   - Templates longer than WithMaxTemplateSize, and values nested deeper
//     than WithMaxDepth, fail with ErrTooLarge.
//   - Filters whose argument sets the length of their result (center, ljust,
//     rjust, floatformat) take it only as a literal of the template, from
//     -1000 to 1000: {{ x|ljust:999999999 }} is a syntax error. The lorem tag
//     and the stringformat filter (whose format can ask for any width, or
//     take it from the data) are not available.
//   - pongo2 v6 loops forever on "{% endcomment" followed by anything but
//     "%}"; such templates are refused before pongo2 sees them, as are
//     templates holding U+0001, where pongo2's lexer silently stops reading.
//   - pongo2 cannot be interrupted, but every {{ }} checks the call's
//     context first, so a template looping over large data stops at the
//     caller's deadline (an ErrExec wrapping the context's error).
//   - A panic inside pongo2 (it has a few, on odd templates) is an ErrExec.
//     A panic of the Resolver is the caller's and is not recovered.
//
// # How the vals filter finds the engine's resolver
//
// pongo2 keeps filters in one global map, binds a template's filters when it
// parses it, and calls a filter with its input and one parameter, without the
// execution context. A filter cannot tell which engine or which call it runs
// for, and changing the map after start-up races with every other user of
// pongo2 in the process.
//
// So this package registers a single vals filter, once, in its init function,
// and never touches pongo2's global state again. Each template is rewritten
// before pongo2 parses it: "| vals" becomes "| vals:__hushflow", and each
// Render call puts its own state under the name __hushflow in the pongo2
// context it executes the template with. pongo2 evaluates a filter's
// parameter in the execution context, so the filter receives the call's
// state (the engine's Resolver and the call's context.Context) as its
// parameter. Two engines with different resolvers, or two calls with
// different deadlines, never see each other's; the filter's result is an
// ordinary value, so | vals chains with other filters.
//
// The same rewrite routes every {{ expression }} through two functions of the
// call's state: one, run before the expression, checks that the variables it
// reads exist (pongo2 has no strict mode); the other formats the value. The
// template is also wrapped in {% autoescape off %}, which switches escaping
// off in the template's execution context instead of through pongo2's global
// SetAutoescape. Names starting with __hushflow are reserved.
//
// Other constraints of pongo2 the engine works around: TemplateSet.FromString
// writes to its set without a lock, so each engine parses in a set of its own
// under a mutex (a host's pongo2.FromString and DefaultSet are never used);
// pongo2 rejects a whole context when one key is not an identifier, and its
// message quotes the values, so such keys are left out; pongo2's error
// messages may quote values, so they are never passed on as they are.
//
// New checks, by rendering a probe, that templates bind this package's vals
// filter, and fails with ErrFilterConflict if the host registered a filter of
// that name first or replaced this one. A host's own pongo2 templates that use
// | vals get an error, not a resolution.
//
// # Errors
//
// Every error of Render and RenderValue is an *Error whose Kind is ErrParse,
// ErrUndefined, ErrResolve, ErrExec or ErrTooLarge (errors.Is works with
// each), except the context's own error, returned as it is when the context
// is done before a template starts. An *Error comes with the line and column in the template, the variable or the
// reference (without its query, where vals passes credentials), and for
// RenderValue the path to the string in the value. It never holds a value:
// not a variable's, not a resolved secret, not a string literal of the
// template. The Resolver's own error is wrapped (errors.Is reaches
// context.DeadlineExceeded through it) and must be free of values itself.
//
// # Cache
//
// Parsed templates are kept in a least-recently-used cache keyed by the
// template's text (WithCacheSize); rendering a cached template does not parse
// it again, and parsing happens under the engine's mutex while cached renders
// run in parallel. Templates that fail to parse are cached with their error.
// A template without {% %} tags (most of them) has its variables checked all
// at once before it runs, which is cheaper than a check per {{ }}.
package render
