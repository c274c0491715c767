"""Seconds per meta-step of digits discovery under two precision settings, interleaved in one process.

With the default configuration, precision 'fp32' and 'auto' differ only in the task network's memory layout:
'auto' keeps the inner networks in fp32 on the meta path and trains the task network channels-last on an AVX-512
CPU (`taskdisc.discovery.tasknet_layout`). Each setting gets its own `discovery_learner`; they take turns running
`--chunk` meta-steps, `--rounds` times, after a warm-up; the fastest and the median chunk are printed.

Run: python benchmarks/discovery_step.py [--threads 2] [--rounds 5] [--chunk 32] [--settings fp32,auto]
"""
import argparse, time, warnings
warnings.filterwarnings('ignore', message='`torch.jit.script` is deprecated')
import torch
from fastai.callback.progress import ProgressCallback
from taskdisc.sources import get_data
from taskdisc.settings import discovery_config
from taskdisc.discovery import discovery_learner

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--threads', type=int, default=2); p.add_argument('--rounds', type=int, default=5)
    p.add_argument('--chunk', type=int, default=32); p.add_argument('--settings', default='fp32,auto')
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    data,names = get_data('digits'),a.settings.split(',')
    learners = {}
    for n in names:
        learn = discovery_learner(data, discovery_config('digits', precision=n, n_steps=a.chunk*(a.rounds+1)))
        learn.remove_cb(ProgressCallback); learn.fit_steps(a.chunk)  # warm-up chunk
        learners[n] = learn
    times = {n: [] for n in names}
    for _ in range(a.rounds):
        for n,learn in learners.items():
            t0 = time.perf_counter(); learn.fit_steps(learn.meta_step + a.chunk)
            times[n].append((time.perf_counter()-t0)/a.chunk)
    print(f"digits discovery, default configuration, {a.threads} threads, torch {torch.__version__}; "
          f"{a.rounds} chunks of {a.chunk} meta-steps each, interleaved")
    base = names[0]
    for n in names:
        ts = sorted(times[n]); lay = learners[n].model.layout
        print(f"{n:20s} task network {lay:14s} fastest {ts[0]*1e3:6.1f} ms  median {ts[len(ts)//2]*1e3:6.1f} ms  "
              f"x{sorted(times[base])[0]/ts[0]:.2f} / x{sorted(times[base])[len(ts)//2]/ts[len(ts)//2]:.2f} vs {base}")

if __name__ == '__main__': main()
