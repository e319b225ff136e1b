package sopsdec

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"filippo.io/age"
	"filippo.io/age/armor"
	"github.com/ProtonMail/go-crypto/openpgp"
	pgparmor "github.com/ProtonMail/go-crypto/openpgp/armor"
	pgperrors "github.com/ProtonMail/go-crypto/openpgp/errors"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	smithylog "github.com/aws/smithy-go/logging"
	"github.com/getsops/sops/v3"
	sopsage "github.com/getsops/sops/v3/age"
	"github.com/getsops/sops/v3/keys"
	"github.com/getsops/sops/v3/keyservice"
	sopskms "github.com/getsops/sops/v3/kms"
	sopspgp "github.com/getsops/sops/v3/pgp"
	"github.com/getsops/sops/v3/shamir"
)

// Keys are the keys [Decrypt] tries on a file's data key. The zero Keys
// holds no key at all: every Decrypt with it fails with [ErrNoKey]. Keys
// are immutable and safe for concurrent use.
type Keys struct {
	age   []age.Identity
	pgp   openpgp.EntityList
	env   bool      // also sops' local key service, reading the environment
	known []DataKey // data keys of files decrypted before (see Knowing)
}

// AgeKeys returns keys made of the given age identities only: the
// environment, key files, PGP and KMS are never consulted. Each argument is
// age-keygen's file format: one secret key per line (several, separated by
// spaces, are accepted as in SOPS_AGE_KEY), "#" comments and blank lines
// allowed. X25519 (AGE-SECRET-KEY-1…) and post-quantum hybrid
// (AGE-SECRET-KEY-PQ-1…) identities are accepted; plugin identities are
// not, since they run a program.
//
// An argument that is empty, holds no key, or holds anything but a secret
// key fails with [ErrBadKey], naming its position (1-based, and the line
// when it has several) and why (a public key given instead of a secret key,
// a typo, …), never its text.
func AgeKeys(identities ...string) (Keys, error) {
	if len(identities) == 0 {
		return Keys{}, fmt.Errorf("%w: no age identity given", ErrBadKey)
	}
	var ids []age.Identity
	for i, text := range identities {
		where := fmt.Sprintf("age identity %d", i+1)
		if strings.TrimSpace(text) == "" {
			return Keys{}, fmt.Errorf("%w: %s is empty", ErrBadKey, where)
		}
		lines := strings.Split(text, "\n")
		found := 0
		for ln, line := range lines {
			line = strings.TrimSpace(line)
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			for _, word := range strings.Fields(line) {
				id, why := parseAgeIdentity(word)
				if why != "" {
					if len(lines) > 1 {
						where = fmt.Sprintf("%s, line %d", where, ln+1)
					}
					return Keys{}, fmt.Errorf("%w: %s %s", ErrBadKey, where, why)
				}
				ids = append(ids, id)
				found++
			}
		}
		if found == 0 {
			return Keys{}, fmt.Errorf("%w: %s holds no key, only comments and blank lines", ErrBadKey, where)
		}
	}
	return Keys{age: ids}, nil
}

// bech32Alphabet is the data alphabet of age's keys (bech32), in upper case
// as age-keygen writes them (the checks before it refuse lower case).
const bech32Alphabet = "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L"

// parseAgeIdentity parses one age secret key or says why it is not one,
// in words that never quote it.
func parseAgeIdentity(s string) (age.Identity, string) {
	var (
		id     age.Identity
		err    error
		prefix string
		length int
	)
	upper := strings.ToUpper(s)
	switch {
	case strings.HasPrefix(upper, "AGE-SECRET-KEY-PQ-1"):
		prefix = "AGE-SECRET-KEY-PQ-1"
		id, err = age.ParseHybridIdentity(s)
	case strings.HasPrefix(upper, "AGE-SECRET-KEY-1"):
		prefix, length = "AGE-SECRET-KEY-1", 74
		id, err = age.ParseX25519Identity(s)
	case strings.HasPrefix(upper, "AGE-PLUGIN-"):
		return nil, "is an age plugin identity, which runs a plugin program: not supported here"
	case strings.HasPrefix(s, "age1"):
		return nil, "is an age public key (a recipient, age1…), not a secret key: give the AGE-SECRET-KEY-1… line of the key file"
	case strings.HasPrefix(s, "ssh-") || strings.HasPrefix(s, "ecdsa-") || strings.HasPrefix(s, "sk-"):
		return nil, "is an SSH public key, not an age secret key"
	case strings.HasPrefix(s, "-----BEGIN"):
		return nil, "is a PEM block (an SSH or PGP key?), not an age secret key"
	default:
		return nil, "is not an age secret key (one starts with AGE-SECRET-KEY-1)"
	}
	if err == nil {
		return id, ""
	}
	rest := s[len(prefix):]
	switch {
	case s != strings.ToUpper(s) && s != strings.ToLower(s):
		return nil, "mixes upper and lower case (an age secret key is all upper case)"
	case s != strings.ToUpper(s):
		return nil, "is in lower case; an age secret key is all upper case, as age-keygen writes it"
	case strings.Trim(rest, bech32Alphabet) != "" || strings.ContainsAny(rest, "1"):
		return nil, "holds a character an age key never has (a typo, or two keys run together?)"
	case length > 0 && len(s) != length:
		return nil, fmt.Sprintf("is %d characters long; an age secret key has %d (cut short, or run into other text?)", len(s), length)
	default:
		return nil, "does not match its own checksum (a typo?)"
	}
}

// PGPKeys returns keys made of the given PGP secret keys only, each an
// armored ("-----BEGIN PGP PRIVATE KEY BLOCK-----") or binary key ring as
// `gpg --export-secret-keys` writes it. They decrypt in process, with
// ProtonMail's go-crypto as sops does: no gpg program, no agent, no prompt.
// A key protected by a passphrase is refused with [ErrBadKey].
func PGPKeys(keyRings ...[]byte) (Keys, error) {
	if len(keyRings) == 0 {
		return Keys{}, fmt.Errorf("%w: no PGP key given", ErrBadKey)
	}
	var all openpgp.EntityList
	for i, ring := range keyRings {
		where := fmt.Sprintf("PGP key %d", i+1)
		if len(bytes.TrimSpace(ring)) == 0 {
			return Keys{}, fmt.Errorf("%w: %s is empty", ErrBadKey, where)
		}
		var el openpgp.EntityList
		var err error
		if bytes.HasPrefix(bytes.TrimSpace(ring), []byte("-----BEGIN")) {
			el, err = openpgp.ReadArmoredKeyRing(bytes.NewReader(ring))
		} else {
			el, err = openpgp.ReadKeyRing(bytes.NewReader(ring))
		}
		if err != nil {
			return Keys{}, fmt.Errorf("%w: %s does not parse as a PGP key ring", ErrBadKey, where)
		}
		secret := 0
		for _, e := range el {
			privs := []*packet.PrivateKey{e.PrivateKey}
			for _, sk := range e.Subkeys {
				privs = append(privs, sk.PrivateKey)
			}
			for _, pk := range privs {
				if pk == nil {
					continue
				}
				if pk.Encrypted {
					return Keys{}, fmt.Errorf("%w: %s (%X) is protected by a passphrase: hand it in decrypted", ErrBadKey, where, e.PrimaryKey.Fingerprint)
				}
				secret++
			}
		}
		if secret == 0 {
			return Keys{}, fmt.Errorf("%w: %s holds no secret key (a public key given instead?)", ErrBadKey, where)
		}
		all = append(all, el...)
	}
	return Keys{pgp: all}, nil
}

// EnvironmentKeys returns the keys the sops program would use: sops' local
// key service, which reads SOPS_AGE_KEY, SOPS_AGE_KEY_FILE,
// SOPS_AGE_KEY_CMD, the user's age key file and SSH keys, GNUPGHOME (and
// the gpg program when the legacy keyring does not decrypt), and the KMS
// and Vault credentials of the environment, each time Decrypt needs them.
// Use it only where the host's keys are meant for every file decrypted.
func EnvironmentKeys() Keys { return Keys{env: true} }

// Join returns keys that try every key of ks, in order (the environment's,
// if any of ks has them, last).
func Join(ks ...Keys) Keys {
	var out Keys
	for _, k := range ks {
		out.age = append(out.age[:len(out.age):len(out.age)], k.age...)
		out.pgp = append(out.pgp[:len(out.pgp):len(out.pgp)], k.pgp...)
		out.env = out.env || k.env
		out.known = append(out.known[:len(out.known):len(out.known)], k.known...)
	}
	return out
}

// decryptionOrder is the order sops' command line tries a group's keys in
// (SOPS_DECRYPTION_ORDER's default): local keys before network services.
var decryptionOrder = map[string]int{sopsage.KeyTypeIdentifier: 0, sopspgp.KeyTypeIdentifier: 1}

// dataKey recovers the file's data key, as sops' GetDataKeyWithKeyServices
// does, keeping for each key why it failed.
func (k Keys) dataKey(ctx context.Context, meta *sops.Metadata) ([]byte, error) {
	kerr := &KeyError{Groups: len(meta.KeyGroups), Needed: 1}
	if len(meta.KeyGroups) > 1 {
		kerr.Needed = max(meta.ShamirThreshold, 2)
	}
	var parts [][]byte
	for gi, group := range meta.KeyGroups {
		if len(parts) == kerr.Needed {
			break
		}
		ordered := make([]keys.MasterKey, 0, len(group))
		for _, rank := range []int{0, 1, 2} {
			for _, mk := range group {
				r, ok := decryptionOrder[mk.TypeToIdentifier()]
				if !ok {
					r = 2
				}
				if r == rank {
					ordered = append(ordered, mk)
				}
			}
		}
		for _, mk := range ordered {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			part, err := k.decryptKey(ctx, mk)
			kerr.Attempts = append(kerr.Attempts, KeyAttempt{Group: gi, Kind: mk.TypeToIdentifier(), ID: mk.ToString(), Err: err})
			if err == nil {
				parts = append(parts, part)
				break
			}
		}
	}
	kerr.Got = len(parts)
	if len(parts) < kerr.Needed {
		return nil, kerr
	}
	if len(meta.KeyGroups) == 1 {
		return parts[0], nil
	}
	key, err := shamir.Combine(parts)
	if err != nil {
		return nil, fmt.Errorf("%w: %w: the key groups' parts do not combine into a data key", ErrDecrypt, ErrIntegrity)
	}
	return key, nil
}

// errNotTried explains a key of a kind that none of the keys handed in is.
var errNotTried = errors.New("not tried: only the keys handed in are used, and none is of this kind")

// decryptKey decrypts the data key with one master key of the file.
func (k Keys) decryptKey(ctx context.Context, mk keys.MasterKey) ([]byte, error) {
	var errs []string
	tried := false
	switch mk := mk.(type) {
	case *sopsage.MasterKey:
		if len(k.age) > 0 {
			tried = true
			key, err := decryptAge(mk.EncryptedKey, k.age)
			if err == nil {
				return key, nil
			}
			errs = append(errs, err.Error())
		}
	case *sopspgp.MasterKey:
		if len(k.pgp) > 0 {
			tried = true
			key, err := decryptPGP(mk.EncryptedKey, k.pgp)
			if err == nil {
				return key, nil
			}
			errs = append(errs, err.Error())
		}
	}
	if k.env {
		tried = true
		if kmsKey, ok := mk.(*sopskms.MasterKey); ok {
			key, err := decryptKMS(ctx, kmsKey)
			if err == nil {
				return key, nil
			}
			return nil, errors.New(strings.Join(append(errs, "from the environment: "+scrub(err.Error())), "; "))
		}
		svcKey := keyservice.KeyFromMasterKey(mk)
		rsp, err := keyservice.NewLocalClient().Decrypt(ctx, &keyservice.DecryptRequest{Ciphertext: mk.EncryptedDataKey(), Key: &svcKey})
		if err == nil {
			return rsp.Plaintext, nil
		}
		errs = append(errs, "from the environment: "+scrub(err.Error()))
	}
	if !tried {
		return nil, errNotTried
	}
	return nil, errors.New(strings.Join(errs, "; "))
}

// kmsARN is sops' pattern of a KMS key ARN; its first group is the region.
var kmsARN = regexp.MustCompile(`^arn:aws[\w-]*:kms:(.+):[0-9]+:(key|alias)/.+$`)

// decryptKMS decrypts with an AWS KMS key the way sops' local key service
// does (the environment's credentials, the key's profile and role), except
// that the credentials are looked up with a silent logger: the AWS SDK's
// default one writes to the process's stderr ("WARN falling back to
// IMDSv1" when the instance metadata service refuses IMDSv2), and a
// library must not write to its host's stderr.
func decryptKMS(ctx context.Context, mk *sopskms.MasterKey) ([]byte, error) {
	m := kmsARN.FindStringSubmatch(mk.Arn)
	if m == nil {
		return nil, errors.New("not a KMS key ARN")
	}
	opts := []func(*awsconfig.LoadOptions) error{awsconfig.WithLogger(smithylog.Nop{}), awsconfig.WithRegion(m[1])}
	if mk.AwsProfile != "" {
		opts = append(opts, awsconfig.WithSharedConfigProfile(mk.AwsProfile))
	}
	cfg, err := awsconfig.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("could not load AWS config: %w", err)
	}
	key := *mk
	sopskms.NewCredentialsProvider(cfg.Credentials).ApplyToMasterKey(&key)
	return key.DecryptContext(ctx)
}

// errArmorTooLong stands for armored text that decodes to more bytes than
// it has, which base64 never does.
var errArmorTooLong = errors.New("the armored text decodes to more than it holds")

func decryptAge(encrypted string, ids []age.Identity) ([]byte, error) {
	// Decrypted through a ReaderAt, not age.Decrypt's stream reader: the
	// stream reader takes two 64 KiB chunk buffers for a data key of 32
	// bytes (a third of the bytes a load allocated); the ReaderAt
	// authenticates the same chunks with the same key, and takes one. The
	// message is read in one go: base64 is shorter than its text, so it
	// fits, and the read ends early (io.ErrUnexpectedEOF) with the armor.
	raw := make([]byte, len(encrypted)+1)
	n, err := io.ReadFull(armor.NewReader(strings.NewReader(encrypted)), raw)
	if err != io.ErrUnexpectedEOF {
		return nil, fmt.Errorf("its encrypted data key does not read as age: %s", scrub(cmp.Or(err, errArmorTooLong).Error()))
	}
	raw = raw[:n]
	r, size, err := age.DecryptReaderAt(bytes.NewReader(raw), int64(len(raw)), ids...)
	if err != nil {
		var nomatch *age.NoIdentityMatchError
		if errors.As(err, &nomatch) {
			return nil, fmt.Errorf("none of the %s handed in is this recipient's", count(len(ids), "age identity", "age identities"))
		}
		return nil, fmt.Errorf("its encrypted data key does not decrypt: %s", scrub(err.Error()))
	}
	key := make([]byte, size)
	if n, err := r.ReadAt(key, 0); n < len(key) {
		return nil, fmt.Errorf("its encrypted data key does not decrypt: %s", scrub(cmp.Or(err, io.ErrUnexpectedEOF).Error()))
	}
	return key, nil
}

func decryptPGP(encrypted string, ring openpgp.EntityList) ([]byte, error) {
	block, err := pgparmor.Decode(strings.NewReader(encrypted))
	if err != nil {
		return nil, errors.New("its encrypted data key is not an armored PGP message")
	}
	md, err := openpgp.ReadMessage(block.Body, ring, nil, nil)
	if err != nil {
		if errors.Is(err, pgperrors.ErrKeyIncorrect) {
			return nil, fmt.Errorf("none of the %s handed in is this key", count(len(ring), "PGP key", "PGP keys"))
		}
		return nil, fmt.Errorf("its encrypted data key does not decrypt: %s", scrub(err.Error()))
	}
	key, err := io.ReadAll(md.UnverifiedBody)
	if err != nil {
		return nil, fmt.Errorf("its encrypted data key does not decrypt: %s", scrub(err.Error()))
	}
	return key, nil
}

func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
