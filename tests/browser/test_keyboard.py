"""Keyboard use: the skip link is the first Tab stop and moves focus to the main content; focus shows."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect


@pytest.mark.parametrize("name", ["home", "meeting", "statement", "country", "resolution"])
def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(page, site, name):
    page.goto(site.pages[name])
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    expect(skip).to_have_text("Skip to content")
    expect(skip).to_have_attribute("href", "#main")
    expect(skip).to_be_in_viewport()  # off-screen until focused, then shown
    page.keyboard.press("Enter")
    expect(page.locator(":focus")).to_have_id("main")
    assert page.url.endswith("#main")
    # The next Tab stop is inside the main content, not back in the header.
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")


def test_focus_is_visible_on_links_and_buttons(page, site):
    page.goto(site.pages["statement"])
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # the first link after the skip link: the site's name
    focused = page.locator(":focus")
    expect(focused).to_have_text("Council archive")
    outline = focused.evaluate("e => { const s = getComputedStyle(e); return [s.outlineStyle, s.outlineWidth]; }")
    assert outline[0] != "none" and outline[1] != "0px", outline
