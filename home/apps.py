from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "home"
    label = "home"

    def ready(self):
        from home.spreadsheets import quote_formulas_in_admin_exports

        quote_formulas_in_admin_exports()
