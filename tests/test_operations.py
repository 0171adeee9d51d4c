"""What an operator relies on: metrics, readiness, the content policy, the secret key, fresh
board names, `manage.py serve` on a fresh data folder, and the one Daphne command line."""

import asyncio
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import pytest
from django.core.exceptions import ImproperlyConfigured
from prometheus_client.parser import text_string_to_metric_families

from draw.models import Board
from sketchsite import settings as sketchsite_settings
from sketchsite.daphne_command import daphne_arguments, transport_max_message_bytes
from sketchsite.security import CONTENT_SECURITY_POLICY
from tests.relayed import connect
from tests.servers import PROJECT, DaphneServer, RedisServer, free_port, migrate


def get(url, headers=None, timeout=10):
    """Status and body of a GET to a real server, error statuses included."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def samples(metrics_text):
    """{(name, labels as a sorted tuple): value} from Prometheus's text format."""
    found = {}
    for family in text_string_to_metric_families(metrics_text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


# /metrics


def test_metrics_are_not_served_when_off(client, settings):
    settings.METRICS_ENABLED = False
    assert client.get("/metrics").status_code == 404


def test_metrics_are_served_in_prometheus_text_format_when_on(client, settings):
    settings.METRICS_ENABLED = True
    settings.METRICS_TOKEN = ""
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    names = {family.name for family in text_string_to_metric_families(response.content.decode())}
    assert {
        "sketchsite_open_sockets",
        "sketchsite_live_boards",
        "sketchsite_frames_in",
        "sketchsite_frames_out",
        "sketchsite_relay_flushes",
        "sketchsite_relay_batch_messages",
        "sketchsite_commit_seconds",
        "sketchsite_refusals",
        "sketchsite_closes",
        "sketchsite_export_renders",
        "sketchsite_export_refused",
        "sketchsite_cached_boards",
        "sketchsite_export_cache_entries",
    } <= names


def test_metrics_with_a_token_need_it_as_a_bearer_token(client, settings):
    settings.METRICS_ENABLED = True
    settings.METRICS_TOKEN = "scraper-secret"
    refused = client.get("/metrics")
    assert refused.status_code == 401
    assert refused["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.get("/metrics", headers={"Authorization": "scraper-secret"}).status_code == 401
    allowed = client.get("/metrics", headers={"Authorization": "Bearer scraper-secret"})
    assert allowed.status_code == 200
    assert b"sketchsite_open_sockets" in allowed.content


def test_metrics_setting_takes_only_on_or_off(monkeypatch):
    monkeypatch.setenv("SKETCHSITE_METRICS", "yes please")
    with pytest.raises(ImproperlyConfigured, match="SKETCHSITE_METRICS"):
        sketchsite_settings.env_choice("SKETCHSITE_METRICS", "off", ("off", "on"))


async def test_metrics_counters_move_when_a_real_socket_draws(server_env, tmp_path):
    """Frames in by type and the commit time histogram count a stroke drawn over a real socket."""
    env = {**server_env, "SKETCHSITE_METRICS": "on"}
    migrate(env)
    server = DaphneServer(env, log_path=tmp_path / "daphne.log").start()
    try:
        async with connect(f"{server.ws_url}/ws/boards/counted/", origin=server.http_url) as socket:
            welcome = json.loads(await asyncio.wait_for(socket.recv(), timeout=5))
            assert welcome["type"] == "welcome"
            for message in (
                {
                    "type": "stroke.begin",
                    "stroke": "s1",
                    "item": {"kind": "marker", "color": "#1e1e1e", "width": 4},
                    "points": [10, 10],
                },
                {"type": "stroke.points", "stroke": "s1", "points": [60, 60, 90, 70]},
                {"type": "stroke.end", "stroke": "s1"},
            ):
                await socket.send(json.dumps(message))
            async with asyncio.timeout(10):
                while json.loads(await socket.recv())["type"] != "ack":
                    pass
        status, body = await asyncio.to_thread(get, f"{server.http_url}/metrics")
    finally:
        server.stop()
    assert status == 200
    found = samples(body)
    assert found.get(("sketchsite_frames_in_total", (("type", "stroke.begin"),)), 0) >= 1
    assert found.get(("sketchsite_commit_seconds_count", ()), 0) > 0


# /healthz and /readyz


@pytest.mark.django_db
def test_ready_when_the_database_and_the_channel_layer_answer(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"ready": True, "failed": {}}


def test_healthz_answers_without_the_database(client):
    assert client.get("/healthz").status_code == 200


@pytest.mark.parametrize("layer", ["core", "pubsub"])
def test_not_ready_while_redis_is_away_and_ready_again_when_it_is_back(
    server_env, tmp_path, redis_prefix, layer
):
    redis = RedisServer().start()
    env = {**server_env, "REDIS_URL": redis.url, "REDIS_PREFIX": redis_prefix, "REDIS_LAYER": layer}
    migrate(env)
    server = DaphneServer(env, log_path=tmp_path / "daphne.log").start()
    try:
        assert get(f"{server.http_url}/readyz")[0] == 200
        redis.stop()
        started = time.monotonic()
        status, body = get(f"{server.http_url}/readyz")
        assert status == 503
        assert time.monotonic() - started < 5
        report = json.loads(body)
        assert report["ready"] is False
        assert set(report["failed"]) == {"channel_layer"}
        redis.start()
        deadline = time.monotonic() + 20
        while (status := get(f"{server.http_url}/readyz")[0]) != 200 and time.monotonic() < deadline:
            time.sleep(0.5)
        assert status == 200
    finally:
        server.stop()
        redis.stop()


# Content-Security-Policy


@pytest.mark.django_db
def test_board_page_carries_the_content_security_policy(client):
    response = client.get("/b/art-class/")
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "'unsafe-inline'" not in CONTENT_SECURITY_POLICY


def test_not_found_pages_carry_the_content_security_policy(client):
    for path in ("/no/such/page/", "/b/Not_A_Name/"):
        response = client.get(path)
        assert response.status_code == 404
        assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


@pytest.mark.django_db
def test_board_page_has_no_inline_script_but_its_json_configuration(client):
    page = client.get("/b/art-class/").content.decode()
    scripts = page.split("<script")[1:]
    inline = [script for script in scripts if "src=" not in script.split(">", 1)[0]]
    assert len(inline) == 1 and 'type="application/json"' in inline[0]
    assert " style=" not in page and " onclick=" not in page and " onload=" not in page


# Deployment behind a proxy


def test_probes_and_metrics_are_not_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.METRICS_ENABLED = True
    settings.METRICS_TOKEN = ""
    assert client.get("/healthz").status_code == 200
    assert client.get("/metrics").status_code == 200
    assert client.get("/").status_code == 301


def test_requests_marked_https_by_the_proxy_are_secure(client, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz", headers={"X-Forwarded-Proto": "https"}).status_code == 200
    assert client.get("/new/", headers={"X-Forwarded-Proto": "http"}).status_code == 301


def test_proxy_ssl_header_setting_names_a_header(monkeypatch):
    monkeypatch.setenv("SKETCHSITE_PROXY_SSL_HEADER", "X-Forwarded-Proto")
    assert sketchsite_settings.env_header("SKETCHSITE_PROXY_SSL_HEADER", None) == "HTTP_X_FORWARDED_PROTO"
    monkeypatch.setenv("SKETCHSITE_PROXY_SSL_HEADER", "X-Forwarded-Proto: https")
    with pytest.raises(ImproperlyConfigured, match="SKETCHSITE_PROXY_SSL_HEADER"):
        sketchsite_settings.env_header("SKETCHSITE_PROXY_SSL_HEADER", None)
    monkeypatch.delenv("SKETCHSITE_PROXY_SSL_HEADER")
    assert sketchsite_settings.env_header("SKETCHSITE_PROXY_SSL_HEADER", None) is None


def test_trusted_origins_need_their_scheme(monkeypatch):
    monkeypatch.setenv("CSRF_TRUSTED_ORIGINS", "https://draw.example.org, https://*.school.example")
    assert sketchsite_settings.env_origins("CSRF_TRUSTED_ORIGINS", []) == [
        "https://draw.example.org",
        "https://*.school.example",
    ]
    monkeypatch.setenv("CSRF_TRUSTED_ORIGINS", "draw.example.org")
    with pytest.raises(ImproperlyConfigured, match="CSRF_TRUSTED_ORIGINS"):
        sketchsite_settings.env_origins("CSRF_TRUSTED_ORIGINS", [])


def test_defaults_keep_plain_http_on_the_classroom_network():
    """Without the proxy variables, nothing asks the browser for HTTPS."""
    assert sketchsite_settings.SECURE_PROXY_SSL_HEADER is None
    assert not sketchsite_settings.SECURE_SSL_REDIRECT
    assert not sketchsite_settings.SESSION_COOKIE_SECURE
    assert not sketchsite_settings.CSRF_COOKIE_SECURE
    assert sketchsite_settings.SECURE_HSTS_SECONDS == 0


# The secret key file


@pytest.fixture
def no_secret_key_in_environment(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)


@pytest.fixture
def permissive_umask():
    previous = os.umask(0)
    yield
    os.umask(previous)


def test_secret_key_file_is_created_readable_by_its_owner_only(
    tmp_path, no_secret_key_in_environment, permissive_umask
):
    key = sketchsite_settings.secret_key(tmp_path)
    key_file = tmp_path / "secret_key"
    assert key and key_file.read_text() == key
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert sketchsite_settings.secret_key(tmp_path) == key


def test_secret_key_written_by_another_process_first_is_the_one_used(tmp_path, no_secret_key_in_environment):
    key_file = tmp_path / "secret_key"
    # The other process has created the file and not yet written it.
    key_file.touch(mode=0o600)
    writer = threading.Timer(0.3, key_file.write_text, args=("the-other-process-key",))
    writer.start()
    try:
        assert sketchsite_settings.secret_key(tmp_path) == "the-other-process-key"
    finally:
        writer.join()


def test_secret_key_file_left_empty_stops_the_server_with_its_name(tmp_path, no_secret_key_in_environment):
    key_file = tmp_path / "secret_key"
    key_file.touch(mode=0o600)
    with pytest.raises(ImproperlyConfigured, match="secret_key"):
        sketchsite_settings.read_secret_key(key_file, wait_seconds=0.1)


# New boards


@pytest.mark.django_db
def test_new_board_skips_names_already_in_use(client, monkeypatch):
    for name in ("brave-otter-11", "calm-heron-22"):
        Board.objects.create(name=name, width=1600, height=900)
    offered = iter(["brave-otter-11", "calm-heron-22", "eager-lynx-33"])
    monkeypatch.setattr("draw.archive.random_board_name", lambda: next(offered))
    response = client.get("/new/")
    assert response.status_code == 302
    assert response["Location"].startswith("/b/eager-lynx-33/#host=")


@pytest.mark.django_db
def test_new_board_adds_a_random_tail_when_readable_names_keep_colliding(client, monkeypatch):
    Board.objects.create(name="swift-otter-42", width=1600, height=900)
    monkeypatch.setattr("draw.archive.random_board_name", lambda: "swift-otter-42")
    response = client.get("/new/")
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith("/b/swift-otter-42-") and location != "/b/swift-otter-42/"
    assert client.get(location).status_code == 200


# manage.py serve and the Daphne command line


def test_serve_on_a_fresh_data_folder_migrates_and_accepts_a_board_socket(tmp_path):
    port = free_port()
    log_path = tmp_path / "serve.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sketchsite.settings",
        "SKETCHSITE_DATA_DIR": str(tmp_path / "fresh"),
        "SECRET_KEY": "serve-test-secret",
        "REDIS_URL": "",
    }
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=PROJECT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, f"serve exited: {log_path.read_text()}"
            try:
                if get(f"http://127.0.0.1:{port}/healthz", timeout=1)[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, f"serve did not answer: {log_path.read_text()}"
            time.sleep(0.2)

        async def first_frame():
            origin = f"http://127.0.0.1:{port}"
            async with connect(f"ws://127.0.0.1:{port}/ws/boards/draw/", origin=origin) as socket:
                return json.loads(await asyncio.wait_for(socket.recv(), timeout=10))

        assert asyncio.run(first_frame())["type"] == "welcome"
        output = log_path.read_text()
        assert output.count("applying migrations") == 1
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_daphne_arguments_carry_the_transport_limit_from_the_server_environment():
    arguments = daphne_arguments(
        "127.0.0.1", 8123, environ={"SKETCHSITE_TRANSPORT_MAX_MESSAGE_BYTES": "2097152"}
    )
    assert arguments[:4] == ["--bind", "127.0.0.1", "--port", "8123"]
    assert arguments[arguments.index("--websocket-max-message-size") + 1] == "2097152"
    assert arguments[-1] == "sketchsite.asgi:application"
    assert "--ping-interval" in arguments and "--application-close-timeout" in arguments


def test_daphne_transport_limit_is_read_as_settings_read_it(settings):
    assert transport_max_message_bytes() == settings.SKETCHSITE["TRANSPORT_MAX_MESSAGE_BYTES"]
    with pytest.raises(ImproperlyConfigured, match="SKETCHSITE_TRANSPORT_MAX_MESSAGE_BYTES"):
        transport_max_message_bytes({"SKETCHSITE_TRANSPORT_MAX_MESSAGE_BYTES": "1024"})
    with pytest.raises(ImproperlyConfigured, match="SKETCHSITE_TRANSPORT_MAX_MESSAGE_BYTES"):
        transport_max_message_bytes({"SKETCHSITE_TRANSPORT_MAX_MESSAGE_BYTES": "big"})
