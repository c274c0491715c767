"""Calibration of the agreement-score protocol on three generated image folders (issue 13).

    python benchmarks/calibrate.py [--folders A,B,C] [--minutes 6] [--threads 2] [--check 4]
    python benchmarks/calibrate.py --discover A [--threads 2]

Generates (with `taskdisc.calibrate.make_image_folder`, stripes whose orientation and tone make the class) three
folders under a temporary folder in /tmp, removed afterwards with their cache:

- A: 3,000 RGB images of 32x32, 4 classes;
- B: 2,000 grayscale images of 28x28, 8 classes;
- C: 1,500 RGB images of 64x64, 6 classes.

Per folder it prints the derived (default) protocol, then runs `taskdisc.runs.calibrate.run_calibrate` with a budget of
`--minutes` (3 human-labelled and 3 random-labelled tasks per setting) and prints its table, the default (`base`)
and the calibrated gap (median human - median random AS) and the calibration minutes. The gaps of the table are
measured on the tasks the choice was made on; `--check N` then scores N other human-labelled and N other
random-labelled tasks (seed 1) under the default and the calibrated protocol, a measurement without the selection's
optimism. Targets: calibrated gap >= 0.25 and >= the default's, calibration <= 10 minutes per folder, on 2 cores.

`--discover A` instead runs the main job, `taskdisc discover` with its defaults (the derived protocol and discovery
settings), on folder A and prints its estimated and its measured time (target: <= 10 minutes on 2 cores).
"""
import os, shutil, sys, tempfile, time
from pathlib import Path

args = sys.argv[1:]
def _opt(name, default, f=int):
    "Value of `--name VALUE` in `args`, else `default`"
    return f(args[args.index(name)+1]) if name in args else default

folders = {'A': dict(n_images=3000, size=32, channels=3, n_classes=4), 'B': dict(n_images=2000, size=28, channels=1, n_classes=8),
           'C': dict(n_images=1500, size=64, channels=3, n_classes=6)}

def gap(df)->float:
    "Median human - median random agreement of unflagged tasks"
    m = df[~df.flagged].groupby('family').agreement.median()
    return m.get('human', float('nan')) - m.get('random', float('nan'))

if __name__ == '__main__':
    names,minutes,threads,check = _opt('--folders', 'A,B,C', str).split(','),_opt('--minutes', 6., float),_opt('--threads', 2),_opt('--check', 4)
    tmp = Path(tempfile.mkdtemp(prefix='taskdisc-calibrate-', dir='/tmp'))
    os.environ['TASKDISC_CACHE'] = str(tmp/'cache')
    import torch, pandas as pd
    from taskdisc.calibrate import make_image_folder
    from taskdisc.runs.calibrate import run_calibrate
    from taskdisc.sources import get_data
    from taskdisc.settings import data_protocol
    from taskdisc.runtime import use_runtime
    from taskdisc.tasks import baseline_tasks
    from taskdisc.agreement import agreement_scores
    torch.set_num_threads(threads)
    rows = []
    try:
        if '--discover' in args:
            from taskdisc.runs.discover import run_discover
            from taskdisc.settings import data_config, describe
            from taskdisc.runs.core import estimate_seconds
            k = _opt('--discover', 'A', str)
            path = make_image_folder(tmp/k, **folders[k])
            data = get_data(str(path)); proto,src = data_protocol(data); cfg,_ = data_config(data, proto, src)
            with use_runtime(threads=threads):
                est = estimate_seconds(data, proto, cfg, 8 + 8 + cfg.n_heads)
                print(describe(proto, cfg, src, est), flush=True)
                res = run_discover(str(path), tmp/'disc', show=False)
            print(res.report())
            print(f"estimated {est['total']:.0f} s (discovery {est['discovery']:.0f}, scoring {est['scoring']:.0f}); "
                  f"measured {res.seconds['total']:.0f} s (discovery {res.seconds['discovery']:.0f}, scoring {res.seconds['scoring']:.0f})")
            sys.exit(0)
        for k in names:
            spec = folders[k]
            path = make_image_folder(tmp/k, **spec)
            data = get_data(str(path))
            base,_ = data_protocol(data)
            print(f"\n== folder {k}: {spec['n_images']} images {spec['channels']}x{spec['size']}x{spec['size']}, {spec['n_classes']} classes")
            print(f"derived protocol: n_train {base.n_train}, n_holdout {base.n_holdout}, bs {base.bs}, {base.arch_kwargs}")
            t0 = time.time()
            with use_runtime(threads=threads): table,proto,out = run_calibrate(str(path), minutes, 3, tmp/f'cal-{k}', show=False)
            cal_min = (time.time() - t0)/60
            print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
            t = table.set_index('setting'); best = t.index[t.chosen][0]
            row = dict(folder=k, default_gap=t.gap['base'], calibrated_gap=t.gap[best], chosen=best, calibration_min=cal_min)
            if check:
                tasks = baseline_tasks(data, check, check, seed=1)
                row['check_default_gap'] = gap(agreement_scores(tasks, data, base, seed=1, show=False))
                row['check_calibrated_gap'] = row['check_default_gap'] if best == 'base' else gap(agreement_scores(tasks, data, proto, seed=1, show=False))
            row['check_min'] = (time.time() - t0)/60 - cal_min
            rows.append(row)
            print(' '.join(f"{a}={v:.3f}" if isinstance(v, float) else f"{a}={v}" for a,v in row.items()), flush=True)
    finally: shutil.rmtree(tmp, ignore_errors=True)
    res = pd.DataFrame(rows)
    print('\n' + res.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    ok = (res.calibrated_gap >= 0.25) & (res.calibrated_gap >= res.default_gap) & (res.calibration_min <= 10)
    print(f"targets (calibrated gap >= 0.25 and >= default, calibration <= 10 min) met on {int(ok.sum())} of {len(res)} folders")
