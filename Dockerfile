# The production image: one image for every process (web, worker, beat, migrate).
#   docker build -t incubator .
# Translations and static files are built into the image; the container writes only to
# /app/var (uploaded media and, while EMAIL_URL is unset, e-mails as files).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VAR_DIR=/app/var \
    WEB_CONCURRENCY=2

# gettext provides msgfmt for compilemessages; WenQuanYi Zen Hei (TrueType) is the Chinese
# font embedded in PDF reports (ReportLab cannot embed the OpenType Noto CJK fonts).
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext fonts-wqy-zenhei \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 incubator \
    && useradd --system --uid 10001 --gid incubator --home-dir /app --no-create-home incubator

WORKDIR /app

COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .

# The settings refuse to load without a real secret, so these two build steps get a
# throwaway one; it is not kept in the image. STATIC_ROOT is $VAR_DIR/static, which is
# why VAR_DIR must stay /app/var when the container runs.
RUN SECRET_KEY="build-only-secret-never-used-at-run-time-0123456789abcdef" HTTPS=false \
        python manage.py compilemessages --ignore=.venv -v0 \
    && SECRET_KEY="build-only-secret-never-used-at-run-time-0123456789abcdef" HTTPS=false \
        python manage.py collectstatic --noinput -v0 \
    && mkdir -p /app/var/media /app/var/mail \
    && chown -R incubator:incubator /app/var

USER incubator

EXPOSE 8000

# Workers come from WEB_CONCURRENCY (gunicorn reads it); each serves four threads.
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--threads", "4", "--access-logfile", "-", "--graceful-timeout", "20"]
