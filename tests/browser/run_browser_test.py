#!/usr/bin/env python
"""Browser test of taskdisc's widgets: serve `widgets_demo.ipynb` with Voila on 127.0.0.1, drive Debian's
headless Chromium with Playwright, click through `TaskBrowser` and `TaskQuiz`, and save screenshots. Then the
interactive map: `map.html` of a small `taskdisc map` run, served as a plain file from 127.0.0.1 with every other
host refused (plotly's JavaScript must be inside the file), hovered on the end point of a task's trajectory.

Prints one line per check and then `browser: N passed, M failed`; exits 1 on any failure. Stops by itself:
every wait is bounded by what is left of `--timeout` seconds, and a watchdog ends the run past it.
Install what it needs with `bash tests/browser/install.sh`."""
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
import argparse, os, re, signal, socket, subprocess, sys, tempfile, threading, time, traceback
from pathlib import Path

here = Path(__file__).resolve().parent
root = here.parent.parent
checks = ['taskbrowser', 'quiz', 'map']
# no GPU, no sandbox (root in a container), and nothing that phones home: the only traffic is to 127.0.0.1
chrome_args = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
               '--disable-background-networking', '--disable-component-update', '--disable-sync',
               '--disable-dev-shm-usage', '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1']

servers = []  # for the watchdog to kill

def expected_result()->str:
    "The quiz result after one 'class 0' answer, computed without a browser from the quiz widgets_demo.ipynb builds"
    import warnings; warnings.filterwarnings('ignore', category=FutureWarning)  # torch.jit notes at import
    from taskdisc.data import load_digits_data
    from taskdisc.tasks import human_tasks
    from taskdisc.widgets import TaskQuiz
    digits = load_digits_data()
    q = TaskQuiz(digits, human_tasks(digits.classes, n=2)[0], n_examples=4, n_questions=3)
    q.answer(0)
    return f"1 answered, {q.score():.0%} correct"

def map_run(out:Path)->Path:
    "A small `taskdisc map` run on digits (2 human-labelled and 2 random-labelled tasks, a short protocol) into `out`"
    import warnings; warnings.filterwarnings('ignore', category=FutureWarning)
    from taskdisc.runs.map import run_map
    return run_map(n_human=2, n_random=2, n_points=4, out=out, show=False, n_train=300, n_holdout=100, max_epochs=4).out  # not `use_runtime`:
    # it sets signal handlers, which only the main thread may

def log(msg): print(msg, flush=True)

def summary(n_pass, n_fail):
    log(f"browser: {n_pass} passed, {n_fail} failed")

class Deadline:
    "Seconds left of the run's time budget, for bounding each wait"
    def __init__(self, total): self.end = time.monotonic() + total
    def left(self): return max(0.0, self.end - time.monotonic())
    def ms(self, cap=None): return 1000 * min(self.left(), cap or float('inf'))

def wait_until(f, deadline, what, cap=30, every=0.2):
    "Call `f` until it returns something truthy; fail with `what` once `cap` seconds (or the budget) run out"
    end = time.monotonic() + min(cap, deadline.left())
    while True:
        res = f()
        if res: return res
        if time.monotonic() > end: raise AssertionError(f"timed out waiting for {what}")
        time.sleep(every)

# ---------------------------------------------------------------- server

def free_port()->int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0)); return s.getsockname()[1]

def port_open(port)->bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(('127.0.0.1', port)) == 0

def start_voila(nb:Path, port:int, tmp:Path, out):
    "Voila serving `nb` on 127.0.0.1:`port`, in its own process group so kernels die with it"
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(tmp/'config'), JUPYTER_DATA_DIR=str(tmp/'data'),
               JUPYTER_RUNTIME_DIR=str(tmp/'runtime'),
               JUPYTER_PLATFORM_DIRS='1', MPLBACKEND='Agg', PYTHONUNBUFFERED='1')
    cmd = [sys.executable, '-m', 'voila', nb.name, '--no-browser', f'--port={port}', '--Voila.ip=127.0.0.1',
           '--show_tracebacks=True']
    return subprocess.Popen(cmd, cwd=nb.parent, env=env, stdout=out, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, start_new_session=True)

def stop(proc):
    "SIGTERM the process group, SIGKILL it if still there after 10 s"
    if proc is None or proc.poll() is not None: return
    for sig,wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        try: os.killpg(proc.pid, sig)
        except ProcessLookupError: return
        try: proc.wait(wait); return
        except subprocess.TimeoutExpired: pass

# ---------------------------------------------------------------- checks

def selected_text(select)->str:  # ipywidgets shows spaces in option labels as non-breaking ones
    return select.evaluate("el => el.options[el.selectedIndex].text").replace('\xa0', ' ')
def widget_root(page, button):
    "The outermost widget box holding `button`: the component's `self.widget`"
    return page.locator('.widget-vbox').filter(has=button).first
def screenshot(page, box, path:Path, deadline):
    "PNG of the widget `box`, the viewport grown to its height (up to 1600 px) so none of it is cut off"
    vp = page.viewport_size
    h = box.evaluate("el => el.getBoundingClientRect().height")
    page.set_viewport_size({'width': vp['width'], 'height': int(min(max(h + 20, vp['height']), 1600))})
    try: box.screenshot(path=path, timeout=deadline.ms(20))
    finally: page.set_viewport_size(vp)
def upscaled(box)->list:
    "Images shown at more than twice their size: not a failure, but worth a note"
    return box.locator('img').evaluate_all(
        "els => els.filter(e => e.clientWidth > 2*e.naturalWidth).map(e => `${e.naturalWidth}px png shown ${e.clientWidth}px wide`)")
def images_loaded(box)->bool:
    return box.locator('img').evaluate_all("els => els.length > 0 && els.every(e => e.complete && e.naturalWidth > 0)")

def check_taskbrowser(page, shots:Path, deadline)->str:
    nxt = page.get_by_role('button', name='next ▶', exact=True)
    nxt.wait_for(timeout=deadline.ms(60))
    box = widget_root(page, nxt)
    select,header = box.locator('select').first,box.locator('.widget-html-content').first
    before,h0 = selected_text(select),header.inner_text()
    assert before.startswith('0: '), f"dropdown should start on task 0, shows {before!r}"
    assert h0.startswith(before[3:]), f"header {h0!r} should name task {before[3:]!r}"
    assert 'family' in h0, f"header {h0!r} lacks the task family"
    wait_until(lambda: images_loaded(box), deadline, "the task grid image")
    src0 = box.locator('img').first.get_attribute('src')
    nxt.click(timeout=deadline.ms(10))
    after = wait_until(lambda: (t := selected_text(select)) != before and t, deadline, "the dropdown to move")
    assert after.startswith('1: '), f"after 'next ▶' the dropdown should show task 1, shows {after!r}"
    h1 = wait_until(lambda: (t := header.inner_text()) != h0 and t, deadline, "the header to change")
    assert h1.startswith(after[3:]), f"header {h1!r} should name task {after[3:]!r}"
    wait_until(lambda: box.locator('img').first.get_attribute('src') != src0 and images_loaded(box), deadline,
               "the task grid image to change")
    screenshot(page, box, shots/'browser_taskbrowser.png', deadline)
    if up := upscaled(box): log(f"  note: TaskBrowser images stretched by their box: {up}")
    return f"{before!r} -> {after!r}; header {h1!r}"

def check_quiz(page, shots:Path, deadline, expected:Future)->str:
    ev = page.get_by_role('button', name='evaluate', exact=True)
    ev.wait_for(timeout=deadline.ms(60))
    box = widget_root(page, ev)
    progress = box.get_by_text(re.compile(r'^image \d+ of \d+'))
    p0 = progress.inner_text(timeout=deadline.ms(10))
    m = re.match(r'image 1 of (\d+)', p0)
    assert m, f"progress should start at 'image 1 of N', shows {p0!r}"
    n = int(m[1])
    assert n >= 2, f"the demo quiz needs at least 2 questions, has {n}"
    box.get_by_role('button', name='class 0', exact=True).click(timeout=deadline.ms(10))
    p1 = wait_until(lambda: (t := progress.inner_text()) != p0 and t, deadline, "the progress to move")
    assert p1.startswith(f'image 2 of {n}'), f"after one answer progress should read 'image 2 of {n}', shows {p1!r}"
    ev.click(timeout=deadline.ms(10))
    res = wait_until(lambda: (t := box.get_by_text(re.compile(r'answered')).all_inner_texts()) and t[0], deadline,
                     "the quiz result")
    want = expected.result(timeout=deadline.left())
    assert res.strip() == want, f"result should read {want!r}, shows {res!r}"
    wait_until(lambda: images_loaded(box), deadline, "the quiz images")
    screenshot(page, box, shots/'browser_quiz.png', deadline)
    if up := upscaled(box): log(f"  note: TaskQuiz images stretched by their box: {up}")
    return f"{p0!r} -> {p1!r}; result {res!r}"

def serve_folder(folder:Path):
    "A plain HTTP server of `folder` on 127.0.0.1, in a thread; `.shutdown()` stops it"
    from http.server import ThreadingHTTPServer, SimpleHTTPRequestHandler
    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *a): pass
    srv = ThreadingHTTPServer(('127.0.0.1', 0), partial(Quiet, directory=str(folder)))
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv

_end_point = """gd => { const d = gd._fullData.find(t => t.customdata && t.customdata.length), i = d.x.length - 1;
  const r = gd.querySelector('.nsewdrag').getBoundingClientRect(), fl = gd._fullLayout;
  return {x: r.left + fl.xaxis.l2p(d.x[i]), y: r.top + fl.yaxis.l2p(d.y[i]), family: d.customdata[i][0],
          task: d.customdata[i][1], network: d.customdata[i][2], step: d.customdata[i][3]}; }"""

def check_map(page, shots:Path, deadline, url:str)->str:
    page.goto(url, wait_until='load', timeout=deadline.ms(60))
    plot = page.locator('.js-plotly-plot').first
    plot.wait_for(timeout=deadline.ms(30))
    wait_until(lambda: page.locator('.js-plotly-plot .scatterlayer .trace').count() > 0, deadline, "the map's traces")
    pt = plot.evaluate(_end_point)
    page.mouse.move(pt['x'], pt['y'])
    want = f"task: {pt['task']}"
    lines = "els => els.flatMap(e => [...e.querySelectorAll('tspan.line')].map(t => t.textContent)).join(' | ')"  # SVG: no innerText
    tip = wait_until(lambda: (t := page.locator('.hoverlayer .hovertext').evaluate_all(lines)) and want in t and t,
                     deadline, f"a hover label with {want!r}", cap=15)
    assert f"family: {pt['family']}" in tip and f"step {pt['step']}" in tip, f"hover label {tip!r} lacks the family or the step of {pt}"
    plot.screenshot(path=shots/'browser_map.png', timeout=deadline.ms(20))
    return f"hover at ({pt['x']:.0f}, {pt['y']:.0f}) px shows {tip.strip()!r}"

# ---------------------------------------------------------------- main

def run(args, tmp:Path, deadline)->dict:
    from playwright.sync_api import sync_playwright
    results,blocked,errors = {},[],[]
    port,server = free_port(),None
    server_log = open(tmp/'voila.log', 'w+')
    try:
        server = start_voila(args.notebook.resolve(), port, tmp, server_log); servers.append(server)
        wait_until(lambda: server.poll() is not None or port_open(port), deadline, "Voila to listen", cap=60)
        if server.poll() is not None: raise RuntimeError(f"Voila exited with code {server.returncode}")
        log(f"voila up on 127.0.0.1:{port} after {time.monotonic() - args.t0:.1f}s")
        expected = ThreadPoolExecutor(1).submit(expected_result)  # while the browser works
        mapped = ThreadPoolExecutor(1).submit(map_run, tmp/'map')  # a small map run, meanwhile
        with sync_playwright() as p:
            ctx = p.chromium.launch_persistent_context(
                str(tmp/'profile'), executable_path=args.chromium, headless=True, args=chrome_args,
                viewport={'width': 900, 'height': 700}, timeout=deadline.ms(30))
            try:
                # refuse anything that is not this server: Voila's page links Font Awesome CSS from a CDN,
                # which the widgets here do not need (no icons); such requests are aborted and listed
                def guard(route):
                    host = re.match(r'^[a-z]+://([^/:]+)', route.request.url)
                    if host and host[1] in ('127.0.0.1', 'localhost'): route.continue_()
                    else: blocked.append(route.request.url); route.abort()
                ctx.route('**/*', guard)
                page = ctx.pages[0] if ctx.pages else ctx.new_page()
                page.on('pageerror', lambda e: errors.append(f"page error: {e}"))
                page.on('console', lambda m: m.type == 'error' and errors.append(f"console: {m.text}"))
                page.goto(f'http://127.0.0.1:{port}/', wait_until='domcontentloaded', timeout=deadline.ms(60))
                def check_map_run(page, shots, deadline):
                    srv = serve_folder(mapped.result(timeout=deadline.left()))
                    try: return check_map(page, shots, deadline, f'http://127.0.0.1:{srv.server_address[1]}/map.html')
                    finally: srv.shutdown()
                for name,f in (('taskbrowser', check_taskbrowser), ('quiz', partial(check_quiz, expected=expected)),
                               ('map', check_map_run)):
                    try: results[name] = (True, f(page, args.shots, deadline))
                    except Exception as e:
                        results[name] = (False, f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}")
                        log(f"  ({name} failed at: {' <- '.join(f'{fr.name}:{fr.lineno}' for fr in traceback.extract_tb(e.__traceback__)[::-1][:4])})")
                        shot = Path(tempfile.gettempdir())/f'taskdisc_browser_failed_{name}.png'
                        try: page.screenshot(path=shot, timeout=10_000); log(f"  (page at failure: {shot})")
                        except Exception: pass
            finally: ctx.close()
    except Exception as e:
        first = str(e).splitlines()[0] if str(e) else ''
        for name in checks: results.setdefault(name, (False, f"setup failed: {type(e).__name__}: {first}"))
    finally:
        stop(server)
    if blocked: log(f"blocked {len(blocked)} request(s) to outside hosts: {blocked[:5]}")
    if not all(ok for ok,_ in results.values()):
        server_log.seek(0)
        log("---- voila log (tail) ----\n" + ''.join(server_log.readlines()[-30:]) + "---- browser errors ----\n"
            + '\n'.join(errors[-10:]))
    server_log.close()
    return results

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--timeout', type=float, default=120, help="cap on the whole run, seconds")
    ap.add_argument('--shots', type=Path, default=root/'nbs'/'images', help="folder for the screenshots")
    ap.add_argument('--notebook', type=Path, default=here/'widgets_demo.ipynb', help="notebook to serve")
    ap.add_argument('--chromium', default='/usr/bin/chromium', help="Chromium binary (Debian's)")
    args = ap.parse_args()
    args.t0,deadline = time.monotonic(),Deadline(args.timeout)
    args.shots.mkdir(parents=True, exist_ok=True)
    if not Path(args.chromium).exists():
        log(f"FAIL setup: no Chromium at {args.chromium}: run `bash tests/browser/install.sh`")
        summary(0, len(checks)); sys.exit(1)
    # SIGTERM runs the `finally` clauses (server killed), and the watchdog ends a run stuck past the cap
    def on_term(*_): log("FAIL: terminated"); summary(0, len(checks)); sys.exit(1)
    signal.signal(signal.SIGTERM, on_term)
    def watchdog():
        log(f"FAIL: still running after {args.timeout + 15:.0f}s, giving up")
        stop(servers[0] if servers else None); summary(0, len(checks))
        os._exit(1)
    dog = threading.Timer(args.timeout + 15, watchdog); dog.daemon = True; dog.start()
    with tempfile.TemporaryDirectory(prefix='taskdisc-browser-') as tmp:
        results = run(args, Path(tmp), deadline)
    dog.cancel()
    for name,(ok,msg) in results.items(): log(f"{'PASS' if ok else 'FAIL'} {name}: {msg}")
    n_pass = sum(ok for ok,_ in results.values())
    log(f"browser test took {time.monotonic() - args.t0:.1f}s")
    summary(n_pass, len(results) - n_pass)
    sys.exit(0 if n_pass == len(results) else 1)

if __name__ == '__main__': main()
