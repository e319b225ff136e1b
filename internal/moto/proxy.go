package moto

import (
	"net/url"
	"testing"

	"github.com/hushflow/hushflow/internal/faultproxy"
)

// Proxied puts a fault proxy between the AWS SDK and s for the rest of t:
// the environment's endpoint becomes the proxy's, and the proxy is closed
// (cutting every connection) when t ends. Tests make the endpoint slow,
// hanging or gone through it.
func (s *Server) Proxied(t testing.TB) *faultproxy.Proxy {
	t.Helper()
	u, err := url.Parse(s.URL)
	if err != nil {
		t.Fatal(err)
	}
	p, err := faultproxy.New(u.Host)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	Setenv(t, p.URL())
	return p
}
