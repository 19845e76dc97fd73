from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    label = "search"

    def ready(self):
        from home import bulk
        from search import checks  # noqa: F401  (registers the one-writer check)
        from search.signal_handlers import deferred_indexing, register_signal_handlers

        checks.refuse_writing_web_workers()
        register_signal_handlers()
        bulk.register(deferred_indexing)  # home.bulk.bulk_writes() holds our indexing
