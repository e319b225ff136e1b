package loader_test

// These tests load workspaces against moto_server, a local imitation of the
// AWS APIs run by internal/moto (skipped when moto is not installed, unless
// HUSHFLOW_REQUIRE_MOTO=1): sops files whose data key is encrypted to a KMS
// key created in moto, ref+awsssm:// and ref+sops:// references in the
// secrets: section and inline, a rotated parameter, and an endpoint that
// stops, slows down or hangs (internal/faultproxy between the SDK and moto).
// They cannot be parallel: the AWS SDK reads its endpoint and credentials
// from the environment, which moto.Use sets for each test. Values are named
// S3CRET-… so that failure messages can mask them; every test checks that
// nothing reached fd 2.

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/hushflow/hushflow/internal/moto"
	"github.com/hushflow/hushflow/internal/sopsenc"
	"github.com/hushflow/hushflow/internal/testkit"
	"github.com/hushflow/hushflow/loader"
	"github.com/hushflow/hushflow/redact"
	"github.com/hushflow/hushflow/secrets"
)

func awsHide(s string) string { return testkit.SecretLike.ReplaceAllString(s, "[secret]") }

func awsMust(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(testkit.Show(err))
	}
}

// awsNoStderr runs fn and fails t if anything was written to fd 2 meanwhile.
func awsNoStderr(t *testing.T, fn func()) {
	t.Helper()
	if out := testkit.CaptureStderr(t, fn); out != "" {
		t.Errorf("%d bytes written to stderr:\n%s", len(out), awsHide(out))
	}
}

// awsWorkspace writes files (path → content) into a new directory.
func awsWorkspace(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		awsWrite(t, filepath.Join(dir, name), content)
	}
	return dir
}

func awsWrite(t *testing.T, path, content string) {
	t.Helper()
	awsMust(t, os.MkdirAll(filepath.Dir(path), 0o700))
	awsMust(t, os.WriteFile(path, []byte(content), 0o600))
}

// awsNoLocalKeys makes sure no age key of the host's can decrypt anything:
// only KMS can.
func awsNoLocalKeys(t *testing.T) {
	t.Setenv("SOPS_AGE_KEY_FILE", filepath.Join(t.TempDir(), "no-age-keys.txt"))
	t.Setenv("SOPS_AGE_KEY", "")
	os.Unsetenv("SOPS_AGE_KEY")
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
}

func awsRender(t *testing.T, ws *loader.Workspace, tmpl string) string {
	t.Helper()
	out, err := ws.RenderStep(t.Context(), tmpl, loader.StepVars{})
	if err != nil {
		t.Fatalf("RenderStep(%s): %s", awsHide(tmpl), testkit.Show(err))
	}
	s, ok := out.(string)
	if !ok {
		t.Fatalf("RenderStep gave a %T", out)
	}
	return s
}

// A workspace whose secrets.sops.yaml is encrypted to a KMS key created in
// moto (by sops' Go API, as sops --kms would), loaded with the credentials
// of the environment, with a ref+sops:// reference to another such file
// in its secrets: section. A file encrypted to a key that the endpoint does
// not know fails with ErrNoKey.
func TestAWSKMSWorkspace(t *testing.T) {
	srv := moto.Use(t)
	awsNoLocalKeys(t)
	ctx := t.Context()
	arn, err := srv.CreateKMSKey(ctx, "hushflow loader test")
	awsMust(t, err)
	enc, err := sopsenc.EncryptYAMLKMS([]byte("secrets:\n  DB_PASSWORD: S3CRET-kms-db\n  API_TOKEN: S3CRET-kms-api\n  REGION_unencrypted: eu-north-1\n"), sopsenc.Rules{}, arn)
	awsMust(t, err)
	ref, err := sopsenc.EncryptYAMLKMS([]byte("db:\n  password: S3CRET-kms-ref\n"), sopsenc.Rules{}, arn)
	awsMust(t, err)
	values := []string{"S3CRET-kms-db", "S3CRET-kms-api", "S3CRET-kms-ref"}
	dir := awsWorkspace(t, map[string]string{
		"secrets.sops.yaml": string(enc),
		// Under a dot-directory: not a workspace file, only read through the reference.
		".vault/app.sops.yaml": string(ref),
	})
	// Relative to the workspace's root, which is where sops references read.
	awsWrite(t, filepath.Join(dir, "refs.yaml"), "secrets:\n  FROM_SOPS_REF: \"{{ 'ref+sops://.vault/app.sops.yaml#/db/password' | vals }}\"\n")

	awsNoStderr(t, func() {
		ws, err := loader.LoadDir(ctx, dir)
		if err != nil {
			t.Fatalf("LoadDir: %s", testkit.Show(err))
		}
		encrypted := map[string]bool{}
		for _, f := range ws.Files() {
			encrypted[f.Path] = f.Encrypted
		}
		if !encrypted["secrets.sops.yaml"] || encrypted["refs.yaml"] || len(encrypted) != 2 {
			t.Errorf("files %v, want secrets.sops.yaml (encrypted) and refs.yaml", encrypted)
		}
		sec := ws.Secrets()
		for key, want := range map[string]string{
			"DB_PASSWORD": "S3CRET-kms-db", "API_TOKEN": "S3CRET-kms-api",
			"REGION_unencrypted": "eu-north-1", "FROM_SOPS_REF": "S3CRET-kms-ref",
		} {
			if sec[key] != want {
				t.Errorf("secret.%s = %s, want %s", key, awsHide(toString(sec[key])), awsHide(want))
			}
		}
		cmd := awsRender(t, ws, "deploy --token {{ secret.API_TOKEN }} --db {{ secret.FROM_SOPS_REF }}")
		if cmd != "deploy --token S3CRET-kms-api --db S3CRET-kms-ref" {
			t.Errorf("rendered %s", awsHide(cmd))
		}
		if got := ws.Redactor().String(cmd); got != "deploy --token "+redact.Mask+" --db "+redact.Mask {
			t.Errorf("masked %s", awsHide(got))
		}
		masked, err := ws.MaskedYAML()
		awsMust(t, err)
		testkit.AssertNoLeak(t, "MaskedYAML", string(masked), values...)
	})

	// A key that only another endpoint knows.
	other := moto.New(t)
	moto.Setenv(t, other.URL)
	otherARN, err := other.CreateKMSKey(ctx, "hushflow loader test, elsewhere")
	awsMust(t, err)
	foreign, err := sopsenc.EncryptYAMLKMS([]byte("secrets:\n  X: S3CRET-kms-foreign\n"), sopsenc.Rules{}, otherARN)
	awsMust(t, err)
	moto.Setenv(t, srv.URL)
	dir = awsWorkspace(t, map[string]string{"secrets.sops.yaml": string(foreign)})
	awsNoStderr(t, func() {
		_, err := loader.LoadDir(ctx, dir)
		if !errors.Is(err, loader.ErrNoKey) {
			t.Errorf("a file encrypted to a KMS key the endpoint does not know: %s, want ErrNoKey", testkit.Show(err))
		}
		if err != nil {
			testkit.AssertNoLeak(t, "error", err.Error(), "S3CRET-kms-foreign")
		}
	})
}

func toString(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return "(not a string)"
}

// A parameter is overwritten in the store: after the reloader's Refresh,
// or after the TTL and a Reload, the new value is in secret.* and renders
// inline, and the old one stays masked by the workspace's redactor.
func TestAWSRotation(t *testing.T) {
	srv := moto.Use(t)
	for _, tc := range []struct {
		name   string
		ttl    time.Duration
		expire func(*loader.Reloader, context.Context) error
	}{
		{"Refresh", time.Hour, (*loader.Reloader).Refresh},
		{"TTL", time.Millisecond, func(r *loader.Reloader, ctx context.Context) error {
			time.Sleep(20 * time.Millisecond)
			return r.Reload(ctx)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := t.Context()
			name := "/hushflow/loader/rotation/" + tc.name + "/token"
			old, rotated := "S3CRET-old-"+tc.name, "S3CRET-new-"+tc.name
			awsMust(t, srv.PutParameter(ctx, name, old, true))
			dir := awsWorkspace(t, map[string]string{
				"secrets.yaml": "secrets:\n  TOKEN: \"{{ 'ref+awsssm://" + name + "' | vals }}\"\n",
			})
			const step = "--token {{ secret.TOKEN }} --inline {{ 'ref+awsssm://%s' | vals }}"
			tmpl := strings.Replace(step, "%s", name, 1)
			awsNoStderr(t, func() {
				r, err := loader.NewDirReloader(ctx, dir, loader.WithResolverOptions(secrets.WithTTL(tc.ttl)))
				if err != nil {
					t.Fatalf("NewDirReloader: %s", testkit.Show(err))
				}
				if got := awsRender(t, r.Workspace(), tmpl); got != "--token "+old+" --inline "+old {
					t.Fatalf("before: %s", awsHide(got))
				}
				awsMust(t, srv.PutParameter(ctx, name, rotated, true))
				if err := tc.expire(r, ctx); err != nil {
					t.Fatalf("%s: %s", tc.name, testkit.Show(err))
				}
				ws := r.Workspace()
				if got := ws.Secrets()["TOKEN"]; got != rotated {
					t.Errorf("secret.TOKEN after the rotation is %s", awsHide(toString(got)))
				}
				if got := awsRender(t, ws, tmpl); got != "--token "+rotated+" --inline "+rotated {
					t.Errorf("after: %s", awsHide(got))
				}
				if got := ws.Redactor().String("old " + old + " new " + rotated); got != "old "+redact.Mask+" new "+redact.Mask {
					t.Errorf("the redactor shows %s", awsHide(got))
				}
			})
		})
	}
}

// The endpoint stops while a reload is waiting for it: the reload fails,
// bounded by the resolver's timeout; the last good workspace keeps serving;
// values it cached keep resolving inline until their TTL, references it
// did not cache fail; once the endpoint is back the next reload succeeds.
// No goroutine is left behind.
func TestAWSEndpointStoppedDuringReload(t *testing.T) {
	srv := moto.Use(t)
	ctx := t.Context()
	const a, b = "/hushflow/loader/stopped/a", "/hushflow/loader/stopped/b"
	awsMust(t, srv.PutParameter(ctx, a, "S3CRET-stopped-a", true))
	awsMust(t, srv.PutParameter(ctx, b, "S3CRET-stopped-b", true))
	values := []string{"S3CRET-stopped-a", "S3CRET-stopped-b"}
	dir := awsWorkspace(t, map[string]string{
		"a.yaml": "secrets:\n  A: \"{{ 'ref+awsssm://" + a + "' | vals }}\"\n",
	})
	before := runtime.NumGoroutine()
	p := srv.Proxied(t)
	const timeout = 2 * time.Second
	const guard = timeout + 20*time.Second // only a hang reaches it

	awsNoStderr(t, func() {
		r, err := loader.NewDirReloader(ctx, dir, loader.WithResolverOptions(secrets.WithTTL(time.Hour), secrets.WithTimeout(timeout)))
		if err != nil {
			t.Fatalf("NewDirReloader: %s", testkit.Show(err))
		}
		good := r.Workspace()

		// A new entry the reload must fetch; the endpoint hangs, then goes.
		awsWrite(t, filepath.Join(dir, "b.yaml"), "secrets:\n  B: \"{{ 'ref+awsssm://"+b+"' | vals }}\"\n")
		p.Stall()
		reached := p.Accepted() + 1
		done := make(chan error, 1)
		go func() { done <- r.Reload(context.Background()) }()
		awsMust(t, p.WaitAccepted(ctx, reached))
		p.Stop()
		var reloadErr error
		testkit.Within(t, guard, "Reload with the endpoint stopped", func() { reloadErr = <-done })
		if !errors.Is(reloadErr, loader.ErrSecret) {
			t.Errorf("Reload: %s, want ErrSecret", testkit.Show(reloadErr))
		}
		if !errors.Is(reloadErr, secrets.ErrBackend) && !errors.Is(reloadErr, context.DeadlineExceeded) {
			t.Errorf("Reload: %s, want ErrBackend or DeadlineExceeded", testkit.Show(reloadErr))
		}
		if reloadErr != nil {
			testkit.AssertNoLeak(t, "Reload error", reloadErr.Error(), values...)
		}

		ws := r.Workspace()
		if ws != good {
			t.Error("a failed reload replaced the workspace")
		}
		if sec := ws.Secrets(); sec["A"] != "S3CRET-stopped-a" || sec["B"] != nil {
			t.Errorf("the last good workspace's secrets changed: A=%s, B present: %v", awsHide(toString(sec["A"])), sec["B"] != nil)
		}
		// Cached: resolves with the endpoint down.
		if got := awsRender(t, ws, "{{ 'ref+awsssm://"+a+"' | vals }}"); got != "S3CRET-stopped-a" {
			t.Errorf("a cached reference rendered %s", awsHide(got))
		}
		// Not cached: fails, on time.
		testkit.Within(t, guard, "RenderStep of an uncached reference", func() {
			_, err := ws.RenderStep(ctx, "{{ 'ref+awsssm://"+b+"' | vals }}", loader.StepVars{})
			if err == nil {
				t.Error("an uncached reference resolved with the endpoint stopped")
			} else {
				testkit.AssertNoLeak(t, "RenderStep error", err.Error(), values...)
			}
		})

		p.Resume()
		awsMust(t, p.Restart())
		if err := r.Reload(ctx); err != nil {
			t.Fatalf("Reload with the endpoint back: %s", testkit.Show(err))
		}
		if sec := r.Workspace().Secrets(); sec["B"] != "S3CRET-stopped-b" {
			t.Errorf("after the endpoint came back B = %s", awsHide(toString(sec["B"])))
		}
	})

	// Until their TTL, and not after: with no stale-if-error allowance an
	// expired value is fetched again, and fails while the endpoint is down;
	// the workspace rendered at load keeps its secrets.
	t.Run("after the TTL", func(t *testing.T) {
		awsNoStderr(t, func() {
			r, err := loader.NewDirReloader(ctx, dir, loader.WithResolverOptions(secrets.WithTTL(time.Millisecond), secrets.WithMaxStale(0), secrets.WithTimeout(timeout)))
			if err != nil {
				t.Fatalf("NewDirReloader: %s", testkit.Show(err))
			}
			good := r.Workspace()
			p.Stop()
			defer p.Restart()
			time.Sleep(20 * time.Millisecond)
			testkit.Within(t, guard, "Reload", func() {
				if err := r.Reload(ctx); err == nil {
					t.Error("Reload succeeded with the endpoint stopped and the TTL past")
				}
			})
			if r.Workspace() != good || good.Secrets()["A"] != "S3CRET-stopped-a" {
				t.Error("the last good workspace did not keep serving its secrets")
			}
			testkit.Within(t, guard, "RenderStep", func() {
				// A reference keeps its value within one workspace: the one
				// the secrets: section got at load.
				out, err := good.RenderStep(ctx, "{{ 'ref+awsssm://"+a+"' | vals }}", loader.StepVars{})
				if err != nil || out != "S3CRET-stopped-a" {
					t.Errorf("the workspace's own reference: %s, %s", awsHide(toString(out)), testkit.Show(err))
				}
			})
		})
	})
	p.Close()
	testkit.Settled(t, before, time.Minute) // the SDK retries a failed call with backoff
}

// A slow endpoint delays a load, a hanging one fails it by the caller's
// deadline or the resolver's timeout; nothing blocks past them and nothing
// is left behind once the endpoint is gone.
func TestAWSSlowAndHangingEndpoint(t *testing.T) {
	srv := moto.Use(t)
	ctx := t.Context()
	const name = "/hushflow/loader/hanging/token"
	awsMust(t, srv.PutParameter(ctx, name, "S3CRET-hanging", true))
	dir := awsWorkspace(t, map[string]string{
		"secrets.yaml": "secrets:\n  TOKEN: \"{{ 'ref+awsssm://" + name + "' | vals }}\"\n",
	})
	before := runtime.NumGoroutine()
	p := srv.Proxied(t)
	const timeout = 2 * time.Second
	const guard = timeout + 20*time.Second

	awsNoStderr(t, func() {
		t.Run("slow", func(t *testing.T) {
			p.SetLatency(200 * time.Millisecond)
			defer p.SetLatency(0)
			ws, err := loader.LoadDir(ctx, dir)
			if err != nil {
				t.Fatalf("LoadDir: %s", testkit.Show(err))
			}
			if ws.Secrets()["TOKEN"] != "S3CRET-hanging" {
				t.Error("wrong secret.TOKEN")
			}
		})
		t.Run("hanging, caller's deadline", func(t *testing.T) {
			p.Stall()
			defer func() { p.Resume(); p.Cut() }()
			dctx, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
			defer cancel()
			var err error
			testkit.Within(t, guard, "LoadDir", func() { _, err = loader.LoadDir(dctx, dir) })
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("LoadDir: %s, want DeadlineExceeded", testkit.Show(err))
			}
		})
		t.Run("hanging, resolver's timeout", func(t *testing.T) {
			p.Stall()
			defer func() { p.Resume(); p.Cut() }()
			var err error
			testkit.Within(t, guard, "LoadDir", func() {
				_, err = loader.LoadDir(context.Background(), dir, loader.WithResolverOptions(secrets.WithTimeout(timeout)))
			})
			if !errors.Is(err, loader.ErrSecret) || !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("LoadDir: %s, want ErrSecret and DeadlineExceeded", testkit.Show(err))
			}
		})
	})
	p.Close()
	testkit.Settled(t, before, time.Minute) // the SDK retries a failed call with backoff
}
