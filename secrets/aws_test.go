package secrets_test

// These tests resolve ref+awsssm://, ref+awssecrets://, ref+s3:// and
// ref+sops:// (a file encrypted to a KMS key) through the real vals
// backend against moto_server, a local imitation of the AWS APIs run by
// internal/moto (skipped when moto is not installed, unless
// HUSHFLOW_REQUIRE_MOTO=1). Faults go through internal/faultproxy, between
// the SDK and moto. They cannot be parallel: the AWS SDK reads its endpoint
// and credentials from the environment, which moto.Use sets for each test.
// Every value is named S3CRET-… so that failure messages can mask them
// (awsShow); every test checks that nothing reached fd 2 (the AWS SDK
// prints "WARN falling back to IMDSv1" there when it looks for instance
// metadata).

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"

	"github.com/hushflow/hushflow/internal/faultproxy"
	"github.com/hushflow/hushflow/internal/moto"
	"github.com/hushflow/hushflow/internal/sopsenc"
	"github.com/hushflow/hushflow/internal/testkit"
	"github.com/hushflow/hushflow/redact"
	"github.com/hushflow/hushflow/secrets"
)

// awsNoStderr runs fn and fails t if anything was written to fd 2 meanwhile.
func awsNoStderr(t *testing.T, fn func()) {
	t.Helper()
	awsStderrOnly(t, fn, "")
}

// awsStderrOnly runs fn and fails t if anything but lines holding known was
// written to fd 2 meanwhile. It returns how many lines holding known were.
func awsStderrOnly(t *testing.T, fn func(), known string) int {
	t.Helper()
	n := 0
	var other []string
	for _, line := range strings.Split(strings.TrimSuffix(testkit.CaptureStderr(t, fn), "\n"), "\n") {
		switch {
		case line == "":
		case known != "" && strings.Contains(line, known):
			n++
		default:
			other = append(other, testkit.SecretLike.ReplaceAllString(line, "[secret]"))
		}
	}
	if len(other) > 0 {
		t.Errorf("%d lines written to stderr:\n%s", len(other), strings.Join(other, "\n"))
	}
	return n
}

func awsResolver(t *testing.T, opts ...secrets.Option) *secrets.Resolver {
	t.Helper()
	r, err := secrets.New(opts...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func awsMust(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(testkit.Show(err))
	}
}

// awsCase is one reference and the value it must resolve to.
type awsCase struct {
	name, in, want string
}

func awsResolveAll(t *testing.T, r *secrets.Resolver, cases []awsCase) {
	t.Helper()
	for _, tc := range cases {
		got, err := r.Resolve(t.Context(), tc.in)
		switch {
		case err != nil:
			t.Errorf("%s: Resolve(%s): %s", tc.name, testkit.SecretLike.ReplaceAllString(tc.in, "[secret]"), testkit.Show(err))
		case got != tc.want:
			t.Errorf("%s: Resolve gave %s, want %s", tc.name, testkit.SecretLike.ReplaceAllString(got, "[secret]"), testkit.SecretLike.ReplaceAllString(tc.want, "[secret]"))
		}
	}
}

// awsErrCase is a reference that must fail with want, its message naming
// the reference (without query) and saying text.
type awsErrCase struct {
	name, in, wantRef string
	want              error
	text              string
}

func awsFailAll(t *testing.T, r *secrets.Resolver, cases []awsErrCase, values ...string) {
	t.Helper()
	for _, tc := range cases {
		_, err := r.Resolve(t.Context(), tc.in)
		if err == nil {
			t.Errorf("%s: no error", tc.name)
			continue
		}
		testkit.AssertNoLeak(t, tc.name+": error", err.Error(), values...)
		var e *secrets.Error
		if !errors.As(err, &e) {
			t.Errorf("%s: error %q is %T, not *secrets.Error", tc.name, testkit.Show(err), err)
		} else if e.Ref != tc.wantRef {
			t.Errorf("%s: Error.Ref = %q, want %q", tc.name, e.Ref, tc.wantRef)
		}
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: error %q is not %v", tc.name, testkit.Show(err), tc.want)
		}
		if !strings.Contains(err.Error(), tc.text) {
			t.Errorf("%s: error %q does not say %q", tc.name, testkit.Show(err), tc.text)
		}
	}
}

func TestAWSSSMAgainstMoto(t *testing.T) {
	srv := moto.Use(t)
	ctx := t.Context()
	p := "/hushflow/secrets/ssm"
	params := []struct {
		name, value string
		secure      bool
	}{
		{p + "/db/password", "S3CRET-ssm-password", true},
		{p + "/db/user", "S3CRET-ssm-user", false},
		{p + "/db/port", "5432", false},
		{p + "/config", "token: S3CRET-ssm-yaml-token\nnested:\n  key: S3CRET-ssm-nested\n", true},
	}
	var values []string
	for _, prm := range params {
		awsMust(t, srv.PutParameter(ctx, prm.name, prm.value, prm.secure))
		values = append(values, prm.value)
	}
	awsNoStderr(t, func() {
		r := awsResolver(t)
		awsResolveAll(t, r, []awsCase{
			{"String", "ref+awsssm://" + p + "/db/user", "S3CRET-ssm-user"},
			{"SecureString, decrypted", "ref+awsssm://" + p + "/db/password", "S3CRET-ssm-password"},
			{"no leading slash, region", "ref+awsssm:/" + p + "/db/password?region=" + moto.Region, "S3CRET-ssm-password"},
			{"in text", "postgres://ref+awsssm://" + p + "/db/user+:ref+awsssm://" + p + "/db/password+@db/app",
				"postgres://S3CRET-ssm-user:S3CRET-ssm-password@db/app"},
			{"a path of several parameters, #/key", "ref+awsssm://" + p + "/db#/password", "S3CRET-ssm-password"},
			{"a path of several parameters, a number", "ref+awsssm://" + p + "/db#/port", "5432"},
			{"a path, recursive, #/a/b", "ref+awsssm://" + p + "?recursive=true#/db/user", "S3CRET-ssm-user"},
			{"one YAML parameter, #/a/b", "ref+awsssm://" + p + "/config?mode=singleparam#/nested/key", "S3CRET-ssm-nested"},
		})
		awsFailAll(t, r, []awsErrCase{
			{"no such parameter", "ref+awsssm://" + p + "/db/nope", "ref+awsssm://" + p + "/db/nope", secrets.ErrNotFound, "ParameterNotFound"},
			{"no such key in a path", "ref+awsssm://" + p + "/db#/nope", "ref+awsssm://" + p + "/db#/nope", secrets.ErrNotFound, "#/nope"},
			{"no such key in a YAML parameter", "ref+awsssm://" + p + "/config?mode=singleparam#/nested/nope",
				"ref+awsssm://" + p + "/config#/nested/nope", secrets.ErrNotFound, "#/nested/nope"},
			{"walks into a scalar", "ref+awsssm://" + p + "/db#/password/x", "ref+awsssm://" + p + "/db#/password/x", secrets.ErrNotFound, "scalar"},
			{"a map", "ref+awsssm://" + p + "?recursive=true#/db", "ref+awsssm://" + p + "#/db", secrets.ErrNotScalar, "#/fragment"},
		}, values...)
	})
}

// A path that holds no parameter at all does not exist: vals says
// "ssm: out.Parameters is empty".
func TestAWSSSMEmptyPathIsNotFound(t *testing.T) {
	moto.Use(t)
	awsNoStderr(t, func() {
		r := awsResolver(t)
		_, err := r.Resolve(t.Context(), "ref+awsssm:///hushflow/secrets/no-such-path#/key")
		if !errors.Is(err, secrets.ErrNotFound) {
			t.Skipf("MISSING in secrets (vals.go classify): vals' %q for a path without parameters should be ErrNotFound; got %s",
				"ssm: out.Parameters is empty", testkit.Show(err))
		}
	})
}

func TestAWSSecretsManagerAgainstMoto(t *testing.T) {
	srv := moto.Use(t)
	ctx := t.Context()
	const plain, doc = "hushflow/secrets/plain", "hushflow/secrets/json"
	awsMust(t, srv.PutSecret(ctx, plain, "S3CRET-sm-plain"))
	awsMust(t, srv.PutSecret(ctx, doc, `{"username":"svc","password":"S3CRET-sm-json","db":{"port":5432}}`))
	values := []string{"S3CRET-sm-plain", "S3CRET-sm-json"}
	awsNoStderr(t, func() {
		r := awsResolver(t)
		awsResolveAll(t, r, []awsCase{
			{"a string secret", "ref+awssecrets://" + plain, "S3CRET-sm-plain"},
			{"a JSON secret, #/field", "ref+awssecrets://" + doc + "#/password", "S3CRET-sm-json"},
			{"a JSON secret, #/a/b, a number", "ref+awssecrets://" + doc + "#/db/port", "5432"},
			{"in text", "user=ref+awssecrets://" + doc + "#/username+ pass=ref+awssecrets://" + plain, "user=svc pass=S3CRET-sm-plain"},
		})
		awsFailAll(t, r, []awsErrCase{
			{"no such secret", "ref+awssecrets://hushflow/secrets/nope", "ref+awssecrets://hushflow/secrets/nope", secrets.ErrNotFound, "ResourceNotFoundException"},
			{"no such field", "ref+awssecrets://" + doc + "#/nope", "ref+awssecrets://" + doc + "#/nope", secrets.ErrNotFound, "#/nope"},
			{"the whole JSON document", "ref+awssecrets://" + doc + "#/db", "ref+awssecrets://" + doc + "#/db", secrets.ErrNotScalar, ""},
			{"a field of a string secret", "ref+awssecrets://" + plain + "#/x", "ref+awssecrets://" + plain + "#/x", secrets.ErrBackend, "withheld"},
		}, values...)
	})
}

func TestAWSS3AgainstMoto(t *testing.T) {
	srv := moto.Shared(t)
	// Not AWS_ENDPOINT_URL: with it vals addresses buckets by DNS name
	// (BUCKET.127.0.0.1), see moto.VarsPerService.
	moto.SetenvPerService(t, srv.URL)
	ctx := t.Context()
	const bucket = "hushflow-secrets-s3"
	awsMust(t, srv.PutObject(ctx, bucket, "tokens/api.txt", []byte("S3CRET-s3-object")))
	awsMust(t, srv.PutObject(ctx, bucket, "config/app.yaml", []byte("db:\n  password: S3CRET-s3-yaml\n  port: 5432\n")))
	values := []string{"S3CRET-s3-object", "S3CRET-s3-yaml"}
	// The SDK's S3 client validates response checksums and, when an object
	// has none (moto's never do; S3's objects uploaded without one, or in
	// parts, neither), logs a warning through its default logger: stderr.
	const checksumWarning = "WARN Response has no supported checksum"
	warned := awsStderrOnly(t, func() {
		r := awsResolver(t)
		awsResolveAll(t, r, []awsCase{
			{"an object", "ref+s3://" + bucket + "/tokens/api.txt", "S3CRET-s3-object"},
			{"a YAML object, #/a/b", "ref+s3://" + bucket + "/config/app.yaml#/db/password", "S3CRET-s3-yaml"},
			{"a YAML object, a number", "ref+s3://" + bucket + "/config/app.yaml#/db/port", "5432"},
		})
		awsFailAll(t, r, []awsErrCase{
			{"no such object", "ref+s3://" + bucket + "/tokens/nope.txt", "ref+s3://" + bucket + "/tokens/nope.txt", secrets.ErrNotFound, "NoSuchKey"},
			{"no such key in the YAML", "ref+s3://" + bucket + "/config/app.yaml#/db/nope", "ref+s3://" + bucket + "/config/app.yaml#/db/nope", secrets.ErrNotFound, "#/db/nope"},
			{"a fragment into a text object", "ref+s3://" + bucket + "/tokens/api.txt#/x", "ref+s3://" + bucket + "/tokens/api.txt#/x", secrets.ErrBackend, "withheld"},
		}, values...)
	}, checksumWarning)
	if warned > 0 {
		t.Errorf("the AWS SDK's S3 client wrote %q to stderr %d times", checksumWarning, warned)
	}
}

// A sops file whose data key is encrypted to a KMS key created in moto,
// made with sops' Go API (internal/sopsenc) as sops --kms would, read by
// ref+sops:// with the environment's credentials.
func TestAWSSOPSWithKMSKey(t *testing.T) {
	srv := moto.Use(t)
	t.Setenv("SOPS_AGE_KEY_FILE", filepath.Join(t.TempDir(), "no-age-keys.txt"))
	arn, err := srv.CreateKMSKey(t.Context(), "hushflow secrets test")
	awsMust(t, err)
	enc, err := sopsenc.EncryptYAMLKMS([]byte("db:\n  password: S3CRET-kms-sops\n  port: 5432\n"), sopsenc.Rules{}, arn)
	awsMust(t, err)
	testkit.AssertNoLeak(t, "encrypted file", string(enc), "S3CRET-kms-sops")
	path := filepath.Join(t.TempDir(), "app.sops.yaml")
	awsMust(t, os.WriteFile(path, enc, 0o600))
	awsNoStderr(t, func() {
		// vals' sops provider, handed in: it reads the host's file and
		// asks KMS with the environment's credentials.
		r := awsResolver(t, secrets.WithBackend(secrets.NewValsBackend(secrets.ValsOptions{})))
		awsResolveAll(t, r, []awsCase{
			{"a KMS-encrypted value", "ref+sops://" + path + "#/db/password", "S3CRET-kms-sops"},
			{"a number", "ref+sops://" + path + "#/db/port", "5432"},
		})
		awsFailAll(t, r, []awsErrCase{
			{"no such key", "ref+sops://" + path + "#/db/nope", "ref+sops://" + path + "#/db/nope", secrets.ErrNotFound, "#/db/nope"},
		}, "S3CRET-kms-sops")
	})
}

// A parameter overwritten in the store: the resolver's cache serves the old
// value until Purge or the TTL, then the new one; a hook that teaches a
// redactor keeps both masked; ?version=1 still reads the old one.
func TestAWSSSMRotation(t *testing.T) {
	srv := moto.Use(t)
	for _, tc := range []struct {
		name   string
		ttl    time.Duration
		expire func(*secrets.Resolver)
	}{
		{"Purge", time.Hour, (*secrets.Resolver).Purge},
		{"TTL", time.Millisecond, func(*secrets.Resolver) { time.Sleep(20 * time.Millisecond) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := t.Context()
			name := "/hushflow/secrets/rotation/" + tc.name
			old, rotated := "S3CRET-old-"+tc.name, "S3CRET-new-"+tc.name
			awsMust(t, srv.PutParameter(ctx, name, old, true))
			red, err := redact.New()
			awsMust(t, err)
			awsNoStderr(t, func() {
				r := awsResolver(t, secrets.WithTTL(tc.ttl), secrets.WithOnResolved(func(v string) { red.Add(v) }))
				awsResolveAll(t, r, []awsCase{{"before", "ref+awsssm://" + name, old}})
				awsMust(t, srv.PutParameter(ctx, name, rotated, true))
				if tc.name == "Purge" {
					awsResolveAll(t, r, []awsCase{{"cached", "ref+awsssm://" + name, old}})
				}
				tc.expire(r)
				awsResolveAll(t, r, []awsCase{
					{"after", "ref+awsssm://" + name, rotated},
					{"version 1", "ref+awsssm://" + name + "?version=1", old},
				})
			})
			if got := red.String("old " + old + " new " + rotated); got != "old "+redact.Mask+" new "+redact.Mask {
				t.Errorf("after the rotation the redactor shows %s", testkit.SecretLike.ReplaceAllString(got, "[secret]"))
			}
		})
	}
}

// A slow, a hanging and a cutting endpoint: Resolve returns by the caller's
// deadline or the resolver's timeout, with an error that names the
// reference and no value, and once the endpoint is gone no goroutine is
// left behind.
func TestAWSFaultyEndpoint(t *testing.T) {
	srv := moto.Use(t)
	ctx := t.Context()
	const name = "/hushflow/secrets/faults/token"
	awsMust(t, srv.PutParameter(ctx, name, "S3CRET-faults", true))
	before := runtime.NumGoroutine()
	p := srv.Proxied(t)
	const timeout = 2 * time.Second
	const guard = 30 * time.Second // far above timeout: only a hang reaches it
	ref := "ref+awsssm://" + name

	awsNoStderr(t, func() {
		t.Run("slow, within the deadline", func(t *testing.T) {
			p.SetLatency(200 * time.Millisecond)
			defer p.SetLatency(0)
			r := awsResolver(t, secrets.WithTimeout(guard))
			awsResolveAll(t, r, []awsCase{{"slow", ref, "S3CRET-faults"}})
		})
		for _, fault := range []struct {
			name  string
			start func()
			stop  func()
		}{
			{"slower than the deadline", func() { p.SetLatency(time.Hour) }, func() { p.SetLatency(0); p.Cut() }},
			{"hanging", p.Stall, func() { p.Resume(); p.Cut() }},
		} {
			t.Run(fault.name+", caller's deadline", func(t *testing.T) {
				fault.start()
				defer fault.stop()
				r := awsResolver(t, secrets.WithTimeout(guard), secrets.WithTTL(0))
				dctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
				defer cancel()
				var err error
				testkit.Within(t, guard, "Resolve", func() { _, err = r.Resolve(dctx, ref) })
				if !errors.Is(err, context.DeadlineExceeded) {
					t.Errorf("Resolve: %s, want context.DeadlineExceeded", testkit.Show(err))
				}
			})
			t.Run(fault.name+", resolver's timeout", func(t *testing.T) {
				fault.start()
				defer fault.stop()
				r := awsResolver(t, secrets.WithTimeout(timeout), secrets.WithTTL(0))
				var err error
				testkit.Within(t, guard, "Resolve", func() { _, err = r.Resolve(context.Background(), ref) })
				if !errors.Is(err, context.DeadlineExceeded) {
					t.Errorf("Resolve: %s, want context.DeadlineExceeded", testkit.Show(err))
				}
				var e *secrets.Error
				if !errors.As(err, &e) || e.Ref != ref {
					t.Errorf("error %s does not name %s", testkit.Show(err), ref)
				}
			})
		}
		t.Run("cut before the answer", func(t *testing.T) {
			p.CutResponses(true)
			defer p.CutResponses(false)
			r := awsResolver(t, secrets.WithTimeout(guard), secrets.WithTTL(0))
			var err error
			testkit.Within(t, guard, "Resolve", func() { _, err = r.Resolve(ctx, ref) })
			if !errors.Is(err, secrets.ErrBackend) {
				t.Errorf("Resolve: %s, want ErrBackend", testkit.Show(err))
			}
			if err != nil {
				testkit.AssertNoLeak(t, "error", err.Error(), "S3CRET-faults")
			}
		})
		t.Run("stopped", func(t *testing.T) {
			p.Stop()
			defer p.Restart()
			r := awsResolver(t, secrets.WithTimeout(guard), secrets.WithTTL(0))
			var err error
			testkit.Within(t, guard, "Resolve", func() { _, err = r.Resolve(ctx, ref) })
			if !errors.Is(err, secrets.ErrBackend) || !strings.Contains(err.Error(), "connection refused") {
				t.Errorf("Resolve: %s, want ErrBackend saying the connection was refused", testkit.Show(err))
			}
		})
		t.Run("back", func(t *testing.T) {
			r := awsResolver(t)
			awsResolveAll(t, r, []awsCase{{"back", ref, "S3CRET-faults"}})
		})
	})
	// Calls abandoned on a hanging endpoint end once it is gone; so do the
	// SDK's idle connections.
	p.Close()
	testkit.Settled(t, before, time.Minute) // the SDK retries a failed call with backoff
}

// Resolving leaves no connection to the store open: a server resolving
// thousands of references a TTL must not keep one idle connection (and two
// goroutines) per reference. moto closes every connection after its answer
// (Connection: close); AWS does not, so a reverse proxy in front of moto
// keeps connections alive as AWS does, and the fault proxy counts them.
func TestAWSLeavesNoIdleConnections(t *testing.T) {
	srv := moto.Shared(t)
	ctx := t.Context()
	var refs, more []string
	for i := range 10 {
		name := fmt.Sprintf("/hushflow/secrets/idle/p%d", i)
		awsMust(t, srv.PutParameter(ctx, name, fmt.Sprintf("S3CRET-idle-%d", i), false))
		if i < 5 {
			refs = append(refs, "ref+awsssm://"+name)
		} else {
			more = append(more, "ref+awsssm://"+name)
		}
	}
	target, err := url.Parse(srv.URL)
	awsMust(t, err)
	keepAlive := httptest.NewServer(httputil.NewSingleHostReverseProxy(target))
	defer keepAlive.Close()
	p, err := faultproxy.New(keepAlive.Listener.Addr().String())
	awsMust(t, err)
	defer p.Close()
	moto.Setenv(t, p.URL())

	r := awsResolver(t)
	awsNoStderr(t, func() {
		if _, err := r.Resolve(ctx, strings.Join(refs, " ")); err != nil {
			t.Fatal(testkit.Show(err))
		}
		// One after another, distinct references of one configuration
		// reuse one client and one connection.
		before := p.Accepted()
		for _, ref := range more {
			if _, err := r.Resolve(ctx, ref); err != nil {
				t.Fatal(testkit.Show(err))
			}
		}
		if n := p.Accepted() - before; n > 1 {
			t.Errorf("%d references resolved one after another opened %d new connections: the client is not reused", len(more), n)
		}
	})
	deadline := time.Now().Add(5 * time.Second)
	for p.Open() > 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := p.Open(); n > 0 {
		t.Errorf("%d of %d connections to the store are still open 5s after %d distinct references resolved",
			n, p.Accepted(), len(refs)+len(more))
	}
}

// With only AWS_ENDPOINT_URL (no per-service variable), an endpoint of
// one's own is addressed path-style: no bucket host name to look up.
func TestAWSS3WithTheGeneralEndpoint(t *testing.T) {
	srv := moto.Use(t)
	const bucket = "hushflow-secrets-s3-general"
	awsMust(t, srv.PutObject(t.Context(), bucket, "a/token.txt", []byte("S3CRET-general")))
	awsNoStderr(t, func() {
		v, err := awsResolver(t).Resolve(t.Context(), "ref+s3://"+bucket+"/a/token.txt")
		if err != nil || v != "S3CRET-general" {
			t.Errorf("Resolve: %s", testkit.Show(err))
		}
	})
}

// ref+awskms:// decrypts a base64url ciphertext as vals' awskms provider
// does: the whole plaintext, a #/key of a YAML plaintext, the encryption
// context from context=; secrets manager's version_stage= reads an older
// version. Both go through the in-process clients.
func TestAWSKMSAndSecretsManagerVersionsAgainstMoto(t *testing.T) {
	srv := moto.Use(t)
	ctx := t.Context()
	arn, err := srv.CreateKMSKey(ctx, "hushflow awskms test")
	awsMust(t, err)
	c := kms.NewFromConfig(srv.Config())
	encrypt := func(plain string, context map[string]string) string {
		out, err := c.Encrypt(ctx, &kms.EncryptInput{KeyId: aws.String(arn), Plaintext: []byte(plain), EncryptionContext: context})
		awsMust(t, err)
		return base64.URLEncoding.EncodeToString(out.CiphertextBlob)
	}
	whole := encrypt("S3CRET-kms-whole", nil)
	doc := encrypt("db:\n  password: S3CRET-kms-yaml\n", nil)
	bound := encrypt("S3CRET-kms-bound", map[string]string{"app": "billing"})
	const name = "hushflow/secrets/versions"
	awsMust(t, srv.PutSecret(ctx, name, "S3CRET-sm-v1"))
	awsMust(t, srv.PutSecret(ctx, name, "S3CRET-sm-v2"))
	values := []string{"S3CRET-kms-whole", "S3CRET-kms-yaml", "S3CRET-kms-bound", "S3CRET-sm-v1", "S3CRET-sm-v2"}
	awsNoStderr(t, func() {
		r := awsResolver(t)
		awsResolveAll(t, r, []awsCase{
			{"a ciphertext", "ref+awskms://" + whole, "S3CRET-kms-whole"},
			{"a YAML plaintext, #/a/b", "ref+awskms://" + doc + "#/db/password", "S3CRET-kms-yaml"},
			{"an encryption context", "ref+awskms://" + bound + "?context=app:%20billing", "S3CRET-kms-bound"},
			{"the current secret", "ref+awssecrets://" + name, "S3CRET-sm-v2"},
			{"the previous version", "ref+awssecrets://" + name + "?version_stage=AWSPREVIOUS", "S3CRET-sm-v1"},
		})
		awsFailAll(t, r, []awsErrCase{
			{"the wrong context", "ref+awskms://" + bound + "?context=app:%20other", "ref+awskms://" + bound, secrets.ErrBackend, "InvalidCiphertextException"},
			{"not base64url", "ref+awskms://not*base64", "ref+awskms://not*base64", secrets.ErrBackend, ""},
		}, values...)
	})
}
