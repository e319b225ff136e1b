// Package sopsdec decrypts sops files in process, with the real sops code,
// for the loader and for sops:// references.
//
// Where to begin: build the keys once, with [AgeKeys] (identities handed in
// as values, the only keys tried), [PGPKeys] (armored PGP secret keys) or
// [EnvironmentKeys] (whatever the sops program would use), then call
// [Decrypt] for each file, or [DecryptDocs] for a YAML file already parsed
// (the loader parses each file once). Both return the plaintext as
// go.yaml.in/yaml/v3 documents, the set of scalar nodes that were
// encrypted at rest, and the file's data key: [Keys.Knowing] hands it back
// for the file's next version, which an edit with sops edit decrypts with
// the same key.
//
// # The contract
//
//   - The plaintext is what `sops -d` (and sops' own Go API, decrypt.Data)
//     gives for the same file: same structure, same scalar types; the "sops"
//     metadata and every comment are left out. A scalar that was left in the
//     clear keeps the text it was written with (a date stays 2024-01-01)
//     unless `sops -d` would change its meaning (a cleartext 3.0 comes out
//     as sops prints it, 3). Nodes carry the line and column of the file.
//   - Errors wrap [ErrDecrypt] and one of [ErrNotEncrypted], [ErrNoKey],
//     [ErrIntegrity] (tests with errors.Is); [ErrBadKey] comes from the key
//     constructors. A *[Error] says where in the file; a *[KeyError] lists
//     every key of the file, what kind it is, and why it did not decrypt.
//     No error holds a decrypted value or a secret key: sops' own messages
//     are passed on only where they cannot (key diagnostics), and then with
//     anything that looks like a secret key cut out.
//   - Nothing here reads the environment except the keys of
//     [EnvironmentKeys], when Decrypt uses them. sops' loggers are silenced:
//     a library does not write to its host's stderr. EnvironmentKeys are
//     sops' own local key service, prompts included: a passphrase-protected
//     key asks on the terminal, as the sops program would. A server hands
//     its keys in instead ([AgeKeys], [PGPKeys], [Join]).
//   - [Keys] and [Decrypt] are safe for concurrent use.
//
// # What sops' integrity checks do not cover
//
// sops' MAC covers the values of a file, in order, not its keys; with
// mac_only_encrypted it covers the encrypted values only. So a key whose
// value is in the clear can be renamed, and (with mac_only_encrypted) a
// cleartext value added or changed, without sops noticing. Decrypt checks
// what sops checks and nothing more: there is nothing else to check those
// against. An encrypted value cannot be moved or renamed: its path is
// authenticated with it. A file with YAML aliases is refused (sops never
// writes them; sops -d would expand them).
//
// # How the plaintext is rebuilt
//
// sops decrypts its own tree of the file (tree.Decrypt, then the MAC check,
// exactly as decrypt.Data does). For YAML that tree is built from our own
// parse of the file, as sops' YAML store builds it from its parse (same
// library, same leaves in the same order, comments where the store puts
// them, the store's refusals kept): one parse instead of three. Instead of
// having sops emit YAML and parsing it again, Decrypt builds yaml.Nodes
// from sops' decrypted tree, the way sops' emitter does, taking positions
// from its own parse of the same bytes. A leaf was encrypted at rest when
// sops' decryption changed it: comparing each leaf before and after needs
// no assumption about sops' encryption rules (unencrypted_suffix,
// encrypted_regex, comment rules, …), about comments (which sops keeps
// inside lists as items of the tree) or about cleartext values that happen
// to look like ciphertext.
package sopsdec
