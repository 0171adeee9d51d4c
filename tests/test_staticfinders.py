"""The front end's bundle is found as static/bundle/, and a checkout without one fails its check."""

from draw.staticfinders import FrontendBundleFinder


def test_a_checkout_without_the_bundle_fails_its_check_with_the_command_that_makes_it(settings, tmp_path):
    settings.FRONTEND_BUNDLE_ROOT = tmp_path / "bundle"
    finder = FrontendBundleFinder()
    [error] = finder.check()
    assert error.id == "draw.E002"
    assert "npm run build" in error.hint
    assert list(finder.list([])) == []
    assert finder.find("bundle/main.js") == []


def test_the_bundle_is_served_under_static_bundle(settings, tmp_path):
    root = tmp_path / "bundle"
    root.mkdir()
    for name in ("main.js", "show.js", "main.js.map"):
        (root / name).write_text(f"// {name}")
    settings.FRONTEND_BUNDLE_ROOT = root
    finder = FrontendBundleFinder()
    assert finder.check() == []
    assert finder.find("bundle/main.js") == str(root / "main.js")
    assert finder.find("main.js") == []
    listed = {(storage.prefix, path) for path, storage in finder.list([])}
    assert listed == {("bundle", "main.js"), ("bundle", "show.js"), ("bundle", "main.js.map")}
