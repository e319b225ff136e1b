// Package loadertest makes the fixtures an engine's unit tests load with
// package loader: a fresh age key pair, sops files encrypted to it with the
// real sops code, and a whole workspace in an [fstest.MapFS], all in
// memory, with no sops program, key file or environment variable.
//
//	identity, recipient := loadertest.NewAgeIdentity()
//	fsys, err := loadertest.Workspace(map[string]string{
//		"secrets.sops.yaml": "secrets:\n  DB_PASSWORD: example-pw\n", // encrypted on the way in
//		"actions.yaml":      "actions:\n  migrate:\n    cmd: migrate --password {{ secret.DB_PASSWORD }}\n",
//	}, loadertest.Rules{}, recipient)
//	ws, err := loader.Load(ctx, fsys, loader.WithAgeIdentities(identity))
//
// Keys are made when the test runs and live in the test's memory: nothing to
// ship, nothing to leak. To fake the backend of ref+ references (latency,
// failures, call counts), see secrets/secretstest.
//
// The encryption is sops' own Go code (its YAML store, AES-GCM cipher, MAC
// and age key service), so what a test loads is what `sops --encrypt` would
// have written, and the loader decrypts it as it decrypts any sops file.
// Errors name the option or the file, never a value of the document.
package loadertest

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strings"
	"testing/fstest"

	"filippo.io/age"

	"github.com/hushflow/hushflow/internal/sopsenc"
)

// NewAgeIdentity returns a new age X25519 key pair: identity is the secret
// key ("AGE-SECRET-KEY-1…") for loader.WithAgeIdentities, recipient the
// public key ("age1…") to encrypt to.
func NewAgeIdentity() (identity, recipient string) {
	id, err := age.GenerateX25519Identity()
	if err != nil {
		// age fails only when crypto/rand does, which since Go 1.24 does
		// not return: it crashes the program instead.
		panic("loadertest: " + err.Error())
	}
	return id.String(), id.Recipient().String()
}

// Rules select which leaves of a document are encrypted, as the keys of the
// same names in a .sops.yaml creation rule do (unencrypted_suffix,
// encrypted_suffix, unencrypted_regex, encrypted_regex,
// unencrypted_comment_regex, encrypted_comment_regex). At most one may be
// set. The zero Rules is sops' default: every leaf is encrypted except those
// whose key ends in "_unencrypted".
type Rules struct {
	UnencryptedSuffix       string
	EncryptedSuffix         string
	UnencryptedRegex        string
	EncryptedRegex          string
	UnencryptedCommentRegex string
	EncryptedCommentRegex   string
}

// ErrRules is returned when Rules set more than one field or a regular
// expression that does not compile.
var ErrRules = errors.New("loadertest: bad rules")

// check returns an error naming the fields that make r invalid: sops
// itself refuses several rules at once, and ignores a regular expression
// that does not compile (which would leave a test's file encrypted other
// than it meant).
func (r Rules) check() error {
	fields := []struct {
		name, value string
		regex       bool
	}{
		{"UnencryptedSuffix", r.UnencryptedSuffix, false},
		{"EncryptedSuffix", r.EncryptedSuffix, false},
		{"UnencryptedRegex", r.UnencryptedRegex, true},
		{"EncryptedRegex", r.EncryptedRegex, true},
		{"UnencryptedCommentRegex", r.UnencryptedCommentRegex, true},
		{"EncryptedCommentRegex", r.EncryptedCommentRegex, true},
	}
	var set []string
	for _, f := range fields {
		if f.value == "" {
			continue
		}
		set = append(set, f.name)
		if f.regex {
			if _, err := regexp.Compile(f.value); err != nil {
				return fmt.Errorf("%w: %s: %w", ErrRules, f.name, err)
			}
		}
	}
	if len(set) > 1 {
		return fmt.Errorf("%w: %s are set; sops takes one", ErrRules, strings.Join(set, " and "))
	}
	return nil
}

// EncryptYAML encrypts a plain YAML document to the age recipients, as
// `sops --encrypt` does under a creation rule with these rules, and returns
// the encrypted file.
func EncryptYAML(plain []byte, rules Rules, recipients ...string) ([]byte, error) {
	if err := rules.check(); err != nil {
		return nil, err
	}
	if len(recipients) == 0 {
		return nil, errors.New("loadertest: no age recipient to encrypt to")
	}
	enc, err := sopsenc.EncryptYAML(plain, sopsenc.Rules(rules), recipients...)
	if err != nil {
		// sopsenc's errors name the step (parse, data key, recipient) and
		// carry sops' and yaml's messages, which do not quote values.
		return nil, fmt.Errorf("loadertest: %w", err)
	}
	return enc, nil
}

// Workspace returns files (slash-separated path → content) as an
// in-memory workspace for loader.Load. Every file named NAME.sops.yaml or
// NAME.sops.yml is stored encrypted with [EncryptYAML] to recipients under
// rules, as the loader expects to find it; every other file, the sops
// configuration files .sops.yaml and .sops.yml included, is stored as
// written. The error names the file that could not be encrypted.
func Workspace(files map[string]string, rules Rules, recipients ...string) (fstest.MapFS, error) {
	fsys := fstest.MapFS{}
	for name, content := range files {
		if name == "." || !fs.ValidPath(name) {
			return nil, fmt.Errorf("loadertest: %q is not a slash-separated path relative to the root", name)
		}
		data := []byte(content)
		if isSopsName(path.Base(name)) {
			enc, err := EncryptYAML(data, rules, recipients...)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			data = enc
		}
		fsys[name] = &fstest.MapFile{Data: data, Mode: 0o644}
	}
	return fsys, nil
}

// isSopsName says whether the loader decrypts a file of this name (it also
// decrypts any file that carries sops metadata; a test that wants such a
// file writes EncryptYAML's output under the name it likes).
func isSopsName(base string) bool {
	if base == ".sops.yaml" || base == ".sops.yml" {
		return false // sops' creation rules, which the loader skips
	}
	return strings.HasSuffix(base, ".sops.yaml") || strings.HasSuffix(base, ".sops.yml")
}
