package secrets

import (
	"context"
	"errors"
	"os"

	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/smithy-go/logging"

	"github.com/hushflow/hushflow/internal/ref"
)

// awsCredentials checks, before vals runs an AWS provider, that AWS
// credentials can be found the way vals' providers will look for them (the
// query's region= and profile=, FORCE_AWS_PROFILE, the environment), and
// fails when they cannot.
//
// Why: vals builds its AWS configuration with the SDK's default logger,
// which writes to the process's stderr, and no option reaches it. Without
// credentials the SDK asks the instance metadata service, and where that
// answers IMDSv2's token request with 403, 404 or 405 (a proxy, another
// cloud) the SDK writes "WARN falling back to IMDSv1" to fd 2 on every call.
// This check runs the same credential chain with a silent logger, so a
// reference tried without credentials fails here, quietly, and vals only
// runs when credentials exist (then the SDK has nothing to warn about: a
// working IMDSv2, or credentials that need no metadata at all). It costs one
// more credential lookup per backend call, which the cache makes rare.
//
// It is the preflight of the AWS schemes that vals runs (see the scheme
// registry).
func awsCredentials(ctx context.Context, key string) error {
	p, err := ref.Parse(key)
	if err != nil {
		return nil // vals will say what is wrong
	}
	profile, fromQuery := valsProfile(p)
	load := func(profile string) error {
		cfg, err := awsconfig.LoadDefaultConfig(ctx, awsLoadOptions(p, profile)...)
		if err != nil {
			return err
		}
		if cfg.Credentials == nil {
			return errors.New("no credential provider")
		}
		_, err = cfg.Credentials.Retrieve(ctx)
		return err
	}
	err = load(profile)
	var missing awsconfig.SharedConfigProfileNotExistError
	if err != nil && fromQuery && errors.As(err, &missing) {
		err = load("") // vals falls back to ambient credentials for a profile= that does not exist
	}
	if err == nil {
		return nil
	}
	if text, ok, _ := safeText(err.Error(), p.Path); ok {
		return newError(ErrBackend, "no AWS credentials found: "+text)
	}
	return newError(ErrBackend, "no AWS credentials found (the SDK's message is withheld: it is not of a shape known to be free of secret data)")
}

// valsProfile is the AWS profile vals uses for a reference, as its
// awsclicompat picks it: the profile= query, or AWS_PROFILE when
// FORCE_AWS_PROFILE is "true". fromQuery says it came from the reference.
func valsProfile(p ref.Parts) (profile string, fromQuery bool) {
	if profile = setting(p, "profile"); profile != "" {
		return profile, true
	}
	if os.Getenv("FORCE_AWS_PROFILE") == "true" {
		return os.Getenv("AWS_PROFILE"), false
	}
	return "", false
}

// awsLoadOptions configures the AWS SDK as vals does for a reference (its
// region= query and profile), with the SDK's logger silent: it writes to
// the host's stderr otherwise.
func awsLoadOptions(p ref.Parts, profile string, more ...func(*awsconfig.LoadOptions) error) []func(*awsconfig.LoadOptions) error {
	opts := append([]func(*awsconfig.LoadOptions) error{awsconfig.WithLogger(logging.Nop{})}, more...)
	if region := setting(p, "region"); region != "" {
		opts = append(opts, awsconfig.WithRegion(region))
	}
	if profile != "" {
		opts = append(opts, awsconfig.WithSharedConfigProfile(profile))
	}
	return opts
}
