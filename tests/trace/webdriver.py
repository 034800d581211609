"""A minimal W3C WebDriver client (urllib only) for Debian's chromium +
chromedriver: enough to open a page, click an element and run a script.

    with Browser() as b:
        b.open("file:///tmp/page.html")
        b.click('.src[data-key="f0:4"]')
        b.script("return document.title")
"""
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

CHROMIUM = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
CHROMEDRIVER = ("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver")
ELEMENT = "element-6066-11e4-a52e-4f735466cecf"


def find(paths, name):
    for p in paths:
        if os.path.exists(p):
            return p
    return shutil.which(name)


def missing_reason():
    """Why the browser test cannot run here, or None."""
    if not find(CHROMIUM, "chromium"):
        return "chromium is not installed (apt-get install -y chromium chromium-driver)"
    if not find(CHROMEDRIVER, "chromedriver"):
        return "chromedriver is not installed (apt-get install -y chromium-driver)"
    return None


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Browser:
    def __init__(self, timeout=60):
        self.timeout = timeout
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc = None
        self.session = None
        self.profile = None

    # -- protocol -------------------------------------------------------
    def _req(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as r:
                return json.loads(r.read().decode() or "{}").get("value")
        except urllib.error.HTTPError as e:
            raise RuntimeError(f"webdriver {method} {path}: {e.code} {e.read()[:500]!r}") from e

    def _cmd(self, method, path, body=None):
        return self._req(method, f"/session/{self.session}{path}", body)

    # -- life cycle -----------------------------------------------------
    def __enter__(self):
        driver = find(CHROMEDRIVER, "chromedriver")
        self.proc = subprocess.Popen([driver, f"--port={self.port}"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                if self._req("GET", "/status").get("ready"):
                    break
            except (OSError, RuntimeError):
                pass
            if time.monotonic() > deadline or self.proc.poll() is not None:
                self.close()
                raise RuntimeError("chromedriver did not start")
            time.sleep(0.1)
        self.profile = tempfile.mkdtemp(prefix="bcad-chromium-")
        caps = {"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": find(CHROMIUM, "chromium"),
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu",
                         "--disable-dev-shm-usage", "--allow-file-access-from-files",
                         f"--user-data-dir={self.profile}", "--window-size=1400,900"]}}}}
        try:
            self.session = self._req("POST", "/session", caps)["sessionId"]
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def close(self):
        if self.session is not None:
            try:
                self._req("DELETE", f"/session/{self.session}")
            except (OSError, RuntimeError):
                pass
            self.session = None
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.proc = None
        if self.profile is not None:
            shutil.rmtree(self.profile, ignore_errors=True)
            self.profile = None

    # -- commands -------------------------------------------------------
    def open(self, url):
        self._cmd("POST", "/url", {"url": url})

    def find(self, css):
        found = self._cmd("POST", "/element", {"using": "css selector", "value": css})
        return found[ELEMENT]

    def click(self, css):
        self._cmd("POST", f"/element/{self.find(css)}/click", {})

    def script(self, source, *args):
        return self._cmd("POST", "/execute/sync", {"script": source, "args": list(args)})

    def screenshot(self, path):
        import base64
        data = self._cmd("GET", "/screenshot")
        with open(path, "wb") as fh:
            fh.write(base64.b64decode(data))
