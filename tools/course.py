"""Student and teacher versions of the tutorials (nbs/tutorials/*.ipynb), made from directives in the notebooks.

Run: python tools/course.py [--execute] [--executed DIR] [--out course] [--only 01,03]

The tutorials are the one source: nothing under course/ is kept by hand (it is git-ignored). Two versions:

- teacher: every cell, with solutions, answer keys and the hidden checks;
- student: no hidden cells (`#| hide`: checks and clean-up), no teacher cells, and each `#| solution` cell cut at
  its `# your code here` line (the lines above it stay: a `def` line, a print of what to work with), with a stub
  below the prompt that keeps Run All going: `...` inside a function, `name = None` for each name the solution
  assigns at the top level. The checks of the tutorials say "not answered yet" to a `None`.

Executed copies (with --executed DIR, e.g. nbs/course): the student versions run top to bottom with their outputs
stored in DIR, the teacher versions in DIR/answers, the same runs as --execute's; figures re-encoded as small PNGs,
long text cut, widget state dropped (the widgets' still pictures stay), cleaned as nbdev_clean would, and a `.notest`
file beside them (nbdev_test skips them: the tutorials are tested by running them). The docs render them and GitHub
shows their outputs; the answers are published apart from what a student reads.

Directives (nbdev ignores directives it does not know; `#| hide` is nbdev's own):

- `#| solution` (code cell): the answer to an exercise; the student version keeps only the prompt;
- `#| teacher` (code cell), or `<!-- #| teacher -->` as a markdown cell's first line: answer keys, expected figures
  with their tolerances, questionnaire answers; only in the teacher version.

--execute runs both versions top to bottom under a plain Jupyter kernel (nbclient, the kernel `python3`), each
in its own folder as working directory and with a temporary folder of its own as TMPDIR (removed afterwards),
prints the time each took, stores the outputs in the copies under --out, and fails if one raises or takes longer
than --max_minutes. All the notebooks of one invocation share one fresh cache folder (`TASKDISC_CACHE`, removed
afterwards): tutorials 3, 6 and 7 read the discovery run that tutorial 2 keeps there (each runs the same discovery
itself when it is missing, e.g. with --only 03), so a whole course discovers once per version of tutorial 2.
--cache DIR keeps that folder between invocations instead (e.g. --only 02, then --only 03,06,07 reading its run).
"""
import argparse, ast, contextlib, copy, json, os, re, shutil, signal, sys, tempfile, textwrap, time
from pathlib import Path
import nbformat

root = Path(__file__).resolve().parents[1]
_direc = re.compile(r'^\s*#\|\s*(.*?)\s*$')
_md_teacher = re.compile(r'^\s*<!--\s*#\|\s*teacher\s*-->\s*$')
prompt = '# your code here'
course_directives = {'solution', 'teacher'}

def directives(cell)->dict:
    "The leading `#|` directives of a code cell, as nbdev reads them (`{'hide': [], 'eval:': ['false']}`)"
    if cell.cell_type == 'markdown':
        first = cell.source.split('\n', 1)[0]
        return {'teacher': []} if _md_teacher.match(first) else {}
    res = {}
    for line in cell.source.splitlines():
        if not line.strip(): continue
        m = _direc.match(line)
        if not m: break
        words = m.group(1).split()
        if words: res[words[0]] = words[1:]
    return res

def strip_directives(cell, names)->None:
    "Remove the leading directive lines named in `names` from a cell"
    if cell.cell_type == 'markdown':
        lines = cell.source.split('\n')
        if lines and _md_teacher.match(lines[0]): cell.source = '\n'.join(lines[1:]).lstrip('\n')
        return
    lines,i = cell.source.split('\n'),0
    out = []
    for i,line in enumerate(lines):
        m = _direc.match(line)
        if not m and line.strip(): out += lines[i:]; break
        if m and m.group(1).split()[:1] and m.group(1).split()[0] in names: continue
        out.append(line)
    cell.source = '\n'.join(out)

def assigned_names(code:str)->list:
    "Names a piece of top-level code binds (assignments, `def`, `class`, `for` targets, imports), in order"
    names = []
    def add(t):
        if isinstance(t, ast.Name) and t.id not in names: names.append(t.id)
        elif isinstance(t, (ast.Tuple, ast.List)):
            for e in t.elts: add(e)
    for node in ast.parse(code).body:
        if isinstance(node, (ast.Assign,)): [add(t) for t in node.targets]
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)): add(node.target)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)): add(ast.Name(node.name))
        elif isinstance(node, ast.For): add(node.target)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for a in node.names: add(ast.Name((a.asname or a.name).split('.')[0]))
    return names

def student_stub(source:str)->str:
    "A `#| solution` cell as the student sees it: the lines above `# your code here`, the prompt, and a stub"
    lines = source.split('\n')
    at = next((i for i,l in enumerate(lines) if l.strip().startswith('# your code')), None)
    if at is None: head,body,ind = [],lines,''
    else: head,body,ind = lines[:at],lines[at+1:],re.match(r'\s*', lines[at]).group(0)
    body = [l for l in body if not _direc.match(l)]
    if ind:  # inside a function (or a block): a body that returns None
        return '\n'.join(head + [ind + prompt, ind + '...'])
    names = assigned_names(textwrap.dedent('\n'.join(body)))
    return '\n'.join(head + [prompt] + [f"{n} = None" for n in names])

def make_version(nb, kind:str):
    "The `kind` ('teacher' or 'student') version of a tutorial notebook: a new notebook without outputs"
    nb = copy.deepcopy(nb)
    cells = []
    for cell in nb.cells:
        d = directives(cell)
        if kind != 'teacher' and ('teacher' in d or 'hide' in d): continue
        if cell.cell_type == 'code':
            cell.outputs,cell.execution_count = [],None
            if kind == 'student' and 'solution' in d:
                strip_directives(cell, course_directives | {'hide'})
                cell.source = student_stub(cell.source)
        strip_directives(cell, course_directives | {'hide'})
        if cell.source.strip(): cells.append(cell)
    nb.cells = cells
    nb.metadata.pop('widgets', None)
    nb.metadata['kernelspec'] = {'display_name': 'Python 3', 'language': 'python', 'name': 'python3'}
    return nb

def tutorials(only=None)->list:
    nbs = sorted(p for p in (root/'nbs'/'tutorials').glob('[0-9]*.ipynb') if not p.name.startswith('_'))
    if only: nbs = [p for p in nbs if any(p.name.startswith(o) for o in only)]
    return nbs

def write_versions(out:Path, kinds=('student','teacher'), only=None)->list:
    "Write every tutorial's versions under `out/<kind>/`; returns the paths written"
    written = []
    for kind in kinds:
        d = out/kind
        d.mkdir(parents=True, exist_ok=True)
        if not only:  # a full run leaves no notebook of a tutorial that no longer exists
            for old in d.glob('*.ipynb'): old.unlink()
        for p in tutorials(only):
            nb = make_version(nbformat.read(p, as_version=4), kind)
            nbformat.write(nb, d/p.name)
            written.append(d/p.name)
    return written

@contextlib.contextmanager
def cpu_lock(path=None):
    "Hold an exclusive `flock` on `path` (nothing when `None`), so heavy jobs on a shared machine run one at a time"
    if path is None: yield; return
    import fcntl
    with open(path, 'a') as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try: yield
        finally: fcntl.flock(f, fcntl.LOCK_UN)

def execute(path:Path, timeout:int=600, store:Path=None, lock=None)->float:
    "Run a notebook top to bottom under the `python3` kernel in its own folder; seconds taken. Raises on an error"
    from nbclient import NotebookClient
    nb = nbformat.read(path, as_version=4)
    tmp = Path(tempfile.mkdtemp(prefix='taskdisc-course-'))
    env_old = os.environ.get('TMPDIR')
    os.environ['TMPDIR'] = str(tmp)  # the kernel inherits it: the tutorials' temporary folders go here
    os.environ.setdefault('MPLBACKEND', 'module://matplotlib_inline.backend_inline')
    try:
        with cpu_lock(lock):
            start = time.time()
            NotebookClient(nb, timeout=timeout, kernel_name='python3', resources={'metadata': {'path': str(path.parent)}}).execute()
            secs = time.time() - start
    finally:
        if env_old is None: os.environ.pop('TMPDIR', None)
        else: os.environ['TMPDIR'] = env_old
        shutil.rmtree(tmp, ignore_errors=True)
    if store is not None: nbformat.write(small_outputs(nb), store)
    return secs

def small_png(b64:str, max_width:int=800, colors:int=96)->str:
    "A base64 PNG on a white background, at most `max_width` pixels wide, in `colors` colours: a third of the bytes or less"
    import base64, io
    from PIL import Image
    im = Image.open(io.BytesIO(base64.b64decode(b64))).convert('RGBA')
    bg = Image.new('RGBA', im.size, 'white'); bg.alpha_composite(im); im = bg.convert('RGB')
    if im.width > max_width: im = im.resize((max_width, round(im.height*max_width/im.width)), Image.LANCZOS)
    buf = io.BytesIO(); im.quantize(colors, method=Image.Quantize.MEDIANCUT).save(buf, 'png', optimize=True)
    out = base64.b64encode(buf.getvalue()).decode()
    return out if len(out) < len(b64) else b64

def plotly_html(data:dict)->str:
    "HTML of a plotly figure's display data that loads plotly.js from its CDN (kilobytes, where the inline copy is megabytes)"
    import plotly.io as pio
    fig = pio.from_json(json.dumps(data['application/vnd.plotly.v1+json']))
    return pio.to_html(fig, include_plotlyjs='cdn', full_html=False)

# warnings of the pinned libraries that a reader can do nothing about: fastai's layers call torch.jit.script at import
_quiet = re.compile(r'^[^\n]*FutureWarning: `torch\.jit\.script` is deprecated[^\n]*\n\s*warnings\.warn\(\n?', re.M)

def small_outputs(nb, max_text:int=4000):
    "Keep outputs small for git and the docs: long text cut, known library warnings dropped, PNGs re-encoded (`small_png`), widget state dropped (the still picture stays)"
    for cell in nb.cells:
        if cell.cell_type != 'code': continue
        for o in cell.outputs:
            if o.get('output_type') == 'stream' and o.get('name') == 'stderr': o.text = _quiet.sub('', o.text)
            if o.get('output_type') == 'stream' and len(o.text) > max_text: o.text = o.text[:max_text] + '\n[... cut]\n'
            data = o.get('data', {})
            data.pop('application/vnd.jupyter.widget-view+json', None)
            if 'text/html' in data and len(''.join(data['text/html'])) > 50_000: data.pop('text/html')
            if 'application/vnd.plotly.v1+json' in data and 'text/html' not in data: data['text/html'] = plotly_html(data)
            if 'image/png' in data: data['image/png'] = small_png(data['image/png'])
        cell.outputs = [o for o in cell.outputs if (o.get('output_type') != 'display_data' or o.get('data')) and (o.get('output_type') != 'stream' or o.text)]
    nb.metadata.pop('widgets', None)
    return nb

def store_copy(nb, dest:Path, kind:str, source:Path):
    "An executed version as the docs copy `dest`: a note on where it comes from, small outputs, cleaned as `nbdev_clean` would"
    nb = small_outputs(copy.deepcopy(nb))
    what = "The teacher version (with the answers)" if kind == 'teacher' else "The student version"
    note = nbformat.v4.new_markdown_cell(f"*{what} of `nbs/tutorials/{source.name}`, run top to bottom with its outputs "
                                         f"stored, made by `python tools/course.py --execute --executed nbs/course`: edit the "
                                         f"source, not this copy.*")
    i = next((i for i,c in enumerate(nb.cells) if c.cell_type == 'markdown' and c.source.startswith('# ')), -1)
    if kind == 'teacher' and i >= 0:  # a title of its own in the docs' sidebar
        first,_,rest = nb.cells[i].source.partition('\n')
        nb.cells[i].source = f"{first} (answer key)\n{rest}"
    nb.cells.insert(i + 1, note)
    dest.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, dest)
    (dest.parent/'.notest').touch()
    from nbdev.clean import nbdev_clean
    cwd = os.getcwd(); os.chdir(root)  # nbdev reads settings.ini from here
    try: nbdev_clean.__wrapped__(fname=str(dest))
    finally: os.chdir(cwd)

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--out', default=str(root/'course'), help="folder for student/ and teacher/ (git-ignored)")
    ap.add_argument('--only', default='', help="comma-separated tutorial number prefixes, e.g. 01,03")
    ap.add_argument('--kinds', default='student,teacher', help="versions to write and run, in this order")
    ap.add_argument('--execute', action='store_true', help="run both versions top to bottom under a plain Jupyter kernel")
    ap.add_argument('--executed', default=None, help="store executed copies for the docs: student versions in this folder, teacher versions in its answers/ (implies --execute)")
    ap.add_argument('--timeout', type=int, default=600, help="seconds a cell may take (ExecutePreprocessor.timeout)")
    ap.add_argument('--max_minutes', type=float, default=10, help="minutes a whole version may take")
    ap.add_argument('--cache', default=None, help="the shared cache folder, kept afterwards (default: a fresh one, removed)")
    ap.add_argument('--lock', default=None, help="a file to flock around each notebook's run (a machine shared with other heavy jobs)")
    a = ap.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # `kill` stops the run (and its kernel), not just one notebook
    only = [o for o in a.only.split(',') if o]
    out = Path(a.out)
    written = write_versions(out, kinds=a.kinds.split(','), only=only)
    print(f"wrote {len(written)} notebooks under {out}")
    failed = []
    dest = Path(a.executed) if a.executed else None
    def run(p):
        try:
            secs = execute(p, a.timeout, p, a.lock)  # the executed copy replaces the blank one: open it to see the outputs
            ok = secs <= 60*a.max_minutes
            print(f"{p.parent.name:8s} {p.name:40s} {secs:6.1f} s{'' if ok else '  OVER ' + str(a.max_minutes) + ' min'}", flush=True)
            if not ok: failed.append(p)
            elif dest is not None:
                store_copy(nbformat.read(p, as_version=4), dest/('answers' if p.parent.name == 'teacher' else '')/p.name, p.parent.name,
                           root/'nbs'/'tutorials'/p.name)
        except Exception as e:
            print(f"{p.parent.name:8s} {p.name:40s} FAILED: {str(e).strip().splitlines()[-1] if str(e).strip() else type(e).__name__}", flush=True)
            failed.append(p)
    if a.execute or dest is not None:
        cache = Path(a.cache) if a.cache else Path(tempfile.mkdtemp(prefix='taskdisc-course-cache-'))
        old = os.environ.get('TASKDISC_CACHE')
        os.environ['TASKDISC_CACHE'] = str(cache)  # shared by every notebook of this invocation (see the docstring)
        try:
            for p in written: run(p)
        finally:
            if old is None: os.environ.pop('TASKDISC_CACHE', None)
            else: os.environ['TASKDISC_CACHE'] = old
            if not a.cache: shutil.rmtree(cache, ignore_errors=True)
    if failed:
        print(f"{len(failed)} failed: {', '.join(f'{p.parent.name}/{p.name}' for p in failed)}", file=sys.stderr)
        sys.exit(1)

if __name__ == '__main__': main()
