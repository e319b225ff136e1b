package secrets

import (
	"fmt"
	"io"
	"log/slog"
)

// The types of this package that hold secret values (a Resolver's cache, a
// Snapshot's pins, and the AWS credentials a ValsBackend keeps) print as a
// summary that holds none, whatever the verb (%v, %+v, %#v, %s, %q, %x, …)
// and through log/slog's handlers: counts and settings, never a value or a
// reference. A test prints every exported type of the package every way.
//
// Snapshot and ValsBackend print through value receivers for Format and
// GoString, so that a copy held by value (a field of the host's struct,
// printed with %+v or through slog) prints the summary too; LogValue keeps
// a pointer receiver to tell nil, and slog prints a value with Format. A
// Resolver holds locks, so it is used through its pointer only (go vet
// reports a copy) and keeps pointer receivers.

// Format writes a summary of r that holds no value, for every verb.
func (r *Resolver) Format(f fmt.State, _ rune) { io.WriteString(f, r.GoString()) }

// GoString is the summary that Format writes.
func (r *Resolver) GoString() string {
	if r == nil {
		return "(*secrets.Resolver)(nil)"
	}
	return fmt.Sprintf("secrets.Resolver{cached: %d, ttl: %v, schemes: %d, abandoned: %d}",
		r.cachedCount(), r.ttl, len(r.allowed), r.abandoned.Load())
}

// LogValue is the summary as slog attributes.
func (r *Resolver) LogValue() slog.Value {
	if r == nil {
		return slog.StringValue("<nil>")
	}
	return slog.GroupValue(slog.Int("cached", r.cachedCount()), slog.Duration("ttl", r.ttl),
		slog.Int("schemes", len(r.allowed)), slog.Int64("abandoned", r.abandoned.Load()))
}

func (r *Resolver) cachedCount() int {
	if r.cache == nil {
		return 0
	}
	return r.cache.Len()
}

// Format writes a summary of s that holds no value, for every verb.
func (s Snapshot) Format(f fmt.State, _ rune) { io.WriteString(f, s.GoString()) }

// GoString is the summary that Format writes.
func (s Snapshot) GoString() string {
	return fmt.Sprintf("secrets.Snapshot{pinned: %d}", s.pinned())
}

// LogValue is the summary as slog attributes.
func (s *Snapshot) LogValue() slog.Value {
	if s == nil {
		return slog.StringValue("<nil>")
	}
	return slog.GroupValue(slog.Int("pinned", s.pinned()))
}

func (s Snapshot) pinned() int {
	if s.p == nil {
		return 0
	}
	s.p.mu.RLock()
	defer s.p.mu.RUnlock()
	return len(s.p.pins)
}

// Format writes a summary of b that holds no credential, for every verb.
func (b ValsBackend) Format(f fmt.State, _ rune) { io.WriteString(f, b.GoString()) }

// GoString is the summary that Format writes.
func (b ValsBackend) GoString() string {
	n := 0
	if b.aws != nil {
		n = b.aws.configs.Len()
	}
	return fmt.Sprintf("secrets.ValsBackend{aws_configurations: %d}", n)
}

// LogValue is the summary as slog attributes.
func (b *ValsBackend) LogValue() slog.Value {
	if b == nil {
		return slog.StringValue("<nil>")
	}
	return slog.StringValue(b.GoString())
}
