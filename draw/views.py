from django.conf import settings
from django.http import HttpResponse, HttpResponseNotFound
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse

from draw.boards import CLASSIC_BOARD, random_board_name


def classic_board(request):
    return board(request, CLASSIC_BOARD)


def board(request, board):
    config = settings.SKETCHSITE
    client_config = {
        "board": board,
        "socketPath": f"/ws/boards/{board}/",
        "size": [config["BOARD_WIDTH"], config["BOARD_HEIGHT"]],
        "newBoardUrl": reverse("new-board"),
    }
    return render(request, "draw/board.html", {"board": board, "client_config": client_config})


def new_board(request):
    return redirect("board", board=random_board_name())


def bad_board_name(request, board):
    body = render_to_string("draw/bad_board_name.html", {"board": board[:80]}, request=request)
    return HttpResponseNotFound(body)


def health(request):
    return HttpResponse("ok", content_type="text/plain")
