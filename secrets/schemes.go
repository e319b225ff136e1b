package secrets

import "github.com/helmfile/vals"

// DefaultSchemes returns the schemes a Resolver allows when WithSchemes is not
// given: every backend vals v0.46.1 knows, except "exec", which runs a command
// on the host. The slice is new on every call; extend it to allow more:
//
//	secrets.WithSchemes(append(secrets.DefaultSchemes(), "exec")...)
//
// Note that "file" (and "sops") read any file the process may read, and
// "envsubst" any environment variable: remove them when references come from
// people who must not read the host.
func DefaultSchemes() []string {
	return []string{
		vals.ProviderEcho,
		vals.ProviderFile,
		vals.ProviderEnvSubst,
		vals.ProviderSOPS,
		vals.ProviderVault,
		vals.ProviderOpenBao,
		vals.ProviderSSM,
		vals.ProviderSecretsManager,
		vals.ProviderKms,
		vals.ProviderS3,
		vals.ProviderGCS,
		vals.ProviderGCPSecretManager,
		vals.ProviderGKMS,
		vals.ProviderGoogleSheets,
		vals.ProviderGitLab,
		vals.ProviderAzureKeyVault,
		vals.ProviderTFState,
		vals.ProviderTFStateGS,
		vals.ProviderTFStateS3,
		vals.ProviderTFStateAzureRM,
		vals.ProviderTFStateRemote,
		vals.ProviderTFStateGitLab,
		vals.ProviderKeychain,
		vals.ProviderOCI,
		vals.ProviderOnePassword,
		vals.ProviderOnePasswordConnect,
		vals.ProviderDoppler,
		vals.ProviderPulumiStateAPI,
		vals.ProviderK8s,
		vals.ProviderConjur,
		vals.ProviderHCPVaultSecrets,
		vals.ProviderHttpJsonManager,
		vals.ProviderBitwarden,
		vals.ProviderLockbox,
		vals.ProviderScaleway,
		vals.ProviderSecretserver,
		vals.ProviderInfisical,
		vals.ProviderServercore,
	}
}
