"""gunicorn's settings for the party school (gunicorn reads ./gunicorn.conf.py by itself; the
README's production command names it too: ``gunicorn -c gunicorn.conf.py school.wsgi``).

The access log, when it is on (``--access-logfile -``), writes the path without its query
string: a query can carry personal data (``/api/v1/people/?student_number=2023010101``, an
admin search for a name), and an access log is kept, copied and read far more loosely than
the audit log. For the same reason no referrer (the previous page's address, query and all)
and no Basic-auth user name. The client's own address is the reverse proxy's to log; the
audit log keeps the resolved one.
"""

# remote address, time, "METHOD /path PROTOCOL", status, bytes, milliseconds, user agent
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms "%(a)s"'
