package loader

import (
	"errors"
	"strconv"
	"strings"
)

// Sentinel errors, for [errors.Is]. A [*FileError] wraps one or more of them.
var (
	// ErrParse: a file is not valid YAML, or its shape is not a workflow
	// file (the top level is not a mapping).
	ErrParse = errors.New("invalid YAML")
	// ErrDecrypt wraps every decryption failure: ErrNotEncrypted, ErrNoKey,
	// ErrIntegrity and sops metadata that cannot be read.
	ErrDecrypt = errors.New("cannot decrypt")
	// ErrNotEncrypted: a *.sops.yaml file carries no sops metadata.
	ErrNotEncrypted = errors.New("sops file is not encrypted")
	// ErrNoKey: none of the keys available can decrypt the file's data key.
	ErrNoKey = errors.New("no key can decrypt the file")
	// ErrIntegrity: the file fails sops' integrity checks (a value or the
	// MAC was altered, list items were swapped).
	ErrIntegrity = errors.New("sops integrity check failed")
	// ErrDuplicate: an entry or a top-level scalar is defined twice.
	ErrDuplicate = errors.New("defined twice")
	// ErrLimit: a resource limit was exceeded (see [Limits]).
	ErrLimit = errors.New("limit exceeded")
	// ErrBadKey: an identity handed in with [WithAgeIdentities] does not parse.
	ErrBadKey = errors.New("invalid age identity")
)

// FileError is a problem with one file of the workspace.
type FileError struct {
	Path string // slash-separated, relative to the workspace root
	Key  string // dotted key path inside the file ("actions.deploy"), if known
	Line int    // 1-based line, if known
	Err  error  // wraps one of the sentinels
}

func (e *FileError) Error() string {
	var b strings.Builder
	b.WriteString(e.Path)
	if e.Line > 0 {
		b.WriteString(":")
		b.WriteString(strconv.Itoa(e.Line))
	}
	if e.Key != "" {
		b.WriteString(": ")
		b.WriteString(e.Key)
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *FileError) Unwrap() error { return e.Err }
