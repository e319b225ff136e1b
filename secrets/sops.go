package secrets

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"

	"go.yaml.in/yaml/v3"

	"github.com/hushflow/hushflow/internal/ref"
	"github.com/hushflow/hushflow/internal/sopsdec"
)

// sopsReader decrypts the sops files that a fileReader read, in process,
// with internal/sopsdec: with the identities of WithAgeIdentities only, or
// with the keys of sops' environment. sops' dotenv, INI and binary formats,
// which sopsdec does not read, go to vals' sops provider with the file's
// bytes in the reference (key_type=base64), and so only with the
// environment's keys.
type sopsReader struct {
	keys  sopsdec.Keys
	given bool // the keys are WithAgeIdentities'
	vals  *ValsBackend
}

// newSopsReader reads with c's identities (validated and parsed), or else
// with the environment's keys.
func newSopsReader(c *config) *sopsReader {
	s := &sopsReader{keys: sopsdec.EnvironmentKeys(), vals: NewValsBackend(ValsOptions{})}
	if c.ageKeysSet {
		s.keys, s.given = c.parsedAgeKeys, true
	}
	return s
}

// value decrypts data, the content of the file name, and returns what the
// reference p asks for. data is nil when the reference carries the file
// itself (key_type=base64).
func (s *sopsReader) value(ctx context.Context, data []byte, name string, p ref.Parts) (string, error) {
	if data == nil {
		d, err := base64.URLEncoding.DecodeString(p.Path)
		if err != nil {
			return "", newError(ErrInvalidRef, "key_type=base64, but the path is not base64url")
		}
		data = d
	}
	format := p.Query.Get("format")
	if format == "" {
		format = sopsdec.FormatOf(name)
		if p.Fragment != "" && format != "json" {
			format = "yaml" // as vals reads a file it walks a fragment in
		}
	}
	var f sopsdec.Format
	switch format {
	case "yaml":
		f = sopsdec.YAML
	case "json":
		f = sopsdec.JSON
	default:
		if s.given {
			return "", newError(ErrInvalidRef, fmt.Sprintf("sops format %s is not decrypted with WithAgeIdentities keys (only yaml and json)", format))
		}
		return s.viaVals(ctx, data, format, p)
	}
	pt, err := sopsdec.Decrypt(ctx, data, f, s.keys)
	if err != nil {
		return "", fmt.Errorf("%w: sops: %w", ErrBackend, err)
	}
	if p.Fragment != "" {
		if len(pt.Docs) == 0 {
			return "", newError(ErrNotFound, "the file is empty")
		}
		return walk(pt.Docs[0], p.Fragment)
	}
	plain, err := emit(pt.Docs, f)
	if err != nil {
		return "", err
	}
	return encode(plain, p.Query.Get("encode"))
}

// viaVals hands the file's bytes to vals' sops provider.
func (s *sopsReader) viaVals(ctx context.Context, data []byte, format string, p ref.Parts) (string, error) {
	q := url.Values{}
	for k, vs := range p.Query {
		q[k] = vs
	}
	q.Set("key_type", "base64")
	q.Set("format", format)
	key := "ref+sops://" + base64.URLEncoding.EncodeToString(data) + "?" + q.Encode()
	if p.Fragment != "" {
		key += "#/" + p.Fragment
	}
	return s.vals.Get(ctx, key)
}

// emit writes decrypted documents as `sops -d` would print the file.
func emit(docs []*yaml.Node, f sopsdec.Format) ([]byte, error) {
	var b bytes.Buffer
	if f == sopsdec.JSON {
		if len(docs) == 0 {
			return nil, newError(ErrNotFound, "the file is empty")
		}
		if err := writeJSON(&b, docs[0]); err != nil {
			return nil, err
		}
		var out bytes.Buffer
		if err := json.Indent(&out, b.Bytes(), "", "\t"); err != nil {
			return nil, newError(ErrBackend, "cannot write the decrypted file as JSON")
		}
		out.WriteByte('\n')
		return out.Bytes(), nil
	}
	for i, d := range docs {
		if i > 0 {
			b.WriteString("---\n")
		}
		out, err := yaml.Marshal(d)
		if err != nil {
			return nil, newError(ErrBackend, "cannot write the decrypted file as YAML")
		}
		b.Write(out)
	}
	return b.Bytes(), nil
}

// writeJSON writes n as JSON, keeping the order of map keys.
func writeJSON(b *bytes.Buffer, n *yaml.Node) error {
	n = deref(n)
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			b.WriteString("null")
			return nil
		}
		return writeJSON(b, n.Content[0])
	case yaml.MappingNode:
		b.WriteByte('{')
		for i := 0; i+1 < len(n.Content); i += 2 {
			if i > 0 {
				b.WriteByte(',')
			}
			k, _ := json.Marshal(deref(n.Content[i]).Value)
			b.Write(k)
			b.WriteByte(':')
			if err := writeJSON(b, n.Content[i+1]); err != nil {
				return err
			}
		}
		b.WriteByte('}')
	case yaml.SequenceNode:
		b.WriteByte('[')
		for i, c := range n.Content {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := writeJSON(b, c); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	default:
		switch n.ShortTag() {
		case "!!null":
			b.WriteString("null")
		case "!!int", "!!float", "!!bool":
			var v any
			if err := n.Decode(&v); err != nil {
				return newError(ErrBackend, "cannot write the decrypted file as JSON")
			}
			out, err := json.Marshal(v)
			if err != nil {
				return newError(ErrBackend, "cannot write the decrypted file as JSON")
			}
			b.Write(out)
		default:
			out, _ := json.Marshal(n.Value)
			b.Write(out)
		}
	}
	return nil
}
