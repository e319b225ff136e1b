#!/usr/bin/env bash
# Compares, in one run, resolving N ref+file:// references (default 100)
# through secrets.Resolve in process, cold then warm, with running the vals
# program once per reference, as the engine hushflow replaces did
# (`vals get REF` for each use). vals v0.46.1 is installed from the Go module
# proxy into a temporary folder; nothing is added to go.mod.
#
#   bench/secrets/run.sh            # N=100
#   N=20 bench/secrets/run.sh
set -euo pipefail

N=${N:-100}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "== installing vals v0.46.1 into $tmp/bin (a cold build takes minutes)" >&2
(cd "$tmp" && GOBIN="$tmp/bin" go install github.com/helmfile/vals/cmd/vals@v0.46.1)
vals="$tmp/bin/vals"

echo "== building the Go side" >&2
(cd "$root" && go build -o "$tmp/secrets-bench" ./bench/secrets)

mkdir -p "$tmp/files"
: >"$tmp/refs.txt"
for i in $(seq 1 "$N"); do
	printf 'db:\n  password: bench-secret-%d\n' "$i" >"$tmp/files/s$i.yaml"
	printf 'ref+file://%s/files/s%d.yaml#/db/password\n' "$tmp" "$i" >>"$tmp/refs.txt"
done

# Warm the page cache and check both sides agree on one value.
first=$(head -n1 "$tmp/refs.txt")
want="bench-secret-1"
got=$("$vals" get -s "$first")
[ "$got" = "$want" ] || { echo "vals get returned an unexpected value" >&2; exit 1; }

now() { date +%s%N; }

echo "== vals get, once per reference ($N processes)" >&2
start=$(now)
while read -r ref; do
	"$vals" get -s "$ref" >/dev/null
done <"$tmp/refs.txt"
vals_ns=$(( $(now) - start ))

echo "== secrets.Resolve, in process" >&2
out=$("$tmp/secrets-bench" -refs "$tmp/refs.txt")
cold_ns=$(awk '$1=="cold_ns"{print $2}' <<<"$out")
warm_ns=$(awk '$1=="warm_ns"{print $2}' <<<"$out")
one_ns=$(awk '$1=="cold_one_string_ns"{print $2}' <<<"$out")

awk -v n="$N" -v v="$vals_ns" -v c="$cold_ns" -v w="$warm_ns" -v o="$one_ns" 'BEGIN {
	printf "references:                        %d ref+file:// (YAML, #/db/password)\n", n
	printf "vals get, one process per ref:     %10.2f ms  (%8.1f us/ref)\n", v/1e6, v/1e3/n
	printf "Resolve cold, one after another:   %10.2f ms  (%8.1f us/ref)\n", c/1e6, c/1e3/n
	printf "Resolve cold, one string of all:   %10.2f ms  (%8.1f us/ref)\n", o/1e6, o/1e3/n
	printf "Resolve warm, one after another:   %10.2f ms  (%8.3f us/ref)\n", w/1e6, w/1e3/n
	printf "ratio vals/cold:                   %10.1fx\n", v/c
	printf "ratio vals/cold one string:        %10.1fx\n", v/o
	printf "ratio vals/warm:                   %10.0fx\n", v/w
}'
