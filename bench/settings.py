"""The site's own settings with the benchmark's ceilings mounted (bench/urls.py).

Only the exam-day benchmark's server runs with these (``DJANGO_SETTINGS_MODULE=bench.settings``),
so the ceilings are measured on the same middleware, authentication and URLconf as the site,
and the site itself never serves them.
"""

from school.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
