package loader_test

import (
	"bytes"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"testing"
	"testing/fstest"

	"github.com/hushflow/hushflow/internal/sopsenc"
	"github.com/hushflow/hushflow/loader"
)

// Printing any exported type of the package, with any verb, through log
// or through slog's text and JSON handlers, shows no value it holds.
func TestPrintingShowsNoValue(t *testing.T) {
	t.Parallel()
	const (
		encrypted = "enc-at-rest-value-7781"
		resolved  = "resolved-token-value-9923"
		connPass  = "conn-password-value-4410"
		inputVal  = "job-input-secret-5532"
		itemVal   = "each-item-secret-6643"
	)
	secrets := []string{encrypted, resolved, connPass, inputVal, itemVal}
	id, rcpt := newAgeKey(t)
	fsys := fstest.MapFS{
		"a.yaml": {Data: []byte(`secrets:
  API: "{{ 'ref+echo://` + resolved + `' | vals }}"
connection_types:
  postgres:
    password: {secret: true}
connections:
  db:
    type: postgres
    password: ` + connPass + `
actions:
  deploy:
    cmd: "deploy {{ secret.API }} {{ secret.ENC }}"
`)},
		"s.sops.yaml": {Data: encrypt(t, "secrets:\n  ENC: "+encrypted+"\n", sopsenc.Rules{}, rcpt)},
	}
	ws, err := loader.Load(t.Context(), fsys, loader.WithAgeIdentities(id))
	if err != nil {
		t.Fatal(err)
	}
	r, err := loader.NewReloader(t.Context(), fsys, loader.WithAgeIdentities(id))
	if err != nil {
		t.Fatal(err)
	}
	// Errors: a failing secret, a template error at claim time, a wrong key.
	_, secretsErr := loader.Load(t.Context(), fstest.MapFS{"a.yaml": {Data: []byte("secrets:\n  X: \"{{ 'ref+echo://" + resolved + "' | vals }}{{ nope }}\"\n")}})
	_, stepErr := ws.RenderStep(t.Context(), "{{ secret.API }}{{ input.nope }}", loader.StepVars{})
	other, _ := newAgeKey(t)
	_, keyErr := loader.Load(t.Context(), fsys, loader.WithAgeIdentities(other))
	var se *loader.SecretsError
	var fe *loader.FileError
	var ke *loader.KeyError
	if !errors.As(secretsErr, &se) || !errors.As(keyErr, &ke) || !errors.As(keyErr, &fe) {
		t.Fatalf("the failing loads did not fail as expected: %v / %v", secretsErr, keyErr)
	}

	vars := loader.StepVars{
		Input:   map[string]any{"token": inputVal},
		Outputs: map[string]any{"build": map[string]any{"tag": resolved}},
		Hook:    map[string]any{"error_message": connPass},
		Each:    &loader.Each{Item: itemVal, Index: 2},
	}
	const outer = "a struct holding them"
	values := map[string]any{
		"*Workspace": ws, "Workspace": *ws, "[]File": ws.Files(), "*Reloader": r,
		"StepVars": vars, "*StepVars": &vars, "Each": *vars.Each, "*Each": vars.Each,
		"*SecretsError": se, "SecretsError": *se, "*FileError": fe, "FileError": *fe, "*KeyError": ke,
		"error from Load": secretsErr, "error from RenderStep": stepErr, "error from a wrong key": keyErr,
		"Limits": loader.DefaultLimits(), outer: struct {
			W    loader.Workspace
			V    loader.StepVars
			Each loader.Each
		}{*ws, vars, *vars.Each},
	}
	for name, v := range values {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d"} {
			assertNoLeak(t, name+" printed with "+verb, fmt.Sprintf(verb, v), secrets...)
		}
		var buf bytes.Buffer
		log.New(&buf, "", 0).Printf("%v %+v", v, v)
		assertNoLeak(t, name+" through log.Printf", buf.String(), secrets...)
		for hname, h := range map[string]slog.Handler{"text": slog.NewTextHandler(&buf, nil), "json": slog.NewJSONHandler(&buf, nil)} {
			if name == outer && hname == "json" {
				// encoding/json reads a struct's exported fields and calls no
				// LogValue or Format on them: StepVars' own fields are the
				// caller's data, kept as they are for json.Marshal (the
				// package documentation says to log StepVars itself).
				continue
			}
			buf.Reset()
			slog.New(h).Info("msg", "value", v, slog.Any("any", v), slog.Group("g", "v", v))
			assertNoLeak(t, name+" through slog's "+hname+" handler", buf.String(), secrets...)
		}
	}
	// The summary still says something useful.
	if got := fmt.Sprint(ws); got != "loader.Workspace{2 files (1 decrypted), 2 secrets, 1 connections, 0 warnings: values not shown}" {
		t.Errorf("a workspace prints as %q", got)
	}
}
