#!/usr/bin/env bash
# Sets the machine up (packages, hugepages), builds, and runs the whole test suite:
# MPCore in-process tests, the multi-process tests against our binaries and the C samples, and
# the example package (Examples/Pipeline) built against MPCore by version, and MPCore's DocC
# catalog (built with no warnings).
# Run as root from anywhere: bash scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
echo "test: building"
swift build --build-tests
# Release builds of the client-server pair: the survival test compares their rates.
swift build -c release --product mp_server
swift build -c release --product mp_client
bash scripts/build-c-samples.sh >/dev/null

# One test at a time: multi-process tests busy-poll whole CPUs, and this machine has two.
status=0
swift test --skip-build --no-parallel || status=$?
# Examples/Pipeline, built as an outside package would (MPCore by version), and run.
bash scripts/test-example.sh || status=$?
# MPCore's documentation: broken links and undocumented parameters fail (about 15 s once built).
echo "test: documentation"
bash scripts/build-docs.sh >/dev/null || status=$?

# Whatever a test started must be gone, and its files with it, also when a test failed.
left_procs=$(pgrep -fa -- '--file-prefix=mpt_' | grep -v pgrep || true)
left_files=$(ls /dev/hugepages 2>/dev/null | grep '^mpt_' || true)
left_dirs=$(ls /var/run/dpdk 2>/dev/null | grep '^mpt_' || true)
# End-to-end tests: network namespaces mpt_<test>_<pid>_a/b (their taps go with them).
left_netns=$(ip netns list 2>/dev/null | grep -o '^mpt_[^ ]*' || true)
if [ -n "$left_procs$left_files$left_dirs$left_netns" ]; then
  echo "test: leftovers after the suite:" >&2
  printf '%s\n' "$left_procs" "$left_files" "$left_dirs" "$left_netns" | sed '/^$/d' >&2
  status=1
fi
exit $status
