"""Does the meta-objective rank tasks the way the agreement score does?

Discovery never sees the agreement score (AS) itself: it maximizes the agreement of two networks trained for only
T unrolled SGD steps (`taskdisc.meta.unrolled_agreement`), a proxy. This script scores human-labelled,
random-labelled and a run's discovered tasks with that proxy, for several T, and prints it next to the run's real AS
(`as.csv`, networks trained until they fit their labels).

    python benchmarks/meta_proxy.py RUN_DIR [--T 10,50] [--draws 4] [--threads 2]

RUN_DIR is a `taskdisc discover` output. `taskdisc.probes.proxy_agreement` scores each task with the run's own
inner networks, learning rate, batch sizes and image split (its config.json), on the batches of the run's first
`--draws` meta-steps (T training batches and one held-out batch each). Prints, per T and family, the median over
tasks of the held-out agreement and the mean agreement cross-entropy (the meta-loss).
"""
import json, sys, time, warnings
from pathlib import Path
warnings.filterwarnings('ignore')
import numpy as np, pandas as pd, torch
from taskdisc.sources import get_data
from taskdisc.tasks import human_tasks, random_tasks, load_tasks
from taskdisc.settings import DiscoveryConfig, upgrade
from taskdisc.probes import proxy_agreement

args = sys.argv[1:]
def _opt(name, default):
    "Value of `--name VALUE` in `args` (removed from them), else `default`"
    if name not in args: return default
    i = args.index(name); v = args[i+1]; del args[i:i+2]; return v
Ts,draws,threads = [int(t) for t in _opt('--T', '10,50').split(',')],int(_opt('--draws', 4)),int(_opt('--threads', 2))
if len(args) != 1: sys.exit(__doc__)
run = Path(args[0])
if not (run/'config.json').exists(): sys.exit(f"{run} has no config.json; pass the --out directory of a `taskdisc discover` run")
torch.set_num_threads(threads)

conf = json.loads((run/'config.json').read_text())
saved = upgrade(conf.get('discovery') or conf['args'], DiscoveryConfig)  # the resolved settings; a run before `taskdisc.settings` kept them in `args`
cfg = DiscoveryConfig(**{k: v for k,v in saved.items() if k in DiscoveryConfig.__dataclass_fields__})
data = get_data(cfg.dataset)
fams = {'human': human_tasks(data.classes, n=8, seed=cfg.seed), 'random': random_tasks(8, seed=cfg.seed),
        'discovered': load_tasks(run/'tasks.csv', family='discovered')}
labels = {f: torch.stack([t(data) for t in ts]) for f,ts in fams.items()}
real = pd.read_csv(run/'as.csv').groupby('family').agreement.median() if (run/'as.csv').exists() else {}

print(f"{run}: {cfg.dataset}, inner {cfg.inner_arch} {cfg.inner_kwargs}, inner lr {cfg.inner_lr}, bs {cfg.bs} "
      f"(split between the networks: {cfg.split_batch}), held-out batch {cfg.holdout_bs}, meta-steps 0..{draws-1} per task; "
      f"{threads} thread(s)")
print("real AS (as.csv, medians): " + ', '.join(f"{f} {real[f]:.3f}" for f in fams if f in real))
rows = []
for T in Ts:
    t0 = time.time()
    for fam,Y in labels.items():
        pa = proxy_agreement(Y, data, cfg, T=T, draws=draws)
        rows.append(dict(T=T, family=fam, proxy_agreement=pa.agreement.median(), meta_loss=pa.meta_loss.mean(), real_as=real.get(fam, np.nan)))
    print(f"T={T}: {time.time()-t0:.0f}s", flush=True)
res = pd.DataFrame(rows)
print(res.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
for T in Ts:
    r = res[res['T'] == T].set_index('family')
    print(f"T={T}: the proxy ranks human {'above' if r.proxy_agreement['human'] > r.proxy_agreement['discovered'] else 'below'} discovered "
          f"(agreement {r.proxy_agreement['human']:.3f} vs {r.proxy_agreement['discovered']:.3f}; "
          f"meta-loss {r.meta_loss['human']:.3f} vs {r.meta_loss['discovered']:.3f}); random {r.proxy_agreement['random']:.3f}, {r.meta_loss['random']:.3f}")
