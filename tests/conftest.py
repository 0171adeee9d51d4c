import json
from pathlib import Path

import pytest
from django.conf import settings

# The test process itself serves no class: its exports are drawn when asked (the servers the
# tests start warm their workers as any server does; test_export_warming.py warms its own).
settings.SKETCHSITE["EXPORT_WARM_INTERVAL_S"] = 0

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def protocol_cases():
    return json.loads((FIXTURES / "protocol.json").read_text())


REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
def redis_prefix():
    """A Redis key prefix of this test's own; every key under it is deleted afterwards."""
    import secrets

    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_timeout=5)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as error:
        pytest.fail(
            f"this test needs Redis on {REDIS_URL} ({error}); start it with "
            "`redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no`"
        )
    prefix = f"sketchsite-test-{secrets.token_hex(4)}"
    yield prefix
    for key in client.scan_iter(match=f"{prefix}*", count=500):
        client.delete(key)
    client.close()


@pytest.fixture
def server_env(tmp_path):
    """Environment for a real server process: its own data folder (SQLite, secret key)."""
    return {"SKETCHSITE_DATA_DIR": str(tmp_path / "data"), "SECRET_KEY": "test-secret-key-not-for-production"}


POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


@pytest.fixture
def postgres_url():
    """A PostgreSQL database of this test's own, dropped afterwards."""
    import secrets

    import psycopg

    name = f"sketchsite_test_{secrets.token_hex(4)}"
    try:
        admin = psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as error:
        pytest.fail(
            f"this test needs PostgreSQL on 127.0.0.1:5432 with trust auth for 'postgres' ({error}); "
            "start it with `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`"
        )
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        yield f"postgres://postgres@127.0.0.1:5432/{name}"
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(autouse=True)
def test_site():
    """Each test has a database of its own, so it gets a board store and application of its own."""
    from django.apps import apps

    from tests import site

    config = apps.get_app_config("draw")
    saved = config.limits, config.store, config.exporter, config.guesses
    site.current = site.TestSite()
    yield site.current
    # Its export workers (draw/exportworker.py) end with it.
    site.current.exporter.close()
    site.current = None
    config.limits, config.store, config.exporter, config.guesses = saved
