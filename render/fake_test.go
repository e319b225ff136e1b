package render_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"

	"github.com/hushflow/hushflow/internal/ref"
)

// fakeResolver stands in for secrets.Resolver: it replaces every reference it
// knows in s with its value and fails on the others, counting its calls.
type fakeResolver struct {
	values map[string]string // reference as vals sees it ("echo://db#pw"), without prefix → value
	calls  atomic.Int64
}

var errNoSecret = errors.New("fake: no such secret")

func (f *fakeResolver) Resolve(ctx context.Context, s string) (string, error) {
	f.calls.Add(1)
	if err := ctx.Err(); err != nil {
		return "", err
	}
	var b strings.Builder
	last := 0
	for _, sp := range ref.FindAll(s) {
		v, ok := f.values[sp.Ref]
		if !ok {
			return "", errNoSecret
		}
		b.WriteString(s[last:sp.Start])
		b.WriteString(v)
		last = sp.End
	}
	b.WriteString(s[last:])
	return b.String(), nil
}

// ctxKey carries a per-call tag through the context, to prove the filter
// resolves with the call's own context.
type ctxKey struct{}

// ctxResolver answers every reference with its name, the call's tag and the
// reference: "<name>/<tag>/<ref>".
type ctxResolver struct{ name string }

func (r ctxResolver) Resolve(ctx context.Context, s string) (string, error) {
	tag, _ := ctx.Value(ctxKey{}).(string)
	return r.name + "/" + tag + "/" + s, nil
}
