from django.contrib import admin, messages
from django.db.models import Count
from django.utils.html import format_html

from draw import addresses, hosting
from draw.models import Board, BoardEvent, QuarantinedEvent, RosterEntry


@admin.register(Board)
class BoardAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "hosted",
        "join_code",
        "stroke_count",
        "event_count",
        "last_seq",
        "size",
        "created_at",
        "updated_at",
    ]
    search_fields = ["name", "join_code"]
    # The key's salt and hash change together, through the action below, or every host link breaks.
    readonly_fields = [
        "last_seq",
        "stroke_count",
        "join_code",
        "host_key_salt",
        "host_key_hash",
        "class_version",
        "created_at",
        "updated_at",
    ]
    actions = ["reset_host_key"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(event_total=Count("events"))

    @admin.display(description="events", ordering="event_total")
    def event_count(self, board):
        return board.event_total

    @admin.display(description="size (board units)")
    def size(self, board):
        return f"{board.width} × {board.height}"

    @admin.display(description="host", boolean=True, ordering="host_key_hash")
    def hosted(self, board):
        return board.hosted

    @admin.action(description="Reset host key")
    def reset_host_key(self, request, queryset):
        """A new host link for each board; earlier ones open it as a student from now on."""
        base = addresses.public_base_url(request)
        for name in queryset.values_list("name", flat=True):
            link = addresses.host_url(base, name, hosting.host_key(name, reset=True))
            message = format_html('New host link of {}: <a href="{}">{}</a>', name, link, link)
            self.message_user(request, message, messages.SUCCESS)


@admin.register(BoardEvent)
class BoardEventAdmin(admin.ModelAdmin):
    list_display = ["board", "seq", "kind", "author", "client_id", "created_at"]
    list_filter = ["kind"]
    search_fields = ["board__name", "author", "client_id"]
    readonly_fields = [field.name for field in BoardEvent._meta.fields]


@admin.register(QuarantinedEvent)
class QuarantinedEventAdmin(admin.ModelAdmin):
    """Rows `manage.py check_boards --fix` set aside: to look at, never to edit back into a log."""

    list_display = ["board", "seq", "kind", "author", "reason", "created_at", "quarantined_at"]
    list_filter = ["kind"]
    search_fields = ["board__name", "author", "client_id"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(RosterEntry)
class RosterEntryAdmin(admin.ModelAdmin):
    """Who joined which board with its code: kept by the join, to look at only."""

    list_display = ["board", "participant", "name", "joined_at"]
    search_fields = ["board__name", "participant", "name"]
    readonly_fields = [field.name for field in RosterEntry._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
