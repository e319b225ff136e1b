package secrets

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go/logging"
	"go.yaml.in/yaml/v3"

	"github.com/hushflow/hushflow/internal/ref"
)

// s3Reader answers "s3" references in process with the AWS SDK, as vals'
// s3 provider does (ref+s3://BUCKET/KEY?region=&profile=&role_arn=&version=
// #/fragment), with three differences that a library needs: the SDK's
// logger is silent (vals' S3 client writes "WARN Response has no supported
// checksum" to the host's stderr for objects without a checksum, and no
// option of vals reaches it), the call honours its context, and an endpoint
// of one's own (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_S3: MinIO, moto) is
// addressed path-style instead of by a bucket host name that needs DNS.
//
// Its clients share one HTTP transport, so that connections to the store are
// reused rather than left idle, one set per call.
type s3Reader struct {
	http *awshttp.BuildableClient
}

func newS3Reader() *s3Reader { return &s3Reader{http: awshttp.NewBuildableClient()} }

// Get reads one reference, as a Backend.
func (r *s3Reader) Get(ctx context.Context, reference string) (string, error) {
	p, err := ref.Parse(reference)
	if err != nil {
		return "", newError(ErrInvalidRef, "the reference does not parse as a URL")
	}
	bucket, key, ok := strings.Cut(strings.TrimPrefix(p.Path, "/"), "/")
	if !ok || bucket == "" || key == "" {
		return "", newError(ErrInvalidRef, "want ref+s3://BUCKET/KEY")
	}
	client, err := r.client(ctx, p)
	if err != nil {
		return "", err
	}
	in := &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}
	version := p.Query.Get("version")
	if version == "" {
		version = p.Query.Get("version_id")
	}
	if version != "" {
		in.VersionId = aws.String(version)
	}
	out, err := client.GetObject(ctx, in)
	if err != nil {
		if ctx.Err() != nil {
			return "", fmt.Errorf("s3 did not answer: %w", ctx.Err())
		}
		return "", classify("getting s3 object: "+err.Error(), strings.TrimPrefix(ref.Safe(reference), "ref+"))
	}
	defer out.Body.Close()
	data, err := io.ReadAll(io.LimitReader(out.Body, MaxFileSize+1))
	if err != nil {
		return "", newError(ErrBackend, "reading the s3 object failed")
	}
	if len(data) > MaxFileSize {
		return "", newError(ErrBackend, fmt.Sprintf("the s3 object is larger than %d MiB", MaxFileSize>>20))
	}
	if p.Fragment == "" {
		return string(data), nil
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return "", notYAML(err)
	}
	if len(doc.Content) == 0 || deref(doc.Content[0]).Kind != yaml.MappingNode {
		return "", newError(ErrBackend, "the s3 object is not a YAML or JSON map (its content is withheld)")
	}
	return walk(&doc, p.Fragment)
}

// client builds the client one reference asks for, as vals' awsclicompat
// does, with a silent logger.
func (r *s3Reader) client(ctx context.Context, p ref.Parts) (*s3.Client, error) {
	profile, _ := valsProfile(p)
	cfg, err := awsconfig.LoadDefaultConfig(ctx, awsLoadOptions(p, profile, awsconfig.WithClientLogMode(0), awsconfig.WithHTTPClient(r.http))...)
	if err != nil {
		return nil, newError(ErrBackend, "cannot load the AWS configuration (the SDK's message is withheld)")
	}
	if arn := p.Query.Get("role_arn"); arn != "" {
		cfg.Credentials = aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(sts.NewFromConfig(cfg), arn))
	}
	custom := os.Getenv("AWS_ENDPOINT_URL") != "" || os.Getenv("AWS_ENDPOINT_URL_S3") != "" || cfg.BaseEndpoint != nil
	return s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.UsePathStyle = o.UsePathStyle || custom
		o.Logger = logging.Nop{}
	}), nil
}
