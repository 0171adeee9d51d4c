"""The addresses students' devices reach the site at, for join links, host links and QR codes.

A teacher usually opens the site on the machine that serves it, as `localhost`; a link or QR
code made from that address would send every phone in the room to itself. So a loopback
address is swapped for this machine's LAN address, unless SKETCHSITE_PUBLIC_URL says where
the site is reached.
"""

import ipaddress
import socket

import psutil
from django.conf import settings
from django.http.request import split_domain_port
from django.urls import reverse

# Interfaces of containers and virtual machines: reachable from this machine only, so their
# addresses come after those of the real network cards.
_VIRTUAL_INTERFACE_PREFIXES = ("docker", "br-", "veth", "virbr", "lxc", "podman", "cni", "vboxnet", "vmnet")

_LOOPBACK_NAMES = {"localhost", "ip6-localhost", "ip6-loopback"}


def lan_addresses():
    """IPv4 addresses of this machine's network interfaces other than loopback, real cards first."""
    found = set()
    for interface, addresses in psutil.net_if_addrs().items():
        virtual = interface.startswith(_VIRTUAL_INTERFACE_PREFIXES)
        for address in addresses:
            if address.family != socket.AF_INET:
                continue
            ip = ipaddress.IPv4Address(address.address)
            # A link-local address is what an interface gets when no network gave it one.
            if ip.is_loopback or ip.is_link_local:
                continue
            found.add((virtual, address.address))
    return [address for _, address in sorted(found)]


def is_loopback(host):
    """Whether a host name or address (an IPv6 one with or without brackets) is this machine only."""
    host = host.strip("[]").rstrip(".").lower()
    if host in _LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False
    return ip.is_loopback or ip.is_unspecified


def lan_base_url(scheme, port):
    """`scheme://<first LAN address>:port`, or None when this machine has no LAN address."""
    addresses = lan_addresses()
    if not addresses:
        return None
    return f"{scheme}://{addresses[0]}{_port_suffix(scheme, port)}"


def public_base_url(request):
    """Scheme and host that join links for this request start with, without a trailing slash."""
    configured = settings.SKETCHSITE["PUBLIC_URL"]
    if configured:
        return configured
    host = request.get_host()
    own = f"{request.scheme}://{host}"
    domain, port = split_domain_port(host)
    if not is_loopback(domain or host):
        return own
    return lan_base_url(request.scheme, port or request.get_port()) or own


def server_base_url(bind_host, port):
    """Where people reach a server bound to `bind_host`:`port`, for the links `manage.py` prints."""
    configured = settings.SKETCHSITE["PUBLIC_URL"]
    if configured:
        return configured
    if bind_host in ("0.0.0.0", "::"):
        return lan_base_url("http", port) or f"http://localhost:{port}"
    if is_loopback(bind_host):
        return f"http://localhost:{port}"
    host = f"[{bind_host}]" if ":" in bind_host else bind_host
    return f"http://{host}:{port}"


def join_url(base, code):
    return base + reverse("join-board", kwargs={"code": code})


def host_url(base, board, key):
    # In the fragment, which browsers never send: the key stays out of every server's log.
    return f"{base}{reverse('board', kwargs={'board': board})}#host={key}"


def _port_suffix(scheme, port):
    default = {"http": "80", "https": "443"}.get(scheme)
    return "" if str(port) == default else f":{port}"
