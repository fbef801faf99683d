# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Fetch a URL given by a PBX (a call recording) without letting it reach what it must not.

* ``http``/``https`` only; the host is resolved once and the connection goes to the checked address (no
  second resolution that a DNS answer could change in between);
* addresses are classified: ``public``, ``private`` (RFC 1918, unique local, shared address space),
  ``loopback``; unspecified, link-local (cloud metadata services), multicast and reserved addresses are
  always refused. The caller says which classes are allowed besides public (those of the PBX's own API);
* redirects are followed by hand, at most ``max_redirects``, each target checked like the first URL;
* the body is streamed and refused beyond ``max_bytes`` (from ``Content-Length`` before reading, else while
  reading), and the whole fetch, redirects included, must end within ``timeout`` seconds (a body trickling
  in is cut at the deadline; connecting and reading the headers may each stall ``STALL`` seconds at most).
"""

import contextlib
import ipaddress
import socket
import threading
import time
from urllib.parse import urljoin, urlsplit

import requests
import urllib3

ALWAYS_REFUSED = "refused"
REDIRECTS = (301, 302, 303, 307, 308)
CHUNK = 64 * 1024
STALL = 10  # seconds a connection or a read of the headers may stall
USER_AGENT = "Odoo crm_telephony"


class FetchRefused(Exception):
    """The URL or its answer was refused; the message says why (for the call's recording error)."""


def address_class(address):
    """``public``, ``private``, ``loopback`` or ``refused`` for an IP address (string or ip_address)."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if ip.is_unspecified or ip.is_link_local or ip.is_multicast or ip.is_reserved:
        return ALWAYS_REFUSED
    if ip.is_loopback:
        return "loopback"
    if ip in ipaddress.ip_network("100.64.0.0/10") or ip.is_private:
        return "private"
    return "public" if ip.is_global else ALWAYS_REFUSED


def resolve(host, port):
    """The addresses of ``host`` (an IP literal or a name)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise FetchRefused(f"cannot resolve {host}: {error}") from error
    return list(dict.fromkeys(info[4][0] for info in infos))


def url_classes(url):
    """The address classes of the host of ``url`` (an empty set when it has none or cannot be resolved)."""
    try:
        parts = urlsplit(url or "")
        if not parts.hostname:
            return set()
        return {address_class(address) for address in resolve(parts.hostname, parts.port or 80)}
    except (FetchRefused, ValueError):
        return set()


def _checked_target(url, allowed):
    """(scheme, host, port, address to connect to, path with query) of ``url``, or FetchRefused."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise FetchRefused(f"invalid URL: {url}") from error
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchRefused(f"only http(s) URLs with a host are fetched: {url}")
    port = port or (443 if parts.scheme == "https" else 80)
    addresses = resolve(parts.hostname, port)
    for address in addresses:
        kind = address_class(address)
        if kind != "public" and kind not in allowed:
            raise FetchRefused(f"the address {address} of {parts.hostname} is not allowed ({kind})")
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return parts.scheme, parts.hostname, port, addresses[0], path


class _Connection(urllib3.connection.HTTPConnection):
    """Keeps its socket: http.client lets go of it once a close-delimited answer starts, and the deadline
    watchdog must still be able to cut it."""

    def connect(self):
        result = super().connect()
        self.crm_socket = self.sock
        return result


class _TlsConnection(urllib3.connection.HTTPSConnection):
    def connect(self):
        result = super().connect()
        self.crm_socket = self.sock
        return result


def _open(scheme, host, port, address, path, remaining):
    """GET ``path`` on ``address`` for ``host``: certificate and SNI checked against the host name."""
    # connecting and every read of the headers stall at most STALL seconds; the body has the deadline
    timeout = urllib3.Timeout(connect=min(remaining, STALL), read=min(remaining, STALL))
    if scheme == "https":
        pool = urllib3.HTTPSConnectionPool(
            address,
            port,
            timeout=timeout,
            retries=False,
            maxsize=1,
            cert_reqs="CERT_REQUIRED",
            ca_certs=requests.certs.where(),
            server_hostname=host,
            assert_hostname=host,
        )
        pool.ConnectionCls = _TlsConnection
    else:
        pool = urllib3.HTTPConnectionPool(address, port, timeout=timeout, retries=False, maxsize=1)
        pool.ConnectionCls = _Connection
    default_port = 443 if scheme == "https" else 80
    name = f"[{host}]" if ":" in host else host
    headers = {
        "Host": name if port == default_port else f"{name}:{port}",
        "User-Agent": USER_AGENT,
        "Accept": "audio/*, */*;q=0.1",
    }
    response = pool.urlopen(
        "GET",
        path,
        headers=headers,
        redirect=False,
        retries=False,
        preload_content=False,
        assert_same_host=False,
    )
    return pool, response


def fetch(url, allowed=(), max_bytes=50 * 1024 * 1024, timeout=60, max_redirects=3):
    """GET ``url`` as described in the module docstring; returns (content, content type).

    :param allowed: address classes allowed besides ``public`` (``private``, ``loopback``)
    :raise FetchRefused: for a refused URL, a redirect too many, an answer that is not 200, a body over
        ``max_bytes``, a fetch longer than ``timeout`` or a network error
    """
    deadline = time.monotonic() + timeout
    allowed = set(allowed) - {ALWAYS_REFUSED}
    for _hop in range(max_redirects + 1):
        target = _checked_target(url, allowed)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise FetchRefused(f"the download took longer than {timeout} s")
        try:
            pool, response = _open(*target, remaining)
        except urllib3.exceptions.HTTPError as error:
            raise FetchRefused(f"download failed: {error}") from error
        try:
            if response.status in REDIRECTS and response.headers.get("Location"):
                url = urljoin(url, response.headers["Location"])
                continue
            if response.status != 200:
                raise FetchRefused(f"download failed with status {response.status}")
            content = _read_body(response, max_bytes, deadline, timeout)
            return content, response.headers.get("Content-Type", "")
        finally:
            response.release_conn()
            pool.close()
    raise FetchRefused(f"more than {max_redirects} redirects")


def _read_body(response, max_bytes, deadline, timeout):
    """The body, streamed: at most ``max_bytes``, cut at the deadline even if bytes keep trickling in."""
    try:
        declared = int(response.headers.get("Content-Length") or 0)
    except ValueError:
        declared = 0
    if declared > max_bytes:
        raise FetchRefused(f"the recording is larger than {max_bytes} bytes ({declared})")
    expired = threading.Event()

    def cut():
        expired.set()
        sock = getattr(response.connection, "crm_socket", None)
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    watchdog = threading.Timer(max(deadline - time.monotonic(), 0), cut)
    watchdog.daemon = True
    watchdog.start()
    body = bytearray()
    try:
        for chunk in response.stream(CHUNK):
            body += chunk
            if len(body) > max_bytes:
                raise FetchRefused(f"the recording is larger than {max_bytes} bytes")
            if expired.is_set():
                break
    except (urllib3.exceptions.HTTPError, OSError) as error:
        if not expired.is_set():
            raise FetchRefused(f"download failed: {error}") from error
    finally:
        watchdog.cancel()
    if expired.is_set():
        raise FetchRefused(f"the download took longer than {timeout} s")
    return bytes(body)
