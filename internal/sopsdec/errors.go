package sopsdec

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Sentinel errors, for [errors.Is]. Every error of [Decrypt] wraps
// ErrDecrypt and, where the cause is known, one of the others.
var (
	// ErrDecrypt is returned when a file cannot be decrypted, whatever the
	// cause; it wraps every other failure of Decrypt.
	ErrDecrypt = errors.New("cannot decrypt")
	// ErrNotEncrypted is returned when a file carries no sops metadata and
	// no sops-encrypted value.
	ErrNotEncrypted = errors.New("sops file is not encrypted")
	// ErrNoKey is returned when none of the keys available can decrypt the
	// file's data key; the error is also a *[KeyError] that says why, key
	// by key.
	ErrNoKey = errors.New("no key can decrypt the file")
	// ErrIntegrity is returned when a file fails sops' integrity checks: a
	// value or the MAC was altered, list items were swapped, the MAC is
	// missing, the metadata cannot be read, or sops-encrypted values appear
	// without sops metadata.
	ErrIntegrity = errors.New("sops integrity check failed")
	// ErrBadKey is returned by the key constructors when a key handed in
	// does not parse; the message says which key, by position, and why,
	// without quoting it.
	ErrBadKey = errors.New("invalid key")
)

// Error is a decryption failure located in the file.
type Error struct {
	Key  string // dotted key path inside the file ("secrets.DB"), "sops.mac", or ""
	Line int    // 1-based line, 0 when unknown
	Err  error  // wraps ErrDecrypt and the cause
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.Key != "" {
		b.WriteString(e.Key)
	}
	if e.Line > 0 {
		if b.Len() > 0 {
			b.WriteString(" ")
		}
		b.WriteString("(line " + strconv.Itoa(e.Line) + ")")
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// KeyError is returned when no key available decrypts the file's data key.
// It wraps [ErrDecrypt] and [ErrNoKey].
type KeyError struct {
	Attempts []KeyAttempt // every key of the file, in the order tried
	Groups   int          // key groups in the file
	Needed   int          // groups that must decrypt (sops' Shamir threshold; 1 without)
	Got      int          // groups that did
}

// KeyAttempt is one key of a sops file and what became of it.
type KeyAttempt struct {
	Group int    // 0-based key group
	Kind  string // sops' name for the kind: "age", "pgp", "kms", "gcp_kms", "azure_kv", "hc_vault", "hckms"
	ID    string // what identifies it: age recipient, PGP fingerprint, KMS ARN, resource ID, …
	Err   error  // why it did not decrypt; nil if it did
}

// kindNames spells sops' key kinds for people.
var kindNames = map[string]string{
	"age":      "age recipient",
	"pgp":      "PGP key",
	"kms":      "AWS KMS key",
	"gcp_kms":  "GCP KMS key",
	"azure_kv": "Azure Key Vault key",
	"hc_vault": "Vault transit key",
	"hckms":    "HuaweiCloud KMS key",
}

func (a KeyAttempt) name() string {
	kind, ok := kindNames[a.Kind]
	if !ok {
		kind = a.Kind + " key"
	}
	return kind + " " + a.ID
}

func (e *KeyError) Error() string {
	var b strings.Builder
	b.WriteString(ErrDecrypt.Error() + ": " + ErrNoKey.Error())
	if len(e.Attempts) == 0 {
		if e.Groups == 0 {
			b.WriteString(": the file's sops metadata lists no key")
		} else {
			b.WriteString(": the file's key groups are empty")
		}
		return b.String()
	}
	b.WriteString(": ")
	for i, a := range e.Attempts {
		if i > 0 {
			b.WriteString("; ")
		}
		if e.Groups > 1 {
			fmt.Fprintf(&b, "group %d: ", a.Group+1)
		}
		b.WriteString(a.name())
		if a.Err == nil {
			b.WriteString(": decrypted")
		} else {
			b.WriteString(": " + a.Err.Error())
		}
	}
	if e.Groups > 1 {
		fmt.Fprintf(&b, " (%d of %d key groups decrypted, %d needed)", e.Got, e.Groups, e.Needed)
	}
	return b.String()
}

func (e *KeyError) Unwrap() []error { return []error{ErrDecrypt, ErrNoKey} }

// fail builds a located error wrapping ErrDecrypt and cause.
func fail(key string, line int, cause error, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	var err error
	if cause == nil {
		err = fmt.Errorf("%w: %s", ErrDecrypt, msg)
	} else {
		err = fmt.Errorf("%w: %w: %s", ErrDecrypt, cause, msg)
	}
	if key == "" && line == 0 {
		return err
	}
	return &Error{Key: key, Line: line, Err: err}
}

// secretLooking matches what must never be passed on from another
// library's message: age secret keys and plugin identities, and PEM blocks
// (private keys of any kind), whole or cut.
var secretLooking = regexp.MustCompile(`(?i)AGE-(SECRET-KEY-(PQ-)?|PLUGIN-)[0-9A-Z-]*1[0-9A-Z]*|-----BEGIN[^-]*-----[\s\S]*?(-----END[^-]*-----|$)`)

// scrub makes another library's message safe to pass on: one line, with
// anything that looks like a secret key cut out.
func scrub(s string) string {
	s = secretLooking.ReplaceAllString(s, "[redacted key]")
	return strings.Join(strings.Fields(s), " ")
}
