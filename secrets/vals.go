package secrets

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/helmfile/vals"

	"github.com/hushflow/hushflow/internal/ref"
)

// ValsOptions configures a ValsBackend.
type ValsOptions struct {
	// LogOutput receives vals' own debug lines (which name references, with
	// their query). Nil discards them: vals would otherwise write to stderr.
	LogOutput io.Writer
	// AWSLogLevel is vals' AWS SDK log level ("off", "minimal", "standard",
	// "verbose") for the providers vals runs that use AWS (tfstates3, sops
	// with KMS keys); empty means off. The AWS_SDK_GO_LOG_LEVEL variable
	// wins. The AWS schemes answered in process log nothing.
	AWSLogLevel string
}

// ValsBackend is the default Backend: it resolves references with the
// github.com/helmfile/vals Go API, in process. Providers read their
// credentials as vals does (environment, files, query parameters).
//
// The AWS schemes (awsssm, awssecrets, awskms, s3) are answered in process
// with the AWS SDK, following vals' providers, with one configuration and
// its clients kept per configuration a reference asks for (region=,
// profile=, role_arn=, the AWS_* environment) and one HTTP transport, whose
// idle connections close after a few seconds: credentials are looked up,
// and roles assumed, once rather than per call; the SDK's logger is silent;
// and calls honour ctx.
//
// Every other Get uses a fresh vals runtime. vals caches every value it
// fetched in an LRU with no expiry and no way to invalidate it, so a shared
// runtime would keep serving a rotated secret after the Resolver's TTL or
// Purge; and several vals providers build their clients lazily without a
// lock, which a runtime per call never shares. A fresh runtime costs little
// beside the provider's client set-up (a Vault login, say); the Resolver's
// cache makes that a once-per-TTL cost.
//
// Get does not filter schemes (the Resolver does): handed "ref+exec://…" it
// runs the command.
type ValsBackend struct {
	opts vals.Options
	aws  *awsClients // the AWS schemes, in process with clients kept per configuration
}

// NewValsBackend returns a vals backend.
func NewValsBackend(o ValsOptions) *ValsBackend {
	out := o.LogOutput
	if out == nil {
		out = io.Discard
	}
	return &ValsBackend{opts: vals.Options{
		LogOutput:             out,
		AWSLogLevel:           o.AWSLogLevel,
		CacheSize:             1, // unused past this call; 0 would mean 512
		FailOnMissingKeyInMap: true,
	}, aws: newAWSClients()}
}

// Get resolves one reference. A missing key or a null value is ErrNotFound,
// a map or list is ErrNotScalar, numbers and booleans are formatted as vals
// formats them. Errors never carry vals' own text unless it has a shape known
// to be free of secret data (see classify), and never the reference's
// credentials; a panic inside a provider becomes an ErrBackend error.
//
// vals cannot be interrupted, so Get returns only when vals does; ctx is
// checked before it starts. The Resolver runs Get detached and bounds it
// (WithTimeout): call it yourself only with that in mind.
func (b *ValsBackend) Get(ctx context.Context, reference string) (v string, err error) {
	sp, ok := ref.First(reference)
	if !ok || sp.End != len(reference) {
		return "", newError(ErrInvalidRef, "want exactly one reference, with no text around it")
	}
	if err := ctx.Err(); err != nil {
		return "", fmt.Errorf("not started: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			v, err = "", classifyPanic(p, sp.Ref)
		}
		err = scrub(reference, err)
	}()
	s := lookupScheme(ref.Scheme(sp.Ref))
	if s.route == viaAWS {
		return b.aws.Get(ctx, sp.Ref)
	}
	if s.preflight != nil {
		if err := s.preflight(ctx, sp.Ref); err != nil {
			return "", err
		}
	}
	return b.get(sp.Ref)
}

func (b *ValsBackend) get(key string) (string, error) {
	rt, err := vals.New(b.opts)
	if err != nil {
		return "", newError(ErrBackend, "cannot start vals")
	}
	// Eval, not Get: a whole-string reference keeps its type, so null, maps
	// and lists can be told from strings (Get prints them with %v).
	out, err := rt.Eval(map[string]any{"v": "ref+" + key})
	if err != nil {
		return "", classify(err.Error(), key)
	}
	return valsValue(out["v"])
}

// valsValue is the value of a reference from what vals' lookup returned: a
// string as it is, numbers and booleans formatted as vals formats them;
// null is ErrNotFound and a map or a list ErrNotScalar, where vals would
// print "<nil>" or Go syntax.
func valsValue(v any) (string, error) {
	switch v := v.(type) {
	case string:
		return v, nil
	case nil:
		return "", newError(ErrNotFound, "the value is null")
	case bool, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, float32, float64:
		return fmt.Sprint(v), nil
	case json.Number: // vals' vault provider decodes numbers so
		return v.String(), nil
	default:
		return "", newError(ErrNotScalar, "the reference points at a map or a list; name one key with a #/fragment")
	}
}

// Shapes of vals error text. vals formats values into some of its messages
// ("expected a map, got S3CRET(string)"; YAML errors quote the text they
// could not parse), and wraps provider errors with %v, so only the text
// survives. classify therefore keeps a message only when it has a shape that
// was checked to hold no data, and replaces every other with a description.
var (
	// Messages produced after the secret's data was read, which may quote it.
	walkedIntoScalar = regexp.MustCompile(`^unexpected type of value for key at (\d+)=`)
	quotesData       = regexp.MustCompile("(^|: )(yaml|json): |unexpected end of JSON|unmarshal|invalid character|unexpected type|expected a map|`|" +
		`\((string|bool|int|int64|uint64|float64)\)|map\[|\[\]interface`)

	// Wrappers that providers put before the error they got, checked to
	// name only the reference's own path.
	safeWrapper = regexp.MustCompile(`^(get parameter|getting s3 object|Cannot create Vault Client|failed to read "[^"\n]*"|` +
		`reading tfstate for [^\s:]+|failed to read tfstate from [^\s:]+): `)

	// Messages checked to hold no data: each names the reference's own path
	// or key, a status from the secret store, or a system error.
	safeShapes = []struct {
		re   *regexp.Regexp
		kind error
	}{
		{regexp.MustCompile(`^(open|read|stat|lstat) [^\n]*: no such file or directory$`), ErrNotFound},
		{regexp.MustCompile(`^(open|read|stat|lstat) [^\n]*: [a-z][a-z ]*$`), ErrBackend},
		{regexp.MustCompile(`^ssm: out\.Parameters is empty$`), ErrNotFound},                                                                // SSM path without parameters
		{regexp.MustCompile(`^no secret found for path "[^"\n]*"$`), ErrNotFound},                                                           // vault
		{regexp.MustCompile(`^vault: get string: key "[^"\n]*" does not exist in "[^"\n]*"$`), ErrNotFound},                                 // vault
		{regexp.MustCompile(`^Error making API request\.\s+URL: \S+ \S+\s+Code: 404\b`), ErrNotFound},                                       // vault
		{regexp.MustCompile(`^Error making API request\.\s+URL: \S+ \S+\s+Code: \d+`), ErrBackend},                                          // vault
		{regexp.MustCompile(`^operation error [A-Za-z0-9 ]+: \w+, .*(ParameterNotFound|ResourceNotFoundException|NoSuchKey)`), ErrNotFound}, // AWS
		{regexp.MustCompile(`^operation error [A-Za-z0-9 ]+: \w+, `), ErrBackend},                                                           // AWS
		{regexp.MustCompile(`^failed to get shared config profile, [\w.-]+$`), ErrBackend},                                                  // AWS config
		{regexp.MustCompile(`^failed to refresh cached credentials, no EC2 IMDS role found`), ErrBackend},                                   // AWS credential chain
		{regexp.MustCompile(`^credentials: could not find default credentials\.`), ErrBackend},                                              // Google
		{regexp.MustCompile(`^No path was found in any of the following: kubeContext URI param`), ErrBackend},                               // k8s
		{regexp.MustCompile(`^no provider registered for scheme "[\w-]*"$`), ErrBackend},
		{regexp.MustCompile(`^(Error getting data key|Failed to get the data key required to decrypt the SOPS file)`), ErrBackend}, // sops
		{regexp.MustCompile(`^sops metadata not found$`), ErrBackend},
		{regexp.MustCompile(`(dial tcp|connection refused|no such host|i/o timeout|TLS handshake|x509: )`), ErrBackend},
	}
)

// maxDetail bounds the vals text kept in an error.
const maxDetail = 400

// classify turns vals' error text for reference key (without "ref+") into an
// error that is safe to show.
func classify(msg, key string) error {
	msg = strings.TrimPrefix(msg, "expand "+key+": ")
	parts, _ := ref.Parse(key)
	frag := parts.Fragment
	if m := walkedIntoScalar.FindStringSubmatch(msg); m != nil {
		keys := strings.Split(frag, "/")
		if i, err := strconv.Atoi(m[1]); err == nil && i < len(keys)-1 {
			return newError(ErrNotFound, fmt.Sprintf("key %q of #/%s holds a scalar, not a map", keys[i], frag))
		}
		return newError(ErrNotFound, fmt.Sprintf("#/%s walks into a scalar", frag))
	}
	if strings.HasPrefix(msg, "no value found for key ") {
		return newError(ErrNotFound, fmt.Sprintf("no key #/%s", frag))
	}
	if quotesData.MatchString(msg) {
		return newError(ErrBackend, "vals could not read the secret's data as a map (its message is withheld: it may quote the data)")
	}
	if text, ok, kind := safeText(msg, key); ok {
		return newError(kind, "vals: "+shorten(text, parts.Path))
	}
	return newError(ErrBackend, "vals failed (its message is withheld: it is not of a shape known to be free of secret data)")
}

// safeText returns msg, tidied, if it has one of the safe shapes.
func safeText(msg, key string) (text string, ok bool, kind error) {
	if quotesData.MatchString(msg) {
		return "", false, nil
	}
	rest := msg
	for {
		loc := safeWrapper.FindStringIndex(rest)
		if loc == nil {
			break
		}
		rest = rest[loc[1]:]
	}
	for _, s := range safeShapes {
		if s.re.MatchString(rest) {
			return tidy(msg, key), true, s.kind
		}
	}
	return "", false, nil
}

// classifyPanic turns a panic inside a vals provider into an error. An
// unknown AWS_PROFILE, for one, panics inside vals.
func classifyPanic(p any, key string) error {
	if err, ok := p.(error); ok {
		if text, ok, _ := safeText(err.Error(), key); ok {
			return newError(ErrBackend, "a vals provider panicked: "+text)
		}
	}
	return newError(ErrBackend, "a vals provider panicked (panic value withheld)")
}

// fileOp is an error about the reference's own file: the error names the
// reference already, so the path is not repeated.
var fileOp = regexp.MustCompile(`^(?:failed to read "([^"\n]*)": )?(open|read|stat|lstat) ([^\n]*): ([a-z][a-z ]*)$`)

// shorten drops the reference's own path from a message about its file:
// "open /etc/app.yaml: no such file or directory" → "open: no such file or
// directory".
func shorten(msg, path string) string {
	m := fileOp.FindStringSubmatch(msg)
	if m == nil || m[3] != path || (m[1] != "" && m[1] != path) {
		return msg
	}
	return m[2] + ": " + m[4]
}

// tidy puts msg on one line and bounds its length. (The reference's
// credentials are removed by scrub, for every backend.)
func tidy(msg, _ string) string {
	msg = strings.Join(strings.Fields(msg), " ")
	if len(msg) > maxDetail {
		msg = msg[:maxDetail] + "…"
	}
	return msg
}
