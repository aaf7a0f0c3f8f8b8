"""The downloads stage alone: Word documents and exports for a catalogue folder, in CPU seconds.

    .venv/bin/python bench/downloads.py CATALOG [CACHE]

Give CACHE (an empty folder) twice to see a cold and then a warm cache; the digest of all the
files is printed so runs can be compared byte for byte.
"""

import hashlib
import sys
import time
from pathlib import Path

from generator.briefing import documents
from generator.check import check_catalog
from generator.export import exports

catalog_dir = Path(sys.argv[1])
cache = Path(sys.argv[2]) if len(sys.argv) > 2 else None
start = time.process_time()
catalog = check_catalog(catalog_dir).catalog
checked = time.process_time()
print(f"check {checked - start:.1f} CPU-s", flush=True)
docs = documents(catalog, cache)
made = time.process_time()
print(f"documents {made - checked:.1f} CPU-s, {len(docs)} files, {sum(map(len, docs.values())) / 1e6:.1f} MB", flush=True)
files = exports(catalog, cache=cache)
done = time.process_time()
print(f"exports {done - made:.1f} CPU-s, " + ", ".join(f"{k} {len(v) / 1e6:.1f} MB" for k, v in files.items()))
digest = hashlib.sha256()
for name, data in sorted({**docs, **files}.items()):
    digest.update(name.encode() + b"\0" + data)
print(f"downloads {done - checked:.1f} CPU-s, digest {digest.hexdigest()[:16]}")
