"""The map of the space of tasks (`taskdisc.runs.map.run_map`, `taskdisc map`) and agreement as a label-free estimate
of accuracy (Jiang et al., ICLR 2022), on digits and on a CIFAR-10 subset.

    python benchmarks/space.py [--run DIR] [--threads 2] [--n_as 32] [--cifar_tasks 6] [--no_cifar]

Digits: `run_map` with its defaults (8 discovered, 8 human-labelled and 8 random-labelled tasks, 10 points per
trajectory, the digits protocol), timed (target <= 3 minutes on 2 cores), on the discovery run `--run` (default
benchmarks/out/discovery_fidelity, the default run `benchmarks/discovery_fidelity.py` makes; without it, human and
random tasks only). Prints the share of the top 3 InPCA dimensions, the families' mean end-point distances, the
trajectory lengths and whether random-labelled end points lie farther from human-labelled ones than those from each
other (target). Then the mean |test error - disagreement| of human-labelled tasks: the map's, and `--n_as` tasks
scored with `agreement_scores`.
CIFAR-10 (`TASKDISC_CIFAR10`, or fastai's download): the same on `--cifar_tasks` human-labelled and as many
random-labelled tasks (plus the discovered tasks of `--cifar_run`, when given), with the CIFAR-10 protocol on 1,000
training and 500 held-out images, and min(`--n_as`, 16) human-labelled tasks scored with `agreement_scores`. The
run folders go to benchmarks/out/ (git-ignored).
"""
import sys, time, warnings
from pathlib import Path
warnings.filterwarnings('ignore')
import pandas as pd, torch
from taskdisc.sources import get_data
from taskdisc.runtime import use_runtime
from taskdisc.tasks import human_tasks
from taskdisc.settings import get_protocol
from taskdisc.agreement import agreement_scores
from taskdisc.runs.map import run_map, disagreement_gap

args = sys.argv[1:]
def _opt(name, default):
    "Value of `--name VALUE` in `args`, else `default`"
    return type(default)(args[args.index(name)+1]) if name in args else default
here = Path(__file__).parent
run,threads,n_as = _opt('--run', str(here/'out'/'discovery_fidelity')),_opt('--threads', 2),_opt('--n_as', 32)
cifar_tasks,cifar_run = _opt('--cifar_tasks', 6),_opt('--cifar_run', '')
pd.set_option('display.width', 140)

def report(res, name):
    "Print the map's figures"
    e,fd,tl = res.emb,res.distances,res.lengths
    print(f"{name}: {len(res.frame)} points of {res.frame.task.nunique()} tasks in {res.seconds:.0f} s; "
          f"top-3 share {e.shares[:3].sum():.3f} ({', '.join(f'{s:.3f}' for s in e.shares[:3])}); "
          f"time-like among the first 10 dims: {int((e.signs[:10] < 0).sum())}")
    print("mean end-point distance d between families (pair: the two networks of one task):")
    print(fd.round(3).to_string())
    print("trajectory lengths per family (d summed along the path; start-to-end):")
    print(tl.round(3).to_string())
    if {'human','random'} <= set(fd.index):
        rh,hh = fd.loc['random','human'],fd.loc['human','human']
        print(f"random-human {rh:.3f} vs human-human {hh:.3f}: {'separated' if rh > hh else 'NOT separated'} (target: random-human > human-human)")
        print(f"start-to-end: random {tl.start_to_end['random']:.3f} vs human {tl.start_to_end['human']:.3f}")
    if 'discovered' in fd.index:
        print(f"discovered end points: to human {fd.loc['discovered','human']:.3f}, to random {fd.loc['discovered','random']:.3f}, "
              f"to each other {fd.loc['discovered','discovered']:.3f}")

def jiang(scores, what):
    "Print the mean |test error - disagreement| of the unflagged human-labelled tasks"
    g = disagreement_gap(scores)
    print(f"{what}: mean |test error - disagreement| {g.gap.abs().mean():.3f} over {len(g)} human-labelled tasks "
          f"(mean agreement {g.agreement.mean():.3f}, mean held-out accuracy {g.test_acc.mean():.3f}, mean gap {g.gap.mean():+.3f})")

if __name__ == '__main__':
    print(f"{threads} thread(s)")
    has_run = Path(run).exists()
    if not has_run: print(f"no discovery run at {run}: mapping human-labelled and random-labelled tasks only")
    t0 = time.time()
    with use_runtime(threads=threads): res = run_map(run if has_run else None, 'digits', out=here/'out'/'map-digits', show=False)
    print(f"run_map on digits with the defaults: {time.time()-t0:.0f} s (target <= 180 s on 2 cores)")
    report(res, 'digits')
    jiang(res.scores, "digits, the map's pairs")
    data = get_data('digits')
    torch.set_num_threads(threads)
    t0 = time.time()
    jiang(agreement_scores(human_tasks(data.classes, n=n_as), data, get_protocol('digits'), show=False),
          f"digits, {n_as} human-labelled tasks, agreement_scores ({time.time()-t0:.0f} s)")
    if '--no_cifar' in args: sys.exit()
    proto = dict(n_train=1000, n_holdout=500)
    t0 = time.time()
    with use_runtime(threads=threads):
        res = run_map(cifar_run or None, 'cifar10', n_human=cifar_tasks, n_random=cifar_tasks, n_disc=cifar_tasks, out=here/'out'/'map-cifar10',
                      show=False, **proto)
    print(f"run_map on cifar10: {time.time()-t0:.0f} s")
    report(res, "cifar10 (n_train 1000, n_holdout 500)")
    jiang(res.scores, "cifar10, the map's pairs")
    data = get_data('cifar10')
    t0 = time.time()
    n = min(n_as, 16)
    jiang(agreement_scores(human_tasks(data.classes, n=n, seed=1), data, get_protocol('cifar10', **proto), show=False),
          f"cifar10, {n} human-labelled tasks, agreement_scores ({time.time()-t0:.0f} s)")
