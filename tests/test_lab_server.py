"""The README's first command serves JupyterLab on the course's start page."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import urllib.error
import urllib.request

import pytest

from clv_course.authoring import BUILT_LANGUAGES
from clv_course.lab_settings import LAB_LOCALES
from tests.support.servers import wait_until_serving

TOKEN = "clv-course-test-token"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture(params=BUILT_LANGUAGES)
def lab_server(root, tmp_path, request):
    port = _free_port()
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
               JUPYTERLAB_WORKSPACES_DIR=str(tmp_path / "workspaces"), CLV_COURSE_LANG=request.param)
    args = f"--no-browser --port={port} --ip=127.0.0.1 --IdentityProvider.token={TOKEN}"
    server = subprocess.Popen(["make", "-s", "lab", f"LAB_ARGS={args}",
                               f"VENV={root / '.venv'}"], cwd=root, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base, TOKEN, server, timeout=90, explain=lambda: (
            "make lab did not serve JupyterLab:\n" + server.stdout.read()))
        yield base, server, request.param
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


@pytest.mark.slow
def test_make_lab_sends_the_learner_to_the_start_page_of_their_language(lab_server):
    base, _server, language = lab_server
    opener = urllib.request.build_opener(_NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as redirect:
        opener.open(f"{base}/?token={TOKEN}", timeout=10)
    assert redirect.value.code == 302
    start = f"{language}/00_start_here.ipynb"
    assert redirect.value.headers["Location"].startswith(f"/lab/tree/{start}")

    page = urllib.request.urlopen(f"{base}/lab/tree/{start}?token={TOKEN}", timeout=10)
    assert page.status == 200 and "JupyterLab" in page.read().decode()
    listing = json.load(urllib.request.urlopen(
        f"{base}/api/contents/{start}?token={TOKEN}&content=0", timeout=10))
    assert listing["type"] == "notebook"
    settings = json.load(urllib.request.urlopen(
        f"{base}/lab/api/settings/@jupyterlab/translation-extension:plugin?token={TOKEN}",
        timeout=10))
    assert settings["settings"]["locale"] == LAB_LOCALES[language]
