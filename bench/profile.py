"""Where a Daphne process spends its time: py-spy attached during the measured window.

py-spy samples the running server from outside (no change to how it is started) and
writes collapsed stacks; `summarize` folds them into the few places that matter:
functions by own time, and source files by inclusive time.
"""

import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

SAMPLES_PER_SECOND = 200
# "function (path/to/file.py:123)" as py-spy writes a frame.
FRAME = re.compile(r"^(?P<function>.*?) \((?P<file>[^:()]+)(?::\d+)?\)$")


class ProfilerMissing(Exception):
    """py-spy is not installed (pip install -r requirements-bench.txt)."""


def py_spy():
    script = Path(sys.executable).with_name("py-spy")
    found = str(script) if script.exists() else shutil.which("py-spy")
    if not found:
        raise ProfilerMissing("py-spy is not installed: pip install -r requirements-bench.txt")
    return found


def start_recording(pid, seconds, raw_path):
    """Sample `pid` for `seconds` into collapsed stacks at raw_path; returns the py-spy process."""
    return subprocess.Popen(
        [
            py_spy(),
            "record",
            "--pid",
            str(pid),
            "--duration",
            str(max(1, round(seconds))),
            "--rate",
            str(SAMPLES_PER_SECOND),
            "--format",
            "raw",
            "--nonblocking",
            "--output",
            str(raw_path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


# Where a busy sample's time goes, decided by the first rule whose text appears in its stack.
COMPONENTS = (
    ("stroke commits (draw/store.py, ORM, SQLite)", ("draw/store.py",)),
    ("Channels' close_old_connections per message (thread hop)", ("close_old_connections",)),
    ("other sync_to_async / thread pool work", ("concurrent/futures/thread.py", "asgiref/sync.py")),
    ("channel layer (group_send, receive, expiry scans)", ("channels/layers.py", "channels_redis/")),
    ("websocket framing (autobahn)", ("autobahn/",)),
    ("network I/O (Twisted)", ("twisted/",)),
    ("Daphne (ASGI glue)", ("daphne/server.py", "daphne/ws_protocol.py")),
    ("Sketchsite consumer and relay (parse, check, encode)", ("draw/",)),
    ("Channels consumer dispatch", ("channels/",)),
)
OTHER = "asyncio event loop and the rest"
# Leaf frames of a thread that is waiting, not working.
IDLE_LEAVES = (("EpollSelector.select", "selectors.py"), ("_worker", "concurrent/futures/thread.py"))


def _frames(stack):
    for frame in stack.split(";"):
        match = FRAME.match(frame)
        if match:
            yield match["function"], match["file"]
        else:
            yield frame, frame


def _component(stack):
    for name, needles in COMPONENTS:
        if any(needle in stack for needle in needles):
            return name
    return OTHER


def summarize(raw_path, top=15):
    """Busy samples by component, own time by function and inclusive time by file, as shares."""
    own = Counter()
    inclusive = Counter()
    components = Counter()
    total = idle = 0
    for line in Path(raw_path).read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack.strip() or not count.isdigit():
            continue
        samples = int(count)
        frames = list(_frames(stack))
        if frames[-1] in IDLE_LEAVES:
            idle += samples
            continue
        total += samples
        function, file = frames[-1]
        own[f"{function} ({file})"] += samples
        components[_component(stack)] += samples
        for file in {file for _, file in frames}:
            inclusive[file] += samples

    def shares(counter, limit=top):
        return [(name, round(100 * samples / total, 1)) for name, samples in counter.most_common(limit)]

    return {
        "busy_samples": total,
        "idle_samples": idle,
        "components": shares(components, None),
        "own_time": shares(own),
        "inclusive_by_file": shares(inclusive),
    }


def summary_text(summary):
    busy, idle = summary["busy_samples"], summary["idle_samples"]
    lines = [f"{busy} busy samples ({100 * busy / max(1, busy + idle):.0f}% of all); shares of busy time", ""]
    lines += ["by component:"]
    lines += [f"  {share:5.1f}%  {name}" for name, share in summary["components"]]
    lines += ["", "own time, by function:"]
    lines += [f"  {share:5.1f}%  {name}" for name, share in summary["own_time"]]
    lines += ["", "inclusive time, by file:"]
    lines += [f"  {share:5.1f}%  {name}" for name, share in summary["inclusive_by_file"]]
    return "\n".join(lines)
