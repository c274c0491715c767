"""Time of reading a folder of 60,000 32x32 images with `taskdisc.sources.get_data`: the first read (decode and cache) and a cached read.

    python benchmarks/folder_read.py [--images 60000] [--size 32] [--format png|jpg]

Writes `--images` random-texture RGB images in 10 class sub-folders under a temporary folder in /tmp (removed
afterwards, with the cache, which goes to a temporary `TASKDISC_CACHE`), then reads the folder twice. Generating
the files is not timed. Targets (issue 13): first read <= 30 s, cached read <= 1 s, on 2 cores.
"""
import os, shutil, sys, tempfile, time
from pathlib import Path

args = sys.argv[1:]
def _opt(name, default, f=int):
    "Value of `--name VALUE` in `args`, else `default`"
    return f(args[args.index(name)+1]) if name in args else default
n,size,fmt = _opt('--images', 60000),_opt('--size', 32),_opt('--format', 'png', str)

def make_folder(root:Path, n:int, size:int, fmt:str):
    "`n` images of `size`x`size` in 10 class sub-folders: smooth random textures, brighter in higher classes"
    import torch
    from torchvision.io import encode_png, encode_jpeg
    enc = encode_png if fmt == 'png' else encode_jpeg
    g = torch.Generator().manual_seed(0)
    for c in range(10): (root/f"class{c}").mkdir(parents=True)
    for s in range(0, n, 1000):  # a batch of random textures at a time
        k = min(1000, n-s)
        x = torch.nn.functional.interpolate(torch.rand(k, 3, size//4, size//4, generator=g), size=(size,size), mode='bilinear')
        for i in range(k):
            c = (s+i) % 10
            img = (x[i]*(128 + 12*c)).clamp(0, 255).to(torch.uint8)
            (root/f"class{c}"/f"{s+i:06d}.{fmt}").write_bytes(bytes(enc(img, compression_level=1) if fmt == "png" else enc(img)))

if __name__ == '__main__':
    tmp = Path(tempfile.mkdtemp(prefix='taskdisc-folder-read-', dir='/tmp'))
    try:
        os.environ['TASKDISC_CACHE'] = str(tmp/'cache')
        t0 = time.perf_counter(); make_folder(tmp/'images', n, size, fmt)
        print(f"wrote {n:,} {size}x{size} {fmt.upper()} files in {time.perf_counter()-t0:.1f} s")
        from taskdisc.sources import get_data
        t0 = time.perf_counter(); data = get_data(str(tmp/'images')); first = time.perf_counter() - t0
        t0 = time.perf_counter(); again = get_data(str(tmp/'images')); cached = time.perf_counter() - t0
        assert (again.x == data.x).all() and (again.is_test == data.is_test).all(), "the cached read differs from the first"
        mb = sum(f.stat().st_size for f in (tmp/'cache').iterdir()) / 2**20
        print(data)
        print(f"first read (decode + cache): {first:.1f} s (target <= 30 s)")
        print(f"cached read:                 {cached:.2f} s (target <= 1 s); cache {mb:.0f} MB")
    finally: shutil.rmtree(tmp, ignore_errors=True)
