"""A board's class settings: what its host has switched on or off, as one immutable value."""

from dataclasses import asdict, dataclass, fields, replace

from draw import backgrounds

# The settings a host may change with a `class` message (`hosted` comes with the host link).
SWITCHES = (
    "pens_down",
    "anonymous",
    "names_visible",
    "student_laser",
    "badge",
    "lanes",
    "reveal",
    "spotlight_name",
    "dark",
)
# A participant id, or None.
SPOTLIGHT = "spotlight"
# The paper under the ink: one of draw/backgrounds.py KINDS.
BACKGROUND = "background"
# The digest of a picture the host uploaded (draw/uploads.py), drawn under the ink; or None.
PICTURE = "picture"
SETTABLE = (*SWITCHES, SPOTLIGHT, BACKGROUND, PICTURE)


@dataclass(frozen=True, slots=True)
class ClassSettings:
    """docs/protocol.md, "Class mode", has what each one means."""

    hosted: bool = False
    pens_down: bool = False
    anonymous: bool = False
    names_visible: bool = False
    student_laser: bool = False
    badge: bool = True
    # Own page each (draw/audience.py): a student sees the host's ink and their own only.
    lanes: bool = False
    # Every page shown to everyone while lanes are on.
    reveal: bool = False
    # The student whose page the projector shows while lanes are on, or None.
    spotlight: str | None = None
    # Whether the projector shows the spotlit student's name (never on an anonymous board).
    spotlight_name: bool = True
    # The dark board for everyone, set by the host (each browser may still switch its own).
    dark: bool = False
    # The paper under everyone's ink (draw/backgrounds.py).
    background: str = backgrounds.DEFAULT
    # A picture under the ink and over the paper (a worksheet, a map), or None.
    picture: str | None = None
    # Newer settings replace older ones, whichever process read or changed them.
    version: int = 0

    @classmethod
    def from_row(cls, row):
        """From a Board (or a dict of its fields)."""
        get = row.get if isinstance(row, dict) else lambda name: getattr(row, name)
        return cls(
            hosted=bool(get("host_key_hash")),
            **{name: bool(get(name)) for name in SWITCHES},
            spotlight=get(SPOTLIGHT) or None,
            background=_known_background(get(BACKGROUND)),
            picture=get(PICTURE) or None,
            version=get("class_version"),
        )

    def changed(self, changes):
        """These settings with `changes` (SETTABLE names to booleans, the spotlight to an id or
        None) made, one version on."""
        return replace(self, **changes, version=self.version + 1)

    def to_wire(self):
        return {name: value for name, value in asdict(self).items() if name != "version"}

    @classmethod
    def from_wire(cls, wire, version):
        names = {field.name for field in fields(cls)} - {"version", SPOTLIGHT, BACKGROUND, PICTURE}
        return cls(
            **{name: bool(wire.get(name, False)) for name in names},
            spotlight=wire.get(SPOTLIGHT) or None,
            background=_known_background(wire.get(BACKGROUND)),
            picture=wire.get(PICTURE) or None,
            version=version,
        )


def _known_background(kind):
    # A kind a newer version stored and this one does not know: plain paper, not a crash.
    return kind if kind in backgrounds.KINDS else backgrounds.DEFAULT
