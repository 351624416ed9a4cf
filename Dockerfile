# Familieoverblik for production: `docker build -t familyapp .` (see README, "Running in production").
# Build stage: compile the translations, build the app's wheel and a wheel of every pinned library.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml requirements.lock README.md ./
COPY familyapp ./familyapp
RUN python -m pip install --no-cache-dir "babel==$(sed -n 's/^babel==//p' requirements.lock)" \
 && python -m babel.messages.frontend compile -d familyapp/translations \
 && python -m pip wheel --no-cache-dir --no-deps -w /wheels . \
 && python -m pip wheel --no-cache-dir -w /wheels -r requirements.lock

# Run stage: the wheels only, no build tools, no sources; a user without a login shell or rights to the app.
FROM python:3.11-slim
RUN useradd --system --uid 10001 --home-dir /var/lib/familyapp --shell /usr/sbin/nologin familyapp \
 && install -d -o familyapp -g familyapp -m 0700 /var/lib/familyapp
COPY --from=build /wheels /wheels
RUN python -m pip install --no-cache-dir --no-index --find-links /wheels "familyapp[tracing]" \
 && rm -rf /wheels
ENV FAMILYAPP_ENV=production \
    FAMILYAPP_INSTANCE=/var/lib/familyapp \
    GUNICORN_BIND=0.0.0.0:8000 \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1
USER familyapp
WORKDIR /var/lib/familyapp
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
CMD ["gunicorn", "-c", "python:familyapp.gunicorn_conf", "familyapp:create_app()"]
