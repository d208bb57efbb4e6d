"""Admin for the taxonomy and, read-mostly, the directory's rows."""

from django.contrib import admin

from .models import ClaimRequest, Offering, OfferingChange, Place, ProblemReport, Schedule, Term


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    list_display = ["code", "vocabulary", "name_sv", "name_da", "name_en", "position"]
    list_filter = ["vocabulary"]
    search_fields = ["code", "name_sv", "name_da", "name_en"]


class PlaceInline(admin.StackedInline):
    model = Place
    extra = 0


class ScheduleInline(admin.TabularInline):
    model = Schedule
    extra = 0


@admin.register(Offering)
class OfferingAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "status", "is_published", "last_reviewed_at"]
    list_filter = ["status", "is_published", "text_language"]
    search_fields = ["name", "organization__name"]
    raw_id_fields = ["organization"]
    inlines = [PlaceInline, ScheduleInline]


@admin.register(OfferingChange)
class OfferingChangeAdmin(admin.ModelAdmin):
    list_display = ["__str__", "organization", "status", "submitted_at"]
    list_filter = ["status"]


@admin.register(ClaimRequest)
class ClaimRequestAdmin(admin.ModelAdmin):
    list_display = ["user", "organization", "status", "submitted_at"]
    list_filter = ["status"]


@admin.register(ProblemReport)
class ProblemReportAdmin(admin.ModelAdmin):
    list_display = ["offering", "kind", "status", "created_at"]
    list_filter = ["status", "kind"]
