package secrets

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go/logging"
	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/hushflow/hushflow/internal/ref"
)

// awsClients answers the AWS schemes (awsssm, awssecrets, awskms, s3) in
// process, with vals' syntax and semantics, and keeps one AWS configuration
// and its clients per configuration a reference asks for: its region=,
// profile= and role_arn=, and the AWS_* environment when it is loaded. vals
// would build a new SDK configuration (a credential lookup, an AssumeRole)
// and a new HTTP transport for every call, each leaving keep-alive
// connections idle for 90 s; here every client shares one transport, whose
// idle connections close after awsIdleTimeout, and credentials are cached
// until they expire.
//
// The SDK's logger is silent: vals' clients write the SDK's warnings
// ("WARN falling back to IMDSv1", "WARN Response has no supported
// checksum") to the host's stderr, and no option of vals reaches them. The
// calls honour their context, which vals' providers ignore.
type awsClients struct {
	http    *awshttp.BuildableClient
	mu      sync.Mutex // one load per configuration at a time
	configs *lru.Cache[string, *awsConfig]
}

// awsIdleTimeout is how long an idle connection to AWS is kept. A resolver
// calls AWS in bursts (a workspace load, a TTL's refresh) minutes apart:
// connections are reused within a burst, and none is left open between
// bursts holding a socket and two goroutines.
const awsIdleTimeout = 2 * time.Second

// maxAWSConfigs bounds the configurations kept; the least recently used is
// dropped first.
const maxAWSConfigs = 64

// awsConfig is one loaded configuration and the clients made from it.
type awsConfig struct {
	cfg  aws.Config
	once struct{ ssm, sm, kms, s3 sync.Once }
	ssm  *ssm.Client
	sm   *secretsmanager.Client
	kms  *kms.Client
	s3   *s3.Client
}

func newAWSClients() *awsClients {
	configs, _ := lru.New[string, *awsConfig](maxAWSConfigs) // cannot fail: the size is positive
	return &awsClients{
		http: awshttp.NewBuildableClient().WithTransportOptions(func(t *http.Transport) {
			t.IdleConnTimeout = awsIdleTimeout
		}),
		configs: configs,
	}
}

// Get answers one reference, as a Backend.
func (c *awsClients) Get(ctx context.Context, reference string) (string, error) {
	p, err := ref.Parse(reference)
	if err != nil {
		return "", newError(ErrInvalidRef, "the reference does not parse as a URL")
	}
	conf, err := c.config(ctx, p)
	if err != nil {
		return "", err
	}
	key := strings.TrimPrefix(ref.Safe(reference), "ref+")
	switch strings.ToLower(p.Scheme) {
	case "awsssm":
		return conf.ssmGet(ctx, p, key)
	case "awssecrets":
		return conf.smGet(ctx, p, key)
	case "awskms":
		return conf.kmsGet(ctx, p, key)
	case "s3":
		return conf.s3Get(ctx, p, key)
	}
	return "", newError(ErrInvalidRef, "not an AWS scheme")
}

// config returns the configuration p asks for, loading it the first time,
// as vals' awsclicompat does: the region= query, the profile= query (or
// AWS_PROFILE when FORCE_AWS_PROFILE is "true"), falling back to ambient
// credentials for a profile= that does not exist, and role_arn= assumed
// with STS.
func (c *awsClients) config(ctx context.Context, p ref.Parts) (*awsConfig, error) {
	profile, fromQuery := valsProfile(p)
	id := strings.Join([]string{setting(p, "region"), profile, setting(p, "role_arn"), awsEnvironment()}, "\x00")
	if conf, ok := c.configs.Get(id); ok {
		return conf, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if conf, ok := c.configs.Get(id); ok {
		return conf, nil
	}
	load := func(profile string) (aws.Config, error) {
		return awsconfig.LoadDefaultConfig(ctx, awsLoadOptions(p, profile,
			awsconfig.WithClientLogMode(0), awsconfig.WithHTTPClient(c.http))...)
	}
	cfg, err := load(profile)
	var missing awsconfig.SharedConfigProfileNotExistError
	if err != nil && fromQuery && errors.As(err, &missing) {
		cfg, err = load("")
	}
	if err != nil {
		if text, ok, _ := safeText(err.Error(), p.Path); ok {
			return nil, newError(ErrBackend, "cannot load the AWS configuration: "+text)
		}
		return nil, newError(ErrBackend, "cannot load the AWS configuration (the SDK's message is withheld)")
	}
	if arn := setting(p, "role_arn"); arn != "" {
		cfg.Credentials = aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(sts.NewFromConfig(cfg), arn))
	}
	conf := &awsConfig{cfg: cfg}
	c.configs.Add(id, conf)
	return conf, nil
}

// awsEnvironment fingerprints the AWS_* variables (and FORCE_AWS_PROFILE)
// the SDK reads when it loads a configuration, so that a changed
// environment loads a new one, as vals' configuration per call would.
func awsEnvironment() string {
	var vars []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "AWS_") || strings.HasPrefix(kv, "FORCE_AWS_PROFILE=") {
			vars = append(vars, kv)
		}
	}
	slices.Sort(vars)
	sum := sha256.Sum256([]byte(strings.Join(vars, "\x00")))
	return hex.EncodeToString(sum[:])
}

func (a *awsConfig) ssmClient() *ssm.Client {
	a.once.ssm.Do(func() { a.ssm = ssm.NewFromConfig(a.cfg, func(o *ssm.Options) { o.Logger = logging.Nop{} }) })
	return a.ssm
}

func (a *awsConfig) smClient() *secretsmanager.Client {
	a.once.sm.Do(func() {
		a.sm = secretsmanager.NewFromConfig(a.cfg, func(o *secretsmanager.Options) { o.Logger = logging.Nop{} })
	})
	return a.sm
}

func (a *awsConfig) kmsClient() *kms.Client {
	a.once.kms.Do(func() { a.kms = kms.NewFromConfig(a.cfg, func(o *kms.Options) { o.Logger = logging.Nop{} }) })
	return a.kms
}

// s3Client addresses an endpoint of one's own (AWS_ENDPOINT_URL,
// AWS_ENDPOINT_URL_S3: MinIO, moto) path-style, instead of by a bucket
// host name that needs DNS.
func (a *awsConfig) s3Client() *s3.Client {
	a.once.s3.Do(func() {
		custom := os.Getenv("AWS_ENDPOINT_URL") != "" || os.Getenv("AWS_ENDPOINT_URL_S3") != "" || a.cfg.BaseEndpoint != nil
		a.s3 = s3.NewFromConfig(a.cfg, func(o *s3.Options) {
			o.UsePathStyle = o.UsePathStyle || custom
			o.Logger = logging.Nop{}
		})
	})
	return a.s3
}
