from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    label = "search"

    def ready(self):
        from search.signal_handlers import register_signal_handlers

        register_signal_handlers()
