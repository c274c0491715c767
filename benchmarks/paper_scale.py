"""What the `paper` preset costs: memory and FLOPs of one meta-step of discovery, FLOPs of one agreement-score pair.

The paper's CIFAR-10 run (`taskdisc.settings.discovery_config('paper')`: ResNet-18 task and inner networks,
T=50 inner steps on batches of 512, held-out batch 512) does not fit a 2-core CPU, so it is measured at reduced
sizes and extrapolated with a fitted formula:

- memory: each (bs, T) runs one meta-step of the paper preset (everything else unchanged: ResNet-18s,
  d=K=32, gradient checkpoint, second order; `holdout_bs = bs`) in its own subprocess on random 3x32x32 images;
  its peak resident memory (VmHWM, reset just before the step) minus its memory then (task network, fixed
  inner pair and data built) is the step's memory, fitted as `a + b*T + c*bs + e*bs*T`; glibc's mmap threshold
  is fixed at 64 KB (`MALLOC_MMAP_THRESHOLD_`), so freed tensors leave the resident memory at once and the
  peak is that of the live tensors, as a GPU's caching allocator would need;
- FLOPs: `torch.utils.flop_counter.FlopCounterMode` counts the convolutions and matrix products (not the
  element-wise operations: BatchNorm, ReLU, SGD updates) of a whole meta-step (forward, the meta-backward with
  its recomputed checkpoints, the Adam step) at small sizes; they are linear in `T*bs`, `holdout_bs` and `T`,
  so a fit on five sizes is exact and extrapolates to the paper's;
- an AS pair of `get_protocol('paper')`: FLOPs of one training batch of the two ResNet-18s (forward, backward)
  and of the held-out predictions, per image, times 100 epochs of 87 batches of 512 and 5,000 held-out images.

Times on a GPU are FLOPs / (peak * utilization), for the peaks of NVIDIA's data sheets (dense, no sparsity):
A100 SXM TF32 156 TFLOP/s (PyTorch's default for float32 convolutions on Ampere), bf16 312; H100 SXM TF32 495,
bf16 989; and a stated utilization (default 35%).

Both ways of running the task network are measured: its activations kept for the backward pass (what
`taskdisc.discovery` does today) and checkpointed (`DiscoveryModel(checkpoint=True)`, the preset's `embed_checkpoint`).

Run: python benchmarks/paper_scale.py [--mem-bs 8 16 32] [--mem-T 1 2 4] [--util 0.35]
"""
import argparse, json, os, subprocess, sys, time, warnings
warnings.filterwarnings('ignore', message='`torch.jit.script` is deprecated')
import numpy as np, torch

peaks = {'A100 TF32': 156e12, 'A100 bf16': 312e12, 'H100 TF32': 495e12, 'H100 bf16': 989e12}

def status_mb(key:str)->float:
    "A memory figure of this process from /proc/self/status (VmRSS: now, VmHWM: peak since the last `reset_peak`), in MB"
    with open('/proc/self/status') as f: return next(int(l.split()[1]) for l in f if l.startswith(key))/1024

def reset_peak():
    "Reset this process's peak resident memory (VmHWM) to its current value (Linux 4.0+); `ru_maxrss` cannot be reset and starts at the parent's size"
    with open('/proc/self/clear_refs', 'w') as f: f.write('5')

def meta_step(bs:int, T:int, hbs:int, embed_checkpoint:bool=False):
    "A closure running one meta-step of the paper preset shrunk to `bs`, `T`, `hbs`, and its config"
    from dataclasses import replace
    from taskdisc.data import ImageData
    from taskdisc.settings import discovery_config, smoke_config
    from taskdisc.objective import discovery_dls, DiscoveryModel, DiscoveryLoss
    from taskdisc.runtime import use_runtime
    from taskdisc.tasknet import TaskNet
    n = 4*max(bs, hbs)
    cfg = replace(smoke_config(discovery_config('paper'), n_steps=1, n_images=n, T=T, bs=bs), holdout_bs=hbs)
    cfg = replace(cfg, embed_checkpoint=embed_checkpoint)
    g = torch.Generator().manual_seed(0)
    data = ImageData(torch.randint(0, 256, (n,3,32,32), dtype=torch.uint8, generator=g), torch.arange(n) % 10, [str(i) for i in range(10)], name='cifar10-shaped')
    with use_runtime(device='cpu'): xs,xho,s = discovery_dls(data, cfg).train.one_batch()
    tn = TaskNet(cfg.arch, data.shape, cfg.h_dim, cfg.n_heads, cfg.temp, seed=cfg.seed, **cfg.arch_kwargs)
    model = DiscoveryModel(tn, checkpoint=cfg.embed_checkpoint)
    lossf,opt = DiscoveryLoss(tn, cfg, data.shape),torch.optim.Adam(tn.parameters(), lr=cfg.lr)
    def step():
        loss = lossf(model(xs), xho, s)
        loss.backward(); opt.step(); opt.zero_grad()
        return loss.item()
    return step,cfg

def mem_worker(bs:int, T:int, embed_checkpoint:bool):
    "One meta-step in this process: print its extra peak memory and time as JSON"
    torch.set_num_threads(1)  # one network after the other, as on one GPU stream
    x = torch.ones(2, requires_grad=True)  # load what the first non-reentrant checkpoint loads, before measuring
    torch.utils.checkpoint.checkpoint(lambda x: x*2, x, use_reentrant=False).sum().backward()
    step,_ = meta_step(bs, T, bs, embed_checkpoint)
    reset_peak(); before = status_mb('VmRSS')
    t0 = time.perf_counter(); step(); secs = time.perf_counter() - t0
    print(json.dumps(dict(bs=bs, T=T, mb=status_mb('VmHWM') - before, secs=secs)))

def count_flops(fn)->int:
    from torch.utils.flop_counter import FlopCounterMode
    with FlopCounterMode(display=False) as fc: fn()
    return fc.get_total_flops()

def meta_flops(embed_checkpoint:bool=False)->tuple:
    "FLOPs of a meta-step fitted as `a*T*bs + b*hbs + c*T + d` on five small sizes; returns the coefficients and the largest relative misfit"
    torch.set_num_threads(1)  # `FlopCounterMode` sees only this thread: the two inner networks must not train in two
    sizes = [(4,1,4), (8,1,4), (4,2,4), (4,1,8), (8,2,8)]
    f = np.array([count_flops(meta_step(bs, T, hbs, embed_checkpoint)[0]) for bs,T,hbs in sizes], dtype=float)
    X = np.array([[T*bs, hbs, T, 1] for bs,T,hbs in sizes], dtype=float)
    coef = np.linalg.lstsq(X, f, rcond=None)[0]
    return coef,float(np.abs(X@coef/f - 1).max())

def pair_flops()->tuple:
    "FLOPs per image of training (forward, backward) and of predicting with a pair of the paper protocol's ResNet-18s"
    from taskdisc.pair import NetPair, pair_loss
    from taskdisc.settings import get_protocol
    p = get_protocol('paper')
    net = NetPair(p.arch, (3,32,32), 2, **p.arch_kwargs)
    opt = torch.optim.Adam(net.parameters(), lr=p.lr)
    def train(bs):
        x,y = torch.randn(bs,3,32,32),torch.randint(0, 2, (bs,))
        def fn(): pair_loss(net(x), y).backward(); opt.step(); opt.zero_grad()
        return count_flops(fn)
    def pred(bs):
        x = torch.randn(bs,3,32,32)
        def fn():
            with torch.no_grad(): net(x)
        return count_flops(fn)
    tr,ev = (train(16) - train(8))/8,(pred(16) - pred(8))/8
    return p,tr,ev

def fmt_t(s:float)->str:
    return f"{s:.2f} s" if s < 120 else f"{s/60:.1f} min" if s < 7200 else f"{s/3600:.1f} h" if s < 3*86400 else f"{s/86400:.1f} days"

def mem_fit(bss, Ts, embed_checkpoint:bool)->tuple:
    "Memory runs over the grid `bss` x `Ts`, each in its own process; the fitted coefficients of `a + b*T + c*bs + e*bs*T` (MB) and the runs"
    rows = []
    for bs in bss:
        for T in Ts:
            cmd = [sys.executable, __file__, '--worker', str(bs), str(T)] + (['--embed-checkpoint'] if embed_checkpoint else [])
            out = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, 'MALLOC_MMAP_THRESHOLD_': '65536'})
            if out.returncode: sys.exit(f"worker bs={bs} T={T} failed:\n{out.stderr[-2000:]}")
            rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
            print(f"  memory run, embed_checkpoint={embed_checkpoint}, bs={bs:3d} T={T}: +{rows[-1]['mb']:7.0f} MB, {rows[-1]['secs']:.1f} s", flush=True)
    X = np.array([[1, r['T'], r['bs'], r['bs']*r['T']] for r in rows], dtype=float); m = np.array([r['mb'] for r in rows])
    mc = np.linalg.lstsq(X, m, rcond=None)[0]
    return mc,float(np.abs(X@mc - m).max()),rows

def main(a):
    from taskdisc.settings import discovery_config
    P = discovery_config('paper')
    print(f"paper preset: T={P.T}, bs={P.bs}, holdout_bs={P.holdout_bs}, n_steps={P.n_steps:,}, {P.n_heads} heads; utilization {a.util:.0%}")
    for ec in (False, True):
        print(f"\n## task network {'checkpointed (embed_checkpoint=True, the paper preset)' if ec else 'activations kept (embed_checkpoint=False)'}")
        mc,mis,rows = mem_fit(a.mem_bs, a.mem_T, ec)
        mem = lambda bs,T: mc@[1, T, bs, bs*T]
        print(f"meta-step memory (MB) = {mc[0]:.0f} + {mc[1]:.1f}*T + {mc[2]:.2f}*bs + {mc[3]:.3f}*bs*T   (largest misfit {mis:.0f} MB over {len(rows)} runs)")
        print(f"  bs={P.bs}, T={P.T} (paper): {mem(P.bs, P.T)/1024:.1f} GB;  bs={P.bs}, T=10: {mem(P.bs, 10)/1024:.1f} GB;  bs=128, T={P.T}: {mem(128, P.T)/1024:.1f} GB")
        fc,fmis = meta_flops(ec)
        F = fc@[P.T*P.bs, P.holdout_bs, P.T, 1]
        print(f"meta-step FLOPs = {fc[0]/1e9:.3f} G*T*bs + {fc[1]/1e9:.3f} G*holdout_bs + {fc[2]/1e9:.3f} G*T + {fc[3]/1e9:.3f} G   (largest misfit {fmis:.1e})")
        print(f"  paper sizes: {F/1e12:.1f} TFLOP per meta-step, {F*P.n_steps/1e18:.2f} EFLOP for {P.n_steps:,} meta-steps")
    p,tr,ev = pair_flops()
    nb = p.n_train//p.bs
    Fp = tr*nb*p.bs*p.max_epochs + ev*p.n_holdout
    print(f"\nAS pair (get_protocol('paper')): {tr/1e9:.3f} GFLOP per training image (two networks, forward+backward), {ev/1e9:.3f} GFLOP per held-out image")
    print(f"  {p.max_epochs} epochs x {nb} batches x {p.bs} + {p.n_holdout:,} held-out images: {Fp/1e15:.2f} PFLOP per pair")
    print(f"\n| GPU at {a.util:.0%} of peak | meta-step | discovery ({P.n_steps:,} meta-steps) | AS pair | AS of {P.n_heads} tasks |")
    print("|---|---|---|---|---|")
    for k,pk in peaks.items():
        r = pk*a.util
        print(f"| {k} ({pk/1e12:.0f} TFLOP/s) | {fmt_t(F/r)} | {fmt_t(F*P.n_steps/r)} | {fmt_t(Fp/r)} | {fmt_t(Fp*P.n_heads/r)} |")

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--mem-bs', type=int, nargs='+', default=[8, 16, 32])
    ap.add_argument('--mem-T', type=int, nargs='+', default=[1, 2, 4])
    ap.add_argument('--util', type=float, default=0.35)
    ap.add_argument('--embed-checkpoint', action='store_true', help=argparse.SUPPRESS)  # for the worker
    ap.add_argument('--worker', type=int, nargs=2, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.worker: mem_worker(*a.worker, a.embed_checkpoint)
    else: main(a)
