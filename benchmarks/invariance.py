"""Colored digits: ERM, IRMv1, V-REx, Group DRO, Fish and a grayscale oracle, over seeds.

The IRM paper's Colored MNIST protocol on the embedded 8x8 digits (`taskdisc.environments.colored_digits`):
y = digit >= 5, labels flipped with probability 0.25, colour = label flipped with probability 0.2 / 0.1
(training environments, 600 images each) and 0.9 (test environment, 597 images). Prints every method's
mean training- and test-environment accuracy (mean ± std over seeds) and the wall time.
Targets (issue 15): ERM test <= 0.30; IRM test >= 0.60; oracle test >= 0.70; the whole table <= 5 minutes on 2 cores.

Run: python benchmarks/invariance.py [--seeds 5] [--threads 2] [--steps 1000] [--hidden 64] [--l2 0.0011] [--no_augment] [--irm_weight 1e4]
"""
import argparse, time, warnings
warnings.filterwarnings('ignore', message='`torch.jit.script` is deprecated')
import torch
from taskdisc.environments import colored_digits
from taskdisc.invariance import run_invariance, InvarianceConfig, plot_invariance

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--seeds', type=int, default=5); p.add_argument('--threads', type=int, default=2)
    p.add_argument('--steps', type=int, default=1000); p.add_argument('--hidden', type=int, default=64)
    p.add_argument('--l2', type=float, default=0.0011); p.add_argument('--no_augment', action='store_true')
    p.add_argument('--irm_weight', type=float, default=1e4); p.add_argument('--png')
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    cfg = InvarianceConfig(arch_kwargs=dict(hidden=a.hidden, n_layers=2), l2=a.l2, steps=a.steps, augment=not a.no_augment,
                           opts=dict(irm=dict(weight=a.irm_weight)))
    envs = colored_digits()
    t0 = time.time()
    df,summ = run_invariance(envs, seeds=range(a.seeds), cfg=cfg, show=False)
    secs = time.time() - t0
    print(f"Colored digits, environments {tuple(envs.stats().n)} (p {envs.p}, eta {envs.eta}), {a.seeds} seeds, "
          f"MLP 2x{a.hidden}, L2 {a.l2}, {a.steps} full-batch Adam steps, augment {not a.no_augment}, {a.threads} threads, torch {torch.__version__}")
    print(summ.to_string(float_format=lambda v: f"{v:.3f}"))
    s = summ
    print(f"targets: ERM test {s.test['erm']:.3f} (<= 0.30: {s.test['erm'] <= 0.30}); IRM test {s.test['irm']:.3f} (>= 0.60: {s.test['irm'] >= 0.60}); "
          f"oracle test {s.test['oracle']:.3f} (>= 0.70: {s.test['oracle'] >= 0.70})")
    print(f"wall time {secs:.0f}s (<= 300 s: {secs <= 300})")
    if a.png:
        import matplotlib; matplotlib.use('Agg')
        plot_invariance(summ, title=f'Colored digits, {a.seeds} seeds').figure.savefig(a.png, dpi=120, bbox_inches='tight')

if __name__ == '__main__': main()
