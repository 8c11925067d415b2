"""No personal data in the logs' query strings: the access log keeps paths only."""

import datetime
import runpy
from pathlib import Path
from types import SimpleNamespace

from gunicorn.config import Config
from gunicorn.glogging import Logger

ROOT = Path(__file__).resolve().parents[2]


def access_line(environ: dict) -> str:
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    config = Config()
    config.set("access_log_format", settings["access_log_format"])
    logger = Logger(config)
    response = SimpleNamespace(status="200 OK", sent=512, headers=[])
    atoms = logger.atoms(response, [], environ, datetime.timedelta(milliseconds=12))
    return config.access_log_format % atoms


def test_the_access_log_has_the_path_without_the_query_string_or_the_referrer():
    line = access_line(
        {
            "REMOTE_ADDR": "127.0.0.1",
            "REQUEST_METHOD": "GET",
            "RAW_URI": "/api/v1/people/?student_number=2023010101",
            "PATH_INFO": "/api/v1/people/",
            "QUERY_STRING": "student_number=2023010101",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_REFERER": "https://dangxiao.example/admin/people/?q=林晓雨",
            "HTTP_USER_AGENT": "curl/8",
            "HTTP_AUTHORIZATION": "Basic MjAyMzAxMDEwMTpzZWNyZXQ=",
        }
    )
    assert '"GET /api/v1/people/ HTTP/1.1" 200 512 12ms "curl/8"' in line
    assert "2023010101" not in line and "林晓雨" not in line
