from django.apps import AppConfig


class PersonasConfig(AppConfig):
    name = "personas"
    label = "personas"

    def ready(self):
        from personas.signal_handlers import register_signal_handlers

        register_signal_handlers()
