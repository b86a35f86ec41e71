#!/usr/bin/env bash
# npm run test:slurm: runs the Slurm job array of docs/cluster-sweeps.md on a real, one-node Slurm
# started on this machine, merges the shards with the docs' merge job, and checks that the merged folder
# is the folder an unsharded `dtsim sweep` writes (byte for byte, manifest.json's times and command
# aside, as test/cli/sweep-shard.test.ts compares). Last line: "slurm: identical" (exit 0), or the
# differences and "slurm: DIFFERENT" (exit 1); any other failure exits non-zero with the daemons' logs.
#
# Slurm and MUNGE come from Debian (slurm-wlm, munge), installed when missing. Everything the daemons
# write (config, key, sockets, state, spool, logs) lives in one temporary folder, and their own munged
# socket keeps them off any system MUNGE; they are stopped and the folder removed on every exit.
# Needs root (or sudo): slurmd starts jobs as their submitting user, and SlurmUser=root keeps a single
# account for everything. Uses Slurm's default ports (6817, 6818): a Slurm already running here must be
# stopped first. About 12 s; .ci/run runs it after the notebooks.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
# The daemons and the jobs run as root; as another user the whole script reruns itself under sudo so
# that the submitting user, the job files' owner and SlurmUser agree.
if [ -n "$sudo" ]; then
  command -v sudo >/dev/null 2>&1 || { echo "slurm: needs root or sudo (slurmd runs jobs as root here)" >&2; exit 1; }
  exec sudo -E env "PATH=$PATH" bash "$0" "$@"
fi

if ! command -v slurmctld >/dev/null 2>&1 || ! command -v munged >/dev/null 2>&1; then
  install_slurm() { env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends slurm-wlm munge; }
  # Package lists are refreshed only when the first try fails, as in .ci/run.
  install_slurm || { apt-get update -q && install_slurm; }
fi

tmp=$(mktemp -d /tmp/dtsim-slurm.XXXXXX)
pids=()
cleanup() {
  local rc=$?
  # scancel first so that slurmd does not leave job steps behind, then the daemons by their own ids.
  # (timeout: scancel keeps retrying a controller that has already died).
  if [ -n "${SLURM_CONF:-}" ] && [ -f "$SLURM_CONF" ]; then timeout 5 scancel --user=root >/dev/null 2>&1 || true; fi
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ "$rc" -ne 0 ] && [ -d "$tmp/log" ]; then
    for f in "$tmp"/log/*; do
      echo "---- $(basename "$f") (last 30 lines)"
      tail -n 30 "$f"
    done
  fi
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$tmp"/{log,state,spool,munge,work}
# munged wants every folder above its socket searchable by all (clients of any user); the key inside
# stays 0600.
chmod 0755 "$tmp" "$tmp/munge"
host=$(hostname -s)
ncpu=$(nproc)

# MUNGE: a key and a daemon of our own (the system one, if any, is left alone), in the foreground and
# logging to stderr, caught in log/munged.log. mungekey exists from munge 0.5.14; older ones take a
# random key file the same way.
if command -v mungekey >/dev/null 2>&1; then
  mungekey --create --keyfile="$tmp/munge/munge.key" >/dev/null
else
  dd if=/dev/urandom of="$tmp/munge/munge.key" bs=1 count=1024 status=none
fi
chmod 0600 "$tmp/munge/munge.key"
munge_socket="$tmp/munge/munge.socket"
munged --foreground --force --key-file="$tmp/munge/munge.key" --socket="$munge_socket" \
  --pid-file="$tmp/munge/munged.pid" --seed-file="$tmp/munge/munged.seed" \
  >>"$tmp/log/munged.log" 2>&1 &
pids+=($!)

# The smallest slurm.conf that runs jobs in a container: no cgroups (proctrack/linuxproc, task/none,
# jobacct_gather/none), no accounting, no mail. The node's address is 127.0.0.1 whatever the hostname
# resolves to; the names must still be the short hostname, which slurmctld and slurmd check.
export SLURM_CONF="$tmp/slurm.conf"
cat >"$SLURM_CONF" <<EOF
ClusterName=dtsim-test
SlurmctldHost=${host}(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=${munge_socket}
StateSaveLocation=${tmp}/state
SlurmdSpoolDir=${tmp}/spool
SlurmctldPidFile=${tmp}/slurmctld.pid
SlurmdPidFile=${tmp}/slurmd.pid
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MailProg=/bin/true
ReturnToService=2
NodeName=${host} NodeAddr=127.0.0.1 CPUs=${ncpu} State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF

# munged has to answer before the Slurm daemons ask it for credentials.
for _ in $(seq 50); do [ -S "$munge_socket" ] && break; sleep 0.1; done
[ -S "$munge_socket" ] || { echo "munged did not start" >&2; exit 1; }

# -D keeps each daemon in the foreground, so the shell knows its id and stops exactly it, and logging
# to stderr (no SlurmctldLogFile/SlurmdLogFile), caught here in one file each; -c starts slurmctld from
# a clean state (no jobs of an earlier run).
slurmctld -D -c -f "$SLURM_CONF" >>"$tmp/log/slurmctld.log" 2>&1 &
pids+=($!)
slurmd -D -f "$SLURM_CONF" >>"$tmp/log/slurmd.log" 2>&1 &
pids+=($!)

start=$(date +%s)
state=""
for _ in $(seq 150); do
  state=$(sinfo -h -N -o %t 2>/dev/null | head -n 1 || true)
  [ "$state" = idle ] && break
  sleep 0.2
done
[ "$state" = idle ] || { echo "the node did not become idle (state: ${state:-none})" >&2; exit 1; }
echo "slurm: $(sinfo --version), node ${host} idle after $(($(date +%s) - start)) s"

# The two batch scripts are taken from docs/cluster-sweeps.md as they stand (the first two ```bash
# blocks under "## Slurm job array"), so the test runs what the docs say. The scenario is the small
# timing-only sweep of the shard tests (8 runs), copied to scenario.yaml, the name the scripts use.
work="$tmp/work"
awk '/^## Slurm job array/{on=1; next} /^## /{on=0}
     on && /^```bash$/{n++; f=(n==1 ? "sweep.sbatch" : n==2 ? "merge.sbatch" : ""); next}
     on && /^```$/{f=""; next}
     on && f!=""{print > (dir "/" f)}' dir="$work" "$repo/docs/cluster-sweeps.md"
for f in sweep.sbatch merge.sbatch; do
  [ -s "$work/$f" ] || { echo "no $f in docs/cluster-sweeps.md" >&2; exit 1; }
done
cp "$repo/test/cli/fixtures/shard-sweep.yaml" "$work/scenario.yaml"
# `npx dtsim` in the scripts finds dtsim in the folder's node_modules/.bin, as it would in a project
# that depends on dtsim; a link to this checkout's bin/dtsim.js (node follows it back to the checkout).
mkdir -p "$work/node_modules/.bin"
ln -s "$repo/bin/dtsim.js" "$work/node_modules/.bin/dtsim"

shards=3
cd "$work"
# The docs' submission line (sbatch --array=0-7 sweep.sbatch) with 3 shards, then the merge as the
# dependent job the docs suggest; --kill-on-invalid-dep ends the merge job when a shard fails instead
# of leaving it pending forever, and --wait returns when the merge job has ended, with its exit code.
array_id=$(sbatch --parsable --array=0-$((shards - 1)) sweep.sbatch)
echo "slurm: submitted array job ${array_id} (${shards} shards)"
merge_rc=0
timeout 600 sbatch --parsable --wait --kill-on-invalid-dep=yes --dependency=afterok:"${array_id}" merge.sbatch \
  >/dev/null || merge_rc=$?
# One line per job (array tasks and the merge job), from slurmctld's memory of finished jobs.
scontrol -o show job 2>/dev/null | tr ' ' '\n' | awk -F= '
  $1=="JobId"{id=$2} $1=="ArrayJobId"{id=$2} $1=="ArrayTaskId"{id=id "_" $2} $1=="JobName"{name=$2}
  $1=="JobState"{state=$2} $1=="ExitCode"{print "slurm: job " id " " name " " state " exit " $2}' | sort -V || true
if [ "$merge_rc" -ne 0 ]; then
  echo "slurm: the merge job failed (exit ${merge_rc}); job output:" >&2
  for f in slurm-*.out; do echo "---- $f"; cat "$f"; done >&2
  exit 1
fi
[ -d results/sweep ] || { echo "slurm: no merged folder results/sweep" >&2; exit 1; }

# The reference: the same sweep unsharded, on this machine, outside Slurm.
node "$repo/bin/dtsim.js" sweep scenario.yaml --out local --quiet

# Byte-for-byte comparison of every file; manifest.json is compared as JSON with started_at,
# finished_at, wall_s and command blanked, the fields that differ between any two runs.
cmp_rc=0
DIFFS="$tmp/differs" node - results/sweep local <<'EOF' || cmp_rc=$?
const { readdirSync, readFileSync } = require('node:fs');
const { join, relative } = require('node:path');
const [a, b] = process.argv.slice(2);
const files = (dir) => {
  const out = new Map();
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p));
    }
  };
  walk(dir);
  return out;
};
const strip = (t) =>
  JSON.stringify(
    JSON.parse(t, (k, v) => (['started_at', 'finished_at', 'wall_s', 'command'].includes(k) ? null : v)),
    null,
    1,
  );
const fa = files(a);
const fb = files(b);
const diffs = [];
for (const name of new Set([...fa.keys(), ...fb.keys()])) {
  if (!fa.has(name)) diffs.push(`only in ${b}: ${name}`);
  else if (!fb.has(name)) diffs.push(`only in ${a}: ${name}`);
  else if (name === 'manifest.json' ? strip(fa.get(name)) !== strip(fb.get(name)) : !fa.get(name).equals(fb.get(name)))
    diffs.push(`differs: ${name}`);
// The differing files' names, for the diffs below (manifest.json's own diff would mostly show the
// fields that are allowed to differ, so it is named only).
require('node:fs').writeFileSync(process.env.DIFFS, diffs.filter((d) => d.startsWith('differs: ') && d !== 'differs: manifest.json').map((d) => d.slice(9) + '\n').join(''));
}
console.log(`slurm: compared ${fa.size} files (merged ${a}) with ${fb.size} files (unsharded ${b})`);
if (diffs.length > 0) {
  for (const d of diffs) console.log(`  ${d}`);
  process.exit(1);
}
EOF
if [ "$cmp_rc" -ne 0 ]; then
  while IFS= read -r f; do
    diff -u "results/sweep/$f" "local/$f" | head -n 20 || true
  done <"$tmp/differs"
  echo "slurm: DIFFERENT"
  exit 1
fi
echo "slurm: identical"
