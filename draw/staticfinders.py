"""A static files finder for the few library files the page needs from node_modules.

Libraries are installed by `npm ci` from package-lock.json; this finder lets
collectstatic and whitenoise serve the listed files without copying a
library into the repository or collecting a whole package.
"""

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import Error
from django.core.files.storage import FileSystemStorage


class NpmPackageFinder(BaseFinder):
    def __init__(self, *args, **kwargs):
        self.root = Path(settings.NPM_ROOT)
        self.files = dict(settings.NPM_STATIC_FILES)

    def check(self, **kwargs):
        missing = [source for source in self.files.values() if not (self.root / source).is_file()]
        if missing:
            return [
                Error(
                    f"npm files missing: {', '.join(missing)}",
                    hint="run `npm ci` in the project folder",
                    id="draw.E001",
                )
            ]
        return []

    def find(self, path, find_all=False, **kwargs):
        source = self.files.get(path)
        if source is None or not (self.root / source).is_file():
            return [] if find_all else None
        found = str(self.root / source)
        return [found] if find_all else found

    def list(self, ignore_patterns):
        for static_path, source in self.files.items():
            if (self.root / source).is_file():
                yield static_path, _SingleFileStorage(self.root / source, static_path)


class _SingleFileStorage(FileSystemStorage):
    """Storage that answers for one file under its static path."""

    def __init__(self, source, static_path):
        super().__init__(location=str(Path(source).parent))
        self._source_name = Path(source).name
        self._static_path = static_path

    def path(self, name):
        # open(), exists(), size() and get_modified_time() all go through path().
        return super().path(self._source_name if name == self._static_path else name)
