package moto

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
)

// Config returns an AWS SDK configuration that talks to s: its endpoint,
// the dummy credentials, Region. It reads nothing from the environment, so
// seeding the server works whatever the environment says.
func (s *Server) Config() aws.Config {
	return aws.Config{
		Region:       Region,
		Credentials:  credentials.NewStaticCredentialsProvider(AccessKeyID, SecretAccessKey, ""),
		BaseEndpoint: aws.String(s.URL),
		HTTPClient:   &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}, // no idle connections left behind
	}
}

// PutParameter creates or overwrites an SSM parameter, a SecureString
// (encrypted with the account's default key, as AWS does) when secure is
// true, a String otherwise. Errors never hold the value.
func (s *Server) PutParameter(ctx context.Context, name, value string, secure bool) error {
	typ := ssmtypes.ParameterTypeString
	if secure {
		typ = ssmtypes.ParameterTypeSecureString
	}
	_, err := ssm.NewFromConfig(s.Config()).PutParameter(ctx, &ssm.PutParameterInput{
		Name: aws.String(name), Value: aws.String(value), Type: typ, Overwrite: aws.Bool(true),
	})
	if err != nil {
		return fmt.Errorf("moto: put parameter %s: %w", name, err)
	}
	return nil
}

// DeleteParameter deletes an SSM parameter.
func (s *Server) DeleteParameter(ctx context.Context, name string) error {
	_, err := ssm.NewFromConfig(s.Config()).DeleteParameter(ctx, &ssm.DeleteParameterInput{Name: aws.String(name)})
	if err != nil {
		return fmt.Errorf("moto: delete parameter %s: %w", name, err)
	}
	return nil
}

// PutSecret creates a Secrets Manager secret with a string value, or gives
// an existing one a new current version. Errors never hold the value.
func (s *Server) PutSecret(ctx context.Context, name, value string) error {
	c := secretsmanager.NewFromConfig(s.Config())
	_, err := c.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String(name), SecretString: aws.String(value)})
	var exists *smtypes.ResourceExistsException
	if errors.As(err, &exists) {
		_, err = c.PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{SecretId: aws.String(name), SecretString: aws.String(value)})
	}
	if err != nil {
		return fmt.Errorf("moto: put secret %s: %w", name, err)
	}
	return nil
}

// PutObject stores an S3 object, creating the bucket if it does not exist.
func (s *Server) PutObject(ctx context.Context, bucket, key string, body []byte) error {
	c := s3.NewFromConfig(s.Config(), func(o *s3.Options) { o.UsePathStyle = true })
	if _, err := c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(bucket)}); err != nil {
		if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
			return fmt.Errorf("moto: create bucket %s: %w", bucket, err)
		}
	}
	_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: bytes.NewReader(body)})
	if err != nil {
		return fmt.Errorf("moto: put object s3://%s/%s: %w", bucket, key, err)
	}
	return nil
}

// CreateKMSKey creates a symmetric KMS key and returns its ARN, which sops
// records in the files it encrypts to the key.
func (s *Server) CreateKMSKey(ctx context.Context, description string) (string, error) {
	out, err := kms.NewFromConfig(s.Config()).CreateKey(ctx, &kms.CreateKeyInput{Description: aws.String(description)})
	if err != nil {
		return "", fmt.Errorf("moto: create KMS key: %w", err)
	}
	return aws.ToString(out.KeyMetadata.Arn), nil
}
