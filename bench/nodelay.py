"""nodelay.py -- imported by the bench drivers before they connect: makes
every TCP connection of the process use TCP_NODELAY, as browsers and curl
do.  httpx 0.23 (Debian 12) does not, and then each POST waits ~40 ms for
the server's delayed ACK before Nagle's algorithm lets the body out; the
benchmarks would time that wait instead of the server.  tests/http/
conftest.py does the same for the HTTP suite."""
import socket

_create_connection = socket.create_connection


def _create_connection_nodelay(*args, **kwargs):
    s = _create_connection(*args, **kwargs)
    if s.family in (socket.AF_INET, socket.AF_INET6):
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


socket.create_connection = _create_connection_nodelay
