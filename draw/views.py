import itertools
import secrets

from django.conf import settings
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseNotFound,
    HttpResponseNotModified,
)
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import parse_etags

from draw import export, store
from draw.boards import CLASSIC_BOARD, random_board_name
from draw.exporter import RendersBusy, default_exporter
from draw.models import Board

# Readable names tried before a random tail is added to them.
NEW_BOARD_READABLE_ATTEMPTS = 3


def classic_board(request):
    return board(request, CLASSIC_BOARD)


def board(request, board):
    # The board's own size, from its row; a board not drawn on yet has the configured size.
    limits = store.default_store().limits
    size = Board.objects.filter(name=board).values_list("width", "height").first()
    client_config = {
        "board": board,
        "socketPath": f"/ws/boards/{board}/",
        "size": list(size or (limits.board_width, limits.board_height)),
        "newBoardUrl": reverse("new-board"),
        "exportUrls": {
            "png": reverse("board-export", kwargs={"board": board, "format": "png"}),
            "svg": reverse("board-export", kwargs={"board": board, "format": "svg"}),
        },
    }
    return render(request, "draw/board.html", {"board": board, "client_config": client_config})


def new_board(request):
    """Redirect to a board of a name no board has yet."""
    for attempt in itertools.count():
        name = random_board_name()
        if attempt >= NEW_BOARD_READABLE_ATTEMPTS:
            # Readable names can run short on a long-lived server; a random tail ends the search.
            name = f"{name}-{secrets.token_hex(3)}"
        if not Board.objects.filter(name=name).exists():
            return redirect("board", board=name)


def bad_board_name(request, board):
    body = render_to_string("draw/bad_board_name.html", {"board": board[:80]}, request=request)
    return HttpResponseNotFound(body)


def health(request):
    return HttpResponse("ok", content_type="text/plain")


def board_export(request, board, format):
    """The board as SVG or PNG, drawn from its log; ?scale= sizes the PNG, up to EXPORT_MAX_SCALE."""
    scale = 1.0
    if format == "png":
        try:
            scale = export.export_scale(request.GET.get("scale"), settings.SKETCHSITE["EXPORT_MAX_SCALE"])
        except ValueError:
            return HttpResponseBadRequest("scale must be a number, such as 2", content_type="text/plain")
    state = store.board_state(board)
    if not state.exists:
        raise Http404("no such board")
    # The same seq, scale and format always draw the same bytes.
    etag = f'"{state.seq}-{scale:g}-{format}"'
    wanted = parse_etags(request.headers.get("If-None-Match", ""))
    if etag in wanted or "*" in wanted:
        response = HttpResponseNotModified()
    else:
        try:
            body = default_exporter().export(state, format, scale)
        except RendersBusy:
            response = HttpResponse(
                "Other exports are being drawn; try again in a moment.", status=429, content_type="text/plain"
            )
            response["Retry-After"] = "1"
            return response
        response = HttpResponse(body, content_type=export.MEDIA_TYPES[format])
        response["Content-Disposition"] = f'attachment; filename="{board}.{format}"'
    response["ETag"] = etag
    # Kept by the browser, but asked about again each time: the board may have changed.
    response["Cache-Control"] = "no-cache"
    return response
