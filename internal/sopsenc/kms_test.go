package sopsenc_test

import (
	"strings"
	"testing"

	"github.com/getsops/sops/v3/decrypt"

	"github.com/hushflow/hushflow/internal/moto"
	"github.com/hushflow/hushflow/internal/sopsenc"
	"github.com/hushflow/hushflow/internal/testkit"
)

// A file encrypted to a KMS key created in moto decrypts with sops' own
// code and the environment's credentials.
// Not parallel: the AWS environment is set for the test.
func TestEncryptYAMLKMSAgainstMoto(t *testing.T) {
	srv := moto.Use(t)
	ctx := t.Context()
	arn, err := srv.CreateKMSKey(ctx, "hushflow sopsenc test")
	if err != nil {
		t.Fatal(err)
	}
	const secret = "kms-plaintext-4d1f"
	enc, err := sopsenc.EncryptYAMLKMS([]byte("db:\n  password: "+secret+"\nregion_unencrypted: eu-north-1\n"), sopsenc.Rules{}, arn)
	if err != nil {
		t.Fatal(err)
	}
	testkit.AssertNoLeak(t, "encrypted file", string(enc), secret)
	for _, want := range []string{"kms:", "arn: " + arn, "region_unencrypted: eu-north-1", "mac: ENC["} {
		if !strings.Contains(string(enc), want) {
			t.Errorf("encrypted file lacks %q", want)
		}
	}
	plain, err := decrypt.Data(enc, "yaml")
	if err != nil {
		t.Fatalf("sops cannot decrypt the file: %s", testkit.Hide(err.Error(), secret))
	}
	if !strings.Contains(string(plain), "password: "+secret) {
		t.Error("the decrypted file does not hold the value")
	}

}

func TestEncryptYAMLKMSWantsAKey(t *testing.T) {
	t.Parallel()
	if _, err := sopsenc.EncryptYAMLKMS([]byte("a: b\n"), sopsenc.Rules{}); err == nil {
		t.Error("EncryptYAMLKMS without an ARN succeeded")
	}
}
