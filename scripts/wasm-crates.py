#!/usr/bin/env python3
"""The wasm's bytes per crate, from `twiggy top --format csv` of rustc's output (which keeps
its function names; the served file has none). Prints markdown table rows, largest first:
`| crate | bytes | share |`. Called by scripts/bench.sh.

Names and debug sections are left out (never served), and so are wasm-bindgen's type
descriptions (it removes them). A function's crate is the first segment of its path:
`<T as Trait>::f` counts for the crate of `T`, `<_ as Trait>::f` (a blanket implementation)
for the trait's, closures and shims for the crate they are in. What is not a function (data
segments, tables) is reported as such.
"""
import csv
import re
import sys
from collections import Counter

# `crate[hash]::path` (rustc's v0 names as wasm-ld writes them) or `crate::path`.
CRATE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(\[[0-9a-f]+\])?::")


def crate_of(name: str) -> str | None:
    """The crate a function or data item counts for; None for what is never served."""
    if name.startswith("custom section") or "subsection" in name:
        return None  # names and debug info: wasm-opt drops them from the served file
    if name.startswith("data segment") or name.startswith("data["):
        return "(data: strings, tables, constants)"
    if name.startswith("elem[") or name.startswith("table[") or name.startswith("type["):
        return "(function table and types)"
    if "__wbindgen_describe" in name:
        return None  # type descriptions wasm-bindgen reads and removes
    body = name.lstrip("<&*( ").removeprefix("dyn ").removeprefix("mut ")
    # `<_ as Trait>::f`: a blanket implementation, counted for the trait's crate.
    body = body.removeprefix("_ as ")
    m = CRATE.match(body)
    if not m:
        # An unqualified name: a wasm-bindgen import, a libc symbol, a compiler intrinsic.
        return "(imports, intrinsics, glue)"
    return m.group(1)


def main() -> None:
    sizes = Counter()
    total = 0
    for row in csv.DictReader(sys.stdin):
        name = row.get("Name") or row.get("name") or ""
        size = int(row.get("ShallowSize") or row.get("shallow_size") or 0)
        if name.startswith("Σ") or name.startswith("... and"):
            continue
        crate = crate_of(name)
        if crate is None:
            continue
        sizes[crate] += size
        total += size
    for crate, size in sizes.most_common(25):
        print(f"| {crate} | {size:,} | {100 * size / total:.1f} % |")
    rest = total - sum(s for _, s in sizes.most_common(25))
    if rest:
        print(f"| (all other crates) | {rest:,} | {100 * rest / total:.1f} % |")
    print(f"| code and data of rustc's output (before wasm-bindgen and wasm-opt) | {total:,} | 100 % |")


if __name__ == "__main__":
    main()
