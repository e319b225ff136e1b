package secrets

import (
	"context"
	"strings"

	"github.com/helmfile/vals"
)

// This file is the one place that says what the package knows about a vals
// scheme, one entry per scheme as vals' register_*.go files are one place
// per provider. Adding a scheme, or changing the policy of one, touches its
// entry here and nothing else (the README's scheme table is checked against
// this one by a test).
//
// The entries are the audit of every provider vals v0.46.1 registers (its
// vals.go switch and register_*.go files): what each reads beyond the
// reference's own text. The line drawn: a provider may use the engine's
// ambient credentials (environment, the usual credential files, instance
// metadata), which is what resolving a reference is for; it may not read a
// host file the reference names, nor run a program, nor talk to the
// terminal. Schemes that read a named file are confined to the workspace
// root (read in process, see WithFiles); query parameters that name a host
// file are refused unless WithAbsoluteDirs allows the file; schemes that run
// programs or prompt are off by default.

// reach is what a scheme's provider can get at beyond the reference's text.
type reach uint8

const (
	reachNetwork     reach = 1 << iota // connects to servers
	reachHostFiles                     // reads a file the reference names
	reachEnvironment                   // reads environment variables
	reachCredentials                   // the host's ambient credentials: the usual credential files, instance metadata, credential helpers
	reachCommands                      // runs programs, or talks to the terminal
)

// route says which backend answers a scheme.
type route uint8

const (
	viaBackend route = iota // the resolver's backend (vals by default)
	viaFile                 // in process, from the workspace's files (fileReader)
	viaSOPS                 // in process, a sops file from the workspace's files, decrypted with internal/sopsdec
	viaTFState              // in process, a Terraform state file from the workspace's files
	viaAWS                  // in process with the AWS SDK, clients kept per configuration (awsClients), when the backend is vals
)

// scheme is what the package knows about one vals scheme.
type scheme struct {
	name      string
	byDefault bool  // in DefaultSchemes
	reach     reach // what vals' provider reaches, or the in-process reader when route is not viaBackend
	route     route
	// confined: the reference's path is a file, read only under WithFiles'
	// root or WithAbsoluteDirs' directories, never handed to vals (unless
	// WithBackend replaced vals and neither option is given).
	confined bool
	// aws: the provider loads an AWS configuration, and so may look for
	// instance metadata (see awsClients, and awsCredentials for those vals
	// runs).
	aws bool
	// publicQuery are the query parameters that configure the provider and
	// are not credentials; the values of all others are removed from errors.
	publicQuery []string
	// hostPathQuery are the query parameters that name a file on the host
	// (vault's token_file=): refused unless WithAbsoluteDirs allows the file.
	hostPathQuery []string
	// preflight runs before vals does, on the reference without "ref+".
	preflight func(ctx context.Context, key string) error
	// reaches says, for people, what reach means for this scheme; it is a
	// cell of the README's scheme table.
	reaches string
}

// vaultQuery and vaultFiles are shared by vault and openbao, whose
// providers are one code base.
var (
	vaultQuery = []string{"address", "host", "proto", "namespace", "version", "decode", "auth_method"}
	vaultFiles = []string{"token_file", "password_file"}
	awsQuery   = []string{"region", "profile"}
)

// schemes is the registry. It is never changed after initialisation.
var schemes = []scheme{
	{name: vals.ProviderEcho, byDefault: true,
		reaches: "nothing: the value is the reference's own text"},
	{name: vals.ProviderFile, byDefault: true, reach: reachHostFiles, route: viaFile, confined: true,
		publicQuery: []string{"encode"},
		reaches:     "a file, read in process from the workspace (or WithAbsoluteDirs)"},
	{name: vals.ProviderSOPS, byDefault: true, reach: reachHostFiles | reachEnvironment | reachCredentials | reachNetwork, route: viaSOPS, confined: true,
		publicQuery: []string{"encode", "format", "key_type", "region", "profile"},
		reaches:     "a file, read in process from the workspace; its keys: WithAgeIdentities only, or sops' environment (SOPS_AGE_KEY…, KMS, GCP KMS, Azure Key Vault, Vault transit)"},
	{name: vals.ProviderEnvSubst, byDefault: true, reach: reachEnvironment, preflight: checkEnvsubst,
		reaches: "any environment variable of the process"},
	{name: vals.ProviderExec, reach: reachCommands,
		reaches: "runs the command the reference names"},
	{name: vals.ProviderTFState, byDefault: true, reach: reachHostFiles, route: viaTFState, confined: true,
		reaches: "a Terraform state file, read in process from the workspace; a state naming a remote backend is refused"},
	{name: vals.ProviderTFStateGS, byDefault: true, reach: reachNetwork | reachEnvironment | reachCredentials,
		reaches: "Google Cloud Storage with the host's Google credentials"},
	{name: vals.ProviderTFStateS3, byDefault: true, reach: reachNetwork | reachEnvironment | reachCredentials, aws: true, preflight: awsCredentials,
		reaches: "S3 with the host's AWS credentials (aws_profile=)"},
	{name: vals.ProviderTFStateAzureRM, byDefault: true, reach: reachNetwork | reachEnvironment | reachCredentials,
		reaches: "Azure Storage with the host's Azure credentials"},
	{name: vals.ProviderTFStateRemote, byDefault: true, reach: reachNetwork | reachEnvironment | reachCredentials,
		hostPathQuery: []string{"tfe_credentials_file"},
		reaches:       "Terraform Cloud/Enterprise with TFE_TOKEN or ~/.terraform.d/credentials.tfrc.json"},
	{name: vals.ProviderTFStateGitLab, byDefault: true, reach: reachNetwork | reachEnvironment,
		reaches: "GitLab's state API with GITLAB_USER/GITLAB_TOKEN"},
	{name: vals.ProviderVault, byDefault: true, reach: reachNetwork | reachEnvironment | reachCredentials,
		publicQuery: vaultQuery, hostPathQuery: vaultFiles,
		reaches: "Vault at address= or VAULT_ADDR, with VAULT_* variables, token_env=, ~/.vault-token or the Kubernetes service account token"},
	{name: vals.ProviderOpenBao, byDefault: true, reach: reachNetwork | reachEnvironment | reachCredentials,
		publicQuery: vaultQuery, hostPathQuery: vaultFiles,
		reaches: "OpenBao at address= or BAO_ADDR, with BAO_* variables, token_env=, ~/.bao-token or the Kubernetes service account token"},
	{name: vals.ProviderSSM, byDefault: true, reach: reachNetwork | reachEnvironment | reachCredentials, route: viaAWS, aws: true,
		publicQuery: append([]string{"version", "mode", "recursive"}, awsQuery...),
		reaches:     "AWS SSM with the host's AWS credentials (environment, ~/.aws, instance metadata), in process"},
	{name: vals.ProviderSecretsManager, byDefault: true, reach: reachNetwork | reachEnvironment | reachCredentials, route: viaAWS, aws: true,
		publicQuery: awsQuery,
		reaches:     "AWS Secrets Manager with the host's AWS credentials, in process"},
	{name: vals.ProviderKms, byDefault: true, reach: reachNetwork | reachEnvironment | reachCredentials, route: viaAWS, aws: true,
		publicQuery: awsQuery,
		reaches:     "AWS KMS with the host's AWS credentials, in process"},
	{name: vals.ProviderS3, byDefault: true, reach: reachNetwork | reachEnvironment | reachCredentials, route: viaAWS, aws: true,
		publicQuery: append([]string{"version"}, awsQuery...),
		reaches:     "S3 with the host's AWS credentials, in process"},
	{name: vals.ProviderGCS, byDefault: true, reach: reachNetwork | reachEnvironment | reachCredentials,
		reaches: "Google Cloud Storage with the host's Google credentials (GOOGLE_APPLICATION_CREDENTIALS, gcloud, metadata)"},
	{name: vals.ProviderGCPSecretManager, byDefault: true, reach: reachNetwork | reachEnvironment | reachCredentials,
		publicQuery: []string{"version"},
		reaches:     "Google Secret Manager with the host's Google credentials"},
	{name: vals.ProviderGKMS, byDefault: true, reach: reachNetwork | reachEnvironment | reachCredentials,
		reaches: "Google Cloud KMS with the host's Google credentials"},
	{name: vals.ProviderGoogleSheets, reach: reachNetwork | reachHostFiles | reachCommands,
		hostPathQuery: []string{"credentials_file"},
		reaches:       "reads the credentials_file= the reference names, prompts on stdin/stdout and writes a token file"},
	{name: vals.ProviderGitLab, byDefault: true, reach: reachNetwork | reachEnvironment,
		reaches: "GitLab's API with GITLAB_TOKEN"},
	{name: vals.ProviderAzureKeyVault, byDefault: true, reach: reachNetwork | reachEnvironment | reachCredentials,
		reaches: "Azure Key Vault with the host's Azure credentials (AZKV_AUTH; the default chain may run the az CLI)"},
	{name: vals.ProviderKeychain, reach: reachCommands,
		reaches: "runs macOS' security program on the host's keychain"},
	{name: vals.ProviderOCI, byDefault: true, reach: reachNetwork | reachCredentials,
		reaches: "an OCI registry with the host's Docker credentials (~/.docker/config.json, credential helpers)"},
	{name: vals.ProviderOnePassword, byDefault: true, reach: reachNetwork | reachEnvironment,
		reaches: "1Password with OP_SERVICE_ACCOUNT_TOKEN"},
	{name: vals.ProviderOnePasswordConnect, byDefault: true, reach: reachNetwork | reachEnvironment,
		reaches: "a 1Password Connect server with OP_CONNECT_HOST/OP_CONNECT_TOKEN"},
	{name: vals.ProviderDoppler, byDefault: true, reach: reachNetwork | reachEnvironment,
		publicQuery: []string{"address", "host", "proto"},
		reaches:     "Doppler with DOPPLER_* variables"},
	{name: vals.ProviderPulumiStateAPI, byDefault: true, reach: reachNetwork | reachEnvironment,
		reaches: "Pulumi's state API with PULUMI_ACCESS_TOKEN"},
	{name: vals.ProviderK8s, byDefault: true, reach: reachNetwork | reachEnvironment | reachCredentials,
		hostPathQuery: []string{"kubeConfigPath"},
		reaches:       "Kubernetes with KUBECONFIG, ~/.kube/config or the in-cluster service account (a kubeconfig may run credential plugins)"},
	{name: vals.ProviderConjur, byDefault: true, reach: reachNetwork | reachEnvironment,
		publicQuery: []string{"address"},
		reaches:     "Conjur with CONJUR_* variables"},
	{name: vals.ProviderHCPVaultSecrets, byDefault: true, reach: reachNetwork | reachEnvironment,
		publicQuery: []string{"version"},
		reaches:     "HCP Vault Secrets with HCP_* variables"},
	{name: vals.ProviderHttpJsonManager, byDefault: true, reach: reachNetwork | reachCredentials,
		reaches: "any HTTP(S) URL the reference names, the cloud's instance metadata service included"},
	{name: vals.ProviderBitwarden, byDefault: true, reach: reachNetwork | reachEnvironment,
		publicQuery: []string{"address"},
		reaches:     "a local `bw serve` at address= or BW_API_ADDR"},
	{name: vals.ProviderLockbox, byDefault: true, reach: reachNetwork | reachEnvironment,
		reaches: "Yandex Cloud Lockbox with its token variable"},
	{name: vals.ProviderScaleway, byDefault: true, reach: reachNetwork | reachEnvironment,
		reaches: "Scaleway with SCW_* variables"},
	{name: vals.ProviderSecretserver, byDefault: true, reach: reachNetwork | reachEnvironment,
		reaches: "Delinea Secret Server with TSS_* variables"},
	{name: vals.ProviderInfisical, byDefault: true, reach: reachNetwork | reachEnvironment,
		publicQuery: []string{"version"},
		reaches:     "Infisical with INFISICAL_* variables"},
	{name: vals.ProviderServercore, byDefault: true, reach: reachNetwork | reachEnvironment,
		reaches: "Servercore with its SERVERCORE_* variables"},
}

// unknownScheme is what the package assumes of a scheme it has no entry
// for (one of a Backend of one's own): the provider settings vals' own
// providers use are public, and nothing else is known.
var unknownScheme = scheme{publicQuery: []string{"address", "region", "profile", "version", "host", "proto",
	"namespace", "format", "encode", "decode", "key_type", "mode", "auth_method", "recursive"}}

// lookupScheme returns the entry of a scheme, compared without regard to
// case as vals (net/url) does, or unknownScheme.
func lookupScheme(name string) *scheme {
	for i := range schemes {
		if strings.EqualFold(schemes[i].name, name) {
			return &schemes[i]
		}
	}
	return &unknownScheme
}

// DefaultSchemes returns the schemes a Resolver allows when WithSchemes is not
// given: every scheme vals v0.46.1 knows, except those that run a program
// or prompt on the terminal ("exec", "keychain", "googlesheets"). The README's
// Trust model section has a table of what each one reaches. The slice is
// new on every call; extend it to allow more:
//
//	secrets.WithSchemes(append(secrets.DefaultSchemes(), "exec")...)
//
// Note that "envsubst" reads any environment variable of the process, and
// the cloud schemes use the process's credentials: narrow the list for a
// workspace whose author must not use them.
func DefaultSchemes() []string {
	var out []string
	for _, s := range schemes {
		if s.byDefault {
			out = append(out, s.name)
		}
	}
	return out
}
