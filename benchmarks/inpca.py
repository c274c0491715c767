"""Time and peak memory of `taskdisc.space.inpca`, and of the chunked against the dense distance computation.

    python benchmarks/inpca.py [--models 1000] [--images 1000] [--classes 2] [--dense-images 250] [--threads 2]

Random probabilities of `--models` models on `--images` images stand in for recorded trajectories (the cost does not
depend on the values). Each measurement runs in a fresh process, so its peak resident memory (`ru_maxrss`) minus the
process's memory before the call is the call's own peak. The dense distance builds all `N x m x m` Bhattacharyya
coefficients at once; it is compared with the chunked `bhattacharyya_d2` on `--dense-images` images (the dense
version needs 4 bytes x N x m x m: 4 GB at 1,000 x 1,000). Target: `inpca` on 1,000 x 1,000 x 2 in <= 10 s on 2 cores.
"""
import resource, sys, time
import multiprocessing as mp

args = sys.argv[1:]
def _opt(name, default):
    "Value of `--name VALUE` in `args`, else `default`"
    return int(args[args.index(name)+1]) if name in args else default
m,N,C,N_dense,threads = _opt('--models', 1000),_opt('--images', 1000),_opt('--classes', 2),_opt('--dense-images', 250),_opt('--threads', 2)

def _probs(m, N, C):
    import torch
    return torch.softmax(3*torch.randn(m, N, C, generator=torch.Generator().manual_seed(0)), -1)

def _dense_d2(P):
    "All coefficients at once: the reference the chunked computation is measured against"
    import torch
    S = P.float().sqrt().transpose(0,1)
    return -torch.bmm(S, S.transpose(1,2)).clamp_(1e-8, 1).log_().mean(0).double()

def run(what, m, N, C):
    "(seconds, peak MB above the process's baseline) of one call, in a fresh process"
    ctx = mp.get_context('spawn')
    q = ctx.Queue()
    p = ctx.Process(target=_child, args=(what, m, N, C, q)); p.start()
    res = q.get(); p.join()
    return res

def _child(what, m, N, C, q):
    import torch
    from taskdisc.space import inpca, bhattacharyya_d2
    torch.set_num_threads(threads)
    P = _probs(m, N, C)
    f = {'inpca': lambda: inpca(P), 'chunked': lambda: bhattacharyya_d2(P), 'dense': lambda: _dense_d2(P)}[what]
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024
    t0 = time.perf_counter(); f(); t = time.perf_counter() - t0
    q.put((t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024 - base))

if __name__ == '__main__':
    print(f"{threads} thread(s)")
    t,mb = run('inpca', m, N, C)
    print(f"inpca, {m} models x {N} images x {C} classes: {t:.2f} s, peak {mb:.0f} MB above the inputs (target <= 10 s)")
    tc,mc = run('chunked', m, N_dense, C)
    td,md = run('dense', m, N_dense, C)
    print(f"distances, {m} models x {N_dense} images: chunked {tc:.2f} s, peak {mc:.0f} MB; dense {td:.2f} s, peak {md:.0f} MB; "
          f"chunked/dense time x{tc/td:.2f}, memory x{mc/max(md, 1e-9):.3f}")
