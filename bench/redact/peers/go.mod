module github.com/hushflow/hushflow/bench/redact/peers

go 1.26.6

replace github.com/hushflow/hushflow => ../../..

require (
	github.com/hushflow/hushflow v0.0.0-00010101000000-000000000000
	github.com/petar-dambovaliev/aho-corasick v0.0.0-20250424160509-463d218d4745
)

require golang.org/x/text v0.41.0 // indirect
