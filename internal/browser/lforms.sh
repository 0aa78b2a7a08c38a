#!/usr/bin/env bash
# Installs LHC-Forms, the FHIR form renderer of the U.S. National Library
# of Medicine (npm package lforms), for the FHIR round-trip test of
# examples/vendor. Only its prebuilt web component is needed: the npm
# package's dependencies (Angular and more, built into that component)
# are not installed. The tarball comes from the npm registry through
# npm pack and is checked against the integrity recorded here.
set -euo pipefail
cd "$(dirname "$0")"
version=40.1.3
integrity='sha512-WLruTm+BcVnafC0rSAQ3/cNqhxvclBUxyBG68aub/uha2NaK9H8ZZcEXTTuORuGzzCt0wa7fvhuieZtcDIdPzQ=='
dest=node_modules/lforms
if [ -f "$dest/.installed" ] && [ "$(cat "$dest/.installed")" = "$version" ]; then
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack "lforms@$version" --silent --loglevel=error >/dev/null)
tarball="$tmp/lforms-$version.tgz"
got=$(node -e 'const c=require("crypto"),f=require("fs");process.stdout.write("sha512-"+c.createHash("sha512").update(f.readFileSync(process.argv[1])).digest("base64"))' "$tarball")
if [ "$got" != "$integrity" ]; then
  echo "lforms $version: integrity $got, want $integrity" >&2
  exit 1
fi
rm -rf "$dest"
mkdir -p "$dest"
tar -xzf "$tarball" -C "$dest" --strip-components=1 package/package.json package/LICENSE.md package/dist/lforms
echo "$version" > "$dest/.installed"
