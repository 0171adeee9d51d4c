"""Channel layer configuration: in-memory for one process, channels-redis to scale out."""

import time

from channels.layers import InMemoryChannelLayer
from redis.exceptions import ConnectionError as RedisConnectionError


class InMemoryLayer(InMemoryChannelLayer):
    """Channels' in-memory layer, sweeping expired messages at most once a second.

    The stock layer scans every channel and group on every send and receive; with five
    hundred browsers on a board that scan was 41 % of the server's time
    (docs/performance.md). Expiry is measured in tens of seconds, so a sweep a second
    loses nothing.
    """

    sweep_interval = 1.0
    _last_sweep = 0.0

    def _clean_expired(self):
        now = time.monotonic()
        if now - self._last_sweep >= self.sweep_interval:
            self._last_sweep = now
            super()._clean_expired()


def channel_layer_config(redis_url, prefix, capacity, redis_socket_timeout, redis_layer="core"):
    """The CHANNEL_LAYERS["default"] entry for these settings."""
    if not redis_url:
        return {
            "BACKEND": "sketchsite.channel_layers.InMemoryLayer",
            "CONFIG": {"capacity": capacity, "expiry": 60},
        }
    # redis-py 8 defaults socket_timeout to 5 s, which aborts the layer's blocking pop on an
    # idle board and tears the consumer down (channels_redis issue 422). The timeout must
    # outlast the layer's 5 s blocking pop.
    host = {
        "address": redis_url,
        "socket_timeout": redis_socket_timeout,
        "socket_connect_timeout": 5,
        "health_check_interval": 30,
        # After Redis restarts, every pooled connection is dead, and the first command on
        # each would fail: redis-py then reconnects and tries that command once more.
        "retry_on_error": [RedisConnectionError],
    }
    if redis_layer == "pubsub":
        # Redis PUBLISH/SUBSCRIBE: no queues in Redis, so no capacity or expiry to set; a
        # message published while a process is not subscribed is not kept for it.
        return {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [host], "prefix": prefix},
        }
    return {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {
            "hosts": [host],
            "prefix": prefix,
            "capacity": capacity,
            "expiry": 60,
            "group_expiry": 86400,
        },
    }
