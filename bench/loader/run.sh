#!/usr/bin/env bash
# Compares loader.LoadDir with `sops -d` once per encrypted file, in one run.
# Installs the sops program (the version in go.mod) from the Go module proxy
# into a temporary folder; nothing is left behind.
set -euo pipefail
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
version=$(go list -m -f '{{.Version}}' github.com/getsops/sops/v3)
echo "installing sops $version (baseline) ..." >&2
GOBIN="$tmp/bin" go install "github.com/getsops/sops/v3/cmd/sops@$version"
go run ./bench/loader -sops "$tmp/bin/sops" "$@"
