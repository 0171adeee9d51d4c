"""Channel layer configuration: in-memory for one process, channels-redis to scale out."""


def channel_layer_config(redis_url, prefix, capacity, redis_socket_timeout):
    """The CHANNEL_LAYERS["default"] entry for these settings."""
    if not redis_url:
        return {
            "BACKEND": "channels.layers.InMemoryChannelLayer",
            "CONFIG": {"capacity": capacity, "expiry": 60},
        }
    return {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {
            # redis-py 8 defaults socket_timeout to 5 s, which aborts the layer's blocking pop
            # on an idle board and tears the consumer down (channels_redis issue 422). The
            # timeout must outlast the layer's 5 s blocking pop.
            "hosts": [
                {
                    "address": redis_url,
                    "socket_timeout": redis_socket_timeout,
                    "socket_connect_timeout": 5,
                    "health_check_interval": 30,
                }
            ],
            "prefix": prefix,
            "capacity": capacity,
            "expiry": 60,
            "group_expiry": 86400,
        },
    }
