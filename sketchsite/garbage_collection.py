"""Keep the cyclic garbage collector's pauses out of live drawing.

A full (generation 2) collection walks every tracked object in the process. After Django,
Channels and Daphne are imported that is about 90,000 objects that will live as long as
the process; with 500 browsers joined, a full collection took 60-85 ms, during which no
frame went out, and it was the whole 1 % tail of lecture-500's latency
(docs/performance.md). Moving the startup objects to the permanent generation once, when
the application is built, takes them out of every later walk.
"""

import gc


def freeze_startup_objects():
    """Collect what startup left behind, then exempt everything still alive from later walks.

    Reference counting still frees these objects; only cycles among them would now wait
    for an unfreeze, and module-level objects built at startup are not going anywhere.
    """
    gc.collect()
    gc.freeze()
