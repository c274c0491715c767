"""Regulated discovery on the colour control (issue 30): what the discovered tasks follow, unregulated vs regulated.

Reads `taskdisc discover` run folders (and the `taskdisc pretrain` folder each used, from its config.json) and prints,
per run: the median agreement score of the discovered and of the human-labelled tasks, each discovered task's
alignment with the colour and with the class (`taskdisc.attributes`), the number of tasks that follow colour
(alignment >= 0.9), and the encoder's linear-probe accuracy on class and colour. The runs are made by (one at a time):

    taskdisc discover --dataset digits-colour --out R/unreg
    taskdisc pretrain --dataset digits-colour --augment crop,flip,jitter,gray --out R/enc-jitter
    taskdisc discover --dataset digits-colour --encoder R/enc-jitter --out R/reg-jitter
    taskdisc pretrain --dataset digits-colour --augment crop,flip --out R/enc-nojitter
    taskdisc discover --dataset digits-colour --encoder R/enc-nojitter --out R/reg-nojitter
    python benchmarks/regulated.py R/unreg R/reg-jitter R/reg-nojitter [--tasks]
"""
import argparse, json
from pathlib import Path
import pandas as pd, torch
from taskdisc.sources import get_data
from taskdisc.attributes import task_alignment, task_names

p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
p.add_argument('runs', nargs='+', help='taskdisc discover run folders')
p.add_argument('--tasks', action='store_true', help='also print every discovered task')
a = p.parse_args()

rows,data = [],{}
for r in map(Path, a.runs):
    cfg = json.loads((r/'config.json').read_text())
    ds = cfg['args']['dataset']
    d = data.setdefault(ds, get_data(ds))
    tab = pd.read_csv(r/'tasks.csv')
    names = list(tab.columns[1:])
    labels = torch.tensor(tab.iloc[:, 1:].values.T)
    w = task_alignment(labels, d, names=names)
    sc = pd.read_csv(r/'as.csv')
    disc = sc[sc.family == 'discovered'].set_index('task').agreement
    enc = cfg['args'].get('encoder')
    probe = json.loads((Path(enc)/'config.json').read_text())['probe']['pretrained'] if enc else {}
    aug = json.loads((Path(enc)/'config.json').read_text())['args']['augment'] if enc else '-'
    rows.append(dict(run=r.name, encoder=aug, discovered_as=disc.median(), human_as=sc[sc.family == 'human'].agreement.median(),
                     colour_median=w['colour'].median(), class_median=w['class'].median(),
                     follow_colour=f"{int((w['colour'] >= 0.9).sum())}/{len(w)}", probe_class=probe.get('class'),
                     probe_colour=probe.get('colour')))
    if a.tasks:
        w.insert(0, 'agreement', disc.reindex(w.index).values); w['name'] = task_names(labels, d, names=names)
        print(f"{r}:\n{w.to_string(float_format=lambda v: f'{v:.3f}')}\n")
print(pd.DataFrame(rows).to_string(index=False, float_format=lambda v: f"{v:.3f}"))
