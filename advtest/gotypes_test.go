package advtest_test

import (
	"context"
	"encoding/json"
	"testing"
)

type dbConfig struct {
	User     string
	Password string
}

// TestTaintMissesSecretInGoValues: a variable is tainted when it "or a string
// inside it" is a known secret, but the search does not look inside
// structs, nor into json.RawMessage (a []byte, searched byte by byte as
// numbers), which a host may well pass a step's output as. The value then
// prints as JSON text with the secret inside, untainted: any transform of
// it (here reverse) reaches the output unmasked.
func TestTaintMissesSecretInGoValues(t *testing.T) {
	for name, v := range map[string]any{
		"json.RawMessage":    json.RawMessage(`{"token":"` + secretPW + `"}`),
		"list of structs":    []dbConfig{{"admin", secretPW}},
		"map of structs":     map[string]dbConfig{"db": {"admin", secretPW}},
		"list of RawMessage": []json.RawMessage{json.RawMessage(`"` + secretPW + `"`)},
	} {
		t.Run(name, func(t *testing.T) {
			e, r := engineWith(t)
			out, err := e.Render(context.Background(), `{{ build.output ~ "" | reverse }}`, map[string]any{"build": map[string]any{"output": v}})
			if err != nil {
				t.Fatal(err)
			}
			if l := leaked(r.String(out), secretPW, 6); l != "" {
				t.Errorf("the reversed secret is not masked: %q", r.String(out))
			}
		})
	}
}
