"""The very first session after a start, opened on a deep link, shows the app's own navigation.

Streamlit runs a folder named ``pages/`` next to the main script as an old-style multipage app
until ``st.navigation`` has run once in the process; the first session then listed raw module
names (app, country, ..., shared, timeline) in a narrow layout. Each test here starts its own
server, so the session it opens really is the first.
"""

from __future__ import annotations

import time

import pytest

from tests.e2e.conftest import serve

pytestmark = pytest.mark.e2e
TITLES = {
    "Overview",
    "Map",
    "Timeline",
    "Mineral dependency",
    "Country profile",
    "Scenario",
    "Data & methods",
}


@pytest.fixture
def fresh_server(request):
    """A server of its own (not the shared session server), so this session is its first."""
    gen = serve()
    url, _proc = next(gen)
    request.addfinalizer(lambda: next(gen, None))
    return url


@pytest.mark.parametrize("path", ["/timeline?mineral=gallium", "/country?iso=COD"])
def test_first_session_on_a_deep_link_has_the_app_navigation_and_wide_layout(
    browser, fresh_server: str, path: str
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(fresh_server + path, wait_until="domcontentloaded")
    seen: list[set[str]] = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        links = page.locator("[data-testid='stSidebar'] a")  # every link drawn in the sidebar
        texts = {t.strip().splitlines()[-1] for t in links.all_inner_texts() if t.strip()}
        if texts:
            seen.append(texts)
        if page.locator("[data-testid='stMainBlockContainer'] h1").count() and texts >= TITLES:
            break
        page.wait_for_timeout(100)
    assert seen, "no navigation drawn"
    for texts in seen:  # every navigation drawn, from the first, is the app's own
        assert texts <= TITLES, f"raw module names in the navigation: {sorted(texts - TITLES)}"
    # centred ("narrow") layout caps the block at 736 px; wide fills 1280 px less the sidebar
    width = page.locator("[data-testid='stMainBlockContainer']").bounding_box()["width"]
    assert width > 800, f"narrow layout on the first session ({width:.0f} px at 1280 px)"
    context.close()
