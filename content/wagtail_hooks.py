from wagtail import hooks

from content.views import record_download

hooks.register("before_serve_document", record_download)
