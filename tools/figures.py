"""Draw the documentation's pictures (nbs/images/*.png) from a discovery run and a split run.

Run: python tools/figures.py DISCOVERY_RUN SPLIT_RUN
(DISCOVERY_RUN from `taskdisc discover` or benchmarks/discovery_fidelity.py; SPLIT_RUN from `taskdisc split`
or benchmarks/splits.py on it.)
"""
import json, sys, warnings
warnings.filterwarnings('ignore')
from pathlib import Path
import pandas as pd, torch
from taskdisc.data import get_data
from taskdisc.tasks import load_tasks, human_tasks, ClassTask
from taskdisc.tasknet import TaskNet, task_labels
from taskdisc.splits import load_split
from taskdisc.viz import plot_agreement, plot_tasks, plot_task_grid, plot_similarity, plot_split, plot_curves

def main(run, split_run, dest='nbs/images'):
    run,split_run,dest = Path(run),Path(split_run),Path(dest)
    args = json.loads((run/'config.json').read_text())['args']
    data = get_data(args['dataset'])
    tn = TaskNet(args['arch'], data.shape, args['h_dim'], args['n_heads'], args['temp'], seed=args['seed'], **args['arch_kwargs'])
    tn.load_state_dict(torch.load(run/'tasknet.pt'))
    probs = task_labels(tn, data, soft=True)
    save = lambda fig, name, dpi=70: (fig.savefig(dest/name, dpi=dpi, bbox_inches='tight'), print('wrote', dest/name))
    save(plot_tasks(data, probs[:6], [f"task {h}" for h in range(min(6, len(probs)))], n=8), f"discovered_{data.name}.png")
    save(plot_task_grid(data, (probs[0] > 0.5).long(), (probs[0]-0.5).abs(), k=8, title='a discovered task: its most confident images'), 'task_grid.png')
    scores = pd.read_csv(run/'as.csv')
    save(plot_agreement(scores, title=f"{data.name}: agreement score per family"), f"as_families_{data.name}.png", 80)
    tasks = load_tasks(run/'tasks.csv')
    both = list(tasks) + list(human_tasks(data.classes, n=6))
    save(plot_similarity(torch.stack([t(data) for t in both]), [t.name for t in both]), 'similarity.png', 80)
    log = pd.DataFrame(torch.load(run/'checkpoint.pt', weights_only=False)['log'])
    save(plot_curves(log.rolling(20, min_periods=1).mean().assign(step=log.step), [c for c in log.columns if c not in ('step','head')]), 'curves.png', 80)
    sp = pd.read_csv(split_run/'splits.csv')
    t,s = sp[sp.kind == 'adversarial'][['target','split']].iloc[0]
    f = next(p for p in (split_run/'splits').glob('*.json') if (lambda d: (d.get('target'), d.get('split')))(json.loads(p.read_text())) == (t, s))
    tr,te = load_split(f, data)
    target = next(x for x in list(human_tasks(data.classes)) + [ClassTask(data.n_classes)] if x.name == t)
    save(plot_split(data, target(data), tr, te, k=4, title=f"adversarial split of {t} by {s}"), 'split.png', 70)

if __name__ == '__main__': main(*sys.argv[1:3])
