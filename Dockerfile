FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=bidangil.settings.production
RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential default-libmysqlclient-dev gettext pkg-config \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN SECRET_KEY=compilemessages ALLOWED_HOSTS=localhost python manage.py compilemessages --ignore '.*' --ignore var
RUN SECRET_KEY=collectstatic ALLOWED_HOSTS=localhost python manage.py collectstatic --no-input
RUN useradd --create-home bidangil && mkdir -p var && chown -R bidangil var
USER bidangil
EXPOSE 8000
# The web service; docker-compose runs the WebSocket service (`manage.py serve`) and the worker from the same image.
CMD ["gunicorn", "-c", "deploy/gunicorn.conf.py"]
