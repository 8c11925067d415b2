"""Settings of a Celery worker that a test starts (tests/courses/test_worker.py): the project's
own, but files are stored by ``PausingStorage``, so that a test can kill the worker at a
known point inside a task that stores files."""

from school.settings import *  # noqa: F403
from school.settings import STORAGES

STORAGES = {**STORAGES, "default": {"BACKEND": "tests.pausing_storage.PausingStorage"}}
