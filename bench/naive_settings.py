"""Settings for the baseline: the project's own, with the channel layer at its defaults.

Capacity and expiry are left to Channels (100 messages, 60 s). Only the Redis socket
timeout is kept: without it redis-py 8 aborts idle blocking reads, which would measure a
known bug rather than the design.
"""

from sketchsite.settings import *  # noqa: F403
from sketchsite.settings import CHANNEL_LAYERS, REDIS_URL

if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": CHANNEL_LAYERS["default"]["CONFIG"]["hosts"],
                "prefix": CHANNEL_LAYERS["default"]["CONFIG"]["prefix"],
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
