"""Discovery on one process vs two (`torchrun`), measured in one run.

Runs `discovery_learner(...).fit_steps()` with the digits preset (`discovery_config('digits')`) for `--n_steps` meta-steps,
each process with one thread (`OMP_NUM_THREADS=1`), twice with the same total heads per update (G = 2):
- 1 process, `heads_per_step=2`;
- 2 processes started by `torchrun --standalone --nproc_per_node 2` (CPU, gloo), one head each per update.
Prints the meta-steps (and updates) per second of each, timed around `fit_steps` only (imports and data loading apart,
wall clock of the whole command beside), the speed-up, and whether the two task networks are identical bit for bit
and give the same tasks (hard labels of every head on all digits images).

With `--baseline SRC` (a checkout of the package before a change: `git archive REV taskdisc | tar -x -C SRC`) it also
times the single-process path with its default settings (one head per update, torch's thread count) on SRC and on the
current package, and compares their weights: the single-process path must not change nor slow down.

Run it alone on the machine: flock /tmp/taskdisc-cpu.lock python benchmarks/distributed_discover.py [--n_steps 64] [--baseline SRC]
"""
import argparse, hashlib, json, os, subprocess, sys, tempfile, time
from pathlib import Path

p = argparse.ArgumentParser()
p.add_argument('--n_steps', type=int, default=64)
p.add_argument('--baseline', default=None, help='source folder of the package before a change (holds taskdisc/)')
p.add_argument('--worker', default=None, help=argparse.SUPPRESS)  # output folder: run one discovery and write result.json
p.add_argument('--heads_per_step', type=int, default=None, help=argparse.SUPPRESS)
args = p.parse_args()

if args.worker:  # one discovery run, in this process (one rank of torchrun, or alone)
    import torch, torch.distributed as dist
    from taskdisc.data import load_digits_data
    try: from taskdisc.settings import discovery_config
    except ImportError: from taskdisc.objective import discovery_config  # a baseline checkout before `taskdisc.settings`
    from taskdisc.discovery import discovery_learner
    from taskdisc import distributed as D
    if hasattr(D, 'init_from_env'): D.init_from_env()
    data = load_digits_data()
    kw = {} if args.heads_per_step is None else dict(heads_per_step=args.heads_per_step)  # a baseline checkout may not know it
    learn = discovery_learner(data, discovery_config('digits', n_steps=args.n_steps), **kw)
    t0 = time.perf_counter()
    with learn.no_bar(), learn.no_logging(): learn.fit_steps()
    secs = time.perf_counter() - t0
    if not dist.is_initialized() or dist.get_rank() == 0:
        sd = learn.model.tasknet.state_dict()
        labels = learn.head_tasks(data)[1].gt(0.5).numpy()
        res = dict(seconds=secs, steps=learn.meta_step, heads_per_step=getattr(learn, 'heads_per_step', 1), threads=torch.get_num_threads(),
                   weights=hashlib.md5(b''.join(v.cpu().numpy().tobytes() for v in sd.values())).hexdigest(),
                   tasks=hashlib.md5(labels.tobytes()).hexdigest())
        Path(args.worker, 'result.json').write_text(json.dumps(res))
    if dist.is_initialized(): dist.barrier(); dist.destroy_process_group()
    sys.exit(0)

bin_dir = Path(sys.executable).parent
torchrun = str(bin_dir/'torchrun')
one_thread = {**os.environ, 'OMP_NUM_THREADS': '1'}

def run(cmd, out, env, *extra):
    out.mkdir()
    t0 = time.perf_counter()
    r = subprocess.run(cmd + [__file__, '--worker', str(out), '--n_steps', str(args.n_steps), *extra], capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t0
    if r.returncode: sys.exit(f"{' '.join(cmd)} failed ({r.returncode}):\n{r.stderr[-3000:]}")
    return dict(json.loads((out/'result.json').read_text()), wall=wall)

def line(name, r):
    return (f"{name}: {r['steps']/r['seconds']:5.2f} meta-steps/s ({r['steps']/r['heads_per_step']/r['seconds']:5.2f} updates/s), "
            f"fit {r['seconds']:6.1f} s, wall {r['wall']:6.1f} s; weights {r['weights'][:8]}, tasks {r['tasks'][:8]}")

with tempfile.TemporaryDirectory() as d:
    d = Path(d)
    one = run([sys.executable], d/'one', one_thread, '--heads_per_step', '2')
    two = run([torchrun, '--standalone', '--nproc_per_node', '2'], d/'two', one_thread)  # torchrun runs the script with this Python
    if args.baseline:
        base = run([sys.executable], d/'base', {**os.environ, 'PYTHONPATH': str(Path(args.baseline).resolve())})
        now = run([sys.executable], d/'now', dict(os.environ))

print(f"discovery, digits preset, {args.n_steps} meta-steps, 2 heads per update, 1 thread per process")
print(line('1 process,   heads_per_step=2', one))
print(line('2 processes, 1 head each     ', two))
print(f"speed-up, 2 processes vs 1: {one['seconds']/two['seconds']:.2f}x fit, {one['wall']/two['wall']:.2f}x wall")
print(f"identical task networks: {one['weights'] == two['weights']}; identical tasks: {one['tasks'] == two['tasks']}")
if args.baseline:
    print(f"single process, default settings ({now['threads']} threads, 1 head per update), before vs after the change:")
    print(line('  before', base)); print(line('  after ', now))
    print(f"  after/before time: {now['seconds']/base['seconds']:.3f} (fit); identical weights: {now['weights'] == base['weights']}")
