from django.conf import settings
from django.db import models


class QueryLogQuerySet(models.QuerySet):
    def zero_results(self):
        return self.filter(result_count=0)

    def found_nothing_useful(self):
        """Searches that found nothing, or only weak matches (search.service.run): both are gaps."""
        return self.filter(models.Q(result_count=0) | models.Q(weak=True))

    def record(self, user, query, filters, results):
        """Log a search that asked for something (words or filters); opening the page is not a search."""
        if query or filters:
            self.create(
                query=query,
                filters=filters,
                result_count=results.total,
                user=user,
                engine=results.engine,
                took_ms=results.took_ms,
                weak=getattr(results, "weak", False),
            )


class QueryLog(models.Model):
    """One search a person ran: what for, with which filters, and how many results it found."""

    query = models.CharField(max_length=200, blank=True)
    filters = models.JSONField(default=dict, blank=True)
    result_count = models.PositiveIntegerField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    engine = models.CharField(max_length=20)
    took_ms = models.FloatField()
    weak = models.BooleanField(
        default=False, help_text="Nothing matched the meaningful words well; the results were best guesses."
    )
    created = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = QueryLogQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]
        indexes = [models.Index(fields=["result_count", "created"])]

    def __str__(self):
        return f"{self.query or '(browse)'} → {self.result_count}{' (weak)' if self.weak else ''}"


class PendingIndexing(models.Model):
    """A collateral page the search server missed while it was down; replayed when it answers again."""

    page_id = models.PositiveIntegerField(unique=True)
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"page {self.page_id}"
