package loader

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"filippo.io/age"
	"github.com/getsops/sops/v3"
	"github.com/getsops/sops/v3/aes"
	sopsage "github.com/getsops/sops/v3/age"
	sopsconfig "github.com/getsops/sops/v3/config"
	"github.com/getsops/sops/v3/keyservice"
	"github.com/getsops/sops/v3/logging"
	sopsyaml "github.com/getsops/sops/v3/stores/yaml"
)

func init() {
	// sops logs through package-level logrus loggers that write to stderr.
	// A library must not write to its host's stderr; every sops package this
	// one links has registered its logger by now (imports initialise first).
	for _, l := range logging.Loggers {
		l.SetOutput(io.Discard)
	}
}

// keyServices returns the sops key services a load decrypts with: only the
// identities handed in, when there are any, otherwise sops' local key service,
// which reads keys from the environment as the sops program does.
func keyServices(identities []string) ([]keyservice.KeyServiceClient, error) {
	if len(identities) == 0 {
		return []keyservice.KeyServiceClient{keyservice.NewLocalClient()}, nil
	}
	ids, err := age.ParseIdentities(strings.NewReader(strings.Join(identities, "\n")))
	if err != nil {
		// age's message may quote part of the key: say only that it failed.
		return nil, ErrBadKey
	}
	return []keyservice.KeyServiceClient{
		keyservice.NewCustomLocalClient(ageOnlyKeyService{ids: sopsage.ParsedIdentities(ids)}),
	}, nil
}

// ageOnlyKeyService decrypts sops data keys with the age identities it was
// given and refuses every other kind of key, so that keys handed in as
// values are the only keys tried.
type ageOnlyKeyService struct {
	ids sopsage.ParsedIdentities
}

func (s ageOnlyKeyService) Decrypt(_ context.Context, req *keyservice.DecryptRequest) (*keyservice.DecryptResponse, error) {
	k, ok := req.GetKey().GetKeyType().(*keyservice.Key_AgeKey)
	if !ok {
		return nil, errors.New("only the age identities handed in are tried")
	}
	mk := &sopsage.MasterKey{Recipient: k.AgeKey.GetRecipient(), EncryptedKey: string(req.GetCiphertext())}
	s.ids.ApplyToMasterKey(mk)
	plain, err := mk.Decrypt()
	if err != nil {
		return nil, err
	}
	return &keyservice.DecryptResponse{Plaintext: plain}, nil
}

func (ageOnlyKeyService) Encrypt(context.Context, *keyservice.EncryptRequest) (*keyservice.EncryptResponse, error) {
	return nil, errors.New("the loader does not encrypt")
}

// decryptSops decrypts one sops YAML file with the real sops code, checks its
// MAC, and returns the plaintext of its encrypted values in document order
// (comments aside). A failure is returned as an error that wraps ErrDecrypt
// and one of ErrNoKey or ErrIntegrity, with the key path where one is known.
// sops' own messages are never passed on when they may hold plaintext.
func decryptSops(data []byte, svcs []keyservice.KeyServiceClient) (values []any, keyPath string, err error) {
	store := sopsyaml.NewStore(&sopsconfig.YAMLStoreConfig{})
	tree, err := store.LoadEncryptedFile(data)
	if err != nil {
		if errors.Is(err, sops.MetadataNotFound) {
			return nil, "", fmt.Errorf("%w: %w", ErrDecrypt, ErrNotEncrypted)
		}
		// Errors here are about the metadata block, which holds no plaintext.
		return nil, "sops", fmt.Errorf("%w: invalid sops metadata: %v", ErrDecrypt, err)
	}
	dataKey, err := tree.Metadata.GetDataKeyWithKeyServices(svcs, nil)
	if err != nil {
		// The message lists the keys tried and why each failed: no plaintext.
		return nil, "", fmt.Errorf("%w: %w: %v", ErrDecrypt, ErrNoKey, oneLine(err.Error()))
	}
	cipher := &recordingCipher{Cipher: aes.NewCipher()}
	mac, err := tree.Decrypt(dataKey, cipher)
	if err != nil {
		// sops' message may quote the value (a value on an encrypted path that
		// was replaced with plaintext): keep only where it happened.
		return nil, cipher.failedPath, fmt.Errorf("%w: %w: a value does not decrypt", ErrDecrypt, ErrIntegrity)
	}
	storedMAC, err := cipher.Cipher.Decrypt(tree.Metadata.MessageAuthenticationCode, dataKey, tree.Metadata.LastModified.Format(time.RFC3339))
	if err != nil {
		return nil, "sops.mac", fmt.Errorf("%w: %w: the MAC does not decrypt", ErrDecrypt, ErrIntegrity)
	}
	if storedMAC != mac {
		return nil, "sops.mac", fmt.Errorf("%w: %w: the MAC does not match the content", ErrDecrypt, ErrIntegrity)
	}
	return cipher.values, "", nil
}

// recordingCipher is sops' cipher, watched: it keeps the plaintext of every
// encrypted value in the order sops' tree walk decrypts them (document
// order), so the loader can put them into its own parse of the file instead
// of having sops emit YAML to parse again; and it remembers the path of a
// value that fails, so that an integrity error can name it without quoting
// sops' message (which may contain the value).
type recordingCipher struct {
	aes.Cipher
	values     []any
	failedPath string
}

func (c *recordingCipher) Decrypt(ciphertext string, key []byte, additionalData string) (any, error) {
	v, err := c.Cipher.Decrypt(ciphertext, key, additionalData)
	if err != nil {
		// sops authenticates each value with its path "a:b:c:" as additional data.
		c.failedPath = strings.ReplaceAll(strings.TrimSuffix(additionalData, ":"), ":", ".")
		return v, err
	}
	if _, comment := v.(sops.Comment); !comment && strings.HasPrefix(ciphertext, sopsEncryptedPrefix) {
		c.values = append(c.values, v)
	}
	return v, nil
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
