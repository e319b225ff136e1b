package render_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/hushflow/hushflow/render"
)

// mapResolver resolves references from a map. In a program the Resolver is
// the secrets package's, backed by vals.
type mapResolver map[string]string

func (m mapResolver) Resolve(_ context.Context, s string) (string, error) {
	if v, ok := m[s]; ok {
		return v, nil
	}
	return "", errors.New("no such secret")
}

func ExampleEngine_Render() {
	e, err := render.New(mapResolver{"ref+vault://secret/data/api#token": "demo-token"})
	if err != nil {
		panic(err)
	}
	vars := map[string]any{
		"input":  map[string]any{"env": "prod", "dry_run": false},
		"secret": map[string]any{"DB_PASSWORD": "demo-password"},
	}
	ctx := context.Background()

	cmd, _ := e.Render(ctx, `deploy --env '{{ input.env }}' --dry-run={{ input.dry_run }} && echo done > log.txt`, vars)
	fmt.Println(cmd)

	token, _ := e.Render(ctx, `{{ "ref+vault://secret/data/api#token" | vals | upper }}`, vars)
	fmt.Println(token)
	// Output:
	// deploy --env 'prod' --dry-run=false && echo done > log.txt
	// DEMO-TOKEN
}

func ExampleEngine_Render_undefined() {
	e, _ := render.New(mapResolver{})
	vars := map[string]any{"secret": map[string]any{"DB_PASSWORD": "demo-password"}}

	_, err := e.Render(context.Background(), "psql --password={{ secret.DB_PASWORD }}", vars)
	fmt.Println(err)
	fmt.Println(errors.Is(err, render.ErrUndefined))

	// default says that a variable is optional.
	out, _ := e.Render(context.Background(), `{{ secret.DB_USER | default:"postgres" }}`, vars)
	fmt.Println(out)
	// Output:
	// render: line 1, column 20: undefined variable secret.DB_PASWORD
	// true
	// postgres
}

func ExampleEngine_Render_resolveError() {
	e, _ := render.New(mapResolver{})
	_, err := e.Render(context.Background(), "{{ 'ref+vault://secret/db?token=t0k#password' | vals }}", nil)

	var re *render.Error
	if errors.As(err, &re) && errors.Is(err, render.ErrResolve) {
		fmt.Println(re.Name) // the reference, without its query
	}
	fmt.Println(err)
	// Output:
	// ref+vault://secret/db#password
	// render: line 1, column 49: cannot resolve reference ref+vault://secret/db#password: no such secret
}

func ExampleEngine_RenderValue() {
	e, _ := render.New(mapResolver{"ref+awsssm:///prod/db/password": "demo-password"})
	vars := map[string]any{
		"input": map[string]any{"replicas": 3, "tags": []any{"a", "b"}},
	}
	step := map[string]any{
		"replicas": "{{ input.replicas }}", // text
		"tags":     "{{ input.tags }}",     // one expression whose value is a list: the list
		"summary":  "tags: {{ input.tags }}",
		"env":      map[string]any{"DB_PASSWORD": "{{ 'ref+awsssm:///prod/db/password' | vals }}"},
		"retries":  2, // not a string: unchanged
	}
	out, err := e.RenderValue(context.Background(), step, vars)
	if err != nil {
		panic(err)
	}
	m := out.(map[string]any)
	for _, k := range []string{"replicas", "tags", "summary", "env", "retries"} {
		fmt.Printf("%s: %#v\n", k, m[k])
	}
	// Output:
	// replicas: "3"
	// tags: []interface {}{"a", "b"}
	// summary: "tags: [\"a\",\"b\"]"
	// env: map[string]interface {}{"DB_PASSWORD":"demo-password"}
	// retries: 2
}

func ExampleEngine_Check() {
	e, _ := render.New(mapResolver{})
	fmt.Println(e.Check("deploy {{ input.env | upper }}"))
	fmt.Println(e.Check("plain text is not a template"))
	fmt.Println(e.Check("deploy\n  {{ input.env | uper }}"))
	fmt.Println(e.Check("{% include 'other.yaml' %}"))
	// Output:
	// <nil>
	// <nil>
	// render: line 2, column 18: syntax error: unknown filter "uper"
	// render: line 1, column 4: syntax error: the {% include %} tag is not supported: templates cannot read other templates or files
}

// Strøm's templates are Tera's; they render beside pongo2's.
func ExampleEngine_Render_tera() {
	e, _ := render.New(mapResolver{})
	vars := map[string]any{"input": map[string]any{"environments": []any{"dev", "prod"}, "name": "ada"}}
	out, _ := e.Render(context.Background(),
		`{{ input.environments | join(sep=", ") }} / {{ input.nick | default(value="anon") }} / {{ "hi " ~ input.name | upper }} / {% for e in input.environments %}{{ loop.index }}{% endfor %}`, vars)
	fmt.Println(out)
	// Output:
	// dev, prod / anon / HI ADA / 12
}

// secretSet is a stand-in for *redact.Redactor.
type secretSet map[string]bool

func (s secretSet) Knows(v string) bool { return s[v] }
func (s secretSet) Add(vs ...string) {
	for _, v := range vs {
		s[v] = true
	}
}

// What a template derives from a secret is taught to the Secrets set, so a
// redactor masks the escaped form too.
func ExampleWithSecrets() {
	secrets := secretSet{"it's-a-secret": true}
	e, _ := render.New(mapResolver{}, render.WithSecrets(secrets))
	vars := map[string]any{"secret": map[string]any{"PW": "it's-a-secret"}, "input": map[string]any{"env": "prod"}}
	out, _ := e.Render(context.Background(), `psql --env {{ input.env }} "password='{{ secret.PW | addslashes }}'"`, vars)
	fmt.Println(out)
	fmt.Println(secrets[`it\'s-a-secret`], secrets["prod"])
	// Output:
	// psql --env prod "password='it\'s-a-secret'"
	// true false
}

// Job input is data: a reference it holds is refused, not resolved.
func ExampleWithDataReferences() {
	r := mapResolver{"ref+vault://secret/data/billing#token": "demo-token"}
	vars := map[string]any{"input": map[string]any{"app": "billing", "evil": "billing?address=http://attacker.example&"}}
	tmpl := "{{ 'ref+vault://secret/data/' ~ input.app ~ '#token' | vals }}"

	strict, _ := render.New(r)
	_, err := strict.Render(context.Background(), tmpl, vars)
	fmt.Println(errors.Is(err, render.ErrUntrusted))

	open, _ := render.New(r, render.WithDataReferences("vault"))
	out, _ := open.Render(context.Background(), tmpl, vars)
	fmt.Println(out)
	_, err = open.Render(context.Background(), "{{ 'ref+vault://secret/data/' ~ input.evil ~ '#token' | vals }}", vars)
	fmt.Println(errors.Is(err, render.ErrUntrusted))
	// Output:
	// true
	// demo-token
	// true
}
