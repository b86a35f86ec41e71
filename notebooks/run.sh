#!/usr/bin/env bash
# Executes every notebook in notebooks/ against fresh results: runs the three dtsim commands the
# notebooks' first cells state into a temporary folder, then runs each notebook there with nbconvert.
# Used by `npm run notebooks` and by .ci/run. Usage: notebooks/run.sh [OUT_DIR] (default: a new folder
# under $TMPDIR). OUT_DIR gets results/ (the CSVs), executed/ (the notebooks with their outputs) and
# figures/ (every plot as PNG). The last line is "notebooks: N passed, N failed"; the exit status is 1
# when any notebook or results command failed. Needs /usr/bin/python3 with pandas, matplotlib,
# nbconvert and ipykernel (Debian: jupyter-nbconvert python3-pandas python3-matplotlib python3-ipykernel).
set -uo pipefail
cd "$(dirname "$0")/.."

# Debian's python, not the first python3 on the PATH (a pyenv or venv one without these packages).
py=/usr/bin/python3
out=${1:-$(mktemp -d "${TMPDIR:-/tmp}/dtsim-notebooks.XXXXXX")}
rm -rf "$out/results" "$out/executed" "$out/figures"
mkdir -p "$out/results" "$out/executed" "$out/figures"
out=$(cd "$out" && pwd)
export DTSIM_FIGURES="$out/figures"
# matplotlib's font cache and config go to the output folder, not the home folder; the debugger
# variable silences ipykernel's "frozen modules" warning, which is noise here.
export MPLCONFIGDIR="$out/.matplotlib" PYDEVD_DISABLE_FILE_VALIDATION=1 MPLBACKEND=Agg

if ! "$py" -c 'import pandas, matplotlib, nbconvert, ipykernel' 2>/dev/null; then
  echo "notebooks: $py lacks pandas, matplotlib, nbconvert or ipykernel; install them with"
  echo "  apt-get install -y --no-install-recommends jupyter-nbconvert python3-pandas python3-matplotlib python3-ipykernel"
  echo "notebooks: 0 passed, 1 failed"
  exit 1
fi

passed=0
failed=0
# notebook name, then the exact `dtsim run` arguments its first cell states (with --out replaced).
run_notebook() {
  local name=$1 folder=$2
  shift 2
  echo "== $name: dtsim run $*"
  if ! node bin/dtsim.js run "$@" --out "$out/results/$folder" --quiet; then
    echo "notebooks: the results for $name.ipynb could not be produced"
    failed=$((failed + 1))
    return
  fi
  if DTSIM_RESULTS="$out/results/$folder" "$py" -m nbconvert --to notebook --execute \
    --ExecutePreprocessor.timeout=300 --output-dir "$out/executed" "notebooks/$name.ipynb"; then
    passed=$((passed + 1))
  else
    echo "notebooks: $name.ipynb failed"
    failed=$((failed + 1))
  fi
}

run_notebook quickstart quickstart scenarios/quickstart.yaml
run_notebook sweep-confidence sweep-confidence scenarios/async-ssp.yaml \
  --set 'sweep={training.schedule: [{kind: async-ps, shards: 2}, {kind: ssp, shards: 2, staleness: 4}, {kind: ssp, shards: 2, staleness: 0}], seed: [1, 2, 3, 4, 5]}' \
  --set output.trace=false
run_notebook pipelines pipelines-deep-mlp scenarios/pipelines-deep-mlp.yaml --set training.stop.epochs=1

# A notebook added to the folder but not to this script would silently never run.
for nb in notebooks/*.ipynb; do
  grep -q "^run_notebook $(basename "$nb" .ipynb) " "$0" || {
    echo "notebooks: $nb is not run by $0"
    failed=$((failed + 1))
  }
done

echo "executed notebooks in $out/executed, figures in $out/figures"
echo "notebooks: ${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ]
