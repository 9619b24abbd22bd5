#!/usr/bin/env bash
# The whole test suite: types, the XSS scan, unit, integration and browser
# tests. Ends with one line "N passed, N failed" and exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"

# Browser tests drive Debian's Chromium; Redis tests start Debian's redis-server, cluster tests nginx.
# Install what is missing when we may.
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v redis-server >/dev/null || missing+=(redis-server)
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null || missing+=(nginx)
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing ${missing[*]} for the tests..."
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null) || { echo "0 passed, 1 failed"; exit 1; }
  else
    echo "The tests need ${missing[*]}: sudo apt-get install -y ${missing[*]}"
    echo "0 passed, 1 failed"; exit 1
  fi
fi

failed_checks=0
passed_checks=0
check() {
  local name=$1; shift
  if "$@"; then passed_checks=$((passed_checks + 1)); echo "ok: $name"
  else failed_checks=$((failed_checks + 1)); echo "FAILED: $name"; fi
}
check "tsc --noEmit" tsc --noEmit -p .
check "xss-scan" xss-scan --cwd . >/dev/null

mkdir -p test-results
rm -f test-results/junit.xml
bun test --timeout 60000 --reporter=junit --reporter-outfile=test-results/junit.xml "$@"
bun_status=$?

# Count test cases from the JUnit report: bun's own summary goes to stderr in a form CI does not read.
read -r tests failures < <(bun scripts/junit-counts.ts test-results/junit.xml)
passed=$((tests - failures + passed_checks))
failed=$((failures + failed_checks))
if [ "$bun_status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
