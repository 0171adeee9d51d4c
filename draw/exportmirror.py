"""A board's strokes sent to an export worker as what changed since that worker last had them.

A render runs in a worker process (draw/exportworker.py), and everything it draws is pickled
through a pipe: a 10,000-stroke board is a quarter of a million points each time, a good part of
an export that finds its shapes and pixels ready. Between two exports of a board most of its
strokes are the same objects (draw/history.py makes a new object for a moved stroke and never
changes one in place), so the server remembers, per worker, the strokes it last sent under each
board's key, and sends the next version as runs: a slice of the strokes the worker has, or
strokes it has not seen. The worker rebuilds the list from its own copies, so the same stroke is
the same object there from one export to the next too (draw/exportraster.py relies on it).

Pure bookkeeping: no processes, no pipes. The server's side is SentBoards, one per worker; the
worker's side MirroredBoards. A worker that fails a call, or starts anew, is sent everything.
"""

from collections import OrderedDict


class BoardStrokes:
    """A worker call's argument: a board's strokes (in board order) to be sent as changes to what
    the worker has under `key` (the board, its generation, view and page)."""

    __slots__ = ("key", "strokes")

    def __init__(self, key, strokes):
        self.key = key
        self.strokes = tuple(strokes)


class Changes:
    """What goes through the pipe for a BoardStrokes: `runs` against the strokes the worker holds
    under `key` (when `based`); `forget` the keys the server no longer keeps, and `reset` True when
    the worker is to drop every board it holds first."""

    __slots__ = ("key", "based", "runs", "forget", "reset")

    def __init__(self, key, based, runs, forget=(), reset=False):
        self.key = key
        self.based = based
        self.runs = runs
        self.forget = tuple(forget)
        self.reset = reset

    def __getstate__(self):
        return (self.key, self.based, self.runs, self.forget, self.reset)

    def __setstate__(self, state):
        self.key, self.based, self.runs, self.forget, self.reset = state


class MirrorMissing(Exception):
    """The worker lacks the strokes a change is based on (it was started anew): send them whole."""


def runs_between(previous, strokes):
    """`strokes` as runs over `previous`: (start, stop) for previous[start:stop], or a list of
    strokes not in `previous` (told apart by identity)."""
    where = {id(stroke): index for index, stroke in enumerate(previous)}
    runs = []
    for stroke in strokes:
        index = where.get(id(stroke))
        last = runs[-1] if runs else None
        if index is None:
            if isinstance(last, list):
                last.append(stroke)
            else:
                runs.append([stroke])
        elif isinstance(last, tuple) and last[1] == index:
            runs[-1] = (last[0], index + 1)
        else:
            runs.append((index, index + 1))
    return runs


def rebuilt(previous, runs):
    """The list that runs_between(previous, strokes) describes."""
    strokes = []
    for run in runs:
        if isinstance(run, tuple):
            strokes.extend(previous[run[0] : run[1]])
        else:
            strokes.extend(run)
    return strokes


class SentBoards:
    """The server's record of the boards one worker holds: the strokes last sent under each key, at
    most `max_boards` keys, the least recently sent forgotten first."""

    def __init__(self, max_boards):
        self.max_boards = max_boards
        self._sent = OrderedDict()
        self._forgotten = []
        self._reset = True
        # The sends of the call under way, kept once the worker has answered it.
        self._pending = []

    def changes(self, board):
        """The Changes that carry `board` (a BoardStrokes) to the worker."""
        previous = self._sent.get(board.key)
        based = previous is not None
        runs = runs_between(previous, board.strokes) if based else [list(board.strokes)]
        changes = Changes(board.key, based, runs, self._forgotten, self._reset)
        self._forgotten, self._reset = [], False
        self._pending.append(board)
        return changes

    def answered(self):
        """The worker answered the call: it holds what was sent."""
        for board in self._pending:
            self._sent[board.key] = board.strokes
            self._sent.move_to_end(board.key)
        self._pending = []
        while len(self._sent) > self.max_boards:
            key, _ = self._sent.popitem(last=False)
            self._forgotten.append(key)

    def failed(self):
        """The call failed, or the worker is new: it is sent everything from now on."""
        self._sent.clear()
        self._forgotten, self._pending = [], []
        self._reset = True

    def __len__(self):
        return len(self._sent)


class MirroredBoards:
    """The worker's copies of the boards it was sent, by key."""

    def __init__(self):
        self._boards = {}

    def strokes(self, changes):
        """The strokes `changes` stand for, kept for the next call; MirrorMissing when they are
        based on strokes this worker does not hold."""
        if changes.reset:
            self._boards.clear()
        for key in changes.forget:
            self._boards.pop(key, None)
        if changes.based:
            previous = self._boards.get(changes.key)
            if previous is None:
                raise MirrorMissing(f"no strokes held for {changes.key!r}")
            strokes = rebuilt(previous, changes.runs)
        else:
            strokes = rebuilt((), changes.runs)
        self._boards[changes.key] = strokes
        return strokes

    def __len__(self):
        return len(self._boards)
