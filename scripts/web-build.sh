#!/bin/sh
# make build (web part): the console into web/dist with Vite, a .gz beside every text file
# (the server sends it when the browser accepts gzip), a check that index.html carries no
# inline script (the CSP allows only script-src 'self'), and the sizes.
set -eu
cd "$(dirname "$0")/../web"
t0=$(date +%s%N)
npx --no-install vite build --logLevel warn
find dist -type f \( -name '*.js' -o -name '*.css' -o -name '*.html' -o -name '*.svg' \
  -o -name '*.json' -o -name '*.map' \) -exec gzip -k -9 -n -f {} +
for g in $(find dist -name '*.gz'); do # a .gz no smaller than its file is not worth a Vary
  [ "$(stat -c %s "$g")" -lt "$(stat -c %s "${g%.gz}")" ] || rm -f "$g"
done
if grep -Pq '<script(?![^>]*\bsrc=)[^>]*>' dist/index.html; then
  echo "web: dist/index.html has an inline script, which the CSP (script-src 'self') blocks" >&2
  rm -f dist/index.html
  exit 1
fi
t1=$(date +%s%N)
raw=0; gz=0; n=0
for f in $(find dist -type f ! -name '*.gz'); do
  s=$(stat -c %s "$f"); raw=$((raw + s)); n=$((n + 1))
  if [ -f "$f.gz" ]; then gz=$((gz + $(stat -c %s "$f.gz"))); else gz=$((gz + s)); fi
done
echo "web: built dist/ in $(( (t1 - t0) / 1000000 )) ms: $n files, $((raw / 1024)) KiB, $((gz / 1024)) KiB as sent with gzip"
