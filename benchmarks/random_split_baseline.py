"""How well does a CPU-sized network do on a *random* split of a 2-way target? The ceiling of the splits benchmark.

Issue 4's CIFAR-10 target asks for random-split test accuracy >= 0.75 on 2-way human-labelled targets before an
adversarial split can show its effect. This trains one pair of networks (`taskdisc.splits.split_accuracy`) on a
seeded random split of the whole data set, with augmentation and a fixed number of epochs (no early stop), and
prints both networks' test accuracy and the time.

Run: TASKDISC_CIFAR10=../shared/data/cifar10.tgz python benchmarks/random_split_baseline.py \
         [--n_train 30000] [--n_test 5000] [--epochs 12] [--width 32] [--in_pool 2] [--threads 2]
"""
import argparse, time, warnings
warnings.filterwarnings('ignore', message='`torch.jit.script` is deprecated')
import torch
from taskdisc.sources import get_data
from taskdisc.tasks import human_tasks
from taskdisc.splits import random_split_idxs, split_accuracy
from taskdisc.settings import get_protocol

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--dataset', default='cifar10'); p.add_argument('--n_train', type=int, default=30000)
    p.add_argument('--n_test', type=int, default=5000); p.add_argument('--epochs', type=int, default=12)
    p.add_argument('--width', type=int, default=32, help='the CNN has widths w, 2w, 4w')
    p.add_argument('--in_pool', type=int, default=2, help='average-pool the input first (2: 32x32 -> 16x16)')
    p.add_argument('--threads', type=int, default=2); p.add_argument('--seed', type=int, default=0)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    data = get_data(a.dataset)
    target = human_tasks(data.classes, n=1, seed=a.seed)[0]
    tr,te = random_split_idxs(len(data), a.n_train, seed=a.seed, n_test=a.n_test)
    w = a.width
    proto = get_protocol(data.name, arch='cnn', arch_kwargs=dict(widths=(w,2*w,4*w), head='flat', in_pool=a.in_pool),
                         augment=True, fit_acc=1.01, max_epochs=a.epochs)  # fit_acc > 1: always train all epochs
    t0 = time.time()
    accs = split_accuracy(data, target(data), tr, te, proto, seed=a.seed)
    print(f"{data.name}, target {target.name}: random split {a.n_train} train / {a.n_test} test, CNN {w}-{2*w}-{4*w}, "
          f"in_pool {a.in_pool}, augmentation, {a.epochs} epochs of Adam {proto.lr}, {a.threads} threads")
    print(f"test accuracy of the two networks: {accs[0]:.3f}, {accs[1]:.3f} (mean {sum(accs)/2:.3f}); {time.time()-t0:.0f}s")

if __name__ == '__main__': main()
