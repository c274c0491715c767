"""taskdisc on a CUDA device, checked against the CPU: one script to run unchanged on a machine with a GPU.

Runs the commands a user runs, through the CLI (`taskdisc ...` in subprocesses, so each has a fresh process and its own
device), once on the CPU and once on the device, and compares what they wrote:
- `taskdisc as` (digits, 8 + 8 tasks, seed 0): per-task agreement scores, mean and max |dAS|, family medians;
- `taskdisc discover --smoke`: both runs finish, write tasks of one shape, and their discovered tasks' agreement scores;
- `taskdisc split` of the CPU's discovery run: accuracy of each split (random and adversarial) on both;
- the precision policies on the device (`as --precision P` for fp32, bf16, fp16 and channels-last), each against the
  device's fp32: seconds and mean |dAS|.
Prints the times of every run and a line per check (`ok` or `FAIL` with the figures); exits 1 if a check fails.

Tolerances: the device's networks do not reproduce the CPU's bit for bit (other kernels, other summation order), so
agreement scores are compared as another initialization of the networks would move them: on the digits protocol a
second network seed moves the mean |dAS| by about 0.008 (benchmarks/README.md, precision), so mean |dAS| <= 0.02 and
family medians within 0.03; a split's accuracy within 0.05; the smoke run's scores (2 meta-steps on few images,
noisy by design) within 0.10.

Without a CUDA device it says so and exits 0. `--device cpu` runs every step with the CPU as the "device" too,
which checks the script itself here (the two runs must then agree exactly: same seed, same CPU).

    python benchmarks/gpu.py                  # cuda, when present
    python benchmarks/gpu.py --device cuda:1  # another GPU
    flock /tmp/taskdisc-cpu.lock python benchmarks/gpu.py --device cpu --skip_policies   # the script's own check, here
Options: --dataset digits --n_tasks 8 --seed 0 --keep DIR (keep the run folders) --skip_policies --threads N (CPU runs)
"""
import argparse, json, os, subprocess, sys, tempfile, time
from pathlib import Path
import pandas as pd

def taskdisc(*args, timeout=3600):
    "Run `taskdisc args` in a fresh process; its seconds, or exit with its last line when it fails"
    cmd = [sys.executable, '-m', 'taskdisc', *map(str, args)]
    t0 = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env={**os.environ, 'PYTHONWARNINGS': 'ignore'})
    secs = time.perf_counter() - t0
    if r.returncode:
        last = (r.stderr.strip() or r.stdout.strip() or '?').splitlines()[-1]
        sys.exit(f"`taskdisc {' '.join(map(str, args))}` failed (exit {r.returncode}): {last}")
    return secs

def scores(folder):
    "One row per task of a run's `as.csv`: family, task and agreement score"
    return pd.read_csv(Path(folder)/'as.csv').set_index(['family', 'task'])['agreement']

class Checks:
    def __init__(self): self.failed = []
    def __call__(self, name, ok, figures):
        print(f"{'ok  ' if ok else 'FAIL'} {name}: {figures}")
        if not ok: self.failed.append(name)

def compare_as(check, name, a, b, tol_mean=0.02, tol_median=0.03):
    a,b = a.align(b, join='inner')
    if not len(a): return check(name, False, 'no task in common: the runs drew different tasks')
    d = (a - b).abs()
    meds = {f: (a.xs(f, level='family').median(), b.xs(f, level='family').median()) for f in a.index.get_level_values('family').unique()}
    worst = max(abs(x - y) for x,y in meds.values())
    figs = f"{len(d)} tasks, mean |dAS| {d.mean():.4f}, max {d.max():.4f}; medians " + \
           ', '.join(f"{f} {x:.3f}/{y:.3f}" for f,(x,y) in meds.items())
    check(name, d.mean() <= tol_mean and worst <= tol_median, figs)

def split_table(folder):
    "A split run's test accuracies (`splits.csv`), one per target, split, pair seed and network"
    return pd.read_csv(Path(folder)/'splits.csv').set_index(['target', 'split', 'kind', 'pair_seed', 'network'])['test_acc']

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--device', default='cuda'); p.add_argument('--dataset', default='digits')
    p.add_argument('--n_tasks', type=int, default=8); p.add_argument('--seed', type=int, default=0)
    p.add_argument('--threads', type=int, default=None); p.add_argument('--keep', default=None)
    p.add_argument('--skip_policies', action='store_true')
    a = p.parse_args()
    import torch
    dev = a.device
    if dev.startswith('cuda') and not torch.cuda.is_available():
        print(f"no CUDA device on this machine (torch {torch.__version__}, CUDA build: {torch.version.cuda or 'none'}): "
              "nothing to check; run this script unchanged on a machine with a GPU")
        return 0
    name = torch.cuda.get_device_name(torch.device(dev)) if dev.startswith('cuda') else 'the CPU as the device (the script checks itself)'
    print(f"device {dev}: {name}; torch {torch.__version__}; data {a.dataset}, {a.n_tasks} + {a.n_tasks} tasks, seed {a.seed}")
    root = Path(a.keep) if a.keep else Path(tempfile.mkdtemp(prefix='taskdisc-gpu-'))
    root.mkdir(parents=True, exist_ok=True)
    cpu = ['--device', 'cpu'] + (['--threads', a.threads] if a.threads else [])
    on = {'cpu': cpu, 'dev': ['--device', dev]}
    common = ['--dataset', a.dataset, '--seed', a.seed]
    check,times = Checks(),{}

    for k,flags in on.items():  # agreement scores, CPU and device
        times[f'as {k}'] = taskdisc('as', *common, '--n_tasks', a.n_tasks, '--precision', 'fp32', '--out', root/f'as-{k}', *flags)
    compare_as(check, f'as: {dev} vs cpu (fp32)', scores(root/'as-dev'), scores(root/'as-cpu'))

    for k,flags in on.items():  # a discovery smoke run, CPU and device
        times[f'discover --smoke {k}'] = taskdisc('discover', *common, '--smoke', '--out', root/f'disc-{k}', *flags)
    t = {k: pd.read_csv(root/f'disc-{k}'/'tasks.csv') for k in on}
    check('discover --smoke: tasks of one shape', t['cpu'].shape == t['dev'].shape, f"cpu {t['cpu'].shape}, {dev} {t['dev'].shape}")
    compare_as(check, f'discover --smoke: {dev} vs cpu scores', scores(root/'disc-dev'), scores(root/'disc-cpu'), 0.10, 0.10)

    for k,flags in on.items():  # the CPU run's tasks split on each device
        times[f'split {k}'] = taskdisc('split', root/'disc-cpu', '--out', root/f'split-{k}', '--seed', a.seed, *flags)
    s = {k: split_table(root/f'split-{k}') for k in on}
    sc,sd = s['cpu'].align(s['dev'], join='inner')
    d = (sc - sd).abs()
    check(f'split: {dev} vs cpu accuracies', len(d) > 0 and d.max() <= 0.05, f"{len(d)} splits, max |d accuracy| {d.max():.4f}")

    if not a.skip_policies:  # the precision policies on the device, each against the device's fp32
        pols = ['bf16', 'channels_last', 'bf16+channels_last'] + (['fp16'] if dev.startswith('cuda') else [])
        for pol in pols:
            times[f'as {pol}'] = taskdisc('as', *common, '--n_tasks', a.n_tasks, '--precision', pol,
                                          '--out', root/f"as-{pol.replace('+', '-')}", *on['dev'])
            compare_as(check, f'as --precision {pol} vs fp32 on {dev}', scores(root/f"as-{pol.replace('+', '-')}"), scores(root/'as-dev'))

    print('\nseconds: ' + ', '.join(f'{k} {v:.1f}' for k,v in times.items()))
    if 'as cpu' in times: print(f"as: {dev} x{times['as cpu']/times['as dev']:.2f} the CPU's speed (fp32, same run)")
    print(f"run folders: {root}" + ('' if a.keep else ' (temporary)'))
    if check.failed: print(f"{len(check.failed)} check(s) failed: {', '.join(check.failed)}"); return 1
    print('all checks passed'); return 0

if __name__ == '__main__': sys.exit(main())
