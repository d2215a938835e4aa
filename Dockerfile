# Build: the locked dependencies (requirements/main.txt, hashes checked) in a virtualenv.
FROM python:3.11-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
COPY requirements/main.txt /tmp/requirements.txt
RUN /opt/venv/bin/pip install --require-hashes --no-deps -r /tmp/requirements.txt

# Run: no compilers, no pip cache, not root. PDFs (bulletins, certificates) need WenQuanYi.
FROM python:3.11-slim-bookworm
ENV PYTHONUNBUFFERED=1 PATH=/opt/venv/bin:$PATH DJANGO_SETTINGS_MODULE=portal.settings.production \
    STATIC_ROOT=/app/static MEDIA_ROOT=/app/media MATERIALS_PRIVATE_ROOT=/app/private LOG_FORMAT=json
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext fonts-wqy-microhei curl postgresql-client \
        tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-chi-sim-vert poppler-utils \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 1000 portal
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY --chown=portal . .
# collectstatic needs settings but no services; the build-time values are thrown away.
RUN PORTAL_REGION=sichuan SECRET_KEY=build-only-$(head -c 48 /dev/urandom | base64) \
    ALLOWED_HOSTS=build DATABASE_URL=postgres://build@localhost/build REDIS_URL=redis://localhost \
    PORTAL_BASE_URL=https://build python manage.py collectstatic --noinput -v0 \
    && mkdir -p /app/media /app/private /app/backups && chown portal /app/media /app/private /app/backups /app/static
USER portal
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD curl -fsS -H "Host: ${ALLOWED_HOSTS%%,*}" http://127.0.0.1:8000/livez || exit 1
CMD ["gunicorn", "-c", "deploy/gunicorn.conf.py", "portal.wsgi:application"]
