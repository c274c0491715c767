"""`taskdisc as` on one process vs two (`torchrun`), measured in one run.

Runs `taskdisc as --n_tasks N` (N human-labelled + N random-labelled digit tasks, default N=8) twice, each process
with one thread (`OMP_NUM_THREADS=1`, `--threads 1`):
- 1 process: the installed `taskdisc` command;
- P processes (default 2): `torchrun --standalone --nproc_per_node P $(which taskdisc) as ...` (CPU, gloo), which
  shards the tasks across ranks; rank 0 writes the folder.
Prints the wall-clock time of each (process start and imports included) and the run time each wrote in its
`config.json`, the speed-up (target >= 1.7x for 2 processes on 2 cores), and whether the two `as.csv` are identical
row for row in every column but `seconds` (each task's own timing, which differs between any two runs).

Run it alone on the machine: flock /tmp/taskdisc-cpu.lock python benchmarks/distributed_as.py [--n_tasks 8] [--nproc 2]
"""
import argparse, json, os, subprocess, sys, tempfile, time
from pathlib import Path
import pandas as pd

p = argparse.ArgumentParser()
p.add_argument('--n_tasks', type=int, default=8)
p.add_argument('--nproc', type=int, default=2)
p.add_argument('--dataset', default='digits')
args = p.parse_args()

bin_dir = Path(sys.executable).parent
exe,torchrun = str(bin_dir/'taskdisc'),str(bin_dir/'torchrun')
env = {**os.environ, 'OMP_NUM_THREADS': '1'}

def run(cmd, out):
    t0 = time.perf_counter()
    r = subprocess.run(cmd + ['as', '--dataset', args.dataset, '--n_tasks', str(args.n_tasks), '--threads', '1', '--out', str(out)],
                       capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t0
    if r.returncode: sys.exit(f"{' '.join(cmd)} failed ({r.returncode}):\n{r.stderr[-3000:]}")
    return wall, json.loads((out/'config.json').read_text())['seconds'], pd.read_csv(out/'as.csv')

with tempfile.TemporaryDirectory() as d:
    w1,s1,df1 = run([exe], Path(d)/'one')
    wn,sn,dfn = run([torchrun, '--standalone', '--nproc_per_node', str(args.nproc), exe], Path(d)/'many')

cols = [c for c in df1.columns if c != 'seconds']
same = df1.shape == dfn.shape and df1[cols].equals(dfn[cols])
n = len(df1)
print(f"taskdisc as, {args.dataset}, {n} tasks ({args.n_tasks} human + {args.n_tasks} random), 1 thread per process")
print(f"1 process:  {w1:6.1f} s wall ({s1:6.1f} s in run_as)")
print(f"{args.nproc} processes: {wn:6.1f} s wall ({sn:6.1f} s in run_as, rank 0)")
print(f"speed-up: {w1/wn:.2f}x wall, {s1/sn:.2f}x run_as (target >= 1.7x)")
print(f"as.csv identical row for row (all columns but seconds): {same}")
# where the time went: rank r scored every P-th task (`taskdisc.distributed.shard`), and as.csv times each task
per_rank = [dfn.seconds[r::args.nproc].sum() for r in range(args.nproc)]
print(f"task seconds: 1 process {df1.seconds.sum():.1f}; {args.nproc} processes {dfn.seconds.sum():.1f} in all, per rank "
      f"{' '.join(f'{s:.1f}' for s in per_rank)}; run_as beyond the busiest rank's tasks {sn - max(per_rank):.1f} s; "
      f"outside run_as (start, imports, data, exit) {w1 - s1:.1f} s vs {wn - sn:.1f} s")
if not same:
    diff = (df1[cols] != dfn[cols]).any(axis=1) if df1.shape == dfn.shape else None
    print(df1[cols][diff] if diff is not None else f"shapes {df1.shape} vs {dfn.shape}")
