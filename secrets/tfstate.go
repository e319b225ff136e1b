package secrets

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"

	"github.com/fujiwara/tfstate-lookup/tfstate"

	"github.com/hushflow/hushflow/internal/ref"
)

// tfstate answers a "tfstate" reference in process, as vals' tfstate
// provider does (ref+tfstate://PATH/TO/terraform.tfstate/RESOURCE.ATTR:
// the last path element is the key, looked up with
// github.com/fujiwara/tfstate-lookup, the library vals uses), with the
// state file read from the workspace like a "file" reference: vals would
// read any host path.
//
// Two differences: a state file that names a remote backend (the
// .terraform/terraform.tfstate that terraform init writes) is refused
// rather than followed to S3, GCS, Azure or Terraform Cloud with the host's
// credentials (use ref+tfstates3:// and its siblings, whose reach the
// allow-list governs); and a key the state does not hold is ErrNotFound,
// where vals returns the text "null".
func (f *fileReader) tfstate(ctx context.Context, p ref.Parts) (string, error) {
	if p.Fragment != "" {
		return "", newError(ErrInvalidRef, "tfstate references take no #/fragment (vals does not support one)")
	}
	i := strings.LastIndexByte(p.Path, '/')
	if i <= 0 || i == len(p.Path)-1 {
		return "", newError(ErrInvalidRef, "want ref+tfstate://PATH/TO/STATE/RESOURCE.ATTRIBUTE")
	}
	name, key := p.Path[:i], p.Path[i+1:]
	data, err := f.read(name)
	if err != nil {
		return "", err
	}
	if err := ctx.Err(); err != nil {
		return "", err
	}
	var head struct {
		Backend json.RawMessage `json:"backend"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return "", newError(ErrBackend, "the state file is not valid JSON (the parser's message is withheld: it may quote the data)")
	}
	if len(head.Backend) > 0 && string(head.Backend) != "null" {
		return "", newError(ErrInvalidRef, "the state file names a remote backend, which is not followed; "+
			"read the remote state with its own scheme (tfstates3, tfstategs, tfstateazurerm, tfstateremote)")
	}
	state, err := tfstate.Read(ctx, bytes.NewReader(data))
	if err != nil {
		if strings.HasPrefix(err.Error(), "unsupported state version ") {
			return "", newError(ErrBackend, tidy(err.Error(), ""))
		}
		return "", newError(ErrBackend, "the state file cannot be read (the message is withheld: it may quote the data)")
	}
	obj, err := state.Lookup(key)
	if err != nil {
		// gojq's messages quote the values they could not index.
		return "", newError(ErrNotFound, "the state has no "+key+" (the lookup's message is withheld: it may quote the data)")
	}
	if obj == nil || obj.Value == nil {
		return "", newError(ErrNotFound, "the state has no "+key)
	}
	return obj.String(), nil
}
