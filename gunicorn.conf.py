"""gunicorn's settings for the party school (gunicorn reads ./gunicorn.conf.py by itself; the
README's production command names it too: ``gunicorn -c gunicorn.conf.py school.wsgi``).

The access log, when it is on (``--access-logfile -``), writes the path without its query
string: a query can carry personal data (``/api/v1/people/?student_number=2023010101``, an
admin search for a name), and an access log is kept, copied and read far more loosely than
the audit log. For the same reason no referrer (the previous page's address, query and all)
and no Basic-auth user name. The client's own address is the reverse proxy's to log; the
audit log keeps the resolved one.
"""

import multiprocessing
import os

# remote address, time, "METHOD /path PROTOCOL", status, bytes, milliseconds, user agent
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms "%(a)s"'

# Sync workers, 2 × cores + 1 (5 on the 2-core host the project is sized for): the best tail and
# capacity of the layouts measured (bench/results/SERVER.md). WEB_CONCURRENCY overrides it.
# Sync workers want a buffering reverse proxy in front (nginx, deploy/nginx.conf).
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
