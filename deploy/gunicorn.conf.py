"""gunicorn behind nginx: `gunicorn -c deploy/gunicorn.conf.py portal.wsgi:application`."""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
preload_app = True
# nginx buffers slow clients; a request that takes longer than this is stuck, not slow.
timeout = 120
graceful_timeout = 30
keepalive = 65
max_requests = 2000
max_requests_jitter = 200
# gunicorn believes no forwarded header from anyone: Django alone decides, from TRUSTED_PROXIES
# (portal.proxy, SECURE_PROXY_SSL_HEADER). Trusting every peer here would let a client that
# reaches gunicorn directly pose as HTTPS, since Django falls back to the WSGI scheme.
forwarded_allow_ips = ""
secure_scheme_headers = {}
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms request_id=%({x-request-id}i)s'
