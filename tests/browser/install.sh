#!/usr/bin/env bash
# Install what tests/browser/run_browser_test.py needs; safe to run again (skips what is there).
# Debian's Chromium from apt; voila and playwright normally come with `pip install -e ".[dev]"`,
# installed here too if missing. Never `playwright install`: it downloads its own browser build.
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ ! -x /usr/bin/chromium ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends chromium fonts-dejavu-core
fi

# python of the active venv (CI activates one; locally fall back to .venv)
py=python3
[ -n "${VIRTUAL_ENV:-}" ] || { [ -x .venv/bin/python ] && py=.venv/bin/python; }
if ! "$py" -c "import voila, playwright, ipykernel" 2>/dev/null; then
  "$py" -m pip install -q voila playwright ipykernel
fi
echo "browser test deps: $(/usr/bin/chromium --version 2>/dev/null), voila $("$py" -c 'import voila; print(voila.__version__)')"
