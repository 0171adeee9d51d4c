import json
from pathlib import Path

import pytest

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
