#!/usr/bin/env python3
"""Benchmark: a 1M-row AT&T CSV written as UTF-16 LE with a BOM, banner lines before the header, and
every 10,000 records a ``Page N of M`` footer and the header again, closing with a totals line and an
end-of-report line, through ``raybench ingest``.

Prints wall seconds, rows/s and peak PSS summed over the ingest process and all its descendants (the
embedded Ray's GCS, raylet and every worker; sampled every 0.2 s from outside with psutil), and checks
the accounting (rows read = stored + quarantined = rows written; junk lines counted per reason). The file
is made once, streamed (cached under ``~/.cache/raybench``). Not a test: run it by hand.

    .venv/bin/python scripts/bench_utf16.py --rows 1000000
"""

from __future__ import annotations

import argparse
import os
import tempfile

import psutil

from raybench.generate.production import GENERATOR_VERSION, file_name, generate_file
from raybench.harness.peers import measure_ingest
from raybench.harness.run import default_cache_dir

PAGE_RECORDS = 10_000
BANNERS = ("AT&T Mobility - Call Detail Report", "Prepared for: subpoena response 2024-0417",
           "Target number: (212) 555-0100")


def make_utf16(src: str, dst: str, rows: int) -> dict:
    """Stream ``src`` (UTF-8, header first) into ``dst`` (UTF-16 LE with BOM) with banners and footers
    (page breaks fall between records, never inside a quoted field that holds a newline).

    Returns:
        The junk lines written per reason.
    """
    pages = -(-rows // PAGE_RECORDS)
    with open(src, encoding="utf-8", newline="") as fin, open(dst + ".part", "wb") as fout:
        fout.write(b"\xff\xfe")
        header = fin.readline()
        out = [line + "\r\n" for line in BANNERS] + [header.rstrip("\n") + "\r\n"]
        n = 0
        quoted = False  # inside a quoted field that holds a newline (AT&T's (D) second line)
        for line in fin:
            out.append(line.rstrip("\n") + "\r\n")
            quoted ^= line.count('"') % 2 == 1
            if quoted:
                continue
            n += 1
            if n % PAGE_RECORDS == 0 and n < rows:
                out += [f"Page {n // PAGE_RECORDS} of {pages}\r\n", header.rstrip("\n") + "\r\n"]
            if len(out) >= 50_000:
                fout.write("".join(out).encode("utf-16-le"))
                out = []
        out += [f"Page {pages} of {pages}\r\n", f"Total records: {n:,}\r\n", "*** End of Report ***\r\n"]
        fout.write("".join(out).encode("utf-16-le"))
    os.replace(dst + ".part", dst)
    return {"banner": len(BANNERS), "header": 1, "repeated_header": pages - 1, "footer": pages + 2}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()

    folder = os.path.join(default_cache_dir(), f"bench-utf16-v{GENERATOR_VERSION}")
    src = os.path.join(folder, file_name("att_mobility_voice", args.rows, args.seed, 0.0))
    dst = src.replace(".csv", "-utf16-paged.csv")
    if not os.path.exists(dst):
        if not os.path.exists(src):
            print(f"generating {args.rows} rows ...", flush=True)
            generate_file("att_mobility_voice", folder, rows=args.rows, seed=args.seed)
        make_utf16(src, dst, args.rows)
    pages = -(-args.rows // PAGE_RECORDS)
    want_skipped = {"banner": len(BANNERS), "header": 1, "repeated_header": pages - 1, "footer": pages + 2}
    env = dict(os.environ, RAY_AUTH_MODE=os.environ.get("RAY_AUTH_MODE", "disabled"))
    with tempfile.TemporaryDirectory() as tmp:
        m, result = measure_ingest(dst, os.path.join(tmp, "u16.duckdb"), os.path.join(tmp, "r.json"),
                                   workers=args.workers, env=env)
    f = result["files"][0]
    gib = 2**30
    print(f"file: {dst} ({os.path.getsize(dst) / 2**20:.0f} MiB, {f['encoding']}, {args.rows} rows)")
    print(f"machine: {os.cpu_count()} CPUs, {psutil.virtual_memory().total / gib:.0f} GiB")
    print(f"status {f['status']}; rows read {f['rows_read']}, stored {f['rows_stored']}, quarantined "
          f"{f['rows_quarantined']}; lines skipped {f['lines_skipped']} (written: {want_skipped})")
    ok = (f["rows_read"] == args.rows == f["rows_stored"] + f["rows_quarantined"]
          and f["lines_skipped"] == {k: v for k, v in want_skipped.items() if v})  # a reason with 0 lines is absent
    print(f"accounting {'holds' if ok else 'WRONG'}")
    print(f"wall_s {m['wall_s']:.1f}  rows_per_s {args.rows / m['wall_s']:,.0f}  "
          f"peak_pss_GiB {m['pss_bytes_peak'] / gib:.2f}")
    print("phases_s: " + ", ".join(f"{k} {v:.1f}" for k, v in result.get("phases_s", {}).items()))


if __name__ == "__main__":
    main()
