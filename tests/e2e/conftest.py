"""A real dashboard (streamlit run on 127.0.0.1) and a real Chromium driven by Playwright."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


DATA_HASHES: dict[str, str] = {}


def hash_data() -> dict[str, str]:
    """SHA-256 of every file in data/, by name."""
    import hashlib

    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted((ROOT / "data").iterdir())
        if p.is_file()
    }


def serve(script: str = "app.py") -> Iterator[tuple[str, subprocess.Popen]]:
    """A fresh ``streamlit run <script>`` on a free port, stopped when the generator closes."""
    with streamlit_server(script=script) as started:
        yield started


@contextlib.contextmanager
def streamlit_server(
    env: dict[str, str] | None = None, script: str = "app.py", poll: float = 0.3
) -> Iterator[tuple[str, subprocess.Popen]]:
    """``streamlit run <script>`` on a free port of 127.0.0.1 (``env`` added); yield URL and process.

    ``poll``: seconds between health checks while it starts (the cold-start benchmark uses less)."""
    port = _free_port()
    full_env = {**os.environ, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false", **(env or {})}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            script,
            "--server.headless",
            "true",
            "--server.address",
            "127.0.0.1",
            "--server.port",
            str(port),
            "--global.developmentMode",
            "false",
        ],
        cwd=ROOT,
        env=full_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                if resp.status == 200:
                    break
        except OSError:
            time.sleep(poll)
    else:
        proc.kill()
        raise RuntimeError("streamlit did not start within 60 s")
    try:
        yield url, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="session")
def server_process() -> Iterator[tuple[str, subprocess.Popen]]:
    """The dashboard on the repository's data/; the hashes of data/ are taken first."""
    DATA_HASHES.update(hash_data())
    with streamlit_server() as started:
        yield started


@pytest.fixture(scope="session")
def data_hashes_at_start(server_process: tuple[str, subprocess.Popen]) -> dict[str, str]:
    return dict(DATA_HASHES)


@pytest.fixture(scope="session")
def server(server_process: tuple[str, subprocess.Popen]) -> str:
    return server_process[0]


def rss_kib(pid: int) -> int:
    """Resident memory of a process, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(
                "CI=true but /usr/bin/chromium is missing: .ci/run should have installed it"
            )
        pytest.skip(
            "NO BROWSER: /usr/bin/chromium is missing, browser tests skipped (apt-get install chromium)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS, headless=True)
        yield b
        b.close()
