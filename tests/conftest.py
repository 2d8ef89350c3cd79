import os
import sys
from pathlib import Path

import pytest

# No test may touch the real user cache/config/data directories; subprocesses
# inherit these too.
import tempfile as _tempfile

_STATE = _tempfile.mkdtemp(prefix="yuelan-test-home-")
for _var, _sub in (("XDG_CACHE_HOME", "cache"), ("XDG_CONFIG_HOME", "config"), ("XDG_DATA_HOME", "data"), ("XDG_STATE_HOME", "state")):
    os.environ[_var] = os.path.join(_STATE, _sub)

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SHARED_SEEDS = ROOT.parent / "shared" / "seeds"


@pytest.fixture(scope="session")
def seed_corpus():
    from tui.corpus import load_corpus

    return load_corpus([str(SEEDS)])


@pytest.fixture
def write(tmp_path):
    """write(name, text_or_bytes, encoding='utf-8') -> absolute path str."""

    def _write(name: str, content, encoding: str = "utf-8") -> str:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        data = content if isinstance(content, bytes) else content.encode(encoding)
        path.write_bytes(data)
        return str(path)

    return _write


def run_cli(*args, input=None, env=None, cwd=None):
    import subprocess

    e = dict(os.environ)
    if env:
        e.update(env)
    return subprocess.run(
        [sys.executable, "-m", "tui", *args],
        input=input,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        env=e,
        cwd=cwd or ROOT,
        timeout=120,
    )
