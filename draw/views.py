import datetime
import gzip
import io
import re
from urllib.parse import quote

import segno
from django.conf import settings
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseNotFound,
    HttpResponseNotModified,
    JsonResponse,
    QueryDict,
)
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import parse_etags
from django.utils.translation import gettext

from draw import (
    addresses,
    archive,
    audience,
    export,
    pdfexport,
    readers,
    roster,
    snapshots,
    store,
    timelapse,
    zipexport,
)
from draw.boards import CLASSIC_BOARD, normal_join_code
from draw.exporter import RendersBusy, RenderTooLong, default_exporter
from draw.guessing import address_key, default_guesses, wrong_host_key
from draw.hostkeys import is_host_key
from draw.items import is_id
from draw.models import Board
from draw.pages import FIRST_PAGE, page_index
from draw.participants import (
    HOST,
    MAX_NAME_LENGTH,
    clean_name,
    new_participant_id,
    token_for,
)
from draw.postbudgets import default_post_budgets
from draw.strings import is_scalar_text

# How much of a refused name the form shows back: enough to see what to shorten.
NAME_SHOWN_BACK_LENGTH = 4 * MAX_NAME_LENGTH
# The speeds of the replay page's menu (frontend/replay.js SPEEDS), as a projector's address names them.
PRESENTED_REPLAY_SPEEDS = ("1", "2", "4", "8", "16", "32")
DEFAULT_PRESENTED_REPLAY_SPEED = 4
# As Django's GZipMiddleware reads Accept-Encoding.
_ACCEPTS_GZIP = re.compile(r"\bgzip\b")


def classic_board(request):
    return board(request, CLASSIC_BOARD)


def board(request, board):
    config = client_config(request, board, "board")
    only_lane = request.GET.get("lane")
    # One student's page, large, from the host's grid: the page shows and draws on it alone.
    config["onlyLane"] = only_lane if is_id(only_lane) else None
    return render(request, "draw/board.html", {"board": board, "client_config": config})


def board_show(request, board):
    """The projector page: the board fitted to the screen, read only, with the join badge.
    With `?replay=<speed>`, the lesson played back from its start instead, for the class to
    watch (frontend/replayview.js), at that speed (1 to 32, 4 unless told)."""
    if "replay" in request.GET:
        config = client_config(request, board, "replay")
        config["replay"] = {"speed": _replay_speed(request.GET["replay"])}
        return render(request, "draw/replay.html", {"board": board, "client_config": config})
    return render(
        request, "draw/show.html", {"board": board, "client_config": client_config(request, board, "show")}
    )


def _replay_speed(asked):
    """The speed a presented replay plays at: one the replay page offers, or the default."""
    return int(asked) if asked in PRESENTED_REPLAY_SPEEDS else DEFAULT_PRESENTED_REPLAY_SPEED


def board_replay(request, board):
    """The replay page: the board's log played back (frontend/replayview.js), read only. The page
    reads the log with the credential its browser holds for the board, so each reader replays
    what they may see."""
    config = client_config(request, board, "replay")
    return render(request, "draw/replay.html", {"board": board, "client_config": config})


def board_grid(request, board):
    """The host's grid: every student's page as a live tile. Only a board with a host has one.

    The page itself holds nothing of the board: its script opens the host's socket with the
    host key kept in this browser, and sends anyone without it to the join page.
    """
    if not Board.objects.filter(name=board).exclude(host_key_hash="").exists():
        raise Http404("only a board with a host has a grid")
    return render(
        request, "draw/grid.html", {"board": board, "client_config": client_config(request, board, "grid")}
    )


def client_config(request, board, page):
    """What the board page and the projector page tell their script (json_script `board-config`)."""
    # The board's own size, from its row; a board not drawn on yet has the configured size.
    limits = store.default_store().limits
    row = Board.objects.filter(name=board).values("width", "height", "join_code", "host_key_hash").first()
    size = (row["width"], row["height"]) if row else (limits.board_width, limits.board_height)
    join = None
    if row and row["join_code"]:
        code = row["join_code"]
        join = {
            "code": code,
            "url": addresses.join_url(addresses.public_base_url(request), code),
            "qr": reverse("board-join-qr", kwargs={"board": board}),
        }
    return {
        "board": board,
        "page": page,
        "socketPath": f"/ws/boards/{board}/",
        "snapshotUrl": reverse("board-snapshot", kwargs={"board": board}),
        "logUrl": reverse("board-log", kwargs={"board": board}),
        "replayUrl": reverse("board-replay", kwargs={"board": board}),
        "lessonsUrl": reverse("board-lessons", kwargs={"board": board}),
        "size": list(size),
        "newBoardUrl": reverse("new-board"),
        "gridUrl": reverse("board-grid", kwargs={"board": board}),
        "rosterUrl": reverse("board-pages", kwargs={"board": board}),
        "linksUrl": reverse("board-links", kwargs={"board": board}),
        "uploadUrl": reverse("board-upload", kwargs={"board": board}),
        # A picture's address is this and its digest (draw/uploadviews.py).
        "assetsUrl": reverse("board-asset", kwargs={"board": board, "digest": "0" * 64})[:-64],
        "boardUrl": reverse("board", kwargs={"board": board}),
        "joinUrl": reverse("join"),
        "exportUrls": {
            "png": reverse("board-export", kwargs={"board": board, "format": "png"}),
            "svg": reverse("board-export", kwargs={"board": board, "format": "svg"}),
            # Every page of the lesson, in order.
            "pdf": reverse("board-export", kwargs={"board": board, "format": "pdf"}),
            # The page on show played from the log, as an animated WebP.
            "webp": reverse("board-export", kwargs={"board": board, "format": "webp"}),
            # Every student's page, for the host (the class panel's link).
            "zip": reverse("board-pages-zip", kwargs={"board": board}),
        },
        "join": join,
        # A hosted board answers each reader with their own view (lanes): no one snapshot to
        # preload for everyone.
        "hosted": bool(row and row["host_key_hash"]),
    }


def new_board(request):
    """Make a board with a host under a name no board has yet, and open it as its host."""
    refused = default_post_budgets().new_boards.spend(request.META.get("REMOTE_ADDR"))
    if refused is not None:
        error = gettext(
            "Too many boards were started on this network in the last minute. "
            "Wait %(seconds)s seconds, then start one again."
        ) % {"seconds": refused.retry_after}
        return _with_retry_after(render(request, "draw/refused.html", {"error": error}, status=429), refused)
    name, key = archive.new_lesson()
    return redirect(addresses.host_url("", name, key))


def join(request):
    """Ask for a board's join code; a known one goes on to the name step."""
    typed = request.GET.get("code")
    if typed is None:
        return render(request, "draw/join_code.html", {"code": ""})
    refused = _guessing_refused(request)
    if refused is not None:
        return _too_many_wrong_codes(request, typed, refused)
    refused = _join_refused(request)
    if refused is not None:
        return _too_many_joins(request, "draw/join_code.html", {"code": _shown_back(typed, 40)}, refused)
    code = normal_join_code(typed)
    if code is not None and Board.objects.filter(join_code=code).exists():
        return redirect("join-board", code=code)
    return _unknown_code(request, typed)


def join_board(request, code):
    """Ask for a display name (none on an anonymous board), then open the board with a token for it."""
    refused = _guessing_refused(request)
    if refused is not None:
        return _too_many_wrong_codes(request, code, refused)
    normal = normal_join_code(code)
    board = Board.objects.filter(join_code=normal).only("name", "anonymous").first() if normal else None
    if board is None:
        return _unknown_code(request, code)
    canonical = reverse("join-board", kwargs={"code": normal})
    if request.path != canonical:
        # One address per board, as printed and projected: upper case, no slash at the end.
        return redirect(canonical)
    if board.anonymous:
        refused = _join_refused(request)
        if refused is not None:
            return _too_many_joins(request, "draw/join_code.html", {"code": normal}, refused)
        return _open_as_participant(board, None)
    if request.method != "POST":
        return render(request, "draw/join_name.html", _name_form(board, ""))
    typed = _posted_name(request)
    refused = _join_refused(request)
    if refused is not None:
        shown = _shown_back(typed, NAME_SHOWN_BACK_LENGTH)
        return _too_many_joins(request, "draw/join_name.html", _name_form(board, shown), refused)
    name = clean_name(typed)
    if name is None:
        error = gettext("Type a name of 1 to %(max)s characters, such as your first name.") % {
            "max": MAX_NAME_LENGTH
        }
        shown = _shown_back(typed, NAME_SHOWN_BACK_LENGTH)
        return render(request, "draw/join_name.html", _name_form(board, shown, error))
    return _open_as_participant(board, name)


def _posted_name(request):
    """The form's name as the browser meant it: its bytes read as UTF-8, escaped or not.

    Django reads the bytes of a urlencoded body that are not %-escaped as Latin-1, so raw
    bytes that are no UTF-8 at all would pass as letters (and raw UTF-8 become mojibake).
    Read as UTF-8 here, bytes that are not become U+FFFD, as escaped ones do, which
    clean_name refuses. Multipart fields are already read as UTF-8 that way.
    """
    if request.content_type == "application/x-www-form-urlencoded" and not request.body.isascii():
        body = request.body.decode(request.encoding or "utf-8", "replace")
        return QueryDict(body, encoding=request.encoding).get("name", "")
    return request.POST.get("name", "")


def _shown_back(text, length):
    """The start of a refused value, to show back on its page; nothing when it holds a
    surrogate, which no page can be written out with (none comes from Django's own decoding,
    but an ASGI server may hand one over in a path)."""
    return text[:length] if is_scalar_text(text) else ""


def _name_form(board, name, error=None):
    return {"board": board.name, "name": name, "error": error, "max_name_length": MAX_NAME_LENGTH}


def _guessing_refused(request):
    """Refused while this address has typed too many wrong codes, whether or not this one is right:
    a guesser learns nothing until the window closes (docs/reliability.md, "Guessing")."""
    return default_guesses().codes.refused([address_key(request.META.get("REMOTE_ADDR"))])


def _unknown_code(request, typed):
    default_guesses().codes.wrong([address_key(request.META.get("REMOTE_ADDR"))])
    error = gettext("No board has that code. Check the code on the board and type it again.")
    shown = _shown_back(typed, 40)
    return render(request, "draw/join_code.html", {"code": shown, "error": error}, status=404)


def _too_many_wrong_codes(request, typed, refused):
    error = gettext(
        "Too many wrong codes were typed on this network in the last minute. "
        "Wait a minute, then type the code again."
    )
    shown = _shown_back(typed, 40)
    response = render(request, "draw/join_code.html", {"code": shown, "error": error}, status=429)
    response["Retry-After"] = str(refused.retry_after)
    return response


def _join_refused(request):
    """Refused while this address has joined (or tried to) too often this minute, right code or not."""
    return default_post_budgets().joins.spend(request.META.get("REMOTE_ADDR"))


def _too_many_joins(request, template, context, refused):
    error = gettext(
        "Too many joins came from this network in the last minute. Wait %(seconds)s seconds, then try again."
    ) % {"seconds": refused.retry_after}
    return _with_retry_after(render(request, template, {**context, "error": error}, status=429), refused)


def _with_retry_after(response, refused):
    response["Retry-After"] = str(refused.retry_after)
    return response


def _open_as_participant(board, name):
    participant = new_participant_id()
    # A full roster still lets the student in: their page is only unnamed in the host's downloads.
    roster.record_join(board, participant, name, settings.SKETCHSITE["MAX_ROSTER"])
    token = token_for(participant, name)
    # In the fragment, so the token stays out of server logs; the board page takes it out of
    # the address bar.
    return redirect(f"{reverse('board', kwargs={'board': board.name})}#t={quote(token, safe='')}")


def board_join_qr(request, board):
    """The QR code of the board's join URL, to project or print."""
    code = Board.objects.filter(name=board).values_list("join_code", flat=True).first()
    if not code:
        raise Http404("no such board")
    url = addresses.join_url(addresses.public_base_url(request), code)
    response = HttpResponse(join_qr_svg(url), content_type="image/svg+xml")
    # The public address can change (another network, SKETCHSITE_PUBLIC_URL): asked about each time.
    response["Cache-Control"] = "no-cache"
    return response


def join_qr_svg(url):
    """`url` as a QR code: black modules on white with the standard quiet zone, in whole pixels."""
    # A full QR code even for a short URL: phone cameras do not read Micro QR codes.
    qr = segno.make_qr(url, error="m")
    out = io.BytesIO()
    # A whole number of pixels per module keeps the edges sharp at the code's own size; the
    # viewBox (from `unit`) lets a page scale it up for the projector.
    qr.save(out, kind="svg", scale=8, border=4, dark="#000", light="#fff", unit="px", xmldecl=False)
    return out.getvalue()


def bad_board_name(request, board):
    body = render_to_string("draw/bad_board_name.html", {"board": _shown_back(board, 80)}, request=request)
    return HttpResponseNotFound(body)


def health(request):
    return HttpResponse("ok", content_type="text/plain")


def board_export(request, board, format):
    """The board as SVG or PNG, drawn from its log; ?scale= sizes the PNG, up to EXPORT_MAX_SCALE.
    The current page of the lesson, or the one ?page= names; as PDF, every page (draw/pdfexport.py);
    as WebP, the page's timelapse (draw/timelapse.py)."""
    scale = 1.0
    if format == "png":
        try:
            scale = export.export_scale(request.GET.get("scale"), settings.SKETCHSITE["EXPORT_MAX_SCALE"])
        except ValueError:
            return HttpResponseBadRequest("scale must be a number, such as 2", content_type="text/plain")
    whole = store.board_state(board)
    if not whole.exists:
        raise Http404("no such board")
    try:
        reader = _reader(request, whole)
    except readers.ReaderRefused as refused:
        return _refused(refused)
    state = whole.seen_by(reader.audience)
    if format == "pdf":
        return _lesson_pdf(request, board, state)
    page = request.GET.get("page")
    if page is not None and page_index(state.classroom.pages, page) is None:
        raise Http404("no such page on this board")
    # One page of the lesson: the current one unless ?page= names another.
    state = state.on_page(page)
    if format == "webp":
        return _lesson_timelapse(request, board, whole, reader.audience, state)
    # The same seq, view, page, scale and format always draw the same bytes.
    etag = f'"{state.seq}{_view_and_paper(state)}-{scale:g}-{format}"'
    return _drawn_download(
        request,
        etag,
        lambda: default_exporter().export(state, format, scale),
        export.MEDIA_TYPES[format],
        f"{board}.{format}",
    )


def _view_and_paper(state):
    """What, beside its seq, an export of one page of `state` (seen_by, on_page) is drawn from, for
    its ETag: whose view it is, and the page with its paper and picture."""
    view = "" if state.view == audience.EVERYONE else f"-{state.view}"
    paper = state.classroom.background
    if state.classroom.page != FIRST_PAGE:
        paper = f"p{state.classroom.page}-{paper}"
    if state.classroom.picture:
        paper += f"-{state.classroom.picture[:16]}"
    return f"{view}-{paper}{_generation(state)}"


def _generation(state):
    """The ETag's mark of the board's row: a board removed and drawn again is another board."""
    return f"-g{state.generation}" if state.generation else ""


def _lesson_timelapse(request, board, whole, who, shown):
    """The page `shown` (the reader's view of one page) played from the log as an animated WebP
    (draw/timelapse.py): `whole` is the board's state as nobody's view, `who` the reader's audience.

    The seq, view and page name the file, not its bytes: a render that reached its time limit
    holds fewer frames, and is as good an answer for that version of the lesson."""
    limits = timelapse.TimelapseLimits.from_settings(settings.SKETCHSITE)
    page = shown.classroom.page
    return _drawn_download(
        request,
        f'"{shown.seq}{_view_and_paper(shown)}-webp"',
        lambda: default_exporter().timelapse(whole, who, page, limits),
        timelapse.MEDIA_TYPE,
        f"{board}.webp",
    )


def _lesson_pdf(request, board, state):
    """Every page of the lesson, in order, as `state`'s reader sees it: one PDF (draw/pdfexport.py)."""
    return _drawn_download(
        request,
        f'"{pdfexport.lesson_version(state)}-pdf"',
        lambda: pdfexport.lesson_pdf(state, default_exporter(), settings.SKETCHSITE["EXPORT_PDF_SCALE"]),
        pdfexport.MEDIA_TYPE,
        f"{board}.pdf",
    )


def _drawn_download(request, etag, draw, media_type, filename):
    """A file drawn by the exporter, `draw()` its bytes: 304 for the `etag` the browser has, 429
    when every render slot is taken. Kept by the browser, but asked about again each time: the
    board may have changed."""
    wanted = parse_etags(request.headers.get("If-None-Match", ""))
    if etag in wanted or "*" in wanted:
        response = HttpResponseNotModified()
    else:
        try:
            body = draw()
        except RendersBusy:
            return _renders_busy()
        except RenderTooLong as refused:
            return _render_too_long(refused)
        response = HttpResponse(body, content_type=media_type)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["ETag"] = etag
    response["Cache-Control"] = "no-cache"
    return response


def board_pages_zip(request, board):
    """Every student's page as a PNG and an SVG, and all their pages as a PDF, in one zip, for the
    board's host alone (the request carries `Authorization: Bearer <host key>`, or the host's
    signed read link); a board with no host has nobody to give it."""
    state = store.board_state(board)
    if not state.exists:
        raise Http404("no such board")
    if not _is_host_reader(request, state):
        reason = (
            "Only the board's host may download every page: send Authorization: Bearer <host key>."
            if state.host_key_hash
            else "This board has no host, and only a host may download every page."
        )
        return HttpResponseForbidden(reason, content_type="text/plain")
    students = roster.pages_of(state, settings.SKETCHSITE["MAX_ROSTER"])
    pdf_scale = settings.SKETCHSITE["EXPORT_PDF_SCALE"]
    response = _drawn_download(
        request,
        f'"{zipexport.pages_version(state, students)}-zip"',
        lambda: zipexport.pages_zip(state, students, default_exporter(), pdf_scale),
        "application/zip",
        f"{board}-pages.zip",
    )
    patch_vary_headers(response, ("Authorization",))
    return response


def board_pages(request, board):
    """The students with a page on the board, in the order and under the labels of its
    export.zip, as JSON, for the host's grid: the host key alone reads it, as the zip."""
    state = store.board_state(board)
    if not state.exists:
        raise Http404("no such board")
    credential = _bearer_credential(request)
    if not is_host_key(credential, state.host_key_hash):
        refused = wrong_host_key(request.META.get("REMOTE_ADDR"), board) if credential else None
        if refused is not None:
            response = HttpResponse(
                "Too many wrong host keys: try again in a minute.", status=429, content_type="text/plain"
            )
            response["Retry-After"] = str(refused.retry_after)
            return response
        return HttpResponseForbidden(
            "Only the board's host may read its students' pages.", content_type="text/plain"
        )
    students = roster.pages_of(state, settings.SKETCHSITE["MAX_ROSTER"])
    body = [{"id": s.participant, "name": s.name, "number": s.number} for s in students]
    response = JsonResponse({"pages": body})
    response["Cache-Control"] = "no-store"
    return response


def _render_too_long(refused):
    # 503, not 500: the board is fine, drawing it is what costs too much; the version after the
    # next edit is tried again.
    response = HttpResponse(
        "This board took too long to export; try again after its next change.",
        status=503,
        content_type="text/plain",
    )
    response["Retry-After"] = str(refused.retry_after)
    return response


def _renders_busy():
    response = HttpResponse(
        "Other exports are being drawn; try again in a moment.", status=429, content_type="text/plain"
    )
    response["Retry-After"] = "1"
    return response


def board_snapshot(request, board):
    """The board's visible strokes at its seq, as one `snapshot` message in JSON, gzip-compressed.

    A board with no row is empty at seq 0. The page applies it and opens its socket from that
    seq (docs/protocol.md, "Joining over HTTP").
    """
    try:
        state = _seen_by_reader(request, store.board_state(board))
    except readers.ReaderRefused as refused:
        return _refused(refused)
    etag = snapshots.etag_for(state.seq, state.view, state.generation)
    wanted = parse_etags(request.headers.get("If-None-Match", ""))
    if etag in wanted or "*" in wanted:
        response = HttpResponseNotModified()
    else:
        snapshot = snapshots.snapshots_for(state).snapshot(state)
        if _ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")):
            response = HttpResponse(snapshot.body, content_type="application/json")
            response["Content-Encoding"] = "gzip"
        else:
            response = HttpResponse(gzip.decompress(snapshot.body), content_type="application/json")
    response["ETag"] = etag
    # Kept by the browser, but asked about again each time: the board changes with every stroke.
    response["Cache-Control"] = "no-cache"
    patch_vary_headers(response, ("Accept-Encoding", "Authorization"))
    return response


def board_log(request, board):
    """The board's committed events after `?since=` (0 by default), each with the time it was
    committed, as its reader may see them (draw/audience.py): what a replay plays. JSON, at most
    SKETCHSITE_LOG_PAGE_EVENTS events; `next` is the seq to ask after for the rest, or null; `class`,
    the board's class settings now (its pages, their paper and pictures)."""
    try:
        since = int(request.GET.get("since", "0"))
    except ValueError:
        since = -1
    if since < 0:
        return HttpResponseBadRequest("since must be a seq: a whole number from 0", content_type="text/plain")
    state = store.board_state(board)
    try:
        reader = _reader(request, state)
    except readers.ReaderRefused as refused:
        return _refused(refused)
    limit = settings.SKETCHSITE["LOG_PAGE_EVENTS"]
    events = store.default_store().timed_events_since(board, since, limit) if state.exists else []
    seen = [
        {**audience.view_event(event, reader.audience, state.classroom), "at": event["at"]}
        for event in events
    ]
    more = len(events) == limit and events[-1]["seq"] < state.seq
    body = {"board": board, "seq": state.seq, "events": seen, "next": events[-1]["seq"] if more else None}
    # The lesson's pages as they are now, their paper and pictures: what a replay lays under the ink.
    body["class"] = state.classroom.to_wire()
    response = JsonResponse(body)
    response["Cache-Control"] = "no-cache"
    patch_vary_headers(response, ("Authorization",))
    return response


def _seen_by_reader(request, state):
    """The board's state as the reader of this request may see it (draw/readers.py): named by
    `Authorization: Bearer <participant token or host key>` or by a signed `?link=`;
    ReaderRefused when they may not read it."""
    reader = _reader(request, state)
    return state.seen_by(reader.audience)


def _reader(request, state):
    # The address bounds its wrong credentials (draw/guessing.py) beside the board's own bound.
    address = request.META.get("REMOTE_ADDR")
    return readers.reader_of(state, _bearer_credential(request), request.GET.get("link", ""), address)


def _is_host_reader(request, state):
    if not state.host_key_hash:
        return False
    try:
        return _reader(request, state).audience.role == HOST
    except readers.ReaderRefused:
        return False


def _refused(refused):
    """The answer to a reader who may not read the board: 401 asks who they are, 403 says no,
    429 says when to ask again (too many wrong credentials)."""
    response = HttpResponse(refused.reason, status=refused.status, content_type="text/plain")
    if refused.status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="sketchsite"'
    if refused.retry_after is not None:
        response["Retry-After"] = str(refused.retry_after)
    return response


def board_links(request, board):
    """Signed read links of the board for the reader of this request (draw/readers.py): what
    the page puts in a link someone clicks, never its token or the host key. JSON."""
    state = store.board_state(board)
    if not state.exists:
        raise Http404("no such board")
    try:
        reader = _reader(request, state)
    except readers.ReaderRefused as refused:
        return _refused(refused)
    link = quote(readers.link_for(board, reader), safe="")
    max_age = settings.SKETCHSITE["READ_LINK_MAX_AGE_SECONDS"]
    links = {
        "png": f"{reverse('board-export', kwargs={'board': board, 'format': 'png'})}?link={link}",
        "svg": f"{reverse('board-export', kwargs={'board': board, 'format': 'svg'})}?link={link}",
        "pdf": f"{reverse('board-export', kwargs={'board': board, 'format': 'pdf'})}?link={link}",
        "webp": f"{reverse('board-export', kwargs={'board': board, 'format': 'webp'})}?link={link}",
        "snapshot": f"{reverse('board-snapshot', kwargs={'board': board})}?link={link}",
    }
    if reader.audience.role == HOST:
        links["zip"] = f"{reverse('board-pages-zip', kwargs={'board': board})}?link={link}"
        # The lesson played on the projector: it reads the log as the projector sees the board.
        projector = quote(readers.link_for(board, readers.Reader(audience.VIEWER_AUDIENCE, None)), safe="")
        show = reverse("board-show", kwargs={"board": board})
        links["replay"] = f"{show}?replay={DEFAULT_PRESENTED_REPLAY_SPEED}&link={projector}"
    expires = datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=max_age)
    response = JsonResponse({**links, "expires": expires.isoformat(timespec="seconds"), "max_age": max_age})
    response["Cache-Control"] = "no-store"
    return response


def _bearer_credential(request):
    """The token or host key of `Authorization: Bearer <credential>`, or "" when there is none."""
    scheme, _, credential = request.headers.get("Authorization", "").partition(" ")
    return credential.strip() if scheme.lower() == "bearer" else ""
