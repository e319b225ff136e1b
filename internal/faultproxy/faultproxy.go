// Package faultproxy is a TCP proxy for tests that makes an endpoint slow,
// hanging or broken on demand: put it between the code under test and a
// server (moto, an httptest server) and point the code at the proxy.
//
// Where to begin:
//
//	p, err := faultproxy.New("127.0.0.1:5000") // listens on a free 127.0.0.1 port
//	defer p.Close()                              // closes every connection, waits for its goroutines
//	p.SetLatency(2 * time.Second) // every chunk the server sends is held 2s: a slow endpoint
//	p.Stall()                      // nothing passes, connections stay open: a hanging endpoint
//	p.Resume()
//	p.CutResponses(true)           // a connection is cut when the server starts to answer
//	p.Cut()                        // every open connection is closed now
//	p.Stop()                       // the endpoint is gone: connections cut, new ones refused
//	p.Restart()                    // and back, on the same address
//
// The proxy knows nothing of HTTP: it passes bytes, so TLS, keep-alive and
// any protocol go through it unchanged. Faults apply at once to the
// connections already open as well as to new ones. Every goroutine it starts
// has returned once Close returns, so tests can count goroutines around it.
package faultproxy

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"
)

// Proxy forwards TCP connections to a target address, with faults. Its
// methods are safe for concurrent use.
type Proxy struct {
	target string
	addr   string

	mu       sync.Mutex
	ln       net.Listener // nil while stopped
	links    map[*link]struct{}
	latency  time.Duration
	stalled  bool
	cutResp  bool
	closed   bool
	accepted int64
	changed  chan struct{} // closed and replaced whenever anything above changes

	wg sync.WaitGroup
}

// New starts a proxy to target ("host:port") listening on a free port of
// 127.0.0.1.
func New(target string) (*Proxy, error) {
	if _, _, err := net.SplitHostPort(target); err != nil {
		return nil, fmt.Errorf("faultproxy: target %q: %w", target, err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("faultproxy: %w", err)
	}
	p := &Proxy{target: target, addr: ln.Addr().String(), links: map[*link]struct{}{}, changed: make(chan struct{})}
	p.serve(ln)
	return p, nil
}

// Addr is the proxy's address, "127.0.0.1:PORT". It stays the same across
// Stop and Restart.
func (p *Proxy) Addr() string { return p.addr }

// URL is "http://" + Addr.
func (p *Proxy) URL() string { return "http://" + p.addr }

// SetLatency holds every chunk of bytes the target sends for d before
// passing it on (0: none). What the client sends is not delayed.
func (p *Proxy) SetLatency(d time.Duration) { p.update(func() { p.latency = d }) }

// Stall stops passing bytes in either direction, on open and new
// connections, until Resume. Connections are still accepted and kept open:
// the endpoint hangs.
func (p *Proxy) Stall() { p.update(func() { p.stalled = true }) }

// Resume ends a Stall: held bytes go through.
func (p *Proxy) Resume() { p.update(func() { p.stalled = false }) }

// CutResponses, when on, closes a connection (both ways) as soon as the
// target starts to answer on it: the request reached the server, the answer
// never arrives.
func (p *Proxy) CutResponses(on bool) { p.update(func() { p.cutResp = on }) }

// Cut closes every open connection now. New connections are accepted.
func (p *Proxy) Cut() {
	p.mu.Lock()
	links := make([]*link, 0, len(p.links))
	for l := range p.links {
		links = append(links, l)
	}
	p.mu.Unlock()
	for _, l := range links {
		l.close()
	}
}

// Stop stops listening (new connections are refused) and cuts every open
// connection: the endpoint is gone. Restart brings it back.
func (p *Proxy) Stop() {
	p.mu.Lock()
	ln := p.ln
	p.ln = nil
	p.mu.Unlock()
	if ln != nil {
		ln.Close()
	}
	p.Cut()
}

// Restart listens again on Addr after Stop. It does nothing if the proxy is
// listening.
func (p *Proxy) Restart() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return errors.New("faultproxy: closed")
	}
	if p.ln != nil {
		return nil
	}
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		return fmt.Errorf("faultproxy: restart: %w", err)
	}
	p.serveLocked(ln)
	return nil
}

// Close stops the proxy for good, closes every connection and waits until
// every goroutine it started has returned.
func (p *Proxy) Close() error {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	p.Stop()
	p.wg.Wait()
	return nil
}

// Accepted is the number of connections accepted so far.
func (p *Proxy) Accepted() int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.accepted
}

// Open is the number of connections open now.
func (p *Proxy) Open() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.links)
}

// WaitAccepted waits until at least n connections have been accepted in
// all, or ctx is done: how a test knows the code under test has reached the
// endpoint.
func (p *Proxy) WaitAccepted(ctx context.Context, n int64) error {
	for {
		p.mu.Lock()
		got, changed := p.accepted, p.changed
		p.mu.Unlock()
		if got >= n {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return fmt.Errorf("faultproxy: %d connections accepted, waiting for %d: %w", got, n, ctx.Err())
		}
	}
}

// update changes the settings under the lock and wakes whoever waits on them.
func (p *Proxy) update(f func()) {
	p.mu.Lock()
	defer p.mu.Unlock()
	f()
	p.bumpLocked()
}

func (p *Proxy) bumpLocked() {
	close(p.changed)
	p.changed = make(chan struct{})
}

func (p *Proxy) serve(ln net.Listener) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.serveLocked(ln)
}

func (p *Proxy) serveLocked(ln net.Listener) {
	p.ln = ln
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return // closed by Stop
			}
			p.handle(c)
		}
	}()
}

// handle connects c to the target and starts the two pumps.
func (p *Proxy) handle(c net.Conn) {
	l := &link{client: c, done: make(chan struct{})}
	p.mu.Lock()
	if p.ln == nil { // stopped while this connection was being accepted
		p.mu.Unlock()
		c.Close()
		return
	}
	p.accepted++
	p.links[l] = struct{}{}
	p.bumpLocked()
	p.wg.Add(1)
	p.mu.Unlock()
	go func() {
		defer p.wg.Done()
		defer func() {
			p.mu.Lock()
			delete(p.links, l)
			p.mu.Unlock()
		}()
		d := net.Dialer{Timeout: 5 * time.Second}
		ctx, cancel := context.WithCancel(context.Background())
		var inner sync.WaitGroup
		defer inner.Wait()
		defer cancel()
		inner.Go(func() { // a Cut while dialling ends the dial
			select {
			case <-l.done:
			case <-ctx.Done():
			}
			cancel()
		})
		s, err := d.DialContext(ctx, "tcp", p.target)
		if err != nil {
			l.close()
			return
		}
		if !l.attach(s) {
			s.Close()
			return
		}
		inner.Go(func() { p.pump(l, c, s, false) })
		p.pump(l, s, c, true)
	}()
}

// pump copies src to dst, applying the faults; fromTarget says which way.
// Any error or end of stream closes the whole link.
func (p *Proxy) pump(l *link, src, dst net.Conn, fromTarget bool) {
	defer l.close()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			if !p.admit(l, fromTarget) {
				return
			}
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// admit waits until a chunk may pass: not while stalled, after the latency
// for what the target sends. It returns false if the link must close.
func (p *Proxy) admit(l *link, fromTarget bool) bool {
	for {
		p.mu.Lock()
		stalled, latency, cut, changed := p.stalled, p.latency, p.cutResp && fromTarget, p.changed
		p.mu.Unlock()
		if cut {
			return false
		}
		if !stalled {
			if latency > 0 && fromTarget {
				t := time.NewTimer(latency)
				select {
				case <-t.C:
				case <-l.done:
					t.Stop()
					return false
				}
			}
			return true
		}
		select {
		case <-changed:
		case <-l.done:
			return false
		}
	}
}

// link is one proxied connection: the client's and the target's side.
type link struct {
	client net.Conn
	done   chan struct{}

	mu     sync.Mutex
	server net.Conn
	closed bool
}

// attach records the target's side; false if the link closed meanwhile.
func (l *link) attach(s net.Conn) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return false
	}
	l.server = s
	return true
}

func (l *link) close() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return
	}
	l.closed = true
	close(l.done)
	l.client.Close()
	if l.server != nil {
		l.server.Close()
	}
}
