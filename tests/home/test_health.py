from django.test import Client


def test_health_check_answers_without_login_and_says_nothing_else():
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_the_browsers_own_favicon_request_gets_the_sites_icon_without_a_login():
    from django.contrib.staticfiles import finders

    response = Client().get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith(".svg")
    assert "favicon" in response["Location"] and finders.find("img/favicon.svg")
