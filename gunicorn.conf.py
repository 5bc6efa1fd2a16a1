"""gunicorn's settings, read from the working directory (the image's /app).

Behind the proxy every request's peer address (%(h)s) is the proxy's, so the
access log also records the X-Forwarded-For chain it passed on; the portal
itself reads the client's address from it as ALLAUTH_TRUSTED_PROXY_COUNT says
(members.client_ip).
"""

access_log_format = '%(h)s forwarded-for="%({x-forwarded-for}i)s" %(t)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
