package sopsenc

import (
	"errors"
	"fmt"
	"time"

	"github.com/getsops/sops/v3"
	"github.com/getsops/sops/v3/aes"
	"github.com/getsops/sops/v3/config"
	"github.com/getsops/sops/v3/keyservice"
	sopskms "github.com/getsops/sops/v3/kms"
	sopsyaml "github.com/getsops/sops/v3/stores/yaml"
	"github.com/getsops/sops/v3/version"
)

// EncryptYAMLKMS encrypts a plain YAML document to AWS KMS keys, given by
// ARN, and returns the encrypted file, as `sops --encrypt --kms ARN` would
// write it. The data key is encrypted by the KMS API that the environment
// names, as sops does it: AWS_ENDPOINT_URL, the credentials and their
// region (internal/moto.Use points them at a local moto server, whose
// CreateKMSKey makes the key).
func EncryptYAMLKMS(plain []byte, rules Rules, arns ...string) ([]byte, error) {
	if len(arns) == 0 {
		return nil, errors.New("sopsenc: no KMS key ARN")
	}
	var group sops.KeyGroup
	for _, arn := range arns {
		group = append(group, sopskms.NewMasterKeyFromArn(arn, nil, ""))
	}
	return encryptToGroup(plain, rules, group)
}

// encryptToGroup encrypts plain to one group of master keys of any kind.
// It is EncryptYAML's work with the keys made by the caller.
// TODO(lead): EncryptYAML (age) can call it too; left as is here while
// sopsenc.go is being extended for PGP by another change.
func encryptToGroup(plain []byte, rules Rules, group sops.KeyGroup) ([]byte, error) {
	store := sopsyaml.NewStore(&config.YAMLStoreConfig{})
	branches, err := store.LoadPlainFile(plain)
	if err != nil {
		return nil, fmt.Errorf("sopsenc: parse: %w", err)
	}
	if len(branches) == 0 {
		return nil, errors.New("sopsenc: empty document")
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
