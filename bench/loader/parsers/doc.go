// Package parsers holds no code: its benchmarks measure the YAML parsers a
// loader could be built on, on the workspace of loader's BenchmarkLoad
// (internal/benchws: 50 files, 10 of them sops-encrypted), one after
// another, parsed into each library's own tree and nothing else. They
// inform the choice DESIGN.md makes (go.yaml.in/yaml/v3, the parser sops'
// YAML store uses): a cold load cannot allocate less than its parser does.
// It is a module of its own so that the other parsers never enter
// hushflow's go.mod.
//
//	cd bench/loader/parsers && go test -run '^$' -bench . -benchmem -count 6
package parsers
