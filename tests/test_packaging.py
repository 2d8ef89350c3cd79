"""Layering and packaging: the core never imports Textual; a wheel finds its seeds."""

import json
import os
import subprocess
import sys

import pytest

from conftest import ROOT


@pytest.mark.parametrize("module", ["tui", "tui.text", "tui.corpus", "tui.search", "tui.cli"])
def test_core_layers_do_not_import_textual(module):
    code = (
        "import importlib, sys, json\n"
        f"importlib.import_module({module!r})\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))))"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    if r.returncode != 0 and "No module named 'tui.search'" in r.stderr:
        pytest.skip("tui.search is not there yet")
    assert r.returncode == 0, r.stderr
    loaded = json.loads(r.stdout)
    assert not [m for m in loaded if m.startswith("textual")], loaded
    if module != "tui.cli":
        assert loaded == [], loaded


def test_wheel_installed_elsewhere_finds_its_seeds(tmp_path):
    wheel_dir = tmp_path / "wheel"
    r = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(wheel_dir), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if r.returncode != 0 and ("Could not" in r.stderr or "connection" in r.stderr.lower()):
        pytest.skip("cannot fetch the build backend: " + r.stderr.strip().splitlines()[-1])
    assert r.returncode == 0, r.stderr
    (wheel,) = wheel_dir.glob("yuelan-*.whl")
    target = tmp_path / "site"
    r = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target", str(target), str(wheel)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = dict(os.environ, PYTHONPATH=str(target))
    code = "import tui, tui.corpus as c; print(tui.__file__); print(c.default_seed_dir()); print(len(c.load_corpus().documents))"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=elsewhere, env=env, timeout=60)
    assert r.returncode == 0, r.stderr
    pkg, seeds, count = r.stdout.split("\n")[:3]
    assert pkg.startswith(str(target))
    assert seeds.startswith(str(target))
    assert count == "5"
