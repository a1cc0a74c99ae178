"""Which URLs a workspace may make this server call (its outbound webhook).

A tenant who could point the connector at 127.0.0.1, the private network or the cloud's
metadata service would make our server fetch from inside the platform for them (SSRF). So a
URL must be http(s), and every address its host resolves to must be public, unless the
platform lists the host, address or network in settings.OUTBOUND_URL_ALLOWLIST. The check
runs when the URL is saved and again at every send, after resolution; the sender then
connects to the address that was checked, so a DNS answer that changes in between (DNS
rebinding) cannot redirect the call.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

SCHEMES = {"http": 80, "https": 443}
METADATA_HOSTS = {"metadata.google.internal", "metadata.goog", "metadata"}
METADATA_ADDRESSES = {
    ipaddress.ip_address("169.254.169.254"),  # AWS, GCP, Azure, OpenStack, DigitalOcean
    ipaddress.ip_address("fd00:ec2::254"),  # AWS over IPv6
    ipaddress.ip_address("100.100.100.200"),  # Alibaba Cloud
}
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


class UnsafeUrl(ValueError):
    """The URL may not be called; the message says why, in words for the person who set it."""


class UnresolvableHost(UnsafeUrl):
    """The host name does not resolve (now): refused at save, retried at send."""


@dataclass(frozen=True)
class CheckedTarget:
    url: str
    host: str  # as written in the URL, lower case, for the Host header and TLS
    port: int
    addresses: tuple[str, ...]  # every address the host resolved to, all of them allowed


def check_outbound_url(url: str) -> None:
    """Raise UnsafeUrl unless this server may POST to `url`."""
    checked_target(url)


def checked_target(url: str) -> CheckedTarget:
    """The URL's host, port and resolved addresses, once every address is allowed."""
    _scheme, host, port = split_url(url)
    allowed = allowlist()
    host_listed = host in allowed.hosts
    if host in METADATA_HOSTS and not host_listed:
        raise UnsafeUrl(f"{host} is a cloud metadata service, which webhooks may not call")
    addresses = resolve(host, port)
    if not host_listed:
        for address in addresses:
            refuse_internal(host, address, allowed)
    return CheckedTarget(url, host, port, tuple(str(address) for address in addresses))


def split_url(url: str) -> tuple[str, str, int]:
    if any(ch.isspace() or not ch.isprintable() for ch in url):
        raise UnsafeUrl("the URL contains spaces or control characters")
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if not scheme:
        raise UnsafeUrl("the URL must start with http:// or https://")
    if scheme not in SCHEMES:
        raise UnsafeUrl(f"only http and https URLs are allowed, not {scheme}:")
    try:
        host = (parts.hostname or "").rstrip(".")
        port = parts.port or SCHEMES[scheme]
    except ValueError:
        raise UnsafeUrl("the URL's port is not a number from 1 to 65535") from None
    if not host:
        raise UnsafeUrl("the URL has no host")
    try:
        host.encode("idna")
    except UnicodeError:
        raise UnsafeUrl(f"{host!r} is not a valid host name") from None
    return scheme, host, port


def resolve(host: str, port: int) -> list[Address]:
    """Every address `host` resolves to, as the sender's connect would see them."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise UnresolvableHost(f"{host} does not resolve ({exc})") from None
    addresses: list[Address] = []
    for _family, _type, _proto, _name, sockaddr in found:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%")[0])  # drop an IPv6 zone
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise UnresolvableHost(f"{host} does not resolve")
    return addresses


def refuse_internal(host: str, address: Address, allowed: Allowlist) -> None:
    if allowed.admits(address):
        return
    reason = internal_kind(address)
    if not reason:
        return
    subject = host if written_as(host, address) else f"{host} resolves to {address}, which"
    raise UnsafeUrl(f"{subject} is {reason}; webhooks may only call public addresses")


def written_as(host: str, address: Address) -> bool:
    """Whether the URL names this address itself rather than a name for it."""
    try:
        return ipaddress.ip_address(host) == address
    except ValueError:
        return False


def internal_kind(address: Address) -> str:
    """What kind of non-public address this is, in words; "" for a public one."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or nat64_embedded(address)
        if embedded is not None:
            return internal_kind(embedded)
    checks = [
        (address in METADATA_ADDRESSES, "a cloud metadata address"),
        (address.is_loopback, "a loopback address"),
        (address.is_unspecified, "an unspecified address"),
        (address.is_link_local, "a link-local address"),
        (address.is_multicast, "a multicast address"),
        (address.is_private, "a private address"),
        (address.is_reserved, "a reserved address"),
        # The rest that is not globally routable: shared (CGNAT) space, 6to4 of private ...
        (not address.is_global, "not a public address"),
    ]
    return next((reason for refused, reason in checks if refused), "")


def nat64_embedded(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address inside a NAT64 one (64:ff9b::/96), which reaches it."""
    if address in NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


@dataclass(frozen=True)
class Allowlist:
    hosts: frozenset[str]
    networks: tuple[Network, ...]

    def admits(self, address: Address) -> bool:
        return any(address in network for network in self.networks)


def allowlist() -> Allowlist:
    """settings.OUTBOUND_URL_ALLOWLIST: host names, addresses and networks (CIDR)."""
    hosts, networks = set(), []
    for entry in settings.OUTBOUND_URL_ALLOWLIST:
        entry = entry.strip().lower().rstrip(".")
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            hosts.add(entry)
        else:
            hosts.add(entry)  # an address may also be the URL's host as written
    return Allowlist(frozenset(hosts), tuple(networks))
