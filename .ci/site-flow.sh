#!/usr/bin/env bash
# What a site does, from its own repository: install the packed harness into a fresh directory that
# holds only the site's local/classes, then --version, a config typo refused by name, two suites
# (routing, health) in two shards, and one merged report in the site's own reports/ with every check
# the unsharded catalogue lists for them. Exits non-zero on any
# deviation, so CI proves the package works as the README tells a site to use it.
set -euo pipefail
harness="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

step() { echo "[site-flow] $*"; }

step "packing the harness"
(cd "$harness" && npm pack --silent --pack-destination "$work" >/dev/null)
site="$work/site"
mkdir -p "$site/local/classes"
cp -r "$harness/fixtures/php-clients/clean-room/Integration" "$site/local/classes/"
cd "$site"
npm init -y >/dev/null

step "npm i -D kaspi-harness (the packed tarball)"
npm i -D "$work"/kaspi-harness-*.tgz --no-audit --no-fund --loglevel=error

step "npx kaspi-harness --version"
version="$(npx kaspi-harness --version)"
expected="$(node -p "require('$harness/package.json').version")"
[[ "$version" == *"$expected"* ]] || { echo "expected version $expected, got: $version"; exit 1; }

step "a config typo is refused by name (exit 2)"
echo "import { defineConfig } from 'kaspi-harness/config'; export default defineConfig({ sede: 7 });" \
  >kaspi-harness.config.ts
set +e
typo="$(npx kaspi-harness run --suite routing 2>&1)"
code=$?
set -e
[[ $code -eq 2 && "$typo" == *'unknown key "sede"'*'did you mean "seed"'* ]] ||
  { echo "expected exit 2 naming sede/seed, got $code: $typo"; exit 1; }
echo "import { defineConfig } from 'kaspi-harness/config'; export default defineConfig({ seed: 7 });" \
  >kaspi-harness.config.ts

suites=(--suite routing --suite health)
listed="$(npx kaspi-harness run --list --json "${suites[@]}" | node -e \
  "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>console.log(JSON.parse(s).length))")"
step "npx kaspi-harness run ${suites[*]} --shard 1/2, then 2/2 ($listed checks listed)"
npx kaspi-harness run "${suites[@]}" --shard 1/2 --quiet
npx kaspi-harness run "${suites[@]}" --shard 2/2 --quiet

step "npx kaspi-harness report --merge"
npx kaspi-harness report --merge
for file in report.html junit.xml results.json summary.txt; do
  [[ -f reports/latest/$file ]] || { echo "reports/latest/$file is missing"; exit 1; }
done
verdict="$(node -p "require('./reports/latest/results.json').verdict")"
checks="$(node -p "require('./reports/latest/results.json').totals.tests")"
[[ $verdict == pass && $checks -eq $listed && $listed -gt 0 ]] ||
  { echo "merged verdict $verdict with $checks checks, $listed listed"; exit 1; }
step "one passing report of $checks checks in the site's reports/ ($(readlink reports/latest))"
