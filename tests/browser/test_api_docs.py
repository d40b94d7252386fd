"""The API's interactive docs (/api/v1/docs/, Swagger UI from static files) in Chromium, under the
site's own Content-Security-Policy (scripts only from this site): no violation, every operation
shown, and an operation tried from the page answers with real data."""

from __future__ import annotations


def test_api_docs_work_under_script_src_self(page, site):
    violations: list[str] = []
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
    )
    policy = page.request.get("/api/v1/docs/").headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    offsite: list[str] = []
    page.on("request", lambda request: offsite.append(request.url) if not request.url.startswith(site.url) else None)
    page.goto("/api/v1/docs/")
    operation = page.locator(".opblock-summary-path", has_text="/api/v1/statements/{meeting}/{order}/")
    operation.wait_for()
    assert page.locator(".opblock-summary-path").count() == len(page.request.get("/api/v1/schema/").json()["paths"])
    operation.click()
    page.get_by_role("button", name="Try it out").click()
    page.locator("input[placeholder='meeting']").fill("8698")
    page.locator("input[placeholder='order']").fill("8")
    page.get_by_role("button", name="Execute").click()
    body = page.locator(".live-responses-table .response-col_description .highlight-code").first
    body.wait_for()
    assert "Mrs. Gueguen (France)" in body.inner_text()
    assert violations == [] and offsite == []
