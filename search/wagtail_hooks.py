from wagtail import hooks

from search.reports import failed_searches


@hooks.register("register_loop_report")
def failed_searches_report(since):
    """Second on marketing's loop dashboard, after the content gaps (content.reports)."""
    return 20, failed_searches(since)
