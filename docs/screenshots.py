"""Screenshots of every page at 1280x800 and 1920x1080, and in presentation mode (``make screenshots``).

Starts its own server, drives /usr/bin/chromium with Playwright and writes PNGs under
docs/screenshots/; then builds two briefings as PDF and renders their pages with pdftoppm
(poppler-utils), when it is installed. Not run by the tests: the images are for review and for
the README.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.e2e.conftest import CHROMIUM, FLAGS, serve
from tests.e2e.test_browser import PAGES

OUT = Path(__file__).resolve().parent / "screenshots"
SIZES = [(1280, 800), (1920, 1080)]


def main() -> None:
    from playwright.sync_api import sync_playwright

    OUT.mkdir(exist_ok=True)
    gen = serve()
    url, _proc = next(gen)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS, headless=True)
            shots = [(name, path, sel, size, "") for name, path, sel in PAGES for size in SIZES]
            shots += [(n, p + "&present=1", s, (1920, 1080), "-present") for n, p, s in PAGES[:4]]
            for name, path, selector, (w, h), suffix in shots:
                page = browser.new_page(viewport={"width": w, "height": h})
                page.goto(url + path, wait_until="domcontentloaded")
                page.wait_for_selector(selector, timeout=90_000)
                page.wait_for_timeout(2500)  # let charts and maps finish drawing
                target = OUT / f"{name}-{w}x{h}{suffix}.png"
                page.screenshot(path=str(target), full_page=False)
                print(target.relative_to(OUT.parent.parent))
                page.close()
            browser.close()
    finally:
        next(gen, None)


def briefing_pages() -> None:
    """The gallium and DRC briefings as PDF, every page as a PNG (150 dpi)."""
    from analysis import briefing
    from analysis.filters import Filters
    from analysis.package import data_dir, load_package

    if not shutil.which("pdftoppm"):
        print("pdftoppm not found (apt-get install poppler-utils): briefing pages skipped")
        return
    pkg = load_package(data_dir())
    filters = Filters(end=dt.date(2025, 12, 31), as_of=dt.date(2025, 12, 31))
    docs = {
        "briefing-gallium": briefing.mineral_briefing(pkg, "gallium", filters),
        "briefing-drc": briefing.country_briefing(pkg, "COD", filters),
    }
    with tempfile.TemporaryDirectory() as tmp:
        for name, doc in docs.items():
            for old in OUT.glob(f"{name}-*.png"):  # a briefing with fewer pages leaves none behind
                old.unlink()
            pdf = Path(tmp) / f"{name}.pdf"
            pdf.write_bytes(briefing.build(doc, "pdf"))
            subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(OUT / name)], check=True)
            print(f"docs/screenshots/{name}-*.png")


if __name__ == "__main__":
    main()
    briefing_pages()
