#!/usr/bin/env bash
# Checks that the impact report opens in a browser: it writes the report for
# the blacklist edit (+10% → +30%) on a generated 10,000-enterprise
# portfolio, renders it in headless Chromium with the network off, and checks
# the browser built every histogram bar and painted a page. CI does not run
# it (it needs a browser): on Debian, `apt-get install chromium` first.
#
#   bash .ci/check-html-render.sh [OUTDIR]     (default: a temporary directory)
set -euo pipefail
cd "$(dirname "$0")/.."
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$browser" ]; then
  echo "no Chromium found: install it (Debian: apt-get install chromium)" >&2
  exit 2
fi
out=${1:-$(mktemp -d)}
mkdir -p "$out"
go build -o "$out/anzexian" ./cmd/anzexian
"$out/anzexian" generate --seed 1 --count 10000 --out "$out/book.jsonl"
old='value: "0.10", reason: 被纳入联合惩戒名单'
new='value: "0.30", reason: 被纳入联合惩戒名单'
grep -q "$old" rulesets/bundled/cn/rating-baseline.yaml || { echo "the blacklist case moved; update this script" >&2; exit 1; }
sed "s/$old/$new/" rulesets/bundled/cn/rating-baseline.yaml > "$out/rating-baseline-blacklist-30.yaml"
"$out/anzexian" impact --with "$out/rating-baseline-blacklist-30.yaml" --at 2026-01-01 --format html --out "$out/report.html" "$out/book.jsonl"

flags=(--headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking
       --proxy-server=127.0.0.1:9 --proxy-bypass-list='<-loopback>')   # any network fetch fails
"$browser" "${flags[@]}" --dump-dom "file://$out/report.html" > "$out/dom.html" 2>/dev/null
"$browser" "${flags[@]}" --window-size=1200,2600 --screenshot="$out/report.png" "file://$out/report.html" >/dev/null 2>&1

bars_file=$(grep -o '<rect class="bar"' "$out/report.html" | wc -l)
bars_dom=$(grep -o '<rect class="bar"' "$out/dom.html" | wc -l)
png_size=$(stat -c %s "$out/report.png" 2>/dev/null || echo 0)
echo "report: $out/report.html; screenshot: $out/report.png ($png_size bytes)"
echo "histogram bars in the file: $bars_file; built by the browser: $bars_dom"
if [ "$bars_file" -eq 0 ] || [ "$bars_dom" -ne "$bars_file" ]; then
  echo "FAIL: the browser did not build the histogram" >&2
  exit 1
fi
if ! grep -q 'Largest movers' "$out/dom.html"; then
  echo "FAIL: the browser did not build the page" >&2
  exit 1
fi
if [ "$png_size" -lt 30000 ]; then
  echo "FAIL: the screenshot is (nearly) blank" >&2
  exit 1
fi
echo "OK: the impact report renders in $("$browser" --version 2>/dev/null)"
