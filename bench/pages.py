"""`python -m bench pages`: a PDF worksheet handed to a class, and its pages turned, in Chromium.

One Daphne (the embedded default: SQLite and the in-memory layer) serves a hosted board. The
host's page and STUDENTS students' pages (phones) are open in headless Chromium. The host
uploads a PDF of three pages through the class panel's file control, as a teacher does; each
student's page watches its own pixels for the first page's colour and notes when it shows.
Then the host turns to page 2 (never shown before), back to page 1, and to page 2 again, and
each student's page counts what it received for each turn: WebSocket bytes, and the picture's
HTTP requests (status, bytes on the wire, whether the browser's cache answered).

Figures: time from the host's choice of the file to the page shown on each student (the upload,
the server's PDF render, the class message and each student's download and decode together);
and bytes per student per page turn.
"""

import io
import json
import os
import statistics
import sys
import tempfile
import threading
import time

from bench.classes import _make
from bench.grid import percentile
from bench.join import CHROMIUM, CHROMIUM_ARGS, LAPTOP, Server
from bench.servers import PROJECT_ROOT, DataDir

PAGES = "pages"
STUDENTS = 30
PHONE = {"width": 390, "height": 844}
# One colour per PDF page, a square of it at board (100..600, 100..600): the pages have the
# board's shape, so they cover it whole.
PAGE_COLOURS = ((220, 40, 40), (40, 170, 60), (40, 80, 220))
PROBE_AT = (350, 350)
# Students in Chromium; the others are sockets that fetch the pictures (a machine of two cores
# cannot decode and paint for thirty browsers at once: those would measure the machine).
BROWSERS = 3
TIMEOUT_S = 60

# In a student's page: resolve the time (ms since the epoch) its board first shows `colour`.
SHOWN_PROBE = """
([colour, x, y]) => new Promise((resolve) => {
  function tick() {
    const { sketch } = window.sketchsite;
    const view = sketch.view;
    const pixel = sketch.readPixel(view.offsetX + x * view.scale, view.offsetY + y * view.scale);
    if (pixel && pixel.every((value, index) => Math.abs(value - colour[index]) < 40)) {
      resolve(performance.timeOrigin + performance.now());
    } else {
      requestAnimationFrame(tick);
    }
  }
  tick();
})
"""


def worksheet_pdf():
    from PIL import Image, ImageDraw

    pages = []
    for number, colour in enumerate(PAGE_COLOURS, 1):
        page = Image.new("RGB", (1600, 900), "white")
        draw = ImageDraw.Draw(page)
        draw.rectangle((100, 100, 600, 600), fill=colour)
        draw.text((800, 100), f"Page {number}", fill="black", font_size=60)
        pages.append(page)
    out = io.BytesIO()
    pages[0].save(out, "PDF", save_all=True, append_images=pages[1:], resolution=150)
    return out.getvalue()


class Traffic:
    """What one page received over the network, as Chromium's DevTools protocol counts it:
    WebSocket frame bytes, and each picture request with its status and the bytes it took on
    the wire (0 when the browser's cache answered it)."""

    def __init__(self, page):
        self.socket_bytes = 0
        self.pictures = []
        self._requests = {}
        cdp = page.context.new_cdp_session(page)
        cdp.on("Network.webSocketFrameReceived", self._frame)
        cdp.on("Network.requestWillBeSent", self._sent)
        cdp.on("Network.responseReceived", self._response)
        cdp.on("Network.requestServedFromCache", self._cached)
        cdp.on("Network.loadingFinished", self._finished)
        cdp.send("Network.enable")
        self._cdp = cdp

    def _frame(self, event):
        self.socket_bytes += len(event["response"]["payloadData"].encode())

    def _sent(self, event):
        if "/assets/" in event["request"]["url"]:
            self._requests[event["requestId"]] = {"status": None, "cached": False}

    def _response(self, event):
        request = self._requests.get(event["requestId"])
        if request is not None:
            response = event["response"]
            request["status"] = response["status"]
            request["cached"] = request["cached"] or response.get("fromDiskCache", False)

    def _cached(self, event):
        if event["requestId"] in self._requests:
            self._requests[event["requestId"]]["cached"] = True

    def _finished(self, event):
        request = self._requests.pop(event["requestId"], None)
        if request is not None:
            wire = 0 if request["cached"] else int(event["encodedDataLength"])
            self.pictures.append((request["status"], wire, request["cached"]))

    def take(self):
        """What came since the last take: (socket bytes, [(status, bytes on the wire, cached)])."""
        taken = (self.socket_bytes, self.pictures)
        self.socket_bytes, self.pictures = 0, []
        return taken


class SocketStudent(threading.Thread):
    """A student's device without the drawing: its socket, and each new picture the class
    settings name fetched once over HTTP as the page fetches it (the browser's cache answers
    the second time). It notes when each page's picture was in hand."""

    def __init__(self, ws_url, origin, assets_url):
        super().__init__(daemon=True)
        self.ws_url, self.origin, self.assets_url = ws_url, origin, assets_url
        self.ready = threading.Event()
        self.stop = threading.Event()
        self.had = set()
        # (page id, ms since the epoch its picture was in hand)
        self.arrivals = []
        self.error = None

    def run(self):
        import urllib.request

        from websockets.sync.client import connect

        try:
            with connect(self.ws_url, origin=self.origin, max_size=None) as socket:
                while not self.stop.is_set():
                    try:
                        frame = json.loads(socket.recv(timeout=0.5))
                    except TimeoutError:
                        continue
                    messages = frame["messages"] if frame["type"] == "batch" else [frame]
                    for message in messages:
                        if message["type"] == "welcome":
                            self.ready.set()
                        if message["type"] != "class":
                            continue
                        settings = message["class"]
                        picture = settings.get("picture")
                        if picture and picture not in self.had:
                            with urllib.request.urlopen(
                                f"{self.assets_url}{picture}", timeout=30
                            ) as response:
                                response.read()
                            self.had.add(picture)
                        self.arrivals.append((settings["page"], time.time() * 1000))
        except Exception as error:  # noqa: BLE001 - reported with the figures
            if not self.stop.is_set():
                self.error = repr(error)

    def arrived(self, page, since):
        """When the page `page` was first in hand after `since`."""
        return next(at for shown, at in self.arrivals if shown == page and at >= since)


def measure(data_dir, log_dir, students=STUDENTS, browsers=BROWSERS):
    from playwright.sync_api import sync_playwright

    log_path = os.path.join(str(log_dir), "daphne-pages.log")
    with (
        Server(PROJECT_ROOT, data_dir.environment(), log_path) as server,
        sync_playwright() as playwright,
        tempfile.TemporaryDirectory() as scratch,
    ):
        board = f"bench-pages-{os.getpid()}"
        made = _make(board, [f"Student {n}" for n in range(1, students + 1)], data_dir)
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            host_context = browser.new_context(viewport=LAPTOP)
            host = host_context.new_page()
            host.goto(f"{server.url}/b/{board}/#host={made['host_key']}")
            host.wait_for_function("() => window.sketchsite?.session?.role === 'host'", timeout=30_000)
            pages, traffic = [], []
            ws_base = server.url.replace("http://", "ws://")
            sockets = [
                SocketStudent(
                    f"{ws_base}/ws/boards/{board}/?token={token}",
                    server.url,
                    f"{server.url}/b/{board}/assets/",
                )
                for token in made["tokens"][browsers:]
            ]
            for student in sockets:
                student.start()
            for student in sockets:
                student.ready.wait(timeout=30)
            for token in made["tokens"][:browsers]:
                context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
                page = context.new_page()
                traffic.append(Traffic(page))
                page.goto(f"{server.url}/b/{board}/#t={token}")
                pages.append(page)
            for page in pages:
                page.wait_for_function(
                    "() => window.sketchsite?.session?.role === 'student'"
                    " && !window.sketchsite.session.awaiting",
                    timeout=30_000,
                )
            pdf_path = os.path.join(scratch, "worksheet.pdf")
            with open(pdf_path, "wb") as out:
                out.write(worksheet_pdf())

            def shown_on_all(colour):
                handles = [page.evaluate_handle(SHOWN_PROBE, [list(colour), *PROBE_AT]) for page in pages]
                return [handle.json_value() for handle in handles]

            for each in traffic:
                each.take()
            host.locator("[data-role=class-toggle]").click()
            chosen = time.time() * 1000
            host.locator("[data-role=picture-file]").set_input_files(pdf_path)
            shown = [at - chosen for at in shown_on_all(PAGE_COLOURS[0])]
            host.wait_for_function("() => window.sketchsite.session.settings.pages.length === 3")
            first_page = host.evaluate("() => window.sketchsite.session.settings.page")
            delivered = [student.arrived(first_page, chosen) - chosen for student in sockets] or [0]
            time.sleep(0.5)  # the next page's picture, fetched ahead
            handed = [each.take() for each in traffic]
            handed_out = {
                "socket_bytes_per_student": statistics.median(sent for sent, _ in handed),
                "picture_bytes_per_student": statistics.median(
                    sum(wire for _, wire, _ in pictures) for _, pictures in handed
                ),
                "picture_downloads_per_student": statistics.median(
                    sum(1 for _, _, cached in pictures if not cached) for _, pictures in handed
                ),
            }

            turns = []
            for label, control, colour in (
                ("to page 2, first time", "page-next", PAGE_COLOURS[1]),
                ("back to page 1", "page-previous", PAGE_COLOURS[0]),
                ("to page 2 again", "page-next", PAGE_COLOURS[1]),
            ):
                turned = time.time() * 1000
                host.locator(f"[data-role={control}]").click()
                at = shown_on_all(colour)
                time.sleep(0.5)  # late frames of the turn
                page_now = host.evaluate("() => window.sketchsite.session.settings.page")
                reached = [student.arrived(page_now, turned) - turned for student in sockets] or [0]
                received = [each.take() for each in traffic]
                turns.append(
                    {
                        "turn": label,
                        "shown_ms": _summary([moment - turned for moment in at]),
                        "delivered_ms": _summary(reached),
                        "socket_bytes_per_student": statistics.median(sent for sent, _ in received),
                        "picture_downloads_per_student": statistics.median(
                            sum(1 for _, _, cached in pictures if not cached) for _, pictures in received
                        ),
                        "picture_cache_hits_per_student": statistics.median(
                            sum(1 for _, _, cached in pictures if cached) for _, pictures in received
                        ),
                        "picture_bytes_per_student": statistics.median(
                            sum(wire for _, wire, _ in pictures) for _, pictures in received
                        ),
                        "statuses": sorted({status for _, pictures in received for status, _, _ in pictures}),
                    }
                )
        finally:
            browser.close()
            for student in sockets:
                student.stop.set()
            for student in sockets:
                student.join(timeout=2)
    errors = [student.error for student in sockets if student.error]
    if errors:
        raise RuntimeError(f"socket students failed: {errors[:3]}")
    return {
        "students": students,
        "browsers": browsers,
        "upload_to_shown_ms": _summary(shown),
        "upload_to_delivered_ms": _summary(delivered),
        "handed_out": handed_out,
        "turns": turns,
        "load": os.getloadavg()[0],
    }


def _summary(values):
    return {
        "median": statistics.median(values),
        "p95": percentile(values, 0.95),
        "max": max(values),
        "min": min(values),
    }


def run(data_dir, log_dir, students=STUDENTS, browsers=BROWSERS):
    _progress(f"a 3-page PDF to {students} students ({browsers} in Chromium), then three page turns")
    return measure(data_dir, log_dir, students, browsers)


def table(result):
    upload, handed = result["upload_to_shown_ms"], result["handed_out"]
    delivered = result["upload_to_delivered_ms"]
    browsers, sockets = result["browsers"], result["students"] - result["browsers"]
    lines = [
        f"a 3-page PDF worksheet handed to {result['students']} students, one Daphne: {browsers} phones in"
        f" headless Chromium, {sockets} sockets that fetch each picture",
        "",
        f"from the host's choice of the file to page 1 shown in Chromium: median {upload['median']:.0f} ms,"
        f" last {upload['max']:.0f} ms; to its picture in hand on the sockets: median"
        f" {delivered['median']:.0f} ms, last {delivered['max']:.0f} ms",
        "",
        f"each Chromium student, for page 1 and page 2 fetched ahead:"
        f" {handed['picture_downloads_per_student']:g}"
        f" picture downloads, {handed['picture_bytes_per_student']:,.0f} bytes;"
        f" {handed['socket_bytes_per_student']:,.0f} WebSocket bytes",
        "",
        "| page turn | shown in Chromium, median / last (ms) | in hand on the sockets, median / last (ms) "
        "| WebSocket bytes | picture downloads | from the cache | picture bytes | statuses |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for turn in result["turns"]:
        lines.append(
            f"| {turn['turn']} | {turn['shown_ms']['median']:.0f} / {turn['shown_ms']['max']:.0f} | "
            f"{turn['delivered_ms']['median']:.0f} / {turn['delivered_ms']['max']:.0f} | "
            f"{turn['socket_bytes_per_student']:,.0f} | {turn['picture_downloads_per_student']:g} | "
            f"{turn['picture_cache_hits_per_student']:g} | {turn['picture_bytes_per_student']:,.0f} | "
            f"{', '.join(map(str, turn['statuses'])) or 'none'} |"
        )
    lines.append("")
    lines.append(
        "(bytes and requests per Chromium student, medians; picture bytes as they came over the wire;"
        " the sockets fetch no page ahead)"
    )
    return "\n".join(lines)


def _progress(text):
    print(f"[{time.strftime('%H:%M:%S')}] pages: {text}", file=sys.stderr, flush=True)


def main(argv=None):
    import argparse

    parser = argparse.ArgumentParser(prog="python -m bench.pages", description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, default=STUDENTS)
    parser.add_argument("--browsers", type=int, default=BROWSERS, help="how many of them are Chromium pages")
    args = parser.parse_args(argv)
    with DataDir() as data_dir:
        result = run(data_dir, os.environ.get("TMPDIR", "/tmp"), args.students, args.browsers)
    print(table(result))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
