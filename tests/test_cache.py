"""The content-addressed cache: keys follow their inputs, entries are whole, nothing is kept without a folder."""

from generator.cache import Cache, content_key


def test_key_changes_with_any_input_and_with_how_inputs_split():
    assert content_key("a", "b") == content_key("a", "b")
    assert content_key("a", "b") != content_key("a", "c")
    assert content_key("ab", "c") != content_key("a", "bc")
    assert content_key(b"x") == content_key("x")


def test_entries_survive_between_instances_and_are_made_once(tmp_path):
    made = []
    first = Cache(tmp_path, "pages")
    assert first.get_or_make(content_key("p"), lambda: made.append(1) or b"<html>") == b"<html>"
    again = Cache(tmp_path, "pages")
    assert again.get_or_make(content_key("p"), lambda: made.append(2) or b"other") == b"<html>"
    assert made == [1] and (again.hits, again.misses) == (1, 0)
    assert not list(tmp_path.rglob(".tmp-*"))  # atomic writes leave no temporary files


def test_without_a_folder_nothing_is_remembered(tmp_path):
    cache = Cache(None, "pages")
    cache.put(content_key("p"), b"x")
    assert cache.get(content_key("p")) is None


def test_a_value_kept_as_a_file_is_written_once(tmp_path):
    cache = Cache(tmp_path, "downloads")
    path = cache.keep(b"%PDF")
    assert path.read_bytes() == b"%PDF" and cache.keep(b"%PDF") == path
    stamp = path.stat().st_mtime_ns
    assert Cache(tmp_path, "downloads").keep(b"%PDF").stat().st_mtime_ns == stamp  # not rewritten
    assert cache.keep(b"other") != path
    assert Cache(None, "downloads").keep(b"%PDF") == b"%PDF"  # no folder: the bytes themselves
    made = []
    again = Cache(tmp_path, "word")
    first = again.file(content_key("d"), lambda: made.append(1) or b"docx")
    assert again.file(content_key("d"), lambda: made.append(2) or b"other") == first
    assert made == [1] and first.read_bytes() == b"docx" and (again.hits, again.misses) == (1, 1)


def test_a_run_writes_one_pack_not_a_file_per_entry(tmp_path):
    cache = Cache(tmp_path, "pages")
    for n in range(50):
        cache.put(content_key(str(n)), f"page {n}".encode())
    assert [p.suffix for p in (tmp_path / "pages").iterdir()] == [".pack"]
    again = Cache(tmp_path, "pages")
    assert [again.get(content_key(str(n))) for n in range(50)] == [f"page {n}".encode() for n in range(50)]
    assert again.count() == 50


def test_a_pack_cut_short_or_damaged_gives_back_only_whole_sound_entries(tmp_path):
    cache = Cache(tmp_path, "check")
    cache.put(content_key("a"), b"first entry")
    cache.put(content_key("b"), b"second entry")
    pack = next((tmp_path / "check").glob("*.pack"))
    data = pack.read_bytes()
    pack.write_bytes(data[:-3])  # an interrupted run
    cut = Cache(tmp_path, "check")
    assert cut.get(content_key("a")) == b"first entry" and cut.get(content_key("b")) is None
    pack.write_bytes(data.replace(b"first entry", b"FIRST entry"))  # same length, other bytes
    damaged = Cache(tmp_path, "check")
    assert damaged.get(content_key("a")) is None and damaged.get(content_key("b")) == b"second entry"
    assert damaged.get_or_make(content_key("a"), lambda: b"made again") == b"made again"
    pack.write_bytes(b"{broken")
    assert Cache(tmp_path, "check").get(content_key("b")) is None  # not a pack at all: nothing trusted


def test_many_runs_packs_are_merged_without_losing_an_entry(tmp_path, monkeypatch):
    import generator.cache as cache_module

    monkeypatch.setattr(cache_module, "SETTLED", -1.0)  # every pack counts as finished
    runs = 3 * cache_module.MAX_PACKS
    for n in range(runs):
        Cache(tmp_path, "segments").put(content_key(str(n)), str(n).encode())
        assert len(list((tmp_path / "segments").glob("*.pack"))) <= cache_module.MAX_PACKS + 1
    merged = Cache(tmp_path, "segments")
    assert [merged.get(content_key(str(n))) for n in range(runs)] == [str(n).encode() for n in range(runs)]
    assert merged.count() == runs


def test_another_generations_packs_and_files_go_once_settled(tmp_path, monkeypatch):
    import os
    import time

    import generator.cache as cache_module

    monkeypatch.setattr(cache_module, "generation", lambda: "0123456789ab")  # an older generator
    old = Cache(tmp_path, "downloads")
    old.put(content_key("a"), b"old entry")
    old_file = old.keep(b"old download")
    monkeypatch.undo()
    folder = tmp_path / "downloads"
    left = sorted(p.name for p in folder.iterdir())
    assert len(left) == 2 and all(name.startswith("0123456789ab") for name in left)
    assert Cache(tmp_path, "downloads").get(content_key("a")) is None  # never another generation's entry
    assert old_file.exists()  # a run of the other version may still be writing: left for now
    hour_ago = time.time() - 3600
    for name in left:
        os.utime(folder / name, (hour_ago, hour_ago))
    current = Cache(tmp_path, "downloads")
    kept = current.keep(b"new download")
    current.put(content_key("b"), b"new entry")
    assert not old_file.exists() and not any(p.name.startswith("0123456789ab") for p in folder.iterdir())
    assert kept.read_bytes() == b"new download" and Cache(tmp_path, "downloads").get(content_key("b")) == b"new entry"
    assert Cache(tmp_path, "downloads").count() == 2
