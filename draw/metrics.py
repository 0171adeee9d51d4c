"""What one server process counts, in the Prometheus client's default registry, served at /metrics.

Each process counts only its own sockets, boards and frames; a scraper adds the processes up.
The consumer, relay, store and export modules update these; nothing here knows about them.
"""

from prometheus_client import Counter, Gauge, Histogram

OPEN_SOCKETS = Gauge("sketchsite_open_sockets", "Board websockets open in this process.")
LIVE_BOARDS = Gauge("sketchsite_live_boards", "Boards with a relay running in this process.")
FRAMES_IN = Counter(
    "sketchsite_frames_in",
    "Frames received from browsers, by message type ('invalid' for frames that did not parse).",
    ["type"],
)
FRAMES_OUT = Counter("sketchsite_frames_out", "Frames sent to browsers, by message type.", ["type"])
# The relay's batches, the bulk of what goes out, bound to their label once.
FRAMES_OUT_BATCH = FRAMES_OUT.labels("batch")
RELAY_FLUSHES = Counter("sketchsite_relay_flushes", "Ticks in which a board's relay sent a batch.")
RELAY_BATCH_MESSAGES = Histogram(
    "sketchsite_relay_batch_messages",
    "Messages coalesced into one relayed batch.",
    buckets=(1, 2, 5, 10, 20, 50, 100, 200, 500, 1000),
)
RELAY_AUDIENCE_GROUPS = Histogram(
    "sketchsite_relay_audience_groups",
    "Audience groups a batch of a board in lanes was encoded for (draw/audience.py).",
    buckets=(3, 4, 5, 10, 20, 35, 50, 100),
)
SNAPSHOT_CACHE_VIEWS = Gauge(
    "sketchsite_snapshot_cache_views", "Audience views of boards in lanes whose HTTP snapshot is kept."
)
COMMIT_SECONDS = Histogram(
    "sketchsite_commit_seconds",
    "Time to store one event in a board's log, from request to acknowledgement.",
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
REFUSALS = Counter("sketchsite_refusals", "Messages refused with an error, by error code.", ["code"])
CLOSES = Counter("sketchsite_closes", "Board websockets closed, by close code.", ["code"])
EXPORT_RENDERS = Counter("sketchsite_export_renders", "Board exports rendered, by format.", ["format"])
EXPORT_REFUSED = Counter(
    "sketchsite_export_refused", "Exports refused because enough renders were already running."
)
CACHED_BOARDS = Gauge("sketchsite_cached_boards", "Board histories held in this process's memory.")
EXPORT_STROKES_WARMED = Counter(
    "sketchsite_export_strokes_warmed",
    "Ink strokes whose shapes an export worker worked out before an export asked (draw/exportwarming.py).",
)
EXPORT_CACHE_ENTRIES = Gauge("sketchsite_export_cache_entries", "Finished exports kept for reuse.")
UNREADABLE_ROWS = Counter(
    "sketchsite_unreadable_rows",
    "Rows of a board's log left out of its snapshot, catch-up and exports because they cannot be "
    "read, encoded or drawn (draw/logrows.py), by board; each row once per process.",
    ["board"],
)
EXPORT_ITEMS_LEFT_OUT = Counter(
    "sketchsite_export_items_left_out", "Items that failed to draw and were left out of an export."
)
