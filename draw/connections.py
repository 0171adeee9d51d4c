"""Open board sockets per address in this process, bounded so one address cannot hold them all.

A class behind one school address shares it, so the bound is well above a class's devices
(docs/reliability.md). Each process counts its own: behind a balancer of N processes one
address may hold up to N times the bound, and a count never outlives the process that holds
its sockets.
"""

import threading

from draw.guessing import address_key


class AddressConnections:
    """How many sockets each address has open here; at most `max_per_address` each, but none
    bounded from the `unbounded` addresses (this machine's, by default)."""

    def __init__(self, max_per_address, unbounded=()):
        self.max_per_address = max_per_address
        self.unbounded = unbounded_keys(unbounded)
        self._open = {}
        self._lock = threading.Lock()

    def is_unbounded(self, address):
        return address_key(address) in self.unbounded

    def open_from(self, address):
        with self._lock:
            return self._open.get(address_key(address), 0)

    def enter(self, address):
        """Count one more socket from `address`; False (and nothing counted) when it has its bound."""
        key = address_key(address)
        with self._lock:
            count = self._open.get(key, 0)
            if count >= self.max_per_address and key not in self.unbounded:
                return False
            self._open[key] = count + 1
            return True

    def leave(self, address):
        key = address_key(address)
        with self._lock:
            count = self._open.get(key, 0) - 1
            if count > 0:
                self._open[key] = count
            else:
                self._open.pop(key, None)


def unbounded_keys(addresses):
    """The keys (draw.guessing.address_key) of addresses no bound per address applies to."""
    return frozenset(address_key(address) for address in addresses)
