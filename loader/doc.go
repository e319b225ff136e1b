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
// YAML merge keys (<<: *defaults, <<: [*a, *b]) apply wherever the loader
// reads a mapping, as the YAML decoder applies them: a key written beside
// the merge wins, then the earlier mapping of a merged list. A merged entry
// counts as defined where it is merged. sops keeps every key as a string,
// so a merge key in a sops file is refused rather than left as a literal
// "<<" entry.
//
// # Templates, secrets and connections
//
// Every template string is parsed when the workspace loads, so a syntax
// error is a load error naming the file, the key path and the line, not a
// surprise when a worker claims the step. So is a typo in a name the
// workspace knows: every secret.NAME and connections.NAME a template reads
// must be an entry of secrets: and connections:, and a template of a task's
// step or hook (tasks.T.flow…, tasks.T.on_success…) may read the outputs of
// that task's steps only ({{ buidl.output.tag }} fails the load). Reads a
// template marks optional (| default, is defined, inside
// {% if x is defined %}) are not checked.
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
// hook's input, with input.*, secret.*, connections.*, STEP.output.*,
// hook.* and each.* ([StepVars]). Its errors name the workspace file, key
// path and line where the failing template stands. Job input, step outputs, hook and loop variables are data:
// a reference they carry is never resolved (see the render package).
//
// # Shell commands
//
// The cmd: and script: of a shell action (type: shell, or an action with
// no type:) render in the render package's shell context, through
// RenderStep and RenderClaim: the author's text stays as written, and
// every value (job input, step outputs, hook and loop variables, secrets,
// | vals results) is quoted for where it stands, so the program receives
// it as one intact argument and it never becomes code. A template text
// that also stands elsewhere renders in the shell context there too. A
// value placed where no value can stand (the command's name, inside
// $(…) or backticks, after eval or sh -c, before a pipe into sh, ...) is
// a load error naming the file, key path and line, found by rendering
// each command once at load with placeholder values; a refusal that
// depends on the value (a NUL byte, a here-document line equal to its
// delimiter) fails RenderStep with render.ErrUntrusted naming the
// variable. A value that starts with - is still an option to the program:
// write -- before it. The render package's documentation lists the
// contexts handled and refused, and the shell_words filter for explicit
// word splitting. [WithShellQuoting](false) switches quoting off and
// renders commands as Strøm does, values pasted as they are.
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
// [FileErrors] lists every *FileError of an error, flat, in order and each
// once (errors.Join nests). Bad options are reported all at once, each
// wrapping [ErrInvalidOption].
//
// No error contains a decrypted or resolved value: sops' messages that may
// quote plaintext are never passed on, and neither are the messages of the
// YAML decoder or of custom unmarshalers (see [Workspace.Decode]).
//
// An error holds references, though, and a redactor masks them: they tell
// where the secrets are kept. Mask what people see with the workspace's
// redactor (give one with [WithRedactor] to have it when a load fails);
// for an operator, print each *FileError's place and its Ref field, the
// failing reference without query or userinfo, beside the masked message
// (see the example of FileErrors). An operator's own log can also go
// through a redactor made with redact.WithReferencesVisible, which masks
// the values it is taught and leaves references readable.
//
// # Printing
//
// A [Workspace], [Reloader], [StepVars] or [Each] printed with fmt (any
// verb, %#v included), log or log/slog shows counts, never a value; errors
// print their messages, which hold none. encoding/json, which slog's JSON
// handler uses for a struct of your own, reads StepVars' exported fields:
// log StepVars itself, not a struct holding it.
//
// # Side effects
//
// Loading writes nothing to the process environment and nothing to the
// host's stderr: sops logs through package-level logrus loggers, which this
// package silences once, when it is initialised.
package loader
