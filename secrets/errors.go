package secrets

import (
	"errors"
	"strings"
)

// Sentinel errors. Every error Resolve returns is an *Error whose Err wraps
// one of these or a context error, so callers can tell the cases apart with
// errors.Is. They are named ErrWhat, and their text has no package prefix:
// the *Error around them starts with "secrets: " and the reference.
// Errors of New name the option ("secrets: WithTTL: …"), joined.
//
//	errors.Is(err, secrets.ErrNotFound)        // the secret or key does not exist
//	errors.Is(err, context.DeadlineExceeded)   // the backend did not answer in time
var (
	// ErrSchemeNotAllowed is returned when a reference's scheme is not in
	// the allow-list (see WithSchemes), or is built from the value of a
	// nested reference. No backend was asked.
	ErrSchemeNotAllowed = errors.New("scheme not allowed")

	// ErrNotFound is returned when the backend answered, but the secret, or
	// the key the fragment names (#/db/password), does not exist or holds
	// null.
	ErrNotFound = errors.New("secret not found")

	// ErrNotScalar is returned when a reference points at a map or a list
	// (add a #/fragment that names one key).
	ErrNotScalar = errors.New("secret is not a scalar value")

	// ErrBackend is returned when the backend failed (network,
	// authentication, bad data, a panic inside a provider, too many
	// abandoned calls). The message says what is known to be safe to say;
	// text from vals that may quote secret data is withheld.
	ErrBackend = errors.New("backend failed")

	// ErrInvalidRef is returned when a reference cannot be resolved as
	// written (nested references deeper than vals allows, a reference the
	// backend cannot parse).
	ErrInvalidRef = errors.New("invalid reference")

	// ErrCircuitOpen is returned when Resolve failed fast, without asking
	// the backend, because the reference or its backend failed several
	// times in a row (see WithCircuitBreaker). The error also wraps the
	// last failure, so errors.Is(err, ErrBackend) still holds for an
	// outage.
	ErrCircuitOpen = errors.New("failing fast")

	// ErrOutsideRoot is returned when a "file" or "sops" reference names a
	// path outside what WithFiles and WithAbsoluteDirs allow (".." above
	// the root, a symbolic link out of it, an absolute path elsewhere).
	ErrOutsideRoot = errors.New("path outside the allowed files")

	// ErrInvalidOption is wrapped by New's error for each option whose
	// argument is wrong (a nil Option included), as in the other packages.
	ErrInvalidOption = errors.New("invalid option")
)

// Error is the error Resolve returns, the one layer that names the
// reference: its message is "secrets: REF: what went wrong". Ref has its
// query string and userinfo removed (they may carry credentials such as
// vault's secret_id=), and no error holds a resolved value.
//
// For operators: Ref is a field so that a log line or an alert can name the
// failing reference however its text is treated (errors.As finds the
// *Error inside a wrapped error). A redactor masks ref+ references by
// default, so a masked error reads "secrets: •••••• secret not found";
// print e.Ref beside it, or mask operator logs with a redactor made with
// redact.WithReferencesVisible, which keeps references readable and still
// masks every value (see the example).
type Error struct {
	// Ref is the failing reference in the form "ref+SCHEME://PATH#FRAGMENT",
	// without its query or userinfo. Inside a nested reference, values substituted from
	// inner references are shown as those inner references.
	Ref string
	// Err is the cause: one of the sentinels above, or a context error
	// (context.DeadlineExceeded, context.Canceled), possibly wrapped.
	Err error
}

func (e *Error) Error() string { return "secrets: " + e.Ref + ": " + e.Err.Error() }

func (e *Error) Unwrap() error { return e.Err }

// detailError is a sentinel with a safe, human-readable detail:
// "secret not found: no value at key db/password".
type detailError struct {
	kind   error
	detail string
}

func (e *detailError) Error() string {
	if e.detail == "" {
		return e.kind.Error()
	}
	return e.kind.Error() + ": " + e.detail
}

func (e *detailError) Unwrap() error { return e.kind }

func newError(kind error, detail string) error { return &detailError{kind: kind, detail: detail} }

// maskedError carries the text of an error after values substituted into a
// nested reference were replaced by the inner references that produced them.
// It answers errors.Is like its cause but does not unwrap to it: the cause's
// own text may hold the substituted value.
type maskedError struct {
	msg   string
	cause error
}

func (e *maskedError) Error() string { return e.msg }

func (e *maskedError) Is(target error) bool { return errors.Is(e.cause, target) }

// substitution records that an inner reference's value was spliced into an
// outer reference, so messages can show the inner reference instead.
type substitution struct {
	value string // what the inner reference resolved to (a secret)
	shown string // how to show it: the inner reference, query removed
}

// masker rewrites text that may contain substituted values. It is empty,
// and free, unless the string being resolved held nested references.
type masker []substitution

func (m masker) mask(s string) string {
	if len(m) == 0 {
		return s
	}
	// Longest values first, so a value that contains another is replaced whole.
	subs := append([]substitution(nil), m...)
	for i := 1; i < len(subs); i++ {
		for j := i; j > 0 && len(subs[j].value) > len(subs[j-1].value); j-- {
			subs[j], subs[j-1] = subs[j-1], subs[j]
		}
	}
	pairs := make([]string, 0, 2*len(subs))
	for _, sub := range subs {
		if sub.value != "" {
			pairs = append(pairs, sub.value, sub.shown)
		}
	}
	if len(pairs) == 0 {
		return s
	}
	return strings.NewReplacer(pairs...).Replace(s)
}

func (m masker) maskErr(err error) error {
	if len(m) == 0 || err == nil {
		return err
	}
	return &maskedError{msg: m.mask(err.Error()), cause: err}
}
