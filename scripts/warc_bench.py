"""Benchmark: stream a large WARC through Parallax's reader and report what came out (run under /usr/bin/time).

    python scripts/warc_bench.py write /tmp/big.warc --size-mb 1024   # write a WARC of about that size
    /usr/bin/time -f "%M KB peak RSS, %e s" python scripts/warc_bench.py read /tmp/big.warc

``write`` records the example corpus's HTML pages (real article pages) with warcio's WARCWriter under many URLs,
as a crawler would: a request and a response record per page, every tenth response an image, every fiftieth a 404,
so the reader has records to skip. ``read`` runs ``parallax.sources.read_inputs`` over the file, keeps nothing but
counts, and prints them. Peak memory should not grow with the file's size (compare 100 MB and 1 GB).
"""

from __future__ import annotations

import argparse
import sys
import time
from io import BytesIO
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[1] / "examples" / "corpus"


def write(path: Path, size_mb: int) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    pages = [p.read_bytes() for p in sorted(CORPUS.glob("*.html"))]
    target = size_mb * 1024 * 1024
    n = 0
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=path.name.endswith(".gz"))
        while handle.tell() < target:
            url = f"https://news{n % 97}.example/{2025 - n % 5}/story-{n}.html"
            if n % 50 == 49:
                status, media, body = "404 Not Found", "text/html", b"<html><body>Not found</body></html>"
            elif n % 10 == 9:
                status, media, body = "200 OK", "image/jpeg", b"\xff\xd8\xff\xe0" + bytes(20_000)
            else:
                status, media = "200 OK", "text/html; charset=utf-8"
                body = pages[n % len(pages)].replace(b"</body>", f"<!-- copy {n} --></body>".encode())
            request = writer.create_warc_record(
                url, "request", payload=BytesIO(b""),
                http_headers=StatusAndHeaders(f"GET /story-{n}.html HTTP/1.1", [("Host", f"news{n % 97}.example")],
                                              is_http_request=True),
            )
            headers = StatusAndHeaders(status, [("Content-Type", media), ("Content-Length", str(len(body)))],
                                       protocol="HTTP/1.1")
            response = writer.create_warc_record(url, "response", payload=BytesIO(body), http_headers=headers)
            writer.write_record(request)
            writer.write_record(response)
            n += 1
    print(f"wrote {path}: {path.stat().st_size / 1e6:,.0f} MB, {n:,} captures")


def read(path: Path) -> None:
    from parallax.models import Rejection
    from parallax.sources.common import IngestCounts
    from parallax.sources.files import read_inputs

    started = time.perf_counter()
    counts = IngestCounts()
    html_bytes = 0
    for item in read_inputs([path], counts=counts):
        if not isinstance(item, Rejection):
            html_bytes += len(item.data)
    elapsed = time.perf_counter() - started
    print(
        f"{path.name}: {path.stat().st_size / 1e6:,.0f} MB in {elapsed:.1f} s; {counts.accepted:,} pages "
        f"({html_bytes / 1e6:,.0f} MB of HTML), {counts.rejected} rejected, {counts.duplicate} duplicate, "
        f"skipped {dict(counts.skipped)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=["write", "read"])
    parser.add_argument("path", type=Path)
    parser.add_argument("--size-mb", type=int, default=100)
    args = parser.parse_args()
    if args.action == "write":
        write(args.path, args.size_mb)
    else:
        read(args.path)


if __name__ == "__main__":
    sys.exit(main())
