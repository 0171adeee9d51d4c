"""Pictures under the ink over HTTP: the host uploads a PNG, JPEG or PDF; a board's pages fetch its pictures.

Reading the file is draw/uploads.py's; here are who may upload, the bounds in bytes, how many
uploads a process decodes at once, and storing and serving the pictures (BoardAsset).
"""

import functools
import threading

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import Length
from django.http import Http404, HttpResponse, HttpResponseNotModified, JsonResponse
from django.urls import reverse
from django.utils.http import parse_etags
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from draw.guessing import wrong_host_key
from draw.hostkeys import is_host_key
from draw.models import Board, BoardAsset
from draw.uploads import UploadLimits, UploadRefused, read_upload, too_large

# Browsers keep a picture for a year without asking again: its address is its content's hash.
ASSET_CACHE_CONTROL = "public, max-age=31536000, immutable"


@functools.cache
def render_slots(count):
    """The process's slots for decoding uploads, `count` at once (SKETCHSITE_UPLOAD_RENDERS).

    Decoding a photo or rendering a PDF takes a second of CPU and holds the GIL beside live
    drawing, so a busy process refuses the next upload (429) rather than queue it.
    """
    return threading.BoundedSemaphore(count)


# The endpoint is opened by the host key in the Authorization header, which a page of another
# site can neither read nor make a browser send; no cookie opens it, so there is nothing for a
# CSRF token to protect, and a script holding the key has no token to send.
@csrf_exempt
@require_POST
def board_upload(request, board):
    """Store the pictures of the uploaded file (the raw request body) for the board: 201 and them in JSON."""
    config = settings.SKETCHSITE
    row = Board.objects.filter(name=board).only("id", "host_key_hash").first()
    if row is None:
        raise Http404("no such board")
    if not row.host_key_hash:
        return _text("Only a board's host may upload pictures, and this board has no host.", 403)
    credential = _bearer_credential(request)
    if not is_host_key(credential, row.host_key_hash):
        refused = wrong_host_key(request.META.get("REMOTE_ADDR"), board) if credential else None
        if refused is not None:
            response = _text("Too many wrong host keys: try again in a minute.", 429)
            response["Retry-After"] = str(refused.retry_after)
            return response
        return _text("Only the board's host may upload pictures: the host key is needed.", 403)
    max_bytes = config["MAX_UPLOAD_BYTES"]
    if _content_length(request) > max_bytes:
        return _text(too_large(max_bytes), 413)
    # Read from the stream, not request.body: DATA_UPLOAD_MAX_MEMORY_SIZE bounds form posts, and
    # this bound is the upload's own.
    body = request.read(max_bytes + 1)
    if len(body) > max_bytes:
        return _text(too_large(max_bytes), 413)
    if not body:
        return _text("The request carried no file.", 400)
    if _stored_bytes(row) >= config["MAX_BOARD_UPLOAD_BYTES"]:
        return _text(_board_full(config), 413)

    slots = render_slots(config["UPLOAD_RENDERS"])
    if not slots.acquire(blocking=False):
        response = _text("Other uploads are being read; try again in a moment.", 429)
        response["Retry-After"] = "1"
        return response
    try:
        pictures = read_upload(
            body, request.content_type, UploadLimits.from_settings(config), name=request.GET.get("name", "")
        )
    except UploadRefused as refused:
        return _text(refused.message, refused.status)
    finally:
        slots.release()

    with transaction.atomic():
        # One upload of a board at a time past this point, so two cannot both pass the bound.
        row = Board.objects.select_for_update().only("id").get(pk=row.pk)
        stored = set(
            BoardAsset.objects.filter(board=row, digest__in={p.digest for p in pictures}).values_list(
                "digest", flat=True
            )
        )
        new = {p.digest: p for p in pictures if p.digest not in stored}
        added = sum(len(p.data) for p in new.values())
        if added and _stored_bytes(row) + added > config["MAX_BOARD_UPLOAD_BYTES"]:
            return _text(_board_full(config), 413)
        BoardAsset.objects.bulk_create(
            BoardAsset(
                board=row,
                digest=p.digest,
                media_type=p.media_type,
                width=p.width,
                height=p.height,
                data=p.data,
            )
            for p in new.values()
        )
    assets = [
        {
            "digest": p.digest,
            "url": reverse("board-asset", kwargs={"board": board, "digest": p.digest}),
            "width": p.width,
            "height": p.height,
            "media_type": p.media_type,
        }
        for p in pictures
    ]
    response = JsonResponse({"assets": assets}, status=201)
    response["Cache-Control"] = "no-store"
    return response


# No credential is asked for: the digest is the capability. It is a 256-bit hash no one can
# guess, handed only to the board's participants in its pages; whoever has it has seen the
# picture's board already.
@require_http_methods(["GET", "HEAD"])
def board_asset(request, board, digest):
    """A picture of the board by its digest, cached for good by browsers; 304 when they have it."""
    assets = BoardAsset.objects.filter(board__name=board, digest=digest)
    etag = f'"{digest}"'
    wanted = parse_etags(request.headers.get("If-None-Match", ""))
    if etag in wanted or "*" in wanted:
        if not assets.exists():
            raise Http404("no such picture")
        response = HttpResponseNotModified()
    else:
        found = assets.values_list("media_type", "data").first()
        if found is None:
            raise Http404("no such picture")
        media_type, data = found
        response = HttpResponse(bytes(data), content_type=media_type)
    response["ETag"] = etag
    response["Cache-Control"] = ASSET_CACHE_CONTROL
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _stored_bytes(board):
    return BoardAsset.objects.filter(board=board).aggregate(total=Sum(Length("data")))["total"] or 0


def _board_full(config):
    return (
        f"A board keeps at most {config['MAX_BOARD_UPLOAD_BYTES']:,} bytes of pictures, and this file "
        "would take it past that."
    )


def _content_length(request):
    try:
        return int(request.headers.get("Content-Length") or 0)
    except ValueError:
        return 0


def _bearer_credential(request):
    """The host key of `Authorization: Bearer <key>`, or "" when there is none."""
    scheme, _, credential = request.headers.get("Authorization", "").partition(" ")
    return credential.strip() if scheme.lower() == "bearer" else ""


def _text(message, status):
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
