package secrets_test

// Issue 20 item 9: no scheme reads a host file the reference names unless
// it is confined to the workspace or WithAbsoluteDirs allows it.

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"testing/fstest"
	"time"

	"github.com/hushflow/hushflow/secrets"
)

// tfstateDoc is a Terraform state (version 4) as terraform writes it.
const tfstateDoc = `{"version": 4, "terraform_version": "1.9.0", "serial": 3, "lineage": "0b1c",
 "outputs": {"db_password": {"value": "S3CRET-tf-output", "type": "string", "sensitive": true},
             "ports": {"value": [5432, 6432], "type": ["list", "number"]}},
 "resources": [{"mode": "managed", "type": "aws_instance", "name": "web",
   "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
   "instances": [{"schema_version": 1, "attributes": {"id": "i-0abc", "tags": {"Name": "web"}}}]}]}`

// A state that terraform init writes under .terraform/: it names the
// remote backend that holds the real state.
const tfstateRemote = `{"version": 3, "serial": 1, "backend": {"type": "s3",
 "config": {"bucket": "someone-elses", "key": "prod.tfstate", "region": "eu-west-1"}}}`

func TestTFStateReadsOnlyTheWorkspace(t *testing.T) {
	t.Parallel()
	outside := t.TempDir()
	hostState := filepath.Join(outside, "host.tfstate")
	writeFile(t, hostState, `{"version": 4, "outputs": {"pw": {"value": "S3CRET-host-state", "type": "string"}}, "resources": []}`)
	ws := fstest.MapFS{
		"infra/terraform.tfstate":      {Data: []byte(tfstateDoc)},
		"infra/.terraform/remote.json": {Data: []byte(tfstateRemote)},
	}
	r, err := secrets.New(secrets.WithFiles(ws)) // the default backend: vals
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ in, want string }{
		{"ref+tfstate://infra/terraform.tfstate/output.db_password", "S3CRET-tf-output"},
		{"ref+tfstate://infra/terraform.tfstate/aws_instance.web.id", "i-0abc"},
		{"ref+tfstate://infra/terraform.tfstate/aws_instance.web.tags.Name", "web"},
		{"ref+tfstate://infra/terraform.tfstate/output.ports", "[5432,6432]"}, // as vals prints it: JSON
		{"ref+tfstate://./infra/terraform.tfstate/output.ports[1]", "6432"},
	} {
		if got, err := r.Resolve(t.Context(), tc.in); err != nil || got != tc.want {
			t.Errorf("Resolve(%s) = %q, %s; want %q", tc.in, secretLike.ReplaceAllString(got, "[secret]"), show(err), tc.want)
		}
	}
	noRoot, err := secrets.New() // neither WithFiles nor WithAbsoluteDirs: the host's files are off
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		r    *secrets.Resolver
		in   string
		want error
		text string
	}{
		{"an absolute host path", r, "ref+tfstate://" + hostState + "/output.pw", secrets.ErrOutsideRoot, "WithAbsoluteDirs"},
		{"/etc", r, "ref+tfstate:///etc/terraform.tfstate/output.pw", secrets.ErrOutsideRoot, "WithAbsoluteDirs"},
		{"climbing out", r, "ref+tfstate://../../" + hostState + "/output.pw", secrets.ErrOutsideRoot, "above the root"},
		{"climbing out inside the path", r, "ref+tfstate://infra/../../host.tfstate/output.pw", secrets.ErrOutsideRoot, "above the root"},
		{"no root, an absolute path", noRoot, "ref+tfstate://" + hostState + "/output.pw", secrets.ErrOutsideRoot, "WithAbsoluteDirs"},
		{"no root, a relative path", noRoot, "ref+tfstate://host.tfstate/output.pw", secrets.ErrOutsideRoot, "WithFiles"},
		{"a remote backend is not followed", r, "ref+tfstate://infra/.terraform/remote.json/output.pw", secrets.ErrInvalidRef, "remote backend"},
		{"a missing key", r, "ref+tfstate://infra/terraform.tfstate/output.nope", secrets.ErrNotFound, "output.nope"},
		{"into a scalar", r, "ref+tfstate://infra/terraform.tfstate/output.db_password.x", secrets.ErrNotFound, "withheld"},
		{"a missing file", r, "ref+tfstate://infra/nope.tfstate/output.pw", secrets.ErrNotFound, "no such file"},
		{"a fragment", r, "ref+tfstate://infra/terraform.tfstate/output.pw#/x", secrets.ErrInvalidRef, "fragment"},
		{"no key", r, "ref+tfstate://terraform.tfstate", secrets.ErrInvalidRef, "RESOURCE"},
	} {
		_, err := tc.r.Resolve(t.Context(), tc.in)
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: Resolve(%s): %s, want %v", tc.name, tc.in, show(err), tc.want)
			continue
		}
		wantSafeErr(t, err, errRef(t, err), tc.want, tc.text, []string{"S3CRET"})
	}
}

// errRef is the Ref of err, an *Error.
func errRef(t *testing.T, err error) string {
	t.Helper()
	var e *secrets.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %s is %T, not *secrets.Error", show(err), err)
	}
	return e.Ref
}

// Query parameters that make a provider read a host file (vault's
// token_file=, k8s' kubeConfigPath=, …) are refused before vals runs,
// unless the file is under WithAbsoluteDirs and its links stay there.
func TestQueryNamingAHostFileIsRefused(t *testing.T) {
	t.Parallel()
	allowed := t.TempDir()
	writeFile(t, filepath.Join(allowed, "token"), "tok")
	outside := t.TempDir()
	writeFile(t, filepath.Join(outside, "host-token"), "S3CRET-host-token")
	if err := os.Symlink(filepath.Join(outside, "host-token"), filepath.Join(allowed, "leak")); err != nil {
		t.Fatal(err)
	}
	r, err := secrets.New(secrets.WithAbsoluteDirs(allowed), secrets.WithTimeout(5*time.Second),
		secrets.WithSchemes(append(secrets.DefaultSchemes(), "googlesheets")...))
	if err != nil {
		t.Fatal(err)
	}
	const vault = "ref+vault://secret/app?address=http://127.0.0.1:1&"
	for _, in := range []string{
		vault + "token_file=/etc/passwd#/pw",
		vault + "token_file=" + filepath.Join(outside, "host-token") + "#/pw",
		vault + "token_file=" + filepath.Join(allowed, "leak") + "#/pw",
		vault + "token_file=" + allowed + "/../" + filepath.Base(outside) + "/host-token#/pw",
		vault + "token_file=token#/pw", // relative to the process's working directory
		vault + "auth_method=userpass&username=u&password_file=/etc/shadow#/pw",
		"ref+openbao://secret/app?address=http://127.0.0.1:1&token_file=/etc/passwd#/pw",
		"ref+k8s://v1/Secret/default/db/password?kubeConfigPath=/root/.kube/config",
		"ref+tfstateremote://app.terraform.io/org/ws/output.pw?tfe_credentials_file=/root/.terraform.d/credentials.tfrc.json",
		"ref+googlesheets://sheet-id/key?credentials_file=/etc/google.json",
	} {
		_, err := r.Resolve(t.Context(), in)
		if !errors.Is(err, secrets.ErrOutsideRoot) {
			t.Errorf("Resolve(%s): %s, want ErrOutsideRoot", in, show(err))
		}
	}
	// Under the allowed directory, the file reaches vals, which asks a Vault
	// that refuses it: a backend error, not a refusal. (403: vals' client
	// retries a refused connection for seconds.)
	refusing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusForbidden)
	}))
	defer refusing.Close()
	_, err = r.Resolve(t.Context(), "ref+vault://secret/app?address="+refusing.URL+"&token_file="+filepath.Join(allowed, "token")+"#/pw")
	if err == nil || errors.Is(err, secrets.ErrOutsideRoot) {
		t.Errorf("an allowed token_file= was refused: %s", show(err))
	}
}

func TestDefaultSchemesLeaveOutWhatRunsProgramsOrPrompts(t *testing.T) {
	t.Parallel()
	d := secrets.DefaultSchemes()
	for _, off := range []string{"exec", "keychain", "googlesheets"} {
		if slices.Contains(d, off) {
			t.Errorf("DefaultSchemes has %q", off)
		}
	}
	for _, on := range []string{"echo", "file", "sops", "envsubst", "tfstate", "vault", "awsssm", "s3", "k8s"} {
		if !slices.Contains(d, on) {
			t.Errorf("DefaultSchemes lacks %q", on)
		}
	}
}
