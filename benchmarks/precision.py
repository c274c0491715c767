"""Precision and layout policies (`taskdisc.precision`), measured in one run.

Prints:
- the CPU (lscpu model name and its bf16/AMX flags), torch, threads;
- the matmul peak in fp32 and bf16 (GFLOP/s, best of repeats, 2048x2048);
- for three training paths -- the AS pair on the digits protocol and on the CIFAR-10 protocol of its table (2,000 training
  images, no flips, batch 128, taskdisc's Learner path, as `agreement_score` runs it) and a plain SGD step of a 32x32 6-conv BN CNN
  (32-64-128, batch 256), and the same step of taskdisc's CIFAR ResNet-18 (unless --skip_resnet) -- images/s per network, GFLOP/s (FLOPs of one fp32 step counted with
  `torch.utils.flop_counter.FlopCounterMode`) and the share of the best-dtype matmul peak, under fp32 NCHW and
  each option, what `auto` picks (decided from the device and the network) and what `measure` picks (a fresh
  measurement in a temporary cache);
- `torch.compile` (inductor) of the 6-conv CNN step, in a subprocess with a time limit: compile time, steps/s after
  it, and after how many steps it pays;
- a paired AS check: the same 8 human + 8 random tasks (seed 0; digits, or CIFAR-10 with `--as_dataset cifar10`)
  scored under fp32, under `auto` (the default), under `measure` (measured afresh in a temporary cache on the first
  pair, as a user's first run would) and under bf16: seconds, mean |dAS|, max |dAS| and the medians per family;
  and, as the yardstick of those differences, fp32 again with the networks' seed 1 (other initializations and
  batch orders, the same tasks and images).

Run (on a shared machine, one heavy job at a time):
    flock /tmp/taskdisc-cpu.lock env TASKDISC_CIFAR10=/work/shared/data/cifar10.tgz python benchmarks/precision.py
Options: --threads 2 --repeats 3 --skip_cifar --skip_compile --skip_as --skip_meta --skip_resnet --as_dataset cifar10
--as_policies auto measure bf16 seed1 (what the paired check compares with fp32)
(the meta path -- the meta-gradient's unrolled inner networks under each policy and the choices -- is
`benchmarks/meta_gradient.py --policies`, run here too unless --skip_meta)
"""
import argparse, os, statistics, subprocess, sys, tempfile, time, warnings
from dataclasses import replace
warnings.filterwarnings('ignore', message='`torch.jit.script` is deprecated')
import torch
from torch import nn
import torch.nn.functional as F
from torch.utils.flop_counter import FlopCounterMode
from fastcore.xtras import modified_env

def timed(f):
    t0 = time.perf_counter(); f(); return time.perf_counter() - t0

def cpu_info():
    out = subprocess.run(['lscpu'], capture_output=True, text=True).stdout
    name = next((l.split(':', 1)[1].strip() for l in out.splitlines() if l.startswith('Model name')), '?')
    flags = next((l.split(':', 1)[1].split() for l in out.splitlines() if l.startswith('Flags')), [])
    return name, [f for f in flags if 'bf16' in f or 'amx' in f or f in ('avx512f', 'avx512_vnni')]

def matmul_peak(dtype, n=2048, reps=10):
    a,b = torch.randn(n, n, dtype=dtype),torch.randn(n, n, dtype=dtype)
    for _ in range(2): a@b
    return 2*n**3/min(timed(lambda: a@b) for _ in range(reps))/1e9

def step_flops(step):
    with FlopCounterMode(display=False) as fc: step()
    return fc.get_total_flops()

def cnn6():
    from taskdisc.models import conv_bn
    return nn.Sequential(conv_bn(3,32), conv_bn(32,32), nn.MaxPool2d(2), conv_bn(32,64), conv_bn(64,64), nn.MaxPool2d(2),
                         conv_bn(64,128), conv_bn(128,128), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(128, 10))

def cnn_path(policy, bs=256, compile=False, net='cnn6'):
    "A step function of the 6-conv CNN (or `net='resnet18'`, taskdisc's CIFAR ResNet-18) under `policy` (SGD, batch `bs`, 32x32), and images per step"
    from taskdisc.precision import model_to_layout, to_layout, policy_autocast
    from taskdisc.models import get_model
    torch.manual_seed(0)
    m = model_to_layout(cnn6() if net == 'cnn6' else get_model('resnet18', (3,32,32), 10, seed=0), policy)
    x,y = to_layout(torch.randn(bs, 3, 32, 32), policy),torch.randint(0, 10, (bs,))
    opt = torch.optim.SGD(m.parameters(), lr=0.01, momentum=0.9)
    fwd = torch.compile(m) if compile else m
    def step():
        with policy_autocast(policy): loss = F.cross_entropy(fwd(x).float(), y)
        loss.backward(); opt.step(); opt.zero_grad()
    return step, bs, (m, (x,), (y,), F.cross_entropy)

def pair_path(data, proto, policy, epochs):
    "A function fitting the AS pair `epochs` epochs under `policy` (taskdisc's Learner path), and images per call per network"
    from taskdisc.data import sample_split
    from taskdisc.tasks import human_tasks
    from taskdisc.pair import pair_learner, pair_loss
    from fastai.torch_core import set_seed
    tr,ho = sample_split(data, proto.n_train, proto.n_holdout, seed=0)
    set_seed(0)
    learn = pair_learner(data, human_tasks(data.classes)[0](data), tr, ho, replace(proto, precision=policy, fit_acc=2.0), seed=0)
    def fit():
        with learn.no_bar(), learn.no_logging(): learn.fit(epochs)
    xb,yb = learn.dls.train.one_batch()
    return fit, len(learn.dls.train)*learn.dls.train.bs*epochs, (learn.model, (xb,), (yb,), pair_loss)

def measure(name, make, policies, peak, repeats, n_steps):
    "Time `make(policy)` for every policy, interleaved; print images/s, GFLOP/s, share of peak, and what auto and measure pick"
    from taskdisc.precision import auto_policy, measured_policy, policy_cache
    runs = {p: make(p) for p in policies}
    f0,_,(model,xb,yb,loss_func) = runs['fp32']
    flops = step_flops(lambda: loss_func(model(*xb), *yb).backward())  # one fp32 step of the whole model (both networks of a pair)
    for f,_,_ in runs.values(): f()  # warm-up
    ts = {p: [] for p in policies}
    for _ in range(repeats):
        for p,(f,_,_) in runs.items(): ts[p].append(timed(lambda: [f() for _ in range(n_steps)]))
    print(f"\n{name}: {flops/1e9:.3f} GFLOP per step (fp32, forward+backward), {repeats} interleaved repeats, fastest counts")
    t32 = min(ts['fp32'])
    for p in policies:
        t,(_,n_img,_) = min(ts[p]),runs[p]
        steps = n_img*n_steps/xb[0].shape[-4]
        gf = flops*steps/t/1e9
        print(f"  {p:20s} {n_img*n_steps/t:9.0f} images/s  {gf:7.1f} GFLOP/s  {gf/peak:6.1%} of best peak  x{t32/t:.2f} vs fp32")
    with tempfile.TemporaryDirectory() as d, modified_env(TASKDISC_CACHE=d):
        choice = measured_policy(model, xb, yb, lambda p,*y: loss_func(p, *y))
        import json; entry, = json.loads(policy_cache().read_text()).values()
    print(f"  auto picks: {auto_policy(model, xb[0].device)} (from the device and the network)")
    print(f"  measure picks: {choice}  (its own measurement, speed-up vs fp32: {entry['speedup']})")
    return choice

COMPILE_SNIPPET = """
import time, torch, sys
sys.path.insert(0, 'benchmarks'); torch.set_num_threads({threads})
from precision import cnn_path, timed
for policy in {policies!r}:
    eager,_,_ = cnn_path(policy); eager()
    te = min(timed(eager) for _ in range(5))
    comp,_,_ = cnn_path(policy, compile=True)
    tc0 = timed(comp)  # compiles
    tc = min(timed(comp) for _ in range(5))
    pays = f"after {{tc0/(te-tc):.0f}} steps" if tc < te else "never (no faster)"
    print(f"  {{policy:20s}} eager {{te*1e3:.0f}} ms/step; compiled: first step (compile) {{tc0:.1f}} s, then {{tc*1e3:.0f}} ms/step (x{{te/tc:.2f}}); pays {{pays}}", flush=True)
"""

def agreement_scores(tasks, data, proto, seed=0, show=False, pair_seed=None):
    "As `taskdisc.agreement.agreement_scores` with one pair a task: the same split, seeds and pair (without its checks); `pair_seed` seeds the networks instead"
    import pandas as pd
    from taskdisc.data import sample_split
    from taskdisc.pair import fit_pair, evaluate_pair
    tr,ho = sample_split(data, proto.n_train, proto.n_holdout, seed)
    recs = []
    for t in tasks:
        y = t(data)
        learn = fit_pair(data, y, tr, ho, proto, seed if pair_seed is None else pair_seed, t.n_classes)
        r = evaluate_pair(learn, y[ho])
        policy = learn.precision.chosen if hasattr(learn, 'precision') else proto.precision  # what the pair trained under (fp32: no `Precision` callback)
        recs.append(dict(family=t.family, task=t.name, agreement=r['agreement'], train_acc_min=min(r['train_accs']), policy=policy))
    return pd.DataFrame(recs)

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--threads', type=int, default=2); p.add_argument('--repeats', type=int, default=3)
    p.add_argument('--skip_cifar', action='store_true'); p.add_argument('--skip_compile', action='store_true')
    p.add_argument('--skip_as', action='store_true'); p.add_argument('--skip_resnet', action='store_true')
    p.add_argument('--as_dataset', default='digits', choices=['digits', 'cifar10'], help='data set of the paired AS check')
    p.add_argument('--skip_meta', action='store_true', help="skip the meta path (benchmarks/meta_gradient.py --policies)")
    p.add_argument('--as_policies', nargs='+', default=['auto', 'measure', 'bf16', 'seed1'],
                   help="what the paired AS check compares with fp32: policies, and 'seed1' for fp32 with the networks' seed 1")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    from taskdisc.settings import policies, get_protocol
    from taskdisc.precision import bf16_supported
    from taskdisc.sources import get_data
    t_start = time.time()
    name,flags = cpu_info()
    print(f"CPU: {name}; flags: {' '.join(flags)}; bf16 supported (oneDNN): {bf16_supported()}")
    print(f"torch {torch.__version__}, {a.threads} threads")
    pk32,pk16 = matmul_peak(torch.float32),matmul_peak(torch.bfloat16)
    peak = max(pk32, pk16)
    print(f"matmul peak (2048x2048): fp32 {pk32:.0f} GFLOP/s, bf16 {pk16:.0f} GFLOP/s (x{pk16/pk32:.2f}); shares below are of {peak:.0f}")
    pols = [q for q in policies if 'bf16' not in q or bf16_supported()]

    digits = get_data('digits')
    choice = measure("AS pair, digits protocol (Learner path, 5 epochs a measurement)",
                     lambda q: pair_path(digits, get_protocol('digits'), q, 5), pols, peak, a.repeats, 1)
    if not a.skip_cifar:
        cifar = get_data('cifar10')
        measure("AS pair, CIFAR-10 protocol, 2,000 images (Learner path, 2 epochs a measurement)",
                lambda q: pair_path(cifar, get_protocol('cifar10', n_train=2000, augment=False, bs=128), q, 2), pols, peak, a.repeats, 1)
    measure("6-conv BN CNN 32-64-128, 32x32, SGD, batch 256 (3 steps a measurement)", cnn_path, pols, peak, a.repeats, 3)
    if not a.skip_resnet:
        measure("CIFAR ResNet-18 (taskdisc.models, width 64), 32x32, SGD, batch 256 (1 step a measurement)",
                lambda q: cnn_path(q, net='resnet18'), pols, peak, a.repeats, 1)

    if not a.skip_meta:  # the meta-gradient's unroll, digits discovery and CIFAR-like: meta_gradient.py --policies
        from types import SimpleNamespace
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        from meta_gradient import policies as meta_policies
        print("\nmeta path (unrolled agreement loss, forward and backward; benchmarks/meta_gradient.py --policies):")
        meta_policies(SimpleNamespace(threads=a.threads, repeats=a.repeats, bs=256))

    if not a.skip_compile:
        print("\ntorch.compile (inductor) of the 6-conv CNN step, in a subprocess limited to 150 s:")
        t0 = time.time()
        try:
            r = subprocess.run([sys.executable, '-c', COMPILE_SNIPPET.format(threads=a.threads, policies=['fp32', pols[-1]])],
                               capture_output=True, text=True, timeout=150)
            print(r.stdout.rstrip() or r.stderr.strip().splitlines()[-1])
        except subprocess.TimeoutExpired as e:
            print((e.stdout.decode() if isinstance(e.stdout, bytes) else (e.stdout or '')).rstrip())
            print(f"  did not finish within 150 s: compile does not pay here")
        print(f"  ({time.time()-t0:.0f} s)")

    if not a.skip_as:
        from taskdisc.tasks import baseline_tasks
        data = digits if a.as_dataset == 'digits' else get_data(a.as_dataset)
        proto = get_protocol(a.as_dataset, precision='fp32')
        tasks = baseline_tasks(data, 8, 8, seed=0)
        t0 = time.time(); ref = agreement_scores(tasks, data, proto, seed=0, show=False); t_ref = time.time()-t0
        print(f"\npaired AS check: {len(tasks)} {a.as_dataset} tasks (8 human + 8 random, seed 0), {a.as_dataset} protocol; fp32 {t_ref:.0f} s")
        print(f"  fp32: median human {ref[ref.family=='human'].agreement.median():.3f}, random {ref[ref.family=='random'].agreement.median():.3f}")
        for q in [q for q in a.as_policies if 'bf16' not in q or 'bf16' in pols]:
            with tempfile.TemporaryDirectory() as d, modified_env(TASKDISC_CACHE=d):  # 'measure' measures afresh on the first pair, then reads its cache
                other_seed = q == 'seed1'  # the yardstick: fp32 again, with other initializations and batch orders
                t0 = time.time()
                if other_seed: df = agreement_scores(tasks, data, proto, seed=0, pair_seed=1)  # same images, other networks
                else: df = agreement_scores(tasks, data, replace(proto, precision=q), seed=0, show=False)
                t = time.time()-t0
            chosen = f" = {df.policy.iloc[0]}" if q in ('auto', 'measure') else ''
            d = (df.agreement - ref.agreement).abs()
            print(f"  {'fp32, network seed 1' if other_seed else q}{chosen}: {t:.0f} s (x{t_ref/t:.2f}); median human {df[df.family=='human'].agreement.median():.3f}, "
                  f"random {df[df.family=='random'].agreement.median():.3f}; mean |dAS| {d.mean():.4f} (target <= 0.01), max {d.max():.4f}")
    print(f"\ntotal {time.time()-t_start:.0f} s")

if __name__ == '__main__': main()
