package sopsenc

import (
	"errors"

	"github.com/getsops/sops/v3/keys"
	sopskms "github.com/getsops/sops/v3/kms"
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
	var group Group
	for _, arn := range arns {
		group.Other = append(group.Other, keys.MasterKey(sopskms.NewMasterKeyFromArn(arn, nil, "")))
	}
	return Encrypt(plain, Options{Format: "yaml", Rules: rules, Groups: []Group{group}})
}
