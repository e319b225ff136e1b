#!/usr/bin/env bash
# Compares hushflow's whole path (load + secrets + 100 rendered steps) with
# `sops -d` per encrypted file and one `vals` process per reference, in one
# run. Installs the sops and vals programs (the versions in go.mod) from the
# Go module proxy into a temporary folder; nothing is left behind.
set -euo pipefail
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sops_version=$(go list -m -f '{{.Version}}' github.com/getsops/sops/v3)
vals_version=$(go list -m -f '{{.Version}}' github.com/helmfile/vals)
echo "installing sops $sops_version and vals $vals_version (baselines) ..." >&2
GOBIN="$tmp/bin" go install "github.com/getsops/sops/v3/cmd/sops@$sops_version"
GOBIN="$tmp/bin" go install "github.com/helmfile/vals/cmd/vals@$vals_version"
go run ./bench/workspace -sops "$tmp/bin/sops" -vals "$tmp/bin/vals" "$@"
