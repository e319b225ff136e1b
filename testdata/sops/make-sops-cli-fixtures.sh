#!/bin/sh
# Encrypts every plain fixture with the real sops program (3.13.3), to the
# DEMO age and PGP keys, by creation-rules.yaml, into sops-cli/. Tests never
# run sops: run this by hand after changing plain/, and commit its output.
#
#   GOBIN=/tmp/sopsbin go install github.com/getsops/sops/v3/cmd/sops@v3.13.3
#   SOPS=/tmp/sopsbin/sops testdata/sops/make-sops-cli-fixtures.sh
set -eu
cd "$(dirname "$0")"
SOPS=${SOPS:-sops}
export SOPS_DISABLE_VERSION_CHECK=1
"$SOPS" --version | grep -q '^sops 3\.13\.3' || { echo "want sops 3.13.3" >&2; exit 1; }

home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
# The demo PGP public key in GnuPG's legacy keyring format (pubring.gpg):
# sops reads it in process with go-crypto. SOPS_GPG_EXEC points at nothing,
# so that sops never falls back to running gpg; no other key is in reach.
sed -e '1,/^$/d' -e '/^=/,$d' demo-pgp-key.pub.asc | base64 -d > "$home/pubring.gpg"
export GNUPGHOME="$home" SOPS_GPG_EXEC="$home/no-gpg-here" HOME="$home" XDG_CONFIG_HOME="$home"
unset SOPS_AGE_KEY SOPS_AGE_KEY_FILE SOPS_AGE_KEY_CMD SOPS_AGE_RECIPIENTS SOPS_PGP_FP SOPS_KMS_ARN 2>/dev/null || true

mkdir -p sops-cli
for f in plain/*; do
	name=$(basename "$f")
	ext=${name##*.}
	base=${name%.*}
	out=sops-cli/$base.sops.$ext
	"$SOPS" --config creation-rules.yaml encrypt "$f" > "$out.tmp"
	if [ "$base" = no_mac ]; then
		# Modeled on sops' functional-tests/res/no_mac.yaml: the MAC removed.
		grep -v '^    mac: ' "$out.tmp" > "$out"
		rm "$out.tmp"
	else
		mv "$out.tmp" "$out"
	fi
	echo "$out"
done
