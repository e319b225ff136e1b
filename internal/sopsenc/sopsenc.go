// Package sopsenc encrypts YAML documents with the real sops code, in process,
// to age recipients. The project uses it to make its encrypted fixtures (the
// demo workspace, test files encrypted at test time to fresh keys); it is the
// same work as `sops --encrypt --age RECIPIENT file.yaml`, without a sops
// program.
package sopsenc

import (
	"errors"
	"fmt"
	"time"

	"github.com/getsops/sops/v3"
	"github.com/getsops/sops/v3/aes"
	sopsage "github.com/getsops/sops/v3/age"
	"github.com/getsops/sops/v3/config"
	"github.com/getsops/sops/v3/keyservice"
	sopsyaml "github.com/getsops/sops/v3/stores/yaml"
	"github.com/getsops/sops/v3/version"
)

// Rules selects which leaves are encrypted, as a sops creation rule does. At
// most one field may be set; with none set, sops' default applies: every leaf
// is encrypted except those whose key ends in "_unencrypted".
type Rules struct {
	UnencryptedSuffix string
	EncryptedSuffix   string
	UnencryptedRegex  string
	EncryptedRegex    string
}

// defaultUnencryptedSuffix is what the sops command line uses when no rule is given.
const defaultUnencryptedSuffix = "_unencrypted"

// EncryptYAML encrypts a plain YAML document to the given age recipients
// (age1… public keys) and returns the encrypted file, as sops would write it.
func EncryptYAML(plain []byte, rules Rules, recipients ...string) ([]byte, error) {
	if len(recipients) == 0 {
		return nil, errors.New("sopsenc: no age recipient")
	}
	store := sopsyaml.NewStore(&config.YAMLStoreConfig{})
	branches, err := store.LoadPlainFile(plain)
	if err != nil {
		return nil, fmt.Errorf("sopsenc: parse: %w", err)
	}
	if len(branches) == 0 {
		return nil, errors.New("sopsenc: empty document")
	}
	var group sops.KeyGroup
	for _, r := range recipients {
		mk, err := sopsage.MasterKeyFromRecipient(r)
		if err != nil {
			return nil, fmt.Errorf("sopsenc: recipient: %w", err)
		}
		group = append(group, mk)
	}
	if rules == (Rules{}) {
		rules.UnencryptedSuffix = defaultUnencryptedSuffix
	}
	tree := sops.Tree{
		Branches: branches,
		Metadata: sops.Metadata{
			KeyGroups:         []sops.KeyGroup{group},
			UnencryptedSuffix: rules.UnencryptedSuffix,
			EncryptedSuffix:   rules.EncryptedSuffix,
			UnencryptedRegex:  rules.UnencryptedRegex,
			EncryptedRegex:    rules.EncryptedRegex,
			Version:           version.Version,
		},
	}
	dataKey, errs := tree.GenerateDataKeyWithKeyServices([]keyservice.KeyServiceClient{keyservice.NewLocalClient()})
	if len(errs) > 0 {
		return nil, fmt.Errorf("sopsenc: data key: %w", errors.Join(errs...))
	}
	cipher := aes.NewCipher()
	mac, err := tree.Encrypt(dataKey, cipher)
	if err != nil {
		return nil, fmt.Errorf("sopsenc: encrypt: %w", err)
	}
	tree.Metadata.LastModified = time.Now().UTC()
	tree.Metadata.MessageAuthenticationCode, err = cipher.Encrypt(mac, dataKey, tree.Metadata.LastModified.Format(time.RFC3339))
	if err != nil {
		return nil, fmt.Errorf("sopsenc: encrypt mac: %w", err)
	}
	return store.EmitEncryptedFile(tree)
}
