// Package moto runs moto_server (Python moto, https://github.com/getmoto/moto,
// 5.2 or later), a local imitation of the AWS APIs (SSM, Secrets Manager, S3,
// KMS, STS, …), so that tests talk to AWS-compatible endpoints on loopback
// instead of an httptest imitation written by us, and never to AWS.
//
// Where to begin, in a test:
//
//	srv := moto.Use(t) // start (or reuse) this binary's server, point the AWS SDK at it for t
//	ctx := t.Context()
//	if err := srv.PutParameter(ctx, "/app/db/password", "…", true); err != nil { t.Fatal(err) }
//	// code under test now resolves ref+awsssm:///app/db/password against moto
//
// Use sets the environment of this process (t.Setenv, so the test cannot be
// parallel and everything is restored when it ends): AWS_ENDPOINT_URL, dummy
// credentials, a region, empty shared config and credentials files, and no
// instance metadata service, so that neither vals nor sops nor the SDK
// reach the real network or print IMDS warnings on stderr. Tests of
// ref+s3:// use SetenvPerService instead (see VarsPerService for why).
//
// # Skipping and CI
//
// When moto_server is not on PATH the test is skipped, with a message saying
// how to install it. With HUSHFLOW_REQUIRE_MOTO=1 (which .ci/run sets) it
// fails instead, so CI always runs these tests.
//
// # Lifetime
//
// The server Use and Shared return is one per test binary: started at the
// first call, stopped when the binary exits, even if it is killed (the
// server runs under a small shell that stops it when its standard input,
// a pipe from this process, closes). Tests share its state: give names that
// tell tests apart (t.Name() in a parameter path). New starts a server of
// the test's own, stopped at the end of the test, for tests that stop it.
package moto

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// RequireEnv names the environment variable that turns a missing moto_server
// from a skip into a failure ("1"). .ci/run sets it.
const RequireEnv = "HUSHFLOW_REQUIRE_MOTO"

// Program is the name of the moto server program looked up on PATH.
const Program = "moto_server"

// Install says how to get moto_server; skip messages repeat it.
const Install = `install moto with its server: pip install "moto[server]>=5.2,<6" (or pipx install "moto[server]"), ` +
	`then check "which moto_server"`

// Region is the region the environment names and the clients use.
const Region = "us-east-1"

// The dummy credentials the environment sets. moto accepts any; they are not secret.
const (
	AccessKeyID     = "AKIAHUSHFLOWMOTOTEST"
	SecretAccessKey = "hushflow-moto-dummy-secret-access-key"
)

// StartTimeout bounds how long Start waits for a new server to answer.
const StartTimeout = 60 * time.Second

// ErrNotInstalled is returned by Start when moto_server is not on PATH.
var ErrNotInstalled = errors.New("moto: " + Program + " not found on PATH")

// Server is a running moto_server. Its methods are safe for concurrent use.
type Server struct {
	// URL is the server's endpoint, "http://127.0.0.1:PORT".
	URL string

	cmd   *exec.Cmd
	stdin io.WriteCloser
	out   *tail
	exit  chan struct{} // closed when the process has exited
	once  sync.Once
	err   error // the process's exit status, valid once exit is closed
}

// watchdog runs moto_server and stops it when its standard input closes:
// when Stop closes the pipe, or when this process exits however it exits.
// (A background job's standard input is /dev/null, hence the copy on fd 4.)
// The shell exits when the server does. Port 0 makes the server pick a free
// port and print it: nothing can take the port between our choosing it and
// the server binding it.
const watchdog = `exec 4<&0 0</dev/null
"$0" -H 127.0.0.1 -p 0 &
pid=$!
(read _ <&4; kill $pid 2>/dev/null) &
exec 4<&-
wait $pid`

var runningOn = regexp.MustCompile(`Running on (http://127\.0\.0\.1:\d+)`)

// Start starts a moto_server on a free 127.0.0.1 port and waits until it
// answers (at most StartTimeout, or until ctx is done). The caller stops it
// with Stop. It returns ErrNotInstalled when moto_server is not on PATH.
func Start(ctx context.Context) (*Server, error) {
	prog, err := exec.LookPath(Program)
	if err != nil {
		return nil, fmt.Errorf("%w (%s)", ErrNotInstalled, Install)
	}
	ctx, cancel := context.WithTimeout(ctx, StartTimeout)
	defer cancel()

	s := &Server{out: &tail{max: 16 << 10}, exit: make(chan struct{})}
	s.cmd = exec.Command("/bin/sh", "-c", watchdog, prog)
	// Only what the server needs from our environment; in particular no AWS
	// variables (moto reads some, such as the default region).
	s.cmd.Env = serverEnv()
	stdin, err := s.cmd.StdinPipe()
	if err != nil {
		return nil, fmt.Errorf("moto: %w", err)
	}
	s.stdin = stdin
	pr, pw, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("moto: %w", err)
	}
	s.cmd.Stdout, s.cmd.Stderr = pw, pw
	if err := s.cmd.Start(); err != nil {
		pr.Close()
		pw.Close()
		return nil, fmt.Errorf("moto: start %s: %w", prog, err)
	}
	pw.Close() // the children hold it now
	url := make(chan string, 1)
	go s.read(pr, url)
	go func() {
		s.err = s.cmd.Wait()
		close(s.exit)
	}()

	select {
	case s.URL = <-url:
	case <-s.exit:
		return nil, fmt.Errorf("moto: %s exited before listening (%v); its output:\n%s", Program, s.err, s.out)
	case <-ctx.Done():
		s.Stop()
		return nil, fmt.Errorf("moto: %s did not say where it listens: %w; its output:\n%s", Program, ctx.Err(), s.out)
	}
	if err := s.waitReady(ctx); err != nil {
		s.Stop()
		return nil, err
	}
	return s, nil
}

// read keeps the tail of the server's output for error messages, and sends
// the URL it listens on once it says so.
func (s *Server) read(r io.ReadCloser, url chan<- string) {
	defer r.Close()
	sc := bufio.NewScanner(r)
	sent := false
	for sc.Scan() {
		line := sc.Text()
		s.out.add(line)
		if !sent {
			if m := runningOn.FindStringSubmatch(line); m != nil {
				url <- m[1]
				sent = true
			}
		}
	}
	_, _ = io.Copy(io.Discard, r)
}

// waitReady polls the server until it answers an HTTP request with 200.
func (s *Server) waitReady(ctx context.Context) error {
	client := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	defer client.CloseIdleConnections()
	var last error
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+"/moto-api/data.json", nil)
		if err != nil {
			return fmt.Errorf("moto: %w", err)
		}
		resp, err := client.Do(req)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("status %s", resp.Status)
		}
		last = err
		select {
		case <-s.exit:
			return fmt.Errorf("moto: %s exited (%v); its output:\n%s", Program, s.err, s.out)
		case <-ctx.Done():
			return fmt.Errorf("moto: %s does not answer at %s (%v): %w", Program, s.URL, last, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// Stop stops the server and waits for it to exit (at most 10 seconds, then
// it is killed). It may be called more than once.
func (s *Server) Stop() {
	s.once.Do(func() {
		s.stdin.Close() // the watchdog kills the server and exits
		select {
		case <-s.exit:
		case <-time.After(10 * time.Second):
			_ = s.cmd.Process.Kill()
			<-s.exit
		}
	})
}

// Output returns the last lines the server printed (its request log), for a
// failure message. It holds request paths, never request bodies.
func (s *Server) Output() string { return s.out.String() }

// Reset forgets everything the server holds (parameters, secrets, buckets,
// keys), through moto's /moto-api/reset. Tests that share the server should
// use distinct names rather than reset it under other tests' feet.
func (s *Server) Reset(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL+"/moto-api/reset", nil)
	if err != nil {
		return fmt.Errorf("moto: reset: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("moto: reset: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("moto: reset: status %s", resp.Status)
	}
	return nil
}

// serverEnv is the environment moto_server runs with: ours without AWS_
// variables (moto would take a real profile's region, or an endpoint).
func serverEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") {
			env = append(env, kv)
		}
	}
	return append(env, "AWS_DEFAULT_REGION="+Region, "PYTHONUNBUFFERED=1")
}

var (
	sharedOnce sync.Once
	shared     *Server
	sharedErr  error
)

// Shared returns this test binary's server, starting it at the first call.
// It is stopped when the binary exits. It skips t when moto_server is not
// installed, or fails t when HUSHFLOW_REQUIRE_MOTO=1; it fails t when the
// server is installed but does not start.
func Shared(t testing.TB) *Server {
	t.Helper()
	sharedOnce.Do(func() {
		// Not t's context: the server outlives t.
		shared, sharedErr = Start(context.Background())
	})
	check(t, sharedErr)
	return shared
}

// New starts a server for t alone, stopped when t ends: for tests that stop
// or break it. It skips or fails as Shared does.
func New(t testing.TB) *Server {
	t.Helper()
	s, err := Start(t.Context())
	check(t, err)
	t.Cleanup(s.Stop)
	return s
}

// Use returns the shared server (see Shared) and points the AWS SDK at it
// for the rest of t (see Setenv).
func Use(t testing.TB) *Server {
	t.Helper()
	s := Shared(t)
	Setenv(t, s.URL)
	return s
}

func check(t testing.TB, err error) {
	t.Helper()
	switch {
	case err == nil:
	case errors.Is(err, ErrNotInstalled) && os.Getenv(RequireEnv) != "1":
		t.Skipf("%v; the tests against a local AWS endpoint need it (%s=1 makes this a failure, as in CI)", err, RequireEnv)
	case errors.Is(err, ErrNotInstalled):
		t.Fatalf("%v, and %s=1 requires it", err, RequireEnv)
	default:
		t.Fatal(err)
	}
}

// Vars returns the environment that points AWS SDKs (vals', sops', any
// aws-sdk-go-v2 or boto3 client) at endpoint with dummy credentials, and
// keeps them off the real network and the instance metadata service. A
// variable whose value is "" must be unset; Setenv does so. Variables that
// name service-specific endpoints (AWS_ENDPOINT_URL_SSM, …) found in the
// environment are included, to be unset.
func Vars(endpoint string) map[string]string {
	v := map[string]string{
		"AWS_ENDPOINT_URL":             endpoint,
		"AWS_ACCESS_KEY_ID":            AccessKeyID,
		"AWS_SECRET_ACCESS_KEY":        SecretAccessKey,
		"AWS_REGION":                   Region,
		"AWS_DEFAULT_REGION":           Region,
		"AWS_CONFIG_FILE":              os.DevNull, // no profile of the host's
		"AWS_SHARED_CREDENTIALS_FILE":  os.DevNull,
		"AWS_EC2_METADATA_DISABLED":    "true", // no IMDS: no "falling back to IMDSv1" on stderr, no 169.254.169.254
		"AWS_EC2_METADATA_V1_DISABLED": "true",
		"AWS_SDK_GO_LOG_LEVEL":         "off",
	}
	for _, name := range []string{
		"AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "FORCE_AWS_PROFILE",
		"AWS_SDK_LOAD_CONFIG", "AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME", "AWS_WEB_IDENTITY_TOKEN_FILE",
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
		"AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
		"AWS_EC2_METADATA_SERVICE_ENDPOINT", "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE",
		"AWS_CA_BUNDLE", "AWS_USE_FIPS_ENDPOINT", "AWS_USE_DUALSTACK_ENDPOINT",
		"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "AWS_STS_REGIONAL_ENDPOINTS", "AWS_S3_US_EAST_1_REGIONAL_ENDPOINT",
		"AWS_RETRY_MODE", "AWS_MAX_ATTEMPTS", "AWS_REQUEST_CHECKSUM_CALCULATION", "AWS_RESPONSE_CHECKSUM_VALIDATION",
		"SOPS_KMS_ARN",
	} {
		v[name] = ""
	}
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); strings.HasPrefix(name, "AWS_ENDPOINT_URL_") {
			v[name] = ""
		}
	}
	return v
}

// Services are the services whose endpoint VarsPerService names, by the
// suffix of their AWS_ENDPOINT_URL_<SERVICE> variable.
var Services = []string{"SSM", "SECRETS_MANAGER", "S3", "KMS", "STS"}

// VarsPerService is Vars with the endpoint given to each of Services by its
// own variable (AWS_ENDPOINT_URL_S3, …) and AWS_ENDPOINT_URL unset.
//
// ref+s3:// needs it: given AWS_ENDPOINT_URL, vals installs an endpoint
// resolver of its own, with which the SDK addresses buckets
// virtual-hosted style ("BUCKET.127.0.0.1:PORT"), a name that only DNS
// could resolve (it asks the network's DNS server, and fails). With the
// per-service variables the SDK's own endpoint rules apply: an IP address
// endpoint gets path-style addressing ("127.0.0.1:PORT/BUCKET/KEY").
func VarsPerService(endpoint string) map[string]string {
	v := Vars(endpoint)
	v["AWS_ENDPOINT_URL"] = ""
	for _, s := range Services {
		v["AWS_ENDPOINT_URL_"+s] = endpoint
	}
	return v
}

// SetenvPerService sets VarsPerService(endpoint) for the rest of t, as
// Setenv does.
func SetenvPerService(t testing.TB, endpoint string) {
	t.Helper()
	setenv(t, VarsPerService(endpoint))
}

// Setenv sets Vars(endpoint) for the rest of t, with t.Setenv: t cannot be
// parallel, and the environment is restored when t ends. Point it at a
// proxy in front of the server to test a slow or failing endpoint.
func Setenv(t testing.TB, endpoint string) {
	t.Helper()
	setenv(t, Vars(endpoint))
}

func setenv(t testing.TB, vars map[string]string) {
	t.Helper()
	for name, value := range vars {
		t.Setenv(name, value) // records the old value for the restore
		if value == "" {
			os.Unsetenv(name)
		}
	}
}

// tail keeps the last max bytes of lines added, for error messages.
type tail struct {
	mu  sync.Mutex
	max int
	buf bytes.Buffer
}

func (t *tail) add(line string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf.WriteString(line)
	t.buf.WriteByte('\n')
	if over := t.buf.Len() - t.max; over > 0 {
		t.buf.Next(over)
	}
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.buf.String()
}
