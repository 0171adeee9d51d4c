"""A host's lessons over HTTP (draw/archive.py): the list, and duplicate, delete, undo, new.

Every answer but the page itself needs `Authorization: Bearer <host key>` of the board in the
address: it proves the reader hosts that board, and the list is that board's owner's. The key
travels in a header only, never in an address; no cookie opens anything here, so there is
nothing for a CSRF token to protect (as draw/uploadviews.py).
"""

from urllib.parse import quote

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from draw import addresses, archive, readers
from draw.audience import Audience
from draw.guessing import wrong_host_key
from draw.hostkeys import is_host_key
from draw.models import Board
from draw.participants import HOST, host_participant_id
from draw.relay import announce_deleted

# The thumbnail's scale of the board's PNG: a 1600 × 900 board is 320 × 180.
THUMBNAIL_SCALE = "0.2"


@require_GET
def lessons_page(request, board):
    """The host's list of lessons (frontend/archive.js): the page holds nothing of them; its
    script asks with the host key this browser keeps for `board`."""
    if not Board.objects.filter(name=board).exclude(host_key_hash="").exists():
        raise Http404("only a board with a host has a list of lessons")
    config = {
        "board": board,
        "lessonsUrl": reverse("board-lessons-json", kwargs={"board": board}),
        # Where a lesson's actions go: <this>/<lesson>/duplicate, .../delete, .../restore; <this>/new.
        "lessonsPage": reverse("board-lessons", kwargs={"board": board}),
        "boardUrl": reverse("board", kwargs={"board": board}),
        "undoDays": settings.SKETCHSITE["DELETE_UNDO_DAYS"],
    }
    return render(request, "draw/lessons.html", {"board": board, "client_config": config})


@require_GET
def lessons(request, board):
    """The lessons of `board`'s host, newest first, as JSON."""
    host_board, refused = _hosted_by_reader(request, board)
    if refused:
        return refused
    owner = archive.owner_of(host_board)
    found = archive.lessons_of(owner, settings.SKETCHSITE["ARCHIVE_MAX_LESSONS"])
    undo_days = settings.SKETCHSITE["DELETE_UNDO_DAYS"]
    body = {"lessons": [_lesson_json(lesson, undo_days) for lesson in found]}
    body["more"] = len(found) == settings.SKETCHSITE["ARCHIVE_MAX_LESSONS"]
    return _no_store(JsonResponse(body))


@csrf_exempt
@require_POST
def lesson_action(request, board, lesson, action):
    """duplicate, delete or restore one of the host's lessons; JSON."""
    host_board, refused = _hosted_by_reader(request, board)
    if refused:
        return refused
    target = archive.lesson_of(archive.owner_of(host_board), lesson)
    if target is None:
        return _error(404, "no lesson of yours has that name")
    undo_days = settings.SKETCHSITE["DELETE_UNDO_DAYS"]
    if action == "duplicate":
        if target.deleted_at is not None:
            return _error(409, "that lesson is deleted: undo its deletion first")
        name, key = archive.duplicate(target)
        return _no_store(JsonResponse(_made(name, key), status=201))
    if action == "delete":
        deleted_at = archive.delete(target, timezone.now())
        # Everyone on it is told at once, in every process; a socket opened later is refused.
        async_to_sync(announce_deleted)(get_channel_layer(), target.name)
        ends = archive.undo_ends(deleted_at, undo_days)
        return _no_store(JsonResponse({"board": target.name, "undo_until": ends.isoformat()}))
    if not archive.restore(target, timezone.now(), undo_days):
        return _error(410, "that lesson was deleted too long ago to bring back")
    return _no_store(JsonResponse({"board": target.name, "restored": True}))


@csrf_exempt
@require_POST
def new_lesson(request, board):
    """A new, empty lesson in the host's list: 201 and where to open it as its host."""
    host_board, refused = _hosted_by_reader(request, board)
    if refused:
        return refused
    name, key = archive.new_lesson(archive.owner_of(host_board))
    return _no_store(JsonResponse(_made(name, key), status=201))


def _hosted_by_reader(request, board):
    """(`board`'s row, None) when the request holds its host key; (None, the refusal) otherwise."""
    row = Board.objects.filter(name=board).first()
    if row is None:
        return None, _error(404, "no such board")
    if not row.host_key_hash:
        return None, _error(403, "this board has no host, and only a host has lessons")
    scheme, _, credential = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not is_host_key(credential.strip(), row.host_key_hash):
        offered = scheme.lower() == "bearer" and credential.strip()
        refused = wrong_host_key(request.META.get("REMOTE_ADDR"), board) if offered else None
        if refused is not None:
            response = _error(429, "too many wrong host keys: try again in a minute")
            response["Retry-After"] = str(refused.retry_after)
            return None, response
        reason = "only the board's host may see its lessons: send Authorization: Bearer <host key>"
        return None, _error(403, reason)
    return row, None


def _lesson_json(lesson, undo_days):
    name = lesson.name
    # Read links of the lesson's host: the thumbnail, the replay and the PDF open without the key.
    host = readers.Reader(Audience(HOST), host_participant_id(lesson.host_key_hash))
    link = quote(readers.link_for(name, host), safe="")

    def export(format):
        return reverse("board-export", kwargs={"board": name, "format": format})

    body = {
        "board": name,
        "created": lesson.created_at.isoformat(),
        "drawn": lesson.drawn_at.isoformat(),
        "pages": lesson.pages,
        "students": lesson.students,
        "strokes": lesson.strokes,
        # On this site as the list is read: the page opening it is on the same origin, whatever
        # address the students' devices reach the site by.
        "host_url": addresses.host_url("", name, lesson.host_key),
        "replay": f"{reverse('board-replay', kwargs={'board': name})}?link={link}",
        "pdf": f"{export('pdf')}?link={link}",
        "timelapse": f"{export('webp')}?link={link}",
        "thumbnail": f"{export('png')}?scale={THUMBNAIL_SCALE}&link={link}",
        "deleted": lesson.deleted_at is not None,
    }
    if lesson.deleted_at is not None:
        body["undo_until"] = archive.undo_ends(lesson.deleted_at, undo_days).isoformat()
    return body


def _made(name, key):
    return {"board": name, "host_url": addresses.host_url("", name, key)}


def _error(status, reason):
    return _no_store(JsonResponse({"error": reason}, status=status))


def _no_store(response):
    # Host links hold keys: no cache keeps them.
    response["Cache-Control"] = "no-store"
    return response
