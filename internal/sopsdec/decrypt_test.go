package sopsdec_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/getsops/sops/v3/decrypt"
	"go.yaml.in/yaml/v3"

	"github.com/hushflow/hushflow/internal/sopsdec"
	"github.com/hushflow/hushflow/internal/sopsenc"
	"github.com/hushflow/hushflow/internal/testkit"
)

// decryptCases are files sops encrypts, each with the paths of the values
// it encrypts. Each holds a shape that broke, or could break, rebuilding
// the plaintext.
var decryptCases = []struct {
	name      string
	plain     string
	rules     sopsenc.Rules
	encrypted []string // paths of the scalars encrypted at rest
	secrets   []string // plaintexts that must never show in an error
}{
	{
		name:      "comment between list items",
		plain:     "lorem:\n- foo-item-secret\n#this-is-a-comment\n- bar-item-secret\n",
		encrypted: []string{"lorem[0]", "lorem[1]"},
		secrets:   []string{"foo-item-secret", "bar-item-secret"},
	},
	{
		name: "comments everywhere",
		plain: joinLines(
			"# first comment in file",
			"a: alpha-secret # inline after a value",
			"list:",
			"  # before the first item",
			"  - one-secret # inline after an item",
			"  # between items",
			"  - two-secret",
			"  - [nested-one, nested-two] # inline after a flow list",
			"  - k: in-a-map-item",
			"    # inside a mapping item",
			"    j: second-in-item",
			"  # after the last item",
			"nested:",
			"  # in a map",
			"  k: v-secret",
			"  deeper:",
			"    # before a list in a map",
			"    - x",
			"# at the end of the file",
		),
		encrypted: []string{"a", "list[0]", "list[1]", "list[2][0]", "list[2][1]", "list[3].j", "list[3].k", "nested.deeper[0]", "nested.k"},
		secrets:   []string{"alpha-secret", "one-secret", "two-secret", "v-secret"},
	},
	{
		name:      "infinities, NaN and floats sops prints as integers",
		plain:     "pos: .inf\nneg: -.inf\nnan: .nan\nthree: 3.0\nsci: 1e3\nhalf: 1.5\nclear_unencrypted: 3.0\n",
		encrypted: []string{"half", "nan", "neg", "pos", "sci", "three"},
	},
	{
		name:      "a value left in the clear that looks like ciphertext",
		plain:     "a_unencrypted: ENC[AES256_GCM,data:Zm9v,iv:YmFy,tag:YmF6,type:str]\nb: secret-b-value\nlist_unencrypted: ['ENC[AES256_GCM,data:x,iv:y,tag:z,type:int]']\n",
		encrypted: []string{"b"},
		secrets:   []string{"secret-b-value"},
	},
	{
		name:      "timestamps",
		plain:     "a: 2024-01-01\nb: 2006-01-02T15:04:05+07:06\nc: 2025-01-02 03:04:05\nd_unencrypted: 2024-01-01\n",
		encrypted: []string{"a", "b", "c"},
	},
	{
		name: "every scalar type",
		plain: joinLines(
			"int: 42", "neg: -7", "hex: 0x1F", "oct: 0o17", "big: 9007199254740993",
			"t: true", "f: false", "null_value: null", "tilde: ~", "empty:", "empty_string: ''",
			"quoted_number: '42'", "quoted_bool: \"true\"", "yes_word: yes",
			"literal: |", "  line one", "  line two", "folded: >", "  folded", "  text",
			"binary: !!binary aGVsbG8=", "str_tag: !!str 12", "custom_tag: !vault some/path",
		),
		encrypted: []string{"big", "binary", "custom_tag", "f", "folded", "hex", "int", "literal", "neg", "oct", "quoted_bool", "quoted_number", "str_tag", "t", "yes_word"},
	},
	{
		name:      "several documents",
		plain:     "a: first-doc-secret\n---\nb: second-doc-secret\nc_unencrypted: clear\n---\n# only a comment\n",
		encrypted: []string{"a", "b"},
		secrets:   []string{"first-doc-secret", "second-doc-secret"},
	},
	{
		name:      "encrypted_regex",
		plain:     "apiVersion: v1\nkind: Secret\ndata:\n  password: cGFzc3dvcmQtc2VjcmV0\nstringData:\n  token: token-secret\nmetadata:\n  name: demo\n",
		rules:     sopsenc.Rules{EncryptedRegex: "^(data|stringData)$"},
		encrypted: []string{"data.password", "stringData.token"},
		secrets:   []string{"token-secret"},
	},
	{
		name:      "unencrypted_regex",
		plain:     "public: hello\nsecret: hidden-regex-value\n",
		rules:     sopsenc.Rules{UnencryptedRegex: "^pub"},
		encrypted: []string{"secret"},
		secrets:   []string{"hidden-regex-value"},
	},
	{
		name:      "encrypted_suffix",
		plain:     "db_password_secret: pw-suffix-value\ndb_host: db.example\n",
		rules:     sopsenc.Rules{EncryptedSuffix: "_secret"},
		encrypted: []string{"db_password_secret"},
		secrets:   []string{"pw-suffix-value"},
	},
	{
		name:      "unicode",
		plain:     "grüße: 'Ünïcödé välüé ✓'\nemoji: \"🔑🗝️\"\nrtl: שלום\ncombining: \"e\u0301\"\n日本: 東京\n",
		encrypted: []string{"combining", "emoji", "grüße", "rtl", "日本"},
	},
	{
		name:      "empty containers",
		plain:     "m: {}\nl: []\nnested: {a: [], b: {}}\nx: ''\n",
		encrypted: nil,
	},
}

// TestDecryptMatchesSops decrypts each case with Decrypt and with sops'
// own Go API (decrypt.Data, keys from the environment) and wants the same
// documents, and exactly the expected values marked as encrypted at rest.
// Not parallel: decrypt.Data reads its key from the environment.
func TestDecryptMatchesSops(t *testing.T) {
	id, rcpt := newAgeKey(t)
	isolateSopsEnv(t)
	t.Setenv("SOPS_AGE_KEY", id)
	keys := ageKeys(t, id)
	for _, tt := range decryptCases {
		t.Run(tt.name, func(t *testing.T) {
			enc := encrypt(t, tt.plain, tt.rules, rcpt)
			pt, err := sopsdec.Decrypt(t.Context(), enc, sopsdec.YAML, keys)
			if err != nil {
				t.Fatalf("Decrypt: %s", testkit.Hide(err.Error(), tt.secrets...))
			}
			want, err := decrypt.Data(enc, "yaml")
			if err != nil {
				t.Fatalf("decrypt.Data: %s", testkit.Hide(err.Error(), tt.secrets...))
			}
			got, wantDocs := decodeDocs(t, pt.Docs), decodeDocs(t, parseDocs(t, want))
			if len(got) != len(wantDocs) {
				t.Fatalf("%d documents, sops gives %d", len(got), len(wantDocs))
			}
			for i := range got {
				if d := diff(got[i], wantDocs[i], "doc"+string(rune('0'+i))); d != "" {
					t.Errorf("differs from sops: %s", d)
				}
			}
			if got := paths(pt.Docs, pt.Encrypted); !slices.Equal(got, tt.encrypted) {
				t.Errorf("encrypted at rest: %q, want %q", got, tt.encrypted)
			}
		})
	}
}

// TestDecryptKeepsTextAndPositions: a value left in the clear keeps the
// text it was written with (sops writes its own text when it encrypts, but
// a person may edit a cleartext value afterwards: the MAC still holds when
// the value means the same), unless sops -d would change what it means;
// every node keeps its line.
func TestDecryptKeepsTextAndPositions(t *testing.T) {
	t.Parallel()
	id, rcpt := newAgeKey(t)
	enc := encrypt(t, "a: 2024-01-01\nb_unencrypted: 2024-01-01\nc_unencrypted: 3.0\nd_unencrypted: 1.5\nl:\n  - x\n  # c\n  - y\n", sopsenc.Rules{}, rcpt)
	enc = editYAML(t, enc, func(top *yaml.Node) {
		for key, text := range map[string]string{
			"b_unencrypted": "2024-01-01", // sops wrote 2024-01-01T00:00:00Z
			"c_unencrypted": "3.0",        // sops wrote 3
			"d_unencrypted": "1.50",       // sops wrote 1.5
		} {
			n := child(t, top, key)
			n.Value, n.Tag = text, ""
		}
	})
	pt, err := sopsdec.Decrypt(t.Context(), enc, sopsdec.YAML, ageKeys(t, id))
	if err != nil {
		t.Fatal(err)
	}
	top := pt.Docs[0].Content[0]
	tests := []struct {
		key, tag, value string
		line            int
	}{
		{"a", "!!timestamp", "2024-01-01T00:00:00Z", 1}, // sops stores a time as RFC 3339: sops -d prints that
		{"b_unencrypted", "!!timestamp", "2024-01-01", 2},
		{"c_unencrypted", "!!int", "3", 3}, // sops -d prints 3: an integer to its readers
		{"d_unencrypted", "!!float", "1.50", 4},
	}
	for _, tt := range tests {
		n := child(t, top, tt.key)
		if n.Tag != tt.tag || n.Value != tt.value || n.Line != tt.line {
			t.Errorf("%s = %s %q at line %d, want %s %q at line %d", tt.key, n.Tag, n.Value, n.Line, tt.tag, tt.value, tt.line)
		}
	}
	l := child(t, top, "l")
	if len(l.Content) != 2 || l.Content[1].Line != 8 {
		t.Errorf("list: %d items, second at line %d; want 2, line 8", len(l.Content), l.Content[1].Line)
	}
}

// TestDecryptErrors: every broken or tampered file fails with the right
// sentinel, located, and without quoting a value.
func TestDecryptErrors(t *testing.T) {
	t.Parallel()
	id, rcpt := newAgeKey(t)
	otherID, _ := newAgeKey(t)
	const secret = "value-aaaa-secret"
	enc := encrypt(t, "secrets:\n  A: "+secret+"\n  N: 12345\n  LIST: [item-one, item-two]\nclear_unencrypted: c\n", sopsenc.Rules{}, rcpt)
	edit := func(f func(top *yaml.Node)) []byte { return editYAML(t, enc, f) }
	sec := func(top *yaml.Node) *yaml.Node { return child(t, top, "secrets") }
	meta := func(top *yaml.Node) *yaml.Node { return child(t, top, "sops") }
	dropKey := func(m *yaml.Node, key string) {
		for i := 0; i+1 < len(m.Content); i += 2 {
			if m.Content[i].Value == key {
				m.Content = append(m.Content[:i], m.Content[i+2:]...)
				return
			}
		}
		t.Fatalf("no key %q", key)
	}
	secrets := []string{secret, "12345", "item-one", "item-two", "planted-plaintext", id, otherID}

	tests := []struct {
		name string
		data []byte
		keys sopsdec.Keys
		is   []error
		key  string // want *Error.Key; "-" for no *Error
		line int
	}{
		{"not a sops file", []byte("a: b\n"), ageKeys(t, id), []error{sopsdec.ErrNotEncrypted}, "-", 0},
		{"empty file", nil, ageKeys(t, id), []error{sopsdec.ErrNotEncrypted}, "-", 0},
		{"wrong key", enc, ageKeys(t, otherID), []error{sopsdec.ErrNoKey}, "-", 0},
		{"no keys at all", enc, sopsdec.Keys{}, []error{sopsdec.ErrNoKey}, "-", 0},
		{"tampered value", edit(func(top *yaml.Node) {
			v := child(t, sec(top), "A")
			v.Value = strings.Replace(v.Value, "data:", "data:AA", 1)
		}), ageKeys(t, id), []error{sopsdec.ErrIntegrity}, "secrets.A", 2},
		{"plaintext planted on an encrypted path", edit(func(top *yaml.Node) {
			child(t, sec(top), "A").Value = "planted-plaintext"
		}), ageKeys(t, id), []error{sopsdec.ErrIntegrity}, "secrets.A", 2},
		{"number planted on an encrypted path", edit(func(top *yaml.Node) {
			n := child(t, sec(top), "N")
			n.Value, n.Tag, n.Style = "12345", "!!int", 0
		}), ageKeys(t, id), []error{sopsdec.ErrIntegrity}, "secrets.N", 3},
		{"value moved to another key", edit(func(top *yaml.Node) {
			child(t, sec(top), "N").Value = child(t, sec(top), "A").Value
		}), ageKeys(t, id), []error{sopsdec.ErrIntegrity}, "secrets.N", 3},
		{"tampered MAC", edit(func(top *yaml.Node) {
			mac := child(t, meta(top), "mac")
			mac.Value = strings.Replace(mac.Value, "data:", "data:AA", 1)
		}), ageKeys(t, id), []error{sopsdec.ErrIntegrity}, "sops.mac", 0},
		{"cleartext value changed", edit(func(top *yaml.Node) {
			child(t, top, "clear_unencrypted").Value = "changed"
		}), ageKeys(t, id), []error{sopsdec.ErrIntegrity}, "sops.mac", 0},
		{"swapped list items", edit(func(top *yaml.Node) {
			l := child(t, sec(top), "LIST")
			l.Content[0], l.Content[1] = l.Content[1], l.Content[0]
		}), ageKeys(t, id), []error{sopsdec.ErrIntegrity}, "sops.mac", 0},
		{"no MAC", edit(func(top *yaml.Node) { dropKey(meta(top), "mac") }), ageKeys(t, id), []error{sopsdec.ErrIntegrity}, "sops", 0},
		{"no lastmodified", edit(func(top *yaml.Node) { dropKey(meta(top), "lastmodified") }), ageKeys(t, id), []error{sopsdec.ErrIntegrity}, "sops", 0},
		{"metadata not a mapping", edit(func(top *yaml.Node) {
			*meta(top) = yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "x"}
		}), ageKeys(t, id), []error{sopsdec.ErrIntegrity}, "sops", 0},
		{"metadata removed, values still encrypted", edit(func(top *yaml.Node) { dropKey(top, "sops") }), ageKeys(t, id), []error{sopsdec.ErrIntegrity}, "-", 0},
		{"metadata in the second document", append([]byte("a: b\n---\n"), enc...), ageKeys(t, id), []error{sopsdec.ErrIntegrity}, "-", 0},
		{"duplicate key", append([]byte("dup: 1\ndup: 2\n"), enc...), ageKeys(t, id), []error{sopsdec.ErrDecrypt}, "dup", 2},
		{"top level list", []byte("- a\n- b\n"), ageKeys(t, id), []error{sopsdec.ErrDecrypt}, "", 1},
		{"alias", []byte(strings.Replace(string(enc), "clear_unencrypted: c", "clear_unencrypted: &x c\nother_unencrypted: *x", 1)), ageKeys(t, id), []error{sopsdec.ErrDecrypt}, "-", 0},
		{"invalid YAML", []byte("a: [1, 2\n"), ageKeys(t, id), []error{sopsdec.ErrDecrypt}, "-", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			pt, err := sopsdec.Decrypt(t.Context(), tt.data, sopsdec.YAML, tt.keys)
			if err == nil {
				t.Fatalf("Decrypt succeeded with %d documents, want an error", len(pt.Docs))
			}
			testkit.AssertNoLeak(t, "error", err.Error(), secrets...)
			for _, target := range append([]error{sopsdec.ErrDecrypt}, tt.is...) {
				if !errors.Is(err, target) {
					t.Errorf("errors.Is(err, %v) = false; err = %s", target, testkit.Hide(err.Error(), secrets...))
				}
			}
			var de *sopsdec.Error
			switch {
			case tt.key == "-" && errors.As(err, &de):
				t.Errorf("a located error %+v, want none", de)
			case tt.key != "-" && !errors.As(err, &de):
				t.Errorf("not a *sopsdec.Error: %s", testkit.Hide(err.Error(), secrets...))
			case tt.key != "-" && (de.Key != tt.key || de.Line != tt.line):
				t.Errorf("located at %q line %d, want %q line %d", de.Key, de.Line, tt.key, tt.line)
			}
		})
	}
}

func TestDetect(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		yaml string
		want bool
	}{
		{"plain", "a: b\nl: [1, 2]\n", false},
		{"sops metadata", "a: b\nsops: {version: 3.9.0}\n", true},
		{"metadata without MAC", "a: b\nsops: {lastmodified: '2020-01-01T00:00:00Z'}\n", true},
		{"metadata in a later document", "a: b\n---\nsops: {}\n", true},
		{"ciphertext, no metadata", "a: ENC[AES256_GCM,data:Zm9v,iv:YmFy,tag:YmF6,type:str]\n", true},
		{"ciphertext in a list", "a: [x, 'ENC[AES256_GCM,data:Zm9v,iv:YmFy,tag:YmF6,type:int]']\n", true},
		{"looks like, but is not, ciphertext", "a: ENC[AES256_GCM, said the docs]\n", false},
		{"sops as a nested key", "a: {sops: x}\n", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var docs []*yaml.Node
			for _, part := range strings.Split(tt.yaml, "---\n") {
				var d yaml.Node
				if err := yaml.Unmarshal([]byte(part), &d); err != nil {
					t.Fatal(err)
				}
				docs = append(docs, &d)
			}
			if got := sopsdec.Detect(docs); got != tt.want {
				t.Errorf("Detect = %v, want %v", got, tt.want)
			}
		})
	}
}
