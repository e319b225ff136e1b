package secrets

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strings"
)

// envVariable finds the variables an envsubst reference reads: $NAME or
// ${NAME…}; group 2 is what follows the name inside braces (a default such
// as ":-x" or "-x", or nothing).
var envVariable = regexp.MustCompile(`\$(?:\{([A-Za-z_][A-Za-z0-9_]*)([^}]*)\}|([A-Za-z_][A-Za-z0-9_]*))`)

// checkEnvsubst fails when an envsubst reference reads a variable that is
// not set and has no default: envsubst would substitute nothing, and an
// empty secret (a blank password, a missing token) is worse than an error.
// The error names the variable, which the reference names too; never its
// value.
//
// It is envsubst's preflight in the scheme registry.
func checkEnvsubst(_ context.Context, key string) error {
	for _, m := range envVariable.FindAllStringSubmatch(key, -1) {
		name, rest := m[1], m[2]
		if name == "" {
			name = m[3]
		}
		// ${X-d}, ${X:-d}, ${X=d}, ${X:=d} give a default; ${X+alt} is
		// empty on purpose when X is unset.
		if op := strings.TrimPrefix(rest, ":"); op != "" && strings.ContainsAny(op[:1], "-=+") {
			continue
		}
		if _, set := os.LookupEnv(name); !set {
			return newError(ErrNotFound, fmt.Sprintf("the environment variable %s is not set", name))
		}
	}
	return nil
}
