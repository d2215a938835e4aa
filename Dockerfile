FROM python:3.11-slim-bookworm
ENV PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 DJANGO_SETTINGS_MODULE=portal.settings.production
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext fonts-noto-cjk curl \
        tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-chi-sim-vert poppler-utils \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
RUN pip install -e .
COPY . .
# collectstatic needs settings but no services; the build-time values are thrown away.
RUN PORTAL_REGION=sichuan SECRET_KEY=build-only-$(head -c 48 /dev/urandom | base64) \
    ALLOWED_HOSTS=build DATABASE_URL=postgres://build@localhost/build REDIS_URL=redis://localhost \
    PORTAL_BASE_URL=https://build python manage.py collectstatic --noinput -v0
RUN useradd --create-home portal && mkdir -p /app/media && chown portal /app/media
USER portal
EXPOSE 8000
CMD ["gunicorn", "portal.wsgi:application", "--preload", "--bind", "0.0.0.0:8000", "--workers", "3"]
