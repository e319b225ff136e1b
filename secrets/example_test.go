package secrets_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/hushflow/hushflow/secrets"
)

// Resolve replaces every reference in a string, through vals, in process.
func ExampleResolver_Resolve() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "db.yaml")
	_ = os.WriteFile(path, []byte("db:\n  user: app\n  password: hunter2\n"), 0o600)

	var masked []string // what a redactor would be told
	r, err := secrets.New(secrets.WithOnResolved(func(v string) { masked = append(masked, v) }))
	if err != nil {
		panic(err)
	}
	ctx := context.Background()

	plain, _ := r.Resolve(ctx, "no reference here")
	fmt.Println(plain)

	dsn, err := r.Resolve(ctx, "postgres://ref+file://"+path+"#/db/user+:ref+file://"+path+"#/db/password+@db/app")
	if err != nil {
		panic(err)
	}
	fmt.Println(dsn)
	fmt.Println(len(masked), "values reported for masking")

	greeting, _ := r.Resolve(ctx, "ref+echo://hello/world")
	fmt.Println(greeting)
	// Output:
	// no reference here
	// postgres://app:hunter2@db/app
	// 2 values reported for masking
	// hello/world
}

// Errors name the reference, without its query, and wrap a sentinel.
func ExampleResolver_Resolve_errors() {
	r, _ := secrets.New()
	ctx := context.Background()

	_, err := r.Resolve(ctx, "ref+exec://whoami")
	fmt.Println(errors.Is(err, secrets.ErrSchemeNotAllowed))
	fmt.Println(err)

	_, err = r.Resolve(ctx, "ref+file:///no/such/file.yaml?token=t0ps3cret#/db/password")
	var e *secrets.Error
	if errors.As(err, &e) {
		fmt.Println(e.Ref, errors.Is(err, secrets.ErrNotFound))
	}
	// Output:
	// true
	// secrets: ref+exec://whoami: scheme not allowed: "exec" is not in the allow-list; allow it with secrets.WithSchemes(append(secrets.DefaultSchemes(), "exec")...)
	// ref+file:///no/such/file.yaml#/db/password true
}

// A Backend of your own (a fake in tests, a secret store vals lacks) plugs in
// with WithBackend; allow its scheme with WithSchemes.
func ExampleWithBackend() {
	store := mapBackend{"ref+memory://api/token": "s3cr3t"}
	r, _ := secrets.New(secrets.WithBackend(store), secrets.WithSchemes("memory"))
	v, _ := r.Resolve(context.Background(), "Authorization: Bearer ref+memory://api/token")
	fmt.Println(v)
	// Output: Authorization: Bearer s3cr3t
}

type mapBackend map[string]string

func (m mapBackend) Get(_ context.Context, ref string) (string, error) {
	if v, ok := m[ref]; ok {
		return v, nil
	}
	return "", secrets.ErrNotFound
}
