"""Seconds per meta-step and peak memory of the unrolled agreement-score meta-gradient, against `higher`.

One meta-step: a task network labels T inner training batches (soft labels, not detached), two inner
networks train T plain SGD steps on them, the symmetrized agreement cross-entropy on a held-out batch is
backpropagated through the unrolled training into the task network. Compared, in one run:

- `higher`: the reference implementation's way (`higher.innerloop_ctx` with a differentiable SGD);
  needs `pip install higher` (0.2.1), for this benchmark only;
- `taskdisc`: `taskdisc.meta.meta_loss`, an inlined functional SGD on `torch.func.functional_call`, with its
  default `parallel`: with 2+ threads the two inner networks train (and backpropagate) side by side in two
  threads, each with half the intra-op threads;
- `taskdisc-seq`: the same with `parallel=False`, one network after the other, each with all threads;
- `taskdisc-ckpt`: the same with a reentrant checkpoint around every inner step (`checkpoint=True`);
- `taskdisc-bf16`: the same under bfloat16 autocast (`precision='bf16'`), approximate;
- optional modes: `taskdisc-ckpt4` (`checkpoint_every=4`), `taskdisc-seq-bf16`.

The `higher` mode labels each training batch with the task network once and gives each inner network one
half, as `meta_loss` does; `--check` prints the difference of their losses and task-network gradients.

Each (mode, T) runs in its own subprocess (one warm-up step, then `--repeats` timed steps), so its peak
resident memory (minus the process's memory before the first meta-step) is its own. Modes are
interleaved per T, and the whole sweep runs `--rounds` times. A mode's time is the fastest of all its timed
meta-steps (noise from other work on the machine only ever adds time, as `timeit` notes); its memory the
largest peak. Prints wall and CPU times, memory and the ratios to `higher`.

`--policies` prints instead, in one process, the precision policies of `taskdisc.precision` on the meta path
(`unrolled_agreement` forward and backward into the soft labels, the two networks in two threads as discovery
runs them) for two configurations -- digits discovery (inner CNN 16-32-64 on 1x8x8, 128 training images per
step, T=10, held-out 256: `taskdisc discover`'s defaults) and CIFAR-like (CNN 32-64-128 on 3x32x32, `--bs`,
T=5) --: training images/s through the unroll, GFLOP/s (FLOPs of one fp32 meta-gradient counted with
`torch.utils.flop_counter.FlopCounterMode`, one thread, as the counter sees only its own thread) and the share of
the best-dtype matmul peak, under fp32 and each option (interleaved, fastest of `--repeats`x3), the cosine of
each option's meta-gradient with fp32's, and what `precision='measure'` picks (`meta_policy`, a fresh
measurement in a temporary cache; `precision='auto'`, the default, is fp32 on this path).

Run: python benchmarks/meta_gradient.py [--T 5 20] [--threads 2] [--repeats 3] [--rounds 2] [--shape 3 32 32] [--bs 256] [--modes ...] [--check]
     python benchmarks/meta_gradient.py --policies [--threads 2] [--repeats 5]
(`--modes` takes: higher taskdisc taskdisc-seq taskdisc-ckpt taskdisc-ckpt4 taskdisc-bf16 taskdisc-seq-bf16)
"""
import argparse, json, resource, subprocess, sys, time, warnings
warnings.filterwarnings('ignore', message='`torch.jit.script` is deprecated')
import torch

def rss_mb(): return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024

def one(mode, T, a):
    "Run one configuration in this process; print a JSON line"
    torch.set_num_threads(a.threads)
    from taskdisc.tasknet import TaskNet
    from taskdisc.meta import meta_loss, soft_ce, agreement_ce
    from taskdisc.pair import seeded_pair
    torch.manual_seed(0)
    shape = tuple(a.shape)
    tn = TaskNet('cnn', shape, h_dim=8, n_heads=4, seed=0)
    opt = torch.optim.Adam(tn.parameters(), 1e-3)
    xs = torch.randn(T, a.bs, *shape); xh = torch.randn(a.bs, *shape)
    models = seeded_pair('cnn', shape, 2, seeds=(0,1))

    def step_taskdisc(**kw):
        loss,_ = meta_loss(tn, 0, xs, xh, models, T=T, inner_lr=0.01, split_batch=True, **kw)
        loss.backward(); opt.step(); opt.zero_grad()

    def loss_higher():
        import higher
        # as `meta_loss`: the task network labels each full training batch once, then each network gets one half
        qs = [tn.soft_labels(x)[:, 0].chunk(2) for x in xs]
        outs = []
        for i,m in enumerate(models):
            inner_opt = torch.optim.SGD(m.parameters(), lr=0.01)
            with higher.innerloop_ctx(m, inner_opt, copy_initial_weights=True) as (fnet, diffopt):
                for t in range(T): diffopt.step(soft_ce(fnet(xs[t].chunk(2)[i]), qs[t][i]))
                outs.append(fnet(xh))
        return agreement_ce(*outs)

    def step_higher(): loss_higher().backward(); opt.step(); opt.zero_grad()

    if a.check:  # same loss and task-network gradient as `meta_loss`?
        res = {}
        for name,f in [('higher', loss_higher), ('taskdisc', lambda: meta_loss(tn, 0, xs, xh, models, T=T, inner_lr=0.01)[0])]:
            loss = f(); loss.backward()
            res[name] = (loss.item(), [p.grad.clone() for p in tn.parameters()]); opt.zero_grad()
        (lh,gh),(lt,gt) = res['higher'],res['taskdisc']
        gmax = max(g.abs().max().item() for g in gh)
        print(f"T={T} bs={a.bs}: loss higher {lh:.8f} taskdisc {lt:.8f} |diff| {abs(lh-lt):.2e}; "
              f"task-network gradient max |diff| {max((x-y).abs().max().item() for x,y in zip(gh, gt)):.2e} (max |grad| {gmax:.2e})")
        return

    f = {'higher': step_higher, 'taskdisc': step_taskdisc, 'taskdisc-ckpt': lambda: step_taskdisc(checkpoint=True),
         'taskdisc-ckpt4': lambda: step_taskdisc(checkpoint=True, checkpoint_every=4),
         'taskdisc-bf16': lambda: step_taskdisc(precision='bf16'),
         'taskdisc-seq': lambda: step_taskdisc(parallel=False), 'taskdisc-seq-bf16': lambda: step_taskdisc(parallel=False, precision='bf16')}[mode]
    base = rss_mb()
    f()  # warm-up, and the memory peak
    times,cpu = [],[]
    for _ in range(a.repeats):
        t0,c0 = time.perf_counter(),time.process_time(); f()
        times.append(time.perf_counter() - t0); cpu.append(time.process_time() - c0)
    print(json.dumps(dict(mode=mode, T=T, seconds=min(times), cpu_seconds=min(cpu), peak_mb=rss_mb() - base)))

def policies(a):
    "The precision policies on the meta path (see `--policies` above)"
    import os, tempfile
    import torch.nn.functional as F
    from torch.utils.flop_counter import FlopCounterMode
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from precision import matmul_peak, cpu_info
    from taskdisc.meta import unrolled_agreement, meta_policy
    from taskdisc.pair import seeded_pair
    from taskdisc.precision import available_policies, auto_policy
    torch.set_num_threads(a.threads)
    peak = {'fp32': matmul_peak(torch.float32), 'bf16': matmul_peak(torch.bfloat16)}
    name,flags = cpu_info()
    print(f"{name} ({' '.join(flags)}), {a.threads} threads, torch {torch.__version__}; matmul peak fp32 {peak['fp32']:.0f}, "
          f"bf16 {peak['bf16']:.0f} GFLOP/s; shares are of the best, {max(peak.values()):.0f}")
    configs = [('digits discovery', (1,8,8), (16,32,64), 128, 256, 10, 0.1), ('CIFAR-like', (3,32,32), (32,64,128), a.bs, a.bs, 5, 0.01)]
    for label,shape,widths,bs,hbs,T,lr in configs:
        g = torch.Generator().manual_seed(0)
        xs,xh,q0 = torch.randn(T, bs, *shape, generator=g),torch.randn(hbs, *shape, generator=g),torch.rand(T, bs, generator=g)
        models = seeded_pair('cnn', shape, 2, seeds=(0,1), widths=widths)
        def grad(p, **kw):
            q = q0.clone().requires_grad_()
            unrolled_agreement(models, xs, q, xh, T, lr, precision=p, **kw)[0].backward()
            return q.grad
        with FlopCounterMode(display=False) as fc: ref = grad('fp32', parallel=False)
        flops,cands,times = fc.get_total_flops(),available_policies(),{}
        for p in cands: grad(p)  # warm-up
        for _ in range(a.repeats):
            for p in cands:
                t0 = time.perf_counter(); grad(p); times[p] = min(times.get(p, float('inf')), time.perf_counter() - t0)
        with tempfile.TemporaryDirectory() as d:
            os.environ['TASKDISC_CACHE'] = d
            measured = meta_policy(models, list(xs), list(q0), xh, inner_lr=lr)
        os.environ.pop('TASKDISC_CACHE')
        print(f"\n{label}: inner CNN {'-'.join(map(str, widths))} on {shape}, {bs} training images per step (half per network), T={T}, "
              f"held-out {hbs}; {flops/1e9:.2f} GFLOP per meta-gradient; measure picks {measured!r}, auto {auto_policy(models[0], meta=True)!r}")
        for p in cands:
            cos = F.cosine_similarity(grad(p).flatten(), ref.flatten(), 0).item()
            print(f"  {p:19s} {T*bs/times[p]:8.0f} images/s  {flops/times[p]/1e9:6.1f} GFLOP/s  {flops/times[p]/1e9/max(peak.values()):6.1%} of peak"
                  f"  x{times['fp32']/times[p]:.2f} vs fp32  {times[p]*1e3:7.1f} ms/meta-gradient  cosine with fp32 {cos:.4f}")

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--T', type=int, nargs='+', default=[5, 20]); p.add_argument('--threads', type=int, default=2)
    p.add_argument('--repeats', type=int, default=3); p.add_argument('--rounds', type=int, default=2)
    p.add_argument('--shape', type=int, nargs=3, default=[3, 32, 32])
    p.add_argument('--bs', type=int, default=256, help='inner training batch per step (split between the two networks)')
    p.add_argument('--modes', nargs='+', default=['higher', 'taskdisc', 'taskdisc-seq', 'taskdisc-ckpt', 'taskdisc-bf16'])
    p.add_argument('--check', action='store_true', help='only check that higher and taskdisc give the same loss and gradient, per T')
    p.add_argument('--policies', action='store_true', help='only the precision policies on the meta path (digits discovery and CIFAR-like)')
    p.add_argument('--one', nargs=2, help=argparse.SUPPRESS)
    a = p.parse_args()
    if a.policies: return policies(a)
    if a.one: return one(a.one[0], int(a.one[1]), a)
    if a.check: return [one('check', T, a) for T in a.T]
    print(f"inner nets: cnn 32-64-128 on {tuple(a.shape)}, {a.bs//2} images per network per inner step, held-out batch {a.bs}; "
          f"task net: cnn, 4 heads; {a.threads} threads; fastest of {a.rounds}x{a.repeats} meta-steps; torch {torch.__version__}")
    res = {}
    for rnd in range(a.rounds):
        for T in a.T:
            for mode in a.modes:
                cmd = [sys.executable, __file__, '--one', mode, str(T), '--threads', str(a.threads), '--repeats', str(a.repeats),
                       '--bs', str(a.bs), '--shape', *map(str, a.shape)]
                out = subprocess.run(cmd, capture_output=True, text=True)
                if out.returncode: print(f"{mode} T={T} failed:\n{out.stderr[-2000:]}"); continue
                r = json.loads(out.stdout.strip().splitlines()[-1])
                print(f"round {rnd+1} T={T:3d} {mode:17s} {r['seconds']:7.2f} s/meta-step ({r['cpu_seconds']:6.2f} s CPU)   peak +{r['peak_mb']:7.0f} MB")
                old = res.get((mode, T))
                res[(mode, T)] = r if old is None else dict(r, seconds=min(r['seconds'], old['seconds']),
                                                            cpu_seconds=min(r['cpu_seconds'], old['cpu_seconds']), peak_mb=max(r['peak_mb'], old['peak_mb']))
    print("\nfastest time and largest peak per mode:")
    for (mode,T),r in res.items(): print(f"T={T:3d} {mode:17s} {r['seconds']:7.2f} s/meta-step ({r['cpu_seconds']:6.2f} s CPU)   peak +{r['peak_mb']:7.0f} MB")
    print("\nratios against higher (time: higher/mode, >1 is faster, wall and CPU time; memory: mode/higher, <1 is less):")
    for T in a.T:
        h = res.get(('higher', T))
        if not h: continue
        for mode in a.modes[1:]:
            r = res.get((mode, T))
            if r: print(f"T={T:3d} {mode:14s} speed x{h['seconds']/r['seconds']:.2f} (CPU x{h['cpu_seconds']/r['cpu_seconds']:.2f})   memory x{r['peak_mb']/h['peak_mb']:.2f}")
    if ('taskdisc', 20) in res and ('taskdisc-ckpt', 20) in res:
        print(f"checkpointing at T=20 cuts peak memory {res[('taskdisc', 20)]['peak_mb']/res[('taskdisc-ckpt', 20)]['peak_mb']:.2f}x (target >= 2x)")

if __name__ == '__main__': main()
