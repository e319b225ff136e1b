package sopsdec_test

import (
	"context"
	"fmt"
	"log"

	"filippo.io/age"

	"github.com/hushflow/hushflow/internal/sopsdec"
	"github.com/hushflow/hushflow/internal/sopsenc"
)

// Decrypt a sops file with an age identity handed in as a value: the
// environment's keys are never consulted.
func ExampleDecrypt() {
	id, _ := age.GenerateX25519Identity()
	file, err := sopsenc.EncryptYAML([]byte("db:\n  password: example-only\n  host_unencrypted: db.internal\n"), sopsenc.Rules{}, id.Recipient().String())
	if err != nil {
		log.Fatal(err)
	}

	keys, err := sopsdec.AgeKeys(id.String())
	if err != nil {
		log.Fatal(err)
	}
	pt, err := sopsdec.Decrypt(context.Background(), file, sopsdec.YAML, keys)
	if err != nil {
		log.Fatal(err)
	}
	var v struct {
		DB struct {
			Password string `yaml:"password"`
			Host     string `yaml:"host_unencrypted"`
		} `yaml:"db"`
	}
	if err := pt.Docs[0].Decode(&v); err != nil {
		log.Fatal(err)
	}
	fmt.Println(v.DB.Host, len(pt.Encrypted), "value encrypted at rest")
	// Output: db.internal 1 value encrypted at rest
}
