"""Forwarded client addresses are believed only from our own reverse proxies.

Rate limits and the audit trail's address hash use the client's address. Behind a proxy that address is in
X-Forwarded-For, but any client can send that header too: applied to every request, it lets anyone pick a new
address per attempt and never meet a rate limit. So the headers count only when the direct peer (REMOTE_ADDR)
is one of the configured proxies (TRUSTED_PROXIES); from anyone else they are ignored.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from werkzeug.middleware.proxy_fix import ProxyFix

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(value: str | Iterable[str]) -> tuple[Network, ...]:
    """Addresses and networks from a setting such as ``"127.0.0.1, 10.0.0.0/8, ::1"``.

    :raise ValueError: naming the entry that is not an address or network (the app refuses to start).
    """
    items = value.split(",") if isinstance(value, str) else value
    networks = []
    for item in (i.strip() for i in items):
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError as exc:
            raise ValueError(f"TRUSTED_PROXIES: {item!r} is not an IP address or network") from exc
    return tuple(networks)


def is_trusted(address: str | None, networks: tuple[Network, ...]) -> bool:
    """Whether a peer address is one of the networks (an IPv4 address seen as ``::ffff:a.b.c.d`` counts too)."""
    try:
        ip = ipaddress.ip_address((address or "").split("%")[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return any(ip in net for net in networks)


class TrustedProxyFix:
    """WSGI middleware: werkzeug's ProxyFix for requests from a trusted proxy, the plain app for everyone else."""

    def __init__(self, app, networks: tuple[Network, ...], hops: int):
        self.app = app
        self.networks = networks
        self.fixed = ProxyFix(app, x_for=hops, x_proto=hops, x_host=hops)

    def __call__(self, environ, start_response):
        if is_trusted(environ.get("REMOTE_ADDR"), self.networks):
            return self.fixed(environ, start_response)
        return self.app(environ, start_response)
