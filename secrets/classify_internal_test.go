package secrets

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestClassifyKeepsOnlyCheckedShapes(t *testing.T) {
	t.Parallel()
	const key = "file:///etc/app.yaml?token=S3CRET-query-token#/db/password"
	for _, tc := range []struct {
		name, msg string
		kind      error
		keep      string // text that must be kept; "" means the message is withheld
	}{
		{"missing file", "open /etc/app.yaml: no such file or directory", ErrNotFound, "vals: open: no such file or directory"},
		{"another file", "open /etc/other.yaml: no such file or directory", ErrNotFound, "open /etc/other.yaml: no such file or directory"},
		{"a directory", "read /etc: is a directory", ErrBackend, "read /etc: is a directory"},
		{"sops missing file", `failed to read "/x.yaml": open /x.yaml: no such file or directory`, ErrNotFound, `failed to read "/x.yaml"`},
		{"missing key", "no value found for key db/password", ErrNotFound, "no key #/db/password"},
		{"walks into scalar", "unexpected type of value for key at 0=db in [db password]: expected a map, got S3CRET-v(string)", ErrNotFound, `key "db" of #/db/password holds a scalar`},
		{"yaml quotes", "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!str `S3CRET-v` into map[string]interface {}", ErrBackend, ""},
		{"yaml syntax", "yaml: line 3: could not find expected ':'", ErrBackend, ""},
		{"json", "invalid character 'S' looking for beginning of value", ErrBackend, ""},
		{"go value", "unexpected type of value: S3CRET-v(string)", ErrBackend, ""},
		{"vault 403", "Error making API request.\n\nURL: GET http://v:8200/v1/secret/data/api\nCode: 403. Errors:\n\n* permission denied", ErrBackend, "Code: 403. Errors: * permission denied"},
		{"ssm empty path", "ssm: out.Parameters is empty", ErrNotFound, "out.Parameters is empty"},
		{"vault missing", `no secret found for path "secret/api"`, ErrNotFound, "no secret found"},
		{"ssm missing", "get parameter: operation error SSM: GetParameter, https response error StatusCode: 400, RequestID: 1, ParameterNotFound: ", ErrNotFound, "ParameterNotFound"},
		{"aws creds", "get parameter: operation error SSM: GetParameter, get identity: get credentials: failed to refresh cached credentials, no EC2 IMDS role found", ErrBackend, "no EC2 IMDS role found"},
		{"network", `Get "http://127.0.0.1:1/v1/x": dial tcp 127.0.0.1:1: connect: connection refused`, ErrBackend, "connection refused"},
		{"query value masked", "Error making API request.\n\nURL: GET http://v/S3CRET-query-token\nCode: 500. Errors:", ErrBackend, "[credential]"},
		{"unknown shape", "something odd happened with S3CRET-v", ErrBackend, ""},
		{"file named like yaml", "open /x/unmarshal.yaml: permission denied", ErrBackend, ""}, // over-cautious, never leaky
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := scrub("ref+"+key, classify("expand "+key+": "+tc.msg, key))
			if !errors.Is(err, tc.kind) {
				t.Errorf("kind: %v, want %v", err, tc.kind)
			}
			text := err.Error()
			if strings.Contains(text, "S3CRET") {
				t.Error("secret leaked")
			}
			if tc.keep == "" && !strings.Contains(text, "withheld") {
				t.Errorf("%q: message kept, want it withheld", text)
			}
			if tc.keep != "" && !strings.Contains(text, tc.keep) {
				t.Errorf("%q does not keep %q", text, tc.keep)
			}
		})
	}
}

// The formats in which vals (v0.46.1) and yaml.v3 quote data in errors.
var quotingFormats = []func(v string) string{
	func(v string) string {
		return fmt.Sprintf("unexpected type of value for key at %d=%s in %v: expected a map, got %v(%T)", 1, "password", []string{"db", "password", "x"}, v, v)
	},
	func(v string) string {
		return "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!str `" + v + "` into map[string]interface {}"
	},
	func(v string) string { return fmt.Sprintf("unexpected type of value: %v(%T)", v, v) },
	func(v string) string {
		return fmt.Sprintf("unexpected type: %v: %T", map[string]any{"k": v}, map[string]any{})
	},
	func(v string) string { return "json: cannot unmarshal string into Go value of type map; " + v },
}

func FuzzClassifyNeverQuotesData(f *testing.F) {
	for _, s := range []string{"S3CRET", "hunter2", "a b c", "`", "got x(string)", "open /x: no such file or directory", "dial tcp"} {
		f.Add(s)
	}
	const key = "file:///etc/app.yaml#/db/password/x"
	f.Fuzz(func(t *testing.T, secret string) {
		if len(secret) < 3 {
			return // too short to tell a leak from a coincidence
		}
		for i, format := range quotingFormats {
			// What the message says with a harmless value: a secret that
			// appears there anyway (a word of ours) is not a leak.
			baseline := classify("expand "+key+": "+format("\x00placeholder\x00"), key).Error()
			if strings.Contains(baseline, secret) || strings.Contains(key, secret) {
				continue
			}
			if got := classify("expand "+key+": "+format(secret), key).Error(); strings.Contains(got, secret) {
				t.Errorf("format %d: the value reached the error", i)
			}
			if err := classifyPanic(errors.New(format(secret)), key); strings.Contains(err.Error(), secret) {
				t.Errorf("format %d: the value reached the panic error", i)
			}
		}
	})
}
