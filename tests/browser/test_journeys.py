"""A new reader's journeys through the archive, by clicking the links a reader sees."""

from __future__ import annotations

import re

from playwright.sync_api import expect


def test_from_home_to_a_country_a_statement_the_resolution_it_cites_and_another_country(page):
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Security Council statements")

    # Home -> the list of countries -> France.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Countries").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Countries and organisations")
    page.get_by_role("link", name="France", exact=True).click()
    expect(page).to_have_url(re.compile(r"/countries/fra/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("France")

    # France's statement in S/PV.8700, where resolution 2504 (2020) was adopted.
    page.get_by_role("link", name="Permanent link to statement 7 of S/PV.8700").click()
    expect(page).to_have_url(re.compile(r"/meetings/8700/7/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Statement 7")
    expect(page.locator("main")).to_contain_text("France deeply regrets that resolution 2504 (2020)")

    # The resolution it cites.
    cited = page.get_by_role("region", name="Resolutions it cites")
    cited.get_by_role("link", name="S/RES/2504").click()
    expect(page).to_have_url(re.compile(r"/resolutions/2504/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("S/RES/2504 (2020)")
    expect(page.get_by_role("region", name="Vote", exact=True)).to_contain_text("Abstaining")

    # Another country whose statement cites it: Belgium.
    citing = page.get_by_role("region", name="Statements citing it")
    expect(citing).to_contain_text("Belgium")
    citing.get_by_role("link", name="Belgium", exact=True).first.click()
    expect(page).to_have_url(re.compile(r"/countries/bel/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Belgium")
    expect(page.locator("main")).to_contain_text("resolution 2504 (2020)")


def test_from_a_meeting_to_a_statement_and_back_in_context(page):
    page.goto("/meetings/")
    # The newest year is listed first (the site holds a 2022 meeting, where a draft was vetoed).
    page.get_by_role("link", name="2020", exact=True).click()
    page.get_by_role("link", name="S/PV.8700", exact=True).click()
    expect(page).to_have_url(re.compile(r"/meetings/8700/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("S/PV.8700")
    expect(page.get_by_role("note").filter(has_text="In favour (11)")).to_contain_text("Abstaining (4)")

    page.get_by_role("link", name="Permanent link to statement 7 of S/PV.8700").click()
    expect(page).to_have_url(re.compile(r"/meetings/8700/7/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Statement 7")
    citation = page.get_by_label(re.compile("Citation"))
    expect(citation).to_have_value(re.compile(r"Gueguen \(France\), Council member, S/PV\.8700, 10 January 2020"))

    page.get_by_role("link", name="Read it in the meeting").click()
    expect(page).to_have_url(re.compile(r"/meetings/8700/#s7$"))
    target = page.locator(":target")
    expect(target).to_have_attribute("id", "s7")
    expect(target).to_contain_text("France deeply regrets")
    expect(target).to_be_in_viewport()
    # Scrolled to it, not left at the top of the meeting.
    assert page.evaluate("window.scrollY") > 0
    # The statements around it are there too: the reader is back in the meeting.
    expect(page.locator("#s6")).to_be_attached()
    expect(page.locator("#s8")).to_contain_text("Belgium")


def test_statement_neighbours_link_to_each_other(page):
    page.goto("/meetings/8700/7/")
    page.get_by_role("link", name=re.compile(r"^Next: ")).click()
    expect(page).to_have_url(re.compile(r"/meetings/8700/8/$"))
    page.get_by_role("link", name=re.compile(r"^← Previous: ")).click()
    expect(page).to_have_url(re.compile(r"/meetings/8700/7/$"))


def test_from_the_vetoes_to_a_draft_and_the_meeting_where_it_was_vetoed(page):
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Vetoes").click()
    expect(page).to_have_url(re.compile(r"/vetoes/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Vetoed draft resolutions")
    by_member = page.get_by_role("region", name="By vetoing member")
    expect(by_member.locator("svg")).to_be_visible()
    expect(by_member.get_by_role("table")).to_contain_text("Russian Federation")

    page.get_by_role("link", name="S/2022/538", exact=True).click()
    expect(page).to_have_url(re.compile(r"/vetoes/s-2022-538/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("S/2022/538")
    expect(page.locator("main")).to_contain_text("Russian Federation")
    expect(page.get_by_role("region", name="Vote", exact=True)).to_contain_text("13 in favour, 1 against")

    page.locator("main dl.facts").get_by_role("link", name="S/PV.9087").click()
    expect(page).to_have_url(re.compile(r"/meetings/9087/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("S/PV.9087")
    vetoed = page.get_by_role("region", name="Vetoed draft resolutions")
    expect(vetoed.get_by_role("link", name="S/2022/538")).to_have_attribute("href", "/vetoes/s-2022-538/")
