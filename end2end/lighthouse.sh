#!/usr/bin/env bash
# Lighthouse (from npm) on the home, product and cart pages at its mobile
# settings, in Debian's Chromium, against a running store (no network needed
# beyond npm): prints each page's accessibility, best-practices and performance
# scores. Usage: bash end2end/lighthouse.sh [base URL, default http://127.0.0.1:3000]
set -euo pipefail
base="${1:-http://127.0.0.1:3000}"
export CHROME_PATH="${CHROME_PATH:-$(command -v chromium)}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
# The cart with something in it: a session cookie from adding a mug.
cookie="$(curl -s -D - -o /dev/null -H 'accept: application/json' \
  --data 'slug=stoneware-mug&quantity=1' "$base/api/add_to_cart" |
  sed -n 's/^[Ss]et-[Cc]ookie: \([^;]*\).*/\1/p' | head -n 1)"
printf '%-26s %14s %15s %12s\n' page accessibility best-practices performance
for path in / /products/stoneware-mug /cart; do
  npx --yes lighthouse@12 "$base$path" --quiet \
    --chrome-flags="--headless=new --no-sandbox --disable-gpu" \
    --only-categories=accessibility,best-practices,performance \
    --extra-headers="{\"Cookie\": \"$cookie\"}" \
    --output=json --output-path="$out/report.json" >/dev/null
  node -e '
    const r = require(process.argv[1]);
    const s = (k) => Math.round(r.categories[k].score * 100);
    console.log(process.argv[2].padEnd(26), String(s("accessibility")).padStart(14),
      String(s("best-practices")).padStart(15), String(s("performance")).padStart(12));
  ' "$out/report.json" "$path"
done
