package loader

import (
	"bytes"
	"crypto/sha256"
	"sync"

	"github.com/hushflow/hushflow/internal/sopsdec"
)

// parseCache keeps the parsed (and decrypted) files of the last good load,
// so that a reload parses and decrypts only the files whose content
// changed. A file is found again by its path, its bytes (not its
// modification time, which a checkout or a copy can keep while the content
// changes) and, for a file that was decrypted, the keys it was decrypted
// with. The bytes are compared whole: no hash to collide, and comparing is
// some thirty times faster than a SHA-256 of them, which a reload would
// otherwise compute for every file. Parsed files are never modified after
// parsing, so two workspaces share them.
//
// The cache holds the files of the current workspace only: it is replaced
// as a whole by the files of each load that succeeds, and left as it was
// by a load that fails.
type parseCache struct {
	mu     sync.Mutex
	byPath map[string]*file
}

// lookup returns the parsed file at path whose bytes are data, decrypted
// (if it was) with the keys keyID names, or nil. Keys from the environment
// (keyID "") may change under the loader, so a decrypted file is never
// taken from the cache with them. A nil cache finds nothing.
func (c *parseCache) lookup(path string, data []byte, keyID string) *file {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	seen := c.byPath[path]
	c.mu.Unlock()
	switch {
	case seen == nil || !bytes.Equal(seen.data, data):
		return nil
	case seen.encrypted && (keyID == "" || seen.keyID != keyID):
		return nil
	}
	return seen
}

// dataKey returns the data key the cached version of the file at path was
// decrypted with, when it was decrypted with the keys keyID names (not keys
// from the environment, which may have changed): a new version that holds
// the same encrypted copies of it (an edit with sops edit or sops set) is
// decrypted with it instead of recovering it again. See sopsdec.DataKey.
func (c *parseCache) dataKey(path, keyID string) (sopsdec.DataKey, bool) {
	if c == nil || keyID == "" {
		return sopsdec.DataKey{}, false
	}
	c.mu.Lock()
	seen := c.byPath[path]
	c.mu.Unlock()
	if seen == nil || !seen.encrypted || seen.keyID != keyID {
		return sopsdec.DataKey{}, false
	}
	return seen.dataKey, true
}

// keep replaces the cache's content with the files of a load that
// succeeded; files that are gone, or broken (and skipped), drop out.
func (c *parseCache) keep(files []*file) {
	if c == nil {
		return
	}
	byPath := make(map[string]*file, len(files))
	for _, f := range files {
		if f.err == nil && f.docs != nil {
			byPath[f.path] = f
		}
	}
	c.mu.Lock()
	c.byPath = byPath
	c.mu.Unlock()
}

// keyIDOf names a set of age identities handed in as values, for the
// cache: the same identities give the same name. It is a hash, so the
// cache holds no copy of the keys. No identities (keys from the
// environment) give "".
func keyIDOf(identities []string) string {
	if len(identities) == 0 {
		return ""
	}
	h := sha256.New()
	for _, id := range identities {
		h.Write([]byte(id))
		h.Write([]byte{0})
	}
	return string(h.Sum(nil))
}
