"""What each discovered task follows (issue 29): alignment of a discovery run's tasks with every known attribute.

Reads `taskdisc discover` run folders (their `tasks.csv`, and `as.csv` for the agreement scores) and prints, per run and
per discovered task: its agreement score, its alignment with every attribute of the images (`taskdisc.attributes`:
balanced accuracy of the attribute's best grouping of values, and the normalized mutual information), the task's name
from the grouping it follows best, and the report `discover` prints ("task X follows colour: 0.97", alignment >= 0.9).
The tasks are evaluated on the data set's held-out (test-split) images, or on every image when it has no test split
(digits) or with `--images all`.

    TASKDISC_CIFAR10=path/to/cifar10.tgz taskdisc discover --dataset cifar10 --n_human 1 --n_random 1 --seed 0 --out R/cifar10
    python benchmarks/alignment.py R/cifar10                      # CIFAR-10: best class grouping per task, on the 10,000 test images
    python benchmarks/alignment.py R/unreg                        # the colour control (benchmarks/regulated.py's runs)
"""
import argparse, json
from pathlib import Path
import numpy as np, pandas as pd
from taskdisc.sources import get_data
from taskdisc.tasks import load_tasks
from taskdisc.attributes import alignment_table, task_alignment, task_names, follows_report

p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
p.add_argument('runs', nargs='+', help='taskdisc discover run folders')
p.add_argument('--images', default='heldout', choices=['heldout', 'all'], help="the data set's test split (every image if it has none), or every image")
p.add_argument('--threshold', type=float, default=0.9, help='alignment from which a task follows an attribute')
a = p.parse_args()

data = {}
for r in map(Path, a.runs):
    ds = json.loads((r/'config.json').read_text())['args']['dataset']
    d = data.setdefault(ds, get_data(ds))
    which = 'heldout' if a.images == 'heldout' and d.is_test.any() else 'all'
    if which == 'heldout': d = d.subset(np.flatnonzero(d.is_test.numpy()))
    tasks = load_tasks(r/'tasks.csv', family='discovered', quiet=True)
    tab = alignment_table(tasks, d)
    w = task_alignment(tab).add_suffix(' align')
    w = w.join(task_alignment(tab, metric='nmi').add_suffix(' nmi'))
    sc = pd.read_csv(r/'as.csv') if (r/'as.csv').exists() else None
    if sc is not None: w.insert(0, 'agreement', sc[sc.family == 'discovered'].set_index('task').agreement.reindex(w.index).values)
    w['follows best'] = task_names(tasks, d)
    print(f"{r} ({ds}, {len(tasks)} discovered tasks, {which} images: {len(d):,}):")
    print(w.to_string(float_format=lambda v: f"{v:.3f}"))
    best = w.filter(like=' align')
    print(f"median alignment: " + ', '.join(f"{c[:-6]} {v:.3f}" for c,v in best.median().items()) +
          f"; tasks at >= {a.threshold}: " + ', '.join(f"{c[:-6]} {int((best[c] >= a.threshold).sum())}/{len(best)}" for c in best))
    print(follows_report(tab, a.threshold), '\n')
