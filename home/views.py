from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.templatetags.static import static


@login_not_required
def favicon(request):
    """/favicon.ico, which browsers ask for on their own (over a PDF, a JSON answer): the site's icon
    rather than a 404 or a redirect to the login page. Needs no login: it is the same for everyone."""
    return redirect(static("img/favicon.svg"), permanent=True)


@login_not_required
def healthz(request):
    """For load balancers: the process answers. Says nothing else, so it needs no login."""
    return HttpResponse("ok", content_type="text/plain")
