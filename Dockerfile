# The production image: web (gunicorn), worker and beat all run from it (see docker-compose.yml).
FROM node:20-bookworm-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY frontend ./frontend
RUN mkdir -p static/build && npm run --silent build

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=config.settings.production
WORKDIR /app
# graphviz: the dot program that draws the network map (network/drawing.py).
RUN apt-get update && apt-get install -y --no-install-recommends postgresql-client curl graphviz \
    && rm -rf /var/lib/apt/lists/* && useradd --create-home --uid 1000 app
COPY pyproject.toml ./
RUN python - > /tmp/requirements.txt <<'PY'
import tomllib
print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"]))
PY
RUN pip install --no-cache-dir -r /tmp/requirements.txt
COPY . .
COPY --from=assets /app/node_modules/govuk-frontend ./node_modules/govuk-frontend
COPY --from=assets /app/static/build ./static/build
RUN DJANGO_SECRET_KEY=build-only-key-build-only-key-build-only-key-0123456789 \
    DJANGO_ALLOWED_HOSTS=build DATABASE_URL=postgres://build@localhost/build \
    python manage.py collectstatic --noinput
USER app
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
