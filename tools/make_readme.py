"""Write README.md from nbs/index.ipynb without Quarto.

`nbdev_readme` renders the README with Quarto, which GitHub Actions has and an offline machine may not.
This does the same job for this project's index: markdown cells as they are, shown code cells in python
fences with their text outputs, hidden cells (`#| hide`) left out, image paths made relative to the root.
"""
import json, re, sys
from pathlib import Path

def cell_src(c): return ''.join(c['source'])

def render(nb_path:Path)->str:
    nb = json.loads(nb_path.read_text())
    out = []
    for c in nb['cells']:
        src = cell_src(c)
        if c['cell_type'] == 'markdown':
            out.append(re.sub(r'\]\((?!http)([^)]+\.(?:png|jpg|svg))\)', lambda m: f"]({nb_path.parent.name}/{m.group(1)})", src))
            continue
        if re.search(r'^#\|\s*hide', src, re.M): continue
        out.append(f"```python\n{src}\n```")
        for o in c.get('outputs', []):
            text = o.get('text') or o.get('data', {}).get('text/plain')
            if text: out.append("```\n" + ''.join(text).rstrip() + "\n```")
    return '\n\n'.join(out) + '\n'

if __name__ == '__main__':
    root = Path(__file__).resolve().parent.parent
    (root/'README.md').write_text(render(root/'nbs'/'index.ipynb'))
    print('wrote', root/'README.md')
