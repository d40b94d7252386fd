"""The Content-Security-Policy in a real browser: every page type loads, its script runs and its forms
submit with no violation reported (the policy allows no inline script or style)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

# Reported to the console by Chromium itself ("Refused to ...") and, for any the browser reports
# only as an event, by this listener, which runs before the page's own scripts.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) =>
  console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}`));
"""
OFFICIAL = "https://docs.un.org/"


@pytest.fixture
def watched(context):
    """A page that records every CSP violation; fails the test on any."""
    context.add_init_script(REPORT_VIOLATIONS)
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    # The official document system is not on this machine: the browser gets a stand-in page there.
    context.route(f"{OFFICIAL}**", lambda route: route.fulfill(status=200, content_type="text/html", body="<p>ODS</p>"))
    page = context.new_page()
    violations: list[str] = []
    page.on(
        "console",
        lambda msg: (
            violations.append(msg.text)
            if "Content Security Policy" in msg.text or msg.text.startswith("CSP violation")
            else None
        ),
    )
    page.violations = violations
    yield page
    assert violations == [], "\n".join(violations)


def test_every_page_type_loads_under_the_policy_without_a_violation(watched, site):
    assert len(site.pages) >= 9
    for name, path in [*site.pages.items(), ("search-help", "/search/help/"), ("admin-login", "/admin/login/")]:
        response = watched.goto(path)
        assert response is not None and response.status == 200, f"{name}: {path}"
        policy = response.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "object-src 'none'" in policy, name
        expect(watched.locator("main#main, #content-main").first).to_be_visible()
        assert watched.violations == [], f"{name}: {watched.violations}"


def test_the_page_script_runs_and_forms_submit_under_the_policy(watched):
    # copy.js (a file from this site) runs: it shows the copy button and answers a click.
    watched.goto("/meetings/8700/7/")
    button = watched.get_by_role("button", name="Copy citation")
    expect(button).to_be_visible()
    button.click()
    expect(watched.locator("#cite-status")).to_have_text("Copied.")

    # The search box in the header submits to this site (form-action 'self').
    box = watched.get_by_role("search", name="Search the archive")
    box.get_by_role("searchbox").fill("humanitarian")
    box.get_by_role("button", name="Search").click()
    expect(watched).to_have_url(re.compile(r"/search/\?q=humanitarian$"))
    expect(watched.get_by_role("heading", level=1)).to_contain_text("Search")

    # A symbol the archive does not hold is sent on to the official document: the form's redirect
    # leaves the site, which form-action allows for that one origin.
    box = watched.get_by_role("search", name="Search the archive")
    box.get_by_role("searchbox").fill("S/PRST/2020/1")
    box.get_by_role("button", name="Search").click()
    expect(watched).to_have_url(f"{OFFICIAL}en/S/PRST/2020/1")
    expect(watched.locator("p")).to_have_text("ODS")
