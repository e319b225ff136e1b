// Package loader reads a workspace of YAML workflow files from an [fs.FS],
// decrypts the SOPS-encrypted ones in process, and merges them into one
// [Workspace].
//
// # Which files
//
// Every *.yaml and *.yml file below the root is read, in lexical order of its
// slash-separated path. Directories whose name starts with a dot (.git, …)
// are not entered. The sops configuration files .sops.yaml and .sops.yml are
// skipped by name: they hold creation rules, not workflows.
//
// # Decryption
//
// NAME.sops.yaml and NAME.sops.yml files are decrypted with the real sops
// code (its YAML store, its AES-GCM cipher, its MAC check and its key
// services), never by running a sops program. So is any YAML file that
// carries sops metadata (a top-level "sops:" mapping with "mac" and
// "version"), whatever its name: such a file is never loaded as plaintext.
//
// Keys come from one of two places:
//
//   - [WithAgeIdentities] hands age secret keys in as values. They are then
//     the only keys tried: no environment variable, key file, PGP keyring or
//     cloud KMS is consulted, which is what a server with several tenants,
//     or a unit test, needs.
//   - Without it, the loader uses whatever sops itself would use:
//     SOPS_AGE_KEY, SOPS_AGE_KEY_FILE, the age keys file in the user's
//     configuration directory, PGP, AWS/GCP/Azure KMS, Vault transit and
//     their usual credentials.
//
// The loader records which leaves were encrypted at rest: sops creation rules
// (unencrypted_suffix, encrypted_regex, …) can leave some leaves of an
// encrypted file in the clear, and those are not secrets.
// [Workspace.SecretValues] returns the plaintext of the leaves that were
// encrypted, for a redactor to mask.
//
// # Merging
//
// Top-level mappings (actions:, tasks:, secrets:, …) are merged by entry name
// across files, top-level lists are appended in file order, and a top-level
// scalar may appear in several files only with one value. An entry defined
// twice is an error naming both files: nothing is silently overwritten.
//
// # The secrets: section, steps and redaction
//
// Once the files are merged, every string of the secrets: section that holds
// template syntax is rendered once, concurrently, with the render package
// and its | vals filter, in an empty context: [Workspace.Secrets] is the
// result, what templates see as secret.NAME. References resolve through a
// [secrets.Resolver] backed by vals in process (or the resolver given with
// [WithResolver]), so repeated references hit its cache.
//
// When a worker claims a step, [Workspace.RenderStep] renders its input,
// env, cmd or script with input.*, secret.* and STEP.output.* (see
// [Workspace.StepVars]); inline | vals resolves through the same resolver.
//
// Every value that was encrypted at rest and every value resolved, at load
// or inline, is taught to [Workspace.Redactor]: mask job records and logs
// with it before people see them.
//
// # Reloading
//
// A [Reloader] serves the last good workspace to concurrent readers and
// swaps in a new one only when a reload succeeds. Unchanged files are reused
// by content, neither parsed nor decrypted again; secrets are resolved again
// through the resolver's cache (so an expired TTL fetches anew, and
// [Reloader.Refresh] forgets the cache first). [Reloader.Watch] reloads on
// file-system notifications and, optionally, on a timer.
//
// # Errors
//
// Every problem is reported as a [*FileError] naming the file (its path
// relative to the root) and, where it applies, the key path; all bad files
// are reported at once, joined with [errors.Join]. Use [errors.Is] with the
// sentinels ([ErrParse], [ErrNotEncrypted], [ErrNoKey], [ErrIntegrity],
// [ErrDuplicate], [ErrLimit], and [ErrDecrypt] for any decryption failure) to
// tell the cases apart ([ErrSecret] for a secrets: entry that does not
// resolve, naming the entry and the reference without its query). With [WithSkipBadFiles] bad files are left out and
// returned as [Workspace.Warnings] instead.
//
// No error contains a decrypted value. sops puts plaintext into some of its
// own messages (a value on an encrypted path that was replaced by plaintext
// is quoted back); the loader never passes those messages on.
//
// # Side effects
//
// Loading writes nothing to the process environment and nothing to the
// host's stderr: sops logs through package-level logrus loggers, which this
// package silences once, when it is initialised.
package loader
