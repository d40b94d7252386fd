"""The agenda pages in a real browser: a reader walks from the list of agenda items to one item
and on to a meeting filed under it; both agenda pages are checked with axe-core."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from .test_page_types import SERIOUS, axe_violations, describe, open_page


def assert_axe_clean(page, axe_source) -> None:
    serious = [v for v in axe_violations(page, axe_source) if v["impact"] in SERIOUS]
    assert serious == [], f"axe-core on {page.url}:\n{describe(serious)}"


def test_from_the_agenda_items_to_an_item_and_one_of_its_meetings(page, axe_source):
    main = open_page(page, "/agenda/", "Agenda items")
    assert_axe_clean(page, axe_source)
    row = main.get_by_role("row").filter(
        has=page.get_by_role("link", name="The situation in the Middle East", exact=True)
    )
    expect(row).to_contain_text("10 Jan 2020")
    row.get_by_role("link", name="The situation in the Middle East", exact=True).click()

    expect(page).to_have_url(re.compile(r"/agenda/middle-east/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("The situation in the Middle East")
    assert_axe_clean(page, axe_source)
    expect(page.get_by_role("img", name="Statements per year")).to_be_visible()
    expect(page.get_by_role("region", name="Resolutions adopted under it")).to_contain_text("S/RES/2504")
    meetings = page.get_by_role("region", name="Meetings", exact=True)
    expect(meetings).to_contain_text("S/2020/254")  # the corpus's "Syria", filed under the Middle East
    meetings.get_by_role("link", name="S/PV.8700", exact=True).click()

    expect(page).to_have_url(re.compile(r"/meetings/8700/$"))
    expect(page.get_by_role("link", name="The situation in the Middle East", exact=True)).to_have_attribute(
        "href", "/agenda/middle-east/"
    )


def test_the_meetings_list_filters_by_agenda_item_without_javascript(no_js_page):
    open_page(no_js_page, "/meetings/", "Meetings")
    no_js_page.get_by_label("Agenda item").select_option("middle-east")
    no_js_page.get_by_role("button", name="Filter").click()
    expect(no_js_page).to_have_url(re.compile(r"/meetings/\?agenda=middle-east$"))
    main = no_js_page.locator("main#main")
    expect(main).to_contain_text("S/PV.8717")
    expect(main).not_to_contain_text("S/PV.8709")


def test_the_agenda_pages_fit_360_pixels(narrow_page):
    for path, heading in (("/agenda/", "Agenda items"), ("/agenda/middle-east/", "The situation in the Middle East")):
        open_page(narrow_page, path, heading)
        width = narrow_page.evaluate("document.scrollingElement.scrollWidth")
        assert width <= 361, f"{path} scrolls sideways at 360 px ({width} px wide)"


def test_the_meetings_list_with_its_agenda_filter_fits_360_pixels(narrow_page):
    open_page(narrow_page, "/meetings/?agenda=middle-east", "Meetings")
    assert narrow_page.evaluate("document.scrollingElement.scrollWidth") <= 361
