from django.contrib import admin
from django.urls import path, re_path
from django.views.i18n import JavaScriptCatalog, set_language

from draw import archiveviews, operations, uploadviews, views
from draw.boards import BOARD_NAME_PATTERN

urlpatterns = [
    path("", views.classic_board, name="home"),
    path("new/", views.new_board, name="new-board"),
    re_path(rf"^b/(?P<board>{BOARD_NAME_PATTERN})/$", views.board, name="board"),
    re_path(
        rf"^b/(?P<board>{BOARD_NAME_PATTERN})/export\.(?P<format>svg|png|pdf|webp)$",
        views.board_export,
        name="board-export",
    ),
    re_path(
        rf"^b/(?P<board>{BOARD_NAME_PATTERN})/export\.zip$", views.board_pages_zip, name="board-pages-zip"
    ),
    re_path(rf"^b/(?P<board>{BOARD_NAME_PATTERN})/show$", views.board_show, name="board-show"),
    re_path(rf"^b/(?P<board>{BOARD_NAME_PATTERN})/replay$", views.board_replay, name="board-replay"),
    re_path(rf"^b/(?P<board>{BOARD_NAME_PATTERN})/grid$", views.board_grid, name="board-grid"),
    re_path(rf"^b/(?P<board>{BOARD_NAME_PATTERN})/pages$", views.board_pages, name="board-pages"),
    re_path(rf"^b/(?P<board>{BOARD_NAME_PATTERN})/links$", views.board_links, name="board-links"),
    re_path(rf"^b/(?P<board>{BOARD_NAME_PATTERN})/snapshot$", views.board_snapshot, name="board-snapshot"),
    re_path(rf"^b/(?P<board>{BOARD_NAME_PATTERN})/log$", views.board_log, name="board-log"),
    re_path(rf"^b/(?P<board>{BOARD_NAME_PATTERN})/join\.svg$", views.board_join_qr, name="board-join-qr"),
    # Pictures under the ink: the host uploads a file, the pages fetch each picture by its digest.
    re_path(rf"^b/(?P<board>{BOARD_NAME_PATTERN})/uploads$", uploadviews.board_upload, name="board-upload"),
    re_path(
        rf"^b/(?P<board>{BOARD_NAME_PATTERN})/assets/(?P<digest>[0-9a-f]{{64}})$",
        uploadviews.board_asset,
        name="board-asset",
    ),
    # The host's lessons (draw/archive.py): the page, its list, and what it does to a lesson.
    re_path(rf"^b/(?P<board>{BOARD_NAME_PATTERN})/lessons$", archiveviews.lessons_page, name="board-lessons"),
    re_path(
        rf"^b/(?P<board>{BOARD_NAME_PATTERN})/lessons\.json$", archiveviews.lessons, name="board-lessons-json"
    ),
    re_path(rf"^b/(?P<board>{BOARD_NAME_PATTERN})/lessons/new$", archiveviews.new_lesson, name="lesson-new"),
    re_path(
        rf"^b/(?P<board>{BOARD_NAME_PATTERN})/lessons/(?P<lesson>{BOARD_NAME_PATTERN})/"
        r"(?P<action>duplicate|delete|restore)$",
        archiveviews.lesson_action,
        name="lesson-action",
    ),
    re_path(r"^b/(?P<board>[^/]*)/?$", views.bad_board_name),
    path("j/", views.join, name="join"),
    # Any case, spaces or dashes, as a code is typed into an address bar; the view settles on one form.
    re_path(r"^j/(?P<code>[^/]{1,40})/?$", views.join_board, name="join-board"),
    # The front end's strings in the page's language (a classic script, before the modules).
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    # The language switch posts here and comes back to the page it was on (`next`).
    path("language/", set_language, name="set-language"),
    path("healthz", views.health, name="health"),
    path("readyz", operations.readiness, name="readiness"),
    path("metrics", operations.metrics, name="metrics"),
    path("admin/", admin.site.urls),
]
