"""Static files finders for what npm makes: the front end's bundle and a few library files.

Libraries are installed by `npm ci` from package-lock.json and the pages' scripts are bundled
by `npm run build`; these finders let collectstatic and whitenoise serve them without copying
a library or a build into the repository or collecting a whole package.
"""

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder, FileSystemFinder
from django.core.checks import Error
from django.core.files.storage import FileSystemStorage

# The bundle of the board page; the others are built with it.
BUNDLE_ENTRY = "main.js"


class FrontendBundleFinder(FileSystemFinder):
    """The files `npm run build` wrote into settings.FRONTEND_BUNDLE_ROOT, as static/bundle/."""

    def __init__(self, app_names=None, *args, **kwargs):
        self.root = Path(settings.FRONTEND_BUNDLE_ROOT)
        self.locations = [("bundle", str(self.root))]
        storage = FileSystemStorage(location=str(self.root))
        storage.prefix = "bundle"
        self.storages = {str(self.root): storage}
        BaseFinder.__init__(self, *args, **kwargs)

    def check(self, **kwargs):
        # Without it every page is served without its script: say so at start, not in a browser.
        if not (self.root / BUNDLE_ENTRY).is_file():
            return [
                Error(
                    f"the front end is not bundled: {self.root / BUNDLE_ENTRY} is missing",
                    hint="run `npm run build` in the project folder (bin/setup does)",
                    id="draw.E002",
                )
            ]
        return []

    def list(self, ignore_patterns):
        # A checkout not built yet has no folder; check() reports that.
        if self.root.is_dir():
            yield from super().list(ignore_patterns)


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
