// Package sopsenc encrypts YAML and JSON documents with the real sops code,
// in process. The project uses it to make its encrypted fixtures (the demo
// workspace, the compatibility fixtures under testdata/sops, test files
// encrypted at test time to fresh keys); it is the same work as
// `sops --encrypt`, without a sops program, a gpg program or a keyring.
//
// [EncryptYAML] covers the common case (age recipients, one key group);
// [Encrypt] takes every option: format, rules, several key groups (Shamir),
// age recipients, PGP public keys, and any other sops master key.
package sopsenc

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/getsops/sops/v3"
	"github.com/getsops/sops/v3/aes"
	sopsage "github.com/getsops/sops/v3/age"
	"github.com/getsops/sops/v3/config"
	"github.com/getsops/sops/v3/keys"
	"github.com/getsops/sops/v3/keyservice"
	sopspgp "github.com/getsops/sops/v3/pgp"
	sopsjson "github.com/getsops/sops/v3/stores/json"
	sopsyaml "github.com/getsops/sops/v3/stores/yaml"
	"github.com/getsops/sops/v3/version"
)

// Rules selects which leaves are encrypted, as a sops creation rule does. At
// most one field may be set; with none set, sops' default applies: every leaf
// is encrypted except those whose key ends in "_unencrypted".
type Rules struct {
	UnencryptedSuffix       string
	EncryptedSuffix         string
	UnencryptedRegex        string
	EncryptedRegex          string
	UnencryptedCommentRegex string
	EncryptedCommentRegex   string
}

// defaultUnencryptedSuffix is what the sops command line uses when no rule is given.
const defaultUnencryptedSuffix = "_unencrypted"

// EncryptYAML encrypts a plain YAML document to the given age recipients
// (age1… public keys) and returns the encrypted file, as sops would write it.
func EncryptYAML(plain []byte, rules Rules, recipients ...string) ([]byte, error) {
	if len(recipients) == 0 {
		return nil, errors.New("sopsenc: no age recipient")
	}
	return Encrypt(plain, Options{Format: "yaml", Rules: rules, Groups: []Group{{Age: recipients}}})
}

// Group is one key group of a sops file: the group's part of the data key
// (the whole key when there is one group) is encrypted to every key in it,
// and any one of them decrypts it.
type Group struct {
	Age []string // age recipients (age1…)
	PGP [][]byte // PGP public keys, armored or binary; encrypted to in process with go-crypto
	// Other master keys of any kind sops knows (KMS, GCP KMS, Vault, …),
	// encrypted to by sops' local key service with the environment's
	// credentials, as the sops program does.
	Other []keys.MasterKey
}

// Options say how [Encrypt] writes a file. Format and one group are required.
type Options struct {
	Format           string // "yaml" or "json"
	Rules            Rules
	Groups           []Group
	ShamirThreshold  int  // groups needed to decrypt when there are several; 0 means all, as in sops
	MACOnlyEncrypted bool // the MAC covers only encrypted values (sops' --mac-only-encrypted)
}

// Encrypt encrypts a plain document as `sops --encrypt` would with the same
// options, and returns the encrypted file.
func Encrypt(plain []byte, o Options) ([]byte, error) {
	var store interface {
		LoadPlainFile([]byte) (sops.TreeBranches, error)
		EmitEncryptedFile(sops.Tree) ([]byte, error)
	}
	switch o.Format {
	case "yaml":
		store = sopsyaml.NewStore(&config.YAMLStoreConfig{})
	case "json":
		store = sopsjson.NewStore(&config.JSONStoreConfig{Indent: -1}) // a tab, as the sops program writes it
	default:
		return nil, fmt.Errorf("sopsenc: Format %q: want \"yaml\" or \"json\"", o.Format)
	}
	if len(o.Groups) == 0 {
		return nil, errors.New("sopsenc: no key group")
	}
	branches, err := store.LoadPlainFile(plain)
	if err != nil {
		return nil, fmt.Errorf("sopsenc: parse: %w", err)
	}
	if len(branches) == 0 {
		return nil, errors.New("sopsenc: empty document")
	}
	svc := &localService{pgp: map[string]*openpgp.Entity{}}
	groups, err := keyGroups(o.Groups, svc)
	if err != nil {
		return nil, err
	}
	r := o.Rules
	if r == (Rules{}) {
		r.UnencryptedSuffix = defaultUnencryptedSuffix
	}
	tree := sops.Tree{
		Branches: branches,
		Metadata: sops.Metadata{
			KeyGroups:               groups,
			ShamirThreshold:         o.ShamirThreshold,
			UnencryptedSuffix:       r.UnencryptedSuffix,
			EncryptedSuffix:         r.EncryptedSuffix,
			UnencryptedRegex:        r.UnencryptedRegex,
			EncryptedRegex:          r.EncryptedRegex,
			UnencryptedCommentRegex: r.UnencryptedCommentRegex,
			EncryptedCommentRegex:   r.EncryptedCommentRegex,
			MACOnlyEncrypted:        o.MACOnlyEncrypted,
			Version:                 version.Version,
		},
	}
	dataKey, errs := tree.GenerateDataKeyWithKeyServices([]keyservice.KeyServiceClient{keyservice.NewCustomLocalClient(svc)})
	if len(errs) > 0 {
		return nil, fmt.Errorf("sopsenc: data key: %w", errors.Join(errs...))
	}
	return seal(tree, dataKey, store)
}

// seal encrypts tree's values with dataKey, stamps and encrypts its MAC,
// and writes the file.
func seal(tree sops.Tree, dataKey []byte, store interface {
	EmitEncryptedFile(sops.Tree) ([]byte, error)
}) ([]byte, error) {
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

// RewriteYAML replaces the content of the sops-encrypted YAML file encrypted
// with plain, as `sops edit` does when it saves: the data key and the key
// groups stay (recovered with the age identities, one key group), every
// value is encrypted again with that key, and the MAC is new.
func RewriteYAML(encrypted, plain []byte, identities ...string) ([]byte, error) {
	store := sopsyaml.NewStore(&config.YAMLStoreConfig{})
	tree, err := store.LoadEncryptedFile(encrypted)
	if err != nil {
		return nil, fmt.Errorf("sopsenc: read the encrypted file: %w", err)
	}
	if len(tree.Metadata.KeyGroups) != 1 {
		return nil, errors.New("sopsenc: RewriteYAML takes a file of one key group")
	}
	var ids sopsage.ParsedIdentities
	if err := ids.Import(identities...); err != nil {
		return nil, fmt.Errorf("sopsenc: age identities: %w", err)
	}
	var dataKey []byte
	for _, mk := range tree.Metadata.KeyGroups[0] {
		if ak, ok := mk.(*sopsage.MasterKey); ok {
			ids.ApplyToMasterKey(ak)
			if dataKey, err = ak.Decrypt(); err == nil {
				break
			}
		}
	}
	if dataKey == nil {
		return nil, errors.New("sopsenc: no age identity recovers the data key")
	}
	if tree.Branches, err = store.LoadPlainFile(plain); err != nil {
		return nil, fmt.Errorf("sopsenc: parse: %w", err)
	}
	return seal(tree, dataKey, store)
}

// keyGroups makes sops' key groups of groups; the PGP keys go into svc,
// which encrypts the data key to them locally.
func keyGroups(groups []Group, svc *localService) ([]sops.KeyGroup, error) {
	var out []sops.KeyGroup
	for gi, g := range groups {
		var group sops.KeyGroup
		for ri, r := range g.Age {
			mk, err := sopsage.MasterKeyFromRecipient(r)
			if err != nil {
				// sops' message quotes the text, which is a secret key when
				// a caller swapped identity and recipient: say which one
				// failed and why, never what it holds.
				why := "does not parse as an age recipient (age1…)"
				if strings.HasPrefix(strings.TrimSpace(strings.ToUpper(r)), "AGE-SECRET-KEY-") {
					why = "is an age identity (a secret key), not its recipient"
				}
				return nil, fmt.Errorf("sopsenc: group %d: age recipient %d %s", gi+1, ri+1, why)
			}
			group = append(group, mk)
		}
		for i, pub := range g.PGP {
			e, err := readPublicKey(pub)
			if err != nil {
				return nil, fmt.Errorf("sopsenc: group %d: PGP key %d: %w", gi+1, i+1, err)
			}
			fp := strings.ToUpper(hex.EncodeToString(e.PrimaryKey.Fingerprint))
			svc.pgp[fp] = e
			group = append(group, sopspgp.NewMasterKeyFromFingerprint(fp))
		}
		group = append(group, g.Other...)
		if len(group) == 0 {
			return nil, fmt.Errorf("sopsenc: group %d holds no key", gi+1)
		}
		out = append(out, group)
	}
	return out, nil
}

func readPublicKey(key []byte) (*openpgp.Entity, error) {
	var el openpgp.EntityList
	var err error
	if bytes.HasPrefix(bytes.TrimSpace(key), []byte("-----BEGIN")) {
		el, err = openpgp.ReadArmoredKeyRing(bytes.NewReader(key))
	} else {
		el, err = openpgp.ReadKeyRing(bytes.NewReader(key))
	}
	if err != nil {
		return nil, err
	}
	if len(el) != 1 {
		return nil, fmt.Errorf("%d keys in the ring, want 1", len(el))
	}
	return el[0], nil
}

// localService is sops' local key service, except that it encrypts to the
// PGP keys it was given in process instead of looking them up in a GnuPG
// keyring (or running gpg).
type localService struct {
	pgp map[string]*openpgp.Entity // by upper-case fingerprint
}

func (s *localService) Encrypt(ctx context.Context, req *keyservice.EncryptRequest) (*keyservice.EncryptResponse, error) {
	k, ok := req.GetKey().GetKeyType().(*keyservice.Key_PgpKey)
	if !ok {
		return keyservice.Server{}.Encrypt(ctx, req)
	}
	e := s.pgp[strings.ToUpper(k.PgpKey.GetFingerprint())]
	if e == nil {
		return nil, fmt.Errorf("sopsenc: no PGP public key %s given", k.PgpKey.GetFingerprint())
	}
	// As sops' pgp.MasterKey.encryptWithOpenPGP writes it.
	var buf bytes.Buffer
	aw, err := armor.Encode(&buf, "PGP MESSAGE", nil)
	if err != nil {
		return nil, err
	}
	w, err := openpgp.Encrypt(aw, []*openpgp.Entity{e}, nil, nil, nil)
	if err != nil {
		return nil, fmt.Errorf("sopsenc: PGP encrypt: %w", err)
	}
	if _, err := w.Write(req.GetPlaintext()); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	if err := aw.Close(); err != nil {
		return nil, err
	}
	return &keyservice.EncryptResponse{Ciphertext: buf.Bytes()}, nil
}

func (s *localService) Decrypt(context.Context, *keyservice.DecryptRequest) (*keyservice.DecryptResponse, error) {
	return nil, errors.New("sopsenc: encrypts only")
}
