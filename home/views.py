from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse


@login_not_required
def healthz(request):
    """For load balancers: the process answers. Says nothing else, so it needs no login."""
    return HttpResponse("ok", content_type="text/plain")
