#!/usr/bin/env python3
"""Smoke test of the built bundle in headless Chromium, over plain WebDriver (standard library only).

Serves dist/ on 127.0.0.1, opens it as a user would, and checks that the app mounted, the simulated clock
advances, a broken share link shows an error instead of a blank page, and (with --bench) prints the browser
benchmark's figures. Ends with a 'N passed, N failed' line; exit code 1 if anything failed.
"""
import argparse
import functools
import http.server
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

CHROME_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--window-size=1280,800",
    # The network is off: every host name fails to resolve, except the local server that serves dist/.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]

# URLs that may appear in dist/ because they are names, not requests: XML namespaces, and the MDN link in a comment
# wasm-bindgen writes into its JS glue.
NOT_REQUESTS = ("http://www.w3.org/", "https://developer.mozilla.org/")


def external_urls(dist):
    """Every http(s) URL in the built files that could be a request to another host."""
    found = []
    paths = sorted(os.path.join(d, n) for d, _, names in os.walk(dist) for n in names)
    for path in paths:
        name = os.path.relpath(path, dist)
        with open(path, "rb") as f:
            data = f.read()
        for m in re.finditer(rb"https?://[A-Za-z0-9.-]+[^\s\"')<>]*", data):
            url = m.group(0).decode("latin-1")
            if not url.startswith(NOT_REQUESTS):
                found.append(f"{name}: {url}")
    return found


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def end_headers(self):
        self.send_header("Cache-Control", "no-store")
        super().end_headers()


Quiet.extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".wasm": "application/wasm"}


class WebDriver:
    def __init__(self, chromedriver, chromium):
        self.port = free_port()
        self.proc = subprocess.Popen([chromedriver, f"--port={self.port}"], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.time() + 20
        while True:
            try:
                self.call("GET", "/status")
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.1)
        profile = tempfile.mkdtemp(prefix="smoke-chrome-")
        caps = {"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:loggingPrefs": {"browser": "ALL"},
                                                 "goog:chromeOptions": {
            "binary": chromium, "args": CHROME_ARGS + [f"--user-data-dir={profile}"]}}}}
        self.session = self.call("POST", "/session", caps)["sessionId"]

    def call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=180) as r:
            return json.loads(r.read() or b"{}").get("value")

    def go(self, url):
        self.call("POST", f"/session/{self.session}/url", {"url": url})

    def js(self, script):
        return self.call("POST", f"/session/{self.session}/execute/sync", {"script": script, "args": []})

    def cdp(self, cmd, params):
        """A Chrome DevTools Protocol command (chromedriver's extension)."""
        return self.call("POST", f"/session/{self.session}/goog/cdp/execute", {"cmd": cmd, "params": params})

    def js_async(self, script):
        return self.call("POST", f"/session/{self.session}/execute/async", {"script": script, "args": []})

    def wait_for(self, script, timeout_s):
        deadline = time.time() + timeout_s
        while time.time() < deadline:
            v = self.js(script)
            if v:
                return v
            time.sleep(0.1)
        return None

    def screenshot(self, path, width, height):
        import base64
        self.call("POST", f"/session/{self.session}/window/rect", {"width": width, "height": height})
        time.sleep(0.4)
        png = self.call("GET", f"/session/{self.session}/screenshot")
        with open(path, "wb") as f:
            f.write(base64.b64decode(png))

    def close(self):
        try:
            self.call("DELETE", f"/session/{self.session}")
        finally:
            self.proc.terminate()
            self.proc.wait(timeout=10)


AXE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".tools", "node_modules", "axe-core", "axe.min.js")

# Every screen of the app, reached by clicks from the default page: (name, script that gets there).
SCREENS = [
    ("explorer", ""),
    ("inspector", "document.querySelector('svg.cluster [data-node]').dispatchEvent(new MouseEvent('click', {bubbles: true}));"),
    ("help sheet", "document.querySelector('button[aria-label=\"Keyboard shortcuts\"]').click();"),
    ("partition panel", "document.querySelector('[data-testid=partition]').click();"),
    ("import box", "document.querySelector('[data-testid=import]').click();"),
    ("projector text", "document.querySelector('[data-testid=presenter]').click();"),
    ("compare", "document.querySelector('[data-testid=tab-compare]').click();"),
    ("bug hunt", "document.querySelector('[data-testid=tab-hunt]').click();"),
    ("tours", "document.querySelector('[data-testid=tab-tours]').click();"),
    ("tour step", "document.querySelector('[data-tour]').click();"),
    ("pessimistic with lock panel", "var s = document.querySelector('[data-testid=protocol]'); s.value = 'pessimistic';"
                                    "s.dispatchEvent(new Event('change', {bubbles: true}));"),
    ("the zh-CN page", "var s = document.querySelector('[data-testid=language]'); s.value = 'zh-CN';"
                       "s.dispatchEvent(new Event('change', {bubbles: true}));"),
    ("the zh-CN inspector", "document.querySelector('svg.cluster [data-node]')"
                            ".dispatchEvent(new MouseEvent('click', {bubbles: true}));"),
    ("the zh-CN help sheet", "document.dispatchEvent(new KeyboardEvent('keydown', {key: '?', bubbles: true}));"),
]


def viewport(wd, width, height, mobile=False):
    """Sets the page's viewport to exactly width × height CSS pixels (the window's own frame does not count)."""
    wd.call("POST", f"/session/{wd.session}/goog/cdp/execute", {
        "cmd": "Emulation.setDeviceMetricsOverride",
        "params": {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile}})
    time.sleep(0.3)


# The cluster picture's box in the viewport, its smallest text as drawn (CSS px), and whether the page scrolls
# sideways.
PICTURE = r"""
var svg = document.querySelector('svg.cluster'); var r = svg.getBoundingClientRect();
var scale = r.width / svg.viewBox.baseVal.width, min = 1e9, minText = '';
svg.querySelectorAll('text').forEach(function (t) {
  if (!t.getClientRects().length || getComputedStyle(t).display === 'none' || !t.textContent.trim()) return;
  var px = parseFloat(getComputedStyle(t).fontSize) * scale;
  if (px < min) { min = px; minText = t.textContent; } });
return {top: r.top, bottom: r.bottom, left: r.left, right: r.right, h: innerHeight, w: innerWidth,
        minPx: min, minText: minText, sideways: document.documentElement.scrollWidth > innerWidth + 1};
"""


def layout_checks(wd, url, check, clock):
    """Where things are at the widths a class uses: a laptop, a 1024×768 projector, a phone; projector text."""
    wd.go("about:blank")
    viewport(wd, 1280, 800)
    wd.go(url)
    wd.wait_for(clock, 30)
    # The first second shows something happen, and the hint is in view.
    time.sleep(1.0)
    lines = wd.js("return document.querySelectorAll('[data-testid=events] li').length;")
    hint = wd.js("var h = document.querySelector('.hint').getBoundingClientRect(); return h.bottom <= innerHeight;")
    check("the first second shows something happen, with the hint in view", bool(lines) and bool(hint),
          f"({lines} log lines after 1 s)")
    wd.js("document.querySelector('[data-testid=play]').click();")  # pause
    for (w, h, mobile) in ((1024, 768, False), (390, 844, True)):
        viewport(wd, w, h, mobile)
        wd.js("window.scrollTo(0, 0);")
        pic = wd.js(PICTURE)
        if mobile:
            check("phone: the whole picture is on the first screen and fits the width",
                  pic["bottom"] <= pic["h"] and pic["left"] >= 0 and pic["right"] <= pic["w"] and not pic["sideways"],
                  f"(picture {pic['top']:.0f}–{pic['bottom']:.0f} px of {pic['h']}, "
                  f"{pic['left']:.0f}–{pic['right']:.0f} of {pic['w']}, sideways scroll: {pic['sideways']})")
        wd.js("document.querySelector('svg.cluster [data-node]').dispatchEvent(new MouseEvent('click', {bubbles: true}));")
        time.sleep(0.4)
        r = wd.js("var i = document.querySelector('[data-testid=inspector]'); if (!i) return null;"
                  "var b = i.getBoundingClientRect(); return [b.top, b.bottom, innerHeight];")
        check(f"{w}×{h}: the inspector opens within the viewport", bool(r) and r[0] >= 0 and r[1] <= r[2] + 1,
              f"({r and f'{r[0]:.0f}–{r[1]:.0f} px of {r[2]}'})")
        wd.js("document.dispatchEvent(new KeyboardEvent('keydown', {key: 'Escape', bubbles: true}));")
    # Projector text: every text in the picture at least 18 px at 1280×800, the whole cluster above the fold.
    viewport(wd, 1280, 800)
    wd.js("window.scrollTo(0, 0); document.querySelector('[data-testid=presenter]').click();")
    time.sleep(0.4)
    for (w, h) in ((1280, 800), (1024, 768)):
        viewport(wd, w, h)
        pic = wd.js(PICTURE)
        big = pic["minPx"] >= 18 or (w, h) != (1280, 800)
        check(f"projector text at {w}×{h}: the whole cluster above the fold"
              + (", every text in it at least 18 px" if (w, h) == (1280, 800) else ""),
              pic["bottom"] <= pic["h"] and big,
              f"(picture ends at {pic['bottom']:.0f} px of {pic['h']}; smallest text {pic['minPx']:.1f} px: "
              f"{pic['minText'][:30]!r})")
    wd.js("document.querySelector('[data-testid=presenter]').click();")
    viewport(wd, 1280, 800)


def keyboard_walk(wd, url, check, clock):
    """Tab through every control with real key presses: each shows its focus; Space on a focused button acts once
    and never scrolls; the console stays free of errors."""
    wd.go("about:blank")
    wd.go(url)
    wd.wait_for(clock, 30)
    wd.js("document.querySelector('[data-testid=play]').click();")  # pause: a still page
    seen, unseen = [], []
    for _ in range(60):
        wd.call("POST", f"/session/{wd.session}/actions", {"actions": [{"type": "key", "id": "kb", "actions": [
            {"type": "keyDown", "value": "\ue004"}, {"type": "keyUp", "value": "\ue004"}]}]})
        el = wd.js("var e = document.activeElement; if (!e || e === document.body) return null;"
                   "var s = getComputedStyle(e); return [e.tagName + (e.dataset.testid ? '#' + e.dataset.testid : ''),"
                   " s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2 || s.boxShadow !== 'none'];")
        if not el:
            continue
        if el[0] in seen:
            continue
        seen.append(el[0])
        if not el[1]:
            unseen.append(el[0])
    check("keyboard walk: every control shows its focus", len(seen) >= 15 and not unseen,
          f"({len(seen)} controls; without a visible focus: {unseen[:6]})")
    wd.js("window.scrollTo(0, 0); document.querySelector('[data-testid=play]').focus();")
    before = wd.js("return [window.scrollY, document.querySelector('[data-testid=play]').getAttribute('aria-pressed')"
                   " || document.querySelector('[data-testid=play]').textContent];")
    wd.call("POST", f"/session/{wd.session}/actions", {"actions": [{"type": "key", "id": "kb", "actions": [
        {"type": "keyDown", "value": " "}, {"type": "keyUp", "value": " "}]}]})
    time.sleep(0.3)
    after = wd.js("return [window.scrollY, document.querySelector('[data-testid=play]').getAttribute('aria-pressed')"
                  " || document.querySelector('[data-testid=play]').textContent];")
    check("Space on the focused Play button toggles once and does not scroll", after[0] == before[0] == 0
          and after[1] != before[1], f"({before} → {after})")
    logs = wd.call("POST", f"/session/{wd.session}/se/log", {"type": "browser"}) or []
    errors = [l.get("message", "")[:160] for l in logs if l.get("level") == "SEVERE"]
    check("no console error during the keyboard walk", not errors, "; ".join(errors[:3]))


def audit(wd, check, screens=None):
    """axe-core over every screen: no serious or critical finding (WCAG 2 A and AA rules, and best practices)."""
    if not os.path.exists(AXE):
        check("accessibility audit", False, f"(axe-core missing at {AXE}: run scripts/setup.sh)")
        return
    with open(AXE, encoding="utf-8") as f:
        wd.js(f.read() + "; return true;")
    for name, script in screens or SCREENS:
        if script:
            wd.js(script)
        time.sleep(0.4)
        res = wd.js_async(
            "var done = arguments[arguments.length - 1];"
            "axe.run(document, {resultTypes: ['violations']}).then(function (r) {"
            "  done(r.violations.filter(function (v) { return v.impact === 'serious' || v.impact === 'critical'; })"
            "    .map(function (v) { return v.impact + ' ' + v.id + ' (' + v.nodes.length + '): '"
            "      + v.nodes.slice(0, 2).map(function (n) { return n.target.join(' '); }).join(' | '); }));"
            "}, function (e) { done(['axe failed: ' + e]); });")
        check(f"accessibility: {name}", res == [], "" if res == [] else "; ".join(res or ["no answer"]))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dist")
    ap.add_argument("--bench", action="store_true", help="also run the browser benchmark page and print it")
    ap.add_argument("--screenshots", metavar="DIR", help="save wide, narrow and projector screenshots here")
    ap.add_argument("--chromedriver", default="/usr/bin/chromedriver")
    ap.add_argument("--chromium", default="/usr/bin/chromium")
    a = ap.parse_args()

    port = free_port()
    handler = functools.partial(Quiet, directory=os.path.abspath(a.dist))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{port}/"
    passed, failed = 0, 0

    def check(name, ok, detail=""):
        nonlocal passed, failed
        if ok:
            passed += 1
            print(f"smoke: ok    {name} {detail}")
        else:
            failed += 1
            print(f"smoke: FAIL  {name} {detail}")

    wd = WebDriver(a.chromedriver, a.chromium)
    try:
        wd.go(url)
        clock = "var c = document.querySelector('[data-testid=clock]'); return c && c.getAttribute('data-us');"
        first = wd.wait_for(clock, 30)
        check("app mounted", first is not None, f"(clock at {first} µs)")
        nodes = wd.js("return document.querySelectorAll('svg.cluster [data-node]').length;")
        check("cluster drawn", nodes and nodes >= 2, f"({nodes} nodes)")
        time.sleep(1.5)
        second = wd.js(clock)
        check("simulated clock advances", first is not None and second is not None and int(second) > int(first),
              f"({first} → {second} µs)")
        check("no panic banner", not wd.js("return !!document.querySelector('[data-testid=panic]');"))
        # No outside requests: the built files name no other host, the page asked for nothing but its own files
        # (the network is off, see CHROME_ARGS), and it ran: the clock moved and the charts were drawn.
        ext = external_urls(a.dist)
        check("dist/ references no external URL", not ext, "; ".join(ext[:5]))
        # bench.html repeats index.html's head (Trunk builds one page per HTML file): its policy must be the app's.
        csp = [re.findall(r'Content-Security-Policy"\s+content="([^"]*)"', open(os.path.join(a.dist, *f)).read())
               for f in (("index.html",), ("bench", "index.html"))]
        check("the benchmark pages have the app's Content-Security-Policy", csp[0] and csp[0] == csp[1],
              f"({len(csp[0])} and {len(csp[1])} policies)")
        fetched = wd.js("return performance.getEntriesByType('resource').map(function (e) { return e.name; })"
                        ".concat([location.href]);") or []
        foreign = [u for u in fetched if not u.startswith(url.split("#")[0].rstrip("/"))]
        check("the page loads only its own files", fetched and not foreign,
              f"({len(fetched)} requests{', foreign: ' + ', '.join(foreign[:3]) if foreign else ''})")
        charts = wd.js("return document.querySelectorAll('[data-testid=charts] svg').length;")
        check("runs with the network off", charts and charts >= 4, f"({charts} charts drawn)")
        audit(wd, check)
        # The audit chose Chinese, which the page remembers: back to the browser's language (English) from here.
        wd.js("localStorage.removeItem('checkout-explorer-lang');")
        # The Chinese catalogue is not in the bundle: it comes (a file beside the page) when a reader picks it, from
        # a link and from the menu.
        wd.go("about:blank")
        wd.go(url + "#lang=zh-CN")
        wd.wait_for(clock, 30)
        title = wd.wait_for("var h = document.querySelector('.top h1'); return h && /[\u4e00-\u9fff]/.test("
                            "h.textContent) && h.textContent;", 10)
        wd.js("localStorage.removeItem('checkout-explorer-lang');")
        wd.go("about:blank")
        wd.go(url)
        wd.wait_for(clock, 30)
        wd.js("var s = document.querySelector('[data-testid=language]'); s.value = 'zh-CN';"
              "s.dispatchEvent(new Event('change', {bubbles: true}));")
        switched = wd.wait_for("return /[\u4e00-\u9fff]/.test(document.querySelector('.top h1').textContent);", 10)
        check("中文 loads on demand, from a link and from the menu", bool(title) and bool(switched),
              f"({title}; zh-CN.ftl {os.path.getsize(os.path.join(a.dist, 'zh-CN.ftl')) // 1024} KB)")
        wd.js("localStorage.removeItem('checkout-explorer-lang');")
        layout_checks(wd, url, check, clock)
        keyboard_walk(wd, url, check, clock)
        # The embedded view (an <iframe> in a slide deck), in English and in Chinese.
        wd.go("about:blank")
        wd.go(url + "#embed=1")
        embed = wd.wait_for(clock, 30) and wd.js(
            "return !!document.querySelector('[data-testid=embed]') && !document.querySelector('[data-testid=charts]')"
            " && !!document.querySelector('[data-testid=embed-out]');")
        check("the embedded view shows the picture, the player and the narration only", bool(embed))
        audit(wd, check, [("embed view", "")])
        wd.go("about:blank")
        wd.go(url + "#embed=1&lang=zh-CN")
        wd.wait_for(clock, 30)
        audit(wd, check, [("zh-CN embed view", "")])
        wd.js("localStorage.removeItem('checkout-explorer-lang');")
        # Hosted under a sub-folder (a course page at /ds/explorer/): relative asset URLs, so it mounts and plays.
        sub_root = tempfile.mkdtemp(prefix="smoke-sub-")
        os.makedirs(os.path.join(sub_root, "sub"))
        os.symlink(os.path.abspath(a.dist), os.path.join(sub_root, "sub", "folder"))
        sub_port = free_port()
        sub_server = http.server.ThreadingHTTPServer(
            ("127.0.0.1", sub_port), functools.partial(Quiet, directory=sub_root))
        threading.Thread(target=sub_server.serve_forever, daemon=True).start()
        wd.go("about:blank")
        wd.go(f"http://127.0.0.1:{sub_port}/sub/folder/")
        sub_first = wd.wait_for(clock, 30)
        time.sleep(1.0)
        sub_second = wd.js(clock)
        check("mounts and plays from a sub-folder (/sub/folder/)",
              sub_first is not None and sub_second is not None and int(sub_second) > int(sub_first),
              f"({sub_first} → {sub_second} µs)")
        sub_server.shutdown()
        # As one self-contained file opened from disk (dist/explorer.html: styles, script and wasm inline).
        single = os.path.abspath(os.path.join(a.dist, "explorer.html"))
        wd.go("about:blank")
        wd.go("file://" + single)
        file_first = wd.wait_for(clock, 30)
        time.sleep(1.0)
        file_second = wd.js(clock)
        wd.go("about:blank")
        wd.go("file://" + single + "#lang=zh-CN")
        file_zh = wd.wait_for("var h = document.querySelector('.top h1'); return h && /[\u4e00-\u9fff]/.test("
                              "h.textContent) && h.textContent;", 30)
        wd.js("localStorage.removeItem('checkout-explorer-lang');")
        check("the single file mounts and plays from file://, in 中文 too", bool(file_zh) and
              file_first is not None and file_second is not None and int(file_second) > int(file_first),
              f"({os.path.getsize(single) // 1024} KB; {file_first} → {file_second} µs)")
        hunt_in_workers(wd, url, "file://" + single, check, clock)
        # Offline: a first visit installs the service worker, which caches the build; then the server goes away
        # (the network is off) and a reload still mounts and plays.
        off_port = free_port()
        off_server = http.server.ThreadingHTTPServer(
            ("127.0.0.1", off_port), functools.partial(Quiet, directory=os.path.abspath(a.dist)))
        threading.Thread(target=off_server.serve_forever, daemon=True).start()
        off_url = f"http://127.0.0.1:{off_port}/"
        wd.go("about:blank")
        wd.go(off_url)
        wd.wait_for(clock, 30)
        controlled = wd.wait_for("return !!(navigator.serviceWorker && navigator.serviceWorker.controller);", 30)
        cached = wd.js_async("var done = arguments[arguments.length - 1];"
                             "caches.keys().then(function (ks) { return Promise.all(ks.map(function (k) {"
                             "  return caches.open(k).then(function (c) { return c.keys(); }); })); })"
                             ".then(function (ls) { done(ls.reduce(function (n, l) { return n + l.length; }, 0)); },"
                             " function (e) { done(-1); });")
        off_server.shutdown()
        off_server.server_close()
        wd.go("about:blank")
        try:
            wd.go(off_url)  # without a service worker, the browser reports the refused connection here
            off_first = wd.wait_for(clock, 30)
        except urllib.error.HTTPError as e:
            off_first = None
            print(f"smoke: (the offline reload failed: {e})")
        time.sleep(1.0)
        off_second = wd.js(clock)
        check("reloads and plays with the network off after a first visit (service worker)",
              bool(controlled) and off_first is not None and off_second is not None
              and int(off_second) > int(off_first),
              f"({cached} files cached; {off_first} → {off_second} µs)")
        manifest = json.load(open(os.path.join(a.dist, "manifest.webmanifest"), encoding="utf-8"))
        icons = [i for i in manifest.get("icons", []) if os.path.exists(os.path.join(a.dist, i["src"]))]
        check("installable: a manifest with its icons", manifest.get("start_url") == "./" and len(icons) >= 2,
              f"({len(icons)} icons)")
        # The audit left panels open and switched tabs: start again from a fresh page.
        wd.go("about:blank")
        wd.go(url)
        wd.wait_for(clock, 30)

        if a.screenshots:
            os.makedirs(a.screenshots, exist_ok=True)
            # Fast forward to a busy moment: 1x speed for a while, then pause.
            wd.js("var s = document.querySelector('input[aria-label=\"Playback speed\"]');"
                  "s.value = '0'; s.dispatchEvent(new Event('input', {bubbles: true}));")
            time.sleep(2.2)
            wd.js("var s = document.querySelector('input[aria-label=\"Playback speed\"]');"
                  "s.value = '-1.3'; s.dispatchEvent(new Event('input', {bubbles: true}));")
            time.sleep(0.3)
            wd.screenshot(os.path.join(a.screenshots, "wide.png"), 1440, 900)
            wd.screenshot(os.path.join(a.screenshots, "narrow.png"), 420, 900)
            wd.js("document.querySelector('.top button').click();")
            wd.screenshot(os.path.join(a.screenshots, "projector.png"), 1280, 800)
            wd.js("document.querySelector('.top button').click();")
            # Locking screens are shot at their lesson: the deadlock at about 2.1 s, the conflicts just after 3 s.
            seek = {"pessimistic": 2_000_000, "optimistic": 3_000_000}
            for proto in ("raft", "single", "paxos", "2pc", "pessimistic", "optimistic"):
                wd.js("var s = document.querySelector('[data-testid=protocol]'); s.value = '%s';"
                      "s.dispatchEvent(new Event('change', {bubbles: true}));" % proto)
                time.sleep(0.5)
                wd.js("var s = document.querySelector('input[aria-label=\"Playback speed\"]');"
                      "s.value = '0'; s.dispatchEvent(new Event('input', {bubbles: true}));")
                time.sleep(2.5)
                wd.js("var s = document.querySelector('input[aria-label=\"Playback speed\"]');"
                      "s.value = '-1.6'; s.dispatchEvent(new Event('input', {bubbles: true}));")
                time.sleep(0.3)
                if proto in seek:
                    # Pause, then step the scrubber until the lesson is on screen (a deadlock cycle, a conflict flash).
                    wd.js("document.querySelector('[data-testid=play]').click();")
                    want = {"pessimistic": "[data-deadlock=true]", "optimistic": ".node.flash"}[proto]
                    for t in range(seek[proto], seek[proto] + 1_500_000, 10_000):
                        found = wd.js("var s = document.querySelector('input[aria-label=\"Simulated time\"]');"
                                      "s.value = '%d'; s.dispatchEvent(new Event('input', {bubbles: true}));"
                                      "return !!document.querySelector('%s');" % (t, want))
                        if found:
                            break
                    time.sleep(0.3)
                wd.screenshot(os.path.join(a.screenshots, f"{proto}-1280x800.png"), 1280, 800)
                wd.screenshot(os.path.join(a.screenshots, f"{proto}-1920x1080.png"), 1920, 1080)
                if proto == "pessimistic":
                    wd.screenshot(os.path.join(a.screenshots, "narrow-pessimistic.png"), 420, 900)
                    wd.js("document.querySelector('.top button').click();")
                    wd.screenshot(os.path.join(a.screenshots, "projector-pessimistic.png"), 1280, 800)
                    wd.js("document.querySelector('.top button').click();")
            # The insight tools: charts, the comparison, the bug hunt's result and a tour step.
            wd.js("window.scrollTo(0, document.querySelector('[data-testid=charts]').offsetTop - 20);")
            wd.screenshot(os.path.join(a.screenshots, "charts-1440.png"), 1440, 900)
            wd.js("window.scrollTo(0, 0); document.querySelector('[data-testid=tab-compare]').click();")
            time.sleep(1)
            wd.screenshot(os.path.join(a.screenshots, "compare-1440.png"), 1440, 900)
            wd.screenshot(os.path.join(a.screenshots, "compare-narrow.png"), 420, 900)
            wd.js("document.querySelector('[data-testid=tab-hunt]').click();")
            time.sleep(0.3)
            wd.js("document.querySelector('[data-testid=hunt-start]').click();")
            wd.wait_for("return document.querySelector('[data-testid=notice]') !== null", 60)
            wd.screenshot(os.path.join(a.screenshots, "hunt-found-1440.png"), 1440, 900)
            wd.js("document.querySelector('[data-testid=tab-tours]').click();")
            time.sleep(0.3)
            wd.screenshot(os.path.join(a.screenshots, "tours-1440.png"), 1440, 900)
            wd.js("document.querySelector('[data-tour=\"2pc-blocking\"]').click();")
            time.sleep(0.5)
            for _ in range(5):
                wd.js("document.querySelector('[data-testid=tour-next]').click();")
                time.sleep(0.2)
            wd.screenshot(os.path.join(a.screenshots, "tour-2pc-1280.png"), 1280, 800)
            print(f"smoke: screenshots saved in {a.screenshots}")

        wd.go("about:blank")
        wd.go(url + "#s1.this-is-not-a-scenario")
        err = wd.wait_for("var e = document.querySelector('[data-testid=load-error]'); return e && e.textContent;", 30)
        check("broken link shows an error", bool(err), f"({(err or '')[:90]}…)")
        check("broken link still shows a run", bool(wd.js("return !!document.querySelector('svg.cluster');")))

        if a.bench:
            first_picture(wd, url)
            # Each on a fresh page, so the wasm memory a page reports is its own runs' (it never shrinks). The pages
            # are their own bundle in bench/; the app's `#bench` and `#bench-memory` forward there.
            for page, name in (("#bench", "browser benchmark"), ("#bench-memory", "memory benchmark")):
                wd.go("about:blank")
                wd.go(url + page)
                res = wd.wait_for("var e = document.getElementById('bench-result'); return e && e.textContent;", 170)
                where = wd.js("return location.pathname + location.hash;")
                check(f"{name} ran", bool(res) and where == "/bench/" + page, f"(at {where})")
                for line in (res or "").splitlines():
                    print(f"bench: {line}")
    finally:
        wd.close()
        server.shutdown()
    print(f"smoke: {passed} passed, {failed} failed")
    return 1 if failed else 0


def hunt_once(wd, page, variant, clock):
    """Runs the page's bug hunt for `variant` at `page`: [seed, shrunk scenario JSON, workers used, longest main-thread
    task during the hunt in ms], or None."""
    wd.go("about:blank")
    wd.go(page)
    wd.wait_for(clock, 30)
    wd.js("window.__lt = []; new PerformanceObserver(function (l) { l.getEntries().forEach(function (e) {"
          " window.__lt.push(e.duration); }); }).observe({type: 'longtask'});"
          "document.querySelector('[data-testid=tab-hunt]').click();")
    pick = ("var s = document.querySelector('[data-testid=hunt-variant]'); if (!s) return false;"
            "var o = [].find.call(s.options, function (o) { return o.textContent.indexOf(%s) >= 0; });"
            "if (!o.selected) { s.value = o.value; s.dispatchEvent(new Event('change', {bubbles: true})); }"
            "return o.selected && !!document.querySelector('[data-testid=hunt-start]');" % json.dumps(variant))
    if not wd.wait_for(pick, 10):
        return None
    wd.js("window.__lt = []; document.querySelector('[data-testid=hunt-start]').click();")
    # Found, the player opens the counterexample (its link) with a notice: "Seed N broke … searched in K Web Workers".
    found = wd.wait_for("var n = document.querySelector('[data-testid=notice]'); var l = document.querySelector("
                        "'[data-testid=copy-link]'); return n && l && [n.textContent, l.getAttribute('data-link'),"
                        " Math.max.apply(null, [0].concat(window.__lt))];", 180)
    if not found:
        return None
    notice, link, longest = found
    seed = re.search(r"Seed (\d+) broke", notice)
    workers = re.search(r"searched in (\d+) Web Worker", notice)
    here = "searched in this page" in notice
    return [seed and seed.group(1), link.split("#", 1)[-1], workers and workers.group(1) or ("0" if here else None),
            longest]


def hunt_in_workers(wd, url, single, check, clock):
    """The bug hunt searches in Web Workers (one per core) when served over http, and in the page from file://
    (the single file, where workers cannot load): both find the same seed and shrink it to the same scenario."""
    for variant in ("decide-before-log", "accept-below-promise", "no-fencing"):
        workers = hunt_once(wd, url, variant, clock)
        page = hunt_once(wd, single, variant, clock)
        same = bool(workers and page) and None not in workers[:3] + page[:3] and workers[:2] == page[:2]
        check(f"the bug hunt in workers finds the page's counterexample ({variant})",
              same and int(workers[2]) >= 1 and int(page[2]) == 0,
              f"(seed {workers and workers[0]} in {workers and workers[2]} workers, longest task "
              f"{workers and round(workers[3])} ms; seed {page and page[0]} in the page, longest task "
              f"{page and round(page[3])} ms)")
        if not same:
            print(f"smoke: workers: {workers}\nsmoke: page:    {page}")
    wd.js("localStorage.removeItem('checkout-explorer-lang');")


# Installed before any script of the page runs: when the first node box is in the document (ms after navigation)
# and every main-thread task over 50 ms (the browser's long-task observer).
TIMING_JS = """
window.__timing = {longtasks: []};
try {
  new PerformanceObserver(function (l) {
    l.getEntries().forEach(function (e) { window.__timing.longtasks.push([e.startTime, e.duration]); });
  }).observe({type: 'longtask', buffered: true});
} catch (e) {}
new MutationObserver(function (m, o) {
  if (document.querySelector('svg.cluster .node')) { window.__timing.firstNodeMs = performance.now(); o.disconnect(); }
}).observe(document, {childList: true, subtree: true});
"""


def first_picture(wd, url):
    """Prints, per protocol's default scenario and for a 600 s run, when the first node boxes appeared after
    navigation and the longest main-thread task while the run was prepared and played for 3 s (targets: 300 ms
    and 50 ms). Figures, not checks."""
    protosim = os.path.join(ROOT, "target", "fast", "protosim")
    if not os.path.exists(protosim):
        print("bench: first picture: target/fast/protosim is not built (cargo build --profile fast -p protosim)")
        return
    cases = [(p, ["--protocol", p]) for p in ("single", "raft", "paxos", "2pc", "pessimistic", "optimistic")]
    cases.append(("raft, 600 s", ["--protocol", "raft", "--until-ms", "600000"]))
    wd.cdp("Page.addScriptToEvaluateOnNewDocument", {"source": TIMING_JS})
    for name, args in cases:
        link = subprocess.run([protosim, "run", *args, "--print-link"], capture_output=True, text=True).stdout.strip()
        wd.go("about:blank")
        wd.go(url + link)
        first = wd.wait_for("return window.__timing && window.__timing.firstNodeMs;", 60)
        time.sleep(3)  # a benchmark's observation window, not a wait for a state
        tasks = wd.js("return window.__timing.longtasks;") or []
        longest = max((d for _, d in tasks), default=0)
        print(f"bench: first picture/{name:<13} first node boxes {first or float('nan'):6.0f} ms after navigation "
              f"(target 300); longest main-thread task {longest:5.0f} ms in the first {((first or 0) + 3000) / 1000:.1f} s, "
              f"{len(tasks)} over 50 ms (target: none)")


if __name__ == "__main__":
    sys.exit(main())
