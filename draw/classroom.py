"""A board's class settings: what its host has switched on or off, as one immutable value."""

from dataclasses import asdict, dataclass, fields, replace

# The settings a host may change with a `class` message (`hosted` comes with the host link).
SETTABLE = ("pens_down", "anonymous", "names_visible", "student_laser", "badge")


@dataclass(frozen=True, slots=True)
class ClassSettings:
    """docs/protocol.md, "Class mode", has what each one means."""

    hosted: bool = False
    pens_down: bool = False
    anonymous: bool = False
    names_visible: bool = False
    student_laser: bool = False
    badge: bool = True
    # Newer settings replace older ones, whichever process read or changed them.
    version: int = 0

    @classmethod
    def from_row(cls, row):
        """From a Board (or a dict of its fields)."""
        get = row.get if isinstance(row, dict) else lambda name: getattr(row, name)
        return cls(
            hosted=bool(get("host_key_hash")),
            **{name: bool(get(name)) for name in SETTABLE},
            version=get("class_version"),
        )

    def changed(self, changes):
        """These settings with `changes` (a dict of SETTABLE names to booleans) made, one version on."""
        return replace(self, **changes, version=self.version + 1)

    def to_wire(self):
        return {name: value for name, value in asdict(self).items() if name != "version"}

    @classmethod
    def from_wire(cls, wire, version):
        names = {field.name for field in fields(cls)} - {"version"}
        return cls(**{name: bool(wire[name]) for name in names}, version=version)
