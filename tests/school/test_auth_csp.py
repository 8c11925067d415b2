"""The Content-Security-Policy: on every page, strict on the site, and nothing of ours that it
would block."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
INLINE_SCRIPT = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*type=\"(?:application/json|text/template)\")[^>]*>", re.I
)
INLINE_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        name: sources
        for name, *sources in (part.split() for part in header.split(";") if part.strip())
    }


def test_site_pages_run_only_the_sites_own_scripts(client, learner):
    client.force_login(learner)
    found = policy(client.get("/learning/"))
    assert found["script-src"] == ["'self'"]
    assert found["style-src"] == ["'self'"]
    assert found["object-src"] == ["'none'"]
    assert found["base-uri"] == ["'self'"] and found["form-action"] == ["'self'"]
    assert not any("'unsafe-eval'" in sources for sources in found.values())


def test_the_login_page_and_the_api_carry_the_policy_too(client, db):
    assert policy(client.get("/accounts/login/"))["script-src"] == ["'self'"]
    assert "Content-Security-Policy" in client.get("/api/v1/")


def test_the_admin_allows_wagtails_inline_scripts_and_nothing_from_elsewhere(client, instructor):
    client.force_login(instructor)
    found = policy(client.get("/admin/"))
    assert found["script-src"] == ["'self'", "'unsafe-inline'"]
    assert found["default-src"] == ["'self'"]


def test_the_api_docs_load_their_start_up_script_as_a_file(client, db):
    page = client.get("/api/docs/")
    html = page.content.decode()
    assert not INLINE_SCRIPT.search(html), INLINE_SCRIPT.search(html)
    script = re.search(r'<script src="([^"]*\?script[^"]*)"', html)
    assert script, html
    assert client.get(script.group(1).replace("&amp;", "&")).status_code == 200


@pytest.mark.parametrize(
    "template", sorted(str(p.relative_to(ROOT)) for p in (ROOT / "templates").rglob("*.html"))
)
def test_no_site_template_has_inline_script(template):
    """The site's policy runs no inline script: every script is a file under static/js."""
    if "/admin/" in template:
        pytest.skip("admin templates live under the admin's policy")
    text = (ROOT / template).read_text()
    assert not INLINE_SCRIPT.search(text), INLINE_SCRIPT.search(text).group(0)
    assert not INLINE_HANDLER.search(text), INLINE_HANDLER.search(text).group(0)
