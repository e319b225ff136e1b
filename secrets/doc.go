// Package secrets resolves vals references ("ref+vault://secret/data/api#token",
// "ref+awsssm:///prod/db/password", "ref+sops://secrets.yaml#/db/password", …)
// in process, through the github.com/helmfile/vals Go API, behind a cache that
// makes repeated and concurrent use cheap.
//
// A workflow engine makes one Resolver and shares it:
//
//	r, err := secrets.New(
//		secrets.OnResolved(redactor.Add), // mask every value from now on
//		secrets.WithLogger(logger),
//	)
//	…
//	password, err := r.Resolve(ctx, "ref+awsssm:///prod/db/password")
//	dsn, err := r.Resolve(ctx, "postgres://app:ref+awsssm:///prod/db/password+@db/app")
//
// # What Resolve does
//
// Resolve follows vals' reference syntax (internal/ref): a reference starts
// with "ref+" or "secretref+", has a scheme and "://", and ends at a "+", a
// space, a newline or the end of the string. Every reference in the string is
// replaced by its value; the rest of the string is kept. A string with no
// reference comes back unchanged in a few nanoseconds, without any backend.
// References nested in references ("ref+echo://ref+envsubst://$HOME/x") are
// resolved inside out, up to 10 deep, as vals does; an error about the outer
// reference shows the inner reference, not the value spliced in its place.
//
// Where vals would print something meaningless, Resolve fails instead: a
// missing key or a null value is ErrNotFound (vals prints "<nil>"), a map or a
// list is ErrNotScalar (vals prints Go syntax).
//
// # Cache
//
// Values are cached for DefaultTTL (5 minutes; WithTTL) in an LRU bounded to
// DefaultMaxEntries (WithMaxEntries). Concurrent misses of one reference make
// a single backend call (golang.org/x/sync/singleflight). Errors are not
// cached. After the TTL, or Purge, the next Resolve asks the backend again and
// gets the new value: the default backend uses a fresh vals runtime per call,
// because vals' own cache has no TTL and cannot be invalidated.
//
// # Time and concurrency
//
// Every Resolve returns when its context is done, even if the backend hangs
// (vals' providers take no context). A backend call runs detached from the
// callers waiting for it, so that one caller's cancellation does not fail the
// others, and is bounded by WithTimeout (DefaultTimeout, 30s) or the first
// caller's deadline, whichever is later. At most WithConcurrency
// (DefaultConcurrency, 32) backend calls are in flight at once.
//
// # Allowed schemes
//
// By default every vals scheme is allowed except "exec", which runs a command
// on the host (DefaultSchemes). A reference with another scheme fails with
// ErrSchemeNotAllowed before any backend is touched; the error says how to
// allow it:
//
//	secrets.WithSchemes(append(secrets.DefaultSchemes(), "exec")...)
//
// Schemes are compared without regard to case ("ref+EXEC://" is exec to vals).
// Mind that "file" and "sops" read any file the process can read and
// "envsubst" any environment variable.
//
// # Errors never hold a value
//
// Every error is an *Error naming the reference without its query string
// (queries can hold credentials such as vault's secret_id=), wrapping a
// sentinel (ErrNotFound, ErrNotScalar, ErrBackend, ErrSchemeNotAllowed,
// ErrInvalidRef) or a context error (context.DeadlineExceeded when a backend
// does not answer in time). vals puts values into some of its messages (a
// fragment that walks into a scalar: "expected a map, got S3CRET(string)";
// YAML errors quote the text): the vals backend keeps vals' text only when it
// has a shape checked to be free of data (a file that does not exist, a Vault
// or AWS status) and otherwise says what kind of failure it was. A panic in a
// vals provider (an unknown AWS_PROFILE panics) becomes an ErrBackend error.
// vals' log lines go nowhere unless ValsOptions.LogOutput says where.
//
// The logger (WithLogger) gets hits and misses at Debug level and failures at
// Warn level, with references without their query and never a value.
package secrets
