package secrets_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing/fstest"

	"github.com/hushflow/hushflow/redact"
	"github.com/hushflow/hushflow/secrets"
)

// Resolve replaces every reference in a string, through vals, in process.
func ExampleResolver_Resolve() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "db.yaml")
	_ = os.WriteFile(path, []byte("db:\n  user: app\n  password: hunter2\n"), 0o600)

	var masked []string // what a redactor would be told
	r, err := secrets.New(
		secrets.WithOnResolved(func(v string) { masked = append(masked, v) }),
		secrets.WithAbsoluteDirs(dir), // host files only under dir
	)
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

	// The host's files are off unless WithFiles or WithAbsoluteDirs allow them.
	_, err = r.Resolve(ctx, "ref+file:///etc/app.yaml?token=t0ps3cret#/db/password")
	var e *secrets.Error
	if errors.As(err, &e) {
		fmt.Println(e.Ref, errors.Is(err, secrets.ErrOutsideRoot))
	}
	// Output:
	// true
	// secrets: ref+exec://whoami: scheme not allowed: "exec" is not in the allow-list; allow it with secrets.WithSchemes(append(secrets.DefaultSchemes(), "exec")...)
	// ref+file:///etc/app.yaml#/db/password true
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

// WithFiles keeps file:// and sops:// references inside the workspace: a
// path is relative to the file system handed in, and nothing above it is
// read.
func ExampleWithFiles() {
	workspace := fstest.MapFS{"conf/db.yaml": {Data: []byte("db:\n  password: hunter2\n")}}
	r, _ := secrets.New(secrets.WithFiles(workspace))
	ctx := context.Background()

	pw, _ := r.Resolve(ctx, "ref+file://conf/db.yaml#/db/password")
	fmt.Println(pw)

	_, err := r.Resolve(ctx, "ref+file://../../etc/passwd")
	fmt.Println(errors.Is(err, secrets.ErrOutsideRoot))
	// Output:
	// hunter2
	// true
}

// A Snapshot keeps one value per reference for its life, as a loaded
// workspace needs, while the resolver itself picks up a rotation.
func ExampleResolver_Snapshot() {
	store := mapBackend{"ref+memory://api/token": "v1"}
	r, _ := secrets.New(secrets.WithBackend(store), secrets.WithSchemes("memory"))
	ctx := context.Background()

	workspace := r.Snapshot()
	before, _ := workspace.Resolve(ctx, "ref+memory://api/token")
	store["ref+memory://api/token"] = "v2" // rotated
	r.Purge()
	after, _ := workspace.Resolve(ctx, "ref+memory://api/token")
	now, _ := r.Resolve(ctx, "ref+memory://api/token")
	fmt.Println(before, after, now)
	// Output: v1 v1 v2
}

// MarkStale is a refresh that never makes things worse: while the backend
// is down, the values it had keep serving.
func ExampleResolver_MarkStale() {
	store := &flakyBackend{value: "s3cr3t"}
	r, _ := secrets.New(secrets.WithBackend(store), secrets.WithSchemes("memory"))
	ctx := context.Background()

	v, _ := r.Resolve(ctx, "ref+memory://db/password")
	fmt.Println(v)
	r.MarkStale() // a refresh…
	store.down = true
	v, err := r.Resolve(ctx, "ref+memory://db/password") // …during an outage
	fmt.Println(v, err)
	// Output:
	// s3cr3t
	// s3cr3t <nil>
}

type flakyBackend struct {
	value string
	down  bool
}

func (f *flakyBackend) Get(context.Context, string) (string, error) {
	if f.down {
		return "", errors.New("connection refused")
	}
	return f.value, nil
}

// An error for an operator: Error.Ref names the failing reference (without
// its query or userinfo, which may carry credentials), and a redactor made
// with redact.WithReferencesVisible masks every value in the line while
// leaving references readable. The default redactor masks references too:
// they tell where secrets are kept, which people outside operations need
// not know.
func ExampleError() {
	operator, _ := redact.New(redact.WithReferencesVisible())
	public, _ := redact.New()
	store := mapBackend{"ref+memory://api/token": "tok-3f9a1c77e2"}
	r, _ := secrets.New(secrets.WithBackend(store), secrets.WithSchemes("memory"),
		secrets.WithOnResolved(func(v string) { operator.Add(v); public.Add(v) }))
	ctx := context.Background()

	token, _ := r.Resolve(ctx, "ref+memory://api/token")
	_, err := r.Resolve(ctx, "ref+memory://db/password?auth=t0ps3cret")
	var e *secrets.Error
	if errors.As(err, &e) {
		fmt.Println("failing reference:", e.Ref, errors.Is(err, secrets.ErrNotFound))
	}
	line := fmt.Sprintf("deploy with token %s failed: %v", token, err)
	fmt.Println(operator.String(line))
	fmt.Println(public.String(line))
	// Output:
	// failing reference: ref+memory://db/password true
	// deploy with token •••••• failed: secrets: ref+memory://db/password: secret not found
	// deploy with token •••••• failed: secrets: •••••• secret not found
}
