#!/usr/bin/env bash
# make mutate APP=<app> [MUTATE_FILES="rules services queries"]: mutation testing of one app's decision
# modules against that app's tests (mutmut), in a scratch copy under var/mutate-<app>/ so the
# working tree is never touched. Prints killed/total per module. Not part of make test.
set -euo pipefail
app=${1:?usage: tools/mutate.sh APP}
files=${MUTATE_FILES:-"rules services queries"}
top=$(cd "$(dirname "$0")/.." && pwd)
work="$top/var/mutate-$app"
rm -rf "$work"; mkdir -p "$work"
cp -r "$top/src" "$top/tests" "$top/pyproject.toml" "$work/"
only=""
for f in $files; do
  [ -f "$top/src/ganbu/$app/$f.py" ] && only="$only\"src/ganbu/$app/$f.py\","
done
[ -n "$only" ] || { echo "no modules to mutate in src/ganbu/$app"; exit 1; }
tests="tests/$app"
[ -n "${MUTATE_TESTS:-}" ] && tests="$MUTATE_TESTS"
cat >> "$work/pyproject.toml" <<CFG

[tool.mutmut]
source_paths = ["src"]
only_mutate = [${only%,}]
pytest_add_cli_args = ["-p", "no:cacheprovider", "-q", "-x", "-m", "not browser and not postgres", "--reuse-db"]
timeout_constant = ${MUTATE_TIMEOUT:-90}
pytest_add_cli_args_test_selection = ["$tests"]
use_git_change_detection = false
CFG
cd "$work"
# A file test database kept between mutants (--reuse-db): each mutant must not pay for the migrations.
export GANBU_TESTING=1 GANBU_HUEY=immediate GANBU_VAR_DIR="$work/var" GANBU_TEST_SQLITE="$work/var/test.sqlite3"
mkdir -p "$work/var"
"$top/.venv/bin/mutmut" run --max-children "${MUTATE_JOBS:-2}" >/dev/null 2>"$work/mutmut.err" || true
"$top/.venv/bin/mutmut" results --all true > "$work/results.txt" 2>/dev/null || true
"$top/.venv/bin/python" - "$work/results.txt" <<'PY'
import collections, re, sys
counts = collections.defaultdict(collections.Counter)
for line in open(sys.argv[1]):
    m = re.match(r"\s*([\w.]+?)\.x_?\w*__mutmut_\d+: (\w[\w ]*)", line)
    if m:
        module = ".".join(m.group(1).split(".")[:3])
        counts[module][m.group(2).strip()] += 1
total = collections.Counter()
for module, c in sorted(counts.items()):
    n = sum(c.values()); total.update(c)
    print(f"{module:32} killed {c['killed']:4}/{n:4} = {100*c['killed']/max(n,1):5.1f}%  survived {c['survived']}  other {n-c['killed']-c['survived']}")
n = sum(total.values())
print(f"{'all':32} killed {total['killed']:4}/{n:4} = {100*total['killed']/max(n,1):5.1f}%")
PY
echo "survivors: cd $work && $top/.venv/bin/mutmut results; $top/.venv/bin/mutmut show <name>"
