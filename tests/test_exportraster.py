"""A board's PNG painted on the image of its last export (draw/exportraster.py): whatever the
class did in between, the pixels are those of the board painted from its first stroke."""

import io
import random

from PIL import Image, ImageChops

from bench.exports import ink_stroke
from draw import export
from draw.exportraster import PaintedBoards
from draw.history import CommittedStroke

WIDTH, HEIGHT = 800, 450


def committed(request, seq, author="student1"):
    return CommittedStroke(request["stroke"], author, request["item"], request["points"], seq)


def ink_board(count, seed=1, first=0):
    rng = random.Random(seed)
    return [
        committed(ink_stroke(rng, index, WIDTH, HEIGHT), index + 1) for index in range(first, first + count)
    ]


def highlighter(index):
    points = [100 + index, 100, 500, 300 + index]
    item = {"kind": "highlighter", "color": "#fab005", "width": 20}
    return committed({"stroke": f"hl{index}", "item": item, "points": points}, 1000 + index)


def text(index):
    item = {"kind": "text", "color": "#1971c2", "size": 24, "text": f"answer {index}"}
    return committed({"stroke": f"t{index}", "item": item, "points": [50, 60 + 30 * index]}, 2000 + index)


class Painter:
    """PaintedBoards used as the export worker uses it, counting the strokes each call paints."""

    def __init__(self, max_bytes=64 << 20):
        self.boards = PaintedBoards(max_bytes)
        self.painted = 0

    def draw(self, image, part, left_out):
        self.painted += len(part)
        export.draw_items(image, part, 1.0, left_out=left_out)

    def png(self, strokes, budget_points=None, key="lesson"):
        image, _, complete = self.boards.paint(
            key,
            strokes,
            lambda: export.paper_image(WIDTH, HEIGHT, 1.0),
            self.draw,
            budget_points,
            Image.Image.copy,
        )
        return image, complete


def same_pixels(image, strokes):
    whole = Image.open(io.BytesIO(export.to_png(WIDTH, HEIGHT, strokes, 1.0))).convert("RGB")
    return ImageChops.difference(image.convert("RGB"), whole).getbbox() is None


def test_strokes_added_since_are_all_that_is_painted():
    painter = Painter()
    board = ink_board(300)
    image, complete = painter.png(board)
    assert complete and same_pixels(image, board)
    board += [*ink_board(5, seed=2, first=300), text(0)]
    painter.painted = 0
    image, _ = painter.png(board)
    assert painter.painted == 6
    assert same_pixels(image, board)


def test_painting_in_parts_within_a_budget_gives_the_same_pixels():
    painter = Painter()
    board = [*ink_board(200), highlighter(0), text(1)]
    calls = 0
    complete = False
    while not complete:
        image, complete = painter.png(board, budget_points=600)
        calls += 1
    # 200 strokes of 25 points and two more items, 600 points a call.
    assert calls == 9
    assert same_pixels(image, board)


def test_an_erase_a_move_or_a_highlighter_under_the_ink_paints_the_board_anew():
    painter = Painter()
    board = ink_board(150)
    painter.png(board)
    moved = board[40]
    changes = [
        board[:20] + board[21:],  # an erase
        [
            *board[:40],
            CommittedStroke(moved.stroke, moved.author, moved.item, [p + 7 for p in moved.points], 41),
        ]
        + board[41:],  # a move: a new object in its place
        [*board, highlighter(1)],  # drawn under every ink stroke
    ]
    for strokes in changes:
        painter.painted = 0
        image, _ = painter.png(strokes)
        assert painter.painted == len(strokes)
        assert same_pixels(image, strokes)


def test_images_past_the_bound_are_dropped_the_least_recently_painted_first():
    one_image = WIDTH * HEIGHT * 3
    painter = Painter(max_bytes=2 * one_image)
    board = ink_board(10)
    for key in ("a", "b", "c"):
        painter.png(board, key=key)
    assert len(painter.boards) == 2 and painter.boards.bytes == 2 * one_image
    painter.painted = 0
    painter.png(board, key="a")
    assert painter.painted == 10
    # An image bigger than the bound is painted, never kept.
    small = Painter(max_bytes=one_image - 1)
    image, _ = small.png(board)
    assert same_pixels(image, board) and len(small.boards) == 0


def test_warming_paints_past_an_item_that_fails_to_draw():
    from draw import exportworker

    board = ink_board(30)
    # Points no history lets through (a string for a pressure): its outline cannot be worked out.
    broken = committed({"stroke": "bad", "item": board[0].item, "points": [10, 10, "x", 20, 20, 50]}, 99)
    strokes = [*board[:10], broken, *board[10:]]
    painted, ink, complete = exportworker.warm_board(
        ("broken", 1), WIDTH, HEIGHT, strokes, (None, None), "plain", None, budget_points=100_000
    )
    assert (painted, ink, complete) == (31, 31, True)
    body, left_out = exportworker.draw_image(
        "png", WIDTH, HEIGHT, strokes, 1.0, (None, None), "plain", None, ("broken", 1)
    )
    assert [stroke.stroke for stroke in left_out] == ["bad"]
    assert same_pixels(Image.open(io.BytesIO(body)), board)


def test_two_paintings_of_one_board_at_once_each_finish_their_own_pixels():
    # The server's process drawing its own exports (no export timeout) paints in two threads.
    import threading

    painter = Painter()
    board = ink_board(120)
    versions = [board[:100], board]
    results, failures = [], []

    def export(strokes):
        try:
            for _ in range(6):
                image, _ = painter.png(strokes)
                results.append((image, strokes))
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            failures.append(error)

    threads = [threading.Thread(target=export, args=(strokes,)) for strokes in versions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == [] and len(results) == 12
    assert all(same_pixels(image, strokes) for image, strokes in results)
    assert painter.boards.bytes == WIDTH * HEIGHT * 3 and len(painter.boards) == 1
