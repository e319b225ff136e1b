package render

import (
	"context"
	"math"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// workArgs are the arguments TestFilterWork gives a filter: the largest a
// template may write where the argument sets a size.
var workArgs = map[string]value{
	"center": authored(int64(maxFilterSize)), "ljust": authored(int64(maxFilterSize)), "rjust": authored(int64(maxFilterSize)),
	"floatformat": authored(int64(maxFilterSize)), "truncatechars": authored(int64(100)), "truncatechars_html": authored(int64(100)),
	"truncatewords": authored(int64(10)), "truncatewords_html": authored(int64(10)), "wordwrap": authored(int64(1)),
	"urlizetrunc": authored(int64(10)), "slice": authored("1:"), "yesno": authored("a,b,c"), "removetags": authored("a,b"),
	"cut": authored("a"), "add": authored("x"), "divisibleby": authored(int64(2)), "get_digit": authored(int64(1)),
	"length_is": authored(int64(3)), "pluralize": authored("y,ies"), "join": authored(", "), "split": authored(" "),
	"date": authored("Y-m-d"), "time": authored("H:i"), "default": authored("d"), "default_if_none": authored("d"),
	"replace": authored("a"), "truncate": authored(int64(10)), "round": authored("common"),
}

// workInputs are the inputs that make filters allocate most, per byte.
func workInputs(n int) map[string]any {
	words := make([]any, n/8)
	for i := range words {
		words[i] = "ab"
	}
	return map[string]any{
		"newlines": strings.Repeat("\n", n),
		"words":    strings.Repeat("ab cd ", n/6),
		"urls":     strings.Repeat("a.com ", n/6),
		"accents":  strings.Repeat("é", n/2),
		"tags":     strings.Repeat("<a><b>", n/6),
		"escapes":  strings.Repeat(`\"'<&`, n/5),
		"digits":   strings.Repeat("1", n),
		"list":     words,
	}
}

// TestFilterWork runs every filter of the table on inputs that make it
// allocate most, and fails when it allocates more than its declared work
// factor times the bytes it was given: a filter cannot be added without a
// measured factor, and the budget (Limits.MaxOutput / work) holds. It does
// not run in parallel: it reads the process's allocation counter.
func TestFilterWork(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates for its own bookkeeping: the figures would not be the filters'")
	}
	const n = 32 << 10
	e, err := New(echoResolver{}, limits(func(l *Limits) { l.MaxOutput = 1 << 30 }))
	if err != nil {
		t.Fatal(err)
	}
	inputs := workInputs(n)
	names := make([]filterKey, 0, len(filterTable))
	for k := range filterTable {
		names = append(names, k)
	}
	slices.SortFunc(names, func(a, b filterKey) int {
		return strings.Compare(a.name+string(rune('0'+a.dialect)), b.name+string(rune('0'+b.dialect)))
	})
	for _, k := range names {
		def := filterTable[k]
		if def.refused != "" || def.name == "vals" {
			continue
		}
		worst, worstInput := 0.0, ""
		for _, name := range slices.Sorted(mapsKeys(inputs)) {
			in := authored(inputs[name])
			var args []value
			if a, ok := workArgs[def.name]; ok {
				if k.dialect == teraSyntax && len(def.kwargs) > 0 {
					args = make([]value, len(def.kwargs))
					for i := range args {
						args[i] = absentArg
					}
					args[0] = a
				} else {
					args = []value{a}
				}
			}
			size := sizeOf(in.v, math.MaxInt)
			for _, a := range args {
				size += sizeOf(a.v, math.MaxInt)
			}
			x := newExecution(context.Background(), e, nil)
			c := &filterCall{x: x, f: &filterExpr{name: def.name}, def: def}
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			_, _ = def.fn(c, in, args)
			runtime.ReadMemStats(&after)
			if per := float64(after.TotalAlloc-before.TotalAlloc) / float64(size); per > worst {
				worst, worstInput = per, name
			}
		}
		if worst > float64(max(def.work, 1))+0.5 {
			t.Errorf("%s (dialect %d) allocates %.1f bytes a byte on %s, over its work factor %d", def.name, k.dialect, worst, worstInput, def.work)
		} else if testing.Verbose() {
			t.Logf("%-20s %5.1f (%s), declared %d", def.name, worst, worstInput, def.work)
		}
	}
}

func mapsKeys(m map[string]any) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}
