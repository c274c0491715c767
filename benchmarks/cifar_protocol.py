"""Screen CIFAR-10 agreement-score protocols not yet tried (issue 12): does a setting separate human-labelled
from random-labelled tasks by a median gap >= 0.20 with every network fitted?

Each setting is `run_as('cifar10', ...)` (what `taskdisc as --dataset cifar10` runs) with `Protocol` overrides:

- `default`: `taskdisc.settings.presets['cifar10']['protocol']` unchanged (the package's default precision, `auto`).
  Every other setting pins the protocol it was measured against: 2,000 images, no flips, batch 128 (`OLD`, the
  protocol before 80d5f13), flips, 5,000 images, batch 128 (`B128`, before batch 256 in eaab9b6) or the same at
  batch 256 (`B256`).
- `fp32`: the same under precision 'fp32'.
- `flip`: horizontal flips only while training (`augment='flip'`; `augment=True` means shifts + flips).
- `wd5e-4`, `wd5e-3`: weight decay as fastai passes `wd` to the pair's optimizer (`torch_adam`, an `OptimWrapper`
  of `torch.optim.Adam`): Adam's `weight_decay`, an L2 term added to every parameter's gradient.
- `lr3e-3`: Adam learning rate 3e-3 instead of 1e-3.
- `flip-n4000-bf16`, `flip-n5000-bf16`: flips only, 4,000 / 5,000 training images, precision 'bf16+channels_last'.
- `flip-bf16`: flips only at 2,000 images under 'bf16+channels_last' (timing of the flip setting under that policy).
- `flip-n5000`, `flip-n8000`: flips only, 5,000 / 8,000 training images, the default precision.
- `n5000`: 5,000 training images, no augmentation.
- `w32`, `w64`: flips, 5,000 images, 16x16 input as the default, wider CNN: widths 32-64-128 (94 thousand parameters,
  channels-last under `auto`) or 64-128-256 (373 thousand, bf16+channels-last under `auto` on a CPU with bf16 units).
- `shuffle`, `w32-shuffle`: `flip-n5000` and `w32` with `same_order=False`: each network of a pair draws its own
  batches (the reference trains both on the same batches in the same order).
- `bs256-bf16`, `bs256`: the current protocol (flips, 5,000 images) at batch 256, under 'bf16+channels_last' or the
  default precision.
- `px32`, `w32-px32`: flips, 5,000 images, full 32x32 input, global average pooling head, widths 16-32-64 or 32-64-128.
- `bs512`, `n8000-bs256`: the batch-256 protocol (flips, 5,000 images) at batch 512 or with 8,000 training images;
  the default precision.
- `wcnn...` (issue 33): the CIFAR-10 protocol's images (flips, 5,000 training, 1,000 held-out, batch 256) with
  `WhitenedCNN` (frozen patch whitening fitted on each task's training images, BatchNorm without scale, dirac init, max-pool
  head scaled by 1/9) on inputs pooled to 16x16, Nesterov SGD (momentum 0.9), label smoothing and flip test-time
  augmentation: `wcnn` widths 16-32-64, lr 0.5, weight decay 5e-4, label smoothing 0.2, TTA; `wcnn-ls0` without label
  smoothing; `wcnn-notta` without TTA; `wcnn-w32` widths 32-64-128; `wcnn-lr2` lr 2; `wcnn-adam` Adam 1e-3, no smoothing.

Run (one setting at a time, under the CPU lock; data from TASKDISC_CIFAR10):

    flock /tmp/taskdisc-cpu.lock env TASKDISC_CIFAR10=/work/shared/data/cifar10.tgz \\
        .venv/bin/python benchmarks/cifar_protocol.py --settings flip --n_tasks 4 --threads 2 --seed 0 --out /tmp/cifar_runs

Prints, per setting: the protocol, the per-task scores (agreement, epochs, min train acc, flag reason), then one
line `RESULT setting | seed | n tasks | median human | median random | gap | flagged human/random | seconds | images/s` (training
images per second over both networks and all tasks, from the epochs trained; the rows before issue 33 had no seed or
images/s column); the same
row is appended to `<out>/results.md`. Run folders go to `<out>/<setting>-n<n_tasks>-s<seed>`.
"""
import argparse, json, time, warnings
from pathlib import Path
warnings.filterwarnings('ignore', message='`torch.jit.script` is deprecated')
import torch
from taskdisc.runtime import use_runtime
from taskdisc.runs.scores import run_as

FLIP = dict(augment='flip')
OLD = dict(n_train=2000, augment=False, bs=128)  # the protocol before 80d5f13, against which the first rows were measured
B128 = dict(augment='flip', n_train=5000, bs=128)  # the protocol of 80d5f13, before batch 256 (eaab9b6)
B256 = {**B128, 'bs': 256}  # the protocol of eaab9b6
BF16 = dict(precision='bf16+channels_last')
W32,W64 = dict(widths=(32,64,128), head='flat', in_pool=2),dict(widths=(64,128,256), head='flat', in_pool=2)
settings = {
    'default': {},
    'fp32': {**OLD, 'precision': 'fp32'},
    'flip': {**OLD, **FLIP},
    'n5000': {**OLD, 'n_train': 5000},
    'flip-n5000': {**B128},
    'flip-n8000': {**B128, 'n_train': 8000},
    'wd5e-4': {**OLD, 'wd': 5e-4},
    'wd5e-3': {**OLD, 'wd': 5e-3},
    'lr3e-3': {**OLD, 'lr': 3e-3},
    'flip-bf16': {**OLD, **FLIP, **BF16},
    'flip-n4000-bf16': {**B128, **BF16, 'n_train': 4000},
    'flip-n5000-bf16': {**B128, **BF16},
    'w32': {**B128, 'arch_kwargs': W32},
    'w64': {**B128, 'arch_kwargs': W64},
    'w32-px32': {**B128, 'arch_kwargs': dict(widths=(32,64,128), head='avg', in_pool=1)},
    'shuffle': {**B128, 'same_order': False},
    'w32-shuffle': {**B128, 'same_order': False, 'arch_kwargs': W32},
    'bs256-bf16': {**B256, **BF16},
    'bs256': {**B256},
    'px32': {**B128, 'arch_kwargs': dict(widths=(16,32,64), head='avg', in_pool=1)},
    'bs512': {**B256, 'bs': 512},
    'n8000-bs256': {**B256, 'n_train': 8000},
}
WCNN = {**B256, 'arch': 'wcnn', 'arch_kwargs': dict(widths=(16,32,64), in_pool=2), 'opt': 'sgd', 'lr': 0.5, 'wd': 5e-4,
        'label_smoothing': 0.2, 'tta': True}
settings.update({'wcnn': WCNN, 'wcnn-ls0': {**WCNN, 'label_smoothing': 0.}, 'wcnn-notta': {**WCNN, 'tta': False},
                 'wcnn-w32': {**WCNN, 'arch_kwargs': dict(widths=(32,64,128), in_pool=2)}, 'wcnn-lr2': {**WCNN, 'lr': 2.},
                 'wcnn-adam': {**WCNN, 'opt': 'adam', 'lr': 1e-3, 'wd': 0., 'label_smoothing': 0.}})

def run_setting(name, n_tasks, seed, threads, out):
    t0 = time.time()
    with use_runtime(threads=threads): df,summ,path = run_as('cifar10', n_tasks, str(out/f"{name}-n{n_tasks}-s{seed}"), seed, show=False, **settings[name])
    secs = time.time() - t0
    proto = json.loads((path/'config.json').read_text())['protocol']
    print(f"== {name}: {n_tasks} + {n_tasks} tasks, {threads} threads, seed {seed}, torch {torch.__version__}")
    print("protocol:", proto)
    cols = [c for c in ('family','task','agreement','epochs','train_acc_min','test_acc_1','flagged','reason') if c in df.columns]
    print(df[cols].to_string(float_format=lambda v: f"{v:.3f}"))
    h,r = summ.median_as['human'],summ.median_as['random']
    fh,fr = int(summ.n_flagged['human']),int(summ.n_flagged['random'])
    ips = 2*proto['n_train']*df.epochs.sum()*proto['n_pairs']/secs  # training images per second, both networks, all tasks
    row = f"| {name} | {seed} | {n_tasks}+{n_tasks} | {h:.3f} | {r:.3f} | {h-r:.3f} | {fh}/{fr} | {secs:.0f} | {ips:.0f} |"
    print("RESULT", row, flush=True)
    with open(out/'results.md', 'a') as f: f.write(row + '\n')

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--settings', default='default,flip', help=f"comma-separated, of {list(settings)}")
    p.add_argument('--n_tasks', type=int, default=4); p.add_argument('--threads', type=int, default=2)
    p.add_argument('--seed', type=int, default=0); p.add_argument('--out', default='/tmp/cifar_runs')
    a = p.parse_args()
    out = Path(a.out); out.mkdir(parents=True, exist_ok=True)
    names = a.settings.split(',')
    unknown = [n for n in names if n not in settings]
    if unknown: raise SystemExit(f"unknown settings {unknown}; use some of {list(settings)}")
    for n in names: run_setting(n, a.n_tasks, a.seed, a.threads, out)

if __name__ == '__main__': main()
