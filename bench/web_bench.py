"""Web app benchmark: applying a code over HTTP, loading the coding view, rendering it in chromium.

    python bench/web_bench.py                                # 1,000 interviews, 100,000 codings
    python bench/web_bench.py --interviews 50 --codings 2000 --requests 200 --views 200

Builds a synthetic study (transcripts of about 5,000 words from bench/generate.py, reused from
bench/out/ when present), stores background codings in bulk, adds one interview of 50,000 words
with 1,000 codings by two coders, then serves it with `research serve` in a separate process
and measures from a keep-alive client on the loopback address:

1. POST /api/codings, distinct valid spans over different interviews: p50 / p95 / p99 / max.
2. GET /interviews/{id}/code (the coding view) across interviews: p50 / p95.
3. The coding view of the long interview: server latency, and in chromium (Playwright) the
   time from navigation start until `#transcript[data-ready='yes']`, plus applying a code
   through the page (select, pick a code, Enter) until the status line says "Coded".

Targets (this kind of machine, SQLite): applying a code p95 under 15 ms; the long coding view
ready in the browser in under 1 s. Figures are printed and written to bench/out/web_bench.txt.
"""

from __future__ import annotations

import argparse
import csv
import math
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate, transcript  # noqa: E402
from run import CODES, synthetic_codings  # noqa: E402

from research.services.codings import NewCoding  # noqa: E402
from research.storage.tables import InterviewRow  # noqa: E402
from research.study import create_study  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"
REPORT = OUT / "web_bench.txt"
CHROMIUM = Path("/usr/bin/chromium")
# As the browser tests run it (tests/research/web/conftest.py).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CODER = "bench"
LONG_ID = "L00001"
LONG_CODERS = ("lusine", "pavel")
WARM_UP = 20
READY = "#transcript[data-ready='yes']"
APPLY_TARGET_MS = 15.0
BROWSER_TARGET_MS = 1000.0

# Runs in the page before its own scripts: notes the moment coding.js marks the transcript
# ready (a mutation observer fires right after the script that set the attribute), and the
# second animation frame after it, by when the highlighted transcript has been painted once.
# Moments are flagged on <html> too: Playwright waits for selectors without evaluating
# strings, which the page's Content Security Policy (no 'unsafe-eval') would refuse.
PAGE_PROBE = """
(() => {
  const bench = window.__bench = {};
  const observer = new MutationObserver(() => {
    const element = document.getElementById("transcript");
    if (bench.ready === undefined && element && element.dataset.ready === "yes") {
      bench.ready = performance.now();
      observer.disconnect();
      const paint = () => {
        bench.painted = performance.now();
        document.documentElement.dataset.benchPainted = "yes";
      };
      requestAnimationFrame(() => requestAnimationFrame(paint));
    }
  });
  observer.observe(document, { subtree: true, attributes: true, attributeFilter: ["data-ready"] });
})();
"""

# Selects about 40 characters of one text node of the transcript (one holding an emoji when
# there is one, so UTF-16 offsets differ from code points) and releases the mouse there.
SELECT_SPAN = """
(fraction) => {
  const container = document.getElementById("transcript");
  const walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT);
  const nodes = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.data.trim().length > 60) nodes.push(node);
  }
  const astral = nodes.filter((node) => /[\\uD800-\\uDBFF]/.test(node.data));
  const pool = astral.length ? astral : nodes;
  const node = pool[Math.floor(fraction * pool.length)];
  const pair = node.data.search(/[\\uD800-\\uDBFF]/);
  const centre = pair >= 0 ? pair : Math.floor(node.data.length / 2);
  let start = Math.max(0, centre - 20);
  let end = Math.min(node.data.length, centre + 22);
  const low = (i) => i > 0 && i < node.data.length && /[\\uDC00-\\uDFFF]/.test(node.data[i]);
  if (low(start)) start -= 1;
  if (low(end)) end += 1;
  const range = document.createRange();
  range.setStart(node, start);
  range.setEnd(node, end);
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
  container.dispatchEvent(new MouseEvent("mouseup", { bubbles: true }));
  return range.toString();
}
"""

# Notes when Enter goes down (capture phase: before the picker's handler) and when the
# status line next says "Coded" (after the page has re-rendered its highlights).
WATCH_APPLY = """
() => {
  const bench = window.__bench;
  delete document.documentElement.dataset.benchCoded;
  bench.enter = undefined;
  bench.coded = undefined;
  document.addEventListener("keydown", (event) => {
    if (event.key === "Enter") bench.enter = performance.now();
  }, { capture: true, once: true });
  const status = document.getElementById("status");
  const observer = new MutationObserver(() => {
    if (status.textContent.startsWith("Coded")) {
      bench.coded = performance.now();
      document.documentElement.dataset.benchCoded = "yes";
      observer.disconnect();
    }
  });
  observer.observe(status, { childList: true, characterData: true, subtree: true });
}
"""


@dataclass
class Row:
    """One line of the results table; times in milliseconds."""

    label: str
    samples: list[float]
    target_ms: float | None = None
    target_of: str = "p95"
    note: str = ""

    def figure(self, name: str) -> float:
        """A percentile ('p50', 'p95', 'p99'), 'max' or 'median' of the samples."""
        ordered = sorted(self.samples)
        if name == "max":
            return ordered[-1]
        if name == "median":
            return statistics.median(ordered)
        # Nearest rank: the smallest sample with at least p% of the samples at or below it.
        rank = math.ceil(float(name[1:]) / 100 * len(ordered))
        return ordered[max(rank, 1) - 1]

    def verdict(self) -> str:
        """'ok' or 'MISSED' against the target, or '' when the row has none."""
        if self.target_ms is None:
            return ""
        met = self.figure(self.target_of) < self.target_ms
        return f"{self.target_of} < {self.target_ms:g} ms: {'ok' if met else 'MISSED'}"


@dataclass
class Results:
    """The table and the notes that go with it."""

    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def note(self, text: str) -> None:
        """Keep a note for the report and show it now."""
        self.notes.append(text)
        print(f"  {text}", flush=True)

    def table(self) -> str:
        """The rows as a fixed-width table, then the notes."""
        head = f"{'measurement':<52} {'n':>6} {'p50':>8} {'p95':>8} {'p99':>8} {'max':>8}  target"
        lines = [head, "-" * len(head)]
        for row in self.rows:
            cells = " ".join(f"{row.figure(name):8.1f}" for name in ("p50", "p95", "p99", "max"))
            lines.append(f"{row.label:<52} {len(row.samples):>6} {cells}  {row.verdict()}")
            if row.note:
                lines.append(f"    {row.note}")
        lines.append("")
        lines.extend(self.notes)
        return "\n".join(lines)


# ---- The study --------------------------------------------------------------------------


def timed(label: str, function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run a function once, print how long it took, return its result."""
    started = time.perf_counter()
    result = function(*args, **kwargs)
    print(f"{label:<60} {time.perf_counter() - started:8.2f} s", flush=True)
    return result


def long_transcript_files(words: int) -> tuple[Path, Path]:
    """One transcript of `words` words (generate's mix of scripts and emoji) and its sheet."""
    folder = OUT / f"long{words}"
    path = folder / f"{LONG_ID}.txt"
    sheet = folder / "sheet.csv"
    if not sheet.exists():
        folder.mkdir(parents=True, exist_ok=True)
        path.write_text(transcript(random.Random(50), words), encoding="utf-8")
        with sheet.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(
                ["file", "respondent_id", "gender", "birth_year", "role", "interview_date"]
                + ["place", "interviewer", "language", "consent", "consent_scope"]
            )
            writer.writerow(
                [path.name, "LONG1", "female", 1960, "migrant", "2004-06-15"]
                + ["martuni", "Interviewer A", "hy;ru", "yes", "interview"]
            )
    return path, sheet


def long_codings(text: str, total: int, seed: int = 5) -> list[NewCoding]:
    """`total` codings by two coders; every fifth repeats the other coder's span, many overlap."""
    rng = random.Random(seed)
    found: list[NewCoding] = []
    seen: set[tuple[str, int, int, str]] = set()
    while len(found) < total:
        coder = LONG_CODERS[len(found) % 2]
        if len(found) % 5 == 4:
            previous = found[-1]
            start, end = previous.start_offset, previous.end_offset
        else:
            start = rng.randrange(0, len(text) - 500)
            end = start + rng.randint(20, 400)
        code = rng.choice(CODES)
        key = (code, start, end, coder)
        if key in seen or text[start:end].isspace():
            continue
        seen.add(key)
        found.append(NewCoding(LONG_ID, code, start, end, coder))
    return found


def build_study(arguments: argparse.Namespace) -> tuple[Path, dict[str, str]]:
    """A fresh study: N synthetic interviews with bulk codings, plus the long interview.

    Returns the study folder and every interview's transcript (the long one excluded).
    """
    size = arguments.interviews
    folder = OUT / f"s{size}"
    sheet = folder / "sheet.csv"
    if not sheet.exists():
        timed(
            f"generate {size} transcripts of {arguments.words} words",
            generate,
            folder,
            size,
            words=arguments.words,
        )
    study_folder = OUT / f"web{size}" / "study"
    shutil.rmtree(study_folder, ignore_errors=True)
    with create_study(
        study_folder, name=f"web bench {size}", template="karabakh", fictional=True
    ) as study:
        files = sorted((folder / "transcripts").glob("*.txt"))
        timed(
            f"import {len(files)} transcripts",
            study.interviews.import_transcripts,
            files,
            metadata=sheet,
        )
        if arguments.codings:
            batches = synthetic_codings(study, arguments.codings)
            timed(
                f"insert {arguments.codings:,} background codings",
                lambda: [study.codings.add_codings(batch) for batch in batches],
            )
        with study.transaction() as session:
            rows = session.query(InterviewRow.interview_id, InterviewRow.transcript)
            texts = {interview_id: text for interview_id, text in rows if text is not None}
        long_path, long_sheet = long_transcript_files(arguments.long_words)
        timed(
            f"import one transcript of {arguments.long_words:,} words",
            study.interviews.import_transcripts,
            [long_path],
            metadata=long_sheet,
        )
        with study.transaction() as session:
            long_row = session.get(InterviewRow, LONG_ID)
            assert long_row is not None and long_row.transcript is not None
            long_text = long_row.transcript
        timed(
            f"insert {arguments.long_codings:,} codings of {LONG_ID} by two coders",
            study.codings.add_codings,
            long_codings(long_text, arguments.long_codings),
        )
    return study_folder, texts


def apply_spans(texts: dict[str, str], count: int, seed: int = 23) -> list[dict[str, Any]]:
    """`count` request bodies for POST /api/codings: distinct valid spans, interviews rotating."""
    rng = random.Random(seed)
    ids = sorted(texts)
    rng.shuffle(ids)
    bodies: list[dict[str, Any]] = []
    seen: set[tuple[str, str, int, int]] = set()
    while len(bodies) < count:
        interview_id = ids[len(bodies) % len(ids)]
        text = texts[interview_id]
        start = rng.randrange(0, len(text) - 400)
        end = start + rng.randint(20, 300)
        code = CODES[len(bodies) % len(CODES)]
        key = (interview_id, code, start, end)
        if key in seen or text[start:end].isspace():
            continue
        seen.add(key)
        bodies.append(
            {
                "interview_id": interview_id,
                "code": code,
                "start": start,
                "end": end,
                "unit": "code_point",
                "quote": text[start:end],
            }
        )
    return bodies


# ---- The server -------------------------------------------------------------------------


def free_port() -> int:
    """A TCP port nobody listens on, on the loopback address."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time a process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    # After the command name: state is field 3, utime 14 and stime 15 (1-based, man proc).
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def serving(study_folder: Path) -> Iterator[tuple[str, int]]:
    """`research serve` on a free loopback port in its own process; yields (url, pid)."""
    port = free_port()
    executable = Path(sys.executable).with_name("research")
    command = [str(executable), "serve", "--study", str(study_folder), "--port", str(port)]
    log = (OUT / "web_bench_server.log").open("w")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the server exited with {process.returncode}; see {log.name}")
            try:
                httpx.get(f"{url}/api/session", timeout=2).raise_for_status()
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise RuntimeError("the server did not answer within 60 s") from None
                time.sleep(0.1)
        yield url, process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@contextmanager
def session_client(url: str) -> Iterator[httpx.Client]:
    """A keep-alive client with the CSRF token in its header and the bench coder chosen."""
    with httpx.Client(base_url=url, timeout=30) as client:
        token = client.get("/api/session").json()["csrf_token"]
        client.headers["X-CSRF-Token"] = token
        client.post("/api/session/coder", json={"name": CODER}).raise_for_status()
        yield client


def measure(
    results: Results,
    label: str,
    send: Callable[[Any], httpx.Response],
    items: Sequence[Any],
    *,
    expected: int,
    server_pid: int,
    target_ms: float | None = None,
) -> Row:
    """Time `send(item)` for each item in turn; the first WARM_UP items are not counted."""
    for item in items[:WARM_UP]:
        check(send(item), expected)
    timed_items = items[WARM_UP:]
    samples = []
    sizes = 0
    server_before, client_before = cpu_seconds(server_pid), time.process_time()
    started = time.perf_counter()
    for item in timed_items:
        begun = time.perf_counter()
        response = send(item)
        samples.append((time.perf_counter() - begun) * 1000)
        check(response, expected)
        sizes += len(response.content)
    wall = time.perf_counter() - started
    server_cpu = cpu_seconds(server_pid) - server_before
    client_cpu = time.process_time() - client_before
    row = Row(
        label,
        samples,
        target_ms=target_ms,
        note=f"{len(samples) / wall:,.0f} requests/s; server CPU "
        f"{server_cpu / len(samples) * 1000:.1f} ms a request ({server_cpu / wall:.0%} of one "
        f"core), client {client_cpu / wall:.0%}; response {sizes / len(samples) / 1e3:,.0f} kB; "
        f"load average {os.getloadavg()[0]:.1f}",
    )
    results.rows.append(row)
    print(f"{label}: p50 {row.figure('p50'):.1f} ms, p95 {row.figure('p95'):.1f} ms", flush=True)
    return row


def check(response: httpx.Response, expected: int) -> None:
    """Stop the benchmark on any unexpected answer: timing failures would flatter the server."""
    if response.status_code != expected:
        raise RuntimeError(
            f"{response.request.method} {response.request.url} answered "
            f"{response.status_code}, not {expected}: {response.text[:300]}"
        )


def bench_server(
    results: Results, url: str, pid: int, texts: dict[str, str], arguments: argparse.Namespace
) -> None:
    """Measurements 1, 2 and the server half of 3."""
    ids = sorted(texts)
    random.Random(31).shuffle(ids)
    with session_client(url) as client:
        bodies = apply_spans(texts, arguments.requests + WARM_UP)
        measure(
            results,
            f"apply a code: POST /api/codings ({len(ids)} interviews)",
            lambda body: client.post("/api/codings", json=body),
            bodies,
            expected=201,
            server_pid=pid,
            target_ms=APPLY_TARGET_MS,
        )
        views = [ids[number % len(ids)] for number in range(arguments.views + WARM_UP)]
        measure(
            results,
            "coding view: GET /interviews/{id}/code",
            lambda interview_id: client.get(f"/interviews/{interview_id}/code"),
            views,
            expected=200,
            server_pid=pid,
        )
        measure(
            results,
            f"coding view of {LONG_ID} ({arguments.long_words:,} words, "
            f"{arguments.long_codings:,} codings)",
            lambda _: client.get(f"/interviews/{LONG_ID}/code"),
            range(arguments.long_views + WARM_UP),
            expected=200,
            server_pid=pid,
        )


# ---- The browser ------------------------------------------------------------------------


def bench_browser(results: Results, url: str, arguments: argparse.Namespace) -> None:
    """The long coding view in chromium: time to ready, then applying codes through the page."""
    from playwright.sync_api import sync_playwright

    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(
            base_url=url, viewport={"width": 1400, "height": 900}, locale="en-GB"
        )
        context.add_cookies([{"name": "research_coder", "value": quote(CODER), "url": url}])
        context.add_init_script(PAGE_PROBE)
        context.set_default_timeout(30_000)
        page = context.new_page()
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.on(
            "console",
            lambda message: problems.append(message.text) if message.type == "error" else None,
        )
        loads = [load_long_view(page) for _ in range(arguments.loads + 1)]
        report_loads(results, loads)
        if arguments.ui_applies:
            apply_through_page(results, page, url, arguments.ui_applies)
        context.close()
        browser.close()
    if problems:
        results.note(f"the page reported errors: {problems[:5]}")


def load_long_view(page: Any) -> dict[str, float]:
    """Navigate to the long coding view; in-page and wall-clock milliseconds to ready."""
    started = time.perf_counter()
    page.goto(f"/interviews/{LONG_ID}/code", wait_until="commit")
    page.wait_for_selector(READY, state="attached")
    wall = (time.perf_counter() - started) * 1000
    page.wait_for_selector("html[data-bench-painted='yes']", state="attached")
    timings: dict[str, float] = page.evaluate(
        """() => {
          const navigation = performance.getEntriesByType("navigation")[0];
          return {
            first_byte: navigation.responseStart,
            last_byte: navigation.responseEnd,
            ready: window.__bench.ready,
            painted: window.__bench.painted,
            highlights: document.querySelectorAll("#transcript .seg").length,
          };
        }"""
    )
    return {**timings, "wall": wall}


def report_loads(results: Results, loads: list[dict[str, float]]) -> None:
    """Rows for the browser loads; the first (cold cache) load is left out of the samples."""
    first, warm = loads[0], loads[1:]
    results.rows.append(
        Row(
            f"chromium: {LONG_ID} view, navigation start to data-ready",
            [load["ready"] for load in warm],
            target_ms=BROWSER_TARGET_MS,
            target_of="p50",
            note=f"first (cold) load {first['ready']:.0f} ms; "
            f"{int(first['highlights']):,} highlighted pieces",
        )
    )
    results.rows.append(
        Row(
            "chromium: same, wall clock around goto + wait",
            [load["wall"] for load in warm],
            target_ms=BROWSER_TARGET_MS,
            target_of="p50",
        )
    )
    results.rows.append(
        Row("chromium: same, first byte of the page", [load["first_byte"] for load in warm])
    )
    results.rows.append(
        Row("chromium: same, last byte of the page", [load["last_byte"] for load in warm])
    )
    results.rows.append(
        Row(
            "chromium: same, painted (2nd frame after ready)",
            [load["painted"] for load in warm],
        )
    )


def apply_through_page(results: Results, page: Any, url: str, rounds: int) -> None:
    """Select text, mouse up, type a code, Enter; until the status line says it is coded."""
    in_page, wall = [], []
    for number in range(rounds):
        selected = page.evaluate(SELECT_SPAN, (number + 0.5) / rounds)
        page.locator("#code-search").press_sequentially("unemployment")
        page.evaluate(WATCH_APPLY)
        started = time.perf_counter()
        page.press("#code-search", "Enter")
        page.wait_for_selector("html[data-bench-coded='yes']", state="attached")
        wall.append((time.perf_counter() - started) * 1000)
        in_page.append(page.evaluate("window.__bench.coded - window.__bench.enter"))
        if not selected.strip():
            raise RuntimeError("the page selection was empty")
    stored = httpx.get(
        f"{url}/api/interviews/{LONG_ID}/codings", params={"coder": CODER}, timeout=30
    ).json()
    if len(stored) != rounds:
        raise RuntimeError(f"{rounds} codes applied in the page but {len(stored)} stored")
    results.rows.append(
        Row(
            "chromium: apply a code in the page, Enter to 'Coded'",
            in_page,
            note="in-page: keydown Enter to the status line, after POST and re-render",
        )
    )
    results.rows.append(Row("chromium: same, wall clock around press + wait", wall))


# ---- Entry ------------------------------------------------------------------------------


def main() -> None:
    """Command-line entry."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--interviews", type=int, default=1000)
    parser.add_argument("--words", type=int, default=5000)
    parser.add_argument("--codings", type=int, default=100_000, help="background codings")
    parser.add_argument("--requests", type=int, default=3000, help="POST /api/codings timed")
    parser.add_argument("--views", type=int, default=2000, help="coding views timed")
    parser.add_argument("--long-words", type=int, default=50_000)
    parser.add_argument("--long-codings", type=int, default=1000)
    parser.add_argument("--long-views", type=int, default=200)
    parser.add_argument("--loads", type=int, default=10, help="browser loads of the long view")
    parser.add_argument("--ui-applies", type=int, default=5, help="codes applied in the page")
    parser.add_argument("--browser", action=argparse.BooleanOptionalAction, default=True)
    arguments = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    study_folder, texts = build_study(arguments)
    results = Results()
    results.note(
        f"study: {arguments.interviews:,} interviews of about {arguments.words:,} words, "
        f"{arguments.codings:,} background codings; {LONG_ID}: {arguments.long_words:,} words, "
        f"{arguments.long_codings:,} codings by {' and '.join(LONG_CODERS)}"
    )
    results.note(f"machine: {os.cpu_count()} cores; server: `research serve`, its own process")
    with serving(study_folder) as (url, pid):
        bench_server(results, url, pid, texts, arguments)
        if arguments.browser and CHROMIUM.exists():
            bench_browser(results, url, arguments)
        elif arguments.browser:
            results.note(f"{CHROMIUM} is not installed: browser figures skipped")
    table = results.table()
    print()
    print(table)
    REPORT.write_text(table + "\n", encoding="utf-8")
    print(f"\nwritten to {REPORT}")


if __name__ == "__main__":
    main()
