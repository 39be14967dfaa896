"""`qdsim app`'s server process starts preparing the first screen, then is `streamlit run`."""

from __future__ import annotations

import asyncio
import re
import sys
import threading

from qdsim.app import running, serve
from tests.serving import free_port, serving


def test_serve_prepares_the_first_screen_then_runs_streamlit_with_the_same_arguments(monkeypatch):
    from streamlit.web import cli as streamlit_cli

    calls, warmed, frozen = [], threading.Event(), threading.Event()

    def warm() -> threading.Thread:
        warmed.set()
        done = threading.Thread(target=lambda: None)
        done.start()
        return done

    monkeypatch.setattr(running, "warm", warm)
    monkeypatch.setattr(serve, "freeze", frozen.set)
    monkeypatch.setattr(streamlit_cli, "main", lambda: calls.append(list(sys.argv)) or 0)
    monkeypatch.setattr(sys, "argv", list(sys.argv))
    assert serve.main(["run", "app.py", "--server.port", "8599"]) == 0
    assert calls == [["streamlit", "run", "app.py", "--runner.postScriptGC", "false", "--server.port", "8599"]]  # its flags, then those given
    assert warmed.wait(30)  # started beside Streamlit, not before it
    assert frozen.wait(30)  # once prepared, what is alive is kept out of later garbage collections


def test_qdsim_app_starts_the_server_through_serve(monkeypatch, tmp_path):
    from typer.testing import CliRunner

    import qdsim.cli

    monkeypatch.setenv("QDSIM_HOME", str(tmp_path))
    called = []

    def execv(path, args):
        called.append(args)
        raise SystemExit(0)

    monkeypatch.setattr(qdsim.cli.os, "execv", execv)
    monkeypatch.setattr(qdsim.cli.subprocess, "call", lambda args: called.append(args) or 0)
    assert CliRunner().invoke(qdsim.cli.app, ["app"]).exit_code == 0
    assert called[0][1:4] == ["-m", "qdsim.app.serve", "run"]


class SlowBrowser:
    """A browser's WebSocket as Streamlit's server sees it, from a page that has stopped reading: every send waits."""

    headers: dict = {}
    cookies: dict = {}
    client = None

    def __init__(self) -> None:
        self.sent, self.closed = 0, None

    async def send_bytes(self, data: bytes) -> None:
        self.sent += 1
        await asyncio.Event().wait()  # the browser never reads it

    async def close(self, code: int = 1000, reason: str | None = None) -> None:
        self.closed = code


def overflow(browser: SlowBrowser, extra: int = 5) -> bool:
    """Write more messages to ``browser`` than Streamlit queues for one browser; True if Streamlit said it gave up."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from streamlit.runtime import SessionClientDisconnectedError
    from streamlit.web.server.starlette.starlette_server_config import WEBSOCKET_MAX_SEND_QUEUE_SIZE
    from streamlit.web.server.starlette.starlette_websocket import StarletteSessionClient

    async def write() -> bool:
        client = StarletteSessionClient(browser)
        msg = ForwardMsg()
        msg.script_finished = ForwardMsg.FINISHED_SUCCESSFULLY
        gave_up = False
        try:
            for _ in range(WEBSOCKET_MAX_SEND_QUEUE_SIZE + extra):
                client.write_forward_msg(msg)  # as Streamlit's runtime does, on the event loop
                await asyncio.sleep(0)
        except SessionClientDisconnectedError:
            gave_up = True
        for _ in range(100):  # what the server does next, on its event loop
            await asyncio.sleep(0.01)
            if browser.closed is not None:
                break
        await client.aclose()
        return gave_up

    return asyncio.run(write())


def test_a_browser_whose_session_streamlit_drops_is_told_so_that_it_reconnects():
    """The ten-planner hang: a page that falls 500 messages behind lost its session, and its WebSocket stayed open.

    Streamlit drops the session of a browser that reads too slowly (its queue of 500 messages is full) but left the
    WebSocket open, so the browser waited forever for a page that got nothing more. `qdsim app` closes it (1013: try
    again later) and the browser reconnects. Fails without serve.close_dropped_browsers (and if a Streamlit upgrade
    changes the client it wraps).
    """
    assert serve.close_dropped_browsers()
    assert serve.close_dropped_browsers()  # once only, whatever the number of calls
    browser = SlowBrowser()
    assert overflow(browser)  # Streamlit gives up on the browser…
    assert browser.closed == serve.TRY_AGAIN_LATER  # …and now tells it so


def test_a_browser_that_keeps_up_is_never_closed():
    assert serve.close_dropped_browsers()
    browser = SlowBrowser()
    assert not overflow(browser, extra=-10)  # fewer than Streamlit's limit waiting: nothing given up
    assert browser.closed is None


# -- the login route of docs/office-server.md: `qdsim app` on 127.0.0.1 behind a proxy that asks for a password --------

class BasicAuthProxy:
    """A reverse proxy asking for HTTP basic authentication, as nginx's ``auth_basic`` does in docs/office-server.md.

    Test-sized (stdlib asyncio): each request is checked (one request a connection: ``Connection: close`` is asked of
    the app), a WebSocket upgrade with the right credentials is passed through and then piped both ways.
    """

    def __init__(self, upstream: int, user: str, password: str):
        import base64

        self.upstream = upstream
        self.expected = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
        self.loop = asyncio.new_event_loop()
        self.port = 0
        ready = threading.Event()
        threading.Thread(target=self._serve, args=(ready,), daemon=True, name="basic-auth-proxy").start()
        assert ready.wait(10)

    def _serve(self, ready: threading.Event) -> None:
        asyncio.set_event_loop(self.loop)
        server = self.loop.run_until_complete(asyncio.start_server(self._handle, "127.0.0.1", 0))
        self.port = server.sockets[0].getsockname()[1]
        ready.set()
        self.loop.run_forever()

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            writer.close()
            return
        lines = head.decode("latin-1").split("\r\n")
        headers = {k.strip().lower(): v.strip() for k, v in (x.split(":", 1) for x in lines[1:] if ":" in x)}
        if headers.get("authorization") != self.expected:
            writer.write(b'HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm="qdsim"\r\nContent-Length: 0\r\n'
                         b"Connection: close\r\n\r\n")
            await writer.drain()
            writer.close()
            return
        if headers.get("upgrade", "").lower() != "websocket":  # one request a connection: each is checked
            kept = [x for x in lines[1:] if x and not x.lower().startswith(("connection:", "keep-alive:"))]
            head = "\r\n".join([lines[0], *kept, "Connection: close", "", ""]).encode("latin-1")
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.upstream)
        up_writer.write(head)

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            try:
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                dst.close()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))


def _get(port: int, path: str, auth: str | None = None, extra: dict | None = None) -> tuple[int, dict, bytes]:
    import http.client

    con = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        con.request("GET", path, headers={**({"Authorization": auth} if auth else {}), **(extra or {})})
        r = con.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read() if r.status != 101 else b""
    finally:
        con.close()


def test_qdsim_app_behind_a_basic_auth_proxy_asks_every_request_and_the_websocket_for_the_password(tmp_path):
    """docs/office-server.md's login route, as far as a test can take it: `qdsim app` on 127.0.0.1, a proxy asking for a
    password in front (the test's own, not nginx). Without the password: 401 for the page, its scripts, the health
    check and the WebSocket; with it: the page, and the WebSocket Streamlit talks over is opened (101)."""
    import base64
    import os

    port = free_port()
    argv = [sys.executable, "-m", "qdsim.cli", "app", "--port", str(port)]
    with serving(argv, port, tmp_path / "server.log", cwd=tmp_path, env={**os.environ, "QDSIM_HOME": str(tmp_path / "home")}):
        proxy = BasicAuthProxy(port, "planner1", "s3cret")
        try:
            good = "Basic " + base64.b64encode(b"planner1:s3cret").decode()
            wrong = "Basic " + base64.b64encode(b"planner1:guess").decode()
            upgrade = {"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
                       "Sec-WebSocket-Key": base64.b64encode(os.urandom(16)).decode(), "Origin": f"http://127.0.0.1:{proxy.port}"}

            for auth in (None, wrong):
                for path in ("/", "/_stcore/health", "/static/js/does-not-matter.js"):
                    status, headers, _ = _get(proxy.port, path, auth)
                    assert status == 401 and headers["www-authenticate"] == 'Basic realm="qdsim"', (path, auth, status)
                assert _get(proxy.port, "/_stcore/stream", auth, upgrade)[0] == 401

            status, _, page = _get(proxy.port, "/", good)
            assert status == 200 and b'<div id="root">' in page  # Streamlit's page
            scripts = [s.decode() for s in re.findall(rb'src="\.?(/static/js/[^"]+\.js)"', page)]
            assert scripts and all(_get(proxy.port, s, good)[0] == 200 for s in scripts)  # and what it loads
            assert _get(proxy.port, "/_stcore/health", good)[:1] == (200,)
            assert _get(proxy.port, "/_stcore/stream", good, upgrade)[0] == 101  # the WebSocket the app talks over
        finally:
            proxy.close()
