"""Screenshots of every page at 1280x800 and 1920x1080, and in presentation mode (``make screenshots``).

Starts its own server, drives /usr/bin/chromium with Playwright and writes PNGs under
docs/screenshots/. Not run by the tests: the images are for review and for the README.
"""

from __future__ import annotations

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


if __name__ == "__main__":
    main()
