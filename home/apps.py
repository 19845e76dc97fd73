from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "home"
    label = "home"

    def ready(self):
        from home.spreadsheets import quote_formulas_in_admin_exports

        quote_formulas_in_admin_exports()

        from django_tasks.signals import task_finished

        from home.operations import log_task_finished

        task_finished.connect(log_task_finished, dispatch_uid="commonground-task-log")

        from home import versions

        versions.connect()
