"""Who is on a board, across server processes: a pure roster, merged from every process's part.

Each process knows its own people: who is connected to it now, and who was and has gone
(away). It sends that part to the board's group when it changes and every heartbeat; each
process merges the parts it hears into one list. A part not heard again for a few
heartbeats belongs to a process that stopped, and is forgotten.
"""

import re
from collections import OrderedDict
from dataclasses import dataclass

from draw.participants import VIEWER


@dataclass(frozen=True, slots=True)
class Person:
    id: str
    name: str | None
    role: str
    online: bool

    def to_wire(self):
        return {"id": self.id, "name": self.name, "role": self.role, "online": self.online}

    def to_part(self):
        return [self.id, self.name, self.role, self.online]

    @classmethod
    def from_part(cls, part):
        participant_id, name, role, online = part
        return cls(participant_id, name, role, bool(online))


class LocalPeople:
    """This process's people on one board: connections per participant, and who has gone."""

    def __init__(self, max_away):
        self.max_away = max_away
        self.connected = {}  # participant id -> [Person, connections]
        self.away = OrderedDict()  # participant id -> Person, oldest first

    def entered(self, participant):
        entry = self.connected.get(participant.id)
        if entry is None:
            person = Person(participant.id, participant.name, participant.role, True)
            self.connected[participant.id] = [person, 1]
            self.away.pop(participant.id, None)
        else:
            entry[1] += 1

    def left(self, participant):
        entry = self.connected.get(participant.id)
        if entry is None:
            return
        entry[1] -= 1
        if entry[1] > 0:
            return
        person = entry[0]
        del self.connected[participant.id]
        self.away[participant.id] = Person(person.id, person.name, person.role, False)
        while len(self.away) > self.max_away:
            self.away.popitem(last=False)

    def here(self):
        """The people connected in this process now."""
        return [entry[0] for entry in self.connected.values()]

    def part(self):
        """This process's part of the roster, for the wire between processes."""
        people = self.here() + list(self.away.values())
        return [person.to_part() for person in people]


class Roster:
    """The board's people as merged from every process's part."""

    def __init__(self, expiry_seconds):
        self.expiry_seconds = expiry_seconds
        self.parts = {}  # origin -> (heard at, [Person])

    def heard(self, origin, part, now):
        """A process's part arrived; whether the merged list may have changed."""
        people = [Person.from_part(entry) for entry in part]
        previous = self.parts.get(origin)
        self.parts[origin] = (now, people)
        return previous is None or previous[1] != people

    def expire(self, now):
        """Forget the parts of processes not heard from lately; whether any went."""
        stale = [origin for origin, (heard, _) in self.parts.items() if now - heard > self.expiry_seconds]
        for origin in stale:
            del self.parts[origin]
        return bool(stale)

    def people(self):
        """Everyone, once: connected anywhere counts as online. Online first, then by name."""
        merged = {}
        for _, people in self.parts.values():
            for person in people:
                known = merged.get(person.id)
                if known is None or (person.online and not known.online):
                    merged[person.id] = person
        return sorted(
            merged.values(), key=lambda person: (not person.online, _name_order(person.name), person.id)
        )

    def count(self, people=None):
        """People connected now, viewers (projectors) not counted."""
        people = self.people() if people is None else people
        return sum(1 for person in people if person.online and person.role != VIEWER)


def _name_order(name):
    """Names in the order people expect: case aside, and "Student 2" before "Student 10"."""
    parts = re.split(r"(\d+)", (name or "").lower())
    return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in parts]
