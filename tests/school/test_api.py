from pathlib import Path

import yaml
from django.core.management import call_command

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "schema" / "openapi.yaml"


def test_api_root_lists_the_entry_points_to_anyone(client, db):
    response = client.get("/api/v1/")
    assert response.status_code == 200
    body = response.json()
    assert body["auth/token"].endswith("/api/v1/auth/token/")
    assert body["me"].endswith("/api/v1/me/")


def test_schema_documents_the_public_api_only(client, db):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/auth/token/" in schema["paths"]
    assert all(path.startswith("/api/v1/") for path in schema["paths"])


def test_committed_schema_matches_the_code(tmp_path, db):
    """schema/openapi.yaml is the contract clients read; `make schema` regenerates it."""
    generated = tmp_path / "openapi.yaml"
    call_command("spectacular", "--lang", "en", "--file", str(generated))
    assert generated.read_text() == SCHEMA_FILE.read_text(), (
        "Run `make schema` and commit the result."
    )


def test_api_docs_are_served_without_a_public_cdn(client, db):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert "cdn.jsdelivr" not in html and "unpkg.com" not in html


def test_health_check_reports_database_and_cache(client, db):
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok"}
