package loader

import (
	"context"
	"errors"
	"io"

	"github.com/getsops/sops/v3/keyservice"
	"github.com/getsops/sops/v3/logging"
	"go.yaml.in/yaml/v3"
	"google.golang.org/grpc"

	"github.com/hushflow/hushflow/internal/sopsdec"
)

// Decryption itself lives in internal/sopsdec, shared with sops://
// references; this file only hands the loader's keys to it.

func init() {
	// sops logs through package-level logrus loggers that write to stderr.
	// sopsdec silences those it links; this silences the rest the loader's
	// binary links (vals' sops provider), which have all registered their
	// loggers by now (imports initialise first).
	for _, l := range logging.Loggers {
		l.SetOutput(io.Discard)
	}
}

// loadKeys returns the keys a load decrypts with: only the identities
// handed in, when there are any, otherwise the environment's, as the sops
// program would use them.
func loadKeys(identities []string) (sopsdec.Keys, error) {
	if len(identities) == 0 {
		return sopsdec.EnvironmentKeys(), nil
	}
	return sopsdec.AgeKeys(identities...)
}

// keyServices returns the load's keys in the form Load and parseAll still
// pass them on in: a one-element slice holding them.
//
// TODO(lead): pass sopsdec.Keys from Load to parseFile (with the load's
// ctx) and delete keyServices, keysCarrier and keysOf.
func keyServices(identities []string) ([]keyservice.KeyServiceClient, error) {
	keys, err := loadKeys(identities)
	if err != nil {
		return nil, err
	}
	return []keyservice.KeyServiceClient{keysCarrier{keys: keys}}, nil
}

// keysCarrier carries sopsdec.Keys through a []keyservice.KeyServiceClient.
// It is never used as a key service.
type keysCarrier struct{ keys sopsdec.Keys }

var errCarrier = errors.New("loader: keysCarrier is not a key service")

func (keysCarrier) Decrypt(context.Context, *keyservice.DecryptRequest, ...grpc.CallOption) (*keyservice.DecryptResponse, error) {
	return nil, errCarrier
}

func (keysCarrier) Encrypt(context.Context, *keyservice.EncryptRequest, ...grpc.CallOption) (*keyservice.EncryptResponse, error) {
	return nil, errCarrier
}

// keysOf returns the keys keyServices put in svcs (no key at all if none).
func keysOf(svcs []keyservice.KeyServiceClient) sopsdec.Keys {
	for _, s := range svcs {
		if c, ok := s.(keysCarrier); ok {
			return c.keys
		}
	}
	return sopsdec.Keys{}
}

// sopsFileError turns a decryption error into the file's error, with the
// key path and line sopsdec located it at.
func sopsFileError(p string, err error) error {
	fe := &FileError{Path: p, Err: err}
	var de *sopsdec.Error
	if errors.As(err, &de) {
		fe.Key, fe.Line, fe.Err = de.Key, de.Line, de.Err
	}
	return fe
}

// encryptedLeaves lists, in document order, the nodes of a decrypted file
// that were encrypted at rest, and their non-empty values.
func encryptedLeaves(pt *sopsdec.Plaintext) (nodes []*yaml.Node, values []string) {
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if pt.Encrypted[n] {
			nodes = append(nodes, n)
			if n.Value != "" {
				values = append(values, n.Value)
			}
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	for _, d := range pt.Docs {
		walk(d)
	}
	return nodes, values
}
