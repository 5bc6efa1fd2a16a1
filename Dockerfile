# The portal image: gunicorn for the web, the same image for the Celery worker and beat.
FROM node:20-bookworm-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=lmcportal.settings.production
WORKDIR /app
RUN useradd --create-home --uid 1000 portal
COPY pyproject.toml ./
COPY lmcportal ./lmcportal
COPY mail ./mail
COPY members ./members
COPY privacy ./privacy
COPY enquiries ./enquiries
COPY levies ./levies
COPY programmes ./programmes
COPY voice ./voice
RUN pip install --no-cache-dir .
COPY --from=assets /app/node_modules ./node_modules
COPY . .
# collectstatic needs settings but no secrets, database or cache (the Redis URL is never connected to).
RUN SECRET_KEY=collectstatic-only ALLOWED_HOSTS=localhost REDIS_URL=redis://collectstatic.invalid:6379/0 \
    python manage.py collectstatic --noinput
# The private document store (a volume in docker-compose.yml) belongs to the app's user.
RUN mkdir -p /app/var/enquiry_files && chown -R portal /app/var
USER portal
EXPOSE 8000
CMD ["gunicorn", "lmcportal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
