"""Check the package's layers: print each layer's modules and what they import, and fail on an import that goes up a
layer, an import cycle, a name imported from a module that does not define it (a re-export through a neighbour), a
module in no layer, or a line of exported code over 140 characters.

    python tools/layers.py
"""
import ast, sys
from pathlib import Path

LAYERS = {  # bottom to top: a module imports from its own layer and the layers below it
    'foundations': ['files', 'data', 'folders', 'controls', 'sources', 'tasks', 'models', 'settings'],
    'runtime': ['distributed', 'precision', 'runtime', 'testing', 'tracking'],
    'training': ['pair', 'meta', 'tasknet', 'dissimilarity', 'objective', 'discovery', 'environments', 'invariance', 'pretrain'],
    'analyses': ['agreement', 'splits', 'space', 'probes', 'viz', 'widgets', 'calibrate', 'attributes'],
    'runs': ['runs.core', 'runs.scores', 'runs.discover', 'runs.split', 'runs.map', 'runs.robust', 'runs.calibrate', 'runs.pretrain'],
    'cli': ['cli', '__main__'],
}
MAX_LINE = 140
pkg = Path(__file__).resolve().parent.parent/'taskdisc'
level = {m: i for i,ms in enumerate(LAYERS.values()) for m in ms}

def module_name(f:Path)->str: return f.relative_to(pkg).with_suffix('').as_posix().replace('/', '.')

def imports(f:Path, tree:ast.Module)->list:
    "`(module, names)` of the package's modules that `f` imports from"
    mod,res = module_name(f),[]
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the package of `f`
                base = mod.split('.')[:-node.level] if '.' in mod or node.level > 1 else []
                target = '.'.join(base + ([node.module] if node.module else []))
            elif node.module and node.module.startswith('taskdisc.'): target = node.module[len('taskdisc.'):]
            else: continue
            if target in ('', 'taskdisc'): target = '.'.join(a.name for a in node.names)  # `from . import x`
            res.append((target, [a.name for a in node.names]))
        elif isinstance(node, ast.Import):
            res += [(a.name[len('taskdisc.'):], []) for a in node.names if a.name.startswith('taskdisc.')]
    return res

def defined(tree:ast.Module)->set:
    "Names a module defines at its top level (functions, classes, assignments), not those it imports"
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)): names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            for t in (node.targets if isinstance(node, ast.Assign) else [node.target]):
                names |= {n.id for n in ast.walk(t) if isinstance(n, ast.Name)}
    return names

files = {module_name(f): f for f in sorted(pkg.rglob('*.py')) if f.name not in ('__init__.py', '_modidx.py')}
trees = {m: ast.parse(f.read_text()) for m,f in files.items()}
graph,bad = {},[]
for m in files:
    if m not in level: bad.append(f"{m} is in no layer: add it to LAYERS in tools/layers.py"); continue
    graph[m] = sorted({t for t,_ in imports(files[m], trees[m])} - {m})
    for t,names in imports(files[m], trees[m]):
        if t not in level: continue
        if level[t] > level[m]: bad.append(f"{m} ({list(LAYERS)[level[m]]}) imports {t} ({list(LAYERS)[level[t]]}): a layer up")
        for n in set(names) - defined(trees[t]) - {'*'}:
            bad.append(f"{m} imports {n} from {t}, which does not define it: import it from where it is defined")
    for i,line in enumerate(files[m].read_text().splitlines(), 1):
        if len(line) > MAX_LINE: bad.append(f"{files[m].relative_to(pkg.parent)}:{i} has {len(line)} characters (at most {MAX_LINE})")

def cycle(graph:dict):
    "A list of modules that import each other in a circle, or None"
    state = {}
    def visit(m, path):
        state[m] = 'open'
        for t in graph.get(m, []):
            if state.get(t) == 'open': return path[path.index(t):] + [t]
            if t not in state and (c := visit(t, path + [t])): return c
        state[m] = 'done'
    for m in graph:
        if m not in state and (c := visit(m, [m])): return c

if (c := cycle(graph)): bad.append(f"import cycle: {' -> '.join(c)}")
for layer,mods in LAYERS.items():
    print(f"{layer}:")
    for m in mods:
        if m in graph: print(f"  {m:16s} <- {', '.join(graph[m]) or '-'}")
if bad: sys.exit('layers:\n' + '\n'.join(f"  {b}" for b in bad))
print("layers: no import goes up a layer, no cycle, every name imported from where it is defined")
