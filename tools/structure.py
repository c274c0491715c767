"""Check the package's structure: no module over 300 lines, none importing more than 5 other taskdisc modules.

    python tools/structure.py
"""
import re, sys
from pathlib import Path

MAX_LINES, MAX_SIBLINGS = 300, 5
pkg = Path(__file__).resolve().parent.parent/'taskdisc'
bad = []
for f in sorted(pkg.rglob('*.py')):
    if f.name in ('__init__.py', '_modidx.py'): continue
    mod = f.relative_to(pkg).with_suffix('').as_posix().replace('/', '.')
    text = f.read_text()
    deps = sorted(set(re.findall(r'^\s*from (?:taskdisc|\.+)\.?([\w.]+) import', text, re.M)) - {mod, ''})
    n = len(text.splitlines())
    flag = ' <-- too long' if n > MAX_LINES else ''
    flag += ' <-- too many imports' if len(deps) > MAX_SIBLINGS else ''
    print(f"{mod:16s} {n:4d} lines  imports {len(deps)}: {', '.join(deps)}{flag}")
    if flag: bad.append(mod)
if bad: sys.exit(f"structure: {', '.join(bad)} over the limits ({MAX_LINES} lines, {MAX_SIBLINGS} sibling imports)")
