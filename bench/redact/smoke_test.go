package main

import "testing"

// TestSmoke measures one tiny size in this process (100 secrets, one masker,
// 20 secrets added while it masks), so that `go test ./...` notices when the
// program stops working. It calls measure directly: the program's parent
// mode starts itself again per size, which a test binary cannot. measure
// fails when a secret is not masked right after its Add; no timing is
// checked.
func TestSmoke(t *testing.T) {
	if err := measure(100, 1, 20); err != nil {
		t.Fatal(err)
	}
}
