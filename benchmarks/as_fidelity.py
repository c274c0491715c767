"""Fidelity and speed of `taskdisc as`: does the agreement score separate human-labelled from random tasks?

Runs exactly what `taskdisc as` runs (its `run_as`), with the data set's default protocol unless options
override it, and prints the medians per family, the gap, flagged counts and the wall time.
Targets: gap >= 0.25 on digits and >= 0.20 on CIFAR-10, no human-labelled task flagged;
`taskdisc as` on digits with 8 + 8 tasks under 2 minutes on 2 cores.

Run: python benchmarks/as_fidelity.py --dataset digits [--n_tasks 8] [--threads 2] [--bf16] [--image nbs/images/as_digits.png]
     TASKDISC_CIFAR10=../shared/data/cifar10.tgz python benchmarks/as_fidelity.py --dataset cifar10
"""
import argparse, shutil, time, warnings
warnings.filterwarnings('ignore', message='`torch.jit.script` is deprecated')
import torch
from taskdisc.runtime import use_runtime
from taskdisc.runs.scores import run_as

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--dataset', default='digits'); p.add_argument('--n_tasks', type=int, default=8)
    p.add_argument('--threads', type=int, default=2); p.add_argument('--seed', type=int, default=0)
    p.add_argument('--bf16', action='store_true', help="train under bfloat16 autocast (precision 'bf16')")
    p.add_argument('--n_train', type=int); p.add_argument('--max_epochs', type=int); p.add_argument('--n_pairs', type=int)
    p.add_argument('--image', help='copy the histogram PNG here (e.g. nbs/images/as_digits.png)')
    p.add_argument('--out', default=None)
    a = p.parse_args()
    t0 = time.time()
    with use_runtime(threads=a.threads):
        df,summ,out = run_as(a.dataset, a.n_tasks, a.out or f"benchmarks/out/as-{a.dataset}{'-bf16' if a.bf16 else ''}", a.seed, show=False,
                             precision='bf16' if a.bf16 else None, n_train=a.n_train, max_epochs=a.max_epochs, n_pairs=a.n_pairs)
    secs = time.time() - t0
    import json; proto = json.loads((out/'config.json').read_text())['protocol']
    print(f"{a.dataset}: {a.n_tasks} human + {a.n_tasks} random tasks, {a.threads} threads, seed {a.seed}, torch {torch.__version__}")
    print("protocol:", proto)
    print(summ.to_string(float_format=lambda v: f"{v:.3f}"))
    gap = summ.median_as['human'] - summ.median_as['random']
    print(f"gap (median human - median random): {gap:.3f}; human flagged: {int(summ.n_flagged['human'])}; "
          f"random flagged: {int(summ.n_flagged['random'])}; wall time {secs:.0f}s")
    if a.image: shutil.copy(out/'as_hist.png', a.image); print('histogram copied to', a.image)

if __name__ == '__main__': main()
