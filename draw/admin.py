from django.contrib import admin
from django.db.models import Count

from draw.models import Board, BoardEvent


@admin.register(Board)
class BoardAdmin(admin.ModelAdmin):
    list_display = ["name", "stroke_count", "event_count", "last_seq", "size", "created_at", "updated_at"]
    search_fields = ["name"]
    readonly_fields = ["last_seq", "stroke_count", "created_at", "updated_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(event_total=Count("events"))

    @admin.display(description="events", ordering="event_total")
    def event_count(self, board):
        return board.event_total

    @admin.display(description="size (board units)")
    def size(self, board):
        return f"{board.width} × {board.height}"


@admin.register(BoardEvent)
class BoardEventAdmin(admin.ModelAdmin):
    list_display = ["board", "seq", "kind", "author", "client_id", "created_at"]
    list_filter = ["kind"]
    search_fields = ["board__name", "author", "client_id"]
    readonly_fields = [field.name for field in BoardEvent._meta.fields]
