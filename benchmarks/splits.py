"""Adversarial vs random splits: test accuracy of networks trained on splits made from discovered tasks.

Runs what `taskdisc split` runs (its `run_split`) on a discovery run folder (from `taskdisc discover` or
`benchmarks/discovery_fidelity.py`), and prints per target the mean ± std test accuracy on adversarial
and on same-size random splits, their ratio, and the wall time.
Targets (CIFAR-10, 2-way): random >= 0.75 and adversarial <= 0.30, mean over >= 3 discovered tasks;
10-way: adversarial <= 0.6 x random. The same relations on digits are reported.

Run: python benchmarks/splits.py RUN_FOLDER [--dataset digits] [--n_disc 3] [--n_targets 3] [--threads 2] [--n_images N]
"""
import argparse, time, warnings
warnings.filterwarnings('ignore', message='`torch.jit.script` is deprecated')
import torch
from taskdisc.runtime import use_runtime
from taskdisc.runs.split import run_split

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('run'); p.add_argument('--dataset', default='digits')
    p.add_argument('--n_disc', type=int, default=3); p.add_argument('--n_targets', type=int, default=3)
    p.add_argument('--n_images', type=int); p.add_argument('--seeds', type=int, default=1)
    p.add_argument('--threads', type=int, default=2); p.add_argument('--out')
    a = p.parse_args()
    t0 = time.time()
    with use_runtime(threads=a.threads):
        df,summ,out = run_split(a.run, a.dataset, a.n_disc, a.n_targets, True, a.n_images, a.seeds,
                                a.out or f"benchmarks/out/splits-{a.dataset}", show=False)
    secs = time.time() - t0
    print(f"{a.dataset}: {a.n_disc} discovered tasks from {a.run}, {a.n_targets} human-labelled binary targets + the K-way task, "
          f"{a.seeds} pair(s) of networks per split, {a.threads} threads, torch {torch.__version__}")
    print(summ.to_string(float_format=lambda v: f"{v:.3f}"))
    m = summ['mean']
    two_way = m.drop(index=[t for t in m.index if 'way' in t])
    print(f"2-way targets: random {two_way.random.mean():.3f}, adversarial {two_way.adversarial.mean():.3f}")
    for t in m.index:
        if 'way' in t: print(f"{t}: random {m.random[t]:.3f}, adversarial {m.adversarial[t]:.3f}, ratio {m.adversarial[t]/m.random[t]:.2f}")
    print(f"wall time {secs:.0f}s; results in {out}/")

if __name__ == '__main__': main()
