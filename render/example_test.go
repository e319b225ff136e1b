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
