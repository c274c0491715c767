"""Training throughput of the agreement-score path, measured in one run.

Prints, for a data set's default protocol:
- images/s per network through taskdisc's Learner path (`pair_learner` + `fit`, as `agreement_score` runs it)
  and through a bare PyTorch loop training the same `NetPair` on the same tensors, and their ratio;
- the share of an epoch spent loading data (iterating the DataLoader alone vs training);
- fp32 matmul GFLOP/s of this CPU (the peak) and the GFLOP/s the training reaches (FLOPs counted by
  `torch.utils.flop_counter`), as a fraction of that peak;
- the same bare loop under bfloat16 autocast, as a speed ratio.

Run: python benchmarks/as_throughput.py [--dataset digits|cifar10] [--threads 2] [--epochs 5] [--repeats 3]
"""
import argparse, time, statistics, warnings
warnings.filterwarnings('ignore', message='`torch.jit.script` is deprecated')
import torch
from torch.utils.flop_counter import FlopCounterMode
from fastai.torch_core import set_seed
from taskdisc.data import sample_split
from taskdisc.sources import get_data
from taskdisc.tasks import human_tasks
from taskdisc.settings import get_protocol
from taskdisc.pair import pair_learner, pair_loss

def bare_fit(learn, epochs, bf16=False):
    "Train `learn.model` with a plain loop over the same tensors and batch transform as `learn.dls.train`"
    dl = learn.dls.train
    x,y = dl.dataset.tensors
    model,tfm = learn.model,dl.after_batch
    opt = torch.optim.Adam(model.parameters(), lr=learn.lr)
    model.train()
    for _ in range(epochs):
        for idx in dl.get_idxs():  # the same shuffles (one per network) as the Learner path, without fastai's loop
            xb,yb = tfm((x[idx], y[idx]))
            with torch.autocast('cpu', dtype=torch.bfloat16, enabled=bf16): loss = pair_loss(model(xb).float(), yb)
            loss.backward(); opt.step(); opt.zero_grad()

def learner_fit(learn, epochs):
    with learn.no_bar(), learn.no_logging(): learn.fit(epochs)

def timed(f):
    t0 = time.perf_counter(); f(); return time.perf_counter() - t0

def matmul_gflops(n=1024, reps=20):
    a,b = torch.randn(n, n),torch.randn(n, n)
    for _ in range(3): a@b
    t = min(timed(lambda: a@b) for _ in range(reps))
    return 2*n**3/t/1e9

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--dataset', default='digits'); p.add_argument('--threads', type=int, default=2)
    p.add_argument('--epochs', type=int, default=5); p.add_argument('--repeats', type=int, default=3)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    data = get_data(a.dataset)
    proto = get_protocol(data.name, fit_acc=2.0)  # never stop early: time a fixed number of epochs
    tr,ho = sample_split(data, proto.n_train, proto.n_holdout, seed=0)
    labels = human_tasks(data.classes)[0](data)
    set_seed(0)
    learn = pair_learner(data, labels, tr, ho, proto, seed=0)
    n_img = len(learn.dls.train)*learn.dls.train.bs*a.epochs
    print(f"{data.name}: {proto.arch} {proto.arch_kwargs}, {len(tr)} training images, batch {proto.bs}, {a.epochs} epochs a measurement, "
          f"{a.threads} threads, {a.repeats} repeats (interleaved), torch {torch.__version__}")

    learner_fit(learn, 1); bare_fit(learn, 1)  # warm up
    tl,tb,tbf = [],[],[]
    for _ in range(a.repeats):
        tl.append(timed(lambda: learner_fit(learn, a.epochs)))
        tb.append(timed(lambda: bare_fit(learn, a.epochs)))
        tbf.append(timed(lambda: bare_fit(learn, a.epochs, bf16=True)))
    tl,tb,tbf = map(statistics.median, (tl,tb,tbf))
    print(f"Learner path:  {n_img/tl:9.0f} images/s per network ({tl:.2f}s)")
    print(f"bare loop:     {n_img/tb:9.0f} images/s per network ({tb:.2f}s)")
    print(f"ratio Learner/bare: {tb/tl:.2f}  (target >= 0.8)")

    dl = learn.dls.train
    t_load = statistics.median(timed(lambda: [None for _ in range(a.epochs) for _ in dl]) for _ in range(a.repeats))
    print(f"data loading: {t_load/tl:.1%} of the Learner path's time (target < 10%)")

    xb,yb = dl.one_batch()
    with FlopCounterMode(display=False) as fc:
        pair_loss(learn.model(xb), yb).backward()
    flops = fc.get_total_flops()*len(dl)*a.epochs
    peak = matmul_gflops()
    print(f"fp32 matmul peak: {peak:.1f} GFLOP/s; training reaches {flops/tl/1e9:.2f} GFLOP/s = {flops/tl/1e9/peak:.1%} of peak "
          f"({fc.get_total_flops()/1e6:.1f} MFLOP per batch, forward+backward of both networks)")
    print(f"bfloat16 autocast (bare loop): {n_img/tbf:9.0f} images/s per network; speed ratio bf16/fp32 = {tb/tbf:.2f}")

if __name__ == '__main__': main()
