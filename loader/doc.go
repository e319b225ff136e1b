// Package loader loads a workspace of YAML workflow files safely: it reads
// them from an [fs.FS] or a directory, decrypts the SOPS-encrypted ones in
// process, merges them, renders their secrets: and connections: sections,
// and renders a step's templates when a worker claims it, teaching a
// redactor every secret on the way.
//
// Most engines need three calls:
//
//	r, err := loader.NewDirReloader(ctx, "workflows", loader.WithAgeIdentities(key))
//	go r.Watch(ctx, loader.WatchConfig{Poll: time.Minute, OnReload: logErr})
//	ws := r.Workspace()                          // the last good workspace, never partial
//	cmd, err := ws.RenderStep(ctx, step.Cmd, loader.StepVars{Input: jobInput})
//	body, err := ws.Redactor().JSON(jobRecord)   // what the API returns
//
// [Load] and [LoadDir] load once; [Workspace.Decode] decodes the merged
// document into the engine's own types.
//
// # Which files
//
// A workspace whose root holds a .workflows directory (Strøm's layout) is
// read from there, and the rest of the root (scripts, data, the files that
// ref+file:// references read) is not merged. Otherwise every *.yaml and
// *.yml file below the root is read. Files are read in lexical order of
// their slash-separated paths; directories whose name starts with a dot are
// not entered; the sops configuration files .sops.yaml and .sops.yml are
// skipped by name; [WithInclude] and [WithExclude] narrow the set. A sops
// file in another format (app.sops.json) is not read and is reported in
// [Workspace.Warnings]. A workspace with no workflow file is [ErrEmpty].
//
// # Decryption
//
// NAME.sops.yaml and NAME.sops.yml files are decrypted with the real sops
// code (its stores, AES-GCM cipher, MAC check and key services), never by
// running a sops program; so is any file that carries sops metadata or
// sops-encrypted values, whatever its name: such a file never loads as
// plaintext. Keys come from one of two places:
//
//   - [WithAgeIdentities] hands age secret keys in as values. They are then
//     the only keys tried, for the files and for ref+sops:// references: no
//     environment variable, key file, PGP keyring or cloud KMS is consulted,
//     which is what a server with several tenants, or a unit test, needs.
//   - Without it, the loader uses what sops itself would use: SOPS_AGE_KEY,
//     SOPS_AGE_KEY_FILE, the age keys file in the user's configuration
//     directory, PGP, AWS/GCP/Azure KMS, Vault transit and their usual
//     credentials.
//
// sops creation rules (unencrypted_suffix, encrypted_regex, …) can leave
// leaves of an encrypted file in the clear; the loader records which leaves
// were encrypted at rest. Those are data, never templates: they are not
// rendered, parsed or resolved, [Workspace.MaskedYAML] masks them, and the
// redactor knows their values ([Workspace.EncryptedValues]). Strøm renders
// a template in a fully encrypted workflow file; here one outside secrets:
// and connections: is a warning ([Workspace.Warnings]): keep the template
// in the clear and encrypt only the secret it reads.
//
// # Merging
//
// Top-level mappings (actions:, tasks:, secrets:, …) are merged by entry name
// across files, top-level lists are appended in file order, and a top-level
// scalar may appear in several files only with one value. An entry defined
// twice is an error naming both files: nothing is silently overwritten.
//
// # Templates, secrets and connections
//
// Every template string is parsed when the workspace loads, so a syntax
// error is a load error naming the file, the key path and the line, not a
// surprise when a worker claims the step.
//
// The secrets: section is rendered once, at load, in an empty context, as
// Strøm renders it: nested maps and lists too; a string holding "{{" is a
// template there (so "50{%off" stays a plain value), and a string holding a
// reference (DB: ref+awsssm:///prod/db) is resolved as vals would. Then the
// connections: section renders with secret.* in scope, and each connection
// gets the defaults of its connection type. [Workspace.Secrets] and
// [Workspace.Connections] are the results.
//
// [Workspace.RenderStep] renders a step's input, env, cmd or script, or a
// hook's input, with input.*, secret.*, STEP.output.*, hook.* and each.*
// ([StepVars]). Job input, step outputs, hook and loop variables are data:
// a reference they carry is never resolved (see the render package).
//
// # References and the files they read
//
// A workspace resolves references with a [secrets.Resolver] of its own (one
// per Load, LoadDir or Reloader: a resolver and its cache serve one trust
// domain; configure it with [WithResolverOptions]). ref+file:// and
// ref+sops:// references read the workspace's own files, relative to its
// root whatever the process's working directory: no ".." above the root,
// no symbolic link out of it, absolute paths only under the directories
// secrets.WithAbsoluteDirs names. Each workspace resolves through a
// snapshot of the resolver, so a reference has one value in one workspace:
// secret.TOKEN and an inline | vals of the same reference agree.
//
// Every value encrypted at rest, resolved, or derived from a secret by a
// template is taught to [Workspace.Redactor]: mask job records and logs
// with it before people see them.
//
// # Reloading
//
// A [Reloader] serves the last good workspace to concurrent readers and
// swaps in a new one only when a reload succeeds. Unchanged files are reused
// by content, neither parsed, decrypted nor checked again; secrets are
// resolved again through the resolver's cache, so an expired TTL fetches
// anew, and [Reloader.Refresh] marks the cache stale first (values that
// cannot be fetched again keep serving for a while). [Reloader.Watch]
// reloads on file-system notifications, follows a root that is a swapped
// symbolic link or is recreated, and optionally polls.
//
// # Errors
//
// Every problem is reported as a [*FileError] naming the file (its path
// relative to the root) and, where it applies, the key path and the line;
// all bad files are reported at once, joined with [errors.Join]. Entries of
// the secrets: and connections: sections that fail come as one
// [*SecretsError], grouped by cause. Use [errors.Is] with the sentinels to
// tell the cases apart. With [WithSkipBadFiles] bad files are left out and
// returned as [Workspace.Warnings] instead.
//
// No error contains a decrypted or resolved value: sops' messages that may
// quote plaintext are never passed on, and neither are the messages of the
// YAML decoder or of custom unmarshalers (see [Workspace.Decode]).
//
// # Side effects
//
// Loading writes nothing to the process environment and nothing to the
// host's stderr: sops logs through package-level logrus loggers, which this
// package silences once, when it is initialised.
package loader
