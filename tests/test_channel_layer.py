"""The configured channel layer holds a classroom's burst of group messages.

The layer's default capacity (100 per channel) drops group messages silently once
a consumer falls behind; thirty drawers fill that in a fraction of a second.
"""

import asyncio

from channels.layers import get_channel_layer

BURST = 1000


async def test_in_memory_layer_delivers_a_burst_larger_than_the_default_capacity():
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add("capacity-check", channel)
    for index in range(BURST):
        await layer.group_send("capacity-check", {"type": "board.batch", "index": index})
    received = [(await asyncio.wait_for(layer.receive(channel), timeout=2))["index"] for _ in range(BURST)]
    assert received == list(range(BURST))
    await layer.group_discard("capacity-check", channel)
