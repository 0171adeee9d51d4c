"""Under the site's Content-Security-Policy the board loads, connects and draws, and the admin
works, with not one violation reported by the browser."""

import pytest

from tests.browser.conftest import ARTIFACTS, wait_until

pytestmark = pytest.mark.browser

LAPTOP = {"viewport": {"width": 1280, "height": 800}}
# Installed before any script of the page runs, so a violation during load is caught too.
RECORD_VIOLATIONS = """
window.policyViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.policyViolations.push({
    directive: event.violatedDirective,
    blocked: event.blockedURI,
    source: event.sourceFile,
  });
});
"""


@pytest.fixture
def watched_page(browser, request):
    """A page that records policy violations, console errors and uncaught errors."""
    context = browser.new_context(**LAPTOP)
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    page.console_errors = []
    page.page_errors = []
    page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
    page.on("pageerror", lambda error: page.page_errors.append(str(error)))
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{request.node.name}.png")
    context.close()


def is_eval_probe(violation):
    """zod, bundled in p5 for its parameter checks, tries `new Function("")` once to learn whether
    it may compile validators, and uses its plain ones when refused. Nothing is lost by refusing.
    p5 comes in each page's bundle (bin/bundle-frontend.mjs)."""
    return (
        violation["directive"] == "script-src"
        and violation["blocked"] == "eval"
        and "/static/bundle/" in violation["source"]
    )


def policy_complaints(page):
    violations = page.evaluate("() => window.policyViolations")
    return [violation for violation in violations if not is_eval_probe(violation)] + [
        text for text in page.console_errors if "Content Security Policy" in text
    ]


def test_board_draws_under_the_content_security_policy_without_violations(server, watched_page):
    page = watched_page
    response = page.goto(f"{server.http_url}/b/policy-check/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.locator("[data-role=status][data-state=online]").wait_for(timeout=10_000)
    page.evaluate("() => window.sketchsite.draw([100, 100, 200, 200, 300, 150])")
    assert wait_until(
        lambda: (
            page.evaluate(
                "() => [...window.sketchsite.board.strokes.values()].filter(s => s.committed).length"
            )
            == 1
        )
    )
    page.mouse.move(400, 400)
    page.mouse.down()
    page.mouse.move(600, 500, steps=8)
    page.mouse.up()
    assert wait_until(lambda: page.evaluate("() => window.sketchsite.outbox.size") == 0)
    assert policy_complaints(page) == []
    assert page.console_errors == []
    assert page.page_errors == []


def test_admin_login_and_not_found_pages_show_without_violations(server, watched_page):
    page = watched_page
    response = page.goto(f"{server.http_url}/admin/login/")
    assert response.status == 200 and response.headers.get("content-security-policy")
    page.locator("#id_username").wait_for()
    # The admin's stylesheet applies: its header is laid out by it, not left as bare markup.
    assert page.evaluate("() => getComputedStyle(document.querySelector('#header')).display") == "flex"
    response = page.goto(f"{server.http_url}/no/such/page/")
    assert response.status == 404 and response.headers.get("content-security-policy")
    assert policy_complaints(page) == []
    assert page.page_errors == []
