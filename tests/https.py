"""HTTPS as deployed: nginx through deploy/nginx-https.conf, with a self-signed certificate of the
test's own, in front of Daphne processes on Redis and PostgreSQL."""

import contextlib
import datetime
import ipaddress
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.conftest import REDIS_URL
from tests.servers import PROJECT, DaphneServer, migrate

HOST = "127.0.0.1"


def self_signed_certificate(folder, names=("localhost",), addresses=(HOST,)):
    """A certificate for `names` and `addresses`, signed by its own key, written to `folder`."""
    from deploy.nginx import Certificate

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])])
    now = datetime.datetime.now(datetime.UTC)
    alternative_names = [x509.DNSName(name) for name in names]
    alternative_names += [x509.IPAddress(ipaddress.ip_address(address)) for address in addresses]
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName(alternative_names), critical=False)
        # Its own issuer: a client trusts it by taking it as the authority (Nginx.tls_context).
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    paths = Certificate(folder / "fullchain.pem", folder / "privkey.pem")
    paths.certificate.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    paths.key.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    paths.key.chmod(0o600)
    return paths


def https_env(server_env, redis_prefix, postgres_url, origin, proxy_headers=True):
    """The environment docs/deploy.md ("HTTPS") sets on every process behind HTTPS at `origin`."""
    env = {
        **server_env,
        "REDIS_URL": REDIS_URL,
        "REDIS_PREFIX": redis_prefix,
        "DATABASE_URL": postgres_url,
        "SKETCHSITE_METRICS": "on",
        "ALLOWED_HOSTS": f"{HOST},localhost",
        "SKETCHSITE_PUBLIC_URL": origin,
        "SKETCHSITE_PROXY_SSL_HEADER": "X-Forwarded-Proto",
        "CSRF_TRUSTED_ORIGINS": origin,
        "SESSION_COOKIE_SECURE": "true",
        "CSRF_COOKIE_SECURE": "true",
        "SECURE_SSL_REDIRECT": "true",
        "SECURE_HSTS_SECONDS": "31536000",
    }
    if proxy_headers:
        env["SKETCHSITE_PROXY_HEADERS"] = "on"
    return env


@contextlib.contextmanager
def behind_https(server_env, redis_prefix, postgres_url, folder, processes=2, proxy_headers=True, extra=None):
    """nginx with TLS in front of `processes` Daphne processes; yields nginx and the processes."""
    from deploy.nginx import Nginx, NginxError, free_port

    folder = Path(folder)
    certificate = self_signed_certificate(folder / "tls")
    # nginx's ports are chosen first: the processes' settings name the origin they serve.
    port, tls_port = free_port(HOST), free_port(HOST)
    origin = f"https://{HOST}:{tls_port}"
    env = {**https_env(server_env, redis_prefix, postgres_url, origin, proxy_headers), **(extra or {})}
    migrate(env)
    servers = []
    nginx = None
    try:
        for index in range(processes):
            servers.append(DaphneServer(env, log_path=folder / f"daphne-{index}.log").start())
        upstreams = [(HOST, server.port) for server in servers]
        try:
            nginx = Nginx(
                upstreams,
                PROJECT / "staticfiles",
                folder / "nginx",
                port,
                certificate=certificate,
                tls_port=tls_port,
            ).start()
        except NginxError as error:
            pytest.fail(f"this test runs its own nginx: {error}")
        yield nginx, servers
    finally:
        if nginx is not None:
            nginx.stop()
        for server in servers:
            server.stop()
