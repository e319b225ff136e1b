package loader_test

import (
	"errors"
	"log/slog"
	"math/big"
	"net/netip"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/hushflow/hushflow/internal/sopsenc"
	"github.com/hushflow/hushflow/internal/testkit"
	"github.com/hushflow/hushflow/loader"
)

// durationField is a user type whose UnmarshalYAML quotes its input in its
// error, as time.ParseDuration does.
type durationField struct{ d time.Duration }

func (f *durationField) UnmarshalYAML(n *yaml.Node) error {
	d, err := time.ParseDuration(n.Value)
	f.d = d
	return err
}

func TestDecodeErrorsNameThePlaceNotTheValue(t *testing.T) {
	t.Parallel()
	const secret = "S3CRET-d3c0de\nsecond line"
	id, rcpt := newAgeKey(t)
	plain := "secrets:\n  VALUE: |-\n    S3CRET-d3c0de\n    second line\n"
	fsys := fstest.MapFS{
		"a.yaml":      {Data: []byte("actions:\n  ok:\n    cmd: echo\n")},
		"s.sops.yaml": {Data: encrypt(t, plain, sopsenc.Rules{}, rcpt)},
	}
	ws, err := loader.Load(t.Context(), fsys, loader.WithAgeIdentities(id))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		into any
		says string // the Go type, when the decoder names it
	}{
		{"int", &struct {
			Secrets struct {
				V int `yaml:"VALUE"`
			} `yaml:"secrets"`
		}{}, "into int"},
		{"time.Time", &struct {
			Secrets struct {
				V time.Time `yaml:"VALUE"`
			} `yaml:"secrets"`
		}{}, ""},
		{"netip.Addr", &struct {
			Secrets struct {
				V netip.Addr `yaml:"VALUE"`
			} `yaml:"secrets"`
		}{}, ""},
		{"big.Int", &struct {
			Secrets struct {
				V *big.Int `yaml:"VALUE"`
			} `yaml:"secrets"`
		}{}, ""},
		{"slog.Level", &struct {
			Secrets struct {
				V slog.Level `yaml:"VALUE"`
			} `yaml:"secrets"`
		}{}, ""},
		{"custom UnmarshalYAML", &struct {
			Secrets struct {
				V durationField `yaml:"VALUE"`
			} `yaml:"secrets"`
		}{}, ""},
		{"map of them", &struct {
			Secrets map[string]time.Duration `yaml:"secrets"`
		}{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := ws.Decode(tt.into)
			if err == nil {
				t.Fatal("Decode succeeded, want an error")
			}
			testkit.AssertNoLeak(t, "Decode error", err.Error(), secret, "S3CRET", "second line")
			var fe *loader.FileError
			if !errors.As(err, &fe) {
				t.Fatalf("error %q is not a *FileError", testkit.Hide(err.Error(), "S3CRET"))
			}
			if fe.Path != "s.sops.yaml" || fe.Key != "secrets.VALUE" || fe.Line != 2 { // line 2 of the file as sops wrote it
				t.Errorf("error at %s:%d key %q, want s.sops.yaml:2 key secrets.VALUE", fe.Path, fe.Line, fe.Key)
			}
			if tt.says != "" && !strings.Contains(err.Error(), tt.says) {
				t.Errorf("error %q does not say %q", testkit.Hide(err.Error(), "S3CRET"), tt.says)
			}
		})
	}
}

func TestDecodeErrorInAList(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{
		"a.yaml": {Data: []byte("hooks:\n  - timeout: 1s\n")},
		"b.yaml": {Data: []byte("hooks:\n  - timeout: 2s\n  - timeout: S3CRET-soon\n")},
	}
	ws, err := loader.Load(t.Context(), fsys)
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Hooks []struct {
			Timeout time.Duration `yaml:"timeout"`
		} `yaml:"hooks"`
	}
	err = ws.Decode(&v)
	var fe *loader.FileError
	if !errors.As(err, &fe) {
		t.Fatalf("err = %v, want a *FileError", err)
	}
	testkit.AssertNoLeak(t, "Decode error", err.Error(), "S3CRET")
	if fe.Path != "b.yaml" || fe.Key != "hooks[2].timeout" || fe.Line != 3 {
		t.Errorf("error at %s:%d key %q, want b.yaml:3 key hooks[2].timeout", fe.Path, fe.Line, fe.Key)
	}
}
