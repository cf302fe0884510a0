#!/bin/sh
# compare.sh OLD NEW [ROUNDS] — benchmark two commits of the root package in
# turns, so that both see the same load on a shared machine, and print
# benchstat's comparison. Each commit is built from a clean tree (git
# archive), so uncommitted work in the checkout does not leak in. A commit
# without the cpu-ns/op metric (before it was added) gets
# baseline-bench.patch, which adds the metric and BenchmarkAssessmentJSON
# and nothing else.
#
#   OUT=/tmp testdata/bench/compare.sh 5850d81 HEAD 8 > /tmp/cmp.txt
#
# OUT, when set, is a directory that receives the raw old.txt and new.txt.
set -eu
old=$1 new=$2 rounds=${3:-8}
here=$(cd "$(dirname "$0")" && pwd)
root=$(git -C "$here" rev-parse --show-toplevel)
work=$(mktemp -d)
for side in old new; do
	eval rev=\$$side
	mkdir -p "$work/$side"
	git -C "$root" archive "$rev" | tar -x -C "$work/$side"
	if [ ! -f "$work/$side/bench_cpu_test.go" ]; then
		(cd "$work/$side" && patch -s -p1 < "$here/baseline-bench.patch")
	fi
	(cd "$work/$side" && go test -c -o "$work/$side.test" .)
done
for i in $(seq 1 "$rounds"); do
	for side in old new; do
		(cd "$work/$side" && "$work/$side.test" -test.run '^$' -test.bench . -test.benchtime 1s -test.count 1 >> "$work/$side.txt")
	done
done
if [ -n "${OUT:-}" ]; then cp "$work/old.txt" "$work/new.txt" "$OUT"; fi
${BENCHSTAT:-benchstat} "$work/old.txt" "$work/new.txt"
