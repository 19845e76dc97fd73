"""The README's backup and restore: database and uploaded files together, the index rebuilt, then
``manage.py check_deploy`` says the restored site is ready (PostgreSQL, on both of CI's passes)."""

import json
import shutil
import subprocess
import sys

import pytest

from tests.deploy.cluster import BASE_DIR, Cluster, admin_sql

CONTENT = """
import json
from content.factories import create_collateral, create_document_for
document = create_document_for("Walrus proof", "pdf", ["Walrus Logistics closed its books in two days."])
create_collateral(title="Walrus case study", summary="Month-end close.", documents=[document])
print(json.dumps({"file": document.file.name}))
"""


@pytest.fixture
def site():
    running = Cluster(purpose="backup")
    running.create_database()
    yield running
    running.stop()


def run(script, site, *args, env):
    result = subprocess.run([str(BASE_DIR / "scripts" / script), *args], env=env, capture_output=True, text=True)
    assert result.returncode == 0, f"{script} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def test_backup_then_restore_into_an_empty_database_gives_a_ready_site(site, tmp_path):
    stored = json.loads(site.manage("shell", "-c", CONTENT).strip().splitlines()[-1])["file"]
    env = site.env("command")
    media = BASE_DIR.joinpath(env["MEDIA_ROOT"])
    original = (media / stored).read_bytes()

    run("backup", site, str(tmp_path / "backup"), env=env)
    assert {path.name for path in (tmp_path / "backup").iterdir()} == {"database.dump", "media.tar.gz", "MANIFEST"}

    # Disaster: the database and the files are gone (the search index too).
    admin_sql(f'DROP DATABASE "{site.database}" WITH (FORCE)')
    admin_sql(f'CREATE DATABASE "{site.database}"')
    shutil.rmtree(media)
    shutil.rmtree(env["SEARCH_INDEX_PATH"], ignore_errors=True)
    # Static files belong to the deploy, not to the backup: stand in for `collectstatic` having run.
    static = BASE_DIR.joinpath(env["STATIC_ROOT"])
    static.mkdir(parents=True, exist_ok=True)
    (static / "staticfiles.json").write_text(json.dumps({"paths": {}, "version": "1.1", "hash": ""}))

    output = run("restore", site, str(tmp_path / "backup"), env={**env, "PYTHON": sys.executable})
    assert "Search index rebuilt: 1 collateral items." in output
    assert "search: ok" in output and "database: ok" in output and output.rstrip().endswith("Ready.")
    assert (media / stored).read_bytes() == original
