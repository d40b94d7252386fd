"""Every page type in a real browser: accessibility (axe-core), no JavaScript, 360 px wide, screenshots."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import SCREENSHOTS

# Page type -> what its main heading says. The last four are tested where they answer (see conftest).
PAGE_TYPES = {
    "home": "Security Council statements",
    "meetings": "Meetings",
    "meeting": "S/PV.8700",
    "statement": "Statement 7",
    "country": "France",
    "organisation": "United Nations",
    "speaker": "Gueguen",
    "resolutions": "Security Council resolutions",
    "resolution": "S/RES/2504 (2020)",
    "vetoes": "Vetoed draft resolutions",
    "veto": "S/2022/538",
    "countries": "Countries and organisations",
    "speakers": "Speakers",
    "search": "Search the statements",
    "about-data": "About the data",
}
SERIOUS = ("serious", "critical")
MAX_PNG = 600_000  # bytes; a larger full-page screenshot is cut to its first CLIP_HEIGHT pixels
CLIP_HEIGHT = 3000


@pytest.fixture(params=list(PAGE_TYPES))
def page_type(request, site) -> tuple[str, str]:
    name = request.param
    if name not in site.pages:
        pytest.skip(f"no {name} page yet")
    return name, site.pages[name]


def open_page(page, path: str, heading: str | None):
    response = page.goto(path)
    assert response is not None and response.status == 200, f"{path}: {response and response.status}"
    main = page.locator("main#main")
    expect(main).to_be_visible()
    if heading is not None:
        expect(main.get_by_role("heading", level=1)).to_contain_text(heading)
    return main


def screenshot(page, name: str) -> None:
    """Write docs/screenshots/<name>.png: the full page, or its top when that is too large."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    options = {"type": "png", "full_page": True, "animations": "disabled", "caret": "hide"}
    # Times of day (an import's, say) change from run to run: covered, so the files change only
    # when the pages do.
    options |= {"mask": [page.locator('main time[datetime*="T"]')], "mask_color": "#d5dbe1"}
    png = page.screenshot(**options)
    if len(png) > MAX_PNG:
        width = page.viewport_size["width"]
        png = page.screenshot(**options, clip={"x": 0, "y": 0, "width": width, "height": CLIP_HEIGHT})
    (SCREENSHOTS / f"{name}.png").write_bytes(png)


def axe_violations(page, axe_source) -> list[dict]:
    # Through the DevTools protocol: the page's Content-Security-Policy forbids inline scripts, so
    # add_script_tag would be refused; code evaluated by the debugger is not subject to it.
    cdp = page.context.new_cdp_session(page)
    cdp.send("Runtime.evaluate", {"expression": axe_source.read_text(encoding="utf-8")})
    cdp.detach()
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return results["violations"]


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['impact']}: {v['id']} ({v['help']})")
        for node in v["nodes"][:5]:
            lines.append(f"    {' '.join(node['target'])}: {node['failureSummary'].splitlines()[-1].strip()}")
    return "\n".join(lines)


def test_page_has_no_serious_accessibility_violation_and_is_photographed(page, page_type, axe_source):
    name, path = page_type
    open_page(page, path, PAGE_TYPES[name])
    screenshot(page, name)
    violations = axe_violations(page, axe_source)
    serious = [v for v in violations if v["impact"] in SERIOUS]
    assert serious == [], f"axe-core on {path}:\n{describe(serious)}"


def test_page_works_without_javascript(no_js_page, page_type):
    name, path = page_type
    main = open_page(no_js_page, path, PAGE_TYPES[name])
    assert len(main.inner_text().split()) > 5
    # The copy button needs JavaScript: without it, it stays hidden and the citation is plain text.
    if name == "statement":
        expect(no_js_page.get_by_role("button", name="Copy citation")).to_be_hidden()
        expect(no_js_page.get_by_label("Citation", exact=False)).to_be_visible()


def test_page_has_no_horizontal_scrolling_at_360px(narrow_page, page_type):
    name, path = page_type
    open_page(narrow_page, path, PAGE_TYPES[name])
    width = narrow_page.evaluate("document.scrollingElement.scrollWidth")
    if width > 361:
        wide = narrow_page.evaluate(
            """() => [...document.querySelectorAll('main *')]
                 .filter(e => e.getBoundingClientRect().right > 361)
                 .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''))"""
        )
        pytest.fail(f"{path} is {width} px wide at 360 px; too wide: {wide}")
    if name == "meeting":
        screenshot(narrow_page, "meeting-360")
