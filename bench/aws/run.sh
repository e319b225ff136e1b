#!/usr/bin/env bash
# Compares, in one run and against one local AWS endpoint (moto_server on a
# free 127.0.0.1 port), resolving N distinct SSM SecureString parameters
# (default 100) cold through secrets.Resolver.Resolve in process with
# running the vals program once per reference, as the engine hushflow
# replaces did. vals v0.46.1 (the version in go.mod) is installed from the
# Go module proxy into a temporary folder; nothing is added to go.mod and
# nothing is left behind. Needs moto_server on PATH
# (pip install "moto[server]>=5.2,<6").
#
#   bench/aws/run.sh                 # -n 100 -runs 3
#   bench/aws/run.sh -n 20 -runs 5
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v moto_server >/dev/null || { echo 'moto_server not on PATH: pip install "moto[server]>=5.2,<6"' >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
version=$(go list -m -f '{{.Version}}' github.com/helmfile/vals)
echo "installing vals $version (baseline) into $tmp/bin; a cold build takes minutes ..." >&2
GOBIN="$tmp/bin" go install "github.com/helmfile/vals/cmd/vals@$version"
go build -o "$tmp/aws-bench" ./bench/aws
"$tmp/aws-bench" -vals "$tmp/bin/vals" "$@"
