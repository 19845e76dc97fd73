from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    label = "search"

    def ready(self):
        from search import checks  # noqa: F401  (registers the one-writer check)
        from search.signal_handlers import register_signal_handlers

        checks.refuse_writing_web_workers()
        register_signal_handlers()
