#!/usr/bin/env bash
# The tests, as CI runs them (`bash tools/test.sh`):
# - the chapters: every notebook's cells with the slow ones (`nbdev_test --flags slow`), the tutorials excepted;
# - the course: each tutorial's student and teacher version run top to bottom under a plain Jupyter kernel
#   (`python tools/course.py --execute`); the teacher version holds the tutorial's hidden checks and answer keys,
#   so the tutorials are tested there and not a second time by nbdev_test.
# The two run side by side, each on one CPU thread unless OMP_NUM_THREADS says otherwise: the networks here are small,
# so a second thread buys little (03_agreement's tests: 35 s on 2 threads, 39 s on 1), while two one-thread streams on
# two cores take about what one takes alone (two of them side by side: 34 s). Each stream's log is printed when both have ended.
set -uo pipefail
cd "$(dirname "$0")/.."
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}" MKL_NUM_THREADS="${MKL_NUM_THREADS:-${OMP_NUM_THREADS:-1}}"
logs=$(mktemp -d)
show() { for s in chapters course; do echo "=== $s"; cat "$logs/$s.log" 2>/dev/null; done; rm -rf "$logs"; }
trap 'kill 0 2>/dev/null; show; exit 143' INT TERM
start=$(date +%s)
nbdev_test --n_workers 1 --flags slow --timing --skip_folder_re '^([_.]|tutorials$)' > "$logs/chapters.log" 2>&1 &
chapters=$!
python tools/course.py --execute > "$logs/course.log" 2>&1
course_rc=$?
wait "$chapters"
chapters_rc=$?
trap - INT TERM
show
echo "chapters (nbdev_test): exit $chapters_rc; course (student and teacher versions): exit $course_rc;" \
     "$(( $(date +%s) - start )) s on $OMP_NUM_THREADS thread(s) each"
[ "$chapters_rc" -eq 0 ] && [ "$course_rc" -eq 0 ]
