package faultproxy_test

import (
	"bufio"
	"errors"
	"io"
	"net"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/hushflow/hushflow/internal/faultproxy"
)

// echoServer answers every line with "echo: " + the line.
func echoServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				r := bufio.NewReader(c)
				for {
					line, err := r.ReadString('\n')
					if err != nil {
						return
					}
					if _, err := io.WriteString(c, "echo: "+line); err != nil {
						return
					}
				}
			}()
		}
	}()
	t.Cleanup(func() { ln.Close(); <-done })
	return ln.Addr().String()
}

func newProxy(t *testing.T, target string) *faultproxy.Proxy {
	t.Helper()
	p, err := faultproxy.New(target)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

func dial(t *testing.T, addr string) (net.Conn, *bufio.Reader) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c, bufio.NewReader(c)
}

// roundTrip sends a line and reads the answer, giving up after wait.
func roundTrip(c net.Conn, r *bufio.Reader, line string, wait time.Duration) (string, error) {
	if _, err := io.WriteString(c, line+"\n"); err != nil {
		return "", err
	}
	c.SetReadDeadline(time.Now().Add(wait))
	defer c.SetReadDeadline(time.Time{})
	s, err := r.ReadString('\n')
	return strings.TrimSuffix(s, "\n"), err
}

const long = 10 * time.Second // far more than any answer on loopback takes

func TestPassesBytes(t *testing.T) {
	t.Parallel()
	p := newProxy(t, echoServer(t))
	c, r := dial(t, p.Addr())
	for _, line := range []string{"a", "b", strings.Repeat("x", 100_000)} {
		got, err := roundTrip(c, r, line, long)
		if err != nil || got != "echo: "+line {
			t.Fatalf("round trip of %d bytes: %d bytes back, %v", len(line), len(got), err)
		}
	}
	if p.Accepted() != 1 || p.Open() != 1 {
		t.Errorf("accepted %d, open %d; want 1, 1", p.Accepted(), p.Open())
	}
}

func TestStallHoldsBytesUntilResume(t *testing.T) {
	t.Parallel()
	p := newProxy(t, echoServer(t))
	c, r := dial(t, p.Addr())
	p.Stall()
	if _, err := roundTrip(c, r, "held", 100*time.Millisecond); !isTimeout(err) {
		t.Fatalf("an answer came through a stalled proxy (err %v)", err)
	}
	// A new connection is accepted but hangs too.
	c2, r2 := dial(t, p.Addr())
	if _, err := roundTrip(c2, r2, "held too", 100*time.Millisecond); !isTimeout(err) {
		t.Fatalf("a new connection was not stalled (err %v)", err)
	}
	p.Resume()
	c.SetReadDeadline(time.Now().Add(long))
	if got, err := r.ReadString('\n'); err != nil || got != "echo: held\n" {
		t.Fatalf("after Resume: %q, %v", got, err)
	}
	c2.SetReadDeadline(time.Now().Add(long))
	if got, err := r2.ReadString('\n'); err != nil || got != "echo: held too\n" {
		t.Fatalf("after Resume, second connection: %q, %v", got, err)
	}
}

func TestLatencyDelaysAnswers(t *testing.T) {
	t.Parallel()
	p := newProxy(t, echoServer(t))
	c, r := dial(t, p.Addr())
	p.SetLatency(long)
	if _, err := roundTrip(c, r, "slow", 100*time.Millisecond); !isTimeout(err) {
		t.Fatalf("an answer came before the latency (err %v)", err)
	}
	p.SetLatency(0) // the chunk already held keeps its delay; later ones pass at once
	c2, r2 := dial(t, p.Addr())
	if got, err := roundTrip(c2, r2, "fast", long); err != nil || got != "echo: fast" {
		t.Fatalf("without latency: %q, %v", got, err)
	}
}

func TestCutResponsesAndCut(t *testing.T) {
	t.Parallel()
	p := newProxy(t, echoServer(t))
	p.CutResponses(true)
	c, r := dial(t, p.Addr())
	if got, err := roundTrip(c, r, "never answered", long); err == nil || isTimeout(err) {
		t.Fatalf("CutResponses: %q, %v; want the connection closed", got, err)
	}
	p.CutResponses(false)
	c2, r2 := dial(t, p.Addr())
	if _, err := roundTrip(c2, r2, "ok", long); err != nil {
		t.Fatal(err)
	}
	p.Stall()
	if _, err := roundTrip(c2, r2, "hanging", 100*time.Millisecond); !isTimeout(err) {
		t.Fatalf("not stalled: %v", err)
	}
	p.Cut()
	c2.SetReadDeadline(time.Now().Add(long))
	if _, err := r2.ReadString('\n'); err == nil || isTimeout(err) {
		t.Fatalf("Cut did not close a hanging connection: %v", err)
	}
}

func TestStopRefusesAndRestartComesBack(t *testing.T) {
	t.Parallel()
	p := newProxy(t, echoServer(t))
	c, r := dial(t, p.Addr())
	if _, err := roundTrip(c, r, "before", long); err != nil {
		t.Fatal(err)
	}
	p.Stop()
	c.SetReadDeadline(time.Now().Add(long))
	if _, err := r.ReadString('\n'); err == nil || isTimeout(err) {
		t.Fatalf("Stop left a connection open: %v", err)
	}
	if c, err := net.Dial("tcp", p.Addr()); err == nil {
		c.Close()
		t.Fatal("a stopped proxy accepted a connection")
	}
	if err := p.Restart(); err != nil {
		t.Fatal(err)
	}
	c2, r2 := dial(t, p.Addr())
	if got, err := roundTrip(c2, r2, "after", long); err != nil || got != "echo: after" {
		t.Fatalf("after Restart: %q, %v", got, err)
	}
}

// A target that does not listen: the client's connection is closed.
func TestUnreachableTargetClosesTheClient(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	p := newProxy(t, addr)
	c, r := dial(t, p.Addr())
	if _, err := roundTrip(c, r, "x", long); err == nil || isTimeout(err) {
		t.Fatalf("want the connection closed, got %v", err)
	}
}

// Not parallel: it counts the process's goroutines.
func TestCloseLeavesNoGoroutine(t *testing.T) {
	target := echoServer(t)
	before := runtime.NumGoroutine()
	p, err := faultproxy.New(target)
	if err != nil {
		t.Fatal(err)
	}
	var conns []net.Conn
	for range 5 {
		c, err := net.Dial("tcp", p.Addr())
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	if err := p.WaitAccepted(t.Context(), 5); err != nil {
		t.Fatal(err)
	}
	p.Stall()
	for _, c := range conns {
		io.WriteString(c, "stalled\n")
	}
	p.Close()
	for _, c := range conns {
		c.Close()
	}
	// The echo server's own connection goroutines end when it sees the
	// close; the proxy's have all returned already.
	deadline := time.Now().Add(long)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines after Close, %d before", n, before)
	}
}

func TestNewRejectsBadTarget(t *testing.T) {
	t.Parallel()
	if _, err := faultproxy.New("no-port"); err == nil {
		t.Error("New accepted a target without a port")
	}
}

func isTimeout(err error) bool { return errors.Is(err, os.ErrDeadlineExceeded) }
