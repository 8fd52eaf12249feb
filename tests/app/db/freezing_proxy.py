"""A loopback TCP proxy that can freeze: stop forwarding without closing anything.

While frozen, clients still connect and their bytes are still acknowledged (by this process's
kernel), but nothing reaches the server and nothing comes back: a hung server, or a network
path that went dark, as the client sees it. Thawing forwards what waited meanwhile.
"""

from __future__ import annotations

import contextlib
import select
import socket
import threading
from typing import Self


class FreezingProxy:
    """Forwards 127.0.0.1:``port`` to 127.0.0.1:``upstream_port`` until :meth:`freeze`."""

    def __init__(self, upstream_port: int) -> None:
        self._upstream = upstream_port
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._flowing = threading.Event()
        self._flowing.set()
        self._stopped = threading.Event()
        self._sockets: list[socket.socket] = []
        self._frozen: set[socket.socket] = set()
        threading.Thread(target=self._accept, name="freezing-proxy", daemon=True).start()

    def freeze(self) -> None:
        self._flowing.clear()

    def freeze_open(self) -> None:
        """Freeze the connections open now (a path gone dark); new ones still flow."""
        self._frozen.update(self._sockets)

    def thaw(self) -> None:
        self._flowing.set()

    def close(self) -> None:
        self._stopped.set()
        self._flowing.set()
        for s in [self._listener, *self._sockets]:
            with contextlib.suppress(OSError):
                s.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _accept(self) -> None:
        while not self._stopped.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            self._flowing.wait()  # frozen: the connection is accepted, the server never hears
            try:
                server = socket.create_connection(("127.0.0.1", self._upstream))
            except OSError:
                client.close()
                continue
            self._sockets += [client, server]
            for src, dst in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(src, dst), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while not self._stopped.is_set():
                self._flowing.wait()
                readable, _, _ = select.select([src], [], [], 0.05)
                if not readable or not self._flowing.is_set() or src in self._frozen:
                    continue
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass
        for s in (src, dst):
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
