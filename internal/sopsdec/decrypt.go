package sopsdec

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"path"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/getsops/sops/v3"
	"github.com/getsops/sops/v3/aes"
	sopsconfig "github.com/getsops/sops/v3/config"
	"github.com/getsops/sops/v3/logging"
	"github.com/getsops/sops/v3/stores"
	sopsjson "github.com/getsops/sops/v3/stores/json"
	"go.yaml.in/yaml/v3"
)

func init() {
	// sops logs through package-level logrus loggers that write to stderr.
	// A library must not write to its host's stderr; every sops package this
	// one links has registered its logger by now (imports initialise first).
	for _, l := range logging.Loggers {
		l.SetOutput(io.Discard)
	}
}

// Format is the syntax of a sops file.
type Format int

// The formats Decrypt reads. sops' dotenv, INI and binary formats hold no
// YAML documents and are not read here.
const (
	YAML Format = iota + 1
	JSON
)

func (f Format) String() string {
	switch f {
	case YAML:
		return "YAML"
	case JSON:
		return "JSON"
	default:
		return "Format(" + strconv.Itoa(int(f)) + ")"
	}
}

// FormatOf returns the format sops would read a file of that name in, as
// `sops -d` picks it from the extension: "yaml" for .yaml and .yml, "json",
// "dotenv" for .env, "ini", and "binary" for anything else.
func FormatOf(name string) string {
	switch path.Ext(name) {
	case ".yaml", ".yml":
		return "yaml"
	case ".json":
		return "json"
	case ".env":
		return "dotenv"
	case ".ini":
		return "ini"
	default:
		return "binary"
	}
}

// Plaintext is a decrypted sops file.
type Plaintext struct {
	// Docs are the file's documents (one for JSON), each a DocumentNode
	// holding a mapping, without the sops metadata and without comments.
	// They are fresh nodes: nothing else refers to them.
	Docs []*yaml.Node
	// Encrypted holds the scalar nodes of Docs whose value was encrypted at
	// rest (not those left in the clear by the file's rules, nor empty
	// values, which sops stores as they are).
	Encrypted map[*yaml.Node]bool
	// Key is the file's data key, for [Keys.Knowing] when a later version
	// of the file is decrypted.
	Key DataKey
}

// Detect reports whether parsed YAML documents are, or were, a sops file:
// a top-level "sops" key in any document, or a value in sops' ciphertext
// format (ENC[AES256_GCM,data:…]). A file Detect accepts must go through
// Decrypt, whatever its name: it never loads as plaintext.
func Detect(docs []*yaml.Node) bool {
	for _, doc := range docs {
		if top := topOf(doc); top != nil && top.Kind == yaml.MappingNode && hasKey(top, stores.SopsMetadataKey) {
			return true
		}
	}
	return hasCiphertext(docs)
}

// hasCiphertext reports whether any scalar of docs is in sops' ciphertext
// format. It does not follow aliases: their targets are visited anyway.
func hasCiphertext(docs []*yaml.Node) bool {
	return anyNode(docs, func(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && isCiphertext(n.Value) })
}

// ciphertext is the format of every value sops encrypted (aes.encre).
var ciphertext = regexp.MustCompile(`^ENC\[AES256_GCM,data:(.+),iv:(.+),tag:(.+),type:(.+)\]`)

func isCiphertext(s string) bool {
	return strings.HasPrefix(s, "ENC[AES256_GCM,data:") && ciphertext.MatchString(s)
}

func topOf(doc *yaml.Node) *yaml.Node {
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil
	}
	return resolve(doc.Content[0])
}

func resolve(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

func hasKey(m *yaml.Node, key string) bool {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Kind == yaml.ScalarNode && m.Content[i].Value == key {
			return true
		}
	}
	return false
}

// Decrypt decrypts a sops file with keys, checks its MAC, and returns its
// plaintext. It does what decrypt.Data does, with the keys given instead of
// the environment's (unless keys are [EnvironmentKeys]). ctx is checked
// before each key is tried and reaches sops' key services.
func Decrypt(ctx context.Context, data []byte, format Format, keys Keys) (pt *Plaintext, err error) {
	defer withheldPanic(&pt, &err)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var (
		tree sops.Tree
		orig []*yaml.Node
	)
	switch format {
	case YAML:
		docs, perr := parseAll(data)
		if perr != nil {
			return nil, fail("", 0, nil, "invalid YAML: %s", perr)
		}
		if len(docs) == 0 && len(data) > 0 {
			// sops' store fails on text that holds no document.
			return nil, unreadable(nil, format)
		}
		tree, orig, err = treeOfDocs(docs)
	case JSON:
		tree, orig, err = loadJSON(data)
	default:
		return nil, fmt.Errorf("%w: unsupported format %v", ErrDecrypt, format)
	}
	if err != nil {
		return nil, err
	}
	return decryptTree(ctx, tree, orig, keys)
}

// DecryptDocs is [Decrypt] for a YAML file the caller has parsed already
// (every document, with go.yaml.in/yaml/v3's Decoder, comments as it keeps
// them): the file is not parsed again. docs are only read; the plaintext's
// documents are fresh nodes. A file of no document is [ErrNotEncrypted].
func DecryptDocs(ctx context.Context, docs []*yaml.Node, keys Keys) (pt *Plaintext, err error) {
	defer withheldPanic(&pt, &err)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	tree, orig, err := treeOfDocs(docs)
	if err != nil {
		return nil, err
	}
	return decryptTree(ctx, tree, orig, keys)
}

// withheldPanic turns a panic in sops' code into an integrity error: a
// file anyone can write must not take the host process down, and the
// panic's value may quote a plaintext.
func withheldPanic(pt **Plaintext, err *error) {
	if recover() != nil {
		*pt, *err = nil, fail("", 0, ErrIntegrity, "sops failed on this file (its panic is withheld: it may quote a value)")
	}
}

// decryptTree decrypts sops' tree of a file, checks its MAC and rebuilds
// the plaintext documents, with positions from orig.
func decryptTree(ctx context.Context, tree sops.Tree, orig []*yaml.Node, keys Keys) (*Plaintext, error) {
	if err := checkKeys(tree.Branches, orig); err != nil {
		return nil, err
	}

	wrapped := wrappedDigest(&tree.Metadata)
	dataKey := keys.knownKey(wrapped)
	if dataKey == nil {
		var err error
		if dataKey, err = keys.dataKey(ctx, &tree.Metadata); err != nil {
			return nil, err
		}
	}

	before := leaves(tree.Branches)
	if err := decryptVerified(&tree, dataKey, orig); err != nil {
		return nil, err
	}

	b := &builder{before: before, enc: map[*yaml.Node]bool{}}
	pt := &Plaintext{Encrypted: b.enc, Key: newDataKey(wrapped, dataKey)}
	for i, branch := range tree.Branches {
		var o *yaml.Node
		if i < len(orig) {
			o = orig[i]
		}
		pt.Docs = append(pt.Docs, b.document(branch, o))
	}
	return pt, nil
}

// treeOfDocs builds sops' tree of a parsed YAML file (see treeOf) and takes
// its metadata out.
func treeOfDocs(docs []*yaml.Node) (sops.Tree, []*yaml.Node, error) {
	if hasAlias(docs) {
		return sops.Tree{}, nil, fail("", 0, nil, "YAML aliases are not allowed in a sops file (sops never writes them)")
	}
	branches, err := treeOf(docs)
	if err != nil {
		return sops.Tree{}, nil, unreadable(docs, YAML)
	}
	return withMetadata(branches, docs)
}

// loadJSON reads a JSON file with sops' JSON store, with our own parse of
// the same bytes beside it: positions, and what the file says when sops
// cannot read it. JSON is YAML; a JSON file yaml.v3 cannot parse (it
// rejects a few escapes) just goes without positions.
func loadJSON(data []byte) (sops.Tree, []*yaml.Node, error) {
	store := sopsjson.NewStore(&sopsconfig.JSONStoreConfig{})
	orig, _ := parseAll(data)
	branches, err := store.LoadPlainFile(data)
	if err != nil {
		return sops.Tree{}, nil, unreadable(orig, JSON)
	}
	return withMetadata(branches, orig)
}

// withMetadata takes the sops metadata out of a file's branches.
func withMetadata(branches sops.TreeBranches, orig []*yaml.Node) (sops.Tree, []*yaml.Node, error) {
	branches, meta, err := stores.ExtractMetadata(branches, stores.MetadataOpts{Flatten: stores.MetadataFlattenNone})
	if err != nil {
		switch {
		case errors.Is(err, sops.MetadataNotFound) && len(orig) > 0 && (Detect(orig[1:]) || hasCiphertext(orig)):
			return sops.Tree{}, nil, fail("", 0, ErrIntegrity, "the file holds sops-encrypted values or sops metadata, but no sops metadata in its first document")
		case errors.Is(err, sops.MetadataNotFound):
			return sops.Tree{}, nil, fmt.Errorf("%w: %w", ErrDecrypt, ErrNotEncrypted)
		default:
			// Metadata holds no plaintext: keys' names, dates, rules.
			return sops.Tree{}, nil, fail(stores.SopsMetadataKey, 0, ErrIntegrity, "invalid sops metadata: %s", scrub(err.Error()))
		}
	}
	if meta.MessageAuthenticationCode == "" {
		return sops.Tree{}, nil, fail(stores.SopsMetadataKey, 0, ErrIntegrity, "the sops metadata has no MAC (sops -d refuses such a file unless told --ignore-mac)")
	}
	return sops.Tree{Branches: branches, Metadata: meta}, orig, nil
}

// decryptVerified decrypts tree in place with dataKey and checks the MAC.
func decryptVerified(tree *sops.Tree, dataKey []byte, orig []*yaml.Node) error {
	cipher := &watchedCipher{Cipher: aes.NewCipher()}
	mac, err := tree.Decrypt(dataKey, cipher)
	if err != nil {
		// sops' message may quote the value (plaintext planted on an
		// encrypted path): say only where.
		if cipher.failedPath != "" {
			return fail(cipher.failedPath, lineOf(orig, cipher.failedPath, cipher.failedText), ErrIntegrity, "a value does not decrypt")
		}
		key, line := unencryptedLeaf(&tree.Metadata, orig)
		return fail(key, line, ErrIntegrity, "a value that sops encrypts is not encrypted")
	}
	stored, err := cipher.Cipher.Decrypt(tree.Metadata.MessageAuthenticationCode, dataKey, tree.Metadata.LastModified.Format(time.RFC3339))
	if err != nil {
		return fail("sops.mac", 0, ErrIntegrity, "the MAC does not decrypt")
	}
	if stored != mac {
		return fail("sops.mac", 0, ErrIntegrity, "the MAC does not match the content")
	}
	return nil
}

// parseAll parses every YAML document of data.
func parseAll(data []byte) ([]*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var docs []*yaml.Node
	for {
		doc := new(yaml.Node)
		err := dec.Decode(doc)
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return nil, errors.New(strings.TrimPrefix(err.Error(), "yaml: "))
		}
		docs = append(docs, doc)
	}
}

func hasAlias(docs []*yaml.Node) bool {
	return anyNode(docs, func(n *yaml.Node) bool { return n.Kind == yaml.AliasNode })
}

// anyNode reports whether a node of docs satisfies is, visiting each node
// where it stands (not through aliases).
func anyNode(docs []*yaml.Node, is func(*yaml.Node) bool) bool {
	var walk func(n *yaml.Node) bool
	walk = func(n *yaml.Node) bool {
		if is(n) {
			return true
		}
		for _, c := range n.Content {
			if walk(c) {
				return true
			}
		}
		return false
	}
	for _, d := range docs {
		if walk(d) {
			return true
		}
	}
	return false
}

// unreadable explains why sops' store refused a file our own parse read:
// sops reads only mappings at the top, string keys, and no key twice.
// Its own message may quote content, so it is not passed on.
func unreadable(orig []*yaml.Node, format Format) error {
	for _, doc := range orig {
		top := topOf(doc)
		if top == nil || (top.Kind == yaml.ScalarNode && top.Tag == "!!null") {
			continue
		}
		if top.Kind != yaml.MappingNode {
			return fail("", top.Line, nil, "sops reads only documents whose top level is a mapping")
		}
		if key, line := duplicateKey(top, ""); key != "" {
			return fail(key, line, nil, "the key is defined twice (sops refuses it)")
		}
	}
	return fail("", 0, nil, "sops cannot read the file as %v", format)
}

func duplicateKey(n *yaml.Node, at string) (string, int) {
	switch n.Kind {
	case yaml.MappingNode:
		seen := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			p := join(at, k.Value)
			if seen[k.Value] {
				return p, k.Line
			}
			seen[k.Value] = true
			if key, line := duplicateKey(n.Content[i+1], p); key != "" {
				return key, line
			}
		}
	case yaml.SequenceNode:
		for _, c := range n.Content {
			if key, line := duplicateKey(c, at); key != "" {
				return key, line
			}
		}
	}
	return "", 0
}

func join(at, key string) string {
	if at == "" {
		return key
	}
	return at + "." + key
}

// checkKeys refuses keys sops cannot walk (tree.Decrypt would fail with a
// message that quotes them): sops supports only string keys.
func checkKeys(branches sops.TreeBranches, orig []*yaml.Node) error {
	var walk func(v any, at string) error
	walk = func(v any, at string) error {
		switch v := v.(type) {
		case sops.TreeBranch:
			for _, item := range v {
				if _, ok := item.Key.(sops.Comment); ok {
					continue
				}
				key, ok := item.Key.(string)
				if !ok {
					return fail(at, 0, nil, "a key of this mapping is a %s, not a string: sops supports only string keys", kindOf(item.Key))
				}
				if err := walk(item.Value, join(at, key)); err != nil {
					return err
				}
			}
		case []any:
			for _, e := range v {
				if err := walk(e, at); err != nil {
					return err
				}
			}
		}
		return nil
	}
	for _, b := range branches {
		if err := walk(b, ""); err != nil {
			return err
		}
	}
	return nil
}

func kindOf(v any) string {
	switch v.(type) {
	case int:
		return "number"
	case float64:
		return "number"
	case bool:
		return "boolean"
	case nil:
		return "null"
	case time.Time:
		return "timestamp"
	default:
		return fmt.Sprintf("%T", v)
	}
}

// watchedCipher is sops' cipher, remembering the path of a value that fails
// to decrypt, and its ciphertext (to find its line), so that an integrity
// error can say where without quoting sops' message.
type watchedCipher struct {
	aes.Cipher
	failedPath string
	failedText string
}

func (c *watchedCipher) Decrypt(ciphertext string, key []byte, additionalData string) (v any, err error) {
	defer func() {
		// sops' cipher panics on some values it can decrypt (type:bytes:
		// its IV cache keys a map by the plaintext); the panic value may
		// hold the plaintext, so it is dropped.
		if recover() != nil {
			v, err = nil, errors.New("sops' cipher panicked")
			c.fail(ciphertext, additionalData)
		}
	}()
	v, err = c.Cipher.Decrypt(ciphertext, key, additionalData)
	if err != nil {
		c.fail(ciphertext, additionalData)
	}
	return v, err
}

// fail remembers the first value that did not decrypt.
func (c *watchedCipher) fail(ciphertext, additionalData string) {
	if c.failedPath == "" {
		// sops authenticates each value with its path "a:b:c:" as additional data.
		c.failedPath = strings.ReplaceAll(strings.TrimSuffix(additionalData, ":"), ":", ".")
		c.failedText = ciphertext
	}
}

// lineOf returns the line of the scalar whose text is s at the dotted key
// path p (list items share their list's path, as in sops), or 0.
func lineOf(docs []*yaml.Node, p, s string) int {
	var walk func(n *yaml.Node, at string) int
	walk = func(n *yaml.Node, at string) int {
		switch n.Kind {
		case yaml.ScalarNode:
			if n.Value == s && at == p {
				return n.Line
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				if l := walk(n.Content[i+1], join(at, n.Content[i].Value)); l > 0 {
					return l
				}
			}
		default:
			for _, c := range n.Content {
				if l := walk(c, at); l > 0 {
					return l
				}
			}
		}
		return 0
	}
	for _, d := range docs {
		if l := walk(d, ""); l > 0 {
			return l
		}
	}
	return 0
}

// unencryptedLeaf finds the first scalar that is not a string on a path
// the file's rules encrypt: tree.Decrypt fails on it without calling the
// cipher. The comment rules are not followed (they depend on the comments
// before each value); the key is then unknown.
func unencryptedLeaf(meta *sops.Metadata, docs []*yaml.Node) (string, int) {
	if meta.UnencryptedCommentRegex != "" || meta.EncryptedCommentRegex != "" {
		return "", 0
	}
	var walk func(n *yaml.Node, keys []string) (string, int)
	walk = func(n *yaml.Node, keys []string) (string, int) {
		switch n.Kind {
		case yaml.DocumentNode, yaml.SequenceNode:
			for _, c := range n.Content {
				if k, l := walk(c, keys); l > 0 {
					return k, l
				}
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				if len(keys) == 0 && n.Content[i].Value == stores.SopsMetadataKey {
					continue
				}
				if k, l := walk(n.Content[i+1], append(keys[:len(keys):len(keys)], n.Content[i].Value)); l > 0 {
					return k, l
				}
			}
		case yaml.ScalarNode:
			if n.Tag != "!!str" && n.Tag != "!!null" && encrypts(meta, keys) {
				return strings.Join(keys, "."), n.Line
			}
		}
		return "", 0
	}
	for _, d := range docs {
		if k, l := walk(d, nil); l > 0 {
			return k, l
		}
	}
	return "", 0
}

// encrypts applies the file's suffix and regex rules to a path, as sops'
// shouldBeEncrypted does.
func encrypts(meta *sops.Metadata, keys []string) bool {
	any := func(match func(string) bool) bool {
		for _, k := range keys {
			if match(k) {
				return true
			}
		}
		return false
	}
	re := func(expr string) func(string) bool {
		r, err := regexp.Compile(expr)
		if err != nil {
			return func(string) bool { return false }
		}
		return r.MatchString
	}
	switch {
	case meta.UnencryptedSuffix != "":
		return !any(func(k string) bool { return strings.HasSuffix(k, meta.UnencryptedSuffix) })
	case meta.EncryptedSuffix != "":
		return any(func(k string) bool { return strings.HasSuffix(k, meta.EncryptedSuffix) })
	case meta.UnencryptedRegex != "":
		return !any(re(meta.UnencryptedRegex))
	case meta.EncryptedRegex != "":
		return any(re(meta.EncryptedRegex))
	}
	return true
}

// leaves lists every leaf of sops' tree (scalars, nulls and the comments
// kept inside lists), in the order builder visits them. Comments that are
// keys of a mapping are not leaves: they never become values.
func leaves(branches sops.TreeBranches) []any {
	var out []any
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case sops.TreeBranch:
			for _, item := range v {
				if _, ok := item.Key.(sops.Comment); !ok {
					walk(item.Value)
				}
			}
		case []any:
			for _, e := range v {
				walk(e)
			}
		default:
			out = append(out, v)
		}
	}
	for _, b := range branches {
		walk(b)
	}
	return out
}

// builder turns sops' decrypted tree into yaml.Nodes, the way sops'
// emitter does, with the positions (and, where it means the same, the
// text) of the original parse.
type builder struct {
	before []any // leaves before decryption, see leaves
	next   int   // index of the next leaf
	enc    map[*yaml.Node]bool
}

func (b *builder) document(branch sops.TreeBranch, orig *yaml.Node) *yaml.Node {
	doc := &yaml.Node{Kind: yaml.DocumentNode}
	var top *yaml.Node
	if orig != nil {
		doc.Line, doc.Column = orig.Line, orig.Column
		top = topOf(orig)
	}
	doc.Content = []*yaml.Node{b.mapping(branch, top, true)}
	return doc
}

func (b *builder) value(v any, orig *yaml.Node) *yaml.Node {
	orig = resolve(orig)
	switch v := v.(type) {
	case sops.TreeBranch:
		return b.mapping(v, orig, false)
	case []any:
		return b.sequence(v, orig)
	default:
		before := b.before[b.next]
		b.next++
		return b.scalar(before, v, orig)
	}
}

func (b *builder) mapping(branch sops.TreeBranch, orig *yaml.Node, top bool) *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	var pairs []*yaml.Node // orig's keys and values, the sops metadata left out
	if orig != nil && orig.Kind == yaml.MappingNode {
		position(n, orig)
		for i := 0; i+1 < len(orig.Content); i += 2 {
			if top && orig.Content[i].Value == stores.SopsMetadataKey {
				continue
			}
			pairs = append(pairs, orig.Content[i], orig.Content[i+1])
		}
	}
	j := 0
	for _, item := range branch {
		if _, ok := item.Key.(sops.Comment); ok {
			continue
		}
		key := item.Key.(string) // checkKeys made sure
		var ok, ov *yaml.Node
		if j+1 < len(pairs) && pairs[j].Value == key {
			ok, ov = pairs[j], pairs[j+1]
		}
		j += 2
		kn := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}
		if ok != nil {
			position(kn, ok)
		}
		n.Content = append(n.Content, kn, b.value(item.Value, ov))
	}
	return n
}

func (b *builder) sequence(list []any, orig *yaml.Node) *yaml.Node {
	n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
	var items []*yaml.Node
	if orig != nil && orig.Kind == yaml.SequenceNode {
		position(n, orig)
		items = orig.Content
	}
	j := 0
	for _, e := range list {
		switch e := e.(type) {
		case sops.TreeBranch, []any:
			var o *yaml.Node
			if j < len(items) {
				o = items[j]
			}
			j++
			n.Content = append(n.Content, b.value(e, o))
			continue
		}
		// A leaf. sops keeps a list's comments as items of the list: they
		// were comments of the file (no node of ours) or, rarely, items that
		// decrypt to comments (which sops -d prints as comments).
		before := b.before[b.next]
		_, wasComment := before.(sops.Comment)
		_, isComment := e.(sops.Comment)
		var o *yaml.Node
		if !wasComment {
			if j < len(items) {
				o = items[j]
			}
			j++
		}
		if isComment {
			b.next++
			continue
		}
		n.Content = append(n.Content, b.value(e, o))
	}
	return n
}

func (b *builder) scalar(before, after any, orig *yaml.Node) *yaml.Node {
	encrypted := !sameLeaf(before, after)
	n := sopsScalar(after)
	if !encrypted && orig != nil && orig.Kind == yaml.ScalarNode && roundTrips(after, n) {
		// Left in the clear, and sops -d's text means the same: keep the
		// text it was written with (a date stays 2024-01-01).
		n = &yaml.Node{Kind: yaml.ScalarNode, Tag: orig.Tag, Value: orig.Value, Style: orig.Style}
	}
	if orig != nil {
		position(n, orig)
	}
	if encrypted {
		b.enc[n] = true
	}
	return n
}

func position(n, orig *yaml.Node) {
	n.Line, n.Column = orig.Line, orig.Column
}

// sopsScalar returns the node sops' emitter writes for a leaf
// (yaml.Node.Encode), as a reader of `sops -d` parses it back.
func sopsScalar(v any) *yaml.Node {
	switch v := v.(type) {
	case string:
		if utf8.ValidString(v) {
			return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v}
		}
	case int:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(v)}
	case bool:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(v)}
	case nil:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}
	}
	n := new(yaml.Node)
	if err := n.Encode(v); err != nil {
		// Every type sops' cipher returns encodes; this is not reached.
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: fmt.Sprint(v)}
	}
	n.Style = 0
	return n
}

// roundTrips reports whether n, sops' text for v, reads back as v: false
// for a float that sops prints as an integer (3.0 becomes 3).
func roundTrips(v any, n *yaml.Node) bool {
	switch v.(type) {
	case string, int, bool, nil:
		return true
	}
	var back any
	if err := n.Decode(&back); err != nil {
		return false
	}
	return sameLeaf(v, back)
}

// sameLeaf compares two leaves of sops' tree by type and value (NaN equals
// NaN; times are equal instants).
func sameLeaf(a, b any) bool {
	switch a := a.(type) {
	case float64:
		b, ok := b.(float64)
		return ok && math.Float64bits(a) == math.Float64bits(b)
	case time.Time:
		b, ok := b.(time.Time)
		return ok && a.Equal(b)
	case []byte:
		b, ok := b.([]byte)
		return ok && bytes.Equal(a, b)
	case string, int, bool, nil, sops.Comment:
		return a == b
	default:
		return false
	}
}
