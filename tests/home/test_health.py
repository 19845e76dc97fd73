from django.test import Client


def test_health_check_answers_without_login_and_says_nothing_else():
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
