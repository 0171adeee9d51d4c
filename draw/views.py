import itertools
import secrets

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseNotFound
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse

from draw import export, store
from draw.boards import CLASSIC_BOARD, random_board_name
from draw.models import Board

# Readable names tried before a random tail is added to them.
NEW_BOARD_READABLE_ATTEMPTS = 3


def classic_board(request):
    return board(request, CLASSIC_BOARD)


def board(request, board):
    config = settings.SKETCHSITE
    client_config = {
        "board": board,
        "socketPath": f"/ws/boards/{board}/",
        "size": [config["BOARD_WIDTH"], config["BOARD_HEIGHT"]],
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
    """The board as SVG or PNG, drawn from its log; ?scale=0.1..4 sizes the PNG."""
    if not Board.objects.filter(name=board).exists():
        raise Http404("no such board")
    row, history = store.read_board(board)
    strokes = history.visible_strokes()
    if format == "svg":
        response = HttpResponse(export.to_svg(row.width, row.height, strokes), content_type="image/svg+xml")
    else:
        try:
            scale = min(4.0, max(0.1, float(request.GET.get("scale", "1"))))
        except ValueError:
            scale = 1.0
        response = HttpResponse(
            export.to_png(row.width, row.height, strokes, scale), content_type="image/png"
        )
    response["Content-Disposition"] = f'attachment; filename="{board}.{format}"'
    response["Cache-Control"] = "no-store"
    return response
