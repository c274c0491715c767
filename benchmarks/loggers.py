"""What `--loggers csv,tensorboard,wandb` costs on a discovery run (issue 32: at most 5% longer than without).

Runs `taskdisc discover --seed 0 --threads 2` (the main job: digits, 1200 meta-steps of 8 heads, then 8 discovered +
8 human + 8 random tasks scored) twice back to back, in new folders: without loggers, then with
`--loggers csv,tensorboard,wandb` (W&B offline: `WANDB_MODE=offline`, no network, no account). Prints each run's
wall clock (the whole command: imports, W&B start and finish included) and its own 'discovery Xs, scoring Ys' line,
then the ratio logged / plain of the wall clocks. `--reps N` alternates the two N times (plain first, then logged
first, ...) and prints the median ratio; extra arguments go to both commands, e.g. `--n_steps 200` for a shorter run.

Run it alone on the machine: flock /tmp/taskdisc-cpu.lock python benchmarks/loggers.py [--reps 1] [--n_steps 200 ...]
"""
import argparse, os, platform, re, statistics, subprocess, sys, tempfile, time
from pathlib import Path

p = argparse.ArgumentParser()
p.add_argument('--reps', type=int, default=1, help='pairs of runs (plain, logged), alternating which goes first')
p.add_argument('--loggers', default='csv,tensorboard,wandb')
args,extra = p.parse_known_args()

taskdisc = str(Path(sys.executable).parent/'taskdisc')
env = {**os.environ, 'WANDB_MODE': os.environ.get('WANDB_MODE', 'offline'), 'WANDB_SILENT': 'true'}
cpu = next((l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name')), platform.processor())
print(f"CPU: {cpu}, {os.cpu_count()} cores; torch threads 2; extra arguments: {' '.join(extra) or 'none'}", flush=True)

def run(out:Path, logged:bool)->float:
    cmd = [taskdisc, 'discover', '--seed', '0', '--threads', '2', '--out', str(out), *extra] + (['--loggers', args.loggers] if logged else [])
    t0 = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t0
    if r.returncode: sys.exit(f"{' '.join(cmd)} failed ({r.returncode}):\n{r.stderr[-3000:]}")
    own = re.search(r'discovery \d+s, scoring \d+s', r.stdout)
    logs = sum(f.stat().st_size for f in (out/'logs').rglob('*') if f.is_file()) if logged else 0
    print(f"{'--loggers ' + args.loggers if logged else 'plain':36s} wall {wall:6.1f} s  ({own[0] if own else '?'})"
          + (f"  logs/ {logs/1e6:.1f} MB" if logged else ''), flush=True)
    return wall

ratios = []
with tempfile.TemporaryDirectory() as d:
    for i in range(args.reps):
        order = (False, True) if i % 2 == 0 else (True, False)
        t = {logged: run(Path(d)/f'{i}-{int(logged)}', logged) for logged in order}
        ratios.append(t[True]/t[False])
        print(f"pair {i+1}: logged / plain = {ratios[-1]:.3f} ({100*(ratios[-1]-1):+.1f}%)", flush=True)
if args.reps > 1: print(f"median logged / plain over {args.reps} pairs: {statistics.median(ratios):.3f}")
