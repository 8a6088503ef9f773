#!/usr/bin/env python3
"""Trunk's post_build hook (Trunk.toml) for the app's build, in the staging directory Trunk names:

0. writes each language's catalogue but English's beside the page (`zh-CN.ftl`): the bundle carries English only
   and fetches another language when a reader picks it;
1. writes sw.js, the service worker, from static/sw.js with the build's file list and a version (a hash of the
   files), so a first visit caches everything the page needs and it reloads and runs offline;
2. writes explorer.html: the whole app in one self-contained file (styles, script and wasm inline, the wasm as
   base64) that opens from file:// — to email, or to hand out on a USB stick. Module scripts cannot be imported
   from file://, so the wasm-bindgen glue is inlined into the page's module script (its one `export` line
   removed) and initialised from the decoded bytes; the service worker and the manifest, which need http(s), are
   left out of it.
Standard library only."""
import base64
import hashlib
import json
import os
import re
import sys


def main():
    if os.environ.get("CHECKOUT_BENCH_PAGE_INNER"):
        return 0  # the benchmark pages' own build (scripts/bench-page.sh) reads Trunk.toml too
    staging = os.environ.get("TRUNK_STAGING_DIR") or (sys.argv[1] if len(sys.argv) > 1 else None)
    if not staging:
        sys.exit("post-build.py: run by trunk as a post_build hook (or give the staging directory)")
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    catalogues = write_catalogues(root, staging)
    files = sorted(n for n in os.listdir(staging)
                   if os.path.isfile(os.path.join(staging, n)) and n not in ("sw.js", "explorer.html"))
    digest = hashlib.sha256()
    for n in files:
        with open(os.path.join(staging, n), "rb") as f:
            digest.update(n.encode() + b"\0" + f.read())
    urls = ["./" if n == "index.html" else "./" + n for n in files]
    with open(os.path.join(root, "static", "sw.js"), encoding="utf-8") as f:
        sw = f.read()
    sw = sw.replace("'__VERSION__'", json.dumps(digest.hexdigest()[:16])).replace("__FILES__", json.dumps(urls))
    with open(os.path.join(staging, "sw.js"), "w", encoding="utf-8") as f:
        f.write(sw)

    with open(os.path.join(staging, "index.html"), encoding="utf-8") as f:
        page = f.read()
    single = single_file(staging, page, catalogues)
    with open(os.path.join(staging, "explorer.html"), "w", encoding="utf-8") as f:
        f.write(single)
    print(f"[post-build] sw.js caches {len(urls)} files; explorer.html is {len(single) // 1024} KB")
    return 0


def write_catalogues(root, staging):
    """The page carries English only; each other language's catalogue (its Fluent files one after another) is a
    file beside it, `<tag>.ftl`, fetched when a reader picks that language. Returns {tag: text}."""
    i18n = os.path.join(root, "crates", "protosim", "src", "i18n")
    out = {}
    for tag in sorted(os.listdir(i18n)):
        folder = os.path.join(i18n, tag)
        if tag == "en" or not os.path.isdir(folder):
            continue
        parts = []
        for name in ("narration.ftl", "protocols.ftl", "ui.ftl", "tours.ftl"):
            with open(os.path.join(folder, name), encoding="utf-8") as f:
                parts.append(f.read())
        out[tag] = "\n".join(parts)
        with open(os.path.join(staging, f"{tag}.ftl"), "w", encoding="utf-8") as f:
            f.write(out[tag])
    return out


def single_file(staging, page, catalogues):
    def read(name, mode="r"):
        with open(os.path.join(staging, name.lstrip("./")), mode, **({} if "b" in mode else {"encoding": "utf-8"})) as f:
            return f.read()

    css = re.search(r'<link rel="stylesheet" href="([^"]+)"[^>]*/?>', page)
    js = re.search(r"import init, \* as bindings from '([^']+)';", page)
    wasm = re.search(r"module_or_path: '([^']+)'", page)
    if not (css and js and wasm):
        sys.exit("post-build.py: index.html is not shaped as expected (a stylesheet link and Trunk's module script)")
    page = page.replace(css.group(0), "<style>\n" + read(css.group(1)) + "\n</style>")
    glue = read(js.group(1))
    glue, n = re.subn(r"^export \{[^}]*\};?\s*$", "", glue, flags=re.M)
    if n != 1 or re.search(r"^export ", glue, flags=re.M):
        sys.exit("post-build.py: the wasm-bindgen glue's exports are not shaped as expected")
    wasm_b64 = base64.b64encode(read(wasm.group(1), "rb")).decode()
    script = ("<script type=\"module\">\n" + glue + "\n"
              "const bytes = Uint8Array.from(atob(document.getElementById('wasm-base64').textContent.trim()),"
              " (c) => c.charCodeAt(0));\n"
              "await __wbg_init({ module_or_path: bytes });\n"
              "</script>")
    start = page.index('<script type="module">')
    end = page.index("</script>", start) + len("</script>")
    page = page[:start] + script + page[end:]
    # Preloads, the manifest and the service worker's registration need files beside the page.
    page = re.sub(r'<link rel="(modulepreload|preload|manifest|icon)"[^>]*>', "", page)
    page = re.sub(r"<script data-sw>.*?</script>", "", page, flags=re.S)
    # The other languages' catalogues too, where the page looks for them before fetching (`lang::ensure`).
    if any("</script" in text.lower() for text in catalogues.values()):
        sys.exit("post-build.py: a catalogue contains </script and cannot be inlined")
    inline = "".join(f'<script type="text/plain" id="catalogue-{tag}">\n{text}\n</script>\n'
                     for tag, text in catalogues.items())
    page = page.replace("</body>", '<script type="application/octet-stream" id="wasm-base64">\n'
                        + wasm_b64 + "\n</script>\n" + inline + "</body>")
    return page


if __name__ == "__main__":
    sys.exit(main())
