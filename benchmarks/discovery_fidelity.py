"""Task discovery with a data set's default settings (`taskdisc.settings.discovery_config`): agreement scores of
discovered, human-labelled and random-labelled tasks (one protocol), class balance and similarity of the discovered
tasks, time, and a shortcut probe.

    OMP_NUM_THREADS=1 python benchmarks/discovery_fidelity.py [--fresh] [--dataset cifar10] [--threads 1] [--seed 0] [--out DIR] [SETTING=VALUE ...]

`--threads` (default 1, for a machine shared with another job) sets torch's CPU threads; with 2 or more the two
inner networks of each meta-step train side by side (`taskdisc.meta`'s `parallel`).

Targets: digits: median AS(discovered) >= median AS(human) > median AS(random) + 0.25; every discovered task has a
class-1 rate in 0.2..0.8; mean pairwise symmetrized similarity <= 0.65; the whole run under 10 minutes on 2 cores.
CIFAR-10 (set TASKDISC_CIFAR10 to the archive): median AS(discovered) >= median AS(human).
The run directory is --out, by default benchmarks/out/discovery_fidelity (digits) or benchmarks/out/discovery-NAME
(git-ignored); running again resumes it (a finished run is only scored again) unless --fresh.
"""
import ast, shutil, sys, time, warnings
from pathlib import Path
warnings.filterwarnings('ignore')
import numpy as np, torch
from taskdisc.sources import get_data
from taskdisc.runtime import use_runtime
from taskdisc.tasks import human_tasks
from taskdisc.runs.discover import run_discover
from taskdisc.probes import shortcut_probe
from taskdisc.dissimilarity import mean_pairwise_similarity, class_balance

args = [a for a in sys.argv[1:] if a != '--fresh']
def _opt(name, default):
    "Value of `--name VALUE` in `args` (removed from them), else `default`"
    if name not in args: return default
    i = args.index(name); v = args[i+1]; del args[i:i+2]; return v
dataset,threads,out,seed = _opt('--dataset', 'digits'),int(_opt('--threads', 1)),_opt('--out', None),int(_opt('--seed', 0))
torch.set_num_threads(threads)
overrides = {k: ast.literal_eval(v) for k,v in (a.split('=', 1) for a in args)}
out = Path(out) if out else Path(__file__).parent/'out'/('discovery_fidelity' if dataset == 'digits' else f'discovery-{dataset}')
if '--fresh' in sys.argv and out.exists(): shutil.rmtree(out)

t0 = time.time()
with use_runtime(threads=threads): res = run_discover(dataset, out, n_random=8, n_human=8, seed=seed, show=False, **overrides)
total = time.time() - t0
data = get_data(dataset)
summ = res.summary
med = summ.median_as
bal = class_balance(res.labels).numpy()
sim = mean_pairwise_similarity(res.labels) if len(res.labels) > 1 else None  # one task: nothing to compare
human = torch.stack([t(data) for t in human_tasks(data.classes, n=8, seed=seed)])
probe_d,probe_h = shortcut_probe(res.labels, data),shortcut_probe(human, data)

print(f"{dataset}, seed {seed}, settings: {overrides or 'defaults'}")
print(summ.to_string(float_format=lambda v: f"{v:.3f}"))
print(f"median AS: discovered {med['discovered']:.3f}, human {med['human']:.3f}, random {med['random']:.3f}")
print(f"  discovered >= human: {med['discovered'] >= med['human']};  human > random + 0.25: {med['human'] > med['random'] + 0.25}")
print(f"class-1 rate of discovered tasks: {np.round(bal, 3).tolist()}  all in 0.2..0.8: {bool(((bal >= 0.2) & (bal <= 0.8)).all())}")
print("mean pairwise similarity: one task, nothing to compare" if sim is None else
      f"mean pairwise similarity of discovered tasks: {sim:.3f}  (<= 0.65: {sim <= 0.65})")
print(f"shortcut probe (logistic regression on `image_stats`: intensity mean/std, centre of mass, lit fraction, channel means/stds; 5-fold CV accuracy):")
print(f"  discovered: median {np.median(probe_d):.3f}, max {probe_d.max():.3f}  {np.round(probe_d, 2).tolist()}")
print(f"  human:      median {np.median(probe_h):.3f}, max {probe_h.max():.3f}  {np.round(probe_h, 2).tolist()}")
print(f"time: discovery {res.seconds['discovery']:.0f}s, scoring {res.seconds['scoring']:.0f}s, whole run {total:.0f}s; "
      f"{torch.get_num_threads()} thread(s); run directory {out}")
