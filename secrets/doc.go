// Package secrets resolves vals references ("ref+vault://secret/data/api#token",
// "ref+awsssm:///prod/db/password", "ref+sops://secrets.yaml#/db/password", …)
// in process, through the github.com/helmfile/vals Go API, behind a cache that
// makes repeated and concurrent use cheap.
//
// Where to begin: [New] makes a [Resolver], [Resolver.Resolve] replaces
// every reference in a string, and [Resolver.Snapshot] gives the view a
// loaded workspace uses, in which each reference keeps one value:
//
//	r, err := secrets.New(
//		secrets.WithOnResolved(func(v string) { redactor.Add(v) }), // mask every value from now on
//		secrets.WithFiles(root.FS()),         // file:// and sops:// stay in the workspace
//		secrets.WithLogger(logger),
//	)
//	…
//	password, err := r.Resolve(ctx, "ref+awsssm:///prod/db/password")
//	dsn, err := r.Resolve(ctx, "postgres://app:ref+awsssm:///prod/db/password+@db/app")
//
// # One resolver, one trust domain
//
// The cache and the in-flight calls are keyed by reference alone: a value
// fetched for one caller is served to every caller that names the same
// reference, whatever their contexts carry (a tenant's credentials, say).
// Build one Resolver per trust domain — per tenant, per workspace source —
// and never share one between callers that must not see each other's
// secrets. The loader builds one per workspace source.
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
// reference shows the inner reference, not the value spliced in its place. A
// value never becomes a reference, nor the scheme of one: such a string fails
// with ErrSchemeNotAllowed.
//
// Where vals would print something meaningless, Resolve fails instead: a
// missing key or a null value is ErrNotFound (vals prints "<nil>"), a map or a
// list is ErrNotScalar (vals prints Go syntax).
//
// # Cache, staleness and snapshots
//
// Values are cached for DefaultTTL (WithTTL), each for a random 90–100% of
// it so that replicas do not refetch together, in an LRU bounded to
// DefaultMaxEntries (WithMaxEntries). Concurrent misses of one reference make
// a single backend call (golang.org/x/sync/singleflight). Errors are not
// cached. The default backend uses a fresh vals runtime per call (AWS clients
// excepted, see below), because
// vals' own cache has no TTL and cannot be invalidated.
//
// [Resolver.MarkStale] (a refresh) makes every value stale: the next use
// refetches it, but if that fails with a backend error or a timeout the
// stale value is served, with a warning, for up to WithMaxStale
// (stale-if-error); the same holds for a value past its TTL.
// [Resolver.Purge] forgets everything. A backend call that finishes after
// either still answers the callers that waited for it, and caches its value
// (as stale after MarkStale) unless a Purge came after it started.
//
// A [Snapshot] pins every value it resolves, nested references included,
// for its own life: within one loaded workspace a reference resolves to one
// value, whatever the cache does meanwhile.
//
// # Time, concurrency and failures
//
// Every Resolve returns when its context is done, even if the backend hangs
// (vals' providers take no context). A backend call runs detached from the
// callers waiting for it, so that one caller's cancellation does not fail
// the others, and is bounded by WithTimeout (DefaultTimeout): a call that
// has not returned by then is abandoned, its slot among the WithConcurrency
// (DefaultConcurrency) slots is given back, and it is logged and counted
// until it returns; errors say how many abandoned calls are still running.
// While WithMaxAbandoned of them run, no new call starts.
//
// After DefaultBreakerFailures failures in a row of one reference, or of one
// backend, calls fail fast with the last error (ErrCircuitOpen) for a short
// interval that doubles with each failed probe (WithCircuitBreaker), so that
// workers do not pile up waiting for a backend that is down; one probe per
// interval finds out when it is back.
//
// # Files
//
// No reference reads a host file its author names. "file", "sops" and
// "tfstate" references are read in process through the fs.FS of
// [WithFiles], relative to its root: no ".." above the root, no symbolic
// link out of it, and absolute paths only under the directories of
// [WithAbsoluteDirs]; with neither option they fail with ErrOutsideRoot.
// Fragments walk YAML and JSON maps as vals does; a Terraform state is
// looked up with the library vals uses. sops files are decrypted with
// internal/sopsdec, with the identities of [WithAgeIdentities] as the only
// keys when given. Query parameters that make a provider read a host file
// (vault's token_file=, k8s' kubeConfigPath=, …) are refused unless the file
// is under a WithAbsoluteDirs directory. (A Backend handed in with
// [WithBackend], without WithFiles or WithAbsoluteDirs, gets these
// references as it gets any other: its policy is its own.)
//
// # AWS
//
// "awsssm", "awssecrets", "awskms" and "s3" references are read in process
// with the AWS SDK, with vals' syntax and semantics, because vals builds a
// new SDK configuration and HTTP transport per call (a credential lookup
// each time, and keep-alive connections left idle), writes the SDK's
// warnings to the host's stderr, and cannot be cancelled. The default
// backend keeps one configuration and its clients per configuration a
// reference asks for, shares one transport whose idle connections close
// after a few seconds, has a silent logger, honours the call's context, and
// addresses an endpoint of one's own (AWS_ENDPOINT_URL) path-style. Every
// other scheme goes to vals.
//
// # Allowed schemes
//
// By default every vals scheme is allowed except those that run a program
// or prompt on the terminal: "exec", "keychain" and "googlesheets"
// ([DefaultSchemes]; the README's Trust model section has a table of what
// each scheme reaches). A reference with another scheme fails with
// ErrSchemeNotAllowed before any backend is touched; the error says how to
// allow it:
//
//	secrets.WithSchemes(append(secrets.DefaultSchemes(), "exec")...)
//
// Schemes are compared without regard to case ("ref+EXEC://" is exec to vals).
// Mind that "envsubst" reads any environment variable, and the cloud
// schemes use the process's credentials.
//
// # Errors never hold a value
//
// Every error is an *Error, the one layer that names the reference (without
// its query or userinfo), wrapping a sentinel (ErrNotFound, ErrNotScalar,
// ErrBackend, ErrSchemeNotAllowed, ErrInvalidRef, ErrCircuitOpen,
// ErrOutsideRoot) or a context error (context.DeadlineExceeded when a
// backend does not answer in time). The reference's credentials (userinfo,
// and the values of query parameters other than a provider's settings such
// as address= and region=) are removed from every backend message, in the
// forms a message may quote them (as written, decoded, encoded again). vals
// puts values into some of its messages (a fragment that walks into a
// scalar: "expected a map, got S3CRET(string)"; YAML errors quote the text):
// the vals backend keeps vals' text only when it has a shape checked to be
// free of data (a file that does not exist, a Vault or AWS status) and
// otherwise says what kind of failure it was. A panic in a backend becomes
// an ErrBackend error. vals' log lines go nowhere unless ValsOptions.LogOutput
// says where.
//
// Printing a Resolver, a Snapshot or a ValsBackend (fmt's verbs, log,
// log/slog's handlers) shows a summary, counts and settings, never a value.
//
// The logger (WithLogger) gets hits and misses at Debug level and failures,
// stale values served, fast failures and abandoned calls at Warn level,
// with references without their query and never a value.
package secrets
