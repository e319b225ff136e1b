package secrets

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"go.yaml.in/yaml/v3"

	"github.com/hushflow/hushflow/internal/ref"
)

// The AWS providers of vals v0.46.1 (pkg/providers/ssm, awssecrets, awskms,
// s3), read in process with clients kept per configuration (awsClients).
// Each follows vals: a reference without a #/fragment asks the provider's
// GetString for its path; one with a fragment asks GetStringMap and walks
// the fragment's keys through the map, as vals' Runtime does. Error texts
// are vals' own, so that classify keeps or withholds them as it does vals'.

// setting is a provider setting as vals reads it (config.MapConfig with
// vals' fallback): the query parameter if present, VALS_<NAME> otherwise.
func setting(p ref.Parts, name string) string {
	if vs, ok := p.Query[name]; ok && len(vs) > 0 {
		return vs[0]
	}
	return os.Getenv("VALS_" + strings.ToUpper(name))
}

// answer turns what a provider returned into the value of the reference:
// GetString's string, or the fragment walked through GetStringMap's map.
func answer(ctx context.Context, p ref.Parts, key string, str func() (string, error), m func() (map[string]any, error)) (string, error) {
	var (
		v   any
		err error
	)
	if p.Fragment == "" {
		v, err = str()
	} else {
		var doc map[string]any
		if doc, err = m(); err == nil {
			v, err = walkValue(doc, p.Fragment)
		}
	}
	if err != nil {
		if ctx.Err() != nil {
			return "", fmt.Errorf("AWS did not answer: %w", ctx.Err())
		}
		return "", classify(err.Error(), key)
	}
	return valsValue(v)
}

// walkValue follows frag's keys through doc as vals' Runtime does with
// FailOnMissingKeyInMap, with its error texts.
func walkValue(doc map[string]any, frag string) (any, error) {
	keys := strings.Split(frag, "/")
	obj := doc
	for i, k := range keys {
		t, found := obj[k]
		if !found {
			return nil, fmt.Errorf("no value found for key %s", frag)
		}
		if i == len(keys)-1 {
			return t, nil
		}
		m, ok := stringKeyed(t)
		if !ok {
			return nil, fmt.Errorf("unexpected type of value for key at %d=%s in %v: expected a map, got %v(%T)", i, k, keys, t, t)
		}
		obj = m
	}
	return nil, nil
}

// stringKeyed is vals' asStringKeyedMap.
func stringKeyed(v any) (map[string]any, bool) {
	switch t := v.(type) {
	case map[string]any:
		return t, true
	case map[any]any:
		m := make(map[string]any, len(t))
		for k, val := range t {
			m[fmt.Sprintf("%v", k)] = val
		}
		return m, true
	}
	return nil, false
}

func yamlMap(s string) (map[string]any, error) {
	m := map[string]any{}
	if err := yaml.Unmarshal([]byte(s), &m); err != nil {
		return nil, err
	}
	return m, nil
}

// ssmName is the parameter name vals' ssm provider asks for.
func ssmName(path string) string {
	if path != "" && path[0] != '/' {
		return "/" + path
	}
	return path
}

func (a *awsConfig) ssmGet(ctx context.Context, p ref.Parts, key string) (string, error) {
	name := ssmName(p.Path)
	str := func() (string, error) { return a.ssmString(ctx, p, name) }
	return answer(ctx, p, key, str, func() (map[string]any, error) {
		if setting(p, "mode") == "singleparam" {
			s, err := str()
			if err != nil {
				return nil, err
			}
			return yamlMap(s)
		}
		return a.ssmPath(ctx, p, name)
	})
}

func (a *awsConfig) ssmString(ctx context.Context, p ref.Parts, name string) (string, error) {
	c := a.ssmClient()
	if v := setting(p, "version"); v != "" {
		version, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return "", errors.New("version can't be converted to Int")
		}
		pages := ssm.NewGetParameterHistoryPaginator(c, &ssm.GetParameterHistoryInput{Name: aws.String(name), WithDecryption: aws.Bool(true)})
		for pages.HasMorePages() {
			out, err := pages.NextPage(ctx)
			if err != nil {
				return "", fmt.Errorf("get parameter history: %v", err)
			}
			for _, h := range out.Parameters {
				if h.Version == version && h.Value != nil && *h.Value != "" {
					return *h.Value, nil
				}
			}
		}
		return "", errors.New("datasource.ssm.Get() out.Parameter.Value is nil")
	}
	out, err := c.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(name), WithDecryption: aws.Bool(true)})
	if err != nil {
		return "", fmt.Errorf("get parameter: %v", err)
	}
	if out.Parameter == nil || out.Parameter.Value == nil {
		return "", errors.New("datasource.ssm.Get() out.Parameter.Value is nil")
	}
	return *out.Parameter.Value, nil
}

// ssmPath reads every parameter under name into a map of maps, as vals'
// GetStringMap does.
func (a *awsConfig) ssmPath(ctx context.Context, p ref.Parts, name string) (map[string]any, error) {
	recursive := setting(p, "recursive") == "true"
	pages := ssm.NewGetParametersByPathPaginator(a.ssmClient(), &ssm.GetParametersByPathInput{
		Path: aws.String(name), Recursive: aws.Bool(recursive), WithDecryption: aws.Bool(true)})
	var params []ssmtypes.Parameter
	for pages.HasMorePages() {
		out, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("ssm: get parameters by path: %v", err)
		}
		params = append(params, out.Parameters...)
	}
	if len(params) == 0 {
		return nil, errors.New("ssm: out.Parameters is empty")
	}
	res := map[string]any{}
	for _, prm := range params {
		rest := strings.TrimPrefix(aws.ToString(prm.Name), name)
		if rest == "" || rest[0] != '/' {
			return nil, errors.New("bug: unexpected format of parameter: it must start with a slash(/)")
		}
		parts := strings.Split(rest[1:], "/")
		cur := res
		for i, n := range parts {
			if i == len(parts)-1 {
				cur[n] = aws.ToString(prm.Value)
				continue
			}
			if m, ok := cur[n]; !ok {
				cur[n] = map[string]any{}
			} else if _, isMap := m.(map[string]any); !isMap {
				if !recursive {
					return nil, fmt.Errorf("bug: unexpected type of value found at %d in %v", i, parts)
				}
				cur[n] = map[string]any{}
			}
			cur = cur[n].(map[string]any)
		}
	}
	return res, nil
}

func (a *awsConfig) smGet(ctx context.Context, p ref.Parts, key string) (string, error) {
	str := func() (string, error) { return a.smString(ctx, p, p.Path) }
	return answer(ctx, p, key, str, func() (map[string]any, error) {
		if s, err := str(); err == nil {
			m, err := yamlMap(s)
			if err != nil {
				return nil, fmt.Errorf("error while parsing secret for key %q as yaml: %v", p.Path, err)
			}
			return m, nil
		}
		return a.smMeta(ctx, p)
	})
}

func (a *awsConfig) smString(ctx context.Context, p ref.Parts, id string) (string, error) {
	in := &secretsmanager.GetSecretValueInput{SecretId: aws.String(id)}
	if v := setting(p, "version_stage"); v != "" {
		in.VersionStage = aws.String(v)
	}
	if v := setting(p, "version_id"); v != "" {
		in.VersionId = aws.String(v)
	}
	out, err := a.smClient().GetSecretValue(ctx, in)
	if err != nil {
		return "", fmt.Errorf("get parameter: %v", err)
	}
	switch {
	case out.SecretString != nil:
		return *out.SecretString, nil
	case out.SecretBinary != nil:
		return string(out.SecretBinary), nil
	}
	return "", errors.New("awssecrets: get secret value: no SecretString nor SecretBinary is set")
}

// smMeta is vals' fallback for a secret that cannot be read as a map: a
// secret PATH/meta listing, under "github.com/helmfile/vals", the secrets
// PATH/SUFFIX that make the map.
func (a *awsConfig) smMeta(ctx context.Context, p ref.Parts) (map[string]any, error) {
	base := strings.TrimRight(p.Path, "/")
	s, err := a.smString(ctx, p, base+"/meta")
	if err != nil {
		return nil, err
	}
	meta, err := yamlMap(s)
	if err != nil {
		return nil, err
	}
	const field = "github.com/helmfile/vals"
	list, ok := meta[field].([]any)
	if !ok {
		return nil, fmt.Errorf("%q not found or not a list", field)
	}
	res := map[string]any{}
	for _, suf := range list {
		k := strings.TrimLeft(fmt.Sprintf("%v", suf), "/")
		v, err := a.smString(ctx, p, base+"/"+k)
		if err != nil {
			return nil, err
		}
		res[k] = v
	}
	return res, nil
}

func (a *awsConfig) kmsGet(ctx context.Context, p ref.Parts, key string) (string, error) {
	str := func() (string, error) { return a.kmsDecrypt(ctx, p) }
	return answer(ctx, p, key, str, func() (map[string]any, error) {
		s, err := str()
		if err != nil {
			return nil, err
		}
		return yamlMap(s)
	})
}

func (a *awsConfig) kmsDecrypt(ctx context.Context, p ref.Parts) (string, error) {
	blob, err := base64.URLEncoding.DecodeString(p.Path)
	if err != nil {
		return "", errors.New("the path is not base64url")
	}
	in := &kms.DecryptInput{CiphertextBlob: blob}
	if k := setting(p, "key"); k != "" {
		in.KeyId = aws.String(k)
	}
	switch alg := setting(p, "alg"); alg {
	case "":
	case "RSAES_OAEP_SHA_1":
		in.EncryptionAlgorithm = kmstypes.EncryptionAlgorithmSpecRsaesOaepSha1
	case "RSAES_OAEP_SHA_256":
		in.EncryptionAlgorithm = kmstypes.EncryptionAlgorithmSpecRsaesOaepSha256
	default: // vals takes anything else for the default
		in.EncryptionAlgorithm = kmstypes.EncryptionAlgorithmSpecSymmetricDefault
	}
	if c := setting(p, "context"); c != "" {
		m := map[string]string{}
		if err := yaml.Unmarshal([]byte(c), &m); err != nil {
			return "", errors.New("the context= parameter is not a YAML map of strings")
		}
		in.EncryptionContext = m
	}
	out, err := a.kmsClient().Decrypt(ctx, in)
	if err != nil {
		return "", err
	}
	return string(out.Plaintext), nil
}

// s3Get reads an object as vals' s3 provider does
// (ref+s3://BUCKET/KEY?region=&profile=&role_arn=&version=#/fragment).
func (a *awsConfig) s3Get(ctx context.Context, p ref.Parts, key string) (string, error) {
	bucket, object, ok := strings.Cut(strings.TrimPrefix(p.Path, "/"), "/")
	if !ok || bucket == "" || object == "" {
		return "", newError(ErrInvalidRef, "want ref+s3://BUCKET/KEY")
	}
	in := &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(object)}
	version := setting(p, "version")
	if version == "" {
		version = setting(p, "version_id")
	}
	if version != "" {
		in.VersionId = aws.String(version)
	}
	out, err := a.s3Client().GetObject(ctx, in)
	if err != nil {
		if ctx.Err() != nil {
			return "", fmt.Errorf("s3 did not answer: %w", ctx.Err())
		}
		return "", classify("getting s3 object: "+err.Error(), key)
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
